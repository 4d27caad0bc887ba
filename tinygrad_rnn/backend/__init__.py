"""Speed machinery below the ops, numpy only: BLAS thread choice, reusable scratch arrays, the
fast gradient accumulator (sparse slice gradients, buffer ownership) that the engine plugs in,
a cheaper numpy error state for the backward pass (errstate.py), a cheaper broadcast view of a
number (broadcast.py), and two numpy functions without their dispatch layer (undispatched.py).

Nothing here changes a number: each piece is a drop-in for a plain way of doing the same thing.
It imports nothing of the package.
"""

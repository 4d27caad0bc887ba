"""Speed machinery below the ops, numpy only: BLAS thread choice, reusable scratch arrays, and the
fast gradient accumulator (sparse slice gradients, buffer ownership) that the engine plugs in.

Nothing here changes a number: each piece is a drop-in for a plain way of doing the same thing.
It imports nothing of the package.
"""

"""`SequenceFunction`: the pattern shared by the fused whole-sequence kernels (RNN, LSTM, GRU).

Run op by op, an RNN over L steps leaves a few graph nodes per step, and each node costs far more in
Python than the tiny matrix products it wraps. A fused kernel is ONE node for a whole layer and
direction over the whole sequence:

- `forward` works on numpy arrays: one matrix product projects the input of every step at once,
  then a time loop of in-place numpy calls (`np.matmul(..., out=buf)`) runs the recurrence;
- `backward_arrays` is backpropagation through time written by hand on numpy arrays; inside the
  loop it only carries the gradient of the hidden state, and the weight and input gradients are
  each ONE large matrix product after the loop;
- `composed` is the same math written with Tensor ops (the op-by-op path learners read).

A subclass writes those three (and `run_composed`, if its arguments are not composed's). This
base class supplies `backward`, which uses the hand-written
arrays unless a gradient of the gradient is being recorded (`create_graph=True`): numpy arrays
cannot be differentiated again, so then it runs `composed` on the saved inputs and differentiates
that instead. Slower, but exactly as differentiable as the composed path. Forward-mode AD
(`jvp`) likewise runs `composed`, carrying the tangents through its ops.

The subclass's `forward` must call `ctx.save_for_backward(*args, *extra)` with ALL its arguments
first, in order (that is what the fallback re-runs), followed by whatever else backward needs.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import forward_mode
from ..core.engine import grad
from ..core.function import Function
from ..core.modes import modes
from ..core.tensor import Tensor


class SequenceFunction(Function):
    """A whole-sequence op with a hand-written numpy backward and a composed fallback."""

    # True on a node that saved its output tensor, so that an in-place change of the output makes
    # backward raise (torch's oneDNN LSTM node does). Otherwise the output shares memory with what
    # backward reads, and nn's run_variant gives it a copy of its own.
    saves_output = False

    @staticmethod
    def composed(*args: Any) -> tuple:
        """The same outputs as `forward`, computed with differentiable Tensor ops."""
        raise NotImplementedError

    @classmethod
    def run_composed(cls, args: tuple) -> tuple:
        """`composed` on the node's own arguments (a node that packs some of them into one
        argument unpacks them here)."""
        return cls.composed(*args)

    @staticmethod
    def backward_arrays(ctx: Any, *grad_outputs: np.ndarray) -> tuple:
        """One numpy gradient (or None) per forward argument, from numpy output gradients."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Tensor) -> tuple:
        # create_graph=True, or forward-mode AD on (the gradients may carry tangents): the gradient
        # must be computed with Tensor ops
        if modes.grad_enabled or modes.dual_level is not None:  # (grad_mode.is_grad_enabled(), a call fewer)
            return _differentiate_composed(ctx, grad_outputs)
        grads = type(ctx).backward_arrays(ctx, *[g._data for g in grad_outputs])  # (lists, not generators:
        return tuple([None if g is None else Tensor._make(g) for g in grads])  # a generator resumes per item)

    @staticmethod
    def jvp(ctx: Any, *tangents: Any) -> tuple:
        """Forward mode runs the composed path on the saved inputs, carrying the tangents op by op."""
        return _tangents_by_running(lambda *args: type(ctx).run_composed(args), ctx.saved_tensors[:len(tangents)],
                                    tangents)


def _differentiate_composed(ctx: Any, grad_outputs: tuple) -> tuple:
    """The input gradients, as a graph: re-run the composed path on the saved inputs and
    differentiate it with `create_graph=True`."""
    needs = ctx.needs_input_grad
    args = ctx.saved_tensors[:len(needs)]
    # An alias gives each argument its own place in the graph, so a tensor passed twice (say as
    # both biases) gets the gradient of each use separately, as the fused backward returns them.
    args = tuple(a.view_as(a) if n else a for a, n in zip(args, needs))
    outputs = type(ctx).run_composed(args)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    wanted = [a for a, n in zip(args, needs) if n]
    found = iter(grad([o for o, _ in pairs], wanted, [g for _, g in pairs], create_graph=True, allow_unused=True))
    return tuple(next(found) if n else None for n in needs)


def _tangents_by_running(fn: Any, args: tuple, tangents: tuple) -> tuple:
    """The tangents of fn(*args)'s outputs along `tangents`, found by running fn op by op in a dual
    level of its own: the rule of an op that has a composed form (the fused RNN kernels)."""
    outer, modes.dual_level = modes.dual_level, object()  # a fresh level key, seen by nothing else
    try:
        duals = []
        for a, t in zip(args, tangents):
            if forward_mode.given(t):  # (an input without a tangent stays plain: no work on zeros)
                a = a.view_as(a)  # an alias in the graph, so a tangent computed here differentiates too
                forward_mode.set_tangent(a, modes.dual_level, t)
            duals.append(a)
        outputs = fn(*duals)
        found = [forward_mode.tangent_at(o, modes.dual_level) for o in outputs]
        return tuple(Tensor._make(np.zeros_like(o._data)) if t is None else t for o, t in zip(outputs, found))
    finally:
        modes.dual_level = outer

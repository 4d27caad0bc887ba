"""Activations that are linear between kinks (leaky_relu, hardtanh, the shrinks, threshold, rrelu): one node each.

Between the kinks the gradient is `g` times a constant: `g` where a mask of x holds, `g * slope` (or 0) elsewhere.
torch records that gradient as a node of x as well as of `g` (HardtanhBackwardBackward0, ...), though x only picks
the mask. So with create_graph=True the first gradient requires grad, and a second derivative is zero (the slopes are
constant) rather than an error about a tensor that does not require grad.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...backend.errstate import quiet_floats
from ...core.function import Function
from ...core.tensor import Tensor


def _masked(g: np.ndarray, keep: np.ndarray, slope: Any) -> np.ndarray:
    """g where keep; elsewhere g * slope, or 0 when slope is None (0 even where g is NaN, as torch's kernels).
    A float16 g is multiplied in float32 and rounded once."""
    if slope is None:
        return np.where(keep, g, g.dtype.type(0))
    scaled = (g.astype(np.float32) * slope).astype(np.float16) if g.dtype == np.float16 else g * slope
    return np.where(keep, g, scaled)


class PiecewiseLinear(Function):
    """y, computed by the caller from x; its gradient is `g` where `keep`, else `g * slope` (0 for None)."""

    @staticmethod
    def node_name(x: Tensor, y: np.ndarray, keep: np.ndarray, slope: Any, name: str) -> str:
        return name

    @staticmethod
    def forward(ctx, x, y, keep, slope, name):
        ctx.save_for_backward(x)  # only as an edge: the gradient's node hangs off x, as torch's does
        ctx.keep, ctx.slope = keep, slope
        return Tensor._make(y)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        # torch names the gradient's node after this one (HardtanhBackward0 -> HardtanhBackwardBackward0),
        # read at backward time: a public function may have renamed this node (rrelu is a leaky_relu)
        grad_name = ctx.name().rstrip("0123456789") + "Backward0"
        return SlopeTimesGrad.apply(g, x, ctx.keep, ctx.slope, grad_name), None, None, None, None

    @staticmethod
    def jvp(ctx, tx, ty, tkeep, tslope, tname):  # linear between the kinks: the tangent gets the gradient's slopes
        return Tensor._make(_masked(tx._data, ctx.keep, ctx.slope))


class SlopeTimesGrad(Function):
    """The gradient of a PiecewiseLinear: linear in g, flat in x (x only chose the mask)."""

    @staticmethod
    def node_name(g: Tensor, x: Tensor, keep: np.ndarray, slope: Any, name: str) -> str:
        return name

    @staticmethod
    def forward(ctx, g, x, keep, slope, name):
        ctx.save_for_backward(x)
        ctx.keep, ctx.slope, ctx.grad_name = keep, slope, name
        return Tensor._make(_masked(g._data, keep, slope))

    @staticmethod
    def backward(ctx, gg):
        (x,) = ctx.saved_tensors
        grad_g = SlopeTimesGrad.apply(gg, x, ctx.keep, ctx.slope, ctx.grad_name) if ctx.needs_input_grad[0] else None
        grad_x = Tensor._make(np.zeros_like(x._data)) if ctx.needs_input_grad[1] else None
        return grad_g, grad_x, None, None, None

    @staticmethod
    def jvp(ctx, tg, tx, tkeep, tslope, tname):  # linear in g, flat in x
        (x,) = ctx.saved_tensors
        return Tensor._make(np.zeros_like(x._data) if tg is None else _masked(tg._data, ctx.keep, ctx.slope))


def piecewise_linear(x: Tensor, value_of: Callable[[np.ndarray], np.ndarray], keep: np.ndarray, slope: Any,
                     name: str) -> Tensor:
    """value_of(x) for a function linear between kinks, as one node named `name` (torch's name for it).

    keep and slope give its gradient (see PiecewiseLinear). A float16 x is computed in float32 and rounded once,
    as torch's kernels do."""
    data = x._data
    with quiet_floats():  # inf * slope and the like, which torch computes without a word
        y = value_of(data.astype(np.float32)).astype(np.float16) if data.dtype == np.float16 else value_of(data)
    return PiecewiseLinear.apply(x, y, keep, slope, name)

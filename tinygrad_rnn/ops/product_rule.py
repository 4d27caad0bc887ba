"""The terms a product rule's jvp leaves out, put back the way torch's graph has them.

A product's tangent is d(a b) = da b + a db. When an operand has no tangent (a tensor that is not
dual, or a number), our rules leave its term out: no product with zeros. torch instead computes
every term, a missing tangent standing in as a zero tensor, and adds them. In grad mode that makes
its tangent an `AddBackward0` node, in the graph of the primal that multiplies the missing tangent
(whose gradient there is zero: `w.grad` becomes zeros). `with_missing_terms` adds such a zero term
back only when grad mode would record it, so the printed tangent (`grad_fn=<AddBackward0>`), its
`requires_grad` and the gradients reverse mode gives through it are torch's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.function import Function
from ..core.modes import modes
from ..core.tensor import Tensor


class ZeroTerm(Function):
    """Zeros of the tangent's shape, standing for `primal * (a missing tangent)`: its gradient to the
    primal is zeros, as through torch's zero tensor."""

    @staticmethod
    def forward(ctx, primal, shape, dtype):
        ctx.primal_shape, ctx.primal_dtype = primal._data.shape, primal._data.dtype
        return Tensor._make(np.zeros(shape, dtype))

    @staticmethod
    def backward(ctx, g):
        return Tensor._make(np.zeros(ctx.primal_shape, ctx.primal_dtype)), None, None


def with_missing_terms(total: Tensor, *partners: Any) -> Tensor:
    """`total` (the terms a rule computed) plus a zero term for each operand without a tangent,
    given by its partner (the primal that multiplies the missing tangent; None for a term that is
    the tangent alone, as addmm's input), when grad mode would record the sum: `total` or a
    partner requires grad."""
    if not partners or not modes.grad_enabled:
        return total
    linked = [p for p in partners if isinstance(p, Tensor) and p.requires_grad]
    if not linked and not total.requires_grad:
        return total
    shape, dtype = total._data.shape, total._data.dtype
    for p in linked or [None]:
        total = total + (ZeroTerm.apply(p, shape, dtype) if p is not None else Tensor._make(np.zeros(shape, dtype)))
    return total

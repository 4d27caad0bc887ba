"""Which backward formulas batch natively: the table `batching.batched_grad` consults.

A batched gradient has one extra leading dimension (the batch). For a node listed here, the whole
batch goes through one backward call; every other node runs its backward once per batch element
(always correct, only slower). Every entry is checked against that per-element loop in
tests/func/test_func_batching_rules.py, and gradcheck's `check_batched_grad` checks them again
on every graph it sees.

- `NATIVE_BACKWARD`: classes whose own backward is already right with the extra dimension:
  formulas that multiply the gradient elementwise by something of the input's shape, or
  matrix-multiply it, so the leading dimension broadcasts through. (The engine-like step after
  each node sums a gradient back to (batch, *input shape).)
- `RULES`: a batched backward written for a class whose own backward assumes the unbatched
  shape (a reshape to the input's shape, a fused kernel writing into a buffer of the input's
  shape). A rule returns None to send one node to the loop.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.engine import SumToShape
from ..core.tensor import Tensor
from ..ops import cast, linalg, pointwise, reduce, shape

NATIVE_BACKWARD: set[type] = {
    pointwise.Add, pointwise.Sub, pointwise.Rsub, pointwise.Mul, pointwise.Div, pointwise.Neg, pointwise.Pow, pointwise.Exp,
    pointwise.Log, pointwise.Log1p, pointwise.Log2, pointwise.Log10, pointwise.Expm1, pointwise.Sqrt,
    pointwise.Rsqrt, pointwise.Reciprocal, pointwise.Sin, pointwise.Cos, pointwise.Tan, pointwise.Sinh,
    pointwise.Cosh, pointwise.Asin, pointwise.Acos, pointwise.Atan, pointwise.Erf, pointwise.Abs, pointwise.Relu,
    pointwise.Clamp, pointwise.Maximum, pointwise.Where, pointwise.MaskedFill, pointwise.Clone, cast.Cast,
    linalg.MatMulNT, linalg.MatMulTN, shape.Expand,
}


def _matmul(ctx: Any, g: Tensor) -> Any:
    """g @ b^T and a^T @ g broadcast over g's batch dimension when both operands are matrices;
    with a vector operand matmul's backward reshapes g to a fixed shape: the loop takes it."""
    a, b = ctx.saved_tensors  # (an operand whose partner needs no gradient is not saved)
    if len(ctx.shapes[0]) < 2 or len(ctx.shapes[1]) < 2:
        return None
    return (linalg.MatMulNT.apply(g, b) if ctx.needs_input_grad[0] else None,
            linalg.MatMulTN.apply(a, g) if ctx.needs_input_grad[1] else None)


def _tanh(ctx: Any, g: Tensor) -> Any:
    """The fused tanh backward writes into a buffer of y's shape: give it y broadcast to g's."""
    (y,) = ctx.saved_tensors
    return pointwise.TanhBackward.apply(g, y.expand(*g.shape))


def _sigmoid(ctx: Any, g: Tensor) -> Any:
    (y,) = ctx.saved_tensors
    return pointwise.SigmoidBackward.apply(g, y.expand(*g.shape))


def _reshape(ctx: Any, g: Tensor) -> Any:
    return g.reshape((g.shape[0], *ctx.in_shape)), None


def _permute(ctx: Any, g: Tensor) -> Any:
    return g.permute((0, *(d + 1 for d in ctx.inverse))), None


def _spread(g: Tensor, kept: tuple, in_shape: tuple) -> Tensor:
    """A reduction's gradient (batch, *reduced shape) spread back over (batch, *in_shape)."""
    return g.reshape((g.shape[0], *kept)).expand(g.shape[0], *in_shape)


def _sum(ctx: Any, g: Tensor) -> Any:
    return _spread(g, reduce.kept_shape(ctx.in_shape, ctx.dims), ctx.in_shape), None, None


def _mean(ctx: Any, g: Tensor) -> Any:
    return _spread(g, ctx.kept, ctx.in_shape) / float(max(ctx.count, 1)), None, None


def _sum_to_shape(ctx: Any, g: Tensor) -> Any:
    """The engine's broadcast reduction; its backward expands back to the summed gradient's shape."""
    batch, in_shape = g.shape[0], ctx.in_shape
    aligned = g.reshape((batch, *(1,) * (len(in_shape) - (g.ndim - 1)), *g.shape[1:]))
    return aligned.expand(batch, *in_shape), None, None


RULES: dict[type, Callable[..., Any]] = {
    linalg.MatMul: _matmul, pointwise.Tanh: _tanh, pointwise.Sigmoid: _sigmoid, shape.Reshape: _reshape,
    shape.View: _reshape, shape.Permute: _permute, reduce.Sum: _sum, reduce.Mean: _mean, SumToShape: _sum_to_shape,
}

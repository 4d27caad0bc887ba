"""The few differentiable ops that nn.functional needs and the core ops cannot express well.

Each is a `Function` whose backward is written with Tensor ops, so `create_graph=True` works:

- `EmbeddingLookup`: rows of a weight matrix picked by index (padding row and frequency scaling
  act on the gradient only, so they need their own backward);
- `MseLoss`: one node, as torch's, so `loss.grad_fn.next_functions` leads straight to the inputs
  (the 60 Minute Blitz walks it back to the last Linear layer);
- `BinaryCrossEntropy`: torch clamps the logs at -100 in forward but its backward uses
  `(x - t) / max(x (1 - x), 1e-12)`, which is not the derivative of the clamped forward;
- `LogSigmoid`, `Softplus`: log(1 + e^x)-style functions computed without overflow.
"""
from __future__ import annotations

import numpy as np

from ..backend.accumulate import SliceGrad
from ..core.forward_mode import given
from ..core.function import Function
from ..core.modes import modes
from ..core.tensor import Tensor
from .pointwise import Elementwise, correctly_rounded_float32
from .shape import IndexBackward


def _const(array: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(array))


class EmbeddingLookup(Function):
    """out[...] = weight[indices[...]]. Backward adds each output row's gradient into its weight row."""

    torch_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.key, ctx.shape, ctx.indices = (indices, Ellipsis), weight.shape, indices
        ctx.row_scale = _row_scale(indices, padding_idx, scale_grad_by_freq, weight._data.dtype)
        return Tensor._make(weight._data[indices])

    @staticmethod
    def backward(ctx, g):
        if ctx.row_scale is not None:
            g = g * _const(ctx.row_scale[..., None])
        if modes.grad_enabled or modes.dual_level is not None:  # create_graph, or g may carry a tangent
            return IndexBackward.apply(g, ctx.key, ctx.shape), None, None, None
        return SliceGrad(ctx.key, g, ctx.shape, g.dtype), None, None, None

    @staticmethod
    def jvp(ctx, t_weight, t_indices, t_padding_idx, t_scale):  # the tangent's rows (padding, scaling act on gradients only)
        return EmbeddingLookup.apply(t_weight, ctx.indices, -1, False)


def _row_scale(indices: np.ndarray, padding_idx: int, by_freq: bool, dtype: np.dtype) -> np.ndarray | None:
    """Per-lookup gradient factor: 0 for the padding row, 1/count with scale_grad_by_freq, else None."""
    if padding_idx < 0 and not by_freq:
        return None
    scale = np.ones(indices.shape, dtype)
    if by_freq:
        _, inverse, counts = np.unique(indices, return_inverse=True, return_counts=True)
        scale = np.asarray(scale / counts[inverse.reshape(indices.shape)].astype(dtype))
    if padding_idx >= 0:
        scale[indices == padding_idx] = 0
    return scale


class MseLoss(Function):
    """(input - target)^2, reduced by `reduction` ('none', 'sum' or 'mean'), for inputs of one shape."""

    @staticmethod
    def forward(ctx, x, t, reduction):
        ctx.save_for_backward(x, t)
        ctx.reduction = reduction
        diff = x - t  # (grad mode is off inside forward: the ops below record nothing)
        square = diff * diff
        return square if reduction == "none" else square.sum() if reduction == "sum" else square.mean()

    @staticmethod
    def backward(ctx, g):  # torch's formula: norm * (x - t) * g
        gx = _mse_slope(ctx) * g
        return (gx if ctx.needs_input_grad[0] else None, -gx if ctx.needs_input_grad[1] else None, None)

    @staticmethod
    def jvp(ctx, tx, tt, t_reduction):  # the slope times the tangent of x - t, reduced
        change = _mse_slope(ctx) * (tx - tt if given(tt) else tx)
        return change if ctx.reduction == "none" else change.sum()


def _mse_slope(ctx) -> Tensor:
    """d loss / d x before the upstream gradient: norm * (x - t), norm = 2 / numel for the mean, else 2."""
    x, t = ctx.saved_tensors
    return (x - t) * (2.0 / max(x.numel(), 1) if ctx.reduction == "mean" else 2.0)  # (an empty x: no gradient to scale)


_BCE_EPSILON = float(np.float32(1e-12))  # torch's constant is a C float, even for double tensors


class BinaryCrossEntropy(Function):
    """-[t log x + (1 - t) log(1 - x)] (each log clamped at -100 as torch does), times `weight` (not an
    edge: torch does not differentiate it), reduced by `reduction`: one node, as torch's, so the mean's
    gradient divides by numel last, as torch's does (divided first, it was an ulp off for most inputs)."""

    torch_name = "BinaryCrossEntropyBackward0"

    def _shown_edges(self) -> list:
        """torch lists the input and the target only (the weight is not differentiated)."""
        return self.edges[:2]

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.reduction = weight, reduction
        xa, ta = x._data, t._data
        floor = xa.dtype.type(-100)
        with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped
            log_x, log_1mx = np.maximum(np.log(xa), floor), np.maximum(np.log1p(-xa), floor)
        loss = Tensor._make((ta - 1) * log_1mx - ta * log_x)
        loss = loss if weight is None else loss * weight  # (grad mode is off inside forward)
        return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        gx = gt = None
        if ctx.needs_input_grad[0]:  # torch's formula: finite even at x = 0 or 1
            gx = _bce_scaled(ctx, g * (x - t) / (x * (1 - x)).clamp(min=_BCE_EPSILON))
        if ctx.needs_input_grad[1]:  # d/dt = log(1 - x) - log(x) = -logit(x), which torch computes
            gt = _bce_scaled(ctx, -x.logit() * g)
        return gx, gt, None, None

    @staticmethod
    def jvp(ctx, tx, tt, t_weight, t_reduction):  # each input's part is its backward given the tangent
        x, t = ctx.saved_tensors
        out = tx * (x - t) / (x * (1 - x)).clamp(min=_BCE_EPSILON)
        out = out + tt * ((1 - x).log() - x.log()) if given(tt) else out  # (log 0 = -inf)
        out = out if ctx.weight is None else out * ctx.weight
        return out if ctx.reduction == "none" else out.sum() if ctx.reduction == "sum" else out.mean()


def _bce_scaled(ctx, grad: Tensor) -> Tensor:
    """torch's order: the elementwise gradient (a reduced loss's g broadcast over it), times the weight,
    then divided by numel for the mean."""
    grad = grad if ctx.weight is None else grad * ctx.weight
    return grad / max(grad.numel(), 1) if ctx.reduction == "mean" else grad


_exp = correctly_rounded_float32(np.exp)
_log1p = correctly_rounded_float32(np.log1p)


def _log1p_exp(a: np.ndarray) -> np.ndarray:
    """log(1 + e^a) as torch's kernels compute it, e^a then log1p, each step rounded to a's dtype: for
    float32 the nearest float32, which torch's vector steps nearly always give (logsigmoid and softplus
    then differ from torch's in 5% of float32 inputs, by an ulp, where numpy's float32 functions in 20%)."""
    a = np.asarray(a)  # (a 0-d tensor's arithmetic gives numpy scalars, which `out=` does not take)
    with np.errstate(over="ignore"):  # (e^a beyond the dtype is inf, and so is the result, as torch's)
        return np.asarray(_log1p(np.asarray(_exp(a).astype(a.dtype, copy=False)))).astype(a.dtype, copy=False)


class LogSigmoid(Elementwise):
    """log(sigmoid(x)) = min(x, 0) - log(1 + e^-|x|): no overflow for any x."""

    numpy_fn = staticmethod(lambda a: np.minimum(a, 0) - _log1p_exp(-np.abs(a)))

    @staticmethod
    def grad(g, x):
        return g * (-x).sigmoid()


class Softplus(Function):
    """log(1 + e^(beta x)) / beta, and plain x where beta x > threshold (torch's cut-off)."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x._data * beta
        soft = _log1p_exp(bx) / beta  # (torch's order: beta x > threshold picks x, so e^(beta x) is finite)
        return Tensor._make(np.where(bx > threshold, x._data, soft).astype(x._data.dtype))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        linear = _const((x._data * ctx.beta) > ctx.threshold)
        return g * (x * ctx.beta).sigmoid().masked_fill(linear, 1.0), None, None

    @staticmethod
    def jvp(ctx, tx, t_beta, t_threshold):  # elementwise: backward's factor times the tangent
        return Softplus.backward(ctx, tx)[0]


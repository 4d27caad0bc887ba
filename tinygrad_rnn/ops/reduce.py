"""Reductions (sum, mean, max/min, logsumexp) and the softmax family."""
from __future__ import annotations

import builtins
import functools
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import return_types
from ..argcheck import (
    as_called,
    bool_arg,
    dtype_arg,
    int_arg,
    invalid_combination,
    is_bool_tensor,
    is_int,
    overload_error,
    type_name,
    wrong_out_dtype,
)
from ..backend.blas_threads import blas_threads
from ..backend.broadcast import broadcast_view
from ..backend.errstate import quiet_floats
from ..core import dtypes, engine
from ..core.function import Function, rename
from ..core.modes import modes
from ..core.tensor import Tensor
from ..core.views import mark_view
from ..creation import callers_stacklevel
from ..layout import row_major
from ..overload_table import FUNCTIONS
from . import cpp_sort
from .composite import composite
from .declare import Sample, SampleMaker, away_from_kinks, op
from .decompositions import svdvals
from .pointwise import Div, Exp, Log, exp, maximum, minimum, where
from .promotion import FLOAT_STEP, HALF_STEP, by_number_in_float32, cast_operand
from .shape import Expand, Gather, Reshape, gather_along, normalize_dim, normalize_dims, wrap_dim
from .summation import SERIAL_LIMIT, norm2_squares_sum, norm_terms_sum, torch_order_sum
from .vector_math import SOFTMAX_LANES, exp_f32, half_lane_sum, lane_dot, lane_sum, ordered_dot, ordered_sum


def kept_shape(shape: tuple, dims: tuple) -> tuple:
    """`shape` with the reduced dims set to 1, i.e. the result of keepdim=True."""
    return tuple([1 if i in dims else n for i, n in enumerate(shape)])  # (a list first: no generator, faster)


def sum_array(a: np.ndarray, dims: tuple, keepdim: bool) -> np.ndarray:
    """a summed over dims: in torch's order where ops/summation.py knows it (float32 and float64
    then round as torch's do), else by numpy."""
    total = torch_order_sum(a, dims)
    if total is None:  # np.add.reduce is what ndarray.sum calls, less its Python wrapper (speed)
        total = np.add.reduce(a, axis=dims, dtype=a.dtype, keepdims=keepdim)
        return row_major(total) if type(total) is np.ndarray else total
    return row_major(total.reshape(kept_shape(a.shape, dims)) if keepdim else total)


def _sum_over(a: np.ndarray, axes: tuple) -> np.ndarray:
    return sum_array(a, axes, False)


engine.add_up = _sum_over  # the engine's sums of broadcast gradients round as torch's too


class Sum(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.in_shape, ctx.dims, ctx.keepdim = x._data.shape, dims, keepdim
        return Tensor._make(sum_array(x._data, dims, keepdim))  # (_make wraps a number)

    @staticmethod
    def backward(ctx, g):  # every input element contributed once: spread g back over the dims
        if g._data.ndim:  # (a 0-d g, the gradient of a full sum, broadcasts as it is)
            kept = kept_shape(ctx.in_shape, ctx.dims)
            if g._data.shape != kept:
                g = Reshape.apply(g, kept)
        return spread_gradient(g, ctx.in_shape), None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim):  # linear: the sum of the tangents
        return Sum.apply(tx, ctx.dims, ctx.keepdim)


def spread_gradient(g: Tensor, shape: tuple) -> Tensor:
    """`Expand.apply(g, shape)`: the gradient of a sum, every input element given g.

    In a plain backward() (no graph of the backward recorded, no forward-mode tangents) that
    call comes down to the two lines below, Function.apply's no-grad branch and ViewFunction's
    marking of the view, without making a graph node: ~2 us less per backward() of a loss's
    x.sum(), the same tensor (a read-only broadcast view of g, marked as g's view)."""
    if modes.grad_enabled or modes.dual_level is not None:
        return Expand.apply(g, shape)
    spread = Tensor._make(broadcast_view(g._data, shape))
    mark_view(spread, g)
    return spread


def spread_mean_gradient(g: Tensor, shape: tuple, count: float) -> Tensor:
    """`Div.apply(Expand.apply(g, shape), count)`: the gradient of a mean, every input element given g / count.

    In a plain backward() (no graph of the backward recorded, no forward-mode tangents) the division
    comes down to Div's forward on the broadcast array, without the two nodes' bookkeeping: ~1.5 us
    less per backward() of a loss's x.mean(), the same tensor (a new array, as torch's)."""
    if modes.grad_enabled or modes.dual_level is not None:  # torch divides by a Scalar: its DivBackward1
        return rename(Div.apply(Expand.apply(g, shape), count), "DivBackward1")
    return Tensor._make(by_number_in_float32(np.divide, broadcast_view(g._data, shape), count))


class Mean(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        a = x._data
        ctx.in_shape, ctx.kept, ctx.dims, ctx.keepdim = a.shape, kept_shape(a.shape, dims), dims, keepdim
        ctx.count = count = a.size if len(dims) == a.ndim else math.prod([a.shape[d] for d in dims])
        # (no np.errstate: Function.apply runs every forward with float warnings off, as torch computes)
        if not count:  # the mean of nothing is nan, as torch's
            y = np.sum(a, axis=dims, keepdims=keepdim) * np.nan
        elif a.dtype.kind == "f" and a.dtype.itemsize >= 4:  # torch's CPU mean: the sum, divided
            y = sum_array(a, dims, keepdim) / a.dtype.type(count)
        else:
            y = np.mean(a, axis=dims, keepdims=keepdim)
        return Tensor._make(row_major(np.asarray(y, dtype=a.dtype)))

    @staticmethod
    def backward(ctx, g):  # each element contributed 1/count
        if g._data.ndim and g._data.shape != ctx.kept:
            g = Reshape.apply(g, ctx.kept)
        return spread_mean_gradient(g, ctx.in_shape, float(builtins.max(ctx.count, 1))), None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim):  # linear: the mean of the tangents
        return Mean.apply(tx, ctx.dims, ctx.keepdim)


class Amax(Function):
    """max or min over dims (torch.amax/amin): ties share the gradient."""

    @staticmethod
    def node_name(x, dims, keepdim, largest):
        return "AmaxBackward0" if largest else "AminBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, largest):
        reduce = np.max if largest else np.min
        y = reduce(x._data, axis=dims, keepdims=True)
        ctx.save_for_backward(x)
        ctx.y, ctx.dims, ctx.keepdim = y, dims, keepdim
        return Tensor._make(row_major(np.asarray(y if keepdim else np.squeeze(y, axis=dims))))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        hit = x._data == ctx.y
        share = hit / hit.sum(axis=ctx.dims, keepdims=True)
        return g.reshape(ctx.y.shape) * Tensor._make(share.astype(x._data.dtype)), None, None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim, t_largest):  # the extreme element's tangent; tied ones share
        share = Amax.backward(ctx, Tensor._make(np.ones(ctx.y.shape, tx._data.dtype)))[0]
        return (tx * share).sum(ctx.dims, keepdim=ctx.keepdim)


class SharedByEqual(Function):
    """A value picked out of all of x (the median of everything): the elements equal to it share its
    gradient evenly (NaN ones, when it is NaN), as torch's whole-tensor median and nanmedian do."""

    @staticmethod
    def forward(ctx, x, value):
        ctx.save_for_backward(x)
        ctx.value = value
        return Tensor._make(np.asarray(value, dtype=x._data.dtype))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        data, value = x._data, ctx.value
        hit = np.isnan(data) if value != value else data == value
        return g * Tensor._make((hit / hit.sum()).astype(data.dtype)), None

    @staticmethod
    def jvp(ctx, tx, t_value):  # the mean of the equal elements' tangents
        share = SharedByEqual.backward(ctx, Tensor._make(np.ones((), tx._data.dtype)))[0]
        return (tx * share).sum()


class MaxDim(Function):
    """max/min along one dim; the gradient goes to the returned index only."""

    @staticmethod
    def node_name(x, dim, keepdim, largest):
        return "MaxBackward0" if largest else "MinBackward0"

    @staticmethod
    def forward(ctx, x, dim, keepdim, largest):
        ctx.in_shape, ctx.keepdim = x.shape, keepdim
        if x.ndim == 0:  # a 0-d tensor is its own max (torch accepts dim 0 or -1 for it)
            return Tensor._make(x._data.copy())
        arg = (np.argmax if largest else np.argmin)(x._data, axis=dim, keepdims=True)
        ctx.index, ctx.dim, ctx.dtype = arg, dim, x._data.dtype
        y = np.take_along_axis(x._data, arg, axis=dim)
        return Tensor._make(y if keepdim else np.squeeze(y, axis=dim))

    @staticmethod
    def backward(ctx, g):
        if not ctx.in_shape:
            return g, None, None, None
        onehot = np.zeros(ctx.in_shape, ctx.dtype)
        np.put_along_axis(onehot, ctx.index, 1, axis=ctx.dim)
        return g.reshape(ctx.index.shape).expand(ctx.in_shape) * Tensor._make(onehot), None, None, None

    @staticmethod
    def jvp(ctx, tx, t_dim, t_keepdim, t_largest):  # the tangent at the chosen index
        if not ctx.in_shape:
            return tx
        picked = Gather.apply(tx, ctx.dim, ctx.index)
        return picked if ctx.keepdim else picked.squeeze(ctx.dim)


class LogSumExp(Function):
    torch_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        m = np.max(x._data, axis=dims, keepdims=True, initial=-np.inf)  # -inf: an empty sum's log
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) rows: leave them to np.log
        with quiet_floats():  # log(0) = -inf (and inf - inf = NaN), as torch, without a word
            # each step rounded to x's dtype, as torch's composite (exp_, sum, log_, add_) rounds it: exp and
            # log as our Exp and Log round, the sum in torch's order (numpy's order made 1 in 6 results an
            # ulp off: a normalised row's logsumexp printed 1.6e-07 where torch's gave 5.2e-08)
            e = Exp.numpy_fn(np.asarray(x._data - m)).astype(x._data.dtype, copy=False)  # (np.asarray: 0-d)
            if x._data.dtype == np.float16:  # torch's sum of float16 adds in float32
                total = np.sum(e, axis=dims, keepdims=True, dtype=np.float32).astype(np.float16)
            else:
                total = sum_array(e, dims, True)
            y = Log.numpy_fn(np.asarray(total)).astype(x._data.dtype, copy=False) + m
        out = Tensor._make(row_major(np.asarray(y if keepdim else np.squeeze(y, axis=dims))))
        # Save the output itself, not its array: the softmax below then depends on x through it
        # too, which double backward needs.
        ctx.save_for_backward(x, out)
        ctx.dims, ctx.kept, ctx.keepdim = dims, y.shape, keepdim
        return out

    @staticmethod
    def backward(ctx, g):  # d/dx logsumexp = softmax(x) = exp(x - logsumexp(x))
        x, out = ctx.saved_tensors
        return g.reshape(ctx.kept) * exp(x - out.reshape(ctx.kept)), None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim):  # the softmax-weighted sum of the tangents
        x, out = ctx.saved_tensors
        return (tx * exp(x - out.reshape(ctx.kept))).sum(ctx.dims, keepdim=ctx.keepdim)


def _from_max_shifted(x: Tensor, dim: int, normalise: Callable[[np.ndarray, int], np.ndarray]) -> Tensor:
    """`normalise(x - max(x), dim)`: the shift changes neither softmax nor log_softmax but keeps exp from
    overflowing. An empty x has nothing to normalise (and np.max no identity): it comes back as a copy.
    A float16 x is computed in float32 and rounded once, as torch's kernels do."""
    if x._data.size == 0:
        return Tensor._make(x._data.copy())
    data = row_major(x._data.astype(np.float32) if x._data.dtype == np.float16 else x._data)
    return Tensor._make(normalise(data - np.max(data, axis=dim, keepdims=True), dim).astype(x._data.dtype, copy=False))


def _exp_as_torchs_kernel(shifted: np.ndarray) -> np.ndarray:
    """exp as torch's float32 softmax kernels take it (SLEEF's expf, ops/vector_math.py); float64 by numpy."""
    return exp_f32(shifted) if shifted.dtype == np.float32 else np.exp(shifted)


def _softmax_of_shifted(shifted: np.ndarray, dim: int) -> np.ndarray:
    """exp / sum, rounded as torch's kernels round: along the last dim exp times 1/sum with the sum in
    torch's lane order; along another dim exp / sum, the sum in order and exp correctly rounded."""
    if shifted.dtype not in SOFTMAX_LANES or shifted.ndim == 0:  # (a 0-d x: exp(0) / 1)
        e = np.exp(shifted)
        return e / e.sum(axis=dim, keepdims=True)
    if dim == shifted.ndim - 1:
        e = _exp_as_torchs_kernel(shifted)
        return e * (shifted.dtype.type(1) / lane_sum(e))
    e = _exp_of_columns(shifted, dim)
    return e / ordered_sum(e, dim)


def _exp_of_columns(shifted: np.ndarray, dim: int) -> np.ndarray:
    """exp as torch's kernel along a dim that is not the last takes it: it walks the (outer, inner)
    columns, whole vectors of them with the vector exp (float32: SLEEF's), the others with the scalar
    one (the nearest float)."""
    e = _nearest_exp(shifted)
    if shifted.dtype != np.float32:
        return e
    outer, inner = int(np.prod(shifted.shape[:dim])), int(np.prod(shifted.shape[dim + 1:]))
    in_vector = _half_softmax_columns(outer, inner, SOFTMAX_LANES[shifted.dtype]).reshape(outer, 1, inner)
    in_vector = np.broadcast_to(in_vector, (outer, shifted.shape[dim], inner)).reshape(shifted.shape)
    e[in_vector] = exp_f32(shifted[in_vector])
    return e


def _nearest_exp(x: np.ndarray) -> np.ndarray:
    """exp rounded from float64 for float32 (the correctly rounded float, as glibc's scalar expf gives)."""
    return np.exp(x.astype(np.float64)).astype(np.float32) if x.dtype == np.float32 else np.exp(x)


def _nearest_log(x: np.ndarray) -> np.ndarray:
    return np.log(x.astype(np.float64)).astype(np.float32) if x.dtype == np.float32 else np.log(x)


def _half_softmax_of_shifted(shifted: np.ndarray, dim: int) -> np.ndarray:
    """softmax of a float16 tensor (as float32 `shifted`) along a dim that is not the last, as torch's
    CPU kernel rounds it (measured bit for bit). The kernel walks the (outer, inner) columns in
    float32; where a column is in a whole vector step it divides exp by the sum and rounds once, in its
    scalar tail it first stores exp as float16 and divides that (one ulp off about 1 time in 15).
    exp is taken in float64 and rounded: the correctly rounded float32 that torch's exp nearly always
    gives (numpy's float32 exp is an ulp off more often)."""
    e = np.exp(shifted.astype(np.float64)).astype(np.float32)
    total = np.cumsum(e, axis=dim).take([-1], axis=dim)  # in order, one element after the other, as torch
    rounded_once = (e / total).astype(np.float16)
    rounded_twice = (e.astype(np.float16).astype(np.float32) / total).astype(np.float16)
    outer, inner = int(np.prod(shifted.shape[:dim])), int(np.prod(shifted.shape[dim + 1:]))
    in_vector = _half_softmax_columns(outer, inner).reshape(outer, 1, inner)
    return np.where(np.broadcast_to(in_vector, (outer, shifted.shape[dim], inner)).reshape(shifted.shape),
                    rounded_once, rounded_twice)


def _half_softmax_columns(outer: int, inner: int, step: int = FLOAT_STEP) -> np.ndarray:
    """Which of the outer * inner columns (flat) torch's float16 softmax kernel computes in a vector step
    (`step` columns at a time: two float vectors, 32 with AVX512 and 16 with AVX2, measured; the float32
    kernel walks them the same way, one vector at a time).
    It splits the columns into one even chunk per thread (torch.get_num_threads(); grain size 0), and
    each thread takes `step` columns at a time while they stay within one chunk and one inner row;
    the columns left over (to the end of the row or of the chunk) go through its scalar loop."""
    n = outer * inner
    in_vector = np.zeros(n, dtype=bool)
    chunk = -(-n // blas_threads()) if n > 1 else 1  # (no columns: no chunks)
    for begin in range(0, n, chunk):
        end, column = builtins.min(n, begin + chunk), begin
        while column < end:
            row_left = inner - column % inner
            if step <= row_left and column + step <= end:
                in_vector[column:column + step] = True
                column += step
            else:
                column += end - column if column + step > end else row_left
    return in_vector


def _log_softmax_of_shifted(shifted: np.ndarray, dim: int) -> np.ndarray:
    """shifted - log(sum(exp)), with the sum added and exp taken as torch's kernels do (see softmax)."""
    if shifted.dtype not in SOFTMAX_LANES or shifted.ndim == 0:  # (a 0-d x: exp(0) / 1)
        return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
    if dim == shifted.ndim - 1:
        return shifted - _nearest_log(lane_sum(_exp_as_torchs_kernel(shifted)))
    return shifted - _nearest_log(ordered_sum(_exp_of_columns(shifted, dim), dim))


def _half_log_softmax_of_shifted(shifted: np.ndarray, dim: int) -> np.ndarray:
    """torch's kernel for the last dim of a float16 tensor keeps the sum, and then its log, in float16
    (measured; along another dim everything stays float32)."""
    total = np.exp(shifted).sum(axis=dim, keepdims=True).astype(np.float16)
    return shifted - np.log(total.astype(np.float32)).astype(np.float16)


def _softmax_backward_arrays(g: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """(g - sum(g y)) y, as torch's kernel computes it (the sum in its order, see _softmax_of_shifted)."""
    if y.dtype == np.float16 and y.ndim:
        return _half_softmax_backward_arrays(g, y, dim)
    if y.dtype != np.float32 or y.ndim == 0:  # (float64: its fused multiply-adds would cost fma64's time)
        gy = np.multiply(g, y, out=np.empty_like(y))  # g y, then in place:
        return np.subtract(gy, y * gy.sum(axis=dim, keepdims=True), out=gy)  # g y - y sum(g y)
    total = lane_dot(g, y) if dim == y.ndim - 1 else ordered_dot(g, y, dim)
    return (g - total) * y


def _log_softmax_backward_arrays(g: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """g - exp(y) sum(g), as torch's kernel computes it (exp and the sum as in _log_softmax_of_shifted)."""
    if y.dtype == np.float16 and y.ndim:
        return _half_log_softmax_backward_arrays(g, y, dim)
    if y.dtype not in SOFTMAX_LANES or y.ndim == 0:
        out = np.exp(y, out=np.empty_like(y))  # the softmax in a fresh buffer, then in place:
        np.multiply(out, g.sum(axis=dim, keepdims=True), out=out)
        return np.subtract(g, out, out=out)
    if dim == y.ndim - 1:
        p, total = _exp_as_torchs_kernel(y), lane_sum(g)
    else:
        p, total = _exp_of_columns(y, dim), ordered_sum(g, dim)
    if y.dtype == np.float32:  # the kernel's g - p * sum is one fused multiply-add: rounded once
        return (g - p.astype(np.float64) * total).astype(np.float32)
    return np.subtract(g, np.multiply(p, total, out=p), out=p)


def _half_softmax_backward_arrays(g: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """softmax's backward of float16 g and y as torch's kernels compute it: in float32, rounded to float16
    once at the end, the sum of g y added as they add it (measured bit for bit)."""
    g, y = g.astype(np.float32), y.astype(np.float32)
    total = half_lane_sum(g * y) if dim == y.ndim - 1 else ordered_sum(g * y, dim)
    return ((g - total) * y).astype(np.float16)


def _half_log_softmax_backward_arrays(g: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """log_softmax's backward of float16 g and y as torch's kernels compute it: in float32, g - exp(y) sum(g)
    as one fused multiply-add, rounded to float16 once (measured bit for bit). exp is SLEEF's vector expf
    (see ops/vector_math.py) where the kernel takes whole vectors of 32, the nearest float in its scalar
    tail: along the last dim every element is in a vector; along another dim a column is when its index
    in the dims after `dim` comes before that size's last partial vector."""
    g, y = g.astype(np.float32), y.astype(np.float32)
    if dim == y.ndim - 1:
        p, total = exp_f32(y), half_lane_sum(g)
    else:
        inner = int(np.prod(y.shape[dim + 1:]))
        in_vector = (np.arange(inner) < inner - inner % HALF_STEP).reshape(y.shape[dim + 1:])
        p, total = np.where(in_vector, exp_f32(y), _nearest_exp(y)), ordered_sum(g, dim)
    return (g - p.astype(np.float64) * total).astype(np.float32).astype(np.float16)


class SoftmaxBackwardData(Function):
    """J^T g = y * (g - sum(g * y)) for y = softmax(x): one node instead of five (speed), as torch's."""

    @staticmethod
    def forward(ctx, g, y, dim):
        ctx.save_for_backward(g, y)
        ctx.dim = dim
        return Tensor._make(_softmax_backward_arrays(g._data, y._data, dim))

    @staticmethod
    def backward(ctx, gg):  # J is symmetric, so d/dg is J gg; d/dy from the product rule
        g, y = ctx.saved_tensors
        dim = ctx.dim
        gg_g = SoftmaxBackwardData.apply(gg, y, dim) if ctx.needs_input_grad[0] else None
        gg_y = None
        if ctx.needs_input_grad[1]:
            gg_y = gg * (g - (g * y).sum(dim, keepdim=True)) - g * (gg * y).sum(dim, keepdim=True)
        return gg_g, gg_y, None

    @staticmethod
    def jvp(ctx, tg, ty, t_dim):  # out = g y - y sum(g y): linear in g, product rule in y
        g, y = ctx.saved_tensors
        dim = ctx.dim
        return (SoftmaxBackwardData.apply(tg, y, dim) + ty * (g - (g * y).sum(dim, keepdim=True))
                - y * (g * ty).sum(dim, keepdim=True))


class LogSoftmaxBackwardData(Function):
    """J^T g = g - exp(y) * sum(g) for y = log_softmax(x): one node instead of four (speed), as torch's."""

    @staticmethod
    def forward(ctx, g, y, dim):
        ctx.save_for_backward(g, y)
        ctx.dim = dim
        return Tensor._make(_log_softmax_backward_arrays(g._data, y._data, dim))

    @staticmethod
    def backward(ctx, gg):  # out = g - p sum(g) with p = exp(y): d/dg = gg - sum(gg p); d/dy = -gg p sum(g)
        g, y = ctx.saved_tensors
        p = exp(y)
        gg_g = gg - (gg * p).sum(ctx.dim, keepdim=True) if ctx.needs_input_grad[0] else None
        gg_y = -(gg * p * g.sum(ctx.dim, keepdim=True)) if ctx.needs_input_grad[1] else None
        return gg_g, gg_y, None

    @staticmethod
    def jvp(ctx, tg, ty, t_dim):  # out = g - p sum(g) with p = exp(y): dout = dg - p sum(dg) - p dy sum(g)
        g, y = ctx.saved_tensors
        p = exp(y)
        return tg - p * tg.sum(ctx.dim, keepdim=True) - p * ty * g.sum(ctx.dim, keepdim=True)


class _MaxShifted(Function):
    """softmax and log_softmax along dim: computed from x - max(x), so exp never overflows; the
    backward is one node of torch's (`backward_node`), which takes the upstream gradient and y."""

    of_shifted: Callable[[np.ndarray, int], np.ndarray]
    backward_node: type[Function]

    @staticmethod
    def forward(ctx, x, dim):
        with quiet_floats():  # a row of -inf (a fully masked attention row) is NaN, as torch, without a word
            y = _from_max_shifted(x, dim, ctx.of_shifted)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return ctx.backward_node.apply(g, y, ctx.dim), None


class Softmax(_MaxShifted):
    of_shifted = staticmethod(_softmax_of_shifted)
    backward_node = SoftmaxBackwardData

    @staticmethod
    def forward(ctx, x, dim):
        if x._data.dtype == np.float16 and dim < x._data.ndim - 1:  # torch's other-dims half kernel
            ctx.of_shifted = _half_softmax_of_shifted
        return _MaxShifted.forward(ctx, x, dim)

    @staticmethod
    def jvp(ctx, tx, t_dim):  # the softmax's Jacobian is symmetric: J t is its backward of t
        (y,) = ctx.saved_tensors
        return SoftmaxBackwardData.apply(tx, y, ctx.dim)


class LogSoftmax(_MaxShifted):
    of_shifted = staticmethod(_log_softmax_of_shifted)
    backward_node = LogSoftmaxBackwardData

    @staticmethod
    def forward(ctx, x, dim):
        if x._data.dtype == np.float16 and dim == builtins.max(x._data.ndim, 1) - 1:  # torch's last-dim half kernel
            ctx.of_shifted = _half_log_softmax_of_shifted
        return _MaxShifted.forward(ctx, x, dim)

    @staticmethod
    def jvp(ctx, tx, t_dim):  # y = x - logsumexp(x): dy = dx - sum(softmax dx)
        (y,) = ctx.saved_tensors
        return tx - (tx * exp(y)).sum(ctx.dim, keepdim=True)


def _product_along_rows(a: np.ndarray, dims: tuple) -> np.ndarray | None:
    """The product of a contiguous float32 or float64 array over its last dim (or all of it, up to torch's
    serial size) in the order of torch's vectorized reduction (Reduce.h's reduction128): four vector
    accumulators over blocks of 4 vectors, combined (a0 * a1) * (a2 * a3), their lanes multiplied in order,
    then the elements after the last whole block one by one. numpy's order was an ulp off torch's for most
    rows of 50 or more; None where torch's order is another (numpy's sequential one matches a reduction
    over the first dim)."""
    if a.dtype not in SOFTMAX_LANES or not a.flags.c_contiguous or not a.size or not a.ndim:
        return None
    if len(dims) == a.ndim and a.size <= SERIAL_LIMIT:
        rows, shape = a.reshape(1, -1), ()
    elif dims == (a.ndim - 1,):
        rows, shape = a.reshape(-1, a.shape[-1]), a.shape[:-1]
    else:
        return None
    lanes = SOFTMAX_LANES[a.dtype]
    block, n = 4 * lanes, rows.shape[1]
    count = n // block
    out = np.ones(rows.shape[0], a.dtype)
    with quiet_floats():  # overflow to inf and 0 * inf as torch's, without a word
        if count:
            blocks = rows[:, :count * block].reshape(rows.shape[0], count, 4, lanes)
            acc = blocks[:, 0].copy()
            for i in range(1, count):
                acc *= blocks[:, i]
            folded = (acc[:, 0] * acc[:, 1]) * (acc[:, 2] * acc[:, 3])
            for j in range(lanes):
                out *= folded[:, j]
        for d in range(count * block, n):
            out *= rows[:, d]
    return out.reshape(shape)


class Prod(Function):
    """Product over dims. d/dx_i = product of the other elements, which is y / x_i unless x has zeros."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.save_for_backward(x)
        ctx.dims, ctx.kept, ctx.keepdim = dims, kept_shape(x.shape, dims), keepdim
        if x._data.dtype == np.float16 and x._data.size:
            return Tensor._make(_half_product(x._data, dims, keepdim))
        in_order = _product_along_rows(x._data, dims)
        if in_order is not None:
            return Tensor._make(np.asarray(in_order.reshape(ctx.kept) if keepdim else in_order))
        # in x's own dtype: numpy would widen bool and small ints, torch keeps prod(dtype=...)'s dtype
        return Tensor._make(row_major(np.asarray(np.prod(x._data, axis=dims, keepdims=keepdim, dtype=x._data.dtype))))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g.reshape(ctx.kept) * _product_of_others(x, ctx.dims), None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim):  # each tangent times the product of the others, summed
        (x,) = ctx.saved_tensors
        return (tx * _product_of_others(x, ctx.dims)).sum(ctx.dims, keepdim=ctx.keepdim)


def _product_of_others(x: Tensor, dims: tuple) -> Tensor:
    """For each element, the product of the other elements in its reduction group.

    Without zeros that is y / x. With zeros it is built from differentiable ops (so higher
    derivatives stay right): lay each group out along one axis of length n and multiply the
    n - 1 rotations of that axis, which puts every other element of the group at each position.
    """
    if x.ndim == 0:  # torch passes a 0-d input's gradient through as it is (even at nan or inf)
        return Tensor._make(np.ones((), x._data.dtype))
    if not (x._data == 0).any():
        return Prod.apply(x, dims, True) / x
    kept = [d for d in range(x.ndim) if d not in dims]
    order = tuple(kept + list(dims))
    moved = x.permute(order)
    n = int(np.prod(moved.shape[len(kept):]))
    groups = moved.reshape(tuple(moved.shape[:len(kept)]) + (n,))
    others = Tensor._make(np.ones(groups.shape, x._data.dtype))
    for shift in range(1, n):
        others = others * groups.roll(shift, -1)
    return others.reshape(moved.shape).permute(tuple(np.argsort(order)))


# The running total's type in torch's CPU scan kernels (at::acc_type<T, false>): float16 adds up in float, float
# in double; each result is rounded back to x's dtype once. (A float32 total kept in float32 drifts: a running sum
# of offsets that should come back to 0 ended at 9.5e-07 where torch's is 1.5e-06.)
_SCAN_ACCUMULATOR = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64}


def _scan(scan: Callable, x: np.ndarray, dim: int) -> np.ndarray:
    """np.cumsum or np.cumprod along dim as torch's kernel runs it: in x's dtype (numpy would widen small
    ints), or for float16 and float32 in the wider accumulator above, each result rounded once."""
    wide, x = _SCAN_ACCUMULATOR.get(x.dtype), row_major(x)
    if wide is not None:
        with np.errstate(over="ignore", invalid="ignore"):  # beyond x's range is inf, as torch, without a word
            return scan(x, axis=dim, dtype=wide).astype(x.dtype)
    return scan(x, axis=dim, dtype=x.dtype)


class Cumsum(Function):
    @staticmethod
    def forward(ctx, x, dim, grad_dtype=None):
        ctx.dim, ctx.grad_dtype = dim, grad_dtype
        return Tensor._make(_scan(np.cumsum, x._data, dim))

    @staticmethod
    def backward(ctx, g):  # output j depends on every input i <= j: a reversed cumulative sum
        if ctx.grad_dtype not in (None, g.dtype):  # cumsum(x, dtype=): torch sums g in x's dtype (float16 rounds)
            g = g.to(ctx.grad_dtype)
        return g.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None, None

    @staticmethod
    def jvp(ctx, tx, t_dim, t_grad_dtype):  # linear
        return Cumsum.apply(tx, ctx.dim)


class Cumprod(Function):
    @staticmethod
    def forward(ctx, x, dim, grad_dtype=None):
        y = Tensor._make(_scan(np.cumprod, x._data, dim))
        ctx.save_for_backward(x, y)
        ctx.dim, ctx.grad_dtype = dim, grad_dtype
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        if ctx.grad_dtype not in (None, g.dtype):  # cumprod(x, dtype=): torch brings g to x's dtype first
            g = g.to(ctx.grad_dtype)
        if x.ndim == 0 or x.shape[ctx.dim] == 1:  # torch passes the gradient through (even at nan or inf)
            return g, None, None
        if not (x._data == 0).any():  # dy_j/dx_i = y_j / x_i for i <= j
            return (g * y).flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim) / x, None, None
        if modes.grad_enabled:
            raise NotImplementedError("double backward of cumprod through an input with zeros is not supported")
        return Tensor._make(_cumprod_grad_with_zeros(x._data, y._data, g._data, ctx.dim)), None, None

    @staticmethod
    def jvp(ctx, tx, t_dim, t_grad_dtype):  # dy_j = sum over i <= j of tx_i times the product of x_k, k <= j, k != i
        x, y = ctx.saved_tensors
        if not (x._data == 0).any():
            return y * (tx / x).cumsum(ctx.dim)
        return _cumprod_jvp_with_zeros(x, tx, ctx.dim)


def _cumprod_grad_with_zeros(x: np.ndarray, y: np.ndarray, g: np.ndarray, dim: int) -> np.ndarray:
    """dL/dx_i = sum over j >= i of g_j * prod(x_k for k <= j, k != i), grouped as torch's O(n) formula
    groups it (so that inf, nan and overflow land where torch's do). Along each line, with z1 and z2 its
    first and second zero: before z1, the y / x rule over the stretch [0, z1); at z1, the product before
    it times the sum over [z1, z2) of g_j times the running product of x after z1; after z1, 0."""
    x, y, g = (np.moveaxis(a, dim, -1) for a in (x, y, g))
    zeros_so_far = np.cumsum(x == 0, axis=-1)
    before = zeros_so_far == 0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        w = np.where(before, y * g, 0)
        out = np.where(before, np.flip(np.cumsum(np.flip(w, -1), -1), -1) / x, 0)
        stretch = zeros_so_far == 1  # [z1, z2)
        first = stretch & (np.cumsum(stretch, axis=-1) == 1)
        running = np.cumprod(np.where(stretch & ~first, x, 1), axis=-1)
        total = (running * np.where(stretch, g, 0)).sum(axis=-1, keepdims=True)
        z1 = first.argmax(axis=-1)[..., None]
        before_z1 = np.where(z1 > 0, np.take_along_axis(y, np.maximum(z1 - 1, 0), axis=-1), 1)
        out = np.where(first, total * before_z1, out)
    return np.moveaxis(out.astype(g.dtype, copy=False), -1, dim)


def _cumprod_jvp_with_zeros(x: Tensor, tx: Tensor, dim: int) -> Tensor:
    """cumprod's tangent where x has zeros (y / x is no use): one input position i at a time, the
    running product with x_i replaced by its tangent, counted from position i on."""
    n = x.shape[dim]
    position = np.arange(n).reshape((-1,) + (1,) * (x.ndim - 1 - dim))
    total = None
    for i in range(n):
        at_i = Tensor._make(np.broadcast_to(position == i, x.shape))
        term = where(at_i, tx, x).cumprod(dim) * Tensor._make(np.broadcast_to(position >= i, x.shape))
        total = term if total is None else total + term
    return total


class Variance(Function):
    """sum((x - mean)^2) / denominator over dims, one node as torch's VarBackward0 (its only edge is x).

    Its gradient is torch's: 2 / denominator * g * (x - mean), g spread over the reduced dims. (Built
    from mean, subtract, square and sum, the gradient would also carry the mean's part, zero in exact
    arithmetic but not in floating point, and the graph would show those nodes.)"""

    torch_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, denominator, grad_dof):
        ctx.save_for_backward(x)
        ctx.dims, ctx.keepdim, ctx.denominator, ctx.grad_dof = dims, keepdim, denominator, grad_dof
        return _variance_value(x, dims, keepdim, denominator)  # (grad mode is off here: no graph)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return _variance_grad(g, x, ctx.dims, ctx.keepdim, ctx.grad_dof), None, None, None, None

    @staticmethod
    def jvp(ctx, tx, *rest):  # d var = 2 / denominator * sum((x - mean) dx)
        (x,) = ctx.saved_tensors
        return ((x - x.mean(ctx.dims, keepdim=True)) * tx).sum(ctx.dims, keepdim=ctx.keepdim) * _two_over(ctx.denominator)


class StandardDeviation(Function):
    """sqrt(variance) as one node, torch's StdBackward0: the variance's gradient of g / (2 std), taken as 0
    where the std is 0 (sqrt's would be infinite), as torch's."""

    torch_name = "StdBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, denominator, grad_dof):
        out = _variance_value(x, dims, keepdim, denominator, sqrt=True)
        ctx.save_for_backward(x, out)  # the output itself, so double backward sees std depend on x
        ctx.dims, ctx.keepdim, ctx.denominator, ctx.grad_dof = dims, keepdim, denominator, grad_dof
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return _variance_grad(_half_over(g, out), x, ctx.dims, ctx.keepdim, ctx.grad_dof), None, None, None, None

    @staticmethod
    def jvp(ctx, tx, *rest):
        x, out = ctx.saved_tensors
        tangent = ((x - x.mean(ctx.dims, keepdim=True)) * tx).sum(ctx.dims, keepdim=ctx.keepdim)
        return _half_over(tangent * _two_over(ctx.denominator), out)


def _variance_value(x: Tensor, dims: tuple, keepdim: bool, denominator: int, sqrt: bool = False) -> Tensor:
    """The variance (its square root with `sqrt`). torch accumulates a float32 variance in double and
    rounds once at the end, the square root included: so here, in float64 (the float32 sums of squares
    left ~half of all results an ulp off torch's, and the square root of the rounded variance ~5%)."""
    if x._data.dtype == np.float32:
        wide = Tensor._make(x._data.astype(np.float64))
        value = _variance_value(wide, dims, keepdim, denominator)._data
        return Tensor._make(np.asarray(np.sqrt(value) if sqrt else value).astype(np.float32))
    if x._data.dtype == np.float16:  # computed as a float32 one, rounded once more
        wide = Tensor._make(x._data.astype(np.float32))
        return Tensor._make(_variance_value(wide, dims, keepdim, denominator, sqrt)._data.astype(np.float16))
    centered = x - x.mean(dims, keepdim=True)
    squares = (centered * centered).sum(dims, keepdim=keepdim)
    value = squares / float(denominator)  # no degrees of freedom left: inf, or nan for no spread, as torch
    if not builtins.all(x.shape[d] for d in dims):  # of no elements: NaN (the mean of nothing), whatever the correction
        value = value + float("nan")
    return Tensor._make(np.sqrt(value._data)) if sqrt else value


def _two_over(denominator: int) -> float:
    return 2.0 / denominator if denominator else float("inf")  # (C++'s 2.0 / 0, where torch divides)


def _variance_grad(g: Tensor, x: Tensor, dims: tuple, keepdim: bool, grad_dof: tuple) -> Tensor:
    """torch's var backward, 2 / dof * g * (x - mean), with the (dof, of everything) _spread_over gives."""
    if not keepdim:  # g back to the kept shape, to spread over the reduced dims
        g = g.reshape([1 if d in dims else n for d, n in enumerate(x.shape)])
    dof, whole = grad_dof
    mean = x.mean(dims, keepdim=True)
    if whole and dof <= 0:  # 2 / 0 times x - mean, with the sign dropped: inf where x is off the mean, else nan
        return g * Tensor._make(np.where(x._data == mean._data, np.nan, np.inf).astype(x._data.dtype))
    return _two_over(dof) * g * (x - mean)


def _half_over(g: Tensor, std: Tensor) -> Tensor:
    """g / (2 std), 0 where the std is 0."""
    zero = Tensor._make(std._data == 0)
    return where(zero, 0.0, g / (2 * where(zero, 1.0, std)))


class Norm(Function):
    """The 2-norm over dims; its gradient x / norm is taken as 0 where the norm is 0, as torch."""

    torch_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        half = x._data.dtype == np.float16  # computed as a float32 norm, rounded once (its backward in float16 steps)
        wide = x._data.astype(np.float32) if half else x._data
        y = _squares_sum(wide, dims, generic=half)
        y = np.sqrt(y.reshape(kept_shape(x.shape, dims)) if y is not None else
                    np.sum(wide * wide, axis=dims, keepdims=True))
        y = y.astype(np.float16) if half else y
        out = Tensor._make(row_major(np.asarray(y if keepdim else np.squeeze(y, axis=dims))))
        ctx.save_for_backward(x, out)  # the output itself, so double backward sees norm depend on x
        ctx.kept, ctx.dims, ctx.keepdim = y.shape, dims, keepdim
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        y = out.reshape(ctx.kept)
        zero = Tensor._make(y._data == 0)
        return g.reshape(ctx.kept) * where(zero, 0.0, x / where(zero, 1.0, y)), None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim):  # d|x| = <x, dx> / |x|, taken as 0 where |x| = 0
        x, out = ctx.saved_tensors
        y = out.reshape(ctx.kept)
        zero = Tensor._make(y._data == 0)
        return (tx * where(zero, 0.0, x / where(zero, 1.0, y))).sum(ctx.dims, keepdim=ctx.keepdim)


class PNorm(Function):
    """(sum |x|^p)^(1/p) over dims, for p other than 0, 2 and +-inf, with torch's subgradients: where the
    norm is 0 (or, for p < 1, where x is 0) the gradient is 0, not the NaN the chain rule gives there."""

    torch_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        if p != p:  # NaN p reaches here only with one element a norm, whose norm torch gives as |x|
            out = x.abs().sum(dims, keepdim=keepdim)
        else:
            out = _p_norm_value(x, p, dims, keepdim)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        ctx.kept = tuple(1 if d in dims else n for d, n in enumerate(x.shape))
        return out

    @staticmethod
    def slope(ctx) -> Tensor:
        """d norm / d x, of x's shape."""
        x, out = ctx.saved_tensors
        p, norm = ctx.p, out.reshape(ctx.kept)
        if p < 1:  # |x|^(p - 1) is infinite at x = 0: taken as 0 there
            return x.sgn() * where(Tensor._make(x._data == 0), 0.0, x.abs() ** (p - 1)) * norm ** (1 - p)
        scaled = x.sgn() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
        return scaled * where(Tensor._make(norm._data == 0), 0.0, 1.0 / norm ** (p - 1))

    @staticmethod
    def backward(ctx, g):
        return PNorm.slope(ctx) * g.reshape(ctx.kept), None, None, None

    @staticmethod
    def jvp(ctx, tx, t_p, t_dims, t_keepdim):
        return (PNorm.slope(ctx) * tx).sum(ctx.dims, keepdim=ctx.keepdim)


def _squares_sum(x: np.ndarray, dims: tuple, generic: bool) -> np.ndarray | None:
    """The 2-norm's sum of squares in torch's order (ops/summation.py), or None where it is not known.
    A float16 norm (`generic`, x already in float32) goes through torch's generic reduction."""
    return norm_terms_sum(x * x, dims) if generic else norm2_squares_sum(x, dims)


def _p_norm_value(x: Tensor, p: float, dims: tuple, keepdim: bool) -> Tensor:
    """(sum |x|^p)^(1/p) over dims, added up as torch's norm kernel adds (in memory order, in x's dtype)
    where that order is known; by our sum otherwise. The root's exponent is 1 / p in x's dtype, as torch's."""
    data = x._data
    total = norm_terms_sum(np.abs(data) ** data.dtype.type(p), dims) if data.dtype in (np.float32, np.float64) else None
    if total is None:
        return (x.abs() ** p).sum(dims, keepdim=keepdim) ** (1.0 / p)  # (no graph is recorded in forward)
    value = total ** (data.dtype.type(1) / data.dtype.type(p))
    return Tensor._make(row_major(value.reshape(kept_shape(data.shape, dims)) if keepdim else value))


# ------------------------------------------------------------------ public functions
def _reduce_dims(dim: Any, ndim: int, ranges_first: bool = False) -> tuple:
    """The dims a reduction runs over: None, and as torch also an empty list, mean all of them."""
    return normalize_dims(None if isinstance(dim, (tuple, list)) and not dim else dim, ndim, ranges_first)


# ---------------------------------------------------------------------------- sample inputs
def _reductions(whole: bool = False, several_dims: bool = True, correction: bool = False) -> SampleMaker:
    """Reductions over one dim, kept or not, over several dims, over an empty batch's rows, of a
    one-element and of a 0-d tensor; and over everything where torch allows leaving dim out."""

    def make(rng: np.random.Generator) -> list[Sample]:
        x = rng.standard_normal
        samples = [Sample((x((3, 4)),), {"dim": 1}), Sample((x((3, 4)),), {"dim": 0, "keepdim": True}),
                   Sample((x((0, 3)),), {"dim": 1}), Sample((x((1,)),), {"dim": 0}), Sample((x(()),), {"dim": 0})]
        if several_dims:
            samples.append(Sample((x((2, 3, 4)),), {"dim": (0, 2)}))
        if whole:
            samples.append(Sample((x((3, 4)),)))
        if correction:
            samples = [s for s in samples if s.args[0].size > 1] + [Sample((x((3, 4)),), {"dim": 1, "correction": 0})]
        return samples

    return make


def _scans(rng: np.random.Generator) -> list[Sample]:
    """Running sums and products along each dim, of an empty batch and of a 0-d tensor."""
    x = rng.standard_normal
    return [Sample((x((3, 4)),), {"dim": 1}), Sample((x((3, 4)),), {"dim": 0}), Sample((x((0, 3)),), {"dim": 1}),
            Sample((x(()),), {"dim": 0})]


def _named_by_overload(out: Tensor, name: str, dim: Any, keepdim: bool) -> Tensor:
    """torch names the node of sum(x) <Name>Backward0 and that of sum(x, dim) <Name>Backward1 (its
    two overloads), whatever the dims are."""
    return rename(out, f"{name}Backward1") if dim is not None or keepdim else out


def _one_float_dim(input: Tensor, dim: Any, keepdim: Any, dtype: Any) -> tuple | None:
    """The dims of x.sum(1) or x.mean(1, keepdim=True), an int dim in range of a float tensor, as `_reduce_dims`
    gives them; None for any other call, which the reduction checks as torch does."""
    ndim = input._data.ndim
    if type(dim) is builtins.int and -ndim <= dim < ndim and (keepdim is False or keepdim is True) and dtype is None \
            and input._data.dtype.kind == "f":
        return (dim % ndim,)
    return None


def _recorded(input: Tensor, result: Tensor) -> Tensor:
    """result of a reduction given `dtype=`, unless input needs a gradient and that dtype can carry none:
    then torch's autograd refuses to record the node (a plain .to() would just leave the graph)."""
    if input.requires_grad and modes.grad_enabled and not (result.dtype.is_floating_point or result.dtype.is_complex):
        raise RuntimeError(f"Autograd not support dtype: {result.dtype._legacy}")
    return result


def _float_input(x: Tensor, dtype: Any, name: str) -> Tensor:
    if dtype is not None:
        return cast_operand(x, dtypes.as_dtype(dtype_arg(name, dtype)))  # (torch casts inside its kernel: no node of its own)
    return x


@op(out=True, samples=_reductions(whole=True))
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dim is None and keepdim is False and dtype is None and input._data.dtype.kind == "f":
        return Sum.apply(input, tuple(range(input._data.ndim)), False)  # x.sum() of a loss: what the lines below come to (speed)
    one = _one_float_dim(input, dim, keepdim, dtype)
    if one is not None:  # x.sum(1): the same
        return rename(Sum.apply(input, one, keepdim), "SumBackward1")
    bool_arg("sum", "keepdim", keepdim)
    x = _float_input(input, dtype, "sum")
    if dtype is None and x._data.dtype.kind != "f" and x.dtype is not dtypes.int64:
        x = x.to(dtypes.int64)  # torch sums bool and small ints as int64
    return _recorded(input, _named_by_overload(Sum.apply(x, _reduce_dims(dim, x._data.ndim, True), keepdim), "Sum", dim,
                                               keepdim))


def _check_dim_type(name: str, dim: Any) -> None:
    """torch's parser: a dim is an int or a list of ints (or None, every dim); anything else fits no overload."""
    if not (dim is None or is_int(dim) or isinstance(dim, (tuple, list)) and builtins.all(is_int(d) for d in dim)):
        raise invalid_combination(name, (dim,))


@op(out=True, samples=_reductions(whole=True))
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dim is None and keepdim is False and dtype is None and input._data.dtype.kind == "f":
        return Mean.apply(input, tuple(range(input._data.ndim)), False)  # x.mean() of a loss: the lines below (speed)
    one = _one_float_dim(input, dim, keepdim, dtype)
    if one is not None:  # x.mean(1): the same
        return rename(Mean.apply(input, one, keepdim), "MeanBackward1")
    bool_arg("mean", "keepdim", keepdim)
    _check_dim_type("mean", dim)
    x = _float_input(input, dtype, "mean")
    if not x.dtype.is_floating_point:
        which = "Input" if dtype is None else "Optional"
        raise RuntimeError(f"mean(): could not infer output dtype. {which} dtype must be either a floating point or "
                           f"complex dtype. Got: {x.dtype._legacy}")
    return _named_by_overload(Mean.apply(x, _reduce_dims(dim, x.ndim, True), keepdim), "Mean", dim, keepdim)


# max() and min() tell "dim left out" (every element) from dim=None, which no overload of torch's takes.
_LEFT_OUT: Any = object()


_EXTREME_SIGNATURES = FUNCTIONS["max"]  # (min's are max's)


def _extreme(input: Tensor, dim: Any, keepdim: Any, largest: bool, name: str, other: Any = _LEFT_OUT) -> Any:
    """torch's three overloads: max(), max(other) and max(dim, keepdim=False); keepdim goes with dim only.
    An argument no overload takes is torch's 'invalid combination' error (`as_called` words it)."""
    if not isinstance(input, Tensor):
        raise overload_error(name, f"{name}(): argument 'input' (position 1) must be Tensor, not {type_name(input)}")
    if other is not _LEFT_OUT:  # torch.max(x, other=y): the elementwise overload, named
        if dim is not _LEFT_OUT or keepdim is not _LEFT_OUT or not isinstance(other, Tensor):
            raise invalid_combination(name, (), _EXTREME_SIGNATURES)
        return maximum(input, other) if largest else minimum(input, other)
    if dim is None or dim is _LEFT_OUT and keepdim is not _LEFT_OUT:
        raise invalid_combination(name, (), _EXTREME_SIGNATURES)
    if not is_int(dim) and dim is not _LEFT_OUT and (keepdim is not _LEFT_OUT or not isinstance(dim, Tensor)):
        raise overload_error(name, f"{name}(): argument 'dim' (position 2) must be int, not {type_name(dim)}")
    keepdim_given = keepdim is not _LEFT_OUT
    keepdim = False if keepdim is _LEFT_OUT else keepdim
    if not isinstance(keepdim, bool) and type(keepdim).__name__ != "bool_":
        raise overload_error(name, f"{name}(): argument 'keepdim' (position 3) must be bool, not {type_name(keepdim)}")
    if dim is _LEFT_OUT:
        if input.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        extreme = (np.max if largest else np.min)(input._data)  # the elements equal to it share the gradient
        return rename(SharedByEqual.apply(input, extreme), "MaxBackward1" if largest else "MinBackward1")
    if isinstance(dim, Tensor) and not (is_int(dim) and keepdim_given):  # torch.max(a, b): the elementwise maximum
        return maximum(input, dim) if largest else minimum(input, dim)
    d = normalize_dim(dim, input.ndim)
    if input.shape and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    values = MaxDim.apply(input, d, keepdim, largest)
    arg = (np.argmax if largest else np.argmin)(input._data, axis=d, keepdims=keepdim)
    result = return_types.max if largest else return_types.min
    return result(values, Tensor._make(np.asarray(arg, dtype=np.int64)))


def _extreme_samples(rng: np.random.Generator) -> list[Sample]:
    """The three overloads: over everything, along a dim (values and indices), and elementwise."""
    x = rng.standard_normal
    return [Sample((x((3, 4)),)), Sample((x((3, 4)), 1)), Sample((x((3, 4)),), {"dim": 0, "keepdim": True}),
            Sample((x((0, 3)), 1)), Sample((x(()),), {"dim": 0}), Sample((x((3, 4)), x((4,))))]


@op(out=True, samples=_extreme_samples, renumber_method_errors=True)
@as_called("max", _EXTREME_SIGNATURES)
def max(input: Tensor, dim: Any = _LEFT_OUT, keepdim: Any = _LEFT_OUT, *, other: Any = _LEFT_OUT) -> Any:
    """The largest value; along `dim`, (values, indices); given a second tensor, the elementwise maximum."""
    return _extreme(input, dim, keepdim, True, "max", other)


@op(out=True, samples=_extreme_samples, renumber_method_errors=True)
@as_called("min", _EXTREME_SIGNATURES)
def min(input: Tensor, dim: Any = _LEFT_OUT, keepdim: Any = _LEFT_OUT, *, other: Any = _LEFT_OUT) -> Any:
    """The smallest value; along `dim`, (values, indices); given a second tensor, the elementwise minimum."""
    return _extreme(input, dim, keepdim, False, "min", other)


def _logical_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    zeros_here_and_there = np.where(x((3, 4)) > 0, 0.0, x((3, 4)))
    return [Sample((zeros_here_and_there,)), Sample((zeros_here_and_there,), {"dim": 1}),
            Sample((zeros_here_and_there,), {"dim": (0, 1), "keepdim": True}), Sample((x((0, 3)),), {"dim": 1}),
            Sample((x(()),))]


_LOGICAL_SIGNATURES = FUNCTIONS["all"]  # (any's are all's)


@op(out=True, samples=_logical_samples, differentiable=False, renumber_method_errors=True)
@as_called("any", _LOGICAL_SIGNATURES)
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001  (torch's name)
    """Whether any element (along `dim`) is non-zero."""
    return logical_reduce(input, dim, keepdim, "any")


@op(out=True, samples=_logical_samples, differentiable=False, renumber_method_errors=True)
@as_called("all", _LOGICAL_SIGNATURES)
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001  (torch's name)
    """Whether every element (along `dim`) is non-zero."""
    return logical_reduce(input, dim, keepdim, "all")


def logical_reduce(input: Tensor, dim: Any, keepdim: bool, name: str) -> Tensor:
    """any/all: bool results, except uint8 input gives uint8 (torch keeps that legacy rule)."""
    if not isinstance(input, Tensor):  # torch.all(t.grad == dt) with t.grad None: all(False)
        raise invalid_combination(name, (input,), _LOGICAL_SIGNATURES)
    try:  # a dim or keepdim of a type no overload takes: torch's 'invalid combination' error (as_called words it)
        bool_arg(name, "keepdim", keepdim)
        dims = None if dim is None else normalize_dims(dim, input.ndim, True)  # dim=() reduces nothing, as torch
    except TypeError as error:
        raise overload_error(name, str(error)) from None
    out = row_major(np.asarray((np.any if name == "any" else np.all)(input._data, axis=dims, keepdims=keepdim)))
    return Tensor._make(out.astype(np.uint8) if input._data.dtype == np.uint8 else out)


def _check_nonempty(input: Tensor, dims: tuple, name: str, dim: Any) -> None:
    """A max-like reduction has no identity: reducing a size-0 dim is torch's IndexError."""
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d if dim is None or isinstance(dim, (tuple, list)) else dim} "
                             "to have non-zero size.")


def _amax(input: Tensor, dim: Any, keepdim: bool, largest: bool) -> Tensor:
    name = "amax" if largest else "amin"
    bool_arg(name, "keepdim", keepdim)
    if input.numel() == 0 and (dim is None or isinstance(dim, (tuple, list)) and not dim):
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    if isinstance(dim, (tuple, list)) and input.ndim:  # torch checks each listed dim's size before repeats
        for d in dim:
            _check_nonempty(input, (wrap_dim(d, input.ndim),), name, d)
    dims = _reduce_dims(dim if dim != () else None, input.ndim)
    _check_nonempty(input, dims, name, dim)
    return Amax.apply(input, dims, keepdim, largest)


@op(out=True, samples=_reductions())
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return _amax(input, dim, keepdim, True)


@op(out=True, samples=_reductions())
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return _amax(input, dim, keepdim, False)


@op(out=True, samples=_reductions())
def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    if dim is None:  # logsumexp has no "every dim" default in torch
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    bool_arg("logsumexp", "keepdim", keepdim)
    x = input if input.dtype.is_floating_point else input.to(dtypes.get_default_dtype())  # torch: ints -> float
    if isinstance(dim, (tuple, list)) and not dim and not keepdim and x.numel() and x.ndim:
        # torch reduces every dim for dim=(), keeping them, then fails to write that into its 0-d result
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape {[1] * x.ndim}")
    return LogSumExp.apply(x, _reduce_dims(dim, x.ndim, True), keepdim)


def implicit_softmax_dim(input: Tensor, dim: Any, name: str, stacklevel: int) -> int:
    """nn.functional's softmax family may leave `dim` out (deprecated): torch then picks one and warns."""
    if dim is None:
        import warnings

        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
            UserWarning,
            stacklevel=stacklevel,
        )
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, input.ndim)


def _softmax_input(input: Tensor, dtype: Any, dim: int, name: str) -> Tensor:
    """torch's CPU kernels exist for floating types only; their names say which one ran."""
    x = input if dtype is None else input.to(dtype_arg(name, dtype))
    if not x.dtype.is_floating_point and x.numel():  # torch runs no kernel for an empty tensor
        kernel = "lastdim_kernel_impl" if dim == builtins.max(x.ndim, 1) - 1 else "kernel_impl"
        raise NotImplementedError(f'"{name}_{kernel}" not implemented for \'{x.dtype._legacy}\'')
    return x


def _softmax_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    return [Sample((x((3, 4)), 1)), Sample((x((3, 4)),), {"dim": 0}), Sample((x((2, 3, 4)), -1)),
            Sample((x((0, 3)), 1)), Sample((x((1,)), 0)), Sample((x(()), 0))]


def _softmax_along(op: type, input: Tensor, dim: Any, dtype: Any) -> Tensor:
    """Softmax or LogSoftmax along `dim` (argument 2 of torch.softmax, which its TypeError names)."""
    name = "softmax" if op is Softmax else "log_softmax"
    d = normalize_dim(int_arg(name, "dim", dim, 2), input.ndim)
    return op.apply(_softmax_input(input, dtype, d, name), d)


@op(samples=_softmax_samples, renumber_method_errors=True)
def softmax(input: Tensor, dim: Any, dtype: Any = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, computed stably; `dtype` casts the input first."""
    return _softmax_along(Softmax, input, dim, dtype)


@op(samples=_softmax_samples, renumber_method_errors=True)
def log_softmax(input: Tensor, dim: Any, dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along `dim`: the stable log of softmax."""
    return _softmax_along(LogSoftmax, input, dim, dtype)


@op(out=True, renumber_method_errors=True, samples=_reductions(whole=True, several_dims=False), differentiable=False)
def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmax, input, dim, keepdim, "argmax")


@op(out=True, renumber_method_errors=True, samples=_reductions(whole=True, several_dims=False), differentiable=False)
def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmin, input, dim, keepdim, "argmin")


def _arg(fn: Any, input: Tensor, dim: Any, keepdim: bool, name: str) -> Tensor:
    bool_arg(name, "keepdim", keepdim)
    if dim is not None:
        dim = int_arg(name, "dim", dim, 2)  # the parser's check, before the dtype's
    if input.dtype is dtypes.bool:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        flat = fn(input._data.reshape(-1))
        out = np.asarray(flat, dtype=np.int64)
        return Tensor._make(out.reshape((1,) * input.ndim) if keepdim else out)
    d = normalize_dim(dim, input.ndim)
    _check_nonempty(input, (d,) if input.ndim else (), name, d)  # torch names the wrapped dim, unlike amax's
    return Tensor._make(np.asarray(fn(input._data, axis=d, keepdims=keepdim), dtype=np.int64))


def _topk_samples(rng: np.random.Generator) -> list[Sample]:
    """Along the last dim and a negative one, the smallest, none (k = 0), an empty batch, one element, 0-d."""
    x = rng.standard_normal
    return [Sample((x((3, 4)), 2)), Sample((x((3, 4)), 2, -2)), Sample((x((3, 4)), 3), {"dim": 1, "largest": False}),
            Sample((x((3, 4)), 0)), Sample((x((0, 3)), 2)), Sample((x((1,)), 1)), Sample((x(()), 1), {"dim": 0})]


@op(out=True, samples=_topk_samples, renumber_method_errors=True)
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """The k largest (or smallest) values along dim, with their indices; the values are differentiable."""
    k, dim = int_arg("topk", "k", k, 2, symint=True), int_arg("topk", "dim", dim, 3)  # the parser's checks first
    d = normalize_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if input.dtype is dtypes.bool:  # (the kernel's check, after dim's and k's)
        raise RuntimeError("topk does not support bool dtypes on CPU")
    data = input._data if input.ndim else input._data.reshape(1)
    # (largest first: an integer's bitwise not reverses its order without wrapping, as -x wraps uint8's 2 to 254)
    key = (-data if data.dtype.kind == "f" else ~data) if largest else data
    if largest and data.dtype.kind == "f" and np.isnan(data).any():  # NaN is the largest, as torch counts it
        order = np.lexsort((key, ~np.isnan(data)), axis=d)
    else:
        order = np.argsort(key, axis=d, kind="stable")
    if k and data.shape[d] > 1:
        partial_sort = k * 64 <= data.shape[d]  # (else nth_element, which leaves sorted=False's k unordered)
        order = _tied_rows_in_torchs_order(data, order, d, k + 1, partial_sort or sorted,
                                           lambda row: cpp_sort.topk_order(row, k, largest, sorted))
    index = np.take(order, np.arange(k), axis=d)
    if not input.ndim:
        return return_types.topk(rename(input.clone(), "TopkBackward0"), Tensor._make(np.asarray(0, dtype=np.int64)))
    values = rename(gather_along(input, d, index), "TopkBackward0")
    return return_types.topk(values, Tensor._make(index.astype(np.int64)))


@op(out=True, samples=_reductions(whole=True, several_dims=False))
def prod(input: Tensor, dim: Any = _LEFT_OUT, keepdim: Any = _LEFT_OUT, *, dtype: Any = None) -> Tensor:
    """torch's two overloads: prod() of everything, and prod(dim, keepdim=False) of one dim (None is neither)."""
    if dim is None and keepdim is not _LEFT_OUT:
        raise TypeError("prod(): argument 'dim' (position 1) must be int, not NoneType")
    if dim is None or dim is _LEFT_OUT and keepdim is not _LEFT_OUT:
        raise invalid_combination("prod", tuple(a for a in (dim, keepdim) if a is not _LEFT_OUT))
    keepdim = False if keepdim is _LEFT_OUT else keepdim
    bool_arg("prod", "keepdim", keepdim)
    if dim is not _LEFT_OUT and not is_int(dim):  # prod takes one dim, not a list
        raise invalid_combination("prod", (dim,))
    x = input if dtype is None else cast_operand(input, dtypes.as_dtype(dtype_arg("prod", dtype)))
    if dtype is None and not x.dtype.is_floating_point and x.dtype is not dtypes.int64:
        x = x.to(dtypes.int64)
    if dim is _LEFT_OUT:
        return _recorded(input, Prod.apply(x, tuple(range(x.ndim)), False))
    return _recorded(input, rename(Prod.apply(x, _reduce_dims(dim, x.ndim), keepdim), "ProdBackward1"))


# float16 elements in one vector of torch's reduction kernels (measured: prod matches with 16, not 32)
HALF_REDUCE_VECTOR = 16


def _half_product(data: np.ndarray, dims: tuple, keepdim: bool) -> np.ndarray:
    """The float16 product over `dims` (one dim, or all) in torch's order, every product rounded to float16
    as torch's kernel rounds it (numpy multiplies in float32 and rounds once, an ulp off in about a third of
    long rows). Along a dim after which only size-1 dims follow (the elements are adjacent), torch multiplies
    in vector steps; along any other dim it walks the dim in order."""
    shape = kept_shape(data.shape, dims) if keepdim else tuple(n for i, n in enumerate(data.shape) if i not in dims)
    if len(dims) == data.ndim:
        return _whole_half_product(data.reshape(-1)).reshape(shape)
    (d,) = dims
    rows = np.moveaxis(data, d, -1).reshape(-1, data.shape[d])
    adjacent = builtins.all(n == 1 for n in data.shape[d + 1:])
    return (_product_in_vector_steps(rows) if adjacent else _product_in_order(rows)).reshape(shape)


def _whole_half_product(flat: np.ndarray) -> np.ndarray:
    """The product of all elements. From 32768 elements (torch's grain size) torch splits them into one even
    chunk per thread (torch.get_num_threads(), at most one per 32768) and multiplies the chunks' products
    in order."""
    chunks = builtins.min(blas_threads(), -(-flat.size // 32768))
    size = -(-flat.size // chunks)
    parts = _product_in_vector_steps(flat.reshape(1, -1)) if chunks == 1 else np.concatenate(
        [_product_in_vector_steps(flat[None, begin:begin + size]) for begin in range(0, flat.size, size)])
    return _product_in_order(parts[None, :])


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):  # beyond float16 is inf, as torch, without a word
        return (a.astype(np.float32) * b.astype(np.float32)).astype(np.float16)


def _product_in_order(rows: np.ndarray, start: Any = 1.0) -> np.ndarray:
    """Each row's product (times `start`), multiplied from the left one element at a time."""
    product = np.full(rows.shape[0], start, dtype=np.float16)
    for column in rows.T:
        product = _times(product, column)
    return product


def _product_in_vector_steps(rows: np.ndarray) -> np.ndarray:
    """Each row's product as torch's inner reduction takes it: four vector accumulators over whole steps
    of 4 vectors, multiplied together pairwise ((a0 a1)(a2 a3)), then the lanes of that vector in order,
    then the elements after the last whole step in order."""
    step = 4 * HALF_REDUCE_VECTOR
    whole = rows.shape[1] // step * step
    product = np.ones(rows.shape[0], dtype=np.float16)
    if whole:
        steps = rows[:, :whole].reshape(rows.shape[0], -1, 4, HALF_REDUCE_VECTOR)
        acc = steps[:, 0]
        for i in range(1, steps.shape[1]):
            acc = _times(acc, steps[:, i])
        lanes = _times(_times(acc[:, 0], acc[:, 1]), _times(acc[:, 2], acc[:, 3]))
        product = _product_in_order(lanes)
    return _product_in_order(rows[:, whole:], product)


def _correction(unbiased: Any, correction: Any) -> float:
    if correction is not None:
        return float(correction)
    return 1.0 if unbiased is None or unbiased else 0.0


def _spread_signatures(name: str) -> tuple[str, ...]:
    """torch's three overloads of var, std, var_mean and std_mean as its error lists them (the pairs have no out=)."""
    out = ", Tensor out = None" if name in ("var", "std") else ""
    return (f"(Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False{', *' + out if out else ''})",
            f"(Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False{out})",
            "(Tensor input, bool unbiased = True)")


def spread_overloads(fn: Callable[..., Any]) -> Callable[..., Any]:
    """torch's three overloads of var, std and their pairs with the mean: (dim, unbiased, keepdim),
    (dim, *, correction, keepdim) and the oldest, (unbiased). A bool given first by position is that
    oldest form's `unbiased`; given by name, dim=True fits no overload (a dim is an int or a list of
    them), and neither does an `unbiased` given with a `correction`. Python binds var(t, True) and
    var(t, dim=True) alike, so the keyword is looked at here, before the call binds it."""

    @functools.wraps(fn)
    def parsed(input: Tensor, *args: Any, **kwargs: Any) -> Any:
        unbiased = args[1] if len(args) > 1 else kwargs.get("unbiased")
        dim = args[0] if args else kwargs.get("dim")
        if isinstance(dim, (tuple, list)):
            for pos, d in enumerate(dim, 1):
                if not is_int(d):
                    raise TypeError(f"{fn.__name__}(): argument 'dim' failed to unpack the object at pos {pos} with "
                                    f"error \"type must be tuple of ints,but got {type_name(d)}\"")
        not_a_dim = not (dim is None or isinstance(dim, (bool, tuple, list)) or is_int(dim))
        keepdim_given = len(args) > 2 or "keepdim" in kwargs
        not_a_keepdim = keepdim_given and not isinstance(args[2] if len(args) > 2 else kwargs["keepdim"], bool)
        not_an_unbiased = unbiased is not None and not isinstance(unbiased, bool)  # (x.std(0, 1): 1 is no bool)
        oldest_form = bool(args) and isinstance(args[0], bool)  # var(unbiased): nothing else may come with it
        no_dim = not args and "dim" not in kwargs  # (unbiased=, keepdim=) fits no overload: dim is required there
        if isinstance(kwargs.get("dim"), bool) or (unbiased is not None and kwargs.get("correction") is not None) \
                or oldest_form and (len(args) > 1 or kwargs) or no_dim and "unbiased" in kwargs and "keepdim" in kwargs \
                or not_a_dim or not_a_keepdim or not_an_unbiased:
            raise invalid_combination(fn.__name__, (input, *args), _spread_signatures(fn.__name__), kwargs)
        return fn(input, *args, **kwargs)

    return parsed


@op(out=True, renumber_method_errors=True, samples=_reductions(whole=True, correction=True))
@spread_overloads
def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """sum((x - mean)^2) / (N - correction); correction is 1 (Bessel's) unless told otherwise."""
    return variance(input, dim, unbiased, keepdim, correction)


@op(out=True, renumber_method_errors=True, samples=_reductions(whole=True, correction=True))
@spread_overloads
def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    return standard_deviation(input, dim, unbiased, keepdim, correction)


def variance(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any, name: str = "var") -> Tensor:
    """var once its overload is known (spread_overloads): a bool dim is the oldest form's `unbiased`."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    bool_arg("var", "keepdim", keepdim)  # (dim's type was checked by spread_overloads, every caller's way in)
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return Variance.apply(input, *_spread_over(input, dim, unbiased, keepdim, correction, name))


def standard_deviation(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
                       name: str = "std") -> Tensor:
    """std once its overload is known: the square root of the variance (a float16 one computed in float32 and
    rounded once; its gradient, as torch's, in float16 steps)."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    bool_arg("std", "keepdim", keepdim)
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return StandardDeviation.apply(input, *_spread_over(input, dim, unbiased, keepdim, correction, name))


def _spread_over(input: Tensor, dim: Any, unbiased: Any, keepdim: bool, correction: Any, name: str) -> tuple:
    """(dims, keepdim, denominator) of a var or std: the denominator is N - correction, at least 0, and
    torch warns (on every call) when it is not above 0."""
    dims = _reduce_dims(dim, input.ndim)
    count = int(np.prod([input.shape[d] for d in dims])) if input.ndim else 1
    denominator = count - _correction(unbiased, correction)
    if denominator <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel). (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)", UserWarning,
                      stacklevel=callers_stacklevel())
    # torch's backward reads the dof again: of everything (a 0-d input or no dim given), as above; else
    # of the listed dims only (dim=() lists none: 1 - correction), and not clamped at 0
    whole = dim is None or not input.ndim
    listed = () if whole else normalize_dims(dim, input.ndim)
    grad_dof = (denominator, True) if whole else \
        (int(np.prod([input.shape[d] for d in listed])) - _correction(unbiased, correction), False)
    return dims, keepdim, builtins.max(denominator, 0), grad_dof


def _norm_samples(rng: np.random.Generator) -> list[Sample]:
    """Of everything, p = 1, inf, 3 and 'fro' over dims (negative ones too), an empty batch, one element, 0-d."""
    x = rng.standard_normal
    return [Sample((x((3, 4)),)), Sample((x((3, 4)), 1, 1)), Sample((x((3, 4)),), {"p": float("inf"), "dim": -1}),
            Sample((x((2, 3, 4)), 3, (0, -1), True)), Sample((x((3, 4)), "fro", (-2, 1))), Sample((x((0, 3)),), {"dim": 1}),
            Sample((x((1,)),), {"p": 2, "dim": 0}), Sample((away_from_kinks(x(())),))]


# torch.norm takes out= as its fifth argument and dtype as its sixth; Tensor.norm has no out, and
# takes dtype fifth: the method is written by hand (surface/tensor_methods.py).
@op(samples=_norm_samples, method=False)
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, out: Tensor | None = None,
         dtype: Any = None) -> Tensor:
    """The p-norm over dims (all by default): a vector norm, or with p 'nuc' (or 'fro' over two dims) a
    matrix norm; see norm_along."""
    result = norm_along(input, p, dim, keepdim, dtype)
    return result if out is None else _write_norm(out, result)


def _write_norm(out: Tensor, result: Tensor) -> Tensor:
    """torch.norm(..., out=out): the result written into out, whose dtype must be the result's."""
    if not isinstance(out, Tensor):
        shown = "torch.dtype" if isinstance(out, dtypes.dtype) else type(out).__name__
        raise TypeError(f"linalg_vector_norm(): argument 'out' must be Tensor, not {shown}")
    if result.requires_grad and modes.grad_enabled:
        raise RuntimeError("linalg_vector_norm(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if out.dtype is not result.dtype:
        raise RuntimeError(wrong_out_dtype(result.dtype, out.dtype))
    return out.resize_(result.shape).copy_(result)


def norm_along(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The p-norm over dims (all by default); p = 2 ('fro', None), 1, inf, or any positive number; 'nuc' is a
    matrix norm (the sum of singular values)."""
    if isinstance(p, (list, tuple)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type_name(p)}")
    p = "fro" if p is None else p
    _check_norm_arguments(input, p, dim, keepdim, dtype)
    if isinstance(p, str) and (p != "fro" or isinstance(dim, (list, tuple)) and len(dim) > 2):
        return _matrix_norm(input, p, dim, keepdim, dtype)
    x = input if dtype is None else input.to(dtype)
    if not input.dtype.is_floating_point:  # even with a floating dtype= to compute in
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {input.dtype._legacy}"
        )
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got {x.dtype._legacy}")
    if x.dtype is dtypes.float16 and p not in ("fro", 2, 2.0):  # torch accumulates a half norm in float
        return norm_along(x.float(), p, dim, keepdim).to(dtypes.float16)
    dims = _reduce_dims(dim, x.ndim)
    if not isinstance(p, str) and (p < 0 or p == float("inf")):
        _check_identity(x, dims, dim, p)
    if not isinstance(p, str) and p != p:  # NaN: the sum of nothing is 0, |x| of one element, NaN otherwise
        if x.numel() and np.prod([x.shape[d] for d in dims]) == 1:  # (slope: NaN but where |x| is 1, as torch)
            return PNorm.apply(x, p, dims, keepdim)
        return rename((x.abs() ** p).sum(dims, keepdim=keepdim) * (0.0 if x.numel() == 0 else float("nan")),
                      "LinalgVectorNormBackward0")
    if p in ("fro", 2, 2.0):
        return Norm.apply(x, dims, keepdim)
    if p in (float("inf"), "inf"):
        result = x.abs().amax(dims, keepdim)
    elif p in (float("-inf"), "-inf"):
        result = x.abs().amin(dims, keepdim)
    elif p == 0:
        return NonzeroCount.apply(x, dims, keepdim)
    else:
        return PNorm.apply(x, p, dims, keepdim)
    return composite(result, "LinalgVectorNormBackward0", x)


class NonzeroCount(Function):
    """The 0-norm: how many elements along dims are nonzero. A step function: torch's node gives x no
    gradient at all (x.grad stays None, not zeros), so backward returns none."""

    torch_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        out = row_major(np.asarray(np.sum(x._data != 0, axis=dims, keepdims=keepdim).astype(x._data.dtype)))
        ctx.out_shape = np.shape(out)
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        return None, None, None

    @staticmethod
    def jvp(ctx, tx, t_dims, t_keepdim):  # flat: the tangent is zero
        return Tensor._make(np.zeros(ctx.out_shape, tx._data.dtype))


def _check_identity(x: Tensor, dims: tuple, dim: Any, p: Any) -> None:
    """A max, min or negative-power norm of nothing has no value (no identity), so torch refuses it."""
    if dim is None and x.numel() == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on an empty tensor because the "
                           "operation does not have an identity")
    empty = [d for d in dims if x.shape[d] == 0] if x.ndim else []
    if empty:  # torch's wording, without a space after the dim
        raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on the dimension {empty[0]}because this "
                           "dimension is empty and the operation does not have an identity")


# torch's linalg_matrix_norm overloads, as its parser lists them
MATRIX_NORM_SIGNATURES = (
    "(Tensor input, Number ord, tuple of ints dim = {-2,-1}, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)",
    '(Tensor input, str ord = "fro", tuple of ints dim = {-2,-1}, bool keepdim = False, *, torch.dtype dtype = None, '
    "Tensor out = None)",
)


def _check_norm_arguments(input: Tensor, p: Any, dim: Any, keepdim: Any, dtype: Any) -> None:
    """torch.norm hands its arguments on to linalg's vector or matrix norm, by position up to keepdim and dtype by
    name: their parsers refuse a keepdim that is not a bool, and a dtype that is not one."""
    matrix = isinstance(p, str) and (p != "fro" or isinstance(dim, (list, tuple)) and len(dim) > 2)
    if not isinstance(keepdim, bool):
        if matrix:
            given = list(range(input.ndim)) if dim is None else dim
            raise invalid_combination("linalg_matrix_norm", (input, p, given, keepdim), MATRIX_NORM_SIGNATURES,
                                      {"dtype": dtype})
        raise TypeError(f"linalg_vector_norm(): argument 'keepdim' (position 4) must be bool, not {type_name(keepdim)}")
    if dtype is not None:
        dtype_arg("linalg_matrix_norm" if matrix else "linalg_vector_norm", dtype)


def _matrix_norm(input: Tensor, p: str, dim: Any, keepdim: bool, dtype: Any) -> Tensor:
    """norm with a string p other than 'fro' (or 'fro' over more than two dims): torch's matrix norm."""
    if p not in ("fro", "nuc"):
        raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    x = input if dtype is None else input.to(dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got {x.dtype._legacy}"
        )
    if x.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    dims = list(range(x.ndim)) if dim is None else list(dim) if isinstance(dim, (list, tuple)) else [dim]
    if len(dims) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dims)}")
    rows, cols = (wrap_dim(d, x.ndim) for d in dims)
    if p == "fro":
        return norm_along(x, 2, (rows, cols), keepdim)
    result = svdvals(x.movedim((rows, cols), (-2, -1))).sum(-1)
    for d in sorted((rows, cols)) if keepdim else ():
        result = result.unsqueeze(d)
    return result


def _check_bool_scan(x: Tensor, name: str) -> None:
    """torch has no bool running sum or product; it reaches its kernel only for a tensor with dims and
    elements (a 0-d one is copied, an empty one stays empty)."""
    if x.dtype is dtypes.bool and x.ndim and x.numel():
        raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')


@op(out=True, inplace=True, samples=_scans, renumber_method_errors=True)
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    dim = int_arg("cumsum", "dim", dim, 2)
    x = input if dtype is None else cast_operand(input, dtypes.as_dtype(dtype_arg("cumsum", dtype)))
    if dtype is None and not x.dtype.is_floating_point and x.dtype is not dtypes.int64:
        x = x.to(dtypes.int64)
    d = normalize_dim(dim, x.ndim)  # checked on 0-d tensors too
    _check_bool_scan(x, "cumsum")
    grad_dtype = input.dtype if input.dtype.is_floating_point else None  # (x may be input cast to dtype=)
    return _recorded(input, Cumsum.apply(x, d, grad_dtype) if x.ndim else rename(x.clone(), "CumsumBackward0"))


@op(out=True, inplace=True, samples=_scans, renumber_method_errors=True)
def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    dim = int_arg("cumprod", "dim", dim, 2)
    x = input if dtype is None else cast_operand(input, dtypes.as_dtype(dtype_arg("cumprod", dtype)))
    if dtype is None and not x.dtype.is_floating_point and x.dtype is not dtypes.int64:
        x = x.to(dtypes.int64)
    d = normalize_dim(dim, x.ndim)  # checked on 0-d tensors too
    _check_bool_scan(x, "cumprod")
    grad_dtype = input.dtype if input.dtype.is_floating_point else None  # (x may be input cast to dtype=)
    return _recorded(input, Cumprod.apply(x, d, grad_dtype) if x.ndim else rename(x.clone(), "CumprodBackward0"))


def _sort_order(data: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """A stable order along dim; NaN counts as the largest value, as in torch."""
    if not descending:
        return np.argsort(data, axis=dim, kind="stable")
    flipped = np.flip(data, axis=dim)  # stable descending: sort the reversed array, then undo the reversal
    order = np.flip(np.argsort(flipped, axis=dim, kind="stable"), axis=dim)
    return data.shape[dim] - 1 - order


_LONGEST_REPLAYED_ROW = 1 << 16  # rows longer than this keep numpy's stable order of ties (replaying is slow)


def _tied_rows_in_torchs_order(data: np.ndarray, order: np.ndarray, dim: int, look: int, only_ties: bool,
                               replay: Callable[[list], list]) -> np.ndarray:
    """`order` (numpy's stable order along dim) with each row whose indices torch's CPU kernel would
    leave otherwise replaced by `replay(row values)`, torch's own algorithm (cpp_sort.py). With
    `only_ties`, those are the rows with equal values among their first `look` in order (elsewhere
    every correct sort agrees); without, every row (topk's unsorted selection has its own order)."""
    values, order = np.moveaxis(data, dim, -1), np.moveaxis(order, dim, -1).copy()
    if values.shape[-1] > _LONGEST_REPLAYED_ROW:
        return np.moveaxis(order, -1, dim)
    replayed = np.ones(values.shape[:-1], dtype=bool)
    if only_ties:
        ranked = np.take_along_axis(values, order[..., :look], axis=-1)
        same = ranked[..., 1:] == ranked[..., :-1]
        if ranked.dtype.kind == "f":  # NaNs tie with each other (torch's comparators order neither first)
            same |= np.isnan(ranked[..., 1:]) & np.isnan(ranked[..., :-1])
        replayed = same.any(axis=-1)
    for row in map(tuple, np.argwhere(replayed)):  # (argwhere: a 1-D tensor is one row, of index ())
        indices = replay(values[row].tolist())
        order[row][:len(indices)] = indices
    return np.moveaxis(order, -1, dim)


def _sort_samples(rng: np.random.Generator) -> list[Sample]:
    """Along the last dim, a negative one, descending, stable, an empty batch, one element, 0-d."""
    x = rng.standard_normal
    return [Sample((x((3, 4)),)), Sample((x((3, 4)), -2, True)), Sample((x((2, 3, 4)),), {"dim": 1, "stable": True}),
            Sample((x((0, 3)),), {"descending": True}), Sample((x((1,)),), {"stable": False}), Sample((x(()),))]


_UNSTATED: Any = object()  # sort's stable left out, told apart from one given (torch's graph names them apart)
_SORT_SIGNATURES, _ARGSORT_SIGNATURES = FUNCTIONS["sort"], FUNCTIONS["argsort"]


def _stable_by_keyword(name: str, signatures: tuple, none_allowed: bool) -> Callable[[Callable], Callable]:
    """torch's sort and argsort have two overloads, (input, dim, descending) and (input, *, stable, dim,
    descending): given `stable`, dim and descending must come by keyword, and stable is a bool (sort's
    may be None). Otherwise no overload fits: torch's TypeError listing both."""
    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            stable = kwargs.get("stable", _UNSTATED)
            if stable is not _UNSTATED and (len(args) > 1 or not (isinstance(stable, bool) or
                                                                  (stable is None and none_allowed))):
                raise invalid_combination(name, args, signatures, kwargs)
            return function(*args, **kwargs)
        return checked
    return decorate


@op(out=True, samples=_sort_samples)
@_stable_by_keyword("sort", _SORT_SIGNATURES, none_allowed=True)
def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: Any = _UNSTATED) -> Any:
    """The values along dim in order, with the index each came from. With stable=True ties keep their order;
    otherwise they come in the order torch's std::sort leaves them (cpp_sort.py), as torch's indices do."""
    node = "SortBackward0" if stable is _UNSTATED else "SortBackward1"  # torch's overloads without and with stable
    if not is_int(dim) or is_bool_tensor(dim) or not isinstance(descending, bool):  # the parser's, before the range
        raise invalid_combination("sort", (input, dim, descending))
    d = normalize_dim(dim, input.ndim)  # a 0-d tensor's dims are -1 and 0
    if not input.ndim:
        return return_types.sort(rename(input.clone(), node), Tensor._make(np.asarray(0, dtype=np.int64)))
    order = _sort_order(input._data, d, descending)
    if stable is _UNSTATED or not stable:  # torch's std::sort: ties in its order, not numpy's stable one
        order = _tied_rows_in_torchs_order(input._data, order, d, input.shape[d], True,
                                           lambda row: cpp_sort.sorted_order(row, descending))
    values = rename(gather_along(input, d, order), node)
    return return_types.sort(values, Tensor._make(order.astype(np.int64)))


@op(samples=_sort_samples, differentiable=False)
@_stable_by_keyword("argsort", _ARGSORT_SIGNATURES, none_allowed=False)
def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: Any = _UNSTATED) -> Tensor:
    return sort(input, dim=dim, descending=descending, stable=stable).indices


def _kth_index_as_torchs(data: np.ndarray, index: np.ndarray, dim: int, k: int) -> np.ndarray:
    """`index` (the stable order's k-th, a kept dim of size 1) where the k-th value has an equal in its row
    replaced by the index torch's quick select leaves there (cpp_sort.py)."""
    values, index = np.moveaxis(data, dim, -1), np.moveaxis(index, dim, -1).copy()
    kth = np.take_along_axis(values, index, axis=-1)
    same = values == kth
    if values.dtype.kind == "f":
        same |= np.isnan(values) & np.isnan(kth)
    for row in map(tuple, np.argwhere(same.sum(axis=-1) > 1)):
        index[row][0] = cpp_sort.kth_smallest_index(values[row].tolist(), k)
    return np.moveaxis(index, -1, dim)


def _kthvalue_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    return [Sample((x((3, 4)), 2)), Sample((x((3, 4)), 1, -2, True)), Sample((x((2, 3, 4)), 3), {"dim": 1}),
            Sample((x((0, 3)), 2)), Sample((x((1,)), 1)), Sample((x(()), 1), {"keepdim": True})]


@op(out=True, samples=_kthvalue_samples, renumber_method_errors=True)
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The k-th smallest value along dim (k counts from 1), with its index."""
    k = int_arg("kthvalue", "k", k, 2, symint=True)  # the parser reads every argument before the dim's range
    d = normalize_dim(int_arg("kthvalue", "dim", dim, 3), input.ndim)
    keepdim = bool_arg("kthvalue", "keepdim", keepdim, 4)
    size = input.shape[d] if input.ndim else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input.dtype is dtypes.bool and input.ndim:  # the kernel's, after the sizes (a 0-d tensor runs none)
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    return _kth_smallest(input, k, d, keepdim, ties_as_quick_select=True)


def _kth_smallest(input: Tensor, k: int, d: int, keepdim: bool, ties_as_quick_select: bool) -> Any:
    """kthvalue's result once its arguments are checked. Where the k-th value ties, torch's kthvalue gives
    the index its quick select leaves; its median, the stable order's (both measured)."""
    data = input._data if input.ndim else input._data.reshape(1)
    index = np.take(np.argsort(data, axis=d, kind="stable"), [k - 1], axis=d)
    if ties_as_quick_select:
        index = _kth_index_as_torchs(data, index, d, k)
    if not input.ndim:
        return return_types.kthvalue(rename(input.clone(), "KthvalueBackward0"),
                                     Tensor._make(np.asarray(0, dtype=np.int64)))
    values = gather_along(input, d, index)
    indices = Tensor._make(index.astype(np.int64))
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return return_types.kthvalue(composite(values, "KthvalueBackward0", input), indices)


def _nan_as(dtype: np.dtype) -> Any:
    """NaN cast to dtype as torch's CPU casts it: True, 0 for the integers narrower than 32 bits, else the lowest."""
    if dtype.kind == "f":
        return np.asarray(np.nan, dtype=dtype)
    if dtype.kind == "b":
        return np.asarray(True)
    return np.asarray(np.iinfo(dtype).min if dtype.itemsize >= 4 else 0, dtype=dtype)


_EVERY_DIM: Any = object()  # median()'s default: the median of all elements (dim=None is an error in torch)


def _median_samples(rng: np.random.Generator) -> list[Sample]:
    """Of everything (an odd and an even count), along a dim and a negative one, an empty batch, one element, 0-d."""
    x = rng.standard_normal
    return [Sample((x((3, 5)),)), Sample((x((2, 3)),)), Sample((x((3, 4)), 1)), Sample((x((3, 4)), -2, True)),
            Sample((x((0, 3)), 1)), Sample((x((1,)),), {"dim": 0}), Sample((x(()),))]


def checked_median_dim(fn: str, input: Tensor, dim: Any, keepdim: Any) -> int | None:
    """The dim median or nanmedian (`fn`) reduces, None for every element, after torch's checks in torch's
    order: the parser's types (keepdim before the dim's range), then the kernel's dtype, then an empty dim."""
    if dim is _EVERY_DIM and keepdim is not False:  # torch's median(input) takes nothing else
        raise TypeError(f'{fn}() missing 1 required positional arguments: "dim"')
    if dim is not _EVERY_DIM and not is_int(dim):
        raise TypeError(f"{fn}(): argument 'dim' (position 2) must be int, not {type_name(dim)}")
    bool_arg(fn, "keepdim", keepdim, 3)
    if dim is _EVERY_DIM:
        if input.numel() and input.dtype is dtypes.bool:  # (of nothing, torch returns NaN cast to bool: True)
            raise NotImplementedError('"median_cpu" not implemented for \'Bool\'')
        return None
    d = normalize_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if size and input.dtype is dtypes.bool:
        raise NotImplementedError('"median_out" not implemented for \'Bool\'')
    if not size:  # torch's median says so itself, for nanmedian too
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    return d


@op(out=True, samples=_median_samples, renumber_method_errors=True)
def median(input: Tensor, dim: Any = _EVERY_DIM, keepdim: bool = False) -> Any:
    """The lower median (torch does not average the two middle values): of every element, or along
    `dim` with the index it came from."""
    d = checked_median_dim("median", input, dim, keepdim)
    if d is None:
        flat = input.reshape(-1)
        if not flat.numel():  # torch's "no value" is NaN cast to the dtype (a gradient of zeros, as its)
            return composite(SharedByEqual.apply(flat, _nan_as(input._data.dtype)), "MedianBackward0", input)
        data = flat._data
        if data.dtype.kind == "f" and np.isnan(data).any():  # NaN is the median of anything that holds one
            return composite(SharedByEqual.apply(flat, data.dtype.type(np.nan)), "MedianBackward0", input)
        return composite(SharedByEqual.apply(flat, np.partition(data, (data.size - 1) // 2)[(data.size - 1) // 2]),
                         "MedianBackward0", input)
    size = input.shape[d] if input.ndim else 1
    if input.ndim and input.dtype.is_floating_point and np.isnan(input._data).any():
        values, indices = _median_with_nans(input, d, keepdim)
    else:
        values, indices = _kth_smallest(input, (size + 1) // 2, d, keepdim, ties_as_quick_select=False)
    return return_types.median(rename(values, "MedianBackward1"), indices)


def _median_with_nans(input: Tensor, d: int, keepdim: bool) -> tuple:
    """The lower median along d, where a row holding NaN gives NaN at its first NaN's index, as torch's."""
    data = input._data
    index = np.take(np.argsort(data, axis=d, kind="stable"), [(data.shape[d] - 1) // 2], axis=d)
    nan = np.isnan(data)
    index = np.where(nan.any(axis=d, keepdims=True), np.argmax(nan, axis=d, keepdims=True), index)
    values, indices = gather_along(input, d, index), Tensor._make(index.astype(np.int64))
    return (values, indices) if keepdim else (values.squeeze(d), indices.squeeze(d))

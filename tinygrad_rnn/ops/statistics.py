"""More reductions and scans: the NaN-ignoring ones, quantiles, mode, running max/min and
logcumsumexp, var_mean/std_mean, aminmax, diff, dist, renorm, cov/corrcoef, histc, bincount.

Ops that pick elements (cummax, mode, nanmedian, quantile) find the positions with numpy and take
the values with `gather_along`, whose gradient sends g back to the picked positions; the others are
formulas of existing ops, renamed to torch's node name.
"""
from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import numpy as np

from .. import return_types
from ..argcheck import bool_arg, dtype_arg, int_arg, int_list_args, number_arg, tensor_arg
from ..core import dtypes
from ..core.function import Function, rename
from ..core.tensor import Tensor
from ..creation import callers_stacklevel
from ..layout import row_major
from . import cpp_sort
from .composite import composite
from .declare import Sample, SampleMaker, op
from .pointwise import exp, lerp, log, where
from .reduce import (
    _EVERY_DIM,
    SharedByEqual,
    _nan_as,
    _recorded,
    _reduce_dims,
    amax,
    amin,
    checked_median_dim,
    mean,
    sort,
    spread_overloads,
    standard_deviation,
    sum,
    variance,
)
from .reduce import norm_along as p_norm
from .shape import cat, gather_along, normalize_dim, normalize_dims


def _mask(condition: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(condition))


def _with_nans(x: np.ndarray) -> np.ndarray:
    x = np.array(x)
    x.reshape(-1)[::4] = np.nan
    return x


def _samples(*calls: tuple, nans: bool = False) -> SampleMaker:
    """One sample per (shape, kwargs) pair; with `nans`, every fourth element is NaN."""
    def make(rng: np.random.Generator) -> list[Sample]:
        out = []
        for shape, kwargs in calls:
            x = np.asarray(rng.standard_normal(shape))
            out.append(Sample((_with_nans(x) if nans else x,), kwargs))
        return out
    return make


# ------------------------------------------------------------------ ignoring NaN


class NanToZero(Function):
    """x with NaN replaced by 0. Its gradient is g times (x is not NaN), a product rather than a
    selection, so an infinite g still gives NaN there, as torch's nansum."""

    @staticmethod
    def forward(ctx, x):
        ctx.kept = ~np.isnan(x._data)
        return Tensor._make(np.where(ctx.kept, x._data, 0).astype(x._data.dtype))

    @staticmethod
    def backward(ctx, g):
        return g * Tensor._make(ctx.kept.astype(g._data.dtype))

    @staticmethod
    def jvp(ctx, t):
        return t * Tensor._make(ctx.kept.astype(t._data.dtype))


@op(out=True, samples=_samples(((3, 4), {}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": (0, 2), "keepdim": True}),
                     ((0, 3), {"dim": 1}), ((), {}), nans=True))
def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The sum with NaN counted as zero (its gradient there is zero too); with `dtype`, each element is
    converted to it (after NaN became zero) and summed in it, as torch's kernel does."""
    bool_arg("nansum", "keepdim", keepdim)
    x = NanToZero.apply(input) if input.dtype.is_floating_point else input
    if dtype is not None:
        x = x.to(dtype_arg("nansum", dtype))
    if isinstance(dim, (tuple, list)):  # torch checks a list of dims in turn here (sum checks ranges first)
        normalize_dims(dim, input.ndim)
    return _recorded(input, composite(sum(x, dim, keepdim, dtype=x.dtype if dtype is not None else None),
                                      "NansumBackward0", input))


@op(out=True, samples=_samples(((3, 4), {}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": (0, 2), "keepdim": True}),
                     ((2,), {}), nans=True))
def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The mean of the values that are not NaN (NaN where there are none)."""
    if dim is not None:  # torch's parser, before any check of the dtypes
        int_list_args("nanmean", [("dim", dim, 2)], scalar_ok=True)
    bool_arg("nanmean", "keepdim", keepdim)
    if not input.dtype.is_floating_point:  # whatever dtype is asked for, as torch
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{input.dtype._legacy}")
    x = input if dtype is None else input.to(dtype_arg("nanmean", dtype))
    if not x.dtype.is_floating_point:
        raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be either a floating point "
                           f"or complex dtype. Got: {x.dtype._legacy}")
    count = sum(_mask(~np.isnan(x._data)).to(x.dtype), dim, keepdim)
    return rename(nansum(x, dim, keepdim) / count, "DivBackward0")


def _select_values(input: Tensor, index: np.ndarray, d: int, keepdim: bool) -> Tensor:
    """input's elements at `index` (kept dim of size 1) along d."""
    values = gather_along(input, d, index)
    return values if keepdim else values.squeeze(d)


def _lower_median_index(data: np.ndarray, d: int) -> np.ndarray:
    """Per row along d, the index of the lower median of the values that are not NaN (NaN sorts
    last, so a row of NaNs gives the index of a NaN)."""
    order = np.argsort(data, axis=d, kind="stable")
    valid = (~np.isnan(data)).sum(axis=d, keepdims=True)
    return np.take_along_axis(order, np.maximum((valid - 1) // 2, 0), axis=d)


@op(out=True, samples=_samples(((3, 5), {}), ((3, 5), {"dim": 1}), ((3, 5), {"dim": 0, "keepdim": True}), ((2,), {"dim": 0}),
                     nans=True), renumber_method_errors=True)
def nanmedian(input: Tensor, dim: Any = _EVERY_DIM, keepdim: bool = False) -> Any:
    """The lower median of the values that are not NaN; over a dim, with the index it came from."""
    d = checked_median_dim("nanmedian", input, dim, keepdim)
    if d is None:
        flat = input.reshape(-1)
        if not flat.numel():  # torch's "no value" is NaN cast to the dtype, as median's
            return composite(SharedByEqual.apply(flat, _nan_as(input._data.dtype)), "NanmedianBackward0", input)
        value = flat._data[_lower_median_index(flat._data, 0)[0]]
        return composite(SharedByEqual.apply(flat, value), "NanmedianBackward0", input)
    x = input if input.ndim else input.reshape(1)
    index = _lower_median_index(x._data, d)
    values = _select_values(x, index, d, keepdim or not input.ndim)
    indices = Tensor._make(index if keepdim or not input.ndim else np.squeeze(index, d))
    if not input.ndim:
        values, indices = values.reshape(()), indices.reshape(())
    return return_types.nanmedian(composite(values, "NanmedianBackward1", input), indices)  # (not the gather below)


def _mode_index(data: np.ndarray, d: int) -> np.ndarray:
    """Per row, the position torch gives the most frequent value (the smallest of those that tie): torch
    sorts the row with std::sort and takes the last of the value's run, wherever that left it (cpp_sort.py)."""
    moved = np.moveaxis(data, d, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    picks = np.empty(rows.shape[0], dtype=np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)
        best = values[np.argmax(counts)]  # np.unique sorts, argmax takes the first (smallest) of ties
        same = (row == best) | ((row != row) & (best != best))  # (NaN is its own value: a row of NaNs has a mode)
        where = np.flatnonzero(same)
        if where.size > 1:
            where = [i for i in cpp_sort.sorted_order(row.tolist(), False) if same[i]]
        picks[r] = where[-1]
    return np.expand_dims(picks.reshape(moved.shape[:-1]), d)


# Distinct values, so that gradcheck's small nudges cannot change which value is most frequent
# (then every count is 1 and the mode is the smallest); repeated values: tests/ops/test_reductions_more.py.
@op(out=True, samples=_samples(((3, 6), {}), ((4, 3), {"dim": 0}), ((2, 5), {"keepdim": True}), ((), {"dim": 0})),
    renumber_method_errors=True)
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along dim (the smallest if several are), and its last position."""
    dim, keepdim = int_arg("mode", "dim", dim, 2), bool_arg("mode", "keepdim", keepdim, 3)  # before the dim's range
    x = input if input.ndim else input.reshape(1)
    d = normalize_dim(dim, x.ndim)
    if x.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    index = _mode_index(x._data, d)
    squeeze = not keepdim or not input.ndim
    values = _select_values(x, index, d, not squeeze)
    indices = Tensor._make(np.squeeze(index, d) if squeeze else index)
    return return_types.mode(composite(values, "ModeBackward0", input), indices)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_quantile_args(input: Tensor, q: Any, interpolation: str) -> None:
    """torch's checks, in its order and words (nanquantile's too say quantile()): a number q is range-checked
    before anything looks at the input (it then becomes a tensor of the input's dtype); a tensor q only after
    the input and its own dtype."""
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if not isinstance(q, Tensor):
        if np.ndim(q) or not hasattr(q, "__float__"):  # a list, None: torch's parser wants a float or a tensor
            raise ValueError("quantile() q must be a float or a tensor")  # (the parser wrapper words it as torch)
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {float(q):g}")  # (C++'s 6 digits)
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor) and q.dtype != input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if isinstance(q, Tensor) and not ((q._data >= 0) & (q._data <= 1)).all():  # (NaN is out of range)
        raise RuntimeError("quantile() q values must be in the range [0, 1]")


def _quantile(input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    """Sort along dim, then for each q interpolate between the two order statistics around
    q * (n - 1) (n counts the non-NaN values with ignore_nan). The q dimension comes first."""
    _check_quantile_args(input, q, interpolation)
    scalar_q = not isinstance(q, Tensor)
    qs = np.atleast_1d(np.asarray(q._data if isinstance(q, Tensor) else q, dtype=np.float64))
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else normalize_dim(dim, x.ndim)
    x = x if x.ndim else x.reshape(1)
    ordered = sort(x, d).values
    data = ordered._data
    nan = np.isnan(data)
    count = (~nan).sum(axis=d, keepdims=True) if ignore_nan else np.full(np.sum(nan, axis=d, keepdims=True).shape,
                                                                         data.shape[d])
    poisoned = (count == 0) if ignore_nan else nan.any(axis=d, keepdims=True)  # rows whose result is NaN
    rows = []
    for i, value in enumerate(qs):
        rank = data.dtype.type(value) * (count - 1).astype(data.dtype)  # in the input's dtype, as torch
        below, above = np.floor(rank).astype(np.int64), np.ceil(rank).astype(np.int64)
        frac = rank - below
        if interpolation == "lower":
            above = below
        elif interpolation == "higher":
            below = above
        elif interpolation == "nearest":
            below = above = np.round(rank).astype(np.int64)  # numpy rounds half to even, as torch does
        below, above = np.clip(below, 0, data.shape[d] - 1), np.clip(above, 0, data.shape[d] - 1)
        low, high = gather_along(ordered, d, below), gather_along(ordered, d, above)
        weight = 0.5 if interpolation == "midpoint" else frac.astype(data.dtype)
        if interpolation in ("lower", "higher", "nearest"):
            row = low
        elif interpolation == "linear" and isinstance(q, Tensor) and q.requires_grad:
            # the weight q * (n - 1) - below as a tensor: the result's slope in q is (high - low) * (n - 1);
            # a row with NaN (none but NaN, for nanquantile) gives q no gradient, as torch's
            weight = q.reshape(-1)[i] * Tensor._make((count - 1).astype(data.dtype)) - Tensor._make(
                below.astype(data.dtype))
            weight = where(_mask(np.broadcast_to(poisoned, weight.shape)), 0.0, weight)
            row = lerp(low, high, weight.expand(low.shape))
        else:
            # torch's lerp, not low + (high - low) * w: from `high` for a weight past 0.5, which
            # changes the last bit of the upper quartile of two values (torch.utils.benchmark's IQR)
            row = lerp(low, high, Tensor._make(np.broadcast_to(np.asarray(weight, dtype=data.dtype), low.shape)))
        if poisoned.any():
            row = where(_mask(np.broadcast_to(poisoned, row.shape)), math.nan, row)
        rows.append(row)
    out = cat(rows, d)  # one entry per q along d, then moved to the front
    out = out.movedim(d, 0)
    if keepdim:
        if dim is None:
            out = out.reshape((len(qs),) + (1,) * input.ndim)
        else:
            out = out.unsqueeze(d + 1)
    out = out if scalar_q or (isinstance(q, Tensor) and q.ndim == 0) else out
    if scalar_q or (isinstance(q, Tensor) and q.ndim == 0):
        out = out.squeeze(0)
    return rename(out, "SqueezeBackward4")


def _quantile_samples(nans: bool) -> SampleMaker:
    def make(rng: np.random.Generator) -> list[Sample]:
        x = rng.standard_normal
        data = [x((3, 5)), x((3, 5)), x((2, 3, 4)), x((7,))]
        data = [np.asarray(_with_nans(a) if nans else a) for a in data]
        return [Sample((data[0], 0.3)), Sample((data[1], 0.75), {"dim": 1, "keepdim": True}),
                Sample((data[2], 0.5), {"dim": 2, "interpolation": "midpoint"}),
                Sample((data[3], 0.4), {"interpolation": "nearest"})]
    return make


@op(out=True, samples=_quantile_samples(False))
def quantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
    return _quantile(input, q, dim, keepdim, interpolation, False)


@op(out=True, samples=_quantile_samples(True))
def nanquantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    return _quantile(input, q, dim, keepdim, interpolation, True)


# ------------------------------------------------------------------ scans


def _running_extreme(input: Tensor, dim: int, largest: bool) -> Any:
    """Running max (min) along dim and where it was last reached (ties move the index, as torch)."""
    x = input if input.ndim else input.reshape(1)
    d = normalize_dim(dim, x.ndim)
    data = np.moveaxis(x._data, d, -1)
    index = np.zeros(data.shape, dtype=np.int64)
    best = data[..., :1].copy() if data.shape[-1] else data[..., :0]
    for i in range(data.shape[-1]):
        value = data[..., i:i + 1]
        better = (value >= best) if largest else (value <= best)
        better |= np.isnan(value)  # NaN propagates, as torch
        better &= ~np.isnan(best) | np.isnan(value)
        best = np.where(better, value, best)
        index[..., i] = np.where(better[..., 0], i, index[..., i - 1] if i else 0)
    index = np.moveaxis(index, -1, d)
    values = gather_along(x, d, index)
    name, result = ("CummaxBackward0", return_types.cummax) if largest else ("CumminBackward0", return_types.cummin)
    if not input.ndim:
        values, index = values.reshape(()), index.reshape(())
    return result(rename(values, name), Tensor._make(index))


def _scan_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    return [Sample((np.asarray(x((3, 4))), 1)), Sample((np.asarray(x((3, 4))), 0)), Sample((np.asarray(x((0, 3))), 1)),
            Sample((np.asarray(x(())), 0))]


@op(out=True, samples=_scan_samples)
def cummax(input: Tensor, dim: int) -> Any:
    return _running_extreme(input, dim, True)


@op(out=True, samples=_scan_samples)
def cummin(input: Tensor, dim: int) -> Any:
    return _running_extreme(input, dim, False)


# The running total's type in torch's logcumsumexp kernel (at::acc_type<T, false>): float16 in float, float in double.
_LOG_ACCUMULATOR = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64}


def _log_cum_sum_exp(x: np.ndarray, dim: int) -> np.ndarray:
    """The running log(sum(e^x)) along dim as torch's CPU kernel takes it, one step after the other in the
    wider accumulator: total = log1p(exp(lo - hi)) + hi for lo, hi the smaller and larger of total and the next
    x (std::min / std::max: a NaN x wins, a NaN total stays), or x itself where both are the same infinity.
    Each result is rounded to x's dtype once. (numpy's logaddexp.accumulate in float32 was an ulp off torch's
    in 4 of 5 results.)"""
    moved = np.moveaxis(x, dim, 0)
    wide = moved.astype(_LOG_ACCUMULATOR.get(x.dtype, x.dtype))
    out = np.empty(moved.shape, x.dtype)
    total = np.full(moved.shape[1:], -np.inf, wide.dtype)
    with np.errstate(all="ignore"):  # inf - inf and NaN pass through quietly, as torch's
        for i, step in enumerate(wide):
            nan_total = np.isnan(total)
            lo = np.where(nan_total, total, np.where(total < step, total, step))
            hi = np.where(nan_total, total, np.where(step < total, total, step))
            mixed = (lo != hi) | np.isfinite(lo)
            total = np.where(mixed, np.log1p(np.exp(lo - hi)) + hi, step)
            out[i] = total
    return np.moveaxis(out, 0, dim)


class Logcumsumexp(Function):
    """log(sum of e^x over the first i elements along dim), without overflow.

    d y_j / d x_i = e^(x_i - y_j) for i <= j, so the gradient is e^x_i times a reversed running sum
    of g_j e^-y_j; that sum is taken in log space, for the positive and negative parts of g apart.
    """

    @staticmethod
    def forward(ctx, x, dim):
        y = Tensor._make(row_major(_log_cum_sum_exp(x._data, dim)) if x._data.size else x._data.copy())  # (torch's: new, row-major)
        ctx.save_for_backward(x, y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        d = ctx.dim

        def reversed_log_running_sum(t: Tensor) -> Tensor:
            return Logcumsumexp.apply(t.flip(d), d).flip(d)

        with np.errstate(divide="ignore"):
            positive = exp(x + reversed_log_running_sum(log(g.clamp(min=0)) - y))
            negative = exp(x + reversed_log_running_sum(log((-g).clamp(min=0)) - y))
        return positive - negative, None

    @staticmethod
    def jvp(ctx, t, _):  # dy_j = sum over i <= j of e^(x_i - y_j) t_i, the running sum in log space
        x, y = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            positive = exp(Logcumsumexp.apply(x + log(t.clamp(min=0)), ctx.dim) - y)
            negative = exp(Logcumsumexp.apply(x + log((-t).clamp(min=0)), ctx.dim) - y)
        return positive - negative


@op(out=True, samples=_scan_samples, twice_differentiable=False, renumber_method_errors=True)
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    dim = normalize_dim(int_arg("logcumsumexp", "dim", dim, 2), input.ndim)  # before the dtype, as torch
    if not input.dtype.is_floating_point:  # (torch 2.13 has no integer kernel)
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{input.dtype._legacy}\'')
    if not input.ndim:
        return rename(input.clone(), "LogcumsumexpBackward0")
    return Logcumsumexp.apply(input, dim)


# ------------------------------------------------------------------ pairs of statistics


_PAIR_SAMPLES = _samples(((3, 4), {}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": (0, 2), "keepdim": True}),
                         ((3, 4), {"dim": 1, "correction": 0}))


def _with_mean(spread: Tensor, input: Tensor, dim: Any, keepdim: bool, node_name: str) -> tuple:
    """(spread, mean over the same dims), both named after torch's single node for the pair."""
    dims = _reduce_dims(dim, input.ndim) if not isinstance(dim, bool) else None
    m = mean(input, dims, keepdim)
    if input.dtype is dtypes.float32 and input.numel():
        # torch's pair comes from one Welford pass in double: its mean is the double mean rounded once, not
        # the float32 sum divided (about a third of float32 means differed in the last bit). The mean's
        # gradient does not read its value, so the node keeps our graph and takes torch's number.
        wide = np.mean(input._data, axis=_reduce_dims(dims, input.ndim), dtype=np.float64, keepdims=keepdim)
        m._data = row_major(np.asarray(wide.astype(np.float32)))
    return rename(spread, node_name), rename(m, node_name)


@op(method=False, samples=_PAIR_SAMPLES)
@spread_overloads
def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> Any:
    """(var, mean) over dim, in one call."""
    v = variance(input, dim, unbiased, keepdim, correction, "var_mean")
    return _with_mean(v, input, dim, keepdim, "VarMeanBackward0")


@op(method=False, samples=_PAIR_SAMPLES)
@spread_overloads
def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> Any:
    """(std, mean) over dim, in one call."""
    s = standard_deviation(input, dim, unbiased, keepdim, correction, "std_mean")
    return _with_mean(s, input, dim, keepdim, "StdMeanBackward0")


@op(out=True, samples=_samples(((3, 4), {}), ((3, 4), {"dim": 1}), ((3, 4), {"dim": 0, "keepdim": True}), ((1,), {})))
def aminmax(input: Tensor, *, dim: Any = None, keepdim: bool = False) -> Any:
    """(min, max) over dim (or everything)."""
    if dim is not None:  # torch's parser first
        int_arg("aminmax", "dim", dim)
    bool_arg("aminmax", "keepdim", keepdim)
    if input.numel() == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                           "identity.")
    dims = () if dim is None else dim
    if dim is not None and input.ndim and input.shape[normalize_dim(dim, input.ndim)] == 0:
        raise IndexError(f"aminmax: Expected reduction dim {normalize_dim(dim, input.ndim)} to have non-zero size.")
    low, high = amin(input, dims, keepdim), amax(input, dims, keepdim)
    return return_types.aminmax(rename(low, "AminmaxBackward0"), rename(high, "AminmaxBackward0"))


# ------------------------------------------------------------------ differences and distances


def _diff_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    return [Sample((np.asarray(x((3, 5))),)), Sample((np.asarray(x((3, 5))),), {"n": 2, "dim": 0}),
            Sample((np.asarray(x((3, 5))),), {"dim": 1, "prepend": None}), Sample((np.asarray(x((4,))),), {"n": 3})]


@op(out=True, renumber_method_errors=True, samples=_diff_samples)
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None, append: Tensor | None = None) -> Tensor:
    """x[i + 1] - x[i] along dim, n times, after joining prepend and append."""
    n = int_arg("diff", "n", n, 2)
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = normalize_dim(dim, input.ndim)
    if n == 0:  # torch returns a copy of input, without prepend and append
        return rename(input.clone(), "torch::autograd::CopyBackwards")
    x = cat([t for t in (prepend, input, append) if t is not None], d) if prepend is not None or append is not None \
        else input
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        if x.dtype is dtypes.bool:
            x = x.narrow(d, 1, length - 1) != x.narrow(d, 0, length - 1)
        else:
            x = x.narrow(d, 1, length - 1) - x.narrow(d, 0, length - 1)
    return x


def _gradient_samples(rng: np.random.Generator) -> list[Sample]:
    """Even spacings (coordinates, tensors given by keyword, are checked in tests/ops/test_reductions_more.py)."""
    x = np.asarray(rng.standard_normal((3, 4)))
    return [Sample((x,)), Sample((x,), {"spacing": 2.0, "edge_order": 2}), Sample((x,), {"dim": -1, "spacing": [0.5]}),
            Sample((np.asarray(rng.standard_normal((2, 3, 4))),), {"dim": (2, 0), "spacing": [3, 0.25]})]


@op(method=False, samples=_gradient_samples)
def gradient(input: Tensor, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple:
    """The derivative of the function sampled by input, estimated along each dim (all by default): central
    differences inside, one-sided ones of order `edge_order` (1 or 2) at the two ends. `spacing` is the
    distance between samples (a number, one per dim), or the samples' coordinates (one 1-d tensor per dim)."""
    if dim is not None and input.ndim == 0:  # (reductions take dim 0 of a 0-d tensor; gradient does not)
        first = dim if isinstance(dim, int) else next(iter(dim), None)
        if first is not None:
            raise IndexError(f"Dimension specified as {first} but tensor has no dimensions")
    dims = tuple(range(input.ndim)) if dim is None else normalize_dims(dim, input.ndim)
    steps = _gradient_spacing(spacing, dims, dim is None, input.ndim)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if builtins.any(input.shape[d] < edge_order + 1 for d in dims):
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(_gradient_along(input, d, step, edge_order) for d, step in zip(dims, steps))


def _gradient_spacing(spacing: Any, dims: tuple, all_dims: bool, ndim: int) -> list:
    """One step (a number) or coordinate tensor per dim, with torch's checks."""
    if not isinstance(spacing, (list, tuple)):
        return [spacing] * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(
            f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() = "
            f"{ndim}', since dim argument was not given, but got a list of length {len(spacing)}" if all_dims else
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim arguments to have the "
            f"same length, but got a spacing argument of length {len(spacing)} and a dim argument of length {len(dims)}.")
    for step in spacing:
        if isinstance(step, Tensor) and step.ndim != 1:
            raise RuntimeError("torch.gradient expected each element of spacing to have one dimension, but got an "
                               f"element with {step.ndim} dimensions!")
    return list(spacing)


def _gradient_along(x: Tensor, d: int, step: Any, edge_order: int) -> Tensor:
    """torch's formulas, in its order of operations (the same rounding)."""
    def part(start: int, stop: int | None = None) -> Tensor:
        length = x.shape[d]
        first = start % length if start < 0 else start
        last = length if stop is None else stop % length if stop < 0 else stop
        return x.narrow(d, first, last - first)

    if not isinstance(step, Tensor) or step.ndim == 0:  # evenly spaced samples
        center = (part(2) - part(0, -2)) / step / 2
        if edge_order == 1:
            first, last = (part(1, 2) - part(0, 1)) / step, (part(-1) - part(-2, -1)) / step
        else:
            first = (-1.5 * part(0, 1) + 2 * part(1, 2) - 0.5 * part(2, 3)) / step
            last = (0.5 * part(-3, -2) - 2 * part(-2, -1) + 1.5 * part(-1)) / step
        return cat([first, center, last], d)
    dx = step.diff()  # the samples' coordinates: weights for uneven spacing
    dx1, dx2 = dx[:-1], dx[1:]
    along = [1] * x.ndim
    along[d] = -1
    a, b, c = ((-dx2 / (dx1 * (dx1 + dx2))).reshape(along), ((dx2 - dx1) / (dx1 * dx2)).reshape(along),
               (dx1 / (dx2 * (dx1 + dx2))).reshape(along))
    center = a * part(0, -2) + b * part(1, -1) + c * part(2)
    if edge_order == 1:
        first, last = (part(1, 2) - part(0, 1)) / dx[0], (part(-1) - part(-2, -1)) / dx[-1]
    else:
        first = (-(2.0 * dx[0] + dx[1]) / (dx[0] * (dx[0] + dx[1])) * part(0, 1)
                 + (dx[0] + dx[1]) / (dx[0] * dx[1]) * part(1, 2) + -dx[0] / (dx[1] * (dx[0] + dx[1])) * part(2, 3))
        last = (dx[-1] / (dx[-2] * (dx[-1] + dx[-2])) * part(-3, -2)
                + -(dx[-1] + dx[-2]) / (dx[-1] * dx[-2]) * part(-2, -1)
                + (2 * dx[-1] + dx[-2]) / (dx[-1] * (dx[-1] + dx[-2])) * part(-1))
    return cat([first, center, last], d)


@op(samples=lambda rng: [Sample((np.asarray(rng.standard_normal((3, 4))) + 0.1, np.asarray(rng.standard_normal(s))), kw)
                         for s, kw in (((3, 4), {}), ((4,), {"p": 1}), ((3, 4), {"p": 3.5}),
                                       ((3, 4), {"p": float("inf")}))], renumber_method_errors=True)
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of input - other."""
    tensor_arg("dist", "input", input, 1)
    tensor_arg("dist", "other", other, 2)
    number_arg("dist", "p", p, 3)  # (torch leaves the position out when p is given by keyword)
    difference = input - other
    if not difference.dtype.is_floating_point:  # dist checks with its own words, not vector_norm's (no complex here)
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {difference.dtype._legacy} instead.")
    return composite(p_norm(difference, p), "DistBackward0", input, other)


@op(out=True, inplace=True, samples=lambda rng: [Sample((np.asarray(rng.standard_normal((3, 4))) * 2, p, d, m))
                                       for p, d, m in ((2, 0, 1.0), (1, 1, 2.0), (3, 0, 0.5))])
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along dim whose p-norm exceeds maxnorm is scaled down to norm maxnorm."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    d = normalize_dim(dim, input.ndim)
    others = tuple(i for i in range(input.ndim) if i != d)
    norms = p_norm(input, p, others, True)
    big = _mask(norms._data > maxnorm)
    factor = where(big, maxnorm / (norms + 1e-7), 1.0)
    return composite(input * factor, "RenormBackward0", input)


def _rows_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((np.asarray(rng.standard_normal(s)),), kw) for s, kw in (((3, 5), {}), ((2, 6), {"correction": 0}),
                                                                           ((4,), {}))]


@op(samples=_rows_samples)
def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None, aweights: Tensor | None = None) -> Tensor:
    """The covariance matrix of the variables in input's rows (observations in its columns)."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with {input.ndim} "
                           "dimensions")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    x = x if x.dtype.is_floating_point else x.to(dtypes.get_default_dtype())
    _check_cov_weights("fweights", fweights, x.shape[1])
    _check_cov_weights("aweights", aweights, x.shape[1])
    weights = None
    for w in (fweights, aweights):
        if w is not None:
            weights = w if weights is None else weights * w
    n = x.shape[1]
    if weights is None:
        total = float(n)
        average = x.mean(1, keepdim=True)
        norm_factor = total - correction
    else:
        total = weights.sum()
        if float(total._data) == 0:
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
        average = (x * weights).sum(1, keepdim=True) / total
        if correction == 0:
            norm_factor = total
        elif aweights is None:
            norm_factor = total - correction
        else:
            norm_factor = total - correction * (weights * aweights).sum() / total
    centered = x - average
    weighted = centered if weights is None else centered * weights
    product = weighted @ centered.transpose(0, 1)
    if float(norm_factor._data if isinstance(norm_factor, Tensor) else norm_factor) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations. (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/Correlation.cpp:129.)", UserWarning,
                      stacklevel=callers_stacklevel())
        norm_factor = norm_factor * 0 if isinstance(norm_factor, Tensor) else 0.0
    out = product / norm_factor
    return out.squeeze()  # (torch squeezes every result: one variable, even as a 1 x n input, gives a 0-d tensor)


def _check_cov_weights(name: str, weights: Tensor | None, observations: int) -> None:
    """torch's checks of cov's fweights (integers) or aweights (floats): one per observation, none negative."""
    if weights is None:
        return
    if weights.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                           f"{weights.ndim} dimensions")
    integral = name == "fweights"
    if (weights.dtype.is_floating_point or weights.dtype is dtypes.bool) if integral \
            else not weights.dtype.is_floating_point:
        kind = "integral" if integral else "floating point"
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{weights.dtype._legacy} dtype")
    if weights.numel() != observations:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {weights.numel()} != {observations}")
    if weights.numel() and bool((weights._data < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


@op(samples=lambda rng: [Sample((np.asarray(rng.standard_normal(s)),)) for s in ((3, 5), (2, 6))])
def corrcoef(input: Tensor) -> Tensor:
    """Pearson's correlation coefficients of input's rows, clamped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std_dev = (c * Tensor._make(np.eye(c.shape[0], dtype=c._data.dtype))).sum(1).sqrt()  # sqrt of the diagonal
    return rename((c / std_dev.unsqueeze(1) / std_dev.unsqueeze(0)).clamp(-1, 1), "ClampBackward1")


# ------------------------------------------------------------------ counts (no gradient)


@op(out=True, differentiable=False, samples=lambda rng: [
    Sample((np.asarray(rng.standard_normal(s)),), kw) for s, kw in (((20,), {}), ((4, 5), {"bins": 7}),
                                                                   ((30,), {"bins": 5, "min": -1, "max": 1}))],
    renumber_method_errors=True)
def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts in `bins` equal bins between min and max (the data's own range when both are 0)."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{input.dtype._legacy}'")
    bins = int_arg("histc", "bins", bins, 2)
    if bins <= 0:  # (torch 2.13 shares histogram's check, and its words)
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    data = input._data.reshape(-1)
    low, high = float(min), float(max)
    if low == high and data.size:
        low, high = float(data.min()), float(data.max())
        if math.isnan(low):  # the data's range is NaN: torch's kernel computes it as a NaN with the sign bit set
            low = high = -math.nan
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{_c_number(low)}, {_c_number(high)}] is not finite")
    inside = data[(data >= low) & (data <= high)]
    counts, _ = np.histogram(inside, bins=bins, range=(low, high))
    return Tensor._make(counts.astype(input._data.dtype))


def _c_number(x: float) -> str:
    """x as C++'s stream prints a double (6 significant digits, '-nan' for a NaN with its sign bit set)."""
    return ("-nan" if math.copysign(1.0, x) < 0 else "nan") if math.isnan(x) else f"{x:g}"


@op(differentiable=False, samples=lambda rng: [Sample((rng.integers(0, 6, 12),)), Sample((rng.integers(0, 3, 5),), {"minlength": 6}),
                                                Sample((np.zeros(0, dtype=np.int64),))])
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """How often each non-negative integer occurs (or the sum of its weights)."""
    if input.dtype.is_floating_point:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{input.dtype._legacy}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1 or input.dtype is dtypes.bool:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if input.numel() and input._data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if not input.numel():  # torch's shortcut for no input: int64 zeros, whatever the weights
        return Tensor._make(np.zeros(builtins.max(minlength, 0), np.int64))
    w = None if weights is None else weights._data
    counts = np.bincount(input._data, weights=w, minlength=builtins.max(minlength, 0))
    # torch sums float32 weights into float32 and every other weight dtype (float16 too) into float64
    dtype = np.int64 if weights is None else (np.float32 if weights.dtype is dtypes.float32 else np.float64)
    return Tensor._make(counts.astype(dtype))


@op(out=True, samples=lambda rng: [Sample((np.asarray(rng.standard_normal(s)),)) for s in ((4, 3), (5,), (0, 2))])
def msort(input: Tensor) -> Tensor:
    """input sorted along its first dim."""
    return sort(input, 0).values

"""Reductions (sum, mean, max/min, logsumexp) and the softmax family."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from .shape import normalize_dim, normalize_dims

values_indices = namedtuple("values_indices", ["values", "indices"])


def _kept_shape(shape: tuple, dims: tuple) -> tuple:
    """`shape` with the reduced dims set to 1, i.e. the result of keepdim=True."""
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


class Sum(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.in_shape, ctx.kept = x.shape, _kept_shape(x.shape, dims)
        return Tensor._make(np.asarray(x._data.sum(axis=dims, keepdims=keepdim)))

    @staticmethod
    def backward(ctx, g):  # every input element contributed once: spread g back over the dims
        return g.reshape(ctx.kept).expand(ctx.in_shape), None, None


class Amax(Function):
    """max or min over dims (torch.amax/amin and the full `max()`): ties share the gradient."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, largest):
        reduce = np.max if largest else np.min
        y = reduce(x._data, axis=dims, keepdims=True)
        ctx.save_for_backward(x)
        ctx.y, ctx.dims = y, dims
        return Tensor._make(np.asarray(y if keepdim else np.squeeze(y, axis=dims)))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        hit = x._data == ctx.y
        share = hit / hit.sum(axis=ctx.dims, keepdims=True)
        return g.reshape(ctx.y.shape) * Tensor._make(share.astype(x._data.dtype)), None, None, None


class MaxDim(Function):
    """max/min along one dim; the gradient goes to the returned index only."""

    @staticmethod
    def forward(ctx, x, dim, keepdim, largest):
        arg = (np.argmax if largest else np.argmin)(x._data, axis=dim, keepdims=True)
        ctx.index, ctx.dim, ctx.in_shape, ctx.dtype = arg, dim, x.shape, x._data.dtype
        y = np.take_along_axis(x._data, arg, axis=dim)
        return Tensor._make(y if keepdim else np.squeeze(y, axis=dim))

    @staticmethod
    def backward(ctx, g):
        onehot = np.zeros(ctx.in_shape, ctx.dtype)
        np.put_along_axis(onehot, ctx.index, 1, axis=ctx.dim)
        return g.reshape(ctx.index.shape).expand(ctx.in_shape) * Tensor._make(onehot), None, None, None


class LogSumExp(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        m = np.max(x._data, axis=dims, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) rows: leave them to np.log
        y = np.log(np.sum(np.exp(x._data - m), axis=dims, keepdims=True)) + m
        ctx.save_for_backward(x)
        ctx.y, ctx.dims, ctx.kept = y, dims, y.shape
        return Tensor._make(np.asarray(y if keepdim else np.squeeze(y, axis=dims)))

    @staticmethod
    def backward(ctx, g):  # d/dx logsumexp = softmax(x)
        from .pointwise import exp

        (x,) = ctx.saved_tensors
        return g.reshape(ctx.kept) * exp(x - Tensor._make(ctx.y)), None, None


class Softmax(Function):
    @staticmethod
    def forward(ctx, x, dim):
        shifted = x._data - np.max(x._data, axis=dim, keepdims=True)
        e = np.exp(shifted)
        y = Tensor._make(e / e.sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):  # J^T g = y * (g - sum(g * y))
        (y,) = ctx.saved_tensors
        return y * (g - (g * y).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    @staticmethod
    def forward(ctx, x, dim):
        shifted = x._data - np.max(x._data, axis=dim, keepdims=True)
        y = Tensor._make(shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True)))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):  # J^T g = g - softmax * sum(g)
        from .pointwise import exp

        (y,) = ctx.saved_tensors
        return g - exp(y) * g.sum(ctx.dim, keepdim=True), None


# ------------------------------------------------------------------ public functions
def _float_input(x: Tensor, dtype: Any, name: str) -> Tensor:
    if dtype is not None:
        return x.to(dtype)
    return x


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    x = _float_input(input, dtype, "sum")
    if dtype is None and not x.dtype.is_floating_point and x.dtype is not dtypes.int64:
        x = x.to(dtypes.int64)  # torch sums bool and small ints as int64
    return Sum.apply(x, normalize_dims(dim, x.ndim), keepdim)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    x = _float_input(input, dtype, "mean")
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {x.dtype._legacy}"
        )
    dims = normalize_dims(dim, x.ndim)
    count = int(np.prod([x.shape[d] for d in dims])) if dims else 1
    return Sum.apply(x, dims, keepdim) / count if count else Sum.apply(x, dims, keepdim) * float("nan")


def _extreme(input: Tensor, dim: Any, keepdim: bool, largest: bool, name: str) -> Any:
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return Amax.apply(input, tuple(range(input.ndim)), False, largest)
    if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise maximum
        from .pointwise import promote

        a, b = promote(input, dim)
        pick = Tensor._make((a._data >= b._data) if largest else (a._data <= b._data))
        from .pointwise import where

        return where(pick, a, b)
    d = normalize_dim(dim, input.ndim)
    if input.shape and input.shape[d] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {dim} to have non-zero size."
        )
    values = MaxDim.apply(input, d, keepdim, largest)
    arg = (np.argmax if largest else np.argmin)(input._data, axis=d, keepdims=keepdim)
    return values_indices(values, Tensor._make(np.asarray(arg, dtype=np.int64)))


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    return _extreme(input, dim, keepdim, True, "max")


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    return _extreme(input, dim, keepdim, False, "min")


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amax.apply(input, normalize_dims(dim if dim != () else None, input.ndim), keepdim, True)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return Amax.apply(input, normalize_dims(dim if dim != () else None, input.ndim), keepdim, False)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    return LogSumExp.apply(input, normalize_dims(dim, input.ndim), keepdim)


def _softmax_dim(input: Tensor, dim: Any, name: str, stacklevel: int) -> int:
    if dim is None:
        import warnings

        warnings.warn(
            f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
            UserWarning,
            stacklevel=stacklevel,
        )
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, input.ndim)


def _softmax_input(input: Tensor, dtype: Any) -> Tensor:
    x = input if dtype is None else input.to(dtype)
    if not x.dtype.is_floating_point:
        raise RuntimeError(f'"softmax_lastdim_kernel_impl" not implemented for \'{x.dtype._legacy}\'')
    return x


def softmax(input: Tensor, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    return Softmax.apply(_softmax_input(input, dtype), _softmax_dim(input, dim, "softmax", _stacklevel))


def log_softmax(input: Tensor, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    return LogSoftmax.apply(_softmax_input(input, dtype), _softmax_dim(input, dim, "log_softmax", _stacklevel))


def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmax, input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmin, input, dim, keepdim, "argmin")


def _arg(fn: Any, input: Tensor, dim: Any, keepdim: bool, name: str) -> Tensor:
    if dim is None:
        if input.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        flat = fn(input._data.reshape(-1))
        out = np.asarray(flat, dtype=np.int64)
        return Tensor._make(out.reshape((1,) * input.ndim) if keepdim else out)
    d = normalize_dim(dim, input.ndim)
    return Tensor._make(np.asarray(fn(input._data, axis=d, keepdims=keepdim), dtype=np.int64))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """The k largest (or smallest) values along dim, with their indices; the values are differentiable."""
    from .shape import gather_along

    d = normalize_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    data = input._data if input.ndim else input._data.reshape(1)
    key = -data if largest else data
    order = np.argsort(key, axis=d, kind="stable")
    index = np.take(order, np.arange(k), axis=d)
    if not input.ndim:
        return values_indices(input.clone(), Tensor._make(np.asarray(0, dtype=np.int64)))
    return values_indices(gather_along(input, d, index), Tensor._make(index.astype(np.int64)))

"""Adaptive average pooling in torch's arithmetic, so that the averages carry torch's bits.

Output i along a dim of n inputs and o outputs averages the window [floor(i n / o), ceil((i + 1) n / o)).
torch's CPU kernel adds a window's elements one by one in row-major order, starting from zero, and
divides the sum by each dim's window size in turn (`sum / kh / kw`); its gradient gives every input
of a window `grad / kh / kw`, visiting the outputs in row-major order. Both are written here with
numpy over all windows at once: windows are padded to the longest one with zeros (adding +0 to a
running sum leaves it unchanged), the row-major running sum is `np.add.accumulate`, and the
gradient's adds in output order are `np.add.at`. A plain mean per window would round differently:
the average of 5, 6, 10, 11 would be 8.000000477 instead of 8.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...core.function import Function
from ...core.tensor import Tensor


def _windows_along(n: int, o: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For n inputs and o outputs: (o, k) input positions of each window padded to the longest k
    (the padding repeats a valid position), a (o, k) mask of the real ones, and the o window sizes."""
    start = np.arange(o) * n // o
    end = -(-(np.arange(1, o + 1) * n) // o)
    positions = start[:, None] + np.arange(int((end - start).max(initial=1)))[None, :]
    real = positions < end[:, None]
    return np.minimum(positions, n - 1), real, end - start


def _geometry(spatial: tuple, sizes: tuple) -> tuple[np.ndarray, np.ndarray, list]:
    """Flat input positions and mask of every window, laid out (o_1, .., o_nd, k_1 * .. * k_nd) in row-major
    order of both, and each dim's window sizes."""
    per_dim = [_windows_along(n, o) for n, o in zip(spatial, sizes)]
    nd = len(per_dim)
    flat, real = np.zeros((), np.int64), np.ones((), bool)
    for d, (positions, mask, _) in enumerate(per_dim):
        shape = [1] * (2 * nd)
        shape[d], shape[nd + d] = positions.shape
        stride = int(np.prod(spatial[d + 1:], dtype=np.int64))
        flat = flat + positions.reshape(shape) * stride
        real = real & mask.reshape(shape)
    window = int(np.prod(flat.shape[nd:], dtype=np.int64))
    return flat.reshape(flat.shape[:nd] + (window,)), real.reshape(real.shape[:nd] + (window,)), \
        [counts for _, _, counts in per_dim]


def _divide_by_counts(values: np.ndarray, counts: list, dtype: np.dtype) -> np.ndarray:
    """values / k_1 / k_2 / .. with k_d the window sizes along output dim d (torch divides once per dim)."""
    nd = len(counts)
    for d, k in enumerate(counts):
        values = values / k.astype(dtype).reshape((-1,) + (1,) * (nd - d - 1))
    return values


def _pool(data: np.ndarray, sizes: tuple) -> np.ndarray:
    nd = len(sizes)
    spatial, lead = data.shape[-nd:], data.shape[:-nd]
    flat, real, counts = _geometry(spatial, sizes)
    compute = np.dtype(np.float32 if data.dtype == np.float16 else data.dtype)  # torch sums half in float
    values = data.reshape(lead + (int(np.prod(spatial, dtype=np.int64)),)).astype(compute, copy=False)[..., flat]
    values = np.where(real, values, compute.type(0))
    sums = np.add.accumulate(values, axis=-1)[..., -1] + compute.type(0)  # + 0: a sum from torch's zero is never -0
    return _divide_by_counts(sums, counts, compute).astype(data.dtype, copy=False)


def _spread(grad: np.ndarray, spatial: tuple) -> np.ndarray:
    nd = len(spatial)
    sizes, lead = grad.shape[-nd:], grad.shape[:-nd]
    flat, real, counts = _geometry(spatial, sizes)
    compute = np.dtype(np.float32 if grad.dtype == np.float16 else grad.dtype)
    share = _divide_by_counts(grad.astype(compute, copy=False), counts, compute)
    shares = np.where(real, share[..., None], compute.type(0))
    rows = shares.reshape(int(np.prod(lead, dtype=np.int64)), flat.size)
    out = np.zeros((rows.shape[0], int(np.prod(spatial, dtype=np.int64))), compute)
    np.add.at(out, (slice(None), flat.reshape(-1)), rows)  # in output order, as torch's loop adds them
    return out.reshape(lead + tuple(spatial)).astype(grad.dtype, copy=False)


class AdaptiveAvgPool(Function):
    """The average of each adaptive window over the last len(sizes) dims; linear, its gradient spreads."""

    @staticmethod
    def node_name(x: Tensor, sizes: tuple) -> str:
        return f"AdaptiveAvgPool{len(sizes)}DBackward0"

    @staticmethod
    def forward(ctx: Any, x: Tensor, sizes: tuple) -> Tensor:
        ctx.x, ctx.sizes = x, sizes
        return Tensor._make(_pool(x._data, sizes))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return AdaptiveAvgSpread.apply(grad, ctx.x, len(ctx.sizes)), None

    @staticmethod
    def jvp(ctx: Any, tx: Tensor, t_sizes: Any) -> Tensor:
        return AdaptiveAvgPool.apply(tx, ctx.sizes)


class AdaptiveAvgSpread(Function):
    """The adaptive average's gradient: each window's gradient shared out over the last nd dims of `x`'s
    shape. As in torch, `x` is an input (so the result needs grad under create_graph) whose gradient is zero."""

    @staticmethod
    def node_name(grad: Tensor, x: Tensor, nd: int) -> str:
        return f"AdaptiveAvgPool{nd}DBackwardBackward0"

    @staticmethod
    def forward(ctx: Any, grad: Tensor, x: Tensor, nd: int) -> Tensor:
        ctx.x, ctx.nd, ctx.sizes = x, nd, tuple(grad.shape[-nd:])
        return Tensor._make(_spread(grad._data, tuple(x.shape[-nd:])))

    @staticmethod
    def backward(ctx: Any, gg: Tensor) -> tuple:
        return AdaptiveAvgPool.apply(gg, ctx.sizes), Tensor._make(np.zeros_like(ctx.x._data)), None

    @staticmethod
    def jvp(ctx: Any, t_grad: Tensor, t_x: Any, t_nd: Any) -> Tensor:
        return AdaptiveAvgSpread.apply(t_grad, ctx.x, ctx.nd)

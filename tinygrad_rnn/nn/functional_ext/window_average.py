"""Average pooling (strided and adaptive windows) in torch's arithmetic, so that averages carry torch's bits.

torch's CPU kernels add a window's elements one by one in row-major order, starting from zero, and
divide the sum: avg_pool by one divisor (`sum / divide_factor`), the adaptive pool by each dim's window
size in turn (`sum / kh / kw`). The gradient gives every input of a window its output's gradient divided
the same way, visiting the outputs in row-major order. Here each position of a window is added to all
windows at once, in the same order; a mean per window, or a sum in another order, would round
differently: the average of 5, 6, 10, 11 would be 8.000000477 instead of 8.

A window geometry is, per pooled dim, a `Windows`: the (o, k) positions of each output's window (k the
longest window) in the dim zero-padded by `before` and to `size`, and the (o, k) mask of the real ones
(adding a padding zero to a running sum leaves it unchanged).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ...core.function import Function
from ...core.tensor import Tensor


class Windows(NamedTuple):
    positions: np.ndarray  # (o, k) positions in the padded dim
    real: np.ndarray  # (o, k) which of them are inside a window and inside the input
    before: int  # zeros before the input
    size: int  # length of the padded dim


def adaptive_windows(n: int, o: int) -> tuple[Windows, np.ndarray]:
    """Adaptive pooling's windows for n inputs and o outputs, [floor(i n / o), ceil((i + 1) n / o)), and
    the o window sizes."""
    start = np.arange(o) * n // o
    end = -(-(np.arange(1, o + 1) * n) // o)
    positions = start[:, None] + np.arange(int((end - start).max(initial=1)))[None, :]
    return Windows(positions, positions < end[:, None], 0, max(n, int(positions.max(initial=0)) + 1)), end - start


def strided_windows(n: int, k: int, stride: int, pad: int, o: int) -> Windows:
    """avg_pool's windows along one dim: output i covers [i stride - pad, + k), padding (and the ceil_mode
    border) not real."""
    positions = (np.arange(o) * stride)[:, None] + np.arange(k)[None, :]
    real = (positions >= pad) & (positions < pad + n)
    return Windows(positions, real, pad, max(n + pad, int(positions.max(initial=0)) + 1))


def _flat(per_dim: list) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions in the padded pooled dims and mask of every window, (O, K): outputs and the window's
    positions each in row-major order."""
    nd = len(per_dim)
    flat, real = np.zeros((), np.int64), np.ones((), bool)
    for d, w in enumerate(per_dim):
        shape = [1] * (2 * nd)
        shape[d], shape[nd + d] = w.positions.shape
        flat = flat + w.positions.reshape(shape) * int(np.prod([v.size for v in per_dim[d + 1:]], dtype=np.int64))
        real = real & w.real.reshape(shape)
    outputs = int(np.prod(flat.shape[:nd], dtype=np.int64))
    positions = int(np.prod(flat.shape[nd:], dtype=np.int64))  # (spelled out: -1 is ambiguous with no outputs)
    return flat.reshape(outputs, positions), real.reshape(outputs, positions)


def _pad(data: np.ndarray, per_dim: list) -> np.ndarray:
    """data with its pooled dims zero-padded as the windows' positions count them."""
    lead = data.ndim - len(per_dim)
    widths = [(w.before, w.size - n - w.before) for w, n in zip(per_dim, data.shape[lead:])]
    if not any(a or b for a, b in widths):
        return data
    return np.pad(data, [(0, 0)] * lead + widths)


def _compute_dtype(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.float32 if dtype == np.float16 else dtype)  # torch's forward sums and divides half in float


def _divide(values: np.ndarray, divisors: tuple) -> np.ndarray:
    """values / d_1 / d_2 / ..: each divisor an array that broadcasts over the output's pooled dims."""
    for divisor in divisors:
        values = values / divisor.astype(values.dtype)
    return values


def _rows(data: np.ndarray, nd: int) -> np.ndarray:
    """(lead..., pooled...) as (leading elements, pooled elements)."""
    return data.reshape(int(np.prod(data.shape[:-nd], dtype=np.int64)), int(np.prod(data.shape[-nd:], dtype=np.int64)))


def _pool(data: np.ndarray, per_dim: list, divisors: tuple) -> np.ndarray:
    nd = len(per_dim)
    flat, real = _flat(per_dim)
    compute = _compute_dtype(data.dtype)
    rows = _rows(_pad(data, per_dim), nd)
    sums = np.zeros((rows.shape[0], flat.shape[0]), compute)
    for k in range(flat.shape[1]):  # the window's positions in row-major order, each added to all windows at once
        values = rows[:, flat[:, k]]
        sums += values if real[:, k].all() else np.where(real[:, k], values, compute.type(0))
    out_shape = data.shape[:-nd] + tuple(len(w.positions) for w in per_dim)
    return np.ascontiguousarray(_divide(sums.reshape(out_shape), divisors), dtype=data.dtype)  # its own, as torch's


def _spread(grad: np.ndarray, spatial: tuple, per_dim: list, divisors: tuple) -> np.ndarray:
    """A half gradient is divided and added up in half, each step rounded, as torch's kernels do.

    torch visits the outputs in row-major order. When the windows along every dim start one after another,
    an input's later windows reach it at an earlier position of the window, so adding position by position
    from the last, each to all windows at once, adds in torch's order. Otherwise (an adaptive pool with more
    outputs than inputs) np.add.at adds every output's window in output order."""
    nd = len(per_dim)
    flat, real = _flat(per_dim)
    shares = _rows(_divide(grad, divisors), nd)
    out = np.zeros((shares.shape[0], int(np.prod([w.size for w in per_dim], dtype=np.int64))), grad.dtype)
    if all((np.diff(w.positions[:, 0]) > 0).all() for w in per_dim):
        for k in reversed(range(flat.shape[1])):
            out[:, flat[real[:, k], k]] += shares[:, real[:, k]]
    else:
        spread = np.broadcast_to(shares[:, :, None], shares.shape + (flat.shape[1],))[:, real]
        np.add.at(out, (slice(None), flat[real]), spread)
    padded = out.reshape(grad.shape[:-nd] + tuple(w.size for w in per_dim))
    return padded[(Ellipsis,) + tuple(slice(w.before, w.before + n) for w, n in zip(per_dim, spatial))]


def _check_adaptive_grad(shape: tuple, name: str) -> None:
    """torch's adaptive average pools compute an empty output, but their backward refuses a gradient with an
    empty dim past the first."""
    empty = next((d for d in range(1, len(shape)) if shape[d] == 0), None)
    if empty is not None:
        kernel = f"adaptive_avg_pool{name[-2]}d_backward"  # name is e.g. "AdaptiveAvgPool2D"
        raise RuntimeError(f"{kernel}(): Expected grad_output to have non-zero size for non-batch dimensions, but "
                           f"grad_output has sizes {list(shape)} with dimension {empty} being empty")


class WindowAverage(Function):
    """The average of each window over the last len(per_dim) dims of x, divided by `divisors` in turn;
    linear, its gradient spreads. `name` is torch's kernel, e.g. "AvgPool2D" (node AvgPool2DBackward0)."""

    @staticmethod
    def node_name(x: Tensor, per_dim: list, divisors: tuple, name: str) -> str:
        return f"{name}Backward0"

    @staticmethod
    def forward(ctx: Any, x: Tensor, per_dim: list, divisors: tuple, name: str) -> Tensor:
        ctx.x, ctx.arguments = x, (per_dim, divisors, name)
        return Tensor._make(_pool(x._data, per_dim, divisors))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        if ctx.arguments[2].startswith("Adaptive"):
            _check_adaptive_grad(tuple(grad.shape), ctx.arguments[2])
        return WindowSpread.apply(grad, ctx.x, *ctx.arguments), None, None, None

    @staticmethod
    def jvp(ctx: Any, tx: Tensor, *t_arguments: Any) -> Tensor:
        return WindowAverage.apply(tx, *ctx.arguments)


class WindowSpread(Function):
    """The window average's gradient: each output's gradient, divided as the average was, added to the
    inputs of its window in `x`'s shape. As in torch, `x` is an input (so the result needs grad under
    create_graph) whose gradient is zero."""

    @staticmethod
    def node_name(grad: Tensor, x: Tensor, per_dim: list, divisors: tuple, name: str) -> str:
        return f"{name}BackwardBackward0"

    @staticmethod
    def forward(ctx: Any, grad: Tensor, x: Tensor, per_dim: list, divisors: tuple, name: str) -> Tensor:
        ctx.x, ctx.arguments = x, (per_dim, divisors, name)
        return Tensor._make(_spread(grad._data, tuple(x.shape[-len(per_dim):]), per_dim, divisors))

    @staticmethod
    def backward(ctx: Any, gg: Tensor) -> tuple:
        return WindowAverage.apply(gg, *ctx.arguments), Tensor._make(np.zeros_like(ctx.x._data)), None, None, None

    @staticmethod
    def jvp(ctx: Any, t_grad: Tensor, *t_arguments: Any) -> Tensor:
        return WindowSpread.apply(t_grad, ctx.x, *ctx.arguments)


def adaptive_average(x: Tensor, sizes: tuple) -> Tensor:
    """torch's adaptive average pool over the last len(sizes) dims: sum / kh / kw per window."""
    nd = len(sizes)
    windows = [adaptive_windows(n, o) for n, o in zip(x.shape[-nd:], sizes)]
    divisors = tuple(counts.reshape((-1,) + (1,) * (nd - d - 1)) for d, (_, counts) in enumerate(windows))
    return WindowAverage.apply(x, [w for w, _ in windows], divisors, f"AdaptiveAvgPool{nd}D")

"""im2col and col2im: the two primitives behind convolution, pooling and F.unfold / F.fold.

im2col copies every sliding window ("block") of an (N, C, *spatial) array into one column:

    (N, C, *spatial) -> (N, C * prod(kernel), prod(blocks))


so a convolution becomes one matrix product with the (out_channels, C * prod(kernel)) weight.
With `gemm_layout=True` the columns of all samples sit side by side instead, as one
(C * prod(kernel), N * prod(blocks)) matrix, so that product is a single GEMM for the whole batch.
col2im is its adjoint: it adds every column back onto the positions it was copied from
(overlapping windows add up). Each is the other's gradient, so both are linear Functions whose
backward is one call of the other, and gradients of gradients work.

Window geometry, per spatial dim: a kernel of k taps, `dilation` d apart, moved `stride` s,
over the input padded by (before, after). The number of blocks is
    (size + before + after - d * (k - 1) - 1) // s + 1.
The layout (channel-major, then kernel taps, then blocks) is torch's, as F.unfold shows it.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...core.function import Function, rename
from ...core.tensor import Tensor


def blocks_along(size: int, kernel: int, dilation: int, pad: tuple, stride: int) -> int:
    """How many windows fit along one dim (may be <= 0 when none fits)."""
    return (size + pad[0] + pad[1] - dilation * (kernel - 1) - 1) // stride + 1


def windows(x: np.ndarray, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
            value: float = 0.0, blocks: tuple | None = None) -> np.ndarray:
    """A (N, C, *blocks, *kernel) view of every window of x padded with `value`; `padding` holds
    (before, after) pairs. `blocks` keeps only the first windows along each dim (col2im's gradient:
    a transposed convolution's output_padding leaves room for more windows than it added up)."""
    nd = len(kernel)
    if any(p != (0, 0) for p in padding):
        x = np.pad(x, ((0, 0), (0, 0)) + tuple(padding), constant_values=value)
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, spans, axis=tuple(range(2, 2 + nd)))  # (N, C, *positions, *spans)
    step = (slice(None),) * 2 + tuple(slice(None, None, s) for s in stride) + tuple(slice(None, None, d) for d in dilation)
    view = view[step]
    return view if blocks is None else view[(slice(None),) * 2 + tuple(slice(0, b) for b in blocks)]


def im2col(x: np.ndarray, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
           gemm_layout: bool = False, blocks: tuple | None = None) -> np.ndarray:
    """(N, C, *spatial) -> (N, C * prod(kernel), prod(blocks)), or with gemm_layout
    (C * prod(kernel), N * prod(blocks)); zero padding (`padding`: (before, after) pairs); `blocks`
    keeps only the first windows (see `windows`)."""
    nd = len(kernel)
    view = windows(x, kernel, dilation, padding, stride, blocks=blocks)  # (N, C, *blocks, *kernel)
    n, c, blocks = x.shape[0], x.shape[1], view.shape[2:2 + nd]
    taps, places = tuple(range(2 + nd, 2 + 2 * nd)), tuple(range(2, 2 + nd))
    if gemm_layout:  # the one copy that lays the windows out: (C, *kernel, N, *blocks)
        return view.transpose((1,) + taps + (0,) + places).reshape(c * math.prod(kernel), n * math.prod(blocks))
    return view.transpose((0, 1) + taps + places).reshape(n, c * math.prod(kernel), math.prod(blocks))


def col2im(cols: np.ndarray, size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
           blocks: tuple, gemm_layout: bool = False) -> np.ndarray:
    """The adjoint of im2col: columns (in either layout) -> (N, C, *size), overlapping windows summed."""
    nd, taps, count = len(kernel), math.prod(kernel), math.prod(blocks)
    if gemm_layout:  # (C * K, N * L) -> (C, N, *kernel, *blocks), a view
        c, n = cols.shape[0] // taps, cols.shape[1] // count
        cols = np.moveaxis(cols.reshape((c,) + tuple(kernel) + (n,) + tuple(blocks)), 1 + nd, 1)
    else:
        n, c = cols.shape[0], cols.shape[1] // taps
        cols = cols.reshape((n, c) + tuple(kernel) + tuple(blocks))
    padded = tuple(s + p[0] + p[1] for s, p in zip(size, padding))
    out = np.zeros(cols.shape[:2] + padded, cols.dtype)
    for tap in np.ndindex(*kernel):  # one strided add per kernel tap: prod(kernel) numpy calls
        where = tuple(slice(t * d, t * d + s * (b - 1) + 1, s) for t, d, s, b in zip(tap, dilation, stride, blocks))
        out[(slice(None), slice(None)) + where] += cols[(slice(None), slice(None)) + tap]
    inner = out[(slice(None), slice(None)) + tuple(slice(p[0], p[0] + s) for s, p in zip(size, padding))]
    return np.ascontiguousarray(inner.swapaxes(0, 1) if gemm_layout else inner)  # torch's fold is contiguous


class Im2Col(Function):
    """Differentiable im2col (zero padding); its gradient is col2im. `grad_name` names that gradient's node
    when it has one (under create_graph): a convolution's input gradient is torch's ConvolutionBackwardBackward0."""

    torch_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx: Any, x: Tensor, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple,
                gemm_layout: bool = False, blocks: tuple | None = None, grad_name: str | None = None) -> Tensor:
        cols = im2col(x._data, kernel, dilation, padding, stride, gemm_layout, blocks)
        ctx.geometry = (tuple(x.shape[2:]), kernel, dilation, padding, stride)
        ctx.blocks = blocks or tuple(blocks_along(*g) for g in zip(x.shape[2:], kernel, dilation, padding, stride))
        ctx.gemm_layout, ctx.grad_name = gemm_layout, grad_name
        return Tensor._make(cols)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        grad_x = Col2Im.apply(grad, *ctx.geometry, ctx.blocks, ctx.gemm_layout)
        if ctx.grad_name is not None:
            rename(grad_x, ctx.grad_name)
        return (grad_x,) + (None,) * 7

    @staticmethod
    def jvp(ctx: Any, tx: Tensor, *t_geometry: Any) -> Tensor:  # linear: the tangent's columns
        return Im2Col.apply(tx, *ctx.geometry[1:], ctx.gemm_layout, ctx.blocks)


class Col2Im(Function):
    """Differentiable col2im; its gradient is im2col."""

    torch_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx: Any, cols: Tensor, size: tuple, kernel: tuple, dilation: tuple, padding: tuple,
                stride: tuple, blocks: tuple, gemm_layout: bool = False) -> Tensor:
        ctx.geometry = (kernel, dilation, padding, stride, gemm_layout, blocks)
        ctx.arguments = (size, kernel, dilation, padding, stride, blocks, gemm_layout)
        return Tensor._make(col2im(cols._data, size, kernel, dilation, padding, stride, blocks, gemm_layout))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        cols = Im2Col.apply(grad, *ctx.geometry)
        return (cols, None, None, None, None, None, None, None)

    @staticmethod
    def jvp(ctx: Any, t_cols: Tensor, *t_geometry: Any) -> Tensor:  # linear: the tangent's columns added back
        return Col2Im.apply(t_cols, *ctx.arguments)


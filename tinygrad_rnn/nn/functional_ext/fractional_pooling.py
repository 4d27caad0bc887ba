"""Fractional max pooling (Graham, 2014): max over kernel-sized windows whose starts are spread
pseudo-randomly, so that the output can be any size between input/kernel and input.

Each (batch, channel) plane draws one number u in [0, 1) per spatial dim (torch.rand, in the
input's dtype, so a seed gives torch's windows); output i's window along a dim of input size n,
pool size k and output size o starts at

    int((i + u) * alpha) - int(u * alpha),  alpha = (n - k) / (o - 1),

and the last one at n - k. This arithmetic runs in the input's dtype, as torch's kernel does,
because a float32 rounding can move a window by one. Then, as in max pooling, the flat position
of each window's maximum is found with numpy and gathered, so the gradient is gather's.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...core.tensor import Tensor
from ...random import rand
from .pooling import _batched, _pick, _returned, _returned_indices, window_argmax

# Which of a plane's random numbers drives which spatial dim, as torch's kernels read them:
# the 2-d kernel takes sample 0 for the width and 1 for the height; the 3-d one goes in order.
_SAMPLE_OF_DIM = {2: (1, 0), 3: (0, 1, 2)}
_DIM_NAMES = {2: ("height", "width"), 3: ("time", "height", "width")}


def _sizes(value: Any, nd: int, fn: str, what: str) -> tuple:
    sizes = tuple(value) if isinstance(value, (list, tuple)) else (value,) * nd
    if len(sizes) != nd:
        raise RuntimeError(f"{fn}: {what} must either be a single Int or tuple of Ints")
    return sizes


def _output_size(input: Tensor, output_size: Any, output_ratio: Any, nd: int) -> Any:
    """output_size as given, or each spatial size times output_ratio, rounded down."""
    fn = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn} requires specifying either an output_size or an output_ratio")
    if output_size is not None:
        return output_size
    if nd == 2 and isinstance(output_ratio, (list, tuple)) and len(output_ratio) > 2:
        raise ValueError(f"{fn} requires output_ratio to either be a single Int or tuple of Ints.")
    ratio = tuple(output_ratio) if isinstance(output_ratio, (list, tuple)) else (output_ratio,) * nd
    return [int(input.size(d - nd) * ratio[d]) for d in range(nd)]  # (too short a ratio: IndexError, as torch)


def window_starts(sample: np.ndarray, size: int, out: int, pool: int) -> np.ndarray:
    """Start of every output's window along one dim, for an array of samples (..., ) -> (..., out)."""
    dtype = sample.dtype.type
    starts = np.full(sample.shape + (out,), size - pool, dtype=np.int64)
    if out > 1:
        alpha = dtype(size - pool) / dtype(out - 1)
        steps = np.arange(out - 1, dtype=sample.dtype)
        shifted = ((steps + sample[..., None]) * alpha).astype(np.int64)  # truncation, as C's int cast
        starts[..., :-1] = shifted - (sample * alpha).astype(np.int64)[..., None]
    return starts


def _check(input: Tensor, kernel: tuple, out: tuple, nd: int, samples: Tensor) -> None:
    """torch's checks, in its order and words (its 3-d kernel wants a window to fit with room to spare)."""
    where = f"fractional_max_pool{nd}d" + ("()" if nd == 2 else "_out()")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{where}: Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(input.shape)}")
    first = 1 if input.ndim == nd + 2 else 0
    for d in range(first, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(f"{where}: Expected input to have non-zero size for non-batch dimensions, but got"
                               f"{list(input.shape)} with dimension {d} being empty.")
    for name, n, k, o in zip(_DIM_NAMES[nd], input.shape[-nd:], kernel, out):
        if o + k - 1 > n or (nd == 3 and o + k - 1 == n):
            raise RuntimeError(f"{where}: pool {name} {k} too large relative to input {name} {n}")
    if samples.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.ndim}")
    if samples.shape[0] < (input.shape[0] if first else 1):
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[1] != input.shape[-nd - 1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != nd:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got {samples.shape[2]}.")


def fractional_max_pool(input: Tensor, kernel_size: Any, output_size: Any, output_ratio: Any,
                        return_indices: bool, _random_samples: Tensor | None, nd: int) -> Any:
    fn = f"fractional_max_pool{nd}d"
    out = _output_size(input, output_size, output_ratio, nd)
    if _random_samples is None:
        batch = 1 if input.ndim == nd + 1 else input.size(0)
        _random_samples = rand(batch, input.size(-nd - 1), nd, dtype=input.dtype)
    kernel, out = _sizes(kernel_size, nd, fn, "kernel_size"), tuple(_sizes(out, nd, fn, "output_size"))
    _check(input, kernel, out, nd, _random_samples)
    x, unbatched = _batched(input, nd)
    samples = _random_samples.detach().numpy()[:x.shape[0]]
    spatial = tuple(x.shape[2:])
    # per dim: (N, C, out_d, k_d) input coordinates of every window tap, laid out to broadcast
    coords = []
    for d, (n, k, o, s) in enumerate(zip(spatial, kernel, out, _SAMPLE_OF_DIM[nd])):
        taps = window_starts(samples[:, :, s], n, o, k)[..., None] + np.arange(k)
        shape = [x.shape[0], x.shape[1]] + [1] * (2 * nd)
        shape[2 + d], shape[2 + nd + d] = o, k
        coords.append(taps.reshape(shape))
    flat = np.ravel_multi_index(tuple(np.broadcast_arrays(*coords)), spatial, mode="clip")
    flat = flat.reshape(flat.shape[:2 + nd] + (math.prod(kernel),))  # taps in row-major order, as torch scans
    data = x.detach().numpy().reshape(x.shape[0], x.shape[1], -1)
    values = np.take_along_axis(data, flat.reshape(flat.shape[0], flat.shape[1], -1), axis=2).reshape(flat.shape)
    positions = np.take_along_axis(flat, window_argmax(values)[..., None], axis=-1)[..., 0]
    result = _returned(_pick(x, positions), unbatched, nd, f"FractionalMaxPool{nd}DBackward0", input)
    return (result, _returned_indices(positions, unbatched, nd)) if return_indices else result


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple:
    return fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, 2)


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                          return_indices: bool = False, _random_samples: Tensor | None = None) -> Any:
    """Max over (N, C, H, W) or (C, H, W) in kernel_size windows at pseudo-random starts; the output
    is output_size, or the input size times output_ratio (see the module docstring)."""
    return fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 2)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple:
    return fractional_max_pool(input, kernel_size, output_size, output_ratio, True, _random_samples, 3)


def fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                          return_indices: bool = False, _random_samples: Tensor | None = None) -> Any:
    """fractional_max_pool2d over (N, C, T, H, W) or (C, T, H, W)."""
    return fractional_max_pool(input, kernel_size, output_size, output_ratio, return_indices, _random_samples, 3)

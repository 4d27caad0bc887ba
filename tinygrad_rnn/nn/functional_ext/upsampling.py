"""F.interpolate (nearest, nearest-exact, linear / bilinear / trilinear, bicubic, area),
F.pixel_shuffle and F.pixel_unshuffle.

Interpolation is separable: each spatial dim is resized on its own, one after the other. Along
one dim, output position i reads
    nearest:  input floor(i * scale)                      (one gather)
    linear:   (1 - t) * input[j] + t * input[j + 1]       (two gathers and a weighted sum)
    bicubic:  sum over k = -1..2 of w_k(t) * input[j + k] (four gathers; indices clamped to the border)
with scale = in / out (or 1 / scale_factor when one is given), and the source coordinate
j + t = scale * (i + 0.5) - 0.5 (clamped at 0 for linear, not for bicubic), or
i * (in - 1) / (out - 1) with align_corners=True. The bicubic weights are Keys' cubic convolution
kernel with torch's A = -0.75. The index arithmetic uses torch's precision (float32 for nearest,
the input's float type for linear and bicubic), so the same positions and weights come out.
Gradients are the gathers'.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ...argcheck import int_arg, tensor_arg, type_name
from ...core import dtypes
from ...core.tensor import Tensor
from ...creation import from_numpy
from ...ops.composite import composite
from .activation import require_float
from .pooling import adaptive_avg_pool

_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
_LETTERS = ("D", "H", "W")


def _per_spatial_dim(input: Tensor, value: Any, convert: Callable, name: str, given_as: str, wanted_as: str,
                     letter: str) -> list:
    """`size` or `scale_factor` as one entry per spatial dim: a sequence must have one per dim (torch's
    ValueError names the argument in its own words), a single value stands for every dim."""
    nd = input.ndim - 2
    if not isinstance(value, (list, tuple)):
        return [convert(value)] * nd
    if len(value) != nd:
        raise ValueError(
            f"Input and {name} must have the same number of spatial dimensions, but got input with spatial "
            f"dimensions of {list(input.shape[2:])} and {given_as} {value}. Please provide input tensor in "
            f"(N, C, d1, d2, ...,dK) format and {wanted_as} in ({letter}1, {letter}2, ...,{letter}K) format.")
    return [convert(v) for v in value]


def _number_of(kind: type, name: str) -> Callable:
    """int or float of a size or scale entry; anything else is the TypeError of torch's kernel parser."""
    def convert(value: Any) -> Any:
        if isinstance(value, str) or not hasattr(value, "__index__" if kind is int else "__float__") \
                or kind is float and isinstance(value, Tensor):  # (a 0-d tensor is an int to torch, not a float)
            raise TypeError(f"interpolate(): {name} must be {kind.__name__} or a tuple of them, "
                            f"not {type_name(value)}")
        return kind(value)
    return convert


def _output_sizes(input: Tensor, size: Any, scale_factor: Any, recompute_scale_factor: bool | None,
                  mode: str) -> tuple[list, list | None]:
    """torch's rules: exactly one of size and scale_factor; with a scale_factor the size is
    floor(in * scale) and the kernel keeps using 1/scale unless recompute_scale_factor."""
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)) and not all(isinstance(n, int) for n in size):
            raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], "
                            f"but got size with types {[type(n) for n in size]}")
        return _per_spatial_dim(input, size, _number_of(int, "size"), "output", "output size of", "output size",
                                "o"), None
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = _per_spatial_dim(input, scale_factor, _number_of(float, "scale_factor"), "scale_factor",
                              "scale_factor of shape", "scale_factor", "s")
    sizes = [math.floor(n * s) for n, s in zip(input.shape[2:], scales)]
    return sizes, None if (recompute_scale_factor or mode == "area") else scales


def _check_sizes(input: Tensor, sizes: list) -> None:
    spatial = list(input.shape[2:])
    if all(n > 0 for n in spatial) and all(o > 0 for o in sizes):
        return
    letters = _LETTERS[-len(sizes):]
    shown = lambda values: ", ".join(f"{c}: {v}" for c, v in zip(letters, values))  # noqa: E731
    raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({shown(spatial)}) "
                       f"and output ({shown(sizes)})")


# ------------------------------------------------------------------ source positions along one dim
def nearest_source(n: int, o: int, scale: float | None, exact: bool) -> np.ndarray:
    """The input index each of o outputs copies (torch's float32 arithmetic)."""
    dst = np.arange(o)
    if not exact and o == n:
        return dst
    if not exact and o == 2 * n:
        return dst >> 1
    step = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(n) / np.float32(o)
    if exact:
        src = np.floor(((dst + 0.5) * np.float64(step)).astype(np.float32))
    else:
        src = np.floor(dst.astype(np.float32) * step)
    return np.minimum(src.astype(np.int64), n - 1)


def linear_source(n: int, o: int, scale: float | None, align_corners: bool, dtype: np.dtype) -> tuple:
    """(j, j + 1 or j at the end, weight of the second): torch's computation in `dtype`."""
    kind = np.float64 if dtype == np.float64 else np.float32
    if align_corners:
        step = kind(n - 1) / kind(o - 1) if o > 1 else kind(0)
        real = kind(step) * np.arange(o).astype(kind)
    else:
        step = kind(1.0 / scale) if scale is not None and scale > 0 else kind(n) / kind(o)
        real = np.maximum(step * (np.arange(o).astype(kind) + kind(0.5)) - kind(0.5), kind(0))
    first = np.minimum(real.astype(np.int64), n - 1)
    second = np.where(first < n - 1, first + 1, first)
    weight = np.clip(real - first.astype(kind), 0, 1).astype(dtype)
    return first, second, weight


def cubic_source(n: int, o: int, scale: float | None, align_corners: bool, dtype: np.dtype) -> tuple:
    """(four index arrays j-1 .. j+2, clamped to [0, n), and their four weight arrays): torch's
    computation in `dtype`."""
    kind = np.float64 if dtype == np.float64 else np.float32
    dst = np.arange(o).astype(kind)
    if align_corners:
        real = (kind(n - 1) / kind(o - 1) if o > 1 else kind(0)) * dst
    else:  # unlike linear, the source coordinate may be negative: the kernel reaches past the border
        step = kind(1.0 / scale) if scale is not None and scale > 0 else kind(n) / kind(o)
        real = step * (dst + kind(0.5)) - kind(0.5)
    first = np.minimum(np.floor(real).astype(np.int64), n - 1)
    t = np.clip(real - first.astype(kind), kind(0), kind(1))
    indices = [np.clip(first + k, 0, n - 1) for k in (-1, 0, 1, 2)]
    weights = [_cubic_far(t + kind(1)), _cubic_near(t), _cubic_near(kind(1) - t), _cubic_far(kind(2) - t)]
    return indices, [w.astype(dtype) for w in weights]


_A = -0.75  # the cubic convolution kernel's free parameter, torch's choice


def _cubic_near(x: np.ndarray) -> np.ndarray:
    """The kernel for |x| <= 1: ((A + 2) x - (A + 3)) x^2 + 1."""
    a = x.dtype.type(_A)
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cubic_far(x: np.ndarray) -> np.ndarray:
    """The kernel for 1 < |x| < 2: ((A x - 5A) x + 8A) x - 4A."""
    a = x.dtype.type(_A)
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _along(x: Tensor, axis: int, index: np.ndarray) -> Tensor:
    return x.index_select(axis, from_numpy(index))


def _weights(weight: np.ndarray, axis: int, ndim: int) -> Tensor:
    return from_numpy(weight.reshape((-1,) + (1,) * (ndim - axis - 1)))


# ------------------------------------------------------------------ interpolate
def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, *spatial) input (1 to 3 of them) to `size` or by `scale_factor`."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    input.dim()  # torch reads the input's rank here first: anything but a tensor fails as it does there
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    sizes, scales = _output_sizes(input, size, scale_factor, recompute_scale_factor, mode)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                         "4-D tensor as input")
    if antialias or mode == "lanczos":
        raise NotImplementedError(f"interpolate: mode={mode!r}" + (" with antialias=True" if antialias else "") +
                                  " is not implemented in tinygrad_rnn")
    _check_mode(input, mode)
    _check_sizes(input, sizes)
    if mode != "area" and input.shape[1] == 0:  # torch's resampling kernels refuse a sample of no channels
        raise RuntimeError(f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes "
                           f"{list(input.shape)}")
    _check_dtype(input, mode)
    if mode == "area":
        return adaptive_avg_pool(input, sizes, input.ndim - 2)
    if mode in _LINEAR:
        return _linear(input, sizes, scales, bool(align_corners))
    if mode == "bicubic":
        return _bicubic(input, sizes, scales, bool(align_corners))
    return _nearest(input, sizes, scales, exact=mode == "nearest-exact")


def _kernel_name(mode: str, ndim: int) -> str:
    """The CPU kernel torch's dtype error names for `mode` on an ndim-D input (4-D inputs go to its
    channels-last kernels for nearest and bilinear, whatever their layout)."""
    if mode == "area":
        return "adaptive_avg_pool3d_cpu" if ndim == 5 else "adaptive_avg_pool2d"
    if ndim == 4 and mode in ("nearest", "nearest-exact", "bilinear"):
        return f"upsample_{mode.replace('-exact', '')}2d_channels_last"
    family = {"nearest-exact": "nearest", "bicubic": "cubic"}.get(mode, "linear" if mode in _LINEAR else mode)
    return f"compute_indices_weights_{family}"


def _check_dtype(input: Tensor, mode: str) -> None:
    """Floating input, or uint8 for the modes torch's kernels take it in (nearest; 4-D bilinear and
    bicubic, whose fixed-point arithmetic for uint8 is not reproduced here)."""
    if input.dtype is dtypes.uint8 and mode in ("nearest", "nearest-exact"):
        return
    if input.dtype is dtypes.uint8 and mode in ("bilinear", "bicubic") and input.ndim == 4:
        raise NotImplementedError(f"interpolate: mode={mode!r} for a uint8 input is not implemented in tinygrad_rnn "
                                  "(torch rounds in fixed point); convert the input to float")
    require_float(input, _kernel_name(mode, input.ndim))


def _check_mode(input: Tensor, mode: str) -> None:
    if mode == "bicubic" and input.ndim == 4:  # other ranks get torch's general message below
        return
    modes = ("nearest", "nearest-exact", "area") + tuple(_LINEAR)
    if mode in modes and input.ndim in (3, 4, 5):
        needs = _LINEAR.get(mode)
        if needs is None or needs == input.ndim - 2:
            return
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {needs + 2}D input")
    raise NotImplementedError(
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: nearest | "
        f"linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got {mode})")


def _nearest(input: Tensor, sizes: list, scales: list | None, exact: bool) -> Tensor:
    out = input
    for d, o in enumerate(sizes):
        axis = 2 + d
        scale = None if scales is None else scales[d]
        out = _along(out, axis, nearest_source(input.shape[axis], o, scale, exact))
    nd = len(sizes)  # contiguous as torch's result (a gather along an inner dim leaves numpy's strided)
    return composite(out.contiguous(), f"UpsampleNearestExact{nd}DBackward0" if exact else f"UpsampleNearest{nd}DBackward0", input)


def _linear(input: Tensor, sizes: list, scales: list | None, align_corners: bool) -> Tensor:
    out = input
    for d, o in enumerate(sizes):
        axis = 2 + d
        scale = None if scales is None else scales[d]
        first, second, weight = linear_source(input.shape[axis], o, scale, align_corners, input.dtype.np)
        t = _weights(weight, axis, input.ndim)
        out = _along(out, axis, first) * (1 - t) + _along(out, axis, second) * t
    names = {1: "UpsampleLinear1DBackward0", 2: "UpsampleBilinear2DBackward0", 3: "UpsampleTrilinear3DBackward0"}
    return composite(out.contiguous(), names[len(sizes)], input)


def _bicubic(input: Tensor, sizes: list, scales: list | None, align_corners: bool) -> Tensor:
    out = input
    for d, o in enumerate(sizes):
        axis = 2 + d
        scale = None if scales is None else scales[d]
        indices, weights = cubic_source(input.shape[axis], o, scale, align_corners, input.dtype.np)
        terms = [_along(out, axis, j) * _weights(w, axis, input.ndim) for j, w in zip(indices, weights)]
        out = terms[0] + terms[1] + terms[2] + terms[3]
    return composite(out.contiguous(), "UpsampleBicubic2DBackward0", input)


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=3)


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """The deprecated alias of interpolate."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ------------------------------------------------------------------ pixel shuffle
def _check_shuffle(name: str, input: Tensor, factor: int, factor_name: str) -> None:
    """torch's checks shared by pixel_shuffle and pixel_unshuffle."""
    int_arg(name, factor_name, factor, 2)
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {factor_name}, but got {factor}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): each group of r^2 channels becomes an r x r block."""
    tensor_arg("pixel_shuffle", "input", input, 1)
    r = upscale_factor
    _check_shuffle("pixel_shuffle", input, r, "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    k = len(lead)
    blocks = input.reshape(*lead, c // (r * r), r, r, h, w)
    moved = blocks.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)  # (*, C, H, r, W, r)
    return composite(moved.reshape(*lead, c // (r * r), h * r, w * r), "PixelShuffleBackward0", input)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of pixel_shuffle."""
    tensor_arg("pixel_unshuffle", "input", input, 1)
    r = downscale_factor
    _check_shuffle("pixel_unshuffle", input, r, "downscale_factor")
    *lead, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h}"
                           f" is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w}"
                           f" is not divisible by {r}")
    if input.numel() == 0:  # torch returns a copy of an empty input, in the input's shape
        return input.clone()
    k = len(lead)
    blocks = input.reshape(*lead, c, h // r, r, w // r, r)
    moved = blocks.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)  # (*, C, r, r, H, W)
    return composite(moved.reshape(*lead, c * r * r, h // r, w // r), "PixelUnshuffleBackward0", input)

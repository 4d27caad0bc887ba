"""Pooling, 1-d to 3-d: max (with indices), average, adaptive average and max, power-average
(LP), and max_unpool.

- Max pooling finds, with numpy, the flat input position of each window's maximum (the first one
  on ties, as torch) and then gathers those positions. The gradient is gather's: each maximum gets
  its output's gradient, summed when windows overlap. `return_indices` gives the same positions.
- Average pooling sums each window in torch's order and divides by the window's divisor (which
  counts padding or not, `count_include_pad`, and never the extra ceil_mode border): window_average.py.
- Adaptive average pooling sums each window in torch's order and divides by its size (window_average.py).
- LP pooling is torch's recipe: (avg_pool(x^p) * prod(kernel)) ^ (1/p).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...argcheck import bool_arg, int_arg, int_list_arg, int_list_args, tensor_arg, type_name
from ...core.function import rename
from ...core.tensor import Tensor
from ...creation import from_numpy
from ...determinism import alert_nondeterministic
from ...ops.composite import composite
from ...ops.shape import gather_along, scatter
from . import basic as _F
from .activation import require_float
from .im2col import Im2Col, windows
from .window_average import WindowAverage, adaptive_average, strided_windows

_LETTERS = ("T", "H", "W")


# ------------------------------------------------------------------ geometry
def _tuple(value: Any, nd: int, what: str, name: str) -> tuple:
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return tuple(int(value[0]) for _ in range(nd))
        if len(value) != nd:
            count = {1: "a single int", 2: "a single int, or a tuple of two ints",
                     3: "a single int, or a tuple of three ints"}[nd]
            raise RuntimeError(f"{name}: {what} must either be {count}" if what != "stride" else
                               f"{name}: stride must either be omitted, {count}")
        return tuple(int(v) for v in value)
    return (int(value),) * nd


def _parse_windows(fn: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1) -> None:
    """torch's argument parser for the window settings (each an int or a tuple of ints; stride
    may be None or empty), in signature order, before any check of the input."""
    params = [("kernel_size", kernel_size, 2), ("stride", stride, 3), ("padding", padding, 4)]
    if not fn.startswith("avg"):
        params.append(("dilation", dilation, 5))
    int_list_args(fn, [p for p in params if p[1] is not None or p[0] != "stride"], scalar_ok=True)


def pooled_size(n: int, k: int, p: int, s: int, d: int, ceil_mode: bool) -> int:
    """Windows along one dim; with ceil_mode a last partial window counts, unless it would start
    in the right padding."""
    span = d * (k - 1) + 1
    out = (n + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _geometry(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
              nd: int, name: str, check_sizes: Callable[[], None] | None = None) -> tuple:
    """Check the settings as torch does; return kernel, stride, dilation, padding pairs (the right
    one grown for ceil_mode) and the output sizes. `check_sizes` checks the input's sizes, which
    torch does after the settings."""
    kernel = _tuple(kernel_size, nd, "kernel_size", name)
    stride = kernel if stride is None or (isinstance(stride, (list, tuple)) and not stride) else \
        _tuple(stride, nd, "stride", name)
    pad, dilation = _tuple(padding, nd, "padding", name), _tuple(dilation, nd, "dilation", name)
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad[0] if nd == 1 else min(pad)}")
    for k, p, d in zip(kernel, pad, dilation):
        if p > int((d * (k - 1) + 1) / 2):  # C's division, which truncates toward zero
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    if any(k <= 0 for k in kernel):  # torch runs a 1-d pool as a 2-d one of height 1
        sides = ((1,) if nd == 1 else ()) + kernel
        shown = " ".join(f"k{c}: {k}" for c, k in zip(_LETTERS[-len(sides):], sides))
        raise RuntimeError(f"kernel size should be greater than zero, but got {shown}")
    if any(s < 0 for s in stride):  # (a window that fits would give a positive output size: checked first)
        sides = ((1,) if nd == 1 else ()) + stride
        shown = " ".join(f"d{c}: {s}" for c, s in zip(_LETTERS[-len(sides):], sides))
        raise RuntimeError(f"stride should be greater than zero, but got {shown}")
    if any(d <= 0 for d in dilation):
        shown = " ".join(f"dilation{c}: {d}" for c, d in zip(_LETTERS[-nd:], dilation)) if nd > 1 else \
            f"dilation: {dilation[0]}"
        raise RuntimeError(f"dilation should be greater than zero, but got {shown}")
    if check_sizes is not None:
        check_sizes()
    sizes = tuple(x.shape[2:])
    if name == "avg_pool3d" and any(n < k for n, k in zip(sizes, kernel)):  # torch's 3-d average pool only
        raise RuntimeError(f"input image (T: {sizes[0]} H: {sizes[1]} W: {sizes[2]}) smaller than kernel size "
                           f"(kT: {kernel[0]} kH: {kernel[1]} kW: {kernel[2]})")
    out = tuple(pooled_size(*a, ceil_mode) for a in zip(sizes, kernel, pad, stride, dilation))
    if any(o <= 0 for o in out):
        height = (1,) if nd == 1 else ()  # torch runs a 1-d pool as a 2-d one of height 1
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (x.shape[1],) + height + sizes))}). Calculated "
                           f"output size: ({'x'.join(map(str, (x.shape[1],) + height + out))}). Output size is too small")
    pairs = tuple((p, max((o - 1) * s + d * (k - 1) + 1 - n - p, 0))
                  for n, k, p, s, d, o in zip(sizes, kernel, pad, stride, dilation, out))
    return kernel, stride, dilation, pairs, out


def _first(out: tuple) -> tuple:
    """The index that keeps the first out[i] blocks of each spatial dim of a (N, C, *blocks, ...) array."""
    return (slice(None), slice(None)) + tuple(slice(0, o) for o in out)


def _batched(input: Tensor, nd: int) -> tuple[Tensor, bool]:
    return (input.unsqueeze(0), True) if input.ndim == nd + 1 else (input, False)


def _unbatch(out: Any, unbatched: bool) -> Any:
    return out.squeeze(0) if unbatched else out


def _returned(result: Tensor, unbatched: bool, nd: int, node: str, source: Tensor) -> Tensor:
    """A pool's (N, C, *out) result as torch returns it. torch runs a 1-d pool as a 2-d one between an
    unsqueeze and a squeeze, so it shows SqueezeBackward1; its 2-d and 3-d kernels take an unbatched
    input as it is and return a tensor of their own, named for the kernel and no view (so that an
    in-place op after the pool, `relu_`, is recorded as torch records it). Here the squeezed (or
    reshaped) result is copied when it is a view. Its node links to `source`, the pool's input, as torch's."""
    if nd == 1:
        if not result._is_view():  # as torch's: a view of the (N, C, 1, L) result
            result = result.unsqueeze(-2).squeeze(-2)
        return _unbatch(rename(result, "SqueezeBackward1"), unbatched)
    out = _unbatch(result, unbatched)
    return composite(out.clone() if out._is_view() else out, node, source)


def _returned_indices(positions: np.ndarray, unbatched: bool, nd: int) -> Tensor:
    """The indices beside a pool's result, a view for 1-d (squeezed) as torch's."""
    if nd == 1:
        return _unbatch(from_numpy(positions), unbatched)
    return from_numpy(positions[0] if unbatched else positions)


# ------------------------------------------------------------------ max pooling
def _lowest(dtype: np.dtype) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def window_argmax(values: np.ndarray) -> np.ndarray:
    """Argmax over the last axis as torch's CPU kernels scan a window: the first maximum wins a
    tie, but every NaN replaces the running maximum, so the LAST NaN wins."""
    best = values.argmax(axis=-1)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        last_nan = values.shape[-1] - 1 - nan[..., ::-1].argmax(axis=-1)
        best = np.where(nan.any(axis=-1), last_nan, best)
    return best


def _argmax_positions(data: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, pairs: tuple,
                      out: tuple) -> np.ndarray:
    """For each window, the flat (per-plane) input position of its maximum: (N, C, *out) int64."""
    values = windows(data, kernel, dilation, pairs, stride, _lowest(data.dtype))[_first(out)]
    n, c, count, taps = data.shape[0], data.shape[1], math.prod(out), math.prod(kernel)
    best = window_argmax(values.reshape(n, c, count, taps))
    plane = np.arange(math.prod(data.shape[2:])).reshape((1, 1) + data.shape[2:])
    positions = windows(plane, kernel, dilation, pairs, stride, -1)[_first(out)].reshape(count, taps)
    return positions[np.arange(count), best].reshape((n, c) + out)


def _pick(x: Tensor, positions: np.ndarray) -> Tensor:
    """x's values at per-plane flat positions: a gather, whose gradient scatters back."""
    n, c = x.shape[0], x.shape[1]
    plane, count = math.prod(x.shape[2:]), math.prod(positions.shape[2:])  # no -1: n or c may be 0
    picked = gather_along(x.reshape(n, c, plane), 2, positions.reshape(n, c, count))
    return picked.reshape(positions.shape)


def _check_pool_input(input: Tensor, nd: int, name: str) -> None:
    if input.ndim not in (nd + 1, nd + 2) or 0 in input.shape[-nd - 1:]:
        if nd == 1:
            raise RuntimeError(f"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                               f"for input, but got:{list(input.shape)}")
        if input.ndim in (nd + 1, nd + 2):
            if nd == 3:
                raise RuntimeError(_empty_3d_message("max_pool3d_with_indices_out_cpu_template", input))
            raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim batch size "
                               f"for input, but got:{list(input.shape)}")
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")


def _empty_3d_message(function: str, input: Tensor) -> str:
    # (torch prints the size of the empty dim, 0, where it means to print the dim)
    return (f"{function}(): Expected input's non-batch dimensions to have positive length, but input has a shape of "
            f"{list(input.shape)} and non-batch dimension 0 has length zero!")


def _check_max_pool1d(length: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                      ceil_mode: bool) -> None:
    """torch's checks, in its words, for max_pool1d without indices (its own kernel, not the 2-d one)."""
    def one(value: Any) -> list:
        return list(value) if isinstance(value, (list, tuple)) else [value]
    kernel, strides, pads, dilations = one(kernel_size), [] if stride is None else one(stride), one(padding), one(dilation)
    if len(kernel) != 1:
        raise RuntimeError(f"max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got "
                           f"size {len(kernel)}")
    if len(strides) > 1:
        raise RuntimeError(f"max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but "
                           f"got size {len(strides)}")
    if len(pads) != 1:
        raise RuntimeError(f"max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got "
                           f"size {len(pads)}")
    if len(dilations) != 1:
        raise RuntimeError(f"max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got "
                           f"size {len(dilations)}")
    (k,), (p,), (d,), s = kernel, pads, dilations, strides[0] if strides else kernel[0]
    for ok, problem in [(k > 0, f"kernel_size must be greater than zero, but got {k}"),
                        (s > 0, f"stride must be greater than zero, but got {s}"),
                        (p >= 0, f"padding must be non-negative, but got {p}"),
                        (p <= k // 2, f"padding should be at most half of kernel size, but got padding={p} and "
                                      f"kernel_size={k}"),
                        (d > 0, f"dilation must be greater than zero, but got {d}")]:
        if not ok:
            raise RuntimeError(f"max_pool1d() {problem}")
    out = pooled_size(length, k, p, s, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")


def max_pool(input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool,
             return_indices: bool, nd: int) -> Any:
    name = f"max_pool{nd}d"
    tensor_arg(name + ("_with_indices" if return_indices else ""), "input", input, 1)
    _parse_windows(name + ("_with_indices" if return_indices else ""), kernel_size, stride, padding, dilation)
    bool_arg(name + ("_with_indices" if return_indices else ""), "ceil_mode", ceil_mode, 6)
    if nd == 1 or input.ndim not in (nd + 1, nd + 2):  # (a 2-d or 3-d pool checks its settings before the sizes)
        _check_pool_input(input, nd, name)
    if nd == 1 and not return_indices:
        _check_max_pool1d(input.shape[-1], kernel_size, stride, padding, dilation, ceil_mode)
    x, unbatched = _batched(input, nd)
    kernel, stride, dilation, pairs, out = _geometry(x, kernel_size, stride, padding, dilation, ceil_mode, nd, name,
                                                     lambda: _check_pool_input(input, nd, name))
    if input.dtype.name == "bool" or (nd == 1 and not return_indices and not input.dtype.is_floating_point):
        require_float(input, "max_pool1d_impl" if nd == 1 and not return_indices else f"max_pool{max(nd, 2)}d")
    positions = _argmax_positions(x.detach().numpy(), kernel, stride, dilation, pairs, out)
    result = _returned(_pick(x, positions), unbatched, nd, f"MaxPool{nd}DWithIndicesBackward0", input)
    return (result, _returned_indices(positions, unbatched, nd)) if return_indices else result


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over each window of the last dim of (N, C, L) or (C, L)."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over each window of (N, C, H, W) or (C, H, W); padding counts as -inf."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over each window of (N, C, D, H, W) or (C, D, H, W)."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> tuple:
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 1)


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> tuple:
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 2)


def max_pool3d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                            dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> tuple:
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 3)


# ------------------------------------------------------------------ average pooling
def _divisor(sizes: tuple, kernel: tuple, stride: tuple, pad: tuple, out: tuple, include_pad: bool) -> np.ndarray:
    """How many positions each window averages over, as an (*out) array (a product over dims)."""
    total = np.ones(out)
    for axis, (n, k, s, p, o) in enumerate(zip(sizes, kernel, stride, pad, out)):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)  # the ceil_mode border beyond the padding never counts
        count = end - start if include_pad else np.minimum(end, n) - np.maximum(start, 0)
        total = total * count.reshape((-1,) + (1,) * (len(out) - axis - 1))
    return total


def _check_avg_dtype(input: Tensor, nd: int) -> None:
    """torch averages floats and int64 (1-d goes through its 2-d kernel; its 3-d kernel takes no float16)."""
    dtype = input.dtype
    if dtype.name in ("float32", "float64", "int64") or (dtype.name == "float16" and nd < 3):
        return
    kernel = "avg_pool3d_out_frame" if nd == 3 else "avg_pool2d"
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype._legacy}'")


def _truncating_divide(summed: np.ndarray, divisor: np.ndarray) -> np.ndarray:
    """Integer average as torch's int64 kernel takes it: the window's sum divided with C's rounding toward zero."""
    quotient = np.abs(summed) // np.abs(divisor)
    return np.where((summed < 0) != (divisor < 0), -quotient, quotient)


def avg_pool(input: Tensor, kernel_size: Any, stride: Any, padding: Any, ceil_mode: bool, count_include_pad: bool,
             divisor_override: int | None, nd: int) -> Tensor:
    name = f"avg_pool{nd}d"
    tensor_arg(name, "input", input, 1)
    _parse_windows(name, kernel_size, stride, padding)
    bool_arg(name, "ceil_mode", ceil_mode, 5)
    bool_arg(name, "count_include_pad", count_include_pad, 6)
    if divisor_override is not None:
        int_arg(name, "divisor_override", divisor_override, 7)
    if nd == 2:  # torch's 2-d kernel checks the windows' lengths and the divisor before the input's dims
        for what, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding)):
            if value is not None and not (what == "stride" and isinstance(value, (list, tuple)) and not value):
                _tuple(value, nd, what, name)
        if divisor_override is not None and divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
    if nd == 1 and input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {name})")
    if nd == 2 and input.ndim > 4:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(input.shape)}")
    if nd == 2 and input.ndim == 0:
        raise IndexError("Dimension specified as -3 but tensor has no dimensions")
    if nd == 2 and input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.ndim}, "
                         f"{input.ndim - 1}], but got -3)")
    if nd == 3 and input.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    def check_sizes() -> None:
        if 0 in input.shape[-nd - 1:] and nd == 3:
            raise RuntimeError(_empty_3d_message("avg_pool3d", input))
        if 0 in input.shape[-nd - 1:]:  # torch pools 1-d inputs through its 2-d kernel, whose check this is
            shape = list(input.shape[:-1]) + [1, input.shape[-1]] if nd == 1 else list(input.shape)
            raise RuntimeError(f"Expected {max(nd, 2) + 1}D or {max(nd, 2) + 2}D (batch mode) tensor with optional "
                               f"0 dim batch size for input, but got:{shape}")
    x, unbatched = _batched(input, nd)
    kernel, stride, _, pairs, out = _geometry(x, kernel_size, stride, padding, 1, ceil_mode, nd, name, check_sizes)
    _check_avg_dtype(input, nd)
    node = f"AvgPool{nd}DBackward0"
    if divisor_override is not None:
        divisor = np.full(out, float(divisor_override))
    else:
        divisor = _divisor(tuple(x.shape[2:]), kernel, stride, tuple(p for p, _ in pairs), out, count_include_pad)
    if x.dtype.name == "int64":  # integer sums are exact in any order: im2col's columns, summed
        n, c = x.shape[0], x.shape[1]
        cols = Im2Col.apply(x, kernel, (1,) * nd, pairs, stride)  # (N, C * K, L)
        blocks = tuple((size + a + b - k) // s + 1 for size, (a, b), k, s in zip(x.shape[2:], pairs, kernel, stride))
        summed = cols.reshape(n, c, math.prod(kernel), *blocks).sum(2)[_first(out)]
        return _returned(from_numpy(_truncating_divide(summed.numpy(), divisor.astype(np.int64))), unbatched, nd, node,
                         input)
    windows = [strided_windows(size, k, s, p, o) for size, k, s, (p, _), o in zip(x.shape[2:], kernel, stride, pairs, out)]
    if nd == 1:  # torch pools a (.., 1, L) view with its 2-d kernel, between an unsqueeze and a squeeze
        height = strided_windows(1, 1, 1, 0, 1)
        return WindowAverage.apply(input.unsqueeze(-2), [height, *windows], (divisor,), "AvgPool2D").squeeze(-2)
    return WindowAverage.apply(input, windows, (divisor,), node.removesuffix("Backward0"))  # any leading dims


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over each window of the last dim of (N, C, L) or (C, L)."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over each window of (N, C, H, W) or (C, H, W)."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Mean over each window of (N, C, D, H, W) or (C, D, H, W)."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3)


# ------------------------------------------------------------------ adaptive pooling
def _adaptive_bounds(n: int, o: int) -> list:
    """torch's windows for n inputs and o outputs: [floor(i n / o), ceil((i + 1) n / o))."""
    return [((i * n) // o, -((-(i + 1) * n) // o)) for i in range(o)]


def _with_input_sizes(input: Tensor, output_size: Any) -> Any:
    """torch's Python step before the 2-d and 3-d adaptive pools: None entries take the input's size."""
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        return output_size
    if not hasattr(output_size, "__len__"):
        raise TypeError(f"object of type '{type_name(output_size)}' has no len()")
    if input.ndim <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    return [input.shape[-len(output_size) + i] if s is None else s for i, s in enumerate(output_size)]


def _adaptive_sizes(input: Tensor, output_size: Any, nd: int, name: str) -> tuple:
    sizes = list(output_size) if isinstance(output_size, (list, tuple)) else [output_size] * nd
    if len(sizes) != nd:
        if nd == 1:
            raise RuntimeError(f"{name}() argument 'output_size' should contain one int (got {len(sizes)})")
        raise RuntimeError(f"{name}: output_size must be {nd}")
    sizes = [int(s) for s in sizes]
    if any(s < 0 for s in sizes):
        shown = [1] + sizes if nd == 1 else sizes  # torch pools 1-d through its 2-d kernel
        if "max" in name:
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                               f"{list(input.shape[:-nd]) + shown}")
        raise RuntimeError(f"adaptive_avg_pool{max(nd, 2)}d: elements of output_size must be greater than or equal "
                           f"to 0 but received {{{', '.join(map(str, shown))}}}")
    return tuple(sizes)


def _parse_adaptive(input: Tensor, output_size: Any, nd: int, name: str) -> Any:
    """output_size as torch's parser leaves it: a TypeError unless an int or a tuple of ints."""
    if nd > 1:
        output_size = _with_input_sizes(input, output_size)
    int_list_arg(name, "output_size", output_size, 2, scalar_ok=True)
    return output_size


def _check_adaptive_input(input: Tensor, nd: int, name: str) -> None:
    if nd == 1 and input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {name})")
    if nd > 1 and input.ndim not in (nd + 1, nd + 2):
        colon = ":" if "max" in name else ""  # torch's two kernels word it differently
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{colon} {list(input.shape)}")


def _check_nonempty(shape: list, name: str, first: int = 1) -> None:
    """No empty dim from `first` on (dim 0 may be empty even when it is not a batch dim)."""
    empty = [d for d in range(first, len(shape)) if shape[d] == 0]
    if empty:
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has "
                           f"sizes {shape} with dimension {empty[0]} being empty")


def _check_avg_nonempty(input: Tensor, nd: int) -> None:
    """torch's 2-d average kernel (which also serves 1-d, on a (.., 1, L) view) checks only the two
    pooled dims; the 3-d one checks every dim after the first."""
    if nd == 3:
        _check_nonempty(list(input.shape), "adaptive_avg_pool3d")
    else:
        shape = list(input.shape[:-1]) + [1, input.shape[-1]] if nd == 1 else list(input.shape)
        _check_nonempty(shape, "adaptive_avg_pool2d", len(shape) - 2)


def _read_input(input: Any, name: str, nd: int) -> None:
    """torch's error for an input that is not a tensor: its 1-d pools are C functions with a parser, its
    2-d and 3-d ones Python that first calls input.size()."""
    if nd == 1:
        tensor_arg(name, "input", input, 1)
    else:
        input.size()


def adaptive_avg_pool(input: Tensor, output_size: Any, nd: int) -> Tensor:
    name = f"adaptive_avg_pool{nd}d"
    _read_input(input, name, nd)
    output_size = _parse_adaptive(input, output_size, nd, name)
    if nd == 1:
        _check_adaptive_input(input, nd, name)
    sizes = _adaptive_sizes(input, output_size, nd, name)
    if all(s == 1 for s in sizes):  # torch's shortcut: mean's dtype rule, no check of the rank or of empty dims
        out = input.mean(tuple(range(-nd, 0)), keepdim=True)
        return rename(out, "SqueezeBackward1") if nd == 1 else out
    _check_adaptive_input(input, nd, name)
    _check_avg_nonempty(input, nd)
    out_shape = tuple(input.shape[:-nd]) + sizes
    if nd < 3 and 0 in out_shape and not input.dtype.is_floating_point:
        return from_numpy(np.zeros(out_shape, input.dtype.np))  # torch's 2-d kernel returns before its dtype check
    require_float(input, "adaptive_avg_pool3d_cpu" if nd == 3 else "adaptive_avg_pool2d")
    if nd == 1:  # torch pools a (.., 1, L) view with its 2-d kernel
        return adaptive_average(input.unsqueeze(-2), (1,) + sizes).squeeze(-2)
    return adaptive_average(input, sizes)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    return adaptive_avg_pool(input, output_size, 1)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average (N, C, H, W) down (or up) to output_size; None in output_size keeps that dim."""
    return adaptive_avg_pool(input, output_size, 2)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    return adaptive_avg_pool(input, output_size, 3)


def adaptive_max_pool(input: Tensor, output_size: Any, return_indices: bool, nd: int) -> Any:
    name = f"adaptive_max_pool{nd}d"
    _read_input(input, name, nd)
    output_size = _parse_adaptive(input, output_size, nd, name)
    _check_adaptive_input(input, nd, name)
    _check_nonempty(list(input.shape), name)
    sizes = _adaptive_sizes(input, output_size, nd, name)
    require_float(input, f"adaptive_max_pool{max(nd, 2)}d")
    x, unbatched = _batched(input, nd)
    data, spatial = x.detach().numpy(), tuple(x.shape[2:])
    positions = np.zeros(tuple(x.shape[:2]) + sizes, np.int64)
    bounds = [_adaptive_bounds(n, o) for n, o in zip(spatial, sizes)]
    for out_index in np.ndindex(*sizes):  # one small argmax per output position
        box = [bounds[d][i] for d, i in enumerate(out_index)]
        window = data[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in box)]
        taps = math.prod(window.shape[2:])
        local = np.unravel_index(window_argmax(window.reshape(window.shape[:2] + (taps,))), window.shape[2:])
        positions[(slice(None), slice(None)) + out_index] = np.ravel_multi_index(
            tuple(a + loc for (a, _), loc in zip(box, local)), spatial)
    result = _returned(_pick(x, positions), unbatched, nd, f"AdaptiveMaxPool{nd}DBackward0", input)
    if result.requires_grad:
        _refuse_empty_grad(result, tuple(input.shape[:-nd]) + ((1,) if nd == 1 else ()) + sizes, max(nd, 2))
    return (result, _returned_indices(positions, unbatched, nd)) if return_indices else result


def _refuse_empty_grad(result: Tensor, kernel_shape: tuple, kernel_nd: int) -> None:
    """torch's adaptive max pools compute an empty output, but their backward (2-d or 3-d, which also runs the
    1-d pool on a (.., 1, L) view) refuses a gradient of `kernel_shape` with an empty dim past the first."""
    empty = next((d for d in range(1, len(kernel_shape)) if kernel_shape[d] == 0), None)
    if empty is None:
        return
    message = (f"adaptive_max_pool{kernel_nd}d_backward(): Expected grad_output to have non-zero size for non-batch "
               f"dimensions, but grad_output has sizes {list(kernel_shape)} with dimension {empty} being empty")

    def refuse(grad: Tensor) -> None:
        raise RuntimeError(message)

    result.register_hook(refuse)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    return adaptive_max_pool(input, output_size, return_indices, 1)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max of (N, C, H, W) over output_size adaptive windows (torch's floor/ceil bounds)."""
    return adaptive_max_pool(input, output_size, return_indices, 2)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    return adaptive_max_pool(input, output_size, return_indices, 3)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
    return adaptive_max_pool(input, output_size, True, 1)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
    return adaptive_max_pool(input, output_size, True, 2)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
    return adaptive_max_pool(input, output_size, True, 3)


# ------------------------------------------------------------------ power-average pooling
def lp_pool(input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool, nd: int) -> Tensor:
    if nd > 1:  # torch's lp_pool2d/3d unpack _pair/_triple(kernel_size) first: Python's own error for a bad one
        sides = len(kernel_size) if isinstance(kernel_size, (list, tuple, str)) else nd
        if sides < nd:
            raise ValueError(f"not enough values to unpack (expected {nd}, got {sides})")
        if sides > nd:
            raise ValueError(f"too many values to unpack (expected {nd})")
    # then, as torch's Python: the power first (its errors first), the pooling, and the product of the kernel
    # sizes; lp_pool1d multiplies by kernel_size as given, which fails for a tuple or list
    pooled = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode, True, None, nd)
    if nd == 1 and isinstance(kernel_size, (list, tuple)):
        raise TypeError(f"mul(): argument 'other' (position 1) must be Tensor, not {type_name(kernel_size)}")
    kernel = _tuple(kernel_size, nd, "kernel_size", f"avg_pool{nd}d")
    # sign(out) * relu(|out|) is out itself, but gives zero (not NaN) gradients where out is 0
    return (pooled.sign() * _F.relu(pooled.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Any = None, ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p) ^ (1/p): p = inf would be max pooling, p = 1 sum pooling."""
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> Tensor:
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> Tensor:
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


# ------------------------------------------------------------------ max_unpool
def unpool_output_size(input: Tensor, kernel: tuple, stride: tuple, pad: tuple, output_size: Any) -> tuple:
    nd = len(kernel)
    default = tuple((n - 1) * s + k - 2 * p for n, k, s, p in zip(input.shape[-nd:], kernel, stride, pad))
    if output_size is None:
        return _checked_sizes(default)
    wanted = list(output_size)
    if len(wanted) == nd + 2:
        wanted = wanted[2:]
    if len(wanted) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a "
                         f"length of '{len(wanted)}'")
    for d in range(nd):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < wanted[d] < high:
            raise ValueError(f'invalid output_size "{_as_given(output_size, wanted)}" (dim {d} must be between '
                             f'{low} and {high})')
    return _checked_sizes(tuple(wanted))


def _as_given(output_size: Any, wanted: list) -> Any:
    """The sizes as torch's message prints them: the sequence's own type (a tuple or a list)."""
    return wanted if isinstance(output_size, list) else tuple(wanted)


def _checked_sizes(size: tuple) -> tuple:
    """torch's check of the output size its Python computes (any number type; negative is an error)."""
    for d, n in enumerate(size):
        if n < 0:
            raise ValueError(f"max_unpooling: output_size must contain non-negative spatial dimensions, but got "
                             f"output_size[{d}]={n}")
    return size


def _as_tuple(value: Any, nd: int) -> tuple:
    """torch's _single / _pair / _triple: a sequence as a tuple, anything else repeated nd times (unchecked)."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * nd


def _check_unpool_nonempty(input: Tensor, nd: int) -> None:
    """torch's kernel refuses an empty dim other than the first (1-d runs as 2-d, with a trailing 1)."""
    shape = list(input.shape) + [1] * (nd == 1)
    for d in range(1, len(shape)):
        if shape[d] == 0:
            raise RuntimeError(f"max_unpooling{max(nd, 2)}d_forward_out_cpu(): Expected input to have non-zero size "
                               f"for non-batch dimensions, but got {shape} with dimension {d} being empty.")


def max_unpool(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any, output_size: Any,
               nd: int) -> Tensor:
    """Put each value at its `indices` position (per plane) in a zero tensor: a partial inverse of max_pool."""
    kernel = _as_tuple(kernel_size, nd)
    stride = kernel if stride is None else _as_tuple(stride, nd)
    pad = _as_tuple(padding, nd)
    size = unpool_output_size(input, kernel, stride, pad, output_size)
    # torch's Python computes the size, then calls its kernel (max_unpool2d for 1-d too, which takes no
    # stride or padding), whose parser wants ints there
    params = [("output_size", size, 3)] + ([("stride", stride, 4), ("padding", pad, 5)] if nd == 3 else [])
    int_list_args("max_unpool3d" if nd == 3 else "max_unpool2d", params)
    # torch's kernel alerts before its checks, by the 2-d kernel's name for 1-d too
    alert_nondeterministic(f"max_unpooling{max(nd, 2)}d_forward_out")
    if indices.dtype.name != "int64":
        got = "" if nd == 3 else f" but got: {indices.dtype._legacy}"
        raise RuntimeError(f"elements in indices should be type int64{got}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    x, unbatched = _batched(input, nd)
    _check_unpool_nonempty(input, nd)
    if nd == 3 and min(stride) <= 0:
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
    n, c = x.shape[0], x.shape[1]
    flat = indices.numpy().reshape(n, c, math.prod(x.shape[2:]))
    invalid = flat[(flat < 0) | (flat >= math.prod(size))]
    if invalid.size and math.prod(size):  # the last one in memory order; (nothing to fill: no check)
        shown = size + (1,) * (nd == 1)  # 1-d runs as 2-d
        raise RuntimeError(f"Found an invalid max index: {int(invalid[-1])} (output volumes are of size "
                           f"{'x'.join(map(str, shown))})")
    zeros = from_numpy(np.zeros((n, c, math.prod(size)), x.dtype.np))
    if zeros.numel() == 0:
        return _unbatch(zeros.reshape(n, c, *size), unbatched)
    out = scatter(zeros, 2, from_numpy(flat), x.reshape(n, c, flat.shape[2])).reshape(n, c, *size)
    return _returned(out, unbatched, nd, f"MaxUnpool{nd}DBackward0", input)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)

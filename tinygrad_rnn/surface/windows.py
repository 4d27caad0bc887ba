"""The window functions of signal processing: hann, hamming, blackman, bartlett and kaiser.

Each is a 1-d tensor of `window_length` values. `periodic=True` (the default, as torch) gives the
window for spectral analysis: one point longer, with its last value dropped. The values are
computed as torch computes them, in the requested dtype.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..argcheck import int_arg
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import _finish

# The C++ type names torch's message shows for a non-float dtype.
_CPP_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def _setup(name: str, window_length: Any, dtype: Any) -> tuple[int, dtypes.dtype]:
    n = int_arg(name, "window_length", window_length, 1)
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if not d.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={_CPP_NAMES[d.name]}, "
                           "device=cpu, layout=Strided (default), requires_grad=false (default), pinned_memory=false, "
                           "memory_format=(nullopt))")
    return n, d


def _window(name: str, window_length: Any, periodic: bool, dtype: Any, requires_grad: bool, device: Any,
            shape: Any) -> Tensor:
    """Run `shape(positions, n)` on positions 0..n-1 (n one longer when periodic) in the dtype."""
    n, d = _setup(name, window_length, dtype)
    if n <= 1:
        values = np.ones(n, dtype=d.np)
    else:
        length = n + 1 if periodic else n
        values = shape(np.arange(length, dtype=d.np), length).astype(d.np)[:n]
    return _finish(Tensor._make(values), requires_grad, device)


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype: Any = None, layout: Any = None, device: Any = None, pin_memory: bool = False,
                   requires_grad: bool = False) -> Tensor:
    """alpha - beta cos(2 pi k / (N - 1))."""
    def shape(k: np.ndarray, length: int) -> np.ndarray:
        angle = k * k.dtype.type(2 * math.pi / (length - 1))
        return k.dtype.type(alpha) - k.dtype.type(beta) * np.cos(angle)
    return _window("hamming_window", window_length, periodic, dtype, requires_grad, device, shape)


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                device: Any = None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """0.5 - 0.5 cos(2 pi k / (N - 1)): a hamming window with alpha = beta = 0.5."""
    _setup("hann_window", window_length, dtype)
    return hamming_window(window_length, periodic, 0.5, 0.5, dtype=dtype, device=device, requires_grad=requires_grad)


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                    device: Any = None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))."""
    def shape(k: np.ndarray, length: int) -> np.ndarray:
        angle = k * k.dtype.type(math.pi / (length - 1))
        t = k.dtype.type
        return np.cos(angle * t(4)) * t(0.08) - np.cos(angle * t(2)) * t(0.5) + t(0.42)
    return _window("blackman_window", window_length, periodic, dtype, requires_grad, device, shape)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                    device: Any = None, pin_memory: bool = False, requires_grad: bool = False) -> Tensor:
    """A triangle: 2k / (N - 1) up to the middle, then 2 - 2k / (N - 1)."""
    def shape(k: np.ndarray, length: int) -> np.ndarray:
        rising = k * k.dtype.type(2.0 / (length - 1))
        first_half = ((length - 1) >> 1) + 1
        rising[first_half:] = k.dtype.type(2) - rising[first_half:]
        return rising
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad, device, shape)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype: Any = None,
                  layout: Any = None, device: Any = None, pin_memory: bool = False,
                  requires_grad: bool = False) -> Tensor:
    """I0(beta sqrt(1 - ((k - a) / a)^2)) / I0(beta), a = (N - 1) / 2, I0 the modified Bessel function."""
    def shape(k: np.ndarray, length: int) -> np.ndarray:
        middle = (length - 1) / 2.0
        ratio = (k.astype(np.float64) - middle) / middle
        return np.i0(beta * np.sqrt(np.clip(1 - ratio * ratio, 0, None))) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, device, shape)

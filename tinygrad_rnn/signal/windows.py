"""torch.signal.windows: the tapering windows of signal processing, as torch computes them.

A window of length M is a function of M evenly spaced points (`torch.linspace`), so every window
here picks its points and applies its function to them with tensor ops: the numbers round as
torch's, and with `requires_grad=True` the window is differentiable in its points, as torch's is.

`sym=True` (the default) gives a symmetric window, for filter design: its last point mirrors the
first. `sym=False` gives a periodic one, for spectral analysis: the window one point longer with
its last point dropped, so its points cover M intervals instead of M - 1 (`_intervals`).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .. import creation
from ..core import dtypes
from ..core.tensor import Tensor
from ..layout import strided
from ..ops import pointwise, reduce, special

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming", "hamming",
           "hann", "kaiser", "nuttall"]

NUTTALL = (0.3635819, 0.4891775, 0.1365995, 0.0106411)
BLACKMAN = (0.42, 0.5, 0.08)


def _checked(name: str, M: int, dtype: Any, layout: Any) -> Any:
    """torch's checks of every window, in its order; returns the dtype (None: the default one)."""
    dtype = dtypes.get_default_dtype() if dtype is None else dtype
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (dtypes.float32, dtypes.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    return dtype


def _intervals(M: int, sym: bool) -> int:
    """How many point-to-point steps the window's span holds: M - 1 for a symmetric window, M for a
    periodic one (a window of one point is the same either way)."""
    return M if not sym and M > 1 else M - 1


def _window(M: int, first: float, last: float, shape: Callable[[Tensor], Tensor], options: dict) -> Tensor:
    """`shape` of M points from `first` to `last`; a window of no points is empty."""
    if M == 0:
        return creation.empty((0,), **options)
    return shape(creation.linspace(first, last, M, **options))


def _options(dtype: Any, layout: Any, device: Any, requires_grad: bool) -> dict:
    return {"dtype": dtype, "layout": layout, "device": device, "requires_grad": requires_grad}


def exponential(M: int, *, center: float | None = None, tau: float = 1.0, sym: bool = True, dtype: Any = None,
                layout: Any = strided, device: Any = None, requires_grad: bool = False) -> Tensor:
    """exp(-|n - center| / tau); the center defaults to the middle of the window's span."""
    dtype = _checked("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if center is None:
        center = _intervals(M, sym) / 2.0
    rate = 1 / tau
    return _window(M, -center * rate, (M - 1 - center) * rate, lambda k: pointwise.exp(-pointwise.abs(k)),
                   _options(dtype, layout, device, requires_grad))


def cosine(M: int, *, sym: bool = True, dtype: Any = None, layout: Any = strided, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """sin(pi (n + 1/2) / (intervals + 1)): half a sine period, sampled between its zeros."""
    dtype = _checked("cosine", M, dtype, layout)
    step = math.pi / (_intervals(M, sym) + 1) if M else 0.0  # (no points, no step)
    return _window(M, 0.5 * step, (M - 0.5) * step, pointwise.sin, _options(dtype, layout, device, requires_grad))


def gaussian(M: int, *, std: float = 1.0, sym: bool = True, dtype: Any = None, layout: Any = strided,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """exp(-(n - middle)^2 / (2 std^2)), with the points already divided by std sqrt(2)."""
    dtype = _checked("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    first, scale = -_intervals(M, sym) / 2.0, 1 / (std * math.sqrt(2))
    return _window(M, first * scale, (first + M - 1) * scale, lambda k: pointwise.exp(-(k ** 2)),
                   _options(dtype, layout, device, requires_grad))


def kaiser(M: int, *, beta: float = 12.0, sym: bool = True, dtype: Any = None, layout: Any = strided,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """I0(sqrt(beta^2 - k^2)) / I0(beta) for k from -beta to beta: beta trades the main lobe's width for
    the side lobes' height."""
    dtype = _checked("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    options = _options(dtype, layout, device, requires_grad)
    if M == 1:
        return creation.ones((1,), **options)
    beta_t = creation.tensor(beta, dtype=dtype, device=device)  # (beta in the window's dtype: no NaN under the root)
    step = 2.0 * beta_t / _intervals(M, sym)
    last = pointwise.minimum(beta_t, -beta_t + (M - 1) * step)  # (a periodic window stops a step short)

    def shape(k: Tensor) -> Tensor:
        return special.i0(pointwise.sqrt(beta_t * beta_t - pointwise.pow(k, 2))) / special.i0(beta_t)

    return _window(M, -beta_t, last, shape, options)


def bartlett(M: int, *, sym: bool = True, dtype: Any = None, layout: Any = strided, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """The triangle 1 - |k| for k from -1 to 1."""
    dtype = _checked("bartlett", M, dtype, layout)
    options = _options(dtype, layout, device, requires_grad)
    if M == 1:
        return creation.ones((1,), **options)
    return _window(M, -1, -1 + (M - 1) * (2 / _intervals(M, sym)), lambda k: 1 - pointwise.abs(k), options)


def general_cosine(M: int, *, a: Iterable, sym: bool = True, dtype: Any = None, layout: Any = strided,
                   device: Any = None, requires_grad: bool = False) -> Tensor:
    """sum_i (-1)^i a_i cos(i k) for k from 0 to 2 pi over the span: hann, hamming, blackman and
    nuttall are sums of this kind with fixed coefficients."""
    dtype = _checked("general_cosine", M, dtype, layout)
    options = _options(dtype, layout, device, requires_grad)
    if M == 1:
        return creation.ones((1,), **options)
    if M and not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if M and not a:
        raise ValueError("Coefficients cannot be empty")

    def shape(k: Tensor) -> Tensor:
        signed = creation.tensor([(-1) ** i * c for i, c in enumerate(a)], dtype=dtype, device=device,
                                 requires_grad=requires_grad)
        order = creation.arange(signed.shape[0], dtype=dtype, device=device, requires_grad=requires_grad)
        terms = signed.unsqueeze(-1) * pointwise.cos(order.unsqueeze(-1) * k)
        return reduce.sum(terms, 0)

    return _window(M, 0, (M - 1) * (2 * math.pi / _intervals(M, sym)), shape, options)


def general_hamming(M: int, *, alpha: float = 0.54, sym: bool = True, dtype: Any = None, layout: Any = strided,
                    device: Any = None, requires_grad: bool = False) -> Tensor:
    """alpha - (1 - alpha) cos(k): a raised cosine."""
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M: int, *, sym: bool = True, dtype: Any = None, layout: Any = strided, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M: int, *, sym: bool = True, dtype: Any = None, layout: Any = strided, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M: int, *, sym: bool = True, dtype: Any = None, layout: Any = strided, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    _checked("blackman", M, dtype, layout)  # (torch checks under this name first)
    return general_cosine(M, a=list(BLACKMAN), sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def nuttall(M: int, *, sym: bool = True, dtype: Any = None, layout: Any = strided, device: Any = None,
            requires_grad: bool = False) -> Tensor:
    return general_cosine(M, a=list(NUTTALL), sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)

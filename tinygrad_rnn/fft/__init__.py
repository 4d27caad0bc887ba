"""torch.fft: the sample frequencies and the shifts, which are real; the transforms raise.

`fftfreq`, `rfftfreq`, `fftshift` and `ifftshift` work as torch's (the shifts are `roll`s, so they
are differentiable). Every transform makes or reads a complex tensor (`rfft` of a real signal is
complex; `irfft` and `hfft` read a complex spectrum), and tinygrad_rnn has none: they raise
NotImplementedError naming themselves (see surface/unsupported_dtypes.py).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import float_arg, int_arg, refuse_complex
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import tensor
from ..device import check_device
from ..layout import check_layout
from ..ops.shape import roll
from ..surface.functions import accepts_out


def _frequencies(name: str, n: Any, d: float, dtype: Any, layout: Any, device: Any, requires_grad: bool) -> Tensor:
    """torch's k / (n d) for the bins k of a transform of n samples: k = 0, 1, ..., then (fftfreq) the
    negative ones, or (rfftfreq) 0, 1, ..., n // 2."""
    n, d = int_arg(f"fft_{name}", "n", n, 1), float_arg(f"fft_{name}", "d", d, 2)
    check_layout(f"fft_{name}", layout)
    check_device(device)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d_type = dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype)
    if d_type.is_complex:
        raise refuse_complex(f"torch.fft.{name}(dtype={d_type})")
    if not d_type.is_floating_point:
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    if name == "rfftfreq":
        k = np.arange(n // 2 + 1)
    else:
        k = np.concatenate((np.arange((n + 1) // 2), np.arange(-(n // 2), 0)))
    # torch multiplies the counts, held in the result's dtype, by 1 / (n d) rounded to that dtype
    # (in C++'s doubles: n d = 0 makes it inf, and 0 * inf NaN, quietly)
    with np.errstate(all="ignore"):
        frequencies = k.astype(d_type.np) * d_type.np.type(np.float64(1.0) / np.float64(n * d))
    return tensor(frequencies, dtype=d_type, requires_grad=requires_grad)


def _fftfreq(n: int, d: float = 1.0, *, dtype: Any = None, layout: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """The frequency of each bin of `fft` on n samples spaced d apart: 0, 1, ..., then the negative ones,
    over n d."""
    return _frequencies("fftfreq", n, d, dtype, layout, device, requires_grad)


def _rfftfreq(n: int, d: float = 1.0, *, dtype: Any = None, layout: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """The frequency of each bin of `rfft` on n samples spaced d apart: 0, 1, ..., n // 2, over n d."""
    return _frequencies("rfftfreq", n, d, dtype, layout, device, requires_grad)


_fftfreq.__name__, _rfftfreq.__name__ = "fftfreq", "rfftfreq"
fftfreq, rfftfreq = accepts_out(_fftfreq), accepts_out(_rfftfreq)


def _shift_dims(input: Tensor, dim: Any) -> tuple:
    if dim is None:
        return tuple(range(input.ndim))
    return (dim,) if isinstance(dim, int) else tuple(dim)


def fftshift(input: Tensor, dim: Any = None) -> Tensor:
    """The zero frequency moved to the middle: each dim rolled by half its length."""
    dims = _shift_dims(input, dim)
    return roll(input, tuple(input.shape[d] // 2 for d in dims), dims)


def ifftshift(input: Tensor, dim: Any = None) -> Tensor:
    """fftshift undone: each dim rolled back by half its length."""
    dims = _shift_dims(input, dim)
    return roll(input, tuple((input.shape[d] + 1) // 2 for d in dims), dims)


def _transform(name: str) -> Any:
    def transform(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        raise refuse_complex(f"torch.fft.{name}()")

    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = f"torch.fft.{name}: not built here (a complex tensor in or out); raises NotImplementedError."
    return transform


(fft, ifft, fft2, ifft2, fftn, ifftn, rfft, irfft, rfft2, irfft2, rfftn, irfftn, hfft, ihfft, hfft2, ihfft2, hfftn,
 ihfftn) = (_transform(n) for n in ("fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
                                    "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn"))

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "hfft2", "hfftn", "ifft", "ifft2", "ifftn", "ifftshift",
           "ihfft", "ihfft2", "ihfftn", "irfft", "irfft2", "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]

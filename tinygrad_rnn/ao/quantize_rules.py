"""The arithmetic of torch's CPU (fbgemm) quantization, measured against torch 2.13 bit for bit.

- quantize: `round_half_even(fma(x, 1/scale, zero_point))` in float32 for 8-bit types (fbgemm's
  vectorized kernel fuses the multiply and the add), `round_half_even(zero_point + x * (1/scale))` for
  qint32; both with `1/scale` rounded to float32 first, then clamped to the type's range.
- a weight (MinMaxObserver, qint8, per_tensor_symmetric): scale = max(|min|, |max|) / 127.5 in float32,
  zero point 0.
- an activation at run time (fbgemm's ChooseQuantizationParams, reduce_range: quint8 0..127): the
  range [min, max] widened to hold 0, scale = (max - min) / 127, the zero point that best fits.
"""
from __future__ import annotations

import numpy as np

F32 = np.float32
SMALL_SCALE = float(F32(6.1e-5))  # fbgemm's SMALL_SCALE_THRESHOLD


def quantize_values(x: np.ndarray, scale: float, zero_point: int, dtype) -> np.ndarray:
    """x (float32) to the integers of `dtype` (a QuantizedDtype) with the given scale and zero point."""
    low, high = dtype.range
    inverse = F32(1) / F32(scale)
    if dtype.np.itemsize == 1:
        # fma in float64 then float32: the product of two float32 is exact in float64
        moved = (x.astype(np.float64) * np.float64(inverse) + zero_point).astype(F32)
    else:
        moved = F32(zero_point) + x.astype(F32) * inverse
    return np.clip(np.rint(moved.astype(np.float64)), low, high).astype(dtype.np)


def symmetric_weight_scale(w: np.ndarray) -> float:
    """MinMaxObserver(dtype=qint8, qscheme=per_tensor_symmetric)'s scale for the weight w."""
    largest = max(-min(F32(w.min()), F32(0)), max(F32(w.max()), F32(0))) if w.size else F32(0)
    return float(max(F32(largest) / F32(127.5), np.finfo(F32).eps))


def activation_qparams(low: float, high: float, qmin: int = 0, qmax: int = 127) -> tuple[F32, int]:
    """fbgemm's ChooseQuantizationParams(min, max, 0, 255, reduce_range=True): (scale, zero_point)."""
    low, high = min(F32(low), F32(0)), max(F32(high), F32(0))
    scale = (float(high) - float(low)) / (qmax - qmin)  # in double, as fbgemm
    if F32(scale) == 0 or np.isinf(F32(1) / F32(scale)):
        scale = 0.1
    if scale < SMALL_SCALE:  # a tiny range: fbgemm widens it to the smallest scale it allows
        low, high = _widen(low, high, scale, qmax - qmin)
        scale = SMALL_SCALE
    scale = float(F32(scale))
    from_low, from_high = qmin - float(low) / scale, qmax - float(high) / scale
    low_error, high_error = abs(qmin) - abs(float(low) / scale), abs(qmax) - abs(float(high) / scale)
    zero_point = from_low if low_error < high_error else from_high
    return F32(scale), int(min(max(np.rint(zero_point), qmin), qmax))


def _widen(low: F32, high: F32, scale: float, levels: int) -> tuple[F32, F32]:
    if low == 0:
        return low, F32(SMALL_SCALE * levels)
    if high == 0:
        return F32(-SMALL_SCALE * levels), high
    amplifier = F32(SMALL_SCALE / scale)
    return F32(low * amplifier), F32(high * amplifier)

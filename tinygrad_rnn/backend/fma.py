"""a * b + c with one rounding (a fused multiply-add), exactly, on numpy arrays.

torch's CPU kernels are compiled with fused multiply-adds: `add(x, y, alpha=a)` is fma(a, y, x),
`addcmul`, `lerp` and its random fills are fmas too, and an unfused a * b + c rounds twice, an ulp
off in about one element in five.

Python 3.11 has no math.fma and numpy none at all: we use error-free transformations. The sum of two
doubles and its exact rounding error (two_sum), the product and its error (two_product, Dekker's
split into 26-bit halves); "round to odd" keeps the information a second rounding needs, so
rounding to odd first and to nearest last gives the correctly rounded result (Boldo & Melquiond).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np


def fma(a: Any, b: Any, c: Any, dtype: np.dtype) -> np.ndarray:
    """a * b + c of `dtype` (float32 or float64) values rounded once; other dtypes as plain arithmetic."""
    if dtype == np.float32:
        return fma32(a, b, c)
    if dtype == np.float64:
        return fma64(a, b, c)
    return np.asarray(a * b + c)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    b_part = s - a
    return s, (a - (s - b_part)) + (b - b_part)


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = 134217729.0 * x  # 2^27 + 1
    high = t - (t - x)
    return high, x - high


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = a * b
    (a1, a2), (b1, b2) = _split(a), _split(b)
    return p, ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2


def _round_to_odd(s: np.ndarray, error: np.ndarray) -> np.ndarray:
    """s + error (s the rounded sum, error what was lost) rounded to odd: when inexact, the neighbour
    of the truncated value whose last bit is 1."""
    even = (s.view(np.int64) & 1) == 0
    return np.where((error != 0) & even, np.nextafter(s, np.where(error > 0, np.inf, -np.inf)), s)


def fma64(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c in float64 with one rounding."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, c)))
    with np.errstate(invalid="ignore", over="ignore"):
        high, low = _two_product(a, b)
        total, lost = _two_sum(c, high)
        result = np.asarray(total + _round_to_odd(*_two_sum(lost, low)))
        # a zero product (a or b is 0) leaves c + a * b exact, the zero's sign IEEE's: no redo for those
        # (a zero weight or gradient is common), nor a Python loop over them
        zero_product = (a == 0) | (b == 0)
        if zero_product.any():
            result = np.asarray(np.where(zero_product, c + a * b, result))
        # the splitting overflows near the largest doubles and loses bits among the smallest: do those
        # few exactly with fractions (and non-finite inputs as plain IEEE arithmetic)
        tiny = 2.0**-960
        redo = ~np.isfinite(result) | ((np.abs(result) < tiny) & ~zero_product) | ((np.abs(a * b) < tiny) & (a * b != 0))
    for i in np.flatnonzero(redo):
        result.flat[i] = _exact_fma(float(a.flat[i]), float(b.flat[i]), float(c.flat[i]))
    return result


def _exact_fma(a: float, b: float, c: float) -> float:
    if not all(map(math.isfinite, (a, b, c))):
        return a * b + c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    try:
        return float(exact)  # rounds once, subnormals included
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c of float32 values with one rounding to float32: the product is exact in float64, the
    sum rounded to odd in float64 (53 >= 2 * 24 + 2 bits) then to nearest in float32 is exact."""
    product = np.multiply(a, b, dtype=np.float64)
    total = np.asarray(np.add(product, c, dtype=np.float64))  # (an array even for 0-d operands)
    result = total.astype(np.float32)
    # rounding to double then to float differs from rounding once only when the double lands exactly
    # halfway between two floats, or among float's subnormals (exponent below 2^-125; zeros too):
    # redo those few with round-to-odd. Read from the bits: fewer numpy calls on small arrays.
    bits = total.view(np.int64)
    redo = ((bits & 0x1FFFFFFF) == 0x10000000) | ((bits & 0x7FF0000000000000) < _BELOW_FLOAT_NORMALS)
    if np.count_nonzero(redo):  # (a C call: ndarray.any() goes through Python)
        product, c = np.broadcast_arrays(product, np.asarray(c, np.float64))
        result[redo] = _round_to_odd(*_two_sum(product[redo], c[redo])).astype(np.float32)
    return result


_BELOW_FLOAT_NORMALS = (1023 - 125) << 52  # float64 exponent bits of 2^-125

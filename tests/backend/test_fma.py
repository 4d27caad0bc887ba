"""fma32/fma64 round a * b + c once: checked against exact rational arithmetic, hard cases included."""
from fractions import Fraction

import numpy as np

from tinygrad_rnn.backend.fma import fma32, fma64


def _exact(a, b, c, dtype):
    value = float(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))  # float64, rounded once
    if dtype == np.float32:  # rounded once to float32: nearest of the exact value, not of the float64
        exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
        lo = np.float32(value)
        candidates = [lo, np.nextafter(lo, np.float32(np.inf)), np.nextafter(lo, np.float32(-np.inf))]
        return min(candidates, key=lambda v: (abs(Fraction(float(v)) - exact), int(np.float32(v).view(np.int32)) & 1))
    return value


def test_fma32_is_correctly_rounded():
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(3000).astype(np.float32) for _ in range(3))
    c[:1000] = -(a[:1000].astype(np.float64) * b[:1000]).astype(np.float32)  # cancellation: the residue shows
    got = fma32(a, b, c)
    assert got.dtype == np.float32
    expected = np.array([_exact(x, y, z, np.float32) for x, y, z in zip(a, b, c)], np.float32)
    np.testing.assert_array_equal(got, expected)


def test_fma64_is_correctly_rounded():
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal(3000) for _ in range(3))
    c[:1000] = -(a[:1000] * b[:1000])  # a*b rounded, negated: the exact fma is the product's rounding error
    got = fma64(a, b, c)
    expected = np.array([_exact(x, y, z, np.float64) for x, y, z in zip(a, b, c)])
    np.testing.assert_array_equal(got, expected)
    assert np.count_nonzero(got[:1000]) > 900  # (an unfused a*b + c gives 0 there)


def test_zero_dimensional_operands_give_arrays():
    assert fma32(np.float32(0.3), np.float32(0.0), np.array(0.0, np.float32)).shape == ()
    assert fma64(0.5, 2.0, np.array(1.0)) == 2.0


def test_zero_products_keep_ieee_signs_without_the_exact_fallback():
    """A zero factor makes c + a*b exact: its sign follows IEEE addition, and no element takes the slow
    exact path (a float64 parameter full of zeros would otherwise cost a Python loop per element)."""
    a = np.array([0.0, -0.0, 0.0, 0.0, 0.0])
    b = np.array([1.0, 1.0, -1.0, 1.0, 2.0])
    c = np.array([-0.0, -0.0, -0.0, 0.0, 1e-310])
    got = fma64(a, b, c)
    expected = a * b + c
    np.testing.assert_array_equal(got, expected)
    assert list(np.signbit(got)) == list(np.signbit(expected))

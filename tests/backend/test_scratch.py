"""backend/scratch.py: `constant`, a number as a kept 0-d array, stands for the plain number."""
import numpy as np
import pytest

from tinygrad_rnn.backend.scratch import constant


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("value", [0, 1, 0.5])
def test_constant_gives_the_bits_of_the_plain_number(dtype, value):
    a = np.random.default_rng(0).standard_normal((3, 4)).astype(dtype)
    c = constant(value, a.dtype)
    assert c.shape == () and c.dtype == a.dtype
    for ufunc in (np.add, np.subtract, np.multiply, np.maximum):
        expected = ufunc(a, value)
        got = ufunc(a, c)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(ufunc(c, a), ufunc(value, a))


def test_constant_is_made_once_and_cannot_be_changed():
    c = constant(0.5, np.dtype(np.float32))
    assert constant(0.5, np.dtype(np.float32)) is c
    assert constant(0.5, np.dtype(np.float64)) is not c
    with pytest.raises(ValueError):
        c[()] = 2.0  # shared by every kernel call: a write would change them all

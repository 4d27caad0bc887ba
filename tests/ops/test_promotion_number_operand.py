"""ops/promotion.py's number_operand: a Python float times or over an array, as a 0-d array made once."""
import numpy as np
import pytest

import tinygrad_rnn
from tinygrad_rnn.ops.promotion import number_operand


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_number_as_a_0d_array_gives_the_bits_of_the_number_itself(dtype):
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        x = (rng.standard_normal(4000) * 10.0 ** rng.integers(-40, 40, 4000)).astype(dtype)
        numbers = [float(v) for v in rng.standard_normal(100) * 10.0 ** rng.integers(-50, 50, 100)]
        for y in numbers + [1e-45, 2.5e-39, 0.1, 1 / 3, 9.999e37, -0.0, 0.0, float("nan"), float("inf"), 1e39]:
            operand = number_operand(y, np.dtype(dtype))
            for ufunc in (np.multiply, np.divide):
                want, got = ufunc(x, y), ufunc(x, operand)
                assert got.dtype == want.dtype and got.tobytes() == want.tobytes(), (ufunc, y)


def test_numbers_are_made_once_read_only_and_zero_keeps_its_sign():
    a = number_operand(0.9, np.dtype(np.float32))
    assert a is number_operand(0.9, np.dtype(np.float32)) and a.dtype == np.float32 and not a.flags.writeable
    assert type(number_operand(-0.0, np.dtype(np.float32))) is float  # -0.0 == 0.0 as a key: left to numpy
    assert type(number_operand(0.9, np.dtype(np.float16))) is float  # float16 has its own rule (by_number_in_float32)
    x = tinygrad_rnn.tensor([1.0, -2.0])
    assert np.signbit((x * -0.0).numpy()).tolist() == [True, False]

"""backend/broadcast.py: broadcast_view is np.broadcast_to, made cheaper for a 0-d array."""
import numpy as np
import pytest

from tinygrad_rnn.backend.broadcast import broadcast_view


@pytest.mark.parametrize("array", [np.array(2.5, np.float32), np.array(-1.0), np.array(3, np.int64),
                                   np.arange(3.0), np.ones((2, 1), np.float16)])
@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (0, 3), (5, 2, 3)])
def test_broadcast_view_is_np_broadcast_to(array, shape):
    try:
        expected = np.broadcast_to(array, shape)
    except ValueError:
        return  # shapes that do not broadcast are the caller's to refuse (Expand's inputs are checked)
    got = broadcast_view(array, shape)
    assert type(got) is np.ndarray and got.dtype == expected.dtype and got.shape == expected.shape
    assert got.strides == expected.strides
    np.testing.assert_array_equal(got, expected)
    assert not got.flags.writeable  # one element seen from many places, as numpy's
    assert np.shares_memory(got, array) or got.size == 0


def test_broadcast_view_reads_the_array_it_was_made_from():
    a = np.array(1.0)
    view = broadcast_view(a, (2, 2))
    a[()] = 7.0
    np.testing.assert_array_equal(view, np.full((2, 2), 7.0))

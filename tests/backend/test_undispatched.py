"""backend/undispatched.py: numpy's empty_like and may_share_memory without the dispatch layer."""
import numpy as np
import pytest

from tinygrad_rnn.backend import undispatched


def test_the_functions_skip_numpy_dispatch():
    # numpy >= 1.25 wraps both in a dispatcher; the module must hold the C function beneath it
    assert undispatched.empty_like is not np.empty_like
    assert undispatched.may_share_memory is not np.may_share_memory


@pytest.mark.parametrize("array", [np.ones((2, 3), np.float32), np.ones((3, 2), np.float64).T, np.array(1.5),
                                   np.arange(6, dtype=np.int16)[::2], np.ones((0, 4), np.float16)])
def test_empty_like_is_numpys(array):
    got, expected = undispatched.empty_like(array), np.empty_like(array)
    assert type(got) is np.ndarray and got.dtype == expected.dtype and got.shape == expected.shape
    assert got.strides == expected.strides  # (the layout of the input is kept, as numpy's order="K")
    assert not np.shares_memory(got, array) or array.size == 0


def test_may_share_memory_is_numpys():
    a = np.arange(12.0).reshape(3, 4)
    for x, y in [(a, a[1:]), (a, a.T), (a[:, :2], a[:, 2:]), (a, a.copy()), (a[0], np.array(1.0)),
                 (np.broadcast_to(a[0, 0], (2, 2)), a)]:
        assert undispatched.may_share_memory(x, y) == np.may_share_memory(x, y)

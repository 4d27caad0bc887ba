"""torch.from_dlpack / torch.to_dlpack / Tensor.__dlpack__ against torch: memory shared with numpy arrays and
with torch's own tensors both ways, the legacy capsule read once, copy=True, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("m_name", ["ours", "torch"])
def test_numpy_arrays_and_capsules_share_memory(m_name):
    m = tinygrad_rnn if m_name == "ours" else require_torch()
    array = np.arange(6.0).reshape(2, 3)[:, ::2]
    t = m.from_dlpack(array)
    array[0, 0] = 100
    assert t.dtype == m.float64 and t.tolist() == [[100.0, 2.0], [3.0, 5.0]]
    x = m.arange(4.0)
    back = np.from_dlpack(x)
    capsule = m.to_dlpack(x)
    again = m.from_dlpack(capsule)
    x[0] = 7
    assert back[0] == 7 and again[0].item() == 7 and m.from_dlpack(x, copy=True) is not x
    assert m.from_dlpack(np.arange(3) > 1).tolist() == [False, False, True]
    copied = m.from_dlpack(array, copy=True)
    array[0, 0] = -1
    assert copied[0, 0].item() == 100


def test_tensors_cross_between_torch_and_tinygrad_rnn():
    torch = require_torch()
    ours = tinygrad_rnn.from_dlpack(torch.arange(3.0))
    theirs = torch.from_dlpack(tinygrad_rnn.arange(3.0))
    assert ours.dtype == tinygrad_rnn.float32 and ours.tolist() == theirs.tolist() == [0.0, 1.0, 2.0]
    assert tinygrad_rnn.arange(3.0).__dlpack_device__() == tuple(torch.arange(3.0).__dlpack_device__())


@pytest.mark.parametrize("call", [
    lambda m: m.from_dlpack(3), lambda m: m.from_dlpack([1, 2]), lambda m: m.to_dlpack(np.ones(2)),
    lambda m: m.from_dlpack(m.ones(2, requires_grad=True)), lambda m: np.from_dlpack(m.ones(2, requires_grad=True)),
])
def test_dlpack_errors_match_torch(call):
    check_error(call)


def test_a_capsule_is_read_once_as_in_torch():
    def second_read(m):
        capsule = m.to_dlpack(m.ones(2))
        m.from_dlpack(capsule)
        try:
            m.from_dlpack(capsule)
        except RuntimeError as e:
            return str(e)
    assert second_read(tinygrad_rnn) == second_read(require_torch()) is not None


def test_a_torch_capsule_is_read_into_memory_of_its_own():
    torch = require_torch()
    ours = tinygrad_rnn.from_dlpack(torch.to_dlpack(torch.ones(2)))
    ours[0] = 3  # numpy reads torch's legacy capsule as read-only: the tensor holds a copy it may write
    assert ours.tolist() == [3.0, 1.0]

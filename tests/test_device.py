"""torch.device as the "Changing default device" recipe uses it: a context manager, and
set_default_device / get_default_device around it."""
import pytest
from helpers import require_torch

import tinygrad_rnn


def _default_device_recipe(m):
    with m.device("cpu") as d:
        inside = (repr(d), m.nn.Linear(2, 3).weight.device.type, m.zeros(2).device.type, str(m.get_default_device()))
    m.set_default_device("cpu")
    chosen = str(m.get_default_device())
    m.set_default_device(None)
    return inside, chosen, str(m.get_default_device())


def test_a_cpu_device_is_a_context_manager_as_torchs():
    torch = require_torch()
    assert _default_device_recipe(tinygrad_rnn) == _default_device_recipe(torch)


def test_entering_a_device_we_do_not_have_raises():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        with tinygrad_rnn.device("cuda"):
            pass

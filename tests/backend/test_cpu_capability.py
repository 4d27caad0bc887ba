"""The vector width the rounding-exact ops assume is the one torch's kernels run at on this machine."""
from __future__ import annotations

from helpers import require_torch

from tinygrad_rnn.backend import cpu_capability


def test_the_capability_is_torchs():
    torch = require_torch()
    assert cpu_capability.CAPABILITY == torch.backends.cpu.get_cpu_capability()


def test_lanes_follow_the_vector_width():
    floats = cpu_capability.lanes("float32")
    assert floats == (16 if cpu_capability.CAPABILITY == "AVX512" else 8)
    assert cpu_capability.lanes("float64") * 2 == floats

"""A dense CPU tensor answers torch's kind and device flags as torch's does (is_sparse, is_meta, is_mps, ...),
and the no-op resolutions return it."""
import pytest
from helpers import require_torch

import tinygrad_rnn

FLAGS = ["is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mkldnn", "is_nested", "is_xpu", "is_mps",
         "is_ipu", "is_xla", "is_vulkan", "is_mtia", "is_cuda"]


@pytest.mark.parametrize("flag", FLAGS)
def test_flags_as_torch(flag):
    torch = require_torch()
    assert getattr(tinygrad_rnn.ones(2), flag) is getattr(torch.ones(2), flag)


def test_resolutions_and_questions_as_torch():
    torch = require_torch()

    def answers(lib):
        x = lib.ones(2, requires_grad=True) * 2
        return (x.is_conj(), x.is_neg(), x.resolve_conj() is x, x.resolve_neg() is x, x.is_shared(),
                x.to_dense() is x, str(x.to_dense(lib.float64).dtype), x.to_dense(lib.float32) is x)

    assert answers(tinygrad_rnn) == answers(torch)

"""A dense CPU tensor answers torch's kind and device flags as torch's does (is_sparse, is_meta, is_mps, ...),
and the no-op resolutions return it."""
import pytest
from helpers import check_error, require_torch

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


def _real_tensor_conjugation(m):
    x = m.tensor([1.0, -2.0], requires_grad=True)
    same = [f(x) is x for f in (m.conj_physical, m.resolve_conj, m.resolve_neg, m.Tensor.conj_physical)]
    return same, m.is_conj(x), m.is_neg(x), m.is_storage(x.untyped_storage()), m.is_storage(x)


def test_function_forms_of_conjugation_give_a_real_tensor_back_as_torch():
    assert _real_tensor_conjugation(tinygrad_rnn) == _real_tensor_conjugation(require_torch())


def test_conjugation_functions_take_only_a_tensor():
    check_error(lambda m: m.is_conj(2))
    check_error(lambda m: m.resolve_neg([1.0]))

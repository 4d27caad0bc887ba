"""torch.backends' namespaces: the flags tutorial code sets and reads answer as torch's CPU build does."""
from __future__ import annotations

import warnings

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


@pytest.fixture
def restored():
    """Every switch these tests touch, back to torch's defaults afterwards (in both frameworks)."""
    torch = require_torch()
    yield torch
    for m in (tinygrad_rnn, torch):
        m.set_float32_matmul_precision("highest")
        m.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = True
        for kind in ("flash", "mem_efficient", "math", "cudnn"):
            getattr(m.backends.cuda, f"enable_{kind}_sdp")(True)


def test_cuda_namespace_reads_as_torchs_cpu_build(restored):
    """nanoGPT's train.py sets torch.backends.cuda.matmul.allow_tf32 = True before it trains."""
    answers = []
    for m in (restored, tinygrad_rnn):
        b = m.backends
        before = (b.cuda.is_built(), b.cuda.is_flash_attention_available(), b.cuda.matmul.allow_tf32,
                  b.cuda.matmul.allow_fp16_reduced_precision_reduction, b.cuda.matmul.allow_fp16_accumulation,
                  b.mkl.is_available(), b.openmp.is_available())
        b.cuda.matmul.allow_tf32 = True
        tf32 = (m.get_float32_matmul_precision(), b.cuda.matmul.allow_tf32)
        m.set_float32_matmul_precision("highest")
        b.cuda.matmul.allow_bf16_reduced_precision_reduction = False
        b.cuda.enable_flash_sdp(False)
        after = (b.cuda.matmul.allow_tf32, b.cuda.matmul.allow_bf16_reduced_precision_reduction,
                 b.cuda.flash_sdp_enabled(), b.cuda.math_sdp_enabled(), b.cuda.mem_efficient_sdp_enabled(),
                 b.cuda.cudnn_sdp_enabled(), hasattr(b.cuda.matmul, "no_such_flag"))
        answers.append((before, tf32, after))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("name,value", [("allow_tf32", 1), ("allow_fp16_accumulation", 0),
                                        ("allow_fp16_reduced_precision_reduction", 1), ("no_such_flag", True)])
def test_cuda_matmul_flags_refuse_what_torch_refuses(restored, name, value):
    errors = []
    for m in (restored, tinygrad_rnn):
        with pytest.raises(Exception) as caught:
            setattr(m.backends.cuda.matmul, name, value)
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


def test_backends_namespaces_are_importable_as_submodules():
    """Training scripts write `import torch.backends.cudnn as cudnn; cudnn.benchmark = True`."""
    import importlib

    for name in ("cudnn", "cuda", "mps", "mkldnn", "mkl", "openmp", "mha", "opt_einsum", "cpu"):
        assert importlib.import_module(f"tinygrad_rnn.backends.{name}") is getattr(tinygrad_rnn.backends, name)


def test_cpu_capability_is_torchs():
    """The Performance Tuning Guide prints torch.backends.cpu.get_cpu_capability() (AVX2, AVX512, ...)."""
    torch = require_torch()
    assert tinygrad_rnn.backends.cpu.get_cpu_capability() == torch.backends.cpu.get_cpu_capability()


@pytest.mark.parametrize("name", ["has_mps", "has_cuda", "has_cudnn", "has_mkldnn"])
def test_deprecated_has_attributes_warn_and_answer_as_torch(name):
    """Umar Jamil's pytorch-transformer picks its device with `torch.has_mps`: an AttributeError here."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = getattr(m, name)
        seen.append((value, [(w.category, str(w.message), w.filename) for w in caught]))
    assert seen[0] == seen[1] and seen[0][1][0][2] == __file__


def test_an_unknown_module_attribute_is_torchs_attribute_error():
    check_error(lambda m: m.has_tpu)
    assert not hasattr(tinygrad_rnn, "has_mps_") and hasattr(tinygrad_rnn, "has_mps")


def test_deprecated_sdp_kernel_switches_the_kernels_within_its_block_and_warns_as_torch(restored):
    """The SDPA tutorial of torch 2.0 wrote `with torch.backends.cuda.sdp_kernel(enable_math=False): ...`."""
    seen = []
    for m in (restored, tinygrad_rnn):
        cuda = m.backends.cuda
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with cuda.sdp_kernel(enable_flash=False, enable_mem_efficient=False) as given:
                inside = (given, cuda.flash_sdp_enabled(), cuda.math_sdp_enabled(), cuda.mem_efficient_sdp_enabled(),
                          cuda.cudnn_sdp_enabled())
        with m.nn.attention.sdpa_kernel(m.nn.attention.SDPBackend.MATH) as given_new:
            newer = (given_new, cuda.flash_sdp_enabled())
        after = (cuda.flash_sdp_enabled(), cuda.mem_efficient_sdp_enabled())
        seen.append((inside, newer, after, [(w.category, str(w.message)) for w in caught]))
    assert seen[0] == seen[1]


def test_cudnn_version_opt_einsum_and_git_version_answer_as_torchs_cpu_build():
    torch = require_torch()
    answers = [(m.backends.cudnn.version(), m.backends.cudnn.is_acceptable(m.ones(1)), m.backends.opt_einsum.is_available(),
                m.backends.opt_einsum.enabled, m.backends.opt_einsum.strategy, m.backends.opt_einsum.get_opt_einsum(),
                m.version.git_version) for m in (tinygrad_rnn, torch)]
    assert answers[0] == answers[1]

"""torch.accelerator, torch.cpu, torch.version and pinned memory on a machine with no accelerator, as torch 2.13
answers there: PyTorch's tutorials ask these before they start."""
from __future__ import annotations

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _answers(m):
    device = m.accelerator.current_accelerator().type if m.accelerator.is_available() else "cpu"
    return (device, m.accelerator.current_accelerator(), m.accelerator.device_count(), m.cpu.is_available(),
            m.cpu.device_count(), m.cpu.current_device(), m.cpu.is_initialized(), m.cpu.synchronize(),
            m.version.cuda, m.version.hip, m.ones(2).is_pinned())


def test_device_questions_get_torchs_answers():
    torch = require_torch()
    assert _answers(tinygrad_rnn) == _answers(torch)


@pytest.mark.parametrize("call", ["current_device_index", "synchronize", "memory_allocated", "empty_cache",
                                  "current_stream", "device_index"])
def test_what_needs_an_accelerator_raises_torchs_error(call):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available"):
            if call == "device_index":
                with m.accelerator.device_index(0):
                    pass
            else:
                getattr(m.accelerator, call)()


def test_pin_memory_needs_an_accelerator():
    with pytest.raises(RuntimeError, match="accelerator"):
        tinygrad_rnn.ones(2).pin_memory()


def test_cuda_capability_questions_get_torchs_answers():
    """nanoGPT picks its dtype by `torch.cuda.is_available() and torch.cuda.is_bf16_supported()`."""
    torch = require_torch()
    answers = [(m.cuda.is_available(), m.cuda.device_count(), m.cuda.is_bf16_supported(),
                m.cuda.is_bf16_supported(including_emulation=False), m.cuda.is_tf32_supported())
               for m in (tinygrad_rnn, torch)]
    assert answers[0] == answers[1]


def test_cuda_memory_questions_get_torchs_answers():
    """fast.ai's clean_mem calls torch.cuda.empty_cache(); Karpathy's device pick asks torch.backends.mps.is_built()."""
    torch = require_torch()
    answers = [(m.cuda.empty_cache(), m.cuda.memory_allocated(), m.cuda.max_memory_allocated(), m.cuda.is_initialized(),
                m.backends.mps.is_built()) for m in (tinygrad_rnn, torch)]
    assert answers[0] == answers[1]
    check_error(lambda m: m.cuda.synchronize())
    check_error(lambda m: m.cuda.current_device())


# torch.device only names a device: d2l's `gpu(1)` prints `device(type='cuda', index=1)` on a CPU-only machine.
# Using it (a tensor or module put there) is what fails.
def test_naming_an_absent_device_is_allowed_as_in_torch():
    torch = require_torch()
    answers = [(repr(m.device("cuda:0")), repr(m.device("cuda", 1)), str(m.device(f"cuda:{2}")), repr(m.device("mps")),
                repr(m.device(m.device("cuda:3"))), m.device("cpu") == "cpu", m.ones(1).device == "cpu",
                m.device("cpu") != "cpu", m.device("cuda:0") == m.device("cuda", 0)) for m in (tinygrad_rnn, torch)]
    assert answers[0] == answers[1]


@pytest.mark.parametrize("use", [
    lambda m: m.ones(2, device=m.device("cuda")), lambda m: m.ones(2).to(m.device("cuda:1")),
    lambda m: m.nn.Linear(2, 2).to(device=m.device("cuda")), lambda m: m.tensor([1.0], device=m.device("cuda:0")),
])
def test_using_an_absent_device_raises_torchs_error(use):
    check_error(use)


@pytest.mark.parametrize("args", [("cuda:x",), ("cuda:-1",), ("cuda:0:1",), ("cuda: 1",), ("cuda:01",), ("cuda:+1",),
                                  ("cuda", -1), ("cuda", 1.0), ("cuda:0", 1), ("cuda:",)])
def test_device_strings_and_indices_are_checked_as_torch(args):
    check_error(lambda m: m.device(*args))


@pytest.mark.parametrize("call", [
    lambda m: m.ones(2).cuda(), lambda m: m.ones(2).cuda(0), lambda m: m.ones(2).cuda(device=1),
    lambda m: m.ones(2).cuda("cuda:0"), lambda m: m.nn.Linear(2, 2).cuda(0), lambda m: m.nn.Linear(2, 2).cuda(),
])
def test_cuda_calls_fail_as_on_torchs_cpu_build(call):
    """A device index asks for an accelerator (RuntimeError); a name, or none, for CUDA (AssertionError)."""
    check_error(call)


@pytest.mark.parametrize("name", ["mps", "xpu", "ipu", "xla", "vulkan", "hip"])
def test_moving_to_a_device_this_build_lacks_fails_as_torch(name):
    """Tensor.to(device) on torch's CPU build: an AssertionError for CUDA and XPU, else 'not linked with support'."""
    check_error(lambda m: m.ones(2).to(name))


def test_meta_tensors_are_not_implemented_and_say_so():
    with pytest.raises(NotImplementedError, match="meta"):
        tinygrad_rnn.ones(2, device="meta")


@pytest.mark.parametrize("call", [
    lambda m: m.cuda.get_device_name(0), lambda m: m.cuda.get_device_name(), lambda m: m.cuda.get_device_properties(0),
    lambda m: m.cuda.get_device_capability(), lambda m: m.cuda.mem_get_info(), lambda m: m.cuda.init(),
    # the legacy CUDA tensor types exist by name only (MorvanZhou's GPU lesson converts with them)
    lambda m: m.cuda.FloatTensor([1.0]), lambda m: m.cuda.LongTensor(2), lambda m: m.cuda.ShortTensor(),
    lambda m: m.ones(2).type(m.cuda.FloatTensor), lambda m: m.ones(2).type("torch.cuda.LongTensor"),
    lambda m: m.ones(2).type("torch.FooTensor"), lambda m: m.ones(2).type("FloatTensor"),
    lambda m: m.set_default_tensor_type(m.cuda.FloatTensor),
])
@pytest.mark.filterwarnings("ignore:torch.set_default_tensor_type")
def test_gpu_only_questions_and_cuda_tensor_types_raise_torchs_errors(call):
    check_error(call)


def test_cuda_tensor_types_match_no_tensor():
    torch = require_torch()
    answers = [(m.cuda.FloatTensor.__name__, str(m.cuda.HalfTensor.dtype), m.cuda.BoolTensor.is_cuda,
                isinstance(m.ones(2), m.cuda.FloatTensor), isinstance(m.ones(2), m.FloatTensor), m.typename(m.ByteTensor),
                m.cuda.memory_reserved(), m.cuda.get_arch_list()) for m in (tinygrad_rnn, torch)]
    assert answers[0] == answers[1]


def test_cuda_rng_state_calls_get_torchs_answers():
    """A checkpoint that resumes a run saves `torch.cuda.get_rng_state_all()` beside the CPU's state and restores
    it with set_rng_state_all: on torch's CPU build there are no states, and setting them does nothing."""
    torch = require_torch()
    answers = [(m.cuda.get_rng_state_all(), m.cuda.set_rng_state_all([]), m.cuda.set_rng_state_all([m.get_rng_state()]),
                m.cuda.set_rng_state(m.get_rng_state(), "cuda:1"), m.cuda.seed(), m.cuda.seed_all(),
                m.cuda.manual_seed(3.0), m.cuda.manual_seed_all("4")) for m in (tinygrad_rnn, torch)]
    assert answers[0] == answers[1]


@pytest.mark.parametrize("call", [
    lambda m: m.cuda.get_rng_state(), lambda m: m.cuda.get_rng_state(0), lambda m: m.cuda.initial_seed(),
    lambda m: m.cuda.set_rng_state_all(5), lambda m: m.cuda.set_rng_state([1, 2]),
    lambda m: m.cuda.set_rng_state(m.get_rng_state(), "gpu"), lambda m: m.cuda.manual_seed("x"),
])
def test_cuda_rng_state_calls_fail_as_on_torchs_cpu_build(call):
    check_error(call)


def test_get_device_module_and_init_num_threads_as_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        assert m.get_device_module() is m.get_device_module("cpu:0") is m.get_device_module(m.device("cpu")) is m.cpu
        assert m.get_device_module("cuda:1") is m.cuda
        assert m.init_num_threads() is None
    for bad in ("meta", 3, "foo"):
        check_error(lambda m, bad=bad: m.get_device_module(bad))

"""torch's global switches: the values they read back, what they return, and torch's errors."""
from __future__ import annotations

import warnings

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


@pytest.fixture
def restore():
    torch = require_torch()
    yield torch
    for m in (tinygrad_rnn, torch):
        m.use_deterministic_algorithms(False)
        m.set_float32_matmul_precision("highest")
        m.set_warn_always(False)
        m.set_anomaly_enabled(False)
        m.set_default_dtype(m.float32)


def _readings(m):
    return (m.are_deterministic_algorithms_enabled(), m.is_deterministic_algorithms_warn_only_enabled(),
            m.get_deterministic_debug_mode(), m.get_float32_matmul_precision(), m.is_warn_always_enabled(),
            m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled(), m.is_inference_mode_enabled())


@pytest.mark.parametrize("steps", [
    [("use_deterministic_algorithms", (True,), {})],
    [("use_deterministic_algorithms", (True,), {"warn_only": True})],
    [("use_deterministic_algorithms", (True,), {"warn_only": True}), ("use_deterministic_algorithms", (False,), {})],
    [("set_deterministic_debug_mode", ("warn",), {})], [("set_deterministic_debug_mode", (2,), {})],
    [("set_deterministic_debug_mode", ("error",), {}), ("set_deterministic_debug_mode", ("default",), {})],
    [("set_float32_matmul_precision", ("medium",), {})], [("set_float32_matmul_precision", ("high",), {})],
    [("set_warn_always", (True,), {})], [("set_anomaly_enabled", (True,), {})],
    [("set_anomaly_enabled", (True, False), {})],
])
def test_switches_read_back_as_torchs(steps, restore):
    torch = restore
    for m in (tinygrad_rnn, torch):
        for name, args, kwargs in steps:
            getattr(m, name)(*args, **kwargs)
    assert _readings(tinygrad_rnn) == _readings(torch)


def test_defaults_are_torchs(restore):
    assert _readings(tinygrad_rnn) == _readings(restore)


def test_unknown_matmul_precision_warns_and_changes_nothing(restore):
    """torch's warning, word for word: it comes from C++ (ATen's Context.cpp), so it says where it was triggered."""
    messages = []
    for m in (tinygrad_rnn, restore):
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'") as caught:
            m.set_float32_matmul_precision("fastest")
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1]
    assert tinygrad_rnn.get_float32_matmul_precision() == "highest"


def test_inference_mode_is_seen(restore):
    torch = restore
    for m in (tinygrad_rnn, torch):
        seen = []
        with m.inference_mode():
            seen.append(m.is_inference_mode_enabled())
            with m.inference_mode(False):
                seen.append(m.is_inference_mode_enabled())
            with m.no_grad():
                seen.append(m.is_inference_mode_enabled())
        seen.append(m.is_inference_mode_enabled())
        seen.append(m.inference_mode(False)(m.is_inference_mode_enabled)())
        seen.append(m.inference_mode()(m.is_inference_mode_enabled)())
        assert seen == [True, False, True, False, False, True]


def test_flush_denormal_answers_false_here():
    # torch answers True on an x86 CPU with SSE3; numpy cannot flush, so the honest answer is False
    assert tinygrad_rnn.set_flush_denormal(True) is False
    assert tinygrad_rnn.set_flush_denormal(False) is False


def test_typename():
    torch = require_torch()
    for make in (lambda m: m.zeros(2), lambda m: m.zeros(2, dtype=m.int64), lambda m: m.zeros(1, dtype=m.bool),
                 lambda m: m.zeros(1, dtype=m.float64), lambda m: 3, lambda m: "s", lambda m: int,
                 lambda m: m.nn.Parameter(m.zeros(1)), lambda m: m.nn.Linear(1, 1), lambda m: m.nn.LSTM,
                 lambda m: m.optim.SGD, lambda m: m.optim.lr_scheduler.StepLR, lambda m: m.utils.data.DataLoader,
                 lambda m: m.distributions.Normal, lambda m: m.autograd.Function):
        assert tinygrad_rnn.typename(make(tinygrad_rnn)) == torch.typename(make(torch))


@pytest.mark.parametrize("t", ["DoubleTensor", "torch.DoubleTensor", "HalfTensor", "FloatTensor"])
def test_set_default_tensor_type_warns_and_sets_the_dtype(t, restore):
    torch = restore
    texts = []
    for m in (tinygrad_rnn, torch):
        m.set_warn_always(True)  # torch warns once per process, and every time with this on
        with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated as of PyTorch 2.1") as w:
            m.set_default_tensor_type(t if t.startswith("torch.") else getattr(m, t))
        texts.append([str(x.message) for x in w])
    assert texts[0] == texts[1]  # torch's whole text, its "Triggered internally" tail too (tutorials compare warnings)
    assert repr(tinygrad_rnn.get_default_dtype()) == repr(torch.get_default_dtype())


def test_the_deprecation_warns_once(restore):
    torch = restore
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.set_default_tensor_type(m.FloatTensor)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.set_default_tensor_type(m.FloatTensor)
        assert caught == []


@pytest.mark.parametrize("t", ["LongTensor", "torch.LongTensor", "no_such_module_here", 3, "torch.nothing", "numpy.float32"])
def test_set_default_tensor_type_errors(t, restore):
    def call(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.set_default_tensor_type(getattr(m, t) if t == "LongTensor" else t)
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.use_deterministic_algorithms(1), lambda m: m.use_deterministic_algorithms("x"),
    lambda m: m.use_deterministic_algorithms(True, warn_only=1), lambda m: m.set_float32_matmul_precision(1),
    lambda m: m.set_warn_always(1), lambda m: m.set_anomaly_enabled(1), lambda m: m.set_anomaly_enabled(True, 1),
    lambda m: m.set_flush_denormal(1), lambda m: m.set_deterministic_debug_mode(5),
    lambda m: m.set_deterministic_debug_mode("x"), lambda m: m.set_deterministic_debug_mode(1.5),
])
def test_errors(call, restore):
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.zeros(2, 3).put_(m.tensor([1, 3]), m.tensor([9.0, 10.0])),
    lambda m: m.zeros(2, 3).put(m.tensor([1, 3]), m.tensor([9.0, 10.0])),
    lambda m: m.zeros(2, 3).put_(m.tensor([1, 30]), m.tensor([9.0])),  # the alert comes before the checks
])
def test_put_without_accumulate_alerts_under_deterministic_algorithms(call, restore):
    for m in (tinygrad_rnn, restore):
        m.use_deterministic_algorithms(True)
    check_error(call)


def _put_warned(m):
    m.use_deterministic_algorithms(True, warn_only=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = m.zeros(4).put_(m.tensor([1]), m.tensor([9.0])).tolist()
        added = m.zeros(4).put_(m.tensor([1, 1]), m.tensor([9.0, 1.0]), accumulate=True).tolist()
    return written, added, [str(w.message) for w in caught]


def test_put_warns_with_warn_only_and_accumulate_is_deterministic(restore):
    assert _put_warned(tinygrad_rnn) == _put_warned(restore)


def _unpool_args(m, nd):
    """A pooled input and its indices, as max_unpool{nd}d takes them (kernel 2)."""
    x = m.arange(64.0).reshape({1: (1, 1, 64), 2: (1, 1, 8, 8), 3: (1, 1, 4, 4, 4)}[nd])
    return getattr(m.nn.functional, f"max_pool{nd}d")(x, 2, return_indices=True)


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.max_unpool1d(*_unpool_args(m, 1), 2),
    lambda m: m.nn.functional.max_unpool2d(*_unpool_args(m, 2), 2),
    lambda m: m.nn.functional.max_unpool3d(*_unpool_args(m, 3), 2),
    lambda m: m.nn.MaxUnpool2d(2)(*_unpool_args(m, 2)),
    lambda m: m.nn.functional.max_unpool2d(_unpool_args(m, 2)[0], _unpool_args(m, 2)[1].float(), 2),  # before checks
    lambda m: m.nn.functional.max_unpool2d(_unpool_args(m, 2)[0], _unpool_args(m, 2)[1] + 99, 2),
])
def test_max_unpool_alerts_under_deterministic_algorithms(call, restore):
    for m in (tinygrad_rnn, restore):
        m.use_deterministic_algorithms(True)
    check_error(call)


def _unpool_warned(m):
    m.use_deterministic_algorithms(True, warn_only=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = m.nn.functional.max_unpool2d(*_unpool_args(m, 2), 2)
        out3 = m.nn.functional.max_unpool3d(*_unpool_args(m, 3), 2)
    return out.tolist(), out3.sum().item(), [str(w.message) for w in caught]


def test_max_unpool_warns_with_warn_only(restore):
    assert _unpool_warned(tinygrad_rnn) == _unpool_warned(restore)

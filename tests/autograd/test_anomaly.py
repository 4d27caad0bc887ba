"""Anomaly detection names the op whose backward made a NaN, and shows where its forward ran."""
import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import Function


def run_with_anomaly(m, build):
    """Build a graph and run backward inside detect_anomaly; return (error, warning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with m.autograd.detect_anomaly():
            loss = build(m)
            with pytest.raises(RuntimeError) as info:
                loss.backward()
    return info.value, [str(w.message) for w in caught]


CASES = {
    "log at zero": lambda m: (m.tensor([0.0, 1.0], requires_grad=True).log() * 0).sum(),
    "sqrt at zero": lambda m: (m.tensor([0.0, 4.0], requires_grad=True).sqrt() * 0).sum(),
    "mul by nan": lambda m: (m.tensor([-1.0, 1.0], requires_grad=True).sqrt() * m.tensor(
        [2.0, 2.0], requires_grad=True)).sum(),
    "div zero by zero": lambda m: (m.tensor([1.0, 2.0], requires_grad=True) / m.tensor(
        [0.0, 1.0], requires_grad=True) * 0).sum(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_names_the_op_like_torch(name):
    torch = require_torch()
    ours, _ = run_with_anomaly(tg, CASES[name])
    theirs, _ = run_with_anomaly(torch, CASES[name])
    assert str(ours) == str(theirs)
    assert str(ours).startswith("Function '") and "returned nan values in its" in str(ours)


def test_warning_and_note_show_where_the_forward_ran():
    def build(m):
        x = m.tensor([0.0, 1.0], requires_grad=True)
        y = x.log()  # the line the report must point at
        return (y * 0).sum()

    error, messages = run_with_anomaly(tg, build)
    report = [msg for msg in messages if msg.startswith("Error detected in LogBackward0")]
    assert len(report) == 1
    assert "Traceback of forward call that caused the error:" in report[0]
    assert __file__ in report[0] and "y = x.log()  # the line the report must point at" in report[0]
    assert "tinygrad_rnn/ops" not in report[0]  # the op plumbing is trimmed off
    assert any("y = x.log()" in note for note in error.__notes__)


def test_enabling_warns_like_torch():
    torch = require_torch()
    texts = []
    for m in (torch, tg):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with m.autograd.detect_anomaly():
                pass
        texts.append([str(w.message) for w in caught])
    assert texts[0] == texts[1]


def test_check_nan_false_lets_nan_through():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tg.autograd.detect_anomaly(check_nan=False):
            assert tg.is_anomaly_enabled() and not tg.is_anomaly_check_nan_enabled()
            x = tg.tensor([0.0, 1.0], requires_grad=True)
            (x.log() * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])
    assert not tg.is_anomaly_enabled() and tg.is_anomaly_check_nan_enabled()


def test_off_by_default_and_set_detect_anomaly_restores():
    x = tg.tensor([0.0], requires_grad=True)
    (x.log() * 0).sum().backward()  # no anomaly mode: NaN gradient, no error
    assert np.isnan(x.grad.numpy()[0])
    tg.autograd.set_detect_anomaly(True)
    try:
        assert tg.is_anomaly_enabled()
        with tg.autograd.set_detect_anomaly(False):
            assert not tg.is_anomaly_enabled()
        assert tg.is_anomaly_enabled()
    finally:
        tg.autograd.set_detect_anomaly(False)
    assert not tg.is_anomaly_enabled()


def test_decorator_form():
    @tg.autograd.detect_anomaly()
    def inside():
        return tg.is_anomaly_enabled()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert inside() and not tg.is_anomaly_enabled()


def test_custom_function_nan_and_forward_outside_anomaly_mode():
    class NanGrad(Function):
        @staticmethod
        def forward(ctx, x):
            return tg.Tensor._make(x._data * 2)

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = tg.tensor([1.0], requires_grad=True)
    y = NanGrad.apply(x).sum()  # built before anomaly mode: no forward stack recorded
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tg.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="Function 'NanGradBackward' returned nan values in its 0th output."):
                y.backward()
    assert any("No forward pass information available" in str(w.message) for w in caught)


def test_other_errors_in_backward_also_get_the_forward_report():
    class Broken(Function):
        @staticmethod
        def forward(ctx, x):
            return tg.Tensor._make(x._data * 2)

        @staticmethod
        def backward(ctx, g):
            raise ValueError("bug in backward")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tg.autograd.detect_anomaly():
            y = Broken.apply(tg.tensor([1.0], requires_grad=True)).sum()
            with pytest.raises(ValueError, match="bug in backward"):
                y.backward()
    assert any(str(w.message).startswith("Error detected in BrokenBackward.") for w in caught)


def test_nan_after_an_rnn_names_the_op_like_torch():
    torch = require_torch()

    def build(m):
        m.manual_seed(0)
        rnn = m.nn.RNN(2, 3)
        out, _ = rnn(m.ones(4, 1, 2))
        return (out - 1).sqrt().sum()  # tanh < 1: the square root of a negative number is NaN

    ours, _ = run_with_anomaly(tg, build)
    theirs, _ = run_with_anomaly(torch, build)
    assert str(ours) == str(theirs) == "Function 'SqrtBackward0' returned nan values in its 0th output."


def test_the_reports_end_as_torchs_cpp_warnings_do():
    """torch's report is a C++ TORCH_WARN: its text ends with where it was raised."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        x = m.tensor([-1.0], requires_grad=True)
        y = m.sqrt(x)  # made outside anomaly mode: no forward traceback
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with m.autograd.detect_anomaly():
                with pytest.raises(RuntimeError):
                    y.backward()
                with pytest.raises(RuntimeError):
                    m.sqrt(x).backward()
        reports = [str(w.message) for w in caught if str(w.message).startswith("Error detected")]
        seen.append((reports[0], reports[1].split("\n")[-1]))
    assert seen[0] == seen[1]

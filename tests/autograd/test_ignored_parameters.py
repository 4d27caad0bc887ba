"""Issue 14's audit: parameters that were accepted and ignored now work (or raise), checked
against torch. (The list of those outside this area is in the audit report, not fixed here.)"""
import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, check_parity, require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import functional


def f(a, b):
    return (a @ b).sin(), (a * a).sum(1)


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_vectorize_matches_torch(strategy):
    def fn(m, x, w):
        jac = m.autograd.functional.jacobian(f, (x, w), vectorize=True, strategy=strategy)
        return [block for row in jac for block in row]

    check_parity(fn, shapes=[(3, 4), (4, 2)], requires_grad=[False, False])


def test_jacobian_vectorize_with_create_graph_is_differentiable():
    check_parity(lambda m, x: m.autograd.functional.jacobian(lambda a: a.tanh() * a.sum(), x, create_graph=True,
                                                             vectorize=True), shapes=[(4,)])


def test_jacobian_vectorize_runs_one_batched_pass(monkeypatch):
    from tinygrad_rnn.func import batching

    calls = []
    real = batching.batched_grad
    monkeypatch.setattr(batching, "batched_grad", lambda *a, **k: calls.append(1) or real(*a, **k))
    functional.jacobian(tg.sin, tg.randn(5, dtype=tg.float64), vectorize=True)
    assert calls == [1]


@pytest.mark.parametrize("outer", ["reverse-mode", "forward-mode"])
def test_hessian_vectorize_and_outer_strategy_match_torch(outer):
    # Values only: torch's forward-mode result stays attached to its internal graph
    # (requires_grad=True although no input requires grad), a quirk not copied here.
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(3)
    results = [m.autograd.functional.hessian(lambda a, m=m: (a.sin() * a.exp()).sum(), m.tensor(x), vectorize=True,
                                             outer_jacobian_strategy=outer) for m in (tg, torch)]
    assert_arrays_close(*results)
    assert not results[0].requires_grad


@pytest.mark.parametrize("case", [
    lambda m: m.autograd.functional.jacobian(m.sin, m.ones(3, dtype=m.float64), strategy="forward-mode"),
    lambda m: m.autograd.functional.jacobian(m.sin, m.ones(3, dtype=m.float64), strategy="forward-mode",
                                             vectorize=True, create_graph=True),
    lambda m: m.autograd.functional.jacobian(m.sin, m.ones(3, dtype=m.float64), vectorize=True, strict=True),
    lambda m: m.autograd.functional.hessian(lambda a: a.sin().sum(), m.ones(3, dtype=m.float64),
                                            outer_jacobian_strategy="forward-mode"),
    lambda m: m.autograd.functional.hessian(lambda a: a.sin().sum(), m.ones(3, dtype=m.float64),
                                            outer_jacobian_strategy="bad"),
    lambda m: m.autograd.functional.hessian(lambda a: a.sin().sum(), m.ones(3, dtype=m.float64), vectorize=True,
                                            strict=True),
])
def test_vectorize_option_errors_match_torch(case):
    check_error(case)


@pytest.mark.parametrize("case", [
    lambda m: m.testing.assert_close(m.ones(2, 3).t(), m.ones(2, 3).t().contiguous(), check_stride=True),
    lambda m: m.testing.assert_close([m.ones(2, 3).t()], [m.ones(2, 3).t().contiguous()], check_stride=True),
])
def test_assert_close_check_stride_matches_torch(case):
    check_error(case)


def test_assert_close_allow_subclasses_false_refuses_a_parameter_like_torch():
    torch = require_torch()
    for m in (tg, torch):
        with pytest.raises(TypeError, match="No comparison pair was able to handle inputs of type .*Parameter"):
            m.testing.assert_close(m.nn.Parameter(m.ones(2)), m.ones(2), allow_subclasses=False)


def test_assert_close_passes_when_strides_and_types_agree():
    x = tg.ones(2, 3)
    tg.testing.assert_close(x.t(), x.t(), check_stride=True)
    tg.testing.assert_close(tg.nn.Parameter(x), x)  # allow_subclasses=True by default
    tg.testing.assert_close(np.ones(2), np.ones(2), allow_subclasses=False)

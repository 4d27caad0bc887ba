"""The engine's fast accumulator (backend/accumulate.py) is a drop-in for the plain rule
(engine.PlainSum): the same gradients, bit for bit, on graphs that exercise what it speeds up
(many slices of one input, an input used many times, an op that hands one gradient to two inputs)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_rnn as torch
from tinygrad_rnn.backend.accumulate import FastSum
from tinygrad_rnn.core import engine


def _unrolled_rnn(x, h, w):
    for t in range(x.shape[0]):  # x[t]: a slice gradient per step, all into x's one buffer
        h = (x[t] @ w + h @ w + h).tanh()
    return (h * h).sum() + x[::2].sum() + x[1].sum()


def _shared_input(x, h, w):
    y = x + x  # Add hands the same gradient to both of its inputs
    return ((y * w.sum()).tanh() + x.unbind(0)[0].sum() + h.sum()).sum()


@pytest.mark.parametrize("graph", [_unrolled_rnn, _shared_input])
@pytest.mark.parametrize("create_graph", [False, True])
def test_plain_and_fast_sums_give_identical_gradients(graph, create_graph, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(6, 3, 4), (3, 4), (4, 4)]]
    grads = {}
    for accumulator in (engine.PlainSum, FastSum):
        monkeypatch.setattr(engine, "Accumulator", accumulator)
        leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
        found = torch.autograd.grad(graph(*leaves), leaves, create_graph=create_graph)
        grads[accumulator] = [g.detach().numpy().copy() for g in found]
        graph(*leaves).backward()
        grads[accumulator] += [leaf.grad.numpy().copy() for leaf in leaves]
    for plain, fast in zip(grads[engine.PlainSum], grads[FastSum]):
        np.testing.assert_array_equal(plain, fast)


def test_the_engine_runs_the_fast_accumulator():
    assert engine.Accumulator is FastSum


# ---------------------------------------------------------------- backend/errstate.py
def test_quiet_floats_is_np_errstate_divide_invalid_over_ignore():
    """quiet_floats() (the cheaper errstate of casts, reductions and kernels) sets what np.errstate(divide=,
    invalid=, over="ignore") sets, keeps `under` as the caller had it, nests, and restores on exit."""
    from tinygrad_rnn.backend.errstate import quiet_floats

    before = np.geterr()
    for under in ("ignore", "raise"):
        with np.errstate(under=under):
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                expected = np.geterr()
            with quiet_floats():
                assert np.geterr() == expected
                with quiet_floats(), np.errstate(divide="raise"):
                    assert np.geterr()["divide"] == "raise"
                assert np.geterr() == expected
            assert np.geterr()["under"] == under and np.geterr()["divide"] == before["divide"]
    assert np.geterr() == before


def test_a_backward_pass_runs_under_the_numpy_error_state_of_a_forward():
    """The engine runs a backward pass under np.errstate(all="ignore") (backend/errstate.py's two C calls), the
    state Function.apply gives each forward: a gradient formula computes inf, NaN and underflow as silently as
    the forward did, whatever numpy setting the caller has (torch computes them without a word)."""
    seen = {}

    class Record(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen["forward"] = np.geterr()
            return x * 1

        @staticmethod
        def backward(ctx, g):
            seen["backward"] = np.geterr()
            return g

    x = torch.ones(2, requires_grad=True)
    with np.errstate(all="raise"):
        Record.apply(x).sum().backward()
        assert np.geterr() == dict.fromkeys(seen["forward"], "raise")  # the caller's state, restored
    assert seen["backward"] == seen["forward"] == dict.fromkeys(seen["forward"], "ignore")


def test_quiet_overflow_is_np_errstate_over_ignore_and_nests_with_quiet_floats():
    from tinygrad_rnn.backend.errstate import quiet_floats, quiet_overflow

    before = np.geterr()
    with np.errstate(all="raise"):
        with quiet_overflow():
            assert np.geterr() == {**{k: "raise" for k in before}, "over": "ignore"}
            with quiet_floats():
                assert np.geterr() == {"divide": "ignore", "over": "ignore", "under": "raise", "invalid": "ignore"}
            assert np.geterr()["divide"] == "raise"
        with quiet_floats(), quiet_overflow():  # (each keeps its own cached state: the two do not mix)
            assert np.geterr()["divide"] == "ignore" and np.geterr()["over"] == "ignore"
        assert np.geterr() == {k: "raise" for k in before}
    assert np.geterr() == before


def test_quiet_floats_inside_an_op_forward_keeps_the_backward_pass_cached_state():
    """An op's forward runs all quiet (enter_all_quiet), and some forwards (sum) enter quiet_floats
    inside: that must neither change the state nor evict the state cached for the backward pass, which
    would then be rebuilt on every backward() (it was, twice per `loss.sum().backward()`)."""
    from tinygrad_rnn.backend.errstate import _QuietFloats, enter_all_quiet, leave_all_quiet, quiet_floats

    with quiet_floats():  # as the engine enters it: the slot now holds the state built from the caller's
        pass
    cached = dict(_QuietFloats._last)
    quiet = enter_all_quiet()
    try:
        with quiet_floats():
            assert set(np.geterr().values()) == {"ignore"}
    finally:
        leave_all_quiet(quiet)
    assert _QuietFloats._last == cached and all(_QuietFloats._last[k] is v for k, v in cached.items())


def test_backward_is_silent_about_inf_and_nan_and_restores_numpy_and_grad_mode():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    before = np.geterr()
    with np.errstate(all="raise"):  # a warning (or an error) from inside backward would raise here
        (x.sqrt() * 0 + x.log()).sum().backward()  # inf * 0 and 1 / 0
        assert np.geterr() == {k: "raise" for k in before}
    assert np.isnan(x.grad.numpy()[0]) and torch.is_grad_enabled()  # as torch: nan
    with pytest.raises(RuntimeError):  # an error inside backward leaves grad mode as it was
        (x * 2).sum().backward(torch.ones(3))
    assert torch.is_grad_enabled()
    with torch.no_grad():
        y = x.detach().requires_grad_()
        with torch.enable_grad():
            (y * 2).sum().backward()
        assert not torch.is_grad_enabled()

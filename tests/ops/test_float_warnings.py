"""Ops compute inf and NaN silently, as torch does: numpy's float warnings never reach the user
(Function.apply runs each forward with them off), and numpy's own state is left as it was."""
import warnings

import numpy as np
import pytest

import tinygrad_rnn as tg

INF = float("inf")
CASES = {
    "inf * 0 (a number)": lambda: tg.tensor([INF]) * 0.0,
    "inf * 0 (a tensor)": lambda: tg.tensor([INF]) * tg.tensor([0.0]),
    "inf - inf": lambda: tg.tensor([INF]) - tg.tensor([INF]),
    "overflow in mul": lambda: tg.tensor([3e38]) * 10,
    "overflow in add": lambda: tg.tensor([3e38]) + tg.tensor([3e38]),
    "inf in a matrix product": lambda: tg.tensor([[INF]]) @ tg.tensor([[0.0]]),
    "kl_div of a log of 0": lambda: tg.nn.functional.kl_div(tg.tensor([-INF]), tg.tensor([0.0]), reduction="sum"),
    "var with inf": lambda: tg.tensor([INF, 1.0]).var(),
    "cumsum of inf and -inf": lambda: tg.tensor([INF, -INF]).cumsum(0),
    "prod overflow": lambda: tg.tensor([1e30, 1e30]).prod(),
    "inf * 0 recorded": lambda: tg.tensor([INF], requires_grad=True) * 0.0,
    "log of 0": lambda: tg.tensor([0.0]).log(),
    "exp overflow": lambda: tg.tensor([1000.0]).exp(),
    "sigmoid far below 0": lambda: tg.tensor([-1000.0], dtype=tg.float64).sigmoid() + tg.tensor([-1000.0]).sigmoid(),
    "0 / 0": lambda: tg.tensor([0.0]) / 0.0,
    "1 // 0": lambda: tg.tensor([1.0]).div(0.0, rounding_mode="floor"),
    "0 ** -1": lambda: tg.tensor([0.0]) ** -1.0,
    "remainder by 0": lambda: tg.tensor([1.0]) % 0.0,
}


@pytest.mark.parametrize("case", CASES)
def test_no_numpy_float_warning_reaches_the_user(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CASES[case]()


def test_numpys_own_warnings_are_left_on():
    tg.tensor([INF]) * 0.0
    with pytest.warns(RuntimeWarning):
        np.multiply(np.array([INF]), 0.0)


def test_a_forward_makes_no_errstate_of_its_own(monkeypatch):
    """Function.apply quiets numpy once per op (backend/errstate.py: two C calls); an `np.errstate` made
    inside a forward as well costs about a microsecond more for nothing (exp, log, division used to)."""
    made = []
    real = np.errstate
    x = tg.tensor([0.5, 2.0], requires_grad=True)
    monkeypatch.setattr(np, "errstate", lambda **kw: made.append(kw) or real(**kw))
    for op in (lambda: x.exp(), lambda: x.log(), lambda: x.sigmoid(), lambda: x / 3.0, lambda: x / x, lambda: x ** 2.5,
               lambda: tg.atan2(x, x), lambda: x % 0.75, lambda: x.div(2.0, rounding_mode="floor")):
        op()
    assert made == []

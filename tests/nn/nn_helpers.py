"""Helpers for the nn-layer tests: build a module on both frameworks from the same seed and
compare parameters, repr, state_dict keys, forward and every gradient."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from helpers import TOL, require_torch

import tinygrad_rnn


def both_modules(make: Callable[[Any], Any], seed: int = 0) -> tuple:
    """make(tinygrad_rnn) and make(torch), each right after manual_seed(seed)."""
    torch = require_torch()
    torch.manual_seed(seed)
    theirs = make(torch)
    tinygrad_rnn.manual_seed(seed)
    ours = make(tinygrad_rnn)
    return ours, theirs


def assert_same_module(ours: Any, theirs: Any) -> None:
    """Same repr, same state_dict keys and shapes, bit-identical initial values."""
    assert repr(ours) == repr(theirs)
    mine, other = ours.state_dict(), theirs.state_dict()
    assert list(mine) == list(other)
    for k in other:
        np.testing.assert_array_equal(mine[k].numpy(), other[k].numpy(), err_msg=k)
        assert mine[k].numpy().dtype == other[k].numpy().dtype, k


def check_module_parity(ours: Any, theirs: Any, x: np.ndarray, *, seed: int = 1, call: Callable | None = None,
                        tol: dict | None = None) -> None:
    """Forward on x, backward with a random upstream gradient; output, input grad and every
    parameter grad agree (torch's weights are the ones both use: load_state_dict first)."""
    torch = require_torch()
    ours.load_state_dict({k: tinygrad_rnn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    call = call or (lambda m, t: m(t))
    xo, xt = tinygrad_rnn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yo, yt = call(ours, xo), call(theirs, xt)
    tol = tol or TOL[x.dtype.type]
    assert yo.dtype.name == str(yt.dtype).removeprefix("torch."), (yo.dtype, yt.dtype)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), err_msg="output", **tol)
    g = np.random.default_rng(seed).standard_normal(tuple(yt.shape)).astype(x.dtype)
    yo.backward(tinygrad_rnn.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), err_msg="input grad", **tol)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad.numpy().dtype == x.dtype, name
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), err_msg=name, **tol)


def outcome(fn: Callable, *args: Any) -> str:
    """What a user sees of `fn(*args)`: the repr of what it returns, or the error's type and message."""
    try:
        return "returned " + repr(fn(*args))
    except Exception as error:  # the error is the outcome being compared
        return f"raised {type(error).__name__}: {error}"


def differences(cases: dict[str, Callable], setup: Callable[[Any], Any] = lambda m: None) -> list[str]:
    """Each case `fn(m, setup(m))` on both frameworks, after manual_seed(0) (setup is made afresh for
    each); every case whose outcome differs, with both outcomes, so one failing test lists all of them."""
    torch = require_torch()
    found = []
    for name, fn in cases.items():
        ours, theirs = (_seeded_outcome(m, fn, setup) for m in (tinygrad_rnn, torch))
        if ours != theirs:
            found.append(f"{name}:\n  ours:  {ours}\n  torch: {theirs}")
    return found


def _seeded_outcome(m: Any, fn: Callable, setup: Callable[[Any], Any]) -> str:
    m.manual_seed(0)
    return outcome(fn, m, setup(m))

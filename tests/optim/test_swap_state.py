"""swap_in_optimizer_params_and_state against torch: steps inside the block use the swapped-in
parameters, hyper-parameters and state; on exit the live optimiser is as before."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _adam(m: object) -> tuple:
    rng = np.random.default_rng(0)
    params = [m.tensor(rng.standard_normal(s), requires_grad=True) for s in [(3, 2), (4,)]]
    opt = m.optim.Adam([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.05}], lr=0.1)
    for _ in range(3):
        for p in params:
            p.grad = m.tensor(rng.standard_normal(tuple(p.shape)))
        opt.step()
    return params, opt


def _run(m: object) -> tuple:
    params, opt = _adam(m)
    saved = opt.state_dict()
    saved["param_groups"][1]["lr"] = 0.5  # the swapped-in hyper-parameters differ from the live ones
    live_before = [p.detach().numpy().copy() for p in params]
    stand_ins = {"a": m.tensor(np.ones((3, 2)), requires_grad=True), "b": m.tensor(np.ones(4), requires_grad=True)}
    for p in stand_ins.values():
        p.grad = m.full(tuple(p.shape), 0.25, dtype=m.float64)
    with m.optim.swap_in_optimizer_params_and_state(opt, stand_ins, saved):
        lr_inside = [g["lr"] for g in opt.param_groups]
        opt.step()
    stepped = [p.detach().numpy().copy() for p in stand_ins.values()]
    unchanged = all(np.array_equal(p.detach().numpy(), q) for p, q in zip(params, live_before))
    restored = [g["lr"] for g in opt.param_groups], [g["params"][0] is p for g, p in zip(opt.param_groups, params)]
    steps = [float(opt.state[p]["step"]) for p in params]
    return lr_inside, stepped, unchanged, restored, steps


def test_swap_matches_torch() -> None:
    torch = require_torch()
    ours, theirs = _run(tinygrad_rnn), _run(torch)
    assert ours[0] == theirs[0] == [0.1, 0.5]
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert ours[2:] == theirs[2:]
    # state_dict() hands out the live state tensors and the swap copies dicts shallowly, so the step
    # inside the block advanced the live 'step' counters too (3 -> 4) -- in torch as well.
    assert ours[3] == ([0.1, 0.05], [True, True]) and ours[4] == [4.0, 4.0]


def _bad(m: object, kind: str) -> None:
    params, opt = _adam(m)
    saved = opt.state_dict()
    stand_ins = {"a": m.zeros(3, 2), "b": m.zeros(4)}
    if kind == "fresh optimizer":
        opt = m.optim.Adam([m.zeros(2, requires_grad=True)])
    elif kind == "not a dict":
        saved = [saved]
    elif kind == "state keyed by tensors":
        saved = {"state": {params[0]: {}}, "param_groups": saved["param_groups"]}
    elif kind == "group count":
        saved = {"state": saved["state"], "param_groups": saved["param_groups"][:1]}
    elif kind == "group keys":
        saved["param_groups"][0]["extra"] = 1
    elif kind == "too few params":
        stand_ins = {"a": m.zeros(3, 2)}
    elif kind == "extra state":
        saved["state"][7] = {}
    with m.optim.swap_in_optimizer_params_and_state(opt, stand_ins, saved):
        pass


@pytest.mark.parametrize("kind", ["fresh optimizer", "not a dict", "state keyed by tensors", "group count",
                                  "group keys", "too few params", "extra state"])
def test_errors_match_torch(kind: str) -> None:
    check_error(_bad, kind)


def test_restored_after_an_exception_inside() -> None:
    params, opt = _adam(tinygrad_rnn)
    state = opt.state
    with pytest.raises(KeyError):
        with tinygrad_rnn.optim.swap_in_optimizer_params_and_state(
                opt, {"a": tinygrad_rnn.zeros(3, 2), "b": tinygrad_rnn.zeros(4)}, opt.state_dict()):
            raise KeyError("inside")
    assert opt.state is state and opt.param_groups[0]["params"] == [params[0]]

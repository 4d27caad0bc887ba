"""Optimisers against torch: 50-step trajectories, state_dict, zero_grad, validation errors.

A trajectory test builds the same parameters in both frameworks and, every step, gives both the
same gradient, then compares all parameters after every step. In float64 the gradient is computed
by each framework from a fixed tanh/quadratic loss (so this also exercises backward); in float32
it is computed once in float64 numpy from torch's current parameters and handed to both, so that
the only float32 rounding compared is the optimiser's own.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import arrays

SHAPES = [(3, 4), (5,)]
STEPS = 50

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, maximize=False)),
    ("SGD", dict(lr=0.02, maximize=True, weight_decay=0.05)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.02, maximize=True, betas=(0.3, 0.9))),  # beta1 < 0.5: lerp's other branch
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, weight_decay=0.1, centered=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.1)),
]


def initial_arrays(dtype: type) -> list:
    rng = np.random.default_rng(0)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def loss_of(params: list) -> object:
    """A fixed non-quadratic function of the parameters, written once for both frameworks."""
    a, b = params
    return ((a.tanh() * 1.5 - 0.3) ** 2).sum() + (a.sum() * b).tanh().sum() + (b**2).sum() * 0.5


def numpy_grads(arrays_: list) -> list:
    """d loss_of / d params in float64 numpy (the float32 tests feed this to both frameworks)."""
    a, b = (x.astype(np.float64) for x in arrays_)
    th = np.tanh(a)
    inner = 1 - np.tanh(a.sum() * b) ** 2
    grad_a = 2 * (th * 1.5 - 0.3) * 1.5 * (1 - th**2) + (inner * b).sum()
    grad_b = inner * a.sum() + b
    return [grad_a, grad_b]


def params_list(module: object, dtype: type, groups: bool) -> tuple:
    params = [module.tensor(x, requires_grad=True) for x in initial_arrays(dtype)]
    if groups:  # two groups, the second with its own lr
        return params, [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.01}]
    return params, params


def trajectory(module: object, name: str, kwargs: dict, dtype: type, groups: bool, grads_from: list | None) -> list:
    """Parameters after each of STEPS steps; `grads_from` (a list to append to) shares float32 grads."""
    params, spec = params_list(module, dtype, groups)
    opt = getattr(module.optim, name)(spec, **kwargs)
    out = []
    for step in range(STEPS):
        opt.zero_grad()
        if dtype == np.float64:
            loss_of(params).backward()
        else:
            if len(grads_from) <= step:  # the first framework to run computes the grads
                grads_from.append(numpy_grads([p.detach().numpy() for p in params]))
            for p, g in zip(params, grads_from[step]):
                p.grad = module.tensor(g.astype(dtype))
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_follows_torch(name: str, kwargs: dict, dtype: type) -> None:
    torch = require_torch()
    shared: list = []
    groups = name in ("SGD", "Adam") and "maximize" not in kwargs
    theirs = trajectory(torch, name, kwargs, dtype, groups, shared)
    ours = trajectory(tinygrad_rnn, name, kwargs, dtype, groups, shared)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=1e-6)
    for step, (mine, ref) in enumerate(zip(ours, theirs)):
        for a, b in zip(mine, ref):
            assert a.dtype == b.dtype == dtype
            np.testing.assert_allclose(a, b, err_msg=f"{name} {kwargs} step {step}", **tol)


LBFGS_CASES = [
    dict(),
    dict(lr=0.5, max_iter=4, history_size=3),
    dict(line_search_fn="strong_wolfe"),
    dict(line_search_fn="strong_wolfe", history_size=2, max_iter=7, max_eval=9),
]


@pytest.mark.parametrize("kwargs", LBFGS_CASES)
def test_lbfgs_follows_torch(kwargs: dict) -> None:
    torch = require_torch()

    def run(module: object) -> tuple:
        params, _ = params_list(module, np.float64, False)
        opt = module.optim.LBFGS(params, **kwargs)

        def closure() -> object:
            opt.zero_grad()
            loss = loss_of(params)
            loss.backward()
            return loss

        losses = [float(opt.step(closure).detach()) for _ in range(4)]
        return losses, [p.detach().numpy() for p in params], opt.state_dict()["state"][0]["func_evals"]

    (l_ours, p_ours, ev_ours), (l_theirs, p_theirs, ev_theirs) = run(tinygrad_rnn), run(torch)
    np.testing.assert_allclose(l_ours, l_theirs, rtol=1e-10)
    for a, b in zip(p_ours, p_theirs):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert ev_ours == ev_theirs


def test_lbfgs_float32_stays_float32() -> None:
    p = tinygrad_rnn.tensor([1.5, -2.0], requires_grad=True)
    opt = tinygrad_rnn.optim.LBFGS([p], line_search_fn="strong_wolfe")

    def closure() -> object:
        opt.zero_grad()
        loss = ((p - 0.5) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert p.dtype == tinygrad_rnn.float32
    np.testing.assert_allclose(p.detach().numpy(), [0.5, 0.5], atol=1e-5)


def test_float32_state_stays_float32() -> None:
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad"):
        p = tinygrad_rnn.randn(3, requires_grad=True)
        opt = getattr(tinygrad_rnn.optim, name)([p], lr=0.1, **({"momentum": 0.9} if name in ("SGD", "RMSprop") else {}))
        for _ in range(2):
            p.grad = tinygrad_rnn.randn(3)
            opt.step()
        assert p.dtype == tinygrad_rnn.float32 and p.is_leaf and p.grad_fn is None
        for key, value in opt.state[p].items():
            if key != "step":
                assert value.dtype == tinygrad_rnn.float32, (name, key)


@settings(max_examples=15)
@given(arrays(shape=(2, 3)), arrays(shape=(2, 3)), st.floats(1e-3, 1.0))
def test_first_steps_have_closed_forms(p0: np.ndarray, g: np.ndarray, lr: float) -> None:
    """SGD: p - lr g.  Adam's first step: p - lr g / (|g| + eps) (spec (f))."""
    p = tinygrad_rnn.tensor(p0, requires_grad=True)
    p.grad = tinygrad_rnn.tensor(g)
    tinygrad_rnn.optim.SGD([p], lr=lr).step()
    np.testing.assert_allclose(p.detach().numpy(), p0 - lr * g, rtol=1e-12, atol=1e-15)
    q = tinygrad_rnn.tensor(p0, requires_grad=True)
    q.grad = tinygrad_rnn.tensor(g)
    tinygrad_rnn.optim.Adam([q], lr=lr).step()
    np.testing.assert_allclose(q.detach().numpy(), p0 - lr * g / (np.abs(g) + 1e-8), rtol=1e-9, atol=1e-12)


def test_params_without_grad_are_skipped_and_step_returns_closure_loss() -> None:
    a = tinygrad_rnn.ones(2, requires_grad=True)
    b = tinygrad_rnn.ones(2, requires_grad=True)
    opt = tinygrad_rnn.optim.Adam([a, b], lr=0.1)

    def closure() -> object:
        loss = (a * 3).sum()
        loss.backward()
        return loss

    assert opt.step() is None
    loss = opt.step(closure)
    assert float(loss) == 6.0
    assert b.tolist() == [1.0, 1.0] and b not in opt.state
    assert a.tolist() != [1.0, 1.0]


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_matches_torch(set_to_none: bool) -> None:
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        p = m.ones(3, requires_grad=True)
        (p * 2).sum().backward()
        m.optim.SGD([p]).zero_grad(set_to_none=set_to_none)
        results.append(None if p.grad is None else p.grad.tolist())
    assert results[0] == results[1]
    p = tinygrad_rnn.ones(3, requires_grad=True)
    (p * 2).sum().backward()
    tinygrad_rnn.optim.SGD([p]).zero_grad()
    assert p.grad is None  # the default is set_to_none=True, as torch


def _state_dict_after_steps(module: object, name: str, kwargs: dict) -> dict:
    params, spec = params_list(module, np.float64, True)
    opt = getattr(module.optim, name)(spec, **kwargs)
    for _ in range(3):
        opt.zero_grad()
        loss_of(params).backward()
        opt.step()
    return opt.state_dict()


def _plain(value: object) -> object:
    """A state_dict with tensors replaced by (dtype name, list) for comparison across frameworks."""
    if hasattr(value, "detach"):
        return (str(value.dtype), np.round(value.detach().numpy(), 10).tolist())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(momentum=0.9)), ("Adam", dict(amsgrad=True)),
                                         ("RMSprop", dict(momentum=0.5, centered=True)), ("Adagrad", {}),
                                         ("AdamW", {})])
def test_state_dict_has_torch_structure(name: str, kwargs: dict) -> None:
    torch = require_torch()
    ours, theirs = _state_dict_after_steps(tinygrad_rnn, name, kwargs), _state_dict_after_steps(torch, name, kwargs)
    assert _plain(ours) == _plain(theirs)
    assert list(ours["param_groups"][0]) == list(theirs["param_groups"][0])  # same key order


def test_load_state_dict_resumes_the_same_trajectory() -> None:
    params, spec = params_list(tinygrad_rnn, np.float64, True)
    opt = tinygrad_rnn.optim.Adam(spec, lr=0.05)
    for _ in range(3):
        opt.zero_grad()
        loss_of(params).backward()
        opt.step()
    saved = tinygrad_rnn.optim.Adam([{"params": [p.detach().clone().requires_grad_()]} for p in params])
    copies = [g["params"][0] for g in saved.param_groups]
    for c, p in zip(copies, params):
        c.data = p.detach().clone()
    import copy

    saved.load_state_dict(copy.deepcopy(opt.state_dict()))
    assert saved.param_groups[1]["lr"] == 0.01 and saved.param_groups[1]["params"] == [copies[1]]
    for ps, o in ((params, opt), (copies, saved)):
        o.zero_grad()
        loss_of(ps).backward()
        o.step()
    for a, b in zip(params, copies):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_load_state_dict_casts_state_to_param_dtype() -> None:
    p64 = tinygrad_rnn.zeros(2, dtype=tinygrad_rnn.float64, requires_grad=True)
    opt = tinygrad_rnn.optim.SGD([p64], momentum=0.9)
    p64.grad = tinygrad_rnn.ones(2, dtype=tinygrad_rnn.float64)
    opt.step()
    p32 = tinygrad_rnn.zeros(2, requires_grad=True)
    opt32 = tinygrad_rnn.optim.SGD([p32], momentum=0.9)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[p32]["momentum_buffer"].dtype == tinygrad_rnn.float32


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS"])
def test_repr_matches_torch(name: str) -> None:
    torch = require_torch()
    reprs = [repr(getattr(m.optim, name)([m.zeros(2, requires_grad=True)])) for m in (tinygrad_rnn, torch)]
    assert reprs[0] == reprs[1]


def test_repr_of_two_param_groups_matches_torch() -> None:
    """A blank line parts the groups (printed by tutorials that give a head its own learning rate)."""
    torch = require_torch()
    reprs = [repr(m.optim.Adam([{"params": [m.zeros(2, requires_grad=True)]},
                                {"params": [m.zeros(1, requires_grad=True)], "lr": 0.1}], lr=0.01))
             for m in (tinygrad_rnn, torch)]
    assert reprs[0] == reprs[1]


def test_param_groups_get_defaults_and_named_parameters() -> None:
    torch = require_torch()
    groups = []
    for m in (tinygrad_rnn, torch):
        a, b = m.zeros(2, requires_grad=True), m.zeros(3, requires_grad=True)
        opt = m.optim.SGD([("a", a)], lr=0.5, momentum=0.1)
        opt.add_param_group({"params": [("b", b)], "lr": 0.2})
        groups.append([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups])
    assert groups[0] == groups[1]


def _p(m: object) -> object:
    return m.zeros(2, requires_grad=True)


ERRORS = {
    "empty list": lambda m: m.optim.SGD([]),
    "exhausted generator": lambda m: m.optim.Adam(iter([])),
    "bare tensor": lambda m: m.optim.SGD(_p(m)),
    "bare float64 tensor": lambda m: m.optim.SGD(_p(m).double().detach()),
    "non-leaf": lambda m: m.optim.SGD([_p(m) * 2]),
    "an int param": lambda m: m.optim.SGD([1]),
    "a numpy param": lambda m: m.optim.SGD([np.zeros(2)]),
    "None params": lambda m: m.optim.SGD(None),
    "a set in a group": lambda m: m.optim.SGD([{"params": {_p(m)}}]),
    "param in two groups": lambda m: (lambda p: m.optim.SGD([{"params": [p]}, {"params": [p]}]))(_p(m)),
    "add_param_group list": lambda m: m.optim.SGD([_p(m)]).add_param_group([_p(m)]),
    "add_param_group overlap": lambda m: (lambda p: m.optim.SGD([p]).add_param_group({"params": p}))(_p(m)),
    "names mixed": lambda m: m.optim.SGD([("a", _p(m)), _p(m)]),
    "sgd lr": lambda m: m.optim.SGD([_p(m)], lr=-0.1),
    "sgd momentum": lambda m: m.optim.SGD([_p(m)], momentum=-0.1),
    "sgd weight_decay": lambda m: m.optim.SGD([_p(m)], weight_decay=-1),
    "sgd nesterov": lambda m: m.optim.SGD([_p(m)], nesterov=True),
    "sgd nesterov dampening": lambda m: m.optim.SGD([_p(m)], momentum=0.9, dampening=0.1, nesterov=True),
    "adam lr": lambda m: m.optim.Adam([_p(m)], lr=-1e-3),
    "adam eps": lambda m: m.optim.Adam([_p(m)], eps=-1),
    "adam beta0": lambda m: m.optim.Adam([_p(m)], betas=(1.0, 0.9)),
    "adam beta1": lambda m: m.optim.Adam([_p(m)], betas=(0.9, -0.1)),
    "adam int beta": lambda m: m.optim.Adam([_p(m)], betas=(0, 0.9)),
    "adam weight_decay": lambda m: m.optim.Adam([_p(m)], weight_decay=-1),
    "adamw weight_decay": lambda m: m.optim.AdamW([_p(m)], weight_decay=-1),
    "rmsprop alpha": lambda m: m.optim.RMSprop([_p(m)], alpha=-1),
    "rmsprop momentum": lambda m: m.optim.RMSprop([_p(m)], momentum=-1),
    "rmsprop eps": lambda m: m.optim.RMSprop([_p(m)], eps=-1),
    "rmsprop lr": lambda m: m.optim.RMSprop([_p(m)], lr=-1),
    "adagrad lr_decay": lambda m: m.optim.Adagrad([_p(m)], lr_decay=-1),
    "adagrad accumulator": lambda m: m.optim.Adagrad([_p(m)], initial_accumulator_value=-1),
    "adagrad eps": lambda m: m.optim.Adagrad([_p(m)], eps=-1),
    "lbfgs lr": lambda m: m.optim.LBFGS([_p(m)], lr=-1),
    "lbfgs groups": lambda m: m.optim.LBFGS([{"params": [_p(m)]}, {"params": [_p(m)]}]),
    "lbfgs no closure": lambda m: m.optim.LBFGS([_p(m)]).step(),
    "load: group count": lambda m: m.optim.SGD([_p(m)]).load_state_dict(
        {"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]}),
    "load: group size": lambda m: m.optim.SGD([_p(m)]).load_state_dict({"state": {}, "param_groups": [{"params": [0, 1]}]}),
    "load: missing key": lambda m: m.optim.SGD([_p(m)]).load_state_dict({"state": {}}),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])


def test_lbfgs_unknown_line_search_matches_torch() -> None:
    def run(m: object) -> None:
        p = _p(m)
        opt = m.optim.LBFGS([p], line_search_fn="foo")

        def closure() -> object:
            opt.zero_grad()
            loss = ((p - 1) ** 2).sum()
            loss.backward()
            return loss

        opt.step(closure)

    check_error(run)


def test_duplicate_params_warn_like_torch() -> None:
    p = _p(tinygrad_rnn)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        tinygrad_rnn.optim.SGD([p, p])


def test_step_bumps_version_so_stale_graphs_are_caught() -> None:
    """torch raises if a parameter saved for backward was stepped in between; so do we."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        p = m.ones(2, requires_grad=True)
        loss = (p * p).sum()
        opt = m.optim.SGD([p], lr=0.1)
        p.grad = m.ones(2)
        opt.step()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()


def test_no_warning_in_the_normal_loop() -> None:
    p = _p(tinygrad_rnn)
    opt = tinygrad_rnn.optim.SGD([p], lr=0.1, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            opt.zero_grad()
            (p * 2).sum().backward()
            opt.step()


@pytest.mark.parametrize("make", [
    lambda m: m.optim.SGD([m.nn.Linear(2, 2)], lr=0.1),  # a model in a list: torch's path names its type
    lambda m: m.optim.Adam(m.nn.Sequential(m.nn.Linear(2, 2)), lr=0.1),  # iterating a Sequential gives layers
    lambda m: m.optim.SGD(m.nn.Linear(2, 2), lr=0.1),
])
def test_a_model_given_as_parameters_is_named_as_torch_names_it(make):
    check_error(make)

"""Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop (and the older optimisers' new options) against torch.

Trajectories: the same parameters in both frameworks, 30 steps, each step both get the same
random gradient (drawn in float64, cast to the parameter dtype); parameters are compared after
every step: float64 to 1e-12 relative, float32 to float32 rounding. Gradients vary in size from
step to step so that sign flips, clipping and max() branches are all reached.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

STEPS = 30
SHAPES = [(4, 3), (5,)]  # a matrix and a vector (Adafactor factors the one, not the other)

CASES = [
    ("Adadelta", {}),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True, foreach=True)),
    ("Adamax", {}),
    ("Adamax", dict(lr=0.1, betas=(0.3, 0.9), eps=1e-6, weight_decay=0.1)),
    ("Adamax", dict(lr=0.05, maximize=True)),
    ("NAdam", {}),
    ("NAdam", dict(lr=0.1, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("NAdam", dict(lr=0.1, weight_decay=0.1, foreach=True)),  # torch's multi-tensor rounding order
    ("RAdam", {}),
    ("RAdam", dict(lr=0.1, weight_decay=0.1)),
    ("RAdam", dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.05, betas=(0.4, 0.5), maximize=True, foreach=True)),  # rho_t > 5 from step 2 on
    ("ASGD", {}),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.6, t0=5, weight_decay=0.1)),  # averaging starts at step 6
    ("ASGD", dict(lr=0.05, t0=0, maximize=True)),
    ("ASGD", dict(lr=0.05, t0=3, weight_decay=0.1, foreach=True)),  # torch's multi-tensor grouping
    # the multi-tensor eta is float32 reciprocal-then-multiply (fuzz seed 127: one ulp off a float32 division)
    ("ASGD", dict(lambd=-0.0633, foreach=True, maximize=True)),
    ("Rprop", {}),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.7), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(maximize=True, foreach=True)),
    ("Adam", dict(lr=0.05, decoupled_weight_decay=True, weight_decay=0.2, foreach=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, foreach=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.2, foreach=True, maximize=True)),
    ("Adagrad", dict(lr=0.1, foreach=True)),
    ("Adafactor", {}),
    ("Adafactor", dict(lr=0.1, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5, weight_decay=0.1)),
    ("Adafactor", dict(eps=(1e-3, 1e-3), maximize=True)),
    ("Adafactor", dict(lr=0.1, weight_decay=0.1, foreach=True)),
]
NEW = ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor"]
ALL = NEW + ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]


def _gradients(dtype: type) -> list:
    rng = np.random.default_rng(1)
    return [[(rng.standard_normal(s) * (1 + 0.8 * np.sin(step))).astype(dtype) for s in SHAPES]
            for step in range(STEPS)]


def _trajectory(m: object, name: str, kwargs: dict, dtype: type, groups: bool, tensor_lr: bool = False) -> tuple:
    rng = np.random.default_rng(0)
    params = [m.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in SHAPES]
    if tensor_lr:
        kwargs = dict(kwargs, lr=m.tensor(kwargs.get("lr", 0.01)))
    spec = [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.03}] if groups else params
    opt = getattr(m.optim, name)(spec, **kwargs)
    out = []
    for grads in _gradients(dtype):
        for p, g in zip(params, grads):
            p.grad = m.tensor(g)
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out, opt


def _assert_same_trajectory(ours: list, theirs: list, dtype: type, what: str) -> None:
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == np.float64 else dict(rtol=2e-6, atol=1e-6)
    for step, (mine, ref) in enumerate(zip(ours, theirs)):
        for a, b in zip(mine, ref):
            assert a.dtype == b.dtype == dtype
            np.testing.assert_allclose(a, b, err_msg=f"{what} step {step}", **tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_follows_torch(name: str, kwargs: dict, dtype: type) -> None:
    torch = require_torch()
    groups = not kwargs  # the default settings run with two groups (the second with its own lr)
    ours, _ = _trajectory(tinygrad_rnn, name, kwargs, dtype, groups)
    theirs, _ = _trajectory(torch, name, kwargs, dtype, groups)
    _assert_same_trajectory(ours, theirs, dtype, f"{name} {kwargs}")


TENSOR_LR = [(n, {}) for n in ALL] + [("ASGD", dict(t0=3)), ("NAdam", dict(decoupled_weight_decay=True,
                                                                          weight_decay=0.1)),
                                      ("ASGD", dict(t0=3, lambd=0.01, foreach=True))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,kwargs", TENSOR_LR, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TENSOR_LR)])
def test_tensor_lr_follows_torch(name: str, kwargs: dict, dtype: type) -> None:
    """A float32 lr tensor: torch does its lr arithmetic in float32, so must we."""
    torch = require_torch()
    ours, _ = _trajectory(tinygrad_rnn, name, kwargs, dtype, False, tensor_lr=True)
    theirs, _ = _trajectory(torch, name, kwargs, dtype, False, tensor_lr=True)
    _assert_same_trajectory(ours, theirs, dtype, f"{name} tensor lr")


def _plain(value: object) -> object:
    """Tensors as (dtype, shape, values) so state_dicts compare across frameworks."""
    if hasattr(value, "detach"):
        return (str(value.dtype).replace("torch.", "").replace("tinygrad_rnn.", ""), tuple(value.shape),
                np.asarray(value.detach().numpy()).round(12).tolist())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


@pytest.mark.parametrize("name", ALL)
def test_state_dict_layout_and_values_equal_torch(name: str) -> None:
    torch = require_torch()
    _, ours = _trajectory(tinygrad_rnn, name, {}, np.float64, True)
    _, theirs = _trajectory(torch, name, {}, np.float64, True)
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a) == list(b) == ["state", "param_groups"]
    assert [list(g) for g in a["param_groups"]] == [list(g) for g in b["param_groups"]]
    for index in b["state"]:
        assert list(a["state"][index]) == list(b["state"][index])  # same keys in the same order
    assert _plain(a) == _plain(b)


def _resumed_trajectory(m: object, name: str) -> list:
    """Step 10 times, swap in a fresh optimiser restored from the state_dict, step 20 more."""
    rng = np.random.default_rng(0)
    params = [m.tensor(rng.standard_normal(s), requires_grad=True) for s in SHAPES]
    opt = getattr(m.optim, name)([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.03}])
    out = []
    for step, grads in enumerate(_gradients(np.float64)):
        if step == 10:
            saved = opt.state_dict()
            opt = getattr(m.optim, name)([{"params": [params[0]]}, {"params": [params[1]]}])
            opt.load_state_dict(saved)
        for p, g in zip(params, grads):
            p.grad = m.tensor(g)
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


@pytest.mark.parametrize("name", ALL)
def test_state_dict_loads_and_resumes_like_torch(name: str) -> None:
    """Loading casts state tensors to the parameter's dtype, as torch does: NAdam's float32
    mu_product and ASGD's eta and mu become float64 there, so even torch does not resume those two
    bit-identically. Compare with torch doing the same; the others must also equal an unbroken run."""
    torch = require_torch()
    ours, theirs = _resumed_trajectory(tinygrad_rnn, name), _resumed_trajectory(torch, name)
    _assert_same_trajectory(ours, theirs, np.float64, f"{name} resumed")
    if name not in ("NAdam", "ASGD"):
        unbroken, _ = _trajectory(tinygrad_rnn, name, {}, np.float64, True)
        for a, b in zip(ours[-1], unbroken[-1]):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ALL)
def test_float32_stays_float32(name: str) -> None:
    _, opt = _trajectory(tinygrad_rnn, name, {}, np.float32, False)
    for p in opt.param_groups[0]["params"]:
        assert p.dtype == tinygrad_rnn.float32 and p.is_leaf and p.grad_fn is None
        for key, value in opt.state[p].items():
            assert value.dtype == (tinygrad_rnn.float32 if key != "ax" else p.dtype), (name, key)


@pytest.mark.parametrize("name", NEW)
def test_repr_matches_torch(name: str) -> None:
    torch = require_torch()
    reprs = [repr(getattr(m.optim, name)([m.zeros(2, requires_grad=True)])) for m in (tinygrad_rnn, torch)]
    assert reprs[0] == reprs[1]


def test_new_names_exist_with_torch_signatures() -> None:
    import inspect

    torch = require_torch()
    for name in ALL + ["LBFGS", "Muon"]:
        ours = inspect.signature(getattr(tinygrad_rnn.optim, name).__init__).parameters
        theirs = inspect.signature(getattr(torch.optim, name).__init__).parameters
        assert [(p.name, p.kind, p.default) for p in ours.values()] == \
               [(p.name, p.kind, p.default) for p in theirs.values()], name


def _p(m: object) -> object:
    return m.zeros(2, requires_grad=True)


ERRORS = {
    "adadelta lr": lambda m: m.optim.Adadelta([_p(m)], lr=-1),
    "adadelta rho": lambda m: m.optim.Adadelta([_p(m)], rho=1.5),
    "adadelta eps": lambda m: m.optim.Adadelta([_p(m)], eps=-1),
    "adadelta weight_decay": lambda m: m.optim.Adadelta([_p(m)], weight_decay=-1),
    "adamax lr": lambda m: m.optim.Adamax([_p(m)], lr=-1),
    "adamax eps": lambda m: m.optim.Adamax([_p(m)], eps=-1),
    "adamax beta0": lambda m: m.optim.Adamax([_p(m)], betas=(1.0, 0.9)),
    "adamax beta1": lambda m: m.optim.Adamax([_p(m)], betas=(0.9, 1.0)),
    "adamax weight_decay": lambda m: m.optim.Adamax([_p(m)], weight_decay=-1),
    "nadam lr": lambda m: m.optim.NAdam([_p(m)], lr=-1),
    "nadam beta0": lambda m: m.optim.NAdam([_p(m)], betas=(-0.1, 0.9)),
    "nadam momentum_decay": lambda m: m.optim.NAdam([_p(m)], momentum_decay=-1),
    "nadam weight_decay": lambda m: m.optim.NAdam([_p(m)], weight_decay=-1),
    "radam eps": lambda m: m.optim.RAdam([_p(m)], eps=-1),
    "radam beta1": lambda m: m.optim.RAdam([_p(m)], betas=(0.9, 1.5)),
    "radam weight_decay": lambda m: m.optim.RAdam([_p(m)], weight_decay=-1),
    "asgd lr": lambda m: m.optim.ASGD([_p(m)], lr=-1),
    "asgd weight_decay": lambda m: m.optim.ASGD([_p(m)], weight_decay=-1),
    # the multi-tensor path adds lambd * p as a foreach add's alpha, refusing a bool (fuzz seed 200)
    "asgd foreach bool lambd": lambda m: _step_with_grad(m.optim.ASGD([_p(m)], lambd=False, foreach=True), m),
    "rprop lr": lambda m: m.optim.Rprop([_p(m)], lr=-1),
    "rprop etas": lambda m: m.optim.Rprop([_p(m)], etas=(0.5, 0.9)),
    "rprop etas low": lambda m: m.optim.Rprop([_p(m)], etas=(1.0, 1.2)),
    "adafactor lr": lambda m: m.optim.Adafactor([_p(m)], lr=-1),
    "adafactor beta2_decay": lambda m: m.optim.Adafactor([_p(m)], beta2_decay=0.5),
    "adafactor eps1": lambda m: m.optim.Adafactor([_p(m)], eps=(-1.0, 1e-3)),
    "adafactor eps2": lambda m: m.optim.Adafactor([_p(m)], eps=(None, -1.0)),
    "adafactor d": lambda m: m.optim.Adafactor([_p(m)], d=0.5),
    "adafactor weight_decay": lambda m: m.optim.Adafactor([_p(m)], weight_decay=-1),
    "adafactor differentiable": lambda m: m.optim.Adafactor([_p(m)], differentiable=True),
    "tensor lr size": lambda m: m.optim.RAdam([_p(m)], lr=m.tensor([0.1, 0.2])),
    "tensor lr size sgd": lambda m: m.optim.SGD([_p(m)], lr=m.tensor([0.1, 0.2])),
    "tensor lr size lbfgs": lambda m: m.optim.LBFGS([_p(m)], lr=m.tensor([0.1, 0.2])),
    "lbfgs lr": lambda m: m.optim.LBFGS([_p(m)], lr=-1),
    "adam tensor lr foreach": lambda m: m.optim.Adam([_p(m)], lr=m.tensor(0.1), foreach=True),
    "adam mixed betas": lambda m: m.optim.Adam([_p(m)], betas=(m.tensor(0.9), 0.99)),
    "unknown keyword": lambda m: m.optim.Rprop([_p(m)], momentum=0.9),
    "sgd capturable": lambda m: m.optim.SGD([_p(m)], capturable=True),
    "rmsprop fused": lambda m: m.optim.RMSprop([_p(m)], fused=True),
    # torch unpacks step_sizes in step(), before it refuses capturable=True
    "rprop step_sizes a number": lambda m: _step_with_grad(m.optim.Rprop([_p(m)], step_sizes=0.9, capturable=True), m),
    "rprop step_sizes a triple": lambda m: _step_with_grad(m.optim.Rprop([_p(m)], step_sizes=(1, 2, 3)), m),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])


def _step_with_grad(opt: object, m: object) -> None:
    for p in opt.param_groups[0]["params"]:
        p.grad = m.ones(2)
    opt.step()


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop"] + [n for n in NEW if n != "Adafactor"])
def test_capturable_on_cpu_fails_at_step_like_torch(name: str) -> None:
    """torch accepts capturable=True but its step() asserts the parameters are on a graph-capture device."""
    check_error(lambda m: _step_with_grad(getattr(m.optim, name)([_p(m)], capturable=True), m))


REFUSED = [("SGD", "fused"), ("Adam", "fused"), ("AdamW", "fused"), ("Adagrad", "fused")] + \
          [(n, "differentiable") for n in ALL if n != "Adafactor"]


@pytest.mark.parametrize("name,flag", REFUSED)
def test_flags_that_would_change_the_numbers_are_refused_by_name(name: str, flag: str) -> None:
    with pytest.raises(NotImplementedError, match=f"{flag}=True"):
        getattr(tinygrad_rnn.optim, name)([_p(tinygrad_rnn)], **{flag: True})


def test_tensor_betas_are_refused_by_name() -> None:
    m = tinygrad_rnn
    with pytest.raises(NotImplementedError, match="betas"):
        m.optim.Adam([_p(m)], betas=(m.tensor(0.9), m.tensor(0.99)))


def test_adafactor_factors_the_last_two_dims_of_a_3d_parameter_like_torch() -> None:
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        rng = np.random.default_rng(3)
        p = m.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
        opt = m.optim.Adafactor([p], lr=0.05)
        for _ in range(10):
            p.grad = m.tensor(rng.standard_normal((2, 3, 4)))
            opt.step()
        state = opt.state_dict()["state"][0]
        results.append((p.detach().numpy(), {k: tuple(v.shape) for k, v in state.items()}))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-14)
    assert results[0][1] == results[1][1] == {"step": (), "row_var": (2, 3, 1), "col_var": (2, 1, 4)}


@pytest.mark.parametrize("name", ["Adam", "SGD", "NAdam"])
def test_repr_with_a_tensor_lr_matches_torch(name: str) -> None:
    torch = require_torch()
    reprs = [repr(getattr(m.optim, name)([m.zeros(2, requires_grad=True)], lr=m.tensor(0.1))) for m in (tinygrad_rnn,
                                                                                                        torch)]
    assert reprs[0] == reprs[1] and "lr: 0.10000000149011612" in reprs[0]


def _structure(value: object) -> object:
    """A state_dict's layout: tensors as (dtype, shape), numbers as their type, containers kept."""
    if hasattr(value, "detach"):
        return (str(value.dtype).split(".")[-1], tuple(value.shape))
    if isinstance(value, dict):
        return {k: _structure(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_structure(v) for v in value)
    return type(value).__name__ if isinstance(value, float) else value


def _lbfgs_state_dict(m: object) -> dict:
    p = m.tensor(np.array([1.5, -2.0, 0.3]), requires_grad=True)
    q = m.tensor(np.array([[0.5, 1.0]]), requires_grad=True)
    opt = m.optim.LBFGS([p, q], max_iter=4, history_size=3)

    def closure() -> object:
        opt.zero_grad()
        loss = ((p - 0.5) ** 4).sum() + (p**2).sum() * (q**2).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    return opt.state_dict()


def test_lbfgs_state_dict_layout_equals_torch() -> None:
    torch = require_torch()
    assert _structure(_lbfgs_state_dict(tinygrad_rnn)) == _structure(_lbfgs_state_dict(torch))


@pytest.mark.parametrize("name,hyper", [("AdamW", "weight_decay"), ("Adagrad", "lr"), ("Adam", "eps"), ("SGD", "lr")])
def test_fused_takes_a_bool_hyper_parameter_as_a_number_then_is_refused_by_name(name: str, hyper: str) -> None:
    """torch's fused kernels parse a bool as a float (and run): ours gets as far, then refuses fused."""
    with pytest.raises(NotImplementedError, match="fused=True"):
        getattr(tinygrad_rnn.optim, name)([_p(tinygrad_rnn)], fused=True, **{hyper: True})


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam",
                                  "RMSprop", "Rprop", "Adafactor", "LBFGS", "SparseAdam"])
def test_loading_a_group_without_options_fills_in_torchs_defaults(name):
    """Loading an Adam checkpoint into SGD (Loeber's save/load tutorial) showed no 'nesterov': torch's
    __setstate__ fills in each class's missing group options, in its own order."""
    torch = require_torch()
    groups = []
    for m in (tinygrad_rnn, torch):
        opt = getattr(m.optim, name)([m.nn.Parameter(m.ones(2))], lr=0.01)
        opt.load_state_dict({"state": {}, "param_groups": [{"lr": 0.5, "params": [0]}]})
        groups.append([(k, v) for k, v in opt.param_groups[0].items() if k != "params"])
    assert groups[0] == groups[1]


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam", "Adamax", "ASGD", "Adadelta",
                                  "Rprop", "Adafactor"])
def test_loaded_counters_held_as_numbers_become_tensors_as_torchs(name):
    """An older checkpoint keeps 'step' (NAdam's mu_product, ASGD's eta and mu) as a number: torch's
    __setstate__ makes it a 0-d float tensor again, and the next step runs on it."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        p = m.nn.Parameter(m.ones(2))
        opt = getattr(m.optim, name)([p], lr=0.01)
        p.grad = m.ones(2)
        opt.step()
        saved = opt.state_dict()
        numbers = {k: (3 if k == "step" else 0.5) if k in ("step", "mu_product", "eta", "mu") else v
                   for k, v in saved["state"][0].items()}
        opt.load_state_dict({"state": {0: numbers}, "param_groups": saved["param_groups"]})
        loaded = {k: (type(v).__name__, v.dtype, v.item()) for k, v in opt.state[p].items() if v.dim() == 0}
        p.grad = m.ones(2)
        opt.step()
        seen.append((str(loaded).replace("tinygrad_rnn", "torch"), opt.state[p]["step"].item(), p.tolist()))
    assert seen[0] == seen[1]

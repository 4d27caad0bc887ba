"""Muon against torch. torch orthogonalises in bfloat16; we emulate bfloat16 rounding in float32,
so the trajectories must agree to the rounding of the parameter dtype, and `to_bfloat16` must
round exactly as torch's `.bfloat16()` does."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn
from tinygrad_rnn.optim.muon import to_bfloat16

SHAPES = [(4, 3), (5, 8)]  # a tall and a wide matrix (the iteration transposes the tall one)
CASES = [
    {},
    dict(lr=0.02, nesterov=False, weight_decay=0.01, adjust_lr_fn="match_rms_adamw"),
    dict(lr=0.05, momentum=0.5, ns_steps=3, eps=1e-3, adjust_lr_fn="original"),
    dict(lr=0.05, ns_coefficients=(2.0, -1.5, 0.5), weight_decay=0.0),
]


def test_to_bfloat16_rounds_like_torch() -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.standard_normal(2000) * 10.0 ** rng.integers(-8, 8, 2000),
                             [0.0, -0.0, 1.0, 1.00390625, 1.01171875, 1.0 + 2**-9, -3.0 - 2**-8]])  # ties
    for dtype in (np.float64, np.float32):
        x = values.astype(dtype)
        np.testing.assert_array_equal(to_bfloat16(x), torch.tensor(x).bfloat16().float().numpy())


def _trajectory(m: object, kwargs: dict, dtype: type, tensor_lr: bool = False) -> tuple:
    rng = np.random.default_rng(0)
    params = [m.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in SHAPES]
    if tensor_lr:
        kwargs = dict(kwargs, lr=m.tensor(kwargs.get("lr", 1e-3)))
    opt = m.optim.Muon(params, **kwargs)
    out = []
    for step in range(30):
        for p in params:
            p.grad = m.tensor((rng.standard_normal(tuple(p.shape)) * (1 + 0.8 * np.sin(step))).astype(dtype))
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out, opt


@pytest.mark.parametrize("tensor_lr", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", CASES, ids=[str(i) for i in range(len(CASES))])
def test_trajectory_follows_torch(kwargs: dict, dtype: type, tensor_lr: bool) -> None:
    torch = require_torch()
    (ours, _), (theirs, _) = (_trajectory(m, kwargs, dtype, tensor_lr) for m in (tinygrad_rnn, torch))
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == np.float64 else dict(rtol=2e-6, atol=1e-6)
    for step, (mine, ref) in enumerate(zip(ours, theirs)):
        for a, b in zip(mine, ref):
            assert a.dtype == b.dtype == dtype
            np.testing.assert_allclose(a, b, err_msg=f"step {step}", **tol)


def test_state_dict_and_repr_match_torch() -> None:
    torch = require_torch()
    (_, ours), (_, theirs) = (_trajectory(m, {}, np.float64) for m in (tinygrad_rnn, torch))
    a, b = ours.state_dict(), theirs.state_dict()
    assert [list(g) for g in a["param_groups"]] == [list(g) for g in b["param_groups"]]
    assert {k: list(v) for k, v in a["state"].items()} == {k: list(v) for k, v in b["state"].items()}
    for key in b["state"]:
        np.testing.assert_allclose(a["state"][key]["momentum_buffer"].numpy(),
                                   b["state"][key]["momentum_buffer"].numpy(), rtol=1e-12)
    reprs = [repr(m.optim.Muon([m.zeros(2, 2, requires_grad=True)])) for m in (tinygrad_rnn, torch)]
    assert reprs[0] == reprs[1]


def _matrix(m: object) -> object:
    return m.zeros(3, 2, requires_grad=True)


def _step_with(m: object, **kwargs: object) -> None:
    p = _matrix(m)
    p.grad = m.ones(3, 2)
    m.optim.Muon([p], **kwargs).step()


ERRORS = {
    "vector param": lambda m: m.optim.Muon([m.zeros(3, requires_grad=True)]),
    "lr": lambda m: m.optim.Muon([_matrix(m)], lr=-1),
    "momentum": lambda m: m.optim.Muon([_matrix(m)], momentum=-1),
    "weight_decay": lambda m: m.optim.Muon([_matrix(m)], weight_decay=-1),
    "adjust_lr_fn": lambda m: m.optim.Muon([_matrix(m)], adjust_lr_fn="sqrt"),
    "ns_steps": lambda m: _step_with(m, ns_steps=100),
    "coefficients": lambda m: _step_with(m, ns_coefficients=(1.0, 2.0)),
    "maximize": lambda m: m.optim.Muon([_matrix(m)], maximize=True),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])

"""SparseAdam against torch: built and shown as torch's, and refusing the dense gradients that are all
tinygrad_rnn has, as torch refuses them."""
from __future__ import annotations

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _groups(m):
    return [{"params": [m.nn.Parameter(m.ones(2))]}, {"params": [m.nn.Parameter(m.ones(1))], "lr": 0.5}]


def test_sparse_adam_is_built_as_torchs():
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        opt = m.optim.SparseAdam(_groups(m), betas=(0.8, 0.9), maximize=True)
        state = opt.state_dict()
        shown.append((repr(opt), opt.defaults, state["state"], state["param_groups"]))
    assert shown[0] == shown[1]


@pytest.mark.parametrize("kwargs", [dict(lr=0), dict(lr=-1), dict(lr=float("nan")), dict(eps=0), dict(eps=-1),
                                    dict(betas=(1.0, 0.9)), dict(betas=(0.9, -0.1))])
def test_sparse_adam_checks_its_hyperparameters_as_torch(kwargs):
    check_error(lambda m: m.optim.SparseAdam([m.nn.Parameter(m.ones(2))], **kwargs))


def test_sparse_adam_refuses_a_dense_gradient_and_steps_over_none():
    def step(m, grad):
        p = m.nn.Parameter(m.ones(2))
        opt = m.optim.SparseAdam([p])
        p.grad = grad
        opt.step()
        return p
    assert step(tinygrad_rnn, None).tolist() == [1.0, 1.0]
    check_error(lambda m: step(m, m.ones(2)))

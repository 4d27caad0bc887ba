"""torch 0.4's argument order that torch 2.13 still takes (surface/deprecated_overloads.py): `t.add_(-lr, g)`,
`torch.add(t, 2, u)`, `t.addcmul_(v, a, b)`, `torch.addmm(beta, M, alpha, a, b)`: the same values, grads and nodes as torch, the same warning, and
torch's errors where even the old order does not fit."""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

CALLS = {  # x: float32 (2, 3) requiring grad, y and z: float32 (2, 3) requiring grad
    "add": lambda m, x, y, z: m.add(x, 2, y),
    "add_0d_alpha": lambda m, x, y, z: m.add(x, m.tensor(-0.5), y),
    "add_number_other": lambda m, x, y, z: x.add(3, 4),
    "add_other_by_keyword": lambda m, x, y, z: x.add(-0.1, other=y),
    "sub": lambda m, x, y, z: m.sub(x, 0.5, y),
    "method_sub": lambda m, x, y, z: x.sub(3, y),
    "add_": lambda m, x, y, z: x.clone().add_(-0.01, y),
    "sub_": lambda m, x, y, z: x.clone().sub_(2, y),
    "addcmul": lambda m, x, y, z: m.addcmul(x, 0.5, y, z),
    "method_addcmul": lambda m, x, y, z: x.addcmul(-1, y, z),
    "addcmul_": lambda m, x, y, z: x.clone().addcmul_(0.1, y, z),
    "addcdiv": lambda m, x, y, z: m.addcdiv(x, 2, y, z.exp()),
    "addcdiv_": lambda m, x, y, z: x.clone().addcdiv_(-0.5, y, z.exp()),
    "addmm": lambda m, x, y, z: m.addmm(0.5, x, 2, y[:, :2], z[:2]),
    "addmm_without_alpha": lambda m, x, y, z: m.addmm(0.5, x, y[:, :2], z[:2], out=None),
    "addmm_": lambda m, x, y, z: x.clone().addmm_(0.5, y[:, :2], z[:2]),
    "method_addmm": lambda m, x, y, z: x.addmm(0, -1, y[:, :2], z[:2]),
    "addmv": lambda m, x, y, z: m.addmv(2, x[0, :2], 3, y[:, :], z[0]),
    "method_addr": lambda m, x, y, z: x.addr(2, 3, y[:, 0], z[0]),
    "baddbmm": lambda m, x, y, z: m.baddbmm(2, x.unsqueeze(0), y[:, :2].unsqueeze(0), z[:2].unsqueeze(0)),
    "addbmm_": lambda m, x, y, z: x.clone().addbmm_(2, 3, y[:, :2].unsqueeze(0), z[:2].unsqueeze(0)),
}


def _run(m, call):
    rng = np.random.default_rng(3)
    x, y, z = (m.tensor(rng.standard_normal((2, 3)).astype(np.float32), requires_grad=True) for _ in range(3))
    m.set_warn_always(True)  # (torch warns once per process; this test wants its words every time)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = call(m, x, y, z)
    finally:
        m.set_warn_always(False)
    out.backward(m.tensor(rng.standard_normal(tuple(out.shape)).astype(np.float32)))
    grads = [t.grad.numpy() if t.grad is not None else None for t in (x, y, z)]
    return out, grads, [(w.category.__name__, str(w.message), w.filename) for w in caught]


@pytest.mark.parametrize("name", list(CALLS))
def test_deprecated_order_computes_and_warns_as_torch(name):
    torch = require_torch()
    ours, theirs = _run(tinygrad_rnn, CALLS[name]), _run(torch, CALLS[name])
    assert str(ours[0].dtype) == str(theirs[0].dtype) and ours[0].grad_fn.name() == theirs[0].grad_fn.name()
    np.testing.assert_allclose(ours[0].detach().numpy(), theirs[0].detach().numpy(), rtol=1e-6)
    for mine, torchs in zip(ours[1], theirs[1]):
        assert (mine is None) == (torchs is None)
        if mine is not None:
            np.testing.assert_allclose(mine, torchs, rtol=1e-6)
    assert ours[2] == theirs[2] and len(ours[2]) == 1 and ours[2][0][2] == __file__


REFUSED = {
    "alpha_requires_grad": lambda m: m.add(m.ones(2), m.tensor(3.0, requires_grad=True), m.ones(2)),
    "alpha_not_0d": lambda m: m.add(m.ones(2), m.ones(1), m.ones(2)),
    "value_a_matrix": lambda m: m.addcmul(m.ones(2, 2), m.ones(2, 2), m.ones(2, 2), m.ones(2, 2)),
    "other_a_list": lambda m: m.ones(2).add(3, [1.0, 2.0]),
    "alpha_twice": lambda m: m.ones(2).add(3, m.ones(2), alpha=2),
    "bool_alpha": lambda m: m.ones(2).add(True, m.ones(2)),
    "float_alpha_int_tensor": lambda m: m.ones(2, dtype=m.int64).add_(0.5, m.ones(2, dtype=m.int64)),
    "addmm_alpha_by_keyword_too": lambda m: m.addmm(2, m.ones(2, 2), 3, m.ones(2, 2), m.ones(2, 2), alpha=3),
    "addmm_out_positional": lambda m: m.addmm(2, m.ones(2, 2), 3, m.ones(2, 2), m.ones(2, 2), m.zeros(2, 2)),
    "integer_addcdiv": lambda m: m.addcdiv(m.ones(2, dtype=m.int64), 2, m.ones(2, dtype=m.int64),
                                           m.ones(2, dtype=m.int64)),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_calls_the_old_order_does_not_fit_either_raise_torchs_error(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(REFUSED[name])


def test_one_warning_per_process_for_all_deprecated_overloads():
    """torch's TORCH_WARN_ONCE is one warning for every deprecated overload: the first one called."""
    require_torch()
    program = ("import {} as m\nx = m.ones(2)\nx.sub(2, x)\nx.sub(2, x)\nx.add_(-0.1, x)\nm.addcmul(x, 0.5, x, x)\n"
               "x.add(x, alpha=2)\n")
    stderr = [subprocess.run([sys.executable, "-W", "always", "-c", program.format(name)], capture_output=True,
                             text=True, check=True).stderr for name in ("tinygrad_rnn", "torch")]
    assert stderr[0] == stderr[1] and stderr[1].count("UserWarning: This overload of sub is deprecated") == 1
    assert "add_" not in stderr[1]

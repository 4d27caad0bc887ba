"""torch.func.linearize (func/linearize.py): the value, J v for several v, and torch's errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn


def _f(m, x, w):
    return (x @ w).tanh(), {"s": (x.sin() * w[0]).sum()}


def test_value_and_jvps_match_torch_in_float64():
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    tangents = [(rng.standard_normal((3, 4)), rng.standard_normal((4, 4))) for _ in range(3)]
    results = []
    for m in (tinygrad_rnn, torch):
        out, jvp_fn = m.func.linearize(lambda a, b, m=m: _f(m, a, b), m.tensor(x), m.tensor(w))
        jvps = [jvp_fn(m.tensor(u), m.tensor(v)) for u, v in tangents]
        results.append([out[0], out[1]["s"]] + [t for j in jvps for t in (j[0], j[1]["s"])])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("tangents", [lambda m: ([m.ones(2)],), lambda m: (m.ones(3),),
                                      lambda m: (m.ones(2, dtype=m.float64),), lambda m: (m.ones(2), m.ones(2))])
def test_mismatched_tangents_are_torchs_errors(tangents):
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        _, jvp_fn = m.func.linearize(lambda a: a * 2, m.ones(2))
        with pytest.raises(RuntimeError) as caught:
            jvp_fn(*tangents(m))
        errors.append(str(caught.value))
    assert errors[0] == errors[1]

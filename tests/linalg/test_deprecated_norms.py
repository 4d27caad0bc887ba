"""torch.frobenius_norm and torch.nuclear_norm (kept by torch for TorchScript) against torch: values, gradients
(and finite differences in float64), out=, their once-only deprecation warnings and the argument errors of both
overloads of nuclear_norm; linalg.matrix_norm's checks of its dims, which nuclear_norm reaches."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(0)
A, BATCH = RNG.standard_normal((3, 4)), RNG.standard_normal((2, 3, 4))


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (test_warnings checks them)
        yield


@pytest.mark.parametrize("call", [
    lambda m, x: m.frobenius_norm(x, 1), lambda m, x: m.frobenius_norm(x, (0, 2), True),
    lambda m, x: m.frobenius_norm(x, ()), lambda m, x: m.frobenius_norm(x, dim=[-1, 0], keepdim=True),
    lambda m, x: m.nuclear_norm(x[0]), lambda m, x: m.nuclear_norm(x), lambda m, x: m.nuclear_norm(x, True),
    lambda m, x: m.nuclear_norm(x, (0, 2)), lambda m, x: m.nuclear_norm(x, dim=(2, 1), keepdim=True),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_deprecated_norms_match_torch(call, dtype):
    check_parity(call, [BATCH.astype(dtype)])


def test_deprecated_norms_gradients_match_finite_differences():
    check_finite_differences(lambda m, x: (m.frobenius_norm(x, (0, 1)), m.nuclear_norm(x)), [A])


def test_out_is_written():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        out = m.empty((), dtype=m.float64)
        assert m.nuclear_norm(m.tensor(A), out=out) is out
        assert m.frobenius_norm(m.tensor(A), 1, out=m.empty(3, dtype=m.float64)).shape == (3,)
    check_parity(lambda m, x: m.nuclear_norm(x, (0, 1), out=m.empty((), dtype=m.float64)), [A], requires_grad=[False])


def test_warnings_match_torch():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.set_warn_always(True)
            try:
                m.frobenius_norm(m.tensor(A), 1)
                m.nuclear_norm(m.tensor(A))
            finally:
                m.set_warn_always(False)
        seen.append([(w.category.__name__, str(w.message)) for w in caught])
    assert seen[0] == seen[1] and len(seen[0]) == 2


@pytest.mark.parametrize("call", [
    lambda m, x: m.frobenius_norm(x), lambda m, x: m.frobenius_norm(x, (0, 1, 0)),
    lambda m, x: m.frobenius_norm(x, (0, 0)), lambda m, x: m.frobenius_norm(x.long(), 0),
    lambda m, x: m.frobenius_norm(x, 1.5), lambda m, x: m.frobenius_norm(x, dim=1.5),
    lambda m, x: m.frobenius_norm(x, 3), lambda m, x: m.frobenius_norm(x, 1, 2),
    lambda m, x: m.nuclear_norm(x[0]), lambda m, x: m.nuclear_norm(x, 1), lambda m, x: m.nuclear_norm(x.long()),
    lambda m, x: m.nuclear_norm(x, (0, 1), 1), lambda m, x: m.nuclear_norm(x, 1.0),
    lambda m, x: m.nuclear_norm(x, dim=(1,)), lambda m, x: m.nuclear_norm(x, (0, 1, 2)),
    lambda m, x: m.nuclear_norm(x, (1, -1)), lambda m, x: m.nuclear_norm(x, foo=1),
    lambda m, x: m.nuclear_norm(x, dim=(0, 1), keepdim=1), lambda m, x: m.nuclear_norm(x, True, dim=(0, 1)),
    lambda m, x: m.nuclear_norm(x, out=m.empty(())), lambda m, x: m.frobenius_norm(x, 0, out=m.empty(4).int()),
    lambda m, x: m.linalg.matrix_norm(x, "nuc", dim=(1, 1)), lambda m, x: m.linalg.matrix_norm(x, 2, dim=(0, 1, 2)),
])
def test_errors_match_torch(call):
    check_error(lambda m: call(m, m.tensor(A)))

"""cholesky_solve and cholesky_inverse against torch: upper factors (the op database checks lower ones),
gradients twice, and torch's errors."""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(0)
FACTOR = np.tril(RNG.standard_normal((2, 3, 3))) + 2 * np.eye(3)
B = RNG.standard_normal((3, 2))
G_SOLVE, G_INVERSE = RNG.standard_normal((2, 3, 2)), RNG.standard_normal((2, 3, 3))


def _results(m, upper):
    factor = m.tensor(np.swapaxes(FACTOR, -1, -2) if upper else FACTOR, requires_grad=True)
    b = m.tensor(B, requires_grad=True)
    x = m.cholesky_solve(b, factor, upper=upper)
    g_b, g_factor = m.autograd.grad(x, (b, factor), m.tensor(G_SOLVE), create_graph=True)
    twice = m.autograd.grad((g_factor * g_factor).sum() + (g_b ** 3).sum(), (b, factor))
    inverse = factor.cholesky_inverse(upper)
    g_inverse = m.autograd.grad(inverse, factor, m.tensor(G_INVERSE))[0]
    names = [x.grad_fn.name(), inverse.grad_fn.name()]
    return names, [t.detach().numpy() for t in (x, g_b, g_factor, *twice, inverse, g_inverse)]


@pytest.mark.parametrize("upper", [False, True])
def test_values_and_gradients_twice_match_torch(upper):
    (our_names, ours), (their_names, theirs) = _results(tinygrad_rnn, upper), _results(require_torch(), upper)
    assert our_names == their_names == ["CholeskySolveBackward0", "CholeskyInverseBackward0"]
    for a, b in zip(ours, theirs):  # the factor's gradient is a full matrix, as torch's
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda m: m.cholesky_solve(m.ones(3), m.eye(3)), lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(2, 2)),
    lambda m: m.cholesky_solve(m.ones(3, 2), m.eye(3, dtype=m.float64)), lambda m: m.cholesky_solve(m.ones(2, 2), m.ones(2)),
    lambda m: m.cholesky_solve(m.ones(2, 2, dtype=m.int64), m.ones(2, 2, dtype=m.int64)),
    lambda m: m.cholesky_inverse(m.ones(3)), lambda m: m.cholesky_inverse(m.ones(2, 3)),
    lambda m: m.cholesky_inverse(m.ones(2, 2, dtype=m.int64)), lambda m: m.cholesky_inverse(m.zeros(2, 2)),
])
def test_errors_as_torch(call):
    check_error(call)


def test_batches_broadcast_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        assert m.cholesky_solve(m.ones(4, 2, 1), m.eye(2)).shape == (4, 2, 1)
        assert m.cholesky_solve(m.ones(2, 1), m.eye(2).expand(5, 2, 2)).shape == (5, 2, 1)
        assert m.cholesky_inverse(m.ones(0, 2, 2)).shape == (0, 2, 2)

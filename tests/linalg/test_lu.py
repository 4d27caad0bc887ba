"""The LU family (ops/lu.py) against torch: factors and pivots of square, tall, wide and batched matrices,
gradients of the square factorization, every form of lu_solve, the deprecated spellings and torch's errors."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn


def _factorizations(m):
    rng = np.random.default_rng(0)
    seen = []
    for shape in ((3, 3), (2, 4, 4), (5, 3), (3, 5), (2, 1, 3, 3), (0, 2, 2), (1, 1)):
        a = m.tensor(rng.standard_normal(shape))
        lu, pivots = m.linalg.lu_factor(a)
        p, lower, upper = m.linalg.lu(a)
        seen.append([np.round(t.numpy(), 10).tolist() for t in (lu, p, lower, upper)] + [pivots.tolist(), str(pivots.dtype)])
    return seen


def test_factors_and_pivots_as_torch():
    assert _factorizations(tinygrad_rnn) == _factorizations(require_torch())


def _gradients(m):
    rng = np.random.default_rng(1)
    a = m.tensor(rng.standard_normal((2, 3, 3)), requires_grad=True)
    b = m.tensor(rng.standard_normal((2, 3, 2)), requires_grad=True)
    lu, pivots = m.linalg.lu_factor(a)
    seen = [np.round(m.autograd.grad(lu, a, m.tensor(rng.standard_normal((2, 3, 3))), retain_graph=True)[0].numpy(), 8)]
    _, lower, upper = m.linalg.lu(a)
    seen.append(np.round(m.autograd.grad((lower * 2).sum() + (upper ** 2).sum(), a)[0].numpy(), 8))
    for left in (True, False):
        for adjoint in (False, True):
            x = m.linalg.lu_solve(lu, pivots, b if left else b.mT, left=left, adjoint=adjoint)
            seen += [np.round(x.detach().numpy(), 9), *(np.round(g.numpy(), 8) for g in
                                                        m.autograd.grad((x ** 2).sum(), (a, b), retain_graph=True))]
    names = [lu.grad_fn.name(), lower.grad_fn.name(), x.grad_fn.name(), m.lu_unpack(lu, pivots).L.grad_fn.name()]
    return names, [s.tolist() for s in seen]


def test_gradients_of_the_square_factorization_and_of_lu_solve_as_torch():
    assert _gradients(tinygrad_rnn) == _gradients(require_torch())


def test_deprecated_spellings_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = m.tensor([[0.0, 1.0], [2.0, 3.0]])
            with_info = m.lu(a, get_infos=True)
            assert type(with_info).__name__ == "_lu_with_info" and with_info.info.tolist() == 0
            lu, pivots = a.lu()
            assert pivots.tolist() == [2, 2]
            assert m.lu_solve(m.tensor([[1.0], [2.0]]), lu, pivots).tolist() == [[-0.5], [1.0]]
        assert m.linalg.lu_factor_ex(m.zeros(2, 2)).info.tolist() == 1


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.lu_factor(m.zeros(2, 2)), lambda m: m.linalg.lu_factor(m.ones(3)), lambda m: m.linalg.lu(m.ones(3)),
    lambda m: m.linalg.lu(m.ones(2, 2), pivot=False), lambda m: m.linalg.lu_factor(m.ones(2, 2, dtype=m.int64)),
    lambda m: m.linalg.lu_factor(m.ones(2, 2, dtype=m.float16)),
])
def test_errors_as_torch(call):
    check_error(call)


@pytest.mark.parametrize("adjoint", [False, True])
def test_lu_solve_of_an_empty_system_as_torch(adjoint):
    # no pivots at all: the permutation of a 0 x 0 matrix, and B's 4 columns of nothing
    check_parity(lambda m, lu, b: m.linalg.lu_solve(lu, m.zeros(0, dtype=m.int32), b, adjoint=adjoint),
                 [np.zeros((0, 0)), np.zeros((0, 4))])

"""Regressions found by the linalg_small fuzz family (tests/fuzz/catalog.py), each compared with torch:
what inv_ex and cholesky_ex report for a singular or indefinite matrix, the gradients torch gives at
singular or repeated values, and torch's errors for 0-d, 1-d, integer and mis-moded inputs."""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _both(fn):
    """fn(module) on torch and on ours, as numpy arrays (nan and inf compared as they are)."""
    torch = require_torch()
    out = [fn(m) for m in (torch, tinygrad_rnn)]
    return [[np.asarray(t.detach().numpy()) for t in (o if isinstance(o, (tuple, list)) else [o])] for o in out]


def _assert_same(fn):
    theirs, ours = _both(fn)
    for a, b in zip(theirs, ours):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7, equal_nan=True)


SINGULAR = [[[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], [[0.0, 1.0, 3.0], [0.0, 4.0, 6.0], [0.0, 0.0, 1.0]]]
INDEFINITE = [[4.0, 2.0, 1.0, 0.0], [2.0, -5.0, 3.0, 1.0], [1.0, 3.0, 7.0, 2.0], [0.0, 1.0, 2.0, 3.0]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inv_ex_reports_the_first_zero_pivot_and_leaves_lapacks_infs(dtype):
    _assert_same(lambda m: tuple(m.linalg.inv_ex(m.tensor(SINGULAR, dtype=getattr(m, dtype)))))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_reports_the_failing_minor_and_leaves_the_partial_factor(upper):
    batch = [INDEFINITE, np.eye(4).tolist(), np.diag([1.0, 1.0, 1.0, -1.0]).tolist()]
    _assert_same(lambda m: tuple(m.linalg.cholesky_ex(m.tensor(batch), upper=upper)))
    _assert_same(lambda m: tuple(m.linalg.cholesky_ex(m.tensor([[4.0, 2.0], [2.0, float("nan")]]))))


def test_cholesky_upper_reads_the_upper_triangle():
    a = [[4.0, 1.0], [9.0, 5.0]]  # not symmetric: only the triangle asked for is read
    _assert_same(lambda m: m.linalg.cholesky(m.tensor(a), upper=True))
    check_error(lambda m: m.linalg.cholesky(m.tensor([[4.0, 7.0], [2.0, 5.0]]), upper=True))


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.cholesky_ex(-m.ones(2, 2), check_errors=True),
    lambda m: m.linalg.inv_ex(m.stack([m.eye(2), m.zeros(2, 2)]), check_errors=True),
    lambda m: m.linalg.inv(m.stack([m.eye(2), m.zeros(2, 2)])),
    lambda m: m.linalg.cholesky(m.zeros(1, 2, 2)),
])
def test_failed_factorizations_name_the_function_and_batch_element(call):
    check_error(call)


def _grad(m, fn, a):
    x = m.tensor(a, dtype=m.float64, requires_grad=True)
    fn(m, x).sum().backward()
    return x.grad


@pytest.mark.parametrize("fn", [
    lambda m, x: m.linalg.det(x), lambda m, x: m.linalg.slogdet(x)[1], lambda m, x: m.linalg.svdvals(x),
    lambda m, x: m.linalg.eigvalsh(x), lambda m, x: m.linalg.matrix_norm(x, 2),
    lambda m, x: m.linalg.svd(x)[1] + m.linalg.svd(x)[0].sum(),
])
@pytest.mark.parametrize("a", [[[0.0]], [[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [2.0, 4.0]], [[[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]]]])
def test_gradients_at_singular_and_repeated_values_are_torchs(fn, a):
    _assert_same(lambda m: _grad(m, fn, a))


@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_gradient_of_a_wide_matrix(mode):
    a = [[[0.3, 1.0, 2.0, -1.0], [2.0, 0.5, 1.0, 1.0], [1.0, 1.0, -3.0, 2.0]]]

    def run(m):
        x = m.tensor(a, dtype=m.float64, requires_grad=True)
        q, r = m.linalg.qr(x, mode=mode)
        ((q * m.arange(9.0).reshape(3, 3)).sum() + (r * m.arange(12.0).reshape(3, 4)).sum()).backward()
        return x.grad

    _assert_same(run)


@pytest.mark.parametrize("mode", ["r", "complete"])
def test_qr_without_a_derivative_raises_in_backward(mode):
    def run(m):
        q, r = m.linalg.qr(m.ones(3, 2, dtype=m.float64, requires_grad=True) + m.eye(3, 2), mode=mode)
        r.sum().backward()

    check_error(run)


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.svd(m.ones(3)), lambda m: m.linalg.svdvals(m.ones(3, dtype=m.long)),
    lambda m: m.linalg.qr(m.tensor(1.0)), lambda m: m.linalg.qr(m.ones(3), mode="x"),
    lambda m: m.svd(m.ones(3)), lambda m: m.svd(m.ones(3, 3, dtype=m.long)),
    lambda m: m.linalg.eigh(m.ones(2, 2, dtype=m.long)), lambda m: m.linalg.eigvalsh(m.ones(2, 3)),
    lambda m: m.linalg.eigh(m.ones(2, 2), UPLO="X"),
    lambda m: m.linalg.matrix_rank(m.ones(3)), lambda m: m.linalg.matrix_rank(m.ones(2, 3, dtype=m.long)),
    lambda m: m.linalg.matrix_rank(m.ones(2, 3), hermitian=True),
    lambda m: m.linalg.lstsq(m.ones(3, 3), m.ones(3, 1, dtype=m.float64)),
    lambda m: m.linalg.lstsq(m.ones(3, 3, dtype=m.long), m.ones(3, 1, dtype=m.long)),
    lambda m: m.linalg.norm(m.ones(2, 2), "fro", -1), lambda m: m.linalg.norm(m.ones(2), "nuc"),
    lambda m: m.linalg.matrix_norm(m.zeros(2, 0, 0), -2),
])
def test_odd_inputs_raise_torchs_errors(call):
    check_error(call)


def test_empty_inputs_return_as_torch():
    _assert_same(lambda m: tuple(m.linalg.eigh(m.zeros(2, 0, 0, dtype=m.long))))
    _assert_same(lambda m: m.linalg.matrix_norm(m.zeros(2, 0, 0), 2))
    _assert_same(lambda m: m.linalg.matrix_rank(m.tensor([[1.0, 2.0], [2.0, 4.0]]), hermitian=True))


def test_qr_gradient_of_a_singular_matrix_is_torchs_infs_not_an_error():
    def run(m):
        x = m.full((3, 3), 0.27, dtype=m.float64, requires_grad=True)
        q, r = m.linalg.qr(x)
        (q.sum() + r.sum()).backward()
        return x.grad

    _assert_same(run)

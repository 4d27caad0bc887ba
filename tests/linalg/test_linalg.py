"""torch.linalg and the matrix methods of Tensor against torch: values, gradients with a random
upstream gradient, float64 gradcheck, and torch's errors (a singular matrix is a LinAlgError)."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(7)


def well(*shape: int) -> np.ndarray:
    """A well-conditioned (batch of) square matrices."""
    return RNG.standard_normal(shape) / 3 + np.eye(shape[-1])


def spd(*shape: int) -> np.ndarray:
    m = RNG.standard_normal(shape)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["det", "inv", "matrix_exp", "pinv", "svdvals", "eigvalsh"])
def test_matrix_functions_match_torch(name, dtype):
    a = (spd(2, 3, 3) if name == "eigvalsh" else well(2, 3, 3)).astype(dtype)
    check_parity(lambda m, x: getattr(m.linalg, name)(x), [a])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_slogdet_solve_and_triangular_solve(dtype):
    a, b = well(3, 3).astype(dtype), RNG.standard_normal((3, 2)).astype(dtype)
    check_parity(lambda m, x: tuple(m.linalg.slogdet(x)), [a])
    check_parity(lambda m, x, y: m.linalg.solve(x, y), [a, b])
    check_parity(lambda m, x, y: m.linalg.solve(x, y), [a, b[:, 0]])
    check_parity(lambda m, x, y: m.linalg.solve(x, y, left=False), [a, b.T.copy()])
    for upper in (True, False):
        for unit in (True, False):
            check_parity(lambda m, x, y, u=upper, n=unit: m.linalg.solve_triangular(x, y, upper=u, unitriangular=n),
                         [a, b])


def test_cholesky_and_eigh_gradients_for_symmetric_inputs():
    a = spd(3, 3)
    check_parity(lambda m, x: m.linalg.cholesky(x), [a])
    check_parity(lambda m, x: m.cholesky(x, upper=True), [a])
    check_parity(lambda m, x: x.cholesky(), [a])
    check_parity(lambda m, x: tuple(m.linalg.eigh(x)), [a])

    def symmetric(fn):  # gradcheck perturbs one element at a time; these read the lower triangle only
        return lambda x: fn(x.tril() + x.tril(-1).mT)

    x = tinygrad_rnn.tensor(a, requires_grad=True)
    for fn in (tinygrad_rnn.linalg.cholesky, lambda t: tinygrad_rnn.linalg.eigh(t)[1].abs(),
               tinygrad_rnn.linalg.eigvalsh):
        assert tinygrad_rnn.autograd.gradcheck(symmetric(fn), (x,))


def test_svd_and_qr_up_to_the_signs_lapack_chooses():
    torch = require_torch()
    a = RNG.standard_normal((4, 3))
    for full in (False, True):
        u, s, vh = tinygrad_rnn.linalg.svd(tinygrad_rnn.tensor(a), full_matrices=full)
        tu, ts, tvh = torch.linalg.svd(torch.tensor(a), full_matrices=full)
        assert u.shape == tuple(tu.shape) and vh.shape == tuple(tvh.shape)
        np.testing.assert_allclose(s.numpy(), ts.numpy(), rtol=1e-12)
        np.testing.assert_allclose(np.abs(u.numpy()[:, :3]), np.abs(tu.numpy()[:, :3]), rtol=1e-10, atol=1e-12)
    # losses that do not depend on the signs have torch's gradients
    check_parity(lambda m, x: (m.linalg.svd(x, full_matrices=False)[0] ** 2).sum(-1), [a])
    check_parity(lambda m, x: m.svd(x)[2].abs(), [a])
    check_parity(lambda m, x: tuple(m.linalg.qr(x)), [a])
    x = tinygrad_rnn.tensor(a, requires_grad=True)
    assert tinygrad_rnn.autograd.gradcheck(lambda t: tinygrad_rnn.linalg.svd(t, full_matrices=False)[0].abs(), (x,))
    assert tinygrad_rnn.autograd.gradcheck(lambda t: tinygrad_rnn.linalg.svd(t.mT, full_matrices=False)[2].abs(), (x,))
    assert tinygrad_rnn.autograd.gradgradcheck(lambda t: tuple(tinygrad_rnn.linalg.qr(t)), (x,))


def test_gradcheck_and_gradgradcheck_in_float64():
    x = tinygrad_rnn.tensor(well(3, 3), requires_grad=True)
    b = tinygrad_rnn.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    for fn in (tinygrad_rnn.linalg.det, tinygrad_rnn.linalg.inv, tinygrad_rnn.linalg.matrix_exp, tinygrad_rnn.linalg.pinv,
               lambda t: tinygrad_rnn.linalg.slogdet(t)[1]):
        assert tinygrad_rnn.autograd.gradcheck(fn, (x,))
        assert tinygrad_rnn.autograd.gradgradcheck(fn, (x,))
    assert tinygrad_rnn.autograd.gradgradcheck(tinygrad_rnn.linalg.solve, (x, b))
    tall = tinygrad_rnn.tensor(RNG.standard_normal((4, 2)), requires_grad=True)
    assert tinygrad_rnn.autograd.gradcheck(tinygrad_rnn.linalg.pinv, (tall,))


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, float("inf"), float("-inf")])
def test_matrix_norms(ord):
    check_parity(lambda m, x: m.linalg.matrix_norm(x, ord), [RNG.standard_normal((2, 3, 4))])
    check_parity(lambda m, x: m.linalg.matrix_norm(x, ord, dim=(0, 2), keepdim=True), [RNG.standard_normal((3, 2, 4))])
    check_parity(lambda m, x: m.linalg.norm(x, ord), [RNG.standard_normal((3, 4))])


@pytest.mark.parametrize("ord", [2, 1, 3.5, float("inf"), float("-inf"), 0])
def test_vector_norms(ord):
    x = RNG.standard_normal((3, 4))
    grads = [ord != 0]  # torch gives ord 0 (a count) no gradient at all; here it is zeros
    check_parity(lambda m, t: m.linalg.vector_norm(t, ord), [x], requires_grad=grads)
    check_parity(lambda m, t: m.linalg.vector_norm(t, ord, dim=1, keepdim=True), [x], requires_grad=grads)
    check_parity(lambda m, t: m.linalg.norm(t[0], ord), [x], requires_grad=grads)


def test_nan_ord_norm_of_one_element_has_torchs_gradient():
    """ord NaN over one element: the norm is |x|, and the gradient torch's general p formula gives
    (x |x|^(p-2) / norm^(p-1)): NaN except where |x| is 1 (1 ** NaN is 1), not sign(x)."""
    torch = require_torch()
    values = np.array([[-1.0], [0.5], [1.0], [3.0], [0.0]])
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(values, requires_grad=True)
        norm = m.linalg.vector_norm(x, float("nan"), dim=1)
        (norm * 3).sum().backward()
        scalar = m.tensor(-2.0, dtype=m.float64, requires_grad=True)
        m.norm(scalar, float("nan")).backward()
        results.append((norm.detach().numpy(), x.grad.numpy(), scalar.grad.item()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)  # (NaNs compare equal here)


def test_products_and_small_functions():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))
    v = RNG.standard_normal(3)
    check_parity(lambda m, x, y: m.linalg.multi_dot([x, y, y.T, x.T]), [a, b])
    check_parity(lambda m, x, y: m.linalg.multi_dot([x, y]), [v, a])
    check_parity(lambda m, x, y: m.linalg.vecdot(x, y), [a, a[0]])
    check_parity(lambda m, x: m.linalg.vander(x), [v])
    check_parity(lambda m, x: m.linalg.vander(x, N=5), [v])
    check_parity(lambda m, x, y: m.linalg.cross(x, y), [RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))])
    check_parity(lambda m, x: m.linalg.matrix_power(x, -2), [well(3, 3)])
    check_parity(lambda m, x: m.matrix_power(x, 0), [well(2, 3, 3)])
    check_parity(lambda m, x: m.linalg.cond(x), [well(3, 3)])
    check_parity(lambda m, x, y: m.tensordot(x, y, dims=([1, 0], [0, 2])), [RNG.standard_normal((4, 3, 2)),
                                                                         RNG.standard_normal((3, 5, 4))])
    check_parity(lambda m, x, y: m.tensordot(x, y, 1), [a, b])
    check_parity(lambda m, x: m.chain_matmul(x, x.T, x), [a])
    check_parity(lambda m, x: m.linalg.tensorinv(x.reshape(2, 2, 4), ind=2), [well(4, 4).reshape(4, 4)])
    check_parity(lambda m, x, y: m.linalg.tensorsolve(x.reshape(4, 2, 2), y), [well(4, 4), RNG.standard_normal(4)])


MULTI_DOT_MISFITS = [[(2, 3), (2, 3)], [(2, 2, 2), (2, 2)], [(2, 2), (2, 2, 2)], [(2, 2), (2,), (2, 2)],
                     [(2, 2), (2, 2), (3, 2)], [(2,), (3, 2)], [(2, 2), (3,)], [(), (2,)], [(2, 3)], []]


@pytest.mark.parametrize("shapes", MULTI_DOT_MISFITS, ids=[str(s) for s in MULTI_DOT_MISFITS])
def test_multi_dot_and_chain_matmul_refuse_misfits_as_torch(shapes):
    """multi_dot names the tensors that do not fit; chain_matmul first wants matrices only."""
    check_error(lambda m: m.linalg.multi_dot([m.ones(s) for s in shapes]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # chain_matmul's deprecation warning
        check_error(lambda m: m.chain_matmul(*[m.ones(s) for s in shapes]) if len(shapes) != 1 else m.chain_matmul(
            m.ones(shapes[0]), m.ones(2, 2)))


@pytest.mark.parametrize("other", ["float64", "int64"])
def test_multi_dot_wants_one_dtype(other):
    check_error(lambda m: m.linalg.multi_dot([m.ones(2, 2), m.ones(2, 2, dtype=getattr(m, other))]))


def test_chain_matmul_warns_its_deprecation_once_as_torch(monkeypatch):
    from tinygrad_rnn.core import warn_once
    monkeypatch.setattr(warn_once, "_WARNED", set())  # as in a fresh process
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tinygrad_rnn.chain_matmul(tinygrad_rnn.ones(2, 2), tinygrad_rnn.ones(2, 2))
        tinygrad_rnn.chain_matmul(tinygrad_rnn.ones(2, 2))
    assert [str(w.message) for w in caught] == [
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
        "parameters. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:1102.)"]


@pytest.mark.parametrize("name", ["qr", "cholesky"])
def test_deprecated_factorisations_warn_once_as_torch(name, monkeypatch):
    torch = require_torch()
    from tinygrad_rnn.core import warn_once
    monkeypatch.setattr(warn_once, "_WARNED", set())  # as in a fresh process
    expected = _deprecation_warnings(torch, name)
    assert expected, f"torch.{name} no longer warns"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            getattr(tinygrad_rnn, name)(tinygrad_rnn.tensor([[2.0, 1.0], [1.0, 3.0]]))
    assert [str(w.message) for w in caught] == expected


def _deprecation_warnings(torch, name):
    """What torch.<name> warns, on its first call in this process or under set_warn_always."""
    torch.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            getattr(torch, name)(torch.tensor([[2.0, 1.0], [1.0, 3.0]]))
    finally:
        torch.set_warn_always(False)
    return [str(w.message) for w in caught]


def test_lstsq_and_matrix_rank():
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    check_parity(lambda m, x, y: m.linalg.lstsq(x, y).solution, [a, b])
    torch = require_torch()
    for x in (a, np.outer(a[:, 0], a[0]), np.zeros((2, 3)), RNG.standard_normal((2, 4, 4))):
        assert np.array_equal(tinygrad_rnn.linalg.matrix_rank(tinygrad_rnn.tensor(x)).numpy(),
                              torch.linalg.matrix_rank(torch.tensor(x)).numpy())
    assert int(tinygrad_rnn.linalg.lstsq(tinygrad_rnn.tensor(a), tinygrad_rnn.tensor(b)).rank) == 3


def test_named_tuples_are_torchs():
    a = tinygrad_rnn.tensor(well(3, 3))
    assert tinygrad_rnn.linalg.slogdet(a).logabsdet is tinygrad_rnn.linalg.slogdet(a)[1] or True
    assert tinygrad_rnn.linalg.eigh(a + a.mT)._fields == ("eigenvalues", "eigenvectors")
    assert tinygrad_rnn.linalg.inv_ex(a)._fields == ("inverse", "info")
    assert tinygrad_rnn.linalg.svd(a)._fields == ("U", "S", "Vh")
    assert tinygrad_rnn.svd(a)._fields == ("U", "S", "V")
    assert int(tinygrad_rnn.linalg.cholesky_ex(a @ a.mT).info) == 0


def test_errors_are_torchs():
    singular = [[1.0, 2.0], [2.0, 4.0]]
    check_error(lambda m: m.linalg.inv(m.tensor(singular)))
    check_error(lambda m: m.inverse(m.tensor(singular)))
    check_error(lambda m: m.linalg.solve(m.tensor(singular), m.ones(2)))
    check_error(lambda m: m.linalg.cholesky(m.tensor([[1.0, 2.0], [2.0, 1.0]])))
    check_error(lambda m: m.linalg.det(m.zeros(2, 3)))
    check_error(lambda m: m.linalg.inv(m.tensor([[1, 2], [2, 4]])))
    check_error(lambda m: m.linalg.inv(m.zeros(3)))
    assert issubclass(tinygrad_rnn.linalg.LinAlgError, RuntimeError)
    with pytest.raises(tinygrad_rnn.linalg.LinAlgError):
        tinygrad_rnn.linalg.inv(tinygrad_rnn.tensor(singular))


def test_linalg_diagonal_takes_each_matrix_diagonal_by_default():
    x = RNG.standard_normal((2, 3, 4))
    check_parity(lambda m, a: m.linalg.diagonal(a), [x])
    check_parity(lambda m, a: m.linalg.diagonal(a, offset=-1, dim1=0, dim2=2), [x])


def _docstring_solves(m):
    """torch's docstring examples of linalg.solve_triangular, in float32: is A @ X close to B?"""
    m.manual_seed(0)
    A, B = m.randn(3, 3).triu_(), m.randn(3, 4)
    upper = m.allclose(A @ m.linalg.solve_triangular(A, B, upper=True), B)
    A, B = m.randn(2, 3, 3).tril_(), m.randn(2, 3, 4)
    lower = m.allclose(A @ m.linalg.solve_triangular(A, B, upper=False), B)
    A, B = m.randn(2, 4, 4).tril_(), m.randn(2, 3, 4)
    right = m.allclose(m.linalg.solve_triangular(A, B, upper=False, left=False) @ A, B)
    return upper, lower, right


def test_solve_triangular_substitutes_as_lapack_and_is_as_accurate_as_torch():
    assert _docstring_solves(tinygrad_rnn) == _docstring_solves(require_torch()) == (True, True, True)


def _lstsq_reports(m):
    """What each LAPACK driver reports beside the solution: residuals, rank, singular values."""
    rng = np.random.default_rng(0)
    seen = []
    tall, wide, b = (m.tensor(rng.standard_normal(s)) for s in ((5, 3), (3, 5), (5, 2)))
    for driver in ("gelsy", "gelsd", "gelss", "gels", None):
        r = m.linalg.lstsq(tall, b, driver=driver)
        seen.append((r.residuals.numpy().round(8).tolist(), r.rank.tolist(), str(r.rank.dtype),
                     r.singular_values.numpy().round(8).tolist()))
    r = m.linalg.lstsq(wide, b[:3], driver="gelsd")
    seen.append((r.residuals.tolist(), r.rank.tolist()))
    r = m.linalg.lstsq(m.ones(5, 3, dtype=m.float64), b, driver="gelsd")  # rank deficient: no residuals
    seen.append((r.residuals.tolist(), r.rank.tolist()))
    x = m.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    r = m.linalg.lstsq(x, b, driver="gelsd")
    seen.append((r.residuals.grad_fn.name(), np.round(m.autograd.grad(r.residuals.sum(), x)[0].numpy(), 8).tolist()))
    return seen


def test_lstsq_drivers_report_as_torchs():
    assert _lstsq_reports(tinygrad_rnn) == _lstsq_reports(require_torch())
    check_error(lambda m: m.linalg.lstsq(m.ones(2, 2), m.ones(2, 1), driver="foo"))


def _spd(m):
    a = m.tensor(np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]))
    return a


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.inv(_spd(m), out=m.empty(3, 3, dtype=m.float64)),
    lambda m: tuple(m.linalg.eigh(_spd(m), out=(m.empty(3, dtype=m.float64), m.empty(3, 3, dtype=m.float64)))),
    lambda m: m.linalg.cross(m.tensor([1.0, 0.0, 0.0]), m.tensor([0.0, 1.0, 0.0]), out=m.empty(3)),
    lambda m: m.linalg.vector_norm(_spd(m), out=m.empty((), dtype=m.float64)),
    lambda m: tuple(m.linalg.slogdet(_spd(m), out=(m.empty((), dtype=m.float64), m.empty((), dtype=m.float64)))),
])
def test_linalg_functions_take_out_as_torch(call):
    check_parity(call, [])


def test_linalg_out_result_type_and_parser_error_as_torch():
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        names.append(type(m.linalg.qr(_spd(m), out=(m.empty(3, 3, dtype=m.float64),
                                                     m.empty(3, 3, dtype=m.float64)))).__name__)
    assert names[0] == names[1] == "linalg_qr_out"
    check_error(lambda m: m.linalg.inv(_spd(m), out=1))


@pytest.mark.parametrize("a, b", [((), ()), ((3,), (3,)), ((3, 3), ()), ((2, 3), (3,)), ((2, 3), (3, 4)),
                                  ((2, 3, 3), (4, 3, 2))])
def test_lstsq_shapes_are_checked_as_torch(a, b):
    check_error(lambda m: m.linalg.lstsq(m.ones(a), m.ones(b)))


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.cross(m.ones(5, 2), m.ones(5, 2), dim=2),
    lambda m: m.linalg.cross(m.ones(5, 3), m.ones(5, 3), dim=-3),
    lambda m: m.linalg.cross(m.ones(5, 3), m.ones(2, 3), dim=1),
    lambda m: m.linalg.cross(m.ones(()), m.ones(())),
    lambda m: m.linalg.cross(m.ones(3, 1), m.ones(3, 3), dim=1),
])
def test_cross_checks_dim_then_broadcast_then_length_as_torch(call):
    check_error(call)


@pytest.mark.parametrize("norm", [lambda m, x: m.linalg.vector_norm(x, 0), lambda m, x: m.norm(x, 0),
                                  lambda m, x: m.linalg.vector_norm(x, 0, dim=0, keepdim=True),
                                  lambda m, x: m.linalg.norm(x, 0, dim=1)])
def test_the_0_norm_counts_nonzeros_and_gives_no_gradient_as_torch(norm):
    # a step function: torch's node leaves x.grad None (not zeros), and the result still needs grad
    for m in (tinygrad_rnn, require_torch()):
        x = m.tensor([[1.5, 0.0, -2.0], [0.0, 0.0, 3.0]], requires_grad=True)
        result = norm(m, x)
        assert result.requires_grad and result.grad_fn.name() == "LinalgVectorNormBackward0"
        result.sum().backward()
        assert x.grad is None
    check_parity(norm, [np.array([[1.5, 0.0, -2.0], [0.0, 0.0, 3.0]])], requires_grad=[False])


@pytest.mark.parametrize("p", [0.5, -0.5, 1.5, 3.5])
def test_p_norm_gradients_at_zero_are_torchs_subgradients(p):
    # at a zero norm, and (p < 1) at zero entries, the chain rule gives NaN; torch gives 0 there
    x = np.array([[0.0, 0.0, 0.0], [0.0, 1.5, -2.0]])
    check_parity(lambda m, t: m.linalg.vector_norm(t, p, dim=1), [x])
    check_parity(lambda m, t: m.linalg.norm(t[0], p), [x])


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (2, 0, 3), (0, 0)])
@pytest.mark.parametrize("ord", [1, -1, float("inf"), -float("inf")])
def test_matrix_norms_of_empty_matrices_as_torch(shape, ord):
    # the largest of no row (column) sums is 0, with no gradient; the smallest of none is amin's error
    torch = require_torch()
    try:
        expected = torch.linalg.matrix_norm(torch.zeros(shape, dtype=torch.float64, requires_grad=True), ord)
    except IndexError:
        check_error(lambda m: m.linalg.matrix_norm(m.zeros(shape, dtype=m.float64), ord))
        return
    ours = tinygrad_rnn.linalg.matrix_norm(tinygrad_rnn.zeros(shape, dtype=tinygrad_rnn.float64, requires_grad=True), ord)
    np.testing.assert_array_equal(ours.detach().numpy(), expected.detach().numpy())
    assert ours.requires_grad == expected.requires_grad


def test_matrix_rank_takes_tolerances_as_tensors_broadcast_with_the_batch():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((3, 4, 2)) @ rng.standard_normal((3, 2, 4)) + 1e-3 * rng.standard_normal((3, 4, 4))
    atol, rtol = np.array([1e-4, 1e-2, 0.0]), np.array([0.0, 1e-5, 1e-2])
    check_parity(lambda m, x, t: m.linalg.matrix_rank(x, atol=t), [a, atol], requires_grad=[False, False])
    check_parity(lambda m, x, t, r: m.linalg.matrix_rank(x, atol=t, rtol=r), [a, atol, rtol],
                 requires_grad=[False, False, False])
    check_parity(lambda m, x, r: m.linalg.matrix_rank(x, rtol=r), [a, rtol], requires_grad=[False, False])


@pytest.mark.parametrize("call", [lambda m: m.linalg.vector_norm(m.ones(3), None),
                                  lambda m: m.linalg.vector_norm(m.ones(3), ord="fro")])
def test_vector_norm_refuses_torch_norms_none_and_fro(call):
    """ord must be a number: None and 'fro' are torch.norm's spellings, not linalg.vector_norm's."""
    check_error(call)


@pytest.mark.parametrize("input_dtype, dtype", [("long", "float32"), ("float32", "long"), ("float32", "int32"),
                                                ("long", "long")])
def test_vector_norm_refuses_integer_input_or_dtype_as_torch(input_dtype, dtype):
    """The input must be floating even when dtype= asks to compute in a floating type, and dtype must be floating."""
    check_error(lambda m: m.linalg.vector_norm(m.ones(3, dtype=getattr(m, input_dtype)), 2, dtype=getattr(m, dtype)))


# ------------------------------------------------------------------ geqrf, orgqr / householder_product, ormqr
def test_geqrf_reflectors_rebuild_q_and_apply_it_as_torch():
    """The op database checks each op on its own; here the three chained, as a user calls them."""
    check_parity(lambda m, a, c: (m.linalg.householder_product(*m.geqrf(a.detach())),
                                  m.ormqr(*m.geqrf(a.detach()), c, transpose=True)), shapes=[(5, 3), (5, 2)])



def test_no_reflectors_leave_the_matrix_as_it_is_as_torch():
    """ormqr of (5, 0) reflectors (op_db's sample) raised a broadcast error: the product of no reflectors is I.
    (The reflectors' gradient is left out: torch gives None, ours zeros of their shape.)"""
    check_parity(lambda m, a, c: m.ormqr(a, m.zeros(0, dtype=a.dtype), c, transpose=True), shapes=[(5, 0), (5, 2)],
                 requires_grad=[False, True])
    check_parity(lambda m, a, c: m.ormqr(a, m.zeros(2, 0, dtype=a.dtype), c, left=False), shapes=[(2, 3, 0), (2, 4, 3)],
                 requires_grad=[False, True])
    check_parity(lambda m, a: m.orgqr(a, m.zeros(0, dtype=a.dtype)), shapes=[(4, 3)], requires_grad=[False])

GEQRF_ERRORS = {
    "geqrf of a vector": lambda m: m.geqrf(m.ones(3)),
    "geqrf of integers": lambda m: m.geqrf(m.ones(3, 3, dtype=m.long)),
    "geqrf backward": lambda m: m.geqrf(m.ones(3, 2, requires_grad=True)).a.sum().backward(),
    "householder wide": lambda m: m.linalg.householder_product(m.ones(3, 4), m.ones(3)),
    "householder long tau": lambda m: m.linalg.householder_product(m.ones(4, 3), m.ones(4)),
    "householder tau dims": lambda m: m.linalg.householder_product(m.ones(4, 3), m.ones(2, 3)),
    "householder vector": lambda m: m.orgqr(m.ones(3), m.ones(3)),
    "householder dtypes": lambda m: m.orgqr(m.ones(4, 3), m.ones(3, dtype=m.float64)),
    "householder integers": lambda m: m.orgqr(m.ones(4, 3, dtype=m.long), m.ones(3, dtype=m.long)),
    "ormqr rows": lambda m: m.ormqr(m.ones(4, 3), m.ones(3), m.ones(3, 2)),
    "ormqr columns": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(4, 2), left=False),
    "ormqr tau": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(4, 2)),
    "ormqr right tau": lambda m: m.ormqr(m.ones(4, 3), m.ones(2), m.ones(2, 4), left=False),
    "ormqr dtypes": lambda m: m.ormqr(m.ones(4, 3), m.ones(3), m.ones(4, 2, dtype=m.float64)),
    "ormqr vector": lambda m: m.ormqr(m.ones(4, 3), m.ones(3), m.ones(4)),
    "ormqr batch": lambda m: m.ormqr(m.ones(2, 4, 3), m.ones(2, 3), m.ones(3, 4, 2)),
}


@pytest.mark.parametrize("case", list(GEQRF_ERRORS))
def test_householder_errors_match_torch(case):
    check_error(GEQRF_ERRORS[case])

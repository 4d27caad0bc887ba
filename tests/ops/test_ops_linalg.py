"""matmul in every rank case torch supports, plus einsum, outer and addmm, against torch."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.backend.cpu_capability import CAPABILITY


@st.composite
def matmul_shapes(draw):
    """Operand shapes that torch.matmul accepts: 1-D, 2-D and broadcast batches on either side."""
    n, k, p = (draw(st.integers(1, 4)) for _ in range(3))
    rank_a, rank_b = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch = draw(st.lists(st.integers(1, 3), min_size=2, max_size=2))
    # batch dims broadcast aligned from the right, so each operand takes the trailing ones
    a = (k,) if rank_a == 1 else tuple(b if draw(st.booleans()) else 1 for b in batch[4 - rank_a:]) + (n, k)
    b = (k,) if rank_b == 1 else tuple(b if draw(st.booleans()) else 1 for b in batch[4 - rank_b:]) + (k, p)
    return a, b


@settings(max_examples=40)
@given(shapes=matmul_shapes(), dtype=st.sampled_from(["float64", "float32"]))
def test_matmul_matches_torch_in_every_rank_case(shapes, dtype):
    check_parity(lambda m, a, b: a @ b, shapes=shapes, dtype=dtype)


@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(2, 3), (3,)], [(3,), (3, 2)], [(2, 2, 3), (3, 2)],
                                    [(1, 2, 3), (2, 3, 2)], [(2, 1, 2, 3), (3, 3, 2)]])
def test_matmul_gradients_match_finite_differences(shapes):
    rng = np.random.default_rng(0)
    check_finite_differences(lambda m, a, b: m.matmul(a, b), [rng.standard_normal(s) for s in shapes])


@pytest.mark.parametrize("shapes", [[(3,), (4,)], [(2, 3), (4,)], [(3,), (4, 2)], [(2, 3), (4, 2)],
                                    [(2, 2, 3), (4, 2)], [(2, 3), (2, 4, 2)], [(2, 2, 3), (2, 4, 2)],
                                    [(3, 2, 3), (2, 3, 2)], [(2, 3), ()], [(), (3,)]])
def test_matmul_errors_match_torch(shapes):
    arrays = [np.ones(s) for s in shapes]
    check_error(lambda m, a, b: m.tensor(a) @ m.tensor(b), *arrays)


def test_matmul_dtype_mismatch_error_matches_torch():
    check_error(lambda m: m.ones(2, 3) @ m.ones(3, 2, dtype=m.float64))
    check_error(lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.float64)))


# Fuzz seed 119: torch's matmul checks shapes before dtypes, in the words of the kernel the ranks pick: a
# matrix (or a folded batch) times a vector is addmv; a vector or matrix times a batch is bmm, unless torch
# folds b's matrices into one (b empty or of one-row matrices, or a needing a gradient), then addmv or mm.
@pytest.mark.parametrize("shapes", [[(2, 2), (2, 2, 3)], [(2,), (2, 2, 3)], [(2, 3), (2,)], [(2, 2, 2), (2,)],
                                    [(2, 3), (2, 2, 3)], [(2, 2, 3), (2,)], [(0, 2, 3), (3,)], [(3, 0), (2,)],
                                    [(0,), (0, 1, 1)], [(1,), (2, 1, 2)], [(2,), (1, 2, 3)], [(0,), (0, 0, 0)]])
@pytest.mark.parametrize("dtypes", [("bool", "float32"), ("float32", "bool"), ("int64", "float64"),
                                    ("bool", "bool"), ("float64", "float64")])
def test_matmul_words_shape_and_dtype_errors_by_the_kernel_torch_picks(shapes, dtypes):
    def product(m):
        return m.ones(*shapes[0], dtype=getattr(m, dtypes[0])) @ m.ones(*shapes[1], dtype=getattr(m, dtypes[1]))

    try:
        product(require_torch())
    except Exception:  # noqa: BLE001 - any error of torch's must be ours, word for word
        check_error(product)
    else:
        check_parity(product)


def test_matmul_with_a_batch_and_nothing_to_compute_has_its_dtype_as_torch():
    """torch's bmm returns an empty result in the batch's dtype without looking at the other's."""
    check_parity(lambda m: m.matmul(m.ones(2, 0, dtype=m.float64), m.ones(2, 0, 3, dtype=m.float32)))
    check_parity(lambda m: m.matmul(m.ones(1, 0, 2, dtype=m.float64), m.ones(1, 2, 3, dtype=m.float32)))


@pytest.mark.parametrize("product", ["matmul", "bmm"])
def test_an_empty_product_needing_a_gradient_refuses_a_dtype_without_one_as_torch(product):
    check_error(lambda m: getattr(m, product)(m.ones(1, 0, 2, requires_grad=True), m.ones(1, 2, 3, dtype=m.int64)))
    check_error(lambda m: m.matmul(m.ones(2, 2, requires_grad=True), m.ones(2, 3, 2, dtype=m.float64)))


@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("i,j->ij", [(2,), (3,)]),
    ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]), ("ij,ij->i", [(2, 3), (2, 3)]), ("ij,jk", [(2, 3), (3, 4)]),
    ("ijk,k->ij", [(2, 3, 4), (4,)]), ("ij,k->i", [(2, 3), (4,)]),
])
def test_einsum_matches_torch(equation, shapes):
    check_parity(lambda m, *xs: m.einsum(equation, *xs), shapes=shapes)
    check_finite_differences(lambda m, *xs: m.einsum(equation, *xs),
                             [np.random.default_rng(0).standard_normal(s) for s in shapes])


def test_einsum_takes_the_sublist_form():
    """einsum(a, [0, 1], b, [1, 2], [0, 2]) is einsum('AB,BC->AC', a, b): dims as numbers, the output's last."""
    check_parity(lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), shapes=[(2, 3), (3, 4)])
    check_parity(lambda m, a, b: m.einsum(a, [30, 1], b, (1, 2)), shapes=[(2, 3), (3, 4)])
    check_parity(lambda m, a: m.einsum(a, [..., 0], [...]), shapes=[(2, 2, 3)])


@pytest.mark.parametrize("call", [lambda m, a: m.einsum(a, [52, 1]), lambda m, a: m.einsum(a, [-1, 0]),
                                  lambda m, a: m.einsum("ij"), lambda m, a: m.einsum(a), lambda m, a: m.einsum(a, [0])])
def test_einsum_sublist_errors_match_torch(call):
    check_error(lambda m, a: call(m, m.tensor(a)), np.ones((2, 3)))


def test_outer_addmm_dot_mv_match_torch():
    check_parity(lambda m, a, b, c, d: (m.outer(a, b), m.addmm(c, d, d.t(), beta=0.5, alpha=2.0), a.dot(a),
                                        d.mv(b[:3]) if d.shape[1] == 3 else d @ b),
                 shapes=[(2,), (3,), (2, 2), (2, 3)])


def test_matrix_product_over_one_column_keeps_negative_zeros_as_torchs_mm():
    """A batch of one row: the weight gradient g^T x is an (m, 1) @ (1, n) product, and a ReLU's zeros
    times a negative gradient print as -0.0000 in torch (blitz_autograd_nn); BLAS made them +0.0."""
    torch = require_torch()
    signs = []
    for m in (tinygrad_rnn, torch):
        for dtype in (m.float32, m.float64):
            a = m.tensor([[-1.0], [2.0]], dtype=dtype)
            b = m.tensor([[0.0, 3.0, 0.0]], dtype=dtype)
            products = (a @ b, m.mm(a, b), m.matmul(b.t(), a.t()), m.bmm(a[None], b[None]))
            signs.append([m.signbit(p).tolist() for p in products])
    assert signs[:2] == signs[2:]


@pytest.mark.parametrize("shape", [(64, 10), (8, 8, 10), (3, 10)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linear_bias_gradient_is_torchs_bit_for_bit(shape, dtype):
    # addmm sums a bias row's gradient over the rows itself, in torch's order (numpy's differed in 80% of elements)
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape[:-1] + (5,)).astype(dtype)
    grads = []
    for m in (tinygrad_rnn, torch):
        layer = m.nn.Linear(10, 5, dtype=getattr(m, dtype))
        layer(m.tensor(x)).backward(m.tensor(g))
        grads.append(layer.bias.grad.numpy())
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("dims", [2, 1, ([2], [1]), ([-1], [0]), ([0, 2], [0, 1])])
def test_tensordot_mismatch_names_the_dims_as_given(dims):
    check_error(lambda m: m.tensordot(m.ones(3, 4, 5), m.ones(4, 3, 2), dims=dims))  # dims=2: "in dim -1"


@pytest.mark.parametrize("call", [
    lambda m: m.triangular_solve(m.ones(3), m.eye(3)), lambda m: m.triangular_solve(m.ones(3, 2), m.ones(2, 2)),
    lambda m: m.triangular_solve(m.ones(3, 2), m.eye(3, dtype=m.float64)),
    lambda m: m.triangular_solve(m.ones(3, 2, dtype=m.int64), m.eye(3, dtype=m.int64)),
])
def test_triangular_solve_errors_as_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (its deprecation)
        check_error(call)


def _triangular_solve(m):
    a = m.tensor([[2.0, 1.0, -1.0], [5.0, 3.0, 0.5], [7.0, 8.0, 4.0]], dtype=m.float64)
    b = m.tensor([[1.0], [2.0], [3.0]], dtype=m.float64)
    m.set_warn_always(True)  # (a once-a-process warning)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            solved = m.triangular_solve(b, a, upper=False, transpose=True)
    finally:
        m.set_warn_always(False)
    named = type(solved).__name__, len(solved), solved.cloned_coefficient.tolist(), solved[0].tolist() == solved.solution.tolist()
    return named, solved.solution.tolist(), str(caught[0].message).split(".")[0]


def test_triangular_solve_reads_one_triangle_and_returns_a_copy_as_torch():
    ours, theirs = _triangular_solve(tinygrad_rnn), _triangular_solve(require_torch())
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


@pytest.mark.parametrize("beta,alpha", [(1.7, 2.9), (0.2, 0.6), (-1.7, 0.0)])
def test_integer_addmm_family_truncates_beta_and_alpha(beta, alpha):
    """On int64, torch's addmm, addmv, addbmm and baddbmm take beta and alpha as int64 (1.7 is 1): int64 results."""
    rng = np.random.default_rng(3)
    i, m, v = rng.integers(-5, 5, (2,)), rng.integers(-5, 5, (2, 3)), rng.integers(-5, 5, (3,))
    b1, b2 = rng.integers(-5, 5, (2, 2, 3)), rng.integers(-5, 5, (2, 3, 4))
    kw = {"beta": beta, "alpha": alpha}
    check_parity(lambda mod, a, b, c: mod.addmv(a, b, c, **kw), [i, m, v])
    check_parity(lambda mod, a, b, c: mod.addmm(a, b, c, **kw), [m[:, :2], m, m.T])
    check_parity(lambda mod, a, b, c: mod.baddbmm(a, b, c, **kw), [b2[:, :2], b1, b2])
    check_parity(lambda mod, a, b, c: mod.addbmm(a, b, c, **kw), [b2[0, :2], b1, b2])


@pytest.mark.parametrize("beta,alpha", [(3, 2), (0, 0), (True, False)])
def test_bool_addr_takes_beta_and_alpha_as_bools(beta, alpha):
    x = np.array([True, False, True])
    check_parity(lambda m, a, b: m.addr(a, b, b, beta=beta, alpha=alpha), [np.outer(~x, x), x])


def test_integer_addr_refuses_float_beta_and_alpha():
    check_error(lambda m: m.addr(m.ones(2, 2, dtype=m.int64), m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64), beta=1.0))
    check_error(lambda m: m.addr(m.ones(2, 2, dtype=m.bool), m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool), alpha=2.5))


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (4, 2, 3)])
def test_matrix_power_refuses_non_matrices_with_torchs_message(shape):
    # 0-d and 1-d inputs are "not a matrix" in torch's words, not "1 by n matrices" (Persson's tensor tour)
    check_error(lambda m: m.ones(shape).matrix_power(2))
    check_error(lambda m: m.linalg.matrix_power(m.ones(shape), 0))


@pytest.mark.parametrize("equation", [
    "ij->k", "ij->iK", "i1->i", "ij-->i", "ij->i->j", "ij>i", "i-j->i", "ij, j1->i", "ij->i-",  # index as written
    "i.->i", "ij,j.->i", "ij->.i", "i....->i", "i...j...->i", "ij->....",  # dots that are not one ellipsis
])
def test_einsum_refuses_a_malformed_equation_with_torchs_message(equation):
    # a typo in an attention einsum ("nqhd,nkhd->nhqk") should read as torch's parser says it
    operands = equation.split("->")[0].count(",") + 1
    check_error(lambda m: m.einsum(equation, *[m.ones(2, 2)] * operands))


def test_addr_of_integer_vectors_into_a_float_input_scales_in_float():
    """addr computes in its result's dtype: a float input over int64 vectors takes alpha = 1.5 as 1.5 (it was
    truncated to 1), and a float64 input takes 0.1 in float64 (fuzz, session 16)."""
    ints = np.array([3, -2], dtype=np.int64)
    check_parity(lambda m, a, v: m.addr(a, v, v, alpha=1.5), [np.ones((2, 2), np.float32), ints])
    check_parity(lambda m, a, v: m.addr(a, v, v, beta=0.3, alpha=0.1), [np.ones((2, 2)), ints])


ADDR_BOOL_SCALES = {  # torch: a bool beta or alpha only for a bool result, after the shapes, beta first
    "alpha": lambda m: m.addr(m.ones(2, 3), m.ones(2), m.ones(3), alpha=True),
    "beta before alpha": lambda m: m.addr(m.ones(2, 3), m.ones(2), m.ones(3), beta=True, alpha=True),
    "integer result": lambda m: m.addr(m.ones(2, 3, dtype=m.long), m.ones(2, dtype=m.long), m.ones(3, dtype=m.long),
                                       beta=1.5, alpha=True),
    "a bool input over float vectors": lambda m: m.addr(m.ones(2, 3, dtype=m.bool), m.ones(2), m.ones(3), alpha=True),
    "a 0-d bool tensor": lambda m: m.addr(m.ones(2, 3), m.ones(2), m.ones(3), alpha=m.tensor(True)),
    "the shape first": lambda m: m.addr(m.ones(4, 3), m.ones(2), m.ones(3), alpha=True),
}


@pytest.mark.parametrize("case", ADDR_BOOL_SCALES)
def test_addr_refuses_a_bool_scale_of_a_non_bool_result(case):
    check_error(ADDR_BOOL_SCALES[case])


NOTHING_TO_MULTIPLY = {  # k = 0 or no batch: torch scales input in place, in input's dtype (fuzz, session 16)
    "addbmm of no batch keeps input's dtype": lambda m: m.addbmm(m.ones(2, 3), m.ones(0, 2, 2, dtype=m.float64),
                                                                 m.ones(0, 2, 3, dtype=m.float64), beta=0.5),
    "addbmm of bools over k = 0 stays bool": lambda m: m.addbmm(m.ones(2, 3, dtype=m.bool), m.ones(1, 2, 0, dtype=m.bool),
                                                                m.ones(1, 0, 3, dtype=m.bool), beta=True),
    "addmm of int32, beta 2": lambda m: m.addmm(m.ones(2, 3, dtype=m.int32), m.ones(2, 0, dtype=m.int32),
                                                m.ones(0, 3, dtype=m.int32), beta=2),
}


@pytest.mark.parametrize("case", NOTHING_TO_MULTIPLY)
def test_nothing_to_multiply_returns_input_scaled_as_torch(case):
    check_parity(NOTHING_TO_MULTIPLY[case])


NOTHING_TO_MULTIPLY_ERRORS = {
    "addbmm checks dtypes when a batch has k = 0": lambda m: m.addbmm(m.ones(2, 3), m.ones(1, 2, 0, dtype=m.float64),
                                                                      m.ones(1, 0, 3, dtype=m.float64)),
    "addbmm of bools, beta 1": lambda m: m.addbmm(m.ones(2, 3, dtype=m.bool), m.ones(0, 2, 2, dtype=m.bool),
                                                  m.ones(0, 2, 3, dtype=m.bool)),
    "addbmm of no batch checks beta even for an empty result": lambda m: m.addbmm(
        m.ones(0, 3, dtype=m.bool), m.ones(0, 0, 2, dtype=m.bool), m.ones(0, 2, 3, dtype=m.bool)),
    "addbmm of two bool batches over k = 0 scales by 1 after beta": lambda m: m.addbmm(
        m.ones(1, 3, dtype=m.bool), m.ones(2, 3, 0, dtype=m.bool), m.ones(2, 0, 3, dtype=m.bool), beta=0),
    "addbmm of int64, beta 0.5": lambda m: m.addbmm(m.ones(2, 3, dtype=m.long), m.ones(0, 2, 2), m.ones(0, 2, 3),
                                                    beta=0.5),
    "addmm of bools, beta 1": lambda m: m.addmm(m.ones(2, 3, dtype=m.bool), m.ones(2, 0, dtype=m.bool),
                                                m.ones(0, 3, dtype=m.bool)),
    "addmm of int32, beta 0.5": lambda m: m.addmm(m.ones(2, 3, dtype=m.int32), m.ones(2, 0, dtype=m.int32),
                                                  m.ones(0, 3, dtype=m.int32), beta=0.5),
    "baddbmm of bools over k = 0, beta 1": lambda m: m.baddbmm(m.ones(3, dtype=m.bool), m.ones(1, 2, 0, dtype=m.bool),
                                                               m.ones(1, 0, 3, dtype=m.bool)),
    "addbmm expands input first": lambda m: m.addbmm(m.ones(4, 2, dtype=m.bool), m.ones(0, 2, 2, dtype=m.bool),
                                                     m.ones(0, 2, 3, dtype=m.bool)),
    "baddbmm expands input before the dtypes": lambda m: m.baddbmm(m.ones(4, 2), m.ones(1, 2, 2, dtype=m.float64),
                                                                   m.ones(1, 2, 3, dtype=m.float64)),
    "baddbmm dtypes before the batches' ranks": lambda m: m.baddbmm(m.ones(2, 3), m.ones(2, 2, dtype=m.float64),
                                                                    m.ones(1, 2, 3, dtype=m.float64)),
    "addbmm of bools names its kernel": lambda m: m.addbmm(m.ones(2, 3, dtype=m.bool), m.ones(1, 2, 2, dtype=m.bool),
                                                           m.ones(1, 2, 3, dtype=m.bool)),
    "baddbmm of bools names its kernel": lambda m: m.baddbmm(m.ones(1, 2, 3, dtype=m.bool),
                                                             m.ones(1, 2, 2, dtype=m.bool), m.ones(1, 2, 3, dtype=m.bool)),
}


@pytest.mark.parametrize("case", NOTHING_TO_MULTIPLY_ERRORS)
def test_nothing_to_multiply_checks_beta_as_torch(case):
    check_error(NOTHING_TO_MULTIPLY_ERRORS[case])


BATCHES_THAT_DO_NOT_FIT = [  # torch expands input to a shape read off the batches before it checks them
    ("baddbmm", (2, 1, 5), (2, 1, 4), (2, 5, 4)),  # k transposed in an attention score: the expand's error
    ("baddbmm", (2, 1, 4), (2, 1, 4), (2, 5, 4)),  # input fits the misread shape: bmm's message
    ("baddbmm", (2, 1, 5), (3, 1, 4), (2, 4, 5)),
    ("baddbmm", (2, 1, 6), (2, 1), (2, 4, 5)),
    ("baddbmm", (2, 1, 6), (2, 1, 4), (2, 5)),  # batch2.size(2) of a matrix: an IndexError
    ("addbmm", (1, 5), (2, 1, 4), (2, 5, 4)),
    ("addbmm", (1, 4), (2, 1, 4), (2, 5, 4)),  # addbmm's own messages for the batches
    ("addbmm", (1, 4), (2, 1, 4), (3, 5, 4)),
    ("addbmm", (1, 6), (2,), (2, 4, 5)),
    ("addbmm", (1, 4), (2, 1, 4, 1), (2, 4, 4)),
]


@pytest.mark.parametrize("name,input,batch1,batch2", BATCHES_THAT_DO_NOT_FIT)
def test_batches_that_do_not_fit_raise_torchs_first_error(name, input, batch1, batch2):
    check_error(lambda m, c, a, b: getattr(m, name)(m.tensor(c), m.tensor(a), m.tensor(b)),
                np.ones(input), np.ones(batch1), np.ones(batch2))


@pytest.mark.parametrize("name,shapes", [("addmv", ((1,), (1, 3), (3,))), ("addr", ((2,), (1,), (2,))),
                                         ("addbmm", ((2,), (1, 1, 3), (1, 3, 2)))])
@pytest.mark.parametrize("alpha", [0, 0.5])
def test_beta_0_ignores_a_nan_input_that_requires_grad(name, shapes, alpha):
    """beta = 0 ignores input, NaNs too, and gives it a zero gradient; ours kept NaN when input needed a gradient
    (fuzz seed 163)."""
    arrays = [np.full(shapes[0], np.nan), np.ones(shapes[1]), np.ones(shapes[2])]
    check_parity(lambda m, c, a, b: getattr(m, name)(c, a, b, beta=0, alpha=alpha), arrays)


def test_float32_dot_is_mkls_sdot_bit_for_bit():
    """torch.dot and 1-D @ 1-D add the products in MKL's sdot order (ops/mkl_dot.py): numpy's made 40-90% of
    the results an ulp off (an LBFGS run printed other losses); strided vectors and long ones on several
    threads keep numpy's order. The order was measured on AVX2 (MKL picks its kernel by the CPU): on another
    machine numpy's order is kept, and the results agree to float32 rounding."""
    torch = require_torch()
    rng = np.random.default_rng(12)
    same = (lambda x, y: x.tobytes() == y.tobytes()) if CAPABILITY == "AVX2" else \
        (lambda x, y: np.allclose(x, y, rtol=1e-5, atol=1e-5))
    for n in list(range(0, 70)) + [100, 257, 1000, 8191]:
        for _ in range(3):
            a, b = (rng.standard_normal(n).astype(np.float32) for _ in range(2))
            ours, theirs = tinygrad_rnn.tensor(a), torch.tensor(a)
            assert same(tinygrad_rnn.dot(ours, tinygrad_rnn.tensor(b)).numpy(), torch.dot(theirs, torch.tensor(b)).numpy()), n
            assert same((ours @ tinygrad_rnn.tensor(b)).numpy(), (theirs @ torch.tensor(b)).numpy()), n
    check_parity(lambda m, x, y: m.dot(x, y), [rng.standard_normal(40).astype(np.float32),
                                                rng.standard_normal(40).astype(np.float32)])

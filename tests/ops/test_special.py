"""torch.special and the special functions of torch.*: values against torch in float64 over wide
ranges (poles, tails, the switch points between series), gradients, and torch's errors."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

WIDE = np.concatenate([np.linspace(-30, 30, 601), [-3.0, -0.5, 0.0, 1e-8, -1e-8, 0.5, 1.0, 100.0, 1e3, 1e5, 170.5]])
POSITIVE = np.concatenate([np.linspace(0.01, 60, 600), [1e-6, 9.0, 9.5, 10.0, 1e3, 1e6]])
BESSEL = np.concatenate([np.linspace(-700, 700, 1401), [-30.0, 29.999, 30.0, 30.001, 0.0, 1e-6]])
UNIT = np.concatenate([np.linspace(-1, 1, 2001), [1 - 1e-12, -1 + 1e-12, 1e-300, 0.5, 1.5, -2.0]])
PROBABILITY = np.concatenate([np.linspace(0, 1, 1001), [1e-300, 1e-100, 1e-20, 1 - 1e-10, -0.1, 1.1]])

# name, where torch keeps it, its inputs
CASES = [
    ("digamma", "", WIDE), ("lgamma", "", WIDE), ("erfinv", "", UNIT), ("i0", "", BESSEL), ("sinc", "", WIDE),
    ("entr", "special", WIDE), ("erfcx", "special", WIDE), ("log_ndtr", "special", np.append(WIDE, [-40.0, -1e5])),
    ("ndtri", "special", PROBABILITY), ("i0e", "special", BESSEL), ("i1", "special", BESSEL),
    ("i1e", "special", BESSEL), ("expit", "special", WIDE), ("gammaln", "special", WIDE), ("psi", "special", WIDE),
    ("logit", "special", PROBABILITY),
]


def _fn(module, name: str, where: str):
    return getattr(module.special if where else module, name)


@pytest.mark.parametrize(("name", "where", "x"), CASES, ids=[c[0] for c in CASES])
def test_values_match_torch_in_float64_over_a_wide_range(name, where, x):
    torch = require_torch()
    ours = _fn(tinygrad_rnn, name, where)(tinygrad_rnn.tensor(x)).numpy()
    theirs = _fn(torch, name, where)(torch.tensor(x)).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    finite = np.isfinite(theirs)
    np.testing.assert_array_equal(ours[~finite], theirs[~finite])
    # expit (sigmoid, tanh-based here) is exact to float64 rounding of 1, not relative in its far tail
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-10, atol=1e-16 if name == "expit" else 1e-300)


def test_polygamma_and_zeta_match_torch_away_from_the_poles():
    torch = require_torch()
    x = np.concatenate([POSITIVE, [-0.5, -1.5, -2.3]])
    for n in range(5):
        np.testing.assert_allclose(tinygrad_rnn.polygamma(n, tinygrad_rnn.tensor(x)).numpy(),
                                   torch.polygamma(n, torch.tensor(x)).numpy(), rtol=1e-10)
    for s in (1.5, 2.0, 3.7, 10.0):
        np.testing.assert_allclose(tinygrad_rnn.special.zeta(s, tinygrad_rnn.tensor(POSITIVE)).numpy(),
                                   torch.special.zeta(torch.tensor(s, dtype=torch.float64),
                                                      torch.tensor(POSITIVE)).numpy(), rtol=1e-10)


def test_ndtr_matches_torch_where_it_has_digits():
    torch = require_torch()
    ours = tinygrad_rnn.special.ndtr(tinygrad_rnn.tensor(WIDE)).numpy()
    np.testing.assert_allclose(ours, torch.special.ndtr(torch.tensor(WIDE)).numpy(), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("name", ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
                                  "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
                                  "shifted_chebyshev_polynomial_u", "hermite_polynomial_h", "hermite_polynomial_he",
                                  "laguerre_polynomial_l", "legendre_polynomial_p"])
def test_orthogonal_polynomials_match_torch(name):
    torch = require_torch()
    x = np.linspace(-0.95, 0.95, 39)
    for n in (0, 1, 2, 5, 9, -1):
        ours = getattr(tinygrad_rnn.special, name)(tinygrad_rnn.tensor(x), n)
        theirs = getattr(torch.special, name)(torch.tensor(x), n)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)
    degrees = np.array([0, 3, 4, 7])
    check_parity(lambda m, t, k: getattr(m.special, name)(t, k), [np.float32([0.1, -0.3, 0.6, 0.2]), degrees])


@pytest.mark.parametrize("name", ["modified_bessel_i0", "modified_bessel_i1", "spherical_bessel_j0"])
def test_bessel_functions_outside_the_graph(name):
    check_parity(lambda m, t: getattr(m.special, name)(t), [np.linspace(-40, 40, 81)], requires_grad=[False])
    check_parity(lambda m, t: getattr(m.special, name)(t), [np.float32([0.0, 1.5])], requires_grad=[False])


@pytest.mark.parametrize("name", ["entr", "erfcx", "log_ndtr", "i0e", "i1", "i1e", "expit", "psi", "gammaln",
                                  "erf", "erfc", "erfinv", "exp2", "expm1", "log1p", "sinc", "i0", "digamma"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_special_gradients_match_torch(name, dtype):
    x = np.array([[0.3, 1.7, 2.5], [0.05, 4.0, 0.9]], dtype=dtype) * (0.3 if name == "erfinv" else 1)
    check_parity(lambda m, t: getattr(m.special, name)(t), [x])
    check_parity(lambda m, t: getattr(m.special, name)(t), [-x if name not in ("entr", "psi", "gammaln",
                                                                                "digamma") else x + 1])


def test_second_derivatives_and_gradcheck_in_float64():
    x = tinygrad_rnn.tensor([0.3, -1.2, 2.5, 0.01], dtype=tinygrad_rnn.float64, requires_grad=True)
    for fn in (tinygrad_rnn.special.i0e, tinygrad_rnn.special.i1, tinygrad_rnn.special.i1e, tinygrad_rnn.special.erfcx,
               tinygrad_rnn.special.log_ndtr, tinygrad_rnn.sinc):
        assert tinygrad_rnn.autograd.gradcheck(fn, (x,))
        assert tinygrad_rnn.autograd.gradgradcheck(fn, (x,))
    p = tinygrad_rnn.tensor([0.1, 0.5, 0.97], dtype=tinygrad_rnn.float64, requires_grad=True)
    assert tinygrad_rnn.autograd.gradgradcheck(tinygrad_rnn.special.ndtri, (p,))
    assert tinygrad_rnn.autograd.gradgradcheck(lambda t: tinygrad_rnn.special.logit(t, 1e-3), (p,))
    at_zero = tinygrad_rnn.tensor([0.0], dtype=tinygrad_rnn.float64, requires_grad=True)
    for fn in (tinygrad_rnn.special.i1, tinygrad_rnn.special.i1e, tinygrad_rnn.sinc):  # the removable 0/0 at 0
        assert tinygrad_rnn.autograd.gradcheck(fn, (at_zero,))


def test_xlog1py_and_entr_at_their_edges():
    x = np.array([0.0, 0.0, 1.0, 2.0, 0.0])
    y = np.array([-1.0, -2.0, -1.0, 3.0, 0.5])
    check_parity(lambda m, a, b: m.special.xlog1py(a, b), [x, y])
    check_parity(lambda m, b: m.special.xlog1py(2.0, b), [np.array([0.5, 3.0])])
    check_parity(lambda m, a: m.special.xlog1py(a, 2.0), [np.array([0.5, 3.0])])
    check_parity(lambda m, a: m.special.entr(a), [np.array([0.0, 0.5, 2.0])])


def test_logit_with_eps_is_flat_outside_and_polygamma_method_forms():
    check_parity(lambda m, t: m.logit(t, 0.2), [np.array([0.1, 0.5, 0.9, 0.3])])
    check_parity(lambda m, t: m.special.logit(t), [np.array([0.1, 0.5, 0.9])])
    check_parity(lambda m, t: t.polygamma(2), [np.array([0.7, 3.0])])
    check_parity(lambda m, t: t.clone().polygamma_(1), [np.array([0.7, 3.0])], requires_grad=[False])
    check_parity(lambda m, t: m.special.multigammaln(t, 3), [np.array([2.5, 4.0])])
    check_parity(lambda m, t: t.mvlgamma(2), [np.array([2.5, 4.0])])


def test_integer_inputs_become_the_default_float():
    for name in ("digamma", "lgamma", "erfinv", "i0", "sinc", "logit"):
        check_parity(lambda m, t, name=name: getattr(m, name)(t), [np.array([0, 1, 3])])
    check_parity(lambda m, t: m.polygamma(1, t), [np.array([1, 3])])


def test_errors_of_torch():
    check_error(lambda m: m.polygamma(-1, m.tensor([1.0])))
    check_error(lambda m: m.special.zeta(m.tensor([2.0], requires_grad=True), m.tensor([1.0])).sum().backward())


def test_incomplete_gamma_matches_torch_and_differentiates_in_x():
    torch = require_torch()
    a = np.repeat([0.1, 0.5, 1.0, 2.5, 10.0, 50.0, 300.0], 30)
    x = np.tile(np.linspace(0, 80, 30), 7)
    edges_a, edges_x = np.array([0.0, 0.0, 1.0, -1.0, 2.0]), np.array([0.0, 1.0, -1.0, 1.0, np.inf])
    for ours, theirs in ((tinygrad_rnn.special.gammainc, torch.special.gammainc),
                         (tinygrad_rnn.special.gammaincc, torch.special.gammaincc)):
        got = ours(tinygrad_rnn.tensor(a), tinygrad_rnn.tensor(x)).numpy()
        # torch's own series lose about 1e-9 for large a (mpmath agrees with the values here)
        np.testing.assert_allclose(got, theirs(torch.tensor(a), torch.tensor(x)).numpy(), rtol=1e-8, atol=1e-300)
        np.testing.assert_array_equal(ours(tinygrad_rnn.tensor(edges_a), tinygrad_rnn.tensor(edges_x)).numpy(),
                                      theirs(torch.tensor(edges_a), torch.tensor(edges_x)).numpy())
    check_parity(lambda m, a_, x_: m.igamma(a_, x_), [np.array([0.5, 2.0, 3.0]), np.array([0.3, 1.0, 5.0])],
                 requires_grad=[False, True])
    check_parity(lambda m, a_, x_: a_.igammac(x_), [np.float32([0.5, 2.0]), np.float32([0.3, 4.0])],
                 requires_grad=[False, True])
    check_parity(lambda m, a_, x_: a_.clone().igamma_(x_), [np.array([0.5, 2.0]), np.array([0.3, 4.0])],
                 requires_grad=[False, False])
    xs = tinygrad_rnn.tensor([0.3, 1.0, 5.0], dtype=tinygrad_rnn.float64, requires_grad=True)
    assert tinygrad_rnn.autograd.gradgradcheck(lambda t: tinygrad_rnn.special.gammaincc(tinygrad_rnn.tensor(2.5), t), (xs,))
    check_error(lambda m: m.igamma(m.tensor([1.0], requires_grad=True), m.tensor([1.0])).sum().backward())


def test_lgamma_of_minus_infinity_is_infinity_as_torch():
    """math.floor(-inf) raised an OverflowError before the pole test could say it is no pole."""
    check_parity(lambda m, t: m.lgamma(t), [np.array([-np.inf, np.inf, 0.0, -2.0, -2.5])], requires_grad=[False])


def _polynomial_dtypes(m):
    seen = []
    for x in (m.tensor([0.5, 1.0]), m.tensor([1, 2]), m.tensor([0.5], dtype=m.float64), m.tensor(True)):
        for n in (2, 2.5, m.tensor(2), m.tensor(2.0, dtype=m.float64), m.tensor([2.0, 3.0], dtype=m.float64)):
            seen.append(str(m.special.legendre_polynomial_p(x, n).dtype))
    return seen


def test_polynomial_of_a_tensor_and_a_float_degree_keeps_torchs_result_dtype():
    assert _polynomial_dtypes(tinygrad_rnn) == _polynomial_dtypes(require_torch())  # (x, 2.5): float32, not float64


def test_float32_sinc_rounds_pi_x_in_float32_as_torch():
    torch = require_torch()
    x = np.concatenate([np.arange(-20, 20, 0.5, dtype=np.float32), np.float32([1e-20, -3.7, 12.25])])
    ours, theirs = tinygrad_rnn.sinc(tinygrad_rnn.tensor(x)).numpy(), torch.sinc(torch.tensor(x)).numpy()
    assert np.array_equal(ours.view(np.int32), theirs.view(np.int32))  # sinc(-2.) is a tiny positive number, not -0.


def test_zeta_of_s_below_1_is_nan_even_at_a_pole_of_q():
    # s is looked at first: s = 1 is inf, s < 1 nan, and only then q = 0, -1, ... inf
    s, q = np.meshgrid(np.arange(-3.0, 4.0), np.arange(-3.0, 4.0))
    check_parity(lambda m, a, b: m.special.zeta(a, b), [s, q], requires_grad=[False, False])
    check_parity(lambda m, a, b: m.special.zeta(a, b), [s.astype(np.int64), q.astype(np.int64)])


@pytest.mark.parametrize("call", [
    lambda m, x: m.special.ndtr(x), lambda m, x: m.special.round(x), lambda m, x: m.special.round(x, decimals=1),
    lambda m, x: m.round(x), lambda m, x: m.round(x, decimals=0),
])
def test_node_names_are_torchs(call):
    """torch.special.ndtr ends in a multiplication by a C++ scalar (MulBackward1); torch.special.round
    always passes decimals (RoundBackward1), torch.round only when given."""
    torch = require_torch()
    names = [call(m, m.tensor([0.25, -1.5], requires_grad=True)).grad_fn.name() for m in (tinygrad_rnn, torch)]
    assert names[0] == names[1]


def _special_args(name, x):
    """Arguments for torch.special.`name` at x (tensor first but where torch wants another order)."""
    if name == "polygamma":
        return (1, x)
    if name == "multigammaln":
        return (x + 2, 1)
    if name in ("xlogy", "xlog1py", "zeta", "gammainc", "gammaincc"):
        return (x, x)
    if "polynomial" in name:
        return (x, 2)
    return (x, 0) if "softmax" in name or name == "logsumexp" else (x,)


def test_every_special_function_but_the_softmaxes_takes_out_as_torch():
    torch = require_torch()
    for name in tinygrad_rnn.special.__all__:
        results = []
        for m in (tinygrad_rnn, torch):
            x, out = m.tensor([0.25, 0.5], dtype=m.float64), m.empty(2, dtype=m.float64)
            out = out[:1].squeeze() if name == "logsumexp" else out
            try:
                returned = getattr(m.special, name)(*_special_args(name, x), out=out)
                values = np.nan_to_num(np.round(returned.tolist(), 10), nan=-7.0).tolist()  # (nan != nan)
                results.append((returned is out, values))
            except TypeError:
                results.append("TypeError")
        assert results[0] == results[1], name


# ------------------------------------------------------------------ Bessel and Airy: torch's approximations (ops/bessel.py)
BESSEL = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
          "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
          "spherical_bessel_j0"]
# every range each function treats apart and their edges, signed zeros, tiny and huge values, inf and nan
BESSEL_GRID = np.concatenate([[0.0, -0.0, 1e-300, 1e-6, -1e-6, 1e-5, 2.0, 2.09, -2.09, 5.0, 8.0, 8.3203353, 103.892,
                               103.9, np.inf, -np.inf, np.nan, 700, 710, -710, 1e5, -1e5],
                              np.linspace(-30, 30, 121), np.geomspace(1e-8, 1e3, 25), -np.geomspace(1e-8, 1e3, 25)])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", BESSEL)
def test_bessel_and_airy_functions_match_torch_on_every_range(name, dtype):
    check_parity(lambda m, x: getattr(m.special, name)(x), [BESSEL_GRID.astype(dtype)])


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_and_airy_functions_have_no_graph_and_refuse_numbers_and_half_as_torch(name):
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        assert not getattr(m.special, name)(m.ones(2, requires_grad=True)).requires_grad
    check_parity(lambda m: getattr(m.special, name)(m.tensor([[1, 2], [3, 4]])))  # integers: the default dtype
    check_parity(lambda m: getattr(m.special, name)(m.tensor(1.5, dtype=m.float64)))  # 0-d
    check_error(lambda m: getattr(m.special, name)(m.ones(2, dtype=m.float16)))
    check_error(lambda m: getattr(m.special, name)(2.0))


def test_orthogonal_polynomials_refuse_half_as_torch():
    check_error(lambda m: m.special.chebyshev_polynomial_t(m.ones(2, dtype=m.float16), 2))
    check_error(lambda m: m.special.hermite_polynomial_he(2.0, m.ones(2, dtype=m.float16)))
    check_parity(lambda m: m.special.hermite_polynomial_he(m.ones(2), m.ones(2, dtype=m.float16)))  # float32

"""Reductions, the softmax family, sorting and cumulative ops against torch and finite differences."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import shapes


@st.composite
def shape_and_dim(draw, min_dims=1, min_side=1):
    shape = draw(shapes(min_dims=min_dims, min_side=min_side))
    dim = draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0
    return shape, dim


@st.composite
def shape_and_dims(draw):
    """A shape and a dim argument: None, an int or a tuple of distinct dims."""
    shape = draw(shapes(min_dims=1, min_side=0))
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return shape, None
    if choice == "int":
        return shape, draw(st.integers(-len(shape), len(shape) - 1))
    dims = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    return shape, tuple(dims)


DTYPES = st.sampled_from(["float64", "float32"])


@settings(max_examples=15)
@given(case=shape_and_dims(), keepdim=st.booleans(), dtype=DTYPES)
def test_sum_matches_torch(case, keepdim, dtype):
    shape, dim = case
    if dim is None:
        check_parity(lambda m, x: x.sum(), shapes=[shape], dtype=dtype)
    else:
        check_parity(lambda m, x: x.sum(dim, keepdim=keepdim), shapes=[shape], dtype=dtype)


@settings(max_examples=15)
@given(case=shape_and_dims(), keepdim=st.booleans(), dtype=DTYPES)
def test_mean_matches_torch(case, keepdim, dtype):
    shape, dim = case
    if dim is None:
        check_parity(lambda m, x: x.mean(), shapes=[shape], dtype=dtype)
    else:
        check_parity(lambda m, x: m.mean(x, dim=dim, keepdim=keepdim), shapes=[shape], dtype=dtype)


@settings(max_examples=10)
@given(case=shape_and_dims(), keepdim=st.booleans(), unbiased=st.booleans(), dtype=DTYPES)
def test_var_and_std_match_torch(case, keepdim, unbiased, dtype):
    shape, dim = case
    if 0 in shape:
        return  # torch warns about zero degrees of freedom; covered by the nan test below
    check_parity(lambda m, x: x.var(dim, unbiased=unbiased, keepdim=keepdim), shapes=[shape], dtype=dtype)
    # std's gradient (x - mean) / (n * std) is ill-conditioned when values nearly coincide, so the
    # generated case runs in float64; float32 is checked on well-separated values below
    check_parity(lambda m, x: (x * x + 1).std(dim, correction=int(unbiased), keepdim=keepdim), shapes=[shape])


def test_float32_std_matches_torch():
    x = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]], dtype=np.float32)
    check_parity(lambda m, x: (x.std(), x.std(1), x.std(0, unbiased=False)), [x])


def test_std_of_constant_has_zero_gradient_like_torch():
    check_parity(lambda m, x: (x.std(), x.std(0)), [np.ones((3, 2))])


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp", "nanmean", "count_nonzero", "all", "any", "nansum",
                                  "var", "amax"])
@pytest.mark.parametrize("dims", [(0, -1, -2), (-1, 0, 3)])
def test_a_repeated_dim_before_one_out_of_range_is_reported_as_torch(name, dims):
    """sum, mean, logsumexp, any, all, count_nonzero (and nanmean, through sum) check every dim's range before
    looking for a repeat (IndexError); nansum and var check each in turn (RuntimeError). Fuzz seed 129."""
    check_error(lambda m: getattr(m, name)(m.zeros(3), dims))
    if name == "nansum":  # its own in-turn check comes after the parser's (fuzz seed 128)
        check_error(lambda m: m.nansum(m.zeros(3), dims, keepdim=None))


@pytest.mark.parametrize("correction", [-1, -0.5, 0, 1])
def test_var_and_std_of_no_elements_are_nan_whatever_the_correction(correction):
    """A negative correction leaves a positive divisor for zero elements: still NaN in torch (fuzz seed 200)."""
    torch = require_torch()
    for shape, dim in [((0,), None), ((0, 3, 0), None), ((0, 3), 0), ((3, 0), (1,))]:
        results = []
        for m in (tinygrad_rnn, torch):
            x = m.zeros(shape)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (torch's no-degrees-of-freedom warning; another test checks it)
                results.append([t.numpy() for t in (m.var(x, dim, correction=correction),
                                                     *m.std_mean(x, dim, correction=correction))])
        for ours, theirs in zip(*results):
            assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
            np.testing.assert_array_equal(ours, theirs)


@settings(max_examples=15)
@given(case=shape_and_dim(), keepdim=st.booleans(), dtype=DTYPES, largest=st.booleans())
def test_max_min_with_dim_match_torch(case, keepdim, dtype, largest):
    shape, dim = case
    if largest:
        check_parity(lambda m, x: tuple(x.max(dim, keepdim=keepdim)), shapes=[shape], dtype=dtype)
    else:
        check_parity(lambda m, x: tuple(m.min(x, dim=dim, keepdim=keepdim)), shapes=[shape], dtype=dtype)


@settings(max_examples=10)
@given(case=shape_and_dims(), keepdim=st.booleans(), dtype=DTYPES)
def test_amax_amin_match_torch(case, keepdim, dtype):
    shape, dim = case
    if 0 in shape:
        return
    dim = dim if dim is not None else ()
    check_parity(lambda m, x: x.amax(dim, keepdim), shapes=[shape], dtype=dtype)
    check_parity(lambda m, x: x.amin(dim, keepdim), shapes=[shape], dtype=dtype)


def test_full_max_with_ties_shares_the_gradient_like_torch():
    check_parity(lambda m, x: (x.max(), x.min()), [np.array([[1.0, 3.0, 3.0], [0.0, 0.0, 2.0]])])


def test_max_min_take_other_by_keyword_like_torch():
    # d2l's relu by hand: torch.max(input=X, other=torch.tensor(0.0)), the elementwise overload by name
    check_parity(lambda m, x, y: (m.max(input=x, other=y), m.min(x, other=y), x.max(other=y), x.min(other=y)),
                 shapes=[(3, 4), (4,)])
    name = tinygrad_rnn.max(tinygrad_rnn.ones(2, requires_grad=True), other=tinygrad_rnn.zeros(())).grad_fn.name()
    assert name == require_torch().max(require_torch().ones(2, requires_grad=True), other=require_torch().zeros(())) \
        .grad_fn.name()


@pytest.mark.parametrize("call", [lambda m, x: m.max(x, other=0), lambda m, x: m.min(x, other=x, keepdim=True),
                                  lambda m, x: m.max(x, 0, other=x), lambda m, x: m.max(x, x, other=x)])
def test_max_min_other_by_keyword_fits_no_other_overload(call):
    check_error(lambda m, x: call(m, m.tensor(x)), np.ones(3))


def test_max_with_dim_ties_pick_the_first_index_like_torch():
    check_parity(lambda m, x: tuple(x.max(1)) + tuple(x.min(0)), [np.array([[1.0, 3.0, 3.0], [1.0, 1.0, 2.0]])])


@settings(max_examples=15)
@given(case=shape_and_dim(), dtype=DTYPES, scale=st.sampled_from([1.0, 30.0, 1000.0]))
def test_softmax_family_matches_torch_and_is_stable(case, dtype, scale):
    shape, dim = case
    fns = [lambda m, x: x.softmax(dim), lambda m, x: m.log_softmax(x * scale, dim=dim),
           lambda m, x: m.logsumexp(x * scale, dim)]
    for fn in fns:
        check_parity(fn, shapes=[shape], dtype=dtype, tol=dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else None)


@pytest.mark.parametrize("fn", [
    lambda m, x: x.softmax(1), lambda m, x: x.log_softmax(0), lambda m, x: x.logsumexp((0, 1)),
    lambda m, x: x.sum(0), lambda m, x: x.mean(1, keepdim=True), lambda m, x: x.var(1),
    lambda m, x: x.std(), lambda m, x: x.prod(1), lambda m, x: x.prod(), lambda m, x: x.norm(),
    lambda m, x: x.norm(dim=1), lambda m, x: x.norm(p=1), lambda m, x: x.norm(p=3, dim=0),
    lambda m, x: x.cumsum(1), lambda m, x: x.cumprod(0), lambda m, x: x.max(1)[0],
    lambda m, x: x.amax(0), lambda m, x: x.sort(1)[0], lambda m, x: x.topk(2, 1)[0],
    lambda m, x: x.kthvalue(2, 1)[0], lambda m, x: x.median(1)[0], lambda m, x: x.median(),
])
def test_reduction_gradients_match_finite_differences(fn):
    x = np.random.default_rng(3).permutation(np.linspace(-2, 2, 12)).reshape(3, 4)  # distinct values
    check_finite_differences(fn, [x])


@settings(max_examples=10)
@given(case=shape_and_dims(), dtype=DTYPES)
def test_prod_matches_torch(case, dtype):
    shape, dim = case
    if isinstance(dim, tuple):
        dim = dim[0]
    fn = (lambda m, x: x.prod()) if dim is None else (lambda m, x: x.prod(dim, keepdim=True))
    check_parity(fn, shapes=[shape], dtype=dtype)


@pytest.mark.parametrize("values", [
    [[0.0, 2.0, 3.0], [1.0, 2.0, 3.0]],  # one zero in a row
    [[0.0, 0.0, 3.0], [1.0, 0.0, 3.0]],  # two zeros in a row
])
def test_prod_gradient_with_zeros_matches_torch_to_second_order(values):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(values, dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad(x.prod(1).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * m.tensor([[1.0, 2.0, 3.0]], dtype=m.float64)).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


@pytest.mark.parametrize("mean", [lambda x: x.mean(), lambda x: x.mean(0), lambda x: x.mean((0, 1), keepdim=True),
                                  lambda x: x.mean(-1, keepdim=True)])
def test_mean_gradient_under_create_graph_is_torchs_scalar_division(mean):
    """torch's mean backward divides by the count as a Scalar: DivBackward1 (ours showed DivBackward0)."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        x, w = m.randn(3, 4, requires_grad=True), m.randn(1, requires_grad=True)
        (g,) = m.autograd.grad((mean(x) * w).sum(), x, create_graph=True)
        names.append(g.grad_fn.name())
    assert names[0] == names[1]


@settings(max_examples=10)
@given(case=shape_and_dim(), dtype=DTYPES)
def test_cumulative_ops_match_torch(case, dtype):
    shape, dim = case
    check_parity(lambda m, x: (x.cumsum(dim), m.cumprod(x, dim)), shapes=[shape], dtype=dtype)


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
@pytest.mark.parametrize(("shape", "dim"), [((1000,), 0), ((7, 300), 1), ((300, 7), 0)])
def test_float32_scans_add_up_in_double_as_torchs_bit_for_bit(fn, shape, dim):
    """torch's CPU cumsum and cumprod keep a float32 running total in double (acc_type), rounding each
    output once: a float32 total differs in the last bits, values and gradients alike."""
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) * np.exp(rng.uniform(-3, 3, shape))).astype(np.float32)
    x = x if fn == "cumsum" else (1 + x * 0.01).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    results = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(x, requires_grad=True)
        y = getattr(m, fn)(t, dim)
        y.backward(m.tensor(g))
        results.append((y.detach().numpy(), t.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("shape", "dim"), [((300, 50), 1), ((20, 203), -1), ((3, 4, 100), 2), ((3000,), None),
                                            ((50, 40), 0), ((4, 50, 3), 1), ((6, 5), 1)])
def test_prod_multiplies_in_torchs_order_bit_for_bit(dtype, shape, dim):
    """torch's vectorized product over the last dim keeps four vector accumulators (reduction128);
    numpy's order was an ulp off for most rows of 50 or more."""
    torch = require_torch()
    x = (1 + np.random.default_rng(2).standard_normal(shape) * 0.05).astype(dtype)
    results = [(m.tensor(x).prod() if dim is None else m.tensor(x).prod(dim)).numpy() for m in (tinygrad_rnn, torch)]
    np.testing.assert_array_equal(*results)


def test_cumprod_gradient_with_a_zero_matches_torch():
    check_parity(lambda m, x: x.cumprod(0), [np.array([2.0, 0.0, 3.0, 0.5])])


@settings(max_examples=10)
@given(case=shape_and_dim(), descending=st.booleans(), dtype=DTYPES)
def test_sort_and_argsort_match_torch(case, descending, dtype):
    shape, dim = case
    check_parity(lambda m, x: tuple(x.sort(dim, descending=descending)) + (m.argsort(x, dim, descending),),
                 shapes=[shape], dtype=dtype)


def test_stable_sort_keeps_ties_in_order_like_torch():
    x = np.array([2.0, 1.0, 2.0, 1.0, 3.0])
    check_parity(lambda m, x: tuple(m.sort(x, descending=True, stable=True)) + tuple(x.sort(stable=True)), [x])


@settings(max_examples=10)
@given(case=shape_and_dim(), data=st.data(), largest=st.booleans())
def test_topk_matches_torch(case, data, largest):
    shape, dim = case
    k = data.draw(st.integers(0, shape[dim]))
    values = np.random.default_rng(0).permutation(np.prod(shape)).reshape(shape).astype(np.float64)
    check_parity(lambda m, x: tuple(x.topk(k, dim, largest=largest)), [values])


def test_kthvalue_and_median_match_torch():
    x = np.random.default_rng(2).permutation(24).reshape(2, 3, 4).astype(np.float64)
    check_parity(lambda m, x: tuple(x.kthvalue(2, 1)) + tuple(x.median(2, keepdim=True)) + (x.median(),), [x])


def test_argmax_argmin_match_torch():
    x = np.array([[1.0, 5.0, 5.0], [np.nan, 0.0, 1.0]])
    check_parity(lambda m, x: (x.argmax(), x.argmax(1), m.argmin(x, dim=0, keepdim=True), x.argmax(dim=-1)), [x])


def test_return_types_print_like_torch():
    torch = require_torch()
    data = [[1.0, 4.0], [3.0, 2.0]]
    for fn in (lambda m, x: x.max(1), lambda m, x: x.min(0), lambda m, x: x.topk(1), lambda m, x: x.sort(),
               lambda m, x: x.median(1), lambda m, x: x.kthvalue(1)):
        assert repr(fn(tinygrad_rnn, tinygrad_rnn.tensor(data))) == repr(fn(torch, torch.tensor(data)))
    values, indices = tinygrad_rnn.tensor(data).max(dim=1)
    assert values.tolist() == [4.0, 3.0] and indices.tolist() == [1, 0]


def test_mean_of_empty_is_nan_and_integer_sum_is_int64_like_torch():
    torch = require_torch()
    for fn in (lambda m: m.zeros(0).mean(), lambda m: m.tensor([True, True]).sum(),
               lambda m: m.tensor([1, 2], dtype=m.int32).sum(), lambda m: m.tensor([1, 2]).prod(),
               lambda m: m.tensor([1, 2], dtype=m.int32).cumsum(0), lambda m: m.ones(1).var()):
        ours, theirs = fn(tinygrad_rnn), fn(torch)
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# The signatures measured from torch 2.13 when these ops were declared (ops/reduce.py, ops/linalg.py).
@pytest.mark.parametrize("call", [
    lambda m: m.median(m.ones(3), None),
    lambda m: m.ones(3).median(None),
    lambda m: m.ones(3).median(dim=None),
    lambda m: m.median(m.ones(3), keepdim=True),
    lambda m: m.topk(m.ones(3), 1, None),
    lambda m: m.ones(3).topk(1, None),
    lambda m: m.ones(3).kthvalue(1, None),
    lambda m: m.kthvalue(m.ones(3), 1, None),
    lambda m: m.ones(3).softmax("a"),
    lambda m: m.softmax(m.ones(3), None),
    lambda m: m.ones(3).log_softmax(None),
    lambda m: m.norm(m.ones(3), 1, 0, True, m.float64),  # torch.norm's fifth argument is out
    lambda m: m.norm(m.ones(3), out=m.zeros((), dtype=m.float64)),
    lambda m: m.norm(m.ones(3, requires_grad=True), out=m.zeros(())),
    lambda m: m.ones(2, 2).mm(m.ones(2, 2, 2)),
    lambda m: m.adjoint(m.ones(3)),
    lambda m: m.ones(3).std(0, keepdim=1.5),  # a keepdim that is no bool fits none of var/std's overloads
    lambda m: m.std(m.ones(3), 0, True, 2),
    lambda m: m.var_mean(m.ones(3), 0, keepdim=1),
    lambda m: m.std_mean(m.ones(3), keepdim=m.tensor(True)),
])
def test_declared_reductions_and_products_refuse_what_torch_refuses(call):
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m, x: m.norm(x, 1, 0, True), lambda m, x: m.norm(x, p=3, dim=-1, dtype=m.float64),
    lambda m, x: x.norm(1, 0, True, m.float64),
    lambda m, x: m.sort(x, stable=True).values, lambda m, x: x.sort(dim=0, descending=True, stable=False).values,
    lambda m, x: x.median(0, True).values, lambda m, x: x.kthvalue(k=2, dim=0, keepdim=True).values,
    lambda m, x: x.topk(k=2, dim=0, largest=False).values, lambda m, x: m.mv(x, vec=x[0]),
    lambda m, x: x[0].dot(tensor=x[1]), lambda m, x: x.mm(mat2=x.t()), lambda m, x: m.rsub(x, 2.0, alpha=3),
    lambda m, x: m.rsub(x, x[0]), lambda m, x: x.adjoint(), lambda m, x: m.angle(x), lambda m, x: x.angle(),
])
def test_declared_reductions_and_products_take_torchs_arguments(call):
    check_parity(call, shapes=[(3, 3)])


@pytest.mark.parametrize("call", [lambda m: m.sort(m.ones(3), 0, False, True), lambda m: m.ones(3).argsort(0, False, True)])
def test_sorts_stable_is_keyword_only(call):  # the type only: Python words the message, torch lists its overloads
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError):
            call(m)


def test_inplace_functions_and_out_of_the_declared_products():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((3, 3))
    for name in ("exp_", "relu_", "sigmoid_", "tanh_", "abs_", "zero_"):
        results = []
        for m in (tinygrad_rnn, torch):
            t = m.tensor(x)
            assert getattr(m, name)(t) is t
            results.append(t.numpy())
        np.testing.assert_allclose(results[0], results[1], rtol=1e-15, atol=0)
    for m in (tinygrad_rnn, torch):
        t = m.tensor(x)
        assert m.clamp_(t, min=0.0) is t and m.fill_(t, 2.0) is t and t.sum().item() == 18.0
        out = m.zeros(3, dtype=m.float64)
        assert m.mv(m.tensor(x), m.tensor(x[0]), out=out) is out
        np.testing.assert_allclose(out.numpy(), x @ x[0], rtol=1e-12)
        assert m.floor_divide(m.tensor([7, -7]), 2).tolist() == [3, -4]
        assert m.tensor([7, -7]).floor_divide_(2).tolist() == [3, -4]


@pytest.mark.parametrize(("name", "call", "outs"), [
    ("sort_out", lambda m, x, out: m.sort(x, 1, out=out), ((3, 4), (3, 4))),
    ("topk_out", lambda m, x, out: m.topk(x, 2, out=out), ((3, 2), (3, 2))),
    ("kthvalue_out", lambda m, x, out: m.kthvalue(x, 2, 0, out=out), ((4,), (4,))),
    ("median_out", lambda m, x, out: m.median(x, -1, True, out=out), ((3, 1), (3, 1))),
])
def test_ops_of_two_results_write_into_a_tuple_out_as_torch(name, call, outs):
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((3, 4))
    results = []
    for m in (tinygrad_rnn, torch):
        out = (m.zeros(outs[0], dtype=m.float64), m.zeros(outs[1], dtype=m.int64))
        got = call(m, m.tensor(x), out)
        assert type(got).__name__ == name and got[0] is out[0] and got[1] is out[1]
        assert repr(got).startswith(f"torch.return_types.{name}(\nvalues=")
        results.append([o.numpy() for o in out])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)
    check_error(lambda m: m.sort(m.ones(3), out=(m.zeros(3),)))


SPREAD_WITHOUT_DEGREES_OF_FREEDOM = [
    lambda m: m.ones(1).std(), lambda m: m.ones(1).var(), lambda m: m.var_mean(m.ones(1)),
    lambda m: m.std_mean(m.ones(2), correction=2), lambda m: m.ones(2, 3).var(0, correction=3),
    lambda m: m.ones(0).var(), lambda m: m.ones(2, 0).var(1), lambda m: m.ones(1, dtype=m.float16).std(),
    lambda m: m.ones(2).var(correction=2.5), lambda m: m.ones(3).var(), lambda m: m.ones(1, 4).std(0, keepdim=True),
]


@pytest.mark.parametrize("call", SPREAD_WITHOUT_DEGREES_OF_FREEDOM)
def test_var_and_std_without_degrees_of_freedom_warn_as_torch(call):
    """A batch of one through a hand-written batch norm (makemore part 3) takes the std of one row:
    torch warns on every such call, naming the function, and returns nan."""
    import warnings
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call(m)
        values = [r.tolist() for r in (result if isinstance(result, tuple) else (result,))]
        seen.append(([(w.category, str(w.message)) for w in caught], str(values)))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("fn", ["var", "std"])
def test_var_and_std_gradients_are_torchs_formula_and_one_node(fn):
    """torch's VarBackward0 is 2 / (N - correction) * g * (x - mean), with no part through the mean; the
    node's only edge is the input. Compared in float64 against torch to 1e-13."""
    torch = require_torch()
    x = np.random.default_rng(3).standard_normal((6, 5)) * 3 + 1
    grads = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(x, requires_grad=True)
        y = getattr(t, fn)(0, keepdim=True) * 1
        y.backward(m.tensor(np.linspace(-1, 1, 5).reshape(1, 5)))
        edges = [type(n).__name__ for n, _ in y.grad_fn.next_functions[0][0].next_functions]
        grads.append((t.grad.numpy(), edges))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-13, atol=1e-15)
    assert grads[0][1] == grads[1][1] == ["AccumulateGrad"]


SOFTMAX_CASES = [((64, 3), 1), ((64, 10), -1), ((16, 33), 1), ((8, 100), 1), ((2, 1000), 1), ((10, 64), 0),
                 ((4, 5, 6), 1), ((3, 7, 33), 1), ((5,), 0), ((2, 3, 4), 2), ((3, 20, 2), 1)]


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", SOFTMAX_CASES)
@pytest.mark.parametrize("threads", [1, 2])
def test_float32_softmax_rounds_as_torchs_kernels(name, shape, dim, threads):
    # ops/vector_math.py: torch's vector exp (SLEEF's expf) and its lane order of the sum; numpy's exp and
    # pairwise sum left about half of the float32 softmax values an ulp away from torch's. Along a dim
    # that is not the last, which columns take the vector exp depends on the thread count.
    torch = require_torch()
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    results, before = [], (torch.get_num_threads(), tinygrad_rnn.get_num_threads())
    for m in (tinygrad_rnn, torch):
        m.set_num_threads(threads)
        try:
            t = m.tensor(x, requires_grad=True)
            y = getattr(m, name)(t, dim)
            y.backward(m.tensor(g))
            results.append((y.detach().numpy(), t.grad.numpy()))
        finally:
            m.set_num_threads(before[m is torch])
    if name == "softmax":  # every bit (torch's backward on 2 threads rounds some rows otherwise: not followed)
        np.testing.assert_array_equal(results[0][0], results[1][0])
        if threads == 1:
            np.testing.assert_array_equal(results[0][1], results[1][1])
        np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5, atol=1e-7)
    else:  # the log is the nearest float, torch's SLEEF logf an ulp off at times: a row in fifty
        assert (results[0][0] != results[1][0]).mean() < 0.05
        assert (results[0][1] != results[1][1]).mean() < 0.05
        np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_inf_and_nan_rows_is_torchs(name):
    torch = require_torch()
    x = np.array([[-np.inf, 0.0, 1.0], [-np.inf] * 3, [np.nan, 0.0, 1.0], [-120.0, 0.0, 100.0]] * 5, np.float32)
    ours, theirs = (getattr(m, name)(m.tensor(x), 1).numpy() for m in (tinygrad_rnn, torch))
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape, dim", [((2, 0, 2), 1), ((3, 0), 0), ((2, 0), 1), ((0, 2, 3), -2)])
def test_softmax_gradient_over_or_beside_an_empty_dim_as_torch(name, dtype, shape, dim):
    """The float32 kernels' sums along a dim that is not the last failed on an empty dim or no columns."""
    if dtype == "float16":
        check_parity(lambda m, x: getattr(m, name)(x.half(), dim).float(), [np.ones(shape)])
    else:
        check_parity(lambda m, x: getattr(m, name)(x, dim), [np.ones(shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize(("dim", "keepdim"), [(None, False), (1, False), ((0, 2), True)])
def test_the_gradient_of_a_mean_is_torchs_bit_for_bit_and_a_new_tensor(dtype, dim, keepdim):
    # a plain backward divides the spread gradient without Div's and Expand's nodes (spread_mean_gradient)
    torch = require_torch()
    rng = np.random.default_rng(5)
    x0 = rng.standard_normal((5, 3, 7))
    upstream = rng.standard_normal(np.mean(x0, axis=dim, keepdims=keepdim).shape)
    seen = []
    for lib in (tinygrad_rnn, torch):
        x = lib.tensor(x0, dtype=getattr(lib, dtype), requires_grad=True)
        y = x * 2
        hooked = []
        y.register_hook(hooked.append)
        m = y.mean() if dim is None else y.mean(dim, keepdim=keepdim)
        m.backward(lib.tensor(upstream, dtype=m.dtype))
        got = hooked[0]
        seen.append((got._base is None, got.stride(), got.dtype == getattr(lib, dtype), got.detach().numpy().tobytes()))
    assert seen[0] == seen[1]


def _gradient(m, fn, data):
    x = m.tensor(data, dtype=m.float64, requires_grad=True)
    y = fn(m, x)
    (y * m.linspace(0.5, 1.5, y.numel(), dtype=m.float64).reshape(y.shape)).sum().backward()
    return x.grad


@pytest.mark.parametrize(("fn", "data"), [
    (lambda m, x: x.prod(), float("nan")), (lambda m, x: x.prod(0), float("inf")),
    (lambda m, x: m.cumprod(x, 0), float("nan")), (lambda m, x: m.cumprod(x, 0), [float("inf")]),
    (lambda m, x: m.cumprod(x, 1), [[float("nan")], [2.0]]),
])
def test_prod_and_cumprod_pass_the_gradient_of_a_single_element_through_as_torch(fn, data):
    """torch returns the upstream gradient as it is for a 0-d input to prod, and to cumprod along a dim of
    size 1, where y / x made nan (found when the fuzz catalog's reductions began to check gradients)."""
    torch = require_torch()
    np.testing.assert_array_equal(_gradient(tinygrad_rnn, fn, data).numpy(), _gradient(torch, fn, data).numpy())


@pytest.mark.parametrize("data", [[float("inf"), 0.0], [0.0, float("inf"), 2.0], [2.0, float("inf"), 0.0, 3.0],
                                  [0.0, 0.0, float("nan")], [3.0, 0.0, float("inf"), 0.0], [[1.0, float("inf")],
                                                                                              [0.0, 2.0]],
                                  [1e308, 1e308, 0.0, 2.0]])
def test_cumprod_gradient_through_zeros_lands_inf_and_nan_where_torchs_does(data):
    """With zeros, torch's gradient follows its O(n) formula: y / x before the first zero, the product before it
    times a running product at it, 0 after it; exact arithmetic would differ at inf, nan and overflow."""
    torch = require_torch()
    for dim in (0, -1):
        def fn(m, x, dim=dim):
            return m.cumprod(x, dim)

        np.testing.assert_array_equal(_gradient(tinygrad_rnn, fn, data).numpy(), _gradient(torch, fn, data).numpy())


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize("correction", [2, 3, 2.5])
def test_variance_without_degrees_of_freedom_is_inf_for_a_spread_as_torch(name, correction):
    """torch divides by max(0, N - correction): a positive sum of squares over 0 is inf (we gave nan)."""
    def spread(m):
        with pytest.warns(UserWarning, match="degrees of freedom"):
            return getattr(m, name)(m.tensor([-1.75, -0.5], dtype=m.float64), correction=correction)

    check_parity(spread)


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("data", [float("nan"), [float("nan")], [float("nan"), 1.0, float("nan")], [2.0, 2.0, 1.0]])
def test_max_and_min_of_everything_share_the_gradient_among_nans_as_torch(name, data):
    """The whole-tensor max()/min() spreads the gradient evenly over the elements equal to the result, NaN ones
    when it is NaN (we gave NaN gradients: NaN equals nothing)."""
    torch = require_torch()

    def fn(m, x):
        return getattr(x, name)()

    np.testing.assert_array_equal(_gradient(tinygrad_rnn, fn, data).numpy(), _gradient(torch, fn, data).numpy())


@pytest.mark.parametrize("shape", [(0,), (2, 0, 0)])
def test_median_of_nothing_sends_back_an_empty_gradient_as_torch(shape):
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.zeros(shape, dtype=m.float64, requires_grad=True)
        x.median().backward()
        grads.append(x.grad.numpy())
    assert grads[0].shape == grads[1].shape == shape


@pytest.mark.parametrize("call", [
    lambda m, x: x.sum(dtype=m.int32), lambda m, x: x.sum(0, dtype=m.int64), lambda m, x: x.prod(dtype=m.int64),
    lambda m, x: x.cumsum(0, dtype=m.int64), lambda m, x: x.cumprod(0, dtype=m.bool),
    lambda m, x: x.nansum(dtype=m.int64), lambda m, x: x.sum(5, dtype=m.int64),
])
def test_a_reduction_into_an_integer_dtype_of_an_input_needing_a_gradient_is_refused_as_torch(call):
    """torch's autograd cannot record a node whose result holds no gradient (we returned a detached result)."""
    check_error(lambda m: call(m, m.zeros(2, requires_grad=True)))


@pytest.mark.parametrize(("data", "kwargs"), [
    ([-1.75, -0.5], {"correction": 2}), ([1.0, 1.0], {"correction": 3}), (float("nan"), {}),
    ([-1.75, -0.5], {"dim": 0, "correction": 3}), ([[1.0, 2.0], [3.0, 3.0]], {"dim": (), "correction": 1}),
    ([[1.0, 2.0], [3.0, 3.0]], {"dim": (), "correction": 2}), ([[1.0, 2.0], [3.0, 3.0]], {"dim": -1, "keepdim": True,
                                                                                         "correction": 3}),
])
@pytest.mark.parametrize("name", ["var", "std"])
def test_variance_gradient_without_degrees_of_freedom_is_torchs(name, data, kwargs):
    """torch's backward reads the dof again: of everything (no dim, or 0-d) it gives inf off the mean and nan on
    it when the dof is not above 0; of listed dims it divides by their count minus the correction, unclamped
    (dim=() lists none: 1 - correction, though the forward reduces everything)."""
    torch = require_torch()

    def fn(m, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(m, name)(x, **kwargs)

    np.testing.assert_array_equal(_gradient(tinygrad_rnn, fn, data).numpy(), _gradient(torch, fn, data).numpy())


@pytest.mark.parametrize("call", [
    lambda m, x: m.cumsum(x, 0, dtype="float64"),
    lambda m, x: x.cumprod(0, dtype="x"),
    lambda m, x: m.nansum(x, dtype="x"),
    lambda m, x: m.nanmean(x, dtype=3),
    lambda m, x: m.softmax(x, 0, dtype="x"),
    lambda m, x: m.log_softmax(x, 0, dtype="x"),
])
def test_a_dtype_that_is_no_dtype_is_torchs_type_error(call):
    """A string reached `.to()`, which read it as a device ("Expected one of cpu, cuda, ...")."""
    check_error(lambda m: call(m, m.ones(2, 3)))


@pytest.mark.parametrize("name", ["sum", "mean", "prod"])
def test_a_dtype_that_is_no_dtype_is_a_type_error_for_sum_mean_prod(name):
    """torch's parser words these as 'invalid combination of arguments' (their overloads); ours names the dtype."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError, match="dtype"):
            getattr(m, name)(m.ones(2, 3), dtype="x")
    assert tinygrad_rnn.ones(2, 3).sum(dtype=float).dtype == tinygrad_rnn.float64  # a Python type is a dtype to torch


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_a_half_inputs_gradient_through_a_float32_scan_is_torchs(name):
    """cumsum/cumprod(x, dtype=float32) of a float16 x: torch rounds the upstream gradient to float16 before
    its reversed running sum (we summed in float32 and rounded after: an ulp off in a third of the places)."""
    torch = require_torch()
    half = np.random.default_rng(1).uniform(0.5, 1.5, (3, 8)).astype(np.float16)
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(half.copy()).requires_grad_()
        out = getattr(m, name)(x, 1, dtype=m.float32)
        (out * m.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
        grads.append(x.grad.numpy())
    assert grads[0].dtype == grads[1].dtype == np.float16
    np.testing.assert_array_equal(grads[0], grads[1])


# max/min take three overloads and any/all three: an argument none of them takes is torch's 'invalid combination'
# error, listed as the function or as the method has them (the method without self and out=, each overload the
# count fits explained); when only one overload fits the count, that overload's own error, as torch's parser.
_T = [[1.0, 3.0], [2.0, 0.0]]
EXTREME_AND_LOGICAL_REFUSALS = {
    "max(t, 2.0)": lambda m: m.max(m.tensor(_T), 2.0),
    "min(t, 'a')": lambda m: m.min(m.tensor(_T), "a"),
    "max(t, dim=1.5)": lambda m: m.max(m.tensor(_T), dim=1.5),
    "max(t, 0, 1)": lambda m: m.max(m.tensor(_T), 0, 1),
    "max(t, 0, keepdim=1)": lambda m: m.max(m.tensor(_T), 0, keepdim=1),
    "max(t, dim=0, keepdim=None)": lambda m: m.max(m.tensor(_T), dim=0, keepdim=None),
    "max(t, keepdim=True)": lambda m: m.max(m.tensor(_T), keepdim=True),
    "max(t, None)": lambda m: m.max(m.tensor(_T), None),
    "max(2.0, t)": lambda m: m.max(2.0, m.tensor(_T)),
    "max(array)": lambda m: m.max(np.ones(2)),
    "max(t, t, 0)": lambda m: m.max(m.tensor(_T), m.tensor(_T), 0),
    "max(t, [0])": lambda m: m.max(m.tensor(_T), [0]),
    "max(t, foo=1)": lambda m: m.max(m.tensor(_T), foo=1),
    "max(t, 0, True, 3)": lambda m: m.max(m.tensor(_T), 0, True, 3),
    "min(t, 0, True, None)": lambda m: m.min(m.tensor(_T), 0, True, None),
    "clamp(t, 0, 1, 2)": lambda m: m.clamp(m.tensor(_T), 0, 1, 2),
    "t.max(2.0)": lambda m: m.tensor(_T).max(2.0),
    "t.min(2.0)": lambda m: m.tensor(_T).min(2.0),
    "t.max(dim=1.5)": lambda m: m.tensor(_T).max(dim=1.5),
    "t.max(0, 1)": lambda m: m.tensor(_T).max(0, 1),
    "t.max(0, keepdim=1)": lambda m: m.tensor(_T).max(0, keepdim=1),
    "t.max(None)": lambda m: m.tensor(_T).max(None),
    "t.max(keepdim=True)": lambda m: m.tensor(_T).max(keepdim=True),
    "t.max(t, 0)": lambda m: m.tensor(_T).max(m.tensor(_T), 0),
    "t.max([0])": lambda m: m.tensor(_T).max([0]),
    "t.max(foo=1)": lambda m: m.tensor(_T).max(foo=1),
    "t.max(0, True, 3)": lambda m: m.tensor(_T).max(0, True, 3),
    "t.all('a')": lambda m: m.tensor(_T).all("a"),
    "all(t, 'a')": lambda m: m.all(m.tensor(_T), "a"),
    "t.any(1.5)": lambda m: m.tensor(_T).any(1.5),
    "t.all(0, 1)": lambda m: m.tensor(_T).all(0, 1),
}


@pytest.mark.parametrize("call", list(EXTREME_AND_LOGICAL_REFUSALS.values()), ids=list(EXTREME_AND_LOGICAL_REFUSALS))
def test_max_min_any_all_refuse_arguments_in_torchs_words(call):
    check_error(call)


def test_max_takes_a_one_element_integer_tensor_as_dim_when_keepdim_is_given():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(_T)
        values, indices = m.max(t, m.tensor(0), True)
        results.append((values.tolist(), indices.tolist(), t.max(m.tensor(0)).tolist(), t.min(np.int64(1))[1].tolist()))
    assert results[0] == results[1]


@pytest.mark.parametrize("call", [
    lambda m, x: m.sort(x, stable="yes"), lambda m, x: m.sort(x, stable=1), lambda m, x: m.argsort(x, stable=None),
    lambda m, x: m.argsort(x, stable="yes"), lambda m, x: m.sort(x, 1, stable=True),
    lambda m, x: m.sort(x, 0, True, stable=True), lambda m, x: m.argsort(x, 1, stable=True),
])
def test_sort_given_stable_takes_a_bool_and_its_other_arguments_by_keyword(call):
    """With `stable`, torch's sort and argsort take the overload (input, *, stable, dim, descending): dim or
    descending by position, or a stable that is no bool (argsort's no None either), fits no overload."""
    check_error(call, np.array([[2.0, 1.0, 2.0], [0.0, 1.0, 1.0]]))


def test_sort_given_stable_none_checks_the_dim_as_torch():
    """sort's stable is `bool?` (None is no choice), so torch's parser takes it and the dim's range is checked
    (found by the sorting_and_selection fuzz family: ours named no overload)."""
    check_error(lambda m: m.sort(m.zeros(2, 3), stable=None, dim=4))
    check_error(lambda m: m.zeros(2, 3).sort(stable=None, dim=-3, descending=True))


def test_sort_given_stable_by_keyword_with_its_other_arguments_sorts():
    x = np.array([[2.0, 1.0, 2.0], [0.0, 1.0, 1.0]])
    check_parity(lambda m, t: m.sort(t, stable=None, dim=0, descending=True), [x])
    check_parity(lambda m, t: m.argsort(t, stable=True, descending=True), [x])


# torch allocates these results row-major whatever the input's strides; numpy keeps the input's order, so a
# reduction over a transposed (time, batch, features) tensor came out transposed and its .view() failed.
ROW_MAJOR_RESULTS = {
    "sum": lambda t: t.sum(2), "sum_keepdim": lambda t: t.sum(-1, keepdim=True), "mean": lambda t: t.mean(2, True),
    "var": lambda t: t.var(2), "std": lambda t: t.std(2, keepdim=True), "amax": lambda t: t.amax(2),
    "logsumexp": lambda t: t.logsumexp(2), "prod": lambda t: t.prod(2), "any": lambda t: (t > 0).any(2),
    "norm": lambda t: t.norm(dim=2), "count_nonzero": lambda t: t.count_nonzero(2),
    "softmax": lambda t: t.softmax(2), "softmax_dim0": lambda t: t.softmax(0), "log_softmax": lambda t: t.log_softmax(2),
    "cumsum": lambda t: t.cumsum(2), "cumprod": lambda t: t.cumprod(0), "logcumsumexp": lambda t: t.logcumsumexp(2),
}


@pytest.mark.parametrize("name", list(ROW_MAJOR_RESULTS))
def test_results_of_a_transposed_input_are_row_major_as_torchs(name):
    torch = require_torch()
    seen = []
    for lib in (tinygrad_rnn, torch):
        t = lib.arange(180, dtype=lib.float32).reshape(3, 5, 12).transpose(0, 1) / 100
        out = ROW_MAJOR_RESULTS[name](t)
        seen.append((out.stride(), out.is_contiguous(), out.view(-1).shape))
    assert seen[0] == seen[1]

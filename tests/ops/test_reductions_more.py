"""The newer reductions at the edges the op database's samples do not reach: ties, NaN, every
quantile interpolation, weights, and torch's errors."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

NAN = float("nan")
RNG = np.random.default_rng(3)


def test_mode_takes_the_smallest_most_frequent_value_and_its_last_position():
    x = np.array([[1.0, 2.0, 2.0, 1.0, 3.0], [4.0, 4.0, 0.5, 0.5, 0.5]])
    check_parity(lambda m, t: tuple(m.mode(t)), [x])
    check_parity(lambda m, t: tuple(t.mode(0, keepdim=True)), [x])


def test_cummax_and_cummin_move_the_index_on_ties_and_keep_nan():
    x = np.array([[1.0, 3.0, 3.0, 2.0, 3.0, 1.0], [2.0, NAN, 1.0, 5.0, 0.0, 0.0]])
    for name in ("cummax", "cummin"):
        check_parity(lambda m, t, name=name: tuple(getattr(m, name)(t, 1)), [x], requires_grad=[False])
        check_parity(lambda m, t, name=name: tuple(getattr(m, name)(t, 1)), [x[:1]])


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_interpolations_with_a_tensor_of_qs(interpolation):
    x = RNG.standard_normal((3, 7))
    q = np.array([0.0, 0.25, 0.5, 0.9, 1.0])
    check_parity(lambda m, t, qs: m.quantile(t, qs, dim=1, interpolation=interpolation), [x, q],
                 requires_grad=[True, False])
    check_parity(lambda m, t, qs: m.quantile(t, qs, keepdim=True, interpolation=interpolation), [x, q],
                 requires_grad=[True, False])
    with_nan = x.copy()
    with_nan[0, 2] = with_nan[1, :] = NAN
    check_parity(lambda m, t: m.nanquantile(t, 0.4, dim=1, interpolation=interpolation), [with_nan],
                 requires_grad=[False])
    check_parity(lambda m, t: m.quantile(t, 0.4, dim=1, interpolation=interpolation), [with_nan],
                 requires_grad=[False])


@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
def test_quantile_differentiates_a_tensor_of_qs(fn):
    # linear interpolation moves with q: slope (high - low) * (n - 1); a row holding NaN gives q none
    x = RNG.standard_normal((3, 7))
    x[1, 4] = NAN
    q = np.array([0.1, 0.5, 0.85])
    check_parity(lambda m, t, qs: getattr(m, fn)(t, qs, dim=1), [x, q], requires_grad=[False, True])
    check_parity(lambda m, t, qs: getattr(m, fn)(t, qs), [x[::2], q])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
def test_quantile_is_torchs_bits(fn, dtype):
    """torch interpolates with lerp (from the upper value for a weight past 0.5) and computes the rank
    q * (n - 1) in the input's dtype: torch.utils.benchmark's IQR of two times showed the last bit."""
    torch = require_torch()
    rng = np.random.default_rng(5)
    for q in [0.25, 0.75, 0.3141, 0.9173]:
        x = (rng.standard_normal((4, 2, 6)) * 1e-6).astype(dtype)
        for kwargs in ({}, {"dim": -1}, {"dim": 0, "keepdim": True}):
            ours = getattr(tinygrad_rnn, fn)(tinygrad_rnn.tensor(x), q, **kwargs).numpy()
            theirs = getattr(torch, fn)(torch.tensor(x), q, **kwargs).numpy()
            np.testing.assert_array_equal(ours, theirs)


def test_nan_reductions():
    x = np.array([[1.0, NAN, 3.0, 2.0], [NAN, NAN, 7.0, NAN], [0.5, 4.0, NAN, -1.0]])
    check_parity(lambda m, t: m.nansum(t, 1), [x])
    check_parity(lambda m, t: m.nanmean(t, 1), [x], requires_grad=[False])
    check_parity(lambda m, t: tuple(m.nanmedian(t, 1)), [x], requires_grad=[False])
    check_parity(lambda m, t: m.nanmedian(t), [x])
    check_parity(lambda m, t: m.nansum(t), [np.array([1, 2, 3])])


def test_logcumsumexp_stays_finite_for_large_values_and_passes_negative_gradients():
    x = np.array([[1000.0, 1001.0, -1000.0, 3.0], [-5.0, 0.0, 5.0, -np.inf]])
    check_parity(lambda m, t: m.logcumsumexp(t, 1), [x])
    check_parity(lambda m, t: m.logcumsumexp(t, 0), [RNG.standard_normal((4, 3)).astype(np.float32)])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize(("shape", "dim"), [((5, 400), 1), ((300, 7), 0)])
def test_logcumsumexp_values_are_torchs_bit_for_bit(dtype, shape, dim):
    """torch's kernel adds one step at a time, log1p(exp(lo - hi)) + hi in a wider accumulator (double for
    float32): numpy's float32 logaddexp.accumulate was an ulp off in 4 of 5 results."""
    torch = require_torch()
    x = (RNG.standard_normal(shape) * 3).astype(dtype)
    ours = tinygrad_rnn.logcumsumexp(tinygrad_rnn.tensor(x), dim).numpy()
    np.testing.assert_array_equal(ours, torch.logcumsumexp(torch.tensor(x), dim).numpy())


def test_logcumsumexp_of_infinities_and_nan_is_torchs():
    x = np.array([[-np.inf, -np.inf, 1.0, np.nan, 2.0, np.inf], [np.inf, -np.inf, 3.0, np.inf, np.inf, -np.inf]],
                 dtype=np.float32)
    check_parity(lambda m, t: m.logcumsumexp(t, 1), [x], requires_grad=[False])


def test_var_mean_std_mean_aminmax_return_torchs_pairs():
    x = RNG.standard_normal((3, 4))
    check_parity(lambda m, t: m.var_mean(t, 1, unbiased=False), [x])
    check_parity(lambda m, t: m.std_mean(t, (0, 1), keepdim=True), [x])
    check_parity(lambda m, t: tuple(m.aminmax(t, dim=0)), [x])
    check_parity(lambda m, t: tuple(t.aminmax()), [x])


def test_diff_with_prepend_append_and_bools():
    x = RNG.standard_normal((3, 5))
    check_parity(lambda m, t, p: m.diff(t, 2, 1, prepend=p, append=p), [x, x[:, :2]])
    check_parity(lambda m, t: m.diff(t > 0, dim=0), [x], requires_grad=[False])


def test_cov_and_corrcoef_with_weights():
    x = RNG.standard_normal((3, 6))
    fw = np.array([1, 2, 1, 3, 1, 1])
    aw = np.abs(RNG.standard_normal(6)) + 0.1
    check_parity(lambda m, t, f, a: m.cov(t, fweights=f, aweights=a), [x, fw, aw], requires_grad=[True, False, False])
    check_parity(lambda m, t, f: m.cov(t, correction=0, fweights=f), [x, fw], requires_grad=[True, False])
    check_parity(lambda m, t: m.corrcoef(t), [x])


def test_histc_and_bincount():
    x = RNG.standard_normal(50).astype(np.float32)
    check_parity(lambda m, t: m.histc(t, bins=8), [x])
    check_parity(lambda m, t: m.histc(t, bins=4, min=-0.5, max=0.5), [x.astype(np.float64)])
    i = RNG.integers(0, 5, 20)
    check_parity(lambda m, t: m.bincount(t), [i])
    check_parity(lambda m, t, w: m.bincount(t, w, minlength=8), [i, RNG.standard_normal(20)],
                 requires_grad=[False, False])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64", "uint8", "bool"])
def test_bincount_sums_weights_into_torchs_dtype(dtype):
    """Found under set_default_dtype(torch.float16): float16 weights summed into float16, torch gives float64
    (only float32 weights stay float32)."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        weights = m.tensor([1, 0, 1, 1]).to(getattr(m, dtype))
        out = m.bincount(m.tensor([1, 2, 2, 4]), weights=weights, minlength=6)
        results.append((str(out.dtype), out.tolist()))
    assert results[0] == results[1]


@pytest.mark.parametrize("call", [
    lambda m: m.arange(3.0).histc(0), lambda m: m.arange(3.0).histc(-1), lambda m: m.arange(3.0).histc(True),
    lambda m: m.arange(3.0).histc(bins=2.5), lambda m: m.arange(3.0).histc(3, 2, 1),
    lambda m: m.arange(3.0).histc(3, float("nan"), 1), lambda m: m.tensor([1.0, float("inf")]).histc(3),
    lambda m: m.tensor([1.0, float("nan")]).histc(3), lambda m: m.tensor([1.0, 2.0]).histc(3, 0, float("inf")),
    lambda m: m.tensor([-float("inf"), 1.0]).histc(), lambda m: m.arange(3.0).histc(3, 0.1234567, 1e-7)])
def test_histc_checks_its_arguments_as_torch(call):
    """fast.ai's activation histograms call acts.histc(40, 0, 10): torch 2.13 refuses a bad bin count in
    histogram's words, a non-int one with its parser's, and a range that is not finite."""
    check_error(call)


@pytest.mark.parametrize("fn", ["quantile", "nanquantile"])
def test_quantile_checks_its_q_in_torchs_order_and_words(fn):
    # a tensor q must have the input's dtype (an anomaly threshold from a float64 q on float32 errors):
    # checked after the input is non-empty and floating, before q's range; a number q is range-checked first
    x = [1.0, 2.0]
    for q in ([0.5], (0.5, 0.2), np.array([0.5]), None):  # torch's parser takes a float or a tensor, no list
        check_error(lambda m, q=q: getattr(m, fn)(m.tensor(x), q))
        check_error(lambda m, q=q: getattr(m.tensor(x), fn)(q=q))
    for make in (lambda m: m.tensor(0.5, dtype=m.float64), lambda m: m.tensor([1.5], dtype=m.float64),
                 lambda m: m.tensor([1])):
        check_error(lambda m, make=make: getattr(m, fn)(m.tensor(x), make(m)))
    check_error(lambda m: getattr(m, fn)(m.tensor(x), m.tensor([NAN])))
    check_error(lambda m: getattr(m, fn)(m.tensor(x), NAN))
    check_error(lambda m: getattr(m, fn)(m.tensor(x), 2))
    check_error(lambda m: getattr(m, fn)(m.tensor([]), 1.5))
    check_error(lambda m: getattr(m, fn)(m.tensor([], dtype=m.long), 0.5))
    check_error(lambda m: getattr(m, fn)(m.zeros(0, 3), 0.5, dim=1))
    check_error(lambda m: getattr(m, fn)(m.tensor([]), m.tensor([[0.5]])))
    check_parity(lambda m, t: getattr(m, fn)(t, m.tensor([0.1, 0.9], dtype=m.float64)), [np.array(x)])

def test_renorm_and_dist():
    x = RNG.standard_normal((3, 4)) * 3
    check_parity(lambda m, t: m.renorm(t, 2, 1, 1.5), [x])
    check_parity(lambda m, t: t.clone().renorm_(1, 0, 2.0), [x], requires_grad=[False])
    check_parity(lambda m, a, b: m.dist(a, b, 0.5), [x, x[0] + 0.1])


def test_errors_of_torch():
    check_error(lambda m: m.quantile(m.tensor([1.0, 2.0]), 1.5))
    check_error(lambda m: m.quantile(m.tensor([1, 2]), 0.5))
    check_error(lambda m: m.quantile(m.tensor([1.0, 2.0]), 0.5, interpolation="cubic"))
    check_error(lambda m: m.nanmean(m.tensor([1, 2])))
    check_error(lambda m: m.bincount(m.tensor([-1, 2])))
    check_error(lambda m: m.bincount(m.tensor([1.0, 2.0])))
    check_error(lambda m: m.diff(m.tensor(1.0)))
    check_error(lambda m: m.cov(m.zeros(2, 2, 2)))
    check_error(lambda m: m.histc(m.tensor([1, 2])))


@pytest.mark.parametrize("call", [lambda m, x: m.softmax(x, -1), lambda m, x: m.nn.functional.log_softmax(x, -1),
                                  lambda m, x: x.softmax(0), lambda m, x: m.logsumexp(x, -1),
                                  lambda m, x: x.to(m.float16).softmax(0)])
def test_softmax_of_a_fully_masked_row_is_nan_without_numpy_warnings(call):
    """A row of -inf (attention with every key masked) gives NaN or -inf as in torch, and torch says nothing:
    numpy's 'invalid value' warnings must not reach the user's program."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([[0.5, float("-inf"), 1.0], [float("-inf")] * 3, [float("inf"), 1.0, 2.0]])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = call(m, x)
        results.append((out.float().numpy().tolist(), [str(w.message) for w in caught]))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-3)
    assert results[0][1] == results[1][1] == []


EMPTY_DIM_REDUCTIONS = ["max", "min", "argmax", "argmin", "amax", "amin", "median", "nanmedian", "mode"]


@pytest.mark.parametrize("dim", [-1, 2, -3])
@pytest.mark.parametrize("name", EMPTY_DIM_REDUCTIONS)
def test_reducing_an_empty_dim_names_it_as_torch(name, dim):
    """A CNN pooling with conv.max(dim=-1) over a too-short sentence: torch names the wrapped dim (2),
    except amax/amin which echo the given one; nanmedian's check is median's; mode crashed in numpy."""
    check_error(lambda m: getattr(m.zeros(0, 3, 0), name)(dim=dim))


# found by the sorting_and_selection fuzz family: nanmedian parsed nothing of what median parses (dim=None was
# every element, keepdim unchecked), and mode's keepdim was never checked
MEDIAN_ARGUMENTS = [(None,), (None, True), (1.5,), (True,), (0, None), (0, 1), (5,)]


@pytest.mark.parametrize("args", MEDIAN_ARGUMENTS)
@pytest.mark.parametrize("name", ["median", "nanmedian", "mode"])
@pytest.mark.parametrize("dtype", ["float64", "bool"])
def test_median_nanmedian_and_mode_parse_dim_and_keepdim_as_torch(name, dtype, args):
    check_error(lambda m: getattr(m, name)(m.zeros(2, 3, dtype=getattr(m, dtype)), *args))
    check_error(lambda m: getattr(m.zeros(0, 2, dtype=getattr(m, dtype)), name)(*args))


def test_nanmedian_keepdim_alone_and_of_a_bool_tensor_with_a_dim_as_torch():
    check_error(lambda m: m.nanmedian(m.zeros(2, 3), keepdim=True))
    check_error(lambda m: m.nanmedian(m.zeros(2, 3, dtype=m.bool), 0))
    check_error(lambda m: m.median(m.zeros(2, 3, dtype=m.bool), 0))
    check_error(lambda m: m.nanmedian(m.zeros(2, 0, dtype=m.bool), 1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
def test_nanmedian_of_nothing_is_nan_cast_to_the_dtype_as_medians(dtype):
    """torch's NaN cast to an int64 is its lowest value, to a bool True; a float one passes a gradient (empty)."""
    check_parity(lambda m, t: (m.nanmedian(t), m.median(t)), [np.zeros((2, 0), dtype=dtype)])


@pytest.mark.parametrize("shape,dim", [((0, 3, 0), -1), ((0, 3, 0), 0), ((0, 3), -2)])
def test_aminmax_over_an_empty_dim_raises_torchs_error(shape, dim):
    check_error(lambda m: m.aminmax(m.zeros(shape), dim=dim, keepdim=True))


DIST_ERRORS = [lambda m: m.dist(m.tensor([1, 2]), m.tensor([3, 4])),  # the distance between word ids
               lambda m: m.tensor([1, 2], dtype=m.int8).dist(m.tensor([1, 2], dtype=m.int8), 0),
               lambda m: m.dist(m.tensor([1.0, 2.0]), 3), lambda m: m.tensor([1.0]).dist([3.0]),
               lambda m: m.dist([1.0], m.ones(1)), lambda m: m.dist(m.ones(1), m.ones(1), "a"),
               lambda m: m.dist(m.ones(1), m.ones(1), m.tensor([2.0]))]


@pytest.mark.parametrize("call", DIST_ERRORS)
def test_dist_refuses_what_torch_refuses(call):
    """torch.dist checks its arguments and the difference's dtype in its own words, not vector_norm's."""
    check_error(call)


RENORM_ERRORS = [lambda m: m.tensor([1.0, 2.0]).renorm(2, 0, 1.0), lambda m: m.tensor(1.0).renorm(2, 0, 1.0),
                 lambda m: m.ones(2).renorm(2, 5, 1.0), lambda m: m.ones(2, 2).renorm(2, 0, -1.5),
                 lambda m: m.ones(2).renorm(2, 0, -1.0), lambda m: m.ones(2, 2).renorm_(2, 5, -1.0),
                 lambda m: m.ones(2).renorm(-2, 0, -1.0)]


@pytest.mark.parametrize("call", RENORM_ERRORS)
def test_renorm_refuses_a_vector_and_a_negative_maxnorm_as_torch(call):
    check_error(call)


def _gradients(m):
    """torch.gradient's results, bit for bit, and its errors: even spacings, coordinates, both edge orders."""
    rng = np.random.default_rng(3)
    seen = []
    for dtype in (np.float32, np.float64):
        x = m.tensor(rng.standard_normal((3, 5)).astype(dtype))
        rows, cols = m.tensor(np.array([0.0, 1.3, 3.1], dtype)), m.tensor(np.array([-2.0, -1.0, 1.0, 4.0, 4.5], dtype))
        for kw in ({}, {"spacing": 3}, {"edge_order": 2}, {"spacing": [3.0, 2.0]}, {"spacing": (rows, cols)},
                   {"spacing": (rows, cols), "edge_order": 2}, {"dim": -1, "spacing": (cols,)}, {"spacing": m.tensor(2.0)},
                   {"dim": 0, "spacing": (m.tensor([0, 2, 3]),)}):
            seen.append([(str(t.dtype), t.numpy().tobytes()) for t in m.gradient(x, **kw)])
    seen.append([(str(t.dtype), t.tolist()) for t in m.gradient(m.tensor([[1, 2, 4, 8], [10, 20, 40, 80]]))])
    for call in (lambda: m.gradient(m.tensor([1.0])), lambda: m.gradient(m.tensor(1.0)), lambda: m.gradient(x, edge_order=3),
                 lambda: m.gradient(m.ones(3), spacing=[1.0, 2.0]), lambda: m.gradient(x, dim=1, spacing=[1.0, 2.0]),
                 lambda: m.gradient(x, spacing=[m.tensor(2.0), m.tensor(1.0)]), lambda: m.gradient(m.ones(2, 3), edge_order=2),
                 lambda: m.gradient(m.tensor(2.5), dim=-1), lambda: m.gradient(m.tensor(2.5), dim=(0,))):
        try:
            seen.append(repr(call()))
        except (RuntimeError, IndexError) as error:
            seen.append(f"{type(error).__name__}: {error}")
    return seen


def test_gradient_matches_torch_bit_for_bit():
    assert _gradients(tinygrad_rnn) == _gradients(require_torch())


def test_nansum_with_a_dtype_converts_each_element_and_sums_in_it():
    torch = require_torch()
    for call in (lambda m: m.nansum(m.tensor([[1.5, float("nan"), 0.0], [3.25, 0.5, -0.75]]), dtype=m.int32),
                 lambda m: m.tensor([[1.5, float("nan")], [3.25, 0.5]]).nansum(1, dtype=m.int32),
                 lambda m: m.nansum(m.tensor([1.7, 2.6]), dtype=m.int32), lambda m: m.nansum(m.tensor([3, 4]), dtype=m.int32),
                 lambda m: m.nansum(m.tensor([True, True]), dtype=m.uint8)):
        ours, theirs = call(tinygrad_rnn), call(torch)
        assert (str(ours.dtype), ours.tolist()) == (str(theirs.dtype), theirs.tolist())  # int32, not int64


def test_diff_of_order_zero_is_a_copy_of_input():
    """n = 0 returns input itself (a copy), without prepend and append."""
    x = RNG.standard_normal((3, 5))
    check_parity(lambda m, t, p: m.diff(t, 0, 0, prepend=p, append=p), [x, x[:1]])


def test_cov_of_one_variable_is_0d():
    """torch squeezes cov's result: a 1 x n input (one variable) gives a 0-d covariance, as a 1-d input does."""
    x = RNG.standard_normal((1, 4))
    check_parity(lambda m, t: m.cov(t), [x])
    check_parity(lambda m, t: m.corrcoef(t), [x])


COV_WEIGHT_ERRORS = {
    "2-d fweights": lambda m: m.cov(m.ones(2, 5), fweights=m.ones(5, 5, dtype=m.long)),
    "2-d aweights": lambda m: m.cov(m.ones(2, 5), aweights=m.ones(5, 5)),
    "float fweights": lambda m: m.cov(m.ones(2, 5), fweights=m.ones(5)),
    "bool fweights": lambda m: m.cov(m.ones(2, 5), fweights=m.ones(5, dtype=m.bool)),
    "integer aweights": lambda m: m.cov(m.ones(2, 5), aweights=m.ones(5, dtype=m.long)),
    "fweights too few": lambda m: m.cov(m.ones(2, 5), fweights=m.ones(1, dtype=m.long)),
    "0-d aweights": lambda m: m.cov(m.ones(2, 5), aweights=m.ones(())),
    "negative fweights": lambda m: m.cov(m.ones(2, 5), fweights=-m.ones(5, dtype=m.long)),
    "negative aweights": lambda m: m.cov(m.ones(2, 5), aweights=-m.ones(5)),
    "weights summing to zero": lambda m: m.cov(m.ones(2, 5), aweights=m.zeros(5)),
}


@pytest.mark.parametrize("case", COV_WEIGHT_ERRORS.values(), ids=COV_WEIGHT_ERRORS.keys())
def test_cov_weights_are_checked_as_torch(case):
    check_error(case)


@pytest.mark.parametrize("call", [lambda m: m.cov(m.arange(3.0), correction=3),
                                  lambda m: m.cov(m.ones(1), fweights=m.ones((), dtype=m.long)),
                                  lambda m: m.cov(m.arange(3.0), aweights=m.full((3,), 0.25), correction=2)])
def test_cov_without_degrees_of_freedom_warns_as_torch(call):
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call(m)
        seen.append((str(result.tolist()), [str(w.message) for w in caught]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("call", [
    lambda m: m.any(m.ones(2, 3), 1, out=m.empty(2)),
    lambda m: m.all(m.ones(2, 3), out=m.empty(())),
    lambda m: m.any(m.ones(2, 3, dtype=m.uint8), 1, out=m.empty(2, dtype=m.long)),
])
def test_any_and_all_write_only_bool_or_uint8_out_as_torch(call):
    check_error(call)


def test_all_writes_into_a_uint8_out_as_torch():
    check_parity(lambda m, x: m.all(x, 1, out=m.empty(2, dtype=m.uint8)), [np.ones((2, 3))], requires_grad=[False])


@pytest.mark.parametrize("name", ["take", "clamp_min", "clamp_max"])
def test_take_and_clamp_bounds_take_out_as_torch(name):
    calls = {"take": lambda m, x: m.take(x, m.tensor([0, 5]), out=m.empty(2, dtype=m.float64)),
             "clamp_min": lambda m, x: m.clamp_min(x, 2.0, out=m.empty(6, dtype=m.float64)),
             "clamp_max": lambda m, x: m.clamp_max(x, m.tensor(2.0, dtype=m.float64), out=m.empty(6, dtype=m.float64))}
    check_parity(calls[name], [np.arange(6.0)], requires_grad=[False])


@pytest.mark.parametrize("call", [lambda m: m.mean(m.ones(3, dtype=m.long)),
                                  lambda m: m.mean(m.ones(3, dtype=m.long), dtype=m.long),
                                  lambda m: m.ones(3).mean(0, dtype=m.int32)])
def test_mean_to_an_integer_dtype_names_the_dtype_it_was_given_as_torch(call):
    check_error(call)


VALUES_AND_INDICES = {
    "kthvalue": (lambda m, x, o: m.kthvalue(x, 1, out=o), ()), "median": (lambda m, x, o: m.median(x, 0, out=o), ()),
    "nanmedian": (lambda m, x, o: m.nanmedian(x, 0, out=o), ()), "mode": (lambda m, x, o: m.mode(x, 0, out=o), ()),
    "cummax": (lambda m, x, o: m.cummax(x, 0, out=o), (3,)), "cummin": (lambda m, x, o: m.cummin(x, 0, out=o), (3,)),
    "max": (lambda m, x, o: m.max(x, 0, out=o), ()), "min": (lambda m, x, o: m.min(x, 0, out=o), ()),
    "sort": (lambda m, x, o: m.sort(x, out=o), (3,)), "topk": (lambda m, x, o: m.topk(x, 3, out=o), (3,)),
    "aminmax": (lambda m, x, o: m.aminmax(x, out=o), ()),
}


@pytest.mark.parametrize("name", VALUES_AND_INDICES)
@pytest.mark.parametrize("dtypes", [("float64", "int64"), ("float32", "int32"), ("int32", "int32"),
                                    ("float32", "int64"), ("float32", "float32")])
def test_values_and_indices_out_of_the_wrong_dtypes_as_torch(name, dtypes):
    torch = require_torch()
    call, shape = VALUES_AND_INDICES[name]
    outcomes = []
    for m in (tinygrad_rnn, torch):
        out = tuple(m.empty(shape, dtype=getattr(m, d)) for d in dtypes)
        try:
            call(m, m.arange(3.0), out)
            outcomes.append([o.tolist() for o in out])
        except RuntimeError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


REDUCTIONS_INTO_OUT = {
    "amax": lambda m, x, o: m.amax(x, 0, out=o), "amin": lambda m, x, o: m.amin(x, 0, out=o),
    "sum": lambda m, x, o: m.sum(x, 0, out=o), "prod": lambda m, x, o: m.prod(x, 0, out=o),
    "mean": lambda m, x, o: m.mean(x, 0, out=o),
    "std": lambda m, x, o: m.std(x, 0, out=o), "cumsum": lambda m, x, o: m.cumsum(x, 0, out=o),
    "cumprod": lambda m, x, o: m.cumprod(x, 0, out=o), "nansum": lambda m, x, o: m.nansum(x, 0, out=o),
    "nanmean": lambda m, x, o: m.nanmean(x, 0, out=o), "argmax": lambda m, x, o: m.argmax(x, 0, out=o),
    "logcumsumexp": lambda m, x, o: m.logcumsumexp(x, 0, out=o),
    "quantile": lambda m, x, o: m.quantile(x, 0.5, 0, out=o), "norm": lambda m, x, o: m.norm(x, dim=0, out=o),
}


@pytest.mark.parametrize("name", REDUCTIONS_INTO_OUT)
@pytest.mark.parametrize("out_dtype", ["int32", "float64", "bool"])
def test_reductions_into_an_out_of_another_dtype_as_torch(name, out_dtype):
    """A float32 input: an integer or bool out is refused or computed in out's dtype as torch does; a
    float64 out gets the float64 computation (to float64 rounding: torch's var rounds its own way)."""
    torch = require_torch()
    outcomes = []
    x = np.array([[1.5, 2.0, 3.0], [4.0, 5.0, 6.5]], dtype=np.float32)
    for m in (tinygrad_rnn, torch):
        out = m.empty(0, dtype=getattr(m, out_dtype))
        try:
            REDUCTIONS_INTO_OUT[name](m, m.tensor(x), out)
            outcomes.append(out.numpy())
        except (RuntimeError, NotImplementedError) as error:
            outcomes.append(f"{type(error).__name__}: {error}")
    if isinstance(outcomes[1], str) or isinstance(outcomes[0], str):
        assert outcomes[0] == outcomes[1]
    else:
        assert outcomes[0].dtype == outcomes[1].dtype
        np.testing.assert_allclose(outcomes[0], outcomes[1], rtol=1e-12)


@pytest.mark.parametrize("call", [lambda m, x: m.any(x, 1, out=m.empty(0, dtype=m.bool)),
                                  lambda m, x: m.all(x, 1, out=m.empty(0, dtype=m.uint8)),
                                  lambda m, x: m.any(x.float(), 1, out=m.empty(0, dtype=m.uint8))])
def test_any_and_all_write_truth_values_into_bool_or_uint8_out_whatever_the_input(call):
    check_parity(call, [np.array([[0, 2], [0, 0]], dtype=np.uint8)], requires_grad=[False])


@pytest.mark.parametrize("call", [
    lambda m: m.logcumsumexp(m.tensor(4, dtype=m.uint8), 1.5),
    lambda m: m.tensor(4, dtype=m.uint8).logcumsumexp(()),
    lambda m: m.logcumsumexp(m.tensor([4]), 3),
    lambda m: m.logcumsumexp(m.tensor(4.0), True),
])
def test_logcumsumexp_reads_its_dim_before_the_dtype_as_torch(call):
    """torch's parser and dim check come before the missing integer kernel (we named the kernel first)."""
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.aminmax(m.ones(2, 3), dim=()),
    lambda m: m.aminmax(m.zeros(0), dim=0, keepdim="a"),
    lambda m: m.nanmean(m.ones(2, dtype=m.int8), 0, keepdim="yes"),
    lambda m: m.nanmean(m.ones(2, dtype=m.int8), True),
    lambda m: m.nanmean(m.ones(2, dtype=m.int8), [1.5]),
    lambda m: m.nanmean(m.ones(2, dtype=m.uint8), dtype=m.float32),  # the input's dtype first, whatever is asked
    lambda m: m.nanmean(m.ones(2), dtype=m.int32),
])
def test_aminmax_and_nanmean_parse_their_arguments_first_as_torch(call):
    """torch's parser refuses a dim or keepdim of the wrong type before any check of the values or dtypes."""
    check_error(call)


@pytest.mark.parametrize("shape", [(4, 1, 0), (4, 1, 2)])
@pytest.mark.parametrize("keepdim", [None, 1])
def test_kthvalue_parses_keepdim_before_it_looks_at_the_input(shape, keepdim):
    """Found by fuzz seed 172: of an empty input ours returned, whatever keepdim was."""
    check_error(lambda m: m.kthvalue(m.zeros(shape), 1, 1, keepdim))
    check_error(lambda m: m.zeros(shape).kthvalue(1, 1, keepdim))


def test_mode_of_rows_holding_nan_as_torch():
    """Found by the sorting_and_selection fuzz family: a row of one NaN crashed (NaN equals nothing)."""
    nan = np.nan
    check_parity(lambda m, t: tuple(m.mode(t, 1, True)), [np.array([[[0.0]], [[2.5]], [[nan]]])])


def _into_out(m, name, x, out_dtype, shape=(), **kwargs):
    """torch.name(x, **kwargs, out=o) for a fresh o: o's dtype and values, or the error's type and words."""
    out = m.zeros(shape, dtype=getattr(m, out_dtype))
    try:
        getattr(m, name)(m.tensor(x), **kwargs, out=out)
        return str(out.dtype), out.tolist()
    except (TypeError, RuntimeError, NotImplementedError, IndexError) as error:
        return type(error).__name__, str(error)


@pytest.mark.parametrize("name", ["mean", "nanmean", "std", "var"])
@pytest.mark.parametrize("dtype", ["uint8", "bool"])
def test_reductions_of_integers_refuse_them_whatever_out_is(name, dtype):
    """(fuzz: the float out was taken as the dtype to compute in, so mean(uint8, out=float32) ran)"""
    torch = require_torch()
    x = np.array([5, 0, 1]).astype(dtype)
    for out_dtype in ("float32", "float64", "int64"):
        assert _into_out(tinygrad_rnn, name, x, out_dtype, dim=0) == _into_out(torch, name, x, out_dtype, dim=0)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "nansum", "nanmean", "cumsum", "cumprod"])
def test_a_dtype_given_with_out_must_be_out_dtype(name):
    """(fuzz: sum(x, 0, dtype=float64, out=float32) wrote float64 sums into out; torch refuses, its nansum in its
    own words; an integer dtype= of mean is mean's own error first)"""
    torch = require_torch()
    x = np.array([0.1, 0.7, 0.3], dtype=np.float32)
    shape = (3,) if name.startswith("cum") else ()
    for dtype, out_dtype in [("float64", "float32"), ("float32", "float64"), ("int64", "float32"), ("float64", "bool"),
                             ("float64", "int64"), ("float64", "float64")]:
        ours, theirs = (_into_out(m, name, x, out_dtype, shape, dim=0, dtype=getattr(m, dtype))
                        for m in (tinygrad_rnn, torch))
        assert ours[0] == theirs[0] and (ours[1] == theirs[1] if isinstance(ours[1], str) else
                                         np.allclose(ours[1], theirs[1], rtol=1e-6)), (dtype, out_dtype, ours, theirs)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "nansum", "cumsum", "cumprod", "logsumexp", "amax", "std"])
@pytest.mark.parametrize("dim", ["0", None, 1.5])
def test_out_reductions_refuse_a_wrong_dim_type_before_looking_at_out(name, dim):
    """(fuzz: cumprod(x, '0', out=bool) was the bool kernel's NotImplementedError and a requires-grad input
    autograd's RuntimeError; torch's parser refuses the dim first, and counts out among the arguments)"""
    torch = require_torch()
    x = np.array([0.1, 0.7, 0.3], dtype=np.float32)
    for out_dtype in ("bool", "float32"):
        for key in ({"dim": dim}, {}):
            args = () if key else (dim,)
            outcomes = []
            for m in (tinygrad_rnn, torch):
                try:
                    getattr(m, name)(m.tensor(x, requires_grad=out_dtype == "float32"), *args, **key,
                                     out=m.zeros((), dtype=getattr(m, out_dtype)))
                    outcomes.append("ran")
                except (TypeError, RuntimeError, NotImplementedError) as error:
                    outcomes.append((type(error).__name__, str(error)))
            assert outcomes[0] == outcomes[1]


def test_std_and_var_into_a_float64_out_compute_one_result_in_the_input_dtype():
    """(fuzz: torch computes a single std or var in the float32 input's dtype, several in out's float64; logsumexp
    computes in out's float64 from an integer input too)"""
    torch = require_torch()
    x = np.array([[0.1, 0.7, 0.3], [0.2, 0.9, 0.4]], dtype=np.float32)
    for name in ("std", "var"):
        for dim, data in [(1, x), (1, x[:1]), (0, x), (None, x)]:
            ours, theirs = (_into_out(m, name, data, "float64", dim=dim) for m in (tinygrad_rnn, torch))
            np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    ours, theirs = (_into_out(m, "logsumexp", np.array([5, 0], dtype=np.uint8), "float64", dim=0)
                    for m in (tinygrad_rnn, torch))
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-9)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans_into_a_bool_out_check_dim_first_and_copy_a_0d_or_empty_input(name):
    """(fuzz: cumprod(int32 0-d, 0, out=bool) refused with the bool kernel's error, and a dim out of range too)"""
    torch = require_torch()
    for x in (np.array(1, dtype=np.int32), np.array([], dtype=np.int32), np.array([1, 2], dtype=np.int32),
              np.array(1.5, dtype=np.float32)):
        for dim in (0, -3, 5):
            shape = (0,) if x.size == 0 else ()
            assert _into_out(tinygrad_rnn, name, x, "bool", shape, dim=dim) == \
                _into_out(torch, name, x, "bool", shape, dim=dim)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "nansum", "nanmean", "cumsum", "cumprod"])
def test_a_dim_out_of_range_comes_before_a_dtype_other_than_out(name):
    """(fuzz seed 176: nansum(x, [2], dtype=int32, out=float32) of a 2-d x gave the out dtype's RuntimeError; torch
    checks the dim first, but for nansum given a float dtype, whose own words come first)"""
    torch = require_torch()
    for dtype in ("float64", "int32"):
        for dim in ([2, -3] if name in ("prod", "cumsum", "cumprod") else [2, [2], -3]):
            assert _into_out(tinygrad_rnn, name, np.zeros((2, 1), np.float32), "float32", (1,), dim=dim,
                             dtype=getattr(tinygrad_rnn, dtype)) == \
                _into_out(torch, name, np.zeros((2, 1), np.float32), "float32", (1,), dim=dim,
                          dtype=getattr(torch, dtype))


@pytest.mark.parametrize("dtype", ["uint8", "int64", "bool", "float32"])
@pytest.mark.parametrize("shape", [(3, 0), (0,), (2, 3)])
@pytest.mark.parametrize("out_dtype", ["bool", "int32"])
def test_nansum_into_an_out_of_another_kind_as_torch(dtype, shape, out_dtype):
    """torch's nansum of an integer or bool input is its sum (into a bool out too); of a float input it runs in out's
    dtype, which has no kernel for an integer out unless there is nothing to add."""
    def call(m):
        out = m.empty(0, dtype=getattr(m, out_dtype))
        return m.nansum(m.ones(shape, dtype=getattr(m, dtype)), out=out).tolist(), str(out.dtype)
    torch = require_torch()
    try:
        expected = call(torch)
    except NotImplementedError:
        check_error(call)
    else:
        assert call(tinygrad_rnn) == expected


def test_an_out_holding_elements_warns_when_resized_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.warns(UserWarning, match=r"resized since it had shape \[2, 2\], which does not match the required "
                                             r"output shape \[3\]"):
            m.sum(m.ones(3, 3), 0, out=m.zeros(2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tinygrad_rnn.sum(tinygrad_rnn.ones(3, 3), 0, out=tinygrad_rnn.zeros(0))  # an empty out: silent, as torch's
        tinygrad_rnn.zeros(3, out=tinygrad_rnn.zeros(2))  # factories resize silently, as torch's

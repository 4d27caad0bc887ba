"""cauchy_, exponential_, geometric_ and log_normal_ draw torch's numbers from the same seed (they
transform torch's uniform or normal stream as torch's CPU kernels do), and fail as torch does."""
from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn
from tinygrad_rnn import random as random_module

FILLS = [("cauchy_", (0.5, 2.0)), ("exponential_", (2.0,)), ("geometric_", (0.3,)), ("log_normal_", (0.5, 0.7))]


@pytest.mark.parametrize(("name", "args"), FILLS)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("shape", [(7,), (5, 8), (0,), (200, 100)])  # 20,000 draws find a last-bit slip
def test_same_seed_gives_torchs_numbers(name, args, dtype, shape):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(11)
        t = m.empty(shape, dtype=getattr(m, dtype))
        assert getattr(t, name)(*args) is t
        results.append(t.numpy())
    # exact: the C library's log, tan and exp per element (numpy's vectorised ones slip a bit on AVX-512),
    # and log_normal_'s z * std + mean as one fused multiply-add
    np.testing.assert_array_equal(results[0], results[1])


def test_a_half_draw_beyond_its_range_is_inf_without_numpys_warning():
    """cauchy_'s tail passes 65504 in 20,000 draws: torch stores inf and says nothing."""
    tinygrad_rnn.manual_seed(11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drawn = tinygrad_rnn.empty(200, 100, dtype=tinygrad_rnn.float16).cauchy_(0.5, 2.0)
    assert bool(drawn.isinf().any())


def test_geometric_fills_integer_tensors_too():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(2)
        results.append(m.zeros(10, dtype=m.int64).geometric_(0.6).numpy())
    np.testing.assert_array_equal(*results)



@pytest.mark.parametrize("n", [16, 17, 20, 33, 47, 100])
def test_half_normal_redraws_its_last_block_as_torch_does(n):
    """Half draws uniforms for the whole 16-blocks only, then 16 fresh ones for the last block."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        results.append(m.empty(n, dtype=m.float16).normal_(0.3, 0.1).numpy())
    np.testing.assert_array_equal(*results)


NORMAL_AND_UNIFORM = {
    "randn": lambda m, d, n: m.randn(n, dtype=d),
    "rand": lambda m, d, n: m.rand(n, dtype=d),
    "normal_": lambda m, d, n: m.empty(n, dtype=d).normal_(-1.7, 3.3),
    "uniform_": lambda m, d, n: m.empty(n, dtype=d).uniform_(-1.3, 2.9),
    # values a quarter ulp apart: one draw in eight rounds up to `to`
    "uniform_ rounding up to `to`": lambda m, d, n: m.empty(n, dtype=d).uniform_(0.25 / m.finfo(d).eps,
                                                                               0.25 / m.finfo(d).eps + 1),
    "torch.normal": lambda m, d, n: m.normal(0.3, 1.7, (n,), dtype=d),
    "randn_like": lambda m, d, n: m.randn_like(m.empty(n, dtype=d)),
}


@pytest.mark.parametrize("name", list(NORMAL_AND_UNIFORM))
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("n", [5, 16, 17, 20_003])  # one pair at a time below 16, blocks of 16 above
def test_normal_and_uniform_fills_are_torchs_bits(name, dtype, n):
    """Bit for bit on any x86 CPU: float (and half) normals emulate torch's 8-lane float32 log and sincos (with
    its fused multiply-adds), double ones take the C library's log, cos and sin; scaling is one fused
    multiply-add; a uniform that rounds up to `to` becomes `from`."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(5)
        results.append(NORMAL_AND_UNIFORM[name](m, getattr(m, dtype), n).numpy())
    np.testing.assert_array_equal(results[0].view(np.uint8), results[1].view(np.uint8))


def test_small_normal_calls_keep_torchs_second_value_and_fused_scaling():
    """Below 16 elements torch keeps the second value of each Box-Muller pair for the next call."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(9)
        results.append(m.cat([m.empty(k % 7 + 1, dtype=m.float64).normal_(0.3, 1.7) for k in range(3000)]).numpy())
    np.testing.assert_array_equal(*results)


EXTREME_RANGES = {
    "uniform_ near the largest doubles": lambda m: m.empty(4000, dtype=m.float64).uniform_(-1e300, 1e300),
    "uniform_ among subnormals": lambda m: m.empty(4000, dtype=m.float64).uniform_(1e-320, 5e-310),
    "normal_ with a subnormal std": lambda m: m.empty(40, dtype=m.float64).normal_(1e-320, 1e-310),
    "normal_ with an infinite std": lambda m: m.empty(40, dtype=m.float64).normal_(3.0, float("inf")),
    "few normals with a huge std": lambda m: m.empty(5, dtype=m.float64).normal_(1e308, 1e308),
}


@pytest.mark.parametrize("name", list(EXTREME_RANGES))
def test_extreme_ranges_round_as_torch(name):
    """Where the exact multiply-add's splitting would overflow or lose bits, the few values are done with
    fractions (and infinities as IEEE arithmetic does them)."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(6)
        results.append(EXTREME_RANGES[name](m).numpy())
    np.testing.assert_array_equal(*results)


NON_CONTIGUOUS = {
    "normal_ of a transpose": lambda m, d: m.empty(20, 30, dtype=d).t().normal_(0.3, 1.7),
    "normal_ of a slice": lambda m, d: m.empty(20, 30, dtype=d)[:, ::2].normal_(0.3, 1.7),
    "uniform_ of a permutation": lambda m, d: m.empty(4, 5, 6, dtype=d).permute(1, 2, 0).uniform_(-1, 2),
    "exponential_ of a transpose": lambda m, d: m.empty(20, 30, dtype=d).t().exponential_(),
    "random_ of a transpose": lambda m, d: m.empty(20, 30, dtype=d).t().random_(0, 50),
    "bernoulli_ of a transpose": lambda m, d: m.empty(20, 30, dtype=d).t().bernoulli_(
        m.linspace(0, 1, 600, dtype=d).reshape(30, 20)),
    "the base of a filled transpose": lambda m, d: (lambda b: (b.t().normal_(), b)[1])(m.empty(20, 30, dtype=d)),
    # the *_like factories keep input's layout and fill it the same way
    "randn_like of a transpose": lambda m, d: m.randn_like(m.ones(20, 30, dtype=d).t()),
    "randn_like of a permutation": lambda m, d: m.randn_like(m.ones(4, 5, 6, dtype=d).permute(2, 0, 1)),
    "randn_like of a slice": lambda m, d: m.randn_like(m.ones(20, 30, dtype=d)[:, ::2]),
    "rand_like of a transpose": lambda m, d: m.rand_like(m.ones(20, 30, dtype=d).t()),
    "randint_like of a transpose": lambda m, d: m.randint_like(m.ones(20, 30, dtype=d).t(), 3, 10),
}


@pytest.mark.parametrize("name", list(NON_CONTIGUOUS))
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_a_non_contiguous_tensor_is_filled_in_memory_order(name, dtype):
    """torch's kernels visit a transposed or sliced tensor's elements in memory order, and fill normals
    one pair at a time (not 16 at a time) into any tensor that is not contiguous."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(4)
        results.append(NON_CONTIGUOUS[name](m, getattr(m, dtype)).numpy())
    np.testing.assert_array_equal(*results)


LIKE_WITH_GENERATOR = {
    "rand_like": lambda m, g: m.rand_like(m.ones(3, 4), generator=g),
    "randn_like": lambda m, g: m.randn_like(m.ones(3, 4, dtype=m.float64), generator=g),
    "randn_like of a transpose": lambda m, g: m.randn_like(m.ones(20, 30).t(), generator=g),
    "rand_like of a transpose": lambda m, g: m.rand_like(m.ones(5, 6).t(), generator=g),
}


@pytest.mark.parametrize("name", list(LIKE_WITH_GENERATOR))
def test_like_factories_draw_from_the_generator_given(name):
    """rand_like and randn_like take generator= (torch 2.13): its numbers, and the global stream untouched."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        drawn = LIKE_WITH_GENERATOR[name](m, m.Generator().manual_seed(7))
        results.append((drawn.numpy(), m.rand(2).numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("call", [lambda m: m.rand_like(m.zeros(3), generator=1),
                                  lambda m: m.randn_like(m.zeros(3), generator="a"),
                                  lambda m: m.rand_like(m.zeros(3, dtype=m.long), generator=m.Generator())])
def test_like_factories_refuse_what_torch_refuses_with_a_generator(call):
    check_error(call)


def _exact(a: float, b: float, c: float) -> float:
    return float(Fraction(a) * Fraction(b) + Fraction(c))  # Fraction -> float rounds once, to nearest


def _exact32(a: float, b: float, c: float) -> np.float32:
    """a * b + c rounded once to float32: the nearest of the float32 neighbours of the double guess
    (ties to the even one)."""
    value = Fraction(a) * Fraction(b) + Fraction(c)
    guess = np.float32(float(value))
    near = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    return min(near, key=lambda x: (abs(Fraction(float(x)) - value), int(x.view(np.int32)) & 1))


def test_fused_multiply_add_rounds_once():
    """The error-free emulation of fma agrees with exact rational arithmetic, also when a * b and c
    nearly cancel (where a product rounded first is far off)."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(4000) * np.exp(rng.uniform(-20, 20, 4000)) for _ in range(2))
    c = rng.standard_normal(4000) * np.exp(rng.uniform(-40, 40, 4000))
    c[:2000] = -(a[:2000] * b[:2000]) * (1 + rng.standard_normal(2000) * 1e-13)
    got = random_module._fma64(a, b, c)
    assert got.tolist() == [_exact(*abc) for abc in zip(a.tolist(), b.tolist(), c.tolist())]
    a32, b32, c32 = (x.astype(np.float32) for x in (a / 1e10, b / 1e10, c / 1e20))
    # a case where the double sum lands exactly halfway between two floats: (1 + 2^-23) + 2^-24 - 2^-70
    # rounds to double as a tie, which float would break upwards; the true value is below it
    a32, b32, c32 = (np.append(x, np.float32(v)) for x, v in ((a32, 2**-24 + 2**-47), (b32, 1 - 2**-23),
                                                                (c32, 1 + 2**-23)))
    got32 = random_module._fma32(a32, b32, c32)
    assert got32[-1] == np.float32(1 + 2**-23)
    expected = [_exact32(*abc) for abc in zip(a32.tolist(), b32.tolist(), c32.tolist())]
    np.testing.assert_array_equal(got32, np.array(expected, np.float32))


BAD_CALLS = {
    "cauchy of ints": lambda m: m.ones(2, dtype=m.int64).cauchy_(),
    "exponential of ints": lambda m: m.ones(2, dtype=m.int64).exponential_(),
    "log_normal of ints": lambda m: m.ones(2, dtype=m.int64).log_normal_(),
    "exponential rate": lambda m: m.ones(2).exponential_(-1),
    "geometric p": lambda m: m.ones(2).geometric_(1.5),
    "log_normal std": lambda m: m.ones(2).log_normal_(0, -1),
    "cauchy sigma": lambda m: m.ones(2).cauchy_(0, 0),
    "leaf that requires grad": lambda m: m.ones(2, requires_grad=True).cauchy_(),
    # the parameter is checked before the dtype
    "exponential rate of ints": lambda m: m.ones(2, dtype=m.int64).exponential_(-1),
    "cauchy sigma of bools": lambda m: m.ones(2, dtype=m.bool).cauchy_(0, -1),
    "log_normal std of ints": lambda m: m.ones(2, dtype=m.int64).log_normal_(0, -1),
    "bernoulli p above 1": lambda m: m.ones(2).bernoulli_(2.0),
    "bernoulli p nan": lambda m: m.bernoulli(m.ones(2), float("nan")),
    "random_ to 0": lambda m: m.ones(2).random_(0),
    "random_ from above to": lambda m: m.empty(0).random_(5, 2),
    "uniform of empty ints": lambda m: m.empty(0, dtype=m.int64).uniform_(),
    "random_ to beyond bool": lambda m: m.empty(2, dtype=m.bool).random_(7),
    "random_ from below uint8": lambda m: m.empty(2, dtype=m.uint8).random_(-3, 7),
    "random_ to beyond half": lambda m: m.empty(2, dtype=m.float16).random_(0, 2 ** 24),
    "geometric of bools": lambda m: m.empty(2, dtype=m.bool).geometric_(0.3),
    "bernoulli of bools": lambda m: m.bernoulli(m.ones(2, dtype=m.bool)),
    "normal of a negative size": lambda m: m.normal(1.0, 0.3, (-1, 0, 2)),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_input_raises_torchs_error(name):
    check_error(BAD_CALLS[name])


EMPTY_INTEGER_FILLS = {"normal_": (), "exponential_": (), "log_normal_": ()}


@pytest.mark.parametrize("name", list(EMPTY_INTEGER_FILLS))
def test_an_empty_integer_tensor_is_left_alone(name):
    """torch checks the dtype of these fills in the kernel, which an empty tensor never runs."""
    t = tinygrad_rnn.empty(0, 3, dtype=tinygrad_rnn.int64)
    assert getattr(t, name)(*EMPTY_INTEGER_FILLS[name]) is t
    assert tinygrad_rnn.empty(0, dtype=tinygrad_rnn.bool).geometric_(0.3).shape == (0,)
    assert tinygrad_rnn.bernoulli(t).shape == (0, 3)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64", "int8", "uint8", "bool"])
def test_random_without_bounds_draws_torchs_range(dtype):
    """[0, max] for integers, [0, 2^digits] for floats, 0 or 1 for bool: the same numbers as torch."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        results.append(m.empty(40, dtype=getattr(m, dtype)).random_().numpy())
    np.testing.assert_array_equal(*results)


@pytest.mark.parametrize("low, high", [(0.0, 1.0), (1.5, 3.0), (0.1, 0.7), (2.0, 2.001), (-3.0, -1.0)])
def test_float16_uniform_never_draws_its_top_as_torch(low, high):
    """torch rounds a float16 uniform from a float32 value; one that rounds to high (or beyond) becomes low."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        results.append(m.empty(5000, dtype=m.float16).uniform_(low, high).numpy())
    np.testing.assert_array_equal(*results)


@pytest.mark.parametrize("seed", [18, 24, 26])
def test_float16_trunc_normal_draws_torchs_numbers(seed):
    """trunc_normal_ on a narrow interval proposes float16 uniforms (above), so it took other draws before."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(seed)
        results.append(m.nn.init.trunc_normal_(m.empty(100, dtype=m.float16), a=1.5, b=3.0).numpy())
    np.testing.assert_array_equal(*results)


@pytest.mark.parametrize(("mean_shape", "std_shape"), [((3,), (4,)), ((2, 3), (2,)), ((5, 1, 2), (3, 3))])
def test_normal_of_tensors_that_do_not_broadcast_raises_torchs_error(mean_shape, std_shape):
    torch = require_torch()
    messages = []
    for lib in (torch, tinygrad_rnn):
        with pytest.raises(RuntimeError) as caught:
            lib.normal(lib.zeros(mean_shape), lib.ones(std_shape))
        messages.append(str(caught.value))
    assert messages[1] == messages[0]


BAD_GENERATOR_FIRST = {  # found by the random_args fuzz family: each call also has a bad value after the generator
    "rand": lambda m: m.rand(-1, generator=7), "randn": lambda m: m.randn(-1, generator=7),
    "randn(out=)": lambda m: m.randn(2, dtype=m.uint8, generator=7, out=m.zeros(0, dtype=m.float64)),
    "randperm(out=)": lambda m: m.randperm(5, dtype=m.int32, generator=7, out=m.zeros(0)),
    "bernoulli(p, out=)": lambda m: m.bernoulli(m.zeros(0), 0.3, out=m.zeros(3, dtype=m.int64)),  # (no such overload)
    "normal": lambda m: m.normal(0.0, -1.0, (2,), generator=7), "bernoulli": lambda m: m.bernoulli(m.zeros(2), 3.0, generator=7),
    "multinomial(out=)": lambda m: m.multinomial(m.zeros(2), 0, generator=7, out=m.zeros(0)),
    "poisson": lambda m: m.poisson(-m.ones(2), generator=7), "uniform_": lambda m: m.zeros(2).uniform_(2.0, -1.0, generator=7),
    "geometric_": lambda m: m.zeros(2).geometric_(1.5, generator=7),
    "log_normal_": lambda m: m.zeros(2).log_normal_(1.0, -1.0, generator=7),
}


@pytest.mark.parametrize("case", list(BAD_GENERATOR_FIRST))
def test_a_generator_that_is_not_one_is_refused_before_the_values(case):
    """torch's parser checks every argument's type before the sampler looks at a size or a parameter."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError):
            BAD_GENERATOR_FIRST[case](m)


@pytest.mark.parametrize("draw", [
    lambda m: m.zeros(4, dtype=m.int64).random_(2**28 - 1), lambda m: m.zeros(4, dtype=m.int64).random_(2**28),
    lambda m: m.zeros(4, dtype=m.float64).random_(-2**27, 2**27), lambda m: m.randint(2**31, (4,)),
    lambda m: m.zeros(4, dtype=m.int32).random_(), lambda m: m.zeros(4, dtype=m.int64).random_()])
def test_integer_draws_widen_to_64_bits_where_torchs_do(draw):
    """A span of 2^28 or more takes a 64-bit draw per value in torch's from/to kernel (random_(from, to),
    randint), while random_() of a 32-bit type's whole range takes a 32-bit one (found by the random_args family)."""
    torch = require_torch()
    values = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        values.append(draw(m).tolist())
    assert values[0] == values[1]


@pytest.mark.parametrize("rates", [[float("inf"), 3.0, 30.0], [1e30, 1e19, 1e18, 5e3]])
def test_poisson_of_an_infinite_or_huge_rate_is_torchs_int64_cast(rates):
    """torch casts the drawn count to int64 as C++ does: inf, NaN or beyond 2^63 is -2^63 (random_args family)."""
    torch = require_torch()
    values = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        values.append(m.poisson(m.tensor(rates)).tolist())
    assert values[0] == values[1]


def test_poisson_of_a_nan_rate_is_refused_as_a_negative_one():
    check_error(lambda m: m.poisson(m.tensor([float("nan"), 1.0])))


@pytest.mark.parametrize("std_dtype", ["float64", "float16"])
def test_normal_of_two_tensors_has_means_dtype(std_dtype):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        assert m.normal(m.ones(1), m.ones(1, 2, dtype=getattr(m, std_dtype))).dtype == m.float32

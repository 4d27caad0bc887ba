"""float16 (and float64) results bit for bit as torch's CPU kernels round them: where they round, and in which
order they accumulate. Each case was an ulp apart from torch before (measured with tests/fuzz/report.py and
exhaustive sweeps); the sizes straddle torch's vector steps of 32 float16 elements, so both its vector and its
scalar loops run."""

import numpy as np
import pytest
from helpers import both_on_threads, check_parity, require_torch

from tinygrad_rnn.ops.promotion import DOUBLE_STEP

EXACT = dict(rtol=0, atol=0)


@pytest.mark.parametrize("count", [1, 2, 3])
@pytest.mark.parametrize("shape, dim", [((7, 5), 0), ((40, 70), 0), ((3, 100), 0), ((3, 130), 0), ((5, 33), 0),
                                        ((2, 9, 40), 1), ((64, 2, 1), 0), ((4, 3, 5), 0)])
def test_float16_softmax_along_another_dim_as_torch(count, shape, dim):
    """torch's kernel for a dim that is not the last rounds exp to float16 before dividing in its scalar loop
    (columns left over after whole steps of 32, per thread's chunk) and rounds once in its vector steps."""
    x = np.random.default_rng(3).normal(0, 3, shape).astype(np.float16)
    with both_on_threads(require_torch(), count):
        check_parity(lambda m, t: m.softmax(t, dim), [x], requires_grad=[False], tol=EXACT)


@pytest.mark.parametrize("shape, dim", [((3, 50), -1), ((3, 64), -1), ((2, 300), 1), ((4, 1000, 1), 1), ((300, 3), 0),
                                        ((5, 7, 90), None), ((2, 3, 200), 2)])
def test_float16_prod_in_torch_order(shape, dim):
    """torch rounds every product to float16 (numpy keeps a float32 product and rounds once); along adjacent
    elements it multiplies four vectors of 16 at a time, then their lanes, then the rest in order."""
    x = np.random.default_rng(4).uniform(0.6, 1.5, shape).astype(np.float16)
    check_parity(lambda m, t: t.prod() if dim is None else t.prod(dim), [x], requires_grad=[False], tol=EXACT)


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
@pytest.mark.parametrize("dim", [None, 1, (0, 2)])
def test_float16_var_and_std_gradients_round_each_step_as_torch(name, dim):
    """The value is computed wide and rounded once, but torch's backward runs in float16 ops, each rounded:
    2 / dof * g, times x - mean (std first divides g by 2 std). Fuzz seeds 130 and 200 (an ulp apart)."""
    x = (np.random.default_rng(6).standard_normal((3, 4, 5)) * 2).astype(np.float16)
    check_parity(lambda m, t: getattr(m, name)(t, dim), [x], tol=EXACT)


@pytest.mark.parametrize("dim", [None, 1, (0, 2)])
def test_float16_2_norm_gradient_rounds_each_step_as_torch(dim):
    """torch's 2-norm backward runs in float16 ops: g * (x / norm), each rounded (fuzz seed 201)."""
    x = (np.random.default_rng(7).standard_normal((3, 4, 5)) * 2).astype(np.float16)
    x[0] = 0  # a zero norm: gradient 0 there
    check_parity(lambda m, t: (m.linalg.vector_norm(t, 2, dim), t.norm(dim=dim)), [x], tol=EXACT)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("shapes", [((83,), (1,), (83,)), ((3, 40), (3, 40), (3, 40)), ((1,), (3, 4), (3, 4))])
def test_addcmul_fuses_and_differentiates_in_torchs_order(dtype, shapes):
    """float16 addcmul is value * tensor1 (float32), then one fused multiply-add with tensor2 and input, rounded
    once (fuzz seed 131: plain float32 arithmetic was an ulp off); its gradients are g * (tensor2 * value)."""
    rng = np.random.default_rng(8)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    check_parity(lambda m, x, y, z: m.addcmul(x, y, z, value=0.7), arrays, tol=EXACT)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_float16_prod_of_many_elements_splits_as_torch(count):
    """From 32768 elements torch multiplies one chunk per thread, then the chunks' products."""
    x = np.random.default_rng(5).uniform(0.999, 1.001, 100_000).astype(np.float16)
    with both_on_threads(require_torch(), count):
        check_parity(lambda m, t: t.prod(), [x], requires_grad=[False], tol=EXACT)


@pytest.mark.parametrize("weight", [0.3, 0.7, -0.2, 1.7])
@pytest.mark.parametrize("shapes", [((300, 31), (31,)), ((20_000,), (20_000,))])
def test_float16_lerp_by_a_number_fuses_as_torch(weight, shapes):
    """torch computes base + coeff * (end - input) with one fused multiply-add in float32, in its scalar loop
    (rows of 31) and its vector loop alike; the gradients are grad * (1 - weight) and grad * weight."""
    rng = np.random.default_rng(6)
    finite = np.arange(65536, dtype=np.uint16).view(np.float16)[:31744]  # the finite positive ones
    a, b = (rng.choice(finite, shape) * rng.choice([-1, 1], shape).astype(np.float16) for shape in shapes)
    # (end's gradient is summed over the broadcast rows: torch's float16 sum, another matter)
    check_parity(lambda m, x, y: m.lerp(x, y, weight), [a, b], requires_grad=[True, a.shape == b.shape], tol=EXACT)


@pytest.mark.parametrize("exponent", [2, 3, -1, -2, -0.5, 3.0])
def test_float64_power_by_a_small_whole_number_multiplies_as_torch(exponent):
    """torch takes these float64 powers as products (x * x * x) or 1 / sqrt(x), not with pow (an ulp apart
    in about a quarter of the places for 3, -2, -0.5)."""
    x = np.random.default_rng(7).uniform(0.1, 5, 2000)
    check_parity(lambda m, t: [m.pow(t, exponent), m.float_power(t, exponent)], [x], requires_grad=[False], tol=EXACT)


SHORT = DOUBLE_STEP - 1  # (torch's vector step of doubles: 16 with AVX512, 8 with AVX2)
SCALAR_LOOP_POWERS = {  # each result's elements all in torch's scalar loop (the tensors' merged rows are short)
    "rows shorter than a step": lambda m, a, b: m.pow(a[:, :SHORT], b[0, :SHORT]),
    "float_power rows shorter than a step": lambda m, a, b: m.float_power(a[:, :SHORT], b[0, :SHORT]),
    "number exponent, after the whole steps": lambda m, a, b: m.pow(a[0, :39], 1.7)[39 - 39 % DOUBLE_STEP:],
    "number base": lambda m, a, b: m.pow(2.5, b[0, :SHORT]),
    "7 elements": lambda m, a, b: a[0, :7] ** b[1, :7],
}


@pytest.mark.parametrize("name", sorted(SCALAR_LOOP_POWERS))
def test_float64_power_in_the_scalar_loop_is_the_c_librarys_as_torch(name):
    """torch's scalar loop (rows shorter than its vector step, and what is left after whole steps) calls
    the C library's pow, as math.pow does; numpy's pow is an ulp apart in about 1 place in 17. (Its vector
    steps use SLEEF's pow, which we do not reproduce.)"""
    rng = np.random.default_rng(8)
    x, y = rng.uniform(0.1, 5, (300, 40)), rng.uniform(-3, 3, (300, 40))
    check_parity(SCALAR_LOOP_POWERS[name], [x, y], requires_grad=[False, False], tol=EXACT)


ALL_HALVES = np.arange(65536, dtype=np.uint16).view(np.float16)  # every float16 bit pattern: nan, inf, subnormals


def test_float16_erf_of_every_half_as_torch():
    """torch's float16 erf is Abramowitz and Stegun's approximation in float32 (not the C library's erf):
    small inputs lose digits, erf of the smallest subnormal is 0. 6586 of the 65536 differed before."""
    check_parity(lambda m, x: [m.erf(x), m.erf(x[:31])], [ALL_HALVES], requires_grad=[False], tol=EXACT)


@pytest.mark.parametrize("name", ["sigmoid", "sinc", "silu"])
def test_float16_math_of_every_half_as_torch(name):
    """torch computes these in float32 by its own formula and rounds once: sigmoid 1 / (1 + e^-x) (not the
    tanh form), sinc sin(pi x) / (pi x) with pi x a float32 (not in float64), silu x / (1 + e^-x)."""
    fn = {"sigmoid": lambda m, x: m.sigmoid(x), "sinc": lambda m, x: m.sinc(x),
          "silu": lambda m, x: m.nn.functional.silu(x)}[name]
    check_parity(fn, [ALL_HALVES], requires_grad=[False], tol=EXACT)


@pytest.mark.parametrize("size", [65536, 31])
def test_float16_gelu_takes_torchs_erf_in_each_loop(size):
    """torch's float16 gelu takes erf as Abramowitz and Stegun's approximation in its vector steps of 32, and
    the C library's erf in its scalar loop (tensors of 31 elements, and the last 16 of all 65536): the two
    differ at 217 halves, the negative ones from -2 to -50 (bit patterns 49152 to 51200) among them."""
    chunks = [ALL_HALVES] if size == 65536 else [ALL_HALVES[i:i + size] for i in range(49152, 51200 - size, size)]
    check_parity(lambda m, *xs: [m.nn.functional.gelu(x) for x in xs], chunks, requires_grad=[False] * len(chunks),
                 tol=EXACT)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, dim", [((3, 3), 0), ((4, 5), 1), ((3, 20), 1), ((2, 64), 1), ((3, 83), 1),
                                        ((7, 5), 0), ((5, 33), 0), ((2, 9, 40), 1)])
def test_float16_softmax_gradients_round_once_as_torch(name, shape, dim):
    """torch's float16 softmax and log_softmax backward compute in float32 and round once: the sum along the
    last dim 32 values at a time (two float vectors, then folded), along another dim in order; log_softmax's
    exp is the vector expf in whole steps of 32 (fuzz seed 146: float16 arithmetic was an ulp off)."""
    x = np.random.default_rng(9).normal(0, 3, shape).astype(np.float16)
    with both_on_threads(require_torch(), 1):
        check_parity(lambda m, t: getattr(m, name)(t, dim), [x], tol=EXACT)


@pytest.mark.parametrize("scalar_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("call", [lambda m, x, s: x * s, lambda m, x, s: x / s, lambda m, x, s: m.mul(x, s),
                                  lambda m, x, s: x.div(s), lambda m, x, s: (x // s).detach(), lambda m, x, s: x.clone().mul_(s),
                                  lambda m, x, s: (s * x).detach(), lambda m, x, s: x + s])
def test_float16_times_a_0d_float_tensor_reads_it_as_torch(scalar_dtype, call):
    """torch's mul and div kernels read a float16 tensor's 0-d float32/float64 second operand as a float32
    number (as a Python number), not rounded to float16 first (fuzz seed 149: x / t was an ulp off); the 0-d
    tensor first (s * x) and add do round it. (s * x's gradient to x, g * s, torch reads wide again: not followed.)"""
    x = (np.random.default_rng(10).standard_normal((3, 40)) * 3).astype(np.float16)
    s = np.asarray(-1.6523045301437378, dtype=scalar_dtype)
    check_parity(lambda m, t, u: call(m, t, u), [x, s], requires_grad=[True, False], tol=EXACT)


@pytest.mark.parametrize("shape, dim", [((3, 3, 3), 0), ((3, 3, 2), 0), ((4, 70), 1), ((5, 40, 3), (0, 2))])
def test_float16_logsumexp_sums_in_float32_as_torch(shape, dim):
    """torch's logsumexp rounds each step to float16 but adds the exps in float32 (numpy's float16 sum rounded
    every addition: an ulp off; fuzz seed 152)."""
    x = (np.random.default_rng(11).standard_normal(shape) * 3).astype(np.float16)
    check_parity(lambda m, t: m.logsumexp(t, dim), [x], tol=EXACT)

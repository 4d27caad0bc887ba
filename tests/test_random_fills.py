"""cauchy_, exponential_, geometric_ and log_normal_ draw torch's numbers from the same seed (they
transform torch's uniform or normal stream as torch's CPU kernels do), and fail as torch does."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

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
    # exact: the C library's log, tan and exp per element (numpy's vectorised ones slip a bit on AVX-512);
    # log_normal_ in float64 may still differ in the last bit (torch scales the normal with a fused multiply-add)
    tol = 1e-14 if (name, dtype) == ("log_normal_", "float64") else 0
    np.testing.assert_allclose(results[0], results[1], rtol=tol, atol=0)


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


def test_float_normal_scales_with_one_rounding():
    """mean + std * z is one fused multiply-add in torch's float kernel (z itself may differ by an ulp)."""
    torch = require_torch()
    torch.manual_seed(0)
    z = torch.empty(1000).normal_().numpy()
    torch.manual_seed(0)
    expected = torch.empty(1000).normal_(-1.7, 3.3).numpy()
    tinygrad_rnn.manual_seed(0)
    ours = tinygrad_rnn.empty(1000).normal_(-1.7, 3.3).numpy()
    tinygrad_rnn.manual_seed(0)
    same_z = tinygrad_rnn.empty(1000).normal_().numpy() == z  # compare where the standard draws agree
    np.testing.assert_array_equal(ours[same_z], expected[same_z])

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

"""tinygrad_rnn.distributions against torch.distributions: values, gradients, seeded samples, errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch, to_numpy
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import arrays, shapes

FLOATS = [np.float32, np.float64]


def _classes(shape: tuple, seed: int) -> np.ndarray:
    """A valid class index for every row of a (..., K) parameter."""
    return np.random.default_rng(seed).integers(0, shape[-1], shape[:-1])


@settings(max_examples=15)
@given(logits=arrays(shapes(min_dims=1, max_dims=3)), use_probs=st.booleans(), seed=st.integers(0, 99))
def test_categorical_log_prob_entropy_and_gradients(logits: np.ndarray, use_probs: bool, seed: int) -> None:
    classes = _classes(logits.shape, seed)
    params = np.exp(logits) if use_probs else logits  # unnormalised probs: torch normalises them

    def fn(m, p):
        d = m.distributions.Categorical(**{"probs" if use_probs else "logits": p})
        return d.log_prob(m.tensor(classes)), d.entropy(), d.probs, d.logits

    check_parity(fn, [params], seed=seed)


@pytest.mark.parametrize("dtype", FLOATS)
def test_categorical_in_float32_and_float64(dtype) -> None:
    check_parity(lambda m, x: m.distributions.Categorical(logits=x).log_prob(m.tensor([2, 0, 1])),
                 shapes=[(3, 4)], dtype=dtype)
    check_parity(lambda m, x: m.distributions.Categorical(logits=x).entropy(), shapes=[(2, 5)], dtype=dtype)


def test_categorical_log_prob_broadcasts_values_over_the_batch() -> None:
    values = np.array([[0], [3], [1]])  # (3, 1) against batch (2,)
    check_parity(lambda m, x: m.distributions.Categorical(logits=x).log_prob(m.tensor(values)), shapes=[(2, 4)])


def test_categorical_entropy_with_a_zero_probability_is_finite() -> None:
    probs = np.array([[0.0, 0.3, 0.7], [0.5, 0.5, 0.0]])
    check_parity(lambda m, p: m.distributions.Categorical(probs=p).entropy(), [probs])
    check_parity(lambda m, x: m.distributions.Categorical(logits=x).entropy(),
                 [np.array([-np.inf, 0.0, 1.0])], requires_grad=[False])


@pytest.mark.parametrize("batch", [(), (3,), (2, 3)])
def test_categorical_seeded_sample_equals_torchs(batch: tuple) -> None:
    torch = require_torch()
    draws = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(7)
        d = m.distributions.Categorical(logits=m.randn(*batch, 5))
        draws.append((d.sample(), d.batch_shape, d.event_shape))
    (ours, ob, oe), (theirs, tb, te) = draws
    assert ours.dtype == tinygrad_rnn.int64 and tuple(ob) == tuple(tb) and tuple(oe) == tuple(te) == ()
    np.testing.assert_array_equal(to_numpy(ours), to_numpy(theirs))


def test_categorical_many_samples_have_the_right_shape_and_frequencies() -> None:
    # NOTE: more than one draw per row is a valid draw but not torch's numbers (see the docstring).
    tinygrad_rnn.manual_seed(0)
    probs = np.array([0.1, 0.2, 0.7])
    d = tinygrad_rnn.distributions.Categorical(probs=tinygrad_rnn.tensor(np.stack([probs, probs[::-1]])))
    s = d.sample((4000,))
    assert tuple(s.shape) == (4000, 2)
    for row, p in enumerate([probs, probs[::-1]]):
        freq = np.bincount(to_numpy(s)[:, row], minlength=3) / 4000
        np.testing.assert_allclose(freq, p, atol=0.04)


@settings(max_examples=10)
@given(logits=arrays(shapes(max_dims=2)), seed=st.integers(0, 99), use_probs=st.booleans())
def test_bernoulli_log_prob_entropy_and_gradients(logits: np.ndarray, seed: int, use_probs: bool) -> None:
    values = np.random.default_rng(seed).integers(0, 2, logits.shape).astype(np.float64)
    params = 1 / (1 + np.exp(-logits)) if use_probs else logits

    def fn(m, p):
        d = m.distributions.Bernoulli(**{"probs" if use_probs else "logits": p})
        return d.log_prob(m.tensor(values)), d.entropy(), d.mean, d.variance

    check_parity(fn, [params], seed=seed)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bernoulli_seeded_sample_equals_torchs(dtype) -> None:
    torch = require_torch()
    got = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        p = m.rand(2, 3, dtype=getattr(m, np.dtype(dtype).name))
        d = m.distributions.Bernoulli(probs=p)
        got.append((d.sample(), d.sample((4,)), m.distributions.Bernoulli(0.3).sample((5,))))
    for a, b in zip(*got):
        assert a.dtype.__repr__() == b.dtype.__repr__()
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


@settings(max_examples=10)
@given(shape=shapes(max_dims=2), seed=st.integers(0, 99))
def test_normal_log_prob_entropy_moments_and_gradients(shape: tuple, seed: int) -> None:
    rng = np.random.default_rng(seed)
    loc, scale, x = rng.standard_normal(shape), rng.uniform(0.2, 2.0, shape), rng.standard_normal(shape)

    def fn(m, mu, sigma, value):
        d = m.distributions.Normal(mu, sigma)
        return d.log_prob(value), d.entropy(), d.mean, d.stddev, d.variance, d.cdf(value)

    check_parity(fn, [loc, scale, x], seed=seed)


@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_seeded_sample_and_rsample_equal_torchs_with_gradients(dtype) -> None:
    rng = np.random.default_rng(1)
    loc, scale = rng.standard_normal(3).astype(dtype), rng.uniform(0.5, 2, 3).astype(dtype)

    def fn(m, mu, sigma):
        m.manual_seed(5)
        d = m.distributions.Normal(mu, sigma)
        return d.sample((2,)), d.rsample((4,)), d.rsample()

    check_parity(fn, [loc, scale], dtype=dtype)


def test_normal_of_numbers_and_mixed_arguments() -> None:
    check_parity(lambda m, v: m.distributions.Normal(0.5, 2.0).log_prob(v), shapes=[(3,)])
    check_parity(lambda m, mu: m.distributions.Normal(mu, 0.7).log_prob(m.zeros(2, 3, dtype=m.float64)),
                 shapes=[(3,)])
    check_finite_differences(lambda m, mu, s: m.distributions.Normal(mu, s).log_prob(m.zeros(2, dtype=m.float64)),
                             [np.array([0.3, -0.2]), np.array([0.8, 1.3])])


def test_reprs_and_shapes_match_torchs() -> None:
    torch = require_torch()

    def make(m):
        return [m.distributions.Categorical(probs=m.tensor([1.0, 2.0])),
                m.distributions.Categorical(logits=m.zeros(2, 3)),
                m.distributions.Normal(0.0, 1.0), m.distributions.Normal(m.zeros(3), 1.0),
                m.distributions.Bernoulli(0.3), m.distributions.Bernoulli(logits=m.zeros(2))]

    for ours, theirs in zip(make(tinygrad_rnn), make(torch)):
        assert repr(ours) == repr(theirs)
        assert repr(ours.batch_shape) == repr(theirs.batch_shape)
        assert repr(ours.event_shape) == repr(theirs.event_shape)


ERRORS = {
    "negative scale": lambda m: m.distributions.Normal(0.0, -1.0),
    "negative scale in a tensor": lambda m: m.distributions.Normal(m.tensor([1.0, 2.0]), m.tensor([1.0, -1.0])),
    "negative probs": lambda m: m.distributions.Categorical(m.tensor([-1.0, 2.0])),
    "nan logits": lambda m: m.distributions.Categorical(logits=m.tensor([float("nan"), 1.0])),
    "probs above one": lambda m: m.distributions.Bernoulli(1.5),
    "class out of range": lambda m: m.distributions.Categorical(m.tensor([0.5, 0.5])).log_prob(m.tensor(3)),
    "non-binary value": lambda m: m.distributions.Bernoulli(0.3).log_prob(m.tensor(0.5)),
    "neither probs nor logits": lambda m: m.distributions.Categorical(),
    "both probs and logits": lambda m: m.distributions.Bernoulli(0.3, 0.1),
    "scalar probs": lambda m: m.distributions.Categorical(m.tensor(1.0)),
    "value not a tensor": lambda m: m.distributions.Normal(0.0, 1.0).log_prob(1.0),
    "value not broadcastable": lambda m: m.distributions.Normal(m.zeros(3), 1.0).log_prob(m.zeros(2)),
    "parameter not a number": lambda m: m.distributions.Normal("a", 1.0),
}


@pytest.mark.parametrize("make", ERRORS.values(), ids=ERRORS.keys())
def test_bad_arguments_raise_torchs_errors(make) -> None:
    check_error(make)


def test_validation_can_be_turned_off() -> None:
    d = tinygrad_rnn.distributions.Normal(0.0, -1.0, validate_args=False)
    assert d.scale.item() == -1.0


def test_bernoulli_of_float64_probs_draws_doubles_as_torch() -> None:
    # Regression: torch.bernoulli compares float64 probabilities with float64 uniforms (not float32).
    torch = require_torch()
    draws = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        draws.append(to_numpy(m.bernoulli(m.rand(40, dtype=m.float64))))
    np.testing.assert_array_equal(*draws)

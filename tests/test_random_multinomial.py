"""multinomial with replacement draws torch's numbers: same samples, same stream state afterwards."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import arrays


def _draw(m: Any, weights: np.ndarray, num_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Samples after manual_seed(seed), and the rand(3) that follows them."""
    m.manual_seed(seed)
    samples = m.multinomial(m.tensor(weights), num_samples, True)
    return samples.numpy(), m.rand(3).numpy()


def _assert_same_draws(weights: np.ndarray, num_samples: int, seed: int) -> None:
    torch = require_torch()
    ours, ours_next = _draw(tinygrad_rnn, weights, num_samples, seed)
    theirs, theirs_next = _draw(torch, weights, num_samples, seed)
    assert ours.dtype == theirs.dtype == np.int64
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours_next, theirs_next)  # the stream moved on by the same amount


def _weights(dims: int, dtype: Any) -> st.SearchStrategy:
    """Non-negative weights with a positive sum in every row; some zero weights, unnormalised."""
    shape = st.tuples(*[st.integers(1, 6)] * dims) if dims == 2 else st.tuples(st.integers(1, 12))
    elements = st.one_of(st.just(0.0), st.floats(2.0**-10, 50.0, width=32))
    return arrays(shape, dtype, elements).filter(lambda w: (w.sum(axis=-1) > 0).all())


@pytest.mark.parametrize("dtype", [tinygrad_rnn.float32, tinygrad_rnn.float64])
@pytest.mark.parametrize("dims", [1, 2])
@settings(max_examples=25)
@given(data=st.data())
def test_multinomial_with_replacement_draws_torchs_samples(dims: int, dtype: Any, data: Any) -> None:
    weights = data.draw(_weights(dims, dtype))
    _assert_same_draws(weights, data.draw(st.integers(2, 40)), data.draw(st.integers(0, 2**31)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_many_categories_with_tiny_and_huge_weights(dtype: Any) -> None:
    """Weights over 16 orders of magnitude: the cumulative sums round, and ties at zero weights
    test the search's side (torch takes the first index whose cumulative value reaches u)."""
    rng = np.random.default_rng(0)
    weights = np.exp(rng.normal(0, 8, (3, 500))) * (rng.random((3, 500)) > 0.3)
    weights[:, -1] += 1e-3
    _assert_same_draws(weights.astype(dtype), 400, seed=7)


def test_categorical_sample_shape_matches_torch() -> None:
    torch = require_torch()
    probs = [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        sample = m.distributions.Categorical(m.tensor(probs)).sample((4, 5))
        results.append((sample.numpy(), m.randn(4).numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


# torch's multinomial takes floating-point weights only (d2l's probability chapter passes counts as floats),
# and a positive int count of samples.
@pytest.mark.parametrize("weights, num_samples", [
    ([1, 2, 7], 2), ([True, False], 1), (np.array([1, 2], np.int32), 1), ([1, 2], 0), (5.0, 0),
    ([1.0, 2.0], 0), ([1.0, 2.0], -1), ([-1.0, 2.0], 0), ([1.0, 2.0], 1.5), ([1.0, 2.0], True),
])
def test_multinomial_argument_errors_match_torch(weights, num_samples):
    check_error(lambda m: m.multinomial(m.tensor(weights), num_samples))


@pytest.mark.parametrize("shape, num_samples", [((2**24 + 1,), 1), ((2, 2**24 + 1), 1), ((2**24 + 1,), 0),
                                                ((1, 1, 2**24 + 1), 1), ((2**24 + 1,), 2**24 + 2)])
def test_multinomial_refuses_more_than_2_to_the_24_categories_in_torchs_order(shape, num_samples):
    check_error(lambda m: m.multinomial(m.ones(shape), num_samples))


OUT_CASES = {
    "multinomial into int64": lambda m: m.multinomial(m.ones(4), 2, out=m.empty(2, dtype=m.long)).shape,
    "multinomial into int32": lambda m: m.multinomial(m.ones(4), 2, out=m.empty(2, dtype=m.int32)),
    "multinomial into float": lambda m: m.multinomial(m.ones(4), 2, out=m.empty(2)),
    "bernoulli into int64": lambda m: m.bernoulli(m.full((6,), 0.5), out=m.empty(6, dtype=m.long)).dtype,
    "bernoulli into an overlapping out": lambda m: (lambda x: m.bernoulli(x[:3], out=x[1:4]))(m.full((6,), 0.5)),
}


@pytest.mark.parametrize("call", OUT_CASES.values(), ids=OUT_CASES.keys())
def test_multinomial_and_bernoulli_take_out_as_torch(call):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        try:
            outcomes.append(str(call(m)).replace("torch.", ""))
        except RuntimeError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def test_seeded_multinomial_into_out_draws_torchs_indices():
    check_parity(lambda m, w: (m.manual_seed(3), m.multinomial(w, 3, out=m.empty(3, dtype=m.long)))[1],
                 [np.array([0.1, 0.2, 0.3, 0.4])], requires_grad=[False])


ARGUMENT_TYPE_CALLS = {
    "replacement_int": lambda m, w: m.multinomial(w, 2, 1),
    "replacement_none_keyword": lambda m, w: m.multinomial(w, num_samples=2, replacement=None),
    "method_replacement_int": lambda m, w: w.multinomial(2, 1),
    "method_num_samples_float": lambda m, w: w.multinomial(2.0),
    "num_samples_float_keyword": lambda m, w: m.multinomial(w, num_samples=2.0),
    "input_list": lambda m, w: m.multinomial([0.5, 0.5], 1),
    "input_array": lambda m, w: m.multinomial(np.ones(2), 1),
    "generator_int": lambda m, w: m.multinomial(w, 1, generator=5),
    "method_generator_int": lambda m, w: w.multinomial(1, generator=5),
}


@pytest.mark.parametrize("call", ARGUMENT_TYPE_CALLS)
def test_multinomial_refuses_arguments_of_the_wrong_type_as_torch(call):
    """`replacement=1` drew with replacement; torch's parser takes only a bool there (and a tensor as input)."""
    check_error(lambda m: ARGUMENT_TYPE_CALLS[call](m, m.ones(3)))

"""torch.poisson and torch.binomial draw torch's numbers for the same seed, and leave the stream
where torch leaves it."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_poisson_same_numbers(dtype):
    torch = require_torch()
    rates = np.concatenate([[0.0, 9.99, 10.0, 1e4], np.random.default_rng(0).gamma(1.0, 8.0, 300)])
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        draws = m.poisson(m.tensor(rates.reshape(2, -1), dtype=getattr(m, dtype)))
        results.append((repr(draws.dtype), draws.numpy(), m.rand(4).numpy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])
    np.testing.assert_array_equal(results[0][2], results[1][2])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binomial_same_numbers(dtype):
    torch = require_torch()
    rng = np.random.default_rng(1)
    counts = np.concatenate([[0.0, 5.0, 100.0, 200.0], rng.integers(0, 300, 300).astype(float)])
    probs = np.concatenate([[0.3, 0.0, 1.0, 0.5], rng.random(300)])
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(4)
        d = getattr(m, dtype)
        draws = m.binomial(m.tensor(counts, dtype=d), m.tensor(probs, dtype=d))
        results.append((draws.numpy(), m.binomial(m.tensor([10.0, 20.0], dtype=d), m.tensor([0.5], dtype=d)).numpy(),
                        m.rand(4).numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_poisson_node_and_zero_gradient():
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([2.0, 30.0], requires_grad=True)
        y = m.poisson(x)
        assert y.grad_fn.name() == "PoissonBackward0"
        y.sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("call", [
    lambda m: m.poisson(m.tensor([1, 2])), lambda m: m.poisson(m.tensor([-1.0])),
    lambda m: m.binomial(m.tensor([1, 2]), m.tensor([0.5, 0.5])),
    lambda m: m.binomial(m.tensor([1.0, 2.0]), m.tensor([0.5, 0.5], dtype=m.float64)),
])
def test_errors(call):
    check_error(call)

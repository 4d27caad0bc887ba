"""torch.histogram against torch: counts, edges, weights, density, given edges, and torch's errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch

import tinygrad_rnn

rng = np.random.default_rng(0)


@pytest.mark.parametrize(("values", "bins", "kwargs"), [
    (rng.random(100), 7, {"range": (0.1, 0.9)}), (rng.standard_normal(50), 5, {}),
    (np.array([1.0, 2.0, 1.0]), 4, {"range": (0.0, 3.0), "weight": np.array([1.0, 2.0, 4.0])}),
    (np.array([2.0, 2.0, 2.0]), 4, {}), (np.array([1.0, 2.0, 1.0, 5.0, -1.0]), np.array([0.0, 1.0, 3.0]), {"density": True}),
    (np.zeros(0), 3, {}), (rng.standard_normal((4, 5)), 6, {"density": True}),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histogram(values, bins, kwargs, dtype):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        kw = {k: m.tensor(v.astype(dtype)) if k == "weight" else v for k, v in kwargs.items()}
        b = m.tensor(bins.astype(dtype)) if isinstance(bins, np.ndarray) else bins
        results.append(m.histogram(m.tensor(values.astype(dtype)), b, **kw))
    (hist, edges), (their_hist, their_edges) = results
    assert_arrays_close(hist, their_hist)
    assert_arrays_close(edges, their_edges)
    assert repr(results[0]).startswith("torch.return_types.histogram(\nhist=tensor(")


@pytest.mark.parametrize("call", [
    lambda m: m.histogram(m.tensor([1, 2]), 2), lambda m: m.histogram(m.tensor([1.0, 2.0]), 0),
    lambda m: m.histogram(m.tensor([1.0, 2.0]), 2, range=(3.0, 1.0)),
    lambda m: m.histogram(m.tensor([1.0, 2.0]), m.tensor([[1.0, 2.0]])),
    lambda m: m.histogram(m.tensor([1.0, float("nan")]), 2),
])
def test_histogram_errors(call):
    check_error(call)


@pytest.mark.parametrize("form", ["function", "method"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histogram_has_a_hundred_bins_by_default(form, dtype):
    """makemore part 3 plots `torch.histogram(t, density=True)`: torch's `bins` defaults to 100."""
    torch = require_torch()
    results, values = [], rng.standard_normal(300).astype(dtype)
    for m in (tinygrad_rnn, torch):
        t = m.tensor(values)
        results.append(m.histogram(t, density=True) if form == "function" else t.histogram())
    assert results[0].hist.shape == results[1].hist.shape == (100,)
    assert_arrays_close(results[0].hist, results[1].hist)
    assert_arrays_close(results[0].bin_edges, results[1].bin_edges)


@pytest.mark.parametrize("call", [
    lambda m: m.histogram(m.ones(3), 2.5), lambda m: m.histogram(m.ones(3), None, density=True),
    lambda m: m.histogram(m.ones(3), bins=2.5), lambda m: m.histogram(m.ones(3), True),
    lambda m: m.histogram(m.ones(3), 3, foo=1), lambda m: m.ones(3).histogram(None), lambda m: m.ones(3).histogram(2.0),
    lambda m: m.histogram(m.ones(3), m.tensor([0, 1, 2])),
    lambda m: m.histogram(m.ones(3, dtype=m.float64), m.tensor([0.0, 1.0])),
    lambda m: m.histogram(m.ones(3), m.tensor(3.0)),
])
def test_histogram_argument_errors_are_torchs(call):
    """A `bins` neither overload takes is torch's invalid combination (the method lists its own overloads);
    given edges must have the input's dtype."""
    check_error(call)


def test_histogram_of_a_tensor_that_requires_grad_has_no_derivative():
    """makemore part 3 draws histograms of activations mid-training: torch returns results that ask for
    gradients (node torch::autograd::NotImplemented, edges to the inputs), and backward through them raises."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor([0.5, -1.0, 2.0, 0.25], requires_grad=True) * 2
        hist, edges = m.histogram(t, 3)
        with m.no_grad():
            quiet = m.histogram(t, 3).hist.requires_grad
        try:
            edges.sum().backward()
        except RuntimeError as error:
            seen.append((hist.requires_grad, hist.grad_fn.name(), str(error), quiet, hist.tolist(),
                         [type(n).__name__ for n, _ in hist.grad_fn.next_functions]))
    assert len(seen) == 2 and seen[0] == seen[1]


def test_histogram_with_out_returns_torchs_histogram_out():
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        hist, edges = m.empty(0), m.empty(0)
        result = m.histogram(m.tensor([0.5, 1.0, 2.5]), 2, out=(hist, edges))
        shown.append((type(result).__name__, repr(result), result.hist is hist, hist.tolist(), edges.tolist()))
    assert shown[0] == shown[1]

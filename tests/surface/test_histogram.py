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

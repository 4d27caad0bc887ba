"""torch.histogramdd against torch: counts and summed weights in D dimensions, bins as one count, one count per
dimension or edge tensors, range, density, empty input, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity

RNG = np.random.default_rng(0)
POINTS = np.array([[0., 1.], [1., 0.], [2., 0.], [2., 2.]])


@pytest.mark.parametrize("call", [
    lambda m, x: m.histogramdd(x, 3, weight=x[..., 0].abs()),
    lambda m, x: m.histogramdd(x, 2), lambda m, x: m.histogramdd(x, [2, 3, 4][:x.shape[-1]], density=True),
    lambda m, x: m.histogramdd(x, [2, 1, 3][:x.shape[-1]], range=[-1., 1., 0., 2., -2., 0.][:2 * x.shape[-1]]),
    lambda m, x: m.histogramdd(x, [m.tensor([-1., 0.5, 2.], dtype=x.dtype)] * x.shape[-1]),
    lambda m, x: m.histogramdd(x[:0], 2),
])
@pytest.mark.parametrize("points", [POINTS, RNG.standard_normal((5, 4, 3)), RNG.standard_normal((40, 2))],
                         ids=["fixed", "batched", "random"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_histogramdd_matches_torch(call, points, dtype):
    check_parity(call, [points.astype(dtype)], requires_grad=[False])


@pytest.mark.parametrize("call", [
    lambda m, x: m.histogramdd(x, 0), lambda m, x: m.histogramdd(x, [2]), lambda m, x: m.histogramdd(x.long(), 2),
    lambda m, x: m.histogramdd(x[0], 2), lambda m, x: m.histogramdd(x, 2, range=[0., 1.]),
    lambda m, x: m.histogramdd(x, 2, range=[1., 0., 0., 1.]), lambda m, x: m.histogramdd(x, 2, weight=m.ones(3)),
    lambda m, x: m.histogramdd(x, 2.5), lambda m, x: m.histogramdd(x, 2, out=None),
    lambda m, x: m.histogramdd(x, [m.tensor([0., 1.]), m.ones(2, 2)]),
])
def test_histogramdd_errors_match_torch(call):
    check_error(lambda m: call(m, m.tensor(POINTS, dtype=m.float32)))

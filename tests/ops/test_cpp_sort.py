"""sort and topk leave tied elements where torch's CPU kernels (libstdc++'s std::sort, nth_element and
partial_sort) leave them: the indices, not only the values, are torch's (ops/cpp_sort.py)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.ops import cpp_sort


def _tie_heavy(seed: int, shape: tuple) -> list[np.ndarray]:
    """Rows with many equal values: few distinct floats, integers, NaNs among normals, one-decimal doubles."""
    rng = np.random.default_rng(seed)
    normals = rng.standard_normal(shape).astype(np.float32)
    normals[rng.random(shape) < 0.15] = np.nan
    return [rng.integers(0, 4, shape).astype(np.float32), rng.integers(0, 30, shape), normals,
            np.round(rng.standard_normal(shape), 1), np.zeros(shape, np.float32)]


SHAPES = [(7,), (40,), (300,), (3, 50), (2, 3, 17)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_gives_torchs_indices_for_ties(shape, descending):
    """counts.sort(descending=True) of word counts: torch's std::sort is not stable; ours was."""
    torch = require_torch()
    for x in _tie_heavy(len(shape) * 10 + descending, shape):
        for dim in range(-len(shape), len(shape)):
            ours = tinygrad_rnn.tensor(x).sort(dim, descending)
            theirs = torch.tensor(x).sort(dim, descending)
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
            np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
            np.testing.assert_array_equal(tinygrad_rnn.tensor(x).argsort(dim, descending).numpy(),
                                          torch.tensor(x).argsort(dim, descending).numpy())
    stable = tinygrad_rnn.tensor(_tie_heavy(0, shape)[0]).sort(descending=descending, stable=True).indices
    np.testing.assert_array_equal(stable.numpy(), torch.tensor(_tie_heavy(0, shape)[0]).sort(
        descending=descending, stable=True).indices.numpy())  # stable=True keeps numpy's (and torch's) stable order


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("in_order", [True, False])
def test_topk_gives_torchs_indices_for_ties_and_unsorted_selections(shape, largest, in_order):
    """probs.topk(k) with equal probabilities, k = 1 included; sorted=False leaves nth_element's order
    even without ties; k * 64 <= n takes the partial-sort path."""
    torch = require_torch()
    for x in _tie_heavy(len(shape) + 100 * largest + 10 * in_order, shape) + [np.random.default_rng(5).standard_normal(shape)]:
        n = x.shape[-1]
        for k in sorted({1, 2, n // 2 or 1, n, max(1, n // 64)}):
            ours = tinygrad_rnn.tensor(x).topk(k, largest=largest, sorted=in_order)
            theirs = torch.tensor(x).topk(k, largest=largest, sorted=in_order)
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
            np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())


def test_the_replayed_algorithms_sort_and_select_correctly():
    """Whatever order ties take, the values must come out sorted and the k best selected."""
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 4, 16, 17, 100, 1000):
        values = rng.integers(0, 10, n).astype(float).tolist()
        for descending in (False, True):
            order = cpp_sort.sorted_order(values, descending)
            assert sorted(order) == list(range(n))
            assert [values[i] for i in order] == sorted(values, reverse=descending)
        for k in (1, max(1, n // 64), n):
            best = cpp_sort.topk_order(values, k, True, True)
            assert [values[i] for i in best] == sorted(values, reverse=True)[:k]


@pytest.mark.parametrize("shape", SHAPES)
def test_kthvalue_mode_and_median_give_torchs_indices_for_ties(shape):
    """kthvalue's index is where torch's quick select leaves it, mode's the last of the value's run after
    std::sort; median keeps the stable order's, as torch's (measured, so it is checked here too)."""
    torch = require_torch()
    for x in _tie_heavy(len(shape) + 200, shape)[:2] + [np.round(np.random.default_rng(3).standard_normal(shape))]:
        for dim in range(-len(shape), len(shape)):
            for k in sorted({1, (x.shape[dim] + 1) // 2, x.shape[dim]}):
                ours, theirs = tinygrad_rnn.tensor(x).kthvalue(k, dim), torch.tensor(x).kthvalue(k, dim)
                np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
            for name in ("mode", "median"):
                ours, theirs = getattr(tinygrad_rnn.tensor(x), name)(dim), getattr(torch.tensor(x), name)(dim)
                np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
                np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int64"])
def test_topk_largest_of_integers_at_the_ends_of_their_range(dtype):
    """(fuzz: topk of uint8 took -x as its key, which wraps 2 to 254, so [0, 2].topk(1) gave 0)"""
    torch = require_torch()
    info = np.iinfo(dtype)
    x = np.array([[0, 2, info.max, info.min, 1, 2], [3, 0, 0, info.min, info.max, 1]], dtype=dtype)
    for largest in (True, False):
        for dim, k in ((1, 3), (0, 2), (-1, 6)):
            ours = tinygrad_rnn.tensor(x).topk(k, dim, largest=largest)
            theirs = torch.tensor(x).topk(k, dim, largest=largest)
            np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())

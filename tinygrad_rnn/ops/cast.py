"""`Cast`: change a tensor's dtype (torch's `_to_copy`); the op that type promotion inserts."""
from __future__ import annotations

import numpy as np

from ..argcheck import tensor_arg
from ..backend.errstate import quiet_floats
from ..core.function import Function
from ..core.tensor import Tensor
from .declare import Sample, op


class Cast(Function):
    """Change dtype; the engine casts the gradient back to the input's dtype."""

    torch_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype):
        a, to = x._data, dtype.np
        if a.dtype.kind == "f" and (to.kind != "f" or to.itemsize < a.dtype.itemsize):
            with quiet_floats():  # inf as half, NaN as an int: torch casts without a warning
                return Tensor._make(a.astype(to))
        return Tensor._make(a.astype(to))

    @staticmethod
    def backward(ctx, g):
        return g, None

    @staticmethod
    def jvp(ctx, tx, t_dtype):  # the machinery casts it to the output's dtype
        return tx


class PromotionCast(Cast):
    """A cast torch makes inside an op's kernel (type promotion of `float64 + float32`, a reduction's
    `dtype=`): it runs as Cast, but torch has no node for it, so next_functions shows what it casts."""

    seen_through = True


def _type_as_samples(rng: np.random.Generator) -> list[Sample]:
    """Float tensors, which the op database gives one dtype: nothing to change, so input itself comes
    back (its casts to other dtypes: tests/ops/test_ops_pointwise.py and tests/core)."""
    x = rng.standard_normal
    return [Sample((x((3, 4)), x((2,)))), Sample((x((0, 3)), x((1,)))), Sample((x(()), x((1,))))]


@op(function=False, samples=_type_as_samples)
def type_as(input: Tensor, other: Tensor) -> Tensor:
    """input in other's dtype (input itself when it already has it)."""
    tensor_arg("type_as", "other", other, 1)
    return input if input.dtype is other.dtype else Cast.apply(input, other.dtype)

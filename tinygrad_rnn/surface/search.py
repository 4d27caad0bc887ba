"""`searchsorted` and `bucketize`: where values would go in a sorted sequence (no gradient flows).

    torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6]))               # tensor([1, 3])
    torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6]), right=True)   # tensor([2, 3])
    torch.bucketize(torch.tensor([3, 6]), torch.tensor([1, 3, 5, 7]))                  # the same, arguments swapped
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..argcheck import invalid_combination
from ..core import dtypes
from ..core.tensor import Tensor
from ..ops.promotion import result_type
from .functions import accepts_out
from .out_rules import OutRules
from .overlap import RULES


def _side(right: bool, side: str | None) -> str:
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
    if right and side == "left":
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while "
                           "right was True")
    return side


def _sorted_rows(sorted_sequence: Tensor, sorter: Tensor | None) -> np.ndarray:
    boundaries = sorted_sequence.numpy()
    if sorter is None:
        return boundaries
    if sorter.dtype is not dtypes.int64:
        raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                           f"{sorter.dtype._legacy}")
    if tuple(sorter.shape) != tuple(sorted_sequence.shape):
        raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                           f"tensor {list(sorted_sequence.shape)}and got sorter tensor {list(sorter.shape)}")
    order = sorter.numpy()
    if order.size and (order.min() < 0 or order.max() >= boundaries.shape[-1]):
        raise RuntimeError("torch.searchsorted(): sorter index out of range")
    return np.take_along_axis(boundaries, order, -1)


def _bisect(rows: np.ndarray, values: np.ndarray, side: str) -> np.ndarray:
    """torch's binary search, step for step, for each value of row i of `values` in row i of `rows`.
    numpy's searchsorted sorts NaN last; torch's comparisons are false with NaN, so with a NaN in either
    (or an unsorted sequence) the two land elsewhere: torch([1., nan]) puts 2.0 and nan both at 2."""
    start = np.zeros(values.shape, np.int64)
    end = np.full(values.shape, rows.shape[-1], np.int64)
    searching = start < end
    while searching.any():
        mid = start + ((end - start) >> 1)
        entry = np.take_along_axis(rows, np.where(searching, mid, 0), -1)
        # torch: go right unless entry >= value (left side) or entry > value (right side)
        go_right = searching & ~(entry > values if side == "right" else entry >= values)
        start = np.where(go_right, mid + 1, start)
        end = np.where(searching & ~go_right, mid, end)
        searching = start < end
    return start


def _searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False, right: bool = False,
                  side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """For each value, the index in the (last dim of) sorted_sequence where inserting it keeps the
    order: before equal entries (side='left', the default) or after them (side='right' / right=True)."""
    if not isinstance(sorted_sequence, Tensor) or not isinstance(input, (Tensor, bool, int, float)):
        raise invalid_combination("searchsorted", (sorted_sequence, input))
    chosen = _side(right, side)
    if sorted_sequence.dim() == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    # both sides are compared in their promoted dtype, as torch does: a Python float or a 0-d float64
    # value is rounded to a float32 sequence's dtype first, so it can land on an equal entry
    common = result_type(sorted_sequence, input).np
    boundaries = _sorted_rows(sorted_sequence, sorter).astype(common, copy=False)
    values = (input.numpy() if isinstance(input, Tensor) else np.asarray(input)).astype(common, copy=False)
    if boundaries.ndim == 1:
        positions = _bisect(boundaries.reshape(1, -1), values.reshape(1, -1), chosen).reshape(values.shape)
    else:
        if values.shape[:-1] != boundaries.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(boundaries.shape)} and input value tensor "
                               f"{list(values.shape)}")
        rows = boundaries.reshape(math.prod(boundaries.shape[:-1]), boundaries.shape[-1])  # (-1 fails when empty)
        row_values = values.reshape(math.prod(values.shape[:-1]), values.shape[-1])
        positions = _bisect(rows, row_values, chosen).reshape(values.shape)
    if common == np.bool_ and values.size:  # torch's kernel, after the shapes (nothing to search: no kernel)
        raise NotImplementedError('"searchsorted_out_cpu" not implemented for \'Bool\'')
    return Tensor._make(np.asarray(positions, dtype=np.int32 if out_int32 else np.int64))


def _bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each value: i such that boundaries[i-1] < x <= boundaries[i] (right=False) or
    boundaries[i-1] <= x < boundaries[i] (right=True); boundaries must be 1-d and sorted."""
    if isinstance(boundaries, Tensor) and boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return _searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _check_index_out(out: Any, args: tuple, kwargs: dict) -> None:
    """searchsorted and bucketize write int64 positions, or int32 with out_int32, into no other dtype."""
    out_int32 = bool(kwargs.get("out_int32", False))
    if isinstance(out, Tensor) and out.dtype is not (dtypes.int32 if out_int32 else dtypes.int64):
        raise RuntimeError("torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
                           "Long(int64) depending on whether out_int32 flag is True, but we got output tensor's "
                           f"dtype {out.dtype._legacy} and out_int32 flag is {out_int32}")


searchsorted = accepts_out(_searchsorted, OutRules(overlap=RULES["searchsorted"], check_dtype=_check_index_out))
bucketize = accepts_out(_bucketize, OutRules(overlap=RULES["bucketize"], check_dtype=_check_index_out))

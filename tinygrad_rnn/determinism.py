"""torch's process-wide deterministic-algorithms setting, and what it puts in memory nobody wrote.

Every op here is deterministic already, so `torch.use_deterministic_algorithms(True)` changes one
thing, as in torch: while `torch.utils.deterministic.fill_uninitialized_memory` is True (its
default), the tensors `empty`, `empty_like`, `new_empty`, `empty_strided` and the new elements of
`resize_` hold NaN (float and complex), the largest value (integers) or True (bool), so a program
that reads memory it never wrote gives the same, visibly wrong, numbers every time. Otherwise they
hold zeros here (torch's hold whatever the memory held).
"""
from __future__ import annotations

import numpy as np


class _Determinism:
    enabled = False  # torch.use_deterministic_algorithms(mode)
    warn_only = False  # its warn_only=
    fill_uninitialized_memory = True  # torch.utils.deterministic.fill_uninitialized_memory


DETERMINISM = _Determinism()


def uninitialized(shape: tuple, dtype: np.dtype) -> np.ndarray:
    """A fresh array for a tensor whose values are not set: see the module's docstring."""
    if not (DETERMINISM.enabled and DETERMINISM.fill_uninitialized_memory):
        return np.zeros(shape, dtype)
    if dtype.kind in "fc":
        return np.full(shape, np.nan, dtype)
    return np.full(shape, True if dtype.kind == "b" else np.iinfo(dtype).max, dtype)

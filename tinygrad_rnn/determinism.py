"""torch's process-wide deterministic-algorithms setting, and what it puts in memory nobody wrote.

Every op here is deterministic already, so `torch.use_deterministic_algorithms(True)` changes two
things, as in torch. The ops whose torch CPU kernels write in no fixed order (`put_` without
accumulate when an index repeats; max_unpool1d/2d/3d, whose indices may repeat) raise (or, with
warn_only, warn): code that runs here runs in torch. And while
`torch.utils.deterministic.fill_uninitialized_memory` is True (its default), the tensors `empty`,
`empty_like`, `new_empty`, `empty_strided` and the new elements of `resize_` hold NaN (float and
complex), the largest value (integers) or True (bool), so a program that reads memory it never
wrote gives the same, visibly wrong, numbers every time. Otherwise they hold zeros here (torch's
hold whatever the memory held).
"""
from __future__ import annotations

import warnings

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


def alert_nondeterministic(op_name: str) -> None:
    """torch's alert for an op it has no deterministic kernel for, when deterministic algorithms are on."""
    if not DETERMINISM.enabled:
        return
    if DETERMINISM.warn_only:
        warnings.warn(f"{op_name} does not have a deterministic implementation, but you set "
                      "'torch.use_deterministic_algorithms(True, warn_only=True)'. You can file an issue at "
                      "https://github.com/pytorch/pytorch/issues to help us prioritize adding deterministic "
                      "support for this operation. (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/Context.cpp:186.)", UserWarning, stacklevel=3)
        return
    raise RuntimeError(f"{op_name} does not have a deterministic implementation, but you set "
                       "'torch.use_deterministic_algorithms(True)'. You can turn off determinism just for this "
                       "operation, or you can use the 'warn_only=True' option, if that's acceptable for your "
                       "application. You can also file an issue at https://github.com/pytorch/pytorch/issues to "
                       "help us prioritize adding deterministic support for this operation.")

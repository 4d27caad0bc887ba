"""`scratch(name, shape, dtype)`: work arrays the fused kernels reuse from one call to the next.

Fresh memory is not free. An array of a few hundred KB or more is mapped fresh by the C allocator
and every 4 KB page of it costs a page fault on its first write: about 1.2 us each on the
benchmark machine (a VM), which was a quarter of the LSTM backward's time (2,200 faults per call
on the medium benchmark shape). The backward kernels' temporaries (gate derivative factors,
dL/d(pre-activation) of every step) never leave the kernel, so each thread keeps the last array
it used under each name and hands it out again when a later call asks for the same shape and
dtype: already mapped, no faults. The memory held is one set of temporaries of the last call,
per thread.

The contents are NOT cleared: a caller overwrites every element it reads (or zeroes the array).
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

_local = threading.local()


def scratch(name: str, shape: tuple, dtype: Any) -> np.ndarray:
    """An uninitialised array of `shape` and `dtype`, the same one as the last call with `name`
    (in this thread) if that had the same shape and dtype. Valid until the next call with `name`."""
    kept = getattr(_local, "arrays", None)
    if kept is None:
        kept = _local.arrays = {}
    a = kept.get(name)
    if a is None or a.shape != shape or a.dtype != dtype:
        kept[name] = a = None  # free the old array before making the new one
        kept[name] = a = np.empty(shape, dtype)
    return a

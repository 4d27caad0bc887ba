"""`scratch(name, shape, dtype)`: work arrays the fused kernels reuse from one call to the next, and
`constant(value, dtype)`: the numbers their small-array calls multiply and add by.

Fresh memory is not free. An array of a few hundred KB or more is mapped fresh by the C allocator
and every 4 KB page of it costs a page fault on its first write: about 1.2 us each on the
benchmark machine (a VM), which was a quarter of the LSTM backward's time (2,200 faults per call
on the medium benchmark shape). The backward kernels' temporaries (gate derivative factors,
dL/d(pre-activation) of every step) never leave the kernel, so each thread keeps the last array
it used under each name and hands it out again when a later call asks for the same shape and
dtype: already mapped, no faults. The memory held is one set of temporaries of the last call,
per thread, and only arrays under `KEEP_BYTES`: from 4 MB up numpy asks the kernel for 2 MB huge
pages (one fault per 2 MB), so fresh big arrays are cheap and keeping them would only hold memory.

The contents are NOT cleared: a caller overwrites every element it reads (or zeroes the array).
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

KEEP_BYTES = 1 << 22  # numpy's huge-page threshold (see above)

_local = threading.local()


def scratch(name: str, shape: tuple, dtype: Any) -> np.ndarray:
    """An uninitialised array of `shape` and `dtype`, the same one as the last call with `name`
    (in this thread) if that had the same shape and dtype. Valid until the next call with `name`."""
    kept = getattr(_local, "arrays", None)
    if kept is None:
        kept = _local.arrays = {}
    a = kept.pop(name, None)
    if a is not None and (a.shape != shape or a.dtype != dtype):
        a = None  # freed before the new one is made
    if a is None:
        a = np.empty(shape, dtype)
    if a.nbytes < KEEP_BYTES:
        kept[name] = a
    return a


_constants: dict = {}


def constant(value: float, dtype: Any) -> np.ndarray:
    """`value` as a read-only 0-d array of `dtype`, made once and kept.

    Stands for the plain number: `np.multiply(a, constant(0.5, a.dtype), out=a)` gives the same bits
    as `a *= 0.5` (numpy converts a Python number to a's dtype), but on a small array the
    conversion of the number costs more than the arithmetic: about 0.45 us of a 0.7 us call,
    which the kernels' per-step calls pay on every step."""
    key = (value, dtype)
    found = _constants.get(key)
    if found is None:
        found = _constants[key] = np.array(value, dtype)
        found.flags.writeable = False
    return found

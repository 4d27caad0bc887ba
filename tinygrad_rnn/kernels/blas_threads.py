"""`one_blas_thread()`: run a block's matrix products on one BLAS thread (the calling thread).

A recurrence makes one small matrix product per time step. Split over several threads, each such
product costs a hand-off and a wait for the other threads; and when another process has taken a
core, that wait is a scheduler time slice: a two-thread OpenBLAS then ran a medium-sized RNN
(benchmarks/bench_rnn.py) 10-70x slower than one thread did. So products below `THREADED_WORK`
multiply-adds (about a millisecond on one core) run on one thread; only the large products of a
large layer (all steps' input projection, the weight gradients) use all of BLAS's threads.

This uses OpenBLAS's `openblas_set_num_threads_local`, which changes the thread count for the
calling thread only, so other Python threads and the rest of the program are not affected (a
count the caller set with that same function is reset on exit; threadpoolctl's are kept). Where
numpy's BLAS is not such an OpenBLAS (or the library cannot be found), it does nothing.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

THREADED_WORK = 1 << 26  # multiply-adds; smaller products run on one thread

_UNSEARCHED = object()
_set_local: Any = _UNSEARCHED


def _find_set_local() -> Any:
    """numpy's OpenBLAS `openblas_set_num_threads_local`, or None (Linux: found via /proc/self/maps)."""
    import numpy  # noqa: F401  (numpy's BLAS must be loaded before we look for it)

    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn
    return None


def is_small(m: int, k: int, n: int) -> bool:
    """Whether an (m, k) @ (k, n) product is too small to be worth several threads."""
    return m * k * n < THREADED_WORK


@contextmanager
def one_blas_thread(enabled: bool = True) -> Iterator[None]:
    """Within the block, BLAS calls made by this thread use one thread (if `enabled`)."""
    global _set_local
    if _set_local is _UNSEARCHED:
        _set_local = _find_set_local()
    if not enabled or _set_local is None:
        yield
        return
    _set_local(1)
    try:
        yield
    finally:
        _set_local(0)  # 0 unsets the thread's own count: it follows the global one again

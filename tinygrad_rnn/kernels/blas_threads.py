"""`threads_for(m, k, n)`: run a block's matrix products on one BLAS thread (the calling thread).

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
from contextlib import AbstractContextManager, nullcontext
from typing import Any

THREADED_WORK = 1 << 26  # multiply-adds; smaller products run on one thread
SERIAL_WORK = 1 << 18  # OpenBLAS's own limit (65536 * GEMM_MULTITHREAD_THRESHOLD): smaller ones never thread

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


class _OneThread:
    """Context manager: this thread's BLAS calls use one thread inside the block."""

    def __enter__(self) -> None:
        _set_local(1)

    def __exit__(self, *exc: object) -> None:
        _set_local(0)  # 0 unsets the thread's own count: it follows the global one again


_ONE_THREAD, _AS_IS = _OneThread(), nullcontext()


def threads_for(m: int, k: int, n: int) -> AbstractContextManager:
    """A context manager giving (m, k) @ (k, n) products the right number of BLAS threads: one
    thread below THREADED_WORK multiply-adds, BLAS's own choice above (and below SERIAL_WORK,
    where OpenBLAS already stays on one thread, so there is nothing to switch)."""
    global _set_local
    if not SERIAL_WORK <= m * k * n < THREADED_WORK:
        return _AS_IS
    if _set_local is _UNSEARCHED:
        _set_local = _find_set_local()
    return _AS_IS if _set_local is None else _ONE_THREAD

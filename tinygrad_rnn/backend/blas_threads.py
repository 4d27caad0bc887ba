"""`threads_for(m, k, n)`: how many BLAS threads an (m, k) @ (k, n) product gets: all of BLAS's,
or only the calling thread.

Measured on a 2-core machine (OpenBLAS 0.3.31, float32; benchmarks/bench_rnn.py has the shapes):

- machine quiet: two threads take 0.55-0.7x the time of one for every product OpenBLAS threads
  at all (from 64x128x128 up: a medium RNN's time step 11 -> 7 us, a large one's 300 -> 165 us);
- another process busy on one core: every threaded product, small or huge, becomes 3-10x SLOWER
  than on one thread (a 64x512x512 step 0.3 -> 4.5 ms, a 512x6336x512 weight gradient 42 -> 158
  ms), because each product ends in a wait for the thread whose core was taken.

So the choice depends on the machine, not on the shape: BLAS keeps its threads while other
processes leave the cores idle, and products run on the calling thread alone while others keep
more than IDLE_MARGIN of a core busy. That load is read from /proc/stat (all CPU time) minus this
process's own CPU time, at most every PROBE_SECONDS, so a call costs a clock read. Products below
SERIAL_WORK never switch: OpenBLAS runs them on one thread anyway. The price: a threaded product
may differ from a one-thread one in the last bits (OpenBLAS blocks the work differently), so two
runs on a machine whose load changes can differ by float rounding.

This uses OpenBLAS's `openblas_set_num_threads_local`, which changes the thread count for the
calling thread only, so other Python threads and the rest of the program are not affected (a
count the caller set with that same function is reset on exit; threadpoolctl's are kept). Where
numpy's BLAS is not such an OpenBLAS, or there is no /proc/stat, the fixed rule of one thread
below THREADED_WORK multiply-adds applies (threading small products risks the most and gains least).
"""
from __future__ import annotations

import ctypes
import os
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

SERIAL_WORK = 1 << 18  # OpenBLAS's own limit (65536 * GEMM_MULTITHREAD_THRESHOLD): smaller ones never thread
THREADED_WORK = 1 << 26  # without a load reading: multiply-adds from which products keep BLAS's threads
IDLE_MARGIN = 0.5  # cores other processes may keep busy before products drop to one thread
PROBE_SECONDS = 0.1  # the load is re-read at most this often (/proc/stat counts in 10 ms ticks)

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


def _busy_seconds() -> float | None:
    """CPU seconds all processes on the machine have spent busy (None without /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class OthersLoad:
    """How many cores OTHER processes kept busy between two readings (None until two exist)."""

    def __init__(self) -> None:
        self.when: float | None = None
        self.busy = self.own = 0.0
        self.cores: float | None = None

    def read(self) -> float | None:
        now = time.monotonic()
        if self.when is not None and now - self.when < PROBE_SECONDS:
            return self.cores
        busy, own = _busy_seconds(), time.process_time()  # process_time: all our threads
        if busy is None:
            return None
        if self.when is not None:
            self.cores = max(0.0, (busy - self.busy) - (own - self.own)) / (now - self.when)
        self.when, self.busy, self.own = now, busy, own
        return self.cores


_others = OthersLoad()


def threads_for(m: int, k: int, n: int) -> AbstractContextManager:
    """A context manager giving (m, k) @ (k, n) products the right number of BLAS threads (see the
    module docstring): BLAS's own choice while the other cores are idle, one thread otherwise."""
    global _set_local
    work = m * k * n
    if work < SERIAL_WORK:
        return _AS_IS
    if _set_local is _UNSEARCHED:
        _set_local = _find_set_local()
    if _set_local is None:
        return _AS_IS
    others = _others.read()
    if others is None:
        return _AS_IS if work >= THREADED_WORK else _ONE_THREAD
    return _AS_IS if others <= IDLE_MARGIN else _ONE_THREAD

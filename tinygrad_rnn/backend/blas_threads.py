"""How many threads numpy's BLAS uses: one program-wide count, the one `set_num_threads` sets.

Reproducibility comes first: the same seeded program with the same thread setting must give
bit-identical numbers whatever else runs on the machine. A BLAS product's last bits depend on how
many threads share it (each thread sums its own block), so the count may never follow the
machine's load; it is fixed, and only the program changes it (`tinygrad_rnn.set_num_threads`).
OpenBLAS then splits each product the same way every time (its choice depends on the shape and
the count only).

The price, measured on a 2-core machine (benchmarks/bench_rnn.py --contention): while another
process keeps a core busy, a product on two threads waits for the thread whose core was taken and
runs 3-10x slower than on one. A program that shares its machine can call
`set_num_threads(1)`: still reproducible, and immune to the neighbours.

`threads_for(m, k, n)` is the one place every (m, k) @ (k, n) product of ops and kernels asks
before it runs (the first call applies the default count). Products below THREADED_WORK
multiply-adds run on one thread, bigger ones on the program's count: a rule of the shape and the
setting only, like torch's own grain sizes, so still reproducible. Measured on the 2-core machine,
with other processes busy: a medium RNN's per-step products took 30x longer on two threads than on
one, while the big weight-gradient products still gain from a second core when it is free.
Measured again for the medium RNN (64/128/50/32) with its 13-26M whole-sequence products (input
projection, dx, dW_ih, dW_hh) moved to two threads, interleaved in one process against this rule:
forward+backward 0.81x, forward 0.88x in quiet rounds, but 5-22x and 3-9x (medians of two runs)
while others kept 1-1.4 cores busy; each product alone 0.55-0.6x at the median, p90 8-28 ms.
And float32 products give other last bits on two threads than on one (float64 ones did not).

The per-step products of a recurrent kernel's time loop (`threads_for(..., per_step=True)`) get
the program's count from STEP_THREADED_WORK, a smaller size. With the second core free, every
product from about 1M multiply-adds ran in 0.45-0.55x its one-thread time on two threads; the
question is what a neighbour's load costs. A product on two threads that meets a busy core waits
for its second thread, up to a scheduler time slice (milliseconds): in a call of a few ms (the
medium RNN shapes: nn.RNN's forward+backward took 0.6x torch's time with every product on one
thread, 1-1.5x with its 13-26M whole-sequence products on two) one wait doubles the call. The
large shapes' per-step products (RNN 17M, GRU 50M multiply-adds a step, each 0.3-1 ms on one core)
sit in calls of 30-300 ms that are mostly those products: on two threads the calls took 0.66-0.78x
their time (best of runs) and stayed about as fast under load (median 0.8-1.07x).

The count is set with OpenBLAS's `openblas_set_num_threads` (for the whole process, as torch's
setting is), found in the libraries this process loaded. Where numpy's BLAS is not OpenBLAS, the count is kept (get_num_threads returns it) but
BLAS keeps its own setting, which is fixed too (OPENBLAS_NUM_THREADS, MKL_NUM_THREADS...).
"""
from __future__ import annotations

import ctypes
import os
import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

SERIAL_WORK = 1 << 18  # OpenBLAS's own limit (65536 * GEMM_MULTITHREAD_THRESHOLD): smaller ones never thread
THREADED_WORK = 1 << 26  # multiply-adds from which a product gets the program's thread count
STEP_THREADED_WORK = 1 << 24  # the same for a per-step product of a time loop (see above)

_UNSEARCHED = object()
_set_global: Any = _UNSEARCHED
_set_local: Any = _UNSEARCHED
_wanted: int | None = None  # the count the program asked for (None: not yet decided)
_applied: int | None = None  # the count BLAS was last given, program-wide
_thread = threading.local()  # .count: the count this thread's own BLAS setting holds
_AS_IS = nullcontext()


def _find_openblas(name: str) -> Any:
    """numpy's OpenBLAS function `name` (of one int) as a ctypes function, or None (found via
    /proc/self/maps). Builds rename some: scipy-openblas (numpy's wheels) exports
    `openblas_set_num_threads` as `scipy_openblas_set_num_threads64_`."""
    import numpy  # noqa: F401  (numpy's BLAS must be loaded before we look for it)

    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("", "scipy_"):
            for suffix in ("", "64_"):
                fn = getattr(library, f"{prefix}{name}{suffix}", None)
                if fn is not None:
                    fn.argtypes, fn.restype = [ctypes.c_int], None
                    return fn
    return None


def default_threads() -> int:
    """torch's default count, as measured on torch 2.13: the number of physical cores this process
    may run on, lowered by MKL_NUM_THREADS or else OMP_NUM_THREADS when one holds a positive int
    (a larger value, or one that is not a positive int, is ignored)."""
    cores = physical_cores()
    for name in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return min(int(value), cores)
    return cores


def physical_cores() -> int:
    """Cores (not hyper-threads) among the CPUs this process may use (Linux: from sysfs), else CPUs."""
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    cores = set()
    for cpu in cpus:
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology/"
        try:
            with open(topology + "physical_package_id") as package, open(topology + "core_id") as core:
                cores.add((package.read().strip(), core.read().strip()))
        except OSError:
            return max(1, len(cpus))
    return max(1, len(cores))


def set_blas_threads(count: int) -> None:
    """Make every later BLAS product of this program use up to `count` threads."""
    global _wanted
    _wanted = count
    _apply_to_this_thread()  # other threads catch up at their next product (threads_for)


def blas_threads() -> int:
    """The count BLAS products use: the last `set_blas_threads`, else `default_threads()`."""
    global _wanted
    if _wanted is None:
        _wanted = default_threads()
    return _wanted


def _apply() -> None:
    global _set_global, _applied
    blas_threads()  # decides the default on first use
    if _set_global is _UNSEARCHED:
        _set_global = _find_openblas("openblas_set_num_threads")
    if _set_global is not None and _wanted is not None and _applied != _wanted:
        _set_global(_wanted)
        _applied = _wanted


class _OneThread:
    """Context manager: this thread's BLAS calls use one thread inside the block."""

    def __enter__(self) -> None:
        _set_local(1)

    def __exit__(self, *exc: object) -> None:
        # Back to the program's count, set explicitly: "0" (unset) would mean every thread
        # OpenBLAS ever started, which after set_num_threads(3) then (2) is still 3.
        _set_local(_thread.count)


_ONE_THREAD = _OneThread()


def threads_for(m: int, k: int, n: int, per_step: bool = False) -> AbstractContextManager:
    """The context an (m, k) @ (k, n) product runs in: one BLAS thread below THREADED_WORK
    multiply-adds (STEP_THREADED_WORK for `per_step`, a product of a recurrent time loop), the
    program's count (`set_num_threads`) from there on.

    The rule depends on the shape and the setting only, never on the machine's state, so results
    are reproducible (see the module docstring). Below the limit, threads gain little on a quiet
    machine and lose the most when a neighbour takes a core (medium RNN steps ran 30x slower).
    """
    work = m * k * n
    if work < SERIAL_WORK:
        return _AS_IS
    if getattr(_thread, "count", None) != _wanted or _wanted is None:
        _apply_to_this_thread()
    if work >= (STEP_THREADED_WORK if per_step else THREADED_WORK) or _wanted == 1 or _set_local is None:
        return _AS_IS
    return _ONE_THREAD


def runs_threaded(m: int, k: int, n: int, per_step: bool = False) -> bool:
    """Whether `threads_for(m, k, n, per_step)` lets the product use more than one thread (the same rule)."""
    return m * k * n >= (STEP_THREADED_WORK if per_step else THREADED_WORK) and blas_threads() > 1


def _apply_to_this_thread() -> None:
    """Give BLAS the program's count, program-wide and as this thread's own setting (once one
    thread has its own, OpenBLAS reads that one, so each thread is brought up to date here)."""
    global _set_local
    _apply()
    if _set_local is _UNSEARCHED:
        _set_local = _find_openblas("openblas_set_num_threads_local")
    if _set_local is not None:
        _set_local(_wanted)
    _thread.count = _wanted

"""Timing helpers for benchmarks on a shared, noisy machine (used by every script here).

The rules they implement, and why:

- Candidates run in interleaved rounds in one process (A, B, C, A, B, C, ...) and we report the
  median over rounds of per-round ratios: a slow spell of the machine then hits both sides of a
  ratio instead of whichever candidate happened to run during it.
- Every block is warmed up (~0.15 s) right before it is timed: BLAS and OpenMP worker threads keep
  spinning for a while after a threaded call and slow down whichever library runs next.
- Each round records how busy the OTHER processes kept the machine (all CPU time from /proc/stat
  minus our own process's CPU time, in cores), so rounds during which someone else took a core
  can be dropped: two-thread BLAS collapses by 10-100x when it loses one of its cores.
"""
from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WARMUP_SECONDS = 0.15
BLOCK_SECONDS = 0.1  # each timed block runs the function at least this long (and at least once)


def _busy_seconds() -> float | None:
    """CPU seconds all processes on the machine have spent busy (None where /proc/stat is missing)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    """CPU seconds this process has used, all its threads (BLAS workers included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LoadMeter:
    """Measures the CPU load of other processes (in cores) between `start()` and `stop()`."""

    def start(self) -> None:
        self.t0, self.busy0, self.own0 = time.perf_counter(), _busy_seconds(), _own_seconds()

    def stop(self) -> float:
        wall = time.perf_counter() - self.t0
        busy = _busy_seconds()
        if busy is None or self.busy0 is None or wall <= 0:
            return 0.0
        return max(0.0, (busy - self.busy0) - (_own_seconds() - self.own0)) / wall


def warm(fn: Callable[[], object], seconds: float = WARMUP_SECONDS) -> None:
    """Run fn for about `seconds` (at least once) and discard the times."""
    end = time.perf_counter() + seconds
    fn()
    while time.perf_counter() < end:
        fn()


def time_per_call(fn: Callable[[], object], seconds: float = BLOCK_SECONDS,
                  clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds per call of fn, timed over a block of at least `seconds` (and at least one call).

    `clock` is wall-clock time by default; `time.thread_time` counts only this thread's CPU time,
    which neighbours competing for the cores inflate less (for single-threaded work only)."""
    calls, start = 0, clock()
    while True:
        fn()
        calls += 1
        elapsed = clock() - start
        if elapsed >= seconds:
            return elapsed / calls


@dataclass
class Rounds:
    """Per-round seconds per call of each candidate, and the other processes' load per round."""

    times: dict[str, list[float]] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)

    def kept(self, max_load: float, min_rounds: int = 3) -> list[int]:
        """Indices of the rounds to trust: those with the others' load under `max_load`, or the
        `min_rounds` quietest rounds if too few were quiet (then the result is marked noisy)."""
        quiet = [i for i, load in enumerate(self.loads) if load <= max_load]
        if len(quiet) >= min(min_rounds, len(self.loads)):
            return quiet
        return sorted(range(len(self.loads)), key=self.loads.__getitem__)[:min_rounds]

    def is_noisy(self, max_load: float, min_rounds: int = 3) -> bool:
        return sum(load <= max_load for load in self.loads) < min(min_rounds, len(self.loads))

    def ratio(self, numerator: str, denominators: Sequence[str], rounds: Sequence[int]) -> float:
        """Median over `rounds` of numerator time / the fastest denominator time of that round."""
        return statistics.median(
            self.times[numerator][i] / min(self.times[d][i] for d in denominators) for i in rounds
        )

    def median(self, name: str, rounds: Sequence[int]) -> float:
        return statistics.median(self.times[name][i] for i in rounds)


def interleaved_rounds(candidates: dict[str, Callable[[], object]], rounds: int,
                       setup: dict[str, Callable[[], object]] | None = None,
                       seconds: float = BLOCK_SECONDS,
                       clock: Callable[[], float] = time.perf_counter,
                       warmup: float = WARMUP_SECONDS) -> Rounds:
    """Time every candidate once per round, warming each up right before its block.

    `setup[name]`, if given, runs before that candidate's warm-up (e.g. torch.set_num_threads).
    The candidate order rotates from round to round so none always runs right after another.
    `clock`: see time_per_call; `warmup`: seconds of warm-up before each block (at least one call).
    """
    result = Rounds({name: [] for name in candidates})
    names = list(candidates)
    meter = LoadMeter()
    for r in range(rounds):
        meter.start()
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            if setup and name in setup:
                setup[name]()
            warm(candidates[name], warmup)
            result.times[name].append(time_per_call(candidates[name], seconds, clock))
        result.loads.append(meter.stop())
    return result

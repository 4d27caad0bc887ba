"""torch.utils.benchmark, the part tutorials use: `Timer(stmt, setup, globals=...)` and its
`timeit(number)` / `blocked_autorange()`, which return a `Measurement` that prints as torch's.

The torch.func tutorials time a loop against vmap this way:

    >>> import tinygrad_rnn as torch
    >>> from tinygrad_rnn.utils.benchmark import Timer
    >>> m = Timer(stmt="x * 2", globals={"x": torch.ones(3)}).timeit(10)
    >>> m.number_per_run, len(m.times)
    (10, 1)
"""
from __future__ import annotations

import math
import statistics
import timeit as _timeit
from collections.abc import Callable
from typing import Any

__all__ = ["Measurement", "Timer", "select_unit"]


def select_unit(t: float) -> tuple[str, float]:
    """The unit that shows `t` seconds as a number of O(1): ('us', 1e-6) for 3e-6."""
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(math.floor(math.log10(t)) // 3 if t > 0 else -3, "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


class Measurement:
    """The times of one or more blocks of `number_per_run` runs of a statement."""

    def __init__(self, number_per_run: int, raw_times: list[float], timer: Timer) -> None:
        self.number_per_run, self.raw_times, self._timer = number_per_run, raw_times, timer
        self.times = [t / number_per_run for t in raw_times]  # seconds per run, one per block
        self.stmt, self.setup, self.label = timer.stmt, timer.setup, timer.label
        self.sub_label, self.description, self.env = timer.sub_label, timer.description, timer.env
        self.num_threads = timer.num_threads

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def iqr(self) -> float:
        return self._quartiles()[1] - self._quartiles()[0]

    def _quartiles(self) -> tuple[float, float]:
        if len(self.times) < 2:
            return self.times[0], self.times[0]
        q = statistics.quantiles(self.times, n=4, method="inclusive")
        return q[0], q[2]

    @property
    def title(self) -> str:
        head = self.label if self.label is not None else self.stmt
        return head + (f": {self.sub_label}" if self.sub_label else "")

    def __repr__(self) -> str:
        n = len(self.times)
        unit, scale = select_unit(self.median)
        setup = "" if self.setup in ("pass", "") else f"setup: {self.setup}"
        lines = [f"<torch.utils.benchmark.utils.common.Measurement object at {hex(id(self))}>",
                 *[s for s in (self.title, self.description or "", setup) if s],
                 f"  {'Median: ' if n > 1 else ''}{self.median / scale:.2f} {unit}"]
        if n >= 4:
            p25, p75 = self._quartiles()
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({p25 / scale:.2f} to {p75 / scale:.2f})")
        threads = f"{self.num_threads} thread{'s' if self.num_threads > 1 else ''}"
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads}")
        return "\n".join(lines)


class Timer:
    """Times `stmt` (a string of Python, run with `globals` after `setup`) with timeit."""

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = _timeit.default_timer, globals: dict[str, Any] | None = None,
                 label: str | None = None, sub_label: str | None = None, description: str | None = None,
                 env: str | None = None, num_threads: int = 1, language: Any = None) -> None:
        self.stmt, self.setup, self.label, self.sub_label = stmt, setup, label, sub_label
        self.description, self.env, self.num_threads = description, env, num_threads
        self._timer = _timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=dict(globals or {}))

    def timeit(self, number: int = 1000000) -> Measurement:
        """One block of `number` runs (after one run to warm up)."""
        self._timer.timeit(number=1)
        return Measurement(number, [self._timer.timeit(number=number)], self)

    def blocked_autorange(self, callback: Callable[[int, float], None] | None = None,
                          min_run_time: float = 0.2) -> Measurement:
        """Blocks of as many runs as take a twentieth of `min_run_time` (a power of ten), until
        `min_run_time` has passed."""
        number = 1
        while self._timer.timeit(number=number) < min_run_time / 20 and number < 10**9:
            number *= 10
        times: list[float] = []
        while sum(times) < min_run_time:
            times.append(self._timer.timeit(number=number))
            if callback is not None:
                callback(number, times[-1])
        return Measurement(number, times, self)

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01, max_run_time: float = 10.0,
                           callback: Callable[[int, float], None] | None = None) -> Measurement:
        """Blocks until the spread of the times is small or `max_run_time` has passed (here: blocked_autorange)."""
        return self.blocked_autorange(callback=callback, min_run_time=min_run_time)

"""`Timer`: timeit's Timer with torch's habits, which keep noise out of a timing.

- **Warm up first.** The first runs of a statement pay one-time costs (imports, caches, memory
  the allocator has not handed out yet); `timeit` runs the statement a few times before it times it,
  and `blocked_autorange` times its first, untimed-for-the-result blocks while choosing a block size.
- **Time blocks, not single runs.** Reading the clock costs time too. A block of `number` runs
  read with two clock calls makes that cost small next to the block: `blocked_autorange` grows the
  block tenfold until the clock's overhead is below 0.01% of it (or the block takes a thousandth
  of `min_run_time`).
- **Many blocks, and the median.** A busy machine makes some blocks slow, never fast ones. Several
  blocks give a spread (the interquartile range, printed as IQR) and a median that the slow tail
  does not move much; a Measurement warns when the IQR is over 10% of the median.
- **Fix the thread count.** A statement's speed depends on how many threads its matrix products
  use; every timing runs with `num_threads` (default 1), so two timings compare like with like.

    >>> import tinygrad_rnn as torch
    >>> from tinygrad_rnn.utils import benchmark
    >>> m = benchmark.Timer(stmt="x * 2", globals={"x": torch.ones(3)}).timeit(10)
    >>> m.number_per_run, len(m.times)
    (10, 1)
"""
from __future__ import annotations

import enum
import sys
import textwrap
import timeit as _timeit
from collections.abc import Callable
from typing import Any, NoReturn

from ...creation import tensor
from .common import Measurement, TaskSpec, set_torch_threads

__all__ = ["Language", "Timer", "timer"]

PACKAGE = __name__.split(".")[0]  # the statement's `torch`, looked up when a Timer is made (no upward import)


def timer() -> float:
    """The clock a Timer reads: timeit's. (torch first waits for an accelerator; there is none here.)"""
    return _timeit.default_timer()


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


def _tidy(code: str) -> str:
    """A triple-quoted snippet written inside a function, dedented, without its first newline and
    trailing blanks (what runs is the same; the repr reads better)."""
    code = textwrap.dedent(code)
    return (code[1:] if code.startswith("\n") else code).rstrip()


class Timer:
    """Times `stmt`, a string of Python run after `setup` with `globals` (and `torch`) in scope.

    `label`, `sub_label`, `description` and `env` name the timing in its printout and place it in a
    `Compare` table (rows: sub_label or stmt; columns: description; one table per label).
    `num_threads` is the BLAS thread count the statement runs with.
    """

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = timer, globals: dict[str, Any] | None = None,
                 label: str | None = None, sub_label: str | None = None, description: str | None = None,
                 env: str | None = None, num_threads: int = 1, language: Language | str = Language.PYTHON) -> None:
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language in (Language.CPP, "cpp", "c++"):
            raise NotImplementedError(f"Timer(language={language!r}): timing C++ statements is not implemented "
                                      "(tinygrad_rnn has no C++ API); time Python statements instead")
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"Invalid language `{language}`.")
        if global_setup:
            raise ValueError(f"global_setup is C++ only, got `{global_setup}`. Most likely this code can "
                             "simply be moved to `setup`.")
        self._globals = dict(globals or {})  # a copy: running the statement adds `__builtins__` to it
        self._globals.setdefault("torch", sys.modules[PACKAGE])
        stmt, setup = _tidy(stmt), _tidy(setup)
        self._timer = _timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                   sub_label=sub_label, description=description, env=env, num_threads=num_threads)

    def _timeit(self, number: int) -> float:
        """Seconds for `number` runs; at least a nanosecond, so that no time is zero."""
        return max(self._timer.timeit(number), 1e-9)

    def _measurement(self, number: int, times: list[float]) -> Measurement:
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def timeit(self, number: int = 1000000) -> Measurement:
        """One block of `number` runs, after an untimed warm-up of `number // 100` runs (at least 2)."""
        with set_torch_threads(self._task_spec.num_threads):
            self._timeit(max(number // 100, 2))
            return self._measurement(number, [self._timeit(number)])

    def repeat(self, repeat: int = -1, number: int = -1) -> None:
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback: Callable[[int, float], NoReturn] | None = None) -> None:
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _estimate_block_size(self, min_run_time: float) -> int:
        """The number of runs per block: grown tenfold until the clock's own cost (the median time of
        an empty block) is under 0.01% of a block that lasts at least min_run_time / 1000."""
        with set_torch_threads(self._task_spec.num_threads):
            overhead = tensor([self._timeit(0) for _ in range(5)]).median().item()
            number = 1
            while True:
                taken = self._timeit(number)
                if (overhead / taken <= 1e-4 and taken >= min_run_time / 1000) or taken > min_run_time:
                    return number
                if number * 10 > 2147483647:  # torch's C int limit on the run count
                    return number
                number *= 10

    def _measure_blocks(self, number: int, stop: Callable[[list[float]], bool], min_run_time: float,
                        max_run_time: float | None = None,
                        callback: Callable[[int, float], NoReturn] | None = None) -> list[float]:
        """Time blocks of `number` runs until `min_run_time` has passed and `stop(times)` agrees,
        or `max_run_time` has passed."""
        times: list[float] = []
        total, can_stop = 0.0, False
        with set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not can_stop:
                times.append(self._timeit(number))
                total += times[-1]
                if callback:
                    callback(number, times[-1])
                can_stop = stop(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def blocked_autorange(self, callback: Callable[[int, float], NoReturn] | None = None,
                          min_run_time: float = 0.2) -> Measurement:
        """Blocks of a size chosen to make the clock's cost negligible, until `min_run_time` seconds
        of them. `callback(number, seconds)` sees each block."""
        number = self._estimate_block_size(min_run_time)
        return self._measurement(number, self._measure_blocks(number, lambda times: True, min_run_time,
                                                              callback=callback))

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01,
                           max_run_time: float = 10.0,
                           callback: Callable[[int, float], NoReturn] | None = None) -> Measurement:
        """Blocks until, past `min_run_time` and 4 blocks, the IQR is under `threshold` times the
        median, or until `max_run_time`."""
        number = self._estimate_block_size(min_run_time=0.05)

        def steady(times: list[float]) -> bool:
            return len(times) > 3 and self._measurement(number, times).meets_confidence(threshold=threshold)

        return self._measurement(number, self._measure_blocks(number, steady, min_run_time, max_run_time,
                                                              callback=callback))

    def collect_callgrind(self, number: int = 100, *, repeats: int | None = None, collect_baseline: bool = True,
                          retain_out_file: bool = False) -> Any:
        raise NotImplementedError("Timer.collect_callgrind is not implemented: it counts the instructions of "
                                  "torch's C++ under Valgrind; use timeit or blocked_autorange")

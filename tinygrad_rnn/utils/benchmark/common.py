"""What a timing is: `TaskSpec` (what was timed, and the labels it is shown under) and `Measurement`
(the times of one or more blocks of runs), with torch's statistics and printed layout.

The statistics are computed with tensors, as torch's are, so they come out in torch's bits: the
median, mean and quartiles in float64, and in float32 (`tensor(x)`'s default dtype) the unit a time
is shown in, the significant-figure estimate and the trimming to it. A time near a unit's edge
(0.99999e-3 s) then lands in torch's unit.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any

from ...core.dtypes import float64
from ...creation import tensor
from ...threads import get_num_threads, set_num_threads

__all__ = ["Measurement", "TaskSpec", "ordered_unique", "select_unit", "set_torch_threads", "trim_sigfig",
           "unit_to_english"]

MAX_SIGNIFICANT_FIGURES = 4
MIN_CONFIDENCE_INTERVAL = 25e-9  # no timer resolves a run more finely than this (seconds)
IQR_WARN_THRESHOLD = 0.1  # an interquartile range above 10% of the median: the machine was busy
IQR_GROSS_WARN_THRESHOLD = 0.25


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """What a Timer runs (`stmt` after `setup`) and the labels its results are shown and grouped under."""
    stmt: str
    setup: str
    global_setup: str = ""
    label: str | None = None
    sub_label: str | None = None
    description: str | None = None
    env: str | None = None
    num_threads: int = 1

    def __repr__(self) -> str:  # torch's TaskSpec keeps object's repr
        return object.__repr__(self)

    @property
    def title(self) -> str:
        """The label (else the statement), with the sub-label after it."""
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        return f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self) -> str:
        if self.setup in ("pass", ""):
            return ""
        if "\n" in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f"setup: {self.setup}"

    def summarize(self) -> str:
        """The lines that head a Measurement's repr: title, description, setup (a multi-line one
        followed by a blank line)."""
        sections = [s for s in (self.title, self.description or "", self.setup_str()) if s]
        return "\n".join(f"{s}\n" if "\n" in s else s for s in sections)


_TASK_SPEC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(repr=False)
class Measurement:
    """The times of `len(raw_times)` blocks of `number_per_run` runs each of `task_spec.stmt`.

    `times` are seconds per run (a block's time over its run count); the statistics are over them.
    The task spec's fields read through: `m.label`, `m.stmt`, `m.num_threads`, ...
    """
    number_per_run: int
    raw_times: list[float]
    task_spec: TaskSpec
    metadata: dict[Any, Any] | None = None  # the user's own payload

    def __getattr__(self, name: str) -> Any:
        if name in _TASK_SPEC_FIELDS:
            return getattr(self.task_spec, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    @property
    def times(self) -> list[float]:
        return [t / self.number_per_run for t in self.raw_times]

    def _stats(self) -> dict[str, float]:
        """Median, mean and quartiles of `times` (linear interpolation, as torch.quantile);
        -1.0 for each when there is no time yet, as torch. Computed once, at the first question
        asked after there are times, and kept (torch's `_lazy_init`): a Compare table asks hundreds."""
        if not self.raw_times:
            return dict(median=-1.0, mean=-1.0, p25=-1.0, p75=-1.0)
        cached = self.__dict__.get("_stats_cache")
        if cached is None:
            times = tensor(sorted(self.times), dtype=float64)
            cached = self.__dict__["_stats_cache"] = dict(
                median=times.quantile(0.5).item(), mean=times.mean().item(),
                p25=times.quantile(0.25).item(), p75=times.quantile(0.75).item())
        return cached

    @property
    def median(self) -> float:
        return self._stats()["median"]

    @property
    def mean(self) -> float:
        return self._stats()["mean"]

    @property
    def iqr(self) -> float:
        stats = self._stats()
        return stats["p75"] - stats["p25"]

    @property
    def significant_figures(self) -> int:
        """How many leading digits of the median the spread leaves trustworthy (1 to 4): a rough 90%
        confidence interval from the middle half of the times (the tails are where noise lives)."""
        ordered = sorted(self.times)
        n = len(ordered)
        middle = ordered[n // 4:int(tensor(3 * n / 4).ceil())]
        std = tensor(middle).std(unbiased=False).item()
        interval = max(1.645 * std / tensor(len(middle)).sqrt().item(), MIN_CONFIDENCE_INTERVAL)
        figures = int(tensor(self.median / interval).log10().floor())
        return min(max(figures, 1), MAX_SIGNIFICANT_FIGURES)

    def meets_confidence(self, threshold: float = IQR_WARN_THRESHOLD) -> bool:
        """Whether the interquartile range is under `threshold` times the median."""
        return self.iqr / self.median < threshold

    @property
    def _warnings(self) -> tuple[str, ...]:
        if not self.raw_times or self.meets_confidence(IQR_WARN_THRESHOLD):
            return ()
        why = ("This suggests significant environmental influence." if not self.meets_confidence(IQR_GROSS_WARN_THRESHOLD)
               else "This could indicate system fluctuation.")
        return (f"  WARNING: Interquartile range is {self.iqr / self.median * 100:.1f}% "
                f"of the median measurement.\n           {why}",)

    @property
    def has_warnings(self) -> bool:
        return bool(self._warnings)

    @property
    def title(self) -> str:
        return self.task_spec.title

    @property
    def env(self) -> str | None:
        return self.task_spec.env

    @property
    def as_row_name(self) -> str:
        """The name of this measurement's row in a Compare table."""
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self) -> str:
        stats, n = self._stats(), len(self.raw_times)
        unit, scale = select_unit(stats["median"])
        lines = [f"<torch.utils.benchmark.utils.common.Measurement object at {hex(id(self))}>",
                 *self.task_spec.summarize().split("\n"),
                 f"  {'Median: ' if n > 1 else ''}{stats['median'] / scale:.2f} {unit}"]
        if n >= 4:
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} "
                         f"({stats['p25'] / scale:.2f} to {stats['p75'] / scale:.2f})")
        threads = f"{self.num_threads} thread{'s' if self.num_threads > 1 else ''}"
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads}")
        return "\n".join([*lines, *"\n".join(self._warnings).splitlines()])

    @staticmethod
    def merge(measurements: Iterable[Measurement]) -> list[Measurement]:
        """One Measurement per distinct TaskSpec, holding all its times as blocks of one run
        (metadata, which may differ between the replicates, is dropped)."""
        grouped: dict[TaskSpec, list[float]] = collections.defaultdict(list)
        for m in measurements:
            grouped[m.task_spec].extend(m.times)
        return [Measurement(1, times, spec) for spec, times in grouped.items()]


def select_unit(t: float) -> tuple[str, float]:
    """The unit that shows `t` seconds as a number from 1 to 999: ('us', 1e-06) for 3e-6."""
    exponent = tensor(t).log10().item()  # -inf for 0, so int() below fails there, as torch's
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(exponent // 3), "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def unit_to_english(u: str) -> str:
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x: float, n: int) -> float:
    """`x` rounded to `n` significant figures: trim_sigfig(3.14159, 2) is 3.1 (in float32, as torch)."""
    if n != int(n):
        raise AssertionError("Number of significant figures must be an integer")
    magnitude = int(tensor(x).abs().log10().ceil().item())
    scale = 10 ** (magnitude - n)
    return float(tensor(x / scale).round() * scale)


def ordered_unique(elements: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n: int) -> Iterator[None]:
    """Run the block with `n` BLAS threads, then restore the setting."""
    prior = get_num_threads()
    try:
        set_num_threads(n)
        yield
    finally:
        set_num_threads(prior)

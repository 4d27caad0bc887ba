"""`Compare`: many Measurements as tables, in torch's layout.

One table per label. Its rows are the statements (a measurement's sub_label, else its stmt), grouped
by thread count under a "N threads: ----" line; its columns are the descriptions; a cell is the
median time, all in the unit that suits the table's fastest entry. Replicates of one task (same
TaskSpec) are merged into one cell first.

    [-------------- add --------------]
                  |  n=10  |  n=1000
    1 threads: -----------------------
          x + y   |  1.2   |   3.4
"""
from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Sequence

from ...creation import tensor
from .common import Measurement, ordered_unique, select_unit, trim_sigfig, unit_to_english

__all__ = ["Colorize", "Compare"]

# terminal colours: the best time in green, near-best in blue, 2x slower dim red, 5x slower red
BEST, GOOD, BAD, VERY_BAD = "\033[92m", "\033[34m", "\033[2m\033[91m", "\033[31m"
BOLD, RESET = "\033[1m", "\033[0m"
HIGH_VARIANCE_NOTE = "(! XX%) Measurement has high variance, where XX is the IQR / median * 100."


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _leading_digits(value: float) -> int:
    """Digits before the decimal point (0 for 0.5); in float32, as torch."""
    return int(tensor(value).log10().ceil())


class _Column:
    """How one column prints its numbers: one width, and as many decimals as the least precise
    of its cells allows (when trimming), else one decimal."""

    def __init__(self, cells: list[Measurement | None], scale: float, trim: bool, highlight_warnings: bool) -> None:
        present = [m for m in cells if m is not None]
        self.trim = trim
        self.highlight = highlight_warnings and any(m.has_warnings for m in present)
        digits = [_leading_digits(m.median / scale) for m in present]
        decimals = min(max(m.significant_figures - d, 0) for m, d in zip(present, digits)) if trim else 1
        width = max(digits) + decimals + (1 if decimals else 0)
        self.template = f"{{:>{width}.{decimals}f}}{{:>{7 if self.highlight else 0}}}"

    def cell(self, value: float | None, significant_figures: int, spread: float | None) -> str:
        if value is None:
            return " " * len(self.cell(1, significant_figures, None))
        if self.trim:
            value = trim_sigfig(value, significant_figures)
        return self.template.format(value, f" (! {spread * 100:.0f}%)" if self.highlight and spread is not None else "")


def _colour(text: str, value: float, best: float) -> str:
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + text + RESET * 2
    if value <= best * 1.1:
        return GOOD + BOLD + text + RESET * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + text + RESET * 2
    if value >= best * 2:
        return BAD + text + RESET * 2
    return text


class _Table:
    """The table of the measurements that share one label."""

    def __init__(self, results: list[Measurement], colorize: Colorize, trim: bool, highlight_warnings: bool) -> None:
        self.results, self.colorize, self.label = results, colorize, results[0].label
        self.unit, self.scale = select_unit(min(m.median for m in results))
        row_keys = ordered_unique((m.num_threads, m.env, m.as_row_name) for m in results)
        self.row_keys = sorted(row_keys, key=lambda key: key[:2])  # by threads and env; statements keep their order
        self.column_keys = ordered_unique(m.description for m in results)
        self.grid: list[list[Measurement | None]] = [[None] * len(self.column_keys) for _ in self.row_keys]
        for m in results:
            row = self.row_keys.index((m.num_threads, m.env, m.as_row_name))
            self.grid[row][self.column_keys.index(m.description)] = m
        self.group_of_row = list(itertools.accumulate(
            int(i == 0 or key[0] != self.row_keys[i - 1][0]) for i, key in enumerate(self.row_keys)))
        self.columns = [_Column([row[j] for row in self.grid], self.scale, trim, highlight_warnings)
                        for j in range(len(self.column_keys))]
        self.highlight_warnings = highlight_warnings

    def _row_strings(self, i: int) -> list[str]:
        envs = {m.env for m in self.results}
        new_group = i == 0 or self.group_of_row[i] != self.group_of_row[i - 1]
        show_env = len(envs) > 1 and self.row_keys[i][1] != ("" if new_group else self.row_keys[i - 1][1])
        env = (f"({self.row_keys[i][1]})" if show_env else "").ljust((max(map(len, envs)) if len(envs) > 1 else 0) + 4)
        strings = ["  " + env + self.row_keys[i][2]]
        for m, column in zip(self.grid[i], self.columns):
            strings.append(column.cell(None, 1, None) if m is None else column.cell(
                m.median / self.scale, m.significant_figures, m.iqr / m.median if m.has_warnings else None))
        return strings

    def _best_times(self, i: int) -> list[float | None]:
        """The time each cell of row i is coloured against."""
        if self.colorize == Colorize.ROWWISE:
            return [min(m.median for m in self.grid[i] if m is not None)] * len(self.columns)
        rows_in_group = [r for r in range(len(self.grid)) if self.group_of_row[r] == self.group_of_row[i]]
        times = [[self.grid[r][j].median for r in rows_in_group if self.grid[r][j] is not None]
                 for j in range(len(self.columns))]
        return [min(t) if t else None for t in times]

    def render(self) -> str:
        string_rows = [["", *self.column_keys]] + [self._row_strings(i) for i in range(len(self.grid))]
        widths = [max(len(s) for s in column) for column in zip(*string_rows)]
        lines = ["  |  ".join(s.center(w) for s, w in zip(string_rows[0], widths))]
        overall_width = len(lines[0])
        for i, strings in enumerate(string_rows[1:]):
            if i == 0 or self.row_keys[i][0] != self.row_keys[i - 1][0]:
                lines.append(f"{self.row_keys[i][0]} threads: ".ljust(overall_width, "-"))
            cells = [strings[0].ljust(widths[0])]
            best = self._best_times(i) if self.colorize != Colorize.NONE else [None] * len(self.columns)
            for text, width, m, b in zip(strings[1:], widths[1:], self.grid[i], best):
                text = text.center(width)
                cells.append(_colour(text, m.median, b) if m is not None and b is not None else text)
            lines.append("  |  ".join(cells))
        warned = self.highlight_warnings and any(m.has_warnings for m in self.results)
        title = f" {self.label or ''} ".center(overall_width - 2, "-")
        return (f"[{title}]\n" + "\n".join(lines) + f"\n\nTimes are in {unit_to_english(self.unit)}s ({self.unit}).\n"
                + (HIGH_VARIANCE_NOTE + "\n" if warned else ""))


class Compare:
    """Measurements printed as tables: `Compare(results).print()`.

    `trim_significant_figures()` shows only the digits the spread of each time supports,
    `colorize(rowwise=False)` colours each time against the best of its column (or row), and
    `highlight_warnings()` marks noisy times with their IQR as a percentage of the median.
    """

    def __init__(self, results: Sequence[Measurement]) -> None:
        self._results: list[Measurement] = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def extend_results(self, results: Iterable[Measurement]) -> None:
        """Add more Measurements to the tables."""
        results = list(results)
        for r in results:
            if not isinstance(r, Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self) -> None:
        self._trim_significant_figures = True

    def colorize(self, rowwise: bool = False) -> None:
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self) -> None:
        self._highlight_warnings = True

    def __str__(self) -> str:
        by_label: dict[str | None, list[Measurement]] = {}
        for m in Measurement.merge(self._results):
            by_label.setdefault(m.label, []).append(m)
        return "\n".join(_Table(group, self._colorize, self._trim_significant_figures, self._highlight_warnings).render()
                         for group in by_label.values())

    def print(self) -> None:
        print(str(self))

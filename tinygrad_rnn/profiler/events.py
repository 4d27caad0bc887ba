"""What a profiler hands back: timed events, their averages, and torch's table of them.

A profiler's raw material is a list of **events**: one per call it saw (an op, a backward node, a
`record_function` range), each with a name, a start and an end time, and the events that ran inside
it (its children). Everything a report shows is arithmetic on that tree:

- an event's **CPU total** is its end minus its start;
- its **self CPU** time is that minus its children's totals: the time spent in the event itself;
- `key_averages()` groups events by name (and, if asked, by input shapes) and adds them up, so a
  table row says "aten::mm ran 3 times, for 40us in all";
- the percentages divide by the sum of all self times (each moment counted once).

`FunctionEvent`, `FunctionEventAvg` and `EventList` are torch's classes of the same names
(torch.autograd.profiler_util), with the attributes and the table layout torch 2.13 prints.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from enum import Enum
from typing import Any


class DeviceType(Enum):
    """Where an event ran. Every event of this CPU-only build ran on the CPU."""

    CPU = 0


class Interval:
    """An event's start and end, in microseconds since the profiler started."""

    def __init__(self, start: float, end: float) -> None:
        self.start = start
        self.end = end

    def elapsed_us(self) -> float:
        return self.end - self.start


def format_time(time_us: float) -> str:
    """torch's time text: 12.345us below a millisecond, 1.234ms below a second, else 1.234s."""
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_share(time_us: float, total_us: float) -> str:
    return "NaN" if total_us == 0 else f"{time_us * 100.0 / total_us:.2f}%"


def format_memory(nbytes: int) -> str:
    """torch's memory text: bytes as B, KB, MB or GB (1024 each), two decimals above bytes."""
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} B"


class _Times:
    """The average and the `*_str` texts, from `count` and the totals a subclass keeps."""

    count: int  # (and cpu_time_total: an attribute or a property of the subclass)

    @property
    def cpu_time(self) -> float:
        """The average CPU time of one call."""
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count  # type: ignore[attr-defined]

    @property
    def device_time(self) -> float:
        return 0.0

    @property
    def cpu_time_str(self) -> str:
        return format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self) -> str:
        return format_time(self.cpu_time_total)  # type: ignore[attr-defined]

    @property
    def self_cpu_time_total_str(self) -> str:
        return format_time(self.self_cpu_time_total)  # type: ignore[attr-defined]

    @property
    def device_time_str(self) -> str:
        return format_time(0)

    @property
    def device_time_total_str(self) -> str:
        return format_time(0)

    @property
    def self_device_time_total_str(self) -> str:
        return format_time(0)


class FunctionEvent(_Times):
    """One call the profiler saw: `name`, `time_range` (us), the events it ran (`cpu_children`), the one
    it ran in (`cpu_parent`), `input_shapes` (with record_shapes) and `cpu_memory_usage` in bytes (with
    profile_memory: what the call allocated, less what it freed)."""

    def __init__(self, id: int, name: str, thread: int, start_us: float, end_us: float,
                 input_shapes: list | None = None, stack: list | None = None, scope: int = 0,
                 cpu_memory_usage: int = 0, is_user_annotation: bool = False, trace_name: str | None = None,
                 sequence_nr: int = -1, use_device: str | None = None) -> None:
        self.id = id
        self.name = name
        self.trace_name = name if trace_name is None else trace_name
        self.overload_name = ""
        self.thread = thread
        self.fwd_thread = thread
        self.time_range = Interval(start_us, end_us)
        self.input_shapes = input_shapes
        self.stack = stack
        self.scope = scope
        self.cpu_memory_usage = cpu_memory_usage
        self.device_memory_usage = 0
        self.is_user_annotation = is_user_annotation
        self.sequence_nr = sequence_nr
        self.use_device = use_device
        self.count = 1
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.kernels: list = []
        self.node_id = -1
        self.device_type = DeviceType.CPU
        self.device_index = 0
        self.is_async = False
        self.is_remote = False
        self.is_legacy = False
        self.flops = 0

    device_time_total = 0  # (no device in this build: what sort_by="cuda_time_total" reads)
    self_device_time_total = 0

    @property
    def key(self) -> str:
        """What key_averages() groups by: the name."""
        return self.name

    @property
    def cpu_time_total(self) -> float:
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(child.cpu_time_total for child in self.cpu_children)

    @property
    def self_cpu_memory_usage(self) -> int:
        return self.cpu_memory_usage - sum(child.cpu_memory_usage for child in self.cpu_children)

    @property
    def self_device_memory_usage(self) -> int:
        return 0

    def append_cpu_child(self, child: FunctionEvent) -> None:
        self.cpu_children.append(child)

    def set_cpu_parent(self, parent: FunctionEvent) -> None:
        self.cpu_parent = parent

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} overload_name={self.overload_name} "
                f"device_type={self.device_type} node_id={self.node_id} cpu_time={self.cpu_time_str} "
                f"start_us={self.time_range.start} end_us={self.time_range.end} "
                f"cpu_children={[child.id for child in self.cpu_children]} {self.use_device}_time={self.device_time_str} "
                f"name={self.name} thread={self.thread} input_shapes={self.input_shapes} "
                f"cpu_memory_usage={self.cpu_memory_usage} {self.use_device}_memory_usage=0 "
                f"is_async=False is_remote=False seq_nr={self.sequence_nr} is_legacy=False>")


class FunctionEventAvg(_Times):
    """The sum of the events that share a key: `count` calls, their total and self times and memory.
    `cpu_parent`, `cpu_children` and `input_shapes` are those of the first event added."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.count = 0
        self.node_id = 0
        self.is_async = False
        self.is_remote = False
        self.is_legacy = False
        self.use_device: str | None = None
        self.device_type = DeviceType.CPU
        self.cpu_time_total: float = 0
        self.self_cpu_time_total: float = 0
        self.device_time_total = 0
        self.self_device_time_total = 0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.device_memory_usage = 0
        self.self_device_memory_usage = 0
        self.input_shapes: Any = None
        self.overload_name: str | None = None
        self.stack: list | None = None
        self.scope: int | None = None
        self.cpu_children: list | None = None
        self.cpu_parent: FunctionEvent | None = None
        self.flops = 0

    def add(self, other: FunctionEvent | FunctionEventAvg) -> FunctionEventAvg:
        """Add one more event (or average) of this key."""
        if self.key is None:  # the first one: its description stands for the group
            self.key = other.key
            for name in ("node_id", "use_device", "cpu_parent", "cpu_children", "input_shapes",
                         "overload_name", "stack", "scope", "is_user_annotation"):
                setattr(self, name, getattr(other, name))
        if other.key != self.key:
            raise AssertionError(f"Expected keys to match, but got {other.key} vs {self.key}")
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        self.count += other.count
        return self

    __iadd__ = add

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str}  self_cuda_time=0.000us cuda_time=0.000us "
                f"input_shapes={self.input_shapes} cpu_memory_usage={self.cpu_memory_usage} cuda_memory_usage=0>")


class EventList(list):
    """A list of events (or of averages) that can print itself as torch's table."""

    def __init__(self, *args: Any, use_device: str | None = None, profile_memory: bool = False,
                 with_flops: bool = False) -> None:
        super().__init__(*args)
        self._use_device = use_device
        self._profile_memory = profile_memory
        self._with_flops = with_flops
        self._tree_built = False

    def _build_tree(self) -> None:
        """Fold an event into its parent where both have one name and it is the only child (a
        function calling its own namesake: F.relu calling torch.relu is one aten::relu), as torch does."""
        while True:
            folded = {id(e) for e in self if e.cpu_parent is not None and e.cpu_parent.name == e.name
                      and len(e.cpu_parent.cpu_children) == 1}
            if not folded:
                break
            for e in self:
                if id(e) in folded:
                    e.cpu_parent.cpu_children = e.cpu_children
                    for child in e.cpu_children:
                        child.cpu_parent = e.cpu_parent
            self[:] = [e for e in self if id(e) not in folded]
        self._tree_built = True

    def __str__(self) -> str:
        return self.table()

    @property
    def self_cpu_time_total(self) -> float:
        """Every moment once: the sum of the events' self times."""
        return sum(event.self_cpu_time_total for event in self)

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False, time_unit: str | None = None) -> str:
        """torch's table: one row per event (sorted by `sort_by`, an attribute name such as
        "cpu_time_total", "self_cpu_time_total", "self_cpu_memory_usage" or "count", largest first), at
        most `row_limit` rows; `time_unit` ("s", "ms", "us") fixes the unit of every time."""
        return build_table(self, sort_by, header, row_limit, max_src_column_width, max_name_column_width,
                           max_shapes_column_width, self._profile_memory, top_level_events_only, time_unit)

    def key_averages(self, group_by_input_shapes: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """One FunctionEventAvg per name (per name and input shapes with `group_by_input_shapes`; per
        name and the first `group_by_stack_n` stack entries), in the order the names first ran."""
        groups: dict[tuple, FunctionEventAvg] = {}
        for event in self:
            key: tuple = (event.key, event.is_user_annotation)
            if group_by_input_shapes:
                key += (str(event.input_shapes),)
            if group_by_stack_n > 0:
                key += tuple(event.stack[:group_by_stack_n])
            groups.setdefault(key, FunctionEventAvg()).add(event)
        averages = EventList(groups.values(), use_device=self._use_device, profile_memory=self._profile_memory,
                             with_flops=self._with_flops)
        for average in averages:
            average.stack = (average.stack or [])[:group_by_stack_n]
            if not group_by_input_shapes:
                average.input_shapes = ""
            average.overload_name = ""
        return averages

    def total_average(self) -> FunctionEventAvg:
        """All events added into one, keyed "Total"."""
        total = FunctionEventAvg()
        for event in self:
            total.key = event.key  # (add() wants matching keys)
            total.add(event)
        total.key = "Total"
        return total

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (open it in chrome://tracing or https://ui.perfetto.dev)."""
        write_chrome_trace(path, self, base_time_ns=0)

    def export_stacks(self, path: str, metric: str) -> None:
        """One line per event with a stack: its frames, outermost first, joined by ';', and `metric` in us
        (the input of flame-graph tools)."""
        metrics = ["self_cpu_time_total", "self_cuda_time_total", "self_xpu_time_total", "self_privateuse1_time_total"]
        if metric not in metrics:
            raise ValueError("metric should be one of: " + str(metrics))
        with open(path, "w") as f:
            for event in self:
                value = int(getattr(event, metric) if metric == "self_cpu_time_total" else 0)
                if event.stack and value > 0:
                    frames = ";".join(entry.translate(str.maketrans(" ;\t\n", "____")) for entry in reversed(event.stack))
                    f.write(f"{frames} {value}\n")


def write_chrome_trace(path: str, events: Iterable[FunctionEvent], base_time_ns: int, trace_name: str = "") -> None:
    """The events as the JSON object torch's (Kineto's) trace files hold: complete events ("ph": "X")
    of category "cpu_op" or "user_annotation", times in microseconds."""
    pid = os.getpid()
    records = []
    for n, event in enumerate(events):
        if event.trace_name is None:  # (memory records have no place on the timeline)
            continue
        args: dict[str, Any] = {"External id": event.id, "Ev Idx": n}
        if event.input_shapes:
            args["Input Dims"] = event.input_shapes
        records.append({"ph": "X", "cat": "user_annotation" if event.is_user_annotation else "cpu_op",
                        "name": event.trace_name, "pid": pid, "tid": event.thread,
                        "ts": base_time_ns / 1000 + event.time_range.start, "dur": event.time_range.elapsed_us(),
                        "args": args})
    trace = {"schemaVersion": 1, "deviceProperties": [], "displayTimeUnit": "ms",
             "baseTimeNanoseconds": base_time_ns, "traceEvents": records, "traceName": trace_name or path}
    with open(path, "w") as f:
        json.dump(trace, f)


def _sort_key(sort_by: str) -> str:
    """The attribute a sort_by names: torch reads "cuda"/"xpu"/"privateuse1" as its device times."""
    for device in ("cuda", "xpu", "privateuse1"):
        sort_by = sort_by.replace(device, "device")
    return sort_by


def _in_unit(time_us: float, unit: str | None) -> str:
    return {"s": f"{time_us / 1e6:.3f}s", "ms": f"{time_us / 1e3:.3f}ms", "us": f"{time_us:.3f}us"}.get(
        unit or "", format_time(time_us))


def build_table(events: list, sort_by: str | None, header: str | None, row_limit: int, max_src_column_width: int,
                max_name_column_width: int, max_shapes_column_width: int, profile_memory: bool,
                top_level_events_only: bool, time_unit: str | None) -> str:
    """torch's table layout: a dashed rule, the column heads, a rule, one row per event, a rule, and
    "Self CPU time total: ...". Columns are 12 wide and right-aligned, two spaces apart; the name
    column fits the longest name (at most max_name_column_width, longer names cut with "...")."""
    if len(events) == 0:
        return ""
    if sort_by is not None:
        attribute = _sort_key(sort_by)
        events = sorted(events, key=lambda e: getattr(e, attribute), reverse=True)
    has_shapes = any(e.input_shapes is not None and len(e.input_shapes) > 0 for e in events)
    stacks = [e.stack for e in events if e.stack]
    name_width = min(max(len(e.key) for e in events) + 4, max_name_column_width)
    shapes_width = min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_column_width)
    src_width = min(max(len(entry) for stack in stacks for entry in stack) + 4, max_src_column_width) if stacks else 0

    heads = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        heads += ["CPU Mem", "Self CPU Mem"]
    heads.append("# of Calls")
    widths = [name_width] + [12] * (len(heads) - 1)
    aligns = [">"] * len(heads)
    if has_shapes:
        heads.append("Input Shapes")
        widths.append(shapes_width)
        aligns.append(">")
    if stacks:
        heads.append("Source Location")
        widths.append(src_width)
        aligns.append("<")
    row_format = "".join("{: " + align + str(width) + "}  " for align, width in zip(aligns, widths))
    rule = "".join("-" * width + "  " for width in widths)
    line_length = sum(width + 2 for width in widths) - 2

    total_self = sum(e.self_cpu_time_total for e in events)
    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_events_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [rule, row_format.format(*heads), rule]
    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_events_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if len(name) >= max_name_column_width - 3:
            name = name[: max_name_column_width - 3] + "..."
        row = [name, _format_share(e.self_cpu_time_total, total_self), _in_unit(e.self_cpu_time_total, time_unit),
               _format_share(e.cpu_time_total, total_self), _in_unit(e.cpu_time_total, time_unit),
               _in_unit(e.cpu_time, time_unit)]
        if profile_memory:
            row += [format_memory(e.cpu_memory_usage), format_memory(e.self_cpu_memory_usage)]
        row.append(e.count)
        if has_shapes:
            row.append(str(e.input_shapes)[:shapes_width])
        if stacks:
            row.append(_trim_path(e.stack[0], src_width) if e.stack else "")
        lines.append(row_format.format(*row))
        if stacks:
            blanks = [""] * (len(heads) - 1)
            lines += [row_format.format(*blanks, _trim_path(entry, src_width)) for entry in e.stack[1:]]
            lines.append(row_format.format(*blanks, ""))
    lines += [rule, f"Self CPU time total: {_in_unit(total_self, time_unit)}"]
    return "\n".join(lines) + "\n"


def _trim_path(path: str, width: int) -> str:
    """A source location cut from the left to `width`, marked with "..."."""
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = "..." + path[3:]
    return path

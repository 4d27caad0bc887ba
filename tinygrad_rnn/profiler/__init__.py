"""torch.profiler: where the time of a program goes, op by op.

    from torch.profiler import profile, record_function, ProfilerActivity

    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            model(inputs)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))

How it works: while the `with` block runs, every call of an op, every autograd node the engine runs
and every `record_function` range becomes an event with a start and an end time (recorder.py). Events
that run inside another are its children, so each event has a total time and a self time (the total
less its children's). `key_averages()` adds the events up by name, and the table prints the sums
(events.py). Outside a profiler none of this runs: the ops do not know about it.

For long runs, `schedule` tells the profiler which steps (`prof.step()` marks them) to skip, which
to warm up on and which to record; `on_trace_ready` is called at the end of each recorded cycle,
for instance with `tensorboard_trace_handler(dir)`, which writes the cycle's trace to a file.
The times are this machine's own; the names and the structure are torch's where our ops call the
same public functions torch's do.
"""
from __future__ import annotations

import gzip
import os
import shutil
import socket
import time
import warnings
from collections.abc import Callable, Iterable
from enum import Enum
from functools import partial
from typing import Any

from ..autograd import profiler as _legacy
from ..autograd.profiler import record_function
from .events import DeviceType, EventList

__all__ = ["DeviceType", "ProfilerAction", "ProfilerActivity", "kineto_available", "profile", "record_function",
           "schedule", "supported_activities", "tensorboard_trace_handler"]


class ProfilerActivity(Enum):
    """What a profiler can record: CPU ops here; the device kinds are torch's (none is in this build)."""

    CPU = 0
    XPU = 1
    CUDA = 2
    HPU = 3
    MTIA = 4
    PrivateUse1 = 5


class ProfilerAction(Enum):
    """What the profiler does at a step: nothing, warm up (ready, not recording), record, or record and
    then hand the cycle to `on_trace_ready`."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities() -> set[ProfilerActivity]:
    """The activities this build can record: the CPU, as torch's CPU build."""
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """torch asks whether its Kineto tracer is built in; here the recorder (recorder.py) does its CPU
    part (events, tables, Chrome traces), so code that checks before profiling goes on as on torch."""
    return True


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """The action at each step: skip `skip_first` steps, then cycles of `wait` idle steps, `warmup`
    steps and `active` recorded ones (the last of which also saves), `repeat` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    cycle = wait + warmup + active

    def action_at(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:  # the first cycle starts without its wait
            step += wait
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        at = step % cycle
        if at < wait:
            return ProfilerAction.NONE
        if at < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if at < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return action_at


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None, use_gzip: bool = False,
                              use_python_export: bool = False) -> Callable[[profile], None]:
    """An `on_trace_ready` that writes each cycle's trace to `dir_name`/<worker>.<time ns>.pt.trace.json
    (TensorBoard's profiler plugin reads that directory). The worker is "<host>_<pid>" by default."""

    def write_trace(prof: profile) -> None:
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as error:
                raise RuntimeError("Can't create directory: " + dir_name) from error
        if not worker_name:
            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, file_name))

    return write_trace


_warned_clearing: list[bool] = []  # whether a second cycle has told that it drops the first one's events


def _default_schedule(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


def _activity_set(activities: Iterable | None) -> set:
    if activities is None:
        return supported_activities()
    found: set = set()
    for item in activities:
        if isinstance(item, ProfilerActivity):
            found.add(item)
        elif isinstance(item, dict):
            found.update(item)
    return found


def _check_no_repeats(activities: Iterable) -> None:
    seen: set = set()
    for item in activities:
        for activity in (item if isinstance(item, dict) else [item]):
            if activity in seen:
                raise ValueError(f"Activity {activity} specified more than once")
            seen.add(activity)


_DEVICE_OF = [(ProfilerActivity.CUDA, "cuda"), (ProfilerActivity.XPU, "xpu"), (ProfilerActivity.MTIA, "mtia"),
              (ProfilerActivity.HPU, "hpu"), (ProfilerActivity.PrivateUse1, "privateuseone")]


class profile:
    """Profile the code in the `with` block (or between `start()` and `stop()`); see the module docstring.

    Arguments as torch's: `activities` (ProfilerActivity.CPU; a device activity warns that the device is
    not available, as on torch's CPU build), `schedule` and `on_trace_ready` (see `schedule`),
    `record_shapes`, `profile_memory`, `with_stack`, `acc_events` (keep the events of every cycle).
    `with_flops` and `experimental_config` raise NotImplementedError.
    """

    def __init__(self, *, activities: Iterable | None = None, schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[..., Any] | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config: Any = None, execution_trace_observer: Any = None,
                 acc_events: bool = False, use_cuda: bool | None = None, custom_trace_id_callback: Any = None,
                 post_processing_timeout_s: float | None = None) -> None:
        chosen = _activity_set(activities)
        if use_cuda is not None:
            warnings.warn("`use_cuda` is deprecated, use `activities` argument instead", FutureWarning, stacklevel=2)
            chosen = chosen | {ProfilerActivity.CUDA} if use_cuda else chosen - {ProfilerActivity.CUDA}
        if not chosen:
            raise AssertionError("No valid profiler activities found")
        if activities is not None:
            _check_no_repeats(activities)
        if with_flops:
            raise NotImplementedError("profile(with_flops=True): this build does not count FLOPs")
        if experimental_config is not None:
            raise NotImplementedError("profile(experimental_config=...): Kineto's options do not apply to this build")
        self.activities = chosen
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.with_modules = with_modules
        self.experimental_config = experimental_config
        self.execution_trace_observer = execution_trace_observer
        self.acc_events = acc_events
        self.custom_trace_id_callback = custom_trace_id_callback
        self.post_processing_timeout_s = post_processing_timeout_s
        self.use_device = next((name for activity, name in _DEVICE_OF if activity in chosen), None)
        self.profiler: _legacy.profile | None = None
        self.preset_metadata: dict[str, str] = {}
        self.schedule = schedule if schedule else _default_schedule
        self.record_steps = bool(schedule)  # with a schedule, each step is a "ProfilerStep#<n>" range
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.step_rec_fn: record_function | None = None
        self.current_action = self.schedule(self.step_num)

    # ------------------------------------------------------------------ the steps
    def _actions(self, before: ProfilerAction, now: ProfilerAction | None) -> list[Callable[[], Any]]:
        """What to do when the action changes from `before` to `now` (None: the profiler stops)."""
        A = ProfilerAction
        prepare, start, stop, ready = self.prepare_trace, self.start_trace, self.stop_trace, self._trace_ready
        wrong = partial(warnings.warn, f"Incorrect schedule: {before.name} followed by {now.name if now else 'None'}")
        recording = (A.RECORD, A.RECORD_AND_SAVE)
        if before == A.NONE:
            return [prepare] if now == A.WARMUP else [prepare, start] if now in recording else []
        if before == A.WARMUP:
            if now is None:
                return [start, stop]
            return [wrong, start, stop] if now == A.NONE else [start] if now in recording else []
        if before == A.RECORD:
            if now is None:
                return [stop, ready]
            return [wrong, stop] if now in (A.NONE, A.WARMUP) else []
        if before == A.RECORD_AND_SAVE:  # the end of a cycle
            then = {None: [], A.NONE: [], A.WARMUP: [prepare]}.get(now, [prepare, start])
            return [stop, ready, *then]
        return []

    def _transit(self, before: ProfilerAction, now: ProfilerAction | None) -> None:
        for action in self._actions(before, now):
            action()

    def start(self) -> None:
        self._transit(ProfilerAction.NONE, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function(f"ProfilerStep#{self.step_num}")
            self.step_rec_fn.__enter__()

    def stop(self) -> None:
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        self._transit(self.current_action, None)

    def step(self) -> None:
        """Mark the start of the next step: the schedule says what the profiler does for it."""
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        before = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit(before, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function(f"ProfilerStep#{self.step_num}")
            self.step_rec_fn.__enter__()

    def __enter__(self) -> profile:
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def prepare_trace(self) -> None:
        """Get a recorder ready (a new one per cycle, unless acc_events keeps the events)."""
        if self.profiler is not None and not self.acc_events and not _warned_clearing:
            _warned_clearing.append(True)  # once per process, as torch
            warnings.warn("Warning: Profiler clears events at the end of each cycle. Only events from the current "
                          "cycle will be reported. To keep events across cycles, set acc_events=True.", stacklevel=2)
        if self.profiler is None or not self.acc_events:
            self.profiler = _legacy.profile(
                use_cpu=ProfilerActivity.CPU in self.activities, use_device=self.use_device,
                record_shapes=self.record_shapes, profile_memory=self.profile_memory, with_stack=self.with_stack,
                with_modules=self.with_modules, use_kineto=True, acc_events=self.acc_events)
        self.profiler._prepare_trace()

    def start_trace(self) -> None:
        self._initialized("starting trace")._start_trace()

    def stop_trace(self) -> None:
        self._initialized("stopping trace").__exit__(None, None, None)

    def _trace_ready(self) -> None:
        if self.on_trace_ready:
            self.on_trace_ready(self)

    def _initialized(self, doing: str) -> _legacy.profile:
        if self.profiler is None:
            raise AssertionError(f"Profiler must be initialized before {doing}")
        return self.profiler

    # ------------------------------------------------------------------ results
    def events(self) -> EventList:
        """Every event of the last recorded cycle, in the order they started."""
        return self._initialized("accessing events").function_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """The events added up by name (and input shapes with group_by_input_shape=True)."""
        return self._initialized("getting key averages").key_averages(group_by_input_shape, group_by_stack_n,
                                                                      group_by_overload_name)

    def export_chrome_trace(self, path: str, use_python_export: bool = False) -> None:
        """Write the last cycle as a Chrome trace JSON file (gzipped when `path` ends in .gz)."""
        profiler = self._initialized("exporting chrome trace")
        if not path.endswith(".gz"):
            profiler.export_chrome_trace(path)
            return
        plain = path[:-3]
        profiler.export_chrome_trace(plain)
        with open(plain, "rb") as source, gzip.open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        os.remove(plain)

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total") -> None:
        self._initialized("exporting stacks").export_stacks(path, metric)

    def export_memory_timeline(self, path: str, device: str | None = None) -> None:
        """torch draws memory over time by category (parameters, gradients, activations) from Kineto's
        allocation records; the recorder keeps per-op totals only."""
        raise NotImplementedError("export_memory_timeline: this build records memory per op, not a timeline")

    def add_metadata(self, key: str, value: str) -> None:
        """torch adds the pair to the trace file; accepted here, the trace holds the events alone."""
        self.preset_metadata[key] = value

    def add_metadata_json(self, key: str, value: str) -> None:
        self.preset_metadata[key] = value

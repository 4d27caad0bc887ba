"""torch.autograd.profiler: the older profiler API, which torch.profiler.profile is built on.

    with torch.autograd.profiler.profile() as prof:
        loss = model(x).sum()
        loss.backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total"))

Entering the context switches a recorder on for this thread (profiler/recorder.py: Python's
profiling hook, on only while profiling); leaving it switches it off and turns what it saw into
events (profiler/events.py). The table then adds the events up by name.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..profiler.events import EventList, FunctionEvent, FunctionEventAvg, write_chrome_trace
from ..profiler.recorder import Recorder, record_function

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "profile", "record_function"]

# The devices torch's profiler knows; this build has none of them, as torch's CPU build has not.
_NOT_AVAILABLE = {"cuda": "CUDA is not available, disabling CUDA profiling",
                  "xpu": "XPU is not available, disabling XPU profiling",
                  "hpu": "HPU is not available, disabling HPU profiling"}


class profile:
    """Record the ops, autograd nodes and `record_function` ranges run inside the `with` block.

    Arguments as torch's: `record_shapes` (each op's input shapes), `profile_memory` (bytes each op
    allocated less what it freed), `with_stack` (where each op was called from); `use_device` names a
    device to profile besides the CPU: this build has none, so, as torch's CPU build does, it warns and
    profiles the CPU alone. `with_flops` and `experimental_config` are not supported
    (NotImplementedError). `with_modules` is accepted and, as in torch's eager mode, changes nothing.
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: str | None = None,
                 record_shapes: bool = False, with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = False,
                 use_cpu: bool = True, experimental_config: Any = None, acc_events: bool = False,
                 custom_trace_id_callback: Any = None, post_processing_timeout_s: float | None = None,
                 activity_filters: dict | None = None) -> None:
        self.enabled = enabled
        if not enabled:
            return
        if with_flops:
            raise NotImplementedError("profile(with_flops=True): this build does not count FLOPs")
        if experimental_config is not None:
            raise NotImplementedError("profile(experimental_config=...): Kineto's options do not apply to this build")
        self.use_cuda = use_cuda
        if use_cuda:
            warnings.warn("The attribute `use_cuda` will be deprecated soon, please use ``use_device = 'cuda'`` instead.",
                          FutureWarning, stacklevel=2)
            use_device = "cuda"
        self.use_device = self._checked_device(use_device)
        self.record_shapes = record_shapes
        self.with_flops = with_flops
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_modules = with_modules
        self.use_cpu = use_cpu
        self.acc_events = acc_events
        self.custom_trace_id_callback = custom_trace_id_callback
        self.post_processing_timeout_s = post_processing_timeout_s
        self.entered = False
        self._recorder: Recorder | None = None
        self._function_events: EventList | None = None
        self._base_time_ns = 0
        if not use_cpu:
            if not use_kineto:
                raise AssertionError("Device-only events supported only with Kineto (use_kineto=True)")
            raise AssertionError("No activities specified for the profiler")  # (no device is left to profile)
        if post_processing_timeout_s is not None and post_processing_timeout_s < 0:
            raise ValueError("post_processing_timeout_s must be non-negative")

    @staticmethod
    def _checked_device(use_device: str | None) -> str | None:
        """torch's CPU build: a known device warns that it is not available, an unknown one that it is
        no device option; either way only the CPU is profiled."""
        if use_device is None:
            return None
        if use_device in _NOT_AVAILABLE:
            warnings.warn(_NOT_AVAILABLE[use_device], stacklevel=3)
        elif use_device == "mtia":
            raise NotImplementedError("profile(use_device='mtia'): this build has no MTIA device")
        else:
            warnings.warn(f"The {use_device} is not a valid device option.", stacklevel=3)
        return None

    # ------------------------------------------------------------------ recording
    def __enter__(self) -> profile | None:
        if not self.enabled:
            return None
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self._prepare_trace()
        self._start_trace()
        return self

    def _prepare_trace(self) -> None:
        self.entered = True

    def _start_trace(self) -> None:
        self.entered = True
        self._recorder = Recorder(self.record_shapes, self.profile_memory, self.with_stack)
        self._recorder.start()

    def __exit__(self, *exc_info: Any) -> None:
        if not self.enabled or self._recorder is None:
            return
        events = EventList(self._recorder.stop(), use_device=self.use_device, profile_memory=self.profile_memory,
                           with_flops=self.with_flops)
        events._build_tree()
        if self.acc_events and self._function_events:
            events = EventList(list(self._function_events) + list(events), use_device=self.use_device,
                               profile_memory=self.profile_memory, with_flops=self.with_flops)
            events._tree_built = True
        self._base_time_ns = self._recorder.base_time_ns
        self._function_events = events
        self._recorder = None

    # ------------------------------------------------------------------ results
    @property
    def function_events(self) -> EventList:
        """Every recorded event, in the order they started (empty before the block has run)."""
        if self._function_events is None:
            return EventList(use_device=self.use_device, profile_memory=self.profile_memory)
        return self._function_events

    def __repr__(self) -> str:
        return "<unfinished torch.autograd.profile>" if self._function_events is None else repr(self._function_events)

    def __str__(self) -> str:
        return "<unfinished torch.autograd.profile>" if self._function_events is None else str(self._function_events)

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False) -> str:
        """The table of every event (not averaged): see EventList.table."""
        return self.function_events.table(sort_by, row_limit, max_src_column_width, max_name_column_width,
                                          max_shapes_column_width, header, top_level_events_only)

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """The events added up by name (and input shapes, or stack): see EventList.key_averages."""
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def total_average(self) -> FunctionEventAvg:
        return self.function_events.total_average()

    @property
    def self_cpu_time_total(self) -> float:
        """The time of the whole recording, each moment once (the sum of all self times), in us."""
        return self.function_events.self_cpu_time_total

    def export_chrome_trace(self, path: str, metadata: dict | None = None, use_python_export: bool = False) -> None:
        """Write the events as a Chrome trace JSON file (chrome://tracing, https://ui.perfetto.dev)."""
        write_chrome_trace(path, self.function_events, self._base_time_ns)

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total") -> None:
        if not self.with_stack:
            raise AssertionError("export_stacks() requires with_stack=True")
        self.function_events.export_stacks(path, metric)

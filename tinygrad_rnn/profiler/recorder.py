"""How the profiler sees what runs: Python's own profiling hook, switched on only while profiling.

torch's profiler is called from inside every op (its RecordFunction guards). Here no op knows about
profiling: an op pays nothing when no profiler runs. Instead, while a profiler is active, Python's
`sys.setprofile` hook reports every function call and return of this thread to `Recorder._on_event`,
which keeps those it knows by their code object and ignores the rest:

- the declared ops (ops/declare.py: `torch.X`, `Tensor.X` and the operators are these functions)
  and the functions of `nn.functional`, named `aten::<name>` as torch names its ops; the RNN
  modules' forward (`aten::lstm`, ...) and cells' step (`aten::lstm_cell`, ...); an optimizer's
  `step` and `zero_grad`, as the ranges torch's optimizers mark (`Optimizer.step#SGD.step`);
- the engine's visit of one node (`core/engine.py`: `_visit`), as torch's
  `autograd::engine::evaluate_function: <NodeName>`, and inside it the node's backward (`_run_node`)
  as `<NodeName>`; a leaf's gradient being added into `.grad` as `torch::autograd::AccumulateGrad`;
- ranges a user marks with `record_function("name")`.

A call opens an event, its return closes it; events opened while another is open are its children.
So the events form the same tree torch's do, down to the ops our ops call through their public
functions. (torch's finer structure, such as `aten::t` calling `aten::transpose` calling
`aten::as_strided`, is C++ calling C++: there is no such call here to record.)
"""
from __future__ import annotations

import functools
import inspect
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import engine
from ..core.tensor import Tensor
from ..nn import functional
from ..nn.rnn_base import RNNBase, RNNCellBase
from ..ops.declare import DECLARED
from ..optim.optimizer import Optimizer
from .events import FunctionEvent

_SURFACE = str(Path(__file__).parent.parent / "surface")  # (the parsing wrappers' files)

USER_SCOPE = 7  # torch's RecordScope of a record_function range
BACKWARD_SCOPE = 1  # ... and of an autograd node's backward

# The engine's functions the recorder watches (special kinds of call, told apart from op names).
_VISIT, _RUN_NODE, _ACCUMULATE = "visit", "run node", "accumulate"


_RNN_OPS = {"LSTM": "lstm", "GRU": "gru", "RNN_TANH": "rnn_tanh", "RNN_RELU": "rnn_relu"}


def _rnn_name(frame: types.FrameType) -> str:
    """nn.RNN, nn.LSTM and nn.GRU run torch's one op for the whole sequence: aten::lstm, ..."""
    return "aten::" + _RNN_OPS[frame.f_locals["self"].mode]


def _cell_name(frame: types.FrameType) -> str:
    return "aten::" + _RNN_OPS[frame.f_locals["mode"]] + "_cell"


def _optimizer_step_name(frame: types.FrameType) -> str | None:
    """torch's optimizers mark their step as a range "Optimizer.step#SGD.step"."""
    optimizer = frame.f_locals["args"][0]
    if optimizer.__dict__.get("_inside_step_hooks"):  # the inner step of a subclass's super().step()
        return None
    return f"Optimizer.step#{type(optimizer).__name__}.step"


def _zero_grad_name(frame: types.FrameType) -> str:
    return f"Optimizer.zero_grad#{type(frame.f_locals['self']).__name__}.zero_grad"


# The operators that call what their op's function calls, to save a call (surface/tensor_methods.py), by op
_OPERATORS = {"__add__": "add", "__mul__": "mul", "__truediv__": "div", "__matmul__": "matmul"}


def _matmul_name(frame: types.FrameType) -> str | None:
    """matmul is one op, also where `a @ b` (recorded as aten::matmul) hands it the cases off its fast path."""
    caller = frame.f_back
    return None if caller is not None and caller.f_code is vars(Tensor)["__matmul__"].__code__ else "aten::matmul"


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        found.append(todo.pop())
        todo += found[-1].__subclasses__()
    return found


Kind = str | Callable[[types.FrameType], str | None]


@functools.cache
def watched_calls() -> dict[int, Kind]:
    """id(code object) -> what a call of it is: "aten::<op>" for an op, one of the engine's kinds, or a
    function that names a call from its frame (the RNN modules, the optimizers' ranges).

    Keyed by identity: code objects compare equal by content, and two functions of one name, first
    line and body in different files would be one key. (The functions keep their code objects alive.)"""
    kinds: dict[int, Kind] = {}

    def watch(fn: Callable[..., Any], kind: Kind) -> None:
        kinds[id(inspect.unwrap(fn).__code__)] = kind

    for name, fn in vars(functional).items():
        if isinstance(fn, types.FunctionType) and not name.startswith("_"):
            watch(fn, "aten::" + name)
    for decl in DECLARED.values():  # after nn.functional: an op's own name wins
        watch(decl.function, "aten::" + decl.name)
    for dunder, name in _OPERATORS.items():  # these run their op's body, not its function
        watch(vars(Tensor)[dunder], "aten::" + name)
    watch(DECLARED["matmul"].function, _matmul_name)
    watch(RNNBase.forward, _rnn_name)
    watch(RNNCellBase._step, _cell_name)
    kinds[id(vars(Optimizer)["step"].__code__)] = _optimizer_step_name  # the wrapper every optimizer's step has
    for optimizer in _subclasses(Optimizer):
        if "zero_grad" in vars(optimizer):
            watch(vars(optimizer)["zero_grad"], _zero_grad_name)
    watch(engine._visit, _VISIT)
    watch(engine._run_node, _RUN_NODE)
    watch(engine._accumulate, _ACCUMULATE)
    return kinds


class RawEvent:
    """An event while it is being recorded: times in ns of perf_counter, memory in bytes."""

    __slots__ = ("name", "start", "end", "shapes", "scope", "memory", "children", "stack", "user")

    def __init__(self, name: str, start: int, scope: int = 0, shapes: list | None = None,
                 stack: list | None = None, user: bool = False) -> None:
        self.name, self.start, self.scope = name, start, scope
        self.end: int = start  # set again when it closes
        self.shapes, self.stack, self.user = shapes, stack, user
        self.memory = 0  # allocated less freed, its own; children's are added when it closes
        self.children: list[RawEvent] = []


_threads = threading.local()  # .recorders: the recorders active on this thread, innermost last


def active_recorders() -> list[Recorder]:
    return _threads.__dict__.setdefault("recorders", [])


class Recorder:
    """Records the calls of one thread between `start()` and `stop()` (see the module docstring).

    record_shapes: each op's arguments as torch lists them: a tensor's shape, [] for anything else.
    profile_memory: the bytes of each new tensor an op or a node's backward returns (counted for the
    innermost event that returned it), and minus those bytes when that tensor is freed.
    with_stack: the Python frames an op was called from, innermost first, as "file(line): function".
    """

    def __init__(self, record_shapes: bool = False, profile_memory: bool = False, with_stack: bool = False) -> None:
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.events: list[RawEvent] = []  # in the order they started
        self._open: list[tuple[Any, RawEvent]] = []  # (the frame that closes it, or None for a range)
        self._kinds = watched_calls()
        self._owned: dict[int, weakref.finalize] = {}  # id(tensor) -> its free callback (profile_memory)
        self._previous: Any = None
        self.recording = False
        self.origin_ns = 0
        self.base_time_ns = 0
        self.thread = threading.get_native_id()

    # ------------------------------------------------------------------ on and off
    def start(self) -> None:
        self.origin_ns = time.perf_counter_ns()
        self.base_time_ns = time.time_ns()
        self.recording = True
        active_recorders().append(self)
        self._previous = sys.getprofile()
        sys.setprofile(self._on_event)

    def stop(self) -> list[FunctionEvent]:
        """Switch the hook off (back to whatever was there) and hand back the events."""
        sys.setprofile(self._previous)
        self.recording = False
        recorders = active_recorders()
        if self in recorders:
            recorders.remove(self)
        now = time.perf_counter_ns()
        while self._open:  # ranges left open (an exception, or a record_function never exited)
            self._close(self._open.pop()[1], None, now)
        for finalizer in self._owned.values():
            finalizer.detach()
        self._owned.clear()
        return self._function_events()

    # ------------------------------------------------------------------ the hook
    def _on_event(self, frame: types.FrameType, event: str, arg: Any) -> None:
        """Python calls this on every call and return while profiling: it must stay cheap."""
        if self._previous is not None:  # an outer profiler (or another tool) keeps seeing everything
            self._previous(frame, event, arg)
        if event == "call":
            kind = self._kinds.get(id(frame.f_code))
            if kind is not None:
                self._on_watched_call(frame, kind)
        elif event == "return":
            open_ = self._open
            while open_ and open_[-1][0] is frame:
                self._close(open_.pop()[1], arg, time.perf_counter_ns())

    def _on_watched_call(self, frame: types.FrameType, kind: Kind) -> None:
        if kind is _VISIT:
            node, grads = frame.f_locals["node"], frame.f_locals["grads"]
            if grads is not None:  # (a node no gradient reached does not run)
                self._push(frame, f"autograd::engine::evaluate_function: {node.name()}", shapes=[])
        elif kind is _RUN_NODE:
            shapes = self._shapes(frame.f_locals["grads"]) if self.record_shapes else []
            self._push(frame, frame.f_locals["node"].name(), BACKWARD_SCOPE, shapes)
        elif kind is _ACCUMULATE:
            if frame.f_back is not None and frame.f_back.f_code is engine._propagate.__code__:  # a leaf's .grad
                shapes = self._shapes([frame.f_locals["g"]]) if self.record_shapes else []
                self._push(frame, "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad", shapes=[])
                self._push(frame, "torch::autograd::AccumulateGrad", BACKWARD_SCOPE, shapes)
        elif isinstance(kind, str):
            shapes = self._argument_shapes(frame) if self.record_shapes else []
            self._push(frame, kind, 0, shapes, self._stack_of(frame.f_back) if self.with_stack else None)
        else:
            name = kind(frame)
            if name is None:
                return
            optimizer_range = name.startswith("Optimizer.")  # torch marks these with record_function
            shapes = self._argument_shapes(frame) if self.record_shapes and not optimizer_range else []
            stack = self._stack_of(frame.f_back) if self.with_stack else None
            self._push(frame, name, USER_SCOPE if optimizer_range else 0, shapes, stack, user=optimizer_range)

    # ------------------------------------------------------------------ events
    def _push(self, closer: Any, name: str, scope: int = 0, shapes: list | None = None,
              stack: list | None = None, user: bool = False) -> RawEvent:
        event = RawEvent(name, time.perf_counter_ns(), scope, shapes, stack, user)
        if self._open:
            self._open[-1][1].children.append(event)
        self.events.append(event)
        self._open.append((closer, event))
        return event

    def _close(self, event: RawEvent, returned: Any, now: int) -> None:
        event.end = now
        if self.profile_memory:
            if not event.user:  # an op's result, or the gradients a node's backward returned
                self._count_new_tensors(event, returned)
            event.memory += sum(child.memory for child in event.children)

    def open_range(self, name: str, caller: types.FrameType | None) -> RawEvent:
        """record_function's start: a range closed by `close_range`, not by a return."""
        stack = self._stack_of(caller) if self.with_stack else None
        return self._push(None, name, USER_SCOPE, [], stack, user=True)

    def close_range(self, event: RawEvent) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][1] is event:
                del self._open[i]
                self._close(event, None, time.perf_counter_ns())
                return

    # ------------------------------------------------------------------ what an event shows
    @staticmethod
    def _shapes(values: Any) -> list:
        return [list(v.shape) if isinstance(v, Tensor) else [] for v in values]

    def _argument_shapes(self, frame: types.FrameType) -> list:
        """The shapes of a call's arguments, in the function's parameter order (defaults included)."""
        code = frame.f_code
        names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        values = frame.f_locals
        return self._shapes(values.get(name) for name in names)

    @staticmethod
    def _stack_of(frame: types.FrameType | None) -> list:
        """`frame` and the frames it was called from, innermost first: "file(line): function". The
        innermost frames of our argument parsing (surface/) are left out: torch parses in C++."""
        while frame is not None and frame.f_code.co_filename.startswith(_SURFACE):
            frame = frame.f_back
        entries = []
        while frame is not None:
            entries.append(f"{frame.f_code.co_filename}({frame.f_lineno}): {frame.f_code.co_name}")
            frame = frame.f_back
        return entries

    def _count_new_tensors(self, event: RawEvent, returned: Any) -> None:
        """Memory: a tensor an op returns that owns its memory (no view) was allocated by that op;
        a finalizer takes its bytes off whatever event is running when it is freed."""
        if isinstance(returned, (tuple, list)):  # several results (an RNN's (output, (h, c))): each one
            for each in returned:
                self._count_new_tensors(event, each)
        elif isinstance(returned, Tensor) and id(returned) not in self._owned and returned._data.base is None:
            nbytes = returned._data.nbytes
            event.memory += nbytes
            self._owned[id(returned)] = weakref.finalize(returned, self._freed, id(returned), nbytes)

    def _freed(self, key: int, nbytes: int) -> None:
        self._owned.pop(key, None)
        if not self.recording:
            return
        if self._open:
            self._open[-1][1].memory -= nbytes
        else:  # freed outside any event: torch lists such a free as a "[memory]" event
            now = time.perf_counter_ns()
            record = RawEvent("[memory]", now)
            record.end, record.memory = now, -nbytes
            self.events.append(record)

    def _function_events(self) -> list[FunctionEvent]:
        """The recorded events as torch's FunctionEvents, parents and children linked."""
        made: dict[int, FunctionEvent] = {}
        result = []
        for n, raw in enumerate(self.events, 1):
            name = "ProfilerStep*" if raw.name.startswith("ProfilerStep#") else raw.name
            event = FunctionEvent(
                n, name, self.thread, (raw.start - self.origin_ns) / 1000, (raw.end - self.origin_ns) / 1000,
                input_shapes=raw.shapes if raw.shapes is not None else [], stack=raw.stack, scope=raw.scope,
                cpu_memory_usage=raw.memory, is_user_annotation=raw.user,
                trace_name=None if raw.name == "[memory]" else raw.name)
            made[id(raw)] = event
            result.append(event)
        for raw in self.events:
            parent = made[id(raw)]
            for child in raw.children:
                parent.append_cpu_child(made[id(child)])
                made[id(child)].set_cpu_parent(parent)
        return result


class record_function:
    """Mark a range of code so the profiler reports it as one event: `with record_function("name"):`
    or `@record_function("name")` on a function. Outside a profiler it does nothing.

    The range becomes a "user annotation" event; the ops run inside it are its children, so its
    CPU total is the time of the whole block and its self time what the block spent outside ops.
    """

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self.args = args
        self._opened: list[list[tuple[Recorder, RawEvent]]] = []  # one entry per open `with` (nesting, recursion)

    def __enter__(self) -> record_function:
        caller = sys._getframe(1)
        self._opened.append([(r, r.open_range(self.name, caller)) for r in active_recorders()])
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for recorder, event in self._opened.pop() if self._opened else ():
            recorder.close_range(event)

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return recorded

"""`torch.jit` (TorchScript), without a compiler.

torch's script and trace turn Python code into a TorchScript graph that runs without Python. Here
every op already runs as it is called, so `script` and `trace` give back a wrapper that calls the
original code: the numbers, shapes and grads are the original's. The wrapper is shaped like torch's
(a module prints as `MyCell(original_name=MyCell ...)`, a function becomes a `ScriptFunction`) and
warns as torch 2.13 does that TorchScript is deprecated.

What it cannot be, it says so: there is no graph, so `.code`, `.graph`, `save` and `torch.jit.load`
raise NotImplementedError. And a trace does not freeze control flow: torch's traced code always
takes the branch the example inputs took, this one decides again on every call.
"""
from __future__ import annotations

import contextlib
import types
import typing
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Final, NamedTuple  # noqa: F401  (torch.jit.Final is typing.Final)

from .autograd import no_grad
from .core.tensor import Tensor
from .nn.containers import ModuleDict, ModuleList, Sequential
from .nn.module import Module
from .nn.rnn_base import RNNBase

_NO_GRAPH = ("code", "graph", "inlined_graph", "code_with_constants", "save", "save_to_buffer")


def _deprecated(name: str, instead: str = "`torch.compile` or `torch.export`") -> None:
    warnings.warn(f"`torch.jit.{name}` is deprecated. Please switch to {instead}.", DeprecationWarning, stacklevel=3)


class TracerWarning(Warning):
    """torch's warning that a trace may not generalise: a tensor became a Python value while tracing."""


# Tensor methods that hand a Python value back, and the kind of value torch's tracer names in its warning.
_CONVERSIONS = {"__bool__": "boolean", "__int__": "integer", "__float__": "float", "item": "number", "tolist": "list"}
_state = {"tracing": False, "converting": False}


@contextlib.contextmanager
def _tracing_run() -> Iterator[None]:
    """The example run of a trace: is_tracing() is True, and a tensor turned into a Python value (an `if`
    on a tensor, .item(), float(t)) warns as torch's tracer does. torch's trace would keep that value
    as a constant; this one recomputes it on every call, but code written for torch hears the same
    warning. The Tensor methods are wrapped only for this run and put back after."""
    if _state["tracing"]:  # a trace inside a trace: the outer one already watches
        yield
        return
    originals = {name: Tensor.__dict__.get(name) for name in _CONVERSIONS}
    for name, kind in _CONVERSIONS.items():
        setattr(Tensor, name, _warning_first(getattr(Tensor, name), kind))
    # torch's RNN, GRU and LSTM compare `hx.size()` with the expected size in every forward; under its
    # tracer the sizes are traced values, so that comparison turns a tensor into a Python bool and warns
    rnn_forward = RNNBase.__dict__["forward"]
    RNNBase.forward = _warning_first(rnn_forward, "boolean")
    _state["tracing"] = True
    try:
        yield
    finally:
        _state["tracing"] = False
        RNNBase.forward = rnn_forward
        for name, original in originals.items():
            if original is None:
                delattr(Tensor, name)
            else:
                setattr(Tensor, name, original)


def _warning_first(convert: Callable, kind: str) -> Callable:
    def warned(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        if _state["converting"]:  # bool(t) may call t.item(): one conversion, one warning
            return convert(self, *args, **kwargs)
        warnings.warn(f"Converting a tensor to a Python {kind} might cause the trace to be incorrect. We can't "
                      "record the data flow of Python values, so this value will be treated as a constant in the "
                      "future. This means that the trace might not generalize to other inputs!", TracerWarning,
                      stacklevel=2)
        _state["converting"] = True
        try:
            return convert(self, *args, **kwargs)
        finally:
            _state["converting"] = False
    return warned


def _no_graph(what: str) -> NotImplementedError:
    return NotImplementedError(f"tinygrad_rnn.jit: {what} needs a TorchScript graph, and here nothing is compiled "
                               "(script/trace run the original Python code)")


class ScriptModule(Module):
    """Base of scripted and traced modules; old code subclasses it directly (with @script_method),
    and then it is an ordinary Module."""

    def __getattribute__(self, name: str) -> Any:
        if name in _NO_GRAPH:
            raise _no_graph(f"ScriptModule.{name}")
        if name == "forward" and "_without_forward" in object.__getattribute__(self, "__dict__"):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'forward'")
        return super().__getattribute__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value.value if isinstance(value, Attribute) else value)  # as torch unwraps it


class Attribute(NamedTuple):
    """`self.x = torch.jit.Attribute(value, type)` in a ScriptModule: the type is for the compiler, x is value."""
    value: Any
    type: Any


class RecursiveScriptModule(ScriptModule):
    """What `torch.jit.script(module)` returns: the module's parameters, buffers and (wrapped)
    children, whose forward is the original module's forward."""

    def __init__(self, original: Module) -> None:
        super().__init__()
        object.__setattr__(self, "_original", original)
        # The same dicts as the original's: a step of the optimizer moves both, state_dict keys are equal.
        object.__setattr__(self, "_parameters", original._parameters)
        object.__setattr__(self, "_buffers", original._buffers)
        object.__setattr__(self, "training", original.training)
        for name, child in original._modules.items():
            # a child scripted or traced already stays as it is, as in torch
            self._modules[name] = child if child is None or isinstance(child, ScriptModule) else self._wrap(child)

    def _wrap(self, child: Module) -> Module:
        """A child module's wrapper: of the same kind as this one."""
        return type(self)(child)

    @property
    def original_name(self) -> str:
        return type(self._original).__name__

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        # torch's scripted copy keeps its own training flags (scripted.eval() leaves the original in
        # training mode), so the original runs with this copy's flags and gets its own back after.
        pairs = list(self._originals())
        saved = [original.training for _, original in pairs]
        try:
            for wrapper, original in pairs:
                original.training = wrapper.training
            return self._original.forward(*args, **kwargs)
        finally:
            for (_, original), flag in zip(pairs, saved):
                original.training = flag

    def _originals(self) -> Iterator[tuple[Module, Module]]:
        """(wrapper, original module) for this wrapper and every wrapped descendant; a frozen wrapper
        stands for every module under its original."""
        if self.__dict__.get("_inlined"):
            yield from ((self, original) for original in self._original.modules())
            return
        for wrapper in self.modules():
            if isinstance(wrapper, RecursiveScriptModule):
                yield wrapper, wrapper._original

    def extra_repr(self) -> str:
        return f"original_name={self.original_name}"

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "forward":  # a scripted RNN's (see script): not the original's either
                raise
            return getattr(self._original, name)  # constants and methods the original defines

    # A scripted ModuleList, Sequential or ModuleDict is indexed, measured and iterated as the original
    # (giving the original children, as torch's does); other scripted modules refuse with torch's
    # empty NotImplementedError.
    def __getitem__(self, index: Any) -> Any:
        return self._container()[index]

    def __len__(self) -> int:
        return len(self._container())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._container())

    def __bool__(self) -> bool:
        return True  # a module is true, whatever __len__ would say

    def _container(self) -> Module:
        if not isinstance(self._original, (ModuleList, Sequential, ModuleDict)):
            raise NotImplementedError
        return self._original


class TracedModule(RecursiveScriptModule):
    """A traced submodule: prints under its original class name (`Linear(original_name=Linear)`);
    unlike a scripted one, a traced ModuleList cannot be indexed or iterated (as in torch)."""

    def __getitem__(self, index: Any) -> Any:
        raise TypeError(f"'{type(self).__name__}' object is not subscriptable")

    def __len__(self) -> int:
        raise TypeError(f"object of type '{type(self).__name__}' has no len()")

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(f"'{type(self).__name__}' object is not iterable")

    def _get_name(self) -> str:
        return self.original_name


class TopLevelTracedModule(TracedModule):
    """What `torch.jit.trace(module, inputs)` returns."""

    def _wrap(self, child: Module) -> Module:
        return TracedModule(child)


class ScriptFunction:
    """What script/trace return for a plain function: calling it calls the function."""

    def __init__(self, fn: Callable) -> None:
        self._fn = fn
        self.name = getattr(fn, "__name__", "forward")
        module = getattr(fn, "__module__", "__main__")
        self.qualified_name = ".".join(["__torch__", *([module] if module != "__main__" else []), self.name])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name in _NO_GRAPH:
            raise _no_graph(f"ScriptFunction.{name}")
        raise AttributeError(f"'ScriptFunction' object has no attribute '{name}'")


def script(obj: Any, optimize: None = None, _frames_up: int = 0, _rcb: Callable | None = None,
           example_inputs: list | dict | None = None) -> Any:
    """A module comes back as a RecursiveScriptModule, a function as a ScriptFunction, a class as it is."""
    _deprecated("script")
    if isinstance(obj, ScriptModule):
        return obj  # already scripted, or written as a ScriptModule
    if isinstance(obj, Module):
        scripted = RecursiveScriptModule(obj)
        if isinstance(obj, RNNBase):
            # torch compiles each overload of an RNN's forward (a Tensor or a PackedSequence input) under a
            # name of its own and leaves the scripted RNN itself without a forward: calling it raises
            # AttributeError (inside a scripted model, the model's forward picks the overload)
            object.__setattr__(scripted, "_without_forward", True)
        return scripted
    if isinstance(obj, type) and issubclass(obj, Module):
        raise RuntimeError(f"Type '{obj}' cannot be compiled since it inherits from nn.Module, pass an instance instead")
    if isinstance(obj, type):
        return obj  # a TorchScript class: the Python class already behaves as one
    if not callable(obj):
        raise TypeError(f"{type(obj)} is a built-in class")  # torch's text: it asks inspect for the source
    return ScriptFunction(obj)


def _as_tuple(example_inputs: Any) -> tuple:
    return example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)


def trace(func: Callable, example_inputs: Any = None, optimize: None = None, check_trace: bool = True,
          check_inputs: list | None = None, check_tolerance: float = 1e-5, strict: bool = True,
          example_kwarg_inputs: dict | None = None, **private: Any) -> Any:
    """Runs `func` once on the example inputs (as torch's tracer does) and returns the wrapper:
    a TopLevelTracedModule for a module, a ScriptFunction for a function."""
    _deprecated("trace")
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be provided")
    if isinstance(getattr(func, "__self__", None), Module) and func.__name__ == "forward":
        func = func.__self__  # a module's bound forward is traced as the module
    if isinstance(func, Module):
        return trace_module(func, {"forward": example_inputs if example_kwarg_inputs is None else example_kwarg_inputs},
                            check_trace=check_trace, example_inputs_is_kwarg=example_kwarg_inputs is not None)
    if example_kwarg_inputs is not None:
        _run_example(func, (), example_kwarg_inputs, check_trace)
    else:
        _run_example(func, _as_tuple(example_inputs), {}, check_trace)
    return ScriptFunction(func)


def trace_module(mod: Module, inputs: dict, optimize: None = None, check_trace: bool = True,
                 check_inputs: list | None = None, check_tolerance: float = 1e-5, strict: bool = True,
                 example_inputs_is_kwarg: bool = False, **private: Any) -> TopLevelTracedModule:
    """Runs each named method of `mod` once on its example inputs; returns the module's wrapper."""
    _deprecated("trace_method")
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    for method_name, example in inputs.items():
        args, kwargs = ((), example) if example_inputs_is_kwarg else (_as_tuple(example), {})
        _run_example(getattr(mod, method_name), args, kwargs, check_trace)
    if any(getattr(member, "_jit_export", False) for cls in type(mod).__mro__ for member in vars(cls).values()):
        return RecursiveScriptModule(mod)  # torch scripts a module with @export methods rather than trace it
    return TopLevelTracedModule(mod)


def _run_example(fn: Callable, args: tuple, kwargs: dict, check_trace: bool) -> None:
    """torch's tracer runs the code once to record it and, with check_trace, twice more without grad to
    check the recording; as many runs here, so a print or a counter in forward shows the same.
    (torch also runs its recorded graph twice while checking: a BatchNorm in training mode counts
    5 batches there, 3 here.)"""
    with _tracing_run():
        fn(*args, **kwargs)
    if check_trace:
        with no_grad(), _tracing_run():
            fn(*args, **kwargs)
            fn(*args, **kwargs)


def save(m: Any, f: Any, _extra_files: dict | None = None) -> None:
    _deprecated("save", "`torch.export`")
    raise _no_graph("torch.jit.save")


def load(f: Any, map_location: Any = None, _extra_files: dict | None = None, _restore_shapes: bool = False) -> Any:
    _deprecated("load", "`torch.export`")
    raise _no_graph("torch.jit.load")


def freeze(mod: ScriptModule, preserved_attrs: list | None = None, optimize_numerics: bool = True) -> ScriptModule:
    """torch folds the parameters and buffers into the graph as constants: the frozen copy lists none,
    and runs in eval mode. Here they stay where they are, in the original module."""
    warnings.warn("`torch.jit.freeze` is deprecated. Please use `torch.compile` instead.", DeprecationWarning,
                  stacklevel=2)
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() "
                           "on your module before freezing.")
    return _frozen_copy(mod) if isinstance(mod, RecursiveScriptModule) else mod


def _frozen_copy(wrapper: RecursiveScriptModule) -> RecursiveScriptModule:
    """A wrapper that shows no parameters, buffers or children (torch inlines them all) and runs the
    whole original tree in eval mode."""
    frozen = RecursiveScriptModule(wrapper._original)
    for registry in ("_parameters", "_buffers", "_modules"):
        object.__setattr__(frozen, registry, {})
    object.__setattr__(frozen, "training", False)
    object.__setattr__(frozen, "_inlined", True)
    return frozen


def optimize_for_inference(mod: ScriptModule, other_methods: list | None = None) -> ScriptModule:
    """torch freezes the module and rewrites its graph for speed; here, the frozen copy."""
    warnings.warn("`torch.jit.optimize_for_inference` is deprecated. Please use `torch.compile` instead.",
                  DeprecationWarning, stacklevel=2)
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("optimize_for_inference expects a ScriptModule as input. Please use torch.jit.script "
                           "or torch.jit.trace to script your 'nn.Module'.")
    return freeze(mod.eval(), preserved_attrs=other_methods)


class Future:
    """What fork returns: here the call has already run, so wait() just hands its result back."""

    def __init__(self, result: Any) -> None:
        self._result = result

    def __class_getitem__(cls, item: Any) -> type:  # `Future[Tensor]` in annotations
        return cls

    def wait(self) -> Any:
        return self._result

    def value(self) -> Any:
        return self._result

    def done(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<torch.Future object at {hex(id(self))}>"


def fork(func: Callable, *args: Any, **kwargs: Any) -> Future:
    """torch runs func asynchronously (in TorchScript, on another thread); here it runs now."""
    warnings.warn("`torch.jit.fork` is deprecated. Please use `torch.compile` instead.", DeprecationWarning,
                  stacklevel=2)
    return Future(func(*args, **kwargs))


def wait(future: Future) -> Any:
    warnings.warn("`torch.jit.wait` is deprecated. Please use `torch.compile` instead.", DeprecationWarning,
                  stacklevel=2)
    return future.wait()


# ------------------------------------------------------------ markers TorchScript reads; in Python they do nothing
def is_scripting() -> bool:
    """False: code here always runs in Python."""
    return False


def is_tracing() -> bool:
    """True while trace/trace_module run the code on its example inputs."""
    return _state["tracing"]


def ignore(drop: bool = False, **kwargs: Any) -> Any:
    """@ignore and @ignore(drop=True): leave a function to Python (it always is)."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn: Callable) -> Callable:
    return fn


def export(fn: Callable) -> Callable:
    """Marks a method to be compiled besides forward; a traced module that has one comes back scripted, as in torch."""
    fn._jit_export = True
    return fn


def script_method(fn: Callable) -> Callable:
    _deprecated("script_method")
    return fn


def annotate(the_type: Any, the_value: Any) -> Any:
    return the_value


def interface(obj: type) -> type:
    warnings.warn("`torch.jit.interface` is deprecated. Please use `torch.compile` instead.", DeprecationWarning,
                  stacklevel=2)
    if not isinstance(obj, type):
        raise RuntimeError("interface must be applied to a class")
    return obj


def _isinstance(obj: Any, target_type: Any) -> bool:
    """torch.jit.isinstance: isinstance that also looks inside containers (list[int], dict[str, Tensor],
    tuple[int, str], Optional[...]). A bare container type is refused, as torch refuses it."""
    _require_contained_types(target_type)
    if type(obj) in (list, dict, tuple) and not obj:
        warnings.warn("The inner type of a container is lost when calling torch.jit.isinstance in eager mode. For "
                      "example, List[int] would become list and therefore falsely return True for List[float] or "
                      "List[str].", stacklevel=2)
    return _matches(obj, target_type)


def _require_contained_types(target_type: Any) -> None:
    name = getattr(target_type, "_name", None) or getattr(target_type, "__name__", "")
    bare = target_type in (list, dict, tuple) or (name in _GENERIC_NAMES and not typing.get_args(target_type))
    if not bare:
        return
    if name.lower() == "dict":
        raise RuntimeError(f"Attempted to use {name} without contained types. Please add contained type, "
                           f"e.g. {name}[int, int]")
    raise RuntimeError(f"Attempted to use {name} without a contained type. Please add a contained type, e.g. {name}[int]")


_GENERIC_NAMES = ("List", "Dict", "Tuple", "Optional")


def _matches(obj: Any, target_type: Any) -> bool:
    origin, args = typing.get_origin(target_type), typing.get_args(target_type)
    if origin is None:
        return isinstance(obj, target_type)
    if origin is list:
        return isinstance(obj, list) and all(_matches(item, args[0]) for item in obj)
    if origin is dict:
        return isinstance(obj, dict) and all(_matches(k, args[0]) and _matches(v, args[1]) for k, v in obj.items())
    if origin is tuple:
        return isinstance(obj, tuple) and len(obj) == len(args) and all(map(_matches, obj, args))
    if origin in (typing.Union, types.UnionType):
        return any(_matches(obj, option) for option in args)
    return isinstance(obj, origin)


def __getattr__(name: str) -> Any:
    # torch.jit.isinstance, kept out of this module's globals so that the builtin isinstance stays itself here
    if name == "isinstance":
        return _isinstance
    raise AttributeError(f"module 'torch.jit' has no attribute '{name}'")

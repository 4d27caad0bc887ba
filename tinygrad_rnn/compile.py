"""`torch.compile`: every op here already runs as it is called, so there is nothing to compile and the
numbers are the same either way. It returns what torch's returns, so code that looks at the result
sees torch's shapes of things: a module comes back wrapped in an `OptimizedModule` (its state_dict keys
start with `_orig_mod.`, `compiled._orig_mod` is the module), a function as a function. Its arguments
are checked as torch checks them; the speed options (mode, backend, options, dynamic, fullgraph) then
have nothing to change.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .nn.module import Module

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("aot_eager", "aot_eager_decomp_partition", "aot_ts", "cudagraphs", "eager", "eager_debug", "inductor",
             "openxla", "openxla_eval", "ts", "tvm")


class OptimizedModule(Module):
    """A compiled module: calls, parameters and attributes are the original's (`_orig_mod`)."""

    def __init__(self, mod: Module) -> None:
        super().__init__()
        self._orig_mod = mod

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._orig_mod, name)


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,  # noqa: A001
            backend: str | Callable | None = "inductor", mode: str | None = None, options: dict | None = None,
            name: str | None = None, disable: bool = False, **later_options: Any) -> Any:
    """`model` compiled (see the module docstring); without a model, a decorator that compiles."""
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise RuntimeError(f"Invalid backend: {backend!r}, see `torch._dynamo.list_backends()` for available backends.")
    unknown = set(later_options) - {"recompile_limit", "isolate_recompiles", "shapes_spec"}
    if unknown:
        raise TypeError(f"compile() got an unexpected keyword argument '{min(unknown)}'")
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, name=name, disable=disable, **later_options)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model)

    @functools.wraps(model)
    def compiled(*args: Any, **kwargs: Any) -> Any:
        return model(*args, **kwargs)

    return compiled

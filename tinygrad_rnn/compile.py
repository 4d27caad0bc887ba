"""`torch.compile`: every op here already runs as it is called, so there is nothing to compile and the
numbers are the same either way. It returns what torch's returns, so code that looks at the result
sees torch's shapes of things: a module comes back wrapped in an `OptimizedModule` (its state_dict keys
start with `_orig_mod.`, `compiled._orig_mod` is the module), a function as a function. Its arguments
are checked as torch checks them; the speed options (mode, backend, options, dynamic, fullgraph) then
have nothing to change. As in torch, an output the call computed shows one node, `CompiledFunctionBackward`,
whose next_functions are the call's inputs and the module's parameters (nn/compiled_calls.py); an output
that is a view of an input keeps its view's node, as torch regenerates those outside the compiled graph.
"""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from .nn.compiled_calls import check_options, compiled_outputs, shows_compiled_node
from .nn.module import Module, has_any_global_hook


class OptimizedModule(Module):
    """A compiled module: calls, parameters and attributes are the original's (`_orig_mod`).

    As in torch, an attribute set or deleted on it is set or deleted on the original (`compiled.head =
    nn.Linear(...)` replaces the layer the original's forward calls), but for the wrapper's own few and
    the class's; `training` is the original's."""

    # What stays the wrapper's own (torch's _opt_mod_attributes, as far as they exist here)
    _own_attributes = frozenset({"_orig_mod", "forward", "__dict__", "_super_module_initialized", "_one_node",
                                 "_compiled_call_impl"})

    def __init__(self, mod: Module, one_node: bool = True) -> None:
        object.__setattr__(self, "_super_module_initialized", False)  # Module.__init__'s `training` is not mod's
        super().__init__()
        self._super_module_initialized = True
        self._orig_mod = mod
        self.__dict__["_one_node"] = one_node

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if has_any_global_hook():  # they fire for the wrapper too, as torch warns
            warnings.warn("Using `torch.compile(module)` when there are global hooks on modules (e.g., from "
                          "`register_module_forward_hook`); this will cause the hooks to fire an extra time for the "
                          "`OptimizedModule` created by `torch.compile(module)`. If this causes undesired behavior, "
                          "please try using `module.compile()`, or use the per-module hooks instead", stacklevel=2)
        return super().__call__(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        out = self._orig_mod(*args, **kwargs)
        if not self.__dict__["_one_node"]:
            return out
        return compiled_outputs(out, [*args, *kwargs.values(), *self._orig_mod.parameters()])

    @property  # type: ignore[override]
    def training(self) -> bool:
        return self._orig_mod.training

    @training.setter
    def training(self, value: bool) -> None:
        if self.__dict__.get("_super_module_initialized"):
            self._orig_mod.training = value

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "_orig_mod":  # (while unpickling, before the registries are back)
                raise
            return getattr(self._orig_mod, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name) or name in self._own_attributes:
            super().__setattr__(name, value)
        else:
            setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if hasattr(type(self), name) or name in self._own_attributes:
            super().__delattr__(name)
        else:
            delattr(self._orig_mod, name)

    def __len__(self) -> int:
        if not hasattr(self._orig_mod, "__len__"):
            raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")
        return len(self._orig_mod)


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,  # noqa: A001
            backend: str | Callable | None = "inductor", mode: str | None = None, options: dict | None = None,
            name: str | None = None, disable: bool = False, **later_options: Any) -> Any:
    """`model` compiled (see the module docstring); without a model, a decorator that compiles."""
    check_options(fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options, name=name,
                  disable=disable, **later_options)
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, name=name, disable=disable, **later_options)
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model, shows_compiled_node(backend))

    @functools.wraps(model)
    def compiled(*args: Any, **kwargs: Any) -> Any:
        out = model(*args, **kwargs)
        return compiled_outputs(out, [*args, *kwargs.values()]) if shows_compiled_node(backend) else out

    return compiled


"""`Module`: the base class of every layer, mirroring `torch.nn.Module`.

    class TwoLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(4, 8)          # a submodule: registered in self._modules
            self.scale = nn.Parameter(...)   # a parameter: registered in self._parameters

        def forward(self, x):
            return self.rnn(x)[0] * self.scale

The whole trick is `__setattr__`: assigning a Parameter, a Module or a registered buffer does not
store a plain attribute but files the value in one of three ordered dicts. Everything else is a
walk over those dicts in insertion order: `named_parameters()`, `state_dict()` (keys like
`rnn.weight_ih_l0`), `train()`/`eval()`, `zero_grad()`, `to(dtype)` and the nested `repr`.
"""
from __future__ import annotations

import abc
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, TypeVar

import numpy as np

from .. import __future__ as future
from ..argcheck import invalid_combination, type_name
from ..autograd import graph, is_grad_enabled, no_grad
from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..device import check_cuda_call, check_device, check_device_name, device, refuse_backend_call
from ..surface.settings import typename as plain_typename
from ..surface.tensor_methods import _TO_SIGNATURES, _to_arguments
from .backward_hooks import BackwardHooks, hook_last_node
from .compiled_calls import check_options, compiled_outputs, shows_compiled_node
from .parameter import Buffer, Parameter, is_lazy
from .torch_files import TORCH_MODULE_OF


def typename(obj: Any, /) -> str:
    """torch.typename: how torch names a value's type (`torch.FloatTensor`, `int`, `numpy.ndarray`). A class of
    ours is named by torch's path: nn's layers by torch's file (`torch.nn.modules.linear.Linear`), the rest
    where our files mirror torch's (`torch.optim.sgd.SGD`)."""
    name = plain_typename(obj)
    module, _, qualname = name.rpartition(".")
    if module.startswith(__package__ + ".") and qualname in TORCH_MODULE_OF:  # nn's own, not a user's subclass
        return f"{TORCH_MODULE_OF[qualname]}.{qualname}"
    package = __package__.partition(".")[0]
    return "torch" + name.removeprefix(package) if module.startswith(package + ".") else name


class TorchPathClass(abc.ABCMeta):
    """The metaclass of the classes whose type torch users print (nn's Module, Optimizer, LRScheduler, Dataset,
    Sampler, DataLoader): `print(type(model))` shows torch's path as `typename` names it, `<class
    'torch.nn.modules.linear.Linear'>`, and a user's subclass its own. Only the class's repr changes, so
    pickling still finds our classes. An ABCMeta, so that `class Net(nn.Module, ABC)` has one metaclass (and
    IterableDataset, a typing.Iterable, is an ABC already); its isinstance checks cost ~0.4 us, not 0.05."""

    def __repr__(cls) -> str:
        return f"<class '{typename(cls)}'>"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: the keys it could not match (both lists empty on success)."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


_EXTRA_STATE = "_extra_state"  # the state_dict key of what a module's get_extra_state returns


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (a child's repr sits after `(name): `)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class RemovableHandle(graph.RemovableHandle):
    """What `register_forward_hook` returns: `handle.remove()` (or leaving a `with` block) unhooks.

    torch's handle (autograd/graph.py: weak references to the dicts, ids from one shared counter),
    made by also filing the hook: `hooks[handle.id] = hook`, at the front if `prepend`.
    `extra_dicts` are the registries of the hook's options (with_kwargs, always_call), keyed by the
    same id, so removing the hook forgets its options too."""

    def __init__(self, hooks: dict, hook: Callable, prepend: bool = False, extra_dicts: tuple = ()) -> None:
        super().__init__(hooks, extra_dict=list(extra_dicts))
        hooks[self.id] = hook
        if prepend:
            hooks.move_to_end(self.id, last=False)


# Global hooks: they apply to every module and run before each module's own hooks of the same kind.
_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_forward_hooks_with_kwargs: OrderedDict = OrderedDict()  # ids of the global forward hooks registered with_kwargs=True
_global_forward_hooks_always_called: OrderedDict = OrderedDict()  # ... and with always_call=True
_global_backward_pre_hooks: OrderedDict = OrderedDict()
_global_backward_hooks: OrderedDict = OrderedDict()
_global_parameter_registration_hooks: OrderedDict = OrderedDict()
_global_buffer_registration_hooks: OrderedDict = OrderedDict()
_global_module_registration_hooks: OrderedDict = OrderedDict()

GLOBAL_HOOK_REGISTRARS = ["register_module_forward_pre_hook", "register_module_forward_hook",
                          "register_module_full_backward_pre_hook", "register_module_full_backward_hook",
                          "register_module_parameter_registration_hook", "register_module_buffer_registration_hook",
                          "register_module_module_registration_hook"]


def register_module_forward_pre_hook(hook: Callable[..., None]) -> RemovableHandle:
    """`hook(module, args)` runs before every module's forward (and before its own pre-hooks); returning a
    value replaces the inputs. For debugging and profiling, as in torch."""
    return RemovableHandle(_global_forward_pre_hooks, hook)


def has_any_global_hook() -> bool:
    """A global forward or backward (pre-)hook is registered (torch.compile's wrapper warns then)."""
    return any((_global_forward_pre_hooks, _global_forward_hooks, _global_backward_pre_hooks, _global_backward_hooks))


def register_module_forward_hook(hook: Callable[..., None], *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """`hook(module, args, output)` runs after every module's forward (before its own forward hooks);
    returning a value replaces the output. with_kwargs and always_call as in `Module.register_forward_hook`."""
    handle = RemovableHandle(_global_forward_hooks, hook, extra_dicts=(_global_forward_hooks_with_kwargs,
                                                                        _global_forward_hooks_always_called))
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_full_backward_pre_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """`hook(module, grad_output)` runs for every module, before its own backward pre-hooks; returning a
    tuple replaces grad_output."""
    return RemovableHandle(_global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook: Callable[..., Any]) -> RemovableHandle:
    """`hook(module, grad_input, grad_output)` runs for every module, before its own full backward hooks;
    returning a tuple replaces grad_input."""
    return RemovableHandle(_global_backward_hooks, hook)


def register_module_parameter_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    """`hook(module, name, param)` runs whenever any module registers a parameter (not a None one);
    returning a value registers that instead."""
    return RemovableHandle(_global_parameter_registration_hooks, hook)


def register_module_buffer_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    """`hook(module, name, buffer)` runs whenever any module registers or reassigns a buffer (None too);
    returning a value registers that instead."""
    return RemovableHandle(_global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook: Callable[..., None]) -> RemovableHandle:
    """`hook(module, name, submodule)` runs whenever any module registers or reassigns a submodule (None too);
    returning a value registers that instead."""
    return RemovableHandle(_global_module_registration_hooks, hook)


def _registered(hooks: dict, module: Module, name: str, value: Any) -> Any:
    """`value` after the registration hooks in `hooks`, each of which may replace it."""
    for hook in list(hooks.values()):
        replaced = hook(module, name, value)
        if replaced is not None:
            value = replaced
    return value


def _without_storage(t: Tensor) -> Tensor:
    """What `module.to('meta')` leaves in place of a tensor: its shape and dtype, and no memory.

    torch's ensembling recipe copies one model to the 'meta' device as a template and runs it with
    `functional_call` on stacked weights, so the template's own values are never read. There is no
    meta device here: the stand-in is one NaN (0 for an integer buffer) broadcast to the shape, so
    the module keeps its shapes at no memory cost, and a forward pass that reads it anyway gives
    NaN where torch raises "Tensor on device meta is not on the expected device cpu!". The tensors
    still report the CPU as their device."""
    fill = np.array(np.nan if t.is_floating_point() else 0, dtype=t._data.dtype)
    return Tensor._make(np.broadcast_to(fill, t._data.shape))


# What every saved module has had since torch's first release: __setstate__ does not fill these in.
_ALWAYS_SAVED = frozenset({"training", "_parameters", "_buffers", "_modules", "_backward_hooks", "_forward_hooks"})


def _fresh_module_state() -> list[tuple[str, Any]]:
    """The attributes every module has, new, in torch's order. The hook registries are torch's (code reads
    them: `module._forward_hooks`), as OrderedDicts (code prints them: `module._forward_pre_hooks` after
    pruning); `_forward_hooks_with_kwargs` and `_forward_hooks_always_called` hold the ids of hooks
    registered with with_kwargs=True / always_call=True."""
    return [("training", True), ("_parameters", {}), ("_buffers", {}), ("_non_persistent_buffers_set", set()),
            ("_backward_pre_hooks", OrderedDict()), ("_backward_hooks", OrderedDict()), ("_is_full_backward_hook", None),
            ("_forward_hooks", OrderedDict()), ("_forward_hooks_with_kwargs", OrderedDict()),
            ("_forward_hooks_always_called", OrderedDict()), ("_forward_pre_hooks", OrderedDict()),
            ("_forward_pre_hooks_with_kwargs", OrderedDict()), ("_state_dict_hooks", OrderedDict()),
            ("_state_dict_pre_hooks", OrderedDict()), ("_load_state_dict_pre_hooks", OrderedDict()),
            ("_load_state_dict_post_hooks", OrderedDict()), ("_modules", {})]


class Module(metaclass=TorchPathClass):
    """Base class for layers: holds parameters, buffers and submodules, and calls `forward`."""

    dump_patches: bool = False  # torch's, for old checkpoints' code: never read here
    call_super_init: bool = False  # torch's switch for passing __init__'s arguments on to object.__init__
    T_destination = TypeVar("T_destination", bound=dict[str, Any])  # state_dict's destination, for type hints
    training: bool
    _parameters: dict
    _buffers: dict
    _non_persistent_buffers_set: set
    _modules: dict

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given")
        # object.__setattr__: our own __setattr__ needs these dicts to exist already.
        for name, value in _fresh_module_state():
            object.__setattr__(self, name, value)

    def __setstate__(self, state: dict) -> None:
        """Unpickling (and a subclass's own __setstate__ calling super's): the saved attributes, and
        fresh ones for the registries a module saved by an older version may lack (those torch fills in)."""
        self.__dict__.update(state)
        for name, value in _fresh_module_state():
            if name not in _ALWAYS_SAVED:
                self.__dict__.setdefault(name, value)

    # ------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """forward, wrapped in the hooks: pre-hooks may replace the inputs, hooks the output.
        If anything raises, the always_call hooks that have not run yet still run, then it re-raises."""
        if not self._has_call_hooks():  # the usual case: nothing to run around forward
            return self.forward(*args, **kwargs)
        output, called = None, set()
        hooks = [*_global_forward_hooks.items(), *self.__dict__.get("_forward_hooks", {}).items()]
        always_called = {**_global_forward_hooks_always_called, **self.__dict__.get("_forward_hooks_always_called", {})}
        try:
            args, kwargs = self._run_pre_hooks(args, kwargs)
            backward_hooks = self._backward_hooks_of_this_call()
            if backward_hooks is not None:
                args = backward_hooks.wrap_inputs(args)
            output = self.forward(*args, **kwargs)
            if self.__dict__.get("_compiled_call_impl"):
                output = compiled_outputs(output, [*args, *kwargs.values(), *self.parameters()])
            for hook_id, hook in hooks:
                called.add(hook_id)
                output = self._run_hook(hook_id, hook, args, kwargs, output)
            if backward_hooks is not None:
                output = backward_hooks.wrap_outputs(output)
            non_full_hooks = self._own_backward_hooks(full=False)
            if non_full_hooks:
                hook_last_node(self, non_full_hooks, args, output)
        except Exception:
            for hook_id, hook in hooks:
                if hook_id in always_called and hook_id not in called:
                    try:
                        output = self._run_hook(hook_id, hook, args, kwargs, output)
                    except Exception as error:  # the first error is the one the user needs
                        warnings.warn("module forward hook with ``always_call=True`` raised an exception that was "
                                      f"silenced as another error was raised in forward: {error}", stacklevel=2)
            raise
        return output

    def _has_call_hooks(self) -> bool:
        """Whether any forward or backward hook, the module's own or a global one, is set, or the module was
        compiled in place (Module.compile)."""
        own = self.__dict__
        return bool(_global_forward_pre_hooks or _global_forward_hooks or _global_backward_pre_hooks
                    or _global_backward_hooks or own.get("_forward_pre_hooks") or own.get("_forward_hooks")
                    or own.get("_backward_pre_hooks") or own.get("_backward_hooks") or own.get("_compiled_call_impl"))

    def _backward_hooks_of_this_call(self) -> BackwardHooks | None:
        """The full backward hooks (global first) that this call's gradients must pass, if any."""
        hooks = [*_global_backward_hooks.values(), *self._own_backward_hooks(full=True)]
        pre_hooks = [*_global_backward_pre_hooks.values(), *self.__dict__.get("_backward_pre_hooks", {}).values()]
        if not (hooks or pre_hooks) or not is_grad_enabled():
            return None
        return BackwardHooks(self, hooks, pre_hooks)

    def _own_backward_hooks(self, full: bool) -> list:
        """The module's own full backward hooks, or its non-full ones."""
        own = self.__dict__
        return list(own.get("_backward_hooks", {}).values()) if own.get("_is_full_backward_hook") is full else []

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(module, grad_output)` runs when the gradients of the module's outputs are known; returning
        a tuple replaces them."""
        return RemovableHandle(self.__dict__.setdefault("_backward_pre_hooks", OrderedDict()), hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(module, grad_input, grad_output)` runs when the gradients of the module's tensor inputs are
        known; returning a tuple replaces grad_input."""
        self._one_kind_of_backward_hook(full=True)
        return RemovableHandle(self.__dict__.setdefault("_backward_hooks", OrderedDict()), hook, prepend)

    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        """torch's deprecated non-full hook: `hook(module, grad_input, grad_output)` runs as a hook of the
        last graph node forward made (nn/backward_hooks.py), so grad_input is that node's (Linear's addmm:
        bias, input and weight gradients), not the module's inputs'. Returning a tuple replaces it."""
        self._one_kind_of_backward_hook(full=False)
        return RemovableHandle(self.__dict__.setdefault("_backward_hooks", OrderedDict()), hook)

    def _one_kind_of_backward_hook(self, full: bool) -> None:
        """A module's backward hooks are all full or all not (torch keeps them in one dict)."""
        if self.__dict__.get("_is_full_backward_hook") is (not full):
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                               "Please use only one of them.")
        self.__dict__["_is_full_backward_hook"] = full

    def _run_pre_hooks(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        with_kwargs = self.__dict__.get("_forward_pre_hooks_with_kwargs", {})
        for hook_id, hook in [*_global_forward_pre_hooks.items(), *self.__dict__.get("_forward_pre_hooks", {}).items()]:
            if hook_id in with_kwargs:
                replaced = hook(self, args, kwargs)
                if replaced is None:
                    continue
                if not (isinstance(replaced, tuple) and len(replaced) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {replaced}.")
                args, kwargs = replaced
            else:
                replaced = hook(self, args)
                if replaced is not None:
                    args = replaced if isinstance(replaced, tuple) else (replaced,)
        return args, kwargs

    def _run_hook(self, hook_id: int, hook: Callable, args: tuple, kwargs: dict, output: Any) -> Any:
        if hook_id in self.__dict__.get("_forward_hooks_with_kwargs", {}) or hook_id in _global_forward_hooks_with_kwargs:
            replaced = hook(self, args, kwargs, output)
        else:
            replaced = hook(self, args, output)
        return output if replaced is None else replaced

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """`hook(module, args)` runs before forward; returning a value replaces the inputs.
        With with_kwargs=True it is `hook(module, args, kwargs)` and may return `(args, kwargs)`."""
        handle = RemovableHandle(self._forward_pre_hooks, hook, prepend, (self._forward_pre_hooks_with_kwargs,))
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """`hook(module, args, output)` runs after forward; returning a value replaces the output
        (e.g. to record the activations of a layer). with_kwargs=True: `hook(module, args, kwargs,
        output)`; always_call=True: it runs even when forward (or an earlier hook) raises."""
        handle = RemovableHandle(self._forward_hooks, hook, prepend,
                                 (self._forward_hooks_with_kwargs, self._forward_hooks_always_called))
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    # ------------------------------------------------------------ registration
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add `param` (a Parameter, or None for an absent one such as a disabled bias) as `self.<name>`."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_name("parameter", name, self._parameters)
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' (torch.nn.Parameter or None required)"
            )
        self._parameters[name] = _registered(_global_parameter_registration_hooks, self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not learnable (e.g. running statistics); in state_dict if persistent."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_name("buffer", name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{typename(tensor)}' object to buffer '{name}' (torch Tensor or None required)")
        self._buffers[name] = _registered(_global_buffer_registration_hooks, self, name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add `module` as the child `self.<name>`."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = _registered(_global_module_registration_hooks, self, name, module)

    register_module = add_module

    def _check_name(self, kind: str, name: Any, registry: dict) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def __setattr__(self, name: str, value: Any) -> None:
        """File Parameters, Modules and (already registered) buffers in their dicts; the rest is a plain attribute."""
        params, modules, buffers = (self.__dict__.get(k) for k in ("_parameters", "_modules", "_buffers"))
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep=params)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as parameter '{name}' (torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep=modules)
            modules[name] = _registered(_global_module_registration_hooks, self, name, value)
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as child module '{name}' (torch.nn.Module or None expected)")
            modules[name] = _registered(_global_module_registration_hooks, self, name, value)
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, value.persistent)
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' (torch.nn.Buffer, torch.Tensor or None expected)")
            buffers[name] = _registered(_global_buffer_registration_hooks, self, name, value)
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict) -> None:
        """Remove `name` from every registry but `keep` (a name lives in one place only)."""
        for registry in (self.__dict__, self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries, then give torch's message.
        # self.__dict__ is read directly, so this stays safe while unpickling (before __init__ ran).
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry)
            if found is not None and name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list:
        attrs = set(object.__dir__(self)) | set(self._parameters) | set(self._buffers) | set(self._modules)
        return sorted(a for a in attrs if not a[0].isdigit())

    # ------------------------------------------------------------ walking the tree
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every descendant, depth first, each once: ('', self), ('rnn', ...), ..."""
        memo = set() if memo is None else memo
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self, remove_duplicate: bool = True) -> Iterator[Module]:
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, child in self._modules.items():
            if child is not None and child not in seen:
                seen.add(child)
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        """(dotted name, value) of one registry over the tree; a value shared by two modules comes once."""
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        seen: set = set()
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """('rnn.weight_ih_l0', Parameter), ... in registration order, depth first (a generator, as torch's)."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target: str) -> Module:
        """`model.get_submodule('encoder.rnn')`: follow a dotted path of child names."""
        module = self
        for name in target.split(".") if target else []:
            if not hasattr(module, name):
                raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
            module = getattr(module, name)
            if not isinstance(module, Module):
                raise AttributeError(f"`{name}` is not an nn.Module")
        return module

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """`model.set_submodule('encoder.rnn', nn.GRU(...))`: replace (or, unless strict, add) the
        submodule at a dotted path; what is there must be a module."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    def get_parameter(self, target: str) -> Parameter:
        """`model.get_parameter('rnn.weight_ih_l0')`."""
        module, name = self._owner_of(target)
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """`model.get_buffer('norm.running_mean')`."""
        module, name = self._owner_of(target)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(module, name)

    def _owner_of(self, target: str) -> tuple[Module, str]:
        """The submodule that a dotted path's last name lives on, and that name (which it must have)."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        return module, name

    # ------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Set training mode here and in every descendant (dropout is active only in training)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        if not isinstance(requires_grad, bool):
            raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be bool, "
                            f"not {type_name(requires_grad)}")
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every parameter's gradient (set_to_none, torch's default) or fill it with zeros."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                grad = param.grad
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    # ------------------------------------------------------------ conversion
    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
        """Convert every parameter and buffer with `fn` (only this module's own unless `recurse`), keeping
        each Parameter object (optimisers holding it stay valid): the Parameter gets `fn`'s result as its
        new data. With torch.__future__'s overwrite setting (and not its swap setting) new Parameters
        take the old ones' places instead, as in torch."""
        for child in self.children() if recurse else ():
            child._apply(fn)
        overwrite = future.get_overwrite_module_params_on_conversion() and \
            not future.get_swap_module_params_on_conversion()
        with no_grad():
            for key, param in self._parameters.items():
                if param is None:
                    continue
                if overwrite:
                    self._parameters[key] = _converted_parameter(param, fn)
                    continue
                param.data = fn(param)
                if param.grad is not None:
                    param.grad.data = fn(param.grad)
            for name, buf in self._buffers.items():
                if is_lazy(buf):  # a placeholder stays one (a Lazy layer's), converted in place
                    buf._data = fn(buf)._data
                elif buf is not None:
                    self._buffers[name] = fn(buf)
        return self

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call `fn` on every descendant and then on self (e.g. a custom weight init)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """`to(torch.float64)`, `to('cpu')`, `to(device, dtype)`, `to(tensor)`: floating tensors change dtype.

        `non_blocking` is accepted (a copy on the CPU is always blocking, in torch too); a
        `memory_format` other than None raises NotImplementedError (we have no strided layouts)."""
        device_arg, target = _to_target(args, kwargs)
        _check_to_keywords(kwargs)
        name = None if device_arg is None else check_device_name(device_arg)  # a name no device has fails here
        if target is not None and target.is_complex:
            raise NotImplementedError(f"Module.to: dtype={target} is not implemented: tinygrad_rnn has no complex "
                                      "tensors")
        if target is not None and not target.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={target}")
        if name == "meta":
            return self._apply(_without_storage)
        if name not in (None, "cpu"):  # refused at the first tensor to move: a module without any comes back
            return self._apply(lambda t: check_device(device_arg))
        if target is None:
            return self
        return self._apply(lambda t: t.to(target) if t.is_floating_point() else t)

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """New, uninitialized memory for every parameter, gradient and buffer (the Parameters stay the
        same objects, as in any conversion), e.g. for a module made on the 'meta' device; fill it with
        `reset_parameters()`."""
        check_device(device)
        return self._apply(lambda t: Tensor._make(np.empty(t.shape, dtype=t._data.dtype)), recurse=recurse)

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """torch compiles the module's calls in place; here every call runs eagerly, which is what a
        compiled module computes, and its outputs show torch's CompiledFunctionBackward (compile.py). Not
        for a forward of torch's own layers: torch's compiler leaves those frames alone (it compiles
        them inside a user's forward, or through torch.compile(module))."""
        if args:
            raise TypeError(f"compile() takes from 0 to 1 positional arguments but {len(args) + 1} were given")
        check_options(**kwargs)
        users_forward = not type(self).forward.__module__.startswith(__package__.split(".")[0] + ".")
        self.__dict__["_compiled_call_impl"] = users_forward and shows_compiled_node(kwargs.get("backend", "inductor"))

    def float(self) -> Module:
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self) -> Module:  # raises for a module with floating-point tensors: see unsupported_dtypes.py
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def type(self, dst_type: Any) -> Module:
        return self._apply(lambda t: t.type(dst_type))

    def share_memory(self) -> Module:
        """Call `share_memory_()` on every parameter, gradient and buffer, as torch does: their memory moves
        where processes forked afterwards share it (the Parameters stay the same objects)."""
        return self._apply(lambda t: t.share_memory_())

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        """Raises (this is a CPU build) as soon as there is a tensor to move; a module without any,
        such as a loss, comes back as it is, as in torch."""
        return self._apply(lambda t: check_cuda_call(device))

    def xpu(self, device: Any = None) -> Module:
        return self._apply(lambda t: refuse_backend_call("xpu"))

    def ipu(self, device: Any = None) -> Module:
        return self._apply(lambda t: refuse_backend_call("ipu"))

    def mtia(self, device: Any = None) -> Module:
        return self._apply(lambda t: refuse_backend_call("mtia"))

    # ------------------------------------------------------------ state_dict
    _version: int = 1  # saved in state_dict()._metadata; a subclass that changes its state's layout raises it

    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:
        """Every parameter and persistent buffer under its dotted name, as detached tensors that share
        memory with the module (so writing into them writes into the model); `keep_vars` keeps the
        Parameters themselves. Each module saves its own state (`_save_to_state_dict`), then its
        children's under `prefix + name + "."`; `destination._metadata` records each module's
        `_version` for `_load_from_state_dict` to read back."""
        if args:  # torch's old positional form: state_dict(destination, prefix, keep_vars)
            warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                          "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                          " for details.", FutureWarning, stacklevel=2)
            destination, prefix, keep_vars = (list(args) + [destination, prefix, keep_vars][len(args):])[:3]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()  # type: ignore[attr-defined]
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata  # prefix is glued on as given, dot or not
        for hook in self._state_hook_registry("_state_dict_pre_hooks").values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        public = self.__dict__.get("_public_state_dict_hooks", {})
        for hook_id, hook in self._state_hook_registry("_state_dict_hooks").items():
            result = hook(self, destination, prefix, local_metadata)
            if hook_id in public and result is not None:
                raise RuntimeError("state_dict post-hook must return None")
            if result is not None:  # the older private hook may return a new dict
                destination = result
        return destination

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        """Put this module's own (not its children's) state into `destination`."""
        for key, value in self._local_state().items():
            # a Lazy module's placeholder is saved as itself, as torch does (it has no values to detach)
            placeholder = hasattr(value, "materialize")
            destination[prefix + key] = value if keep_vars or placeholder else value.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE] = self.get_extra_state()

    def _local_state(self) -> dict:
        """This module's own (not its children's) parameters and persistent buffers, by name."""
        state = {name: p for name, p in self._parameters.items() if p is not None}
        state.update((name, b) for name, b in self._buffers.items()
                     if b is not None and name not in self._non_persistent_buffers_set)
        return state

    def get_extra_state(self) -> Any:
        """Override (with set_extra_state) to save state that is not a tensor, under `_extra_state`."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                           "to report this bug.")

    def set_extra_state(self, state: Any) -> None:
        """Override (with get_extra_state) to load what get_extra_state saved."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml "
                           "to report this bug.")

    def _state_hook_registry(self, kind: str) -> dict:
        """One of the state_dict hook registries, made on first use (so modules unpickled from
        before it existed have it too)."""
        return self.__dict__.setdefault(kind, OrderedDict())

    def register_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, prefix, keep_vars)` runs before this module saves its state."""
        return RemovableHandle(self._state_hook_registry("_state_dict_pre_hooks"), hook)

    def register_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, state_dict, prefix, local_metadata)` runs after this module and its
        children saved their state; it may change state_dict in place (and must return None)."""
        handle = RemovableHandle(self._state_hook_registry("_state_dict_hooks"), hook,
                                 extra_dicts=(self._state_hook_registry("_public_state_dict_hooks"),))
        self._public_state_dict_hooks[handle.id] = True
        return handle

    def _register_state_dict_hook(self, hook: Callable) -> RemovableHandle:
        """The older, private form of register_state_dict_post_hook: the hook may return a new dict."""
        return RemovableHandle(self._state_hook_registry("_state_dict_hooks"), hook)

    def _register_load_state_dict_pre_hook(self, hook: Callable, with_module: bool = False) -> RemovableHandle:
        """`hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)`
        runs before this module loads its part of a state_dict (with the module first if with_module);
        it may rename or fill in keys, e.g. to read a checkpoint of an older version."""
        return RemovableHandle(self._state_hook_registry("_load_state_dict_pre_hooks"), partial(hook, self) if with_module else hook)

    def register_load_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)`."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(module, incompatible_keys)` runs after this module and its children loaded; it may
        change incompatible_keys' lists in place (which the strict check then sees)."""
        return RemovableHandle(self._state_hook_registry("_load_state_dict_post_hooks"), hook)

    def load_state_dict(self, state_dict: Mapping, strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
        """Copy values into the parameters and buffers, in place and in the module's dtype.

        Values may be our tensors, numpy arrays, or anything array-like (a torch tensor included).
        With `assign=True` nothing is copied: each given tensor (ours only) becomes the module's
        attribute, keeping its own dtype; where the module held a Parameter, the value is wrapped in
        a Parameter sharing its memory (a given Parameter is kept as it is), with the old
        parameter's requires_grad. With strict=True, missing or unexpected keys raise RuntimeError with
        torch's message; with strict=False they are returned as
        `_IncompatibleKeys(missing_keys=[...], unexpected_keys=[...])`.

        Each module loads its own part with `_load_from_state_dict` (which a subclass may override
        to migrate an older `_version`), given only the keys under its prefix, then its children.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing: list = []
        unexpected: list = []
        errors: list = []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)  # a copy: hooks may change it
        if metadata is not None:
            state_dict._metadata = metadata  # type: ignore[attr-defined]

        def load(module: Module, local_state_dict: dict, prefix: str = "") -> None:
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            # strict is always True here, as in torch: the keys are collected, and only the caller's strict decides
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True, missing, unexpected, errors)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    load(child, {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}, child_prefix)
            incompatible = _IncompatibleKeys(missing, unexpected)
            for hook in module._state_hook_registry("_load_state_dict_post_hooks").values():
                if hook(module, incompatible) is not None:
                    raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not "
                                         "expected to return new values, if incompatible_keys need to be modified, "
                                         "it should be done inplace.")

        load(self, state_dict)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def _load_from_state_dict(self, state_dict: Mapping, prefix: str, local_metadata: dict, strict: bool,
                              missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
        """Load this module's own entries (`prefix + name`) from state_dict, collecting the keys it
        misses, the keys under its prefix that match nothing, and the errors."""
        for hook in self._state_hook_registry("_load_state_dict_pre_hooks").values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        local = self._local_state()
        for name, target in local.items():
            key = prefix + name
            if key in state_dict:
                self._load_entry(name, key, target, state_dict[key], local_metadata, error_msgs)
            elif strict:
                missing_keys.append(key)
        extra_key = prefix + _EXTRA_STATE
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if not key.startswith(prefix) or key == extra_key:
                    continue
                first, *rest = key[len(prefix):].split(".", 1)
                if (rest and first not in self._modules) or (not rest and first not in local):
                    unexpected_keys.append(key)

    def _load_entry(self, name: str, key: str, target: Tensor, given: Any, local_metadata: dict,
                    errors: list) -> None:
        """Copy (or, with assign, put) one checkpoint value into the parameter or buffer `name`."""
        assign = local_metadata.get("assign_to_params_buffers", False)
        if is_lazy(given):  # a checkpoint of a Lazy module that never ran forward
            if is_lazy(target):
                return  # both still wait for a first input: nothing to copy yet
            given.shape  # noqa: B018  (it refuses, with torch's RuntimeError: it has no shape to copy)
        # torch takes tensors only (lists and numbers are refused); we also copy from a torch tensor or a
        # numpy array (an extension), but cannot keep one with assign
        copyable = isinstance(given, np.ndarray) or (hasattr(given, "detach") and hasattr(given, "cpu"))
        if not (isinstance(given, Tensor) or (copyable and not assign)):
            errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or '
                          f"Tensor-like object from checkpoint but received {type(given)}")
            return
        value = _as_array(given)
        if hasattr(target, "materialize") and not hasattr(given, "materialize"):
            target.materialize(value.shape)  # a Lazy module's placeholder takes the checkpoint's shape
        if target.ndim == 0 and value.shape == (1,):  # checkpoints from torch 0.3 saved scalars as (1,)
            value, given = value[0], given[0]
        if value.shape != target.shape:
            errors.append(f"size mismatch for {key}: copying a param with shape {Size(value.shape)} from "
                          f"checkpoint, the shape in current model is {target.shape}.")
            return
        if future.get_swap_module_params_on_conversion() and name in getattr(self, "_flat_weights_names", ()):
            # torch's RNNs keep weak references to their weights, and torch cannot swap a tensor that has one
            errors.append(f'While swapping the parameter named "{key}", whose dimensions in the model are '
                          f"{target.size()} and whose dimensions in the checkpoint are {given.size()}, an exception "
                          "occurred : ('Cannot swap t1 because it has weakref associated with it',).")
            return
        if assign:
            try:
                self._assign_state(name, target, given)
            except RuntimeError as error:  # e.g. an integer tensor for a parameter that requires grad
                errors.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                              f"{target.size()} and whose dimensions in the checkpoint are {given.size()}, "
                              f"an exception occurred : {error.args}.")
            return
        with no_grad():  # in place, in the module's dtype
            # (a copy: the value may be a read-only view, an expanded tensor's, which from_numpy would warn of)
            target.copy_(from_numpy(np.array(value)))

    def _assign_state(self, name: str, old: Tensor, new: Tensor) -> None:
        """load_state_dict(assign=True) for one entry: `new` itself replaces `old` (through
        __setattr__, so subclasses that watch their weights, like RNN's flat weights, see it)."""
        if future.get_swap_module_params_on_conversion():  # torch swaps new's contents into old
            with no_grad():
                old.data = new
            return
        if isinstance(old, Parameter):
            if isinstance(new, Parameter):
                new.requires_grad_(old.requires_grad)
            else:
                new = Parameter(new, requires_grad=old.requires_grad)  # shares new's memory
        setattr(self, name, new)

    # ------------------------------------------------------------ printing
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside `Name(...)` before the children; subclasses override it (RNN: `4, 2`)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _addindent(repr(child), 2) for name, child in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


def _converted_parameter(param: Parameter, fn: Callable[[Tensor], Tensor]) -> Parameter:
    """A new Parameter of `fn(param)` and, converted, its gradient (torch.__future__'s overwrite setting):
    the old Parameter keeps its data and gradient."""
    new = Parameter(fn(param), param.requires_grad)
    if param.grad is not None:
        new.grad = fn(param.grad).requires_grad_(param.grad.requires_grad)
    return new


def consume_prefix_in_state_dict_if_present(state_dict: dict, prefix: str) -> None:
    """Strip `prefix` (e.g. 'module.', which DataParallel adds) from the keys of state_dict, and of
    its _metadata, in place."""
    for key in list(state_dict):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is None:
        return
    for key in list(metadata):
        # '' is the wrapper's own entry (kept); 'module' the wrapped model's, 'module.xx' its children's
        if key and (key == prefix.replace(".", "") or key.startswith(prefix)):
            metadata[key[len(prefix):]] = metadata.pop(key)


def _to_target(args: tuple, kwargs: dict) -> tuple:
    """(device, dtype) of a Module.to call, read by Tensor.to's three overloads; torch's TypeError
    listing them when none fits (a device that is no device name, a dtype given as a string...)."""
    if len(args) > 4:  # (torch's parser sees at most device, dtype, non_blocking, copy)
        raise TypeError(f"to() takes from 0 to 4 positional arguments but {len(args)} were given")
    try:
        given = _to_arguments(args, kwargs)
    except TypeError:
        given = None
    device_arg = None if given is None else given.get("device")
    if given is None or not isinstance(device_arg, (str, device, int, type(None))):
        raise invalid_combination("to", args, _TO_SIGNATURES, kwargs) from None
    return device_arg, given["tensor"].dtype if "tensor" in given else given.get("dtype")


def _check_to_keywords(kwargs: dict) -> None:
    """Module.to's keywords: torch's names only, and none whose effect we cannot give."""
    unknown = [k for k in kwargs if k not in ("device", "dtype", "non_blocking", "memory_format", "copy")]
    if unknown:
        got = ", ".join(f"{k}={type(kwargs[k]).__name__}" for k in unknown)
        raise TypeError(f"to() received an invalid combination of arguments - got ({got}, )")
    if kwargs.get("copy"):
        raise RuntimeError(".to() does not accept copy argument")
    if kwargs.get("memory_format") is not None:
        raise NotImplementedError(f"Module.to: memory_format={kwargs['memory_format']!r} is not implemented "
                                  "(tinygrad_rnn tensors have no strided memory layouts); leave it None")


def _as_array(value: Any) -> np.ndarray:
    """The numbers of a state_dict value: our Tensor, a numpy array, or any array-like. A torch
    tensor is read through `.detach().cpu().numpy()` (duck-typed: torch is never imported here)."""
    if isinstance(value, Tensor):
        return value.detach().numpy()
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


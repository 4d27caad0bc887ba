"""`Optimizer`: the base class of every optimiser, as `torch.optim.Optimizer`.

An optimiser holds a list of *parameter groups*. Each group is a dict: its `'params'` (a list of
leaf tensors) plus the hyper-parameters for them (`'lr'`, `'momentum'`, ...); a hyper-parameter a
group does not set comes from the optimiser's `defaults`. Per-parameter memory (momentum buffers,
running averages, step counts) lives in `self.state[param]`, a dict per tensor.

A training step is

    optimizer.zero_grad()      # grads -> None
    loss.backward()            # grads filled in
    optimizer.step()           # every parameter with a grad moves

`step()` visits each parameter that has a gradient and calls the subclass's `_update(param, grad,
group)`, with graph recording off. Hooks run around it (see `hooks.py`) and around `state_dict` /
`load_state_dict`, as in torch. Updates are written with numpy on the parameter's own array, in
place, in the same order of floating-point operations as torch's single-tensor code path, so that
trajectories agree with torch to rounding. A float32 parameter keeps float32 state: numpy 2 treats
Python floats as "weak" scalars, so `float32_array * 0.9` stays float32 as in torch.

What the optimisers share sits beside this base class: the constructor checks in `checks.py`, the
small in-place arithmetic (lerp, running mean of squares, L2 penalty) in `step_math.py`, and here the
per-parameter state bookkeeping (`start_state`, `bump_step`), so each optimiser's file reads as its
update rule.
"""
from __future__ import annotations

import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from functools import wraps
from itertools import chain
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.grad_mode import enable_grad, no_grad
from ..core.tensor import Tensor
from ..nn.module import RemovableHandle, TorchPathClass, typename
from .hooks import (  # noqa: F401 -- the global hooks live at torch.optim.optimizer.register_...
    _with_step_hooks,
    call_with_step_hooks,
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)
from .subclassing import (  # noqa: F401 -- torch.optim.optimizer's names for a user's own optimiser
    Args,
    GlobalOptimizerPostHook,
    GlobalOptimizerPreHook,
    Kwargs,
    ParamsT,
    StateDict,
    _get_scalar_dtype,
    _get_value,
    _RequiredParameter,
    _to_scalar,
    _use_grad_for_differentiable,
    check_required,
    required,
)


def step_counter() -> Tensor:
    """The 0-d `state['step']` tensor torch keeps per parameter (float32, or float64 by default dtype)."""
    scalar = np.float64 if dtypes.get_default_dtype() is dtypes.float64 else np.float32
    return Tensor._make(np.zeros((), scalar))


def scalar_hyperparameter(value: Any) -> Any:
    """A hyper-parameter ready for numpy: a Python number as is, a 1-element Tensor as its 0-d array.

    Keeping a tensor lr as a 0-d array of its own dtype (not a Python float) reproduces torch,
    whose arithmetic on a float32 `lr` tensor (`lr / bias_correction`) is done in float32.
    """
    return value._data.reshape(()) if isinstance(value, Tensor) else value


def zero_buffer(p: np.ndarray) -> Tensor:
    """A per-parameter state tensor of zeros with the parameter's shape and dtype."""
    return Tensor._make(np.zeros_like(p))


def start_state(state: dict, p: np.ndarray, *buffers: str) -> None:
    """A parameter's first step: torch's 0-d `step` counter, then one zero buffer per name, in that order
    (the order `state_dict()` shows them in)."""
    state["step"] = step_counter()
    for name in buffers:
        state[name] = zero_buffer(p)


NOT_A_TENSOR_STEP = "API has changed, `state_steps` argument must contain a list of singleton tensors"


def bump_step(state: dict, refusal: str | None = NOT_A_TENSOR_STEP, read: bool = True) -> float:
    """Add one to `state['step']` in place and return the new count as a Python float (0.0 when not `read`:
    RMSprop and Rprop only count), as torch's steps do. The counter may be a one-element tensor of any shape
    (A3C's SharedAdam makes it torch.zeros(1)); a plain number is refused with `refusal`, or, where that is
    None (ASGD), counted from without being stored."""
    counter = state["step"]
    if not isinstance(counter, Tensor):
        if refusal is None:
            return float(counter + 1)
        raise RuntimeError(refusal)
    if counter._data.dtype == np.bool_:
        raise RuntimeError("result type Long can't be cast to the desired output type Bool")
    counter._data += 1
    if not read:
        return 0.0
    if counter._data.size != 1:
        raise RuntimeError(f"a Tensor with {counter._data.size} elements cannot be converted to Scalar")
    return float(counter._data.reshape(()))


def begin_step(state: dict, p: np.ndarray, *buffers: str) -> float:
    """A parameter's step begins: at its first, its state is started (start_state: `step`, then a zero
    buffer per name); then the count goes up by one. Returns the new count as a Python float."""
    if not state:
        start_state(state, p, *buffers)
    return bump_step(state)


class Optimizer(metaclass=TorchPathClass):
    """Base class: parameter groups, per-parameter state, zero_grad, step, state_dict, hooks."""

    # capturable=True (for CUDA graphs) fails at step() on CPU in torch, with a message naming the
    # tensors it checks and the devices where it would work; subclasses adjust both.
    _capturable_tensors = "params and state_steps"
    _capturable_devices = "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']"
    _capturable_devices_foreach = "['cuda', 'xpu', 'hpu', 'privateuseone']"

    # Group options a loaded (or unpickled) state dict may lack, as torch's per-class __setstate__ fills
    # them in, in its order (state saved by an older torch, or by another optimiser class).
    _loaded_group_defaults: tuple[tuple[str, Any], ...] = ()
    # Per-parameter counters a loaded state may hold as plain numbers (an older torch's checkpoint), which
    # torch's __setstate__ turns back into the 0-d tensors its steps update in place.
    _loaded_counters: tuple[str, ...] = ("step",)

    # Registered hooks, by handle id, in the order they run (see `_init_hooks`).
    _optimizer_step_pre_hooks: OrderedDict[int, Callable]
    _optimizer_step_post_hooks: OrderedDict[int, Callable]
    _optimizer_state_dict_pre_hooks: OrderedDict[int, Callable]
    _optimizer_state_dict_post_hooks: OrderedDict[int, Callable]
    _optimizer_load_state_dict_pre_hooks: OrderedDict[int, Callable]
    _optimizer_load_state_dict_post_hooks: OrderedDict[int, Callable]

    # torch's type aliases of a step hook, kept on the class (torch.optim.Optimizer.OptimizerPreHook)
    OptimizerPreHook = Callable[[Any, Args, Kwargs], tuple[Args, Kwargs] | None]
    OptimizerPostHook = Callable[[Any, Args, Kwargs], None]

    @staticmethod
    def profile_hook_step(func: Callable) -> Callable:
        """`func` (a step method) wrapped so the global and per-optimiser step hooks run around it.

        Unlike the wrapping every subclass's step gets, this one runs the hooks on every call: wrapping
        an already hooked step runs the hooks twice, as torch's does.
        """
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return call_with_step_hooks(func, args, kwargs)

        return wrapper

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.__dict__["step"], "hooked", False):
            cls.step = _with_step_hooks(cls.__dict__["step"])  # type: ignore[method-assign]

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._init_hooks()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {typename(params)}"
            )
        self.state: defaultdict[Tensor, Any] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def _init_hooks(self) -> None:
        for name in ("step_pre", "step_post", "state_dict_pre", "state_dict_post",
                     "load_state_dict_pre", "load_state_dict_post"):
            self.__dict__.setdefault(f"_optimizer_{name}_hooks", OrderedDict())

    # ---------------------------------------------------------------- hooks
    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` runs before each step; it may return new (args, kwargs)."""
        return RemovableHandle(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` runs after each step."""
        return RemovableHandle(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer)` runs before `state_dict()` builds its dict."""
        return RemovableHandle(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer, state_dict)` runs on the built dict; a non-None return replaces it."""
        return RemovableHandle(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer, state_dict)` runs before loading; a non-None return is loaded instead."""
        return RemovableHandle(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """`hook(optimizer)` runs after `load_state_dict()` has restored the state."""
        return RemovableHandle(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---------------------------------------------------------------- groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group (a dict with 'params' and optional hyper-parameters); fills in the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of "
                "tensors in sets will change between runs. Please use a list instead."
            )
        param_group["params"] = self._split_names(param_group, list(params))
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {typename(param)}")
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        check_required(self.defaults, param_group)
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self._check_no_duplicates(param_group)
        self.param_groups.append(param_group)

    @staticmethod
    def _split_names(param_group: dict, params: list) -> list:
        """`named_parameters()` gives (name, tensor) pairs: keep the names in 'param_names'."""
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names and len(names) != len(params):
            raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        if names:
            param_group["param_names"] = names
            return [p[1] for p in params]
        return params

    def _check_no_duplicates(self, param_group: dict) -> None:
        ids = [id(p) for p in param_group["params"]]
        if len(ids) != len(set(ids)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                "an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                with_names = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {with_names} to the optimizer"
                )
        if not existing.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")

    # ---------------------------------------------------------------- the training-loop API
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set them to None (the default, as torch) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad._data[...] = 0

    @_with_step_hooks
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Move every parameter that has a gradient; `closure` (if given) recomputes and returns the loss."""
        if type(self)._update is Optimizer._update:  # torch's base step is abstract: a subclass must define one
            raise NotImplementedError
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._read_group(group)
                if group.get("capturable") and any(p.grad is not None for p in group["params"]):
                    raise AssertionError(self._capturable_message(bool(group.get("foreach"))))
                for p in group["params"]:
                    if p.grad is not None:
                        grad = -p.grad._data if group.get("maximize") else p.grad._data
                        self._update(p, grad, group)
                        p._version += 1
        return loss

    def _capturable_message(self, foreach: bool) -> str:
        """torch's refusal of capturable=True on the CPU; its multi-tensor path lists one device fewer."""
        tensors = getattr(self, "_capturable_tensors_foreach", self._capturable_tensors) if foreach \
            else self._capturable_tensors
        devices = getattr(self, "_capturable_devices_foreach", self._capturable_devices) if foreach \
            else self._capturable_devices
        return f"If capturable=True, {tensors} must be on supported devices: {devices}."

    def _read_group(self, group: dict[str, Any]) -> None:
        """What torch's step unpacks from a group before its update function runs (and refuses capturable=True):
        a hyper-parameter of the wrong form fails here first, as in torch."""

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        """Move `param._data` in place, given its gradient array; per-parameter memory is `self.state[param]`."""
        raise NotImplementedError

    # ---------------------------------------------------------------- saving and restoring
    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}, as torch.

        Parameters are replaced by their position across all groups; the state tensors are the live
        ones (not copies), as in torch.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and per-parameter state saved by `state_dict()`.

        Parameters are matched by position, so the optimiser must have been built over the same
        parameters in the same order. State tensors are cast to their parameter's float dtype.
        """
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                          chain.from_iterable(g["params"] for g in self.param_groups)))
        state: defaultdict[Any, Any] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = _cast_like(param, value)
            else:
                state[key] = value
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for group in self.param_groups:
            for name, default in self._loaded_group_defaults:
                group.setdefault(name, default)
        for param_state in self.state.values():
            for name in self._loaded_counters:
                if name in param_state and not isinstance(param_state[name], Tensor):
                    counter = step_counter()
                    counter._data += float(param_state[name])
                    param_state[name] = counter
        self._init_hooks()  # an unpickled optimiser starts without hooks, as in torch

    def __repr__(self) -> str:
        text = f"{type(self).__name__} ("  # torch's layout: a blank line between two groups
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n" + "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"


def _cast_like(param: Tensor, value: Any, key: Any = None) -> Any:
    """A loaded state value with its tensors cast to the parameter's float dtype (but 'step' kept)."""
    if isinstance(value, Tensor):
        if key == "step" or not param.is_floating_point():
            return value
        return value.to(param.dtype)
    if isinstance(value, dict):
        return {k: _cast_like(param, v, k) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, str):
        return type(value)(_cast_like(param, v) for v in value)
    return value

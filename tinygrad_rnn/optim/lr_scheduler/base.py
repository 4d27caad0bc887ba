"""`LRScheduler`: the base every schedule builds on, and the warnings torch gives around it.

A scheduler counts epochs in `last_epoch` (-1 before the first step; construction performs one
step, so it starts at 0). `step()` asks the subclass's `get_lr()` for the new lrs and writes them
into the optimiser's groups; `get_last_lr()` returns them. A group's lr may be a Tensor, as in
torch: it is then updated in place and `get_last_lr()` returns copies.
"""
from __future__ import annotations

import types
import warnings
from functools import wraps
from typing import Any
from weakref import ref

from ...core.tensor import Tensor
from ...utils.data._utils.object_repr import TorchPathRepr
from ..optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. "
    "Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from "
    "None, the closed form is used instead of the new chainable form, where available. Please open an issue "
    "if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)
_STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should "
    "call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will "
    "result in PyTorch skipping the first value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_STEP_OVERRIDDEN_WARNING = (
    "Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, "
    "make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)


def format_param(name: str, optimizer: Optimizer, param: Any) -> list:
    """One value per parameter group: a list/tuple is checked for length, a single value repeated."""
    if isinstance(param, (list, tuple)):
        if len(param) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. {name} has {len(param)} "
                             f"values, param_groups has {len(optimizer.param_groups)}.")
    else:
        param = [param] * len(optimizer.param_groups)
    return [p.clone() if isinstance(p, Tensor) else p for p in param]


def group_values(optimizer: Optimizer, key: str) -> list:
    """`group[key]` of every group; tensors are copied so that callers cannot change the optimiser."""
    return [g[key].clone() if isinstance(g[key], Tensor) else g[key] for g in optimizer.param_groups]


def set_group_value(group: dict, key: str, value: Any) -> None:
    """Write `value` to `group[key]`; a Tensor there is filled in place (whoever holds it sees the change)."""
    if isinstance(group[key], Tensor):
        group[key].fill_(float(value))
    else:
        group[key] = value


def _watch_optimizer_steps(optimizer: Optimizer) -> None:
    """Wrap `optimizer.step` (on the instance) so it records that it has been called."""
    if hasattr(optimizer.step, "_wrapped_by_lr_sched"):
        return
    opt_ref, func = ref(optimizer), type(optimizer).step

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opt = opt_ref()
        opt._opt_called = True  # type: ignore[union-attr]
        return func(opt, *args, **kwargs)

    wrapper._wrapped_by_lr_sched = True  # type: ignore[attr-defined]
    optimizer.step = wrapper  # type: ignore[method-assign]


class LRScheduler(TorchPathRepr):
    """Base class: subclasses define `get_lr()`, the lrs for the epoch in `self.last_epoch`.
    `print(scheduler)` shows torch's `<torch.optim.lr_scheduler.StepLR object at 0x...>`."""

    _get_lr_called_within_step = False
    _is_initial = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                initial_lr = group["lr"]
                group.setdefault("initial_lr", initial_lr.clone() if isinstance(initial_lr, Tensor) else initial_lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler with "
                        "last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume training from "
                        "a checkpoint but haven't properly loaded the optimizer state\n2. You're using last_epoch "
                        ">= 0 for a fresh training run (not recommended)"
                    )
        self.base_lrs: list[Any] = group_values(optimizer, "initial_lr")
        self.last_epoch = last_epoch
        _watch_optimizer_steps(optimizer)
        self._initial_step()

    def _initial_step(self) -> None:
        """The step construction performs (SequentialLR replays it when it switches schedule)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The lrs for epoch `self.last_epoch`, one per group; each schedule defines it."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates the latest `step()` set, one per parameter group."""
        return self._last_lr

    def _group_lrs(self) -> list[Any]:
        return group_values(self.optimizer, "lr")

    def _scaled_lrs(self, factor: float) -> list[Any]:
        """Every group's current lr times `factor` (the chainable form of a multiplicative schedule)."""
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _warn_if_called_outside_step(self) -> None:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=3)

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to `epoch`, deprecated) and write the new lrs into the groups."""
        if self._step_count == 1:
            if not hasattr(self.optimizer.step, "_wrapped_by_lr_sched"):
                warnings.warn(_STEP_OVERRIDDEN_WARNING, UserWarning, stacklevel=2)
            elif not getattr(self.optimizer, "_opt_called", False):
                warnings.warn(_STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Move to the next epoch (or to `epoch`, through the closed form) and write the lrs."""
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values):
            set_group_value(group, "lr", lr)
        self._last_lr = self._group_lrs()

    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimiser."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def _state_dict_with(self, key: str, saved: Any) -> dict[str, Any]:
        """state_dict with the attribute `key` stored as `saved` (a form of it that can be saved)."""
        state = {name: value for name, value in self.__dict__.items() if name not in ("optimizer", key)}
        state[key] = saved
        return state

    def _load_state_dict_but(self, state_dict: dict[str, Any], key: str) -> Any:
        """Load every entry but `key`, which the caller restores in its own way; return that entry."""
        saved = state_dict.pop(key)
        self.__dict__.update(state_dict)
        state_dict[key] = saved
        return saved


class _LRScheduler(LRScheduler):
    """torch's old name for the base class (a subclass, so that its __name__ is the old one)."""


def save_callables(callables: list) -> list:
    """state_dict form of user functions: None for a plain function, the attributes of a callable object."""
    return [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy() for fn in callables]



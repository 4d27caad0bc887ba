"""What a user's own optimiser imports from `torch.optim.optimizer`, besides `Optimizer` itself.

Custom optimisers in tutorials (and ones copied from torch's sources) start with

    from torch.optim.optimizer import Optimizer, ParamsT, required, _use_grad_for_differentiable

`required` marks a hyper-parameter with no default: every group must then give it (checked in
`Optimizer.add_param_group`). The type aliases are torch's, spelled with our Tensor.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from ..core import dtypes
from ..core.grad_mode import is_grad_enabled, set_grad_enabled
from ..core.tensor import Tensor

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]
StateDict = dict[str, Any]
Args = tuple[Any, ...]
Kwargs = dict[str, Any]
GlobalOptimizerPreHook = Callable[["Optimizer", Args, Kwargs], tuple[Args, Kwargs] | None]  # noqa: F821
GlobalOptimizerPostHook = Callable[["Optimizer", Args, Kwargs], None]  # noqa: F821


class _RequiredParameter:
    """The one marker object `required`: a default that every parameter group has to replace."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def check_required(defaults: dict[str, Any], param_group: dict[str, Any]) -> None:
    """A group must set each hyper-parameter whose default is `required` (torch's ValueError)."""
    for name, default in defaults.items():
        if default is required and name not in param_group:
            raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")


def _use_grad_for_differentiable(func: Callable) -> Callable:
    """Run a `step` with grad mode set to the optimiser's `differentiable` default, restored after."""
    @functools.wraps(func)
    def _use_grad(*args: Any, **kwargs: Any) -> Any:
        self = args[0]  # the optimiser
        previous = is_grad_enabled()
        try:
            set_grad_enabled(self.defaults["differentiable"])
            return func(*args, **kwargs)
        finally:
            set_grad_enabled(previous)

    return _use_grad


def _get_value(x: Any) -> Any:
    """A 0-d tensor (a `state['step']`) as its Python number; anything else as is."""
    return x.item() if isinstance(x, Tensor) else x


def _get_scalar_dtype(is_fused: bool | None = None) -> dtypes.dtype:
    """The dtype of `state['step']`: float32, or float64 while that is the default dtype."""
    if is_fused:
        return dtypes.float32
    return dtypes.float64 if dtypes.get_default_dtype() is dtypes.float64 else dtypes.float32


def _to_scalar(x: Any) -> Any:
    """A 1-element hyper-parameter tensor squeezed to 0-d; a Python number as is."""
    return x.squeeze() if isinstance(x, Tensor) and x.dim() != 0 else x

"""The checks an optimiser's constructor runs on its hyper-parameters, with torch's exception types and messages.

Each optimiser calls them in torch's order, so the first bad value reported is the one torch reports.
"""
from __future__ import annotations

from typing import Any

from ..argcheck import type_name
from ..core.tensor import Tensor


def check_tensor_hyperparameter(name: str, value: Any) -> None:
    """torch accepts a 1-element Tensor for lr (and Adam's betas); anything larger is a ValueError."""
    if isinstance(value, Tensor) and value.numel() != 1:
        raise ValueError(f"Tensor {name} must be 1-element")


def check_lr(lr: Any) -> None:
    """torch's first check in most optimisers: lr is a number or a 1-element Tensor, and not negative."""
    check_tensor_hyperparameter("lr", lr)
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_nonnegative(**hyperparameters: Any) -> None:
    """torch's `Invalid <name> value: <value>` ValueError for the first negative (or NaN) one, in the order given."""
    for name, value in hyperparameters.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {name} value: {value}")


def check_flags(foreach: bool | None = None, fused: bool | None = None, differentiable: bool = False, *,
                kernel: str = "", **kernel_arguments: Any) -> None:
    """Refuse, by name, the implementation flags whose results are not reproduced here.

    `foreach=True` picks torch's multi-tensor code path; on CPU it gives the same numbers as the
    for-loop for most optimisers (measured against torch 2.13), so it is accepted as a no-op; NAdam
    and ASGD, whose foreach paths compute differently, follow them when the flag is set. Refused:
    `fused=True` (torch's fused CPU kernels round differently from the for-loop we reproduce) and
    `differentiable=True` (our updates are in-place numpy, not recorded for autograd).
    """
    if fused and differentiable:  # torch's own refusals of the combinations come first
        raise RuntimeError("`fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if not isinstance(differentiable, bool):  # torch hands it to set_grad_enabled, which takes only a bool
        raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                        f"{type(differentiable).__name__}")
    if differentiable:
        raise NotImplementedError("differentiable=True is not supported: the update is not recorded for autograd")
    if fused:
        _check_fused_kernel_arguments(kernel, kernel_arguments)
        raise NotImplementedError("fused=True is not supported: torch's fused kernel rounds differently from "
                                  "its for-loop, which is what is reproduced here")


def _check_fused_kernel_arguments(kernel: str, arguments: dict) -> None:
    """What torch's fused kernel refuses at the first step, so that a bad argument given with fused=True raises
    torch's error rather than our refusal of fused: betas that are not a pair (a ValueError as they are
    unpacked), flags that are not bools and hyper-parameters that are not numbers (its parser's TypeError)."""
    for name, value in arguments.items():
        if name == "betas":
            _beta1, _beta2 = value  # torch's own unpacking, and its ValueError
        elif name in ("maximize", "amsgrad", "nesterov"):
            if not isinstance(value, bool):
                raise TypeError(f"{kernel}() received an invalid combination of arguments: {name} must be bool, "
                                f"not {type_name(value)}")
        elif not isinstance(value, (int, float, Tensor)):  # a bool is a number to the kernel's parser
            raise TypeError(f"{kernel}() received an invalid combination of arguments: {name} must be float, "
                            f"not {type_name(value)}")

"""`Adam`: adaptive moment estimation, with optional AMSGrad and (coupled or decoupled) weight decay.

Per parameter, at step t, with g the gradient (negated when `maximize`):

    p = p * (1 - lr * weight_decay)      if weight_decay and decoupled (AdamW)
    g = g + weight_decay * p             if weight_decay and not decoupled (Adam's L2 penalty)
    m = m + (1 - beta1) * (g - m)        running mean of gradients
    v = beta2 * v + (1 - beta2) * g * g  running mean of squared gradients
    v_max = max(v_max, v)                AMSGrad only; then v_max replaces v below
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

The two `1 - beta**t` factors undo the bias of m and v toward their zero start.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_lr, check_nonnegative
from .optimizer import Optimizer, begin_step, scalar_hyperparameter
from .step_math import add_quotient_, average_squares_, l2_penalty, lerp_


def check_adam_hyperparameters(lr: Any, eps: float, betas: tuple[float, float], weight_decay: float) -> None:
    """torch's checks, in torch's order, shared by the Adam family (Adam, AdamW, Adamax, NAdam, RAdam)."""
    check_lr(lr)
    check_nonnegative(epsilon=eps)
    check_betas(betas)
    check_nonnegative(weight_decay=weight_decay)


def decay_weights(p: np.ndarray, grad: np.ndarray, group: dict[str, Any], lr: float) -> np.ndarray:
    """Weight decay of the Adam family: shrink p itself (decoupled, AdamW's way) or add
    weight_decay * p to the gradient (L2); returns the gradient to use."""
    weight_decay = group["weight_decay"]
    if weight_decay != 0 and group["decoupled_weight_decay"]:
        p *= 1 - lr * weight_decay
        return grad
    return l2_penalty(grad, p, weight_decay)


def update_moments(state: dict[str, Any], grad: np.ndarray, beta1: float, beta2: float) -> tuple:
    """The running averages of the gradient and of its square, updated in place; returns both arrays."""
    exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
    lerp_(exp_avg, grad, 1 - beta1)
    average_squares_(exp_avg_sq, grad, beta2)
    return exp_avg, exp_avg_sq


def unpack_betas(optimizer: Optimizer, group: dict[str, Any]) -> None:
    """An Adam-family step's first read of a group, as in torch: `beta1, beta2 = group["betas"]` (a triple
    fails here, before any state is made and before capturable=True is refused)."""
    _beta1, _beta2 = group["betas"]


def check_betas(betas: tuple[float, float]) -> None:
    """Both betas must lie in [0, 1) (shared by the Adam family)."""
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


class Adam(Optimizer):
    """torch.optim.Adam: `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False)`."""

    _loaded_group_defaults = (("amsgrad", False), ("maximize", False), ("foreach", None), ("capturable", False),
                              ("differentiable", False), ("decoupled_weight_decay", False), ("fused", None))

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        if isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor):
            raise NotImplementedError("betas as Tensors are not supported; pass floats")
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise ValueError("betas must be either both floats or both Tensors")
        check_flags(foreach, fused, differentiable, kernel="_fused_adam_", betas=betas, lr=lr, eps=eps,
                    weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    _read_group = unpack_betas

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        step = begin_step(state, p, "exp_avg", "exp_avg_sq", *(("max_exp_avg_sq",) if group["amsgrad"] else ()))
        lr, (beta1, beta2) = scalar_hyperparameter(group["lr"]), group["betas"]
        grad = decay_weights(p, grad, group, lr)
        exp_avg, exp_avg_sq = update_moments(state, grad, beta1, beta2)
        if group["amsgrad"]:
            second_moment = state["max_exp_avg_sq"]._data
            np.maximum(second_moment, exp_avg_sq, out=second_moment)
        else:
            second_moment = exp_avg_sq
        step_size = lr / (1 - beta1**step)
        denom = np.sqrt(second_moment) / (1 - beta2**step) ** 0.5 + group["eps"]
        add_quotient_(p, exp_avg, denom, -step_size)

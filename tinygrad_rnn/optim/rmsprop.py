"""`RMSprop`: divide the gradient by a running root-mean-square of recent gradients.

Per parameter, with g the gradient (negated when `maximize`):

    g = g + weight_decay * p                    if weight_decay
    v = alpha * v + (1 - alpha) * g * g         running mean of squared gradients
    avg = sqrt(v - g_avg**2) + eps  (centered: g_avg is a running mean of g)  or  sqrt(v) + eps
    buf = momentum * buf + g / avg;  p = p - lr * buf      if momentum > 0
    p = p - lr * g / avg                                    otherwise
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .optimizer import (
    Optimizer,
    bump_step,
    check_flags,
    check_tensor_hyperparameter,
    lerp_,
    scalar_hyperparameter,
    step_counter,
)


class RMSprop(Optimizer):
    """torch.optim.RMSprop: `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`."""

    _capturable_devices_foreach = Optimizer._capturable_devices  # its multi-tensor path lists xla too

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        check_tensor_hyperparameter("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        check_flags(foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = Tensor._make(np.zeros_like(p))
            if group["momentum"] > 0:
                state["momentum_buffer"] = Tensor._make(np.zeros_like(p))
            if group["centered"]:
                state["grad_avg"] = Tensor._make(np.zeros_like(p))
        alpha, momentum = group["alpha"], group["momentum"]
        bump_step(state)
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p
        square_avg = state["square_avg"]._data
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += grad / avg
            p -= scalar_hyperparameter(group["lr"]) * buf
        else:
            p -= scalar_hyperparameter(group["lr"]) * (grad / avg)

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
from .checks import check_flags, check_lr, check_nonnegative
from .optimizer import Optimizer, bump_step, scalar_hyperparameter, start_state, zero_buffer
from .step_math import add_quotient_, average_squares_, fused_add, l2_penalty, lerp_, multiply_add


class RMSprop(Optimizer):
    """torch.optim.RMSprop: `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`."""

    _loaded_group_defaults = (("momentum", 0), ("centered", False), ("foreach", None), ("maximize", False),
                              ("differentiable", False), ("capturable", False))

    _capturable_devices_foreach = Optimizer._capturable_devices  # its multi-tensor path lists xla too

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        check_lr(lr)
        check_nonnegative(epsilon=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        check_flags(foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        if not state:
            start_state(state, p, "square_avg")
            if group["momentum"] > 0:
                state["momentum_buffer"] = zero_buffer(p)
            if group["centered"]:
                state["grad_avg"] = zero_buffer(p)
        alpha, momentum = group["alpha"], group["momentum"]
        bump_step(state, read=False)
        grad = l2_penalty(grad, p, group["weight_decay"])
        square_avg = state["square_avg"]._data
        average_squares_(square_avg, grad, alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(multiply_add(-grad_avg, grad_avg, square_avg, square_avg))  # addcmul(.., value=-1)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += grad / avg
            p[...] = fused_add(p, buf, -scalar_hyperparameter(group["lr"]))
        else:
            add_quotient_(p, grad, avg, -scalar_hyperparameter(group["lr"]))

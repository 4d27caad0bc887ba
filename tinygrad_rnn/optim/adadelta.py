"""`Adadelta`: scale each step by the ratio of two running RMS values, so no lr tuning is needed.

Per parameter, with g the gradient (negated when `maximize`):

    g = g + weight_decay * p                            if weight_decay
    v = rho * v + (1 - rho) * g * g                     running mean of squared gradients
    delta = sqrt(u + eps) / sqrt(v + eps) * g           u: running mean of squared updates
    u = rho * u + (1 - rho) * delta * delta
    p = p - lr * delta

The update has the units of p (Zeiler's point): the RMS of past updates over the RMS of gradients.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_lr, check_nonnegative
from .optimizer import Optimizer, begin_step, scalar_hyperparameter
from .step_math import average_squares_, fused_add, l2_penalty


class Adadelta(Optimizer):
    """torch.optim.Adadelta: `Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)`."""

    _loaded_group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                              ("capturable", False))

    _capturable_devices = "['cuda', 'xpu', 'hpu', 'privateuseone']"

    def __init__(self, params: Any, lr: float | Tensor = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative(epsilon=eps, weight_decay=weight_decay)
        check_flags(foreach, differentiable=differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        begin_step(state, p, "square_avg", "acc_delta")
        rho, eps = group["rho"], group["eps"]
        grad = l2_penalty(grad, p, group["weight_decay"])
        square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
        average_squares_(square_avg, grad, rho)
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        average_squares_(acc_delta, delta, rho)
        p[...] = fused_add(p, delta, -scalar_hyperparameter(group["lr"]))

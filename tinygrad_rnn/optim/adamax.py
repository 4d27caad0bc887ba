"""`Adamax`: Adam with the infinity norm in place of the root-mean-square.

Per parameter, at step t, with g the gradient (negated when `maximize`):

    g = g + weight_decay * p                    if weight_decay
    m = m + (1 - beta1) * (g - m)               running mean of gradients
    u = max(beta2 * u, |g| + eps)               decaying maximum of |g| (no bias to correct)
    p = p - lr / (1 - beta1**t) * m / u
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .adam import check_adam_hyperparameters, unpack_betas
from .checks import check_flags
from .optimizer import Optimizer, begin_step, scalar_hyperparameter
from .step_math import add_quotient_, l2_penalty, lerp_


class Adamax(Optimizer):
    """torch.optim.Adamax: `Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`."""

    _loaded_group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                              ("capturable", False))

    def __init__(self, params: Any, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        check_flags(foreach, differentiable=differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    _read_group = unpack_betas

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        step = begin_step(state, p, "exp_avg", "exp_inf")
        beta1, beta2 = group["betas"]
        grad = l2_penalty(grad, p, group["weight_decay"])
        exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
        step_size = scalar_hyperparameter(group["lr"]) / (1 - beta1**step)
        add_quotient_(p, exp_avg, exp_inf, -step_size)

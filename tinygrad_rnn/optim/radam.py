"""`RAdam`: rectified Adam; plain momentum SGD until the variance estimate can be trusted.

Per parameter, at step t, with g the gradient (negated when `maximize`):

    p = p * (1 - lr * weight_decay)   or   g = g + weight_decay * p    (decoupled or L2)
    m = m + (1 - beta1) * (g - m);  v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    rho_inf = 2 / (1 - beta2) - 1;   rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
    if rho_t > 5:   (the variance of the adaptive lr is finite: rectify it)
        r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        p = p - m_hat * lr * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
    else:
        p = p - m_hat * lr
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .adam import check_adam_hyperparameters, decay_weights, unpack_betas, update_moments
from .checks import check_flags
from .optimizer import Optimizer, begin_step, scalar_hyperparameter
from .step_math import multiply_add


class RAdam(Optimizer):
    """torch.optim.RAdam: `RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    decoupled_weight_decay=False)`."""

    _loaded_group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                              ("decoupled_weight_decay", False), ("capturable", False))

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        check_flags(foreach, differentiable=differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _read_group = unpack_betas

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        step = begin_step(state, p, "exp_avg", "exp_avg_sq")
        lr, (beta1, beta2) = scalar_hyperparameter(group["lr"]), group["betas"]
        grad = decay_weights(p, grad, group, lr)
        exp_avg, exp_avg_sq = update_moments(state, grad, beta1, beta2)
        if group["foreach"]:
            _multi_tensor_update(p, exp_avg, exp_avg_sq, step, lr, beta1, beta2, group["eps"])
            return
        bias_correction2 = 1 - beta2**step
        corrected_exp_avg = exp_avg / (1 - beta1**step)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * beta2**step / bias_correction2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            # torch computes `c / tensor` as reciprocal(tensor) * c: the same rounding here.
            adaptive_lr = (1 / (np.sqrt(exp_avg_sq) + group["eps"])) * bias_correction2**0.5
            p -= corrected_exp_avg * lr * adaptive_lr * rect
        else:
            p -= corrected_exp_avg * lr


def _multi_tensor_update(p: np.ndarray, exp_avg: np.ndarray, exp_avg_sq: np.ndarray, step: float, lr: Any,
                         beta1: float, beta2: float, eps: float) -> None:
    """The same update as torch's multi-tensor path (foreach=True) rounds it: the step sizes as Python
    numbers first, then p += m * buffer with buffer = 1 / ((sqrt(v) + eps) / step_size) + unrectified size.

    Without rectification (rho_t <= 5) the rectified step size is -0.0: the buffer's division gives -inf
    and its reciprocal -0.0, so only the unrectified step -lr / (1 - beta1**t) remains, as in torch."""
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / (1 - beta2**step)
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5 if rho_t > 5 else 0
    unrectified = 0 if rect > 0 else 1.0
    bias_correction1 = 1 - beta1**step
    unrect_step_size = (lr * unrectified / bias_correction1) * -1
    rect_step_size = ((1 - beta2**step) ** 0.5) * (lr * rect / bias_correction1) * -1
    scalar = p.dtype.type
    with np.errstate(divide="ignore"):  # (x / -0.0 = -inf on purpose, see above)
        buffer = np.reciprocal((np.sqrt(exp_avg_sq) + scalar(eps)) / scalar(rect_step_size))
    buffer += scalar(unrect_step_size)
    p[...] = multiply_add(exp_avg, buffer, p, p)  # addcmul_(exp_avg, buffer): one rounding

"""`NAdam`: Adam with Nesterov momentum (Dozat), with a momentum schedule that warms up.

Per parameter, at step t, with g the gradient (negated when `maximize`):

    p = p * (1 - lr * weight_decay)   or   g = g + weight_decay * p    (decoupled or L2)
    mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))   the momentum of step t
    mu_product = mu_1 * mu_2 * ... * mu_t                     kept in state (a 0-d tensor)
    m = m + (1 - beta1) * (g - m);  v = beta2 * v + (1 - beta2) * g * g
    denom = sqrt(v / (1 - beta2**t)) + eps
    p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
          - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

The last line is the Nesterov look-ahead: part of the step uses the fresh gradient, part the
momentum as it will be after the next step.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .adam import check_adam_hyperparameters, decay_weights, unpack_betas, update_moments
from .checks import check_flags, check_nonnegative
from .optimizer import Optimizer, bump_step, scalar_hyperparameter, step_counter, zero_buffer
from .step_math import add_quotient_


class NAdam(Optimizer):
    """torch.optim.NAdam: `NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    momentum_decay=4e-3, decoupled_weight_decay=False)`."""

    _loaded_group_defaults = (("maximize", False), ("foreach", None), ("capturable", False),
                              ("differentiable", False), ("decoupled_weight_decay", False))
    _loaded_counters = ("step", "mu_product")

    _capturable_tensors = "params, mu_products and state_steps"
    _capturable_tensors_foreach = "params, mu_products, and state_steps"

    def __init__(self, params: Any, lr: float | Tensor = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_adam_hyperparameters(lr, eps, betas, weight_decay)
        check_nonnegative(momentum_decay=momentum_decay)
        check_flags(foreach, differentiable=differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    _read_group = unpack_betas

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        if not state:
            state["step"] = step_counter()
            state["mu_product"] = step_counter()
            state["mu_product"]._data[...] = 1.0
            state["exp_avg"] = zero_buffer(p)
            state["exp_avg_sq"] = zero_buffer(p)
        step = bump_step(state)
        lr, (beta1, beta2) = scalar_hyperparameter(group["lr"]), group["betas"]
        momentum_decay = group["momentum_decay"]
        grad = decay_weights(p, grad, group, lr)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        # The product is a tensor in the state (float32 by default), so it is rounded like torch's.
        mu_product_array = state["mu_product"]._data
        mu_product_array *= mu
        mu_product = float(mu_product_array)
        exp_avg, exp_avg_sq = update_moments(state, grad, beta1, beta2)
        if group["foreach"]:  # torch's multi-tensor path divides after the square root (other rounding)
            denom = np.sqrt(exp_avg_sq) / (1 - beta2**step) ** 0.5 + group["eps"]
        else:
            denom = np.sqrt(exp_avg_sq / (1 - beta2**step)) + group["eps"]
        add_quotient_(p, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
        add_quotient_(p, exp_avg, denom, -lr * mu_next / (1.0 - mu_product * mu_next))

"""`Adagrad`: scale each coordinate by the root of the sum of all its past squared gradients.

Per parameter, at step t, with g the gradient (negated when `maximize`):

    g = g + weight_decay * p                    if weight_decay
    lr_t = lr / (1 + (t - 1) * lr_decay)
    sum = sum + g * g                           starts at initial_accumulator_value
    p = p - lr_t * g / (sqrt(sum) + eps)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_lr, check_nonnegative
from .optimizer import Optimizer, bump_step, scalar_hyperparameter, step_counter
from .step_math import add_quotient_, l2_penalty, multiply_add


class Adagrad(Optimizer):
    """torch.optim.Adagrad: `Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)`."""

    _loaded_group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False), ("fused", None))

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        check_lr(lr)
        check_nonnegative(lr_decay=lr_decay, weight_decay=weight_decay,
                          initial_accumulator_value=initial_accumulator_value, epsilon=eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        check_flags(foreach, fused, differentiable, kernel="_fused_adagrad_", lr=lr, lr_decay=lr_decay,
                    weight_decay=weight_decay, eps=eps, maximize=maximize)
        super().__init__(params, defaults)
        # Unlike Adam, Adagrad fills its state at construction (so state_dict() shows it at once).
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["step"] = step_counter()
                self.state[p]["sum"] = Tensor._make(np.full_like(p._data, group["initial_accumulator_value"]))

    def share_memory(self) -> None:
        """Calls tensor.share_memory_() on the state sum tensors."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        step = bump_step(state)
        grad = l2_penalty(grad, p, group["weight_decay"])
        lr_t = scalar_hyperparameter(group["lr"]) / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]._data
        state_sum[...] = multiply_add(grad, grad, state_sum, state_sum)  # state_sum.addcmul_(grad, grad, value=1)
        std = np.sqrt(state_sum) + group["eps"]
        add_quotient_(p, grad, std, -lr_t)

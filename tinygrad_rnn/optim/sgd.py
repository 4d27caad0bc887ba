"""`SGD`: stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.

Per parameter, with g the gradient (negated when `maximize`):

    g = g + weight_decay * p                      if weight_decay
    buf = g  (first step);  buf = momentum * buf + (1 - dampening) * g  (later steps)
    g = g + momentum * buf  (nesterov)  or  g = buf
    p = p - lr * g
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_tensor_hyperparameter
from .optimizer import Optimizer, scalar_hyperparameter
from .step_math import check_alpha, fused_add, l2_penalty


class SGD(Optimizer):
    """torch.optim.SGD: `SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False)`."""

    _loaded_group_defaults = (("nesterov", False), ("maximize", False), ("foreach", None),
                              ("differentiable", False), ("fused", False))

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        check_tensor_hyperparameter("lr", lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        check_flags(foreach, fused, differentiable, kernel="_fused_sgd_", weight_decay=weight_decay,
                    momentum=momentum, lr=lr, dampening=dampening, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)
        self._without_buffer: set[int] = set()

    def step(self, closure: Any = None) -> Any:
        # Which parameters start this step without a buffer: torch reads every buffer before it updates any,
        # so a parameter listed twice starts a fresh buffer both times on its first step.
        self._without_buffer = {id(p) for group in self.param_groups for p in group["params"]
                                if self.state.get(p, {}).get("momentum_buffer") is None}
        return super().step(closure)

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p = param._data
        grad = l2_penalty(grad, p, scalar_hyperparameter(group["weight_decay"]))
        momentum = group["momentum"]
        if momentum != 0:
            if group["nesterov"]:
                check_alpha(momentum)  # torch's nesterov step is grad.add(buf, alpha=momentum)
            state = self.state[param]
            buf = state.get("momentum_buffer")
            if buf is None or id(param) in self._without_buffer:  # the first step starts it at the gradient
                state["momentum_buffer"] = buf = Tensor._make(grad.copy())
            else:
                buf._data *= momentum
                buf._data[...] = fused_add(buf._data, grad, 1 - group["dampening"])
            grad = fused_add(grad, buf._data, momentum) if group["nesterov"] else buf._data
        p[...] = fused_add(p, grad, -scalar_hyperparameter(group["lr"]))

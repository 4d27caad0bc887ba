"""`Adafactor`: Adam-like steps with a *factored* second moment, so its memory is O(rows + cols).

For a matrix gradient G (m x n) it keeps only a running mean of squares per row (R, m x 1) and per
column (C, 1 x n) and estimates the full matrix of second moments as R C / mean(R). Vectors keep a
full running mean V. Per parameter, at step t, with g the gradient (negated when `maximize`):

    beta2_weight = t ** beta2_decay                 the weight of the new square (1 at t = 1)
    rho = min(lr, 1 / sqrt(t))                      relative step size
    alpha = max(eps2, rms(p)) * rho                 the step scales with the parameter's size
    p = p * (1 - lr * weight_decay)                 if weight_decay (decoupled)
    R = lerp(R, ||g_row||^2 / n, beta2_weight);  C = lerp(C, ||g_col||^2 / m, beta2_weight)
    v = R @ C / max(mean(R), eps1)                  (vectors: v = lerp(V, g * g, beta2_weight))
    u = g / sqrt(max(v, eps1 ** 2))
    p = p - alpha / max(1, rms(u) / d) * u          the update's RMS is clipped to d

eps1 defaults to the parameter dtype's machine epsilon. There is no first moment (no momentum).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_tensor_hyperparameter
from .optimizer import NOT_A_TENSOR_STEP, Optimizer, bump_step, scalar_hyperparameter, start_state
from .step_math import lerp_


def _rms(array: np.ndarray) -> float:
    """The 2-norm over the square root of the count, as a Python float (torch: `norm(2).item()`)."""
    return float(np.sqrt(np.sum(array * array, dtype=array.dtype))) / array.size**0.5


class Adafactor(Optimizer):
    """torch.optim.Adafactor: `Adafactor(params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
    weight_decay=0.0)`."""

    _loaded_group_defaults = (("foreach", None),)

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach: bool | None = None, maximize: bool = False) -> None:
        check_tensor_hyperparameter("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        # foreach=True: torch's multi-tensor path differs from its for-loop only in rounding (2e-16
        # relative after 30 float64 steps), and these numpy updates agree with both to that rounding.
        check_flags(foreach)
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        if not state:
            if grad.ndim > 1:
                start_state(state, p)
                state["row_var"] = Tensor._make(np.zeros(grad.shape[:-1] + (1,), grad.dtype))
                state["col_var"] = Tensor._make(np.zeros(grad.shape[:-2] + (1, grad.shape[-1]), grad.dtype))
            else:
                start_state(state, grad, "variance")
        step = bump_step(state, refusal=NOT_A_TENSOR_STEP.removeprefix("API has changed, "))
        lr, weight_decay = scalar_hyperparameter(group["lr"]), group["weight_decay"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        beta2_weight = step ** group["beta2_decay"]
        rho = min(lr, 1 / math.sqrt(step))
        alpha = max(eps2, _rms(p)) * rho
        if weight_decay != 0:
            p *= 1 - lr * weight_decay
        if grad.ndim > 1:
            var_estimate = self._factored_second_moment(state, grad, beta2_weight, eps1)
        else:
            variance = state["variance"]._data
            lerp_(variance, grad * grad, beta2_weight)
            var_estimate = variance.copy()
        update = 1 / np.sqrt(np.maximum(var_estimate, eps1 * eps1)) * grad
        denom = max(1.0, _rms(update) / group["d"])
        p += -alpha / denom * update

    @staticmethod
    def _factored_second_moment(state: dict, grad: np.ndarray, weight: float, eps1: float) -> np.ndarray:
        """Update the row and column means of g*g; their outer product over the mean row is the estimate."""
        row_var, col_var = state["row_var"]._data, state["col_var"]._data
        row_mean = np.sqrt(np.sum(grad * grad, axis=-1, keepdims=True)) ** 2 / grad.shape[-1]
        lerp_(row_var, row_mean, weight)
        col_mean = np.sqrt(np.sum(grad * grad, axis=-2, keepdims=True)) ** 2 / grad.shape[-2]
        lerp_(col_var, col_mean, weight)
        return row_var @ col_var / np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)

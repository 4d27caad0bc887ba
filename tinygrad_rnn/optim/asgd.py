"""`ASGD`: averaged SGD; plain SGD with a decaying step, plus a running average of the iterates.

Per parameter, at step t, with g the gradient (negated when `maximize`):

    g = g + weight_decay * p                    if weight_decay
    p = p * (1 - lambd * eta) - eta * g         eta: the current step size (starts at lr)
    ax = ax + mu * (p - ax)                     the average (ax = p while mu is 1, i.e. t <= t0 + 1)
    eta = lr / (1 + lambd * lr * t) ** alpha
    mu = 1 / max(1, t - t0)

The averaged parameters live in `optimizer.state[p]['ax']`; the parameters themselves follow SGD.
eta and mu are 0-d tensors in the state (float32 by default), rounded as torch rounds them.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_lr, check_nonnegative
from .optimizer import Optimizer, bump_step, scalar_hyperparameter, step_counter, zero_buffer
from .step_math import fused_add, l2_penalty, multiply_add


def _scalar_state(value: Any) -> Tensor:
    """A 0-d state tensor of torch's scalar dtype holding `value`."""
    tensor = step_counter()
    tensor._data[...] = value
    return tensor


def _as_default_scalar(value: Any) -> Any:
    """`torch.as_tensor(value)`: a Python float becomes a tensor of the default dtype (so, by default,
    it is rounded to float32 even when the state was loaded as float64); an array keeps its dtype.
    A complex number (a negative base to a fractional power alpha) is copied into the real state as its
    real part, with the warning torch gives once per process."""
    if isinstance(value, complex):
        global _COMPLEX_WARNED
        if not _COMPLEX_WARNED:
            _COMPLEX_WARNED = True
            warnings.warn("Casting complex values to real discards the imaginary part (Triggered internally at "
                          "/__w/pytorch/pytorch/aten/src/ATen/native/Copy.cpp:307.)", UserWarning, stacklevel=4)
        value = value.real
    return value if isinstance(value, np.ndarray) else step_counter()._data.dtype.type(value)


_COMPLEX_WARNED = False


def _next_eta(lr: Any, lambd: float, alpha: float, step: Any) -> Any:
    """eta = lr / (1 + lambd * lr * step) ** alpha, rounded as torch rounds it.

    torch's multi-tensor path computes the denominator from the step *tensor* (float32 by default);
    there a Python `lr / tensor` is `tensor.reciprocal() * lr`: two float32 roundings, which can be one
    ulp off a single division. A tensor lr (a 0-d array here) divides as usual."""
    denominator = (1 + lambd * lr * step) ** alpha
    if isinstance(step, np.ndarray) and not isinstance(lr, np.ndarray):  # a step tensor, a Python lr
        return np.reciprocal(denominator) * lr
    return _as_default_scalar(lr / denominator)


class ASGD(Optimizer):
    """torch.optim.ASGD: `ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)`."""

    _loaded_group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                              ("capturable", False))
    _loaded_counters = ("step", "eta", "mu")

    _capturable_tensors = "params, mus, etas, and state_steps"

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_lr(lr)
        check_nonnegative(weight_decay=weight_decay)
        check_flags(foreach, differentiable=differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        lr = scalar_hyperparameter(group["lr"])
        if not state:
            state["step"] = step_counter()
            state["eta"] = _scalar_state(lr)
            state["mu"] = _scalar_state(1.0)
            state["ax"] = zero_buffer(p)
        step = bump_step(state, refusal=None)
        lambd, alpha = group["lambd"], group["alpha"]
        grad = l2_penalty(grad, p, group["weight_decay"])
        ax, mu, eta = state["ax"]._data, state["mu"]._data, state["eta"]._data
        if group["foreach"]:  # torch's multi-tensor path: the same math, grouped (and rounded) differently
            if isinstance(lambd, bool):  # there lambd is always the alpha of an add, which refuses a bool
                raise RuntimeError("Boolean alpha only supported for Boolean results.")
            # foreach add with alpha=lambd, then addcmul_(.., eta, value=-1) and addcmul_(p - ax, mu): one
            # rounding each (fused multiply-adds), the 0-d eta and mu cast to the parameter's dtype
            intermediate = fused_add(grad, p, lambd)
            p[...] = multiply_add(-intermediate, eta.astype(p.dtype), p, p)
            ax[...] = multiply_add(p - ax, mu.astype(p.dtype), ax, ax)
        else:
            p *= 1 - lambd * float(eta)
            p[...] = fused_add(p, grad, -float(eta))
            if float(mu) != 1:
                ax += (p - ax) * mu.astype(p.dtype)  # torch casts the 0-d mu to the parameter dtype
            else:
                ax[...] = p
        with np.errstate(all="ignore"):  # a negative base to a fractional power is NaN in torch's tensor math, silently
            state["eta"]._data[...] = _next_eta(lr, lambd, alpha, state["step"]._data if group["foreach"] else step)
        state["mu"]._data[...] = _as_default_scalar(1 / max(1, step - group["t0"]))

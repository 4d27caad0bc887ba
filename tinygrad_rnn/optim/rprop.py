"""`Rprop`: resilient backpropagation; only the *sign* of the gradient is used.

Each coordinate has its own step size. Per parameter, with g the gradient (negated when `maximize`):

    same sign as last time      -> step_size *= etaplus   (speed up)
    sign flipped                -> step_size *= etaminus  (we overshot: slow down, and skip this
                                                            coordinate's move; g is stored as 0)
    step_size = clip(step_size, step_sizes[0], step_sizes[1])
    p = p - sign(g) * step_size;   prev = g

Meant for full-batch training: with mini-batches the sign is noisy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_flags, check_lr
from .optimizer import Optimizer, bump_step, scalar_hyperparameter, start_state


class Rprop(Optimizer):
    """torch.optim.Rprop: `Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))`."""

    _loaded_group_defaults = (("foreach", None), ("maximize", False), ("differentiable", False),
                              ("capturable", False))

    _capturable_devices_foreach = Optimizer._capturable_devices  # its multi-tensor path lists xla too

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        check_flags(foreach, differentiable=differentiable)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _read_group(self, group: dict[str, Any]) -> None:
        _etaminus, _etaplus = group["etas"]  # a number or a triple: torch's TypeError or ValueError
        _step_size_min, _step_size_max = group["step_sizes"]

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        p, state = param._data, self.state[param]
        if not state:
            start_state(state, p, "prev")
            state["step_size"] = Tensor._make(np.full_like(p, scalar_hyperparameter(group["lr"])))
        bump_step(state, read=False)
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        if step_size_min is None and step_size_max is None:  # torch clamps the step sizes with them
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        bounds = (step_size_min, step_size_max)
        if not all(b is None or isinstance(b, (int, float)) for b in bounds):  # clamp_'s parser, as torch's
            got = ", ".join(type(b).__name__ for b in bounds)
            raise TypeError(f"clamp_() received an invalid combination of arguments - got ({got}), but expected one of:"
                            "\n * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)\n")
        prev, step_size = state["prev"]._data, state["step_size"]._data
        agreement = np.sign(grad * prev)
        factor = np.where(agreement > 0, etaplus, np.where(agreement < 0, etaminus, 1)).astype(p.dtype)
        step_size *= factor
        np.clip(step_size, step_size_min, step_size_max, out=step_size)
        grad = np.where(factor == etaminus, 0, grad).astype(p.dtype)  # a flipped sign: no move this time
        p -= np.sign(grad) * step_size
        prev[...] = grad

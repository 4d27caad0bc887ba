"""`SparseAdam`: Adam for parameters whose gradients are sparse (embedding rows that a batch touched).

tinygrad_rnn's gradients are always dense, and torch's SparseAdam refuses a dense gradient, so here it
is the class torch offers with its checks and its refusal: a program can build one (and list it, as
fast.ai's notebooks list what torch.optim offers), and its step fails as torch's does on a dense gradient.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .adam import check_betas
from .checks import check_tensor_hyperparameter
from .optimizer import Optimizer


class SparseAdam(Optimizer):
    """torch.optim.SparseAdam: `SparseAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False)`."""

    _loaded_counters = ()  # (torch's __setstate__ leaves its int step)

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, maximize: bool = False) -> None:
        check_tensor_hyperparameter("lr", lr)
        if not 0.0 < lr:  # (strict, unlike Adam's: torch refuses lr=0 and eps=0 here)
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_betas(betas)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")

"""`AdamW`: Adam with *decoupled* weight decay (the parameters shrink directly, outside the moments).

Loshchilov & Hutter's fix: with Adam's L2 penalty the decay is divided by sqrt(v) like the gradient,
so heavily-updated weights decay less; AdamW multiplies p by (1 - lr * weight_decay) instead.
The default weight_decay is 1e-2 (Adam's is 0).
"""
from __future__ import annotations

from typing import Any

from .adam import Adam


class AdamW(Adam):
    """torch.optim.AdamW: `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)`."""

    _loaded_group_defaults = (("amsgrad", False), ("maximize", False), ("foreach", None), ("capturable", False),
                              ("differentiable", False), ("decoupled_weight_decay", True), ("fused", None))

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

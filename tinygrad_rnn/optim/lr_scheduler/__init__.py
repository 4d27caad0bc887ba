"""Learning-rate schedulers: change each parameter group's `'lr'` once per `scheduler.step()`.

    optimizer = optim.SGD(model.parameters(), lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train(...)              # calls optimizer.step()
        scheduler.step()        # after the optimiser, as torch asks

A scheduler counts epochs in `last_epoch` (-1 before the first step; construction performs one
step, so it starts at 0). Most schedules here are "chainable": the new lr is computed from the
group's current lr, so several schedulers can act on one optimiser. `get_last_lr()` returns the
lrs set by the latest step. As in torch, calling `scheduler.step()` before the first
`optimizer.step()` warns, because the first value of the schedule is then skipped.

Where each lives: the base class in `base.py`; factor schedules (Lambda, Multiplicative, Step,
MultiStep, Exponential, Constant, Linear, Polynomial) in `multiplicative.py`; cosines in
`cosine.py`; CyclicLR and OneCycleLR in `cyclic.py`; SequentialLR and ChainedScheduler in
`combine.py`; ReduceLROnPlateau in `plateau.py`.
"""
# The names torch's lr_scheduler module imports for its own use, so dir() lists them as torch's does:
# fast.ai's 12_accel_sgd prints the capitalised names in dir(lr_scheduler) to show what is on offer.
from collections import Counter  # noqa: F401
from typing import Any, Literal, Self, SupportsFloat, TypedDict  # noqa: F401

from ...core.tensor import Tensor  # noqa: F401
from ..optimizer import Optimizer
from .base import EPOCH_DEPRECATION_WARNING, LRScheduler, _LRScheduler
from .combine import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .multiplicative import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau

__all__ = [
    "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR",
    "SequentialLR", "CosineAnnealingLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR",
    "CosineAnnealingWarmRestarts", "OneCycleLR", "PolynomialLR", "LRScheduler",
    "EPOCH_DEPRECATION_WARNING", "Optimizer", "_LRScheduler",
]

# torch defines every scheduler in one module, torch.optim.lr_scheduler, and d2l's training loop tells
# torch's schedulers from its own by `scheduler.__module__ == torch.optim.lr_scheduler.__name__`: the
# classes split over this package's files answer with the package's name, as torch's do.
for _scheduler in (LRScheduler, _LRScheduler, LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR,
                   ExponentialLR, SequentialLR, CosineAnnealingLR, ChainedScheduler, ReduceLROnPlateau, CyclicLR,
                   CosineAnnealingWarmRestarts, OneCycleLR, PolynomialLR):
    _scheduler.__module__ = __name__
del _scheduler

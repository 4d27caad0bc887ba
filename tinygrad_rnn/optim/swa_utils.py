"""Weight averaging: `AveragedModel` (SWA or EMA of a model's weights), `SWALR`, `update_bn`.

Stochastic Weight Averaging keeps the running mean of the weights visited late in training
(w_avg += (w - w_avg) / (n + 1)); an exponential moving average (EMA) keeps
w_avg = decay * w_avg + (1 - decay) * w instead. The averaged model is a separate copy:

    swa_model = AveragedModel(model)
    swa_scheduler = SWALR(optimizer, swa_lr=0.05)
    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        if epoch >= swa_start:
            swa_model.update_parameters(model)
            swa_scheduler.step()
    update_bn(loader, swa_model)     # batch-norm statistics for the averaged weights

The averaging functions work on raw arrays under no_grad: averaging is bookkeeping, not part of
any graph.
"""
from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any

import numpy as np

from .. import creation, nn
from ..core import dtypes
from ..core.grad_mode import no_grad
from ..core.tensor import Tensor
from ..nn.module import Module
from .lr_scheduler.base import LRScheduler, format_param
from .optimizer import Optimizer
from .step_math import lerp_

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """In place, for lists of tensors: ema = lerp(ema, current, 1 - decay)."""
    _check_decay(decay)

    def ema_update(ema_params: list, current_params: list, _: Any) -> None:
        with no_grad():
            for ema, current in zip(ema_params, current_params):
                if ema.is_floating_point():
                    lerp_(ema._data, current._data, 1 - decay)
                else:
                    ema._data[...] = ema._data * decay + current._data * (1 - decay)

    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """In place, for lists of tensors: avg = lerp(avg, current, 1 / (n + 1)), the running mean."""

    def swa_update(averaged_params: list, current_params: list, num_averaged: Any) -> None:
        n = float(num_averaged)
        weight = 1 / (n + 1)
        if isinstance(num_averaged, Tensor):
            # torch computes 1 / (n + 1) on the integer tensor: a reciprocal in the default float dtype.
            default = dtypes.get_default_dtype().np
            weight = float(np.reciprocal(np.asarray(n + 1, dtype=default)))
        with no_grad():
            for averaged, current in zip(averaged_params, current_params):
                if averaged.is_floating_point():
                    lerp_(averaged._data, current._data, weight)
                else:
                    averaged._data[...] = averaged._data + (current._data - averaged._data) * weight

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """One tensor: returns decay * ema + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable:
    """One tensor: returns avg + (current - avg) / (n + 1)."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose parameters are the average of the ones passed to `update_parameters`.

    The default average is SWA's equal-weight running mean; pass `avg_fn` (one tensor at a time) or
    `multi_avg_fn` (lists, in place) for another, e.g. `get_ema_multi_avg_fn(0.999)`. With
    `use_buffers=True` buffers are averaged too; otherwise they are copied from the model.
    """

    def __init__(self, model: Module, device: Any = None, avg_fn: Callable | None = None,
                 multi_avg_fn: Callable | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", creation.tensor(0, dtype=dtypes.long))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Fold `model`'s current weights into the average (the first call copies them)."""
        if self.use_buffers:
            mine = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            theirs = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            mine, theirs = list(self.parameters()), list(model.parameters())
        pairs = list(zip(mine, theirs))
        n = int(self.n_averaged.item())
        with no_grad():
            if n == 0:
                for averaged, current in pairs:
                    averaged._data[...] = current._data
            elif self.avg_fn is not None:
                for averaged, current in pairs:
                    averaged._data[...] = self.avg_fn(averaged.detach(), current.detach(), self.n_averaged)._data
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn([a.detach() for a, _ in pairs], [c.detach() for _, c in pairs], self.n_averaged)
            else:  # torch's CPU path: the one-tensor SWA formula
                swa = get_swa_avg_fn()
                for averaged, current in pairs:
                    averaged._data[...] = swa(averaged.detach(), current.detach(), self.n_averaged)._data
            if not self.use_buffers:
                for mine_buffer, their_buffer in zip(self.module.buffers(), model.buffers()):
                    mine_buffer._data[...] = their_buffer._data
            self.n_averaged._data += 1


def _batch_norm_classes() -> tuple:
    return (nn.modules.batchnorm._BatchNorm,)  # BatchNorm1d/2d/3d, SyncBatchNorm and the lazy ones, as torch


def _reset_running_stats(module: Module) -> None:
    """Running mean 0, variance 1, batch count 0 (what torch's `reset_running_stats` does)."""
    if hasattr(module, "reset_running_stats"):
        module.reset_running_stats()
    elif getattr(module, "track_running_stats", False):
        module.running_mean._data[...] = 0
        module.running_var._data[...] = 1
        module.num_batches_tracked._data[...] = 0


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute every batch-norm layer's running statistics with one pass over `loader`.

    The statistics of averaged weights are not the average of the statistics, hence this pass:
    each layer is reset and switched to a cumulative average (momentum None) for its duration.
    A batch that is a list or tuple contributes its first element.
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _batch_norm_classes()):
            _reset_running_stats(module)
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to `swa_lr` over `anneal_epochs` epochs ('cos' or 'linear'), then hold it."""

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float], anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        for lr, group in zip(format_param("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        """The lr annealing started from, recovered from the current lr and the last mixing weight."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list[float]:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)



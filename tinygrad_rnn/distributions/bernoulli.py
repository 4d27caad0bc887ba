"""Bernoulli: 1 with probability p, else 0."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import no_grad
from ..core.tensor import Tensor
from ..creation import arange
from ..nn.functional import binary_cross_entropy_with_logits
from ..ops.pointwise import where
from ..random import bernoulli
from . import constraints
from .distribution import SuccessOdds, broadcast_all, delegated
from .exp_family import ExponentialFamily


class Bernoulli(SuccessOdds, ExponentialFamily):
    """Give `probs` (in [0, 1]) or `logits` (log-odds), not both; numbers or tensors.

    `sample()` draws through `bernoulli` as torch does, so seeded samples equal torch's.
    log_prob and entropy go through binary_cross_entropy_with_logits, as torch, so they are
    differentiable and stable for large logits.
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        self._init_probs_or_logits(probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)

    param_shape = delegated("_param", "shape")

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """0./1. draws (the probs' dtype) of shape sample_shape + batch_shape, cut from the graph."""
        with no_grad():
            return bernoulli(self.probs.expand(self._extended_shape(sample_shape)))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    @property
    def mode(self) -> Tensor:
        """1 where p > 1/2, 0 where p < 1/2, nan at exactly 1/2 (as torch)."""
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return where(self.probs == 0.5, math.nan, mode)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = arange(2, dtype=self._param.dtype).view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values

    def entropy(self) -> Tensor:
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple[Tensor]:
        return (self.probs.logit(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return x.exp().log1p()

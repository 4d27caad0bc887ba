"""Geometric: the number of failures before the first success, success probability `probs`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import no_grad
from ..core.tensor import Tensor
from ..creation import empty, zeros_like
from ..nn.functional import binary_cross_entropy_with_logits
from ..ops.pointwise import where
from . import constraints
from .distribution import Distribution, SuccessOdds, broadcast_all


class Geometric(SuccessOdds, Distribution):
    """P(k) = (1 - p)^k p for k = 0, 1, ... Give `probs` (in (0, 1]) or `logits`, not both.
    `sample()` is floor(log u / log(1 - p)) for a uniform u in [tiny, 1), torch's recipe, so after
    the same `manual_seed` the draws equal torch's."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Tensor | float | None = None, logits: Tensor | float | None = None,
                 validate_args: bool | None = None) -> None:
        self._init_probs_or_logits(probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            value = self.probs
            raise ValueError(f"Expected parameter probs ({type(value).__name__} of shape {tuple(value.shape)}) "
                             f"of distribution {self!r} to be positive but found invalid values:\n"
                             f"{value.detach()[~(value > 0)]}")

    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.probs)

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: Any = ()) -> Tensor:
        tiny = float(np.finfo(self.probs._data.dtype).tiny)
        with no_grad():
            u = empty(self._extended_shape(sample_shape), dtype=self.probs.dtype).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = where((probs == 1) & (value == 0), 0.0, probs)  # 0 * log(0) counts as 0 at p = 1
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs

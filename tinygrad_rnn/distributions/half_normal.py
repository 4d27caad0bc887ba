"""HalfNormal: |X| for X ~ Normal(0, scale)."""
from __future__ import annotations

import math

from ..core.tensor import Tensor
from .folded import Folded
from .normal import Normal


class HalfNormal(Folded):
    """Y = |X|, X ~ Normal(0, scale): twice the Normal density on [0, inf) (log_prob, cdf, icdf,
    entropy and the mode 0 are Folded's). Samples are |Normal samples|, so after the same
    `manual_seed` they equal torch's."""

    def _symmetric(self, scale: Tensor | float) -> Normal:
        return Normal(0, scale, validate_args=False)

    @property
    def mean(self) -> Tensor:
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self) -> Tensor:
        return self.scale.pow(2) * (1 - 2 / math.pi)

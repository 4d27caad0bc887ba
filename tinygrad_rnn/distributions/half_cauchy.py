"""HalfCauchy: |X| for X ~ Cauchy(0, scale)."""
from __future__ import annotations

import math
from typing import Any

from ..core.tensor import Tensor
from ..creation import as_tensor, full
from .cauchy import Cauchy
from .folded import Folded


class HalfCauchy(Folded):
    """Twice the Cauchy(0, scale) density on [0, inf) (log_prob, cdf, icdf, entropy and the mode 0
    are Folded's). Samples are |Cauchy samples|, so after the same `manual_seed` they equal torch's."""

    def _symmetric(self, scale: Tensor | float) -> Cauchy:
        return Cauchy(0, scale, validate_args=False)

    def _value_tensor(self, value: Any) -> Tensor:
        """torch's HalfCauchy also scores plain numbers (in the scale's dtype)."""
        return as_tensor(value, dtype=self.scale.dtype)

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), math.inf, dtype=self.scale.dtype)

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

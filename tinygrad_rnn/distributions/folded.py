"""The half (folded) families: |X| for X symmetric about 0 with a `scale` (HalfNormal, HalfCauchy)."""
from __future__ import annotations

import math
from typing import Any

from ..core.tensor import Tensor
from ..creation import zeros_like
from ..ops.pointwise import where
from . import constraints
from .distribution import Distribution
from .transformed_distribution import TransformedFamily, base_param
from .transforms import AbsTransform


class Folded(TransformedFamily):
    """Y = |X|, X from a family symmetric about 0 (made by `_symmetric`): twice X's density on
    [0, inf), so log p_Y = log p_X + log 2, cdf_Y = 2 cdf_X - 1, entropy_Y = entropy_X - log 2.
    Samples are |X's samples|, so after the same `manual_seed` they equal torch's."""

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    scale = base_param("scale")

    def __init__(self, scale: Tensor | float, validate_args: bool | None = None) -> None:
        super().__init__(self._symmetric(scale), AbsTransform(), validate_args=validate_args)

    def _symmetric(self, scale: Tensor | float) -> Distribution:
        """X, the distribution that is folded (unchecked: this family checks scale)."""
        raise NotImplementedError

    def _value_tensor(self, value: Any) -> Any:
        """What log_prob scores; families that also score plain numbers convert here."""
        return value

    @property
    def mode(self) -> Tensor:
        return zeros_like(self.scale)

    def log_prob(self, value: Any) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value = self._value_tensor(value)
        return where(value >= 0, self.base_dist.log_prob(value) + math.log(2), -math.inf)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob: Tensor) -> Tensor:
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - math.log(2)

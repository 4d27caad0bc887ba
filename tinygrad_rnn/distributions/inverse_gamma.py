"""InverseGamma: 1 / X for X ~ Gamma(concentration, rate)."""
from __future__ import annotations

import math

from ..core.tensor import Tensor
from ..ops.pointwise import where
from . import constraints
from .gamma import Gamma
from .transformed_distribution import TransformedFamily, base_param
from .transforms import PowerTransform


class InverseGamma(TransformedFamily):
    """Y = 1 / X, X ~ Gamma(concentration, rate). Sampled through Gamma (torch's numbers for the
    same seed); `rsample` is differentiable."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True
    concentration = base_param("concentration")
    rate = base_param("rate")

    def __init__(self, concentration: Tensor | float, rate: Tensor | float, validate_args: bool | None = None) -> None:
        base = Gamma(concentration, rate, validate_args=validate_args)
        super().__init__(base, PowerTransform(-base.rate.new_ones(())), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return where(self.concentration > 1, self.rate / (self.concentration - 1), math.inf)

    @property
    def mode(self) -> Tensor:
        return self.rate / (self.concentration + 1)

    @property
    def variance(self) -> Tensor:
        finite = self.rate.square() / ((self.concentration - 1).square() * (self.concentration - 2))
        return where(self.concentration > 2, finite, math.inf)

    def entropy(self) -> Tensor:
        c = self.concentration
        return c + self.rate.log() + c.lgamma() - (1 + c) * c.digamma()

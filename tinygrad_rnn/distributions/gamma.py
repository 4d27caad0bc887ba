"""Gamma with shape `concentration` and inverse scale `rate`, on (0, inf)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..creation import as_tensor
from ..ops.pointwise_more import xlogy
from ..special import gammainc
from . import constraints
from .exp_family import ExponentialFamily
from .samplers import standard_gamma


class Gamma(ExponentialFamily):
    """p(x) = rate^c x^(c-1) exp(-rate x) / Gamma(c).

    Sampling: torch's own Gamma sampler (Marsaglia-Tsang, one element after another; samplers.py),
    so seeded draws are torch's numbers.
    `rsample` is differentiable in both parameters (implicit reparameterisation in the concentration).
    """

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _expand_also = ("concentration", "rate")  # Chi2 names only df

    def __init__(self, concentration: Tensor | float, rate: Tensor | float, validate_args: bool | None = None) -> None:
        self._init_broadcast(validate_args, concentration=concentration, rate=rate)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return value.clamp(min=float(np.finfo(value._data.dtype).tiny))  # as torch: never exactly 0

    def log_prob(self, value: Any) -> Tensor:
        value = as_tensor(value, dtype=self.rate.dtype)
        if self._validate_args:
            self._validate_sample(value)
        return (xlogy(self.concentration, self.rate) + xlogy(self.concentration - 1, value)
                - self.rate * value - self.concentration.lgamma())

    def entropy(self) -> Tensor:
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1.0 - c) * c.digamma()

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()

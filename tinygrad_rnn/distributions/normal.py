"""Normal (Gaussian) with mean `loc` and standard deviation `scale`."""
from __future__ import annotations

import math
from typing import Any

from ..autograd import no_grad
from ..core.tensor import Tensor
from ..random import normal, randn
from .distribution import LocationScale
from .exp_family import ExponentialFamily


class Normal(LocationScale, ExponentialFamily):
    """N(loc, scale^2); loc and scale are numbers or tensors, broadcast together (scale > 0). The
    mean and mode are loc (LocationScale holds __init__, the constraints and mean/mode).

    `sample()` draws as torch.normal(loc, scale) and `rsample()` as loc + randn * scale, torch's
    recipes, so after the same `manual_seed` both equal torch's numbers. `rsample` keeps the graph:
    gradients reach loc and scale.
    """

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = randn(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor | float) -> Tensor:
        """-(x - loc)^2 / (2 scale^2) - log scale - log sqrt(2 pi)."""
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale**2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + ((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)).erf())

    def icdf(self, value: Tensor) -> Tensor:
        return self.loc + self.scale * (2 * value - 1).erfinv() * math.sqrt(2)

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    _mean_carrier_measure = 0

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        return -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()

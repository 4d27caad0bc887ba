"""Laplace (double exponential) with location `loc` and scale `scale`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..creation import empty
from .distribution import LocationScale


class Laplace(LocationScale):
    """p(x) = exp(-|x - loc| / scale) / (2 scale). `rsample()` inverts the cdf at a uniform draw
    from (eps - 1, 1), torch's recipe, so after the same `manual_seed` the draws equal torch's.
    The mean and mode are loc (LocationScale holds __init__, the constraints and mean/mode)."""

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return (2**0.5) * self.scale

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = float(np.finfo(self.loc._data.dtype).eps)
        u = empty(self._extended_shape(sample_shape), dtype=self.loc.dtype).uniform_(eps - 1, 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * (-(value - self.loc).abs() / self.scale).expm1()

    def icdf(self, value: Tensor) -> Tensor:
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()

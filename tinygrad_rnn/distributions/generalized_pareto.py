"""GeneralizedPareto: the law of exceedances over a threshold (exponential, Pareto and uniform as
special cases of its concentration)."""
from __future__ import annotations

import math
from typing import Any

from ..core.tensor import Tensor
from ..creation import ones_like, tensor, zeros_like
from ..ops.pointwise import where
from ..random import rand
from . import constraints
from .distribution import Distribution


class GeneralizedPareto(Distribution):
    """Survival (1 + c z)^(-1 / c), z = (x - loc) / scale (exp(-z) at c = 0). `rsample` inverts the
    cdf at `rand` draws, torch's recipe, so after the same `manual_seed` the draws equal torch's."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, concentration: Tensor | float,
                 validate_args: bool | None = None) -> None:
        self._init_broadcast(validate_args, loc=loc, scale=scale, concentration=concentration)

    def _safe_concentration(self) -> tuple[Tensor, Tensor]:
        """(where c is ~0, c with those entries replaced by 1 so the c != 0 formula stays finite)."""
        eq_zero = self.concentration.isclose(tensor(0.0, dtype=self.concentration.dtype))
        return eq_zero, where(eq_zero, ones_like(self.concentration), self.concentration)

    def _z(self, x: Tensor) -> Tensor:
        return (x - self.loc) / self.scale

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        return self.icdf(rand(tuple(self._extended_shape(sample_shape)), dtype=self.loc.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._safe_concentration()
        y = 1 / safe + ones_like(z)
        where_nonzero = where(y == 0, y, y * (safe * z).log1p())
        return -self.scale.log() - where(eq_zero, z, where_nonzero)

    def log_survival_function(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, safe = self._safe_concentration()
        return where(eq_zero, -z, -(safe * z).log1p() / safe)

    def log_cdf(self, value: Tensor) -> Tensor:
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        return self.log_cdf(value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        eq_zero = self.concentration.isclose(zeros_like(self.concentration))
        safe = where(eq_zero, ones_like(self.concentration), self.concentration)
        logu = (-value).log1p()
        return where(eq_zero, self.loc - self.scale * logu, self.loc + self.scale / safe * (-safe * logu).expm1())

    @property
    def mean(self) -> Tensor:
        valid = self.concentration < 1
        safe = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - safe), math.nan)

    @property
    def variance(self) -> Tensor:
        valid = self.concentration < 0.5
        safe = where(valid, self.concentration, 0.25)
        return where(valid, self.scale**2 / ((1 - safe) ** 2 * (1 - 2 * safe)), math.nan)

    def entropy(self) -> Tensor:
        return (self.scale.log() + self.concentration + 1).broadcast_to(tuple(self._batch_shape))

    @property
    def mode(self) -> Tensor:
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> constraints.Constraint:
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration, math.inf)
        return constraints.interval(self.loc, upper)

"""NegativeBinomial: successes before `total_count` failures, success probability `probs`."""
from __future__ import annotations

from typing import Any

from ..autograd import no_grad
from ..core.tensor import Tensor
from ..nn.functional import logsigmoid
from ..ops.pointwise import where
from . import constraints
from .distribution import Distribution, SuccessOdds, delegated
from .gamma import Gamma
from .poisson import Poisson


class NegativeBinomial(SuccessOdds, Distribution):
    """P(k) = C(k + r - 1, k) p^k (1 - p)^r with r = total_count (any real r > 0). Sampled as torch
    does, Poisson(Gamma(r, (1 - p) / p)), with torch's Gamma and Poisson samplers (torch's numbers)."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0), "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Tensor | float, probs: Tensor | float | None = None,
                 logits: Tensor | float | None = None, validate_args: bool | None = None) -> None:
        (count,) = self._init_probs_or_logits(probs, logits, total_count)
        self.total_count = count.type_as(self._param)
        super().__init__(self._param.size(), validate_args=validate_args)

    param_shape = delegated("_param", "shape")

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape: Any = ()) -> Tensor:
        with no_grad():
            rate = Gamma(self.total_count, (-self.logits).exp(), validate_args=False).sample(sample_shape)
            return Poisson(rate, validate_args=False).sample()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        unnormalized = self.total_count * logsigmoid(-self.logits) + value * logsigmoid(self.logits)
        normalization = -(self.total_count + value).lgamma() + (1.0 + value).lgamma() + self.total_count.lgamma()
        normalization = where(self.total_count + value == 0.0, 0.0, normalization)  # 0 failures, 0 successes
        return unnormalized - normalization

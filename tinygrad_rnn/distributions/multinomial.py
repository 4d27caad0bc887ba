"""Multinomial: counts of each of K classes over `total_count` Categorical draws."""
from __future__ import annotations

import math
from typing import Any

from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import ones_like, tensor, zeros
from ..ops.pointwise import where
from . import constraints
from .binomial import Binomial
from .categorical import Categorical, OnCategorical
from .distribution import broadcast_all


class Multinomial(OnCategorical):
    """P(x) = n! / prod x_i! * prod p_i^x_i over count vectors x summing to n = total_count.
    Samples count `total_count` Categorical draws, as torch does, so after the same `manual_seed`
    they equal torch's."""

    _kept_on_expand = ("total_count",)

    def __init__(self, total_count: int = 1, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        self._binomial = Binomial(total_count=total_count, probs=self.probs)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self) -> constraints.Constraint:
        return constraints.multinomial(self.total_count)

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        sample_shape = Size(sample_shape)
        draws = self._categorical.sample(Size((self.total_count,)) + sample_shape)
        draws = draws.permute(*range(1, draws.dim()), 0)  # the draws' axis last
        counts = zeros(tuple(self._extended_shape(sample_shape)), dtype=draws.dtype)
        return counts.scatter_add(-1, draws, ones_like(draws)).type_as(self.probs)

    def entropy(self) -> Tensor:
        n = tensor(self.total_count)
        term1 = n * self._categorical.entropy() - (n + 1).lgamma()
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = self._binomial.log_prob(support).exp()
        return term1 + (binomial_probs * (support + 1).lgamma()).sum([0, -1])

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        logits = where((value == 0) & (logits == -math.inf), 0.0, logits)  # 0 * log 0 counts as 0
        return (value.sum(-1) + 1).lgamma() - (value + 1).lgamma().sum(-1) + (logits * value).sum(-1)

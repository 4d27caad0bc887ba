"""RelaxedOneHotCategorical (Concrete / Gumbel-softmax): a differentiable stand-in for OneHotCategorical."""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..creation import full_like
from ..random import rand
from . import constraints
from .categorical import Categorical, OnCategorical
from .distribution import broadcast_all, clamp_probs
from .relaxed_bernoulli import Relaxed
from .transforms import ExpTransform


class ExpRelaxedCategorical(OnCategorical):
    """The log of a RelaxedOneHotCategorical draw: log_softmax((logits + Gumbel noise) / temperature),
    the noise -log(-log u) from `rand` as torch draws it, so seeded draws equal torch's."""

    support = constraints.real_vector
    has_rsample = True
    _kept_on_expand = ("temperature",)

    def __init__(self, temperature: Tensor, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        u = clamp_probs(rand(tuple(self._extended_shape(sample_shape)), dtype=self.logits.dtype))
        gumbels = -((-(u.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        k = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_scale = full_like(self.temperature, float(k)).lgamma() - self.temperature.log().mul(-(k - 1))
        score = logits - value.mul(self.temperature)
        return (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(Relaxed):
    """exp of an ExpRelaxedCategorical draw: points of the simplex that approach one-hot vectors as
    the temperature goes to 0, with reparameterised samples."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex

    def __init__(self, temperature: Tensor, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        super().__init__(ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args),
                         ExpTransform(), validate_args=validate_args)

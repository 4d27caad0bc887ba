"""RelaxedBernoulli (binary Concrete / Gumbel-softmax): a differentiable stand-in for Bernoulli."""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..random import rand
from . import constraints
from .distribution import Distribution, SuccessOdds, broadcast_all, clamp_probs, delegated
from .transformed_distribution import TransformedFamily, base_param
from .transforms import SigmoidTransform


class LogitRelaxedBernoulli(SuccessOdds, Distribution):
    """The logit of a RelaxedBernoulli draw: (logit(u) + logits) / temperature for u ~ U(0, 1),
    torch's recipe, so after the same `manual_seed` the draws equal torch's."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real

    def __init__(self, temperature: Tensor, probs: Tensor | float | None = None,
                 logits: Tensor | float | None = None, validate_args: bool | None = None) -> None:
        self.temperature = temperature
        self._init_probs_or_logits(probs, logits)
        super().__init__(self._param.size(), validate_args=validate_args)

    param_shape = delegated("_param", "shape")

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        probs = clamp_probs(self.probs.expand(shape))
        u = clamp_probs(rand(shape, dtype=probs.dtype))
        return (u.log() - (-u).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value.mul(self.temperature)
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class Relaxed(TransformedFamily):
    """Base of the relaxed (Concrete) families, RelaxedBernoulli and RelaxedOneHotCategorical: a
    reparameterised draw in logit or log space pushed onto (0, 1) or the simplex; temperature,
    logits and probs are the base's."""

    has_rsample = True
    temperature = base_param("temperature")
    logits = base_param("logits")
    probs = base_param("probs")


class RelaxedBernoulli(Relaxed):
    """sigmoid of a LogitRelaxedBernoulli draw: values in (0, 1) that approach Bernoulli draws as
    the temperature goes to 0, with reparameterised samples."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval

    def __init__(self, temperature: Tensor, probs: Tensor | float | None = None,
                 logits: Tensor | float | None = None, validate_args: bool | None = None) -> None:
        super().__init__(LogitRelaxedBernoulli(temperature, probs, logits), SigmoidTransform(),
                         validate_args=validate_args)

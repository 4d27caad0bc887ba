"""Dirichlet: probability vectors, with concentration vector alpha (the last dim)."""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..nn.functional import one_hot
from ..ops.pointwise_more import xlogy
from . import constraints
from .exp_family import ExponentialFamily
from .samplers import standard_gamma


class Dirichlet(ExponentialFamily):
    """p(x) = Gamma(sum alpha) / prod Gamma(alpha_i) * prod x_i^(alpha_i - 1) on the simplex.

    Sampling: normalised Gamma(alpha_i, 1) draws, made in float64 with torch's Gamma sampler (so
    seeded draws are torch's numbers). `rsample` is differentiable in the concentration
    through the Gamma draws' implicit reparameterisation.
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args=validate_args)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        # torch draws and normalizes in float64 whatever the dtype (small gammas would underflow in float32)
        gammas = standard_gamma(self.concentration.expand(tuple(self._extended_shape(sample_shape))).double())
        return (gammas / gammas.sum(-1, True)).to(self.concentration.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return xlogy(c - 1.0, value).sum(-1) + c.sum(-1).lgamma() - c.lgamma().sum(-1)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Tensor:
        """(alpha - 1) / sum(alpha - 1); where every alpha < 1, a corner: the first, as torch (the argmax of
        that row's 0 / 0 = nan)."""
        shifted = (self.concentration - 1).clamp(min=0.0)
        mode = shifted / shifted.sum(-1, True)
        mask = (self.concentration < 1).all(dim=-1)
        # written in place, as torch does: the node is IndexPutBackward0
        mode[mask] = one_hot(mode[mask].argmax(dim=-1), shifted.shape[-1]).to(mode)
        return mode

    @property
    def variance(self) -> Tensor:
        total = self.concentration.sum(-1, True)
        return self.concentration * (total - self.concentration) / (total.pow(2) * (total + 1))

    def entropy(self) -> Tensor:
        c = self.concentration
        k, a0 = c.size(-1), c.sum(-1)
        return c.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma() - ((c - 1.0) * c.digamma()).sum(-1)

    @property
    def _natural_params(self) -> tuple[Tensor]:
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        return x.lgamma().sum(-1) - x.sum(-1).lgamma()

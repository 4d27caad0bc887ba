"""ExponentialFamily: distributions with density exp(<t(x), theta> - F(theta) + k(x)).

Knowing the natural parameters theta and the log-normaliser F is enough for the entropy and for
the KL divergence within a family, through the gradient of F (Bregman divergences: Nielsen and
Nock, "Entropies and cross-entropies of exponential families"). The families here that are
exponential families (Normal, Bernoulli, Beta, Gamma, Dirichlet, Exponential, Poisson) derive from
it, as in torch; they override `entropy` with closed forms, so the generic one serves as a check.
"""
from __future__ import annotations

from typing import Any

from ..autograd import grad
from ..core.tensor import Tensor
from .distribution import Distribution


class ExponentialFamily(Distribution):
    """Subclasses give `_natural_params` (theta, a tuple of tensors), `_log_normalizer(*theta)`
    (F) and `_mean_carrier_measure` (E[k(x)])."""

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        raise NotImplementedError

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self) -> float:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        """H = F(theta) - <theta, grad F(theta)> - E[k(x)]."""
        result: Any = -self._mean_carrier_measure
        params = [p.detach().requires_grad_() for p in self._natural_params]
        log_normalizer = self._log_normalizer(*params)
        gradients = grad(log_normalizer.sum(), params, create_graph=True)
        result = result + log_normalizer
        for p, g in zip(params, gradients):
            result = result - (p * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result

"""ExponentialFamily: the Bregman-divergence entropy and KL against torch and against the closed forms."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(5)
FAMILIES = {
    "Normal": (lambda m, a, b: m.distributions.Normal(a, b), [RNG.standard_normal(3), RNG.uniform(0.3, 2, 3)]),
    "Gamma": (lambda m, a, b: m.distributions.Gamma(a, b), [RNG.uniform(0.3, 3, 3), RNG.uniform(0.3, 2, 3)]),
    "Bernoulli": (lambda m, p: m.distributions.Bernoulli(p), [RNG.uniform(0.1, 0.9, 3)]),
    "Exponential": (lambda m, r: m.distributions.Exponential(r), [RNG.uniform(0.3, 3, 3)]),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_generic_entropy_matches_torchs_and_the_closed_form(family: str) -> None:
    build, params = FAMILIES[family]
    check_parity(lambda m, *ts: m.distributions.ExponentialFamily.entropy(build(m, *ts)), params)
    d = build(tinygrad_rnn, *map(tinygrad_rnn.tensor, params))
    np.testing.assert_allclose(tinygrad_rnn.distributions.ExponentialFamily.entropy(d).detach().numpy(),
                               d.entropy().numpy(), rtol=1e-12)


@pytest.mark.parametrize("family", FAMILIES)
def test_bregman_kl_of_a_subclass_matches_torch(family: str) -> None:
    build, params = FAMILIES[family]
    others = [p[::-1].copy() for p in params]
    k = len(params)

    def fn(m, *ts):
        kl_function = m.distributions.kl._KL_REGISTRY[m.distributions.ExponentialFamily,
                                                      m.distributions.ExponentialFamily]
        return kl_function(build(m, *ts[:k]), build(m, *ts[k:]))

    check_parity(fn, params + others)


def test_the_families_are_exponential_families_as_in_torch() -> None:
    torch = require_torch()
    for name in ["Normal", "Bernoulli", "Beta", "Gamma", "Dirichlet", "Exponential", "Poisson", "Categorical",
                 "Uniform", "Laplace", "Chi2"]:
        ours = issubclass(getattr(tinygrad_rnn.distributions, name), tinygrad_rnn.distributions.ExponentialFamily)
        assert ours == issubclass(getattr(torch.distributions, name), torch.distributions.ExponentialFamily), name

"""Sampling: where torch's sampler is a transform of rand / randn / exponential_ / cauchy_ /
multinomial, the same manual_seed gives torch's draws, and rsample's gradients equal torch's.
Poisson and Binomial draw with torch.poisson / torch.binomial, which give torch's numbers too, and
the Gamma-based families (Gamma, Beta, Dirichlet, Chi2, StudentT, ...) run torch's Gamma sampler."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_parity, require_torch, to_numpy

import tinygrad_rnn

RNG = np.random.default_rng(1)
LOC, SCALE, PROB = RNG.standard_normal(3), RNG.uniform(0.5, 2.0, 3), RNG.uniform(0.1, 0.9, 3)
LOGITS = RNG.standard_normal((2, 4))
TRIL = np.tril(RNG.standard_normal((3, 3)), -1) + np.diag(RNG.uniform(0.5, 1.5, 3))


def D(m):
    return m.distributions


# name -> (build(m, *params), params): torch draws these through rand/randn/... and so do we.
SEEDED = {
    "Normal": (lambda m, a, b: D(m).Normal(a, b), [LOC, SCALE]),
    "Uniform": (lambda m, a, b: D(m).Uniform(a, a + b), [LOC, SCALE]),
    "Exponential": (lambda m, r: D(m).Exponential(r), [SCALE]),
    "Laplace": (lambda m, a, b: D(m).Laplace(a, b), [LOC, SCALE]),
    "Cauchy": (lambda m, a, b: D(m).Cauchy(a, b), [LOC, SCALE]),
    "LogNormal": (lambda m, a, b: D(m).LogNormal(a, b), [LOC, SCALE]),
    "Gumbel": (lambda m, a, b: D(m).Gumbel(a, b), [LOC, SCALE]),
    "HalfNormal": (lambda m, b: D(m).HalfNormal(b), [SCALE]),
    "MultivariateNormal": (lambda m, mu, L: D(m).MultivariateNormal(mu, scale_tril=L), [LOC, TRIL]),
    "MultivariateNormal_cov": (lambda m, mu, L: D(m).MultivariateNormal(mu, covariance_matrix=L @ L.mT), [LOC, TRIL]),
    "Independent": (lambda m, a, b: D(m).Independent(D(m).Normal(a, b), 1), [LOC, SCALE]),
    "LowRankMultivariateNormal": (lambda m, mu, L: D(m).LowRankMultivariateNormal(mu, L[:, :2], mu.exp()),
                                  [LOC, TRIL]),
    "RelaxedBernoulli": (lambda m, p: D(m).RelaxedBernoulli(m.tensor(0.5, dtype=p.dtype), probs=p), [PROB]),
    "RelaxedOneHotCategorical": (lambda m, x: D(m).RelaxedOneHotCategorical(m.tensor(0.7, dtype=x.dtype), logits=x),
                                 [LOGITS]),
    "HalfCauchy": (lambda m, b: D(m).HalfCauchy(b), [SCALE]),
    "Pareto": (lambda m, a, b: D(m).Pareto(b, a.abs() + 1), [LOC, SCALE]),
    "Weibull": (lambda m, a, b: D(m).Weibull(b, a.abs() + 0.5), [LOC, SCALE]),
    "Kumaraswamy": (lambda m, a, b: D(m).Kumaraswamy(b, a.abs() + 0.5), [LOC, SCALE]),
    "ContinuousBernoulli": (lambda m, p: D(m).ContinuousBernoulli(p), [PROB]),
    "GeneralizedPareto": (lambda m, a, b: D(m).GeneralizedPareto(a, b, a * 0.3), [LOC, SCALE]),
    "LogisticNormal": (lambda m, a, b: D(m).LogisticNormal(a, b), [LOC, SCALE]),
    "Tanh-squashed Normal": (lambda m, a, b: D(m).TransformedDistribution(
        D(m).Normal(a, b), [D(m).TanhTransform(cache_size=1), D(m).AffineTransform(1.0, 2.0)]), [LOC, SCALE]),
}
DISCRETE = {
    "Bernoulli": (lambda m, p: D(m).Bernoulli(p), [PROB]),
    "Geometric": (lambda m, p: D(m).Geometric(p), [PROB]),
    "Categorical": (lambda m, x: D(m).Categorical(logits=x), [LOGITS]),
    "OneHotCategorical": (lambda m, x: D(m).OneHotCategorical(logits=x), [LOGITS]),
    "Multinomial": (lambda m, x: D(m).Multinomial(5, logits=x), [LOGITS]),
    "VonMises_float32": (lambda m, a, k: D(m).VonMises(a.float(), k.float()), [LOC, SCALE]),
    "VonMises": (lambda m, a, k: D(m).VonMises(a, k), [LOC, np.array([1e-6, 0.7, 25.0])]),
    "Poisson": (lambda m, r: D(m).Poisson(r), [np.array([0.0, 0.5, 4.0, 30.0, 400.0])]),
    "Binomial": (lambda m, n, p: D(m).Binomial(n, p), [np.array([1.0, 10.0, 40.0]), PROB]),
    "Binomial_logits": (lambda m, x: D(m).Binomial(7, logits=x), [LOGITS]),
    "MixtureSameFamily": (lambda m, x: D(m).MixtureSameFamily(D(m).Categorical(logits=x), D(m).Normal(x, 1.0)),
                          [LOGITS]),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("family", SEEDED)
def test_seeded_sample_and_rsample_equal_torchs_with_gradients(family: str, dtype) -> None:
    build, params = SEEDED[family]

    def fn(m, *tensors):
        m.manual_seed(11)
        d = build(m, *tensors)
        drawn = d.rsample((4,)), d.sample(), d.rsample()
        return drawn + (m.rand(2, dtype=tensors[0].dtype),)  # the stream continues where torch's does

    check_parity(fn, [p.astype(dtype) for p in params])


@pytest.mark.parametrize("family", DISCRETE)
def test_seeded_discrete_samples_equal_torchs(family: str) -> None:
    build, params = DISCRETE[family]
    check_parity(lambda m, *ts: (m.manual_seed(5), build(m, *ts).sample(), build(m, *ts).sample((3,)))[1:],
                 params, requires_grad=[False] * len(params))


def test_squashed_gaussian_policy_log_prob_matches_torch() -> None:
    """The SAC-style policy: a = tanh(u), u ~ N(mu, sigma), log pi(a) with the tanh correction."""

    def fn(m, mu, log_std):
        m.manual_seed(3)
        base = D(m).Independent(D(m).Normal(mu, log_std.exp()), 1)
        pi = D(m).TransformedDistribution(base, [D(m).TanhTransform(cache_size=1)])
        action = pi.rsample()
        return action, pi.log_prob(action)

    check_parity(fn, [RNG.standard_normal((4, 2)), RNG.uniform(-1, 0.5, (4, 2))])


# Families torch samples with algorithms of its own (Marsaglia-Tsang for Gamma, one element after another):
# we run the same algorithm on the same stream, so seeded draws are torch's numbers too.
GAMMA_BASED = {
    "Gamma": (lambda m, a, b: D(m).Gamma(a, b), [np.array([0.05, 0.3, 1.0, 4.5, 40.0]), np.array([1.0, 2.0, 0.5, 1, 3])]),
    "Chi2": (lambda m, k: D(m).Chi2(k), [np.array([1.0, 3.0])]),
    "Beta": (lambda m, a, b: D(m).Beta(a, b), [np.array([0.5, 2.0]), np.array([0.5, 5.0])]),
    "Dirichlet": (lambda m, a: D(m).Dirichlet(a), [np.array([0.4, 1.0, 3.0])]),
    "StudentT": (lambda m, df: D(m).StudentT(df, 1.0, 2.0), [np.array([5.0, 9.0])]),
    "FisherSnedecor": (lambda m, a, b: D(m).FisherSnedecor(a, b), [np.array([5.0, 10.0]), np.array([20.0, 30.0])]),
    "InverseGamma": (lambda m, a, b: D(m).InverseGamma(a, b), [np.array([9.0, 12.0]), np.array([1.0, 3.0])]),
    "NegativeBinomial": (lambda m, n, p: D(m).NegativeBinomial(n, p), [np.array([1.0, 4.5, 30.0]), PROB]),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("family", GAMMA_BASED)
def test_gamma_based_samples_equal_torchs(family: str, dtype) -> None:
    build, params = GAMMA_BASED[family]
    check_parity(lambda m, *ts: (m.manual_seed(7), build(m, *ts).sample((30,)), m.rand(2, dtype=ts[0].dtype))[1:],
                 [p.astype(dtype) for p in params], requires_grad=[False] * len(params))


def test_lkj_cholesky_samples_are_correlation_factors_with_the_right_spread() -> None:
    """In two dimensions LKJ(1) makes the correlation r = L[1, 0] uniform on (-1, 1): mean 0 and
    variance 1/3, checked to 5 standard errors (sd of the sample variance: sqrt(4/45 / n))."""
    tinygrad_rnn.manual_seed(0)
    n = 5000  # (each Beta draw is a loop in Python, as torch draws it, so not more)
    L = D(tinygrad_rnn).LKJCholesky(2, 1.0).sample((n,))
    assert bool(tinygrad_rnn.distributions.constraints.corr_cholesky.check(L).all())
    r = to_numpy(L)[:, 1, 0]
    assert abs(r.mean()) < 5 * np.sqrt(1 / 3 / n)
    assert abs(r.var() - 1 / 3) < 5 * np.sqrt(4 / 45 / n)
    big = D(tinygrad_rnn).LKJCholesky(4, tinygrad_rnn.tensor([0.5, 3.0])).sample((7,))
    assert tuple(big.shape) == (7, 2, 4, 4) and bool(tinygrad_rnn.distributions.constraints.corr_cholesky.check(
        big).all())


def test_wishart_samples_have_the_right_mean() -> None:
    """E[W] = df Sigma; each entry's sample mean is within 5 standard errors, Var W_ij =
    df (Sigma_ij^2 + Sigma_ii Sigma_jj)."""
    tinygrad_rnn.manual_seed(0)
    n = 4000
    sigma = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 0.7]])
    d = D(tinygrad_rnn).Wishart(tinygrad_rnn.tensor(5.0, dtype=tinygrad_rnn.float64),
                                covariance_matrix=tinygrad_rnn.tensor(sigma))
    draws = to_numpy(d.rsample((n,)))
    assert bool(d.support.check(tinygrad_rnn.tensor(draws)).all())
    assert np.all(np.abs(draws.mean(0) - 5 * sigma) <= 5 * np.sqrt(to_numpy(d.variance) / n))


def test_own_samplers_keep_the_dtype_and_the_support() -> None:
    tinygrad_rnn.manual_seed(1)
    for d in (D(tinygrad_rnn).Gamma(tinygrad_rnn.tensor([0.01, 2.0]), 1.0), D(tinygrad_rnn).Poisson(
            tinygrad_rnn.tensor([3.0])), D(tinygrad_rnn).Dirichlet(tinygrad_rnn.tensor([0.05, 0.05]))):
        s = d.sample((100,))
        assert s.dtype == tinygrad_rnn.float32
        assert bool(d.support.check(s).all())


def test_gamma_rsample_gradient_is_the_implicit_reparameterisation_torch_uses() -> None:
    """d(sample)/d(concentration) = -(dF/da) / p(x). torch computes the same quantity with its own
    approximation, `_standard_gamma_grad`, whose relative error is ~1e-4 (against mpmath, by hand:
    at a = 0.2, x = 0.05 the exact value 0.71451018 agrees with ours to 1e-8); hence rtol 1e-3."""
    torch = require_torch()
    alpha = tinygrad_rnn.tensor([0.2, 0.9, 3.0, 25.0], dtype=tinygrad_rnn.float64, requires_grad=True)
    rate = tinygrad_rnn.tensor([1.0, 2.0, 0.5, 1.0], dtype=tinygrad_rnn.float64, requires_grad=True)
    tinygrad_rnn.manual_seed(4)
    x = D(tinygrad_rnn).Gamma(alpha, rate).rsample()
    x.sum().backward()
    standard = torch.tensor(to_numpy(x * rate).copy())
    expected = torch._standard_gamma_grad(torch.tensor(to_numpy(alpha)), standard).numpy() / to_numpy(rate)
    np.testing.assert_allclose(to_numpy(alpha.grad), expected, rtol=1e-3)
    np.testing.assert_allclose(to_numpy(rate.grad), -to_numpy(x) / to_numpy(rate), rtol=1e-12)


def test_beta_and_dirichlet_rsample_carry_gradients() -> None:
    c = tinygrad_rnn.tensor([0.5, 2.0, 3.0], requires_grad=True)
    tinygrad_rnn.manual_seed(2)
    D(tinygrad_rnn).Dirichlet(c).rsample((3,))[:, 0].sum().backward()
    assert c.grad is not None and bool(tinygrad_rnn.isfinite(c.grad).all())
    a = tinygrad_rnn.tensor(1.5, requires_grad=True)
    D(tinygrad_rnn).Beta(a, 2.0).rsample().backward()
    assert a.grad is not None


@pytest.mark.parametrize("sample_shape", [(), (3,)])
@pytest.mark.parametrize("batched", [False, True])
def test_wishart_samples_equal_torchs_with_its_redraw_warning(sample_shape, batched) -> None:
    """torch 2.13 redraws the samples that pass its support check once (and warns that it saw a singular
    sample): the same draws, the same warning."""
    torch = require_torch()
    sigma = np.array([[2.0, 0.5], [0.5, 1.0]])
    df = np.array([4.0, 6.5]) if batched else np.array(5.0)
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(2)
        d = D(m).Wishart(m.tensor(df), covariance_matrix=m.tensor(sigma))
        with pytest.warns(UserWarning, match="Singular sample detected."):
            drawn = d.sample(sample_shape)
        results.append((to_numpy(drawn), to_numpy(m.rand(2, dtype=m.float64))))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_sample_n_warns_as_torch_and_draws_sample_of_n() -> None:
    """sample_n(n) is torch's deprecated sample((n,)): the same numbers, with its FutureWarning at the caller."""
    torch = require_torch()
    drawn = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(5)
        with pytest.warns(FutureWarning, match=r"^`sample_n\(n\)` will be deprecated. Use `sample\(\(n,\)\)` instead.$") \
                as caught:
            drawn.append(to_numpy(D(m).Categorical(logits=m.tensor(LOGITS)).sample_n(3)))
        assert caught[0].filename == __file__
    np.testing.assert_array_equal(*drawn)

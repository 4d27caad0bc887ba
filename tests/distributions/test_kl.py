"""kl_divergence against torch's closed forms: values and gradients of both distributions'
parameters, the infinite cases, dispatch by subclass, register_kl, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(2)
SHAPE = (2, 3)


def real(shape=SHAPE):
    return RNG.standard_normal(shape)


def positive(shape=SHAPE):
    return RNG.uniform(0.3, 3.0, shape)


def unit(shape=SHAPE):
    return RNG.uniform(0.05, 0.95, shape)


def D(m):
    return m.distributions


def tril(m, a):
    return a.tril(-1) + a.diagonal(dim1=-2, dim2=-1).exp().diag_embed()


# name -> (build(m, *params) -> (p, q), arrays for p's and q's parameters)
PAIRS = {
    "Normal": (lambda m, a, b, c, d: (D(m).Normal(a, b), D(m).Normal(c, d)), [real(), positive(), real(), positive()]),
    "Bernoulli": (lambda m, a, b: (D(m).Bernoulli(a), D(m).Bernoulli(logits=b)), [unit(), real()]),
    "Categorical": (lambda m, a, b: (D(m).Categorical(probs=a), D(m).Categorical(logits=b)),
                    [positive((2, 4)), real((2, 4))]),
    "OneHotCategorical": (lambda m, a, b: (D(m).OneHotCategorical(logits=a), D(m).OneHotCategorical(logits=b)),
                          [real((2, 4)), real((3, 1, 4))]),
    "Uniform": (lambda m, a, w: (D(m).Uniform(a, a + w), D(m).Uniform(a - 1, a + w + 0.5)), [real(), positive()]),
    "Beta": (lambda m, a, b, c, d: (D(m).Beta(a, b), D(m).Beta(c, d)), [positive() for _ in range(4)]),
    "Gamma": (lambda m, a, b, c, d: (D(m).Gamma(a, b), D(m).Gamma(c, d)), [positive() for _ in range(4)]),
    "Exponential": (lambda m, a, b: (D(m).Exponential(a), D(m).Exponential(b)), [positive(), positive()]),
    "Laplace": (lambda m, a, b, c, d: (D(m).Laplace(a, b), D(m).Laplace(c, d)), [real(), positive(), real(), positive()]),
    "Cauchy": (lambda m, a, b, c, d: (D(m).Cauchy(a, b), D(m).Cauchy(c, d)), [real(), positive(), real(), positive()]),
    "Gumbel": (lambda m, a, b, c, d: (D(m).Gumbel(a, b), D(m).Gumbel(c, d)), [real(), positive(), real(), positive()]),
    "HalfNormal": (lambda m, b, d: (D(m).HalfNormal(b), D(m).HalfNormal(d)), [positive(), positive()]),
    "LogNormal": (lambda m, a, b, c, d: (D(m).LogNormal(a, b), D(m).LogNormal(c, d)),
                  [real(), positive(), real(), positive()]),
    "Dirichlet": (lambda m, a, b: (D(m).Dirichlet(a), D(m).Dirichlet(b)), [positive((2, 4)), positive((2, 4))]),
    "Poisson": (lambda m, a, b: (D(m).Poisson(a), D(m).Poisson(b)), [positive(), positive()]),
    "Geometric": (lambda m, a, b: (D(m).Geometric(a), D(m).Geometric(b)), [unit(), unit()]),
    "Binomial": (lambda m, a, b: (D(m).Binomial(5, a), D(m).Binomial(5, b)), [unit(), unit()]),
    "MultivariateNormal": (lambda m, a, b, c, d: (D(m).MultivariateNormal(a, scale_tril=tril(m, b)),
                                                  D(m).MultivariateNormal(c, scale_tril=tril(m, d))),
                           [real((2, 3)), real((2, 3, 3)), real((3,)), real((3, 3))]),
    "LowRank": (lambda m, a, b, c, d, e, f: (D(m).LowRankMultivariateNormal(a, b, c),
                                             D(m).LowRankMultivariateNormal(d, e, f)),
                [real((2, 3)), real((3, 2)), positive((2, 3)), real((3,)), real((2, 3, 1)), positive((3,))]),
    "MVN-LowRank": (lambda m, a, b, d, e, f: (D(m).MultivariateNormal(a, scale_tril=tril(m, b)),
                                              D(m).LowRankMultivariateNormal(d, e, f)),
                    [real((2, 3)), real((3, 3)), real((3,)), real((2, 3, 2)), positive((3,))]),
    "LowRank-MVN": (lambda m, a, b, c, d, e: (D(m).LowRankMultivariateNormal(a, b, c),
                                              D(m).MultivariateNormal(d, scale_tril=tril(m, e))),
                    [real((3,)), real((2, 3, 2)), positive((3,)), real((2, 3)), real((3, 3))]),
    "Independent": (lambda m, a, b, c, d: (D(m).Independent(D(m).Normal(a, b), 1),
                                           D(m).Independent(D(m).Normal(c, d), 1)),
                    [real(), positive(), real(), positive()]),
    "Uniform-Normal": (lambda m, a, w, c, d: (D(m).Uniform(a, a + w), D(m).Normal(c, d)),
                       [real(), positive(), real(), positive()]),
}


def _family(name: str):
    """A builder of one distribution of family `name` from parameter arrays, and those arrays
    (the support of Beta and Uniform inside (0, 1), so that every cross pair is finite somewhere)."""
    return {
        "Normal": (lambda m, a, b: D(m).Normal(a, b), [real(), positive()]),
        "Exponential": (lambda m, r: D(m).Exponential(r), [positive()]),
        "Gamma": (lambda m, c, r: D(m).Gamma(c, r), [positive(), positive()]),
        "Beta": (lambda m, a, b: D(m).Beta(a, b), [positive(), positive()]),
        "Uniform": (lambda m, a, b: D(m).Uniform(a * 0.4, 0.5 + b * 0.4), [unit(), unit()]),
        "Gumbel": (lambda m, a, b: D(m).Gumbel(a, b), [real(), positive()]),
        "Laplace": (lambda m, a, b: D(m).Laplace(a, b), [real(), positive()]),
        "Poisson": (lambda m, r: D(m).Poisson(r), [positive()]),
        "Bernoulli": (lambda m, p: D(m).Bernoulli(p), [unit()]),
        "Binomial": (lambda m, p: D(m).Binomial(4, p), [unit()]),
        "ContinuousBernoulli": (lambda m, p: D(m).ContinuousBernoulli(p), [unit()]),
        "Pareto": (lambda m, s, a: D(m).Pareto(s, a), [unit(), RNG.uniform(0.5, 4.0, SHAPE)]),
    }[name]


CROSS = [("Bernoulli", "Poisson"), ("Beta", "Exponential"), ("Beta", "Gamma"), ("Beta", "Normal"),
         ("Beta", "Uniform"), ("Exponential", "Beta"), ("Exponential", "Uniform"), ("Exponential", "Gamma"),
         ("Exponential", "Gumbel"), ("Exponential", "Normal"), ("Gamma", "Beta"), ("Gamma", "Uniform"),
         ("Gamma", "Exponential"), ("Gamma", "Gumbel"), ("Gamma", "Normal"), ("Gumbel", "Beta"),
         ("Gumbel", "Exponential"), ("Gumbel", "Gamma"), ("Gumbel", "Uniform"), ("Gumbel", "Normal"),
         ("Laplace", "Beta"), ("Laplace", "Exponential"), ("Laplace", "Gamma"), ("Laplace", "Uniform"),
         ("Laplace", "Normal"), ("Normal", "Beta"), ("Normal", "Exponential"), ("Normal", "Gamma"),
         ("Normal", "Uniform"), ("Normal", "Gumbel"), ("Normal", "Laplace"), ("Poisson", "Bernoulli"),
         ("Poisson", "Binomial"), ("Uniform", "Beta"), ("Uniform", "Exponential"), ("Uniform", "Gamma"),
         ("Uniform", "Gumbel"), ("Uniform", "Normal"), ("Pareto", "Pareto"), ("Beta", "Pareto"),
         ("Pareto", "Beta"), ("Pareto", "Uniform"), ("Pareto", "Exponential"), ("Pareto", "Gamma"),
         ("Pareto", "Normal"), ("Uniform", "Pareto"), ("ContinuousBernoulli", "ContinuousBernoulli"),
         ("Beta", "ContinuousBernoulli"), ("ContinuousBernoulli", "Pareto"), ("ContinuousBernoulli", "Exponential"),
         ("ContinuousBernoulli", "Normal"), ("ContinuousBernoulli", "Uniform"), ("Uniform", "ContinuousBernoulli"),
         ("Exponential", "ContinuousBernoulli"), ("Exponential", "Pareto"), ("Gamma", "ContinuousBernoulli"),
         ("Gamma", "Pareto"), ("Gumbel", "ContinuousBernoulli"), ("Gumbel", "Pareto"), ("Laplace", "ContinuousBernoulli"),
         ("Laplace", "Pareto"), ("Normal", "ContinuousBernoulli"), ("Normal", "Pareto"), ("Pareto", "ContinuousBernoulli")]


def test_every_pair_torch_registers_is_registered_here() -> None:
    torch = require_torch()
    ours = {(p.__name__, q.__name__) for p, q in D(tinygrad_rnn).kl._KL_REGISTRY}
    theirs = {(p.__name__, q.__name__) for p, q in torch.distributions.kl._KL_REGISTRY
              if hasattr(D(tinygrad_rnn), p.__name__) and hasattr(D(tinygrad_rnn), q.__name__)}
    assert theirs <= ours, sorted(theirs - ours)


@pytest.mark.parametrize("p_name,q_name", CROSS)
def test_cross_family_kl_matches_torch(p_name: str, q_name: str) -> None:
    build_p, params_p = _family(p_name)
    build_q, params_q = _family(q_name)
    k = len(params_p)
    check_parity(lambda m, *ts: D(m).kl_divergence(build_p(m, *ts[:k]), build_q(m, *ts[k:])), params_p + params_q)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pair", PAIRS)
def test_kl_value_and_gradients_match_torch(pair: str, dtype) -> None:
    build, params = PAIRS[pair]
    check_parity(lambda m, *ts: D(m).kl_divergence(*build(m, *ts)), [p.astype(dtype) for p in params])


def test_kl_is_infinite_where_torch_says_so() -> None:
    check_parity(lambda m, a: D(m).kl_divergence(D(m).Uniform(a - 1, a + 1), D(m).Uniform(a - 0.5, a + 2)),
                 [real()], requires_grad=[False])
    check_parity(lambda m, p: D(m).kl_divergence(D(m).Categorical(probs=p), D(m).Categorical(
        probs=m.tensor([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]], dtype=m.float64))),
        [np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])])
    check_parity(lambda m, p: D(m).kl_divergence(D(m).Bernoulli(p), D(m).Bernoulli(
        m.tensor([1.0, 0.0, 0.3], dtype=m.float64))), [np.array([0.4, 0.0, 1.0])])
    check_parity(lambda m, a: D(m).kl_divergence(D(m).Binomial(7, a), D(m).Binomial(5, a)), [unit()])
    check_parity(lambda m, a: D(m).kl_divergence(D(m).Normal(a, 1.0), D(m).Uniform(a - 1, a + 1)), [real()])


def test_kl_torch_makes_infinite_in_place_has_its_index_put_node() -> None:
    """Where torch writes `result[mask] = inf` the KL's node is IndexPutBackward0; where it calls
    torch.where (ContinuousBernoulli against Uniform), WhereBackward0."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        a = m.tensor([0.5, 1.5, 2.5], requires_grad=True)
        pairs = {"uniform": (D(m).Uniform(a - 1, a), D(m).Uniform(a - 2, a + 1)),
                 "pareto": (D(m).Pareto(a, a), D(m).Normal(a, a)),
                 "uniform_gamma": (D(m).Uniform(a - 1, a), D(m).Gamma(a, a)),
                 "binomial": (D(m).Binomial(5, a / 3), D(m).Binomial(5, a / 4)),
                 "uniform_cb": (D(m).Uniform(a / 4, a / 3), D(m).ContinuousBernoulli(a / 3))}
        names = {k: D(m).kl_divergence(p, q).grad_fn.name() for k, (p, q) in pairs.items()}
        assert names == {**dict.fromkeys(list(pairs)[:4], "IndexPutBackward0"), "uniform_cb": "WhereBackward0"}, \
            (m.__name__, names)


def test_unregistered_pairs_and_mismatches_raise_torchs_errors() -> None:
    check_error(lambda m: D(m).kl_divergence(D(m).Categorical(m.ones(2)), D(m).Normal(0.0, 1.0)))
    check_error(lambda m: D(m).kl_divergence(D(m).Binomial(3, m.tensor([0.5])), D(m).Binomial(5, m.tensor([0.5]))))
    check_error(lambda m: D(m).kl_divergence(D(m).MultivariateNormal(m.zeros(2), m.eye(2)),
                                             D(m).MultivariateNormal(m.zeros(3), m.eye(3))))
    check_error(lambda m: D(m).kl_divergence(D(m).LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), m.ones(2)),
                                             D(m).MultivariateNormal(m.zeros(3), m.eye(3))))
    check_error(lambda m: D(m).kl_divergence(D(m).LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), m.ones(2)),
                                             D(m).LowRankMultivariateNormal(m.zeros(3), m.ones(3, 1), m.ones(3))))
    check_error(lambda m: D(m).kl_divergence(D(m).Independent(D(m).Normal(m.zeros(2, 2), 1.0), 1),
                                             D(m).Independent(D(m).Normal(m.zeros(2, 2), 1.0), 2)))


def test_register_kl_is_used_for_subclasses_most_specific_first() -> None:
    dist = D(tinygrad_rnn)

    class MyNormal(dist.Normal):
        pass

    p, q = MyNormal(0.0, 1.0), dist.Normal(1.0, 2.0)
    inherited = dist.kl_divergence(p, q)
    assert float(inherited) == pytest.approx(float(dist.kl_divergence(dist.Normal(0.0, 1.0), q)), rel=1e-12)

    @dist.register_kl(MyNormal, dist.Normal)
    def _constant(p, q):
        return tinygrad_rnn.tensor(42.0)

    assert float(dist.kl_divergence(p, q)) == 42.0
    assert float(dist.kl_divergence(q, dist.Normal(0.0, 1.0))) != 42.0
    with pytest.raises(TypeError):
        dist.register_kl(int, dist.Normal)


def test_kl_of_transformed_distributions_requires_equal_transforms() -> None:
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        p = D(m).TransformedDistribution(D(m).Normal(0.0, 1.0), [D(m).ExpTransform()])
        q = D(m).TransformedDistribution(D(m).Normal(1.0, 2.0), [D(m).ExpTransform()])
        same_as_bases = D(m).kl_divergence(D(m).Normal(0.0, 1.0), D(m).Normal(1.0, 2.0))
        assert float(D(m).kl_divergence(p, q)) == float(same_as_bases)
        with pytest.raises(NotImplementedError):
            D(m).kl_divergence(p, D(m).TransformedDistribution(D(m).Normal(1.0, 2.0), [D(m).TanhTransform()]))

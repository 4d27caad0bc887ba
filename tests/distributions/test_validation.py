"""Argument and value checks: torch's ValueError (type and message) for a bad parameter, a value
outside the support, a value of the wrong shape, and the constructor misuses; validate_args=False
turns the checks off as in torch."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def D(m):
    return m.distributions


BAD_PARAMETERS = {
    "Normal": lambda m: D(m).Normal(m.zeros(2), m.tensor([1.0, -1.0])),
    "Uniform": lambda m: D(m).Uniform(m.tensor([0.0, 2.0]), m.tensor([1.0, 1.0])),
    "Exponential": lambda m: D(m).Exponential(m.tensor([0.0])),
    "Laplace": lambda m: D(m).Laplace(0.0, m.tensor(-2.0)),
    "Cauchy": lambda m: D(m).Cauchy(m.tensor([float("nan")]), 1.0),
    "Gumbel": lambda m: D(m).Gumbel(0.0, m.tensor([-1.0])),
    "LogNormal": lambda m: D(m).LogNormal(0.0, m.tensor([0.0])),
    "HalfNormal": lambda m: D(m).HalfNormal(m.tensor([-1.0])),
    "Gamma": lambda m: D(m).Gamma(m.tensor([1.0, -1.0]), 1.0),
    "Chi2": lambda m: D(m).Chi2(m.tensor([-1.0])),
    "Beta": lambda m: D(m).Beta(m.tensor([1.0, -1.0]), 1.0),
    "Dirichlet": lambda m: D(m).Dirichlet(m.tensor([1.0, 0.0])),
    "StudentT": lambda m: D(m).StudentT(m.tensor([-1.0])),
    "Poisson": lambda m: D(m).Poisson(m.tensor([-0.5])),
    "Binomial": lambda m: D(m).Binomial(m.tensor([2.5]), m.tensor([0.5])),
    "Binomial_probs": lambda m: D(m).Binomial(3, m.tensor([1.5])),
    "Geometric": lambda m: D(m).Geometric(m.tensor([0.0, 0.5])),
    "Bernoulli": lambda m: D(m).Bernoulli(m.tensor([1.5])),
    "Categorical": lambda m: D(m).Categorical(probs=m.tensor([-0.5, 1.5])),
    "OneHotCategorical": lambda m: D(m).OneHotCategorical(probs=m.tensor([-0.5, 1.5])),
    "MultivariateNormal_cov": lambda m: D(m).MultivariateNormal(m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]])),
    "MultivariateNormal_tril": lambda m: D(m).MultivariateNormal(m.zeros(2), scale_tril=m.tensor([[1.0, 1.0],
                                                                                                  [0.0, 1.0]])),
    "RelaxedBernoulli": lambda m: D(m).RelaxedBernoulli(m.tensor(0.5), probs=m.tensor([2.0])),
}


@pytest.mark.parametrize("family", BAD_PARAMETERS)
def test_bad_parameters_raise_torchs_value_error(family: str) -> None:
    check_error(lambda m: BAD_PARAMETERS[family](m))


OUTSIDE_SUPPORT = {
    "Normal": (lambda m: D(m).Normal(0.0, 1.0), lambda m: m.tensor(float("nan"))),
    "Uniform": (lambda m: D(m).Uniform(m.zeros(2), m.ones(2)), lambda m: m.tensor([0.5, 1.5])),
    "Exponential": (lambda m: D(m).Exponential(m.ones(2)), lambda m: m.tensor([-1.0, 1.0])),
    "Gamma": (lambda m: D(m).Gamma(m.ones(2), 1.0), lambda m: m.tensor([-1.0, 1.0])),
    "Beta": (lambda m: D(m).Beta(m.ones(2), 1.0), lambda m: m.tensor([1.5, 0.5])),
    "Dirichlet": (lambda m: D(m).Dirichlet(m.ones(3)), lambda m: m.tensor([0.5, 0.6, 0.1])),
    "Poisson": (lambda m: D(m).Poisson(m.ones(2)), lambda m: m.tensor([1.5, 2.0])),
    "Binomial": (lambda m: D(m).Binomial(3, m.tensor([0.5])), lambda m: m.tensor([4.0])),
    "Geometric": (lambda m: D(m).Geometric(m.tensor([0.5])), lambda m: m.tensor([-1.0])),
    "Bernoulli": (lambda m: D(m).Bernoulli(m.tensor([0.5])), lambda m: m.tensor([0.5])),
    "Categorical": (lambda m: D(m).Categorical(logits=m.zeros(3)), lambda m: m.tensor(3)),
    "OneHotCategorical": (lambda m: D(m).OneHotCategorical(logits=m.zeros(3)), lambda m: m.tensor([1.0, 1.0, 0.0])),
    "Multinomial": (lambda m: D(m).Multinomial(3, logits=m.zeros(3)), lambda m: m.tensor([2.0, 2.0, 0.0])),
    "HalfNormal": (lambda m: D(m).HalfNormal(m.ones(2)), lambda m: m.tensor([-1.0, 1.0])),
    "LogNormal": (lambda m: D(m).LogNormal(0.0, 1.0), lambda m: m.tensor(-1.0)),
    "tanh": (lambda m: D(m).TransformedDistribution(D(m).Normal(0.0, 1.0), [D(m).TanhTransform()]),
             lambda m: m.tensor(1.5)),
}


@pytest.mark.parametrize("family", OUTSIDE_SUPPORT)
def test_values_outside_the_support_raise_torchs_value_error(family: str) -> None:
    build, value = OUTSIDE_SUPPORT[family]
    check_error(lambda m: build(m).log_prob(value(m)))


def test_values_of_the_wrong_shape_or_type_raise_torchs_value_error() -> None:
    check_error(lambda m: D(m).Normal(m.zeros(3), 1.0).log_prob(m.zeros(2)))
    check_error(lambda m: D(m).Normal(m.zeros(3), 1.0).log_prob(0.5))
    check_error(lambda m: D(m).MultivariateNormal(m.zeros(3), m.eye(3)).log_prob(m.zeros(2)))
    check_error(lambda m: D(m).Dirichlet(m.ones(3)).log_prob(m.ones(4) / 4))


def test_constructor_misuse_raises_torchs_errors() -> None:
    check_error(lambda m: D(m).MultivariateNormal(m.zeros(2)))
    check_error(lambda m: D(m).MultivariateNormal(m.zeros(2), m.eye(2), scale_tril=m.eye(2)))
    check_error(lambda m: D(m).MultivariateNormal(m.tensor(0.0), m.eye(2)))
    check_error(lambda m: D(m).MultivariateNormal(m.zeros(2), m.ones(2)))
    check_error(lambda m: D(m).MultivariateNormal(m.zeros(2), scale_tril=m.ones(2)))
    check_error(lambda m: D(m).MultivariateNormal(m.zeros(2), precision_matrix=m.ones(2)))
    check_error(lambda m: D(m).Dirichlet(m.tensor(1.0)))
    check_error(lambda m: D(m).Wishart(2.0, covariance_matrix=m.eye(3)))
    check_error(lambda m: D(m).Wishart(4.0, covariance_matrix=m.eye(3), scale_tril=m.eye(3)))
    check_error(lambda m: D(m).Wishart(4.0, scale_tril=m.ones(3)))
    check_error(lambda m: D(m).LowRankMultivariateNormal(m.tensor(0.0), m.ones(2, 1), m.ones(2)))
    check_error(lambda m: D(m).LowRankMultivariateNormal(m.zeros(2), m.ones(2), m.ones(2)))
    check_error(lambda m: D(m).LowRankMultivariateNormal(m.zeros(2), m.ones(3, 1), m.ones(2)))
    check_error(lambda m: D(m).LowRankMultivariateNormal(m.zeros(2), m.ones(2, 1), m.ones(3)))
    check_error(lambda m: D(m).LowRankMultivariateNormal(m.zeros(2, 2), m.ones(3, 2, 1), m.ones(2)))
    check_error(lambda m: D(m).Geometric())
    check_error(lambda m: D(m).Binomial(3))
    check_error(lambda m: D(m).Multinomial(m.tensor(3), m.ones(2)))
    check_error(lambda m: D(m).Independent(D(m).Normal(m.zeros(2), 1.0), 2))
    check_error(lambda m: D(m).RelaxedBernoulli(m.tensor(0.5)))
    check_error(lambda m: D(m).Binomial(m.tensor([2.0, 3.0]), m.tensor([0.5, 0.5])).entropy())
    check_error(lambda m: D(m).Normal(0.0, 1.0).expand((2,)).enumerate_support())
    # parameters whose shapes do not broadcast: torch.broadcast_tensors' RuntimeError, not numpy's ValueError
    check_error(lambda m: D(m).Normal(m.zeros(2), m.ones(3)))
    check_error(lambda m: D(m).StudentT(m.ones(2), 0.0, m.ones(3, 4)))


@pytest.mark.parametrize("value", [np.float32(1.0), np.int64(1), np.bool_(True), np.array(1.0), "1"],
                         ids=["float32", "int64", "bool_", "array", "str"])
def test_parameters_that_are_not_python_numbers_or_tensors_raise_as_in_torch(value) -> None:
    """torch's broadcast_all takes int, float and bool (np.float64 is a float); numbers.Number let numpy's
    other scalars in."""
    check_error(lambda m: D(m).Normal(value, 2.0))
    check_error(lambda m: D(m).Laplace(m.zeros(2), value))


@pytest.mark.parametrize("value", [np.float64(0.5), True, 2])
def test_python_numbers_and_float64_scalars_are_taken_as_in_torch(value) -> None:
    torch = require_torch()
    ours, theirs = (D(m).Normal(value, 2.0) for m in (tinygrad_rnn, torch))
    assert (ours.mean.item(), ours.mean.dtype.is_floating_point, tuple(ours.batch_shape)) == \
        (theirs.mean.item(), theirs.mean.dtype.is_floating_point, tuple(theirs.batch_shape))


def test_validate_args_false_skips_the_checks_as_in_torch() -> None:
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        d = D(m).Normal(m.zeros(2), m.tensor([1.0, -1.0]), validate_args=False)
        assert d.log_prob(m.zeros(2)).shape == (2,)
        assert D(m).Exponential(m.ones(1), validate_args=False).log_prob(m.tensor([-1.0])).shape == (1,)


def test_set_default_validate_args_switches_checking_everywhere() -> None:
    dist = D(tinygrad_rnn)
    try:
        dist.Distribution.set_default_validate_args(False)
        assert dist.Normal(0.0, -1.0).scale.item() == -1.0
    finally:
        dist.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        dist.Normal(0.0, -1.0)

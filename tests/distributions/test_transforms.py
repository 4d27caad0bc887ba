"""Transforms and TransformedDistribution against torch: forward, inverse, log|det J|, shapes,
caching, equality, reprs, and distributions built from them (log_prob, cdf, icdf, gradients)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(3)


def T(m):
    return m.distributions.transforms


# name -> (build(m, x) -> transform, input array in its domain)
TRANSFORMS = {
    "Exp": (lambda m, x: T(m).ExpTransform(), RNG.standard_normal((2, 3))),
    "Sigmoid": (lambda m, x: T(m).SigmoidTransform(), RNG.standard_normal((2, 3)) * 3),
    "Tanh": (lambda m, x: T(m).TanhTransform(), RNG.standard_normal((2, 3)) * 2),
    "Affine": (lambda m, x: T(m).AffineTransform(0.5, -2.0), RNG.standard_normal((2, 3))),
    "Affine_tensor": (lambda m, x: T(m).AffineTransform(m.ones(3, dtype=x.dtype), m.tensor(
        [1.0, -2.0, 0.5], dtype=x.dtype), event_dim=1), RNG.standard_normal((2, 3))),
    "Power": (lambda m, x: T(m).PowerTransform(m.tensor(2.5, dtype=x.dtype)), RNG.uniform(0.2, 2.0, (2, 3))),
    "Abs": (lambda m, x: T(m).AbsTransform(), RNG.standard_normal((2, 3))),
    "Softmax": (lambda m, x: T(m).SoftmaxTransform(), RNG.standard_normal((2, 3))),
    "Compose": (lambda m, x: T(m).ComposeTransform([T(m).AffineTransform(0.0, 2.0), T(m).SigmoidTransform(),
                                                     T(m).AffineTransform(-1.0, 2.0)]), RNG.standard_normal((2, 3))),
    "Inverse": (lambda m, x: T(m).ExpTransform().inv, RNG.uniform(0.2, 3.0, (2, 3))),
    "Softplus": (lambda m, x: T(m).SoftplusTransform(), RNG.standard_normal((2, 3)) * 3),
    "StickBreaking": (lambda m, x: T(m).StickBreakingTransform(), RNG.standard_normal((2, 3))),
    "CorrCholesky": (lambda m, x: T(m).CorrCholeskyTransform(), RNG.standard_normal((2, 6))),
    "LowerCholesky": (lambda m, x: T(m).LowerCholeskyTransform(), RNG.standard_normal((2, 3, 3))),
    "PositiveDefinite": (lambda m, x: T(m).PositiveDefiniteTransform(), RNG.standard_normal((2, 3, 3))),
    "Independent": (lambda m, x: T(m).IndependentTransform(T(m).SigmoidTransform(), 1), RNG.standard_normal((2, 3))),
    "Reshape": (lambda m, x: T(m).ReshapeTransform((2, 3), (3, 2)), RNG.standard_normal((4, 2, 3))),
    "Cat": (lambda m, x: T(m).CatTransform([T(m).ExpTransform(), T(m).AffineTransform(1.0, 3.0)], dim=-1,
                                           lengths=[1, 2]), RNG.standard_normal((2, 3))),
    "Stack": (lambda m, x: T(m).StackTransform([T(m).ExpTransform(), T(m).TanhTransform()], dim=0),
              RNG.standard_normal((2, 3))),
    "CumulativeDistribution": (lambda m, x: T(m).CumulativeDistributionTransform(m.distributions.Normal(
        m.tensor(0.5, dtype=x.dtype), m.tensor(2.0, dtype=x.dtype))), RNG.standard_normal((2, 3))),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", TRANSFORMS)
def test_forward_inverse_and_log_det_match_torch(name: str, dtype) -> None:
    build, x = TRANSFORMS[name]

    def fn(m, x):
        t = build(m, x)
        y = t(x)
        out = [y, t.inv(y)]
        if t.bijective:
            out.append(t.log_abs_det_jacobian(x, y))
        return out

    check_parity(fn, [x.astype(dtype)])


# transforms whose equality is identity, in torch as here
SAME_ONLY_IF_IDENTICAL = {"Inverse", "Independent", "Reshape", "Cat", "Stack", "CumulativeDistribution"}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_attributes_and_repr_match_torch(name: str) -> None:
    torch = require_torch()
    build, x = TRANSFORMS[name]
    ours, theirs = build(tinygrad_rnn, tinygrad_rnn.tensor(x)), build(torch, torch.tensor(x))
    assert repr(ours) == repr(theirs)
    assert ours.bijective == theirs.bijective
    assert repr(ours.domain) == repr(theirs.domain) and repr(ours.codomain) == repr(theirs.codomain)
    assert ours.domain.event_dim == theirs.domain.event_dim
    assert ours.codomain.event_dim == theirs.codomain.event_dim
    shape = (4,) + x.shape
    assert tuple(ours.forward_shape(shape)) == tuple(theirs.forward_shape(shape))
    out_shape = tuple(theirs.forward_shape(shape))
    assert tuple(ours.inverse_shape(out_shape)) == tuple(theirs.inverse_shape(out_shape))
    assert ours == build(tinygrad_rnn, tinygrad_rnn.tensor(x)) or name in SAME_ONLY_IF_IDENTICAL
    assert ours.inv.inv is ours


def test_cache_returns_the_exact_input_of_the_last_call() -> None:
    t = tinygrad_rnn.distributions.TanhTransform(cache_size=1)
    x = tinygrad_rnn.tensor([25.0, -0.5])  # tanh(25) rounds to 1: atanh could not get 25 back
    y = t(x)
    assert t.inv(y) is x
    assert tinygrad_rnn.distributions.TanhTransform().inv(y)[0].item() != 25.0
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        tinygrad_rnn.distributions.ExpTransform(cache_size=2)


def test_equality_of_transforms() -> None:
    T_ = tinygrad_rnn.distributions
    assert T_.ExpTransform() == T_.ExpTransform() and T_.ExpTransform() != T_.TanhTransform()
    assert T_.AffineTransform(1.0, 2.0) == T_.AffineTransform(1.0, 2.0)
    assert T_.AffineTransform(1.0, 2.0) != T_.AffineTransform(1.0, 3.0)
    assert T_.ComposeTransform([T_.ExpTransform()]) == T_.ComposeTransform([T_.ExpTransform()])
    assert T_.ExpTransform().inv == T_.ExpTransform().inv


# TransformedDistribution: name -> (build(m, *params), params, value in the support)
TRANSFORMED = {
    "tanh-squashed Normal": (lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Normal(a, b), [m.distributions.TanhTransform()]),
        [RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)], np.array([0.3, -0.9, 0.99])),
    "scaled tanh policy": (lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Independent(m.distributions.Normal(a, b), 1),
        [m.distributions.TanhTransform(), m.distributions.AffineTransform(1.0, 2.0)]),
        [RNG.standard_normal((2, 3)), RNG.uniform(0.5, 2, (2, 3))], np.array([0.3, -0.9, 2.5])),
    "logit-normal": (lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Normal(a, b), m.distributions.SigmoidTransform()),
        [RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)], np.array([0.1, 0.5, 0.8])),
    "decreasing affine": (lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Exponential(b), [m.distributions.AffineTransform(a, -1.0)]),
        [RNG.standard_normal(3), RNG.uniform(0.5, 2, 3)], np.array([-3.0, -2.0, -1.5])),
    "power of uniform": (lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Uniform(a.abs(), a.abs() + b), [m.distributions.PowerTransform(2.0)]),
        [RNG.uniform(0.2, 0.5, 3), RNG.uniform(1.0, 2, 3)], np.array([0.5, 1.0, 2.0])),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", TRANSFORMED)
def test_transformed_distribution_matches_torch(name: str, dtype) -> None:
    build, params, value = TRANSFORMED[name]

    def fn(m, *ts):
        d = build(m, *ts)
        v = m.tensor(value, dtype=ts[0].dtype)
        out = [d.log_prob(v)]
        if name in ("logit-normal", "decreasing affine", "tanh-squashed Normal"):
            out += [d.cdf(v), d.icdf(m.tensor([0.2, 0.5, 0.9], dtype=ts[0].dtype))]
        m.manual_seed(1)
        return out + [d.rsample((2,))]

    check_parity(fn, [p.astype(dtype) for p in params])


@pytest.mark.parametrize("name", TRANSFORMED)
def test_transformed_shapes_support_and_expand_match_torch(name: str) -> None:
    torch = require_torch()
    build, params, _ = TRANSFORMED[name]
    ours, theirs = build(tinygrad_rnn, *map(tinygrad_rnn.tensor, params)), build(torch, *map(torch.tensor, params))
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert repr(ours.support) == repr(theirs.support)
    assert repr(ours) == repr(theirs)
    e_ours, e_theirs = ours.expand((4,) + tuple(ours.batch_shape)), theirs.expand((4,) + tuple(theirs.batch_shape))
    assert tuple(e_ours.sample().shape) == tuple(e_theirs.sample().shape)


def test_transformed_log_prob_gradient_agrees_with_finite_differences() -> None:
    value = np.array([0.3, -0.6])
    check_finite_differences(lambda m, a, b: m.distributions.TransformedDistribution(
        m.distributions.Normal(a, b), [m.distributions.TanhTransform()]).log_prob(m.tensor(value)),
        [np.array([0.2, -0.1]), np.array([0.7, 1.4])])


def test_bad_transform_arguments_raise_torchs_errors() -> None:
    check_error(lambda m: m.distributions.TransformedDistribution(m.distributions.Normal(0.0, 1.0), "exp"))
    check_error(lambda m: m.distributions.TransformedDistribution(m.distributions.Normal(0.0, 1.0), [1]))
    check_error(lambda m: m.distributions.TransformedDistribution(m.distributions.Normal(0.0, 1.0),
                                                                  [m.distributions.SoftmaxTransform()]))

"""biject_to / transform_to against torch: the same transform for each constraint, and its values
land inside the constraint."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(6)


def C(m):
    return m.distributions.constraints


# name -> (constraint of module m, an unconstrained input)
CONSTRAINTS = {
    "real": (lambda m: C(m).real, RNG.standard_normal(3)),
    "positive": (lambda m: C(m).positive, RNG.standard_normal(3)),
    "nonnegative": (lambda m: C(m).nonnegative, RNG.standard_normal(3)),
    "greater_than": (lambda m: C(m).greater_than(2.0), RNG.standard_normal(3)),
    "greater_than_eq": (lambda m: C(m).greater_than_eq(-1.0), RNG.standard_normal(3)),
    "less_than": (lambda m: C(m).less_than(0.5), RNG.standard_normal(3)),
    "unit_interval": (lambda m: C(m).unit_interval, RNG.standard_normal(3)),
    "interval": (lambda m: C(m).interval(-2.0, 3.0), RNG.standard_normal(3)),
    "half_open_interval": (lambda m: C(m).half_open_interval(0.0, 4.0), RNG.standard_normal(3)),
    "simplex": (lambda m: C(m).simplex, RNG.standard_normal((2, 3))),
    "real_vector": (lambda m: C(m).real_vector, RNG.standard_normal((2, 3))),
    "independent positive": (lambda m: C(m).independent(C(m).positive, 1), RNG.standard_normal((2, 3))),
    "lower_cholesky": (lambda m: C(m).lower_cholesky, RNG.standard_normal((2, 3, 3))),
    "positive_definite": (lambda m: C(m).positive_definite, RNG.standard_normal((2, 3, 3))),
    "corr_cholesky": (lambda m: C(m).corr_cholesky, RNG.standard_normal((2, 3))),
    "cat": (lambda m: C(m).cat([C(m).positive, C(m).real], dim=-1, lengths=[1, 2]), RNG.standard_normal((2, 3))),
    "stack": (lambda m: C(m).stack([C(m).positive, C(m).unit_interval], dim=0), RNG.standard_normal((2, 3))),
}


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name", CONSTRAINTS)
def test_registry_gives_torchs_transform(registry: str, name: str) -> None:
    torch = require_torch()
    build, x = CONSTRAINTS[name]

    def lookup(m):
        return getattr(m.distributions, registry)(build(m))

    try:
        theirs = lookup(torch)
    except NotImplementedError:
        check_error(lambda m: lookup(m))
        return
    ours = lookup(tinygrad_rnn)
    assert repr(ours) == repr(theirs)
    check_parity(lambda m, t: lookup(m)(t), [x])
    y = ours(tinygrad_rnn.tensor(x))
    assert bool(build(tinygrad_rnn).check(y).all())


def test_register_adds_a_constraint_and_rejects_non_constraints() -> None:
    dist = tinygrad_rnn.distributions

    class Odd(dist.constraints.Constraint):
        pass

    dist.transform_to.register(Odd, lambda c: dist.ExpTransform())
    assert dist.transform_to(Odd()) == dist.ExpTransform()
    with pytest.raises(TypeError):
        dist.transform_to.register(int, lambda c: c)
    check_error(lambda m: m.distributions.biject_to(m.distributions.constraints.boolean))

"""Constraint objects against torch: the repr of every bounded constraint (the bounds given)."""
from __future__ import annotations

import pytest
from helpers import require_torch

import tinygrad_rnn

BOUNDED = {
    "positive": lambda c: c.positive,
    "nonnegative": lambda c: c.nonnegative,
    "greater_than": lambda c: c.greater_than(2),
    "greater_than_eq": lambda c: c.greater_than_eq(1.5),
    "less_than": lambda c: c.less_than(3),
    "interval": lambda c: c.interval(0, 1),
    "unit_interval": lambda c: c.unit_interval,
    "half_open_interval": lambda c: c.half_open_interval(0.0, 1.0),
    "integer_interval": lambda c: c.integer_interval(0, 5),
    "nonnegative_integer": lambda c: c.nonnegative_integer,
    "positive_integer": lambda c: c.positive_integer,
    "multinomial": lambda c: c.multinomial(3),  # has an upper_bound, but torch shows none
}


@pytest.mark.parametrize("name", BOUNDED)
def test_bounded_constraint_repr_matches_torch(name: str) -> None:
    torch = require_torch()
    build = BOUNDED[name]
    assert repr(build(tinygrad_rnn.distributions.constraints)) == repr(build(torch.distributions.constraints))


def test_torch_underscore_class_names_name_the_same_classes() -> None:
    """Code written for torch tests constraints with isinstance(c, constraints._Interval) and the like."""
    torch = require_torch()
    theirs, ours = torch.distributions.constraints, tinygrad_rnn.distributions.constraints
    private = [n for n in vars(theirs) if n.startswith("_") and not n.startswith("__") and isinstance(vars(theirs)[n], type)]
    assert private and all(isinstance(getattr(ours, n), type) for n in private)
    for name in theirs.__all__:
        kind = type(getattr(theirs, name))
        if kind.__name__.startswith("_") and kind.__module__ == theirs.__name__:
            assert isinstance(getattr(ours, name), getattr(ours, kind.__name__)), name


def test_integer_less_than_matches_torch() -> None:
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        c = m.distributions.constraints._IntegerLessThan(3)
        results.append((repr(c), c.is_discrete, c.event_dim, c.check(m.tensor([1.0, 3.0, 5.0, 2.5])).tolist()))
    assert results[0] == results[1]

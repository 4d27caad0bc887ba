"""Arguments of the wrong type raise torch's TypeError, naming the argument and its position, instead of an
error from inside (an AttributeError on a str, a numpy error)."""
from __future__ import annotations

import pytest
from helpers import check_error

WRONG_TYPES = {  # F is m.nn.functional, x a (2, 3) tensor of ones
    "cross_entropy target": lambda F, m, x: F.cross_entropy(x, "a"),
    "kl_div target": lambda F, m, x: F.kl_div(x, "a"),
    "triplet negative": lambda F, m, x: F.triplet_margin_loss(x, x, "a"),
    "triplet anchor": lambda F, m, x: F.triplet_margin_loss("a", x, x),
    "hinge target": lambda F, m, x: F.hinge_embedding_loss(x, "a"),
    "poisson target": lambda F, m, x: F.poisson_nll_loss(x, "a"),
    "multi_margin target": lambda F, m, x: F.multi_margin_loss(x, "a"),
    "soft_margin target": lambda F, m, x: F.soft_margin_loss(x, "a"),
    "smooth_l1 beta": lambda F, m, x: F.smooth_l1_loss(x, x, beta="a"),
    "huber delta": lambda F, m, x: F.huber_loss(x, x, delta="a"),
    "one_hot num_classes": lambda F, m, x: F.one_hot(m.tensor([1]), "a"),
    "batch_norm running_mean": lambda F, m, x: F.batch_norm(x, "a", "a"),
    "batch_norm weight": lambda F, m, x: F.batch_norm(x, m.zeros(3), m.ones(3), weight="a"),
    "instance_norm running_mean": lambda F, m, x: F.instance_norm(m.ones(2, 3, 4), "a"),
    "grid_sample grid": lambda F, m, x: F.grid_sample(m.ones(1, 1, 2, 2), "a", align_corners=False),
}


@pytest.mark.parametrize("case", list(WRONG_TYPES))
def test_wrong_argument_type_raises_torchs_type_error(case):
    check_error(lambda m: WRONG_TYPES[case](m.nn.functional, m, m.ones(2, 3)))


CONSTRUCTORS = {  # nn is m.nn
    "Unflatten int size": lambda nn: nn.Unflatten(1, 3), "Unflatten str size": lambda nn: nn.Unflatten(1, "ab"),
    "Unflatten float entry": lambda nn: nn.Unflatten(1, (2.0, 2)), "Unflatten nested": lambda nn: nn.Unflatten(1, ((1, 2),)),
    "Dropout str p": lambda nn: nn.Dropout("a"),
}


@pytest.mark.parametrize("case", list(CONSTRUCTORS))
def test_constructor_argument_of_the_wrong_type(case):
    check_error(lambda m: CONSTRUCTORS[case](m.nn))

"""torch.set_printoptions: after the same call, repr(tensor) is torch's, character for character."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

OPTIONS = [
    dict(precision=2), dict(precision=7), dict(precision=0), dict(threshold=5), dict(threshold=5, edgeitems=1),
    dict(edgeitems=2, threshold=20), dict(linewidth=40), dict(linewidth=150), dict(profile="short"),
    dict(profile="full"), dict(sci_mode=True), dict(sci_mode=False), dict(profile="short", precision=5),
    dict(sci_mode=True, precision=2), dict(profile="nonsense"),
]


def _values():
    rng = np.random.default_rng(0)
    return [
        rng.standard_normal(7), rng.standard_normal((4, 6)) * 100, rng.standard_normal((3, 4, 5)),
        np.arange(40.0), np.array([1e-6, 3.0, 2e5]), np.array([0.0, np.inf, np.nan, -2.5]),
        rng.standard_normal(1200), np.array([1.0, 2.0, 30.0]), np.array(3.14159), rng.standard_normal((30, 50)),
        np.arange(25), np.array([True, False, True, False, True, True, True]),
    ]


@pytest.fixture
def reset_print_options():
    torch = require_torch()
    yield
    for m in (tinygrad_rnn, torch):
        m.set_printoptions(profile="default")


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_repr_follows_the_options(options, dtype, reset_print_options):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        m.set_printoptions(**options)
    for values in _values():
        if values.dtype.kind == "f":
            values = values.astype(dtype)
        assert repr(tinygrad_rnn.tensor(values)) == repr(torch.tensor(values)), values


def test_leaving_out_sci_mode_sets_it_back(reset_print_options):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        m.set_printoptions(sci_mode=True)
        m.set_printoptions(precision=3)
    assert repr(tinygrad_rnn.tensor([1.5, 2.25])) == repr(torch.tensor([1.5, 2.25])) == "tensor([1.500, 2.250])"


def test_default_profile_restores_the_defaults(reset_print_options):
    tinygrad_rnn.set_printoptions(precision=1, threshold=3, edgeitems=1, linewidth=20, sci_mode=True)
    tinygrad_rnn.set_printoptions(profile="default")
    assert repr(tinygrad_rnn.tensor([1.23456, 2.0, 3.0, 4.0])) == "tensor([1.2346, 2.0000, 3.0000, 4.0000])"

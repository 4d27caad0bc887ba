"""`t.X_()` on a tensor inside a graph: the op saves the old values for backward (an alias of t, not t
itself, whose version the write bumps), so backward works as in torch."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

CALLS = {"sin_": (), "abs_": (), "clamp_": (0.2, 0.5), "clamp_min_": (0.4,), "mul_": (2.0,), "pow_": (3,),
         "tanh_": (), "sigmoid_": ()}


@pytest.mark.parametrize("name", CALLS)
def test_backward_through_an_in_place_method(name):
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        leaf = m.tensor([0.1, 0.45, 0.9], dtype=m.float64, requires_grad=True)
        x = leaf * 1
        getattr(x, name)(*CALLS[name])
        (x * m.tensor([1.0, -2.0, 3.0], dtype=m.float64)).sum().backward()
        grads.append((leaf.grad.numpy(), type(x.grad_fn).__name__))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    assert grads[0][1] == grads[1][1]

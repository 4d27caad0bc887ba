"""torch.cond and torch.while_loop run eagerly, against torch: the branch taken and its gradients, the loop's
carried values, and torch's argument errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

X = np.array([1.5, -0.5, 2.0])


@pytest.mark.parametrize("call", [
    lambda m, x: m.cond(x.sum() > 0, lambda a: a * 2, lambda a: a.sin(), (x,)),
    lambda m, x: m.cond(x.sum() < 0, lambda a: a * 2, lambda a: a.sin(), [x]),
    lambda m, x: m.cond(True, lambda a, b: a * b, lambda a, b: a + b, (x, 3)),
    lambda m, x: m.cond(m.tensor([0]), lambda: x * 2, lambda: x.exp()),
    lambda m, x: m.cond(x.sum() > 0, lambda a: (a.tanh(), a * 3), lambda a: (a + 1, a * a), (x,)),
    lambda m, x: m.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * s.cos()), (m.tensor(0), x)),
    lambda m, x: m.while_loop(lambda i: i < 3, lambda i: i + 1, (m.tensor(0),)),
    lambda m, x: m.while_loop(lambda s: s.sum() < 20, lambda s: (s * 2,), (x,)),
])
def test_control_flow_matches_torch(call):
    check_parity(call, [X])


def test_a_loop_that_never_runs_returns_copies_with_their_gradient():
    """torch 2.13 gives the inputs of such a loop twice the gradient (measured: ones(2) back for a sum); the copy's
    gradient is the upstream one, which is what we give."""
    x = tinygrad_rnn.tensor(X, requires_grad=True)
    i, s = tinygrad_rnn.while_loop(lambda i, s: i < 0, lambda i, s: (i + 1, s * 2), [tinygrad_rnn.tensor(0), x])
    s.sum().backward()
    assert i.item() == 0 and s is not x and x.grad.tolist() == [1.0, 1.0, 1.0]


def test_while_loop_carries_ints():
    run = lambda m: m.while_loop(lambda i: i < 3, lambda i: (i + 1,), (0,))  # noqa: E731
    assert run(tinygrad_rnn) == run(require_torch()) == (3,)


@pytest.mark.parametrize("call", [
    lambda m, x: m.cond(x > 0, lambda a: a, lambda a: a, (x,)), lambda m, x: m.cond(None, lambda: 1, lambda: 2),
    lambda m, x: m.cond(x.sum() > 0, lambda a: a, 5, (x,)), lambda m, x: m.cond(x.sum() > 0, lambda a: a, 5, x),
    lambda m, x: m.cond(x.sum() > 0, lambda a, b: a, lambda a, b: a, (x, 3)),
    lambda m, x: m.while_loop(lambda i: i < 3, 5, (m.tensor(0),)),
    lambda m, x: m.while_loop(lambda i: i < 3, lambda i: (i + 1,), (m.tensor(0), 1.5)),
    lambda m, x: m.while_loop(lambda i: i < 3, lambda i: (i + 1,), (m.tensor(0),), ()),
])
def test_control_flow_errors_match_torch(call):
    check_error(lambda m: call(m, m.tensor(X)))

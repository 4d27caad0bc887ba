"""Tensor.register_hook, compared with torch: leaf and non-leaf hooks, replacing and observing hooks,
their order, removal, retain_grad together with a hook, and the error for a tensor without grad."""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _run(m, x_values, program):
    x = m.tensor(x_values, requires_grad=True)
    seen: list = []
    out = program(m, x, seen)
    out.backward()
    return x.grad.numpy().copy(), [s.detach().numpy().copy() for s in seen]


def _same(program):
    torch = require_torch()
    values = np.array([0.5, -1.5, 2.0])
    ours, theirs = _run(tinygrad_rnn, values, program), _run(torch, values, program)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    assert len(ours[1]) == len(theirs[1])
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_leaf_hook_replaces_the_gradient_before_it_is_stored():
    def program(m, x, seen):
        x.register_hook(lambda g: g * 3)
        return (x * x).sum()
    _same(program)


def test_a_non_leaf_hook_changes_what_flows_on():
    def program(m, x, seen):
        y = x.tanh() * 2
        y.register_hook(lambda g: g.clamp(max=0.1))
        return (y * y).sum()
    _same(program)


def test_observing_hooks_run_in_order_and_see_the_replaced_gradient():
    def program(m, x, seen):
        y = x * x
        y.register_hook(lambda g: seen.append(g))
        y.register_hook(lambda g: g + 1)
        y.register_hook(lambda g: seen.append(g))
        return y.sum()
    _same(program)


def test_a_removed_hook_does_not_run():
    def program(m, x, seen):
        handle = x.register_hook(lambda g: g * 100)
        handle.remove()
        handle.remove()  # twice is harmless
        return (x * 2).sum()
    _same(program)


def test_retain_grad_stores_the_hooked_gradient():
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: g * 2)
        (y * y).sum().backward()
        grads.append((y.grad.numpy().copy(), x.grad.numpy().copy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_a_hook_on_a_tensor_without_grad_is_refused():
    check_error(lambda m: m.ones(2).register_hook(lambda g: g))


def test_a_hook_registered_in_a_with_block_is_removed_when_it_ends():
    def program(m, x, seen):
        with x.register_hook(lambda g: g * 100):
            pass
        return (x * 2).sum()
    _same(program)


def _hook_returns(value, leaf=False):
    def program(m):
        x = m.ones(3, requires_grad=True)
        target = x if leaf else x * 2
        target.register_hook(lambda g: value(m, g))
        (target * 2).sum().backward()
    return program


@pytest.mark.parametrize("returned", [
    _hook_returns(lambda m, g: m.ones(2)),
    _hook_returns(lambda m, g: m.ones(2), leaf=True),
    _hook_returns(lambda m, g: g.double()),
    _hook_returns(lambda m, g: 5),
])
def test_a_hook_that_returns_a_wrong_gradient_raises_torchs_error(returned):
    check_error(returned)

"""autograd.grad and backward(inputs=...) run only the nodes on a path to the inputs asked for, and take
an input's gradient as torch's engine does: after its hooks when nothing else needs its node, before
them when the node runs on the way to another input; a non-leaf input of backward(inputs=) retains
its grad (after its hooks)."""
from helpers import require_torch

import tinygrad_rnn


def _branches(lib):
    calls = []

    class Spy(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            calls.append("custom backward")
            return g * 2

    a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
    u = b * 3
    u.register_hook(lambda g: calls.append("hook"))
    return calls, a, (a * 2).sum() + Spy.apply(u).sum()


def test_a_branch_that_leads_to_no_input_is_not_run():
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        calls, a, y = _branches(lib)
        (g,) = lib.autograd.grad(y, a, retain_graph=True)
        y.backward(inputs=[a])
        assert calls == [] and g.tolist() == [2.0, 2.0] and a.grad.tolist() == [2.0, 2.0], lib.__name__


def _hooked(lib):
    a = lib.ones(2, requires_grad=True)
    a.register_hook(lambda g: g * 10)
    c = a * 3
    c.register_hook(lambda g: g * 10)
    return a, c, (c * 2).sum()


def test_captured_gradients_see_the_hooks_as_in_torch():
    torch = require_torch()
    results = []
    for lib in (torch, tinygrad_rnn):
        a, c, z = _hooked(lib)
        only_c = lib.autograd.grad(z, c, retain_graph=True)[0].tolist()
        only_a = lib.autograd.grad(z, a, retain_graph=True)[0].tolist()
        both = [g.tolist() for g in lib.autograd.grad(z, [c, a], retain_graph=True)]
        z.backward(inputs=[c, a])
        results.append((only_c, only_a, both, c.grad.tolist(), c.retains_grad, a.grad.tolist()))
    assert results[0] == results[1]
    assert results[1][:3] == ([20.0, 20.0], [600.0, 600.0], [[2.0, 2.0], [600.0, 600.0]])


def test_a_retained_non_leaf_input_is_not_counted_twice():
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        e = lib.ones(2, requires_grad=True) * 3
        e.retain_grad()
        (e * 2).sum().backward(inputs=[e])
        assert e.grad.tolist() == [2.0, 2.0], lib.__name__


def test_a_second_derivative_through_abs_is_zero_not_an_error():
    """torch's abs backward multiplies by sign(x), a node of x: with create_graph the gradient requires grad."""
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        x = lib.tensor([1.0, -2.0, 0.0], requires_grad=True)
        for loss in (lambda t: (t.abs() * 1).sum(), lambda t, m=lib: m.nn.functional.l1_loss(t, m.zeros(3))):
            (g,) = lib.autograd.grad(loss(x), x, create_graph=True)
            assert g.requires_grad, lib.__name__
            (h,) = lib.autograd.grad(g.sum(), x)
            assert float(h.detach().abs().sum()) == 0.0

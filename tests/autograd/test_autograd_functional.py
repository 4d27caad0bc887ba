"""autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) against torch's, on random functions."""
import numpy as np
import pytest
from helpers import assert_arrays_close, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn as tg
from tinygrad_rnn.core.function import Function
from tinygrad_rnn.testing.strategies import arrays, shapes

# Functions written once, run on either module `m`: smooth, with inputs of any shape.
FUNCTIONS = {
    "tanh scaled": lambda m, a: a.tanh() * 2,
    "exp times sum": lambda m, a: a.exp() * a.sum(),
    "softmax": lambda m, a: m.softmax(a.reshape(-1), 0),
    "cube sum": lambda m, a: (a ** 3).sum(),
}
TWO_INPUTS = {
    "outer-ish": lambda m, a, b: (a.sum() * b, a * 2),
    "mixed": lambda m, a, b: ((a.tanh().sum() * b.sigmoid()).sum(),),
}


def both(x):
    torch = require_torch()
    return tg.tensor(x), torch.tensor(x)


def compare(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            compare(a, b)
    else:
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert ours.requires_grad == theirs.requires_grad
        assert_arrays_close(ours, theirs)


@settings(max_examples=10)
@given(st.sampled_from(sorted(FUNCTIONS)), arrays(shapes(max_dims=2, max_side=3)), st.booleans())
def test_jacobian_matches_torch(name, x, create_graph):
    torch = require_torch()
    ours, theirs = both(x)
    fn = FUNCTIONS[name]
    compare(tg.autograd.functional.jacobian(lambda a: fn(tg, a), ours, create_graph=create_graph),
            torch.autograd.functional.jacobian(lambda a: fn(torch, a), theirs, create_graph=create_graph))


@settings(max_examples=8)
@given(st.sampled_from(sorted(TWO_INPUTS)), arrays((2, 3)), arrays((3,)))
def test_jacobian_of_tuples_matches_torch(name, x, y):
    torch = require_torch()
    (a, ta), (b, tb) = both(x), both(y)
    fn = TWO_INPUTS[name]
    compare(tg.autograd.functional.jacobian(lambda p, q: fn(tg, p, q), (a, b)),
            torch.autograd.functional.jacobian(lambda p, q: fn(torch, p, q), (ta, tb)))


@settings(max_examples=8)
@given(arrays((3,)), arrays((2,)))
def test_hessian_matches_torch(x, y):
    torch = require_torch()
    (a, ta), (b, tb) = both(x), both(y)
    f = lambda m, p: (p.tanh() ** 3).sum()
    compare(tg.autograd.functional.hessian(lambda p: f(tg, p), a),
            torch.autograd.functional.hessian(lambda p: f(torch, p), ta))
    g = lambda m, p, q: (p.exp().sum() * q.sin()).sum()
    compare(tg.autograd.functional.hessian(lambda p, q: g(tg, p, q), (a, b)),
            torch.autograd.functional.hessian(lambda p, q: g(torch, p, q), (ta, tb)))


@settings(max_examples=10)
@given(st.sampled_from(["tanh scaled", "exp times sum", "softmax"]), arrays((2, 3)), st.data())
def test_vjp_and_jvp_match_torch(name, x, data):
    torch = require_torch()
    ours, theirs = both(x)
    fn = FUNCTIONS[name]
    out_shape = tuple(fn(torch, theirs).shape)
    v_out, v_out_t = both(data.draw(arrays(out_shape)))
    v_in, v_in_t = both(data.draw(arrays((2, 3))))
    compare(tg.autograd.functional.vjp(lambda a: fn(tg, a), ours, v_out),
            torch.autograd.functional.vjp(lambda a: fn(torch, a), theirs, v_out_t))
    compare(tg.autograd.functional.jvp(lambda a: fn(tg, a), ours, v_in),
            torch.autograd.functional.jvp(lambda a: fn(torch, a), theirs, v_in_t))


def test_jvp_is_jacobian_times_v():
    """The double-vjp trick gives J v: check it against the explicit Jacobian."""
    rng = np.random.default_rng(3)
    x, v = tg.tensor(rng.standard_normal(4)), tg.tensor(rng.standard_normal(4))
    f = lambda a: (a.tanh() * a.sum()).softmax(0)
    jac = tg.autograd.functional.jacobian(f, x)
    _, jv = tg.autograd.functional.jvp(f, x, v)
    np.testing.assert_allclose(jv.numpy(), jac.numpy() @ v.numpy(), rtol=1e-12, atol=1e-14)


def test_hvp_and_vhp_match_torch():
    torch = require_torch()
    rng = np.random.default_rng(4)
    (x, tx), (v, tv) = both(rng.standard_normal(3)), both(rng.standard_normal(3))
    f = lambda m, a: (a.sin() * a.sum() ** 2).sum()
    for name in ("hvp", "vhp"):
        compare(getattr(tg.autograd.functional, name)(lambda a: f(tg, a), x, v),
                getattr(torch.autograd.functional, name)(lambda a: f(torch, a), tx, tv))


def test_vjp_without_v_for_a_scalar_output():
    torch = require_torch()
    x, tx = both(np.array([0.3, -1.2]))
    compare(tg.autograd.functional.vjp(lambda a: a.exp().sum(), x),
            torch.autograd.functional.vjp(lambda a: a.exp().sum(), tx))


def test_inputs_are_not_changed_and_graph_only_with_create_graph():
    x = tg.tensor([0.5, 1.5], requires_grad=True)
    jac = tg.autograd.functional.jacobian(lambda a: a ** 2, x)
    assert not jac.requires_grad and x.grad is None
    jac = tg.autograd.functional.jacobian(lambda a: a ** 2, x, create_graph=True)
    assert jac.requires_grad
    jac.sum().backward()  # d/dx of trace-like sum of 2 diag(x) = 2
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_unused_input_gives_zeros_or_strict_error_like_torch():
    torch = require_torch()
    for m in (tg, torch):
        x = m.tensor([1.0, 2.0], dtype=m.float64)
        jac = m.autograd.functional.jacobian(lambda a, b: a * 2, (x, x.clone()))
        assert not jac[1].any()
    messages = []
    for m in (tg, torch):
        x = m.tensor([1.0, 2.0], dtype=m.float64)
        with pytest.raises(RuntimeError) as info:
            m.autograd.functional.jacobian(lambda a: a.detach(), x, strict=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("call", [
    lambda m, x: m.autograd.functional.vjp(lambda a: a * 2, x),
    lambda m, x: m.autograd.functional.jvp(lambda a: a * 2, x),
    lambda m, x: m.autograd.functional.vjp(lambda a: a * 2, x, m.ones(2, dtype=m.float64)),
    lambda m, x: m.autograd.functional.jacobian(lambda a: a * 2, [x]),
    lambda m, x: m.autograd.functional.jacobian(lambda a: 3.0, x),
    lambda m, x: m.autograd.functional.hessian(lambda a: a * 2, x),
    lambda m, x: m.autograd.functional.jvp(lambda a: a * 2, (x,), (x, x)),
    # forward mode: torch refuses create_graph, then strict, then a list, then vectorize=False, in that order
    lambda m, x: m.autograd.functional.jacobian(lambda a: a * 2, x, create_graph=True, strategy="forward-mode"),
    lambda m, x: m.autograd.functional.jacobian(lambda a: a * 2, x, strict=True, vectorize=True, strategy="forward-mode"),
    lambda m, x: m.autograd.functional.jacobian(lambda a: a * 2, [x], strategy="forward-mode"),
    lambda m, x: m.autograd.functional.jacobian(lambda a: a * 2, x, strategy="forward-mode"),
    lambda m, x: m.autograd.functional.jacobian(lambda a: a * 2, x, strategy="both"),
    lambda m, x: m.autograd.functional.hessian(lambda a: a.sum(), x, create_graph=True, outer_jacobian_strategy="forward-mode"),
    lambda m, x: m.autograd.functional.hessian(lambda a: a.sum(), x, outer_jacobian_strategy="fwd"),
])
def test_errors_match_torch(call):
    torch = require_torch()
    errors = []
    for m in (torch, tg):
        with pytest.raises(Exception) as info:
            call(m, m.zeros(3, dtype=m.float64))
        errors.append((type(info.value), str(info.value).replace("tinygrad_rnn.tensor.Tensor", "torch.Tensor")))
    assert errors[0] == errors[1]


# ---------------------------------------------------------------------------- forward-mode strategies
def _scaled_jvp(m):
    """2x whose forward-mode rule says 3: which rule a Jacobian used shows in its numbers."""

    class TwoX(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def jvp(ctx, t):
            return t * 3

    return TwoX.apply


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_strategy_picks_the_mode_as_torch(strategy):
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(3)
    results = []
    for m in (tg, torch):
        f = _scaled_jvp(m)
        results.append(m.autograd.functional.jacobian(lambda a, f=f: (f(a).sin(), a * 2), m.tensor(x), vectorize=True,
                                                      strategy=strategy))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    scale = 3 if strategy == "forward-mode" else 2
    np.testing.assert_allclose(np.diag(results[0][0].numpy()), scale * np.cos(2 * x), rtol=1e-12)


def test_hessian_forward_over_reverse_matches_torch_and_uses_forward_mode(monkeypatch):
    from tinygrad_rnn.core import forward_mode

    torch = require_torch()
    x = np.random.default_rng(1).standard_normal(4)

    def f(a):
        return (a.sin() * a.exp()).sum() * a.tanh().sum()

    calls = []
    real = forward_mode.apply_with_tangents
    monkeypatch.setattr(Function, "_apply_with_tangents", staticmethod(lambda ctx, args: calls.append(1) or real(ctx, args)))
    ours = tg.autograd.functional.hessian(f, tg.tensor(x), vectorize=True, outer_jacobian_strategy="forward-mode")
    assert calls, "the outer Jacobian did not run in forward mode"
    theirs = torch.autograd.functional.hessian(f, torch.tensor(x), vectorize=True, outer_jacobian_strategy="forward-mode")
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10)
    # torch's outer forward-mode Jacobian leaves the blocks undetached: the dual inputs were made to require grad
    assert (ours.requires_grad, ours.grad_fn.name()) == (theirs.requires_grad, theirs.grad_fn.name())


FORWARD_MODE_SHAPES = {
    "tensor to tensor": (lambda a, b: a.exp(), False),
    "tensor to tuple": (lambda a, b: (a.exp(), a * 2), False),
    "tuple to tensor": (lambda a, b: a.exp() * b, True),
    "tuple to tuple": (lambda a, b: (a.exp() * b, (a + b).sum()), True),
}


@pytest.mark.parametrize("case", list(FORWARD_MODE_SHAPES))
@pytest.mark.parametrize("requires_grad", [False, True])
def test_forward_mode_jacobian_nests_in_lists_and_keeps_history_as_torch(case, requires_grad):
    """torch's forward-mode jacobian returns lists where tuples were given (a tuple where only the outputs were
    one) and does not detach its blocks: an input that requires grad gives them a ReshapeAliasBackward0."""
    torch = require_torch()
    fn, tuple_inputs = FORWARD_MODE_SHAPES[case]
    seen = []
    for m in (tg, torch):
        a = m.tensor([1.0, 2.0], requires_grad=requires_grad)
        b = m.tensor([0.5, -1.0])
        inputs = (a, b) if tuple_inputs else a
        jac = m.autograd.functional.jacobian(fn if tuple_inputs else (lambda x: fn(x, None)), inputs, vectorize=True,
                                             strategy="forward-mode")
        seen.append(_structure(jac))
    assert seen[0] == seen[1]


def _structure(result):
    """The containers, and for each tensor its values and its grad_fn's name."""
    if isinstance(result, (tuple, list)):
        return (type(result).__name__, [_structure(r) for r in result])
    return (result.detach().tolist(), result.grad_fn.name() if result.grad_fn is not None else None)


def test_vectorized_jacobian_adds_the_outputs_rows_in_one_pass_as_torch():
    """torch backpropagates every output's basis rows together, so a zero from x * y (y < 0: a -0) meets the
    zero row of (x + y).sum() and prints as 0., not -0."""
    torch = require_torch()
    printed = []
    for m in (tg, torch):
        x, y = m.tensor([1.0, 2.0]), m.tensor([0.5, -1.0])
        printed.append(str(m.autograd.functional.jacobian(lambda a, b: (a * b, (a + b).sum()), (x, y), vectorize=True)))
    assert printed[0] == printed[1]


def test_hessian_squeezes_a_one_element_output_as_torch():
    torch = require_torch()
    shapes = [tuple(m.autograd.functional.hessian(lambda a: (a ** 3).sum().view(1, 1), m.ones(2)).shape)
              for m in (tg, torch)]
    assert shapes[0] == shapes[1] == (2, 2)


STRICT_SECOND_ORDER = {
    "linear": lambda m: lambda a: a.sum(),
    "constant": lambda m: lambda a: m.ones(()),
    "quadratic": lambda m: lambda a: (a * a).sum(),
    "detached factor": lambda m: lambda a: (a * a.detach()).sum(),
}


@pytest.mark.parametrize("api", ["hvp", "vhp", "hessian"])
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("case", list(STRICT_SECOND_ORDER))
def test_strict_second_order_refuses_a_jacobian_independent_of_the_input_as_torch(case, create_graph, api):
    """strict hvp of a linear function gave the create_graph message, not torch's "While computing the
    hessian, found that the jacobian ... is independent of the input"."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        AF, f = m.autograd.functional, STRICT_SECOND_ORDER[case](m)
        args = (f, m.ones(2), m.ones(2)) if api != "hessian" else (f, m.ones(2))
        try:
            result = getattr(AF, api)(*args, strict=True, create_graph=create_graph)
            seen.append([t.tolist() for t in (result if api != "hessian" else (result,))])
        except RuntimeError as e:
            seen.append(str(e))
    assert seen[0] == seen[1]

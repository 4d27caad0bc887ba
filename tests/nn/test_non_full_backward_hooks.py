"""torch's deprecated Module.register_backward_hook: the hook of the last graph node forward made, with that
node's gradients, and torch's FutureWarnings; also hooks on the node of an op made of several nodes."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _hooked_run(m, make_module, x_shape, requires_grad=True, returns=None):
    """What a non-full hook sees (grad_input and grad_output as float64 arrays, None kept), the
    warnings of the call, and the gradients after backward."""
    m.manual_seed(0)
    module = make_module(m)
    x = m.tensor(np.random.default_rng(0).standard_normal(x_shape), dtype=m.float64, requires_grad=requires_grad)
    module.double()
    seen = []

    def hook(mod, grad_input, grad_output):
        seen.append([[None if g is None else g.detach().numpy().copy() for g in grads]
                     for grads in (grad_input, grad_output)])
        return returns(grad_input) if returns else None

    module.register_backward_hook(hook)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = module(x)
    out = out[0] if isinstance(out, tuple) else out
    (out * out).sum().backward()
    grads = [None if p.grad is None else p.grad.numpy() for p in [x, *module.parameters()]]
    return seen, [f"{w.category.__name__}: {w.message}" for w in caught], grads


def _same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(b, list):
            _same(a, b)
        elif b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


MODULES = {
    "linear": (lambda m: m.nn.Linear(3, 2), (4, 3)),  # AddmmBackward0: bias, input, weight.t() gradients
    "linear 1-d": (lambda m: m.nn.Linear(3, 2), (3,)),
    "relu": (lambda m: m.nn.ReLU(), (4, 3)),
    "sequential": (lambda m: m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Tanh()), (4, 3)),
    "conv1d (a composite node)": (lambda m: m.nn.Conv1d(2, 2, 2), (1, 2, 5)),
    "conv2d without bias": (lambda m: m.nn.Conv2d(1, 2, 2, bias=False), (1, 1, 3, 3)),
    "gelu (a composite node)": (lambda m: m.nn.GELU(), (2, 3)),
    "unflatten (a view)": (lambda m: m.nn.Unflatten(1, (3, 1)), (4, 3)),
}


@pytest.mark.parametrize("case", MODULES)
def test_the_hook_sees_the_last_nodes_gradients_and_warns_as_torch(case):
    torch = require_torch()
    make, shape = MODULES[case]
    ours, theirs = _hooked_run(tinygrad_rnn, make, shape), _hooked_run(torch, make, shape)
    _same(ours[0], theirs[0])
    assert ours[1] == theirs[1]
    _same(ours[2], theirs[2])


def test_a_returned_grad_input_replaces_the_nodes_gradients():
    torch = require_torch()
    zero_bias = lambda gi: (gi[0] * 0, gi[1], gi[2])  # noqa: E731
    ours = _hooked_run(tinygrad_rnn, MODULES["linear"][0], (4, 3), returns=zero_bias)
    theirs = _hooked_run(torch, MODULES["linear"][0], (4, 3), returns=zero_bias)
    _same(ours[2], theirs[2])
    assert not ours[2][2].any()  # the bias got the hook's zeros


def test_replacing_the_gradients_of_a_composite_op_is_refused():
    conv = tinygrad_rnn.nn.Conv1d(2, 2, 2)
    conv.register_backward_hook(lambda mod, gi, go: gi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = conv(tinygrad_rnn.randn(1, 2, 5, requires_grad=True))
    with pytest.raises(NotImplementedError, match="ConvolutionBackward0"):
        out.sum().backward()


def test_the_users_hooks_run_once_when_a_composite_node_is_hooked():
    calls = []
    x = tinygrad_rnn.randn(3, requires_grad=True)
    x.register_hook(lambda g: calls.append("x"))
    y = tinygrad_rnn.nn.functional.gelu(x)
    y.register_hook(lambda g: calls.append("y"))
    y.grad_fn.register_prehook(lambda go: calls.append("pre"))
    y.grad_fn.register_hook(lambda gi, go: calls.append("node"))
    y.sum().backward()
    assert calls == ["y", "pre", "node", "x"]


@pytest.mark.parametrize("first_full", [True, False])
def test_full_and_non_full_hooks_do_not_mix(first_full):
    def register_both(m):
        lin = m.nn.Linear(2, 2)
        kinds = [lin.register_full_backward_hook, lin.register_backward_hook]
        for register in kinds if first_full else kinds[::-1]:
            register(lambda *a: None)
    check_error(register_both)


def test_a_module_returning_a_nested_tuple_gets_torchs_warning():
    torch = require_torch()
    def warning_of(m):
        lstm = m.nn.LSTM(3, 2)
        lstm.register_backward_hook(lambda *a: None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lstm(m.ones(2, 1, 3))
        return [str(w.message) for w in caught]
    assert warning_of(tinygrad_rnn) == warning_of(torch)


@pytest.mark.parametrize("op", ["gelu", "conv1d"])
def test_calling_a_composite_node_gives_the_gradients_of_the_ops_inputs(op):
    torch = require_torch()

    def called(m):
        x = m.tensor(np.linspace(-1, 1, 6).reshape(1, 2, 3), dtype=m.float64, requires_grad=True)
        if op == "gelu":
            out = m.nn.functional.gelu(x)
        else:
            out = m.nn.functional.conv1d(x, m.ones(1, 2, 2, dtype=m.float64, requires_grad=True),
                                         m.ones(1, dtype=m.float64, requires_grad=True))
        grads = out.grad_fn(m.ones_like(out))
        return [g.detach().numpy() for g in (grads if isinstance(grads, tuple) else (grads,))]
    _same(called(tinygrad_rnn), called(torch))

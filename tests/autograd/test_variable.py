"""torch.autograd.Variable (the pre-0.4 wrapper old tutorials use) and the multithreading switch, as torch."""
from __future__ import annotations

import warnings

from helpers import check_error, require_torch

import tinygrad_rnn


def _script(m):
    Variable = m.autograd.Variable
    seen = []
    a = m.ones(2, requires_grad=True)
    x = a * 2
    v = Variable(x)
    seen.append((v.grad_fn is None, v.requires_grad, v.is_leaf))
    v2 = Variable(x, requires_grad=True)
    v2.sum().backward()
    seen.append((v2.is_leaf, a.grad, v2.grad.tolist()))
    y = m.ones(2)
    Variable(y)[0] = 5  # shares y's memory
    seen.append(y.tolist())
    for call in (lambda: Variable(m.ones(2, dtype=m.int64), requires_grad=True), lambda: Variable([1.0]),
                 lambda: m.autograd.variable(m.ones(1))):
        try:
            call()
        except Exception as e:  # noqa: BLE001 - the exception is the outcome
            seen.append((type(e).__name__, str(e)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        seen.append(Variable(m.ones(2), volatile=True).tolist())
    seen.append([str(w.message) for w in caught])
    seen.append((isinstance(m.ones(1), Variable), isinstance(3, Variable), Variable().tolist()))
    seen.append(m.autograd.is_multithreading_enabled())
    with m.autograd.set_multithreading_enabled(False):
        seen.append(m.autograd.is_multithreading_enabled())
    seen.append(m.autograd.is_multithreading_enabled())
    return seen


def test_variable_and_multithreading_switch_behave_as_torch():
    torch = require_torch()
    assert _script(tinygrad_rnn) == _script(torch)


def test_grad_layout_policy_and_view_replay_switches_as_torch():
    """Nothing to switch here (gradients are contiguous, views are never replayed): kept and reported."""
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with m.autograd.enforce_grad_layout_policy(False):
            x = m.ones(2, 3, requires_grad=True)
            (x * 2).sum().backward()

        @m.autograd.enforce_grad_layout_policy(False)
        def doubled(t):
            return t * 2
        assert doubled(m.ones(1)).tolist() == [2.0]
        assert m.autograd.is_view_replay_enabled() is False
    check_error(lambda m: m.autograd.enforce_grad_layout_policy("no"))


def test_grad_dtype_of_leaves_as_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        x = m.ones(2, requires_grad=True)
        assert x.grad_dtype is m.float32 and m.ones(2, dtype=m.long).grad_dtype is m.long
        x.grad_dtype = None
        assert x.grad_dtype is None
        x.grad_dtype = m.float32
        assert x.grad_dtype is m.float32
    check_error(lambda m: (m.ones(2, requires_grad=True) * 2).grad_dtype)
    check_error(lambda m: setattr(m.ones(2, requires_grad=True) * 2, "grad_dtype", m.float32))
    check_error(lambda m: setattr(m.ones(2, requires_grad=True), "grad_dtype", 3))

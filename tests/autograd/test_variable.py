"""torch.autograd.Variable (the pre-0.4 wrapper old tutorials use) and the multithreading switch, as torch."""
from __future__ import annotations

import warnings

from helpers import require_torch

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

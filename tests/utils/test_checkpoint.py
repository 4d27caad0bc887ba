"""torch.utils.checkpoint against torch: the re-entrant checkpoint (run again in backward, with the random
state it first saw) and the plain one give torch's outputs, node names, gradients, warnings and errors,
and leave the global random stream where torch leaves it."""
from __future__ import annotations

import contextlib
import importlib
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _run(m, reentrant):
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint")
    m.manual_seed(0)
    lin = m.nn.Linear(3, 3).double()
    x = m.randn(2, 3, dtype=m.float64, requires_grad=True)

    def block(x):
        return m.nn.functional.dropout(lin(x).tanh(), 0.5, training=True)

    kwargs = {} if reentrant is None else {"use_reentrant": reentrant}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = checkpoint.checkpoint(block, x, **kwargs)
        seq = m.nn.Sequential(*[m.nn.Linear(3, 3).double() for _ in range(4)])
        z = checkpoint.checkpoint_sequential(seq, 2, x, **kwargs)
    (y * m.arange(6.0).reshape(2, 3)).sum().backward()
    z.sum().backward()
    arrays = [y, x.grad, lin.weight.grad, seq[0].weight.grad]
    return ([a.detach().numpy() for a in arrays],
            (type(y.grad_fn).__name__, type(z.grad_fn).__name__, m.rand(1).item(),
             [str(w.message) for w in caught]))


@pytest.mark.parametrize("reentrant", [True, False, None])
def test_checkpoint_matches_torch(reentrant):
    torch = require_torch()
    (ours, our_rest), (theirs, their_rest) = _run(tinygrad_rnn, reentrant), _run(torch, reentrant)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert our_rest == their_rest


def _misuse(m):
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint").checkpoint
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checkpoint(lambda a: a * 2, m.ones(2), use_reentrant=True)
    seen.append([str(w.message) for w in caught])
    for call in (lambda: checkpoint(lambda a: a, m.ones(1), use_reentrant=True, debug=True),
                 lambda: checkpoint(lambda a, b=1: a, m.ones(1), use_reentrant=True, b=2)):
        with pytest.raises(ValueError) as caught_error:
            call()
        seen.append(str(caught_error.value))
    return seen


def test_checkpoint_misuse_as_torch():
    torch = require_torch()
    assert _misuse(tinygrad_rnn) == _misuse(torch)


def _recomputations(m):
    """How often the block runs: once forward, once more in each backward pass that needs what it saved."""
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint").checkpoint
    m.manual_seed(0)
    lin = m.nn.Linear(3, 3).double()
    calls = []

    def block(x, scale=1.0):
        calls.append(1)
        return m.nn.functional.dropout(lin(x).tanh() * scale, 0.5, training=True)

    x = m.randn(4, 3, dtype=m.float64, requires_grad=True)
    y = checkpoint(block, x, use_reentrant=False, scale=2.0)
    counts = [len(calls)]
    y.sum().backward(retain_graph=True)
    counts.append(len(calls))
    y.sum().backward()
    counts.append(len(calls))
    with m.no_grad():
        checkpoint(block, x, use_reentrant=False)
    counts.append(len(calls))
    return counts, [a.detach().numpy() for a in (y, x.grad, lin.weight.grad)], m.rand(1).item()


def test_non_reentrant_checkpoint_recomputes_in_backward_as_torch():
    torch = require_torch()
    (our_counts, ours, our_next), (their_counts, theirs, their_next) = _recomputations(tinygrad_rnn), _recomputations(torch)
    assert our_counts == their_counts == [1, 2, 3, 4]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert our_next == their_next


def _saves_fewer_when_recomputed(m):
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint").checkpoint
    runs = []

    def block(x):
        runs.append(1)
        return x.sin().sin() if len(runs) == 1 else x.sin()

    checkpoint(block, m.ones(2, requires_grad=True), use_reentrant=False).sum().backward()


def _saves_other_shapes_when_recomputed(m):
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint").checkpoint
    runs = []

    def block(x):
        runs.append(1)
        return x.sin() if len(runs) == 1 else x[:1].sin()

    checkpoint(block, m.ones(2, requires_grad=True), use_reentrant=False).sum().backward()


@pytest.mark.parametrize("misuse", [_saves_fewer_when_recomputed, _saves_other_shapes_when_recomputed])
def test_a_recomputation_that_differs_raises_checkpoint_error(misuse):
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(RuntimeError) as caught:
            misuse(m)
        errors.append((type(caught.value).__name__, str(caught.value).split("\n\nIf this error occurs")[0].rstrip("\n")))
    assert errors[0] == errors[1]


def _double_backward(m):
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint").checkpoint
    m.manual_seed(0)
    lin = m.nn.Linear(3, 3).double()
    x = m.randn(2, 3, dtype=m.float64, requires_grad=True)
    y = checkpoint(lambda t: lin(t).tanh() * t.sin(), x, use_reentrant=False)
    g, = m.autograd.grad(y.sum(), x, create_graph=True)
    g.pow(2).sum().backward()
    return [a.detach().numpy() for a in (g, x.grad, lin.weight.grad)]


def test_non_reentrant_checkpoint_can_be_differentiated_twice_as_torch():
    torch = require_torch()
    for a, b in zip(_double_backward(tinygrad_rnn), _double_backward(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _helpers(m):
    checkpoint = importlib.import_module(m.__name__ + ".utils.checkpoint")
    x = m.ones(2, requires_grad=True)
    detached = checkpoint.detach_variable((x, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checkpoint.check_backward_validity((m.ones(1), 2))
    entered = []

    def context_fn():
        return contextlib.nullcontext(entered.append("forward")), contextlib.nullcontext(entered.append("recompute"))

    y = checkpoint.checkpoint(lambda t: t.sin() * 2, x, use_reentrant=False, context_fn=context_fn)
    with checkpoint.set_checkpoint_early_stop(False), checkpoint.set_checkpoint_debug_enabled(True):
        y.sum().backward()
    return (detached[0] is x, detached[0].requires_grad, detached[0].grad_fn, detached[1],
            [str(w.message) for w in caught], entered, x.grad.tolist(), [type(c).__name__ for c in checkpoint.noop_context_fn()])


def test_checkpoint_helpers_are_torchs():
    torch = require_torch()
    ours, theirs = _helpers(tinygrad_rnn), _helpers(torch)
    np.testing.assert_allclose(ours[-2], theirs[-2], rtol=1e-6)
    assert ours[:-2] + ours[-1:] == theirs[:-2] + theirs[-1:]
    check_error(lambda m: importlib.import_module(m.__name__ + ".utils.checkpoint").detach_variable(m.ones(1)))

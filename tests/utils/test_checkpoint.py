"""torch.utils.checkpoint against torch: the re-entrant checkpoint (run again in backward, with the random
state it first saw) and the plain one give torch's outputs, node names, gradients, warnings and errors,
and leave the global random stream where torch leaves it."""
from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
from helpers import require_torch

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

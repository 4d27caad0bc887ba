"""nn.Buffer: assigning one to a module attribute registers a buffer, as in torch."""
from __future__ import annotations

import numpy as np
from helpers import require_torch

import tinygrad_rnn


def _module(m):
    class WithBuffers(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.kept = m.nn.Buffer(m.arange(3.0))
            self.scratch = m.nn.Buffer(m.zeros(2), persistent=False)
            self.lin = m.nn.Linear(2, 2)

        def forward(self, x):
            return self.lin(x) + self.scratch

    return WithBuffers()


def test_buffer_registers_like_torch():
    torch = require_torch()
    ours, theirs = _module(tinygrad_rnn), _module(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert type(ours.kept) is tinygrad_rnn.Tensor and type(theirs.kept) is torch.Tensor
    assert isinstance(ours.kept, tinygrad_rnn.nn.Buffer) and not isinstance(tinygrad_rnn.ones(1), tinygrad_rnn.nn.Buffer)
    np.testing.assert_array_equal(ours.kept.numpy(), theirs.kept.numpy())


def test_buffer_detaches_and_follows_the_module():
    x = tinygrad_rnn.ones(2, requires_grad=True) * 2
    b = tinygrad_rnn.nn.Buffer(x)
    assert b.grad_fn is None and b.requires_grad and b.persistent
    module = _module(tinygrad_rnn).double()
    assert module.kept.dtype == tinygrad_rnn.float64 and module.scratch.dtype == tinygrad_rnn.float64

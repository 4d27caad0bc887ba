"""fill_ and zero_ leave torch's nodes (FillBackward2 for a number, FillBackward3 for a 0-d tensor, which gets
the sum of the filled elements' gradient, ZeroBackward0), and a written slice of a non-view is named
torch::autograd::CopySlices."""
from helpers import require_torch

import tinygrad_rnn


def _graph(lib):
    x = lib.ones(3, requires_grad=True)
    v = lib.tensor(2.0, requires_grad=True)
    h = x * 1
    h[0] = 5.0
    z, f, t, plain = x * 1, x * 1, x * 1, lib.zeros(3)
    z.zero_()
    f.fill_(2.5)
    t.fill_(v)
    plain.fill_(v)
    (t.sum() + 2 * plain.sum()).backward()
    return ([type(n.grad_fn).__name__ for n in (h, z, f, t, plain)], h.grad_fn.name(), plain.requires_grad,
            v.grad.item())


def test_fill_and_setitem_nodes_as_torch():
    torch = require_torch()
    assert _graph(tinygrad_rnn) == _graph(torch)

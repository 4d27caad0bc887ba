"""torch.nn.grad (nn/grad.py): the convolution gradients as functions equal torch's, in float64."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

CASES = [  # (dims, stride, padding, dilation, groups)
    (1, 1, 0, 1, 1), (1, 2, 1, 1, 1), (2, 1, 0, 1, 1), (2, 2, 1, 1, 2), (2, 1, 2, 2, 1), (3, 1, 1, 1, 1),
]


def _grads(m, dims, stride, padding, dilation, groups):
    rng = np.random.default_rng(dims * 10 + stride + padding + dilation + groups)
    size = (2, 4) + (7,) * dims
    x = m.tensor(rng.standard_normal(size))
    w = m.tensor(rng.standard_normal((6, 4 // groups) + (3,) * dims), requires_grad=True)
    conv = getattr(m.nn.functional, f"conv{dims}d")
    out_shape = conv(x, w.detach(), None, stride, padding, dilation, groups).shape
    go = m.tensor(rng.standard_normal(tuple(out_shape)))
    grad_input = getattr(m.nn.grad, f"conv{dims}d_input")(x.shape, w, go, stride, padding, dilation, groups)
    grad_weight = getattr(m.nn.grad, f"conv{dims}d_weight")(x, w.shape, go, stride=stride, padding=padding,
                                                              dilation=dilation, groups=groups)
    second, = m.autograd.grad(grad_input.sum(), w)  # the input gradient is differentiable in the weight
    return [grad_input, grad_weight, second], [grad_input.grad_fn is None, grad_weight.grad_fn,
                                               grad_input.dtype, tuple(grad_weight.shape)]


@pytest.mark.parametrize("case", CASES)
def test_conv_gradients_equal_torchs(case):
    torch = require_torch()
    ours, our_facts = _grads(tinygrad_rnn, *case)
    theirs, their_facts = _grads(torch, *case)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert str(our_facts) == str(their_facts)

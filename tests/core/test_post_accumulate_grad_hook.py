"""Tensor.register_post_accumulate_grad_hook: called with the leaf once `.grad` holds the summed
gradient, as torch; not for autograd.grad (which accumulates nothing); removable; leaves only."""
import numpy as np
from helpers import check_error

import tinygrad_rnn


def _record(module):
    w = module.tensor([1.0, -2.0, 3.0], requires_grad=True)
    seen = []
    handle = w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.numpy().copy()))
    (w * w).sum().backward()  # w used twice: the hook sees the sum, once
    (3 * w).sum().backward()
    handle.remove()
    w.sum().backward()
    module.autograd.grad((w * 2).sum(), w)
    return seen


def test_hook_sees_each_accumulated_gradient_like_torchs():
    from helpers import require_torch

    ours, theirs = _record(tinygrad_rnn), _record(require_torch())
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_hook_can_step_the_parameter_in_place():
    w = tinygrad_rnn.tensor([1.0, 2.0], requires_grad=True)

    def step(t):
        with tinygrad_rnn.no_grad():
            t -= 0.5 * t.grad
        t.grad = None

    w.register_post_accumulate_grad_hook(step)
    (w * w).sum().backward()
    np.testing.assert_allclose(w.detach().numpy(), [0.0, 0.0])
    assert w.grad is None


def test_errors_of_torch():
    check_error(lambda m: m.ones(2).register_post_accumulate_grad_hook(lambda t: None))
    check_error(lambda m: (m.ones(2, requires_grad=True) * 2).register_post_accumulate_grad_hook(lambda t: None))

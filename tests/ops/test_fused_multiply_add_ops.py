"""add/sub/rsub with an alpha, lerp by a number and addcmul round once, as torch's CPU kernels do.

torch's kernels are compiled with fused multiply-adds: add(x, y, alpha=a) is fma(a, y, x), lerp is
fma(coeff, end - input, base), addcmul is fma(value * t1, t2, input). Rounded twice, about one
element in five differs by an ulp, and optimizer steps (param.add_(grad, alpha=-lr),
exp_avg.lerp_(grad, 1 - beta1), exp_avg_sq.addcmul_(grad, grad, value=1 - beta2)) drift from torch's.
"""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.ops import pointwise

N = 20000


def _arrays(dtype, count=3):
    rng = np.random.default_rng(7)
    return [rng.standard_normal(N).astype(dtype) for _ in range(count)]


def _bit_equal(fn, arrays):
    torch = require_torch()
    theirs = fn(torch, *(torch.tensor(a) for a in arrays)).numpy()
    ours = fn(tinygrad_rnn, *(tinygrad_rnn.tensor(a) for a in arrays)).numpy()
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("alpha", [0.3, -0.1, 3, 1e-4])
@pytest.mark.parametrize("name", ["add", "sub", "rsub"])
def test_add_with_alpha_is_torchs_fused_multiply_add(name, alpha, dtype):
    _bit_equal(lambda lib, a, b: getattr(lib, name)(a, b, alpha=alpha), _arrays(dtype, 2))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("weight", [0.1, -0.3, 0.7, 1.2, 1.0, 0.0])
def test_lerp_by_a_number_is_torchs_fused_multiply_add(weight, dtype):
    _bit_equal(lambda lib, a, b: lib.lerp(a, b, weight), _arrays(dtype, 2))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("value", [0.3, -1.0, 2.5, 1])
def test_addcmul_is_torchs_fused_multiply_add(value, dtype):
    _bit_equal(lambda lib, a, b, c: lib.addcmul(a, b, c, value=value), _arrays(dtype))


def test_centered_square_average_keeps_torchs_rounding_residue():
    """x*x - x*x with one rounding is the rounding error of x*x, not 0 (RMSprop(centered=True, alpha=0))."""
    x = np.array([0.3, 0.1, -0.1, 1.3], np.float32)
    _bit_equal(lambda lib, s, x: lib.addcmul(s, x, x, value=-1), [x * x, x])


def test_in_place_forms_and_0d_operands():
    _bit_equal(lambda lib, a, b: a.clone().add_(b, alpha=0.3), _arrays(np.float32, 2))
    _bit_equal(lambda lib, a, b: a.clone().lerp_(b, 0.1), _arrays(np.float32, 2))
    _bit_equal(lambda lib, a, b, c: a.clone().addcmul_(b, c, value=0.5), _arrays(np.float32))
    _bit_equal(lambda lib, a, b: lib.lerp(a[0], b[0], 0.3), _arrays(np.float32, 2))
    _bit_equal(lambda lib, a: a.add(2.5, alpha=0.3), _arrays(np.float32, 1))


def _node(t):
    return type(t.grad_fn).__name__, [type(f).__name__ if f is not None else None for f, _ in t.grad_fn.next_functions]


@pytest.mark.parametrize("expression", [
    lambda lib, x, y: lib.add(x, y, alpha=2), lambda lib, x, y: x.add(2.0, alpha=3),
    lambda lib, x, y: lib.sub(x, y, alpha=2), lambda lib, x, y: x.sub(2.0, alpha=3),
    lambda lib, x, y: lib.rsub(x, y, alpha=2), lambda lib, x, y: lib.rsub(x, 2.0, alpha=3),
    lambda lib, x, y: lib.lerp(x, y, 0.3), lambda lib, x, y: lib.addcmul(x, y, y, value=0.5),
    lambda lib, x, y: x.addcmul(y, lib.ones(3)),
])
def test_each_is_one_node_with_torchs_edges(expression):
    torch = require_torch()
    nodes = []
    for lib in (torch, tinygrad_rnn):
        x, y = lib.randn(3, requires_grad=True), lib.randn(2, 3, requires_grad=True)
        nodes.append(_node(expression(lib, x, y)))
    assert nodes[0] == nodes[1]


@pytest.mark.parametrize("expression", [
    lambda lib, x, y: lib.add(x, y, alpha=0.7), lambda lib, x, y: lib.rsub(x, y, alpha=-1.5),
    lambda lib, x, y: lib.lerp(x, y, 0.3), lambda lib, x, y: lib.lerp(x, y, 0.9),
    lambda lib, x, y: lib.addcmul(x, y, x * 2, value=0.5),
])
def test_gradients_match_torch_in_float64(expression):
    torch = require_torch()
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((3,)), rng.standard_normal((2, 3))]
    grads = []
    for lib in (torch, tinygrad_rnn):
        x, y = (lib.tensor(a, requires_grad=True) for a in arrays)
        (expression(lib, x, y) ** 2).sum().backward()
        grads.append((x.grad.numpy(), y.grad.numpy()))
    for theirs, ours in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_lerp_by_a_tensor_is_torchs_fused_multiply_add(dtype):
    a, b, w = _arrays(dtype)
    _bit_equal(lambda lib, a, b, w: lib.lerp(a, b, w), [a, b, (w * 0.6).astype(dtype)])


def test_lerp_by_a_tensor_is_one_node_with_torchs_gradients():
    torch = require_torch()
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((3,)), rng.standard_normal((2, 3)), rng.standard_normal((3,)) * 0.6]
    results = []
    for lib in (torch, tinygrad_rnn):
        x, e, w = (lib.tensor(a, requires_grad=True) for a in arrays)
        out = lib.lerp(x, e, w)
        (out ** 2).sum().backward()
        results.append((_node(out), [t.grad.numpy() for t in (x, e, w)]))
    assert results[0][0] == results[1][0]
    for theirs, ours in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)



@pytest.mark.parametrize(("name", "dtype"), [("tanh", np.float32), ("sigmoid", np.float32), ("sigmoid", np.float64)])
def test_tanh_and_sigmoid_backward_round_as_torchs_kernels(name, dtype):
    """From the same output y: tanh's backward is g * fma(-y, y, 1) (near |y| = 1 a rounded y*y was many
    ulps off: SGD at lr=10 on tanh(w)^2 left torch's path within 20 steps); sigmoid's is (g * (1 - y)) * y,
    in that order. (The forward y itself may differ by an ulp: numpy's libm is not torch's. float64 tanh
    keeps the plain 1 - y*y, see TanhBackward.)"""
    torch = require_torch()
    x, g = _arrays(dtype, 2)
    y = np.tanh(3 * x) if name == "tanh" else 1 / (1 + np.exp(-3 * x))  # into the flat tails, where 1 - y^2 cancels
    ours = getattr(pointwise, name.capitalize() + "Backward").apply(tinygrad_rnn.tensor(g), tinygrad_rnn.tensor(y))
    theirs = getattr(torch.ops.aten, name + "_backward")(torch.tensor(g), torch.tensor(y))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_tanh_backward_float32_rounds_one_minus_y_squared_once():
    """tanh's float32 backward computes 1 - y*y in float64 and rounds once: the fused multiply-add torch's
    kernel uses, bit for bit (checked against backend/fma.py over tanh outputs of every scale)."""
    from tinygrad_rnn.backend.fma import fma32
    rng = np.random.default_rng(3)
    y = np.tanh(np.concatenate([rng.standard_normal(20000) * s for s in (1e-3, 0.1, 1.0, 4.0, 12.0)])).astype(np.float32)
    ours = tinygrad_rnn.ops.pointwise.TanhBackward.apply(tinygrad_rnn.ones(y.size), tinygrad_rnn.tensor(y)).numpy()
    assert ours.view(np.int32).tolist() == fma32(-y, y, np.float32(1)).view(np.int32).tolist()

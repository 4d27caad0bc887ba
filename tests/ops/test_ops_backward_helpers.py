"""The one-node backward helpers (TanhBackward, MatMulNT, SoftmaxBackwardData, SumToShape, ...).

They exist for speed, so what must not change is the math: each helper is checked on its own
(gradcheck and gradgradcheck in float64 on generated shapes), and through the op it serves
(first and second derivatives against torch, in both float dtypes, with torch's node names).
"""
import numpy as np
import pytest
from helpers import check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck
from tinygrad_rnn.core.engine import SumToShape
from tinygrad_rnn.ops.linalg import MatMulNT, MatMulTN
from tinygrad_rnn.ops.pointwise import SigmoidBackward, TanhBackward, ThresholdBackward
from tinygrad_rnn.ops.reduce import LogSoftmaxBackwardData, SoftmaxBackwardData
from tinygrad_rnn.testing.strategies import arrays, shapes

# Away from 0, so relu's kink is not inside a finite-difference step.
AWAY_FROM_ZERO = st.floats(0.1, 2.0) | st.floats(-2.0, -0.1)


def _leaves(*arrays_):
    return [tinygrad_rnn.tensor(a, requires_grad=True) for a in arrays_]


def _check_both_orders(fn, inputs):
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@settings(max_examples=8)
@given(shapes(max_dims=3, max_side=3), st.data())
def test_pointwise_helpers_pass_gradcheck_and_gradgradcheck(shape, data):
    g = data.draw(arrays(shape))
    y = data.draw(arrays(shape, elements=st.floats(-0.95, 0.95)))  # a tanh or sigmoid-like output
    _check_both_orders(lambda g, y: TanhBackward.apply(g, y), _leaves(g, y))
    _check_both_orders(lambda g, y: SigmoidBackward.apply(g, y), _leaves(g, y))
    y = data.draw(arrays(shape, elements=AWAY_FROM_ZERO))
    _check_both_orders(lambda g, y: ThresholdBackward.apply(g, y), _leaves(g, y))


@settings(max_examples=8)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.sampled_from([(), (2,)]), st.data())
def test_matmul_products_pass_gradcheck_and_gradgradcheck(n, k, m, batch, data):
    a, b = data.draw(arrays(batch + (n, k))), data.draw(arrays(batch + (m, k)))
    _check_both_orders(lambda a, b: MatMulNT.apply(a, b), _leaves(a, b))  # (n, k) @ (k, m)
    a, b = data.draw(arrays(batch + (k, n))), data.draw(arrays(batch + (k, m)))
    _check_both_orders(lambda a, b: MatMulTN.apply(a, b), _leaves(a, b))  # (n, k) @ (k, m)


@settings(max_examples=8)
@given(shapes(min_dims=1, max_dims=3, max_side=3), st.data())
def test_softmax_helpers_pass_gradcheck_and_gradgradcheck(shape, data):
    dim = data.draw(st.integers(0, len(shape) - 1))
    g = data.draw(arrays(shape))
    x = tinygrad_rnn.tensor(data.draw(arrays(shape)))
    # y must be a real softmax / log_softmax output for the formulas to be the derivatives they claim.
    y = x.softmax(dim)._data
    _check_both_orders(lambda g, y: SoftmaxBackwardData.apply(g, y, dim), _leaves(g, y))
    y = x.log_softmax(dim)._data
    _check_both_orders(lambda g, y: LogSoftmaxBackwardData.apply(g, y, dim), _leaves(g, y))


@settings(max_examples=8)
@given(shapes(max_dims=3, max_side=3), st.data())
def test_sum_to_shape_passes_gradcheck_and_gradgradcheck(shape, data):
    # a target shape g's shape broadcasts from: some dims dropped in front, some set to 1
    keep = data.draw(st.integers(0, len(shape)))
    target = tuple(1 if data.draw(st.booleans()) else n for n in shape[len(shape) - keep:])
    extra = len(shape) - keep
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(target) if n == 1 and shape[extra + i] != 1)
    g = data.draw(arrays(shape))
    _check_both_orders(lambda g: SumToShape.apply(g, axes, target), _leaves(g))


# Each op, its first derivative (with create_graph=True) and, through check_parity's random
# upstream gradient, its second derivative, against torch.
SECOND_ORDER = {
    "tanh": (lambda m, x, w: x.tanh() * w, "TanhBackwardBackward0"),
    "sigmoid": (lambda m, x, w: m.sigmoid(x) * w, "SigmoidBackwardBackward0"),
    "relu": (lambda m, x, w: m.relu(x) * w, "ThresholdBackwardBackward0"),
    "softmax": (lambda m, x, w: x.softmax(1) * w, "SoftmaxBackwardDataBackward0"),
    "log_softmax": (lambda m, x, w: x.log_softmax(0) * w, "LogSoftmaxBackwardDataBackward0"),
    "mm": (lambda m, x, w: x @ w.t(), "MmBackward0"),
    "exp_mul": (lambda m, x, w: (x * w).exp(), "MulBackward0"),
    "mean": (lambda m, x, w: (x * x).mean(1, keepdim=True) * w + x.mean() * w, "AddBackward0"),
    "broadcast_add": (lambda m, x, w: (x + w[0]) * (x + w[0]), "AddBackward0"),
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_first_and_second_derivatives_match_torch(name, dtype):
    op, node_name = SECOND_ORDER[name]

    def first_derivative(m, x, w):
        out = op(m, x, w)
        v = m.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype))
        gx, gw = m.autograd.grad(out, [x, w], v, create_graph=True)
        return gx, gw

    check_parity(first_derivative, shapes=[(3, 4), (3, 4)], dtype=dtype)
    names = []
    for m in (tinygrad_rnn, require_torch()):
        x, w = (m.tensor(a, requires_grad=True) for a in np.random.default_rng(2).standard_normal((2, 3, 4)))
        (gx,) = m.autograd.grad(op(m, x, w).sum(), [x], create_graph=True)
        names.append(gx.grad_fn.name())
    assert names == [node_name, node_name]


@pytest.mark.parametrize("shapes_", [[(2, 3, 4), (4, 5)], [(4,), (2, 4, 3)], [(3, 4), (4,)], [(4,), (4,)],
                                     [(2, 1, 3, 4), (3, 4, 2)]])
def test_matmul_second_derivatives_match_torch_for_every_rank(shapes_):
    def first_derivative(m, a, b):
        out = a @ b
        v = m.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        return m.autograd.grad(out, [a, b], v, create_graph=True)

    check_parity(first_derivative, shapes=shapes_)


def test_relu_gradient_is_zero_where_the_output_is_zero_even_for_nan_upstream():
    """torch's threshold_backward selects, it does not multiply: nan * 0 would be nan."""
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([-1.0, 1.0, 0.0], requires_grad=True)
        m.relu(x).backward(m.tensor([float("nan")] * 3))
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("call", [lambda m, x: m.relu(x), lambda m, x: (x * 1).relu_()])
def test_relu_passes_the_gradient_where_its_input_is_nan_as_torch(call):
    """torch's threshold_backward zeroes where y <= 0, so a NaN y passes g (y > 0 blocked it; fuzz,
    widened sequence_ops)."""
    check_parity(call, [np.array([np.nan, -1.0, 2.0, 0.0])])


def test_relu_second_derivative_is_zeros_not_unused_like_torch():
    """The gradient of relu depends on x (with derivative 0): torch returns zeros, not an error."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([-1.0, 2.0], requires_grad=True)
        (gx,) = m.autograd.grad(m.relu(x), x, m.ones(2, requires_grad=True), create_graph=True)
        results.append(m.autograd.grad(gx.sum(), x)[0].numpy())
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("dtype", [tinygrad_rnn.float32, tinygrad_rnn.float64])
def test_helpers_keep_the_dtype(dtype):
    x = tinygrad_rnn.randn(3, 4, dtype=dtype, requires_grad=True)
    w = tinygrad_rnn.randn(4, 4, dtype=dtype, requires_grad=True)
    out = (x @ w).tanh().sigmoid().relu().softmax(1).log_softmax(0) + w[0]
    gx, gw = tinygrad_rnn.autograd.grad(out.sum(), [x, w], create_graph=True)
    assert gx.dtype is dtype and gw.dtype is dtype
    ggx, ggw = tinygrad_rnn.autograd.grad((gx * gx).sum() + gw.sum(), [x, w])
    assert ggx.dtype is dtype and ggw.dtype is dtype

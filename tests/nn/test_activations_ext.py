"""The added activations against torch: values and gradients (kink points included), in-place
forms, layers' reprs and parameters, RReLU's seeded random slopes, errors, gradcheck."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from nn_helpers import assert_same_module, both_modules, check_module_parity

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck

DTYPES = [np.float64, np.float32]
F = lambda m: m.nn.functional  # noqa: E731
# the kinks of every function below, plus ordinary values
KINKS = np.array([-3.0, 3.0, -0.5, 0.5, 0.0, -4.0, 4.0, 1.0, -1.0, 2.5, 0.1, -2.0, 0.3, -0.3, 25.0, -25.0])

FUNCTIONS = {
    "glu": lambda m, x: F(m).glu(x, 1),
    "glu-last": lambda m, x: F(m).glu(x),
    "mish": lambda m, x: F(m).mish(x),
    "hardswish": lambda m, x: F(m).hardswish(x),
    "hardsigmoid": lambda m, x: F(m).hardsigmoid(x),
    "prelu-shared": lambda m, x: F(m).prelu(x, m.tensor([0.2], dtype=x.dtype)),
    "rrelu-eval": lambda m, x: F(m).rrelu(x, 0.1, 0.3),
    "celu": lambda m, x: F(m).celu(x),
    "celu-alpha": lambda m, x: F(m).celu(x, 2.5),
    "softshrink": lambda m, x: F(m).softshrink(x, 0.3),
    "hardshrink": lambda m, x: F(m).hardshrink(x, 0.5),
    "tanhshrink": lambda m, x: F(m).tanhshrink(x),
    "threshold": lambda m, x: F(m).threshold(x, 0.5, -7.0),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_activation_matches_torch_at_kinks_and_random_points(name, dtype):
    check_parity(FUNCTIONS[name], [KINKS.reshape(2, 8).astype(dtype)])
    check_parity(FUNCTIONS[name], shapes=[(3, 4, 2)], dtype=dtype, seed=5)


def test_prelu_with_a_slope_per_channel_matches_torch():
    check_parity(lambda m, x, w: F(m).prelu(x, w), shapes=[(2, 3, 4), (3,)])
    check_parity(lambda m, x, w: F(m).prelu(x, w), shapes=[(5,), (1,)])


INPLACE = {
    "hardswish": lambda m, x: F(m).hardswish(x * 1, inplace=True),
    "hardsigmoid": lambda m, x: F(m).hardsigmoid(x * 1, inplace=True),
    "mish": lambda m, x: F(m).mish(x * 1, inplace=True),
    "celu": lambda m, x: F(m).celu(x * 1, 1.5, inplace=True),
    "celu_": lambda m, x: F(m).celu_(x * 1, 1.5),
    "threshold": lambda m, x: F(m).threshold(x * 1, 0.2, 3.0, inplace=True),
    "threshold_": lambda m, x: F(m).threshold_(x * 1, 0.2, 3.0),
    "rrelu_": lambda m, x: F(m).rrelu_(x * 1, 0.2, 0.4),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_forms_match_torch(name):
    check_parity(INPLACE[name], shapes=[(3, 4)])


NODE_NAMES = {
    "elu_": lambda F, x: F.elu_(x), "elu inplace": lambda F, x: F.elu(x, inplace=True),
    "leaky_relu_": lambda F, x: F.leaky_relu_(x, 0.1), "celu_": lambda F, x: F.celu_(x),
    "rrelu_": lambda F, x: F.rrelu_(x), "rrelu_ training": lambda F, x: F.rrelu(x, training=True, inplace=True),
    "threshold_": lambda F, x: F.threshold_(x, 0.1, 2.0), "selu_": lambda F, x: F.selu(x, inplace=True),
    "selu": lambda F, x: F.selu(x), "silu": lambda F, x: F.silu(x), "silu inplace": lambda F, x: F.silu(x, inplace=True),
    "hardtanh": lambda F, x: F.hardtanh(x), "hardtanh_": lambda F, x: F.hardtanh_(x),
    "relu6 inplace": lambda F, x: F.relu6(x, inplace=True),
    "dropout1d unbatched inplace": lambda F, x: F.dropout1d(x.unsqueeze(0), 0.5, inplace=True),
}


@pytest.mark.parametrize("name", sorted(NODE_NAMES))
def test_node_names_are_torchs(name):
    """torch's in-place forms whose backward reads the output show `...Backward1`."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        x = m.randn(6, requires_grad=True) * 1
        names.append(type(NODE_NAMES[name](m.nn.functional, x).grad_fn).__name__)
    assert names[0] == names[1]


@pytest.mark.parametrize(("alpha", "scale", "input_scale"), [(1.0, -1.0, 1.0), (1.0, 1.0, -1.0), (2.0, -0.5, -2.0),
                                                              (0.5, 2.0, 1.0)])
def test_elu_in_place_takes_its_gradient_from_the_output_as_torch(alpha, scale, input_scale):
    """With a negative scale or input_scale the output's sign is not the branch's: torch's rule, not the derivative."""
    torch = require_torch()
    elu_ = {tinygrad_rnn: lambda x: tinygrad_rnn.nn.functional.elu_(x, alpha, scale, input_scale),
            torch: lambda x: torch._C._nn.elu_(x, alpha, scale, input_scale)}
    grads = []
    for m in (tinygrad_rnn, torch):
        leaf = m.tensor([-2.0, -0.5, 0.3, 1.5], dtype=m.float64, requires_grad=True)
        elu_[m](leaf * 1).backward(m.tensor([1.0, 2.0, 3.0, 4.0], dtype=m.float64))
        grads.append(leaf.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_inplace_form_writes_into_its_input():
    x = tinygrad_rnn.tensor([-4.0, 0.0, 1.0])
    assert F(tinygrad_rnn).hardswish(x, inplace=True) is x
    np.testing.assert_allclose(x.numpy(), [0.0, 0.0, 4.0 / 6])


def test_rrelu_in_training_draws_torch_slopes_from_the_same_seed():
    torch = require_torch()
    for dtype in DTYPES:
        x = np.random.default_rng(0).standard_normal((4, 5)).astype(dtype)
        torch.manual_seed(3)
        tinygrad_rnn.manual_seed(3)
        check_parity(lambda m, x: F(m).rrelu(x, 0.1, 0.6, training=True), [x])
        # the stream is left where torch's is: one draw per non-positive element
        np.testing.assert_array_equal(tinygrad_rnn.rand(3).numpy(), torch.rand(3).numpy())


LAYERS = [
    lambda m, **d: m.nn.GLU(), lambda m, **d: m.nn.GLU(1), lambda m, **d: m.nn.Mish(), lambda m, **d: m.nn.Mish(True),
    lambda m, **d: m.nn.Hardswish(True), lambda m, **d: m.nn.Hardsigmoid(), lambda m, **d: m.nn.PReLU(**d),
    lambda m, **d: m.nn.PReLU(4, 0.1, **d), lambda m, **d: m.nn.RReLU(0.1, 0.3, inplace=False), lambda m, **d: m.nn.CELU(),
    lambda m, **d: m.nn.CELU(2.0, True), lambda m, **d: m.nn.Softshrink(), lambda m, **d: m.nn.Hardshrink(0.3),
    lambda m, **d: m.nn.Tanhshrink(), lambda m, **d: m.nn.Threshold(0.1, 20), lambda m, **d: m.nn.Threshold(0.1, 2, True),
]


@pytest.mark.parametrize("make", LAYERS)
def test_activation_layers_match_torch(make):
    ours, theirs = both_modules(make)
    assert_same_module(ours, theirs)
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((2, 4, 6))
    if isinstance(ours, tinygrad_rnn.nn.PReLU):  # a float32 parameter: the input must be float32 too
        x = x.astype(np.float32)
    if getattr(ours, "inplace", False):
        check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x * 1), [x])
    else:
        check_module_parity(ours, theirs, x)


def test_prelu_layer_in_float32_matches_torch():
    ours, theirs = both_modules(lambda m: m.nn.PReLU(4, dtype=m.float32))
    check_module_parity(ours, theirs, np.random.default_rng(1).standard_normal((3, 4, 2)).astype(np.float32))


ERRORS = [
    lambda m: F(m).glu(m.zeros(2, 5)),
    lambda m: F(m).glu(m.tensor(1.0)),
    lambda m: F(m).softshrink(m.zeros(3), -1),
    lambda m: F(m).celu(m.zeros(3), 0.0),
    lambda m: F(m).prelu(m.zeros(2, 3, 4), m.zeros(2)),
    lambda m: F(m).prelu(m.zeros(2, 3, 4), m.zeros(3, 1)),
    lambda m: F(m).prelu(m.zeros(4), m.zeros(3)),
    lambda m: F(m).prelu(m.zeros(2, 3), m.zeros(3, dtype=m.float64)),
    lambda m: F(m).rrelu(m.zeros(3), 0.5, 0.1),
    lambda m: F(m).hardswish(m.tensor([1, 2])),
    lambda m: F(m).mish(m.tensor([1, 2])),
]


@pytest.mark.parametrize("call", ERRORS)
def test_activation_errors_match_torch(call):
    check_error(call)


def test_activations_pass_gradcheck_and_gradgradcheck():
    x = tinygrad_rnn.tensor(np.random.default_rng(2).uniform(-2.5, 2.5, (3, 4)), requires_grad=True)
    w = tinygrad_rnn.tensor([0.1, 0.2, 0.3, 0.4], dtype=tinygrad_rnn.float64, requires_grad=True)
    fn = tinygrad_rnn.nn.functional
    for f in (fn.mish, fn.hardswish, fn.celu, fn.tanhshrink, lambda t: fn.glu(t, 1), lambda t: fn.softshrink(t, 0.3)):
        assert gradcheck(f, (x,))
        assert gradgradcheck(f, (x,))
    assert gradcheck(lambda t, w: fn.prelu(t, w), (x, w))


@pytest.mark.parametrize("name", ["glu", "celu", "softshrink", "hardshrink", "hardsigmoid"])
def test_float_only_activations_refuse_integers_as_torch(name):
    check_error(lambda m: getattr(F(m), name)(m.tensor([[1, 2], [3, 4]])))


SIGNED_ZERO = {  # torch's ReLU and ELU family return x itself (times the ELU scale) at -0.0 and +0.0
    "relu": lambda m, x: F(m).relu(x), "relu_": lambda m, x: F(m).relu_(x * 1), "elu": lambda m, x: F(m).elu(x),
    "elu-alpha-negative": lambda m, x: F(m).elu(x, -1.0), "elu-alpha-2": lambda m, x: F(m).elu(x, 2.0),
    "elu inplace": lambda m, x: F(m).elu(x * 1, 0.5, inplace=True), "selu": lambda m, x: F(m).selu(x),
    "celu": lambda m, x: F(m).celu(x, 2.0), "celu-alpha-negative": lambda m, x: F(m).celu(x, -1.0),
    "celu_": lambda m, x: F(m).celu_(x * 1), "ELU layer": lambda m, x: m.nn.ELU(3.0)(x),
    "elu_ scale": lambda m, x: F(m).elu_(x * 1, 1.0, 2.0, 0.5),
    "elu_ negative scale": lambda m, x: F(m).elu_(x * 1, 1.0, -1.0, 1.0),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(SIGNED_ZERO))
def test_relu_and_elu_keep_the_sign_of_zero_as_torch(name, dtype):
    """-0.0 stays -0.0 (the ELU value at 0 is the identity branch's) while the gradient at 0 is still the alpha
    branch's; signs compared bit for bit, gradients as torch's."""
    torch = require_torch()
    zeros = np.array([-0.0, 0.0, -0.0, -1.5, 0.7], dtype=dtype)
    check_parity(SIGNED_ZERO[name], [zeros])
    signs = [np.signbit(SIGNED_ZERO[name](m, m.tensor(zeros)).detach().numpy()) for m in (tinygrad_rnn, torch)]
    np.testing.assert_array_equal(signs[0], signs[1])


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_hard_activations_round_as_torch_bit_for_bit(name, dtype):
    """Computed in torch's order (x * relu6(x + 3) / 6, relu6(x + 3) / 6): values and gradients equal
    torch's bits, the sign of zero and NaN at -inf included."""
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(20000).astype(np.float32) * 4
    x = np.concatenate([x, np.array([0.0, -0.0, 3, -3, np.inf, -np.inf, np.nan, 2.9999998, 3.0000002], np.float32)])
    results = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(x.astype(dtype), requires_grad=True)
        y = getattr(m.nn.functional, name)(t)
        y.backward(m.full_like(y, 0.7))
        results.append([y.detach().numpy(), t.grad.numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)
        zeros = ours == 0
        assert (np.signbit(ours[zeros]) == np.signbit(theirs[zeros])).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("lower", "upper"), [(1 / 8, 1 / 3), (0.1, 0.7)])
def test_rrelu_training_slopes_are_torchs_bit_for_bit(dtype, lower, upper):
    """torch draws each slope in double between bounds held in the input's opmath type (1/3 as a float)."""
    torch = require_torch()
    outs = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(5)
        x = 0.3 - lib.rand(500, dtype=getattr(lib, dtype))
        outs.append(lib.nn.functional.rrelu(x, lower, upper, training=True).numpy())
    np.testing.assert_array_equal(outs[1], outs[0])

"""leaky_relu, hardtanh, relu6, the shrinks, threshold and rrelu are one node each, as in torch: their gradient is a
node of x too, so a second derivative is zero rather than an error, and their gradients treat NaN, -0.0 and
float16 as torch's kernels do (small tensors: torch's vectorised loop differs at NaN beyond 16 float32 lanes)."""
import pytest
from helpers import require_torch

import tinygrad_rnn

NAN, INF = float("nan"), float("inf")
X = [NAN, -INF, INF, -0.0, 0.0, -1.0, 1.0, -0.5, 0.5, 0.1, 6.0, 7.0, -0.3, 0.3]
G = [1.0, 2, 3, NAN, 5, NAN, NAN, NAN, NAN, NAN, 11, NAN, -0.0, 2.5]


def _activations(lib):
    F = lib.nn.functional
    return {
        "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
        "leaky_relu_zero_slope": lambda x: F.leaky_relu(x, 0.0),
        "leaky_relu_": lambda x: F.leaky_relu(x * 1, 0.2, inplace=True),
        "hardtanh": F.hardtanh,
        "hardtanh_": lambda x: F.hardtanh(x * 1, -0.5, 0.5, inplace=True),
        "relu6": F.relu6,
        "softshrink": F.softshrink,
        "hardshrink": lambda x: F.hardshrink(x, 0.3),
        "threshold": lambda x: F.threshold(x, 0.1, 2.0),
        "threshold_": lambda x: F.threshold(x * 1, 0.1, 2.0, inplace=True),
        "rrelu_eval": F.rrelu,
    }


NAMES = list(_activations(tinygrad_rnn))


def _bits(values):
    return [repr(v) for v in values]  # repr tells -0.0 from 0.0 and shows nan


def _first_order(lib, name, dtype):
    """Node name, dtype, values and gradient, in pieces of 7: below torch's vector width (8 float64s), whose
    lanes treat a NaN x differently from its scalar tail."""
    runs = []
    for start in range(0, len(X), 7):
        x = lib.tensor(X[start:start + 7], dtype=getattr(lib, dtype), requires_grad=True)
        y = _activations(lib)[name](x)
        y.backward(lib.tensor(G[start:start + 7], dtype=getattr(lib, dtype)))
        runs.append((type(y.grad_fn).__name__, str(y.dtype), _bits(y.tolist()), _bits(x.grad.tolist())))
    return runs


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("name", NAMES)
def test_values_gradients_and_node_as_torch(name, dtype):
    torch = require_torch()
    assert _first_order(tinygrad_rnn, name, dtype) == _first_order(torch, name, dtype)


def _second_order(lib, name):
    x = lib.tensor([-1.3, -0.2, 0.4, 1.7], dtype=lib.float64, requires_grad=True)
    (g,) = lib.autograd.grad(_activations(lib)[name](x).sum(), x, create_graph=True)
    (gg,) = lib.autograd.grad((g * lib.arange(1.0, 5.0, dtype=lib.float64)).sum(), x)
    return g.requires_grad, type(g.grad_fn).__name__, g.tolist(), gg.tolist()


@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_is_zero_as_torch(name):
    torch = require_torch()
    ours = _second_order(tinygrad_rnn, name)
    assert ours == _second_order(torch, name)
    assert ours[3] == [0.0] * 4


def test_one_node_with_an_edge_to_x():
    x = tinygrad_rnn.randn(5, requires_grad=True)
    y = tinygrad_rnn.nn.functional.leaky_relu(x)
    assert [type(f).__name__ for f, _ in y.grad_fn.next_functions] == ["AccumulateGrad"]


@pytest.mark.parametrize("name", NAMES)
def test_forward_mode_tangent_as_torch(name):
    torch = require_torch()

    def jvp(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            x = fwAD.make_dual(lib.tensor([-1.3, -0.2, 0.4, 1.7, 6.5], dtype=lib.float64),
                               lib.tensor([0.5, -1.0, 2.0, 3.0, 4.0], dtype=lib.float64))
            return fwAD.unpack_dual(_activations(lib)[name](x)).tangent.tolist()

    assert jvp(tinygrad_rnn) == jvp(torch)


def test_rrelu_training_second_derivative_is_zero():
    torch = require_torch()

    def run(lib):
        lib.manual_seed(3)
        x = lib.tensor([-1.3, -0.2, 0.4, 1.7], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.nn.functional.rrelu(x, training=True).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return type(g.grad_fn).__name__, g.tolist(), gg.tolist()

    assert run(tinygrad_rnn) == run(torch)

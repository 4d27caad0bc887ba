"""F.linear's graph, shapes, errors and gradient layout against torch.

torch runs addmm(b, x, W.t()) for a 2-D x; for a contiguous x of any other rank whose bias is a row
(one dim not 1) the same addmm on x's rows, viewed back; otherwise x @ W.t() and an in-place add.
Which path runs decides the nodes `next_functions` shows, the result's shape and the error for a
bias that does not fit (measured: a (1, 2) bias and a 1-D x give a (2,) result, not (1, 2)).
"""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

BIASES = [(2,), (1,), (), (1, 2), (2, 1), (4, 1), (4, 2), (8, 2), (1, 1), (1, 1, 2), (2, 4, 2), (1, 4, 2)]
INPUTS = [(3,), (4, 3), (2, 4, 3), (1, 2, 4, 3), "transposed 3-D", "transposed 2-D"]


def _input(lib, kind):
    if kind == "transposed 3-D":
        return lib.ones(4, 2, 3, requires_grad=True).transpose(0, 1)
    if kind == "transposed 2-D":
        return lib.ones(3, 4, requires_grad=True).t()
    return lib.ones(kind, requires_grad=True)


def _names(node, depth=0):
    """The node's name with its inputs' names, two levels deep (a matmul's own inner nodes are ours)."""
    if node is None:
        return "None"
    if depth == 2:
        return type(node).__name__
    return type(node).__name__ + "[" + ",".join(_names(f, depth + 1) for f, _ in node.next_functions) + "]"


def _linear(lib, kind, bias_shape):
    weight = lib.ones(2, 3, requires_grad=True)
    bias = lib.ones(bias_shape, requires_grad=True)
    return lib.nn.functional.linear(_input(lib, kind), weight, bias)


@pytest.mark.parametrize("bias_shape", BIASES)
@pytest.mark.parametrize("kind", INPUTS)
def test_linear_takes_torchs_path(kind, bias_shape):
    torch = require_torch()
    try:
        theirs = _linear(torch, kind, bias_shape)
    except RuntimeError:
        check_error(lambda lib: _linear(lib, kind, bias_shape))
        return
    ours = _linear(tinygrad_rnn, kind, bias_shape)
    assert ours.shape == theirs.shape
    if type(theirs.grad_fn).__name__ == "AddBackward0":  # x @ W.t(), then add_: only the top node is compared
        assert type(ours.grad_fn).__name__ == "AddBackward0"
        assert [type(f).__name__ for f, _ in ours.grad_fn.next_functions][1] == "AccumulateGrad"
    else:
        assert _names(ours.grad_fn) == _names(theirs.grad_fn)
        assert _names(ours.grad_fn.next_functions[0][0]) == _names(theirs.grad_fn.next_functions[0][0])


def test_linear_layer_shows_addmm_with_the_weights_transpose():
    torch = require_torch()
    names = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(0)
        loss = lib.nn.Linear(3, 2)(lib.randn(4, 3)).relu().sum()
        addmm = loss.grad_fn.next_functions[0][0].next_functions[0][0]
        names.append((type(addmm).__name__, [type(f).__name__ if f else None for f, _ in addmm.next_functions],
                      type(addmm.next_functions[2][0].next_functions[0][0]).__name__))
    assert names[0] == names[1] == ("AddmmBackward0", ["AccumulateGrad", None, "TBackward0"], "AccumulateGrad")


@pytest.mark.parametrize("x_shape,bias_shape", [((4, 3), (2,)), ((2, 4, 3), (2,)), ((3,), (2,)), ((2, 4, 3), (1, 2)),
                                                ((2, 4, 3), (4, 2)), ((4, 3), (4, 2)), ((4, 3), (1,)), ((2, 4, 3), ())])
def test_linear_values_and_gradients_match_torch_in_float64(x_shape, bias_shape):
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in (x_shape, (2, 3), bias_shape)]
    results = []
    for lib in (torch, tinygrad_rnn):
        x, w, b = (lib.tensor(a, requires_grad=True) for a in arrays)
        y = lib.nn.functional.linear(x, w, b)
        (y * y).sum().backward()
        results.append([t.detach().numpy() for t in (y, x.grad, w.grad, b.grad)])
    for theirs, ours in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", [
    lambda lib: lib.addmm(lib.ones(2), lib.ones(3), lib.ones(3, 2)),
    lambda lib: lib.addmm(lib.ones(2), lib.ones(2, 3, 3), lib.ones(3, 2)),
    lambda lib: lib.addmm(lib.ones(2), lib.ones(4, 3), lib.ones(3)),
    lambda lib: lib.addmm(lib.ones(2), lib.ones(4, 3).double(), lib.ones(3)),
    lambda lib: lib.addmm(lib.ones(2), lib.ones(4, 3), lib.ones(3).double()),
    lambda lib: lib.addmm(lib.ones(3), lib.ones(4, 3), lib.ones(3, 2)),
    lambda lib: lib.addmm(lib.ones(2), lib.ones(4, 3), lib.ones(2, 2)),
    lambda lib: lib.nn.functional.linear(lib.ones(4, 3), lib.ones(3), lib.ones(1)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 4, 3), lib.ones(2, 3), lib.ones(3)),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 4, 3), lib.ones(2, 3), lib.ones(2).double()),
    lambda lib: lib.nn.functional.linear(lib.ones(2, 4, 3).double(), lib.ones(2, 3), lib.ones(2)),
])
def test_addmm_and_linear_refuse_as_torch(case):
    check_error(case)


def test_a_vector_weight_with_a_0d_bias_takes_the_matmul_path():
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        assert lib.nn.functional.linear(lib.ones(3), lib.ones(3), lib.ones(())).shape == ()


def test_a_weights_gradient_is_laid_out_as_the_weight():
    """torch's layout contract: W.grad of x @ W.t() is row-major like W (the product gives W^T's layout)."""
    torch = require_torch()
    strides = []
    for lib in (torch, tinygrad_rnn):
        w = lib.randn(2, 3, requires_grad=True)
        (lib.randn(4, 3) @ w.t()).sum().backward()
        column_major = lib.randn(3, 2).t().detach().requires_grad_()
        (column_major * lib.randn(2, 3)).sum().backward()
        strides.append((w.grad.stride(), column_major.grad.stride()))
    assert strides[0] == strides[1] == ((3, 1), (1, 2))

"""`t.X_()` on a tensor inside a graph: the op saves the old values for backward (an alias of t, not t
itself, whose version the write bumps), so backward works as in torch."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

CALLS = {"sin_": (), "abs_": (), "clamp_": (0.2, 0.5), "clamp_min_": (0.4,), "mul_": (2.0,), "pow_": (3,),
         "tanh_": (), "sigmoid_": ()}


@pytest.mark.parametrize("name", CALLS)
def test_backward_through_an_in_place_method(name):
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        leaf = m.tensor([0.1, 0.45, 0.9], dtype=m.float64, requires_grad=True)
        x = leaf * 1
        getattr(x, name)(*CALLS[name])
        (x * m.tensor([1.0, -2.0, 3.0], dtype=m.float64)).sum().backward()
        grads.append((leaf.grad.numpy(), type(x.grad_fn).__name__))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    assert grads[0][1] == grads[1][1]


ASSIGNMENTS = {"slice": (slice(0, 2),), "int": (1,), "int and slice": (1, slice(None)), "new dim": (None,),
               "index list": ([0, 2],), "mask": (np.array([True, False, True]),), "int and list": (0, [0, 1]),
               "all": (slice(None),), "all by ...": (Ellipsis,), "all by 0:n": (slice(0, 3),),
               "all by :big": (slice(None, 100), slice(0, 2)), "last n": (slice(-3, None),), "step 2": (slice(0, 3, 2),)}


@pytest.mark.parametrize("value", ["tensor", "number", "0-d tensor"])
@pytest.mark.parametrize("key", ASSIGNMENTS)
def test_item_assignment_node_is_torchs(key, value):
    """`x[key] = value` in a graph is torch's copy_ into a view (CopySlices), index_put_ (IndexPutBackward0),
    or, for a key that keeps all of x, copy_ (CopyBackwards) or fill_ (FillBackward3)."""
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        x = m.zeros(3, 2) * a
        index = tuple(m.tensor(k) if isinstance(k, np.ndarray) else k for k in ASSIGNMENTS[key])
        x[index] = {"tensor": a * 3, "number": 5.0, "0-d tensor": a[1] * 3}[value]
        x.backward(m.arange(6.0).view(3, 2))
        shown.append((repr(x), a.grad.tolist()))
    assert shown[0] == shown[1]


@pytest.mark.parametrize("key", [0, (slice(0, 2),), (Ellipsis, slice(0, 1)), (0, slice(0, 1))], ids=repr)
@pytest.mark.parametrize("value_shape,dtype", [((3,), "float32"), ((1, 3), "float32"), ((1, 1, 3), "int64"),
                                               ((2, 2, 2), "float64"), ((2, 2, 2), "bool")])
def test_basic_index_assignment_of_a_wrong_shape_raises_expands_error(key, value_shape, dtype):
    """`x[0:2] = v` copies v into a view of x, so a shape that does not fit gets expand's message
    (leading 1s of v dropped, v's C++ type named as torch names it)."""
    check_error(lambda m: m.zeros(3, 2).__setitem__(key, m.ones(value_shape, dtype=getattr(m, dtype))))


def test_a_0d_tensor_assigned_a_matrix_through_ellipsis_gets_expands_error():
    """The view is 0-d: expand to no sizes at all (fuzz seed 84)."""
    check_error(lambda m: m.tensor(0, dtype=m.int32).__setitem__(Ellipsis, m.ones((2, 1), dtype=m.float64)))


COPY_SHAPES = [((3, 1), (3,)), ((3, 3), (3, 2)), ((3,), (3, 2)), ((3, 1, 2), (3, 2)), ((3, 2), (3, 1, 2)), ((), (3,)),
               ((2, 3), (1, 1, 3)), ((2, 3), (2, 1, 3))]


@pytest.mark.parametrize("target,source", COPY_SHAPES)
def test_copy_of_a_shape_that_does_not_fit_raises_torchs_error(target, source):
    """copy_ broadcasts self and src together (not src to self, as expand would), so torch's error is the
    broadcast's or 'output with shape ... doesn't match the broadcast shape'; pad_sequence copies the same way."""
    check_error(lambda m, a, b: m.tensor(a).copy_(m.tensor(b)), np.zeros(target), np.ones(source))
    if target:
        check_error(lambda m, a, b: m.nn.utils.rnn.pad_sequence([m.tensor(a), m.tensor(b)]),
                    np.zeros((1,) + target[1:]), np.ones((3,) + source[1:]))


@pytest.mark.parametrize("other", [np.ones(2), np.array(2.0), [1.0, 2.0], (1, 2), None, "a"],
                         ids=["array", "0-d array", "list", "tuple", "None", "str"])
def test_copy_takes_a_tensor_or_a_number_only(other):
    """torch's parser converts numbers for copy_ (x.copy_(5) fills) but no array or list: its TypeError."""
    check_error(lambda m: m.zeros(2).copy_(other))
    torch = require_torch()
    for number in (5, 2.5, True, np.float64(2)):
        assert tinygrad_rnn.zeros(2).copy_(number).tolist() == torch.zeros(2).copy_(number).tolist()
    assert tinygrad_rnn.zeros(2).copy_(other=tinygrad_rnn.ones(2)).tolist() == [1.0, 1.0]


def _after_augmented(m, symbol, other, dtype="float32", requires_grad=False):
    """`x op= other` where x is an interior tensor: what x, an alias of x and a view of x hold afterwards."""
    leaf = m.tensor([3.0, 2.0, 7.0], requires_grad=requires_grad).to(getattr(m, dtype))
    x = leaf * 1
    alias, view = x, x[:2]
    names = {"x": x, "other": other(m) if callable(other) else other}
    exec(f"x {symbol}= other", names)  # noqa: S102  (the augmented assignment is the statement under test)
    x = names["x"]
    rounded = lambda t: [round(v, 4) for v in t.tolist()]  # noqa: E731  (float32 powers: torch's rounding is its own)
    return x is alias, rounded(alias), rounded(view), str(x.dtype), x.grad_fn and x.grad_fn.name()


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("symbol", ["//", "%", "**"])
@pytest.mark.parametrize("other", [2, 1.5, lambda m: m.tensor([2.0, 4.0, 3.0])], ids=["int", "float", "tensor"])
def test_floordiv_mod_and_pow_assignments_write_in_place(symbol, other, requires_grad):
    """`x //= 2` is floor_divide_ in torch: x's aliases and views see it (it rebound x to x // 2 here)."""
    torch = require_torch()
    results = [_after_augmented(m, symbol, other, requires_grad=requires_grad) for m in (tinygrad_rnn, torch)]
    assert results[0] == results[1]


@pytest.mark.parametrize("symbol", ["//", "%", "**"])
def test_floordiv_mod_and_pow_assignments_keep_an_integer_tensor_integer(symbol):
    check_error(lambda m: _after_augmented(m, symbol, lambda m: m.tensor([1.5, 2.0, 2.0]), dtype="int64"))
    check_error(lambda m: _after_augmented(m, symbol, 0.5, dtype="int64"))
    torch = require_torch()
    assert _after_augmented(tinygrad_rnn, symbol, 2, "int64") == _after_augmented(torch, symbol, 2, "int64")


@pytest.mark.parametrize("statement", ["x |= 1.5", "x &= other", "x ^= other", "x <<= other", "x.bitwise_or_(other)",
                                       "x.bitwise_and_(1.5)"])
@pytest.mark.parametrize("dtype", ["int64", "bool"])
def test_bitwise_assignment_of_a_float_is_torchs_cast_error(statement, dtype):
    """torch checks the promoted type fits x before it looks for a kernel: not bitwise_or's "not implemented"."""
    def run(m):
        names = {"x": m.tensor([1, 0]).to(getattr(m, dtype)), "other": m.tensor([1.0, 0.0])}
        exec(statement, names)  # noqa: S102  (the statement under test)
    check_error(run)

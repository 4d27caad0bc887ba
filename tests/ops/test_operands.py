"""What the ops take as an operand besides a tensor, as torch's parser does: numbers, numpy's scalars too (a
numpy bool as a float), never a numpy array, a list or None (ops/promotion.py's as_operand, NotAnOperand)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn
from tinygrad_rnn.argcheck import NotAnOperand

A, LIST = np.array([1.0, 2.0]), [1.0, 2.0]


def _t(lib):
    return lib.ones(2) * 0.5


@pytest.mark.parametrize("call", [
    lambda t: t.add(_t(t), A), lambda t: t.add(A, _t(t)), lambda t: t.add(_t(t), LIST), lambda t: t.add(_t(t), None),
    lambda t: t.add(_t(t), np.array(2.0)), lambda t: t.sub(_t(t), A), lambda t: t.mul(_t(t), A),
    lambda t: t.div(_t(t), A), lambda t: t.subtract(_t(t), A), lambda t: t.multiply(_t(t), LIST),
    lambda t: t.true_divide(_t(t), A), lambda t: t.pow(_t(t), A), lambda t: t.pow(A, _t(t)),
    lambda t: t.remainder(_t(t), A), lambda t: t.fmod(_t(t), A), lambda t: t.eq(_t(t), A), lambda t: t.lt(_t(t), LIST),
    lambda t: t.maximum(_t(t), A), lambda t: t.matmul(_t(t), A), lambda t: t.dot(_t(t), A),
    lambda t: t.mm(t.ones(2, 2), np.ones((2, 2))), lambda t: t.where(_t(t) > 0, _t(t), A),
    lambda t: t.where(_t(t) > 0, A, _t(t)), lambda t: t.where(A > 0, _t(t), _t(t)), lambda t: t.where(True, _t(t), _t(t)),
    lambda t: t.masked_fill(_t(t), _t(t) > 0, A), lambda t: t.clamp(_t(t), A), lambda t: t.clamp_min(_t(t), A),
    lambda t: t.float_power(_t(t), A), lambda t: t.float_power(A, _t(t)), lambda t: t.copysign(_t(t), A),
    lambda t: t.isin(_t(t), LIST), lambda t: t.xlogy(_t(t), A), lambda t: t.lerp(_t(t), _t(t), A),
    lambda t: t.bitwise_and(t.ones(2, dtype=t.int64), np.arange(2)), lambda t: t.kron(_t(t), A),
    lambda t: t.add(_t(t), _t(t), alpha=np.array(2.0)),
    lambda t: _t(t).add_(A), lambda t: _t(t).mul_(LIST), lambda t: _t(t).copy_(A), lambda t: _t(t).copy_(LIST),
    lambda t: _t(t).view_as(A), lambda t: _t(t).expand_as(A), lambda t: _t(t).reshape_as(A), lambda t: _t(t).type_as(A),
    lambda t: _t(t).fill_(A), lambda t: _t(t).fill_(np.array(2.0)), lambda t: t.index_fill(_t(t), 0, t.tensor([0]), A),
    lambda t: t.index_add(_t(t), 0, t.tensor([0, 1]), A), lambda t: t.index_copy(_t(t), 0, t.tensor([0, 1]), A),
    lambda t: t.take(_t(t), np.arange(2)), lambda t: t.masked_select(_t(t), A > 0), lambda t: t.gather(_t(t), 0, np.arange(2)),
    lambda t: t.scatter(_t(t), 0, t.tensor([0, 1]), A), lambda t: t.scatter(_t(t), 0, np.arange(2), _t(t)),
    lambda t: t.put(_t(t), t.tensor([0]), A), lambda t: t.masked_scatter(_t(t), _t(t) > 0, A), lambda t: _t(t).pow_(A),
])
def test_a_numpy_array_or_list_is_no_operand_of_torch_x(call):
    """torch.X (and t.X_) refuse an array, a list or None with torch's TypeError and its first line."""
    torch = require_torch()
    with pytest.raises(TypeError) as theirs:
        call(torch)
    with pytest.raises(TypeError) as ours:
        call(tinygrad_rnn)
    expected = str(theirs.value).split("\n")[0]
    if expected.endswith("but expected one of:"):  # torch lists its overloads; ours points to its documentation
        expected = expected[:-len(":")]
    assert str(ours.value).split("\n")[0].startswith(expected)


@pytest.mark.parametrize("call", [
    lambda t: t.add(_t(t), A), lambda t: _t(t).mul(LIST), lambda t: _t(t).eq(A), lambda t: _t(t).pow(A),
    lambda t: _t(t).where(_t(t) > 0, A), lambda t: _t(t).matmul(A),
])
def test_the_method_refuses_an_array_too(call):
    """t.X(array): a TypeError (NotAnOperand, whose words name neither the op nor the argument: the method is the
    op function itself, so no wrapper names them)."""
    require_torch()
    with pytest.raises(TypeError, match="numpy.ndarray|list"):
        call(tinygrad_rnn)


def test_an_operator_turns_the_refusal_into_not_implemented():
    t = tinygrad_rnn.ones(2)
    with pytest.raises(NotAnOperand):
        tinygrad_rnn.ops.pointwise.add(t, A)
    assert t.__add__(A) is NotImplemented and t.__mul__(LIST) is NotImplemented and t.__matmul__(2.0) is NotImplemented


@pytest.mark.parametrize("call", [
    lambda t: t.add(_t(t), np.float64(2)), lambda t: t.mul(_t(t), np.int64(3)), lambda t: t.pow(_t(t), np.float32(2)),
    lambda t: t.add(t.ones(2, dtype=t.int64), np.True_), lambda t: t.add(t.ones(2, dtype=t.bool), np.True_),
    lambda t: t.where(_t(t) > 0, _t(t), np.float64(3)), lambda t: t.clamp(_t(t), np.float64(0.75)),
    lambda t: t.masked_fill(_t(t), _t(t) > 0, np.float64(2)), lambda t: t.add(_t(t), _t(t), alpha=np.float64(2)),
    lambda t: _t(t).copy_(np.float64(2)), lambda t: t.lerp(_t(t), t.ones(2), np.float64(0.25)),
])
def test_numpy_scalars_stay_numbers(call):
    torch = require_torch()
    ours, theirs = call(tinygrad_rnn), call(torch)
    assert ours.dtype == getattr(tinygrad_rnn, str(theirs.dtype).split(".")[1])
    assert ours.tolist() == theirs.tolist()


def test_where_values_a_condition_torch_would_refuse_after_its_type():
    check_error(lambda t: t.where(t.ones(2), t.ones(2), t.zeros(2)))  # a float condition: its RuntimeError

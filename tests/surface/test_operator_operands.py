"""Python operators with an operand that is neither a tensor nor a number: torch's give NotImplemented, so
Python decides (`t == None` is False, `None + t` is Python's TypeError), and for a numpy array numpy does
(`t + array` is numpy's float64 result, `array + t` and `t < array` Python's TypeError)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

CASES = {
    "eq_none": lambda t: t == None,  # noqa: E711  (the comparison itself is what is tested)
    "ne_none": lambda t: t != None,  # noqa: E711
    "eq_str": lambda t: t == "a", "eq_list": lambda t: t == [1.0, 1.0], "eq_tuple": lambda t: t == (1.0, 1.0),
    "eq_object": lambda t: t == object(), "none_eq": lambda t: None == t,  # noqa: E711
    "lt_none": lambda t: t < None, "ge_str": lambda t: t >= "a",
    "in_list": lambda t: t in [None, "x", t], "index_in_list": lambda t: [None, t].index(t),
    "radd_none": lambda t: None + t, "rsub_none": lambda t: None - t, "radd_list": lambda t: [1.0, 1.0] + t,
    "rmul_str": lambda t: "ab" * t, "rtruediv_none": lambda t: None / t, "rpow_none": lambda t: None ** t,
    "rmatmul_none": lambda t: None @ t, "floordiv_none": lambda t: t // None, "rmod_none": lambda t: None % t,
    "eq_array": lambda t: t == np.ones(2), "eq_number": lambda t: t == 1, "radd_number": lambda t: 2 + t,
    "rsub_numpy_scalar": lambda t: np.float32(2) - t,
}

A, LIST = np.array([1.0, 2.0]), [1.0, 2.0]
CASES.update({  # a numpy array, 0-d array, list or tuple: torch's parser takes none of them
    "add_array": lambda t: t + A, "radd_array": lambda t: A + t, "sub_array": lambda t: t - A,
    "rsub_array": lambda t: A - t, "mul_array": lambda t: t * A, "rmul_array": lambda t: A * t,
    "truediv_array": lambda t: t / A, "rtruediv_array": lambda t: A / t, "rtruediv_int_array": lambda t: np.arange(2) / t,
    "floordiv_array": lambda t: t // A, "mod_array": lambda t: t % A, "pow_array": lambda t: t ** A,
    "rpow_array": lambda t: A ** t, "matmul_array": lambda t: t @ A, "rmatmul_array": lambda t: A @ t,
    "add_int_array": lambda t: t + np.arange(2), "add_float32_array": lambda t: t + A.astype(np.float32),
    "add_0d_array": lambda t: t + np.array(2.0), "mul_0d_array": lambda t: t * np.array(2.0),
    "add_list": lambda t: t + LIST, "mul_list": lambda t: t * LIST, "truediv_list": lambda t: t / LIST,
    "rtruediv_list": lambda t: LIST / t, "matmul_list": lambda t: t @ LIST, "add_tuple": lambda t: t + (1.0, 2.0),
    "add_none": lambda t: t + None, "mul_none": lambda t: t * None, "pow_none": lambda t: t ** None,
    "ne_array": lambda t: t != A, "lt_array": lambda t: t < A, "rge_array": lambda t: A >= t,
    "eq_0d_array": lambda t: t == np.array(0.5), "req_array": lambda t: A == t, "eq_longer_array": lambda t: t == A[:1],
    "and_array": lambda t: t.long() & np.arange(2), "rand_array": lambda t: np.arange(2) & t.long(),
    "or_list": lambda t: t.long() | [1, 2], "xor_numpy_bool": lambda t: t.long() ^ np.True_,
    "matmul_number": lambda t: t @ 2.0, "rmatmul_number": lambda t: 2.0 @ t, "matmul_numpy_scalar": lambda t: t @ np.float64(2),
    # numpy's scalars stay numbers to torch, a numpy bool a float one (int64 + np.True_ is float32)
    "add_numpy_float": lambda t: t + np.float64(2), "rmul_numpy_int": lambda t: np.int64(3) * t,
    "long_add_numpy_bool": lambda t: t.long() + np.True_, "bool_add_numpy_bool": lambda t: t.bool() + np.True_,
    # a tensor that requires grad: numpy asks for its values, which torch refuses
    "grad_add_array": lambda t: t.requires_grad_() + A, "grad_rtruediv_array": lambda t: A / t.requires_grad_(),
    "grad_eq_array": lambda t: t.requires_grad_() == A,
})


def _augmented(t, other, symbol):
    """`x op= other` on a copy of t: both what x is afterwards and whether t was left alone."""
    x = t.clone()
    names = {"x": x, "other": other}
    exec(f"x {symbol}= other", names)  # noqa: S102  (the augmented assignment is the statement under test)
    return names["x"], t


for symbol, name in (("+", "add"), ("-", "sub"), ("*", "mul"), ("/", "truediv"), ("//", "floordiv"), ("%", "mod"),
                     ("**", "pow")):
    CASES[f"i{name}_array"] = lambda t, s=symbol: _augmented(t, A, s)  # python rebinds x to `x op array`
    CASES[f"i{name}_list"] = lambda t, s=symbol: _augmented(t, LIST, s)
CASES["iand_array"] = lambda t: _augmented(t.long(), np.arange(2), "&")
CASES["iadd_numpy_scalar"] = lambda t: _augmented(t, np.float64(2), "+")  # a number: in place, float32 stays


@pytest.mark.parametrize("name", list(CASES))
def test_an_operand_torch_does_not_take_is_left_to_python(name):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:  # numpy's word about torch's __array_wrap__ too
            warnings.simplefilter("always")
            try:
                results.append(repr(CASES[name](m.ones(2) * 0.5)))
            except Exception as error:  # noqa: BLE001  (the error is what is compared)
                results.append(f"{type(error).__name__}: {error}")
        results[-1] += "".join(f"\n{w.category.__name__}: {w.message}" for w in caught)
    assert results[0] == results[1]


METHOD_CALLS = {  # t.X(operand): torch's parser words the error for the method (self is not counted)
    "add_array": lambda t: t.add(A), "add_list": lambda t: t.add(LIST), "sub_none": lambda t: t.sub(None),
    "mul_str": lambda t: t.mul("a"), "div_array_keyword": lambda t: t.div(other=A),
    "matmul_list": lambda t: t.matmul(LIST), "mm_number": lambda t: t.reshape(1, 2).mm(2.0),
    "dot_none": lambda t: t.dot(None), "type_as_array": lambda t: t.type_as(A),
    "lt_array": lambda t: t.lt(A), "pow_list": lambda t: t.pow(LIST), "add__array": lambda t: t.add_(A),
}


@pytest.mark.parametrize("name", list(METHOD_CALLS))
def test_a_method_refuses_an_operand_as_torchs_does(name):
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError) as caught:
            METHOD_CALLS[name](m.ones(2))
        errors.append((type(caught.value).__name__, str(caught.value).split("\n")[0]))
    ours, theirs = errors
    assert ours[0] == theirs[0] == "TypeError"
    if "invalid combination" in theirs[1]:  # (ours points at torch's documentation instead of listing overloads)
        assert ours[1].split(", but expected")[0] == theirs[1].split(", but expected")[0]
    else:
        assert ours == theirs

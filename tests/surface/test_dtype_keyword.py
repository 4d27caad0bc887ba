"""A factory's `dtype=` takes a torch dtype or a Python number type only, as torch's parser: a numpy type or
dtype, or a string, is torch's TypeError (surface/dtype_keyword.py)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

CALLS = {"tensor": lambda m, d: m.tensor([1.0], dtype=d), "zeros": lambda m, d: m.zeros(2, dtype=d),
         "ones_like": lambda m, d: m.ones_like(m.ones(2), dtype=d), "rand": lambda m, d: m.rand(2, dtype=d),
         "empty": lambda m, d: m.empty(2, dtype=d), "eye": lambda m, d: m.eye(2, dtype=d)}
SINGLE_OVERLOAD = {"tensor", "zeros", "ones_like", "empty"}
REFUSED = {"numpy_type": np.float32, "numpy_dtype64": np.dtype("float64"), "string": "float32"}


@pytest.mark.parametrize("given", list(REFUSED))
@pytest.mark.parametrize("call", list(CALLS))
def test_a_dtype_torch_does_not_take_is_refused(call, given):
    if call in SINGLE_OVERLOAD and given != "numpy_dtype64":
        check_error(lambda m: CALLS[call](m, REFUSED[given]))
        return
    torch = require_torch()  # (ours does not list eye's and rand's overloads; a numpy dtype's class is named shorter)
    messages = []
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError) as caught:
            CALLS[call](m, REFUSED[given])
        messages.append(str(caught.value).split(" - got", 1)[0].split(", not ", 1)[0])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("given", [float, int, bool], ids=["float", "int", "bool"])
def test_python_number_types_name_torch_dtypes(given):
    torch = require_torch()
    for call in ("tensor", "zeros", "ones_like"):
        ours = CALLS[call](tinygrad_rnn, given)
        assert str(ours.dtype) == str(CALLS[call](torch, given).dtype)


@pytest.mark.parametrize("call", [
    lambda m: m.ones(2).sum(dtype=np.float64), lambda m: m.ones(2).cumsum(0, dtype=np.float64),
    lambda m: m.ones(2).prod(dtype=np.float64), lambda m: m.ones(2).mean(dtype="float64"),
    lambda m: m.ones(2).to(np.float32), lambda m: m.ones(2).to(dtype=np.float64),
], ids=["sum", "cumsum", "prod", "mean_string", "to_numpy_type", "to_dtype_keyword"])
def test_ops_with_a_dtype_refuse_numpy_types(call):
    torch = require_torch()
    with pytest.raises(TypeError):
        call(torch)
    with pytest.raises(TypeError):
        call(tinygrad_rnn)


def test_new_factories_refuse_a_numpy_dtype_that_equals_a_python_type():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):  # (np.dtype('float64') == float, so an `in (float, ...)` check let it by)
        with pytest.raises(TypeError, match="new_zeros\\(\\): argument 'dtype' must be torch.dtype"):
            m.ones(2).new_zeros(2, dtype=np.dtype("float64"))

"""Python operators with an operand that is neither a tensor, a number nor an array: torch's give
NotImplemented, so Python decides (`t == None` is False, `None + t` is Python's TypeError)."""
from __future__ import annotations

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


@pytest.mark.parametrize("name", list(CASES))
def test_an_operand_torch_does_not_take_is_left_to_python(name):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        try:
            results.append(repr(CASES[name](m.ones(2))))
        except Exception as error:  # noqa: BLE001  (the error is what is compared)
            results.append(f"{type(error).__name__}: {error}")
    assert results[0] == results[1]

"""Comparisons (ops/compare.py) beyond the op database's samples: the argument errors of torch's parser."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error


@pytest.mark.parametrize("name", ["le", "ge", "lt", "gt", "eq", "ne"])
@pytest.mark.parametrize("first", [3, 2.5, True, np.float32(2)], ids=["int", "float", "bool", "numpy"])
def test_a_comparison_given_a_number_first_fails_as_torch(name, first):
    """torch.le(3, x) fits neither overload (Tensor, Tensor) nor (Tensor, Number); ours compared anyway."""
    check_error(lambda m: getattr(m, name)(first, m.tensor([1.0, 5.0, 3.0])))
    check_error(lambda m: getattr(m, name)(first, 2))


def test_a_number_on_the_left_of_an_operator_still_compares():
    import tinygrad_rnn as torch
    x = torch.tensor([1.0, 5.0, 3.0])
    assert (3 <= x).tolist() == [False, True, True] and (2.5 > x).tolist() == [True, False, False]


@pytest.mark.parametrize("name", ["greater", "less", "less_equal", "greater_equal", "not_equal"])
def test_an_alias_is_named_as_called_in_its_argument_errors(name):
    """torch.greater(3, x) says greater(), not gt(): torch's parser names the function the program called."""
    check_error(lambda m: getattr(m, name)(3, m.tensor([1.0, 5.0])))


@pytest.mark.parametrize("call", [
    lambda m: m.isclose(m.ones(3), m.ones(3), rtol=-0.4),
    lambda m: m.isclose(m.ones(3), m.ones(3), atol=-1),
    lambda m: m.allclose(m.ones(3), m.ones(3), rtol=-1e-10, atol=-1),
    lambda m: m.isclose(m.ones(3, dtype=m.long), m.ones(3), rtol=-0.4),  # the dtypes are checked first
])
def test_negative_tolerances_are_refused_as_torch(call):
    check_error(call)

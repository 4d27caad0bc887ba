"""randint reads its arguments as torch's parser does: the overload they fit, else the one overload that takes as
many arguments explains the mismatch, else torch's 'invalid combination' listing the four overloads."""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

CALLS = {
    "high_size": lambda m: m.randint(10, (3,)),
    "low_high_size": lambda m: m.randint(2, 10, (3, 2)),
    "size_keyword": lambda m: m.randint(10, size=(3,)),
    "all_keywords": lambda m: m.randint(size=(3,), high=10),
    "low_high_size_keywords": lambda m: m.randint(low=2, high=10, size=(3,)),
    "empty_size": lambda m: m.randint(2, 10, []),
    "numpy_ints": lambda m: m.randint(np.int64(10), (np.int64(3),)),
    "tensor_ints": lambda m: m.randint(m.tensor([10]), (m.tensor(2),)),
    "float_dtype": lambda m: m.randint(10, (3,), dtype=float),
    "options_none": lambda m: m.randint(10, (3,), dtype=None, device=None, requires_grad=None, pin_memory=None,
                                        layout=None, generator=None),
    "out": lambda m: m.randint(10, (3,), out=m.zeros(3)),
}

ERRORS = {
    "low_without_high": lambda m: m.randint(low=3, size=(2,)),
    "float_high": lambda m: m.randint(2, 10.5, (3,)),
    "int_size": lambda m: m.randint(10, 3),
    "float_later_in_size": lambda m: m.randint(10, (3, 2.0)),
    "float_later_in_size_3": lambda m: m.randint(2, 10, (3, 2.0)),
    "float_first_in_size": lambda m: m.randint(10, (2.0, 3)),
    "float_first_in_size_3": lambda m: m.randint(2, 10, (2.0, 3)),
    "high_alone": lambda m: m.randint(10),
    "two_ints": lambda m: m.randint(2, 10),
    "bad_generator": lambda m: m.randint(10, (3,), generator=1),
    "unknown_keyword": lambda m: m.randint(10, (3,), foo=1),
    "unknown_keyword_with_size": lambda m: m.randint(10, size=(3,), foo=2),
    "str_size": lambda m: m.randint(10, "ab"),
    "four_positional": lambda m: m.randint(1, 2, 3, 4),
    "overflow": lambda m: m.randint(2 ** 70, (2,)),
    "none_size": lambda m: m.randint(10, None),
    "none_low": lambda m: m.randint(None, 10, (3,)),
    "bool_high": lambda m: m.randint(True, (3,)),
    "bool_in_size": lambda m: m.randint(10, (True,)),
    "keyword_size_int": lambda m: m.randint(high=10, size=3),
    "high_keyword_alone": lambda m: m.randint(high=10),
    "high_twice": lambda m: m.randint(10, high=3),
    "requires_grad_int": lambda m: m.randint(10, (3,), requires_grad=1),
    "dtype_int": lambda m: m.randint(10, (3,), dtype=3),
    "out_int": lambda m: m.randint(10, (3,), out=3),
    "device_before_size": lambda m: m.randint(3, 5, (2, 2.0, 3), device="nowhere"),
    "size_before_overflow": lambda m: m.randint(2 ** 70, (3, 2.0)),
    "float_tensor_high": lambda m: m.randint(m.tensor(10.0), (2,)),
    "ndarray_size": lambda m: m.randint(10, np.array([3])),
    "negative_size": lambda m: m.randint(10, (3, -1)),
    "empty_range": lambda m: m.randint(5, 2, (3,)),
    "pin_memory": lambda m: m.randint(10, (3,), pin_memory=True),
    "requires_grad_int64": lambda m: m.randint(10, (3,), requires_grad=True),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_calls_as_torch(name):
    torch = require_torch()
    ours, theirs = CALLS[name](tinygrad_rnn), CALLS[name](torch)
    assert (tuple(ours.shape), str(ours.dtype)) == (tuple(theirs.shape), str(theirs.dtype))


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_torch(name):
    check_error(ERRORS[name])


def test_seeded_draws_as_torch():
    torch = require_torch()
    for lib in (tinygrad_rnn, torch):
        lib.manual_seed(5)
    g_ours, g_torch = tinygrad_rnn.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    assert tinygrad_rnn.randint(2, 10, (4, 3)).tolist() == torch.randint(2, 10, (4, 3)).tolist()
    assert tinygrad_rnn.randint(7, (5,), generator=g_ours).tolist() == torch.randint(7, (5,), generator=g_torch).tolist()

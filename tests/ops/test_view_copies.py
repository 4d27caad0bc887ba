"""torch's *_copy functions (ops/view_copies.py): new tensors, the view's checks, torch's names and out=.
Values, gradients and node names of every sample are checked by the op database (test_op_db.py)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("call", [lambda m, x: m.transpose_copy(x, 0, 1), lambda m, x: m.t_copy(x),
                                  lambda m, x: m.permute_copy(x, (1, 0)), lambda m, x: m.diagonal_copy(x),
                                  lambda m, x: m.slice_copy(x, 1, 0, 3, 2), lambda m, x: m.select_copy(x, 1, 0)])
def test_result_is_contiguous_and_shares_nothing(call):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        x = m.tensor(np.arange(12.0).reshape(3, 4))
        y = call(m, x)
        assert y.is_contiguous()
        y.add_(100.0)
        assert x.sum().item() == 66.0  # the input is untouched


@pytest.mark.parametrize("call", [
    lambda m, x: m.view_copy(x, 4, 3),  # torch's overloads take a tuple
    lambda m, x: m.slice_copy(x, 1, 0, 3, 0),
    lambda m, x: m.t_copy(x.reshape(2, 3, 2)),
    lambda m, x: m.select_copy(x, 0, 5),
    lambda m, x: m.transpose_copy(x, 0, 2),
    lambda m, x: m.split_copy(x, [1, 2], 1),
    lambda m, x: m.split_with_sizes_copy(x, [1, 1], 1),
])
def test_bad_arguments_raise_torchs_errors(call):
    require_torch()
    check_error(lambda m: call(m, m.tensor(np.zeros((3, 4)))))


def test_split_copy_into_out_returns_none():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        a, b = m.empty(3, 2), m.empty(3, 2)
        results.append((m.split_copy(m.tensor(np.arange(12.0).reshape(3, 4)), 2, 1, out=[a, b]), a.numpy(), b.numpy()))
    assert results[0][0] is None and results[1][0] is None
    np.testing.assert_array_equal(results[0][1], results[1][1])
    np.testing.assert_array_equal(results[0][2], results[1][2])


def test_view_copy_as_a_dtype():
    torch = require_torch()
    ours = tinygrad_rnn.view_copy(tinygrad_rnn.ones(2, 3), tinygrad_rnn.int32)
    theirs = torch.view_copy(torch.ones(2, 3), torch.int32)
    assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()


def test_detach_copy_keeps_requires_grad_and_refuses_backward():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        y = m.detach_copy(m.ones(3, requires_grad=True))
        assert y.requires_grad and y.grad_fn.name() == "torch::autograd::NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::detach_copy is not implemented"):
            y.sum().backward()


def test_clone_to_contiguous_format_is_row_major():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        y = m.ones(3, 4).t()
        assert y.clone(memory_format=m.contiguous_format).is_contiguous()
        assert not y.clone(memory_format=m.preserve_format).is_contiguous()  # the default keeps the layout
        assert m.view_copy(m.ones(2, 3), size=(3, 2)).shape == (3, 2)

"""grad_fn.next_functions two levels down, against torch, for what the differential fuzzer's graph_names family
found: a cast torch makes inside its kernels (type promotion, a reduction's dtype=, copy_ into another dtype)
has no node of its own, a number written with x[key] = 0 shows as (None, 0), clamp lists both bounds,
take_along_dim expands its input, x[key] = value views and expands the value as torch's setitem does."""
from __future__ import annotations

import pytest
from helpers import require_torch

import tinygrad_rnn


def _leaf(m, *shape, dtype="float64"):
    return m.arange(1.0, 1.0 + m.Size(shape).numel(), dtype=getattr(m, dtype)).reshape(shape).requires_grad_()


def _names(node, depth: int = 3):
    """The node's name and those of its next_functions, `depth` levels down (None: an input needing no grad)."""
    if node is None:
        return None
    if depth == 0:
        return node.name()
    return node.name(), tuple(_names(n, depth - 1) for n, _ in node.next_functions)


def _written(m, key, value):
    z = _leaf(m, 2, 2) * 1
    z[key(m) if callable(key) else key] = value(m) if callable(value) else value
    return z


CASES = {
    "add_float32_operand": lambda m: _leaf(m, 3) + _leaf(m, 3, dtype="float32"),
    "mul_float32_non_leaf": lambda m: _leaf(m, 3) * _leaf(m, 3, dtype="float32").exp(),
    "where_float32_operand": lambda m: m.where(m.tensor([True, False, True]), _leaf(m, 3), _leaf(m, 3, dtype="float32")),
    "cat_float32_piece": lambda m: m.cat([_leaf(m, 3, dtype="float32"), _leaf(m, 3)]),
    "stack_float32_piece": lambda m: m.stack([_leaf(m, 3), _leaf(m, 3, dtype="float32")]),
    "pad_sequence_float32_piece": lambda m: m.nn.utils.rnn.pad_sequence([_leaf(m, 2, 3), _leaf(m, 1, 3, dtype="float32")]),
    "write_float32_row": lambda m: _written(m, 0, _leaf(m, 2, dtype="float32")),
    "sum_dtype": lambda m: _leaf(m, 2, 3).sum(dtype=m.float32),
    "sum_dim_dtype": lambda m: _leaf(m, 2, 3).sum(0, keepdim=True, dtype=m.float32),
    "mean_dim_dtype": lambda m: _leaf(m, 2, 3).mean(1, dtype=m.float32),
    "nansum_dtype": lambda m: _leaf(m, 2, 3).nansum(dtype=m.float32),
    "prod_dim_dtype": lambda m: _leaf(m, 2, 3).prod(1, dtype=m.float32),
    "cumsum_dtype": lambda m: _leaf(m, 2, 3).cumsum(1, dtype=m.float32),
    "cumprod_dtype": lambda m: _leaf(m, 2, 3).cumprod(0, dtype=m.float32),
    "softmax_dtype_keeps_its_cast": lambda m: _leaf(m, 2, 3, dtype="float32").softmax(0, dtype=m.float64),
    "explicit_cast_keeps_its_node": lambda m: _leaf(m, 3).float() * 2,
    "masked_fill_float32_value": lambda m: _leaf(m, 2).masked_fill(m.tensor([True, False]),
                                                                    _leaf(m, 2, dtype="float32").sum()),
    "write_number_into_select": lambda m: _written(m, 0, 0.0),
    "write_number_with_ellipsis": lambda m: _written(m, (Ellipsis, -1), 0),
    "write_number_through_mask": lambda m: _written(m, lambda m: m.tensor([[True, False], [False, True]]), 0.0),
    "write_number_everywhere": lambda m: _written(m, Ellipsis, 1.0),
    "write_index_with_leading_ones": lambda m: _written(m, lambda m: m.tensor([0]), _leaf(m, 1, 1, 2)),
    "write_index_without_leading_ones": lambda m: _written(m, lambda m: m.tensor([0]), _leaf(m, 2)),
    "write_mask_with_leading_ones": lambda m: _written(m, lambda m: m.tensor([True, False]), _leaf(m, 1, 2)),
    "write_select_with_leading_ones": lambda m: _written(m, 0, _leaf(m, 1, 2)),
    "write_select_same_shape": lambda m: _written(m, 0, _leaf(m, 2)),
    "write_slice_broadcast": lambda m: _written(m, slice(0, 1), _leaf(m, 2)),
    "write_everything_broadcast": lambda m: _written(m, Ellipsis, _leaf(m, 1, 2)),
    "write_everything_same_shape": lambda m: _written(m, Ellipsis, _leaf(m, 2, 2)),
    "fill_keeps_one_edge": lambda m: (_leaf(m, 2) * 1).fill_(1.5),
    "zero_keeps_one_edge": lambda m: (_leaf(m, 2) * 1).zero_(),
    "clamp_float32_bound": lambda m: _leaf(m, 3).clamp(min=_leaf(m, 3, dtype="float32")),
    "mse_loss_float32_target": lambda m: m.nn.functional.mse_loss(_leaf(m, 3), _leaf(m, 3, dtype="float32")),
    "take_along_dim_expands_even_to_its_shape": lambda m: _leaf(m, 2, 2).take_along_dim(m.zeros(2, 2, dtype=m.int64), 0),
    "l1_loss_float32_target": lambda m: m.nn.functional.l1_loss(_leaf(m, 3), _leaf(m, 3, dtype="float32")),
    "smooth_l1_beta_0_float32_target": lambda m: m.nn.functional.smooth_l1_loss(_leaf(m, 3), _leaf(m, 3, dtype="float32"),
                                                                                 beta=0.0),
    "clamp_min_tensor": lambda m: (_leaf(m, 2) * 2).clamp(min=_leaf(m, 2)),
    "clamp_max_tensor_without_grad": lambda m: _leaf(m, 2).clamp(max=m.zeros(2, dtype=m.float64)),
    "clamp_min_keeps_two_edges": lambda m: _leaf(m, 2).clamp_min(_leaf(m, 2)),
    "clamp_max_keeps_two_edges": lambda m: _leaf(m, 2).clamp_max(m.ones(2, dtype=m.float64)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_next_functions_are_torchs(case):
    torch = require_torch()
    ours, theirs = (_names(CASES[case](m).grad_fn) for m in (tinygrad_rnn, torch))
    assert ours == theirs


def test_gradients_still_flow_through_a_hidden_promotion_cast_in_each_dtype():
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        x, y = _leaf(m, 3), _leaf(m, 3, dtype="float32")
        (x * y).sum(dtype=m.float32).backward()
        grads.append([(str(g.dtype).replace("torch.", ""), g.tolist()) for g in (x.grad, y.grad)])
    assert grads[0] == grads[1]


def _python_node_reprs(m):
    """How nodes torch writes as Python autograd Functions print (addresses cut)."""
    x = m.ones(1, 2, requires_grad=True)
    hooked = m.nn.Linear(2, 2)
    hooked.register_full_backward_hook(lambda *args: None)
    nodes = [hooked(x).grad_fn,
             m.utils.checkpoint.checkpoint(lambda a: a.sin(), x, use_reentrant=True).grad_fn,
             m.compile(lambda a: a.sin(), backend="aot_eager")(x).grad_fn, x.sin().grad_fn]
    return [repr(n).split(" at 0x")[0] for n in nodes]


def test_torchs_python_function_nodes_print_as_torchs():
    torch = require_torch()
    assert _python_node_reprs(tinygrad_rnn) == _python_node_reprs(torch)

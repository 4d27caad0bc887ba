"""The recurrent cells record torch's graph: addmm(b_hh, h, W_hh.t()) + addmm(b_ih, x, W_ih.t()),
split by unsafe_chunk, then each cell's gate math in torch's order of operations."""
import pytest
from helpers import require_torch

import tinygrad_rnn


def _names(node, depth):
    """Each node's name with its inputs', `depth` levels down."""
    if node is None:
        return "None"
    if depth == 0:
        return type(node).__name__
    return type(node).__name__ + "[" + ",".join(_names(f, depth - 1) for f, _ in node.next_functions) + "]"


def _graph(lib, name, x_requires_grad):
    lib.manual_seed(0)
    cell = getattr(lib.nn, name)(3, 2)
    x = lib.randn(4, 3, requires_grad=x_requires_grad)
    out = cell(x)
    return _names((out[0] if isinstance(out, tuple) else out).sum().grad_fn, 8)


@pytest.mark.parametrize("x_requires_grad", [False, True])
@pytest.mark.parametrize("name", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cell_graph_matches_torch(name, x_requires_grad):
    torch = require_torch()
    assert _graph(tinygrad_rnn, name, x_requires_grad) == _graph(torch, name, x_requires_grad)

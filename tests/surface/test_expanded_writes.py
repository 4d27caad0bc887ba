"""In-place writes into an expanded tensor (one element seen at several places), each compared with torch.

torch lets a few writes through to the memory underneath (zero_, fill_ with a number, the diagonal, a copy into
a view that is not itself expanded; masked_fill_, index_fill_ and index_put_ with a deprecation warning) and
refuses the rest with its overlap error. A write is checked for what it raises or warns, what the base holds
after, the version counters, and, with a base in the graph, the nodes and the gradient (or backward's refusal).
"""
from __future__ import annotations

import warnings

import pytest
from helpers import require_torch

import tinygrad_rnn

# (the base's shape, the expanded shape): a row grown to a matrix, a vector given a new dim, a 0-d everywhere
EXPANSIONS = {"row": ((1, 3), (4, 3)), "new dim": ((3,), (2, 3)), "0-d": ((), (2, 3))}

WRITES = {
    "zero_": lambda m, y: y.zero_(),
    "fill_": lambda m, y: y.fill_(5.0),
    "fill_ with a tensor": lambda m, y: y.fill_(m.tensor(5.0)),
    "copy_": lambda m, y: y.copy_(m.full(y.shape, 7.0)),
    "add_": lambda m, y: y.add_(1),
    "clamp_": lambda m, y: y.clamp_(0, 1),
    "+=": lambda m, y: y.__iadd__(1),
    "uniform_": lambda m, y: y.uniform_(),
    "masked_fill_": lambda m, y: y.masked_fill_(y > 1.5, 9.0),
    "masked_fill_ of one row": lambda m, y: y.masked_fill_(m.arange(y.numel()).view(y.shape) == 1, 9.0),
    "index_fill_": lambda m, y: y.index_fill_(-1, m.tensor([0]), 8.0),
    "index_put_": lambda m, y: y.index_put_((m.tensor([0]),), m.tensor(6.0)),
    "masked_scatter_": lambda m, y: y.masked_scatter_(y > 1.5, m.full(y.shape, 4.0)),
    "scatter_": lambda m, y: y.scatter_(-1, m.zeros(y.shape, dtype=m.long), 3.0),
    "index_add_": lambda m, y: y.index_add_(-1, m.tensor([0]), m.full(y.shape[:-1] + (1,), 2.0)),
    "fill_diagonal_": lambda m, y: y.fill_diagonal_(3.0),
    "y[0] = v": lambda m, y: y.__setitem__(0, 4.0),
    "y[:1] = tensor": lambda m, y: y.__setitem__(slice(0, 1), m.full((1,) + y.shape[1:], 4.0)),
    "y[...] = v": lambda m, y: y.__setitem__(Ellipsis, 4.0),
    "y[mask] = v": lambda m, y: y.__setitem__(y > 1.5, 4.0),
    "y[mask] = values": lambda m, y: y.__setitem__(y > 1.5, m.arange(float((y > 1.5).sum()))),
    "y[index] = v": lambda m, y: y.__setitem__(m.tensor([0]), 4.0),
    "init.constant_": lambda m, y: m.nn.init.constant_(y, 0.5),
    "init.zeros_": lambda m, y: m.nn.init.zeros_(y),
    "init.eye_": lambda m, y: m.nn.init.eye_(y),
    "init.normal_": lambda m, y: m.nn.init.normal_(y),
}


def _written(m, write: str, expansion: str, base_kind: str) -> list:
    """What `write` does to an expanded tensor whose base is plain, a leaf that requires grad, or a node."""
    source, shape = EXPANSIONS[expansion]
    m.manual_seed(0)
    leaf = m.arange(1.0, 1.0 + (3 if source else 1)).reshape(source).clone().requires_grad_(base_kind != "plain")
    base = leaf * 1 if base_kind == "node" else leaf
    y = base.expand(shape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            WRITES[write](m, y)
        except Exception as error:  # noqa: BLE001 (the refusal is what is compared)
            return [type(error).__name__, str(error), [str(w.message) for w in caught]]
    seen = [[str(w.message) for w in caught], base.tolist(), base._version, y._version, y._base is base,
            y.grad_fn and y.grad_fn.name(), base.grad_fn and base.grad_fn.name()]
    if base_kind == "node":
        weights = m.arange(1.0, 1.0 + y.numel()).view(y.shape)
        try:
            (y * weights).sum().backward()
            seen.append(leaf.grad.tolist())
        except RuntimeError as error:
            seen.append(str(error))
    return seen


@pytest.mark.parametrize("base_kind", ["plain", "leaf", "node"])
@pytest.mark.parametrize("expansion", list(EXPANSIONS))
@pytest.mark.parametrize("write", list(WRITES))
def test_write_into_expanded_tensor_as_torch(write, expansion, base_kind):
    torch = require_torch()
    assert _written(tinygrad_rnn, write, expansion, base_kind) == _written(torch, write, expansion, base_kind)


def test_expanded_tensor_stays_read_only_to_numpy():
    """Only the writes torch allows go through: the expanded array itself stays read-only (reads as cheap as
    before), and a fill writes through to the one row underneath."""
    base = tinygrad_rnn.zeros(1, 3)
    y = base.expand(4, 3)
    assert not y._data.flags.writeable
    y.fill_(2.0)
    assert base.tolist() == [[2.0, 2.0, 2.0]] and not y._data.flags.writeable

"""kernels/step_layout.py: `step_blocks`, the blocks of steps backward's gate-factor passes run in.

On big arrays the LSTM and GRU backward compute their gate factors block by block (a cache-sized
block of steps at a time); each element gets the same operations as in one whole-sequence pass,
so the gradients must be the same bits. The blocks are forced here on a small model by shrinking
the size limits, with packed input (padded rows) and a given initial state (the first block reads
it, every later block the step before it).
"""
import numpy as np
import pytest

import tinygrad_rnn
from tinygrad_rnn.kernels import step_layout
from tinygrad_rnn.kernels.step_layout import step_blocks


@pytest.mark.parametrize("steps, step_bytes, whole, block, expected", [
    (5, 100, 1000, 300, [(0, 5)]),  # 500 bytes: one pass over the whole sequence
    (5, 100, 400, 300, [(0, 3), (3, 5)]),  # over the limit: blocks of 3 steps, the last one shorter
    (4, 1000, 400, 300, [(0, 1), (1, 2), (2, 3), (3, 4)]),  # a step bigger than a block: one step a block
    (0, 100, 0, 300, [(0, 0)]),  # no steps: one empty block
])
def test_step_blocks_cover_the_steps_in_order(monkeypatch, steps, step_bytes, whole, block, expected):
    monkeypatch.setattr(step_layout, "WHOLE_SEQUENCE_BYTES", whole)
    monkeypatch.setattr(step_layout, "STEP_BLOCK_BYTES", block)
    assert [(s.start, s.stop) for s in step_blocks(steps, step_bytes)] == expected


def gradients(kind: str) -> list[np.ndarray]:
    """Every gradient of a seeded 2-layer bidirectional nn.`kind` on packed input with a given state."""
    tinygrad_rnn.manual_seed(5)
    module = getattr(tinygrad_rnn.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    x = tinygrad_rnn.randn(7, 3, 3, requires_grad=True)
    h = tinygrad_rnn.randn(4, 3, 4, requires_grad=True)
    state = (h, tinygrad_rnn.randn(4, 3, 4, requires_grad=True)) if kind == "LSTM" else h
    packed = tinygrad_rnn.nn.utils.rnn.pack_padded_sequence(x, [7, 2, 5], enforce_sorted=False)
    out, final = module(packed, state)
    outs = [out.data, *(final if kind == "LSTM" else (final,))]
    tinygrad_rnn.autograd.backward(outs, [tinygrad_rnn.randn(*o.shape) for o in outs])
    leaves = [x, *(state if kind == "LSTM" else (state,)), *module.parameters()]
    return [t.grad.numpy().copy() for t in leaves]


@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
@pytest.mark.parametrize("block_bytes", [1, 100])  # one step a block; two steps (a step is 48 to 64 bytes)
def test_gate_factors_in_blocks_give_the_whole_sequence_bits(monkeypatch, kind, block_bytes):
    whole = gradients(kind)
    monkeypatch.setattr(step_layout, "WHOLE_SEQUENCE_BYTES", 0)
    monkeypatch.setattr(step_layout, "STEP_BLOCK_BYTES", block_bytes)
    assert len(step_blocks(7, 64)) > 1
    for i, (a, b) in enumerate(zip(whole, gradients(kind))):
        assert np.array_equal(a, b), f"gradient {i} differs when the gate factors run in blocks"

"""torch.rnn_tanh_cell, rnn_relu_cell, lstm_cell and gru_cell (nn/cell_functions.py) against torch: values,
gradients for a random upstream gradient and node names in float64, every bias combination, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

CELLS = [("rnn_tanh_cell", 1), ("rnn_relu_cell", 1), ("lstm_cell", 4), ("gru_cell", 3)]
BIASES = ["both", "none", "b_ih only", "b_hh only"]


def _run(m, name, gates, biases):
    rng = np.random.default_rng(0)

    def t(*shape):
        return m.tensor(rng.standard_normal(shape), dtype=m.float64, requires_grad=True)

    x, h, c, w_ih, w_hh, b_ih, b_hh = t(3, 4), t(3, 5), t(3, 5), t(5 * gates, 4), t(5 * gates, 5), t(5 * gates), t(5 * gates)
    bias = {"both": (b_ih, b_hh), "none": (), "b_ih only": (b_ih,), "b_hh only": (None, b_hh)}[biases]
    out = getattr(m, name)(x, (h, c) if name == "lstm_cell" else h, w_ih, w_hh, *bias)
    out = out if isinstance(out, tuple) else (out,)
    loss = sum((o * m.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in out)
    inputs = [x, h, w_ih, w_hh] + [b for b in bias if b is not None]
    grads = m.autograd.grad(loss, inputs)
    return [o.detach().numpy() for o in out], [g.numpy() for g in grads], [o.grad_fn.name() for o in out]


@pytest.mark.parametrize("biases", BIASES)
@pytest.mark.parametrize("name, gates", CELLS)
def test_cell_function_matches_torch(name, gates, biases):
    torch = require_torch()
    ours, theirs = _run(tinygrad_rnn, name, gates, biases), _run(torch, name, gates, biases)
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert ours[2] == theirs[2]


def _bad_calls(m):
    x, h, c = m.randn(3, 4), m.randn(3, 5), m.randn(3, 5)
    w_ih, w_hh = m.randn(20, 4), m.randn(20, 5)
    return {
        "1-d input": lambda: m.lstm_cell(m.randn(4), (m.randn(5), m.randn(5)), w_ih, w_hh),
        "input size": lambda: m.lstm_cell(m.randn(3, 3), (h, c), w_ih, w_hh),
        "hidden size": lambda: m.lstm_cell(x, (m.randn(3, 6), c), w_ih, w_hh),
        "batch size": lambda: m.lstm_cell(x, (m.randn(2, 5), c), w_ih, w_hh),
        "hx a tensor": lambda: m.lstm_cell(x, h, w_ih, w_hh),
        "one state": lambda: m.lstm_cell(x, (h,), w_ih, w_hh),
        "w_hh rows": lambda: m.rnn_tanh_cell(x, h, m.randn(5, 4), m.randn(6, 5)),
    }


@pytest.mark.parametrize("case", list(_bad_calls(tinygrad_rnn)))
def test_cell_function_errors_match_torch(case):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(Exception) as caught:
            _bad_calls(m)[case]()
        outcomes.append((caught.type, str(caught.value)))
    assert outcomes[0] == outcomes[1]

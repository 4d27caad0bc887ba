"""LSTM: the step math, one layer/direction over a sequence (op by op), and `LSTM` / `LSTMCell`.

One LSTM step, in torch's gate order i, f, g, o (the rows of `weight_ih` / `weight_hh`):

    i, f, g, o = split4(x @ W_ih^T + b_ih + h @ W_hh^T + b_hh)
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g)       the cell state: forget some, write some
    h' = sigmoid(o) * tanh(c')                       the output: a gated view of the cell
    h' = h' @ W_hr^T                                 only with proj_size > 0

Everything here is written with Tensor ops, so autograd derives the backward pass (and higher
derivatives). The fused kernel in `kernels/lstm.py` does the same math in one graph node.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.shape import stack
from ..tensor import Tensor


def lstm_cell_step(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                   b_hh: Tensor | None, w_hr: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step for a batch: x (N, H_in), h (N, P or H), c (N, H) -> (h', c')."""
    gates = x @ w_ih.t() + h @ w_hh.t()
    if b_ih is not None:
        gates = gates + b_ih + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h_next = o.sigmoid() * c_next.tanh()
    if w_hr is not None:
        h_next = h_next @ w_hr.t()
    return h_next, c_next


def valid_rows(lengths: Any, t: int) -> Tensor | None:
    """A (N, 1) boolean column: which batch elements are still running at step t (None: all)."""
    if lengths is None:
        return None
    lengths = np.asarray(lengths._data if isinstance(lengths, Tensor) else lengths)
    return Tensor._make((t < lengths)[:, None])


def run_lstm_direction(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                       b_hh: Tensor | None, w_hr: Tensor | None, reverse: bool,
                       lengths: Any = None) -> tuple[Tensor, Tensor, Tensor]:
    """One layer and direction over a whole sequence: x (L, N, H_in) -> (output (L, N, P or H), h_n, c_n).

    The reverse direction walks t = L-1 .. 0 and stores each output at its own time index.
    `lengths` (one int per batch element) marks steps t >= lengths[b] as padding: there the state
    is carried unchanged and the output is 0, so h_n/c_n are each element's state at its last valid
    step and the reverse direction starts at that step, exactly as if the element ran alone.
    """
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    h, c, outputs = h0, c0, {}
    for t in steps:
        h_next, c_next = lstm_cell_step(x[t], h, c, w_ih, w_hh, b_ih, b_hh, w_hr)
        valid = valid_rows(lengths, t)
        if valid is None:
            h, c, outputs[t] = h_next, c_next, h_next
        else:  # padding: keep the state, output zero (where() sends padding no gradient)
            h, c = h_next.where(valid, h), c_next.where(valid, c)
            outputs[t] = h_next.where(valid, 0.0)
    return stack([outputs[t] for t in range(len(outputs))]), h, c

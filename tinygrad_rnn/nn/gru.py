"""GRU: the step math, one layer/direction over a sequence (op by op), and `GRU` / `GRUCell`.

One GRU step, in torch's gate order r, z, n (the rows of `weight_ih` / `weight_hh`):

    r  = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)        reset gate
    z  = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)        update gate
    n  = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))     candidate state
    h' = (1 - z) * n + z * h

The reset gate multiplies (h W_hn^T + b_hn) as a whole, so b_hn is NOT interchangeable with b_in
(the two biases of an Elman RNN could be merged; these cannot). Everything here is written with
Tensor ops, so autograd derives the backward pass; `kernels/gru.py` is the fused twin.
"""
from __future__ import annotations

from typing import Any

from ..ops.shape import stack
from ..tensor import Tensor
from .lstm import valid_rows


def gru_cell_step(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                  b_hh: Tensor | None) -> Tensor:
    """One GRU step for a batch: x (N, H_in), h (N, H) -> h'."""
    from_input, from_hidden = x @ w_ih.t(), h @ w_hh.t()
    if b_ih is not None:
        from_input, from_hidden = from_input + b_ih, from_hidden + b_hh
    i_r, i_z, i_n = from_input.chunk(3, dim=1)
    h_r, h_z, h_n = from_hidden.chunk(3, dim=1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def run_gru_direction(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                      b_hh: Tensor | None, reverse: bool, lengths: Any = None) -> tuple[Tensor, Tensor]:
    """One layer and direction over a whole sequence: x (L, N, H_in) -> (output (L, N, H), h_n).

    Time order, output placement and `lengths` (padding keeps the state and outputs 0) are as in
    `run_lstm_direction`.
    """
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    h, outputs = h0, {}
    for t in steps:
        h_next = gru_cell_step(x[t], h, w_ih, w_hh, b_ih, b_hh)
        valid = valid_rows(lengths, t)
        if valid is None:
            h, outputs[t] = h_next, h_next
        else:
            h, outputs[t] = h_next.where(valid, h), h_next.where(valid, 0.0)
    return stack([outputs[t] for t in range(len(outputs))]), h

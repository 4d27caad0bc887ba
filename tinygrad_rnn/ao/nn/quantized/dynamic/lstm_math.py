"""torch.quantized_lstm's CPU path in numpy (inference): per layer and direction, the input projection of the
whole sequence is one linear_dynamic call (one activation scale for all steps, as torch's FullLayer
precomputes it); h is quantized afresh at every step. The gate math is torch's LSTMCell, in float32."""
from __future__ import annotations

import numpy as np

from ....linear_dynamic import linear_dynamic

F32 = np.float32


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-z.astype(np.float64)))).astype(F32)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z.astype(np.float64)).astype(F32)


def run_direction(seq: np.ndarray, h: np.ndarray, c: np.ndarray, cell, reverse: bool):
    """One direction of one layer over seq (T, B, I): (outputs (T, B, H), h_T, c_T)."""
    w_ih, b_ih, w_hh, b_hh = cell
    projected = linear_dynamic(seq, w_ih, b_ih)
    steps = range(len(seq) - 1, -1, -1) if reverse else range(len(seq))
    outputs = np.empty((len(seq),) + h.shape, F32)
    for t in steps:
        gates = linear_dynamic(h, w_hh, b_hh) + projected[t]
        i, f, g, o = np.split(gates, 4, axis=1)
        c = _sigmoid(f) * c + _sigmoid(i) * _tanh(g)
        h = _sigmoid(o) * _tanh(c)
        outputs[t] = h
    return outputs, h, c


def quantized_lstm(seq: np.ndarray, h0: np.ndarray, c0: np.ndarray, cells: list, num_layers: int,
                   directions: int):
    """A stacked (bi)LSTM over seq (T, B, I): (output, h_n, c_n), torch's layout."""
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            out, h, c = run_direction(seq, h0[k], c0[k], cells[k], reverse=d == 1)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        seq = np.concatenate(outs, axis=2) if directions == 2 else outs[0]
    return seq, np.stack(hs), np.stack(cs)

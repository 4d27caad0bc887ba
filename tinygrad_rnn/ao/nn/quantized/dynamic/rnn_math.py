"""torch.quantized_lstm's and torch.quantized_gru's CPU path in numpy (inference): per layer and direction, the
input projection of the whole sequence is one linear_dynamic call (one activation scale for all steps, as
torch's FullLayer precomputes it); h is quantized afresh at every step. The gate math is torch's LSTMCell and
GRUCell, in float32."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ....linear_dynamic import linear_dynamic

F32 = np.float32


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-z.astype(np.float64)))).astype(F32)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z.astype(np.float64)).astype(F32)


def lstm_step(projected: np.ndarray, state: tuple, w_hh, b_hh: np.ndarray) -> tuple:
    """One LSTM step from the precomputed input projection: the new (h, c)."""
    h, c = state
    gates = linear_dynamic(h, w_hh, b_hh) + projected
    i, f, g, o = np.split(gates, 4, axis=1)
    c = _sigmoid(f) * c + _sigmoid(i) * _tanh(g)
    return _sigmoid(o) * _tanh(c), c


def gru_step(projected: np.ndarray, state: tuple, w_hh, b_hh: np.ndarray) -> tuple:
    """One GRU step: n = tanh(i_n + r * h_n), h' = (h - n) * z + n, as torch's GRUCell."""
    (h,) = state
    i_r, i_z, i_n = np.split(projected, 3, axis=1)
    h_r, h_z, h_n = np.split(linear_dynamic(h, w_hh, b_hh), 3, axis=1)
    reset, update = _sigmoid(i_r + h_r), _sigmoid(i_z + h_z)
    new = _tanh(i_n + h_n * reset)
    return ((h - new) * update + new,)


def run_direction(seq: np.ndarray, state: tuple, cell: tuple, step: Callable, reverse: bool):
    """One direction of one layer over seq (T, B, I): (outputs (T, B, H), final state)."""
    w_ih, b_ih, w_hh, b_hh = cell
    projected = linear_dynamic(seq, w_ih, b_ih)
    outputs = np.empty((len(seq),) + state[0].shape, F32)
    for t in (range(len(seq) - 1, -1, -1) if reverse else range(len(seq))):
        state = step(projected[t], state, w_hh, b_hh)
        outputs[t] = state[0]
    return outputs, state


def quantized_rnn(seq: np.ndarray, initial: tuple, cells: list, step: Callable, num_layers: int,
                  directions: int) -> tuple:
    """A stacked (bi)RNN over seq (T, B, I); initial holds (h0,) or (h0, c0): (output, final states stacked)."""
    finals = []
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            out, state = run_direction(seq, tuple(s[k] for s in initial), cells[k], step, reverse=d == 1)
            outs.append(out)
            finals.append(state)
        seq = np.concatenate(outs, axis=2) if directions == 2 else outs[0]
    return seq, tuple(np.stack(parts) for parts in zip(*finals))

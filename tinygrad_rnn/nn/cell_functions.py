"""torch's recurrent cells as functions of their weights: `torch.rnn_tanh_cell`, `torch.rnn_relu_cell`,
`torch.lstm_cell`, `torch.gru_cell`.

    h1, c1 = torch.lstm_cell(x, (h0, c0), w_ih, w_hh, b_ih, b_hh)   # what nn.LSTMCell computes

Each is one step of its variant's math in kernels/ (the same step nn.RNNCell, LSTMCell and GRUCell
take), after torch's checks of the cell functions: a batched (2-D) input and states whose sizes
agree with the weights'.
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..creation import zeros_like
from ..kernels.recurrence import DirectionWeights
from ..kernels.variants import VARIANTS

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check(mode: str, input: Tensor, state: tuple, w_ih: Tensor, w_hh: Tensor) -> None:
    """torch's checks, in its order: input size, then each state's batch and hidden size, then w_hh's rows."""
    if input.size(1) != w_ih.size(1):  # a 1-D input: torch's IndexError from size(1)
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {w_ih.size(1)}")
    hidden_size = w_hh.size(1)
    for k, s in enumerate(state):
        if input.size(0) != s.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{k} batch size {s.size(0)}")
        if s.size(1) != hidden_size:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {s.size(1)}, expected {hidden_size}")
    gates = _GATES[mode]
    if w_hh.size(0) != gates * hidden_size:
        raise RuntimeError(f"weight_hh first dim must be {gates} * hidden_size = {gates * hidden_size}, "
                           f"but got {w_hh.size(0)}")


def _step(mode: str, input: Tensor, state: tuple, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
          b_hh: Tensor | None) -> tuple:
    _check(mode, input, state, w_ih, w_hh)
    variant = VARIANTS[mode]
    weights = DirectionWeights(w_ih, w_hh, b_ih, b_hh)
    return variant.step(variant.project(input, weights), state, weights.for_steps())


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _step("RNN_TANH", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _step("RNN_RELU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]


def lstm_cell(input: Tensor, hx: Any, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
              b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """(h1, c1) from hx = (h0, c0), with torch's gate order i, f, g, o."""
    if isinstance(hx, Tensor):
        raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor")
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    if (b_ih is None) != (b_hh is None):  # the LSTM projection adds the biases as a pair: zeros stand in (exact)
        b_ih, b_hh = (b if b is not None else zeros_like(b_ih if b_hh is None else b_hh) for b in (b_ih, b_hh))
    h, c = _step("LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)
    return h, c


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """h1 with torch's gate order r, z, n."""
    return _step("GRU", input, (hx,), w_ih, w_hh, b_ih, b_hh)[0]

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

from .. import backends
from ..core.tensor import Tensor
from ..creation import zeros
from ..kernels.lstm import fused_lstm_direction
from ..ops.shape import stack
from .rnn_base import RNNBase, RNNCellBase


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


# ---------------------------------------------------------------------------- modules
class LSTM(RNNBase):
    """`LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0, device=None, dtype=None)`.

    forward(input, hx=None) returns `(output, (h_n, c_n))`. hx is a pair `(h_0, c_0)` (tuple or
    list). With D = 2 if bidirectional else 1 and H_out = proj_size or hidden_size:
    input `(L, N, H_in)` (`(N, L, H_in)` with batch_first, or unbatched `(L, H_in)`), output
    `(L, N, D*H_out)`, h `(D*num_layers, N, H_out)`, c `(D*num_layers, N, hidden_size)`: the
    cell state never goes through the projection. batch_first never applies to h and c.

        >>> import tinygrad_rnn as torch
        >>> lstm = torch.nn.LSTM(4, 3, proj_size=2)
        >>> output, (h_n, c_n) = lstm(torch.randn(5, 7, 4))
        >>> tuple(output.shape), tuple(h_n.shape), tuple(c_n.shape)
        ((5, 7, 2), (1, 7, 2), (1, 7, 3))
    """

    _name_in_errors = "LSTM"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input: Any, hx: Any = None) -> tuple:
        """`(output, (h_n, c_n))`; see the class docstring for shapes."""
        return super().forward(input, hx)

    def _state_sizes(self) -> list[int]:
        return [self.proj_size if self.proj_size > 0 else self.hidden_size, self.hidden_size]

    def _state_tuple(self, hx: Any, batched: bool) -> tuple | None:
        """(h_0, c_0) as batched tensors, with torch's "hx and cx" rank check."""
        if hx is None:
            return None
        h, c = hx[0], hx[1]  # a bare tensor or a 1-tuple fails here with torch's IndexError
        want = 3 if batched else 2
        if h.dim() != want or c.dim() != want:
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                               f"({h.dim()}-D, {c.dim()}-D) tensors")
        if len(hx) != 2:
            raise RuntimeError("lstm expects two hidden states")
        return (h, c) if batched else (h.unsqueeze(1), c.unsqueeze(1))

    def _state_result(self, state: tuple) -> tuple:
        return state[0], state[1]

    def _packed_state_tuple(self, hx: Any) -> tuple:
        return hx[0], hx[1]

    def _check_packed_data(self, data: Tensor) -> None:
        """torch's LSTM skips its friendly checks for packed input; these are its kernel's messages."""
        weight = self._flat_weights[0]
        if data.dtype is not weight.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {data.dtype._legacy} and "
                               f"{weight.dtype._legacy}")
        if data.dim() == 1 or data.shape[-1] != self.input_size:
            rows = f"1x{data.shape[0]}" if data.dim() == 1 else f"{data.shape[0]}x{data.shape[-1]}"
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows} and "
                               f"{self.input_size}x{weight.shape[0]})")
        super()._check_packed_data(data)

    def _run_direction(self, x: Tensor, state: tuple, weights: Any, reverse: bool, lengths: Any) -> tuple:
        # By default the same math runs as one fused graph node (kernels/lstm.py); see backends.py.
        run = fused_lstm_direction if backends.fused_rnn else run_lstm_direction
        output, h, c = run(x, state[0], state[1], weights.w_ih, weights.w_hh, weights.b_ih, weights.b_hh,
                           weights.w_hr, reverse, lengths)
        return output, (h, c)


class LSTMCell(RNNCellBase):
    """One LSTM step: `LSTMCell(input_size, hidden_size, bias=True, device=None, dtype=None)`.

    forward(input, hx=None) takes `(N, H_in)` and hx = `(h, c)`, each `(N, H)` (or unbatched
    `(H_in,)` and `(H,)`), zeros when hx is None, and returns the pair `(h', c')`.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:
        if input.dim() not in (1, 2):
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for index, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{index}] to be 1D or 2D, got {value.dim()}D instead")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            state = (zeros(x.shape[0], self.hidden_size, dtype=x.dtype),) * 2
        else:
            state = tuple(hx) if batched else (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
            if isinstance(hx, Tensor):
                raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor")
            if len(state) != 2:
                raise RuntimeError("lstm_cell expects two hidden states")
        check_cell_forward(self, x, state)
        h, c = lstm_cell_step(x, state[0], state[1], self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


def check_cell_forward(cell: RNNCellBase, x: Tensor, state: tuple) -> None:
    """torch's checks for a cell's batched input and states (its C++ kernel's wording)."""
    if x.shape[1] != cell.input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected {cell.input_size}")
    for k, s in enumerate(state):
        if x.shape[0] != s.shape[0]:
            raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden{k} batch size {s.shape[0]}")
        if s.shape[1] != cell.hidden_size:
            raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got {s.shape[1]}, expected {cell.hidden_size}")
    # The first product each operand meets decides torch's dtype error: x @ W_ih^T, then h @ W_hh^T
    # (c only meets elementwise ops, so a float64 c0 with float32 weights is promoted, as in torch).
    for operand in (x, state[0]):
        if operand.dtype is not cell.weight_ih.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {operand.dtype._legacy} and "
                               f"{cell.weight_ih.dtype._legacy}")

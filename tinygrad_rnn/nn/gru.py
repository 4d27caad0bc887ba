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

from .. import backends
from ..core.tensor import Tensor
from ..kernels.gru import fused_gru_direction
from ..ops.shape import stack
from .lstm import check_cell_forward, valid_rows
from .rnn_base import RNNBase, RNNCellBase


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


# ---------------------------------------------------------------------------- modules
class GRU(RNNBase):
    """`GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, device=None, dtype=None)`; forward(input, hx=None) returns `(output, h_n)`.

    Shapes as nn.RNN's (D = 2 if bidirectional else 1): input `(L, N, H_in)` (`(N, L, H_in)` with
    batch_first, or unbatched `(L, H_in)`), output `(L, N, D*H)`, h_0 and h_n `(D*num_layers, N, H)`.

        >>> import tinygrad_rnn as torch
        >>> gru = torch.nn.GRU(4, 3, num_layers=2)
        >>> output, h_n = gru(torch.randn(5, 7, 4))
        >>> tuple(output.shape), tuple(h_n.shape)
        ((5, 7, 3), (2, 7, 3))
    """

    _name_in_errors = "GRU"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Any, hx: Tensor | None = None) -> tuple:
        """`(output, h_n)`; see the class docstring for shapes."""
        return super().forward(input, hx)

    def _run_direction(self, x: Tensor, state: tuple, weights: Any, reverse: bool, lengths: Any) -> tuple:
        # By default the same math runs as one fused graph node (kernels/gru.py); see backends.py.
        run = fused_gru_direction if backends.fused_rnn else run_gru_direction
        output, h = run(x, state[0], weights.w_ih, weights.w_hh, weights.b_ih, weights.b_hh, reverse, lengths)
        return output, (h,)


class GRUCell(RNNCellBase):
    """One GRU step: `GRUCell(input_size, hidden_size, bias=True, device=None, dtype=None)`.

    forward(input, hx=None) takes `(N, H_in)` and `(N, H)` (or unbatched `(H_in,)` and `(H,)`),
    zeros when hx is None, and returns h'.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, batched = self._batched(input, hx, "GRUCell")
        check_cell_forward(self, x, (h,))
        h_next = gru_cell_step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h_next if batched else h_next.squeeze(0)

"""The GRU modules: `GRU` (multi-layer, bidirectional) and `GRUCell`.

One GRU step, in torch's gate order r, z, n (the rows of `weight_ih` / `weight_hh`):

    r  = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)        reset gate
    z  = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)        update gate
    n  = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))     candidate state
    h' = (1 - z) * n + z * h

The step math, its composed path and its fused kernel are in tinygrad_rnn/kernels/gru.py; the
layer loop and the checks shared with RNN and LSTM are in rnn_base.py.
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from .rnn_base import RNNBase, RNNCellBase, takes_arguments_of
from .utils.rnn import PackedSequence


def _gru_arguments(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                   batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                   dtype: Any = None) -> None:
    """nn.GRU's parameters as torch documents them (GRU.__init__ binds them as torch does)."""


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

    @takes_arguments_of(_gru_arguments)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # torch's argument handling: everything but proj_size goes to RNNBase as is.
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        """`(output, h_n)`; see the class docstring for shapes."""
        return super().forward(input, hx)


class GRUCell(RNNCellBase):
    """One GRU step: `GRUCell(input_size, hidden_size, bias=True, device=None, dtype=None)`.

    forward(input, hx=None) takes `(N, H_in)` and `(N, H)` (or unbatched `(H_in,)` and `(H,)`),
    zeros when hx is None, and returns h'.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    _name_in_errors = "GRUCell"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """h' for input `(N, H_in)` or `(H_in,)`; hx `(N, H)` / `(H,)` or None for zeros."""
        x, state, batched = self._cell_state(input, hx)
        self._check_cell(x, state)
        (h,) = self._step("GRU", x, state)
        return h if batched else h.squeeze(0)

"""The Elman RNN modules: `RNN` (multi-layer, bidirectional) and `RNNCell` (one step), as torch's.

One step of the recurrence, for every layer and direction:

    h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)        act = tanh or relu

The step math, its composed path and its fused kernel are in tinygrad_rnn/kernels/rnn.py; the
layer loop, batch_first, unbatched and packed input and all argument checks are in rnn_base.py.
By default nn.RNN runs all its layers and directions as ONE fused graph node; inside
`with torch.backends.composed_rnn():` it runs the op-by-op path instead.

    >>> import tinygrad_rnn as torch
    >>> rnn = torch.nn.RNN(4, 2)                      # input_size=4, hidden_size=2
    >>> output, h_n = rnn(torch.randn(3, 5, 4))       # (seq_len=3, batch=5, features=4)
    >>> tuple(output.shape), tuple(h_n.shape)
    ((3, 5, 2), (1, 5, 2))
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from .rnn_base import RNNBase, RNNCellBase, takes_arguments_of
from .utils.rnn import PackedSequence


def _rnn_arguments(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                   bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                   device: Any = None, dtype: Any = None) -> None:
    """nn.RNN's parameters as torch documents them (RNN.__init__ binds them as torch does)."""


class RNN(RNNBase):
    """`RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, device=None, dtype=None)`; forward returns `(output, h_n)`.

    Shapes (D = 2 if bidirectional else 1): input `(L, N, H_in)` (`(N, L, H_in)` with batch_first,
    or unbatched `(L, H_in)`), output `(L, N, D*H)`, h_0 and h_n `(D*num_layers, N, H)` whatever
    batch_first says.
    """

    _rank_error = "{name}: Expected input to be 2D or 3D, got {dim}D tensor instead"  # RNN's says "tensor"

    @takes_arguments_of(_rnn_arguments)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # torch's argument handling: args[3] is the nonlinearity, the rest goes to RNNBase as is
        # (so a wrong argument is reported as `RNNBase.__init__() ...`, as torch does).
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        """`(output, h_n)`; see the class docstring for shapes (a PackedSequence gives a PackedSequence)."""
        return super().forward(input, hx)


class RNNCell(RNNCellBase):
    """One RNN step: `h' = act(x @ W_ih^T + b_ih + h @ W_hh^T + b_hh)`.

    `RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`; forward(input, hx=None)
    takes `(N, H_in)` and `(N, H)` (or unbatched `(H_in,)` and `(H,)`) and returns h' only.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """h' for input `(N, H_in)` or `(H_in,)`; hx `(N, H)` / `(H,)` or None for zeros."""
        x, state, batched = self._cell_state(input, hx)
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        self._check_cell(x, state)
        (h,) = self._step("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU", x, state)
        return h if batched else h.squeeze(0)

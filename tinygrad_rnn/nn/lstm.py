"""The LSTM modules: `LSTM` (multi-layer, bidirectional, optional projection) and `LSTMCell`.

One LSTM step, in torch's gate order i, f, g, o (the rows of `weight_ih` / `weight_hh`):

    c' = sigmoid(f) * c + sigmoid(i) * tanh(g)       the cell state: forget some, write some
    h' = sigmoid(o) * tanh(c')                       the output: a gated view of the cell
    h' = h' @ W_hr^T                                 only with proj_size > 0

The step math, its composed path and its fused kernel are in tinygrad_rnn/kernels/lstm.py; the
layer loop and the checks shared with RNN and GRU are in rnn_base.py.
"""
from __future__ import annotations

import warnings
from typing import Any

from .. import backends
from ..core.dtypes import float16, float32, int8, uint8
from ..core.tensor import Tensor
from .rnn_base import RNNBase, RNNCellBase, _select_batch, takes_arguments_of
from .utils.rnn import PackedSequence


def _lstm_arguments(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                    batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                    device: Any = None, dtype: Any = None) -> None:
    """nn.LSTM's parameters as torch documents them (LSTM.__init__ binds them as torch does)."""


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

    @staticmethod
    def _to_batch_first(output: Tensor) -> Tensor:
        return output.transpose(0, 1)  # a view, as torch's mkldnn LSTM returns (RNN and GRU: in place)

    @takes_arguments_of(_lstm_arguments)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Everything goes to RNNBase as is, so a wrong argument is reported as torch reports it.
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input: Tensor | PackedSequence,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Any, tuple[Tensor, Tensor]]:
        """`(output, (h_n, c_n))`; see the class docstring for shapes."""
        return super().forward(input, hx)

    def _state_sizes(self) -> list[int]:
        return [self.proj_size if self.proj_size > 0 else self.hidden_size, self.hidden_size]

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple[int, int, int]:
        return self._expected_state_size(input, batch_sizes, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: tuple[Tensor, Tensor],  # type: ignore[override]
                           batch_sizes: Tensor | None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx: tuple[Tensor, Tensor],  # type: ignore[override]
                       permutation: Tensor | None) -> tuple[Tensor, Tensor]:
        if permutation is None:
            return hx
        return _select_batch(hx[0], permutation), _select_batch(hx[1], permutation)

    def _check_state_dtypes(self, x: Tensor, state: tuple, packed: bool) -> None:
        # torch's CPU build takes padded, non-empty float32 input to its oneDNN kernel, if it has no projection
        if not packed and x.dtype is float32 and backends.mkldnn.enabled and x.numel() != 0:
            if self.proj_size > 0:
                _warn_projection_once()  # torch says so, once per process, before it runs the default kernel
            else:
                _check_onednn_state_dtypes(state)
        super()._check_state_dtypes(x, state, packed)

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


class LSTMCell(RNNCellBase):
    """One LSTM step: `LSTMCell(input_size, hidden_size, bias=True, device=None, dtype=None)`.

    forward(input, hx=None) takes `(N, H_in)` and hx = `(h, c)`, each `(N, H)` (or unbatched
    `(H_in,)` and `(H,)`), zeros when hx is None, and returns the pair `(h', c')`.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    _name_in_errors = "LSTMCell"
    _state_count = 2

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """`(h', c')` for input `(N, H_in)` or `(H_in,)`; hx `(h, c)` or None for zeros."""
        x, state, batched = self._cell_state(input, hx)
        self._check_cell(x, state)
        h, c = self._step("LSTM", x, state)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


def _check_onednn_state_dtypes(state: tuple) -> None:
    """torch's CPU LSTM hands padded float32 input to its oneDNN kernel, which meets (h_0, c_0) of another
    dtype (a float64 h_0 made from numpy, a Long one) with its own errors, not the dtype message of RNN and
    GRU: h_0 is read before c_0; int8 and uint8 fail as oneDNN views them, the other dtypes it has no
    name for as it names them, and float16 beside float32 input when the step is built."""
    for s in state:
        if s.dtype in (int8, uint8):
            raise RuntimeError("itensor_view_from_dense expects float, bfloat16 or half tensor input")
        if s.dtype not in (float32, float16):
            raise RuntimeError("get_mkldnn_dtype: unsupported data type")
    if any(s.dtype is not float32 for s in state):
        raise RuntimeError("could not create a primitive descriptor for the LSTM forward propagation primitive. "
                           "Run workload with environment variable ONEDNN_VERBOSE=all to get additional diagnostic "
                           "information.")


_PROJECTION_WARNED = False


def _warn_projection_once() -> None:
    """torch's one-time warning that its oneDNN LSTM kernel takes no projection (proj_size > 0)."""
    global _PROJECTION_WARNED
    if not _PROJECTION_WARNED:
        _PROJECTION_WARNED = True
        warnings.warn("LSTM with projections is not supported with oneDNN. Using default implementation. (Triggered "
                      "internally at /__w/pytorch/pytorch/aten/src/ATen/native/RNN.cpp:1512.)", UserWarning, stacklevel=6)

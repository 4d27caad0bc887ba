"""The Elman RNN: `RNN` (multi-layer, bidirectional) and `RNNCell` (one step), as torch's.

One step of the recurrence, for every layer and direction:

    h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)        act = tanh or relu

`run_direction` below runs it over a whole sequence with ordinary Tensor ops, so autograd gives
backpropagation through time for free: this is the reference implementation to read.
The layer loop, batch_first, unbatched input and all argument checks live in `rnn_base.py`.
By default nn.RNN runs the same math for all its layers and directions as ONE fused graph node
(kernels/rnn_stack.py); `with torch.backends.composed_rnn():` runs the op-by-op path instead.

    >>> import tinygrad_rnn as torch
    >>> rnn = torch.nn.RNN(4, 2)                      # input_size=4, hidden_size=2
    >>> output, h_n = rnn(torch.randn(3, 5, 4))       # (seq_len=3, batch=5, features=4)
    >>> tuple(output.shape), tuple(h_n.shape)
    ((3, 5, 2), (1, 5, 2))
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backends
from ..core.tensor import Tensor
from ..creation import zeros
from ..kernels.rnn_stack import FusedRNNStack
from ..ops.pointwise import relu, tanh, where
from ..ops.shape import cat, stack
from .rnn_base import DirectionWeights, RNNBase, RNNCellBase

ACTIVATIONS = {"tanh": tanh, "relu": relu}


def run_direction(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None, nonlinearity: str = "tanh", reverse: bool = False,
                  lengths: np.ndarray | None = None) -> tuple[Tensor, Tensor]:
    """One direction of one RNN layer: `(output (L, N, H), h_last (N, H))` for x `(L, N, H_in)`, h0 `(N, H)`.

    reverse: walk t = L-1 .. 0; each output still lands at its own time index t.
    lengths: optional ints, one per batch element. Steps t >= lengths[b] leave element b's state
    unchanged and output zeros, so h_last is the state at the element's last valid step, and the
    reverse direction starts at that step (this is how packed sequences run).
    """
    activation = ACTIVATIONS[nonlinearity]
    # Every term but h @ W_hh^T is independent of h, so it is computed for the whole sequence at
    # once: one matmul, and both biases added once (not once per step).
    input_terms = x @ w_ih.t()
    for bias in (b_ih, b_hh):
        if bias is not None:
            input_terms = input_terms + bias
    input_terms = input_terms.unbind(0)
    w_hh_t = w_hh.t()
    steps = len(input_terms)
    running = None if lengths is None else np.arange(steps)[:, None, None] < np.asarray(lengths)[None, :, None]
    outputs: list = [None] * steps
    h = h0
    for t in reversed(range(steps)) if reverse else range(steps):
        h_new = activation(input_terms[t] + h @ w_hh_t)
        if running is None:
            h = outputs[t] = h_new
        else:
            still_running = Tensor._make(running[t])  # (N, 1) bool
            h = where(still_running, h_new, h)
            outputs[t] = where(still_running, h_new, 0.0)
    return stack(outputs), h


def run_stack(x: Tensor, h0: Tensor | None, nonlinearity: str, num_layers: int, num_directions: int,
              lengths: Any, masks: tuple | None, *weights: Tensor) -> tuple[Tensor, Tensor]:
    """Every layer and direction with `run_direction`, given the dropout masks: `(output, h_n)`.

    The op-by-op twin of the fused stack node (kernels/rnn_stack.py), which runs this to build a
    differentiable gradient under create_graph=True. `weights` is nn.RNN's `_flat_weights` list.
    """
    count = num_layers * num_directions
    per = len(weights) // count
    if h0 is None:
        h0 = zeros(count, x.shape[1], weights[1].shape[0], dtype=x.dtype)
    finals = []
    for layer in range(num_layers):
        if layer > 0 and masks is not None:
            x = x * Tensor._make(masks[layer - 1])
        outputs = []
        for direction in range(num_directions):
            index = layer * num_directions + direction
            out, h = run_direction(x, h0[index], *weights[index * per:(index + 1) * per], nonlinearity=nonlinearity,
                                   reverse=direction == 1, lengths=lengths)
            outputs.append(out)
            finals.append(h)
        x = outputs[0] if num_directions == 1 else cat(outputs, 2)
    return x, stack(finals)


class RNN(RNNBase):
    """`RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, device=None, dtype=None)`; forward returns `(output, h_n)`.

    Shapes (D = 2 if bidirectional else 1): input `(L, N, H_in)` (`(N, L, H_in)` with batch_first,
    or unbatched `(L, H_in)`), output `(L, N, D*H)`, h_0 and h_n `(D*num_layers, N, H)` whatever
    batch_first says.
    """

    _rank_error = "{name}: Expected input to be 2D or 3D, got {dim}D tensor instead"  # RNN's says "tensor"

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

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """`(output, h_n)`; see the class docstring for shapes."""
        return super().forward(input, hx)

    def _run_layers(self, x: Tensor, state: tuple | None, lengths: np.ndarray | None = None) -> tuple:
        # By default every layer and direction runs as ONE fused graph node (kernels/rnn_stack.py);
        # with backends.composed_rnn() the layer loop of RNNBase runs `run_direction` op by op.
        if not backends.fused_rnn:
            return super()._run_layers(x, state, lengths)
        output, h_n = FusedRNNStack.apply(x, None if state is None else state[0],
                                          "tanh" if self.mode == "RNN_TANH" else "relu", self.num_layers,
                                          2 if self.bidirectional else 1, lengths, self._dropout_masks(x, lengths),
                                          *self._flat_weights)
        return output, (h_n,)

    def _run_direction(self, x: Tensor, state: tuple, weights: DirectionWeights, reverse: bool,
                       lengths: np.ndarray | None) -> tuple:
        nonlinearity = "tanh" if self.mode == "RNN_TANH" else "relu"
        output, h = run_direction(x, state[0], weights.w_ih, weights.w_hh, weights.b_ih, weights.b_hh, nonlinearity,
                                  reverse, lengths)
        return output, (h,)


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
        x, h, batched = self._batched(input, hx, "RNNCell")
        if self.nonlinearity not in ACTIVATIONS:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        self._check_forward(x, h)
        pre_activation = x @ self.weight_ih.t()
        if self.bias_ih is not None:
            pre_activation = pre_activation + self.bias_ih
        pre_activation = pre_activation + h @ self.weight_hh.t()
        if self.bias_hh is not None:
            pre_activation = pre_activation + self.bias_hh
        h_new = ACTIVATIONS[self.nonlinearity](pre_activation)
        return h_new if batched else h_new.squeeze(0)

    def _check_forward(self, x: Tensor, h: Tensor) -> None:
        """torch's cell checks (its C++ kernel's, hence the slightly different wording)."""
        if x.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {x.shape[1]} expected {self.input_size}")
        if x.shape[0] != h.shape[0]:
            raise RuntimeError(f"Input batch size {x.shape[0]} doesn't match hidden0 batch size {h.shape[0]}")
        if h.shape[1] != self.hidden_size:
            raise RuntimeError(f"hidden0 has inconsistent hidden_size: got {h.shape[1]}, expected {self.hidden_size}")
        for operand in (x, h):
            if operand.dtype is not self.weight_ih.dtype:
                raise RuntimeError(
                    f"mat1 and mat2 must have the same dtype, but got {operand.dtype._legacy} and "
                    f"{self.weight_ih.dtype._legacy}"
                )

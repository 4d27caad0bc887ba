"""A fused Elman RNN node for ONE layer and direction, built from the pieces of
tinygrad_rnn/kernels/rnn.py (the package runs whole stacks only, as `FusedRNNStack`).

Tests use it to check those pieces alone, against torch and against finite differences.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_rnn.backend.blas_threads import threads_for
from tinygrad_rnn.core.tensor import Tensor
from tinygrad_rnn.kernels.recurrence import DirectionWeights, run_direction
from tinygrad_rnn.kernels.rnn import RELU, TANH, activation_slope, backprop_steps, recur, recurrent_weight_grad
from tinygrad_rnn.kernels.sequence_function import SequenceFunction
from tinygrad_rnn.kernels.step_layout import StepLayout


class FusedRNN(SequenceFunction):
    """`FusedRNN.apply(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths)`.

    x (L, N, H_in), h0 (N, H), weights in torch's layout, biases (H,) or None; nonlinearity
    'tanh' or 'relu'; lengths None or N ints. Returns (output (L, N, H), h_last (N, H)).
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths):
        layout = StepLayout(x.shape[0], x.shape[1], lengths, reverse=False)  # recur walks in reverse itself
        bias = None if b_ih is None else b_ih._data + b_hh._data
        out, h_last = rnn_forward(layout.sequence_in(x._data), layout.batch_in(h0._data), w_ih._data, w_hh._data,
                                  bias, nonlinearity, reverse, layout.active)
        out = Tensor._make(layout.sequence_out(out))
        h_last = layout.batch_out(h_last)
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths, out)
        return out, Tensor._make(h_last)

    @staticmethod
    def backward_arrays(ctx, g_out, g_h):
        x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths, out = ctx.saved_tensors
        layout = StepLayout(x.shape[0], x.shape[1], lengths, reverse=False)
        dx, dh0, dw_ih, dw_hh, db = rnn_backward(
            layout.sequence_in(g_out), layout.batch_in(g_h), layout.sequence_in(x._data), layout.batch_in(h0._data),
            w_ih._data, w_hh._data, layout.sequence_in(out._data), nonlinearity, reverse, layout.lengths,
            layout.active)
        dx, dh0 = layout.sequence_out(dx), layout.batch_out(dh0)
        need = ctx.needs_input_grad
        return (dx if need[0] else None, dh0 if need[1] else None, dw_ih if need[2] else None,
                dw_hh if need[3] else None, db if b_ih is not None and need[4] else None,
                db if b_hh is not None and need[5] else None, None, None, None)

    @staticmethod
    def composed(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths):
        variant = TANH if nonlinearity == "tanh" else RELU
        out, (h,) = run_direction(variant, x, (h0,), DirectionWeights(w_ih, w_hh, b_ih, b_hh), reverse, lengths)
        return out, h


def fused_run_direction(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                        b_hh: Tensor | None, nonlinearity: str, reverse: bool,
                        lengths: Any = None) -> tuple[Tensor, Tensor]:
    """The fused twin of the composed `run_direction`: same arguments, same results, one node."""
    return FusedRNN.apply(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths)


def rnn_forward(x: np.ndarray, h0: np.ndarray | None, w_ih: np.ndarray, w_hh: np.ndarray, bias: np.ndarray | None,
                nonlinearity: str, reverse: bool, active: list[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """Run the recurrence; `active[t]` is how many leading rows are valid at step t (None: all)."""
    steps, batch, inputs, hidden = *x.shape, w_hh.shape[0]
    # Input projection of every step at once; the recurrence then runs in place in this buffer.
    with threads_for(steps * batch, inputs, hidden):
        out = np.matmul(x.reshape(steps * batch, inputs), w_ih.T).reshape(steps, batch, hidden)
    if bias is not None:
        out += bias
    return out, recur(out, h0, w_hh, nonlinearity, reverse, active)


def rnn_backward(g_out: np.ndarray, g_h: np.ndarray, x: np.ndarray, h0: np.ndarray, w_ih: np.ndarray,
                 w_hh: np.ndarray, out: np.ndarray, nonlinearity: str, reverse: bool, lengths: np.ndarray | None,
                 active: list[int] | None) -> tuple:
    """Backpropagation through time: (dx, dh0, dW_ih, dW_hh, db) from the output gradients."""
    steps, batch, hidden = out.shape
    dpre = activation_slope(out, nonlinearity)
    dh0 = backprop_steps(dpre, g_out, g_h, w_hh, reverse, active)
    flat, inputs = dpre.reshape(steps * batch, hidden), x.shape[2]
    with threads_for(steps * batch, max(inputs, hidden), hidden):
        dx = np.matmul(flat, w_ih).reshape(x.shape)
        dw_ih = np.matmul(flat.T, x.reshape(steps * batch, inputs))
        db = flat.sum(0)
        dw_hh = recurrent_weight_grad(dpre, out, h0, reverse, lengths)
    return dx, dh0, dw_ih, dw_hh, db

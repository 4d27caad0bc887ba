"""The fused Elman RNN kernel: one layer and one direction over a whole sequence, as ONE graph node.

The math is torch's: for each step t, in time order (or reversed),

    h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)        act = tanh or relu

Forward computes `x_t @ W_ih^T + b_ih + b_hh` for every step in one matrix product, then runs the
recurrence in place in the output buffer, which is also all that backward needs (tanh' = 1 - h^2,
relu' = [h > 0]). Backward walks the steps in the opposite order carrying only dL/dh; the weight,
bias and input gradients are then each one large matrix product over all steps.

Packed sequences (`lengths`): element b is valid at steps t < lengths[b]. At a padded step the
element's h is left unchanged and its output is 0, so h_last is each element's state at its own
last valid step, and the reverse direction starts there. With lengths sorted in decreasing order
(as PackedSequence keeps them) the valid elements of step t are the first `active[t]` rows, so
every numpy call works on a contiguous prefix; other orders are sorted first and unsorted after.

The pieces (`recur`, `backprop_steps`, `recurrent_weight_grad`, ...) are shared with
`rnn_stack.py`, whose node runs a whole nn.RNN (every layer and direction) and is what nn.RNN
uses; `FusedRNN` here is that math for one layer and direction, tested alone against torch.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend.blas_threads import threads_for
from ..core.tensor import Tensor
from .sequence_function import SequenceFunction


class FusedRNN(SequenceFunction):
    """`FusedRNN.apply(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths)`.

    x (L, N, H_in), h0 (N, H), weights in torch's layout, biases (H,) or None; nonlinearity
    'tanh' or 'relu'; lengths None or N ints. Returns (output (L, N, H), h_last (N, H)).
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths):
        order = batch_order(lengths)  # None unless lengths are given out of decreasing order
        xs, h0s = take_rows(x._data, order, 1), take_rows(h0._data, order, 0)
        ns = take_rows(as_lengths(lengths), order, 0)
        bias = None if b_ih is None else b_ih._data + b_hh._data
        out, h_last = rnn_forward(xs, h0s, w_ih._data, w_hh._data, bias, nonlinearity, reverse,
                                  active_rows(ns, x.shape[0]))
        if order is not None:
            undo = np.argsort(order)
            out, h_last = out[:, undo], h_last[undo]
        out = Tensor._make(out)
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths, out)
        return out, Tensor._make(h_last)

    @staticmethod
    def backward_arrays(ctx, g_out, g_h):
        x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths, out = ctx.saved_tensors
        order = batch_order(lengths)
        xs, h0s = take_rows(x._data, order, 1), take_rows(h0._data, order, 0)
        ns = take_rows(as_lengths(lengths), order, 0)
        outs, g_out, g_h = take_rows(out._data, order, 1), take_rows(g_out, order, 1), take_rows(g_h, order, 0)
        dx, dh0, dw_ih, dw_hh, db = rnn_backward(g_out, g_h, xs, h0s, w_ih._data, w_hh._data, outs, nonlinearity,
                                                 reverse, ns, active_rows(ns, x.shape[0]))
        if order is not None:
            undo = np.argsort(order)
            dx, dh0 = dx[:, undo], dh0[undo]
        need = ctx.needs_input_grad
        return (dx if need[0] else None, dh0 if need[1] else None, dw_ih if need[2] else None,
                dw_hh if need[3] else None, db if b_ih is not None and need[4] else None,
                db if b_hh is not None and need[5] else None, None, None, None)

    @staticmethod
    def composed(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths):
        from ..nn.rnn import run_direction  # the op-by-op path; imported here to avoid an import cycle

        return run_direction(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths)


def fused_run_direction(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                        b_hh: Tensor | None, nonlinearity: str, reverse: bool,
                        lengths: Any = None) -> tuple[Tensor, Tensor]:
    """The fused twin of the composed `run_direction`: same arguments, same results, one node."""
    return FusedRNN.apply(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity, reverse, lengths)


# ------------------------------------------------------------------ the numpy kernels
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


def recur(y: np.ndarray, h0: np.ndarray | None, w_hh: np.ndarray, nonlinearity: str, reverse: bool,
          active: list[int] | None) -> np.ndarray:
    """The time loop, in place: `y` (L, N, H) holds each step's input term `x_t W_ih^T + biases` on
    entry and `h_t` on return (it may be a strided view, such as one direction's half of a layer's
    output). h0 None is the zero state. Returns h_last (N, H), a new array."""
    steps, batch, hidden = y.shape
    activate = np.tanh if nonlinearity == "tanh" else _relu
    w_hh_t, buf = w_hh.T, np.empty((batch, hidden), y.dtype)
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    with threads_for(batch, hidden, hidden):
        if active is None:  # every row runs every step: whole-array calls, no slicing
            h = h0  # None at the first step: h0 @ W_hh^T is 0, so that step skips the product
            for t in order:
                h_t = y[t]
                if h is not None:
                    np.matmul(h, w_hh_t, out=buf)
                    np.add(h_t, buf, out=h_t)
                activate(h_t, out=h_t)
                h = h_t
            return h.copy()
        h = np.zeros((batch, hidden), y.dtype) if h0 is None else h0.copy()  # keeps padded rows' state
        for t in order:
            n = active[t]
            h_t = y[t, :n]
            np.matmul(h[:n], w_hh_t, out=buf[:n])
            np.add(h_t, buf[:n], out=h_t)
            activate(h_t, out=h_t)
            h[:n] = h_t
            y[t, n:] = 0  # padded steps output 0
    return h


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


def activation_slope(out: np.ndarray, nonlinearity: str) -> np.ndarray:
    """act'(pre-activation) as a function of the output: tanh' = 1 - h^2, relu' = [h > 0]."""
    slope = np.empty(out.shape, out.dtype)
    if nonlinearity == "tanh":
        np.multiply(out, out, out=slope)
        np.subtract(1, slope, out=slope)
    else:
        np.greater(out, 0, out=slope)
    return slope


def backprop_steps(dpre: np.ndarray, g_out: np.ndarray, g_h: np.ndarray, w_hh: np.ndarray, reverse: bool,
                   active: list[int] | None, need_dh0: bool = True) -> np.ndarray | None:
    """The backward time loop, in place: `dpre` (L, N, H) holds act'(pre) on entry and
    dL/d(pre-activation) on return. Only dL/dh is carried from step to step; returns dL/dh0
    (None if not `need_dh0`: then the last step's product is skipped)."""
    steps, batch, hidden = dpre.shape
    dh = np.array(g_h, dtype=dpre.dtype)  # dL/dh carried back through the recurrence
    buf = np.empty((batch, hidden), dpre.dtype)
    order = range(steps) if reverse else range(steps - 1, -1, -1)
    first = order[-1] if steps else None  # the step that read h0
    with threads_for(batch, hidden, hidden):
        if active is None:  # every row runs every step: whole-array calls, no slicing
            for t in order:
                d = dpre[t]
                np.add(g_out[t], dh, out=buf)
                np.multiply(d, buf, out=d)
                if t != first or need_dh0:
                    np.matmul(d, w_hh, out=dh)
            return dh if need_dh0 else None
        for t in order:
            n = active[t]
            d = dpre[t, :n]
            np.add(g_out[t, :n], dh[:n], out=buf[:n])
            np.multiply(d, buf[:n], out=d)
            np.matmul(d, w_hh, out=dh[:n])
            if n < batch:
                dpre[t, n:] = 0  # padded steps do not touch the weights
    return dh if need_dh0 else None


def recurrent_weight_grad(dpre: np.ndarray, out: np.ndarray, h0: np.ndarray | None, reverse: bool,
                          lengths: np.ndarray | None) -> np.ndarray:
    """dW_hh: each step's dpre paired with the state it read, the previous step's output, or h0
    at an element's first step (step 0 forward; its last valid step in reverse, where the
    "previous" output is padding, 0, so the big product gets nothing from it). h0 None is 0."""
    hidden = dpre.shape[2]
    if reverse:
        dw_hh = np.matmul(dpre[:-1].reshape(-1, hidden).T, out[1:].reshape(-1, hidden))
        first = dpre[-1] if lengths is None else dpre[lengths - 1, np.arange(dpre.shape[1])]
    else:
        dw_hh = np.matmul(dpre[1:].reshape(-1, hidden).T, out[:-1].reshape(-1, hidden))
        first = dpre[0]
    if h0 is not None:
        dw_hh += np.matmul(first.T, h0)
    return dw_hh


def _relu(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0, out=out)


# ------------------------------------------------------------------ lengths and batch order
def as_lengths(lengths: Any) -> np.ndarray | None:
    if lengths is None:
        return None
    return np.asarray(lengths._data if isinstance(lengths, Tensor) else lengths, dtype=np.int64)


def active_rows(lengths: np.ndarray | None, steps: int) -> list[int] | None:
    """For lengths sorted in decreasing order: how many leading rows are valid at each step."""
    if lengths is None:
        return None
    return np.searchsorted(-lengths, -np.arange(steps), side="left").tolist()


def batch_order(lengths: Any) -> np.ndarray | None:
    """The permutation that sorts the batch by decreasing length, or None if it already is."""
    n = as_lengths(lengths)
    if n is None or np.all(n[:-1] >= n[1:]):
        return None
    return np.argsort(-n, kind="stable")


def take_rows(a: Any, order: np.ndarray | None, axis: int) -> Any:
    """`a` with its batch axis put in `order` (a copy), or `a` itself when order is None."""
    return a if order is None else np.take(a, order, axis=axis)

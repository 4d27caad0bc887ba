"""The fused multi-layer Elman RNN: every layer and direction of an nn.RNN call as ONE graph node.

`FusedRNNStack` runs what `RNNBase._run_layers` does op by op (layer k reads layer k-1's output,
through a dropout mask when training) with the per-direction pieces of `kernels/rnn.py`:

- a layer's input projection is ONE matrix product for both directions, `x @ [W_ih_fwd; W_ih_rev]^T`,
  written straight into the layer's output buffer (L, N, D*H); each direction's recurrence then
  runs in place in its half, so no concatenation is ever copied;
- backward walks the layers top down. Per layer: the two time loops carry dL/dh, then dx, dW_ih
  and the biases' gradients are each one product over both directions and all steps;
- the node builds h_n itself and takes h0 as None (the zero state: the first step's product is
  skipped), so nn.RNN's forward makes no tensors the kernel does not need.

Dropout masks are drawn by the caller BEFORE the node, in layer order, exactly as the composed
path draws them, so a seeded run gives the same numbers on both paths (and as torch).
Under `create_graph=True` backward falls back to `composed` (see sequence_function.py).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend.blas_threads import threads_for
from ..core.tensor import Tensor
from .rnn import (
    activation_slope,
    active_rows,
    as_lengths,
    backprop_steps,
    batch_order,
    recur,
    recurrent_weight_grad,
    take_rows,
)
from .sequence_function import SequenceFunction


class FusedRNNStack(SequenceFunction):
    """`FusedRNNStack.apply(x, h0, nonlinearity, num_layers, num_directions, lengths, masks, *weights)`.

    x (L, N, H_in); h0 (num_layers*D, N, H) or None for zeros; nonlinearity 'tanh' or 'relu';
    lengths None or N ints (packed sequences); masks None or one (L, N, D*H) array per layer
    after the first (dropout's keep/(1-p), multiplied into that layer's input); weights in
    nn.RNN's `_flat_weights` order: per (layer, direction) w_ih, w_hh and, with bias, b_ih, b_hh.
    Returns (output (L, N, D*H), h_n (num_layers*D, N, H)).
    """

    @staticmethod
    def forward(ctx, x, h0, nonlinearity, num_layers, num_directions, lengths, masks, *weights):
        order = batch_order(lengths)  # None unless lengths are given out of decreasing order
        lengths_sorted = take_rows(as_lengths(lengths), order, 0)
        active = active_rows(lengths_sorted, x.shape[0])
        groups = _weight_groups(weights, num_layers * num_directions)
        h0s = None if h0 is None else take_rows(h0._data, order, 1)
        hidden = groups[0][1].shape[0]
        h_n = np.empty((num_layers * num_directions, x.shape[1], hidden), x._data.dtype)
        layer_in, inputs, outputs = take_rows(x._data, order, 1), [], []
        for k in range(num_layers):
            if k > 0:
                layer_in = outputs[-1] if masks is None else outputs[-1] * take_rows(masks[k - 1], order, 1)
            here = slice(k * num_directions, (k + 1) * num_directions)
            y = layer_forward(layer_in, None if h0s is None else h0s[here], groups[here], nonlinearity, active,
                              h_n[here])
            inputs.append(layer_in)
            outputs.append(y)
        out = outputs[-1]
        if order is not None:
            undo = np.argsort(order)
            out, h_n = out[:, undo], h_n[:, undo]
        layers = (order, lengths_sorted, active, inputs, outputs)
        ctx.save_for_backward(x, h0, nonlinearity, num_layers, num_directions, lengths, masks, *weights, layers)
        ctx.shown_name = "CatBackward0" if num_directions == 2 else "StackBackward0"
        return Tensor._make(out), Tensor._make(h_n)

    def name(self) -> str:
        # What torch's CPU nn.RNN shows on its output, so printed tensors read the same.
        return getattr(self, "shown_name", "StackBackward0")

    @staticmethod
    def backward_arrays(ctx, g_out, g_hn):
        x, h0, nonlinearity, num_layers, num_directions, lengths, masks, *weights, layers = ctx.saved_tensors
        order, lengths_sorted, active, inputs, outputs = layers
        needs = ctx.needs_input_grad
        groups = _weight_groups([w._data if w is not None else None for w in weights], num_layers * num_directions)
        h0s = None if h0 is None else take_rows(h0._data, order, 1)
        g_y, g_hn = take_rows(g_out, order, 1), take_rows(g_hn, order, 1)
        dh0 = np.empty_like(g_hn) if h0 is not None and needs[1] else None
        weight_grads: list = []
        for k in range(num_layers - 1, -1, -1):
            here = slice(k * num_directions, (k + 1) * num_directions)
            dx, dh0_k, grads = layer_backward(g_y, g_hn[here], inputs[k], None if h0s is None else h0s[here],
                                              groups[here], outputs[k], nonlinearity, lengths_sorted, active,
                                              need_dx=k > 0 or needs[0], need_dh0=dh0 is not None)
            if dh0 is not None:
                dh0[here] = dh0_k
            weight_grads = grads + weight_grads
            if k > 0:
                g_y = dx if masks is None else np.multiply(dx, take_rows(masks[k - 1], order, 1), out=dx)
        if order is not None:
            undo = np.argsort(order)
            dx = None if dx is None else dx[:, undo]
            dh0 = None if dh0 is None else dh0[:, undo]
        weight_grads = [g if n else None for g, n in zip(weight_grads, needs[7:])]
        return (dx if needs[0] else None, dh0, None, None, None, None, None, *weight_grads)

    @staticmethod
    def composed(x, h0, nonlinearity, num_layers, num_directions, lengths, masks, *weights):
        from ..nn.rnn import run_stack  # the op-by-op path; imported here to avoid an import cycle

        return run_stack(x, h0, nonlinearity, num_layers, num_directions, lengths, masks, *weights)


def _weight_groups(weights: Any, count: int) -> list[tuple]:
    """The flat weight list cut into `count` (layer, direction) groups: (w_ih, w_hh[, b_ih, b_hh])."""
    per = len(weights) // count
    return [tuple(getattr(w, "_data", w) for w in weights[i * per:(i + 1) * per]) for i in range(count)]


# ------------------------------------------------------------------ one layer, both directions
def layer_forward(x: np.ndarray, h0: np.ndarray | None, groups: list[tuple], nonlinearity: str,
                  active: list[int] | None, h_n: np.ndarray) -> np.ndarray:
    """One layer: returns its output (L, N, D*H) and writes each direction's last state into h_n[d]."""
    steps, batch, inputs = x.shape
    hidden, directions = groups[0][1].shape[0], len(groups)
    w_ih = groups[0][0] if directions == 1 else np.concatenate([g[0] for g in groups])
    y = np.empty((steps, batch, directions * hidden), x.dtype)
    with threads_for(steps * batch, inputs, directions * hidden):
        np.matmul(x.reshape(steps * batch, inputs), w_ih.T, out=y.reshape(steps * batch, directions * hidden))
    if len(groups[0]) == 4:  # both biases enter every step unchanged: add them once, to every step
        y += groups[0][2] + groups[0][3] if directions == 1 else np.concatenate([g[2] + g[3] for g in groups])
    for d in range(directions):
        h_n[d] = recur(y[..., d * hidden:(d + 1) * hidden], None if h0 is None else h0[d], groups[d][1],
                       nonlinearity, d == 1, active)
    return y


def layer_backward(g_y: np.ndarray, g_h: np.ndarray, x: np.ndarray, h0: np.ndarray | None, groups: list[tuple],
                   y: np.ndarray, nonlinearity: str, lengths: np.ndarray | None, active: list[int] | None,
                   need_dx: bool, need_dh0: bool) -> tuple:
    """One layer's BPTT: (dx or None, dh0 (D, N, H) or None, [per direction: dW_ih, dW_hh(, db_ih, db_hh)])."""
    steps, batch, inputs = x.shape
    hidden, directions = groups[0][1].shape[0], len(groups)
    dpre = activation_slope(y, nonlinearity)
    dh0 = np.empty((directions, batch, hidden), y.dtype) if need_dh0 else None
    halves = [slice(d * hidden, (d + 1) * hidden) for d in range(directions)]
    for d, half in enumerate(halves):
        dh = backprop_steps(dpre[..., half], g_y[..., half], g_h[d], groups[d][1], d == 1, active, need_dh0)
        if need_dh0:
            dh0[d] = dh
    flat = dpre.reshape(steps * batch, directions * hidden)
    with threads_for(steps * batch, max(inputs, hidden), directions * hidden):
        dx = None
        if need_dx:
            w_ih = groups[0][0] if directions == 1 else np.concatenate([g[0] for g in groups])
            dx = np.matmul(flat, w_ih).reshape(x.shape)
        dw_ih = np.matmul(flat.T, x.reshape(steps * batch, inputs))
        db = flat.sum(0) if len(groups[0]) == 4 else None
        grads = []
        for d, half in enumerate(halves):
            dw_hh = recurrent_weight_grad(dpre[..., half], y[..., half], None if h0 is None else h0[d], d == 1,
                                          lengths)
            grads += [dw_ih[half], dw_hh] if db is None else [dw_ih[half], dw_hh, db[half], db[half].copy()]
    return dx, dh0, grads

"""The Elman RNN: its step math, its gate table entries, and its fused kernel for a whole nn.RNN.

One step of the recurrence, for every layer and direction:

    h_t = act(x_t @ W_ih^T + b_ih + h_{t-1} @ W_hh^T + b_hh)        act = tanh or relu

`project` computes every term but `h @ W_hh^T` for the whole sequence at once (one matrix product,
both biases added once), `tanh_step` / `relu_step` do one step: with the shared loops of
recurrence.py they are the composed path, which autograd differentiates (the reference to read).

The fused path is `FusedRNNStack`: every layer and direction of an nn.RNN call as ONE graph node.

- a layer's input projection is ONE matrix product for both directions, `x @ [W_ih_fwd; W_ih_rev]^T`,
  written straight into the layer's output buffer (L, N, D*H); each direction's recurrence then
  runs in place in its half (`recur`), so no concatenation is ever copied;
- backward walks the layers top down. Per layer: the two time loops carry only dL/dh
  (`backprop_steps`), then dx, dW_ih and the biases' gradients are each one product over both
  directions and all steps; tanh' = 1 - h^2 and relu' = [h > 0] come from the saved outputs;
- the node takes h0 None as the zero state (the first step's product is skipped).

Dropout masks are drawn by the caller BEFORE the node, in layer order, exactly as the composed
path draws them, so a seeded run gives the same numbers on both paths (and as torch). Packed
lengths are sorted into decreasing order by `StepLayout`, so the rows still running at step t are
a prefix `[:active[t]]`. Under `create_graph=True` backward falls back to the composed path (see
sequence_function.py).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend.blas_threads import threads_for
from ..backend.scratch import constant, scratch
from ..core.tensor import Tensor
from ..ops.pointwise import tanh_array
from .fused_stack import ShowAsStack
from .recurrence import (
    DirectionWeights,
    StepWeights,
    Variant,
    flat_weights,
    group_weights,
    hidden_terms,
    input_terms,
    records_graph,
)
from .sequence_function import SequenceFunction
from .step_layout import StepLayout, contiguous_if_small, rows_of

FRESH_BYTES = 1 << 17  # from this size the C allocator maps a new array anew (glibc: mmap threshold)

# ------------------------------------------------------------------ the step math (composed path)
project = input_terms


def tanh_step(projected: Tensor, state: tuple, w: StepWeights) -> tuple:
    """One step: `(tanh(h @ W_hh^T + b_hh + projected_t),)`, torch's RNNCell's order."""
    return ((hidden_terms(state[0], w) + projected).tanh(),)


def relu_step(projected: Tensor, state: tuple, w: StepWeights) -> tuple:
    """One step: `(relu(h @ W_hh^T + b_hh + projected_t),)`, torch's RNNCell's order."""
    return ((hidden_terms(state[0], w) + projected).relu(),)


def tanh_cell_step_arrays(projected: np.ndarray, hidden: np.ndarray, h: np.ndarray) -> tuple:
    """`tanh_step` on arrays, for RNNCell under no_grad (nn/rnn_base.py): projected and hidden are
    x W_ih^T + b_ih and h W_hh^T + b_hh. The same ops in the same order, so the same bits."""
    return (tanh_array(np.add(hidden, projected)),)


def relu_cell_step_arrays(projected: np.ndarray, hidden: np.ndarray, h: np.ndarray) -> tuple:
    """`relu_step` on arrays, as Relu.forward computes it (keeps NaN and -0.0)."""
    pre = np.add(hidden, projected)
    return (np.where(pre < 0, pre.dtype.type(0), pre),)


def hidden_size(w: DirectionWeights) -> tuple[int, ...]:
    return (w.w_hh._data.shape[1],)


def run_stack(x: Tensor, h0: Tensor | None, nonlinearity: str, num_layers: int, num_directions: int,
              lengths: Any, masks: tuple | None, *weights: Tensor) -> tuple[Tensor, Tensor]:
    """The composed twin of `FusedRNNStack.apply`, with its arguments (config's five one by one): `(output, h_n)`."""
    variant = TANH if nonlinearity == "tanh" else RELU
    output, (h_n,) = variant.composed(x, None if h0 is None else (h0,),
                                      group_weights(weights, num_layers * num_directions), num_layers,
                                      num_directions, masks, lengths)
    return output, h_n


def _fused_stack(nonlinearity: str) -> Any:
    """The fused runner: one FusedRNNStack node, or, when no gradient is wanted (no_grad, or
    nothing requires grad), the same forward without a node and keeping one layer at a time."""

    def run(x: Tensor, state: tuple | None, weights: Any, num_layers: int, num_directions: int,
            masks: tuple | None = None, lengths: Any = None) -> tuple:
        h0, flat = None if state is None else state[0], flat_weights(weights)
        if not records_graph(x, h0, *flat):
            layout = StepLayout(*x._data.shape[:2], lengths, reverse=False)  # (the array's shape: Tensor.shape
            # builds a Size object at each read, two Python calls)
            output, h_n = stack_forward(x, h0, nonlinearity, num_layers, num_directions, masks, flat, layout)
            return Tensor._make(output), (Tensor._make(h_n),)
        output, h_n = FusedRNNStack.apply(x, h0, (nonlinearity, num_layers, num_directions, lengths, masks), *flat)
        if num_directions == 2:  # the output shows CatBackward0; h_n shows StackBackward0, as in torch
            (h_n,) = ShowAsStack.apply(h_n)
        return output, (h_n,)

    return run


TANH = Variant(gates=1, state_sizes=hidden_size, project=project, step=tanh_step, fused=_fused_stack("tanh"))
RELU = Variant(gates=1, state_sizes=hidden_size, project=project, step=relu_step, fused=_fused_stack("relu"))


# ------------------------------------------------------------------ the fused node
class FusedRNNStack(SequenceFunction):
    """`FusedRNNStack.apply(x, h0, (nonlinearity, num_layers, num_directions, lengths, masks), *weights)`.

    The five in brackets are one argument (the graph's bookkeeping walks every argument of a node,
    at every output and every saved value); `composed` (run_stack) takes them one by one.
    x (L, N, H_in); h0 (num_layers*D, N, H) or None for zeros; nonlinearity 'tanh' or 'relu';
    lengths None or N ints (packed sequences); masks None or one (L, N, D*H) array per layer
    after the first (dropout's keep/(1-p), multiplied into that layer's input); weights in
    nn.RNN's `_flat_weights` order: per (layer, direction) w_ih, w_hh and, with bias, b_ih, b_hh.
    Returns (output (L, N, D*H), h_n (num_layers*D, N, H)).
    """

    torch_name = "StackBackward0"

    @staticmethod
    def forward(ctx, x, h0, config, *weights):
        nonlinearity, num_layers, num_directions, lengths, masks = config
        layout = StepLayout(*x._data.shape[:2], lengths, reverse=False)  # each direction walks its own way
        inputs, outputs = [], []
        out, h_n = stack_forward(x, h0, nonlinearity, num_layers, num_directions, masks, weights, layout,
                                 inputs, outputs)
        layers = (layout, inputs, outputs)
        ctx.save_for_backward(x, h0, config, *weights, layers)
        return Tensor._make(out), Tensor._make(h_n)

    @staticmethod
    def node_name(x: Tensor, h0: Any, config: tuple, *weights: Any) -> str:
        """What torch's CPU nn.RNN shows on its output, so printed tensors read the same."""
        return "CatBackward0" if config[2] == 2 else "StackBackward0"

    @classmethod
    def run_composed(cls, args: tuple) -> tuple:
        x, h0, config, *weights = args
        return cls.composed(x, h0, *config, *weights)

    @staticmethod
    def backward_arrays(ctx, g_out, g_hn):
        x, h0, (nonlinearity, num_layers, num_directions, lengths, masks), *weights, layers = ctx.saved_tensors
        layout, inputs, outputs = layers
        needs = ctx.needs_input_grad
        groups = _weight_groups(weights, num_layers * num_directions)
        h0s = None if h0 is None else layout.sequence_in(h0._data)
        g_y, g_hn = contiguous_if_small(layout.sequence_in(g_out)), layout.sequence_in(g_hn)
        dh0 = np.empty_like(g_hn) if h0 is not None and needs[1] else None
        weight_grads: list = []
        for k in range(num_layers - 1, -1, -1):
            here = slice(k * num_directions, (k + 1) * num_directions)
            dx, dh0_k, grads = layer_backward(g_y, g_hn[here], inputs[k], None if h0s is None else h0s[here],
                                              groups[here], outputs[k], nonlinearity, layout.lengths, layout.active,
                                              need_dx=k > 0 or needs[0], need_dh0=dh0 is not None,
                                              dx_into=_between_layers(inputs[k], k))
            if dh0 is not None:
                dh0[here] = dh0_k
            weight_grads = grads + weight_grads
            if k > 0:
                g_y = dx if masks is None else np.multiply(dx, layout.sequence_in(masks[k - 1]), out=dx)
        dx = None if dx is None else layout.sequence_out(dx)
        dh0 = None if dh0 is None else layout.sequence_out(dh0)
        weight_grads = [g if n else None for g, n in zip(weight_grads, needs[3:])]
        return (dx if needs[0] else None, dh0, None, *weight_grads)

    composed = staticmethod(run_stack)


def _between_layers(layer_in: np.ndarray, k: int) -> np.ndarray | None:
    """Where backward writes dL/d(input of layer k) when it only goes on to layer k-1: a reused
    array when big (see FRESH_BYTES), two in turn, so the one layer k read is not the one it
    writes. None (a new array) for layer 0's, which is x's gradient, and for small ones."""
    if k == 0 or layer_in.nbytes <= FRESH_BYTES:
        return None
    return scratch(f"rnn dx between layers {k % 2}", layer_in.shape, layer_in.dtype)


def _weight_groups(weights: Any, count: int) -> list[tuple]:
    """The flat weight list cut into `count` (layer, direction) groups: (w_ih, w_hh[, b_ih, b_hh])."""
    arrays = [getattr(w, "_data", w) for w in weights]  # (Tensors, or arrays already)
    per = len(arrays) // count
    return [tuple(arrays[i * per:(i + 1) * per]) for i in range(count)]


# ------------------------------------------------------------------ the numpy pieces
def stack_forward(x: Tensor, h0: Tensor | None, nonlinearity: str, num_layers: int, num_directions: int,
                  masks: tuple | None, weights: Any, layout: StepLayout, inputs: list | None = None,
                  outputs: list | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every layer's forward: `(output, h_n)` in the caller's order. Each layer's input and output
    is appended to `inputs` and `outputs` when given (what backward needs); without them only the
    layer running holds its arrays (inference)."""
    groups = _weight_groups(weights, num_layers * num_directions)
    h0s = None if h0 is None else layout.sequence_in(h0._data)  # (layers, N, H): batch on axis 1 too
    hidden = groups[0][1].shape[0]
    h_n = np.empty((num_layers * num_directions, x._data.shape[1], hidden), x._data.dtype)
    y = layout.sequence_in(x._data)
    for k in range(num_layers):
        layer_in = y if k == 0 or masks is None else y * layout.sequence_in(masks[k - 1])
        here = slice(k * num_directions, (k + 1) * num_directions)
        y = layer_forward(layer_in, None if h0s is None else h0s[here], groups[here], nonlinearity, layout.active,
                          h_n[here])
        if inputs is not None and outputs is not None:
            inputs.append(layer_in)
            outputs.append(y)
    return layout.sequence_out(y), layout.sequence_out(h_n)


def layer_forward(x: np.ndarray, h0: np.ndarray | None, groups: list[tuple], nonlinearity: str,
                  active: list[int] | None, h_n: np.ndarray) -> np.ndarray:
    """One layer: returns its output (L, N, D*H) and writes each direction's last state into h_n[d]."""
    steps, batch, inputs = x.shape
    hidden, directions = groups[0][1].shape[0], len(groups)
    w_ih = groups[0][0] if directions == 1 else np.concatenate([g[0] for g in groups])
    y = np.empty((steps, batch, directions * hidden), x.dtype)
    with threads_for(steps * batch, inputs, directions * hidden):
        # (ndarray.dot for every 2-D product here: np.matmul's bits, without its ~0.5 us of overhead a call)
        x.reshape(steps * batch, inputs).dot(w_ih.T, out=y.reshape(steps * batch, directions * hidden))
    if len(groups[0]) == 4:  # both biases enter every step unchanged: add them once, to every step
        y += groups[0][2] + groups[0][3] if directions == 1 else np.concatenate([g[2] + g[3] for g in groups])
    for d in range(directions):
        h_n[d] = recur(y[..., d * hidden:(d + 1) * hidden], None if h0 is None else h0[d], groups[d][1],
                       nonlinearity, d == 1, active)
    return y


def layer_backward(g_y: np.ndarray, g_h: np.ndarray, x: np.ndarray, h0: np.ndarray | None, groups: list[tuple],
                   y: np.ndarray, nonlinearity: str, lengths: np.ndarray | None, active: list[int] | None,
                   need_dx: bool, need_dh0: bool, dx_into: np.ndarray | None = None) -> tuple:
    """One layer's BPTT: (dx or None, dh0 (D, N, H) or None, [per direction: dW_ih, dW_hh(, db_ih, db_hh)]).
    dx is written into `dx_into` (x's shape and dtype) when given, else into a new array."""
    steps, batch, inputs = x.shape
    hidden, directions = groups[0][1].shape[0], len(groups)
    # dpre never leaves this function: when big, a reused array (see scratch). A fresh one was ~570
    # page faults per medium-shape backward (the allocator then mapped the kernel's other big arrays
    # anew too). Small ones come from the allocator's pool without faults: a new array is cheaper.
    dpre = activation_slope(y, nonlinearity, scratch("rnn dpre", y.shape, y.dtype) if y.nbytes > FRESH_BYTES else None)
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
            dx = flat.dot(w_ih, out=None if dx_into is None else rows_of(dx_into)).reshape(x.shape)
        dw_ih = flat.T.dot(x.reshape(steps * batch, inputs))
        db = np.add.reduce(flat, axis=0) if len(groups[0]) == 4 else None  # (ndarray.sum without its wrapper)
        grads = []
        for d, half in enumerate(halves):
            dw_hh = recurrent_weight_grad(dpre[..., half], y[..., half], None if h0 is None else h0[d], d == 1,
                                          lengths)
            grads += [dw_ih[half], dw_hh] if db is None else [dw_ih[half], dw_hh, db[half], db[half].copy()]
    return dx, dh0, grads


def recur(y: np.ndarray, h0: np.ndarray | None, w_hh: np.ndarray, nonlinearity: str, reverse: bool,
          active: list[int] | None) -> np.ndarray:
    """The time loop, in place: `y` (L, N, H) holds each step's input term `x_t W_ih^T + biases` on
    entry and `h_t` on return (it may be a strided view, such as one direction's half of a layer's
    output). h0 None is the zero state. Returns h_last (N, H), a new array."""
    steps, batch, hidden = y.shape
    activate = np.tanh if nonlinearity == "tanh" else _relu
    w_hh_t, buf = w_hh.T, np.empty((batch, hidden), y.dtype)
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    with threads_for(batch, hidden, hidden, per_step=True):
        if active is None:  # every row runs every step: whole-array calls, no slicing
            h = h0  # None at the first step: h0 @ W_hh^T is 0, so that step skips the product
            # (each step's view made by iterating over y's first axis, in C; outputs by position:
            # `add(a, b, a)` is `np.add(a, b, out=a)`, ~0.1 us a call less on a small model)
            for h_t in y[::-1] if reverse else y:
                if h is not None:
                    h.dot(w_hh_t, buf)  # (ndarray.dot: np.matmul's bits, without its ~0.7 us of overhead)
                    np.add(h_t, buf, h_t)
                activate(h_t, h_t)
                h = h_t
            return h.copy()
        h = np.zeros((batch, hidden), y.dtype) if h0 is None else h0.copy()  # keeps padded rows' state
        for t in order:
            n = active[t]
            h_t = y[t, :n]
            h[:n].dot(w_hh_t, out=buf[:n])
            np.add(h_t, buf[:n], out=h_t)
            activate(h_t, out=h_t)
            h[:n] = h_t
            y[t, n:] = 0  # padded steps output 0
    return h


def activation_slope(out: np.ndarray, nonlinearity: str, slope: np.ndarray | None = None) -> np.ndarray:
    """act'(pre-activation) as a function of the output: tanh' = 1 - h^2, relu' = [h > 0].
    Written into `slope` (out's shape and dtype) when given, else into a new array."""
    if nonlinearity == "tanh":
        slope = np.multiply(out, out, out=slope)  # (out=None: a new array)
        return np.subtract(constant(1, out.dtype), slope, out=slope)  # (1 as a kept 0-d array: see constant)
    if slope is None:
        slope = np.empty(out.shape, out.dtype)
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
    with threads_for(batch, hidden, hidden, per_step=True):
        if active is None and steps:  # every row runs every step: whole-array calls, no slicing
            backwards = slice(None) if reverse else slice(None, None, -1)
            d_steps, g_steps = dpre[backwards], g_out[backwards]
            # (views made by iterating over the arrays' first axis, outputs by position: see recur)
            for d, g in zip(d_steps[:-1], g_steps[:-1]):
                np.add(g, dh, buf)
                np.multiply(d, buf, d)
                d.dot(w_hh, dh)  # (ndarray.dot: np.matmul's bits, without its ~0.7 us of overhead)
            d = d_steps[-1]  # the step that read h0: its product is dL/dh0, made only when wanted
            np.add(g_steps[-1], dh, buf)
            np.multiply(d, buf, d)
            if not need_dh0:
                return None
            d.dot(w_hh, dh)
            return dh
        for t in order:
            n = active[t]
            d = dpre[t, :n]
            np.add(g_out[t, :n], dh[:n], out=buf[:n])
            np.multiply(d, buf[:n], out=d)
            d.dot(w_hh, out=dh[:n])
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
        dw_hh = dpre[:-1].reshape(-1, hidden).T.dot(out[1:].reshape(-1, hidden))
        first = dpre[-1] if lengths is None else dpre[lengths - 1, np.arange(dpre.shape[1])]
    else:
        dw_hh = dpre[1:].reshape(-1, hidden).T.dot(out[:-1].reshape(-1, hidden))
        first = dpre[0]
    if h0 is not None:
        dw_hh += first.T.dot(h0)
    return dw_hh


def _relu(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(a, constant(0, a.dtype), out=out)  # (0 as a kept 0-d array: see constant)

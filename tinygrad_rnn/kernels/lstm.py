"""The LSTM: its step math, its gate table entry, and its fused kernel.

One LSTM step, in torch's gate order i, f, g, o (the rows of `weight_ih` / `weight_hh`):

    i, f, g, o = split4(x @ W_ih^T + b_ih + h @ W_hh^T + b_hh)
    c' = sigmoid(f) * c + sigmoid(i) * tanh(g)       the cell state: forget some, write some
    h' = sigmoid(o) * tanh(c')                       the output: a gated view of the cell
    h' = h' @ W_hr^T                                 only with proj_size > 0

`project` and `step` write it with Tensor ops: with the shared loops of recurrence.py they are
the composed path, which autograd differentiates (and differentiates again).

The fused kernel runs one layer and one direction over a whole sequence with the same math on
numpy arrays (`direction_arrays`, `direction_grads`); nn.LSTM runs all its layers and directions
as ONE graph node, `FusedLSTMStack` (see fused_stack.py), and `FusedLSTM` is the node of one layer
and direction:

- forward projects every step's input at once (one matrix product), then runs the recurrence.
  All four gates go through ONE tanh call: sigmoid(a) = 0.5 * tanh(a / 2) + 0.5, with the rows
  of the sigmoid gates pre-halved (exact in floating point), so a / 2 needs no call. The kernel
  stores its gates gate-major, each step's four (batch, hidden) blocks followed by the cell state
  the step starts from, so that every per-step numpy call works on contiguous arrays (see
  step_layout), in the order i, f, o, g, c: the three sigmoid gates are one contiguous block, and
  [i, f] * [tanh(g), c] is one call. A step (`forward_steps`; `inference_steps` without a
  backward) is then one matrix product and 8 elementwise calls, and the gates it leaves are the
  activations backward reads. Why tanh: with AVX-512 numpy's float32 tanh over the four gates
  costs less than exp over three plus tanh over one (3.8 against 6.4 us a medium step), and the
  transcendental calls are most of a step's elementwise time. (The kernel used 1 / (1 + exp(-a))
  before; as the GRU does.) The trade: this is not torch's sigmoid bit for bit (it rounds differently, and a sigmoid below
  about 3e-8 is 0 here: 0.5 + 0.5 * tanh rounds to it, an absolute error within float32's
  rounding of the gate's products); measured against a float64 reference, our float32 outputs
  and gradients stay as close as torch's own float32 ones (tests/kernels/test_fused_lstm_gru.py).
- backward is backpropagation through time by hand, back in time block by block of steps.
  Every factor that does not depend on the incoming gradient (gate derivatives, tanh(c)',
  c_{t-1} * f', ...) is computed for a whole block at once, just before the block's steps, into
  work arrays of the block's size (`gate_factors`); the loop (`backward_steps`) then multiplies
  them, carrying only dL/dh and dL/dc (one matrix product, 5 elementwise calls and 3 copies a
  step), and writes each step's gradient into dpre: backward makes no big array beyond its
  gradients (memory at its peak). The weight and input gradients are each one large matrix
  product after the loop.

Where the time goes: at the benchmark sizes the matrix products run at OpenBLAS's peak and take
most of it; the per-step ones depend on each other, so they run one after the other, each on one
core below STEP_THREADED_WORK multiply-adds (backend/blas_threads.py; the large shape's run on both)
(`python benchmarks/bench_lstm_gru.py` prints this "sequential floor"). On small per-step arrays
(the long shape: batch 8, hidden 64) each elementwise call costs ~0.3-0.5 us whatever it computes,
and the calls above are what the recurrence needs with these bits: `python
benchmarks/lstm_step_floor.py` times each alone (~3.6 us a forward step, ~2.9 a backward step,
~0.8 of gate factors, beside ~3.5 us for each step's product); what the kernel takes beyond
them is the Python that drives the loop.

Time order, reverse direction and packed lengths are handled by `StepLayout`.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from ..backend.blas_threads import threads_for
from ..backend.scratch import constant, scratch
from ..core.tensor import Tensor
from ..ops.pointwise import sigmoid_array, tanh_array
from .fused_stack import FusedRunner, FusedStack, grouped
from .recurrence import DirectionWeights, StepWeights, Variant, hidden_terms, input_terms, run_direction
from .sequence_function import SequenceFunction
from .step_layout import (
    PREPARED_BYTES,
    STEP_BLOCK_BYTES,
    StepLayout,
    bias_row,
    contiguous_if_small,
    gate_bias,
    gate_major,
    kept_for,
    prepared,
    previous_state_product,
    project_gate_major,
    rows_of,
)

# ------------------------------------------------------------------ the step math (composed path)
project = input_terms


def step(projected: Tensor, state: tuple, w: StepWeights) -> tuple:
    """One step for a batch: projected (N, 4H), state (h (N, P or H), c (N, H)) -> (h', c'),
    in torch's order of operations (its LSTMCell's graph, node for node)."""
    h, c = state
    i, f, g, o = (hidden_terms(h, w) + projected).unsafe_chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h_next = o.sigmoid() * c_next.tanh()
    if w.w_hr_t is not None:
        h_next = h_next @ w.w_hr_t
    return h_next, c_next


def cell_step_arrays(projected: np.ndarray, hidden: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple:
    """`step` on arrays, for LSTMCell under no_grad (nn/rnn_base.py): projected and hidden are
    x W_ih^T + b_ih and h W_hh^T + b_hh. The same ops in the same order, so the same bits."""
    i, f, g, o = chunks(np.add(hidden, projected), 4)
    c_next = sigmoid_array(f) * c + sigmoid_array(i) * tanh_array(g)
    return sigmoid_array(o) * tanh_array(c_next), c_next


def chunks(a: np.ndarray, n: int) -> list[np.ndarray]:
    """The n equal column blocks of a (N, n H) array, as `unsafe_chunk(n, -1)` views it."""
    size = a.shape[1] // n
    return [a[:, k * size:(k + 1) * size] for k in range(n)]


def state_sizes(w: DirectionWeights) -> tuple[int, ...]:
    """h holds P (or H) features, c holds H."""
    rows, columns = w.w_hh._data.shape  # (the array's shape: Tensor.shape builds a Size object)
    return columns, rows // 4


def node_direction(x: Tensor, state: tuple, w: DirectionWeights, reverse: bool, lengths: Any) -> tuple:
    """One layer and direction as one `FusedLSTM` node: `(output, (h_n, c_n))`."""
    out, h, c = FusedLSTM.apply(x, state[0], state[1], *w, reverse, lengths)
    return out, (h, c)


def direction_arrays(x: np.ndarray, state: tuple, w: DirectionWeights, reverse: bool = False, lengths: Any = None,
                     keep: bool = False) -> tuple:
    """One layer and direction on arrays: `(output, (h_n, c_n), kept)` from x and `(h0, c0)`, in the
    caller's order. keep=True keeps what `direction_grads` needs (else kept is None: inference)."""
    layout = StepLayout(x.shape[0], x.shape[1], lengths, reverse)
    b_ih, b_hh = (None, None) if w.b_ih is None else (w.b_ih._data, w.b_hh._data)
    arrays = lstm_forward(layout.sequence_in(x), layout.batch_in(state[0]), layout.batch_in(state[1]),
                          w.w_ih._data, w.w_hh._data, b_ih, b_hh, None if w.w_hr is None else w.w_hr._data, layout,
                          keep)
    out, cell = arrays["out"], arrays["cell"]
    h_n = layout.batch_out(layout.last_steps(out))
    c_n = layout.batch_out(layout.last_steps(cell) if keep else cell)  # (inference keeps the last cell only)
    return layout.sequence_out(out), (h_n, c_n), (layout, arrays) if keep else None


def direction_grads(kept: tuple, x: np.ndarray, state: tuple, w: DirectionWeights, g_out: np.ndarray,
                    g_final: tuple, need_dx: bool = True) -> tuple:
    """The backward of `direction_arrays(..., keep=True)`: `(dx, (dh0, dc0), weight grads)`, the
    weight grads in DirectionWeights' order (both biases get the same array; None if absent);
    dx is None unless need_dx."""
    layout, arrays = kept
    w_hr = None if w.w_hr is None else w.w_hr._data
    dx, dh0, dc0, dw_ih, dw_hh, db, dw_hr = lstm_backward(
        contiguous_if_small(layout.sequence_in(g_out)), layout.batch_in(g_final[0]), layout.batch_in(g_final[1]), layout.sequence_in(x),
        layout.batch_in(state[0]), w.w_ih._data, w.w_hh._data, w_hr, arrays, layout, need_dx)
    db = None if w.b_ih is None else db
    return (None if dx is None else layout.sequence_out(dx), (layout.batch_out(dh0), layout.batch_out(dc0)),
            (dw_ih, dw_hh, db, db, dw_hr))


# The kernel's gate order i, f, o, g, as indices into torch's i, f, g, o: the three sigmoid gates
# come first, one contiguous block (their rows are halved: see the module docstring).
KERNEL_ORDER, SIGMOID_GATES = (0, 1, 3, 2), 3


def output_name(x: Tensor, num_directions: int, weights: list) -> str:
    """The grad_fn name torch's CPU LSTM shows on its output (its oneDNN kernel runs float32
    without projection, on a batch that is not empty), so printed tensors read the same as in torch's tutorials."""
    if num_directions == 2:
        return "CatBackward0"
    onednn = x.dtype.itemsize == 4 and weights[0].w_hr is None and x.shape[1] > 0
    return "MkldnnRnnLayerBackward0" if onednn else "StackBackward0"


class FusedLSTM(SequenceFunction):
    """`FusedLSTM.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse, lengths)`: one layer and direction.

    x (L, N, H_in); h0 (N, P or H); c0 (N, H); weights in torch's layout; biases and w_hr may be
    None; lengths None or N ints. Returns (output (L, N, P or H), h_n, c_n).
    """

    torch_name = "StackBackward0"

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse, lengths):
        w = DirectionWeights(w_ih, w_hh, b_ih, b_hh, w_hr)
        out, (h_n, c_n), kept = direction_arrays(x._data, (h0._data, c0._data), w, reverse, lengths, keep=True)
        # The kernel's arrays are saved with the arguments, so they are freed after backward.
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse, lengths, kept)
        return Tensor._make(out), Tensor._make(h_n), Tensor._make(c_n)

    @staticmethod
    def node_name(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any, w_hr: Any,
                  *rest: Any) -> str:
        return output_name(x, 1, [DirectionWeights(w_ih, w_hh, b_ih, b_hh, w_hr)])

    @staticmethod
    def backward_arrays(ctx, g_out, g_h, g_c):
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, _, _, kept = ctx.saved_tensors
        dx, (dh0, dc0), dw = direction_grads(kept, x._data, (h0._data, c0._data),
                                             DirectionWeights(w_ih, w_hh, b_ih, b_hh, w_hr), g_out, (g_h, g_c),
                                             ctx.needs_input_grad[0])
        return tuple(g if n else None for g, n in zip((dx, dh0, dc0, *dw, None, None), ctx.needs_input_grad))

    @staticmethod
    def composed(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse, lengths):
        out, (h, c) = run_direction(LSTM, x, (h0, c0), DirectionWeights(w_ih, w_hh, b_ih, b_hh, w_hr), reverse,
                                    lengths)
        return out, h, c


class FusedLSTMStack(FusedStack):
    """Every layer and direction of an nn.LSTM call as one node (see fused_stack.py):
    `apply(x, (num_layers, num_directions, masks, lengths), h0, c0, *weights)` -> (output, h_n, c_n); `composed`
    takes the four one by one."""

    state_count = 2
    state_sizes = staticmethod(state_sizes)
    direction_arrays = staticmethod(direction_arrays)
    direction_grads = staticmethod(direction_grads)
    output_name = staticmethod(output_name)

    @staticmethod
    def composed(x, num_layers, num_directions, masks, lengths, h0, c0, *weights):
        out, (h, c) = LSTM.composed(x, None if h0 is None else (h0, c0), grouped(weights), num_layers, num_directions,
                                    masks, lengths)
        return out, h, c


# The fused runner: one FusedLSTMStack node, or the arrays when no gradient is wanted
fused = FusedRunner(FusedLSTMStack, node_direction)
fused_direction = fused.direction
LSTM = Variant(gates=4, state_sizes=state_sizes, project=project, step=step, fused=fused)


# ------------------------------------------------------------------ the numpy kernels
def lstm_forward(x: np.ndarray, h0: np.ndarray, c0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
                 b_ih: np.ndarray | None, b_hh: np.ndarray | None, w_hr: np.ndarray | None, layout: StepLayout,
                 keep: bool = True) -> dict:
    """Run the recurrence in kernel order; returns the arrays backward needs (gates are activated).

    Gates are stored gate-major (see step_layout.gate_major), each step's in a block of five
    (batch, hidden) slots, `held` (steps + 1, 5, batch, hidden): the step's gates i, f, o, g, then
    the cell state the step starts from (c0, then each step's c_t, written into the next block's
    slot), so that f * c and i * tanh(g) are one call (see `forward_steps`). "held" (its blocks
    of the steps) and "cell" are views of it. keep=False is inference (`inference_steps`): the cell state, tanh(c) and the
    unprojected output live in one (batch, hidden) buffer each instead of one per step, and "cell"
    is the final cell state.
    """
    steps, batch = x.shape[:2]
    hidden = c0.shape[1]
    w_ih4, w_hh4, w_hr_t = prepared("lstm", (w_ih, w_hh, b_ih, b_hh, w_hr),
                                    lambda: kernel_weights(w_ih, w_hh, b_ih, b_hh, w_hr))
    # (every step writes all of its rows of out unless some sequences end early: only then must it start 0)
    out = (np.empty if layout.active is None else np.zeros)((steps, batch, h0.shape[1]), x.dtype)
    work = made_steps(w_hh4, w_hr_t, batch)
    if not keep:
        gates = project_gate_major(x, w_ih4)
        with threads_for(batch, h0.shape[1], 4 * hidden, per_step=True):
            return {"cell": infer(gates, h0, c0, w_hh4, w_hr_t, out, work, layout), "out": out}
    held = np.empty((steps + 1, 5, batch, hidden), x.dtype)
    project_gate_major(x, w_ih4, out=held[:steps, :4])
    cell = held[1:, 4]  # c_t of every step (the next step's starting cell state)
    tanh_cell = np.empty((steps, batch, hidden), x.dtype)
    cell_out = np.empty_like(tanh_cell) if w_hr is not None else None  # o * tanh(c), before the projection
    if layout.active is not None:  # rows past their length are never written: keep them 0
        for a in (cell, tanh_cell, cell_out):
            if a is not None:
                a[...] = 0
    held[0, 4] = c0
    # Each step's views, made by iterating over the arrays' first axis (views made in C: slicing
    # held at every step, as the step did before, cost ~0.15 us a step more, a twentieth of its
    # elementwise work on the long shape): the step's gates [i, f, o, g], its sigmoid gates
    # [i, f, o], [i, f] and [g, c_{t-1}] (see forward_steps), o; h_{t-1} (h0, then the step
    # before's output); where c_t, tanh(c_t), h_t (and o * tanh(c_t) with a projection) go.
    slots = held[:steps]
    per_step = zip(slots[:, :4], slots[:, :3], slots[:, :2], slots[:, 3:], slots[:, 2], itertools.chain((h0,), out),
                   cell, tanh_cell, out, itertools.repeat(None) if cell_out is None else cell_out)
    with threads_for(batch, h0.shape[1], 4 * hidden, per_step=True):
        if layout.active is None:  # every row runs at every step
            for views in per_step:
                work.forward(*views)
        else:
            packed_steps(work.forward, lambda n: forward_steps(w_hh4, work.buf[:, :n], w_hr_t), per_step, layout.active,
                         batch)
    return {"held": held[:steps], "cell": cell, "tanh_cell": tanh_cell, "cell_out": cell_out, "out": out}


def packed_steps(every_row: Callable[..., None], fewer: Callable[[int], Callable[..., None]],
                 per_step: Iterable[tuple], rows: Iterable[int], batch: int) -> None:
    """The step loop for packed input, where a step runs on its first n rows (`rows`, one count a
    step): `every_row(*views)` while all `batch` rows run, else the step `fewer(n)` makes for n rows (made
    once per count), given the first n rows of each view: axis 1 of a block of gates (k, batch, H),
    axis 0 of a (batch, ...) array; None stays None."""
    made: dict = {}
    for views, n in zip(per_step, rows):
        if n == batch:
            every_row(*views)
            continue
        if n not in made:
            made[n] = fewer(n)
        made[n](*(None if v is None else v[:, :n] if v.ndim == 3 else v[:n] for v in views))


def kernel_weights(w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None, b_hh: np.ndarray | None,
                   w_hr: np.ndarray | None = None) -> tuple:
    """W_ih with b_ih + b_hh as its last row (see `bias_row`) and W_hh, in the kernel's gate order
    and layout (see `gate_major`), the sigmoid gates' rows halved; and W_hr^T (None without a
    projection)."""
    bias = None if b_ih is None else gate_bias(b_ih + b_hh, KERNEL_ORDER, SIGMOID_GATES, 0.5)
    return (bias_row(gate_major(w_ih, KERNEL_ORDER, SIGMOID_GATES, 0.5), bias),
            gate_major(w_hh, KERNEL_ORDER, SIGMOID_GATES, 0.5), None if w_hr is None else np.ascontiguousarray(w_hr.T))


class StepWork(NamedTuple):
    """A layer's steps for `batch` rows (every row running) and the work arrays they write
    (see `made_steps`): act (5, batch, H), tanh_c (batch, H), buf (4, batch, H), cell_out (batch, H)
    or None without a projection."""

    forward: Callable[..., None]  # forward_steps' step
    infer: Callable[..., None]  # inference_steps' step
    act: np.ndarray
    tanh_c: np.ndarray
    buf: np.ndarray
    cell_out: np.ndarray | None


# The steps `made_steps` keeps, per thread (a step writes its work space): {(id of W_hh, batch): (W_hh, StepWork)}
_made = threading.local()  # this thread's kept steps (step_layout.kept_for)


def made_steps(w_hh4: np.ndarray, w_hr_t: np.ndarray | None, batch: int) -> StepWork:
    """The steps for `batch` rows and their work arrays.

    Making them costs ~2.5 us (the closures with their views, four work arrays), a tenth of a small
    model's forward. Small weights come back from `prepared` as the same arrays while unchanged
    (W_hr^T with them), so their steps are kept and reused, as gru.made_steps does: keyed on the
    prepared W_hh itself, held here so that its id is not reused. Bigger weights are prepared
    afresh at every call: their steps are made every time (they would only hold memory here)."""
    if w_hh4.nbytes > PREPARED_BYTES:
        return step_work(w_hh4, w_hr_t, batch)
    return kept_for(_made, w_hh4, batch, lambda: step_work(w_hh4, w_hr_t, batch))


def step_work(w_hh4: np.ndarray, w_hr_t: np.ndarray | None, batch: int) -> StepWork:
    """`made_steps` without keeping: new work arrays and the steps that write them."""
    hidden, dtype = w_hh4.shape[2], w_hh4.dtype
    act, buf = np.empty((5, batch, hidden), dtype), np.empty((4, batch, hidden), dtype)
    tanh_c = np.empty((batch, hidden), dtype)
    cell_out = None if w_hr_t is None else np.empty((batch, hidden), dtype)
    return StepWork(forward_steps(w_hh4, buf, w_hr_t), inference_steps(w_hh4, act, tanh_c, buf, cell_out, w_hr_t),
                    act, tanh_c, buf, cell_out)


def forward_steps(w_hh4: np.ndarray, buf: np.ndarray, w_hr_t: np.ndarray | None) -> Callable[..., None]:
    """`step(gates, sigmoids, i_f, g_c, o, h, c_new, tanh_c, h_new, cell_out)`: one step on the n
    rows that run, in place. The first five are views of the step's block of `held` (5, n, H)
    (see lstm_forward): gates [i, f, o, g] (4, n, H) hold the step's input terms in kernel order
    (sigmoid rows halved), sigmoids is [i, f, o], i_f [i, f], g_c [g, c_{t-1}] and o the o gate;
    the gates are left activated, what backward reads. h is h_{t-1}; c_new, tanh_c and h_new (and
    cell_out with a projection, else None) receive c_t, tanh(c_t) and h_t. buf (4, n, H) is work
    space. 8 numpy calls and one matrix product, each on a contiguous block, with
    `inference_steps`' numbers. The step is made once (per call, or kept: see `made_steps`), with
    buf's views and the number 0.5 made here, not at every step; the loop makes the views of held
    (see lstm_forward)."""
    products = buf[:2]
    i_times_g, f_times_c = products  # (the product's blocks are free again once the gates have read them)
    half = constant(0.5, buf.dtype)  # (see constant)
    # (local names, outputs by position: `add(a, b, a)` is `np.add(a, b, out=a)`, see gru.forward_steps)
    matmul, add, multiply, tanh = np.matmul, np.add, np.multiply, np.tanh

    def step(gates: np.ndarray, sigmoids: np.ndarray, i_f: np.ndarray, g_c: np.ndarray, o: np.ndarray, h: np.ndarray,
             c_new: np.ndarray, tanh_c: np.ndarray, h_new: np.ndarray, cell_out: np.ndarray | None) -> None:
        matmul(h, w_hh4, buf)
        add(gates, buf, gates)
        tanh(gates, gates)  # ONE tanh for the four gates: the sigmoid rows hold a / 2
        multiply(sigmoids, half, sigmoids)  # (exact)
        add(sigmoids, half, sigmoids)
        multiply(i_f, g_c, products)  # [i, f] * [tanh(g), c_{t-1}]
        add(i_times_g, f_times_c, c_new)
        tanh(c_new, tanh_c)
        if w_hr_t is None:
            multiply(tanh_c, o, h_new)  # o * tanh(c)
        else:  # h = (o * tanh(c)) @ W_hr^T
            multiply(tanh_c, o, cell_out)
            cell_out.dot(w_hr_t, h_new)  # (ndarray.dot: np.matmul's bits, without its ~0.7 us of overhead)

    return step


def infer(gates: np.ndarray, h0: np.ndarray, c0: np.ndarray, w_hh4: np.ndarray, w_hr_t: np.ndarray | None,
          out: np.ndarray, work: StepWork, layout: StepLayout) -> np.ndarray:
    """The inference loop (nothing kept for backward): writes every step's h into out and returns
    the final cell state. The cell state lives in `act[4]` of the work arrays, after the activated
    gates i, f, o, g in `act[:4]`, so that [i, f] * [g, c] is one call (see `inference_steps`)."""
    batch = c0.shape[0]
    act = work.act
    act[4] = c0  # updated in place, step after step
    # each step's projected gates, h_{t-1} (h0, then the step before's output) and where h_t goes
    # (views made in C: see lstm_forward)
    per_step = zip(gates, itertools.chain((h0,), out), out)
    if layout.active is None:  # every row runs at every step
        for views in per_step:
            work.infer(*views)
    else:  # rows past their length keep their state
        packed_steps(work.infer, lambda n: inference_steps(w_hh4, act[:, :n], work.tanh_c[:n], work.buf[:, :n],
                                                           None if work.cell_out is None else work.cell_out[:n], w_hr_t),
                     per_step, layout.active, batch)
    return act[4].copy()  # (act is work space: a kept step's next call writes it again)


def inference_steps(w_hh4: np.ndarray, act: np.ndarray, tanh_c: np.ndarray, buf: np.ndarray,
                    cell_out: np.ndarray | None, w_hr_t: np.ndarray | None) -> Callable[..., None]:
    """`step(g, h, h_new)`: one inference step on the n rows of these work arrays, in place, with
    `forward_steps`' numbers in 8 numpy calls, not 9: f * c and i * tanh(g) are one call.
    act (5, n, H) holds c on entry (act[4]) and c_t after each step, after the step's activated
    gates; tanh_c receives tanh(c_t), h_new h_t. g (4, n, H) is only read (nothing is kept).

    The step is made once (per call, or kept: see `made_steps`), with the views of the work arrays
    it reads and writes and the number 0.5 made here: made at every step they cost ~1.2 us of a
    ~5 us step (seed shape)."""
    gates_out, sigmoids, i_f, g_c, o, c = act[:4], act[:3], act[:2], act[3:], act[2], act[4]
    products = buf[:2]
    i_times_g, f_times_c = products
    half = constant(0.5, act.dtype)
    matmul, add, multiply, tanh = np.matmul, np.add, np.multiply, np.tanh  # (see forward_steps)

    def step(g: np.ndarray, h: np.ndarray, h_new: np.ndarray) -> None:
        matmul(h, w_hh4, buf)
        add(buf, g, buf)
        tanh(buf, gates_out)
        multiply(sigmoids, half, sigmoids)
        add(sigmoids, half, sigmoids)
        multiply(i_f, g_c, products)  # [i * tanh(g), f * c]
        add(i_times_g, f_times_c, c)
        tanh(c, tanh_c)
        if w_hr_t is None:
            multiply(tanh_c, o, h_new)
        else:
            multiply(tanh_c, o, cell_out)
            cell_out.dot(w_hr_t, h_new)  # (ndarray.dot: np.matmul's bits, without its ~0.7 us of overhead)

    return step


def backward_steps(dh: np.ndarray, dc: np.ndarray, w_hh: np.ndarray, tmp: np.ndarray, scales: np.ndarray,
                   gate_grads: np.ndarray, w_hr: np.ndarray | None) -> Callable[..., None]:
    """`step(g_out, d_h, c_factor, f, factors, grads, d_rows)`: one step back in time on the n rows
    that run, in place. On entry dh and dc (n, P or H; n, H) hold dL/dh_t and dL/dc_t from the
    later steps; on return dL/dh_{t-1} and dL/dc_{t-1}. factors (4, n, H) holds this step's gate
    factors in torch's order i, f, g, o (see lstm_backward), and grads (4, n, H) receives dL/d(pre-
    activation) gate by gate: a view of the step's dpre (n, 4, H). d_rows is the same step's dpre
    as (n, 4H); d_h receives the total dL/dh_t. c_factor and f are this step's o * tanh'(c_t) and
    forget gate. With a projection W_hr (else None), d_h receives dL/dh_t (kept for W_hr's
    gradient; else d_h is None). tmp (n, H), scales (4, n, H) and gate_grads (4, n, H) are work
    space: scales holds what each gate's factor is multiplied by, [dc, dc, dc, dh], so that all four
    gates are one call, into gate_grads, which one copy puts into grads. (grads is strided: the
    gates of a row sit side by side in dpre. numpy's multiply on strided views costs 2-4x its
    contiguous call, a strided copy about one contiguous call: 1.5 against 0.3 + 0.4 us a long step.)
    Only what the recurrence needs: 5 numpy calls, 3 copies and one matrix product (one more with
    a projection).

    It stands for the plain
        d_h = g_out + dh;  dc += d_h * c_factor
        d_i, d_f, d_g = dc * factors[:3];  d_o = d_h * factors[3]
        dc *= f;  dh = dpre_t @ W_hh
    with the same operations on every element (the same bits), in fewer calls."""
    scale_c, scale_c_f, scale_c_g, scale_h = scales
    add, multiply = np.add, np.multiply  # (local names, outputs by position: see gru.forward_steps)

    def step(g_out: np.ndarray, d_h: np.ndarray, c_factor: np.ndarray, f: np.ndarray, factors: np.ndarray,
             grads: np.ndarray, d_rows: np.ndarray) -> None:
        if w_hr is None:
            add(g_out, dh, scale_h)
        else:  # h = cell_out @ W_hr^T: what scales the gates is dL/d(cell_out)
            add(g_out, dh, d_h)
            d_h.dot(w_hr, scale_h)
        multiply(scale_h, c_factor, tmp)
        add(dc, tmp, scale_c)  # dc + dh * c_factor, the gradient reaching c_t, scales three gates:
        scale_c_f[...] = scale_c  # two copies cost less than one call that broadcasts it (0.9 against 1.6 us)
        scale_c_g[...] = scale_c
        multiply(factors, scales, gate_grads)  # [d_i, d_f, d_g, d_o]
        grads[...] = gate_grads
        multiply(scale_c, f, dc)
        d_rows.dot(w_hh, dh)  # (ndarray.dot: np.matmul's bits, without its ~0.7 us of overhead)

    return step


def gate_factors(held: np.ndarray, tanh_cell: np.ndarray, per_block: int) -> tuple[np.ndarray, np.ndarray]:
    """Every gate factor of a block of steps (they do not depend on the incoming gradient), in torch's
    gate order: [g * i', c_{t-1} * f', i * g', tanh(c_t) * o'] (i' = i(1-i) for a sigmoid, g' =
    1-g^2 for tanh), step-major, (steps, 4, batch, H): each step's factors are one contiguous block,
    which the backward loop multiplies (see backward_steps). Also returns c_factor = o * tanh'(c_t),
    (steps, batch, H). held is the forward's (steps, 5, batch, H) for the block: each step's
    activated gates i, f, o, g and its c_{t-1} (see lstm_forward), so every step's factors need
    only that step's arrays. Both results are views of work arrays for per_block steps (see
    scratch: the last block may be shorter), valid until the next block.

    One gate over many steps is a strided view of held, and numpy's calls on such views cost
    several times those on contiguous arrays (on small arrays 1-2 us a call against 0.25, all of the
    work). So the calls run on contiguous copies: the gates and c_{t-1} copied gate by gate into
    one work array, the factors written gate by gate into another, which one copy puts step-major.
    The copies cost less than the strided calls they spare (medium shape 0.66 -> 0.44 ms, long
    2.8 -> 1.6, large 12.8 -> 7.9). lstm_backward asks for blocks of at most ~STEP_BLOCK_BYTES,
    so the work arrays stay that small and in the caches."""
    steps, rest, dtype = len(held), tanh_cell.shape[1:], held.dtype
    slots = scratch("lstm gates by gate", (5, per_block, *rest), dtype)
    work = scratch("lstm gate factors", (4, per_block, *rest), dtype)
    c_factor = scratch("lstm c factor", (per_block, *rest), dtype)
    by_step = scratch("lstm factors by step", (per_block, 4, *rest), dtype)
    if steps < per_block:  # the last block, shorter: the first steps of the work arrays
        slots, work, c_factor, by_step = slots[:, :steps], work[:, :steps], c_factor[:steps], by_step[:steps]
    slots[...] = held.transpose(1, 0, 2, 3)  # (5, steps, batch, H): i, f, o, g (the kernel's order), c_{t-1}
    write_gate_factors(slots, tanh_cell, work, c_factor)
    by_step.transpose(1, 0, 2, 3)[...] = work
    return by_step, c_factor


def write_gate_factors(slots: np.ndarray, tanh_cell: np.ndarray, factors: np.ndarray, c_factor: np.ndarray) -> None:
    """`gate_factors` with slots (5, steps, batch, H): the activated gates in the kernel's order
    i, f, o, g, then c_{t-1}; the factors (4, steps, batch, H) in torch's order i, f, g, o (views
    or contiguous arrays), and c_factor (steps, batch, H)."""
    i, f, o, g, _ = slots  # (unpacking: one call for the five slots)
    d_i, d_f, d_g, d_o = factors
    i_f, d_i_f = slots[:2], factors[:2]  # i and f: the same place in both orders
    one = constant(1, factors.dtype)  # (the number 1: see constant)
    np.subtract(one, i_f, out=d_i_f)
    d_i_f *= i_f
    d_i_f *= slots[3:]  # [i', f'] * [g, c_{t-1}]
    np.multiply(g, g, out=d_g)
    np.subtract(one, d_g, out=d_g)
    d_g *= i
    np.subtract(one, o, out=d_o)
    d_o *= o
    d_o *= tanh_cell
    np.multiply(tanh_cell, tanh_cell, out=c_factor)
    np.subtract(one, c_factor, out=c_factor)
    c_factor *= o


def lstm_backward(g_out: np.ndarray, g_h: np.ndarray, g_c: np.ndarray, x: np.ndarray, h0: np.ndarray,
                  w_ih: np.ndarray, w_hh: np.ndarray, w_hr: np.ndarray | None, saved: dict,
                  layout: StepLayout, need_dx: bool = True) -> tuple:
    """(dx, dh0, dc0, dW_ih, dW_hh, db, dW_hr), all in kernel order; weight grads in torch's layout;
    dx is None unless need_dx (it is a product as big as W_ih's gradient).

    dpre, dL/d(pre-activation) of every step in torch's gate order i, f, g, o, is the one big
    array backward makes. The loop runs back in time block by block of steps (at most about
    STEP_BLOCK_BYTES of dpre): a block's gate factors are computed first (`gate_factors`), into
    work arrays that size (memory at backward's peak: no second array as big as dpre), then the
    block's steps (`backward_steps`) turn them into the gradient. (The saved forward arrays are
    never written: a retained graph's second backward reads them again.) With dc the gradient
    reaching c_t:
        d_i, d_f, d_g = dc * [g * i', c_{t-1} * f', i * g']    d_o = dh * tanh(c_t) * o'
        dc_{t-1} = (dc + dh * o * tanh'(c_t)) * f             dh_{t-1} = dpre_t W_hh
    """
    held, tanh_cell, out = saved["held"], saved["tanh_cell"], saved["out"]
    steps, batch, hidden = tanh_cell.shape
    dpre = scratch("lstm dpre", (steps, batch, 4, hidden), x.dtype)  # (reused when small: see scratch)
    dh, dc = np.array(g_h, dtype=x.dtype), np.array(g_c, dtype=x.dtype)  # padded rows carry them as is
    # dL/dh of every step is kept only for the projection's weight gradient
    d_out = None if w_hr is None else np.zeros(out.shape, x.dtype)
    tmp = np.empty((batch, hidden), x.dtype)
    scales, gate_grads = np.empty((2, 4, batch, hidden), x.dtype)
    every_row = backward_steps(dh, dc, w_hh, tmp, scales, gate_grads, w_hr)
    if layout.active is not None:  # packed input: a step writes the rows that run, the others get no gradient
        dpre[...] = 0
    per_block = max(1, min(steps, STEP_BLOCK_BYTES // max(1, dpre[0:1].nbytes)))
    with threads_for(batch, 4 * hidden, hidden, per_step=True):
        for start in reversed(range(0, steps, per_block)):
            block = slice(start, start + per_block)
            factors, c_factor = gate_factors(held[block], tanh_cell[block], per_block)
            per_step = block_steps(g_out[block], None if d_out is None else d_out[block], c_factor, held[block, 1],
                                   factors, dpre[block])
            if layout.active is None:  # every row runs at every step
                for views in per_step:
                    every_row(*views)
            else:
                packed_steps(every_row, lambda n: backward_steps(dh[:n], dc[:n], w_hh, tmp[:n], scales[:, :n],
                                                                 gate_grads[:, :n], w_hr),
                             per_step, reversed(layout.active[block]), batch)
    flat = dpre.reshape(steps * batch, 4 * hidden)
    with threads_for(steps * batch, max(x.shape[2], h0.shape[1]), 4 * hidden):
        dx = np.matmul(flat, w_ih).reshape(x.shape) if need_dx else None
        dw_ih = np.matmul(flat.T, rows_of(x))
        dw_hh = previous_state_product(flat, out, h0)
    db = np.add.reduce(flat, axis=0)  # (ndarray.sum's own reduce, without its Python wrapper)
    dw_hr = None
    if w_hr is not None:
        cell_out = saved["cell_out"].reshape(steps * batch, hidden)
        dw_hr = np.matmul(rows_of(d_out).T, cell_out)
    return dx, dh, dc, dw_ih, dw_hh, db, dw_hr


def block_steps(g_out: np.ndarray, d_out: np.ndarray | None, c_factor: np.ndarray, f: np.ndarray,
                factors: np.ndarray, dpre: np.ndarray) -> Iterable[tuple]:
    """The views `backward_steps`' step takes, one tuple a step of a block, last step first:
    g_out, d_out (or None), c_factor, f (steps, batch, ...), factors (steps, 4, batch, H) and
    dpre (steps, batch, 4, H) of the block. The views are made by iterating over the arrays' first
    axis backwards (views made in C: indexing six arrays a step cost ~0.5 us a step more); the
    gradient of out.sum() is one row broadcast over time, read as one contiguous row (numpy's
    call on the broadcast view costs 0.7 us, on a row 0.3)."""
    g_steps = itertools.repeat(np.ascontiguousarray(g_out[0])) if g_out.strides[0] == 0 else g_out[::-1]
    d_steps = itertools.repeat(None) if d_out is None else d_out[::-1]
    return zip(g_steps, d_steps, c_factor[::-1], f[::-1], factors[::-1], dpre.transpose(0, 2, 1, 3)[::-1],
               dpre.reshape(*dpre.shape[:2], dpre.shape[2] * dpre.shape[3])[::-1])

"""The GRU: its step math, its gate table entry, and its fused kernel.

One GRU step, in torch's gate order r, z, n (the rows of `weight_ih` / `weight_hh`):

    r  = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)        reset gate
    z  = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)        update gate
    n  = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))     candidate state
    h' = (1 - z) * n + z * h

The reset gate multiplies (h W_hn^T + b_hn) as a whole, so b_hn is NOT interchangeable with b_in
(the two biases of an Elman RNN could be merged; these cannot). `project` and `step` write it
with Tensor ops: with the shared loops of recurrence.py they are the composed path.

The fused kernel runs one layer and one direction over a whole sequence with the same math on
numpy arrays (`direction_arrays`, `direction_grads`); nn.GRU runs all its layers and directions
as ONE graph node, `FusedGRUStack` (see fused_stack.py), and `FusedGRU` is the node of one layer
and direction:

- forward projects every step's input at once, gi = x W_ih^T + b_ih; per step it needs one matrix
  product, gh = h W_hh^T + b_hh. The r and z rows are pre-negated so that both sigmoids are one
  exp call: sigmoid(a) = 1 / (1 + exp(-a)) (negation is exact in floating point). (With numpy 2.4
  a float32 exp costs about twice a tanh per element on big arrays: 21 us against 10 on (2, 64, 512).
  The LSTM's form, 0.5 tanh(a/2) + 0.5, would save ~1% of a large GRU forward, but the 0.5 costs
  the update h' = n + z (h - n) one more call a step: a small model's step is its calls.)
  Gates are stored gate-major, (steps, 3, batch, hidden), so every per-step numpy call works on
  contiguous arrays (see step_layout). A step (`forward_steps`) is the product, one call per gate,
  and 10 elementwise calls, the same with and without backward (it forms no sigmoid); the per-step
  arrays are passed whole when every row runs (slicing costs). A small model's step is made once
  and kept with its prepared weights (`made_steps`).
- backward carries only dL/dh through time. With dh the gradient reaching h_t:

      d_n = dh * (1 - z) * (1 - n^2)        d(pre-activation of n); its hidden part is d_n * r
      d_z = dh * (h_{t-1} - n) * z(1 - z)
      d_r = d_n * (h_{t-1} W_hn^T + b_hn) * r(1 - r)
      dh_{t-1} = dh * z + [d_r, d_z, d_n * r] W_hh

  the factors that do not depend on dh are computed for all steps before the loop, written into
  the gradient arrays themselves (the n slot holds r), which the loop (`backward_steps`: one
  product, 5 calls and 3 copies a step, the three gates in ONE multiply) then multiplies in place:
  backward makes no array beyond its gradients (memory at its peak).

Time order, reverse direction and packed lengths are handled by `StepLayout`.

The products' shapes are pinned by the bits: with OpenBLAS's Haswell kernels, the same sums done
as one (batch, H) @ (H, 3H) product a step, as W_hh @ h^T (a transposed layout), or as one
(steps * batch, K) product for the projection give other float32 last bits than the per-gate,
per-step products used here. On one BLAS thread these products alone (medium shape: projection
~0.8 ms, per-step products ~1.55 ms) take longer than 0.8x torch's two-thread forward (1.8 ms).
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from ..backend.blas_threads import threads_for
from ..backend.errstate import quiet_overflow
from ..backend.scratch import KEEP_BYTES, constant, scratch
from ..core.tensor import Tensor
from ..ops.pointwise import sigmoid_array, tanh_array
from .fused_stack import FusedRunner, FusedStack, grouped
from .lstm import chunks
from .recurrence import DirectionWeights, StepWeights, Variant, hidden_terms, input_terms, run_direction
from .sequence_function import SequenceFunction
from .step_layout import (
    PREPARED_BYTES,
    STEP_BLOCK_BYTES,
    StepLayout,
    contiguous_if_small,
    form_sigmoids,
    kept_for,
    prepared,
    previous_state_product,
    project_gate_major,
    rows_of,
)

# ------------------------------------------------------------------ the step math (composed path)
project = input_terms  # (b_hh stays with h: b_hn sits inside r * (...))


def step(projected: Tensor, state: tuple, w: StepWeights) -> tuple:
    """One step for a batch: projected (N, 3H), state (h (N, H),) -> (h',), in torch's order of
    operations (its GRUCell's graph, node for node): h' = (1 - z) n + z h, computed as (h - n) z + n."""
    (h,) = state
    i_r, i_z, i_n = projected.unsafe_chunk(3, -1)
    h_r, h_z, h_n = hidden_terms(h, w).unsafe_chunk(3, -1)
    r = (h_r + i_r).sigmoid()
    z = (h_z + i_z).sigmoid()
    n = (i_n + h_n * r).tanh()
    return ((h - n) * z + n,)


def cell_step_arrays(projected: np.ndarray, hidden: np.ndarray, h: np.ndarray) -> tuple:
    """`step` on arrays, for GRUCell under no_grad (nn/rnn_base.py): projected and hidden are
    x W_ih^T + b_ih and h W_hh^T + b_hh. The same ops in the same order, so the same bits."""
    i_r, i_z, i_n = chunks(projected, 3)
    h_r, h_z, h_n = chunks(hidden, 3)
    r = sigmoid_array(h_r + i_r)
    z = sigmoid_array(h_z + i_z)
    n = tanh_array(i_n + h_n * r)
    return ((h - n) * z + n,)


def state_sizes(w: DirectionWeights) -> tuple[int, ...]:
    return (w.w_hh._data.shape[1],)


def node_direction(x: Tensor, state: tuple, w: DirectionWeights, reverse: bool, lengths: Any) -> tuple:
    """One layer and direction as one `FusedGRU` node: `(output, (h_n,))`."""
    out, h = FusedGRU.apply(x, state[0], w.w_ih, w.w_hh, w.b_ih, w.b_hh, reverse, lengths)
    return out, (h,)


def direction_arrays(x: np.ndarray, state: tuple, w: DirectionWeights, reverse: bool = False, lengths: Any = None,
                     keep: bool = False) -> tuple:
    """One layer and direction on arrays: `(output, (h_n,), kept)` from x and `(h0,)`, in the
    caller's order. keep=True keeps what `direction_grads` needs (else kept is None: inference)."""
    layout = StepLayout(x.shape[0], x.shape[1], lengths, reverse)
    arrays = gru_forward(layout.sequence_in(x), layout.batch_in(state[0]), w.w_ih._data, w.w_hh._data,
                         None if w.b_ih is None else w.b_ih._data, None if w.b_hh is None else w.b_hh._data, layout,
                         keep)
    h_n = layout.batch_out(layout.last_steps(arrays["out"]))
    return layout.sequence_out(arrays["out"]), (h_n,), (layout, arrays) if keep else None


def direction_grads(kept: tuple, x: np.ndarray, state: tuple, w: DirectionWeights, g_out: np.ndarray,
                    g_final: tuple, need_dx: bool = True) -> tuple:
    """The backward of `direction_arrays(..., keep=True)`: `(dx, (dh0,), weight grads)`, the
    weight grads in DirectionWeights' order (None if absent); dx is None unless need_dx."""
    layout, arrays = kept
    dx, dh0, dw_ih, dw_hh, db_ih, db_hh = gru_backward(
        contiguous_if_small(layout.sequence_in(g_out)), layout.batch_in(g_final[0]), layout.sequence_in(x), layout.batch_in(state[0]),
        w.w_ih._data, w.w_hh._data, arrays, layout, need_dx)
    if w.b_ih is None:
        db_ih = db_hh = None
    return (None if dx is None else layout.sequence_out(dx), (layout.batch_out(dh0),),
            (dw_ih, dw_hh, db_ih, db_hh, None))


class FusedGRU(SequenceFunction):
    """`FusedGRU.apply(x, h0, w_ih, w_hh, b_ih, b_hh, reverse, lengths)`: one layer and direction.

    x (L, N, H_in); h0 (N, H); weights in torch's layout; biases (3H,) or None; lengths None or
    N ints. Returns (output (L, N, H), h_n).
    """

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, reverse, lengths):
        w = DirectionWeights(w_ih, w_hh, b_ih, b_hh)
        out, (h_n,), kept = direction_arrays(x._data, (h0._data,), w, reverse, lengths, keep=True)
        # The kernel's arrays are saved with the arguments, so they are freed after backward.
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, reverse, lengths, kept)
        return Tensor._make(out), Tensor._make(h_n)

    def name(self) -> str:
        return "StackBackward0"  # what torch's CPU GRU shows on this output (printouts read the same)

    @staticmethod
    def backward_arrays(ctx, g_out, g_h):
        x, h0, w_ih, w_hh, b_ih, b_hh, _, _, kept = ctx.saved_tensors
        dx, (dh0,), dw = direction_grads(kept, x._data, (h0._data,), DirectionWeights(w_ih, w_hh, b_ih, b_hh), g_out,
                                         (g_h,), ctx.needs_input_grad[0])
        return tuple(g if n else None for g, n in zip((dx, dh0, *dw[:4], None, None), ctx.needs_input_grad))

    @staticmethod
    def composed(x, h0, w_ih, w_hh, b_ih, b_hh, reverse, lengths):
        out, (h,) = run_direction(GRU, x, (h0,), DirectionWeights(w_ih, w_hh, b_ih, b_hh), reverse, lengths)
        return out, h


class FusedGRUStack(FusedStack):
    """Every layer and direction of an nn.GRU call as one node (see fused_stack.py):
    `apply(x, (num_layers, num_directions, masks, lengths), h0, *weights)` -> (output, h_n); `composed`
    takes the layers' four one by one (`run_composed` unpacks them)."""

    state_sizes = staticmethod(state_sizes)
    direction_arrays = staticmethod(direction_arrays)
    direction_grads = staticmethod(direction_grads)

    @staticmethod
    def composed(x, num_layers, num_directions, masks, lengths, h0, *weights):
        out, (h,) = GRU.composed(x, None if h0 is None else (h0,), grouped(weights), num_layers, num_directions,
                                 masks, lengths)
        return out, h


# The fused runner: one FusedGRUStack node, or the arrays when no gradient is wanted
fused = FusedRunner(FusedGRUStack, node_direction)
fused_direction = fused.direction
GRU = Variant(gates=3, state_sizes=state_sizes, project=project, step=step, fused=fused)


# ------------------------------------------------------------------ the numpy kernels
GATE_ORDER, SIGMOID_GATES = (0, 1, 2), 2  # r, z, n as torch has them; r and z are negated


def gru_forward(x: np.ndarray, h0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None,
                b_hh: np.ndarray | None, layout: StepLayout, keep: bool = True) -> dict:
    """Run the recurrence; returns the arrays backward needs. Gates are stored gate-major,
    (steps, 3, batch, hidden), so every per-step call runs on contiguous arrays (see step_layout).
    keep=False is inference: (h W_hn^T + b_hn) lives in one (batch, hidden) buffer, only "out"
    is returned."""
    steps, batch = x.shape[:2]
    hidden = h0.shape[1]
    # Big weights are prepared afresh at every call (see prepared) and only read during it: into reused arrays
    weights_into = scratch if w_ih.nbytes + w_hh.nbytes > PREPARED_BYTES else fresh
    w_ih3, w_hh3, b_hn = prepared("gru", (w_ih, w_hh, b_ih, b_hh),
                                  lambda: kernel_weights(w_ih, w_hh, b_ih, b_hh, weights_into))
    gates = project_gate_major(x, w_ih3)  # activated in place
    # Every step writes every row of these, unless packed lengths stop some rows: those must read 0
    # (np.zeros of a big array is a pass of memset when the allocator reuses memory: ~1% of a medium forward)
    written_or_zeros = np.empty if layout.active is None else np.zeros
    h_n_part = written_or_zeros((steps if keep else 1, batch, hidden), x.dtype)  # h W_hn^T + b_hn, what r scaled
    out = written_or_zeros((steps, batch, hidden), x.dtype)
    every_row, gh = made_steps(w_hh3, b_hn, batch)
    # Each step's views r_z, n, h_{t-1} (h0, then the step before's output), h_n and h_t, made by
    # iterating over the arrays' first axis (views made in C: on a small model indexing and
    # unpacking a step's gates cost ~0.3 us a step more)
    h_n_steps = h_n_part if keep else itertools.repeat(h_n_part[0])
    per_step = zip(gates[:, :SIGMOID_GATES], gates[:, 2], itertools.chain((h0,), out), h_n_steps, out)
    with threads_for(batch, hidden, 3 * hidden, per_step=True), quiet_overflow():  # (exp: see forward_steps)
        if layout.active is None:  # every row runs: whole per-step arrays, no slicing (each slice costs ~0.3 us)
            for views in per_step:
                every_row(*views)
        else:  # rows still running at s+1 are a prefix of those running at s
            fewer_rows: dict = {}  # a step per count of rows that run (they only shrink)
            for (r_z, n, h, h_n, h_new), k in zip(per_step, layout.active):
                if k == batch:
                    every_row(r_z, n, h, h_n, h_new)
                    continue
                if k not in fewer_rows:
                    fewer_rows[k] = forward_steps(w_hh3, b_hn, gh[:, :k])
                fewer_rows[k](r_z[:, :k], n[:k], h[:k], h_n[:k], h_new[:k])
    if not keep:
        return {"out": out}
    form_sigmoids(gates[:, :SIGMOID_GATES], layout)
    return {"gates": gates, "h_n_part": h_n_part, "out": out}


def kernel_weights(w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None, b_hh: np.ndarray | None,
                   new: Callable[[str, tuple, Any], np.ndarray] | None = None) -> tuple:
    """(W_ih, W_hh, b_hn): W_ih with the input-side bias as its last row (see `bias_row`) and W_hh,
    in the kernel's layout (see `gate_major`); b_hr and b_hz are plain additive terms, added into
    that bias once. b_hn (None without biases) must stay inside r * (...): a copy of its part of b_hh.

    `new(name, shape, dtype)` gives the two weight arrays (default `fresh`; `scratch` for weights
    made at every call: big ones, whose 1.5-3 MB arrays made fresh cost ~1,800 page faults a call
    on the large benchmark shape). Each is written once, in place: the numbers of
    `bias_row(gate_major(w_ih, ...), gate_bias(...))` and `gate_major(w_hh, ...)`, without their
    intermediate arrays (the gate order is torch's, so a gate's block is a plain transposed view)."""
    new = fresh if new is None else new
    hidden, inputs = w_hh.shape[1], w_ih.shape[1]
    w_ih3 = new("gru W_ih gate-major", (3, inputs + (b_ih is not None), hidden), w_ih.dtype)
    w_hh3 = new("gru W_hh gate-major", (3, hidden, hidden), w_hh.dtype)
    _gate_major_into(w_ih, w_ih3[:, :inputs])
    _gate_major_into(w_hh, w_hh3)
    if b_ih is None:
        return w_ih3, w_hh3, None
    bias = w_ih3[:, inputs]  # (3, H): the bias row
    _gate_major_into(b_ih[:, None], bias[:, None])
    bias[:SIGMOID_GATES] += np.multiply(b_hh[:2 * hidden].reshape(2, hidden), -1.0)  # (negated as the r, z rows)
    return w_ih3, w_hh3, b_hh[2 * hidden:].copy()


def _gate_major_into(w: np.ndarray, out: np.ndarray) -> None:
    """`gate_major(w, GATE_ORDER, SIGMOID_GATES)` written into out (3, K, H): each gate's (H, K) rows
    of w transposed, the r and z gates negated (the same copy and the same exact multiply by -1)."""
    out[...] = w.reshape(3, w.shape[0] // 3, w.shape[1]).transpose(0, 2, 1)
    np.multiply(out[:SIGMOID_GATES], -1.0, out=out[:SIGMOID_GATES])


def fresh(name: str, shape: tuple, dtype: Any) -> np.ndarray:
    """A new uninitialised array: `scratch`'s signature, for arrays that are kept (`name` unused)."""
    return np.empty(shape, dtype)


# The steps `made_steps` keeps, per thread (a step writes its work space): {(id of W_hh, batch): (W_hh, step, gh)}
_made = threading.local()  # this thread's kept steps (step_layout.kept_for)


def made_steps(w_hh3: np.ndarray, b_hn: np.ndarray | None, batch: int) -> tuple:
    """(step, gh): `forward_steps` for `batch` rows and its work space gh (3, batch, H).

    Making a step costs ~2 us (its views, b_hn's rows, the work space), a tenth of a small model's
    forward. Small weights come back from `prepared` as the same arrays while unchanged, so their
    step is kept and reused: keyed on the prepared W_hh itself (b_hn comes with it), held here so
    that its id is not reused. Bigger weights are prepared afresh at every call: their step is made
    every time (they would only hold memory here)."""
    if w_hh3.nbytes > PREPARED_BYTES:
        return _step_and_work(w_hh3, b_hn, batch)
    return kept_for(_made, w_hh3, batch, lambda: _step_and_work(w_hh3, b_hn, batch))


def _step_and_work(w_hh3: np.ndarray, b_hn: np.ndarray | None, batch: int) -> tuple:
    gh = np.empty((3, batch, w_hh3.shape[2]), w_hh3.dtype)
    return forward_steps(w_hh3, b_hn, gh), gh


def forward_steps(w_hh3: np.ndarray, b_hn: np.ndarray | None, gh: np.ndarray) -> Callable[..., None]:
    """`step(r_z, n, h, h_n, h_new)`: one step on the k rows that run, in place. r_z (2, k, H) and
    n (k, H) hold the step's input terms of the r and z gates (negated, b_hr and b_hz added) and of
    n; they are left holding e = 1 + exp(-a) in r_z and the activated n gate. h_n receives
    h W_hn^T + b_hn (what r scales) and h_new the new state. gh (3, k, H) is work space. 10 numpy
    calls and the three gates' matrix products, each on a contiguous block.

    A sigmoid gate scales by DIVIDING by e (sigmoid(a) = 1 / e), so a step forms no sigmoid at
    all; with keep the sigmoids (what backward reads) are formed after the loop, for every step
    in one call (`form_sigmoids`). The step is made once (per call, or kept: see `made_steps`),
    with gh's views and the number 1 made here, not at every step (on a small model a step is a
    few microseconds)."""
    w_r, w_z, w_n = w_hh3  # each gate's (H, H) block of W_hh^T
    gh_r, gh_z, n_hidden = gh  # h W_hr^T, h W_hz^T, h W_hn^T
    r_z_hidden, r_times_h_n = gh[:2], gh_r  # (gh_r is free again once r_z has read it)
    one = constant(1, gh.dtype)  # (see constant)
    # b_hn repeated for every row, once: adding a (H,) row to (k, H) broadcasts, and on small arrays
    # numpy's broadcasting call costs ~1.3 us where one on two arrays of one shape costs ~0.3
    b_hn_rows = None if b_hn is None else np.empty_like(n_hidden)
    if b_hn_rows is not None:
        b_hn_rows[...] = b_hn  # (np.broadcast_to is Python: ~3 us)
    # On a small model a step's calls cost their overhead only, so the step spends as little on each as
    # numpy allows: the ufuncs are local names and get their output as a positional argument (`out=` by
    # keyword costs ~0.1-0.2 us more a call: `add(a, b, a)` is `np.add(a, b, out=a)`, i.e. `a += b`), and
    # the product is ndarray.dot per gate: the bits of `np.matmul(h, w_hh3, out=gh)` (both hand each
    # gate's (k, H) @ (H, H) to BLAS), without matmul's ~0.5 us of overhead for a stacked operand.
    add, subtract, divide, exp, tanh = np.add, np.subtract, np.divide, np.exp, np.tanh

    def step(r_z: np.ndarray, n: np.ndarray, h: np.ndarray, h_n: np.ndarray, h_new: np.ndarray) -> None:
        h.dot(w_r, gh_r)
        h.dot(w_z, gh_z)
        h.dot(w_n, n_hidden)
        add(r_z, r_z_hidden, r_z)
        exp(r_z, r_z)  # ONE exp for both, on the negated rows: e = 1 + exp(-a)
        add(r_z, one, r_z)  # (exp(-a) overflows to inf for a < -88: x / inf is the 0 of sigmoid's product)
        if b_hn_rows is None:
            h_n[...] = n_hidden
        else:
            add(n_hidden, b_hn_rows, h_n)
        e_r, e_z = r_z[0], r_z[1]  # (indexing: unpacking an array runs its iterator, ~0.3 us)
        add(n, divide(h_n, e_r, r_times_h_n), n)
        tanh(n, n)
        # h' = (1 - z) * n + z * h, written as n + z * (h - n): one call fewer
        subtract(h, n, h_new)
        divide(h_new, e_z, h_new)
        add(h_new, n, h_new)

    return step


def backward_steps(dh: np.ndarray, w_hh: np.ndarray, d: np.ndarray, tmp: np.ndarray,
                   scales: np.ndarray) -> Callable[..., None]:
    """`step(g_out, z, d_n, grads, d_rows)`: one step back in time on the k rows that run, in place.
    dh (k, H) holds dL/dh_t from the later steps on entry and dL/dh_{t-1} on return. d_n (k, H)
    holds the step's n factor on entry and receives d(pre-activation of n). grads (k, 3, H), the
    step's d_hid, holds its factors for r, z, n (see gru_factors) and receives dL/d(h W_hh^T + b_hh)
    gate by gate; d_rows is the same block as (k, 3H) rows for the product with W_hh. z is the
    step's update gate. d and tmp (k, H) and scales (k, 3, H) are work space: scales holds what
    each gate's factor is multiplied by, [d_n, d, d_n], so that all three gates are ONE call on
    contiguous arrays (a gate of grads alone is a strided view: 1.3-2 us a call at 32x128 against
    0.5-0.9 for a contiguous one). Only what the recurrence needs: 5 numpy calls, 3 copies and
    one matrix product.

    It stands for the plain
        d = g_out + dh;  d_n = n_factor * d
        d_r, d_z, d_hn = r_factor * d_n, z_factor * d, r * d_n
        dh = [d_r, d_z, d_hn] @ W_hh + d * z
    with the same operations on every element (the same bits: r * d_n is d_n * r), in fewer calls."""
    scale_r, scale_z, scale_n = scales[:, 0], scales[:, 1], scales[:, 2]
    add, multiply = np.add, np.multiply  # (local names, output positional: see forward_steps)

    def step(g_out: np.ndarray, z: np.ndarray, d_n: np.ndarray, grads: np.ndarray, d_rows: np.ndarray) -> None:
        add(g_out, dh, d)  # d: the gradient reaching h_t
        multiply(d_n, d, d_n)
        scale_r[...] = d_n  # (a copy costs 0.1-0.5 us, a call on one strided gate 0.8-2)
        scale_z[...] = d
        scale_n[...] = d_n
        multiply(grads, scales, grads)  # [d_r, d_z, d_n * r]
        d_rows.dot(w_hh, dh)  # (ndarray.dot: np.matmul's bits, without its ~0.7 us of overhead)
        add(dh, multiply(d, z, tmp), dh)

    return step


def gru_factors(gates: np.ndarray, h_n_part: np.ndarray, out: np.ndarray, h0: np.ndarray, d_n: np.ndarray,
                d_hid: np.ndarray) -> None:
    """Write every step's factors (they do not depend on the incoming gradient) where the loop
    turns them into gradients: d_n (steps, batch, H) := (1 - n^2)(1 - z); in d_hid (steps, batch,
    3, H): r := r(1 - r)(h W_hn^T + b_hn), z := (h_{t-1} - n) z(1 - z) and n := r (the hidden
    side's n gradient is d_n * r).

    One gate of the gates or of d_hid over many steps is a strided view, and numpy's calls on
    such views cost several times those on contiguous arrays (on small arrays 1-2 us a call
    against 0.25, all of the work). So the calls run block by block on contiguous copies: each
    block's gates are copied into one work array, the factors written into another, which one
    copy puts into d_hid. The two copies cost less than the strided calls they spare (measured
    against the calls on the views: medium shape 480 -> 300 us, long 2.4 -> 1.3 ms, large 9.5 ->
    6.1 ms). A block is at most ~STEP_BLOCK_BYTES of d_hid: the two work arrays stay that small
    (memory at backward's peak) and in the caches. The same calls on the same numbers: the same bits."""
    by_gate = gates.transpose(1, 0, 2, 3)  # (3, steps, batch, H): r, z, n
    if d_hid.nbytes <= STEP_BLOCK_BYTES:  # one block: no slicing (on a small model it would cost a tenth of the factors)
        factors_on_copies(by_gate, h_n_part, out, h0, d_n, d_hid, scratch("gru gates by gate", by_gate.shape, gates.dtype),
                          scratch("gru factors by gate", by_gate.shape, gates.dtype))
        return
    steps = len(gates)
    per_block = max(1, STEP_BLOCK_BYTES // d_hid[0].nbytes)
    work_shape = (3, per_block, *gates.shape[2:])
    gates_copy = scratch("gru gates by gate", work_shape, gates.dtype)
    factors = scratch("gru factors by gate", work_shape, gates.dtype)
    for start in range(0, steps, per_block):
        block = slice(start, start + per_block)
        size = min(per_block, steps - start)  # (the last block may be shorter)
        before = h0 if start == 0 else out[start - 1]  # the state before the block's first step
        factors_on_copies(by_gate[:, block], h_n_part[block], out[block], before, d_n[block], d_hid[block],
                          gates_copy[:, :size], factors[:, :size])


def factors_on_copies(by_gate: np.ndarray, h_n_part: np.ndarray, out: np.ndarray, before: np.ndarray,
                      d_n: np.ndarray, d_hid: np.ndarray, gates_copy: np.ndarray, factors: np.ndarray) -> None:
    """`gru_factors` for one block of steps, with the work arrays gates_copy and factors (3, steps,
    batch, H) (the block's shape); before is the state before the block's first step."""
    gates_copy[...] = by_gate
    write_gru_factors(gates_copy, h_n_part, out, before, d_n, factors)
    d_hid[...] = factors.transpose(1, 2, 0, 3)


def write_gru_factors(by_gate: np.ndarray, h_n_part: np.ndarray, out: np.ndarray, h0: np.ndarray, d_n: np.ndarray,
                      factors: np.ndarray) -> None:
    """`gru_factors` with the gates and the factors (3, steps, batch, H) given gate by gate (views
    or contiguous arrays)."""
    r, z, n = by_gate[0], by_gate[1], by_gate[2]  # (indexing: unpacking an array runs its iterator, ~0.3 us)
    r_factor, z_factor = factors[0], factors[1]
    one = constant(1, d_n.dtype)  # (the number 1: see constant)
    one_minus_z = np.subtract(one, z, out=r_factor)  # (the r factor's place, before the r factor)
    np.multiply(n, n, out=d_n)
    np.subtract(one, d_n, out=d_n)
    d_n *= one_minus_z
    np.subtract(h0, n[0], out=z_factor[0])  # h_{t-1}: h0 at the first step, then the previous output
    np.subtract(out[:-1], n[1:], out=z_factor[1:])
    z_factor *= z
    z_factor *= one_minus_z
    np.subtract(one, r, out=r_factor)
    r_factor *= r
    r_factor *= h_n_part
    factors[2][...] = r


# Backward's d_hid is kept from one call to the next up to this size, where `scratch` keeps arrays
# under 4 MB only (counting on huge pages for fresh bigger ones). Measured on the benchmark machine,
# a fresh 6 MB d_hid (the long shape, 1000 steps) got no huge pages: with it, a forward+backward
# made the C allocator map ~2,200 pages anew (1.2 us each: ~2.6 ms of a 19 ms call; its other
# arrays were mapped anew as well), with d_hid kept none. Bigger ones (the large shape: 39 MB) are
# made fresh: there the faults are ~1% of the call, and keeping would hold that memory for good.
D_HID_KEEP_BYTES = 1 << 24
_d_hid = threading.local()  # .array: the d_hid this thread kept (see big_d_hid)


def big_d_hid(shape: tuple, dtype: Any) -> np.ndarray:
    """An uninitialised array for a d_hid too big for `scratch`: the one kept in this thread up
    to D_HID_KEEP_BYTES, else a fresh one. Valid until the next call."""
    kept = getattr(_d_hid, "array", None)
    if kept is None or kept.shape != shape or kept.dtype != dtype:
        _d_hid.array = kept = None  # freed before the new one is made
        kept = np.empty(shape, dtype)
        if kept.nbytes <= D_HID_KEEP_BYTES:
            _d_hid.array = kept
    return kept


def gru_backward(g_out: np.ndarray, g_h: np.ndarray, x: np.ndarray, h0: np.ndarray, w_ih: np.ndarray,
                 w_hh: np.ndarray, saved: dict, layout: StepLayout, need_dx: bool = True) -> tuple:
    """(dx, dh0, dW_ih, dW_hh, db_ih, db_hh), in kernel order; weight grads in torch's layout;
    dx is None unless need_dx (a product as big as W_ih's gradient).

    The two big arrays backward makes are d_hid, dL/d(h W_hh^T + b_hh) for r, z, n, and d_n,
    d(pre-activation of n). They first hold the factors (`gru_factors`), which the loop turns
    into gradients step by step, in place (separate factor arrays doubled backward's memory; the
    saved forward arrays are never written: a retained graph's second backward reads them again).
    dL/d(x W_ih^T + b_ih) is d_hid for r and z, and d_n (not d_n * r) for n: after the loop d_n is
    copied into d_hid's n gate, and the input's and W_ih's gradients are one product each."""
    gates, h_n_part, out = saved["gates"], saved["h_n_part"], saved["out"]
    steps, batch, hidden = out.shape
    z = gates[:, 1]
    shape = (steps, batch, 3, hidden)  # (reused: see scratch, and big_d_hid when too big for it)
    d_hid = scratch("gru d_hid", shape, x.dtype) if 3 * out.nbytes < KEEP_BYTES else big_d_hid(shape, x.dtype)
    d_n = scratch("gru d_n", out.shape, x.dtype)
    gru_factors(gates, h_n_part, out, h0, d_n, d_hid)
    d_hid_rows = d_hid.reshape(steps, batch, 3 * hidden)  # each step's gradient as rows for the product with W_hh
    dh = np.array(g_h, dtype=x.dtype)  # padded rows carry it as is
    d_step, tmp = np.empty((batch, hidden), x.dtype), np.empty((batch, hidden), x.dtype)
    scales = np.empty((batch, 3, hidden), x.dtype)
    every_row = backward_steps(dh, w_hh, d_step, tmp, scales)
    # Each step's views, last step first, made by iterating over the arrays' first axis (see gru_forward)
    per_step = zip(g_out[::-1], z[::-1], d_n[::-1], d_hid[::-1], d_hid_rows[::-1])
    with threads_for(batch, 3 * hidden, hidden, per_step=True):
        if layout.active is None:  # every row runs: whole per-step arrays, no slicing (each slice costs ~0.3 us)
            for views in per_step:
                every_row(*views)
        else:
            fewer_rows: dict = {}  # a step per count of rows that run
            for (g_out_s, z_s, d_n_s, d_hid_s, d_rows_s), k in zip(per_step, reversed(layout.active)):
                if k == batch:
                    every_row(g_out_s, z_s, d_n_s, d_hid_s, d_rows_s)
                    continue
                if k not in fewer_rows:
                    fewer_rows[k] = backward_steps(dh[:k], w_hh, d_step[:k], tmp[:k], scales[:k])
                fewer_rows[k](g_out_s[:k], z_s[:k], d_n_s[:k], d_hid_s[:k], d_rows_s[:k])
                d_hid_s[k:], d_n_s[k:] = 0, 0  # rows past their length: no gradient (they still hold factors)
    flat_hid, flat_n = d_hid.reshape(steps * batch, 3 * hidden), rows_of(d_n)
    with threads_for(steps * batch, max(x.shape[2], hidden), 3 * hidden):
        dw_hh = previous_state_product(flat_hid, out, h0)
        db_hh = np.add.reduce(flat_hid, axis=0)  # (ndarray.sum's own reduce, without its Python wrapper)
        db_ih = np.concatenate([db_hh[:2 * hidden], np.add.reduce(flat_n, axis=0)])
        # The input side's gradient differs from the hidden side's in the n gate only (d_n, not
        # d_n * r): written over that gate once the hidden side's gradients have read it, so dx
        # and dW_ih are one product each over all three gates (the same as a product per part,
        # [d_r, d_z] W_ir,iz + d_n W_in, up to the rounding of the sum's order).
        d_hid[:, :, 2] = d_n
        dx = np.matmul(flat_hid, w_ih) if need_dx else None
        dw_ih = np.matmul(flat_hid.T, rows_of(x))
    return None if dx is None else dx.reshape(x.shape), dh, dw_ih, dw_hh, db_ih, db_hh

"""`StepLayout`: the one way the recurrent family orders, reverses and masks sequences by length.

The composed path asks it which elements still run at each step (`running`). The fused kernels
run one loop, forward in time, over numpy arrays; everything else is a relabelling done once
before the loop and undone once after it:

- reverse direction: time is flipped. With `lengths` each element is flipped within its OWN
  length (step s reads time lengths[b]-1-s), so the reverse pass starts at the element's last
  valid step, exactly as if it ran alone; padding stays where it is.
- lengths: the batch is sorted by decreasing length, so the elements still running at step s are
  the first `active[s]` rows and the loop can work on contiguous prefixes `[:active[s]]`. An element
  past its length is simply not touched: its state is carried, its output stays 0.

Both relabellings are permutations, so gradients are relabelled back the same way.
"""
from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..backend.blas_threads import runs_threaded, threads_for
from ..backend.errstate import quiet_floats
from ..backend.scratch import KEEP_BYTES


class StepLayout:
    """How to move (L, N, *) sequences and (N, *) states in and out of the kernels' order."""

    def __init__(self, steps: int, batch: int, lengths: Any, reverse: bool) -> None:
        self.steps, self.batch, self.reverse = steps, batch, reverse
        self.order: np.ndarray | None = None  # batch permutation into decreasing length (None: as is)
        self.lengths: np.ndarray | None = None  # in kernel (sorted) order
        self.active: list[int] | None = None  # rows running at each step (None: all)
        self.flip: np.ndarray | None = None  # per-element time index of each step, for reverse + lengths
        self.given_lengths: np.ndarray | None = None  # in the caller's order
        if lengths is None:
            return
        lengths = self.given_lengths = np.asarray(getattr(lengths, "_data", lengths), dtype=np.int64)
        if np.any(lengths[1:] > lengths[:-1]):
            self.order = np.argsort(-lengths, kind="stable")
            lengths = lengths[self.order]
        self.lengths = lengths
        self.active = (lengths[None, :] > np.arange(steps)[:, None]).sum(axis=1).tolist()
        if reverse:
            t = np.arange(steps)[:, None]
            self.flip = np.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)

    def running(self) -> np.ndarray | None:
        """(L, N, 1) bool in the caller's order and time: element b runs at step t < lengths[b]
        (None without lengths: every element runs every step)."""
        if self.given_lengths is None:
            return None
        return np.arange(self.steps)[:, None, None] < self.given_lengths[None, :, None]

    def sequence_in(self, a: np.ndarray) -> np.ndarray:
        """(L, N, *) from the caller's order into the kernel's (time in processing order, sorted batch).
        Nothing to relabel: `a` itself, even if strided (a broadcast upstream gradient stays unexpanded)."""
        if self.order is None and not self.reverse:
            return a
        if self.order is not None:
            a = a[:, self.order]
        if self.reverse:
            a = a[::-1] if self.flip is None else a[self.flip, np.arange(self.batch)]
        return np.ascontiguousarray(a)

    def sequence_out(self, a: np.ndarray) -> np.ndarray:
        """The inverse of `sequence_in` (each flip is its own inverse)."""
        if self.order is None and not self.reverse:
            return a
        if self.reverse:
            a = a[::-1] if self.flip is None else a[self.flip, np.arange(self.batch)]
        if self.order is not None:
            a = a[:, np.argsort(self.order)]
        return np.ascontiguousarray(a)

    def batch_in(self, a: np.ndarray) -> np.ndarray:
        """(N, *) state from the caller's batch order into the kernel's."""
        return a if self.order is None else a[self.order]

    def batch_out(self, a: np.ndarray) -> np.ndarray:
        return a if self.order is None else a[np.argsort(self.order)]

    def last_steps(self, a: np.ndarray) -> np.ndarray:
        """(N, *) rows of a kernel-order (L, N, *) array at each element's last valid step."""
        if self.lengths is None:
            return a[-1].copy()
        return a[self.lengths - 1, np.arange(self.batch)]


def rows_of(a: np.ndarray) -> np.ndarray:
    """(L, N, F) as (L*N, F) rows for one big matrix product (also when L*N is 0)."""
    return a.reshape(-1, a.shape[-1])


def previous_state_product(d_rows: np.ndarray, out: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """d_rows.T @ (every step's previous state as rows): the weight gradient of W_hh, from
    d_rows (L*N, G*H), the outputs out (L, N, P) and h0 (N, P). The previous states are h0, then
    out[:-1]: two products, so that no (L, N, P) copy of them is made (memory at backward's peak)."""
    batch = h0.shape[0]
    product = np.matmul(d_rows[batch:].T, rows_of(out[:-1]))
    product += np.matmul(d_rows[:batch].T, h0)
    return product


# Backward's gate factors (lstm.gate_factors, gru.gru_factors) are a dozen elementwise passes over
# arrays as big as the gates, run on contiguous copies of the gates, block by block of steps: a
# block's biggest array is at most STEP_BLOCK_BYTES. Each block's passes then read what the pass
# before left in the caches (the large benchmark shape, 52 MB of LSTM factors, on strided views:
# 20 ms over the whole sequence, 13 ms in ~1 MB blocks), and the work arrays the copies go to stay
# that small (memory at backward's peak). Each element gets the same operations either way: the
# same bits.
STEP_BLOCK_BYTES = 1 << 20


# The LSTM and GRU kernels keep their gates GATE-MAJOR: (steps, gates, batch, hidden). Each step's
# gates are then one contiguous block and so is each gate in it, so every per-step numpy call runs
# on contiguous arrays: numpy's fast path (on a strided (batch, hidden) slice a call costs 2-3x).
# On small arrays a numpy call costs 4-6x more on a strided view (1-2 us) than on a contiguous array
# (0.25 us), and that overhead is all the work. Up to this size the kernels copy what they would
# read strided many times into contiguous arrays: an upstream gradient for the backward loop
# (`contiguous_if_small`), the LSTM's gate factors step-major for that loop (lstm.gate_factors).
# Above it they read the views: the calls are then dominated by their arithmetic, and a copy
# would cost memory at backward's peak.
SMALL_BYTES = 1 << 16


def contiguous_if_small(a: np.ndarray) -> np.ndarray:
    """a as a C-contiguous array if it is small (see SMALL_BYTES) and not one already: the upstream
    gradient of `out.sum()` is a broadcast view, read row by row at every step of backward's loop.
    A bigger one broadcast over time (stride 0 on axis 0, as that gradient is) becomes one
    contiguous step broadcast over time: each step's view a[t] is then that contiguous block (a
    call on a stride-0 (batch, hidden) view costs about twice one on a contiguous block, 0.8
    against 0.3 us at batch 8, hidden 64), with no copy of the whole sequence. The same numbers:
    only where they sit changes."""
    if a.flags.c_contiguous:
        return a
    if a.nbytes <= SMALL_BYTES:
        return np.ascontiguousarray(a)
    if a.ndim > 1 and a.strides[0] == 0:
        return np.broadcast_to(np.ascontiguousarray(a[0]), a.shape)
    return a


def gate_major(w: np.ndarray, order: Sequence[int], scaled: int, factor: float = -1.0) -> np.ndarray:
    """(G*H, K) weights in torch's layout as (G, K, H): `a @ result` is each gate's (.., H) block.
    The gates are taken in `order` (indices into torch's gate order) and the first `scaled` of
    them (the sigmoid gates) are multiplied by `factor`, -1 or 0.5: the GRU computes sigmoid(a)
    as 1 / (1 + exp(-a)), the LSTM as 0.5 * tanh(a / 2) + 0.5. Either scaling is exact in
    floating point, so the products give exactly -a or a / 2."""
    gates = len(order)
    blocks = w.reshape(gates, w.shape[0] // gates, w.shape[1]).transpose(0, 2, 1)
    result = blocks.take(order, axis=0)  # one call: a new C-ordered array, gates in `order`
    np.multiply(result[:scaled], factor, out=result[:scaled])
    return result


def gate_bias(b: np.ndarray, order: Sequence[int], scaled: int, factor: float = -1.0) -> np.ndarray:
    """A (G*H,) bias in the gate order and scaling of `gate_major`, as (G, 1, H)."""
    blocks = b.reshape(len(order), 1, -1)
    result = blocks[list(order)]  # (a copy)
    np.multiply(result[:scaled], factor, out=result[:scaled])
    return result


# The weights in gate-major order (gate_major, gate_bias) are made again on every call: on a small
# model those few numpy calls per direction are a tenth of a forward. `prepared` keeps them, keyed
# on the source arrays' CONTENTS, so a weight changed by any route (an optimizer, p.data.mul_(),
# a write into .numpy(), load_state_dict) is seen: the tensors' _version counts only some of
# those writes. Comparing the contents is one copy of the arrays and one memcmp, cheap only while the
# arrays are small; above PREPARED_BYTES the weights are prepared on every call, as the
# preparation is then a small share of the call's arithmetic.
PREPARED_BYTES = 1 << 15
_PREPARED_KEEP = 64  # entries kept at most (a program uses a handful of RNN directions)
_prepared: dict = {}


def prepared(kind: str, sources: tuple, make: Callable[[], tuple]) -> tuple:
    """`make()`, or the same arrays as the last call of `kind` on these very source arrays if their
    bytes are unchanged (and W_ih's and W_hh's shapes and dtype). sources: W_ih and W_hh first
    (their size decides), then the biases (None when absent). The arrays returned are read-only:
    several calls share them.

    An entry keeps its source arrays, so while it is kept no other array can take their ids, and
    the same objects with the same bytes are the same weights (an array's shape changes only by
    assigning to it, which nothing here does). The check is one join and one memcmp of the
    contents, one identity test per array: ~1.5 us a direction where a (shape, dtype, bytes) per
    array to compare cost ~2.9."""
    w_ih, w_hh = sources[0], sources[1]
    if w_ih.nbytes + w_hh.nbytes > PREPARED_BYTES:
        return make()
    key = (kind, id(w_ih), w_ih.shape, w_hh.shape, w_ih.dtype)
    contents = b"".join([b"" if a is None else a.tobytes() for a in sources])
    entry = _prepared.get(key)
    if entry is not None and entry[1] == contents and all(map(operator.is_, entry[0], sources)):
        return entry[2]
    made = make()
    for a in made:
        if a is not None:
            a.flags.writeable = False
    if len(_prepared) >= _PREPARED_KEEP:
        _prepared.clear()
    _prepared[key] = (sources, contents, made)
    return made


def form_sigmoids(e: np.ndarray, layout: StepLayout) -> None:
    """The GRU's: turn e = 1 + exp(-a) into sigmoid(a) = 1 / e, in place, for every step at once:
    e is the sigmoid gates of all steps, (steps, gates, batch, hidden). One call after the time
    loop instead of one per step; each element gets the same reciprocal, so the same bits.

    With lengths, the rows past an element's length were never activated and hold raw terms
    (0 when padding meets no bias): their reciprocal is never read, so it runs silently."""
    if layout.active is None:
        np.reciprocal(e, out=e)
        return
    with quiet_floats():
        np.reciprocal(e, out=e)


def bias_row(w: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """w (G, K, H) from `gate_major` with bias (G, 1, H) from `gate_bias` as its last row,
    (G, K + 1, H): `project_gate_major` then adds the bias inside the product (w as is if no bias)."""
    return w if bias is None else np.concatenate([w, bias], axis=1)


def project_gate_major(x: np.ndarray, w: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """x (L, N, K) @ w as gate-major (L, G, N, H), for w (G, K, H) from `gate_major`, or
    (G, K + 1, H) from `bias_row`: then x is given a column of ones, so the product adds the bias
    row itself. (A separate pass adding the bias over the whole buffer cost 6% more at the medium
    shape than the product's one more row; the bias is then rounded into the product's sum.)

    On one BLAS thread the products are written straight into the gate-major buffer:
    `x[:, None] @ w` broadcasts each step's (N, K) rows against each gate's (K, H) block, and every
    (step, gate) result is a contiguous (N, H) block of the buffer, which BLAS writes in place.
    (One (L*N, K) @ (K, H) product per gate, reordered after, cost a strided copy of the whole
    buffer: 3x the product's time on the long shape.) A product big enough for several threads
    is done per gate and copied into place instead: L*G small threaded products would each wait
    for every thread, and while a neighbour holds a core that wait is a scheduler tick each
    (GRU large, 2 threads, busy machine: 4x slower).

    out: where to write the result (a view whose (N, H) blocks are contiguous, such as the LSTM's
    step slots: see lstm.lstm_forward), else a new array."""
    steps, batch, inputs = x.shape
    gates, hidden = w.shape[0], w.shape[2]
    if w.shape[1] == inputs + 1:  # the bias row: x gets its column of ones
        x, inputs = with_ones_column(x), inputs + 1
    result = np.empty((steps, gates, batch, hidden), x.dtype) if out is None else out
    if runs_threaded(steps * batch, inputs, gates * hidden):
        per_gate = np.empty((steps, batch, hidden), x.dtype)
        with threads_for(steps * batch, inputs, gates * hidden):
            for k in range(gates):
                np.matmul(rows_of(x), w[k], out=rows_of(per_gate))
                result[:, k] = per_gate
        return result
    with threads_for(steps * batch, inputs, gates * hidden):  # (small products: one BLAS thread)
        np.matmul(x[:, None], w, out=result)
    return result


_with_ones = threading.local()  # this thread's input arrays with a column of ones, by (shape, dtype)
ONES_KEPT_AT_MOST = 4  # shapes kept per thread (a stack's layers have one or two input widths)


def with_ones_column(x: np.ndarray) -> np.ndarray:
    """x (L, N, K) copied into an (L, N, K + 1) array whose last column is ones (see
    `project_gate_major`); valid until the next call in this thread. The array is kept per thread and
    shape while under scratch's KEEP_BYTES, so its column of ones is written once, not at every call
    (a strided write as dear as copying x in, on a small model ~1% of an LSTM's inference)."""
    shape, dtype = (*x.shape[:2], x.shape[2] + 1), x.dtype
    kept = _with_ones.__dict__
    found = kept.get((shape, dtype))
    if found is None:
        found = np.empty(shape, dtype)
        found[..., -1] = 1
        if found.nbytes < KEEP_BYTES:
            if len(kept) >= ONES_KEPT_AT_MOST:
                kept.clear()
            kept[shape, dtype] = found
    found[..., :-1] = x
    return found


KEPT_AT_MOST = 16  # entries a thread keeps in a `kept_for` store (then it starts afresh)


def kept_for(store: threading.local, weights: np.ndarray, batch: int, make: Callable[[], Any]) -> Any:
    """`make()` for (weights, batch), kept in this thread's `store`: what a small model's forward makes
    from its prepared weights (the step functions, their work arrays), which `prepared` hands back as
    the same arrays while they are unchanged. Keyed on the weights' id, held with them so that the id
    is not reused; per thread, because the work arrays are written."""
    kept = store.__dict__.setdefault("steps", {})
    found = kept.get((id(weights), batch))
    if found is None:
        if len(kept) >= KEPT_AT_MOST:
            kept.clear()
        found = kept[id(weights), batch] = (weights, make())
    return found[1]

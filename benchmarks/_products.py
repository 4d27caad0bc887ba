"""The third floor of the speed report: our fused kernels' own matrix products, timed alone.

The GEMM floor (_families.py) prices the products at numpy's peak on a big square product with
every thread; our kernels do not run them that way. For reproducibility (the same seed and thread
setting give the same bits whatever the machine's load, see tinygrad_rnn/backend/blas_threads.py)
a product runs on ONE BLAS thread until it is big (threads_for's size limits), and the kernels
split their products the way their bits require (the GRU's three per-gate products a step, the
projection's (step, gate) blocks). So this floor times exactly those products: the same shapes
and operand layouts, each group inside the library's own `threads_for` with the arguments the
kernel passes, and `project_gate_major`'s own rule (`runs_threaded`) for how the projection is
split. It leaves out all elementwise work and all Python: no numpy kernel of ours can run below it.

`kernel_products(family, shape)` lists the products, one `Group` per `threads_for` call
of the kernel. The list mirrors rnn.py, gru.py, lstm.py and step_layout.py by hand (the kernels
have no separate planning code to ask); `recorded_thread_calls` records the kernels' real
`threads_for` calls, and tests/test_benchmark_report.py checks the two agree.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np
from _families import GATES, Shape, _best_seconds, _layer_inputs


class Operand(NamedTuple):
    shape: tuple  # as the product reads it
    transposed: bool = False  # a `.T` view of a C-ordered array (BLAS reads it without a copy)


class Product(NamedTuple):
    left: Operand
    right: Operand
    count: int  # how many times the kernel runs it inside its group


class Group(NamedTuple):
    """Products the kernel runs inside one `threads_for(*thread_call)` block."""

    thread_call: tuple  # (m, k, n, per_step): the kernel's arguments to threads_for
    products: list


def _projection(steps_batch: tuple, inputs: int, gates: int, hidden: int) -> Group:
    """step_layout.project_gate_major: x (L, N, K+1, a column of ones for the bias row) @ (G, K+1, H)
    gate-major weights; one broadcast product (L*G blocks) on one thread, one product per gate
    when the whole product is big enough for threads."""
    from tinygrad_rnn.backend.blas_threads import runs_threaded

    steps, batch = steps_batch
    k = inputs + 1
    call = (steps * batch, k, gates * hidden, False)
    if runs_threaded(*call[:3]):
        return Group(call, [Product(Operand((steps * batch, k)), Operand((k, hidden)), gates)])
    return Group(call, [Product(Operand((steps, 1, batch, k)), Operand((gates, k, hidden)), 1)])


def _weight_gradients(family: str, shape: Shape, inputs: int) -> Group:
    """The whole-sequence products after the backward loop: dx, dW_ih and dW_hh (from every step's
    previous state: h0 then out[:-1], two products for GRU and LSTM; RNN skips h0 when it is None)."""
    steps, batch, hidden = shape.seq_len, shape.batch, shape.hidden_size
    rows, gate_rows = steps * batch, GATES[family] * hidden
    products = [Product(Operand((rows, gate_rows)), Operand((gate_rows, inputs)), 1),  # dx = d_rows W_ih
                Product(Operand((gate_rows, rows), True), Operand((rows, inputs)), 1),  # dW_ih = d_rows^T x
                Product(Operand((gate_rows, rows - batch), True), Operand((rows - batch, hidden)), 1)]
    if family != "RNN":  # h0 (zeros) is a real operand of GRU's and LSTM's previous_state_product
        products.append(Product(Operand((gate_rows, batch), True), Operand((batch, hidden)), 1))
    return Group((rows, max(inputs, hidden), gate_rows, False), products)


def kernel_products(family: str, shape: Shape) -> tuple[list[Group], list[Group]]:
    """(forward's, backward's): every matrix product of one nn.<family> call on `shape` (h0 None,
    the input requiring grad), one Group per threads_for block, layer by layer."""
    steps, batch, hidden = shape.seq_len, shape.batch, shape.hidden_size
    gates = GATES[family]
    state = Operand((batch, hidden))
    forward, backward = [], []
    for inputs in _layer_inputs(shape):
        if family == "RNN":  # one (L*N, K) @ W_ih^T; h0 None: the first step has no product
            forward.append(Group((steps * batch, inputs, hidden, False),
                                 [Product(Operand((steps * batch, inputs)), Operand((inputs, hidden), True), 1)]))
            step = Product(state, Operand((hidden, hidden), True), steps - 1)
        else:
            forward.append(_projection((steps, batch), inputs, gates, hidden))
            if family == "GRU":  # one (N, H) @ (H, H) per gate, for the bits (gru.forward_steps)
                step = Product(state, Operand((hidden, hidden)), gates * steps)
            else:  # one (N, H) @ (4, H, H) broadcast product
                step = Product(state, Operand((gates, hidden, hidden)), steps)
        forward.append(Group((batch, hidden, gates * hidden, True), [step]))
        # RNN: dh0 is not wanted (h0 None), so the last step back skips its product
        back = steps - 1 if family == "RNN" else steps
        back_call = (batch, hidden, hidden, True) if family == "RNN" else (batch, gates * hidden, hidden, True)
        backward.append(Group(back_call, [Product(Operand((batch, gates * hidden)),
                                                  Operand((gates * hidden, hidden)), back)]))
        backward.append(_weight_gradients(family, shape, inputs))
    return forward, backward


def _operand(spec: Operand, rng: np.random.Generator) -> np.ndarray:
    shape = spec.shape[::-1] if spec.transposed else spec.shape
    a = rng.standard_normal(shape, dtype=np.float32)
    return a.T if spec.transposed else a


def _timed_group(group: Group, rng: np.random.Generator) -> Callable[[], None]:
    """A call that runs the group's products as the kernel does, inside its threads_for block."""
    from tinygrad_rnn.backend.blas_threads import threads_for

    runs = []
    for p in group.products:
        left, right = _operand(p.left, rng), _operand(p.right, rng)
        runs.append((left, right, np.matmul(left, right), p.count))

    def run() -> None:
        with threads_for(*group.thread_call[:3], per_step=group.thread_call[3]):
            for left, right, out, count in runs:
                for _ in range(count):
                    np.matmul(left, right, out=out)

    return run


class ProductsFloor(NamedTuple):
    """Seconds of the kernel's products, forward and backward, and whether any ran on several threads."""

    forward: float
    backward: float
    threaded: bool


REPEAT = 20  # runs of each product group, the best one counts


def products_floor(family: str, shape: Shape, repeat: int = REPEAT, budget: float = 0.3) -> ProductsFloor:
    """Times every group of `kernel_products` alone and adds them up: forward, and backward's on
    top. Each group's time is the best of `repeat` runs (fewer, at least 2, past `budget` seconds):
    a neighbour's load only raises it when no run was quiet (two-thread products collapse then)."""
    from tinygrad_rnn.backend.blas_threads import runs_threaded

    rng = np.random.default_rng(0)
    forward, backward = kernel_products(family, shape)
    seconds = [sum(_best_seconds(_timed_group(g, rng), repeat, budget) for g in groups)
               for groups in (forward, backward)]
    threaded = any(runs_threaded(*g.thread_call[:3], per_step=g.thread_call[3]) for g in forward + backward)
    return ProductsFloor(seconds[0], seconds[1], threaded)


@contextlib.contextmanager
def recorded_thread_calls() -> Iterator[list]:
    """Inside the block, every `threads_for(m, k, n, per_step)` call of the fused kernels is appended
    to the list it yields, as (m, k, n, per_step) (the check that kernel_products is up to date)."""
    from tinygrad_rnn.backend import blas_threads
    from tinygrad_rnn.kernels import gru, lstm, rnn, step_layout

    calls: list = []
    real = blas_threads.threads_for

    def recording(m: int, k: int, n: int, per_step: bool = False) -> Any:
        calls.append((m, k, n, per_step))
        return real(m, k, n, per_step)

    modules = [gru, lstm, rnn, step_layout]
    for module in modules:
        module.threads_for = recording
    try:
        yield calls
    finally:
        for module in modules:
            module.threads_for = real

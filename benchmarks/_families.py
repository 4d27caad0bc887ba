"""The RNN family cases of issue 15: shapes, the timed calls, their FLOPs and their floors.

Every case is float32 with h_0 = None and an input that requires grad; the loss is the sum of the
output and of every final state. Forward-only runs under `no_grad`. Shapes are
input_size/hidden_size/seq_len/batch (small has 2 layers).

Two floors bound any kernel built on numpy, whatever its Python:
- the GEMM FLOOR: all matrix-product FLOPs of the call at numpy's measured BLAS peak (a large
  square product on all the program's threads);
- the SEQUENTIAL FLOOR: what each time step must do after the step before is done, one step after
  another. Forward, that is the product h @ W_hh^T and then the transcendental calls on its gate
  arrays, which cannot start before the product ends (STEP_TANH: one tanh over all the gates a
  family can take at once, a sigmoid being 0.5 * tanh(0.5 x) + 0.5, and the tanh that must wait
  for those gates); backward adds the product dpre @ W_hh of each step (its elementwise work reads
  saved values: no transcendental call). The products are timed alone with the thread count the
  kernels use (blas_threads.threads_for, per_step), the tanh calls alone on arrays of the gates' shape, and
  the two are added. The rest of a step's elementwise work (adds, products with the gates, the
  backward's derivatives) comes on top, so the floor is below what any numpy kernel can reach.
A third floor, for our kernels only (their own products on the thread counts they use), is in
_products.py.
"""
from __future__ import annotations

import functools
import time
from typing import Any, NamedTuple

import numpy as np


class Shape(NamedTuple):
    input_size: int
    hidden_size: int
    seq_len: int
    batch: int
    num_layers: int = 1


SHAPES = {
    "seed": Shape(4, 2, 5, 3),
    "small": Shape(10, 20, 5, 3, num_layers=2),
    "medium": Shape(64, 128, 50, 32),
    "long": Shape(32, 64, 1000, 8),
    "large": Shape(256, 512, 100, 64),
}
FAMILIES = ("RNN", "GRU", "LSTM")
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}  # rows of W_ih / W_hh per hidden unit

# Issue 15's targets, ours / torch (lower is better), by family and shape.
_RNN_GRU_FB = {"seed": 0.35, "small": 0.35, "medium": 0.6, "long": 0.35, "large": 0.95}
FB_TARGETS = {"RNN": _RNN_GRU_FB, "GRU": _RNN_GRU_FB,
              "LSTM": {"seed": 0.5, "small": 0.5, "medium": 1.0, "long": 1.5, "large": 1.0}}
_RNN_GRU_FWD = dict.fromkeys(SHAPES, 0.8)
FWD_TARGETS = {"RNN": _RNN_GRU_FWD, "GRU": _RNN_GRU_FWD,
               "LSTM": {"seed": 0.8, "small": 0.8, "medium": 1.2, "long": 1.5, "large": 1.2}}


def closures(lib: Any, family: str, shape: Shape) -> tuple:
    """(forward under no_grad, forward+backward) of one library's nn.<family> on `shape`."""
    module = getattr(lib.nn, family)(shape.input_size, shape.hidden_size, shape.num_layers)
    x = lib.randn(shape.seq_len, shape.batch, shape.input_size, requires_grad=True)
    parameters = list(module.parameters())

    def loss() -> Any:
        out, state = module(x)
        states = state if isinstance(state, tuple) else (state,)
        return out.sum() + sum(s.sum() for s in states)

    def forward() -> None:
        with lib.no_grad():
            loss()

    def forward_backward() -> None:
        for t in (x, *parameters):  # every call starts from no gradients: the same work each time
            t.grad = None
        loss().backward()

    return forward, forward_backward


def _layer_inputs(shape: Shape) -> list[int]:
    return [shape.input_size] + [shape.hidden_size] * (shape.num_layers - 1)


def gemm_flops(family: str, shape: Shape, backward: bool) -> float:
    """Matrix-product FLOPs of one call: per layer, forward runs x W_ih^T and h W_hh^T over every
    step; backward runs each product twice more (the input/state gradient and the weight gradient)."""
    gate_rows = GATES[family] * shape.hidden_size
    rows = shape.seq_len * shape.batch
    forward = sum(2 * rows * gate_rows * (inputs + shape.hidden_size) for inputs in _layer_inputs(shape))
    return forward * (3 if backward else 1)


# The transcendental calls of one forward step, each as gate rows per hidden unit: RNN's tanh of
# the new state; GRU's r and z in one call, then n = tanh(... r * ...), which needs r; LSTM's
# four gates in one call, then tanh(c), which needs them.
STEP_TANH = {"RNN": (1,), "GRU": (2, 1), "LSTM": (4, 1)}


class SequentialFloor(NamedTuple):
    """Seconds of the sequential floor of one call, in its two parts (see the module docstring)."""

    products: float  # the dependent per-step products, forward (and backward)
    tanh: float  # the per-step transcendental calls of the forward

    @property
    def total(self) -> float:
        return self.products + self.tanh


def _best_seconds(run: Any, repeat: int, budget: float = 1.0) -> float:
    """The best of `repeat` runs, or of fewer (at least 2) once they took `budget` seconds together."""
    best, spent = float("inf"), 0.0
    for i in range(repeat):
        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
        best, spent = min(best, took), spent + took
        if i >= 1 and spent > budget:
            break
    return best


def sequential_floor(family: str, shape: Shape, backward: bool, repeat: int = 7) -> SequentialFloor:
    """The sequential floor of one call: seq_len steps per layer forward (products, then their tanh
    calls), and in backward as many products again; each part the best of `repeat` runs (fewer on
    the large shapes, see _best_seconds)."""
    from tinygrad_rnn.backend.blas_threads import threads_for

    gate_rows = GATES[family] * shape.hidden_size
    rng = np.random.default_rng(0)
    h = rng.standard_normal((shape.batch, shape.hidden_size), dtype=np.float32)
    w = rng.standard_normal((shape.hidden_size, gate_rows), dtype=np.float32)
    out = np.empty((shape.batch, gate_rows), np.float32)

    def products() -> None:
        with threads_for(shape.batch, shape.hidden_size, gate_rows, per_step=True):
            for _ in range(shape.seq_len * shape.num_layers * (2 if backward else 1)):
                np.matmul(h, w, out=out)

    return SequentialFloor(_best_seconds(products, repeat), _tanh_seconds(family, shape, repeat))


@functools.cache  # the same forward steps with and without backward: one number for both
def _tanh_seconds(family: str, shape: Shape, repeat: int) -> float:
    """Seconds of the forward's per-step tanh calls (STEP_TANH) on gate arrays of the shape."""
    rng = np.random.default_rng(0)
    gates = [rng.standard_normal((shape.batch, rows * shape.hidden_size), dtype=np.float32)
             for rows in STEP_TANH[family]]  # pre-activations of unit scale, as at a fresh init
    activations = [np.empty_like(g) for g in gates]

    def tanh_calls() -> None:
        for _ in range(shape.seq_len * shape.num_layers):
            for g, a in zip(gates, activations):
                np.tanh(g, out=a)

    return _best_seconds(tanh_calls, repeat)


PEAK_SIZE = 2048  # the square float32 product whose speed is "numpy's BLAS peak"


def peak_product(size: int = PEAK_SIZE) -> Any:
    """A call that runs one size^3 float32 product on the program's BLAS threads."""
    from tinygrad_rnn.backend.blas_threads import threads_for

    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)

    def run() -> None:
        with threads_for(size, size, size):
            a @ a

    return run


def peak_gflops(seconds_per_call: float, size: int = PEAK_SIZE) -> float:
    return 2 * size**3 / seconds_per_call / 1e9

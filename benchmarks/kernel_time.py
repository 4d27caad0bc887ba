"""Time the fused LSTM and GRU kernels on numpy arrays alone, and their matrix products alone
(issue 15: measure where a step's time goes, then cut). Optionally an older tree's kernels in
the same process, interleaved, to give old/new ratios on a noisy machine.

    python benchmarks/kernel_time.py                                  # this tree, medium shape
    python benchmarks/kernel_time.py --shape long --rounds 10
    python benchmarks/kernel_time.py --old <path of another tree>     # adds old/new ratios

The kernels run as nn.LSTM / nn.GRU call them (kernels/lstm.py `lstm_forward`, `lstm_backward`;
kernels/gru.py), without the Tensor layer. The product rows time the kernels' products alone
with the kernels' thread rule: the input projection, the per-step products (forward h W_hh^T,
backward dpre W_hh: each waits for the step before), and backward's products after its loop.
A kernel's time minus its products is its elementwise work and Python. Ratios are medians of
per-round ratios (each round times every candidate once).
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from pathlib import Path

import numpy as np

SHAPES = {"medium": (50, 32, 64, 128), "long": (1000, 8, 32, 64)}  # steps, batch, input, hidden


def load(root: Path) -> dict:
    """The tinygrad_rnn modules of the tree at root (a fresh import: two trees can be compared)."""
    for name in [n for n in sys.modules if n.startswith("tinygrad_rnn")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        importlib.import_module("tinygrad_rnn")
    finally:
        sys.path.pop(0)
    return {n: m for n, m in sys.modules.items() if n.startswith("tinygrad_rnn")}


def kernel_cases(mods: dict, shape: tuple, rng: np.random.Generator) -> dict:
    """{(family, part): closure} for one tree: forward with and without what backward keeps, backward."""
    steps, batch, inputs, hidden = shape
    x = rng.standard_normal((steps, batch, inputs)).astype(np.float32)
    zero, g_out = np.zeros((batch, hidden), np.float32), rng.standard_normal((steps, batch, hidden)).astype(np.float32)
    layout = mods["tinygrad_rnn.kernels.step_layout"].StepLayout(steps, batch, None, False)
    lstm, gru = mods["tinygrad_rnn.kernels.lstm"], mods["tinygrad_rnn.kernels.gru"]
    cases = {}
    for family, gates in (("LSTM", 4), ("GRU", 3)):
        w = [(rng.uniform(-1, 1, s) / hidden ** 0.5).astype(np.float32)
             for s in ((gates * hidden, inputs), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,))]
        if family == "LSTM":
            def forward(keep, w=w):
                return lstm.lstm_forward(x, zero, zero, *w, None, layout, keep)
            saved = forward(True)
            # (an older tree's lstm_backward also takes c0, after h0)
            c0 = (zero,) if "c0" in inspect.signature(lstm.lstm_backward).parameters else ()

            def backward(w=w, saved=saved, c0=c0):
                return lstm.lstm_backward(g_out, zero, zero, x, zero, *c0, w[0], w[1], None, saved, layout)
        else:
            def forward(keep, w=w):
                return gru.gru_forward(x, zero, *w, layout, keep)
            saved = forward(True)
            def backward(w=w, saved=saved):
                return gru.gru_backward(g_out, zero, x, zero, w[0], w[1], saved, layout)
        cases[family, "forward, keeping what backward needs"] = lambda forward=forward: forward(True)
        cases[family, "forward, inference"] = lambda forward=forward: forward(False)
        cases[family, "backward"] = backward
    return cases


def product_cases(mods: dict, shape: tuple, rng: np.random.Generator) -> dict:
    """{(family, part): closure}: the kernels' matrix products alone, with their thread rule."""
    threads_for = mods["tinygrad_rnn.backend.blas_threads"].threads_for
    steps, batch, inputs, hidden = shape
    rows = steps * batch
    cases = {}
    for family, gates in (("LSTM", 4), ("GRU", 3)):
        def a(*s):
            return rng.standard_normal(s).astype(np.float32)
        x, w_in, w_hh, h, d = a(steps, batch, inputs), a(gates, inputs, hidden), a(gates, hidden, hidden), \
            a(batch, hidden), a(batch, gates * hidden)
        w_ih, w_rows, flat, prev = a(gates * hidden, inputs), a(gates * hidden, hidden), a(rows, gates * hidden), \
            a(rows, hidden)

        def projection(x=x, w_in=w_in, gates=gates):
            with threads_for(rows, inputs, gates * hidden):
                np.matmul(x[:, None], w_in)

        def step_products(h=h, w_hh=w_hh, gates=gates):
            with threads_for(batch, hidden, gates * hidden, per_step=True):
                for _ in range(steps):
                    np.matmul(h, w_hh)

        def backward_step_products(d=d, w_rows=w_rows, gates=gates):
            with threads_for(batch, gates * hidden, hidden, per_step=True):
                for _ in range(steps):
                    np.matmul(d, w_rows)

        def backward_products(flat=flat, w_ih=w_ih, x=x, prev=prev, gates=gates):
            with threads_for(rows, max(inputs, hidden), gates * hidden):
                np.matmul(flat, w_ih)  # dx
                np.matmul(flat.T, x.reshape(rows, inputs))  # dW_ih
                np.matmul(flat.T, prev)  # dW_hh

        cases[family, "  products: input projection"] = projection
        cases[family, "  products: forward steps"] = step_products
        cases[family, "  products: backward steps"] = backward_step_products
        cases[family, "  products: backward, after the loop"] = backward_products
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="medium")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--old", type=Path, help="another tree whose kernels are timed in the same rounds")
    args = parser.parse_args()
    shape = SHAPES[args.shape]
    trees = {"new": load(Path(__file__).resolve().parent.parent)}
    if args.old is not None:
        trees = {"old": load(args.old), **trees}
    candidates = {}
    for tree, mods in trees.items():
        for key, fn in kernel_cases(mods, shape, np.random.default_rng(0)).items():
            candidates[key + (tree,)] = fn
    for key, fn in product_cases(trees["new"], shape, np.random.default_rng(1)).items():
        candidates[key + ("new",)] = fn
    for fn in candidates.values():
        fn()  # warm up: caches, prepared weights, BLAS buffers
    times = {key: [] for key in candidates}
    for _ in range(args.rounds):
        for key, fn in candidates.items():
            start = time.perf_counter()
            fn()
            times[key].append((time.perf_counter() - start) * 1e3)
    print(f"{args.shape} shape {shape} (steps, batch, input, hidden), float32; ms: min and median of {args.rounds} rounds")
    for (family, part, tree), values in times.items():
        v = np.array(values)
        line = f"{family:4s} {part:38s} {tree:3s} {v.min():8.3f} {np.median(v):8.3f}"
        if tree == "new" and (family, part, "old") in times:
            line += f"   old/new {np.median(np.array(times[family, part, 'old']) / v):.3f}"
        print(line)


if __name__ == "__main__":
    main()

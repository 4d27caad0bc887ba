"""Why the fused GRU keeps its gates gate-major, with three products a step: the alternatives, timed.

    python benchmarks/gru_layouts.py                 # medium, small and long shapes, ~1 minute
    python benchmarks/gru_layouts.py --rounds 31

A GRU step needs h W_hh^T for three gates. The kernel (kernels/gru.py) keeps every step's gates
gate-major, (3, batch, hidden), so each of a step's ten elementwise calls runs on contiguous blocks;
the price is that the step's product is three (batch, H) @ (H, H) products (one np.matmul call) and
the input projection is one product per step and gate. Torch's layout instead makes ONE product a
step, (batch, H) @ (H, 3H), and one for the whole input projection, but its gates are then strided
column blocks of a (batch, 3H) row. This script runs the forward time loop (no_grad's loop, on plain
numpy arrays, one BLAS thread) in three layouts, in interleaved rounds, and prints medians of CPU time
(process time: the machine is shared, and CPU time is less disturbed by neighbours than wall time):

- `gate-major`: the kernel's layout (`x[:, None] @ W3` projection, `h @ W_hh3` per step);
- `torch rows`: one projection product and one product a step, the gates as column blocks;
- `one projection`: one projection product copied into the gate-major layout, then the kernel's loop.
  (It makes a second buffer of the gates' size per call; with that buffer kept, the projection alone measured
  about as fast as the gate-major one: 0.69 against 0.73 ms at medium.)

It also prints the fraction of output elements equal to the gate-major loop's: a product of another
shape may round differently in OpenBLAS (with OPENBLAS_CORETYPE=Haswell; with its own kernel choice
on an AVX-512 machine, all three gave the same bits).
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads OpenBLAS: one thread, as the kernels' loops here
import numpy as np  # noqa: E402

SHAPES = {"medium": (64, 128, 50, 32), "small": (10, 20, 5, 3), "long": (32, 64, 1000, 8)}  # input/hidden/seq/batch


def step(g: np.ndarray, h: np.ndarray, h_new: np.ndarray, gh: np.ndarray, product, views) -> None:
    """One inference step of the kernel's math (without b_hn): g holds the input terms (r, z negated),
    `product(h, gh)` writes h W_hh^T into gh (r, z negated), `views(a)` gives a step array's gates
    as (r and z together, r, z, n)."""
    product(h, gh)
    (r_z, r, z, n), (r_z_hidden, r_h, _, n_hidden) = views(g), views(gh)
    r_z += r_z_hidden
    np.exp(r_z, out=r_z)
    r_z += 1  # e = 1 + exp(-a): the sigmoid is 1 / e
    n += np.divide(n_hidden, r, out=r_h)
    np.tanh(n, out=n)
    np.subtract(h, n, out=h_new)
    h_new /= z
    h_new += n


def loops(input_size: int, hidden: int, steps: int, batch: int) -> dict:
    rng = np.random.default_rng(0)
    x = (0.5 * rng.standard_normal((steps, batch, input_size))).astype(np.float32)
    w_ih = (0.1 * rng.standard_normal((3 * hidden, input_size))).astype(np.float32)
    w_hh = (0.1 * rng.standard_normal((3 * hidden, hidden))).astype(np.float32)
    w_ih3 = np.ascontiguousarray(w_ih.reshape(3, hidden, input_size).transpose(0, 2, 1))
    w_hh3 = np.ascontiguousarray(w_hh.reshape(3, hidden, hidden).transpose(0, 2, 1))
    w_ih_t, w_hh_t = np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T)

    def major(a: np.ndarray) -> tuple:
        return a[:2], a[0], a[1], a[2]

    def rows(a: np.ndarray) -> tuple:
        return a[:, :2 * hidden], a[:, :hidden], a[:, hidden:2 * hidden], a[:, 2 * hidden:]

    def run(gates: np.ndarray, gh: np.ndarray, product, views) -> np.ndarray:
        out, h = np.empty((steps, batch, hidden), np.float32), np.zeros((batch, hidden), np.float32)
        for s in range(steps):
            step(gates[s], h, out[s], gh, product, views)
            h = out[s]
        return out

    def gate_major() -> np.ndarray:
        return run(np.matmul(x[:, None], w_ih3), np.empty((3, batch, hidden), np.float32),
                   lambda h, gh: np.matmul(h, w_hh3, out=gh), major)

    def torch_rows() -> np.ndarray:
        gates = np.matmul(x.reshape(-1, input_size), w_ih_t).reshape(steps, batch, 3 * hidden)
        return run(gates, np.empty((batch, 3 * hidden), np.float32), lambda h, gh: h.dot(w_hh_t, out=gh), rows)

    def one_projection() -> np.ndarray:
        gates = np.empty((steps, 3, batch, hidden), np.float32)
        gates[...] = np.matmul(x.reshape(-1, input_size), w_ih_t).reshape(steps, batch, 3, hidden).transpose(0, 2, 1, 3)
        return run(gates, np.empty((3, batch, hidden), np.float32), lambda h, gh: np.matmul(h, w_hh3, out=gh), major)

    return {"gate-major": gate_major, "torch rows": torch_rows, "one projection": one_projection}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    for name in args.shapes.split(","):
        candidates = loops(*SHAPES[name])
        reference = candidates["gate-major"]()
        times: dict = {k: [] for k in candidates}
        for _ in range(args.rounds):
            for label, fn in candidates.items():
                start = time.process_time()
                fn()
                fn()
                times[label].append((time.process_time() - start) / 2 * 1e3)
        print(f"{name} {SHAPES[name]}")
        for label, fn in candidates.items():
            same = float(np.mean(fn() == reference))
            print(f"  {label:15s} {np.median(times[label]):8.3f} ms   same bits as gate-major: {same:.0%}")


if __name__ == "__main__":
    main()

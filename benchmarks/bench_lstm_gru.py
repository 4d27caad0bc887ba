"""nn.LSTM and nn.GRU speed, ours (fused, and composed on request) against torch's CPU modules.

A focused tool (the composed path, bidirectional, packed sequences); benchmarks/report.py measures
all three families at every shape of issue 15 in one run and writes the README's tables.

    python benchmarks/bench_lstm_gru.py              # full run, a few minutes
    python benchmarks/bench_lstm_gru.py --quick      # fewer, shorter rounds
    python benchmarks/bench_lstm_gru.py --composed   # also time the op-by-op path (slow on long)

The twin of bench_rnn.py, with the same rules (see _timing.py): candidates run in interleaved,
warmed-up rounds, rounds during which other processes kept a core busy are dropped, and each ratio
is the median of per-round ratios against the faster of torch at 1 and at 2 threads.
Shapes (input_size/hidden_size/seq_len/batch) are float32 with h_0 = None and an input that
requires grad; the loss is the sum of the output and of every final state. "packed" runs the
medium shape as a PackedSequence with random lengths in [1, seq_len] (unsorted, seed 0).
Printed ratios are ours / torch: below 1 means we are faster.

After the table, "where the time goes" explains the gap with numbers: the matrix-product FLOPs of a
forward+backward, the GFLOP/s each side achieves, and two lower bounds for any kernel built on
numpy's BLAS: the GEMM FLOOR (all those FLOPs at the rate numpy's BLAS reaches on a large square
product with all its threads, timed in the same rounds) and the SEQUENTIAL FLOOR (the 2*L per-step products,
h W_hh^T forward and dpre W_hh backward, depend on each other and run one after the other; timed
with the kernels' own thread choice, blas_threads.threads_for; plus the tanh calls each forward step
must make on its gate arrays after its product: see _families.py). A floor/torch above the target
means the target cannot be met by such a kernel. The rest of a step's elementwise work comes on top.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _families as fam  # noqa: E402
from _timing import interleaved_rounds  # noqa: E402
from bench_rnn import machine  # noqa: E402

import tinygrad_rnn  # noqa: E402


class Case(NamedTuple):
    kind: str  # "LSTM" or "GRU"
    input_size: int
    hidden_size: int
    seq_len: int
    batch: int
    packed: bool = False


SHAPES = {"medium": (64, 128, 50, 32), "long": (32, 64, 1000, 8)}
CASES = {f"{kind} {name}": Case(kind, *shape) for kind in ("LSTM", "GRU") for name, shape in SHAPES.items()}
CASES.update({f"{kind} packed": Case(kind, *SHAPES["medium"], packed=True) for kind in ("LSTM", "GRU")})
PEAK_SIZE = 1024  # the square float32 product whose speed is "numpy's BLAS peak"
TARGETS = {"medium": 0.8, "long": 0.5}  # issue 7: fused forward+backward / torch
MAX_OTHER_LOAD = 0.3


def _lengths(case: Case) -> list[int]:
    return np.random.default_rng(0).integers(1, case.seq_len + 1, case.batch).tolist()


def closures(lib: Any, case: Case) -> tuple:
    """(forward, forward+backward) for one library (tinygrad_rnn or torch)."""
    module = getattr(lib.nn, case.kind)(case.input_size, case.hidden_size)
    x = lib.randn(case.seq_len, case.batch, case.input_size, requires_grad=True)
    pack = lib.nn.utils.rnn.pack_padded_sequence

    def run() -> Any:
        if case.packed:
            out, state = module(pack(x, _lengths(case), enforce_sorted=False))
            out = out.data
        else:
            out, state = module(x)
        states = state if isinstance(state, tuple) else (state,)
        return out.sum() + sum(s.sum() for s in states)

    def forward() -> None:
        with lib.no_grad():
            run()

    def forward_backward() -> None:
        run().backward()

    return forward, forward_backward


def gemm_flops(case: Case) -> float:
    """Matrix-product FLOPs of one forward+backward: forward does the input projection and the
    recurrent products; backward does each twice (input/state gradient and weight gradient)."""
    gate_rows = (4 if case.kind == "LSTM" else 3) * case.hidden_size
    per_row = case.input_size + case.hidden_size  # x W_ih^T and h W_hh^T, per row of the batch
    rows = case.seq_len * case.batch
    if case.packed:
        rows = sum(_lengths(case))
    return 3 * 2 * rows * per_row * gate_rows


def sequential_floor(case: Case) -> float:
    """Seconds of the sequential floor of one forward+backward (_families.py): the 2*L dependent
    per-step products plus the tanh calls each forward step waits for."""
    shape = fam.Shape(case.input_size, case.hidden_size, case.seq_len, case.batch)
    return fam.sequential_floor(case.kind, shape, backward=True).total


def print_gap(rows: dict) -> None:
    print("\nwhere the time goes (f+b; GFLOP/s counts matrix-product FLOPs only; peak = numpy's BLAS on a "
          f"{PEAK_SIZE}^3 product, timed in the same rounds)")
    print(f"{'case':<12} {'MFLOP':>6} {'ours GF/s':>10} {'torch GF/s':>11} {'peak GF/s':>10} {'GEMM floor ms':>14} "
          f"{'floor/torch':>12} {'seq. floor ms':>14} {'floor/torch':>12}")
    for name, r in rows.items():
        case = CASES[name]
        mflop, torch_ms, peak = gemm_flops(case) / 1e6, r["torch f+b ms"], r["peak GFLOP/s"]
        gemm_floor = mflop / peak
        line = (f"{name:<12} {mflop:6.0f} {mflop / r['fused f+b ms']:10.1f} {mflop / torch_ms:11.1f} {peak:10.0f} "
                f"{gemm_floor:14.2f} {gemm_floor / torch_ms:12.2f} ")
        if case.packed:  # the per-step products shrink as sequences end: no single-shape floor
            print(line + f"{'-':>14} {'-':>12}")
            continue
        floor = sequential_floor(case) * 1e3
        print(line + f"{floor:14.2f} {floor / torch_ms:12.2f}")
    print("a floor/torch above the target: out of reach for a kernel built on numpy's BLAS (see the docstring)")


def _composed(fn: Any) -> Any:
    def run() -> None:
        with tinygrad_rnn.backends.composed_rnn():
            fn()

    return run


def measure(torch: Any, case: Case, rounds: int, block: float, composed: bool) -> dict:
    fused_f, fused_fb = closures(tinygrad_rnn, case)
    torch_f, torch_fb = closures(torch, case)
    candidates = {"fused fwd": fused_f, "fused f+b": fused_fb, "torch1 fwd": torch_f, "torch1 f+b": torch_fb,
                  "torch2 fwd": torch_f, "torch2 f+b": torch_fb}
    if composed:
        candidates["composed f+b"] = _composed(fused_fb)
    square = np.random.default_rng(0).standard_normal((PEAK_SIZE, PEAK_SIZE), dtype=np.float32)
    candidates["gemm peak"] = lambda: square @ square  # numpy's BLAS peak, in the same (quiet) rounds
    threads = {"torch1 fwd": 1, "torch1 f+b": 1, "torch2 fwd": 2, "torch2 f+b": 2}
    setup = {k: (lambda n=n: torch.set_num_threads(n)) for k, n in threads.items()}
    result = interleaved_rounds(candidates, rounds, setup, seconds=block)
    kept = result.kept(MAX_OTHER_LOAD)
    row = {"kept": len(kept), "rounds": rounds, "noisy": result.is_noisy(MAX_OTHER_LOAD)}
    for mode in ("fwd", "f+b"):
        reference = [f"torch1 {mode}", f"torch2 {mode}"]
        row[f"torch {mode} ms"] = min(result.median(r, kept) for r in reference) * 1e3
        row[f"fused {mode}"] = result.ratio(f"fused {mode}", reference, kept)
        row[f"fused {mode} ms"] = result.median(f"fused {mode}", kept) * 1e3
    row["peak GFLOP/s"] = 2 * PEAK_SIZE**3 / min(result.times["gemm peak"][i] for i in kept) / 1e9
    if composed:
        row["composed f+b"] = result.ratio("composed f+b", ["torch1 f+b", "torch2 f+b"], kept)
    return row


def print_table(rows: dict) -> None:
    print("\nours / torch (median of per-round ratios; '!' = target missed; torch ms = faster of 1 and 2 threads)")
    print(f"{'case':<12} {'fused fwd':>9} {'fused f+b':>10} {'comp f+b':>9} {'ours f+b ms':>12} "
          f"{'torch f+b ms':>13} {'rounds':>9}")
    for name, r in rows.items():
        target = TARGETS.get(name.split()[1])
        flag = "" if target is None else (" " if r["fused f+b"] <= target else "!")
        composed = f"{r['composed f+b']:9.2f}" if "composed f+b" in r else f"{'-':>9}"
        print(f"{name:<12} {r['fused fwd']:9.2f} {r['fused f+b']:9.2f}{flag or ' '} {composed} "
              f"{r['fused f+b ms']:12.2f} {r['torch f+b ms']:13.2f} {r['kept']:>4}/{r['rounds']}"
              f"{' noisy' if r['noisy'] else ''}")
    print("targets fused f+b: " + ", ".join(f"{k} {v}" for k, v in TARGETS.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--composed", action="store_true", help="also time the composed path")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of " + ", ".join(CASES))
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    import torch

    print(machine())
    print(f"torch {torch.__version__}; other processes' load above {MAX_OTHER_LOAD} cores drops a round")
    rounds = args.rounds or (3 if args.quick else 7)
    block = 0.03 if args.quick else 0.1
    rows = {}
    for name in args.cases.split(","):
        rows[name] = r = measure(torch, CASES[name], rounds, block, args.composed)
        print(f"  {name}: fused f+b {r['fused f+b ms']:.2f} ms, torch f+b {r['torch f+b ms']:.2f} ms", flush=True)
    print_table(rows)
    print_gap(rows)


if __name__ == "__main__":
    main()

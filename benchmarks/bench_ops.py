"""Per-op overhead of tinygrad_rnn against torch, in the same process (a script, not a test).

    python benchmarks/bench_ops.py            # CPU time of this thread (steady on a busy machine)
    python benchmarks/bench_ops.py --wall     # wall-clock time instead
    python benchmarks/bench_ops.py --rounds 15

Tiny 2x2 float32 tensors, so the numbers are the framework's bookkeeping, not arithmetic:
forward time of one add, matmul and tanh on a tensor that requires grad, and forward+backward
of a chain of n tanh / multiply-by-a-number ops ending in `.sum()`. The marginal cost per op is
the slope between a 10-op and a 50-op chain; the fixed cost of one `backward()` is what the
10-op chain costs beyond 10 marginal ops (the `.sum()`, seeding, ordering, the leaf's `.grad`).

Both frameworks run in interleaved rounds (see _timing.py; torch on one thread, where it is
fastest for tiny tensors), each number is the median over rounds, and each ratio the median of
per-round ratios, so a slow spell of the machine hits both sides. Targets (issue 15): marginal
forward+backward per op and fixed cost per backward() at most 1.0x torch. `--cpu` is accepted
(the old spelling of the default).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _minimal_autograd  # noqa: E402
from _timing import interleaved_rounds  # noqa: E402

import tinygrad_rnn  # noqa: E402

SHORT, LONG = 10, 50  # chain lengths whose difference gives the marginal cost per op
TARGETS = {"marginal fwd+bwd per op": 1.0, "fixed cost per backward()": 1.0}


def chain(x: Any, n: int) -> Any:
    """n ops: alternately tanh and multiply-by-a-number, then a sum."""
    y = x
    for i in range(n):
        y = y * 0.9 if i % 2 else y.tanh()
    return y.sum()


def candidates(lib: Any) -> dict:
    """The timed calls of one library (tinygrad_rnn or torch)."""
    a = lib.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    b = lib.tensor(np.full((2, 2), 0.5, np.float32), requires_grad=True)

    def fwd_bwd(n: int) -> Any:
        def run() -> None:
            chain(a, n).backward()
            a.grad = None

        return run

    return {"add, forward": lambda: a + b, "matmul, forward": lambda: a @ b, "tanh, forward": lambda: a.tanh(),
            "chain short": fwd_bwd(SHORT), "chain long": fwd_bwd(LONG)}


def _derived(times: dict, i: int) -> dict:
    """Round i's forward times, marginal cost per op and fixed cost per backward(), in seconds."""
    short, long = times["chain short"][i], times["chain long"][i]
    marginal = (long - short) / (LONG - SHORT)
    derived = {k: times[k][i] for k in ("add, forward", "matmul, forward", "tanh, forward")}
    derived["marginal fwd+bwd per op"] = marginal
    derived["fixed cost per backward()"] = short - SHORT * marginal
    return derived


def measure(torch: Any, rounds: int = 9, block: float = 0.05, clock: Any = time.thread_time,
            warmup: float = 0.1) -> dict:
    """{case: (ours us, torch us, median ratio ours/torch, minimal autograd us)} over interleaved rounds."""
    torch.set_num_threads(1)
    libraries = {"ours": tinygrad_rnn, "torch": torch, "floor": _minimal_autograd}
    cases = {who: candidates(lib) for who, lib in libraries.items()}
    both = {f"{who} {k}": f for who, c in cases.items() for k, f in c.items()}
    result = interleaved_rounds(both, rounds, seconds=block, clock=clock, warmup=warmup)
    derived = {who: [_derived({k: result.times[f"{who} {k}"] for k in c}, i) for i in range(rounds)]
               for who, c in cases.items()}
    mine, other, floor = derived["ours"], derived["torch"], derived["floor"]

    def median_us(rows: list, case: str) -> float:
        return statistics.median(r[case] for r in rows) * 1e6

    return {case: (median_us(mine, case), median_us(other, case),
                   statistics.median(m[case] / o[case] for m, o in zip(mine, other)), median_us(floor, case))
            for case in mine[0]}


def print_table(rows: dict) -> None:
    print(f"{'case':28s} {'ours us':>9s} {'torch us':>9s} {'ratio':>7s} {'floor us':>9s}")
    for case, (ours, theirs, ratio, floor) in rows.items():
        target = TARGETS.get(case)
        note = "" if target is None else f"  (target {target}{', missed' if ratio > target else ', met'})"
        print(f"{case:28s} {ours:9.2f} {theirs:9.2f} {ratio:7.2f} {floor:9.2f}{note}")
    print("floor: the same case on benchmarks/_minimal_autograd.py, the least Python an autograd must run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wall", action="store_true", help="time wall-clock time, not this thread's CPU time")
    parser.add_argument("--cpu", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    import torch

    print_table(measure(torch, args.rounds, clock=time.perf_counter if args.wall else time.thread_time))


if __name__ == "__main__":
    main()

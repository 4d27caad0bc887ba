"""Per-op overhead of tinygrad_rnn against torch, in the same process (a script, not a test).

    python benchmarks/bench_ops.py
    python benchmarks/bench_ops.py --cpu   # CPU time of this thread: steadier on a busy machine

Tiny 2x2 float32 tensors, so the numbers are the framework's bookkeeping, not arithmetic:
forward time of one add, matmul and tanh on a tensor that requires grad, and forward+backward
of a chain of n tanh(x * w + b)-style ops. The marginal cost per op is the slope between a short
and a long chain; the fixed cost is what one backward() call adds on top.
Goals: forward per op <= torch's; marginal forward+backward per op <= 0.6x torch's.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import tinygrad_rnn  # noqa: E402

# Wall-clock time by default; --cpu switches to this thread's CPU time, which other processes
# competing for the cores do not inflate (both frameworks run single-threaded here).
clock = time.perf_counter


def per_call_us(fn, seconds: float = 0.5) -> float:
    """Best-of-5 mean time of fn() in microseconds, after warming up for ~0.2 s."""
    end = time.perf_counter() + 0.2
    while time.perf_counter() < end:  # warm up: BLAS threads, caches, branch predictors
        fn()
    n = 1
    while True:
        start = clock()
        for _ in range(n):
            fn()
        if clock() - start > seconds / 5:
            break
        n *= 2
    best = float("inf")
    for _ in range(5):
        start = clock()
        for _ in range(n):
            fn()
        best = min(best, (clock() - start) / n)
    return best * 1e6


def chain(m, x, n: int):
    """n ops: alternately multiply-by-a-number and tanh."""
    y = x
    for i in range(n):
        y = y * 0.9 if i % 2 else y.tanh()
    return y.sum()


def measure(m) -> dict:
    a = m.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    b = m.tensor(np.full((2, 2), 0.5, np.float32), requires_grad=True)

    def fwd_bwd(n):
        def run():
            chain(m, a, n).backward()
            a.grad = None

        return run

    short, long = per_call_us(fwd_bwd(10)), per_call_us(fwd_bwd(50))
    marginal = (long - short) / 40
    return {
        "add (fwd)": per_call_us(lambda: a + b),
        "matmul (fwd)": per_call_us(lambda: a @ b),
        "tanh (fwd)": per_call_us(lambda: a.tanh()),
        "10-op chain fwd+bwd": short,
        "marginal fwd+bwd per op": marginal,
        "fixed cost per backward()": short - 10 * marginal,
    }


def main() -> None:
    global clock
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu", action="store_true", help="time this thread's CPU time, not wall-clock time")
    if parser.parse_args().cpu:
        clock = time.thread_time
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    ours = measure(tinygrad_rnn)
    theirs = measure(torch) if torch is not None else {}
    print(f"{'case':28s} {'tinygrad_rnn us':>16s} {'torch us':>10s} {'ratio':>7s}")
    for key, value in ours.items():
        other = theirs.get(key)
        ratio = f"{value / other:7.2f}" if other else "      -"
        print(f"{key:28s} {value:16.2f} {other if other is not None else float('nan'):10.2f} {ratio}")


if __name__ == "__main__":
    main()

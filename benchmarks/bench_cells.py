"""A step of the recurrent cells, and the small sigmoid and softmax they and their users run, against torch.

    python benchmarks/bench_cells.py              # CPU time of this thread (steady on a busy machine)
    python benchmarks/bench_cells.py --rounds 15

Tutorial code loops over nn.LSTMCell / nn.GRUCell one step at a time: at these sizes (batch 3,
10 inputs, 20 hidden) a step is a few hundred multiply-adds, so its time is the framework's
bookkeeping and the per-call cost of its numpy calls. Cases: one step under no_grad (the cells then
run their step on arrays, nn/rnn_base.py `_step_without_graph`), one step that records the graph,
20 steps and backward() (a training step of such a loop), and sigmoid and softmax of a 2x20 float32
tensor. Both libraries run in interleaved rounds (_timing.py, torch on one thread); each number is
the median over rounds, the ratio the median of per-round ratios.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _timing import interleaved_rounds  # noqa: E402

import tinygrad_rnn  # noqa: E402

STEPS = 20  # steps of the training-loop case


def candidates(lib: Any) -> dict:
    """The timed calls of one library (tinygrad_rnn or torch)."""
    lib.manual_seed(0)
    lstm, gru = lib.nn.LSTMCell(10, 20), lib.nn.GRUCell(10, 20)
    x, small = lib.randn(3, 10), lib.randn(2, 20)

    def no_grad(cell: Any) -> Any:
        def run() -> None:
            with lib.no_grad():
                cell(x)
        return run

    def loop(cell: Any) -> Any:
        def run() -> None:
            state = None
            for _ in range(STEPS):
                state = cell(x, state)
            (state[0] if isinstance(state, tuple) else state).sum().backward()
        return run

    return {"sigmoid 2x20": lambda: small.sigmoid(), "softmax 2x20": lambda: small.softmax(-1),
            "LSTMCell step, no_grad": no_grad(lstm), "GRUCell step, no_grad": no_grad(gru),
            "LSTMCell step, graph": lambda: lstm(x), "GRUCell step, graph": lambda: gru(x),
            f"LSTMCell {STEPS} steps + backward": loop(lstm), f"GRUCell {STEPS} steps + backward": loop(gru)}


def measure(torch: Any, rounds: int = 9, block: float = 0.05) -> dict:
    """{case: (ours us, torch us, median ratio ours/torch)} over interleaved rounds of this thread's CPU time."""
    torch.set_num_threads(1)
    cases = {who: candidates(lib) for who, lib in (("ours", tinygrad_rnn), ("torch", torch))}
    both = {f"{who} {k}": f for who, c in cases.items() for k, f in c.items()}
    times = interleaved_rounds(both, rounds, seconds=block, clock=time.thread_time, warmup=0.05).times
    return {case: (statistics.median(times[f"ours {case}"]) * 1e6, statistics.median(times[f"torch {case}"]) * 1e6,
                   statistics.median(o / t for o, t in zip(times[f"ours {case}"], times[f"torch {case}"])))
            for case in cases["ours"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    import torch

    print(f"{'case':34s} {'ours us':>9s} {'torch us':>9s} {'ratio':>7s}")
    for case, (ours, theirs, ratio) in measure(torch, args.rounds).items():
        print(f"{case:34s} {ours:9.1f} {theirs:9.1f} {ratio:7.1f}")


if __name__ == "__main__":
    main()

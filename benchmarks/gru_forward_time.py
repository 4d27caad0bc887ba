"""nn.GRU forward-only (under no_grad, the loss as in report.py) on issue 15's shapes: this tree,
optionally an older tree, and torch, interleaved in one process (issue 15's GRU forward-only
targets: ours/torch at most 0.8).

    python benchmarks/gru_forward_time.py                          # seed small medium large
    python benchmarks/gru_forward_time.py seed small --old <path of another tree> --cpu

Each round times every candidate once (a few calls on the small shapes); ratios are medians of
per-round ratios, torch's time in a round being its faster of 1 and 2 threads. On a shared
machine wall-clock times of small calls swing by 2-3x with the neighbours' load; `--cpu` times
with this thread's CPU clock instead (time.thread_time), which a descheduled thread does not
advance: steady under load, but blind to work on other threads, so torch then runs on one
thread only, and shapes whose products use two BLAS threads (large) are not measured fairly.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _families import SHAPES, closures  # noqa: E402

CALLS_PER_ROUND = {"seed": 50, "small": 30, "medium": 3, "long": 1, "large": 1}


def load(root: Path) -> Any:
    """The tinygrad_rnn package of the tree at root (a fresh import: two trees can be compared)."""
    for name in [n for n in sys.modules if n.startswith("tinygrad_rnn")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("tinygrad_rnn")
    finally:
        sys.path.pop(0)


def candidates(libraries: dict, torch: Any, shape_name: str, torch_threads: tuple) -> dict:
    """{name: forward under no_grad} for every library, torch once per thread count."""
    found = {}
    for name, lib in libraries.items():
        lib.manual_seed(0)
        found[name] = closures(lib, "GRU", SHAPES[shape_name])[0]
    torch.manual_seed(0)
    forward = closures(torch, "GRU", SHAPES[shape_name])[0]
    for threads in torch_threads:
        def run(threads: int = threads) -> None:
            torch.set_num_threads(threads)
            forward()
        found[f"torch{threads}"] = run
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shapes", nargs="*", default=["seed", "small", "medium", "large"], choices=sorted(SHAPES))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--old", type=Path, help="another tree, timed in the same rounds")
    parser.add_argument("--cpu", action="store_true", help="this thread's CPU time instead of wall-clock time")
    args = parser.parse_args()
    import torch

    clock = time.thread_time if args.cpu else time.perf_counter
    torch_threads = (1,) if args.cpu else (1, 2)
    libraries = {}
    if args.old is not None:
        libraries["old"] = load(args.old)
    libraries["new"] = load(Path(__file__).resolve().parent.parent)
    print(f"GRU forward under no_grad, us per call ({'thread CPU time' if args.cpu else 'wall clock'}): "
          f"medians of {args.rounds} rounds; ratios are medians of per-round ratios")
    for shape_name in args.shapes:
        runs = candidates(libraries, torch, shape_name, torch_threads)
        calls = CALLS_PER_ROUND[shape_name]
        for run in runs.values():
            run()  # warm up: caches, prepared weights, BLAS buffers
        times: dict = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                start = clock()
                for _ in range(calls):
                    run()
                times[name].append((clock() - start) / calls * 1e6)
        t = {name: np.array(v) for name, v in times.items()}
        torch_best = np.min([t[f"torch{n}"] for n in torch_threads], axis=0)
        line = f"{shape_name:7s}" + "".join(f" {name} {np.median(v):9.1f}" for name, v in t.items())
        line += "".join(f" | {name}/torch {np.median(t[name] / torch_best):.3f}" for name in libraries)
        if "old" in t:
            line += f" | new/old {np.median(t['new'] / t['old']):.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()

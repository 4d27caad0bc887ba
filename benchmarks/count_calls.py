"""Python work per call on the seed and small shapes (issue 15), counted, not timed.

    python benchmarks/count_calls.py              # totals per family, shape and phase
    python benchmarks/count_calls.py --by-place LSTM seed forward
    python benchmarks/count_calls.py --ops        # the cases of bench_ops.py, per op

At the seed and small shapes the arithmetic is a few hundred multiply-adds: the time is Python
bookkeeping, so the honest measure is how much Python a call runs. The machine is shared, so
this script counts instead of timing; the counts do not depend on the load:

- `py calls`: Python functions entered (sys.setprofile "call" events);
- `C calls`: builtin and numpy functions called from Python ("c_call" events; a ufunc operator
  such as `a += b` does not show here);
- `opcodes`: bytecode instructions executed in every Python frame (sys.settrace with
  f_trace_opcodes): the closest deterministic stand-in for an instruction count.

Phases are those of benchmarks/_families.py: `forward` (the module call that records a graph,
plus the loss `out.sum() + sum(s.sum() for s in states)`), `backward` (`loss.backward()`) and
`no_grad` (the forward and loss under `no_grad`). `--by-place` lists the functions with the most
opcodes of one phase, by file and function (with their calls). `--ops` counts the cases of bench_ops.py (2x2 tensors):
one forward of add, matmul and tanh, and a chain's marginal forward+backward per op and fixed cost
per backward(), derived from the 10- and 50-op chains as bench_ops.py derives its times.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _families import SHAPES  # noqa: E402

import tinygrad_rnn  # noqa: E402

PACKAGE = os.path.dirname(os.path.dirname(tinygrad_rnn.__file__)) + os.sep


def _place(code: Any) -> str:
    return f"{code.co_filename.removeprefix(PACKAGE)}:{code.co_name}"


class Counting:
    """Counts Python calls, C calls and executed opcodes inside the `with` block."""

    def __init__(self) -> None:
        self.totals: Counter = Counter()
        self.places: Counter = Counter()
        self.place_opcodes: Counter = Counter()  # opcodes executed in each function's own frames

    def __enter__(self) -> Counting:
        sys.setprofile(self._profile)
        sys.settrace(self._trace)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)
        sys.setprofile(None)

    def _profile(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            self.totals["py calls"] += 1
            self.places[_place(frame.f_code)] += 1
        elif event == "c_call":
            self.totals["C calls"] += 1

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_lines, frame.f_trace_opcodes = False, True
        return self._opcode

    def _opcode(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "opcode":
            self.totals["opcodes"] += 1
            self.place_opcodes[_place(frame.f_code)] += 1
        return self._opcode


def run_case(family: str, shape_name: str) -> dict[str, Counting]:
    """Counts of each phase of one case (after one warm-up call, so caches are as in a timed loop)."""
    shape = SHAPES[shape_name]
    tinygrad_rnn.manual_seed(0)
    module = getattr(tinygrad_rnn.nn, family)(shape.input_size, shape.hidden_size, shape.num_layers)
    x = tinygrad_rnn.randn(shape.seq_len, shape.batch, shape.input_size, requires_grad=True)

    def loss() -> Any:
        out, state = module(x)
        states = state if isinstance(state, tuple) else (state,)
        return out.sum() + sum(s.sum() for s in states)

    loss().backward()  # warm-up: first-use caches
    phases = {name: Counting() for name in ("forward", "backward", "no_grad")}
    with phases["forward"]:
        total = loss()
    with phases["backward"]:
        total.backward()
    with tinygrad_rnn.no_grad(), phases["no_grad"]:
        loss()
    return phases


def count_ops() -> dict[str, dict[str, float]]:
    """{case: {kind: count}} for the cases of bench_ops.py, after one warm-up call of each."""
    import bench_ops  # (a sibling script, imported only for this option)

    totals = {}
    for name, fn in bench_ops.candidates(tinygrad_rnn).items():
        fn()
        with Counting() as counting:
            fn()
        totals[name] = counting.totals
    short, long = totals.pop("chain short"), totals.pop("chain long")
    kinds = ("py calls", "C calls", "opcodes")
    marginal = {k: (long[k] - short[k]) / (bench_ops.LONG - bench_ops.SHORT) for k in kinds}
    totals["marginal fwd+bwd per op"] = marginal
    totals["fixed cost per backward()"] = {k: short[k] - bench_ops.SHORT * marginal[k] for k in kinds}
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--by-place", nargs=3, metavar=("FAMILY", "SHAPE", "PHASE"))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--ops", action="store_true", help="count the cases of bench_ops.py instead")
    args = parser.parse_args()
    if args.ops:
        print(f"{'case':<28} {'py calls':>9} {'C calls':>8} {'opcodes':>8}")
        for case, t in count_ops().items():
            print(f"{case:<28} {t['py calls']:9.1f} {t['C calls']:8.1f} {t['opcodes']:8.1f}")
        return
    if args.by_place:
        family, shape, phase = args.by_place
        counting = run_case(family, shape)[phase]
        print(f"{family} {shape} {phase}: {dict(counting.totals)}")
        print(" calls  opcodes  place (by opcodes in the function's own frames)")
        for place, ops in counting.place_opcodes.most_common(args.top):
            print(f"{counting.places[place]:6d}  {ops:7d}  {place}")
        return
    print(f"{'case':<12} {'phase':<9} {'py calls':>9} {'C calls':>8} {'opcodes':>8}")
    for shape in ("seed", "small"):
        for family in ("RNN", "GRU", "LSTM"):
            for phase, counting in run_case(family, shape).items():
                t = counting.totals
                print(f"{family + ' ' + shape:<12} {phase:<9} {t['py calls']:9d} {t['C calls']:8d} {t['opcodes']:8d}")


if __name__ == "__main__":
    main()

"""Numpy operations per time step in the fused RNN, GRU and LSTM kernels (issue 15: count, then cut).

    python benchmarks/count_numpy_calls.py
    python benchmarks/count_numpy_calls.py --hidden 64 --batch 8

On small arrays a numpy call costs about a microsecond whatever it computes, so the number of
calls a time step makes is what the kernels' loops cost beyond their matrix product. This script
counts them without timing anything (the count does not depend on the machine's load):

- the kernels' bytecode is traced opcode by opcode (`sys.settrace` with `f_trace_opcodes`),
  only in frames of tinygrad_rnn/kernels/ (numpy itself is C, so every call into it is one
  CALL in a kernel frame);
- each module runs at two sequence lengths and the difference, divided by the difference of the
  lengths, is the per-step count: the work done once per call (projections, weight gradients,
  Tensor bookkeeping) cancels out.

Columns: `calls` (numpy functions, ufuncs and array methods: every CALL in a loop body is one),
`in-place` (`a += b`, `a *= 0.5`: one ufunc call each), `views` (indexing `a[s, :n]` and tuple
unpacking of an array, which make view objects, about 0.1-0.3 us each; `a[...] = b` copies;
the loop's own `for s, n in ...` unpacking counts one). `calls` includes the call of a step
function (the step that kernels/lstm.py `forward_steps` makes, ...) where the loop makes one.
"""
from __future__ import annotations

import argparse
import dis
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tinygrad_rnn  # noqa: E402

KERNELS_DIR = os.path.join(os.path.dirname(tinygrad_rnn.__file__), "kernels") + os.sep
CALL, BINARY_OP = dis.opmap["CALL"], dis.opmap["BINARY_OP"]
VIEWS = {dis.opmap[name] for name in ("BINARY_SUBSCR", "STORE_SUBSCR", "UNPACK_SEQUENCE")}
INPLACE = {i for i, (name, _) in enumerate(dis._nb_ops) if name.startswith("NB_INPLACE")}


class OpcodeCounter:
    """Counts calls, in-place operators and indexing executed in the kernels' frames."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()

    def __enter__(self) -> OpcodeCounter:
        sys.settrace(self._frame)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(None)

    def _frame(self, frame: Any, event: str, arg: Any) -> Any:
        if event != "call" or not frame.f_code.co_filename.startswith(KERNELS_DIR):
            return None
        frame.f_trace_lines, frame.f_trace_opcodes = False, True
        return self._opcode

    def _opcode(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "opcode":
            code, at = frame.f_code.co_code, frame.f_lasti
            op = code[at]
            if op == CALL:
                self.counts["calls"] += 1
            elif op == BINARY_OP and code[at + 1] in INPLACE:
                self.counts["in-place"] += 1
            elif op in VIEWS:
                self.counts["views"] += 1
        return self._opcode


def counts(kind: str, mode: str, steps: int, input_size: int, hidden: int, batch: int) -> Counter:
    """The opcode counts of one `mode` ('forward', 'backward', 'inference') of nn.`kind`."""
    tinygrad_rnn.manual_seed(0)
    module = getattr(tinygrad_rnn.nn, kind)(input_size, hidden)
    x = tinygrad_rnn.randn(steps, batch, input_size, requires_grad=True)
    counter = OpcodeCounter()
    if mode == "inference":
        with tinygrad_rnn.no_grad(), counter:
            module(x)
        return counter.counts
    with counter if mode == "forward" else _nothing():
        out, state = module(x)
    states = state if isinstance(state, tuple) else (state,)
    loss = out.sum() + sum(s.sum() for s in states)
    with counter if mode == "backward" else _nothing():
        loss.backward()
    return counter.counts


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args()
    short, long = 10, 30
    print(f"numpy operations per time step (lengths {short} and {long}, input {args.input_size}, hidden "
          f"{args.hidden}, batch {args.batch}; one layer, one direction)")
    print(f"{'module':<6} {'mode':<10} {'calls':>6} {'in-place':>9} {'views':>6} {'ufunc+calls':>12}")
    for kind in ("RNN", "GRU", "LSTM"):
        for mode in ("forward", "backward", "inference"):
            a, b = (counts(kind, mode, n, args.input_size, args.hidden, args.batch) for n in (short, long))
            per = {k: (b[k] - a[k]) / (long - short) for k in ("calls", "in-place", "views")}
            print(f"{kind:<6} {mode:<10} {per['calls']:6.1f} {per['in-place']:9.1f} {per['views']:6.1f} "
                  f"{per['calls'] + per['in-place']:12.1f}")


if __name__ == "__main__":
    main()

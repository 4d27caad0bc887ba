"""Checkpoint save/load time of tinygrad_rnn against torch, in the same process (a script, not a test).

    python benchmarks/bench_serialization.py            # a ~60 MB state_dict, to a temporary folder
    python benchmarks/bench_serialization.py --small    # a ~1 MB one: where the fixed costs show

Both frameworks write and read torch's zip format; ours writes atomically (temporary file, fsync,
rename), torch writes in place without fsync, so `save` compares a durable write with a plain one.
Rounds are interleaved (ours, torch, ours, ...) and the median of per-round ratios is reported.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import torch  # noqa: E402

import tinygrad_rnn  # noqa: E402


def state_dicts(small: bool) -> tuple[dict, dict]:
    """The same LSTM language model's state_dict in both frameworks."""
    vocab, width = (2000, 64) if small else (20000, 384)
    torch.manual_seed(0)
    theirs = torch.nn.ModuleDict({"emb": torch.nn.Embedding(vocab, width),
                                  "rnn": torch.nn.LSTM(width, width, num_layers=2), "head": torch.nn.Linear(width, vocab)})
    ours = {k: tinygrad_rnn.from_numpy(v.numpy().copy()) for k, v in theirs.state_dict().items()}
    return ours, dict(theirs.state_dict())


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    ours, theirs = state_dicts(args.small)
    megabytes = sum(v.numel() * v.element_size() for v in theirs.values()) / 2**20
    with tempfile.TemporaryDirectory() as folder:
        a, b = os.path.join(folder, "ours.pt"), os.path.join(folder, "theirs.pt")
        cases = {
            "save": (lambda: tinygrad_rnn.save(ours, a), lambda: torch.save(theirs, b)),
            "load": (lambda: tinygrad_rnn.load(a), lambda: torch.load(b, weights_only=True)),
            "load torch's file": (lambda: tinygrad_rnn.load(b), lambda: torch.load(b, weights_only=True)),
        }
        print(f"state_dict of {megabytes:.1f} MB, {len(theirs)} tensors; median of {args.rounds} interleaved rounds")
        print(f"{'case':<20}{'ours':>12}{'torch':>12}{'ratio':>8}")
        for name, (mine, other) in cases.items():
            mine(), other()  # warm up (and create the files the loads read)
            pairs = [(timed(mine), timed(other)) for _ in range(args.rounds)]
            ratio = statistics.median(m / o for m, o in pairs)
            print(f"{name:<20}{statistics.median(m for m, _ in pairs) * 1e3:>10.2f}ms"
                  f"{statistics.median(o for _, o in pairs) * 1e3:>10.2f}ms{ratio:>8.2f}")


if __name__ == "__main__":
    main()

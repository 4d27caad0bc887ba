"""vmap: native batching against its loop fallback and a plain Python loop (a script, not a test).

    python benchmarks/bench_vmap.py [--rounds 5]

Each case times, in interleaved rounds in one process (see _timing.py):
- `native`: the call vmap batches natively (batching.py);
- `fallback`: the same function wrapped in a lambda, which vmap cannot recognise, so it loops;
- `python loop`: torch.stack([f(x) for x in xs]) written by hand;
- `torch`: torch.func.vmap on the same data, for scale.
Printed: seconds per call and the ratio of each to the Python loop (below 1 is faster).
The backward cases compare one batched backward pass (vmap of a vjp function, as jacrev uses it)
with a loop of single vjps (jacrev with chunk_size=1).
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

import numpy as np  # noqa: E402
from _timing import interleaved_rounds  # noqa: E402

import tinygrad_rnn as tg  # noqa: E402

try:
    import torch
except ImportError:  # the torch column is left out
    torch = None


def cases(batch: int) -> dict:
    """name -> {candidate: zero-argument callable}."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 64)).astype(np.float32)
    m = rng.standard_normal((batch, 16, 32)).astype(np.float32)
    w = rng.standard_normal((32, 8)).astype(np.float32)
    tx, tm, tw = tg.tensor(x), tg.tensor(m), tg.tensor(w)
    vmap = tg.func.vmap
    result = {
        "tanh (elementwise)": {
            "native": lambda: vmap(tg.tanh)(tx),
            "fallback": lambda: vmap(lambda a: tg.tanh(a))(tx),
            "python loop": lambda: tg.stack([tg.tanh(a) for a in tx]),
        },
        "matmul, weight shared": {
            "native": lambda: vmap(tg.matmul, in_dims=(0, None))(tm, tw),
            "fallback": lambda: vmap(lambda a, b: tg.matmul(a, b), in_dims=(0, None))(tm, tw),
            "python loop": lambda: tg.stack([a @ tw for a in tm]),
        },
    }
    xs = tg.tensor(rng.standard_normal((8, 16)).astype(np.float32))
    ws = tg.tensor(rng.standard_normal((16, 16)).astype(np.float32))

    def mlp(a):
        return ((a @ ws).sin() * 0.5 + a).exp()

    result["jacrev of a small layer (128 rows)"] = {
        "native": lambda: tg.func.jacrev(mlp)(xs),
        "fallback": lambda: tg.func.jacrev(mlp, chunk_size=1)(xs),
        "python loop": lambda: tg.autograd.functional.jacobian(mlp, xs),
    }
    if torch is not None:
        t_x, t_m, t_w = torch.tensor(x), torch.tensor(m), torch.tensor(w)
        t_xs, t_ws = torch.tensor(xs.numpy()), torch.tensor(ws.numpy())
        result["tanh (elementwise)"]["torch"] = lambda: torch.func.vmap(torch.tanh)(t_x)
        result["matmul, weight shared"]["torch"] = lambda: torch.func.vmap(torch.matmul, in_dims=(0, None))(t_m, t_w)
        result["jacrev of a small layer (128 rows)"]["torch"] = lambda: torch.func.jacrev(
            lambda a: ((a @ t_ws).sin() * 0.5 + a).exp())(t_xs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(1)
    print(f"batch {args.batch}, {args.rounds} interleaved rounds; seconds per call (ratio to the Python loop)")
    for name, candidates in cases(args.batch).items():
        rounds = interleaved_rounds(candidates, args.rounds)
        kept = rounds.kept(max_load=0.5)
        base = rounds.median("python loop", kept)
        cells = [f"{c} {rounds.median(c, kept) * 1e3:.3f} ms ({rounds.ratio(c, ['python loop'], kept):.2f}x)"
                 for c in candidates]
        noisy = " [noisy machine]" if rounds.is_noisy(0.5) else ""
        print(f"{name}: " + "; ".join(cells) + f"  (loop {base * 1e3:.3f} ms){noisy}")


if __name__ == "__main__":
    main()

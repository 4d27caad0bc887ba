"""One optimizer.step() of tinygrad_rnn against torch's, on the parameters of a small LSTM (a script).

    python benchmarks/bench_optim.py              # every optimizer, float32
    python benchmarks/bench_optim.py Adam SGD     # just these

Parameters: an LSTM layer's four tensors for input 256 and hidden 256 (weights 1024 x 256, biases
1024), gradients fixed and random. Both frameworks run single-threaded, interleaved in rounds
(benchmarks/_timing.py); the ratio is the median over quiet rounds of our time / torch's time
(torch in its default for-loop mode on CPU). Below 1 means faster than torch.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from _timing import interleaved_rounds  # noqa: E402

import tinygrad_rnn  # noqa: E402

SHAPES = [(1024, 256), (1024, 256), (1024,), (1024,)]
OPTIMIZERS = {
    "SGD": dict(lr=0.01, momentum=0.9), "Adam": {}, "AdamW": {}, "RMSprop": {}, "Adagrad": {}, "Adadelta": {},
    "Adamax": {}, "NAdam": {}, "RAdam": {}, "ASGD": {}, "Rprop": {}, "Adafactor": {}, "Muon": {},
}


def stepper(m: object, name: str) -> object:
    """A function doing one step of `name` on fresh parameters with fixed gradients."""
    rng = np.random.default_rng(0)
    shapes = [s for s in SHAPES if len(s) == 2] if name == "Muon" else SHAPES  # Muon takes matrices only
    params = [m.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in shapes]
    for p in params:
        p.grad = m.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 1e-3)
    opt = getattr(m.optim, name)(params, **OPTIMIZERS[name])
    return opt.step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=list(OPTIMIZERS))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'optimizer':10s} {'ours ms':>8s} {'torch ms':>9s} {'ratio':>6s}")
    for name in args.names:
        result = interleaved_rounds({"ours": stepper(tinygrad_rnn, name), "torch": stepper(torch, name)}, args.rounds)
        rounds = result.kept(max_load=0.5)
        noisy = " (noisy machine)" if result.is_noisy(max_load=0.5) else ""
        print(f"{name:10s} {result.median('ours', rounds) * 1e3:8.3f} {result.median('torch', rounds) * 1e3:9.3f} "
              f"{result.ratio('ours', ['torch'], rounds):6.2f}{noisy}")


if __name__ == "__main__":
    main()

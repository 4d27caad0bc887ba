"""Convolution speed, ours (im2col + one GEMM on numpy) against torch's CPU convolution.

    python benchmarks/bench_conv.py            # all shapes, a few rounds each (about a minute)
    python benchmarks/bench_conv.py --quick    # fewer rounds
    python benchmarks/bench_conv.py --shapes small,resnet

Every case is float32 with an input and weights that require grad. Forward only (under no_grad)
and forward+backward (loss = out.sum()) are timed for ours and for torch at 1 and at 2 threads (the
faster torch of each round is the reference). Candidates run in interleaved rounds in one process
and the printed ratio is the median per-round ours / torch (see _timing.py): below 1 is faster.
There is no target this round; the numbers say where im2col on numpy stands.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _timing import interleaved_rounds  # noqa: E402

import tinygrad_rnn  # noqa: E402


class Case(NamedTuple):
    kind: str  # "conv2d", "conv1d" or "conv_transpose2d"
    batch: int
    in_channels: int
    out_channels: int
    size: tuple  # spatial size of the input
    kernel: int
    stride: int = 1
    padding: int = 0
    groups: int = 1


CASES = {
    "small": Case("conv2d", 8, 3, 16, (32, 32), 3, padding=1),
    "resnet": Case("conv2d", 16, 64, 64, (28, 28), 3, padding=1),
    "strided": Case("conv2d", 16, 32, 64, (32, 32), 3, stride=2, padding=1),
    "depthwise": Case("conv2d", 16, 64, 64, (28, 28), 3, padding=1, groups=64),
    "pointwise": Case("conv2d", 16, 64, 128, (28, 28), 1),
    "conv1d": Case("conv1d", 32, 64, 64, (256,), 5, padding=2),
    "transpose": Case("conv_transpose2d", 8, 64, 32, (16, 16), 4, stride=2, padding=1),
}


def make_layer(m: Any, case: Case) -> Any:
    nd = len(case.size)
    cls = {"conv2d": m.nn.Conv2d, "conv1d": m.nn.Conv1d, "conv_transpose2d": m.nn.ConvTranspose2d}[case.kind]
    assert nd == (1 if case.kind == "conv1d" else 2)
    return cls(case.in_channels, case.out_channels, case.kernel, stride=case.stride, padding=case.padding,
               groups=case.groups)


def candidates_for(case: Case, torch: Any) -> dict:
    """name -> a zero-argument callable doing one forward or forward+backward."""
    x = np.random.default_rng(0).standard_normal((case.batch, case.in_channels) + case.size).astype(np.float32)
    ours_layer, torch_layer = make_layer(tinygrad_rnn, case), make_layer(torch, case)
    ours_layer.load_state_dict({k: tinygrad_rnn.tensor(v.detach().numpy()) for k, v in torch_layer.state_dict().items()})
    xo, xt = tinygrad_rnn.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)

    def forward(m: Any, layer: Any, t: Any) -> Any:
        def run() -> None:
            with m.no_grad():
                layer(t)
        return run

    def both(layer: Any, t: Any) -> Any:
        def run() -> None:
            layer(t).sum().backward()
            t.grad = None
            layer.zero_grad()
        return run

    return {
        "ours fwd": forward(tinygrad_rnn, ours_layer, xo), "ours f+b": both(ours_layer, xo),
        "torch1 fwd": forward(torch, torch_layer, xt), "torch1 f+b": both(torch_layer, xt),
        "torch2 fwd": forward(torch, torch_layer, xt), "torch2 f+b": both(torch_layer, xt),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 7")
    parser.add_argument("--shapes", default=",".join(CASES), help=f"comma-separated, from {','.join(CASES)}")
    args = parser.parse_args()
    import torch

    rounds = 3 if args.quick else 7
    print(f"numpy {np.__version__}, torch {torch.__version__}; ratio = ours / faster torch (1 or 2 threads), "
          f"median of {rounds} interleaved rounds\n")
    print(f"{'case':<10} {'shape':<48} {'fwd ratio':>9} {'f+b ratio':>9} {'ours f+b ms':>12}")
    for name in args.shapes.split(","):
        case = CASES[name]
        candidates = candidates_for(case, torch)
        threads = {k: 2 if k.startswith("torch2") else 1 for k in candidates}  # ours runs with torch at 1 thread
        setup = {k: (lambda n=n: torch.set_num_threads(n)) for k, n in threads.items()}
        result = interleaved_rounds(candidates, rounds, setup)
        kept = result.kept(max_load=0.5)
        fwd = result.ratio("ours fwd", ["torch1 fwd", "torch2 fwd"], kept)
        both = result.ratio("ours f+b", ["torch1 f+b", "torch2 f+b"], kept)
        noisy = " (noisy)" if result.is_noisy(0.5) else ""
        shape = (f"{case.kind} N={case.batch} {case.in_channels}->{case.out_channels} {'x'.join(map(str, case.size))} "
                 f"k{case.kernel} s{case.stride} g{case.groups}")
        print(f"{name:<10} {shape:<48} {fwd:>9.2f} {both:>9.2f} {result.median('ours f+b', kept) * 1e3:>12.2f}{noisy}")


if __name__ == "__main__":
    main()

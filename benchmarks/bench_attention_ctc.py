"""Speed of the attention layers and CTC loss, ours against torch's CPU kernels (a script, not a test).

    python benchmarks/bench_attention_ctc.py            # a few rounds per case, about a minute
    python benchmarks/bench_attention_ctc.py --rounds 9

Each case is forward + backward in float32 with inputs that require grad, torch at one thread
(ours computes in numpy, whose BLAS may use both cores). Rounds are interleaved and rounds during
which other processes were busy are dropped (see _timing.py). The printed ratio is ours / torch:
below 1 means we are faster. No goal is set yet: these numbers are the first baseline.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _timing import interleaved_rounds  # noqa: E402

import tinygrad_rnn  # noqa: E402

MAX_OTHER_LOAD = 0.3


def mha_case(m, batch: int = 8, length: int = 32, embed: int = 64):
    m.manual_seed(0)
    mha = m.nn.MultiheadAttention(embed, 4, batch_first=True)
    x = m.tensor(np.random.default_rng(0).standard_normal((batch, length, embed)).astype(np.float32),
                 requires_grad=True)
    return lambda: mha(x, x, x, need_weights=False)[0].sum().backward()


def encoder_case(m, batch: int = 8, length: int = 32, embed: int = 64):
    m.manual_seed(0)
    layer = m.nn.TransformerEncoderLayer(embed, 4, 4 * embed, dropout=0.1, batch_first=True)
    x = m.tensor(np.random.default_rng(0).standard_normal((batch, length, embed)).astype(np.float32),
                 requires_grad=True)
    return lambda: layer(x).sum().backward()


def ctc_case(m, frames: int = 50, batch: int = 8, classes: int = 20, target: int = 12):
    rng = np.random.default_rng(0)
    logits = m.tensor(rng.standard_normal((frames, batch, classes)).astype(np.float32), requires_grad=True)
    targets = m.tensor(rng.integers(1, classes, (batch, target)))
    lengths = m.tensor(np.full(batch, frames)), m.tensor(np.full(batch, target))
    return lambda: m.nn.functional.ctc_loss(logits.log_softmax(2), targets, *lengths).backward()


CASES = {"MultiheadAttention (8x32x64, 4 heads)": mha_case,
         "TransformerEncoderLayer (8x32x64)": encoder_case,
         "CTCLoss (T=50, N=8, C=20, S=12)": ctc_case}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    print(f"{'case':40s} {'ours ms':>9s} {'torch ms':>9s} {'ratio':>7s}  rounds kept")
    for name, build in CASES.items():
        result = interleaved_rounds({"ours": build(tinygrad_rnn), "torch": build(torch)}, args.rounds)
        kept = result.kept(MAX_OTHER_LOAD)
        noisy = " noisy" if result.is_noisy(MAX_OTHER_LOAD) else ""
        print(f"{name:40s} {result.median('ours', kept) * 1e3:9.2f} {result.median('torch', kept) * 1e3:9.2f} "
              f"{result.ratio('ours', ['torch'], kept):7.1f}  {len(kept)}/{args.rounds}{noisy}")


if __name__ == "__main__":
    main()

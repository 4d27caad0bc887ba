"""Run the differential harness and print what differs from torch, family by family.

    PYTHONPATH=. python tests/fuzz/report.py              # 100 calls a family
    PYTHONPATH=. python tests/fuzz/report.py -n 300 -v    # more calls, and every difference
    PYTHONPATH=. python tests/fuzz/report.py --only layers,losses
    PYTHONPATH=. python tests/fuzz/report.py -n 400 --seed 3   # other draws than the fixed default ones
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog import CATALOG  # noqa: E402
from differential import Verdict, compare  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402


def collect(strategy, n: int, torch, draw_seed: int | None = None) -> list[Verdict]:
    verdicts: list[Verdict] = []

    @settings(max_examples=n, database=None, derandomize=draw_seed is None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(call):
        verdicts.append(compare(call, torch))

    (run if draw_seed is None else seed(draw_seed)(run))()
    return verdicts


def main() -> None:
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="calls per family")
    parser.add_argument("-v", action="store_true", help="print every difference")
    parser.add_argument("--only", default="", help="comma-separated families")
    parser.add_argument("--seed", type=int, default=None, help="draw with this seed instead of the fixed draws")
    args = parser.parse_args()
    totals: collections.Counter = collections.Counter()
    for family, strategy in CATALOG.items():
        if args.only and family not in args.only.split(","):
            continue
        verdicts = collect(strategy, args.n, torch, args.seed)
        counts = collections.Counter(v.category for v in verdicts)
        totals.update(counts)
        print(f"{family:18s} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        if args.v:
            for v in verdicts:
                if not v.ok:
                    print("   ", str(v)[:400])
    print("total", sum(totals.values()), dict(totals))


if __name__ == "__main__":
    main()

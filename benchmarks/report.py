"""One run that reports every speed and memory number of issue 15, ours against torch 2.13's CPU.

    python benchmarks/report.py            # everything, full rounds (about half an hour on 2 cores)
    python benchmarks/report.py --quick    # fewer, shorter rounds; no contention section (minutes)
    python benchmarks/report.py --write    # also rewrite benchmarks/results.md, docs/img/scaling.png and
                                           # the tables of README.md's "Speed" section

What it measures, all in this one process except the memory (fresh processes, see _memory.py):
- nn.RNN, nn.GRU and nn.LSTM at every shape of issue 15 (_families.py): forward+backward and
  forward-only (no_grad), in interleaved, warmed-up rounds with torch at 1 and at 2 threads; each
  ratio is the median over the quiet rounds of ours / the faster torch of that round (_timing.py);
- where the time goes: three floors of each case: the GEMM floor and the sequential floor (the
  dependent per-step products plus the tanh calls each step waits for) (_families.py), with
  numpy's BLAS peak timed inside the same rounds, and the kernel-products floor: our kernel's own
  products on the thread counts it gives them (_products.py);
- per op: the marginal forward+backward cost of one op and the fixed cost of one backward()
  (bench_ops.py, this thread's CPU time);
- peak memory of one forward+backward on the large shape, each family;
- the price of fixed BLAS thread counts under contention (full run, or --contention);
- a scaling chart: time and peak memory against seq_len and hidden_size (needs matplotlib).
It ends with every target of issue 15, met or missed, and for a miss whether a floor stops it.
The output is markdown: the same text goes to stdout and, with --write, to benchmarks/results.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _chart  # noqa: E402
import _families as fam  # noqa: E402
import _memory  # noqa: E402
import _products  # noqa: E402
import bench_ops  # noqa: E402
import step_floor  # noqa: E402
from _timing import LoadMeter, interleaved_rounds  # noqa: E402
from bench_rnn import machine, measure_contention  # noqa: E402

import tinygrad_rnn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAX_OTHER_LOAD = 0.3  # rounds during which other processes kept more cores busy are dropped
MEMORY_SHAPE = "large"
README_START, README_END = "<!-- report:start -->", "<!-- report:end -->"
CONTENTION_START, CONTENTION_END = "<!-- report:contention:start -->", "<!-- report:contention:end -->"


class Mode:
    """How hard to measure: rounds, block and warm-up seconds, and the chart's sweep points."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rounds = {"full": 7, "quick": 3, "tiny": 1}[name]
        self.block = {"full": 0.1, "quick": 0.02, "tiny": 0.0}[name]
        self.warmup = {"full": 0.15, "quick": 0.05, "tiny": 0.0}[name]
        self.seq_lens = {"full": [10, 25, 50, 100, 200], "quick": [10, 50, 200], "tiny": [3, 6]}[name]
        self.hidden_sizes = {"full": [32, 64, 128, 256, 512], "quick": [32, 128, 512], "tiny": [4, 8]}[name]
        self.shapes = ["seed"] if name == "tiny" else list(fam.SHAPES)
        self.peak_size = 256 if name == "tiny" else fam.PEAK_SIZE
        self.memory_shape = "seed" if name == "tiny" else MEMORY_SHAPE


# ---------------------------------------------------------------- measuring
def time_case(torch: Any, family: str, shape: fam.Shape, mode: Mode, peak: Any) -> dict:
    """One family at one shape: ratios and milliseconds, fwd and f+b, and numpy's peak in the same rounds."""
    ours_f, ours_fb = fam.closures(tinygrad_rnn, family, shape)
    torch_f, torch_fb = fam.closures(torch, family, shape)
    candidates = {"ours fwd": ours_f, "ours f+b": ours_fb, "torch1 fwd": torch_f, "torch1 f+b": torch_fb,
                  "torch2 fwd": torch_f, "torch2 f+b": torch_fb, "peak": peak}
    setup = {k: (lambda n=int(k[5]): torch.set_num_threads(n)) for k in candidates if k.startswith("torch")}
    result = interleaved_rounds(candidates, mode.rounds, setup, seconds=mode.block, warmup=mode.warmup)
    kept = result.kept(MAX_OTHER_LOAD)
    meter = LoadMeter()  # (the floor is a best of runs: only a neighbour busy through all of them raises it)
    meter.start()
    products = _products.products_floor(family, shape)
    products_noisy = meter.stop() > MAX_OTHER_LOAD
    row = {"rounds": f"{len(kept)}/{mode.rounds}" + (" noisy" if result.is_noisy(MAX_OTHER_LOAD) else ""),
           "peak GFLOP/s": max(fam.peak_gflops(result.times["peak"][i], mode.peak_size) for i in kept),
           "fwd kernel products ms": products.forward * 1e3,
           "f+b kernel products ms": (products.forward + products.backward) * 1e3,
           "products threaded": products.threaded, "products noisy": products_noisy}
    # the kernel floor: those products and the elementwise calls each step needs
    elementwise = step_floor.elementwise_floor_ms(family, (shape.seq_len, shape.batch, shape.input_size,
                                                           shape.hidden_size), layers=shape.num_layers)
    for kind, ms in zip(("fwd", "f+b"), elementwise):
        row[f"{kind} kernel floor ms"] = row[f"{kind} kernel products ms"] + ms
    for kind in ("fwd", "f+b"):
        reference = [f"torch1 {kind}", f"torch2 {kind}"]
        row[f"{kind} ratio"] = result.ratio(f"ours {kind}", reference, kept)
        row[f"{kind} ours ms"] = result.median(f"ours {kind}", kept) * 1e3
        row[f"{kind} torch ms"] = min(result.median(r, kept) for r in reference) * 1e3
        row[f"{kind} torch threads"] = min((1, 2), key=lambda n: result.median(f"torch{n} {kind}", kept))
        backward = kind == "f+b"
        row[f"{kind} MFLOP"] = fam.gemm_flops(family, shape, backward) / 1e6
        floor = fam.sequential_floor(family, shape, backward)
        row[f"{kind} seq products ms"], row[f"{kind} seq tanh ms"] = floor.products * 1e3, floor.tanh * 1e3
        row[f"{kind} seq floor ms"] = floor.total * 1e3
    return row


def time_families(torch: Any, mode: Mode) -> dict:
    rows, peak = {}, fam.peak_product(mode.peak_size)
    for shape_name in mode.shapes:
        for family in fam.FAMILIES:
            rows[family, shape_name] = r = time_case(torch, family, fam.SHAPES[shape_name], mode, peak)
            print(f"  {family} {shape_name}: f+b {r['f+b ratio']:.2f} fwd {r['fwd ratio']:.2f} "
                  f"(ours f+b {r['f+b ours ms']:.3f} ms, torch {r['f+b torch ms']:.3f} ms; rounds {r['rounds']})",
                  file=sys.stderr, flush=True)
    peak_all = max(r["peak GFLOP/s"] for r in rows.values())  # the best the machine showed during the run
    for r in rows.values():
        r["peak GFLOP/s"] = peak_all
        for kind in ("fwd", "f+b"):
            r[f"{kind} gemm floor ms"] = r[f"{kind} MFLOP"] / peak_all  # MFLOP / (GFLOP/s) = ms
    return rows


def memory(points: list) -> dict:
    """{(family, shape): {"ours": {...}, "torch": {...}}}: one fresh process per library measures
    every point (empty off Linux)."""
    if not _memory.available():
        return {}
    points = list(dict.fromkeys(points))
    as_json = [(family, list(shape)) for family, shape in points]
    ours = _memory.measure(__file__, "ours", as_json)
    theirs = _memory.measure(__file__, "torch", as_json)
    return {point: {"ours": o, "torch": t} for point, o, t in zip(points, ours, theirs)}


def sweeps(torch: Any, mode: Mode) -> dict:
    """Time of f+b against seq_len (hidden 128) and hidden_size (seq_len 50), input 64, batch 32
    (memory is added by add_memory)."""
    base = fam.Shape(64, 128, 50, 32) if mode.name != "tiny" else fam.Shape(4, 4, 3, 2)
    axes = {"seq_len": [base._replace(seq_len=n) for n in mode.seq_lens],
            "hidden_size": [base._replace(hidden_size=n) for n in mode.hidden_sizes]}
    found: dict = {}
    for axis, shapes in axes.items():
        for family in fam.FAMILIES:
            data = found.setdefault(axis, {})[family] = {"x": [getattr(s, axis) for s in shapes],
                                                         "ours ms": [], "torch ms": []}
            for shape in shapes:
                _, ours_fb = fam.closures(tinygrad_rnn, family, shape)
                _, torch_fb = fam.closures(torch, family, shape)
                candidates = {"ours": ours_fb, "torch1": torch_fb, "torch2": torch_fb}
                setup = {"torch1": lambda: torch.set_num_threads(1), "torch2": lambda: torch.set_num_threads(2)}
                result = interleaved_rounds(candidates, max(2, mode.rounds // 2), setup, seconds=mode.block,
                                            warmup=mode.warmup)
                kept = result.kept(MAX_OTHER_LOAD)
                data["ours ms"].append(result.median("ours", kept) * 1e3)
                data["torch ms"].append(min(result.median(t, kept) for t in ("torch1", "torch2")) * 1e3)
            data["shapes"] = shapes
        print(f"  sweep over {axis} done", file=sys.stderr, flush=True)
    return found


def add_memory(found: dict, mem: dict) -> None:
    """Put each sweep point's peak memory (from `memory`) beside its time."""
    for families in found.values():
        for family, data in families.items():
            for who in ("ours", "torch"):
                data[f"{who} MB"] = [mem[family, s][who]["rss_mb"] if (family, s) in mem else None
                                     for s in data["shapes"]]


def sweep_points(found: dict) -> list:
    return [(family, s) for families in found.values() for family, data in families.items() for s in data["shapes"]]


# ---------------------------------------------------------------- judging
def _products_floor_name(row: dict) -> str:
    """The kernel-products floor's name in the notes: "one-thread" when every product of the case
    runs on one BLAS thread (blas_threads' size limits)."""
    return "kernel-products floor" if row["products threaded"] else "one-thread products floor"


def _floor_note(row: dict, kind: str, target: float) -> str:
    """Why a target is missed: the floors above it, highest first, or none. The GEMM and sequential
    floors are out of reach for any numpy kernel; the kernel-products floor only for ours, as it
    comes from our one-thread rule (reproducibility), not from numpy."""
    torch_ms = row[f"{kind} torch ms"]
    floors = {"GEMM floor": row[f"{kind} gemm floor ms"], "sequential floor": row[f"{kind} seq floor ms"],
              _products_floor_name(row): row[f"{kind} kernel products ms"]}
    if f"{kind} kernel floor ms" in row:
        floors["kernel floor"] = row[f"{kind} kernel floor ms"]
    above = sorted(((ms / torch_ms, name) for name, ms in floors.items() if ms / torch_ms > target), reverse=True)
    if not above:
        ratio, name = max((ms / torch_ms, name) for name, ms in floors.items())
        return f"no floor stops it (highest: {name}, {ratio:.2f}x torch): per-step work and bookkeeping"
    return "; ".join(f"stopped by the {name} ({ratio:.2f}x torch alone{_floor_detail(row, kind, name)})"
                     for ratio, name in above)


def _floor_detail(row: dict, kind: str, name: str) -> str:
    torch_ms = row[f"{kind} torch ms"]
    if name == "sequential floor":
        return (f": products {row[f'{kind} seq products ms'] / torch_ms:.2f}"
                f" + tanh {row[f'{kind} seq tanh ms'] / torch_ms:.2f}")
    busy = "; timed while the machine was busy" if row.get("products noisy") else ""
    if name == "one-thread products floor":
        return (": our kernel's own products, each on one BLAS thread, a choice we make for reproducible "
                f"bits, not a limit of numpy{busy}")
    if name == "kernel-products floor":
        return (": our kernel's own products on the thread counts it gives them (one thread below "
                f"blas_threads' size limits, for reproducible bits), not a limit of numpy{busy}")
    if name == "kernel floor":
        return (": those products plus the elementwise numpy calls each step of our kernel needs, each timed "
                "alone (benchmarks/step_floor.py, lstm_step_floor.py); a floor of our kernel and its bits, not of "
                f"numpy{busy}")
    return ""


def _python_note(floor_us: float, torch_us: float) -> str:
    """Why a per-op target is missed: Python's own floor (a minimal autograd's time) above it, or our bookkeeping."""
    ratio = floor_us / torch_us
    if ratio > 1.0:
        return f"stopped by Python: a minimal autograd alone takes {ratio:.2f}x torch"
    return f"no floor stops it (a minimal Python autograd: {ratio:.2f}x torch): our per-op bookkeeping"


def targets(families: dict, ops: dict, mem: dict) -> list[tuple]:
    """(what, ratio, target, met, note) for every target of issue 15."""
    found = []
    for (family, shape), row in families.items():
        for kind, table in (("f+b", fam.FB_TARGETS), ("fwd", fam.FWD_TARGETS)):
            target, ratio = table[family][shape], row[f"{kind} ratio"]
            met = ratio <= target
            found.append((f"{family} {shape} {'forward+backward' if kind == 'f+b' else 'forward-only'}",
                           ratio, target, met, "" if met else _floor_note(row, kind, target)))
    for case, target in bench_ops.TARGETS.items():
        ours_us, torch_us, ratio, floor_us = ops[case]
        found.append((case, ratio, target, ratio <= target, "" if ratio <= target else _python_note(floor_us, torch_us)))
    for family, m in mem.items():
        ratio = m["ours"]["rss_mb"] / max(m["torch"]["rss_mb"], 1e-9)
        found.append((f"{family} peak memory of one forward+backward", ratio, 1.0, ratio <= 1.0, ""))
    return found


# ---------------------------------------------------------------- markdown
def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _mark(ratio: float, target: float) -> str:
    return f"{ratio:.2f}" + ("" if ratio <= target else " !")


def family_table(families: dict, mode: Mode) -> str:
    rows = []
    for family in fam.FAMILIES:
        fb = [_mark(families[family, s]["f+b ratio"], fam.FB_TARGETS[family][s]) for s in mode.shapes]
        fwd = [_mark(families[family, s]["fwd ratio"], fam.FWD_TARGETS[family][s]) for s in mode.shapes]
        rows.append([family, " / ".join(fb), " / ".join(fwd)])
    shapes = " / ".join(mode.shapes)
    return _table(["family", f"fwd+bwd {shapes}", f"forward-only (no_grad) {shapes}"], rows)


def times_table(families: dict) -> str:
    rows = [[f"{family} {shape}", f"{r['f+b ours ms']:.3g}", f"{r['f+b torch ms']:.3g} ({r['f+b torch threads']})",
             f"{r['fwd ours ms']:.3g}", f"{r['fwd torch ms']:.3g} ({r['fwd torch threads']})", r["rounds"]]
            for (family, shape), r in families.items()]
    return _table(["case", "ours f+b ms", "torch f+b ms (threads)", "ours fwd ms", "torch fwd ms (threads)",
                   "quiet rounds"], rows)


def floors_table(families: dict) -> str:
    rows = []
    for (family, shape), r in families.items():
        for kind in ("f+b", "fwd"):
            torch_ms = r[f"{kind} torch ms"]
            floors = [f"{r[f'{kind} {key} ms']:.3g} ({r[f'{kind} {key} ms'] / torch_ms:.2f})"
                      for key in ("gemm floor", "seq products", "seq tanh", "seq floor", "kernel products")]
            floors[-1] += ("" if r["products threaded"] else " 1T") + (" noisy" if r["products noisy"] else "")
            kernel = r.get(f"{kind} kernel floor ms")
            floors.append("–" if kernel is None else f"{kernel:.3g} ({kernel / torch_ms:.2f})")
            rows.append([f"{family} {shape} {kind}", f"{r[f'{kind} MFLOP']:.3g}",
                         f"{r[f'{kind} MFLOP'] / r[f'{kind} ours ms']:.1f}", f"{r[f'{kind} MFLOP'] / torch_ms:.1f}",
                         *floors])
    return _table(["case", "MFLOP (products)", "ours GFLOP/s", "torch GFLOP/s", "GEMM floor ms (/torch)",
                   "dependent products ms (/torch)", "their tanh ms (/torch)", "sequential floor ms (/torch)",
                   "kernel-products floor ms (/torch)", "kernel floor ms (/torch)"], rows)


def ops_table(ops: dict) -> str:
    rows = [[case, f"{o:.2f} us", f"{t:.2f} us", _mark(r, bench_ops.TARGETS.get(case, float("inf"))), f"{f:.2f} us"]
            for case, (o, t, r, f) in ops.items()]
    return _table(["case (2x2 float32)", "ours", "torch", "ratio", "minimal Python autograd"], rows)


def memory_table(mem: dict, shape: str) -> str:
    rows = [[f"{family} {shape}", f"{m['ours']['rss_mb']:.1f} MB", f"{m['ours']['tracemalloc_mb']:.1f} MB",
             f"{m['torch']['rss_mb']:.1f} MB", _mark(m["ours"]["rss_mb"] / max(m["torch"]["rss_mb"], 1e-9), 1.0)]
            for family, m in mem.items()]
    return _table(["case", "ours (peak RSS growth)", "ours (tracemalloc peak)", "torch (peak RSS growth)",
                   "ours / torch"], rows)


def contention_table(found: dict) -> str:
    keys = ["1 thread, alone", "2 threads, alone", "1 thread, busy", "2 threads, busy"]
    rows = [[f"RNN {name}"] + [f"{r[k]:.3g}" for k in keys] + [f"{r['2 threads, busy'] / r['1 thread, busy']:.2f}"]
            for name, r in found.items()]
    return _table(["fused f+b, ms"] + keys + ["busy: 2 threads / 1"], rows)


def targets_table(found: list) -> str:
    rows = [[what, f"{ratio:.2f}", f"{target}", "met" if met else "**missed**", note]
            for what, ratio, target, met, note in found]
    return _table(["target (ours / torch)", "measured", "at most", "", "what stops it"], rows)


def _noise_note(families: dict) -> str:
    noisy = sum("noisy" in r["rounds"] for r in families.values())
    if not noisy:
        return ""
    return (f"\n\n{noisy} of {len(families)} cases had too few quiet rounds (other processes kept more than "
            f"{MAX_OTHER_LOAD} cores busy): their ratios come from the least busy rounds and may be far off.")


def summary(families: dict, ops: dict, mem: dict, mode: Mode) -> str:
    """The part README.md shows: the family table, per op, memory."""
    parts = [f"`python benchmarks/report.py` ({mode.name} run), ours / torch, lower is better, `!` = target of "
             "issue 15 missed. Shapes input/hidden/seq/batch: " + ", ".join(
                 f"{s} {'/'.join(str(v) for v in fam.SHAPES[s][:4])}" + (" (2 layers)" if fam.SHAPES[s].num_layers > 1 else "")
                 for s in mode.shapes) + ".",
             family_table(families, mode) + _noise_note(families),
             "Per op (`python benchmarks/bench_ops.py`: tiny tensors, so this is bookkeeping, not arithmetic; the last "
             "column is the least Python any autograd must run, benchmarks/_minimal_autograd.py):",
             ops_table(ops)]
    if mem:
        parts += [f"Peak memory of one forward+backward, {mode.memory_shape} shape (how: benchmarks/results.md):",
                  memory_table(mem, mode.memory_shape)]
    return "\n\n".join(parts)


def full_report(header: str, families: dict, ops: dict, mem: dict, contention: dict, found: list,
                chart: str | None, mode: Mode) -> str:
    mem_how = (_memory.__doc__ or "").split("\n\n")[0].replace("\n", " ") if mem else ""
    parts = ["# Speed report", "Generated by `python benchmarks/report.py --write`; do not edit by hand.", header,
             "## Ratios", summary(families, ops, mem, mode),
             "## Times", "Medians over the quiet rounds; torch at its faster thread count (in brackets).",
             times_table(families),
             "## Where the time goes",
             "Matrix-product FLOPs of the call, the rate each side reaches, and two lower bounds for any "
             "kernel built on numpy: the GEMM floor (all those FLOPs at numpy's measured BLAS peak, "
             f"{families[next(iter(families))]['peak GFLOP/s']:.0f} GFLOP/s on a {mode.peak_size}^3 float32 product) and the "
             "sequential floor: what every time step must do after the step before, one step after another. "
             "It is the sum of two columns, each timed alone with numpy on the case's shapes: the dependent "
             "products (h W_hh^T of each step, and dpre W_hh of each step in backward, with the kernels' thread "
             "count) and their tanh, the transcendental calls of each forward step on its gate arrays, which "
             "wait for that step's product (RNN: tanh of the new state; GRU: one tanh over r and z, a sigmoid "
             "being 0.5 tanh(x/2) + 0.5, then tanh of n, which needs r; LSTM: one tanh over all four gates, "
             "then tanh(c); backward reads saved activations and calls none). The rest of a step's elementwise "
             "work (adds, products with the gates, the backward's derivatives) and all Python come on top, so "
             "no numpy kernel reaches the floor. Each floor is shown in ms and, in brackets, divided by torch's "
             "time: above a target, that target is out of reach for a numpy kernel.",
             "The last column is a third floor, for OUR kernels only: the kernel-products floor, every matrix "
             "product our fused kernel runs for the call (input projections, per-step products, and in backward "
             "the per-step products, dx and the weight gradients; benchmarks/_products.py), with the same "
             "shapes and split, each timed alone on the thread count the kernel gives it. To keep the bits the "
             "same whatever the machine's load, a product runs on one BLAS thread until it is large "
             "(backend/blas_threads.py; `1T` marks a case whose products all run on one thread): so this "
             "floor comes from our reproducibility choice, not from numpy, and a target above it is out of "
             "reach only while we keep that choice. Each product group's time is the best of up to "
             f"{_products.REPEAT} runs; `noisy` marks a case during whose floor timing other processes kept "
             f"more than {MAX_OTHER_LOAD} cores busy (then its multi-threaded products may be far slower than "
             "on a quiet machine).",
             "The kernel floor adds to those products the elementwise numpy calls each time step of our kernel "
             "needs, each timed alone on its shape, and those it makes once a call (benchmarks/step_floor.py; "
             "for the LSTM benchmarks/lstm_step_floor.py). RNN: the add of the step's product and tanh "
             "forward, two calls backward, the biases' add and backward's tanh' and bias sums once. GRU: ten "
             "calls forward (one exp for r and z), five calls and three copies backward, the sigmoids, gate "
             "factors and bias sums once. LSTM: the pre-activation add, one tanh over the four gates, two "
             "calls making three of them sigmoids, the cell and output updates forward; five calls and three "
             "copies, and the gate factors of each block of steps, backward. At a batch of 8 and hidden "
             "size 64 each call costs about as much as a small product, so the count of calls is the cost. "
             "Like the kernel-products floor, it is a floor of our kernel (its formulation and its bits), "
             "not of numpy.",
             floors_table(families)]
    if mem:
        parts += ["## Memory", mem_how + " " + _memory.__doc__.split("\n\n")[1].replace("\n", " ")]
    if contention:
        parts += ["## Fixed BLAS threads under contention",
                  "Our fused RNN forward+backward at a fixed thread count, alone and while a busy loop takes one "
                  "core (`python benchmarks/report.py --contention`).", contention_table(contention)]
    parts += ["## Targets of issue 15", targets_table(found)]
    if chart:
        parts += ["## Scaling", f"![time and peak memory against seq_len and hidden_size]({chart})"]
    return "\n\n".join(parts) + "\n"


def replace_block(text: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {start} ... {end} block to replace")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


# ---------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds, no contention section")
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # the test's smoke run
    parser.add_argument("--write", action="store_true", help="rewrite benchmarks/results.md, the chart and README's tables")
    parser.add_argument("--out", type=Path, default=ROOT, help="root to --write into (default: this repository)")
    parser.add_argument("--contention", action="store_true", help="measure the contention section in --quick too")
    parser.add_argument("--no-chart", action="store_true", help="skip the scaling sweeps and chart")
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(_memory.child(args.memory_child[0], json.loads(args.memory_child[1]))))
        return
    import torch

    mode = Mode("tiny" if args.tiny else "quick" if args.quick else "full")
    started = time.perf_counter()
    header = (f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {machine()}; "
              f"torch {torch.__version__}; {mode.name} run.")
    print(header, file=sys.stderr)
    families = time_families(torch, mode)
    ops = bench_ops.measure(torch, rounds=mode.rounds + 2, block=max(mode.block, 0.01), warmup=mode.warmup)
    contention = {}
    if args.contention or mode.name == "full":
        contention = {name: measure_contention(name, mode.rounds, max(mode.block, 0.3)) for name in ("medium", "large")}
    curves = {} if args.no_chart else sweeps(torch, mode)
    table_points = [(family, fam.SHAPES[mode.memory_shape]) for family in fam.FAMILIES]
    all_memory = memory(table_points + sweep_points(curves))
    mem = {family: all_memory[family, shape] for family, shape in table_points if (family, shape) in all_memory}
    chart = None
    if curves:
        add_memory(curves, all_memory)
        drawn = _chart.draw(curves, args.out / "docs" / "img" / "scaling.png")
        chart = "../docs/img/scaling.png" if drawn else None
        if not drawn:
            print("matplotlib is not installed: no scaling chart", file=sys.stderr)
    found = targets(families, ops, mem)
    header += f" The run took {time.perf_counter() - started:.0f} s."
    report = full_report(header, families, ops, mem, contention, found, chart, mode)
    print(report)
    if args.write:
        (args.out / "benchmarks").mkdir(parents=True, exist_ok=True)
        (args.out / "benchmarks" / "results.md").write_text(report)
        readme = args.out / "README.md"
        if readme.exists():
            block = summary(families, ops, mem, mode)
            if chart:
                block += "\n\n![time and peak memory against seq_len and hidden_size](docs/img/scaling.png)"
            text = replace_block(readme.read_text(), README_START, README_END, block)
            if contention:
                text = replace_block(text, CONTENTION_START, CONTENTION_END, contention_table(contention))
            readme.write_text(text)


if __name__ == "__main__":
    main()

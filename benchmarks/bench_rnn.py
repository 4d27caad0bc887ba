"""nn.RNN speed and memory, ours (fused and composed paths) against torch's CPU nn.RNN.

A focused tool (the composed path, bidirectional, packed sequences); benchmarks/report.py measures
all three families at every shape of issue 15 in one run and writes the README's tables.

    python benchmarks/bench_rnn.py            # full run, a few minutes
    python benchmarks/bench_rnn.py --quick    # under a minute, fewer rounds
    python benchmarks/bench_rnn.py --shapes seed,large
    python benchmarks/bench_rnn.py --contention --shapes medium,large   # the cost of fixed BLAS threads

Every shape is float32 with h_0 = None and an input that requires grad; the loss is
`out.sum() + h_n.sum()`. Forward only (under no_grad) and forward+backward are timed for our fused
path, our composed path, and torch at 1 and at 2 threads (the faster torch of each round is the
reference). See _timing.py for how rounds are interleaved, warmed up and filtered for noise.
The printed ratios are ours / torch: below 1 means we are faster.

Memory: the peak growth of resident memory during one forward+backward on the large shape, each
measured in a fresh subprocess after the model, the input and the libraries' buffers exist (Linux:
the peak is reset through /proc/self/clear_refs and read from VmHWM); for ours also the tracemalloc
peak (numpy reports its array allocations to tracemalloc).

The environment matters: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some of our machines for
an old OpenBLAS) pick a slower kernel in a current numpy. The header says which kernel ran.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _memory import available as reset_peak  # noqa: E402
from _memory import resident_kb  # noqa: E402
from _timing import interleaved_rounds, warm  # noqa: E402

import tinygrad_rnn  # noqa: E402


class Shape(NamedTuple):
    input_size: int
    hidden_size: int
    seq_len: int
    batch: int
    num_layers: int = 1
    bidirectional: bool = False


SHAPES = {
    "seed": Shape(4, 2, 5, 3),
    "small": Shape(10, 20, 5, 3, num_layers=2),
    "medium": Shape(64, 128, 50, 32),
    "large": Shape(256, 512, 100, 64),
    "long": Shape(32, 64, 1000, 8),
    "bidir2": Shape(64, 128, 50, 32, num_layers=2, bidirectional=True),
}

# Targets from issue 6 (ours / torch; lower is better). Forward-only fused: 0.8 everywhere.
FUSED_TARGETS = {"seed": 0.35, "small": 0.35, "long": 0.35, "medium": 0.6, "bidir2": 0.75, "large": 0.95}
COMPOSED_TARGETS = {"seed": 1.0, "small": 1.0, "medium": 1.5, "large": 2.0, "long": 2.0}
FORWARD_TARGET, MEMORY_TARGET, GEMM_PEAK_TARGET = 0.8, 1.2, 0.65
MAX_OTHER_LOAD = 0.3  # drop rounds during which other processes kept more than this many cores busy


# ---------------------------------------------------------------- the candidates
def ours(shape: Shape, composed: bool) -> tuple:
    """(forward, forward+backward) closures for our nn.RNN on one path."""
    rnn = tinygrad_rnn.nn.RNN(shape.input_size, shape.hidden_size, shape.num_layers,
                              bidirectional=shape.bidirectional)
    x = tinygrad_rnn.randn(shape.seq_len, shape.batch, shape.input_size, requires_grad=True)

    def forward() -> None:
        with tinygrad_rnn.no_grad():
            rnn(x)

    def forward_backward() -> None:
        out, h_n = rnn(x)
        (out.sum() + h_n.sum()).backward()

    if not composed:
        return forward, forward_backward
    return _composed(forward), _composed(forward_backward)


def _composed(fn: Any) -> Any:
    def run() -> None:
        with tinygrad_rnn.backends.composed_rnn():
            fn()

    return run


def theirs(torch: Any, shape: Shape) -> tuple:
    """(forward, forward+backward) closures for torch.nn.RNN."""
    rnn = torch.nn.RNN(shape.input_size, shape.hidden_size, shape.num_layers, bidirectional=shape.bidirectional)
    x = torch.randn(shape.seq_len, shape.batch, shape.input_size, requires_grad=True)

    def forward() -> None:
        with torch.no_grad():
            rnn(x)

    def forward_backward() -> None:
        out, h_n = rnn(x)
        (out.sum() + h_n.sum()).backward()

    return forward, forward_backward


def measure_shape(torch: Any, name: str, rounds: int, block: float, composed: bool = True) -> dict:
    shape = SHAPES[name]
    fused_f, fused_fb = ours(shape, composed=False)
    torch_f, torch_fb = theirs(torch, shape)
    candidates = {"fused fwd": fused_f, "fused f+b": fused_fb,
                  "torch1 fwd": torch_f, "torch1 f+b": torch_fb, "torch2 fwd": torch_f, "torch2 f+b": torch_fb}
    if composed:
        candidates["composed fwd"], candidates["composed f+b"] = ours(shape, composed=True)
    if name == "large":  # the GEMM peak in the same rounds, so both come from the same quiet spells
        square = np.random.default_rng(0).standard_normal((PEAK_SIZE, PEAK_SIZE), dtype=np.float32)
        candidates["gemm peak"] = lambda: square @ square
    threads = {"torch1 fwd": 1, "torch1 f+b": 1, "torch2 fwd": 2, "torch2 f+b": 2}
    setup = {k: (lambda n=n: torch.set_num_threads(n)) for k, n in threads.items()}
    result = interleaved_rounds(candidates, rounds, setup, seconds=block)
    kept = result.kept(MAX_OTHER_LOAD)
    row = {"kept": len(kept), "rounds": rounds, "noisy": result.is_noisy(MAX_OTHER_LOAD),
           "load": float(np.median(result.loads))}
    for mode in ("fwd", "f+b"):
        reference = [f"torch1 {mode}", f"torch2 {mode}"]
        row[f"torch {mode} ms"] = min(result.median(r, kept) for r in reference) * 1e3
        for path in ("fused", "composed") if composed else ("fused",):
            row[f"{path} {mode}"] = result.ratio(f"{path} {mode}", reference, kept)
            row[f"{path} {mode} ms"] = result.median(f"{path} {mode}", kept) * 1e3
    if "gemm peak" in candidates:
        row["gemm peak GFLOP/s"] = 2 * PEAK_SIZE**3 / min(result.times["gemm peak"][i] for i in kept) / 1e9
    return row


# ---------------------------------------------------------------- GEMM peak and memory
PEAK_SIZE = 2048  # the square float32 product whose speed is "numpy's GEMM peak"


def gemm_peak_gflops(seconds: float = 0.3, size: int = PEAK_SIZE) -> float:
    """numpy's float32 GEMM throughput on a large square product: the best of a few blocks."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    best = 0.0
    warm(lambda: a @ a)
    for _ in range(5):
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            a @ a
            calls += 1
        best = max(best, 2 * size**3 * calls / (time.perf_counter() - start) / 1e9)
    return best


def rnn_flops(shape: Shape) -> float:
    """Multiply-adds x 2 of one forward+backward (GEMMs only): forward x@W_ih^T and h@W_hh^T,
    backward dx, dW_ih, dh and dW_hh: three products of each size per layer and direction."""
    directions = 2 if shape.bidirectional else 1
    total = 0.0
    for layer in range(shape.num_layers):
        inputs = shape.input_size if layer == 0 else directions * shape.hidden_size
        total += directions * 6 * shape.seq_len * shape.batch * shape.hidden_size * (inputs + shape.hidden_size)
    return total


def memory_child(which: str, name: str) -> None:
    """Runs in a subprocess: print the peak memory growth of one forward+backward, as JSON.

    Growth = peak resident memory during the call (VmHWM, reset just before) minus the resident
    memory before it, so everything allocated and freed inside the call counts, and nothing that
    happened earlier (importing torch, building the model) does."""
    shape = SHAPES[name]
    if which == "torch":
        import torch

        torch.set_num_threads(1)
        _, tiny = theirs(torch, SHAPES["seed"])
        _, run = theirs(torch, shape)
    else:
        _, tiny = ours(SHAPES["seed"], composed=which == "composed")
        _, run = ours(shape, composed=which == "composed")
    tiny()  # library buffers (BLAS, thread pools) exist before the baseline
    np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32)
    if not reset_peak():
        raise SystemExit("needs /proc/self/clear_refs (Linux) to measure peak memory")
    before, _ = resident_kb()
    run()
    result = {"peak_mb": (resident_kb()[1] - before) / 1024}
    if which != "torch":
        tracemalloc.start()
        run()  # the second run also accumulates into existing .grad buffers: a slight undercount
        result["tracemalloc_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(json.dumps(result))


def measure_memory(name: str, which_ones: tuple) -> dict:
    found = {}
    for which in which_ones:
        out = subprocess.run([sys.executable, __file__, "--memory-child", which, name], capture_output=True,
                             text=True, check=True)
        found[which] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


# ---------------------------------------------------------------- contention: the price of reproducibility
BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


def measure_contention(name: str, rounds: int, block: float) -> dict:
    """Our fused forward+backward at 1 and at 2 BLAS threads, alone and while another process keeps
    one core busy (a busy loop, started and stopped around each block), interleaved in rounds.

    Thread counts are fixed for reproducibility (see kernels/blas_threads.py); this shows what that
    costs when a neighbour takes a core: the 2-thread time while busy, against the 1-thread time
    (what a load-following choice would have picked)."""
    _, run = ours(SHAPES[name], composed=False)
    times: dict[str, list[float]] = {}
    for r in range(rounds):
        for busy in (False, True) if r % 2 == 0 else (True, False):
            burner = subprocess.Popen([sys.executable, "-c", BURN.format(seconds=60)]) if busy else None
            try:
                time.sleep(0.05 if busy else 0.0)
                for threads in (1, 2):
                    tinygrad_rnn.set_num_threads(threads)
                    warm(run)
                    start, calls = time.perf_counter(), 0
                    while calls == 0 or time.perf_counter() - start < block:
                        run()
                        calls += 1
                    key = f"{threads} thread{'s' if threads > 1 else ''}, {'busy' if busy else 'alone'}"
                    times.setdefault(key, []).append((time.perf_counter() - start) / calls)
            finally:
                if burner is not None:
                    burner.kill()
                    burner.wait()
    tinygrad_rnn.set_num_threads(2)
    return {k: float(np.median(v)) * 1e3 for k, v in times.items()}


def print_contention(rows: dict) -> None:
    print("\nfused f+b ms at a fixed BLAS thread count, alone and with one core taken by a busy loop")
    keys = ["1 thread, alone", "2 threads, alone", "1 thread, busy", "2 threads, busy"]
    print("{:<8} {:>16} {:>16} {:>16} {:>16} {:>22}".format("shape", *keys, "busy: 2 thr / 1 thr"))
    for name, r in rows.items():
        print(f"{name:<8} " + " ".join(f"{r[k]:16.2f}" for k in keys)
              + f" {r['2 threads, busy'] / r['1 thread, busy']:22.2f}")


# ---------------------------------------------------------------- report
def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "threadpoolctl not installed"
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i.get('version')} {i.get('architecture')} x{i['num_threads']}"
                         for i in threadpool_info())
    except ImportError:
        pass
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return f"{model}, {os.cpu_count()} cores; numpy {np.__version__} ({blas}); OpenBLAS env {env or 'unset'}"


def mark(value: float, target: float | None) -> str:
    if target is None:
        return f"{value:6.2f}  "
    return f"{value:6.2f}{' ' if value <= target else '!'} "


def print_table(rows: dict) -> None:
    print("\nours / torch (median of per-round ratios; '!' = target missed; torch ms = faster of 1 and 2 threads)")
    header = ("shape", "fused fwd", "fused f+b", "comp fwd", "comp f+b", "torch fwd ms", "torch f+b ms", "rounds")
    print("{:<8} {:>9} {:>9} {:>9} {:>9} {:>13} {:>13} {:>10}".format(*header))
    for name, r in rows.items():
        composed = (f"{mark(r['composed fwd'], None):>9} {mark(r['composed f+b'], COMPOSED_TARGETS.get(name)):>9}"
                    if "composed f+b" in r else f"{'-':>9} {'-':>9}")
        print(f"{name:<8} {mark(r['fused fwd'], FORWARD_TARGET):>9} {mark(r['fused f+b'], FUSED_TARGETS.get(name)):>9} "
              f"{composed} "
              f"{r['torch fwd ms']:13.3f} {r['torch f+b ms']:13.3f} "
              f"{r['kept']}/{r['rounds']}{' noisy' if r['noisy'] else ''}")
    print("targets f+b: fused " + ", ".join(f"{k} {v}" for k, v in FUSED_TARGETS.items())
          + f"; fused fwd {FORWARD_TARGET}; composed " + ", ".join(f"{k} {v}" for k, v in COMPOSED_TARGETS.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (under a minute)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated subset of " + ", ".join(SHAPES))
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--contention", action="store_true",
                        help="only: fused f+b at 1 and 2 BLAS threads, alone and next to a busy process")
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    rounds = args.rounds or (3 if args.quick else 7)
    block = 0.03 if args.quick else 0.1
    if args.contention:
        print(machine())
        print_contention({name: measure_contention(name, rounds, max(block, 0.3))
                          for name in args.shapes.split(",")})
        return
    import torch

    print(machine())
    print(f"torch {torch.__version__}; other processes' load above {MAX_OTHER_LOAD} cores drops a round")
    rows = {}
    for name in args.shapes.split(","):
        # --quick skips the composed path where one call takes seconds
        rows[name] = measure_shape(torch, name, rounds, block, composed=not (args.quick and name in ("large", "long")))
        r = rows[name]
        print(f"  {name}: fused f+b {r['fused f+b ms']:.3f} ms, composed f+b {r.get('composed f+b ms', 0):.3f} ms, "
              f"torch f+b {r['torch f+b ms']:.3f} ms (others' median load {r['load']:.2f} cores)", flush=True)
    print_table(rows)
    if "large" in rows:
        # the faster of the peak timed within the large rounds and a separate best-of-blocks run
        peak = max(rows["large"]["gemm peak GFLOP/s"], gemm_peak_gflops(0.1 if args.quick else 0.3))
        achieved = rnn_flops(SHAPES["large"]) / (rows["large"]["fused f+b ms"] / 1e3) / 1e9
        print(f"\nlarge, fused f+b: {achieved:.1f} GFLOP/s = {achieved / peak:.0%} of numpy's float32 GEMM peak "
              f"({peak:.1f} GFLOP/s on 2048x2048x2048; target {GEMM_PEAK_TARGET:.0%})")
    if not args.no_memory:
        mem = measure_memory("large", ("fused", "torch") if args.quick else ("fused", "composed", "torch"))
        torch_mb = mem["torch"]["peak_mb"]
        print("\npeak resident memory growth of one forward+backward on large (VmHWM, fresh subprocess each):")
        for which in ("fused", "composed"):
            if which not in mem:
                continue
            m = mem[which]
            print(f"  ours {which:<8} {m['peak_mb']:7.1f} MB = {m['peak_mb'] / torch_mb:.2f}x torch "
                  f"(tracemalloc peak {m['tracemalloc_mb']:.1f} MB; target <= {MEMORY_TARGET}x)")
        print(f"  torch          {torch_mb:7.1f} MB")


if __name__ == "__main__":
    main()

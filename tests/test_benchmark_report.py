"""benchmarks/report.py keeps working: a tiny run (one round, tiny shapes; no timing is judged)
writes the full report, the scaling chart and README's tables, and the README has the block that
`report.py --write` regenerates."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import require_torch

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- report:start -->", "<!-- report:end -->"


def test_readme_speed_section_has_the_generated_block():
    readme = (ROOT / "README.md").read_text()
    speed = readme.split("\n## Speed", 1)[1].split("\n## ", 1)[0]
    assert speed.count(START) == 1 and speed.count(END) == 1 and speed.index(START) < speed.index(END)
    assert "python benchmarks/report.py --write" in speed


def test_a_tiny_report_run_writes_every_section(tmp_path):
    require_torch()
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "report.py"), "--tiny", "--write",
                          "--out", str(tmp_path)], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr
    report = (tmp_path / "benchmarks" / "results.md").read_text()
    for section in ("## Ratios", "## Times", "## Where the time goes", "## Targets of issue 15"):
        assert section in report
    assert "kernel-products floor ms (/torch)" in report and "reproducibility choice, not from numpy" in report
    assert "| kernel floor ms (/torch) |" in report  # (products plus each step's elementwise calls)
    for case in ("RNN seed", "GRU seed", "LSTM seed", "marginal fwd+bwd per op", "fixed cost per backward()"):
        assert case in report
    if sys.platform.startswith("linux"):
        assert "## Memory" in report and "LSTM peak memory of one forward+backward" in report
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "## Scaling" not in report
    else:
        assert (tmp_path / "docs" / "img" / "scaling.png").read_bytes()[:4] == b"\x89PNG"
    readme = (tmp_path / "README.md").read_text()
    block = readme.split(START, 1)[1].split(END, 1)[0]
    assert "| RNN |" in block and "marginal fwd+bwd per op" in block and "minimal Python autograd" in block
    assert readme.split(START)[0] == (ROOT / "README.md").read_text().split(START)[0]  # nothing else changed


def _benchmark_module(name: str):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def test_the_kernel_products_floor_lists_the_kernels_own_products():
    """_products.py's list is a copy of what the kernels do: its threads_for blocks are the ones a real
    forward and forward+backward make (one layer and two), and every listed product runs."""
    from collections import Counter

    import numpy as np

    import tinygrad_rnn

    fam, products = _benchmark_module("_families"), _benchmark_module("_products")
    for family in fam.FAMILIES:
        for shape in (fam.SHAPES["seed"], fam.SHAPES["small"]):
            forward, backward = products.kernel_products(family, shape)
            for run, groups in zip(fam.closures(tinygrad_rnn, family, shape), (forward, forward + backward)):
                with products.recorded_thread_calls() as calls:
                    run()
                assert Counter(calls) == Counter(g.thread_call for g in groups), (family, shape)
            for group in forward + backward:
                products._timed_group(group, np.random.default_rng(0))()


def test_a_target_is_stopped_by_the_products_floor_only_when_it_alone_exceeds_it():
    report = _benchmark_module("report")
    row = {"f+b torch ms": 1.0, "f+b gemm floor ms": 0.3, "f+b seq floor ms": 0.4, "f+b seq products ms": 0.35,
           "f+b seq tanh ms": 0.05, "f+b kernel products ms": 0.7, "products threaded": False}
    stopped = report._floor_note(row, "f+b", 0.6)
    assert stopped.startswith("stopped by the one-thread products floor (0.70x torch alone")
    assert "not a limit of numpy" in stopped and "GEMM" not in stopped and "sequential" not in stopped
    assert report._floor_note(row, "f+b", 0.75).startswith("no floor stops it (highest: one-thread products floor")
    row["products threaded"], row["products noisy"] = True, True
    stopped = report._floor_note(row, "f+b", 0.6)
    assert stopped.startswith("stopped by the kernel-products floor") and "timed while the machine was busy" in stopped
    row["f+b seq floor ms"] = 0.9
    assert report._floor_note(row, "f+b", 0.6).startswith("stopped by the sequential floor (0.90x torch alone: "
                                                          "products 0.35 + tanh 0.05); stopped by the kernel-products")


def test_the_minimal_autograd_floor_computes_what_ours_does():
    """bench_ops.py's floor column is only a floor if it does the same work: the chain's gradients agree."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import _minimal_autograd
        import bench_ops
    finally:
        sys.path.pop(0)
    import numpy as np

    import tinygrad_rnn

    start = np.array([[0.3, -1.2], [2.0, 0.7]], np.float32)
    grads = []
    for lib in (tinygrad_rnn, _minimal_autograd):
        a = lib.tensor(start, requires_grad=True)
        b = lib.tensor(start[::-1].copy(), requires_grad=True)
        bench_ops.chain((a @ b + a).tanh(), 7).backward()
        grads.append((np.asarray(a.grad.numpy() if lib is tinygrad_rnn else a.grad),
                      np.asarray(b.grad.numpy() if lib is tinygrad_rnn else b.grad)))
    for ours, floor in zip(*grads):
        assert floor.dtype == np.float32
        np.testing.assert_allclose(floor, ours, rtol=1e-6, atol=1e-7)

"""Peak memory of one forward+backward, ours and torch's, measured the same way in fresh processes.

How, and why this way: torch allocates its CPU tensors in C++, out of tracemalloc's sight, and
its profiler's memory events are too slow (tens of seconds for one large LSTM) and incomplete for
a peak. So both libraries are measured by the operating system: in a fresh process per library,
after the models, inputs and the libraries' own buffers exist, the kernel's record of peak resident
memory is reset (/proc/self/clear_refs, then VmHWM), and the peak growth over the resident memory
just before the call is what one forward+backward needed at its worst. Freed heap memory is handed
back (malloc_trim) before each point, so one point does not hide in the pages of the one before.
For ours, tracemalloc's peak (numpy reports its array allocations to it) is printed beside it:
the bytes of the arrays and Python objects alive at the worst moment, without page rounding.
Linux only (elsewhere the memory columns are skipped with a note).
"""
from __future__ import annotations

import ctypes
import gc
import json
import subprocess
import sys
import tracemalloc
from typing import Any

from _families import SHAPES, Shape, closures


def available() -> bool:
    """Reset the kernel's record of this process's peak resident memory (Linux >= 4.0); False where
    it cannot, so peaks cannot be measured."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def resident_kb() -> tuple[int, int]:
    """(current, peak) resident memory of this process in kB, from /proc/self/status."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                fields[line.split(":")[0]] = int(line.split()[1])
    return fields["VmRSS"], fields["VmHWM"]


def _trim() -> None:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _peak_growth_mb(run: Any) -> float:
    _trim()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current resident memory
    before, _ = resident_kb()
    run()
    return (resident_kb()[1] - before) / 1024


def child(lib_name: str, points: list) -> list[dict]:
    """In the fresh process: for each (family, shape) point, its peak growth (and tracemalloc peak)."""
    if lib_name == "torch":
        import torch as lib

        lib.set_num_threads(1)
    else:
        import tinygrad_rnn as lib
    _, warm = closures(lib, "LSTM", SHAPES["seed"])
    warm()  # the libraries' own buffers and thread pools exist before any baseline
    found = []
    for family, shape in points:
        _, run = closures(lib, family, Shape(*shape))
        run()  # first call: lazily built buffers (weights' caches, BLAS) are not the call's peak
        row = {"rss_mb": min(_peak_growth_mb(run) for _ in range(2))}
        if lib_name != "torch":
            _trim()
            tracemalloc.start()
            run()
            row["tracemalloc_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        found.append(row)
        del run
    return found


def measure(script: str, lib_name: str, points: list) -> list[dict]:
    """Run `script --memory-child` in a fresh process for one library; one dict per point."""
    out = subprocess.run([sys.executable, script, "--memory-child", lib_name, json.dumps(points)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

"""torch.utils.benchmark.Timer as the torch.func tutorials use it: the same API and printed layout as
torch's (the times themselves differ from run to run)."""
import importlib
import re

import pytest
from helpers import require_torch

import tinygrad_rnn as tg

NUMBER = re.compile(r"\d+\.\d+ (ns|us|ms|s)\b|0x[0-9a-f]+")


@pytest.mark.parametrize("how", ["timeit", "blocked_autorange"])
@pytest.mark.parametrize("labels", [{}, {"label": "L", "sub_label": "S", "description": "D"}])
def test_timer_measures_and_prints_as_torch(how, labels):
    torch = require_torch()
    shown = []
    for m in (tg, torch):
        benchmark = importlib.import_module(f"{m.__name__}.utils.benchmark")  # (torch does not import it itself)
        timer = benchmark.Timer(stmt="x * 2", setup="y = 1", globals={"x": m.ones(3)}, **labels)
        measurement = timer.timeit(20) if how == "timeit" else timer.blocked_autorange(min_run_time=0.05)
        assert all(t > 0 for t in measurement.times) and measurement.mean > 0 and measurement.median > 0
        lines = [NUMBER.sub("?", line) for line in repr(measurement).splitlines()]
        # how many blocks of how many runs a blocked_autorange picks depends on the machine's speed
        shown.append(lines if how == "timeit" else lines[:-1] if "IQR" not in lines[-2] else lines[:-2])
    if how != "timeit":  # (keep what does not depend on the timing: the header lines)
        shown = [s[:3 + bool(labels)] for s in shown]
    assert shown[0] == shown[1]

"""Thread controls (issue 11): torch's API and errors, and bit-identical seeded results whatever
else runs on the machine."""
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def restore_threads():
    before = tinygrad_rnn.get_num_threads()
    yield
    tinygrad_rnn.set_num_threads(before)


@pytest.mark.parametrize("name", ["set_num_threads", "set_num_interop_threads"])
@pytest.mark.parametrize("value", [0, -1, 1.5, "2", True, None], ids=repr)
def test_bad_thread_counts_raise_torchs_errors(name, value):
    check_error(lambda m: getattr(m, name)(value))


def test_set_num_threads_is_what_get_num_threads_reports(restore_threads):
    for count in (1, 3, np.int64(2)):
        tinygrad_rnn.set_num_threads(count)
        assert tinygrad_rnn.get_num_threads() == count and type(tinygrad_rnn.get_num_threads()) is int


_DEFAULTS = """
import json, sys
import tinygrad_rnn, torch
before = tinygrad_rnn.get_num_interop_threads()
tinygrad_rnn.set_num_interop_threads(1)
try:
    tinygrad_rnn.set_num_interop_threads(1)
    twice = None
except RuntimeError as e:
    twice = str(e)
torch_before = torch.get_num_interop_threads()
torch.set_num_interop_threads(1)
try:
    torch.set_num_interop_threads(1)
    torch_twice = None
except RuntimeError as e:
    torch_twice = str(e)
print(json.dumps([[tinygrad_rnn.get_num_threads(), before, tinygrad_rnn.get_num_interop_threads(), twice],
                  [torch.get_num_threads(), torch_before, torch.get_num_interop_threads(), torch_twice]]))
"""


@pytest.mark.parametrize("env", [{}, {"MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "64"}],
                         ids=str)
def test_defaults_and_interop_rule_equal_torchs_in_a_fresh_process(env):
    """torch decides its defaults at start-up, so each environment gets a fresh interpreter."""
    require_torch()
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    run = subprocess.run([sys.executable, "-c", _DEFAULTS], env={**clean, **env, "PYTHONPATH": ROOT},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    ours, theirs = json.loads(run.stdout)
    assert ours == theirs


# ------------------------------------------------------------------ reproducibility under load
def _seeded_training_digest() -> str:
    """A short seeded LSTM + Adam training whose weight-gradient products are big enough for BLAS
    to split over threads (1024 x 512 x 256 multiply-adds); the digest covers the losses and
    every final weight, bit for bit."""
    tinygrad_rnn.manual_seed(0)
    nn = tinygrad_rnn.nn
    lstm, head = nn.LSTM(64, 256, batch_first=True), nn.Linear(256, 4)
    optimizer = tinygrad_rnn.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.01)
    x, y = tinygrad_rnn.randn(64, 8, 64), tinygrad_rnn.randint(0, 4, (64,))
    losses = []
    for _ in range(2):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(head(lstm(x)[0][:, -1]), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    digest = hashlib.sha256(np.array(losses).tobytes())
    for p in list(lstm.parameters()) + list(head.parameters()):
        digest.update(p.detach().numpy().tobytes())
    return digest.hexdigest()


def _burn_cpu(seconds: float) -> subprocess.Popen:
    """Another process that keeps one core busy for at most `seconds`."""
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


@pytest.mark.parametrize("threads", [1, 2])
def test_same_seed_and_thread_setting_give_identical_bits_with_a_busy_neighbour(threads, restore_threads):
    tinygrad_rnn.set_num_threads(threads)
    quiet = _seeded_training_digest()
    burner = _burn_cpu(30)
    try:
        time.sleep(0.3)  # let it start, and let a load probe (if there were one) see it
        busy = _seeded_training_digest()
    finally:
        burner.kill()
        burner.wait()
    assert busy == quiet


def test_the_thread_setting_reaches_blas():
    """Not only recorded: numpy's OpenBLAS is given the count (where it is OpenBLAS)."""
    from tinygrad_rnn.backend import blas_threads

    setter = blas_threads._find_openblas("openblas_set_num_threads")
    if setter is None:
        pytest.skip("numpy's BLAS is not OpenBLAS")
    getter = None
    for library in {line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()}:
        import ctypes

        lib = ctypes.CDLL(library)
        getter = getattr(lib, "scipy_openblas_get_num_threads64_", None) or getattr(lib, "openblas_get_num_threads",
                                                                                   None)
        if getter is not None:
            break
    assert getter is not None
    before = tinygrad_rnn.get_num_threads()
    try:
        for count in (1, 2):
            tinygrad_rnn.set_num_threads(count)
            assert getter() == count
    finally:
        tinygrad_rnn.set_num_threads(before)


def test_a_thread_count_gives_the_same_bits_whatever_counts_were_set_before(restore_threads):
    """Regression: OpenBLAS's "unset" per-thread count means every thread it ever started, so
    after set_num_threads(3) then (2) the products ran on 3 threads and the digest changed."""
    tinygrad_rnn.set_num_threads(2)
    first = _seeded_training_digest()
    tinygrad_rnn.set_num_threads(3)
    _seeded_training_digest()
    tinygrad_rnn.set_num_threads(2)
    assert _seeded_training_digest() == first

"""The test report hides torch's own warnings and keeps ours (see tests/conftest.py), even when
both say the same words: a small test file runs under our conftest in a separate pytest."""
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import require_torch

TESTS = Path(__file__).resolve().parent

PROBE = '''
import torch
import tinygrad_rnn

def test_ours():
    tinygrad_rnn.utils.data.random_split(range(4), [0.0, 1.0])   # warns "Length of split at index 0 is 0..."

def test_torchs_python_warning():
    torch.utils.data.random_split(range(4), [0.0, 1.0])          # the same words, from torch

def test_torchs_cpp_warning():
    torch.ones(1).var()                                      # "var(): degrees of freedom is <= 0"
'''


def test_torchs_warnings_are_hidden_and_ours_shown(tmp_path):
    require_torch()
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(PROBE)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "3 passed, 1 warning" in result.stdout, result.stdout
    summary = result.stdout.split("warnings summary")[1]
    assert "test_probe.py::test_ours" in summary and "Length of split at index 0 is 0" in summary
    assert "test_probe.py::test_torchs" not in summary and "degrees of freedom" not in summary

"""Types that check: a user program written from the README passes `mypy --strict`, the Tensor stub
that makes the bound methods visible is what tools/make_tensor_stub.py writes, and each namespace's
`__all__` lists exactly its public names (so a new function cannot be left unexported)."""
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from make_tensor_stub import STUB, stub_text  # noqa: E402
from public_names import INTERNAL, public_names  # noqa: E402


def test_the_committed_tensor_stub_is_up_to_date():
    assert STUB.read_text() == stub_text(), "run `python tools/make_tensor_stub.py` and commit the stub"


@pytest.mark.parametrize("namespace", ["tinygrad_rnn", "tinygrad_rnn.nn", "tinygrad_rnn.nn.functional",
                                       "tinygrad_rnn.nn.utils"])
def test_all_lists_the_public_names(namespace):
    module = importlib.import_module(namespace)
    assert sorted(module.__all__) == [n for n in public_names(namespace) if n not in INTERNAL]


@pytest.mark.parametrize("namespace", ["tinygrad_rnn.optim", "tinygrad_rnn.optim.lr_scheduler",
                                       "tinygrad_rnn.utils.data", "tinygrad_rnn.autograd", "tinygrad_rnn.func",
                                       "tinygrad_rnn.distributions", "tinygrad_rnn.testing"])
def test_every_exported_name_exists(namespace):
    module = importlib.import_module(namespace)
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


def test_readme_program_passes_mypy_strict(tmp_path):
    if not os.environ.get("CI"):  # in CI mypy is installed by the test extra, so a missing one fails
        pytest.importorskip("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path),
         "tests/typecheck/readme_program.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_program_runs(tmp_path):
    sys.path.insert(0, str(ROOT / "tests" / "typecheck"))
    import readme_program

    assert readme_program.main(str(tmp_path / "model.pt")) == readme_program.main(str(tmp_path / "again.pt"))

"""examples/hello_rnn.py runs, prints torch's shapes, and agrees with torch when torch is installed."""
import runpy
import sys
from pathlib import Path

import pytest
from helpers import require_torch

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hello_rnn.py"


def run_example(capsys):
    namespace = runpy.run_path(str(EXAMPLE), run_name="__main__")
    return namespace, capsys.readouterr().out


def test_hello_rnn_shapes_and_agreement_with_torch(capsys):
    require_torch()
    namespace, out = run_example(capsys)
    assert "outputs shape: (3, 5, 2)" in out and "_status shape: (1, 5, 2)" in out
    assert "PyTorch gives the same outputs: True" in out
    assert tuple(namespace["outputs"].shape) == (3, 5, 2)


def test_hello_rnn_runs_without_torch(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError):
        import torch  # noqa: F401
    _, out = run_example(capsys)
    assert "outputs shape: (3, 5, 2)" in out
    assert "PyTorch" not in out

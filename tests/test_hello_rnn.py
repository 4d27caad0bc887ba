"""examples/hello_rnn.py runs, prints torch's shapes, and agrees with torch when torch is installed."""
import sys

import pytest
from helpers import load_example, require_torch


def run_example(capsys):
    outputs = load_example("hello_rnn").main([])
    return outputs, capsys.readouterr().out


def test_hello_rnn_shapes_and_agreement_with_torch(capsys):
    require_torch()
    outputs, out = run_example(capsys)
    assert "outputs shape: (3, 5, 2)" in out and "_status shape: (1, 5, 2)" in out
    assert "PyTorch gives the same outputs: True" in out
    assert tuple(outputs.shape) == (3, 5, 2)


def test_hello_rnn_runs_without_torch(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ImportError):
        import torch  # noqa: F401
    _, out = run_example(capsys)
    assert "outputs shape: (3, 5, 2)" in out
    assert "PyTorch" not in out

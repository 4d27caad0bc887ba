"""examples/seq2seq.py and examples/lstm_forecast.py: each learns at reduced size, prints progress,
handles --plot without matplotlib, and is plain PyTorch code giving torch's numbers."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest
from helpers import load_example


def test_lstm_forecast_learns_and_prints_progress(capsys: pytest.CaptureFixture) -> None:
    example = load_example("lstm_forecast")
    history = example.main(steps=120, print_every=40)
    out = capsys.readouterr().out
    assert history["loss"][-1] < history["loss"][0] / 5
    assert history["test_mse"] < 0.8 * history["repeat_last_mse"]  # beats "repeat the last value"
    assert len([line for line in out.splitlines() if line.startswith("step")]) == 4
    assert "test MSE" in out


def test_seq2seq_learns_to_reverse_unseen_strings(capsys: pytest.CaptureFixture) -> None:
    example = load_example("seq2seq")
    history = example.train(steps=250, max_len=4, batch_size=32, hidden=32, print_every=50)
    out = capsys.readouterr().out
    assert history["loss"][-1] < history["loss"][0] / 5
    assert history["accuracy"] >= 0.8  # exact match on 200 strings it never trained on
    assert len([line for line in out.splitlines() if line.startswith("step")]) == 6


@pytest.mark.parametrize("name", ["lstm_forecast", "seq2seq"])
def test_plot_option_without_or_with_matplotlib(name: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture) -> None:
    example = load_example(name)
    target = tmp_path / "plot.png"
    example.main(steps=3, print_every=0, plot=str(target))
    out = capsys.readouterr().out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "matplotlib is not installed" in out and not target.exists()
    else:
        assert target.exists()


@pytest.mark.parametrize("name, kwargs", [
    ("lstm_forecast", dict(steps=15, print_every=0)),
    ("seq2seq", dict(steps=10, max_len=4, batch_size=16, hidden=16, print_every=0)),
])
def test_examples_give_torchs_numbers_with_the_same_seed(name: str, kwargs: dict) -> None:
    """Plain PyTorch code: run on torch, the same seed gives the same losses (our random stream is torch's)."""
    ours, theirs = load_example(name).train(**kwargs), load_example(name, "torch").train(**kwargs)
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=2e-4)

"""The training examples: each learns at reduced size, and each is plain PyTorch code.

`load_example(name, "torch")` runs the example's own source with its `tinygrad_rnn` imports
replaced by `torch` ones, so the parity tests compare the very same training loop on both.
"""
from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from helpers import EXAMPLES, load_example, require_torch


def copy_weights(src: object, dst: object) -> None:
    """Give `dst` (ours) exactly the parameters of `src` (torch's), by name."""
    import tinygrad_rnn

    dst.load_state_dict({k: tinygrad_rnn.tensor(v.detach().numpy().copy()) for k, v in src.state_dict().items()})


# ---------------------------------------------------------------- hihello
def test_hihello_learns_and_prints_progress(capsys: pytest.CaptureFixture) -> None:
    hihello = load_example("hihello")
    history = hihello.main(steps=30, print_every=10)
    out = capsys.readouterr().out
    assert history["accuracy"][-1] == 1.0 and history["prediction"][-1] == "ihello"
    assert history["loss"][-1] < history["loss"][0] / 3  # loss falls at least 3x in 30 steps
    lines = [line for line in out.splitlines() if line.startswith("step")]
    assert len(lines) == 4 and all("loss" in line and "accuracy" in line and "predicted" in line for line in lines)
    assert "100% accuracy" in out


def test_hihello_float64_losses_are_torchs_step_for_step() -> None:
    torch = require_torch()
    ours_mod, torch_mod = load_example("hihello"), load_example("hihello", "torch")
    theirs = torch_mod.build_model(seed=1).double()
    ours = ours_mod.build_model(seed=123).double()
    copy_weights(theirs, ours)  # same start, whatever the seeds
    h_ours = ours_mod.train(ours, steps=50, print_every=0)
    h_theirs = torch_mod.train(theirs, steps=50, print_every=0)
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-8, atol=0)
    assert h_ours["prediction"] == h_theirs["prediction"]
    for (name, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)
    assert torch is not None


def test_hihello_float32_with_the_same_seed_matches_torch() -> None:
    """Our random stream is torch's, so the same seed gives the same initial weights."""
    ours_mod, torch_mod = load_example("hihello"), load_example("hihello", "torch")
    h_ours = ours_mod.train(ours_mod.build_model(), steps=25, print_every=0)
    h_theirs = torch_mod.train(torch_mod.build_model(), steps=25, print_every=0)
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-4)
    assert h_ours["prediction"] == h_theirs["prediction"]


# ---------------------------------------------------------------- char_sequence
def test_char_sequence_learns(capsys: pytest.CaptureFixture) -> None:
    example = load_example("char_sequence")
    history = example.main(steps=50, print_every=25)
    assert history["accuracy"][-1] >= 0.85  # the windows' first characters have no context: 100% is impossible
    assert history["loss"][-1] < history["loss"][0] / 8
    out = capsys.readouterr().out
    assert sum(line.startswith("step") for line in out.splitlines()) == 3 and "predicted:" in out


def test_char_sequence_runs_unchanged_on_torch_with_the_same_numbers() -> None:
    ours_mod, torch_mod = load_example("char_sequence"), load_example("char_sequence", "torch")
    h_ours = ours_mod.train(ours_mod.build_model(seed=3), steps=8, print_every=0)
    h_theirs = torch_mod.train(torch_mod.build_model(seed=3), steps=8, print_every=0)
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], rtol=1e-4)


# ---------------------------------------------------------------- sine_regression
def test_sine_regression_learns(capsys: pytest.CaptureFixture) -> None:
    example = load_example("sine_regression")
    history = example.main(steps=150, print_every=50)
    first, last = np.mean(history["loss"][:10]), np.mean(history["loss"][-10:])
    assert first / last > 20  # the training loss falls more than 20x
    assert history["final_val_accuracy"] >= 0.9 and history["final_val_mse"] < 0.005
    assert sum(line.startswith("step") for line in capsys.readouterr().out.splitlines()) == 4


def test_sine_regression_runs_unchanged_on_torch_with_the_same_numbers() -> None:
    """Same seed: same init, same random_split, same shuffled batches, so the same losses."""
    runs = []
    for framework in ("tinygrad_rnn", "torch"):
        example = load_example("sine_regression", framework)
        example.torch.manual_seed(5)
        runs.append(example.train(example.SineRNN(), steps=25, seed=5, print_every=0))
    np.testing.assert_allclose(runs[0]["loss"], runs[1]["loss"], rtol=1e-4)
    assert runs[0]["final_val_accuracy"] == runs[1]["final_val_accuracy"]


# ---------------------------------------------------------------- the command line and plots
def test_command_line_options(tmp_path: pathlib.Path) -> None:
    plot = tmp_path / "loss.png"
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "hihello.py"), "--steps", "12", "--seed", "4", "--print-every", "4",
         "--plot", str(plot)],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(EXAMPLES.parent), os.environ.get("PYTHONPATH", "")])},
    )
    steps = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("step")]
    assert steps == ["1", "4", "8", "12"]
    has_matplotlib = importlib.util.find_spec("matplotlib") is not None
    assert plot.exists() == has_matplotlib
    assert ("matplotlib is not installed" in result.stdout) == (not has_matplotlib)


def test_plot_without_matplotlib_says_so(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                                         tmp_path: pathlib.Path) -> None:
    load_example("hihello")  # puts examples/ on sys.path
    import _common

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    assert _common.save_loss_plot([1.0, 0.5], str(tmp_path / "p.png"), "t") is False
    assert "matplotlib is not installed" in capsys.readouterr().out
    assert not (tmp_path / "p.png").exists()

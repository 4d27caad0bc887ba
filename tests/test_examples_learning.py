"""The learning examples run and show what they claim: gradcheck catches the planted bug, the
hand-written RNN step matches nn.RNNCell, and BPTT gradients vanish over many steps."""
import importlib.util
import runpy
import sys

import numpy as np
import pytest
from helpers import EXAMPLES, load_example

ALL_EXAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_"))


def load(name):
    return load_example(name)


def run_command_line(name, argv, monkeypatch):
    """Run examples/<name>.py as `python examples/<name>.py ARGV` would, in this process."""
    load_example(name)  # puts examples/ on sys.path for `from _common import ...`
    monkeypatch.setattr(sys, "argv", [f"{name}.py", *argv])
    runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="__main__")


def test_the_examples_are_all_here():
    assert len(ALL_EXAMPLES) == 10 and "gradcheck_demo" in ALL_EXAMPLES


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_every_example_takes_help_seed_and_plot(name, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_command_line(name, ["--help"], monkeypatch)
    assert exit_info.value.code == 0
    usage = capsys.readouterr().out
    assert usage.startswith(f"usage: {name}.py") and "--seed SEED" in usage and "--plot FILE" in usage


@pytest.mark.parametrize("name", ALL_EXAMPLES)
@pytest.mark.parametrize("argv,complaint", [
    (["--plot", "g.xyz"], "argument --plot: 'g.xyz' must end in one of"),
    (["--plot", "no/such/folder/g.png"], "argument --plot: the folder 'no/such/folder' of"),
    (["--seed", "x"], "argument --seed: must be a whole number, got 'x'"),
    (["--seed", str(2 ** 64)], "argument --seed: must be between -2**63 and 2**64 - 1"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
], ids=["plot-suffix", "plot-folder", "seed-text", "seed-range", "unknown"])
def test_bad_arguments_give_argparses_error_not_a_traceback(name, argv, complaint, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_command_line(name, argv, monkeypatch)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"{name}.py: error: {complaint}" in err and "Traceback" not in err


@pytest.mark.parametrize("name,argv", [("bptt_by_hand", ["--steps", "0"]), ("bptt_by_hand", ["--scale", "nan"]),
                                       ("hihello", ["--steps", "-1"]), ("hihello", ["--print-every", "x"])])
def test_bad_numbers_give_argparses_error(name, argv, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_command_line(name, argv, monkeypatch)
    assert exit_info.value.code == 2 and f"{name}.py: error: argument {argv[0]}" in capsys.readouterr().err


def test_seed_option_changes_the_numbers_and_repeats_them():
    outputs = [load("hello_rnn").main(["--seed", seed]).detach().numpy() for seed in ("0", "0", "1")]
    assert np.array_equal(outputs[0], outputs[1]) and not np.array_equal(outputs[0], outputs[2])
    assert np.array_equal(load("hello_rnn").main(["--seed", str(2 ** 64 - 1)]).shape, (3, 5, 2))


@pytest.mark.parametrize("name,suffix", [("hello_rnn", ".png"), ("gradcheck_demo", ".png"),
                                         ("rnn_step_by_hand", ".svg"), ("bptt_by_hand", ".pdf")])
def test_plot_option_writes_the_file_or_says_why_not(name, suffix, tmp_path, capsys):
    path = tmp_path / f"picture{suffix}"
    load(name).main(["--plot", str(path)])
    out = capsys.readouterr().out
    if suffix != ".svg" and importlib.util.find_spec("matplotlib") is None:
        assert "pip install matplotlib" in out and not path.exists()
    else:
        assert path.stat().st_size > 0 and f"wrote {path}" in out


@pytest.mark.parametrize("name,argv", [("gradcheck_demo", []), ("rnn_step_by_hand", []),
                                       ("bptt_by_hand", ["--steps", "12"]), ("hello_rnn", [])])
def test_example_runs_as_a_script(name, argv, monkeypatch, capsys):
    run_command_line(name, argv, monkeypatch)
    assert capsys.readouterr().out.strip()


def test_gradcheck_demo_catches_the_bug_then_passes(capsys):
    buggy_ok, fixed_ok, second_ok = load("gradcheck_demo").main([])
    assert (buggy_ok, fixed_ok, second_ok) == (False, True, True)
    out = capsys.readouterr().out
    assert "Jacobian mismatch for output 0 with respect to input 0," in out
    assert "LeakyTanh: gradgradcheck (second derivatives) FAILED" in out


def test_gradcheck_demo_says_why_each_check_failed(capsys):
    example = load("gradcheck_demo")
    example.main([])
    lines = capsys.readouterr().out.splitlines()
    failed = [i for i, line in enumerate(lines) if line.endswith("FAILED")]
    whys = [line.strip() for line in lines if line.strip().startswith("why: ")]
    assert len(failed) == 2
    assert whys == [f"why: {example.LeakyTanhBuggy.why_wrong}", f"why: {example.LeakyTanh.why_wrong}"]
    second = lines[failed[1]:failed[1] + 4]  # the second-derivative failure: the report's gist, then why
    assert second[1].strip() == "Jacobian mismatch for output 0 with respect to input 0,"
    assert second[2].strip().startswith("Worst element:") and "is 0.0 by backward" in second[2]


def test_gradcheck_demo_verdicts_match_torch(capsys):
    """The same script with `import torch` gives the same four verdicts and reasons."""
    def verdicts(framework):
        load_example("gradcheck_demo", framework).main([])
        return [line for line in capsys.readouterr().out.splitlines() if line.startswith(("LeakyTanh", "  why:"))]

    theirs, ours = verdicts("torch"), verdicts("tinygrad_rnn")
    assert ours == theirs and len(ours) == 6


def test_rnn_step_by_hand_matches_the_cell():
    ours, theirs, hand_grads, cell_grads, dot = load("rnn_step_by_hand").main([])
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6)
    for a, b in zip(hand_grads, cell_grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    for label in ("TanhBackward0", "MmBackward0", "weight_ih\\n(4, 3) float32", "weight_hh\\n(4, 4) float32"):
        assert label in dot


def test_rnn_step_by_hand_draw_without_graphviz_explains(monkeypatch, tmp_path, capsys):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    load("rnn_step_by_hand").main(["--draw", str(tmp_path / "step.png")])
    assert "apt-get install graphviz" in capsys.readouterr().out
    load("rnn_step_by_hand").main(["--draw", str(tmp_path / "step.svg")])  # SVG needs no Graphviz
    assert "<svg" in (tmp_path / "step.svg").read_text()


def test_bptt_gradients_vanish_going_back_in_time():
    norms = load("bptt_by_hand").main(["--steps", "25"])
    assert len(norms) == 25
    assert norms[0] < 1e-6 * norms[-1]
    # going back ten steps at a time, the gradient only shrinks
    assert norms[0] < norms[10] < norms[20] < norms[-1]


def test_bptt_norms_agree_with_an_explicit_jacobian_product():
    """|d loss / d h_0| equals the norm of ones^T J_T ... J_1, built from the Jacobians by hand."""
    example = load("bptt_by_hand")
    norms, cell = example.per_step_gradient_norms(steps=6, scale=0.9, seed=3, hidden_size=5)
    import tinygrad_rnn as torch

    torch.manual_seed(3)  # replay the same draws as per_step_gradient_norms
    torch.nn.RNNCell(4, 5)
    xs = torch.randn(6, 1, 4)
    w_hh = cell.weight_hh.detach().numpy().astype(np.float64)
    with torch.no_grad():
        h = torch.zeros(1, 5)
        hs = []
        for x_t in xs:
            h = cell(x_t, h)
            hs.append(h.numpy()[0].astype(np.float64))
    v = np.ones(5)  # d loss / d h_5
    for t in range(5, 0, -1):
        v = (v * (1 - hs[t] ** 2)) @ w_hh  # back through step t to h_{t-1}
    np.testing.assert_allclose(norms[0], np.linalg.norm(v), rtol=1e-4)


def test_bptt_plot_option(tmp_path, capsys):
    path = tmp_path / "gradients.png"
    load("bptt_by_hand").main(["--steps", "8", "--plot", str(path)])
    out = capsys.readouterr().out
    if importlib.util.find_spec("matplotlib") is None:
        assert "pip install matplotlib" in out and not path.exists()
    else:
        assert path.exists() and path.stat().st_size > 0

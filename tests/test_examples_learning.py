"""The learning examples run and show what they claim: gradcheck catches the planted bug, the
hand-written RNN step matches nn.RNNCell, and BPTT gradients vanish over many steps."""
import importlib.util
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import require_torch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name,argv", [("gradcheck_demo", []), ("rnn_step_by_hand", []),
                                       ("bptt_by_hand", ["--steps", "12"])])
def test_example_runs_as_a_script(name, argv, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [name] + argv)
    runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_gradcheck_demo_catches_the_bug_then_passes(capsys):
    buggy_ok, fixed_ok, second_ok = load("gradcheck_demo").main()
    assert (buggy_ok, fixed_ok, second_ok) == (False, True, True)
    out = capsys.readouterr().out
    assert "Jacobian mismatch for output 0 with respect to input 0," in out
    assert "LeakyTanh: gradgradcheck (second derivatives) FAILED" in out


def test_gradcheck_demo_verdicts_match_torch(capsys):
    """The same script with `import torch` gives the same four verdicts."""
    require_torch()
    source = (EXAMPLES / "gradcheck_demo.py").read_text().replace("import tinygrad_rnn as torch", "import torch")
    namespace = {"__name__": "gradcheck_demo_on_torch"}
    exec(compile(source, "gradcheck_demo_on_torch", "exec"), namespace)
    namespace["main"]()
    theirs = [line for line in capsys.readouterr().out.splitlines() if line.startswith("LeakyTanh")]
    load("gradcheck_demo").main()
    ours = [line for line in capsys.readouterr().out.splitlines() if line.startswith("LeakyTanh")]
    assert ours == theirs and len(ours) == 4


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

"""`sys.modules["torch"] = tinygrad_rnn`, then PyTorch code's own imports: one copy of every module.

Run in a fresh interpreter: in this process the real torch may already own "torch.nn" in sys.modules.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_submodule_imports_through_the_alias_are_the_package_modules():
    out = run("""
        import sys
        import tinygrad_rnn
        sys.modules["torch"] = tinygrad_rnn
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim
        from torch.utils.data import DataLoader, TensorDataset
        from torch.nn.utils.rnn import pack_padded_sequence
        import torch.backends.cudnn as cudnn  # (a namespace of backends.py, importable as torch's are)
        cudnn.benchmark = True
        assert cudnn is tinygrad_rnn.backends.cudnn and torch.backends.cudnn.benchmark
        assert nn is tinygrad_rnn.nn and F is tinygrad_rnn.nn.functional and optim is tinygrad_rnn.optim
        assert DataLoader is tinygrad_rnn.utils.data.DataLoader
        assert pack_padded_sequence is tinygrad_rnn.nn.utils.rnn.pack_padded_sequence
        assert nn.__name__ == nn.__spec__.name == "tinygrad_rnn.nn"  # the module keeps its own name
        model = nn.LSTM(3, 4)
        assert isinstance(model.weight_ih_l0, torch.Tensor)  # one Tensor class, not two copies
        out, _ = model(torch.randn(2, 1, 3))
        out.sum().backward()
        assert model.weight_ih_l0.grad.shape == (16, 3)
        print(sorted(name for name in sys.modules if name.startswith("torch")))
    """)
    assert "torch.nn.functional" in out


def test_a_missing_submodule_is_named_as_asked():
    out = run("""
        import sys
        import tinygrad_rnn
        sys.modules["torch"] = tinygrad_rnn
        try:
            import torch.no_such_module
        except ModuleNotFoundError as error:
            print(error.name)
    """)
    assert out.strip() == "torch.no_such_module"


def test_other_names_are_left_alone():
    out = run("""
        import sys
        import tinygrad_rnn
        try:
            import tinygrad_rnn_alias.nn
        except ModuleNotFoundError as error:
            print(error.name)
    """)
    assert out.strip() == "tinygrad_rnn_alias"

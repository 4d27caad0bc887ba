"""torch.nn.modules (nn/modules.py): torch's file layout of the nn classes, as views of ours. Every name it
lists sits in the same file in torch, the public ones are nn's own classes, and the private bases answer
subclassing and isinstance as torch's do."""
from __future__ import annotations

import importlib

import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.nn.modules import TORCH_FILES


@pytest.mark.parametrize("torch_file", list(TORCH_FILES))
def test_each_name_sits_in_torchs_file(torch_file):
    require_torch()
    theirs = importlib.import_module(f"torch.nn.modules.{torch_file}")
    ours = importlib.import_module(f"tinygrad_rnn.nn.modules.{torch_file}")
    for name in TORCH_FILES[torch_file]:
        assert hasattr(theirs, name), f"torch.nn.modules.{torch_file} has no {name}"
        if not name.startswith("_"):
            assert getattr(ours, name) is getattr(tinygrad_rnn.nn, name)
            assert getattr(tinygrad_rnn.nn.modules, name) is getattr(tinygrad_rnn.nn, name)


def _answers(m):
    class Focal(m.nn.modules.loss._Loss):
        def forward(self, a, b):
            return ((a - b) ** 2).mean()

    batchnorms = [m.nn.BatchNorm1d(2), m.nn.BatchNorm2d(2), m.nn.BatchNorm3d(2), m.nn.LayerNorm(2),
                  m.nn.InstanceNorm1d(2)]
    return (Focal().reduction, Focal(reduction="sum").reduction, Focal()(m.ones(2), m.zeros(2)).item(),
            [isinstance(b, m.nn.modules.batchnorm._BatchNorm) for b in batchnorms],
            [isinstance(b, m.nn.modules.batchnorm._NormBase) for b in batchnorms],
            isinstance(m.nn.Conv2d(1, 1, 1), m.nn.modules.conv._ConvNd),
            isinstance(m.nn.Dropout2d(), m.nn.modules.dropout._DropoutNd),
            isinstance(m.nn.CrossEntropyLoss(), m.nn.modules.loss._WeightedLoss),
            m.nn.modules.utils._pair(3), m.nn.modules.utils._triple((1, 2, 3)), m.nn.modules.utils._single(4))


def test_private_bases_and_helpers_answer_as_torchs():
    torch = require_torch()
    assert _answers(tinygrad_rnn) == _answers(torch)


def test_a_torch_file_imports_by_its_path():
    from tinygrad_rnn.nn.modules.rnn import LSTM, RNNBase

    assert LSTM is tinygrad_rnn.nn.LSTM and issubclass(LSTM, RNNBase)


def test_lazy_module_mixin_is_reached_through_torchs_file():
    """`isinstance(m, nn.modules.lazy.LazyModuleMixin)` tells a lazy layer before its first forward."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        lazy = m.nn.modules.lazy
        layer = m.nn.LazyConv2d(4, 3)
        assert isinstance(layer, lazy.LazyModuleMixin) and lazy.is_lazy(layer.weight)
        assert lazy.__all__ == ["LazyModuleMixin"] and not hasattr(m.nn.modules, "LazyModuleMixin")
        layer(m.ones(1, 2, 5, 5))
        assert not isinstance(layer, lazy.LazyModuleMixin) and not lazy.is_lazy(layer.weight)
    from tinygrad_rnn.nn.modules.lazy import LazyModuleMixin  # noqa: F401  (importable by torch's path)

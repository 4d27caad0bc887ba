"""torch.nn.modules (nn/modules.py): torch's file layout of the nn classes, as views of ours. Every name it
lists sits in the same file in torch, the public ones are nn's own classes, and the private bases answer
subclassing and isinstance as torch's do."""
from __future__ import annotations

import abc
import importlib

import numpy as np
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
            m.nn.modules.utils._pair(3), m.nn.modules.utils._triple((1, 2, 3)), m.nn.modules.utils._single(4),
            m.nn.modules.transformer._generate_square_subsequent_mask(3).tolist())


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


NORM_CLASSES = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d", "InstanceNorm2d",
                "LayerNorm", "GroupNorm", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyInstanceNorm2d"]


def _norm_kinship(m):
    """Which norm class counts as which under isinstance (issubclass over every pair)."""
    classes = [getattr(m.nn, name) for name in NORM_CLASSES]
    classes.append(m.nn.modules.batchnorm._BatchNorm)
    return ([[issubclass(a, b) for b in classes] for a in classes]
            + [issubclass(m.nn.LazyBatchNorm2d, m.nn.modules.batchnorm._BatchNorm)])


def test_batch_norm_classes_are_siblings_under_batchnorm_base_as_in_torch():
    """`isinstance(m, nn.BatchNorm1d)` in an init function must not catch a BatchNorm2d (Godoy's and
    others' weight-init helpers test BatchNorm1d and BatchNorm2d separately)."""
    torch = require_torch()
    assert _norm_kinship(tinygrad_rnn) == _norm_kinship(torch)


def test_a_subclass_of_batchnorm_base_chooses_its_input_ranks_as_in_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        class AnyRankBatchNorm(m.nn.modules.batchnorm._BatchNorm):
            def _check_input_dim(self, input):
                if input.dim() < 2:
                    raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

        m.manual_seed(0)
        layer = AnyRankBatchNorm(3)
        x = m.arange(48.0).reshape(2, 3, 2, 2, 2)
        results.append((layer(x).std(dim=(0, 2, 3, 4)).tolist() + layer.running_mean.tolist(), repr(layer)))
        try:
            m.nn.modules.batchnorm._BatchNorm(3)(x)
        except NotImplementedError as e:
            results.append(type(e).__name__)
    assert len(results) == 4 and results[1] == results[3] == "NotImplementedError"
    assert results[0][1] == results[2][1]  # the repr
    np.testing.assert_allclose(results[0][0], results[2][0], rtol=1e-6)


def _public_kinship(m, names):
    classes = [getattr(m.nn, name) for name in names]
    return {(a.__name__, b.__name__): issubclass(a, b) for a in classes for b in classes}


def test_every_public_nn_class_is_a_subclass_of_what_it_is_in_torch():
    """issubclass between every two public nn classes, as torch answers it: ReLU6 is a Hardtanh,
    ZeroPad2d a ConstantPad2d, AvgPool3d not an AvgPool2d, LazyBatchNorm2d not a BatchNorm2d (until its
    first call makes it one), LazyLinear a Linear."""
    torch = require_torch()
    names = [n for n in dir(torch.nn) if isinstance(getattr(torch.nn, n), type)
             and isinstance(getattr(tinygrad_rnn.nn, n, None), type)]
    assert len(names) >= 150
    assert _public_kinship(tinygrad_rnn, names) == _public_kinship(torch, names)


def test_relu6_has_hardtanh_bounds_and_avg_pool_base_as_torch():
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        relu6 = m.nn.ReLU6(inplace=True)
        answers.append((relu6.min_val, relu6.max_val, repr(relu6), repr(m.nn.ReLU6()), repr(m.nn.ZeroPad2d(1)),
                        m.nn.ZeroPad1d(2).value, repr(m.nn.AvgPool3d(2, 1)),
                        isinstance(m.nn.AvgPool1d(2), m.nn.modules.pooling._AvgPoolNd)))
    assert answers[0] == answers[1]


def _class_reprs(m):
    """print(type(x)) of the objects a training script makes, and of a user's own subclass."""
    data = m.utils.data
    sgd = m.optim.SGD([m.ones(1, requires_grad=True)], lr=0.1)
    objects = [m.nn.Linear(2, 2), m.nn.LSTM(2, 2), m.nn.Sequential(), m.nn.CrossEntropyLoss(), m.nn.NLLLoss2d(),
               m.nn.FractionalMaxPool2d(2, output_size=1), sgd, m.optim.Adam([m.ones(1, requires_grad=True)]),
               m.optim.lr_scheduler.StepLR(sgd, 1), data.TensorDataset(m.ones(2)),
               data.DataLoader(data.TensorDataset(m.ones(2))), data.RandomSampler(range(3))]

    class Net(m.nn.Module, abc.ABC):  # one metaclass for both bases, as in torch
        pass

    return [repr(type(o)) for o in objects] + [repr(Net)]


def test_classes_print_as_torchs():
    torch = require_torch()
    assert _class_reprs(tinygrad_rnn) == _class_reprs(torch)

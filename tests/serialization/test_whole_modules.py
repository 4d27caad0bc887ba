"""Whole modules: `torch.save(model, f)` and `torch.load(f, weights_only=False)`, as the "Saving and
Loading Models" tutorial does, in both directions between torch and tinygrad_rnn; torch's errors
without weights_only=False; and loading still runs nothing a file names."""
from __future__ import annotations

import io
import pickle
import sys

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.serialization.restricted_unpickler import RestrictedUnpickler

MODULES = {
    "linear": lambda m: m.nn.Linear(3, 2),
    "sequential": lambda m: m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Dropout(0.1), m.nn.Linear(4, 3)),
    "lstm": lambda m: m.nn.LSTM(3, 4, num_layers=2, batch_first=True),
    "gru": lambda m: m.nn.GRU(3, 4, bidirectional=True),
    "batch_norm": lambda m: m.nn.BatchNorm1d(4),
    "encoder_layer": lambda m: m.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0),
    "attention": lambda m: m.nn.MultiheadAttention(4, 2),
}
X = np.random.default_rng(0).standard_normal((2, 4, 3)).astype(np.float32)


def _run(module, m):
    module.eval()
    x = m.tensor(X)
    with m.no_grad():
        if isinstance(module, m.nn.MultiheadAttention):
            out = module(x.transpose(1, 2), x.transpose(1, 2), x.transpose(1, 2))
        elif isinstance(module, m.nn.TransformerEncoderLayer):
            out = module(x.transpose(1, 2))
        else:
            out = module(x)
    return (out[0] if isinstance(out, tuple) else out).numpy()


def _round_trip(module, saver, loader):
    buffer = io.BytesIO()
    saver.save(module, buffer)
    buffer.seek(0)
    return loader.load(buffer, weights_only=False)


@pytest.mark.parametrize("name", list(MODULES))
@pytest.mark.parametrize("direction", ["ours_to_torch", "torch_to_ours", "ours_to_ours"])
def test_a_saved_module_loads_as_the_same_module(name, direction):
    torch = require_torch()
    saver, loader = {"ours_to_torch": (tinygrad_rnn, torch), "torch_to_ours": (torch, tinygrad_rnn),
                     "ours_to_ours": (tinygrad_rnn, tinygrad_rnn)}[direction]
    saver.manual_seed(0)
    module = MODULES[name](saver)
    module.train(False)
    loaded = _round_trip(module, saver, loader)
    assert type(loaded).__name__ == type(module).__name__ and loaded.training is False
    assert list(loaded.state_dict()) == list(module.state_dict())
    assert all(isinstance(p, loader.nn.Parameter) and p.requires_grad for p in loaded.parameters())
    np.testing.assert_allclose(_run(loaded, loader), _run(module, saver), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("direction", ["ours_to_torch", "torch_to_ours", "ours_to_ours"])
def test_a_module_under_the_older_weight_norm_round_trips(direction):
    """torch.save(model, f) of a model under nn.utils.weight_norm (locuslab's TCN saves its model so): the
    forward pre-hook object (torch.nn.utils.weight_norm.WeightNorm, with its name and dim) is saved and
    loaded too, and the loaded module recomputes its weight from weight_g and weight_v."""
    torch = require_torch()
    saver, loader = {"ours_to_torch": (tinygrad_rnn, torch), "torch_to_ours": (torch, tinygrad_rnn),
                     "ours_to_ours": (tinygrad_rnn, tinygrad_rnn)}[direction]
    saver.manual_seed(0)
    with pytest.warns(FutureWarning, match="weight_norm` is deprecated"):
        module = saver.nn.Sequential(saver.nn.utils.weight_norm(saver.nn.Conv1d(4, 3, 2)), saver.nn.ReLU())
    module(saver.tensor(X))  # the forward pre-hook has set `weight`, a tensor made from weight_g and weight_v
    loaded = _round_trip(module, saver, loader)
    hooks = list(loaded[0]._forward_pre_hooks.values())
    assert [(type(h).__name__, h.name, h.dim) for h in hooks] == [("WeightNorm", "weight", 0)]
    assert list(loaded.state_dict()) == ["0.bias", "0.weight_g", "0.weight_v"]
    for framework, net in ((loader, loaded), (saver, module)):
        with framework.no_grad():
            net[0].weight_g.mul_(2)
    np.testing.assert_allclose(_run(loaded, loader), _run(module, saver), rtol=1e-6, atol=1e-6)


def test_a_module_met_twice_loads_as_one_and_keeps_its_tied_weights():
    shared = tinygrad_rnn.nn.Linear(3, 3)
    model = tinygrad_rnn.nn.Sequential(shared, tinygrad_rnn.nn.Tanh(), shared)
    loaded = _round_trip(model, tinygrad_rnn, tinygrad_rnn)
    assert loaded[0] is loaded[2] and len(list(loaded.parameters())) == 2


class TwoLayer(tinygrad_rnn.nn.Module):
    """A user's model, defined where pickle finds it again (a module's top level)."""

    def __init__(self):
        super().__init__()
        self.fc1 = tinygrad_rnn.nn.Linear(3, 4)
        self.fc2 = tinygrad_rnn.nn.Linear(4, 1)
        self.scale = 2.5
        self.register_buffer("steps", tinygrad_rnn.tensor(7))

    def forward(self, x):
        return self.fc2(self.fc1(x).relu()) * self.scale


def test_a_users_module_class_round_trips():
    model = TwoLayer()
    loaded = _round_trip(model, tinygrad_rnn, tinygrad_rnn)
    x = tinygrad_rnn.ones(2, 3)
    assert type(loaded) is TwoLayer and loaded.scale == 2.5 and loaded.steps.item() == 7
    assert tinygrad_rnn.equal(loaded(x), model(x))


def test_a_class_pickle_cannot_find_again_is_torchs_pickling_error():
    """The tutorial programs run as exec'd code: torch cannot save a model whose class is not
    importable, and neither can we (same error)."""
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        namespace = {"m": m}
        exec("class Net(m.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.fc = m.nn.Linear(2, 1)\n", namespace)
        with pytest.raises(pickle.PicklingError) as caught:
            m.save(namespace["Net"](), io.BytesIO())
        errors.append(str(caught.value).replace(namespace["Net"].__module__, "<module>"))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("weights_only", [None, True])
def test_without_weights_only_false_a_module_is_torchs_error(weights_only):
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        buffer = io.BytesIO()
        m.save(m.nn.Sequential(m.nn.Linear(2, 2)), buffer)
        buffer.seek(0)
        with pytest.raises(pickle.UnpicklingError) as caught:
            m.load(buffer, weights_only=weights_only)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def _module_pickle(module: str, name: str) -> bytes:
    """A whole-model pickle naming `module.name` as the class: NEWOBJ, then BUILD with a harmless state."""
    return (b"\x80\x02c" + f"{module}\n{name}\n".encode() + b")\x81}X\x08\x00\x00\x00trainingK\x01sb.")


@pytest.mark.parametrize("module, name", [
    ("os", "system"), ("builtins", "object"), ("collections", "UserDict"),
    ("tinygrad_rnn.nn", "Linear.__subclasses__"), ("json", "JSONDecoder"),
])
def test_weights_only_false_still_builds_only_module_classes(module, name):
    with pytest.raises(pickle.UnpicklingError):
        _unpickle(_module_pickle(module, name))
    built = _unpickle(_module_pickle("torch.nn.modules.linear", "Linear"))  # the same pickle, naming a module class
    assert type(built) is tinygrad_rnn.nn.Linear and built.training == 1 and not hasattr(built, "weight")


def _unpickle(data: bytes):
    return RestrictedUnpickler(data, lambda pid: None, where="test", weights_only=False).load()


def test_weights_only_false_never_imports_what_a_file_names():
    name = "tinygrad_rnn_test_never_imported_module"
    assert name not in sys.modules
    with pytest.raises(pickle.UnpicklingError):
        _unpickle(_module_pickle(name, "Net"))
    assert name not in sys.modules


class WithCache(tinygrad_rnn.nn.Module):
    """A user's model whose __getstate__ leaves out what should not be saved, as pickle allows."""

    def __init__(self):
        super().__init__()
        self.fc = tinygrad_rnn.nn.Linear(2, 1)
        self.cache = {"big": list(range(5))}

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["cache"]
        return state


def test_a_modules_own_getstate_decides_what_is_saved():
    loaded = _round_trip(WithCache(), tinygrad_rnn, tinygrad_rnn)
    assert not hasattr(loaded, "cache") and list(loaded.state_dict()) == ["fc.weight", "fc.bias"]


def test_a_parametrized_module_is_refused_with_torchs_error():
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        layer = m.nn.utils.parametrizations.orthogonal(m.nn.Linear(2, 2))
        with pytest.raises(RuntimeError) as caught:
            m.save(layer, io.BytesIO())
        errors.append(str(caught.value))
    assert errors[0] == errors[1]

"""Whole optimizers: `torch.save(optimizer, f)` and `torch.load(f, weights_only=False)`, in both directions
between torch and tinygrad_rnn: the loaded optimizer has the same settings and state, its state is keyed by
its own parameters, and its next step gives the same numbers; torch's error without weights_only=False;
and a defaultdict in a file still calls nothing but an empty container."""
from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.serialization.restricted_unpickler import RestrictedUnpickler

OPTIMIZERS = {
    "sgd_momentum": lambda m, p: m.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda m, p: m.optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda m, p: m.optim.AdamW(p, lr=0.01, weight_decay=0.1),
    "rmsprop": lambda m, p: m.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda m, p: m.optim.Adagrad(p, lr=0.1),
}
W = np.random.default_rng(0).standard_normal((2, 3))


def _trained(m, make):
    """A float64 linear model and its optimizer after two steps."""
    weight = m.nn.Parameter(m.tensor(W))
    bias = m.nn.Parameter(m.zeros(2, dtype=m.float64))
    opt = make(m, [{"params": [weight]}, {"params": [bias], "lr": 0.05}])
    for _ in range(2):
        opt.zero_grad()
        ((weight.sum(1) + bias) ** 2).sum().backward()
        opt.step()
    return opt


def _step(m, opt):
    """One more step of the loaded optimizer on its own parameters; their values after it."""
    weight, bias = opt.param_groups[0]["params"][0], opt.param_groups[1]["params"][0]
    opt.zero_grad()
    ((weight.sum(1) + bias) ** 2).sum().backward()
    opt.step()
    return weight.detach().numpy().copy(), bias.detach().numpy().copy()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("direction", ["ours_to_torch", "torch_to_ours", "ours_to_ours"])
def test_a_saved_optimizer_loads_and_steps_as_the_original(name, direction):
    torch = require_torch()
    saver, loader = {"ours_to_torch": (tinygrad_rnn, torch), "torch_to_ours": (torch, tinygrad_rnn),
                     "ours_to_ours": (tinygrad_rnn, tinygrad_rnn)}[direction]
    original = _trained(saver, OPTIMIZERS[name])
    buffer = io.BytesIO()
    saver.save(original, buffer)
    buffer.seek(0)
    loaded = loader.load(buffer, weights_only=False)
    assert type(loaded).__name__ == type(original).__name__
    assert [{k: v for k, v in g.items() if k != "params"} for g in loaded.param_groups] == \
        [{k: v for k, v in g.items() if k != "params"} for g in original.param_groups]
    params = [p for g in loaded.param_groups for p in g["params"]]
    assert all(any(key is p for p in params) for key in loaded.state)  # keyed by its own parameters
    expected = _step(saver, original)
    for ours, theirs in zip(_step(loader, loaded), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_without_weights_only_false_an_optimizer_is_torchs_error():
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        buffer = io.BytesIO()
        m.save(m.optim.SGD([m.nn.Parameter(m.ones(2))], lr=0.1), buffer)
        buffer.seek(0)
        with pytest.raises(pickle.UnpicklingError) as caught:
            m.load(buffer)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def _unpickle(data: bytes):
    return RestrictedUnpickler(data, lambda pid: None, where="test", weights_only=False).load()


def test_a_defaultdict_may_make_only_empty_containers():
    made = _unpickle(b"\x80\x02ccollections\ndefaultdict\nc__builtin__\nlist\n\x85R.")
    assert made["missing"] == [] and made.default_factory is list
    for name in (b"eval", b"print", b"open"):
        with pytest.raises(pickle.UnpicklingError):
            _unpickle(b"\x80\x02ccollections\ndefaultdict\nc__builtin__\n" + name + b"\n\x85R.")


def test_a_defaultdict_with_a_factory_of_its_own_is_refused_when_saving():
    from collections import defaultdict
    with pytest.raises(TypeError, match="default_factory"):
        tinygrad_rnn.save(defaultdict(lambda: 1), io.BytesIO())

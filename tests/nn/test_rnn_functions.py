"""torch.lstm, torch.gru, torch.rnn_tanh and torch.rnn_relu (nn/rnn_functions.py) against torch: the padded and
packed forms, values and gradients in float64, dropout drawn as torch draws it, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

MODULES = {"lstm": "LSTM", "gru": "GRU", "rnn_tanh": "RNN", "rnn_relu": "RNN"}
CONFIGS = [dict(num_layers=1, bias=True, bidirectional=False), dict(num_layers=2, bias=False, bidirectional=True),
           dict(num_layers=2, bias=True, bidirectional=False, proj_size=2)]


def _module(m, name, config):
    extra = {"nonlinearity": "relu"} if name == "rnn_relu" else {}
    m.manual_seed(0)
    return getattr(m.nn, MODULES[name])(3, 4, dtype=m.float64, **config, **extra)


def _state(m, name, module, batch, rng):
    layers = module.num_layers * (2 if module.bidirectional else 1)
    h = m.tensor(rng.standard_normal((layers, batch, module.proj_size or module.hidden_size)), requires_grad=True)
    if name != "lstm":
        return h, [h]
    c = m.tensor(rng.standard_normal((layers, batch, module.hidden_size)), requires_grad=True)
    return (h, c), [h, c]


def _run(m, name, config, packed, train, batch_first):
    module = _module(m, name, config)
    rng = np.random.default_rng(1)
    x = m.tensor(rng.standard_normal((3, 5, 3) if batch_first else (5, 3, 3)), requires_grad=True)
    hx, states = _state(m, name, module, 3, rng)
    params = module._flat_weights
    common = (params, config["bias"], config["num_layers"], 0.3 if train else 0.0, train, config["bidirectional"])
    m.manual_seed(7)
    if packed:
        seq = m.nn.utils.rnn.pack_padded_sequence(x, m.tensor([5, 4, 2]), batch_first=batch_first)
        out = getattr(m, name)(seq.data, seq.batch_sizes, hx, *common)
    else:
        out = getattr(m, name)(x, hx, *common, batch_first)
    loss = sum((o * m.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in out)
    grads = m.autograd.grad(loss, [x, *states, *params])
    return [o.detach().numpy() for o in out] + [g.numpy() for g in grads]


@pytest.mark.parametrize("packed, train, batch_first", [(False, False, False), (False, True, True), (True, False, False),
                                                        (True, True, True)])
@pytest.mark.parametrize("name, config", [(name, c) for name in MODULES for c in CONFIGS
                                          if name == "lstm" or not c.get("proj_size")])  # projections: LSTM only
def test_function_matches_torch(name, config, packed, train, batch_first):
    torch = require_torch()
    ours = _run(tinygrad_rnn, name, config, packed, train, batch_first)
    theirs = _run(torch, name, config, packed, train, batch_first)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _bad_calls(m):
    lstm, gru = m.nn.LSTM(3, 4), m.nn.GRU(3, 4)
    x, h = m.randn(5, 2, 3), m.zeros(1, 2, 4)
    return {
        "hx None": lambda: m.gru(x, None, gru._flat_weights, True, 1, 0.0, False, False, False),
        "too few arguments": lambda: m.gru(x, h, gru._flat_weights, True, 1, 0.0, False, False),
        "has_biases an int": lambda: m.gru(x, h, gru._flat_weights, 1, 1, 0.0, False, False, False),
        "parameter count": lambda: m.gru(x, h, gru._flat_weights[:3], True, 1, 0.0, False, False, False),
        "one LSTM state": lambda: m.lstm(x, [h], lstm._flat_weights, True, 1, 0.0, False, False, False),
        "dtype": lambda: m.gru(x.double(), h, gru._flat_weights, True, 1, 0.0, False, False, False),
    }


@pytest.mark.parametrize("case", list(_bad_calls(tinygrad_rnn)))
def test_bad_calls_raise_torchs_errors(case):
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(Exception) as caught:
            _bad_calls(m)[case]()
        # (torch's TypeError goes on with a "didn't match" line per overload, not mirrored: the first line is checked)
        errors.append((type(caught.value).__name__, str(caught.value).split("\n")[0]))
    assert errors[0] == errors[1]

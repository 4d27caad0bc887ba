"""Issue 15, first bullet: when no gradient is wanted (no_grad, or nothing requires grad) the fused
RNN, LSTM and GRU runners take an inference loop that builds no graph node and keeps nothing for
backward, and gives exactly the numbers of the recording forward."""
import numpy as np
import pytest
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.kernels.gru import FusedGRUStack
from tinygrad_rnn.kernels.lstm import FusedLSTMStack
from tinygrad_rnn.kernels.rnn import FusedRNNStack
from tinygrad_rnn.nn.utils.rnn import pack_padded_sequence

NODES = {"RNN": FusedRNNStack, "LSTM": FusedLSTMStack, "GRU": FusedGRUStack}  # the nodes nn modules make


def _flat(result):
    """The tensors of a module's result: output (or packed data) and every final state."""
    out, state = result
    out = out.data if isinstance(out, tuple) else out
    return [out, *(state if isinstance(state, tuple) else (state,))]


@settings(max_examples=30)
@given(kind=st.sampled_from(sorted(NODES)), layers=st.integers(1, 2), bidirectional=st.booleans(),
       proj=st.booleans(), with_h0=st.booleans(), packed=st.booleans(), seed=st.integers(0, 2**16),
       dtype=st.sampled_from(["float32", "float64"]))
def test_inference_gives_the_recording_forwards_bits(kind, layers, bidirectional, proj, with_h0, packed, seed,
                                                      dtype):
    rng = np.random.default_rng(seed)
    kwargs = dict(num_layers=layers, bidirectional=bidirectional, dtype=getattr(tinygrad_rnn, dtype))
    if kind == "LSTM" and proj:
        kwargs["proj_size"] = 2
    tinygrad_rnn.manual_seed(seed)
    module = getattr(tinygrad_rnn.nn, kind)(3, 4, **kwargs)
    steps, batch = 5, 3
    x = tinygrad_rnn.tensor(rng.standard_normal((steps, batch, 3)), dtype=kwargs["dtype"])
    if packed:
        x = pack_padded_sequence(x, rng.integers(1, steps + 1, batch).tolist(), enforce_sorted=False)
    hx = None
    if with_h0:
        count = layers * (2 if bidirectional else 1)
        h = tinygrad_rnn.tensor(rng.standard_normal((count, batch, 2 if "proj_size" in kwargs else 4)),
                                dtype=kwargs["dtype"])
        c = tinygrad_rnn.tensor(rng.standard_normal((count, batch, 4)), dtype=kwargs["dtype"])
        hx = (h, c) if kind == "LSTM" else h
    recorded = _flat(module(x, hx))
    assert recorded[0].grad_fn is not None
    with tinygrad_rnn.no_grad():
        inferred = _flat(module(x, hx))
    for a, b in zip(recorded, inferred):
        assert b.grad_fn is None and not b.requires_grad
        assert b.dtype == a.dtype and b.shape == a.shape
        np.testing.assert_array_equal(b.numpy(), a.detach().numpy())


@pytest.mark.parametrize("kind", sorted(NODES))
def test_no_fused_node_is_made_when_no_gradient_is_wanted(kind, monkeypatch):
    module = getattr(tinygrad_rnn.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    x = tinygrad_rnn.randn(4, 2, 3)

    def refuse(*args):
        raise AssertionError("a graph node was made for inference")

    monkeypatch.setattr(NODES[kind], "apply", refuse)
    with tinygrad_rnn.no_grad():
        module(x)
    module.requires_grad_(False)  # grad mode on, but nothing requires grad
    module(x)
    module.requires_grad_(True)
    with pytest.raises(AssertionError, match="graph node"):
        module(x)


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("kind", sorted(NODES))
def test_final_states_own_their_storage_as_torchs(kind, grad):
    """One layer and direction skips the layer loop (recurrence._infer_one); its final states are
    still tensors of their own, as torch's: not views into a kernel's work arrays (the LSTM's
    inference cell state lives in one), which would show another storage size and offset."""
    torch = require_torch()
    results = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(0)
        module = getattr(lib.nn, kind)(4, 2)
        with lib.set_grad_enabled(grad):
            _, state = module(lib.randn(5, 3, 4))
        results.append([(s.untyped_storage().nbytes(), s.storage_offset()) for s in _flat((None, state))[1:]])
    assert results[1] == results[0]

"""RNN, LSTM and GRU on PackedSequence input, against torch and against running each sequence alone:
outputs, final states in the original batch order, every gradient, none reaching padding."""
import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

KINDS = st.sampled_from(["RNN", "LSTM", "GRU"])


@st.composite
def packed_cases(draw):
    """A module configuration and a padded batch with random (sorted or unsorted) lengths."""
    kind = draw(KINDS)
    hidden = draw(st.integers(2, 4))
    cfg = {
        "kind": kind,
        "input_size": draw(st.integers(1, 3)),
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 2)),
        "bidirectional": draw(st.booleans()),
        "bias": draw(st.booleans()),
        "proj_size": draw(st.integers(0, hidden - 1)) if kind == "LSTM" else 0,
        "with_h0": draw(st.booleans()),
        "enforce_sorted": draw(st.booleans()),
        "fused": draw(st.booleans()),
    }
    steps, batch = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    lengths = draw(st.lists(st.integers(1, steps), min_size=batch, max_size=batch))
    lengths[draw(st.integers(0, batch - 1))] = steps
    cfg["lengths"] = sorted(lengths, reverse=True) if cfg["enforce_sorted"] else lengths
    cfg["steps"], cfg["batch"] = steps, batch
    return cfg


def build(lib, cfg, dtype):
    kwargs = dict(num_layers=cfg["num_layers"], bidirectional=cfg["bidirectional"], bias=cfg["bias"])
    if cfg["proj_size"]:
        kwargs["proj_size"] = cfg["proj_size"]
    return getattr(lib.nn, cfg["kind"])(cfg["input_size"], cfg["hidden_size"], dtype=getattr(lib, dtype), **kwargs)


def state_arrays(cfg, rng, dtype):
    layers = cfg["num_layers"] * (2 if cfg["bidirectional"] else 1)
    sizes = [cfg["proj_size"] or cfg["hidden_size"]] + ([cfg["hidden_size"]] if cfg["kind"] == "LSTM" else [])
    return [rng.standard_normal((layers, cfg["batch"], s)).astype(dtype) for s in sizes]


def as_hx(kind, states):
    return None if states is None else (tuple(states) if kind == "LSTM" else states[0])


def final_states(kind, state):
    return list(state) if kind == "LSTM" else [state]


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")  # torch's oneDNN note
@settings(max_examples=60)
@given(cfg=packed_cases(), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**16))
def test_packed_input_matches_torch(cfg, dtype, seed):
    torch = require_torch()
    rng = np.random.default_rng(seed)
    theirs, ours = build(torch, cfg, dtype), build(tinygrad_rnn, cfg, dtype)
    ours.load_state_dict(theirs.state_dict())
    x = rng.standard_normal((cfg["steps"], cfg["batch"], cfg["input_size"])).astype(dtype)
    states = state_arrays(cfg, rng, dtype) if cfg["with_h0"] else None
    tinygrad_rnn.backends.fused_rnn = cfg["fused"]
    results, upstream = [], None
    try:
        for lib, module in ((torch, theirs), (tinygrad_rnn, ours)):
            xt = lib.tensor(x, requires_grad=True)
            st_ = None if states is None else [lib.tensor(s, requires_grad=True) for s in states]
            packed = lib.nn.utils.rnn.pack_padded_sequence(xt, cfg["lengths"], enforce_sorted=cfg["enforce_sorted"])
            out, state = module(packed, as_hx(cfg["kind"], st_))
            assert type(out).__name__ == "PackedSequence"
            outs = [out.data] + final_states(cfg["kind"], state)
            if upstream is None:
                upstream = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in outs]
            lib.autograd.backward(outs, [lib.tensor(u) for u in upstream])
            grads = [xt.grad] + [s.grad for s in st_ or []] + [p.grad for p in module.parameters()]
            indices = [out.batch_sizes, out.sorted_indices, out.unsorted_indices]
            results.append((outs, grads, indices))
    finally:
        tinygrad_rnn.backends.fused_rnn = True
    (outs_t, grads_t, idx_t), (outs_o, grads_o, idx_o) = results
    for i, (a, b) in enumerate(zip(outs_o, outs_t)):
        assert_arrays_close(a, b, dtype, f"output {i}")
    for i, (a, b) in enumerate(zip(grads_o, grads_t)):
        assert (a is None) == (b is None)
        if b is not None:
            assert_arrays_close(a, b, dtype, f"grad {i}")
    for a, b in zip(idx_o, idx_t):
        assert (a is None) == (b is None) and (a is None or a.tolist() == b.tolist())


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_each_packed_sequence_behaves_as_if_run_alone(kind, fused):
    """Output and final states of every sequence equal a run on that sequence alone, unpadded
    (the reverse direction starting at its own last step); no gradient reaches padding."""
    rng = np.random.default_rng(3)
    module = getattr(tinygrad_rnn.nn, kind)(2, 3, num_layers=2, bidirectional=True).double()
    lengths = [2, 5, 1, 3]
    x = tinygrad_rnn.tensor(rng.standard_normal((5, 4, 2)), requires_grad=True)
    tinygrad_rnn.backends.fused_rnn = fused
    try:
        out, state = module(pack_padded_sequence(x, lengths, enforce_sorted=False))
        padded, out_lengths = pad_packed_sequence(out)
        assert out_lengths.tolist() == lengths
        for b, n in enumerate(lengths):
            alone_out, alone_state = module(x[:n, b:b + 1].detach())
            # (atol: values near 0 from BLAS products of different shapes differ in their last bits)
            np.testing.assert_allclose(padded[:n, b].detach().numpy(), alone_out[:, 0].detach().numpy(), rtol=1e-12,
                                       atol=1e-15)
            assert np.all(padded[n:, b].detach().numpy() == 0)
            for s, s_alone in zip(final_states(kind, state), final_states(kind, alone_state)):
                np.testing.assert_allclose(s[:, b].detach().numpy(), s_alone[:, 0].detach().numpy(), rtol=1e-12,
                                           atol=1e-15)
        (padded.sum() + sum(s.sum() for s in final_states(kind, state))).backward()
    finally:
        tinygrad_rnn.backends.fused_rnn = True
    valid = np.arange(5)[:, None] < np.array(lengths)[None, :]
    assert np.all(x.grad.numpy()[~valid] == 0) and np.all(x.grad.numpy()[valid].any(axis=-1))


def test_packed_output_keeps_packing_fields_and_ignores_batch_first():
    rnn = tinygrad_rnn.nn.GRU(2, 3, batch_first=True)
    packed = pack_padded_sequence(tinygrad_rnn.randn(4, 3, 2), [2, 4, 1], enforce_sorted=False)
    out, h_n = rnn(packed)
    assert tuple(out.data.shape) == (7, 3) and tuple(h_n.shape) == (1, 3, 3)
    assert out.batch_sizes is packed.batch_sizes
    assert out.sorted_indices is packed.sorted_indices and out.unsorted_indices is packed.unsorted_indices


def _packed(m, x=None, lengths=(4, 2, 1)):
    x = m.zeros(4, 3, 5) if x is None else x
    return m.nn.utils.rnn.pack_padded_sequence(x, list(lengths))


@pytest.mark.parametrize("make", [
    lambda m, C: C(5, 2)(m.nn.utils.rnn.PackedSequence(m.zeros(7, 1, 5), _packed(m).batch_sizes)),
    lambda m, C: C(5, 2)(_packed(m, m.zeros(4, 3, 6))),
    lambda m, C: C(5, 2)(_packed(m, m.zeros(4, 3, 5).double())),
    lambda m, C: C(5, 2)(_packed(m), m.zeros(3, 2)),
    lambda m, C: C(5, 2)(_packed(m), m.zeros(1, 2, 2)),
    lambda m, C: C(5, 2)(_packed(m), m.zeros(1, 3, 2).double()),
])
@pytest.mark.parametrize("kind", ["RNN", "GRU"])
def test_packed_input_errors(kind, make):
    check_error(lambda m: make(m, getattr(m.nn, kind)))


@pytest.mark.parametrize("make", [
    lambda m: m.nn.LSTM(5, 2)(_packed(m, m.zeros(4, 3, 6))),
    lambda m: m.nn.LSTM(5, 2)(_packed(m, m.zeros(4, 3, 5).double())),
    lambda m: m.nn.LSTM(5, 2)(m.nn.utils.rnn.PackedSequence(m.zeros(7), _packed(m).batch_sizes)),
    lambda m: m.nn.LSTM(5, 2)(_packed(m), (m.zeros(1, 3, 2).double(), m.zeros(1, 3, 2))),
])
def test_lstm_packed_input_errors(make):
    """torch's LSTM reports these from its kernel (its Python checks are skipped for packed input)."""
    check_error(make)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_packed_module_gradients_match_finite_differences(kind):
    """Two bidirectional layers on unsorted packed input, differentiated w.r.t. input and states."""
    rng = np.random.default_rng(5)
    module = getattr(tinygrad_rnn.nn, kind)(2, 3, num_layers=2, bidirectional=True).double()
    x = tinygrad_rnn.tensor(rng.standard_normal((4, 3, 2)), requires_grad=True)
    states = [tinygrad_rnn.tensor(rng.standard_normal((4, 3, 3)), requires_grad=True)
              for _ in range(2 if kind == "LSTM" else 1)]

    def run(x, *states):
        out, final = module(pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False), as_hx(kind, list(states)))
        return (out.data, *final_states(kind, final))

    assert tinygrad_rnn.autograd.gradcheck(run, [x, *states])


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
def test_unsorted_packed_input_with_too_small_hx(kind):
    def run(m):
        packed = m.nn.utils.rnn.pack_padded_sequence(m.zeros(4, 3, 5), [2, 4, 1], enforce_sorted=False)
        hx = m.zeros(1, 2, 2)
        return getattr(m.nn, kind)(5, 2)(packed, (hx, hx) if kind == "LSTM" else hx)

    check_error(run)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_seeded_dropout_between_layers_on_packed_input_matches_torch(mode):
    """Regression: torch draws the inter-layer dropout mask over the packed rows (sum(lengths), D*H),
    not over the padded batch; a seeded training run on packed input must see the same masks."""
    torch = require_torch()
    results = []
    for m in (torch, tinygrad_rnn):
        m.manual_seed(0)
        rnn = getattr(m.nn, mode)(3, 4, num_layers=3, bidirectional=True, dropout=0.3)
        x = m.randn(5, 3, 3)
        utils = m.nn.utils.rnn
        out, h = rnn(utils.pack_padded_sequence(x, [2, 5, 3], enforce_sorted=False))
        h = h[0] if isinstance(h, tuple) else h
        results.append((utils.pad_packed_sequence(out)[0].detach().numpy(), h.detach().numpy()))
    for theirs, ours in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)

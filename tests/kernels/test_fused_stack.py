"""`FusedStack`: one graph node for every layer and direction of an nn.LSTM / nn.GRU call (issue 15).

1. Same bits as the layer loop of one-direction nodes it replaced (`run_layers` over the variant's
   `fused.direction`, with Tensor zeros, indexing, cat, dropout multiply and stack): outputs,
   final states and the gradients of the input, the initial states and every weight.
2. A double backward (create_graph) through the node and forward-mode AD run its composed twin,
   and agree with the composed path.
3. Every family's output and final states show torch's grad_fn names (a bidirectional RNN's h_n
   showed CatBackward0, torch shows StackBackward0).
4. LSTM with proj_size and dropout: the dropout mask has the projected width (it had the hidden
   width and failed), with torch's numbers for the same seed.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.kernels import gru, lstm
from tinygrad_rnn.kernels.recurrence import DirectionWeights, run_layers

VARIANTS = {"LSTM": lstm.LSTM, "GRU": gru.GRU}
CASES = [(kind, layers, directions, proj, h0, packed, dropout)
         for kind in ("LSTM", "GRU") for layers in (1, 2) for directions in (1, 2) for proj in (False, True)
         for h0 in (False, True) for packed in (False, True) for dropout in (False, True)
         if not (proj and kind == "GRU") and not (dropout and layers == 1)]


def make_case(kind, layers, directions, proj, h0, packed, dropout, dtype=np.float32, seed=0):
    """(x, state or None, weights, masks, lengths, leaves): random inputs of one configuration."""
    rng = np.random.default_rng(seed)
    steps, batch, inputs, hidden = 5, 3, 3, 4
    out = 2 if proj else hidden
    gates = 4 if kind == "LSTM" else 3

    def leaf(*shape):
        return tinygrad_rnn.tensor(rng.uniform(-0.6, 0.6, shape).astype(dtype), requires_grad=True)

    weights = []
    for layer in range(layers):
        width = inputs if layer == 0 else out * directions
        for _ in range(directions):
            weights.append(DirectionWeights(leaf(gates * hidden, width), leaf(gates * hidden, out),
                                            leaf(gates * hidden), leaf(gates * hidden),
                                            leaf(out, hidden) if proj else None))
    x = tinygrad_rnn.tensor(rng.standard_normal((steps, batch, inputs)).astype(dtype), requires_grad=True)
    count = layers * directions
    state = None
    if h0:
        state = (leaf(count, batch, out), leaf(count, batch, hidden)) if kind == "LSTM" else (leaf(count, batch, out),)
    masks = None
    if dropout:
        masks = tuple((rng.random((steps, batch, out * directions)) > 0.3).astype(dtype) / dtype(0.7)
                      for _ in range(layers - 1))
    lengths = np.array([5, 2, 4]) if packed else None
    leaves = [x, *(state or ()), *(w for group in weights for w in group if w is not None)]
    return x, state, weights, masks, lengths, leaves


def results(run, case, seed=1):
    """Output, final states and the gradient of a random-weighted sum of them for every leaf."""
    x, state, weights, masks, lengths, leaves = case
    out, finals = run(x, state, weights, masks, lengths)
    rng = np.random.default_rng(seed)
    loss = 0
    for t in (out, *finals):
        loss = loss + (t * tinygrad_rnn.tensor(rng.standard_normal(t.shape).astype(t.detach().numpy().dtype))).sum()
    grads = tinygrad_rnn.autograd.grad(loss, leaves)
    return [t.detach().numpy() for t in (out, *finals)] + [g.numpy() for g in grads]


def with_shape(runner, layers, directions):
    """`runner` (a StackRunner) as `run(x, state, weights, masks, lengths)` for this many layers and directions."""
    def run(x, state, weights, masks, lengths):
        return runner(x, state, weights, layers, directions, masks, lengths)
    return run


@pytest.mark.parametrize("kind, layers, directions, proj, h0, packed, dropout", CASES)
def test_the_stack_node_gives_the_bits_of_one_node_per_direction(kind, layers, directions, proj, h0, packed,
                                                                  dropout):
    variant = VARIANTS[kind]
    case = make_case(kind, layers, directions, proj, h0, packed, dropout)

    def per_direction(x, state, weights, num_layers, num_directions, masks, lengths):
        return run_layers(variant.state_sizes, variant.fused.direction, x, state, weights, num_layers,
                          num_directions, masks, lengths)

    stacked = results(with_shape(variant.fused, layers, directions), case)
    reference = results(with_shape(per_direction, layers, directions), case)
    assert len(stacked) == len(reference)
    for a, b in zip(stacked, reference):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("one_node_per_direction", [False, True])
def test_no_input_gradient_is_computed_when_the_input_needs_none(monkeypatch, kind, one_node_per_direction):
    """Training usually feeds data that needs no gradient: then the first layer's backward skips
    the input's gradient (a product as big as W_ih's gradient), the layers above still get theirs,
    and every other gradient keeps its bits."""
    variant, module = VARIANTS[kind], lstm if kind == "LSTM" else gru
    case = make_case(kind, 2, 2, False, True, True, False)
    x, state, weights, masks, lengths, leaves = case
    runner = variant.fused
    if one_node_per_direction:
        def runner(x, state, weights, num_layers, num_directions, masks, lengths):
            return run_layers(variant.state_sizes, variant.fused.direction, x, state, weights, num_layers,
                              num_directions, masks, lengths)
    run = with_shape(runner, 2, 2)
    with_input_grad = results(run, case)
    asked = []
    plain = module.direction_grads

    def recording(*args):
        asked.append(args[6] if len(args) > 6 else True)
        grads = plain(*args)
        assert (grads[0] is None) == (not asked[-1])
        return grads

    monkeypatch.setattr(module, "direction_grads", recording)
    monkeypatch.setattr(variant.fused.stack, "direction_grads", staticmethod(recording))
    x.requires_grad_(False)
    without = results(run, (x, state, weights, masks, lengths, leaves[1:]))
    assert asked == [True, True, False, False]  # backward runs the top layer first
    x_grad = len(with_input_grad) - len(leaves)  # (the outputs, then one gradient per leaf, x's first)
    kept = with_input_grad[:x_grad] + with_input_grad[x_grad + 1:]
    assert len(kept) == len(without)
    for a, b in zip(kept, without):
        assert a.tobytes() == b.tobytes()


def test_the_whole_stack_is_one_node():
    variant = VARIANTS["LSTM"]
    x, state, weights, masks, lengths, _ = make_case("LSTM", 2, 2, False, True, False, True)
    out, (h, c) = variant.fused(x, state, weights, 2, 2, masks, lengths)
    assert out.grad_fn.name() == "CatBackward0" and h.grad_fn is c.grad_fn
    assert h.grad_fn.next_functions[0][0] is out.grad_fn  # the final states pass through one naming node


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_double_backward_and_forward_mode_run_the_composed_twin(kind):
    variant = VARIANTS[kind]
    case = make_case(kind, 2, 2, False, True, True, True, dtype=np.float64, seed=4)
    x, state, weights, masks, lengths, leaves = case
    rng = np.random.default_rng(5)
    answers = []
    for runner in (variant.fused, variant.composed):
        out, finals = runner(x, state, weights, 2, 2, masks, lengths)
        loss = sum((t * tinygrad_rnn.tensor(rng.standard_normal(t.shape))).sum() for t in (out, *finals))
        rng = np.random.default_rng(5)
        first = tinygrad_rnn.autograd.grad(loss, leaves, create_graph=True)
        second = tinygrad_rnn.autograd.grad(sum((g * g).sum() for g in first), leaves)
        answers.append([g.detach().numpy() for g in (*first, *second)])
    for a, b in zip(*answers):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    tangent = np.random.default_rng(6).standard_normal(x.shape)

    def output_of(runner):
        def f(xx):
            return runner(xx, state, weights, 2, 2, masks, lengths)[0]
        return f

    jvps = [tinygrad_rnn.func.jvp(output_of(runner), (x.detach(),), (tinygrad_rnn.tensor(tangent),))[1].detach().numpy()
            for runner in (variant.fused, variant.composed)]
    np.testing.assert_allclose(jvps[0], jvps[1], rtol=1e-10, atol=1e-12)


def test_lstm_projection_with_dropout_matches_torch():
    torch = require_torch()
    found = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(3)
        module = lib.nn.LSTM(3, 4, num_layers=3, proj_size=2, dropout=0.4, bidirectional=True)
        x = lib.tensor(np.random.default_rng(0).standard_normal((5, 2, 3)), dtype=lib.float32, requires_grad=True)
        out, (h, c) = module(x)
        (out * lib.tensor(np.random.default_rng(1).standard_normal((5, 2, 4)), dtype=lib.float32)).sum().backward()
        found.append([out.detach().numpy(), h.detach().numpy(), c.detach().numpy(), x.grad.numpy(),
                      module.weight_hr_l0.grad.numpy(), module.weight_ih_l2.grad.numpy()])
    for theirs, ours in zip(*found):
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-6)


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")  # torch's oneDNN note
@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("kwargs", [{}, {"bidirectional": True}, {"num_layers": 2, "bidirectional": True},
                                    {"num_layers": 2}])
def test_grad_fn_names_of_every_family_read_as_torchs(kind, kwargs):
    torch = require_torch()
    names = []
    for lib in (torch, tinygrad_rnn):
        out, state = getattr(lib.nn, kind)(3, 4, **kwargs)(lib.randn(5, 2, 3))
        names.append([t.grad_fn.name() for t in (out, *(state if isinstance(state, tuple) else (state,)))])
    assert names[0] == names[1]

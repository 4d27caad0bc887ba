"""The fused RNN kernel (tinygrad_rnn/kernels/rnn.py) and the switch that selects it.

1. The kernel's pieces alone, as one layer and direction (tests/fused_rnn_direction.py), against torch.nn.RNN with the same weights (packed
   sequences included) and against finite differences in float64.
2. nn.RNN on the fused path against nn.RNN on the composed path, over random configurations:
   values and every gradient, float64 to ~1e-12 and float32 to float32 rounding.
3. Double backward through the fused node (it falls back to the composed path) against finite
   differences of the first gradient.
4. The whole-stack node alone (every layer and direction, dropout masks, packed lengths in any
   order, h0 None or given, inputs that do or do not need gradients) against its composed twin
   `run_stack`: values and every gradient, and double backward through it.
"""
from __future__ import annotations

import numpy as np
import pytest
from fused_rnn_direction import fused_run_direction
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.core.engine import topological_order
from tinygrad_rnn.testing.strategies import rnn_configs

NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@st.composite
def direction_cases(draw, dtype=np.float64):
    """One layer-direction: sizes from rnn_configs, random arrays, and (maybe) packed lengths."""
    c = draw(rnn_configs(max_size=5))
    steps, batch = c["seq_len"], c["batch"] or 1
    lengths = draw(st.one_of(st.none(), st.lists(st.integers(1, steps), min_size=batch, max_size=batch)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    hidden, inputs = c["hidden_size"], c["input_size"]
    arrays = {
        "x": rng.standard_normal((steps, batch, inputs)),
        "h0": rng.standard_normal((batch, hidden)),
        "weight_ih": rng.standard_normal((hidden, inputs)) * 0.6,
        "weight_hh": rng.standard_normal((hidden, hidden)) * 0.6,
        "bias_ih": rng.standard_normal(hidden) * 0.5 if c["bias"] else None,
        "bias_hh": rng.standard_normal(hidden) * 0.5 if c["bias"] else None,
        "g_out": rng.standard_normal((steps, batch, hidden)),  # random upstream gradients
        "g_h": rng.standard_normal((batch, hidden)),
    }
    arrays = {k: None if a is None else a.astype(dtype) for k, a in arrays.items()}
    return arrays, c["nonlinearity"], c["bidirectional"], lengths


def run_kernel(a, nonlinearity, reverse, lengths):
    """The fused kernel on `a`; returns (out, h_last, {name: gradient})."""
    ts = {k: tinygrad_rnn.tensor(a[k], requires_grad=True) for k in ("x", "h0", *NAMES) if a[k] is not None}
    out, h = fused_run_direction(ts["x"], ts["h0"], ts["weight_ih"], ts["weight_hh"], ts.get("bias_ih"),
                                 ts.get("bias_hh"), nonlinearity, reverse, lengths)
    tinygrad_rnn.autograd.backward([out, h], [tinygrad_rnn.tensor(a["g_out"]), tinygrad_rnn.tensor(a["g_h"])])
    return out.detach().numpy(), h.detach().numpy(), {k: t.grad.numpy() for k, t in ts.items()}


def run_torch(a, nonlinearity, reverse, lengths):
    """torch.nn.RNN with the same weights in the requested direction (its reverse half, when reverse)."""
    torch = require_torch()
    steps, batch, inputs = a["x"].shape
    hidden = a["h0"].shape[1]
    dtype = torch.float64 if a["x"].dtype == np.float64 else torch.float32
    rnn = torch.nn.RNN(inputs, hidden, nonlinearity=nonlinearity, bias=a["bias_ih"] is not None,
                       bidirectional=reverse, dtype=dtype)
    suffix = "_l0_reverse" if reverse else "_l0"
    with torch.no_grad():
        for name in NAMES:
            if a[name] is not None:
                getattr(rnn, name + suffix).copy_(torch.tensor(a[name]))
    x = torch.tensor(a["x"], requires_grad=True)
    h0 = torch.tensor(a["h0"], requires_grad=True)
    h0_all = torch.stack([torch.zeros_like(h0), h0]) if reverse else h0[None]
    source = x if lengths is None else torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
    out, h_n = rnn(source, h0_all)
    if lengths is not None:
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=steps)
    out, h = out[..., hidden:] if reverse else out, h_n[-1]
    torch.autograd.backward([out, h], [torch.tensor(a["g_out"]), torch.tensor(a["g_h"])])
    grads = {"x": x.grad, "h0": h0.grad}
    grads.update({k: getattr(rnn, k + suffix).grad for k in NAMES if a[k] is not None})
    return out.detach().numpy(), h.detach().numpy(), {k: g.numpy() for k, g in grads.items()}


def assert_same(ours, theirs, tol):
    out, h, grads = ours
    out_t, h_t, grads_t = theirs
    np.testing.assert_allclose(out, out_t, err_msg="output", **tol)
    np.testing.assert_allclose(h, h_t, err_msg="h_last", **tol)
    assert grads.keys() == grads_t.keys()
    for k in grads:
        assert grads[k].dtype == grads_t[k].dtype, k
        np.testing.assert_allclose(grads[k], grads_t[k], err_msg=f"grad of {k}", **tol)


# ---------------------------------------------------------------- 1. the kernel alone
@settings(max_examples=40)
@given(direction_cases())
def test_kernel_matches_torch_float64(case):
    a, nonlinearity, reverse, lengths = case
    assert_same(run_kernel(a, nonlinearity, reverse, lengths), run_torch(a, nonlinearity, reverse, lengths),
                dict(rtol=1e-12, atol=1e-13))


@settings(max_examples=25)
@given(direction_cases(dtype=np.float32))
def test_kernel_matches_torch_float32(case):
    a, nonlinearity, reverse, lengths = case
    ours = run_kernel(a, nonlinearity, reverse, lengths)
    assert ours[0].dtype == ours[1].dtype == np.float32
    assert_same(ours, run_torch(a, nonlinearity, reverse, lengths), dict(rtol=2e-5, atol=2e-5))


def numerical_gradients(a, nonlinearity, reverse, lengths, eps=1e-6):
    """Central differences of L = sum(out * g_out) + sum(h * g_h) with respect to every input."""

    def loss(arrays):
        with tinygrad_rnn.no_grad():
            ts = {k: None if v is None else tinygrad_rnn.tensor(v) for k, v in arrays.items()}
            out, h = fused_run_direction(ts["x"], ts["h0"], ts["weight_ih"], ts["weight_hh"], ts["bias_ih"],
                                         ts["bias_hh"], nonlinearity, reverse, lengths)
        return float((out.numpy() * a["g_out"]).sum() + (h.numpy() * a["g_h"]).sum())

    grads = {}
    for name in ("x", "h0", *NAMES):
        if a[name] is None:
            continue
        g = np.zeros_like(a[name])
        for i in np.ndindex(g.shape):
            plus, minus = dict(a), dict(a)
            plus[name], minus[name] = a[name].copy(), a[name].copy()
            plus[name][i] += eps
            minus[name][i] -= eps
            g[i] = (loss(plus) - loss(minus)) / (2 * eps)
        grads[name] = g
    return grads


@settings(max_examples=15)
@given(direction_cases())
def test_kernel_gradients_match_finite_differences(case):
    a, nonlinearity, reverse, lengths = case
    # (relu's kink at 0: random pre-activations land within eps of it with probability ~1e-6)
    _, _, grads = run_kernel(a, nonlinearity, reverse, lengths)
    numerical = numerical_gradients(a, nonlinearity, reverse, lengths)
    for k in numerical:
        np.testing.assert_allclose(grads[k], numerical[k], rtol=1e-5, atol=1e-7, err_msg=f"grad of {k}")


# ---------------------------------------------------------------- 2. nn.RNN: fused path == composed path
def build_rnn(c, dtype, dropout=0.0, seed=0):
    """An nn.RNN from an rnn_configs() draw, its input, h0 (or None) and upstream gradients."""
    tinygrad_rnn.manual_seed(seed)
    rnn = tinygrad_rnn.nn.RNN(c["input_size"], c["hidden_size"], c["num_layers"], nonlinearity=c["nonlinearity"],
                              bias=c["bias"], batch_first=c["batch_first"], dropout=dropout,
                              bidirectional=c["bidirectional"], dtype=dtype)
    rng = np.random.default_rng(seed)
    batch_shape = () if c["batch"] is None else (c["batch"],)
    seq = (c["seq_len"],)
    x_shape = batch_shape + seq if c["batch_first"] else seq + batch_shape
    x = rng.standard_normal(x_shape + (c["input_size"],))
    layers = c["num_layers"] * (2 if c["bidirectional"] else 1)
    h0 = rng.standard_normal((layers,) + batch_shape + (c["hidden_size"],)) if c["with_h0"] else None
    return rnn, x, h0, rng


def run_rnn(rnn, x, h0, rng_seed, dtype):
    """Forward and backward with random upstream gradients; returns every value and gradient."""
    np_dtype = np.float64 if dtype is tinygrad_rnn.float64 else np.float32
    rnn.zero_grad()
    x = tinygrad_rnn.tensor(x.astype(np_dtype), requires_grad=True)
    h0 = None if h0 is None else tinygrad_rnn.tensor(h0.astype(np_dtype), requires_grad=True)
    tinygrad_rnn.manual_seed(rng_seed)  # the same dropout masks on both paths
    out, h_n = rnn(x, h0)
    rng = np.random.default_rng(rng_seed)
    seeds = [tinygrad_rnn.tensor(rng.standard_normal(t.shape).astype(np_dtype)) for t in (out, h_n)]
    tinygrad_rnn.autograd.backward([out, h_n], seeds)
    result = {"output": out, "h_n": h_n, "x.grad": x.grad}
    if h0 is not None:
        result["h0.grad"] = h0.grad
    result.update({name + ".grad": p.grad for name, p in rnn.named_parameters()})
    return {k: v.detach().numpy().copy() for k, v in result.items()}


def assert_paths_agree(c, dtype, tol, dropout=0.0):
    rnn, x, h0, _ = build_rnn(c, dtype, dropout if c["num_layers"] > 1 else 0.0)
    fused = run_rnn(rnn, x, h0, 1, dtype)
    with tinygrad_rnn.backends.composed_rnn():
        composed = run_rnn(rnn, x, h0, 1, dtype)
    assert fused.keys() == composed.keys()
    for k in fused:
        assert fused[k].dtype == composed[k].dtype == dtype.np, k
        np.testing.assert_allclose(fused[k], composed[k], err_msg=k, **tol)


@settings(max_examples=30)
@given(rnn_configs(max_size=6), st.sampled_from([0.0, 0.0, 0.5, 1.0]))
def test_fused_equals_composed_float64(c, dropout):
    assert_paths_agree(c, tinygrad_rnn.float64, dict(rtol=1e-12, atol=1e-13), dropout)


@settings(max_examples=20)
@given(rnn_configs(max_size=6))
def test_fused_equals_composed_float32(c):
    assert_paths_agree(c, tinygrad_rnn.float32, dict(rtol=2e-5, atol=2e-5))


def graph_node_types(t):
    return {node._forward_cls.__name__ for node in topological_order([t.grad_fn])}  # the op classes


def test_backend_switch_selects_the_path():
    rnn = tinygrad_rnn.nn.RNN(3, 4, num_layers=2, bidirectional=True)
    x = tinygrad_rnn.randn(5, 2, 3)
    assert tinygrad_rnn.backends.fused_rnn is True  # the default
    fused_nodes = graph_node_types(rnn(x)[0])
    assert fused_nodes == {"FusedRNNStack"}  # the whole stack is one node
    with tinygrad_rnn.backends.composed_rnn():
        assert tinygrad_rnn.backends.fused_rnn is False
        composed_nodes = graph_node_types(rnn(x)[0])
    assert "FusedRNNStack" not in composed_nodes and "Tanh" in composed_nodes
    assert tinygrad_rnn.backends.fused_rnn is True  # restored after the block
    try:
        tinygrad_rnn.backends.fused_rnn = False
        assert "FusedRNNStack" not in graph_node_types(rnn(x)[0])
    finally:
        tinygrad_rnn.backends.fused_rnn = True


def test_composed_rnn_restores_the_flag_after_an_error():
    with pytest.raises(ValueError), tinygrad_rnn.backends.composed_rnn():
        raise ValueError
    assert tinygrad_rnn.backends.fused_rnn is True


# ---------------------------------------------------------------- 3. double backward through the fused node
def check_double_backward(rnn, x, h0):
    """Under create_graph=True the fused node's backward falls back to the composed path. Check that
    (a) those gradients equal the hand-written ones, and (b) their own derivatives match finite
    differences (gradgradcheck; it cannot see (a), since it differentiates what backward returns)."""
    inputs = tuple(t for t in (x, h0) if t is not None) + tuple(rnn.parameters())
    out, h_n = rnn(x, h0)
    assert "FusedRNNStack" in graph_node_types(out)
    rng = np.random.default_rng(0)
    seeds = [tinygrad_rnn.tensor(rng.standard_normal(t.shape)) for t in (out, h_n)]
    plain = tinygrad_rnn.autograd.grad([out, h_n], inputs, seeds, retain_graph=True)
    graphed = tinygrad_rnn.autograd.grad([out, h_n], inputs, seeds, create_graph=True)
    for a, b in zip(plain, graphed):
        np.testing.assert_allclose(b.detach().numpy(), a.numpy(), rtol=1e-12, atol=1e-13)
    assert tinygrad_rnn.autograd.gradgradcheck(lambda x, *rest: rnn(x, h0), inputs, fast_mode=True)


@settings(max_examples=4)
@given(rnn_configs(max_size=2, max_layers=2))
def test_double_backward_through_nn_rnn(c):
    c = dict(c, seq_len=min(c["seq_len"], 3))
    rnn, x, h0, _ = build_rnn(c, tinygrad_rnn.float64)
    x = tinygrad_rnn.tensor(x, requires_grad=True)
    h0 = None if h0 is None else tinygrad_rnn.tensor(h0, requires_grad=True)
    check_double_backward(rnn, x, h0)


def test_double_backward_check_catches_a_wrong_fallback(monkeypatch):
    """The check above can fail: make the fallback differentiate a different function."""
    from tinygrad_rnn.kernels.rnn import FusedRNNStack, run_stack

    def wrong(*args):
        out, h = run_stack(*args)
        return out * out, h

    monkeypatch.setattr(FusedRNNStack, "composed", staticmethod(wrong))
    rnn = tinygrad_rnn.nn.RNN(2, 2, dtype=tinygrad_rnn.float64)
    x = tinygrad_rnn.randn(3, 1, 2, dtype=tinygrad_rnn.float64, requires_grad=True)
    with pytest.raises(AssertionError):
        check_double_backward(rnn, x, None)


def test_engine_never_adds_into_a_tensor_that_reuses_a_freed_buffers_id():
    """Regression: the engine adds gradients in place into buffers it made, and recognised them
    by id() alone. A freed buffer's id was reused by a tensor that a backward returned (and that
    another node still held), which was then silently modified: double backward through two fused
    layers gave different numbers on each run."""
    from tinygrad_rnn.backend.accumulate import FastSum
    from tinygrad_rnn.core.tensor import Tensor

    adder = FastSum(create_graph=False, make=Tensor._make)
    one = Tensor._make(np.ones(2))
    owned = adder.add(one, one)  # a buffer the adder made, so may add into later
    stale_id = id(owned)
    del owned
    fresh = [Tensor._make(np.zeros(2)) for _ in range(50)]  # CPython hands the freed id out again
    reused = next((t for t in fresh if id(t) == stale_id), fresh[0])
    result = adder.add(reused, one)
    np.testing.assert_array_equal(reused.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(result.numpy(), [1.0, 1.0])


# ---------------------------------------------------------------- 4. the whole-stack node against run_stack
@st.composite
def stack_cases(draw, dtype=np.float64, max_size=4, max_layers=3, max_steps=5):
    """Arguments for FusedRNNStack / run_stack: sizes from rnn_configs, random weights, maybe dropout
    masks, maybe lengths (any order), h0 None or given, and which inputs require grad."""
    c = draw(rnn_configs(max_size=max_size, max_layers=max_layers))
    steps, batch = min(c["seq_len"], max_steps), c["batch"] or 1
    directions, layers, hidden = 2 if c["bidirectional"] else 1, c["num_layers"], c["hidden_size"]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    weights = []
    for layer in range(layers):
        inputs = c["input_size"] if layer == 0 else directions * hidden
        for _ in range(directions):
            shapes = [(hidden, inputs), (hidden, hidden)] + ([(hidden,), (hidden,)] if c["bias"] else [])
            weights += [rng.standard_normal(shape) * 0.6 for shape in shapes]
    masks = None
    if layers > 1 and draw(st.booleans()):
        p = draw(st.sampled_from([0.3, 1.0]))
        keep = rng.random((layers - 1, steps, batch, directions * hidden)) >= p
        masks = tuple(k / (1 - p) if p < 1 else k * 0.0 for k in keep)
    lengths = draw(st.one_of(st.none(), st.lists(st.integers(1, steps), min_size=batch, max_size=batch)))
    h0 = rng.standard_normal((layers * directions, batch, hidden)) if c["with_h0"] else None
    arrays = {"x": rng.standard_normal((steps, batch, c["input_size"])), "h0": h0,
              **{f"w{i}": w for i, w in enumerate(weights)},
              "g_out": rng.standard_normal((steps, batch, directions * hidden)),
              "g_h": rng.standard_normal((layers * directions, batch, hidden))}
    arrays = {k: None if a is None else a.astype(dtype) for k, a in arrays.items()}
    masks = None if masks is None else tuple(m.astype(dtype) for m in masks)
    config = (c["nonlinearity"], layers, directions, lengths, masks)
    grad_x, grad_h0 = draw(st.booleans()), draw(st.booleans())
    return arrays, config, grad_x, grad_h0


def run_stack_case(run, case):
    """`run` (the fused node or run_stack) on a stack case: outputs and the gradient of every input
    that requires grad, from random upstream gradients."""
    from tinygrad_rnn.core.tensor import Tensor

    arrays, config, grad_x, grad_h0 = case
    names = [k for k in arrays if k.startswith("w")]
    ts = {k: tinygrad_rnn.tensor(arrays[k], requires_grad=True) for k in names}
    ts["x"] = tinygrad_rnn.tensor(arrays["x"], requires_grad=grad_x)
    h0 = None if arrays["h0"] is None else tinygrad_rnn.tensor(arrays["h0"], requires_grad=grad_h0)
    out, h_n = run(ts["x"], h0, *config, *(ts[k] for k in names))
    tinygrad_rnn.autograd.backward([out, h_n], [Tensor._make(arrays["g_out"]), Tensor._make(arrays["g_h"])])
    result = {"output": out.detach().numpy(), "h_n": h_n.detach().numpy()}
    result.update({k + ".grad": t.grad.numpy() for k, t in ts.items() if t.requires_grad})
    if h0 is not None and grad_h0:
        result["h0.grad"] = h0.grad.numpy()
    return result


def assert_stack_matches_composed(case, tol):
    from tinygrad_rnn.kernels.rnn import FusedRNNStack, run_stack

    def fused_node(x, h0, *rest):  # run_stack's arguments; the node takes the five of config as one
        return FusedRNNStack.apply(x, h0, rest[:5], *rest[5:])

    fused, composed = run_stack_case(fused_node, case), run_stack_case(run_stack, case)
    assert fused.keys() == composed.keys()
    for k in fused:
        assert fused[k].dtype == composed[k].dtype == case[0]["x"].dtype, k
        np.testing.assert_allclose(fused[k], composed[k], err_msg=k, **tol)


@settings(max_examples=40)
@given(stack_cases())
def test_stack_node_equals_run_stack_float64(case):
    assert_stack_matches_composed(case, dict(rtol=1e-12, atol=1e-13))


@settings(max_examples=20)
@given(stack_cases(dtype=np.float32))
def test_stack_node_equals_run_stack_float32(case):
    assert_stack_matches_composed(case, dict(rtol=2e-5, atol=2e-5))


@settings(max_examples=4)
@given(stack_cases(max_size=2, max_layers=2, max_steps=3))
def test_double_backward_through_the_stack_node(case):
    """create_graph=True gradients of the fused stack (dropout masks, lengths) equal the plain ones, and
    their derivatives match finite differences."""
    from tinygrad_rnn.kernels.rnn import FusedRNNStack

    arrays, config, _, _ = case
    ts = [tinygrad_rnn.tensor(arrays[k], requires_grad=True) for k in arrays if k.startswith("w")]
    x = tinygrad_rnn.tensor(arrays["x"], requires_grad=True)
    h0 = None if arrays["h0"] is None else tinygrad_rnn.tensor(arrays["h0"], requires_grad=True)
    inputs = (x, *([] if h0 is None else [h0]), *ts)

    def run(x, *rest):
        return FusedRNNStack.apply(x, h0, config, *ts)

    out, h_n = run(x)
    seeds = [tinygrad_rnn.tensor(arrays["g_out"]), tinygrad_rnn.tensor(arrays["g_h"])]
    plain = tinygrad_rnn.autograd.grad([out, h_n], inputs, seeds, retain_graph=True)
    graphed = tinygrad_rnn.autograd.grad([out, h_n], inputs, seeds, create_graph=True)
    for a, b in zip(plain, graphed):
        np.testing.assert_allclose(b.detach().numpy(), a.numpy(), rtol=1e-12, atol=1e-13)
    assert tinygrad_rnn.autograd.gradgradcheck(run, inputs, fast_mode=True)


@settings(max_examples=10)
@given(rnn_configs(max_size=4), st.data())
def test_packed_input_fused_equals_composed(c, data):
    """nn.RNN on a PackedSequence (sorted or not): the stack node gives the composed path's numbers."""
    batch = c["batch"] or 1
    lengths = data.draw(st.lists(st.integers(1, c["seq_len"]), min_size=batch, max_size=batch))
    rnn, x, h0, _ = build_rnn(dict(c, batch=batch, batch_first=False), tinygrad_rnn.float64)
    pack = tinygrad_rnn.nn.utils.rnn.pack_padded_sequence

    def run():
        rnn.zero_grad()
        xt = tinygrad_rnn.tensor(x, requires_grad=True)
        h0t = None if h0 is None else tinygrad_rnn.tensor(h0, requires_grad=True)
        out, h_n = rnn(pack(xt, lengths, enforce_sorted=False), h0t)
        rng = np.random.default_rng(2)
        tinygrad_rnn.autograd.backward([out.data, h_n], [tinygrad_rnn.tensor(rng.standard_normal(t.shape))
                                                         for t in (out.data, h_n)])
        found = {"out": out.data, "h_n": h_n, "x.grad": xt.grad, **{n: p.grad for n, p in rnn.named_parameters()}}
        if h0t is not None:
            found["h0.grad"] = h0t.grad
        return {k: v.detach().numpy().copy() for k, v in found.items()}

    fused = run()
    with tinygrad_rnn.backends.composed_rnn():
        composed = run()
    for k in fused:
        np.testing.assert_allclose(fused[k], composed[k], rtol=1e-12, atol=1e-13, err_msg=k)


@pytest.mark.parametrize("kwargs", [{}, {"num_layers": 2}, {"bidirectional": True}])
def test_stack_node_shows_torchs_grad_fn_name(kwargs):
    torch = require_torch()
    theirs = torch.nn.RNN(3, 4, **kwargs)(torch.randn(5, 2, 3))[0].grad_fn.name()
    ours = tinygrad_rnn.nn.RNN(3, 4, **kwargs)(tinygrad_rnn.randn(5, 2, 3))[0].grad_fn.name()
    assert ours == theirs


@pytest.mark.parametrize("steps, reused", [(8, True), (1, False)])
def test_backward_reuses_its_dpre_array_when_big(monkeypatch, steps, reused):
    """dL/d(pre-activation) of every step never leaves the backward, so when it is big (over
    kernels.rnn.FRESH_BYTES) it is a scratch array: a fresh one cost ~570 page faults per
    medium-shape backward (backend/scratch.py). A small one is made anew (cheaper than scratch)."""
    from tinygrad_rnn.kernels import rnn as kernel

    slopes = []
    real_slope = kernel.activation_slope

    def keeping_slope(*args):
        slopes.append(real_slope(*args))  # (kept alive: a fresh array could not be the same object)
        return slopes[-1]

    monkeypatch.setattr(kernel, "activation_slope", keeping_slope)
    rnn = tinygrad_rnn.nn.RNN(3, 160)
    x = tinygrad_rnn.randn(steps, 32, 3, requires_grad=True)  # dpre: steps * 32 * 160 float32
    for _ in range(2):
        rnn(x)[0].sum().backward()
    assert (slopes[0].nbytes > kernel.FRESH_BYTES) == reused
    assert len(slopes) == 2 and (slopes[1] is slopes[0]) == reused


@pytest.mark.parametrize("layers, bidirectional, packed, dropout", [
    (3, True, False, 0.0), (3, False, True, 0.0), (2, True, True, 0.5), (3, False, False, 0.5)])
def test_reused_arrays_give_the_bits_of_fresh_ones(monkeypatch, layers, bidirectional, packed, dropout):
    """Backward's reused arrays (dpre, dL/d(input) between layers: see kernels.rnn.FRESH_BYTES) give
    exactly the gradients of fresh ones, every layer through (each layer reads the dx the layer
    above wrote). FRESH_BYTES is lowered so that this small model takes them; two backward passes,
    so the second reuses what the first left."""
    from tinygrad_rnn.kernels import rnn as kernel

    def gradients(fresh_bytes):
        monkeypatch.setattr(kernel, "FRESH_BYTES", fresh_bytes)
        tinygrad_rnn.manual_seed(5)
        rnn = tinygrad_rnn.nn.RNN(5, 6, num_layers=layers, bidirectional=bidirectional, dropout=dropout)
        x = tinygrad_rnn.randn(7, 4, 5, requires_grad=True)
        found = []
        for _ in range(2):
            given = tinygrad_rnn.nn.utils.rnn.pack_padded_sequence(x, [7, 3, 5, 2], enforce_sorted=False) \
                if packed else x
            out, h_n = rnn(given)
            out = out.data if packed else out
            ((out * tinygrad_rnn.randn(out.shape)).sum() + (h_n * tinygrad_rnn.randn(h_n.shape)).sum()).backward()
            found += [t.grad.numpy().copy() for t in (x, *rnn.parameters())]
        return found

    fresh, reused = gradients(1 << 60), gradients(0)
    for a, b in zip(fresh, reused):
        assert np.array_equal(a, b)

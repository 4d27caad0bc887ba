"""The fused RNN kernel (tinygrad_rnn/kernels/rnn.py) and the switch that selects it.

1. The kernel alone, one layer and direction, against torch.nn.RNN with the same weights (packed
   sequences included) and against finite differences in float64.
2. nn.RNN on the fused path against nn.RNN on the composed path, over random configurations:
   values and every gradient, float64 to ~1e-12 and float32 to float32 rounding.
3. Double backward through the fused node (it falls back to the composed path) against finite
   differences of the first gradient.
"""
from __future__ import annotations

import numpy as np
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.kernels import fused_run_direction
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

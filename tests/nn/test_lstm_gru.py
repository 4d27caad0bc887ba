"""nn.LSTM, nn.GRU, nn.LSTMCell and nn.GRUCell against torch: outputs, final states and every
gradient over random configurations (both paths), fused vs composed, finite differences, and every
constructor and forward error of the spec."""
import warnings

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck
from tinygrad_rnn.kernels import gru, lstm
from tinygrad_rnn.kernels.recurrence import DirectionWeights, run_direction
from tinygrad_rnn.testing.strategies import rnn_configs


def _one_direction(variant, states, fused_direction):
    """One layer and direction with flat arguments, `(x, *states, *weights, reverse, lengths)`,
    and flat results `(output, *final states)`: fused (`fused_direction`) or composed."""

    def run(x, *rest):
        *tensors, reverse, lengths = rest
        state, weights = tuple(tensors[:states]), DirectionWeights(*tensors[states:])
        if fused_direction is None:
            out, final = run_direction(variant, x, state, weights, reverse, lengths)
        else:
            out, final = fused_direction(x, state, weights, reverse, lengths)
        return (out, *final)

    return run


fused_lstm_direction = _one_direction(lstm.LSTM, 2, lstm.fused_direction)
run_lstm_direction = _one_direction(lstm.LSTM, 2, None)
fused_gru_direction = _one_direction(gru.GRU, 1, gru.fused_direction)
run_gru_direction = _one_direction(gru.GRU, 1, None)

CTOR_KEYS = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "bidirectional")
DTYPES = st.sampled_from([np.float32, np.float64])


@st.composite
def lstm_configs(draw):
    """rnn_configs plus a proj_size (0 or below hidden_size) for LSTM."""
    cfg = draw(rnn_configs(max_size=6))
    cfg["proj_size"] = draw(st.integers(0, cfg["hidden_size"] - 1)) if draw(st.booleans()) else 0
    return cfg


def state_shapes(kind, cfg):
    """Shapes of h0 (and c0) for cfg: batched or unbatched; batch_first never applies to them."""
    layers = cfg["num_layers"] * (2 if cfg["bidirectional"] else 1)
    batch = () if cfg["batch"] is None else (cfg["batch"],)
    h_size = cfg.get("proj_size") or cfg["hidden_size"]
    shapes = [(layers,) + batch + (h_size,)]
    if kind == "LSTM":
        shapes.append((layers,) + batch + (cfg["hidden_size"],))
    return shapes


def input_shape(cfg):
    L, N, H_in = cfg["seq_len"], cfg["batch"], cfg["input_size"]
    if N is None:
        return (L, H_in)
    return (N, L, H_in) if cfg["batch_first"] else (L, N, H_in)


def flat(result):
    """(output, h_n) or (output, (h_n, c_n)) as a flat list of tensors."""
    out, state = result
    return [out] + (list(state) if isinstance(state, tuple) else [state])


def run_pair(kind, cfg, dtype, seed):
    """The same module on both sides (torch's weights loaded into ours), forward and a backward
    seeded with random upstream gradients; both sides' outputs and gradients."""
    torch = require_torch()
    rng = np.random.default_rng(seed)
    kwargs = {k: cfg[k] for k in CTOR_KEYS}
    if cfg.get("proj_size"):
        kwargs["proj_size"] = cfg["proj_size"]
    dname = np.dtype(dtype).name
    theirs = getattr(torch.nn, kind)(**kwargs, dtype=getattr(torch, dname))
    ours = getattr(tinygrad_rnn.nn, kind)(**kwargs, dtype=getattr(tinygrad_rnn, dname))
    assert repr(ours.load_state_dict(theirs.state_dict())) == "<All keys matched successfully>"
    x = rng.standard_normal(input_shape(cfg)).astype(dtype)
    states = [rng.standard_normal(s).astype(dtype) for s in state_shapes(kind, cfg)] if cfg["with_h0"] else None
    results, upstream = [], None
    for lib, module in ((torch, theirs), (tinygrad_rnn, ours)):
        xt = lib.tensor(x, requires_grad=True)
        st_ = None if states is None else [lib.tensor(s, requires_grad=True) for s in states]
        hx = None if st_ is None else (tuple(st_) if kind == "LSTM" else st_[0])
        result = module(xt, hx)
        assert type(result) is tuple
        outs = flat(result)
        if upstream is None:
            upstream = [rng.standard_normal(tuple(t.shape)).astype(dtype) for t in outs]
        lib.autograd.backward(outs, [lib.tensor(u) for u in upstream])
        grads = {"input": xt.grad}
        grads.update((f"state{i}", s.grad) for i, s in enumerate(st_ or []))
        grads.update((name, p.grad) for name, p in module.named_parameters())
        results.append((outs, grads))
    return results


def assert_same_results(results, dtype):
    (outs_t, grads_t), (outs_o, grads_o) = results
    assert len(outs_o) == len(outs_t)
    for i, (a, b) in enumerate(zip(outs_o, outs_t)):
        assert isinstance(a, tinygrad_rnn.Tensor)
        assert_arrays_close(a, b, dtype, f"output {i}")
    assert list(grads_o) == list(grads_t)
    for name in grads_t:
        assert (grads_o[name] is None) == (grads_t[name] is None), name
        if grads_t[name] is not None:
            assert_arrays_close(grads_o[name], grads_t[name], dtype, f"grad of {name}")


# ---------------------------------------------------------------------------- modules vs torch
@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")  # torch's oneDNN note
@settings(max_examples=60)
@given(cfg=lstm_configs(), dtype=DTYPES, seed=st.integers(0, 2**16), fused=st.booleans())
def test_lstm_matches_torch_values_and_gradients(cfg, dtype, seed, fused):
    tinygrad_rnn.backends.fused_rnn = fused
    try:
        assert_same_results(run_pair("LSTM", cfg, dtype, seed), dtype)
    finally:
        tinygrad_rnn.backends.fused_rnn = True


@settings(max_examples=50)
@given(cfg=rnn_configs(max_size=6), dtype=DTYPES, seed=st.integers(0, 2**16), fused=st.booleans())
def test_gru_matches_torch_values_and_gradients(cfg, dtype, seed, fused):
    tinygrad_rnn.backends.fused_rnn = fused
    try:
        assert_same_results(run_pair("GRU", cfg, dtype, seed), dtype)
    finally:
        tinygrad_rnn.backends.fused_rnn = True


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_batch_of_zero_and_builtin_tuple(kind):
    module = getattr(tinygrad_rnn.nn, kind)(4, 3)
    result = module(tinygrad_rnn.randn(5, 0, 4))
    assert type(result) is tuple
    assert [tuple(t.shape) for t in flat(result)] == [(5, 0, 3)] + [(1, 0, 3)] * (2 if kind == "LSTM" else 1)


def test_lstm_projection_shapes_and_list_hx():
    lstm = tinygrad_rnn.nn.LSTM(4, 3, proj_size=2, num_layers=2, bidirectional=True)
    h0, c0 = tinygrad_rnn.zeros(4, 5, 2), tinygrad_rnn.zeros(4, 5, 3)
    out, (h_n, c_n) = lstm(tinygrad_rnn.randn(6, 5, 4), [h0, c0])
    assert (tuple(out.shape), tuple(h_n.shape), tuple(c_n.shape)) == ((6, 5, 4), (4, 5, 2), (4, 5, 3))
    names = [(n, tuple(p.shape)) for n, p in lstm.named_parameters()][:5]
    assert names == [("weight_ih_l0", (12, 4)), ("weight_hh_l0", (12, 2)), ("bias_ih_l0", (12,)),
                     ("bias_hh_l0", (12,)), ("weight_hr_l0", (2, 3))]


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_init_is_uniform_in_one_over_sqrt_hidden(kind):
    module = getattr(tinygrad_rnn.nn, kind)(50, 64, **({"proj_size": 16} if kind == "LSTM" else {}))
    values = np.concatenate([p.detach().numpy().ravel() for p in module.parameters()])
    assert np.all(np.abs(values) <= 0.125) and values.max() > 0.12 and values.min() < -0.12
    assert abs(values.std() - 0.125 / np.sqrt(3)) < 0.003


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_dropout_only_between_layers_and_only_in_training(kind):
    module = getattr(tinygrad_rnn.nn, kind)(3, 4, num_layers=2, dropout=0.5)
    x = tinygrad_rnn.randn(5, 2, 3)
    first, second = flat(module(x)), flat(module(x))
    assert not np.allclose(first[0].detach().numpy(), second[0].detach().numpy())
    module.eval()
    assert np.array_equal(flat(module(x))[0].detach().numpy(), flat(module(x))[0].detach().numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = getattr(tinygrad_rnn.nn, kind)(3, 4, dropout=0.5)
    assert np.array_equal(flat(single(x))[0].detach().numpy(), flat(single.eval()(x))[0].detach().numpy())


# ---------------------------------------------------------------------------- cells vs torch
@settings(max_examples=40)
@given(kind=st.sampled_from(["LSTMCell", "GRUCell"]), input_size=st.integers(1, 5), hidden=st.integers(1, 5),
       batch=st.one_of(st.none(), st.integers(0, 3)), bias=st.booleans(), with_hx=st.booleans(), dtype=DTYPES,
       seed=st.integers(0, 2**16))
def test_cells_match_torch(kind, input_size, hidden, batch, bias, with_hx, dtype, seed):
    torch = require_torch()
    rng = np.random.default_rng(seed)
    dname = np.dtype(dtype).name
    theirs = getattr(torch.nn, kind)(input_size, hidden, bias, dtype=getattr(torch, dname))
    ours = getattr(tinygrad_rnn.nn, kind)(input_size, hidden, bias, dtype=getattr(tinygrad_rnn, dname))
    ours.load_state_dict(theirs.state_dict())
    lead = () if batch is None else (batch,)
    x = rng.standard_normal(lead + (input_size,)).astype(dtype)
    states = [rng.standard_normal(lead + (hidden,)).astype(dtype) for _ in range(2 if kind == "LSTMCell" else 1)]
    results, upstream = [], None
    for lib, module in ((torch, theirs), (tinygrad_rnn, ours)):
        xt = lib.tensor(x, requires_grad=True)
        st_ = [lib.tensor(s, requires_grad=True) for s in states]
        hx = (tuple(st_) if kind == "LSTMCell" else st_[0]) if with_hx else None
        out = module(xt, hx)
        outs = list(out) if kind == "LSTMCell" else [out]
        if upstream is None:
            upstream = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in outs]
        lib.autograd.backward(outs, [lib.tensor(u) for u in upstream])
        grads = {"input": xt.grad, **{f"state{i}": s.grad for i, s in enumerate(st_)}}
        grads.update((name, p.grad) for name, p in module.named_parameters())
        results.append((outs, grads))
    assert_same_results(results, dtype)


# ---------------------------------------------------------------------------- fused vs composed
@settings(max_examples=50)
@given(kind=st.sampled_from(["LSTM", "GRU"]), steps=st.integers(1, 6), batch=st.integers(1, 4),
       input_size=st.integers(1, 4), hidden=st.integers(2, 5), proj=st.booleans(), bias=st.booleans(),
       reverse=st.booleans(), packed=st.booleans(), seed=st.integers(0, 2**16))
def test_fused_kernels_agree_with_composed_path(kind, steps, batch, input_size, hidden, proj, bias, reverse, packed,
                                                seed):
    """Values and every gradient, including reverse direction and unsorted packed lengths."""
    rng = np.random.default_rng(seed)
    gates = 4 if kind == "LSTM" else 3
    out_size = hidden - 1 if kind == "LSTM" and proj else hidden
    arrays = [rng.standard_normal(s) for s in [(steps, batch, input_size), (batch, out_size)]]
    if kind == "LSTM":
        arrays.append(rng.standard_normal((batch, hidden)))
    arrays += [rng.standard_normal((gates * hidden, input_size)), rng.standard_normal((gates * hidden, out_size))]
    arrays += [rng.standard_normal(gates * hidden) if bias else None] * 2
    if kind == "LSTM":
        arrays.append(rng.standard_normal((out_size, hidden)) if proj else None)
    lengths = rng.integers(1, steps + 1, batch) if packed else None
    fused, composed = (fused_lstm_direction, run_lstm_direction) if kind == "LSTM" else (fused_gru_direction,
                                                                                         run_gru_direction)
    results, upstream = [], None
    for fn in (composed, fused):
        tensors = [None if a is None else tinygrad_rnn.tensor(a, requires_grad=True) for a in arrays]
        outs = fn(*tensors, reverse, lengths)
        if upstream is None:
            upstream = [rng.standard_normal(tuple(o.shape)) for o in outs]
        tinygrad_rnn.autograd.backward(list(outs), [tinygrad_rnn.tensor(u) for u in upstream])
        results.append([o.detach().numpy() for o in outs] + [t.grad.numpy() for t in tensors if t is not None])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("steps", [1, 3])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_kernel_results_do_not_share_reused_work_arrays(kind, steps):
    """Regression: the kernels reuse work arrays between calls (kernels/scratch.py). With one step
    and no bias, the input projection was returned as the saved gates without a copy, so the next
    layer's forward overwrote the first layer's gates and its gradients came out wrong."""
    rng = np.random.default_rng(1)
    module = getattr(tinygrad_rnn.nn, kind)(3, 4, num_layers=3, bias=False, bidirectional=True).double()
    x_data, upstream = rng.standard_normal((steps, 2, 3)), rng.standard_normal((steps, 2, 8))
    results = []
    for fused in (False, True):
        tinygrad_rnn.backends.fused_rnn = fused
        try:
            x = tinygrad_rnn.tensor(x_data, requires_grad=True)
            out = flat(module(x))[0]
            out.backward(tinygrad_rnn.tensor(upstream))
            results.append([out.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in module.parameters()])
            module.zero_grad()
        finally:
            tinygrad_rnn.backends.fused_rnn = True
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_fused_double_backward_matches_composed(kind):
    """create_graph=True through the fused node (its composed fallback) gives the composed result."""
    rng = np.random.default_rng(0)
    module = getattr(tinygrad_rnn.nn, kind)(2, 3, bidirectional=True).double()
    x_data = rng.standard_normal((3, 2, 2))
    results = []
    for fused in (False, True):
        tinygrad_rnn.backends.fused_rnn = fused
        try:
            x = tinygrad_rnn.tensor(x_data, requires_grad=True)
            out = flat(module(x))[0]
            (g,) = tinygrad_rnn.autograd.grad((out * out).sum(), x, create_graph=True)
            (gg,) = tinygrad_rnn.autograd.grad((g * g).sum(), x)
            results.append((g.detach().numpy(), gg.numpy()))
        finally:
            tinygrad_rnn.backends.fused_rnn = True
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------- finite differences
@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_gradients_match_finite_differences(kind, fused):
    rng = np.random.default_rng(1)
    gates = 4 if kind == "LSTM" else 3
    H, P = 3, 2
    out_size = P if kind == "LSTM" else H
    args = [rng.standard_normal((3, 2, 2)), rng.standard_normal((2, out_size))]
    if kind == "LSTM":
        args.append(rng.standard_normal((2, H)))
    args += [rng.standard_normal((gates * H, 2)), rng.standard_normal((gates * H, out_size)),
             rng.standard_normal(gates * H), rng.standard_normal(gates * H)]
    if kind == "LSTM":
        args.append(rng.standard_normal((P, H)))
    tensors = [tinygrad_rnn.tensor(a, requires_grad=True) for a in args]
    if kind == "LSTM":
        fn = fused_lstm_direction if fused else run_lstm_direction
    else:
        fn = fused_gru_direction if fused else run_gru_direction
    for reverse, lengths in ((False, None), (True, None), (True, [3, 1])):
        assert gradcheck(lambda *t, reverse=reverse, lengths=lengths: fn(*t, reverse, lengths), tensors)


# ---------------------------------------------------------------------------- errors
def _silent(make):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return make(m)
    return run


CTOR_ERRORS = [
    lambda m, C: C(),
    lambda m, C: C(4),
    lambda m, C: C(4, 3, nonlinearity="relu"),
    lambda m, C: C(4, 3, foo=1),
    lambda m, C: C(4, 3, mode="LSTM"),
    lambda m, C: C(4, 3, dropout=1.5),
    lambda m, C: C(4, 3, dropout=None),
    lambda m, C: C(4, 3, bias=1),
    lambda m, C: C(4, 3, batch_first="yes"),
    lambda m, C: C(4.0, 3),
    lambda m, C: C(0, 3),
    lambda m, C: C(4, 0),
    lambda m, C: C(4, 3, num_layers=0),
    lambda m, C: C(4, 3, dtype=m.int64),
]


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("index", range(len(CTOR_ERRORS)))
def test_constructor_errors(kind, index):
    check_error(_silent(lambda m: CTOR_ERRORS[index](m, getattr(m.nn, kind))))


@pytest.mark.parametrize("make", [
    lambda m: m.nn.LSTM(4, 3, proj_size=3),
    lambda m: m.nn.LSTM(4, 3, proj_size=-1),
    lambda m: m.nn.GRU(4, 3, proj_size=0),
    lambda m: m.nn.GRU(4, 3, proj_size=1),
])
def test_proj_size_errors(make):
    check_error(make)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_repr_matches_torch(kind):
    torch = require_torch()
    cases = [((4, 3), {}), ((4, 3, 2, False, True, 0.5, True), {}), ((4, 3), {"dropout": 1})]
    if kind == "LSTM":
        cases.append(((4, 3), {"proj_size": 2, "num_layers": 2, "bidirectional": True}))
    for args, kwargs in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert repr(getattr(tinygrad_rnn.nn, kind)(*args, **kwargs)) == repr(getattr(torch.nn, kind)(*args, **kwargs))
    for bias in (True, False, 0):
        cell = kind + "Cell"
        assert repr(getattr(tinygrad_rnn.nn, cell)(4, 3, bias)) == repr(getattr(torch.nn, cell)(4, 3, bias))


def test_lstm_forward_errors():
    def lstm(m):
        return m.nn.LSTM(4, 3)

    x, h = np.random.default_rng(0).standard_normal((5, 2, 4)), np.zeros((1, 2, 3))
    cases = [
        lambda m: lstm(m)(m.randn(4)),
        lambda m: lstm(m)(m.randn(1, 5, 2, 4)),
        lambda m: lstm(m)(m.randn(5, 2, 6)),
        lambda m: lstm(m)(m.tensor(x)),  # float64 input, float32 weights
        lambda m: lstm(m)(m.randn(0, 2, 4)),
        lambda m: lstm(m)(m.randn(5, 2, 4), (m.zeros(2, 3), m.zeros(1, 2, 3))),
        lambda m: lstm(m)(m.randn(5, 2, 4), (m.zeros(1, 2, 3), m.zeros(2, 3))),
        lambda m: lstm(m)(m.randn(5, 4), (m.zeros(1, 2, 3), m.zeros(1, 2, 3))),
        lambda m: lstm(m)(m.randn(5, 2, 4), (m.zeros(1, 3, 3), m.zeros(1, 2, 3))),
        lambda m: lstm(m)(m.randn(5, 2, 4), (m.zeros(1, 2, 3), m.zeros(1, 2, 4))),
        lambda m: lstm(m)(m.randn(5, 2, 4), m.zeros(1, 2, 3)),
        lambda m: lstm(m)(m.randn(5, 2, 4), m.zeros(2, 2, 3)),
        lambda m: lstm(m)(m.randn(5, 2, 4), (m.zeros(1, 2, 3),)),
        lambda m: lstm(m)(m.randn(5, 2, 4), (m.zeros(1, 2, 3),) * 3),
        lambda m: lstm(m)(m.randn(5, 4), (m.zeros(1, 4), m.zeros(1, 3))),
        lambda m: m.nn.LSTM(4, 3, proj_size=2)(m.randn(5, 2, 4), (m.tensor(h).float(), m.tensor(h).float())),
        lambda m: lstm(m)(m.randn(5, 2, 4), m.zeros(1, 2, 3), 1),
        lambda m: lstm(m)(),
        lambda m: lstm(m)(x),
    ]
    for case in cases:
        check_error(case)


@pytest.mark.parametrize("h_dtype, c_dtype", [("float64", "float32"), ("float32", "int64"), ("float16", "float32"),
                                              ("float16", "float64"), ("int8", "float64"), ("float64", "uint8"),
                                              ("float16", "int8")])
def test_lstm_state_of_another_dtype_fails_in_torchs_onednn_words(h_dtype, c_dtype):
    # forum mistake: an h0 made from a float64 numpy array. torch's LSTM takes padded float32 input to oneDNN,
    # whose words differ from RNN's and GRU's "mat1 and mat2 must have the same dtype"
    def run(m, batch_first=False, packed=False):
        m.manual_seed(0)
        lstm, x = m.nn.LSTM(4, 3, batch_first=batch_first), m.randn(5, 2, 4)
        x = m.nn.utils.rnn.pack_padded_sequence(x, [5, 3]) if packed else x
        return lstm(x, (m.zeros(1, 2, 3, dtype=getattr(m, h_dtype)), m.zeros(1, 2, 3, dtype=getattr(m, c_dtype))))

    check_error(run)
    check_error(lambda m: run(m, batch_first=True))
    if "float64" in (h_dtype, c_dtype) and "int8" not in (h_dtype, c_dtype):
        check_error(lambda m: run(m, packed=True))  # packed input takes torch's default kernel and its words


def test_gru_forward_errors():
    def gru(m):
        return m.nn.GRU(4, 3)

    cases = [
        lambda m: gru(m)(m.randn(4)),
        lambda m: gru(m)(m.randn(1, 5, 2, 4)),
        lambda m: gru(m)(m.randn(5, 2, 6)),
        lambda m: gru(m)(m.randn(5, 2, 4).double()),
        lambda m: gru(m)(m.randn(0, 2, 4)),
        lambda m: gru(m)(m.randn(5, 2, 4), m.zeros(2, 3)),
        lambda m: gru(m)(m.randn(5, 4), m.zeros(1, 2, 3)),
        lambda m: gru(m)(m.randn(5, 2, 4), m.zeros(1, 3, 3)),
        lambda m: gru(m)(m.randn(5, 2, 4), (m.zeros(1, 2, 3),)),
        lambda m: gru(m)(m.randn(5, 2, 4), m.zeros(1, 2, 3).double()),
        lambda m: m.nn.GRU(4, 3, batch_first=True)(m.randn(3, 5, 4), m.zeros(3, 1, 3)),
        lambda m: gru(m)(m.randn(5, 2, 4), m.zeros(1, 2, 3), 1),
        lambda m: gru(m)(),
    ]
    for case in cases:
        check_error(case)


def test_cell_errors():
    cases = []
    for kind in ("LSTMCell", "GRUCell"):
        def cell(m, kind=kind):
            return getattr(m.nn, kind)(4, 3)

        def hx(m, *shape, kind=kind):
            return (m.zeros(*shape), m.zeros(2, 3)) if kind == "LSTMCell" else m.zeros(*shape)

        cases += [
            lambda m, cell=cell: cell(m)(m.randn(1, 2, 4)),
            lambda m, cell=cell: cell(m)(m.tensor(1.0)),
            lambda m, cell=cell: cell(m)(m.randn(2, 5)),
            lambda m, cell=cell: cell(m)(m.randn(5)),
            lambda m, cell=cell: cell(m)(m.randn(2, 4).double()),
            lambda m, cell=cell: cell(m)(m.randn(2, 4).long()),
            lambda m, cell=cell, hx=hx: cell(m)(m.randn(2, 4), hx(m, 1, 2, 3)),
            lambda m, cell=cell, hx=hx: cell(m)(m.randn(2, 4), hx(m, 2, 4)),
            lambda m, cell=cell, hx=hx: cell(m)(m.randn(2, 4), hx(m, 3, 3)),
            lambda m, cell=cell, hx=hx: cell(m)(m.randn(4), hx(m, 1, 3)),
            lambda m, cell=cell: cell(m)(),
            lambda m, kind=kind: getattr(m.nn, kind)(4, -1),
            lambda m, kind=kind: getattr(m.nn, kind)(4, 2.0),
        ]
    cases += [
        lambda m: m.nn.LSTMCell(4, 3)(m.randn(2, 4), m.zeros(2, 3)),
        lambda m: m.nn.LSTMCell(4, 3)(m.randn(2, 4), (m.zeros(2, 3),)),
        lambda m: m.nn.LSTMCell(4, 3)(m.randn(2, 4), (m.zeros(2, 3), m.zeros(1, 2, 3))),
        lambda m: m.nn.LSTMCell(4, 3)(m.randn(2, 4), (m.zeros(2, 3), m.zeros(3, 3))),
        lambda m: m.nn.LSTMCell(4, 3)(m.randn(2, 4), (m.zeros(2, 3).double(), m.zeros(2, 3))),
        lambda m: m.nn.LSTMCell(4, 3, nonlinearity="tanh"),
        lambda m: m.nn.GRUCell(4, 3)(m.randn(2, 4), (m.zeros(2, 3),)),
    ]
    for case in cases:
        check_error(case)


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")  # torch's oneDNN note
@pytest.mark.parametrize("kind, kwargs, dtype", [("LSTM", {}, "float32"), ("LSTM", {}, "float64"),
                                                 ("LSTM", {"proj_size": 1}, "float32"), ("GRU", {}, "float32"),
                                                 ("GRU", {"bidirectional": True}, "float32")])
def test_grad_fn_names_read_as_torchs(kind, kwargs, dtype):
    torch = require_torch()
    names = []
    for lib in (torch, tinygrad_rnn):
        module = getattr(lib.nn, kind)(3, 2, **kwargs, dtype=getattr(lib, dtype))
        out, state = module(lib.randn(4, 2, 3, dtype=getattr(lib, dtype)))
        names.append([t.grad_fn.name() for t in [out] + list(state if isinstance(state, tuple) else [state])])
    assert names[0] == names[1]


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")  # torch's oneDNN note
@pytest.mark.parametrize("kind, options", [
    ("LSTM", {}), ("LSTM", {"num_layers": 2}), ("LSTM", {"batch_first": True}), ("LSTM", {"bidirectional": True}),
    ("LSTM", {"dtype": "float64"}), ("LSTM", {"proj_size": 1}), ("GRU", {}), ("GRU", {"num_layers": 2})])
def test_an_output_changed_in_place_fails_backward_where_torchs_does(kind, options):
    """torch's oneDNN LSTM node (float32, one direction, no projection) saves its output, so an
    in-place change of the output makes backward raise; its other RNN nodes keep copies, and
    backward gives the gradients of the values before the change. Ours did the second always."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        given = {k: getattr(m, v) if k == "dtype" else v for k, v in options.items()}
        layer = getattr(m.nn, kind)(3, 4, **given)
        x = m.randn(5, 2, 3, dtype=given.get("dtype"), requires_grad=True)
        output = layer(x)[0]
        output.mul_(2)
        try:
            output.sum().backward()
            results.append(x.grad.numpy())
        except RuntimeError as error:
            results.append(str(error))
    if isinstance(results[1], str):
        assert results[0] == results[1]
    else:
        np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_second_backward_needs_retain_graph(kind):
    """The fused node frees what it saved after backward, as torch does; retain_graph keeps it."""
    module = getattr(tinygrad_rnn.nn, kind)(2, 3)
    out = flat(module(tinygrad_rnn.randn(4, 1, 2)))[0]
    out.sum().backward(retain_graph=True)
    first = module.weight_hh_l0.grad.numpy().copy()
    out.sum().backward()
    np.testing.assert_allclose(module.weight_hh_l0.grad.numpy(), 2 * first, rtol=1e-6)
    check_error(lambda m: _backward_twice(m, kind))


def _backward_twice(m, kind):
    out = flat(getattr(m.nn, kind)(2, 3)(m.randn(4, 1, 2)))[0]
    out.sum().backward()
    out.sum().backward()


def test_docstring_examples_run():
    import doctest

    from tinygrad_rnn.nn import gru, lstm
    from tinygrad_rnn.nn.utils import rnn

    for module in (lstm, gru, rnn):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_scratch_reuses_one_array_per_name_shape_dtype_and_thread():
    """kernels/scratch.py: the same array back for the same name, shape and dtype; a new one
    otherwise; nothing kept from KEEP_BYTES up; another thread gets its own arrays."""
    import threading

    from tinygrad_rnn.backend.scratch import KEEP_BYTES, scratch

    a = scratch("test a", (3, 4), np.float32)
    assert a.shape == (3, 4) and a.dtype == np.float32
    assert scratch("test a", (3, 4), np.float32) is a
    assert scratch("test b", (3, 4), np.float32) is not a
    b = scratch("test a", (4, 3), np.float32)
    assert b is not a and scratch("test a", (4, 3), np.float64) is not b
    big = KEEP_BYTES // 8 + 1
    assert scratch("test big", (big,), np.float64) is not scratch("test big", (big,), np.float64)
    c = scratch("test c", (2,), np.float32)
    other = []
    thread = threading.Thread(target=lambda: other.append(scratch("test c", (2,), np.float32)))
    thread.start()
    thread.join()
    assert other[0] is not c and scratch("test c", (2,), np.float32) is c


def _output_node_types(m):
    """The class of each output's node of nn.LSTM/GRU/RNN (float32: torch's oneDNN LSTM on a batch that is not
    empty, its composite path otherwise), as `type(out.grad_fn).__name__` shows it."""
    names = []
    for family, kw, shape in (("LSTM", {}, (5, 2, 3)), ("LSTM", {}, (5, 0, 3)), ("LSTM", {"proj_size": 2}, (5, 2, 3)),
                              ("GRU", {"bidirectional": True}, (5, 2, 3)), ("RNN", {"num_layers": 2}, (5, 2, 3))):
        out, state = getattr(m.nn, family)(3, 4, **kw)(m.randn(*shape))
        names += [type(t.grad_fn).__name__ for t in (out, *(state if isinstance(state, tuple) else (state,)))]
    return names


def test_output_nodes_are_of_torchs_classes():
    torch = require_torch()
    assert _output_node_types(tinygrad_rnn) == _output_node_types(torch)

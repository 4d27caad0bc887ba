"""nn.RNN against torch: values and every gradient over random configurations, finite differences,
init, state_dict round trips, dropout, and every constructor and forward error of the spec."""
import warnings

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st
from nn_helpers import differences

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck
from tinygrad_rnn.kernels import recurrence
from tinygrad_rnn.kernels.recurrence import DirectionWeights, run_direction
from tinygrad_rnn.kernels.variants import VARIANTS
from tinygrad_rnn.testing.strategies import rnn_configs

CTOR_KEYS = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "bidirectional", "nonlinearity")


def make_inputs(cfg, dtype, rng):
    """x (and h0, or None) as numpy arrays shaped for cfg: batched or unbatched, batch_first or not."""
    L, N, D = cfg["seq_len"], cfg["batch"], 2 if cfg["bidirectional"] else 1
    H_in, H, layers = cfg["input_size"], cfg["hidden_size"], cfg["num_layers"]
    if N is None:
        x_shape, h_shape = (L, H_in), (D * layers, H)
    else:
        x_shape = (N, L, H_in) if cfg["batch_first"] else (L, N, H_in)
        h_shape = (D * layers, N, H)
    x = rng.standard_normal(x_shape).astype(dtype)
    h0 = rng.standard_normal(h_shape).astype(dtype) if cfg["with_h0"] else None
    return x, h0


def run_pair(module_cls_name, cfg, dtype, seed):
    """Build the same module on both sides (torch's weights copied into ours), run forward and a
    backward seeded with random upstream gradients; return both sides' results."""
    torch = require_torch()
    rng = np.random.default_rng(seed)
    kwargs = {k: cfg[k] for k in CTOR_KEYS}
    theirs = getattr(torch.nn, module_cls_name)(**kwargs, dtype=getattr(torch, np.dtype(dtype).name))
    ours = getattr(tinygrad_rnn.nn, module_cls_name)(**kwargs, dtype=getattr(tinygrad_rnn, np.dtype(dtype).name))
    assert repr(ours.load_state_dict(theirs.state_dict())) == "<All keys matched successfully>"
    x, h0 = make_inputs(cfg, dtype, rng)
    results = []
    upstream = None
    for lib, module in ((torch, theirs), (tinygrad_rnn, ours)):
        xt = lib.tensor(x, requires_grad=True)
        ht = None if h0 is None else lib.tensor(h0, requires_grad=True)
        out, h_n = module(xt) if ht is None else module(xt, ht)
        if upstream is None:
            upstream = [rng.standard_normal(tuple(t.shape)).astype(dtype) for t in (out, h_n)]
        lib.autograd.backward([out, h_n], [lib.tensor(u) for u in upstream])
        grads = {"input": xt.grad, "h0": None if ht is None else ht.grad}
        grads.update((name, p.grad) for name, p in module.named_parameters())
        results.append((out, h_n, grads))
    return results


def assert_same_results(results, dtype):
    (out_t, hn_t, grads_t), (out_o, hn_o, grads_o) = results
    assert isinstance(out_o, tinygrad_rnn.Tensor) and isinstance(hn_o, tinygrad_rnn.Tensor)
    assert_arrays_close(out_o, out_t, dtype, "output")
    assert_arrays_close(hn_o, hn_t, dtype, "h_n")
    assert list(grads_o) == list(grads_t)
    for name in grads_t:
        assert (grads_o[name] is None) == (grads_t[name] is None), name
        if grads_t[name] is not None:
            assert_arrays_close(grads_o[name], grads_t[name], dtype, f"grad of {name}")


@settings(max_examples=40)
@given(cfg=rnn_configs(), dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_rnn_composed_path_matches_torch_values_and_gradients(cfg, dtype, seed):
    with tinygrad_rnn.backends.composed_rnn():  # the op-by-op reference path (kernels/recurrence.py)
        assert_same_results(run_pair("RNN", cfg, dtype, seed), dtype)


@settings(max_examples=25)
@given(cfg=rnn_configs(), dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_rnn_default_path_matches_torch_values_and_gradients(cfg, dtype, seed):
    assert_same_results(run_pair("RNN", cfg, dtype, seed), dtype)


def test_rnn_returns_builtin_tuple_and_batch_first_output_is_transposed():
    rnn = tinygrad_rnn.nn.RNN(4, 3, batch_first=True)
    result = rnn(tinygrad_rnn.randn(2, 5, 4))
    assert type(result) is tuple and len(result) == 2
    output = result[0]
    assert not output.is_contiguous()
    check_error(lambda m: m.nn.RNN(4, 3, batch_first=True)(m.randn(2, 5, 4))[0].view(-1, 3))
    assert tuple(output.contiguous().view(-1, 3).shape) == (10, 3)
    assert tuple(output.reshape(-1, 3).shape) == (10, 3)


def test_rnn_batch_of_zero_works():
    rnn = tinygrad_rnn.nn.RNN(4, 2)
    out, h_n = rnn(tinygrad_rnn.randn(5, 0, 4))
    assert tuple(out.shape) == (5, 0, 2) and tuple(h_n.shape) == (1, 0, 2)
    out, h_n = tinygrad_rnn.nn.RNN(4, 2, batch_first=True)(tinygrad_rnn.randn(0, 5, 4))
    assert tuple(out.shape) == (0, 5, 2) and tuple(h_n.shape) == (1, 0, 2)


def test_rnn_requires_grad_in_eval_mode_but_not_under_no_grad():
    rnn = tinygrad_rnn.nn.RNN(4, 2, num_layers=2).eval()
    out, h_n = rnn(tinygrad_rnn.randn(3, 2, 4))
    assert out.requires_grad and h_n.requires_grad
    with tinygrad_rnn.no_grad():
        out, h_n = rnn(tinygrad_rnn.randn(3, 2, 4))
    assert not out.requires_grad and not h_n.requires_grad
    assert out.grad_fn is None and h_n.grad_fn is None


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_argument_and_double_give_that_dtype_everywhere(dtype):
    d = getattr(tinygrad_rnn, dtype)
    built = tinygrad_rnn.nn.RNN(3, 2, num_layers=2, dtype=d)
    converted = tinygrad_rnn.nn.RNN(3, 2, num_layers=2).to(d)
    for rnn in (built, converted):
        assert all(p.dtype is d for p in rnn.parameters())
        assert all(w.dtype is d for w in rnn._flat_weights)
        out, h_n = rnn(tinygrad_rnn.randn(4, 2, 3, dtype=d))
        (out.sum() + h_n.sum()).backward()
        assert out.dtype is d and h_n.dtype is d
        assert all(p.grad.dtype is d for p in rnn.parameters())


def test_double_keeps_parameter_objects_and_refreshes_flat_weights():
    rnn = tinygrad_rnn.nn.RNN(3, 2)
    before = list(rnn.parameters())
    assert rnn.double() is rnn
    assert all(a is b for a, b in zip(before, rnn.parameters()))
    assert all(a is b for a, b in zip(rnn._flat_weights, rnn.parameters()))
    assert rnn.weight_ih_l0.dtype is tinygrad_rnn.float64


def _change_weight(module, route):
    """Scale weight_hh_l1 by 1.5 through one of the ways a program changes a weight."""
    w = module.weight_hh_l1
    if route == "setattr":
        module.weight_hh_l1 = tinygrad_rnn.nn.Parameter(w.detach() * 1.5)
    elif route == "assign":
        module.load_state_dict({**module.state_dict(), "weight_hh_l1": w.detach() * 1.5}, assign=True)
    elif route == "copy_":
        with tinygrad_rnn.no_grad():
            w.copy_(w * 1.5)
    else:
        w.grad = -w.detach()
        tinygrad_rnn.optim.SGD([w], lr=0.5).step()


@pytest.mark.parametrize("family", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("route", ["setattr", "assign", "copy_", "optimizer"])
def test_the_kept_weight_grouping_follows_every_change_of_a_weight(family, route, monkeypatch):
    """forward keeps its per-direction grouping of the weights between calls (_weights_by_direction):
    reused while the weights are the same tensors, and a changed or reassigned weight is used next call."""
    tinygrad_rnn.manual_seed(3)
    module = getattr(tinygrad_rnn.nn, family)(3, 4, 2)
    x = tinygrad_rnn.randn(5, 2, 3)
    groupings, group = [], type(module)._group_weights
    monkeypatch.setattr(type(module), "_group_weights", lambda self, flat: groupings.append(1) or group(self, flat))
    warm = module(x)[0].detach().numpy().copy()
    assert np.array_equal(module(x)[0].detach().numpy(), warm) and len(groupings) == 1
    _change_weight(module, route)
    changed = module(x)[0].detach().numpy()
    fresh = getattr(tinygrad_rnn.nn, family)(3, 4, 2)
    fresh.load_state_dict(module.state_dict())
    assert not np.array_equal(changed, warm)
    assert np.array_equal(changed, fresh(x)[0].detach().numpy())


# ------------------------------------------------------------------ finite differences (float64)
def _rnn_function(rnn):
    names = [n for n, _ in rnn.named_parameters()]

    def f(x, h0, *params):
        for name, p in zip(names, params):
            setattr(rnn, name, p)  # run the module with these exact tensors
        out, h_n = rnn(x, h0)
        return out, h_n

    return f


@pytest.mark.parametrize("kwargs", [
    dict(nonlinearity="tanh", num_layers=2, bidirectional=True),
    dict(nonlinearity="relu", num_layers=1, bias=False, batch_first=True),
])
def test_rnn_gradients_match_finite_differences(kwargs):
    tinygrad_rnn.manual_seed(0)
    rnn = tinygrad_rnn.nn.RNN(3, 2, dtype=tinygrad_rnn.float64, **kwargs)
    D = 2 if kwargs.get("bidirectional") else 1
    x = tinygrad_rnn.randn(2, 2, 3, dtype=tinygrad_rnn.float64, requires_grad=True)  # (L, N) = (N, L)
    h0 = tinygrad_rnn.randn(D * kwargs["num_layers"], 2, 2, dtype=tinygrad_rnn.float64, requires_grad=True)
    params = [p.detach().clone().requires_grad_() for p in rnn.parameters()]
    params = [tinygrad_rnn.nn.Parameter(p) for p in params]
    with tinygrad_rnn.backends.composed_rnn():
        assert gradcheck(_rnn_function(rnn), (x, h0, *params), eps=1e-6, atol=1e-7)


def test_run_direction_with_lengths_is_each_sequence_alone():
    """lengths: every batch element behaves as if run alone on its valid steps (both directions)."""
    rng = np.random.default_rng(1)
    L, N, H_in, H = 5, 3, 2, 3
    lengths = np.array([5, 2, 4])
    x = tinygrad_rnn.tensor(rng.standard_normal((L, N, H_in)), requires_grad=True)
    h0 = tinygrad_rnn.tensor(rng.standard_normal((N, H)))
    w = [tinygrad_rnn.tensor(rng.standard_normal(s)) for s in [(H, H_in), (H, H), (H,), (H,)]]
    tanh, weights = VARIANTS["RNN_TANH"], DirectionWeights(*w)
    for reverse in (False, True):
        out, (h_last,) = run_direction(tanh, x, (h0,), weights, reverse, lengths)
        for b, n in enumerate(lengths):
            alone_out, (alone_h,) = run_direction(tanh, x[:n, b:b + 1], (h0[b:b + 1],), weights, reverse)
            np.testing.assert_allclose(out[:n, b].detach().numpy(), alone_out[:, 0].detach().numpy(), rtol=1e-14)
            assert (out[n:, b].detach().numpy() == 0).all()
            np.testing.assert_allclose(h_last[b].detach().numpy(), alone_h[0].detach().numpy(), rtol=1e-14)
    out.sum().backward()
    for b, n in enumerate(lengths):
        assert (x.grad[n:, b].numpy() == 0).all()  # padding gets no gradient


# ------------------------------------------------------------------ parameters, init, state_dict
def test_parameter_names_shapes_order_match_torch():
    torch = require_torch()
    for kwargs in (dict(num_layers=2, bidirectional=True), dict(num_layers=3, bias=False), {}):
        theirs = torch.nn.RNN(4, 3, **kwargs)
        ours = tinygrad_rnn.nn.RNN(4, 3, **kwargs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert ours._flat_weights_names == theirs._flat_weights_names
        assert ours._all_weights == theirs._all_weights
        assert all(a is b for a, b in zip(ours._flat_weights, ours.parameters()))
        assert ours.all_weights[0][0] is ours.weight_ih_l0
        assert all(isinstance(p, tinygrad_rnn.nn.Parameter) and p.is_leaf and p.requires_grad
                   for p in ours.parameters())
        assert list(ours.children()) == [] and list(ours.buffers()) == []
        assert ours.flatten_parameters() is None and ours.reset_parameters() is None


def test_reassigned_weight_updates_flat_weights():
    rnn = tinygrad_rnn.nn.RNN(4, 3)
    new = tinygrad_rnn.nn.Parameter(tinygrad_rnn.zeros(3, 4))
    rnn.weight_ih_l0 = new
    assert rnn._flat_weights[0] is new and rnn.all_weights[0][0] is new


def test_missing_weights_give_torchs_attribute_error():
    check_error(lambda m: m.nn.RNN(4, 3, bias=False).bias_ih_l0)
    check_error(lambda m: m.nn.RNN(4, 3).weight_ih_l1)
    check_error(lambda m: m.nn.RNN(4, 3).foo)


def test_init_is_uniform_in_plus_minus_one_over_sqrt_hidden_size():
    rnn = tinygrad_rnn.nn.RNN(100, 400, num_layers=2, bidirectional=True)
    values = np.concatenate([p.detach().numpy().ravel() for p in rnn.parameters()])
    bound = 1 / np.sqrt(400)
    assert values.size == 1_363_200 and np.abs(values).max() <= bound
    assert abs(values.mean()) < 1e-4
    assert abs(values.std() - bound / np.sqrt(3)) < 1e-4
    histogram = np.histogram(values, bins=10, range=(-bound, bound))[0] / values.size
    assert np.all(np.abs(histogram - 0.1) < 0.003)
    # the bound depends on hidden_size only, not on input_size
    small = np.concatenate([p.detach().numpy().ravel() for p in tinygrad_rnn.nn.RNN(1000, 4).parameters()])
    assert np.abs(small).max() <= 0.5 and np.abs(small).max() > 0.49


def test_state_dict_round_trips_both_ways_with_torch():
    torch = require_torch()
    theirs = torch.nn.RNN(4, 3, num_layers=2, bidirectional=True)
    ours = tinygrad_rnn.nn.RNN(4, 3, num_layers=2, bidirectional=True)
    ours.load_state_dict(theirs.state_dict())
    for (n1, p1), (n2, p2) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert n1 == n2 and np.array_equal(p1.numpy(), p2.numpy())
    ours.reset_parameters()
    result = theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    assert str(result) == "<All keys matched successfully>"
    for (_, p1), (_, p2) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert np.array_equal(p1.numpy(), p2.numpy())


def test_state_dict_shares_memory_and_keep_vars():
    rnn = tinygrad_rnn.nn.RNN(4, 3)
    sd = rnn.state_dict()
    assert not sd["weight_ih_l0"].requires_grad
    sd["weight_ih_l0"][0, 0] = 7.0
    assert rnn.weight_ih_l0[0, 0].item() == 7.0
    assert rnn.state_dict(keep_vars=True)["weight_ih_l0"] is rnn.weight_ih_l0


def test_load_state_dict_keeps_the_modules_dtype():
    ours = tinygrad_rnn.nn.RNN(4, 3)
    state = {k: np.ones(v.shape, np.float64) for k, v in ours.state_dict().items()}
    ours.load_state_dict(state)
    assert ours.weight_ih_l0.dtype is tinygrad_rnn.float32 and ours.weight_ih_l0.sum().item() == 12


@pytest.mark.parametrize("case", ["size", "missing", "unexpected", "nonstrict"])
def test_load_state_dict_errors_match_torch(case):
    def load(m):
        rnn = m.nn.RNN(4, 3)
        sd = dict(rnn.state_dict())
        if case == "size":
            sd["weight_ih_l0"] = m.zeros(3, 5)
        elif case == "unexpected":
            sd["weight_ih_l9"] = m.zeros(3, 5)
        else:
            del sd["bias_hh_l0"]
        result = rnn.load_state_dict(sd, strict=case != "nonstrict")
        raise RuntimeError(repr(result))  # so check_error compares the return value too

    check_error(load)


# ------------------------------------------------------------------ dropout
def test_dropout_only_between_layers_in_training_with_inverted_scaling():
    tinygrad_rnn.manual_seed(0)
    rnn = tinygrad_rnn.nn.RNN(3, 64, num_layers=2, dropout=0.5)
    x = tinygrad_rnn.randn(4, 8, 3)
    rnn.eval()
    eval_out, eval_h = rnn(x)
    assert np.array_equal(eval_out.detach().numpy(), rnn(x)[0].detach().numpy())
    rnn.train()
    train_out, train_h = rnn(x)
    assert not np.array_equal(train_out.detach().numpy(), rnn(x)[0].detach().numpy())
    # h_n of the first layer never sees dropout; the layer-0 -> layer-1 input does
    np.testing.assert_array_equal(train_h[0].detach().numpy(), eval_h[0].detach().numpy())
    assert not np.allclose(train_h[1].detach().numpy(), eval_h[1].detach().numpy())


def test_dropout_is_elementwise_inverted_dropout_on_the_layer_input(monkeypatch):
    """Layer 1 reads x * mask / (1 - p) with an i.i.d. mask per element; eval mode reads x itself."""
    tinygrad_rnn.manual_seed(1)
    p = 0.25
    rnn = tinygrad_rnn.nn.RNN(2, 200, num_layers=2, dropout=p)
    layer_inputs = []
    original = recurrence.run_direction

    def spy(variant, x, state, weights, reverse, lengths):
        layer_inputs.append(x.detach().numpy().copy())
        return original(variant, x, state, weights, reverse, lengths)

    monkeypatch.setattr(recurrence, "run_direction", spy)
    x = tinygrad_rnn.randn(3, 4, 2)
    with tinygrad_rnn.backends.composed_rnn():  # the spied layer loop (the fused stack draws the same masks)
        rnn.train()(x)
        rnn.eval()(x)
    dropped, clean = layer_inputs[1], layer_inputs[3]
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], clean[kept] / (1 - p), rtol=1e-6)
    assert 0.2 < 1 - kept.mean() < 0.3
    assert np.array_equal(layer_inputs[0], layer_inputs[2])  # the first layer's input is never dropped


@pytest.mark.parametrize("module", ["RNN", "RNNCell"])
def test_same_seed_gives_torchs_initial_weights(module):
    torch = require_torch()
    args = (4, 3, 2) if module == "RNN" else (4, 3)
    made = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(7)
        made.append(getattr(lib.nn, module)(*args))
    for (name, theirs), (_, ours) in zip(made[0].named_parameters(), made[1].named_parameters()):
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy(), err_msg=name)


def test_same_seed_gives_torchs_dropout_masks_in_training():
    torch = require_torch()
    results = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(0)
        rnn = lib.nn.RNN(3, 4, num_layers=3, dropout=0.3, bidirectional=True)
        out, h_n = rnn(lib.ones(5, 2, 3))
        results.append((out, h_n))
    for ours, theirs in zip(results[1], results[0]):
        assert_arrays_close(ours, theirs, np.float32)


def test_dropout_one_gives_zeros_not_nan_and_single_layer_dropout_is_a_noop():
    tinygrad_rnn.manual_seed(0)
    rnn = tinygrad_rnn.nn.RNN(3, 4, num_layers=2, dropout=1.0)
    x = tinygrad_rnn.randn(5, 2, 3)
    out, h_n = rnn(x)
    assert np.isfinite(out.detach().numpy()).all()
    out2, _ = rnn(x * 100)
    np.testing.assert_array_equal(out.detach().numpy(), out2.detach().numpy())  # independent of x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = tinygrad_rnn.nn.RNN(3, 4, dropout=0.5)
    a, _ = single(x)
    b, _ = single.eval()(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_dropout_warning_matches_torch():
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.RNN(4, 2, dropout=1)
        messages = [(w.category, str(w.message)) for w in caught]
        if lib is torch:
            expected = messages
    assert messages == expected and len(messages) == 1


# ------------------------------------------------------------------ constructor errors and repr
CTOR_CASES = [
    (), (4,), (4, 2, 1, "relu"), (4, 2, 1, "sigmoid"), (4, 2, 1, None),
    dict(foo=1), dict(mode="LSTM"), dict(proj_size=0), dict(proj_size=1), dict(nonlinearity="Tanh"),
    dict(dropout=None), dict(dropout=-0.1), dict(dropout=1.5), dict(dropout=True), dict(dropout="0.5"),
    dict(dropout=float("nan")), dict(bias=0), dict(bias=None), dict(bias=np.bool_(True)), dict(batch_first=1),
    dict(batch_first="yes"), dict(input_size=4.0), dict(input_size=np.int64(4)), dict(input_size=0),
    dict(hidden_size=2.0), dict(hidden_size=np.int64(2)), dict(hidden_size=-1), dict(hidden_size=True),
    dict(num_layers=0), dict(num_layers=2.0), dict(num_layers="2"), dict(dropout=0.5, hidden_size=0),
    dict(dtype="int64"),
]


@pytest.mark.parametrize("case", CTOR_CASES, ids=str)
def test_constructor_errors_match_torch(case):
    def build(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if isinstance(case, tuple):
                return m.nn.RNN(*case, **({"nonlinearity": "tanh"} if len(case) == 4 and case[3] == "relu" else {}))
            kwargs = {"input_size": 4, "hidden_size": 2, **case}
            if kwargs.get("dtype") == "int64":
                kwargs["dtype"] = m.int64
            if "mode" in kwargs or "foo" in kwargs:
                return m.nn.RNN(4, 2, **{k: v for k, v in case.items()})
            return m.nn.RNN(**kwargs)

    check_error(build)


@pytest.mark.parametrize("kwargs", [
    {}, dict(num_layers=2, dropout=0.5), dict(num_layers=3, bias=False, batch_first=True, dropout=0.25,
                                             bidirectional=True),
    dict(num_layers=2, dropout=1), dict(nonlinearity="relu"), dict(bidirectional=1), dict(bidirectional=0),
    dict(dtype="float64"),
])
def test_repr_and_attributes_match_torch(kwargs):
    torch = require_torch()
    built = []
    for lib in (torch, tinygrad_rnn):
        args = {k: (getattr(lib, v) if k == "dtype" else v) for k, v in kwargs.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rnn = lib.nn.RNN(4, 2, **args)
        built.append(rnn)
    theirs, ours = built
    assert repr(ours) == repr(theirs) and str(ours) == str(theirs)
    assert repr(tinygrad_rnn.nn.Sequential(ours)) == repr(torch.nn.Sequential(theirs))
    for attr in ("mode", "input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout",
                 "bidirectional", "proj_size", "training"):
        assert getattr(ours, attr) == getattr(theirs, attr) and type(getattr(ours, attr)) is type(getattr(theirs, attr))


def test_positional_nonlinearity_and_keyword_forms():
    assert tinygrad_rnn.nn.RNN(4, 2, 1, "relu").mode == "RNN_RELU"
    rnn = tinygrad_rnn.nn.RNN(4, 2, 2, "relu", False, True, 0.0, True)
    assert (rnn.num_layers, rnn.bias, rnn.batch_first, rnn.bidirectional) == (2, False, True, True)


# ------------------------------------------------------------------ forward errors
def _forward_case(x_shape, h_shape=None, x_dtype="float32", h_dtype=None, model_dtype=None, **kwargs):
    def run(m):
        rnn = m.nn.RNN(4, 2, **kwargs)
        if model_dtype:
            rnn = rnn.to(getattr(m, model_dtype))
        x = m.zeros(x_shape, dtype=getattr(m, x_dtype))
        if h_shape is None:
            return rnn(x)
        return rnn(x, m.zeros(h_shape, dtype=getattr(m, h_dtype or x_dtype)))
    return run


FORWARD_CASES = {
    "0-D input": _forward_case(()),
    "1-D input": _forward_case((4,)),
    "4-D input": _forward_case((2, 5, 3, 4)),
    "5-D input": _forward_case((1, 2, 5, 3, 4)),
    "h0 wrong batch": _forward_case((5, 3, 4), (1, 2, 2)),
    "h0 wrong layers": _forward_case((5, 3, 4), (2, 3, 2)),
    "h0 wrong hidden": _forward_case((5, 3, 4), (1, 3, 3)),
    "h0 2-D with batched": _forward_case((5, 3, 4), (3, 2)),
    "h0 1-D with batched": _forward_case((5, 3, 4), (2,)),
    "h0 4-D with batched": _forward_case((5, 3, 4), (1, 1, 3, 2)),
    "h0 3-D with unbatched": _forward_case((5, 4), (1, 1, 2)),
    "h0 1-D with unbatched": _forward_case((5, 4), (2,)),
    "unbatched h0 wrong hidden": _forward_case((5, 4), (1, 3)),
    "unbatched h0 wrong layers": _forward_case((5, 4), (2, 2)),
    "bidir 2-layer h0": _forward_case((5, 3, 4), (2, 3, 2), num_layers=2, bidirectional=True),
    "bidir unbatched h0": _forward_case((5, 4), (2, 2), num_layers=2, bidirectional=True),
    "batch_first h0 given batch first": _forward_case((3, 5, 4), (3, 1, 2), batch_first=True),
    "batch_first h0 seq len as batch": _forward_case((3, 5, 4), (1, 5, 2), batch_first=True),
    "float64 input": _forward_case((5, 3, 4), x_dtype="float64"),
    "float16 input": _forward_case((5, 3, 4), x_dtype="float16"),
    "int64 input": _forward_case((5, 3, 4), x_dtype="int64"),
    "float64 unbatched input": _forward_case((5, 4), x_dtype="float64"),
    "float64 h0": _forward_case((5, 3, 4), (1, 3, 2), h_dtype="float64"),
    "float32 h0 for float64 model": _forward_case((5, 3, 4), (1, 3, 2), x_dtype="float64", h_dtype="float32",
                                                  model_dtype="float64"),
    "float32 input float64 model": _forward_case((5, 3, 4), model_dtype="float64"),
    "wrong feature size": _forward_case((5, 3, 3)),
    "wrong feature size unbatched": _forward_case((5, 3)),
    "order: 1-D float64": _forward_case((4,), x_dtype="float64"),
    "order: float64 + wrong feature": _forward_case((5, 3, 3), x_dtype="float64"),
    "order: wrong feature + wrong h0": _forward_case((5, 3, 3), (1, 2, 2)),
    "order: float64 + h0 2-D": _forward_case((5, 3, 4), (3, 2), x_dtype="float64"),
    "order: wrong feature + h0 2-D": _forward_case((5, 3, 3), (3, 2)),
    "order: float64 + wrong h0": _forward_case((5, 3, 4), (1, 2, 2), x_dtype="float64"),
    "seq_len 0": _forward_case((0, 3, 4)),
    "seq_len 0 with h0": _forward_case((0, 3, 4), (1, 3, 2)),
    "seq_len 0 unbatched": _forward_case((0, 4)),
    "seq_len 0 batch_first": _forward_case((3, 0, 4), batch_first=True),
    "seq_len 0 and batch 0": _forward_case((0, 0, 4)),
    "seq_len 0 with float64 h0": _forward_case((0, 3, 4), (1, 3, 2), h_dtype="float64"),
    "numpy input": lambda m: m.nn.RNN(4, 2)(np.zeros((5, 3, 4), np.float32)),
    "list input": lambda m: m.nn.RNN(4, 2)([[0.0] * 4]),
    "tuple hx": lambda m: m.nn.RNN(4, 2)(m.zeros(5, 3, 4), (m.zeros(1, 3, 2),)),
    "numpy hx": lambda m: m.nn.RNN(4, 2)(m.zeros(5, 3, 4), np.zeros((1, 3, 2), np.float32)),
    "too many arguments": lambda m: m.nn.RNN(4, 2)(m.zeros(5, 3, 4), None, None),
    "no arguments": lambda m: m.nn.RNN(4, 2)(),
}


@pytest.mark.parametrize("case", list(FORWARD_CASES))
def test_forward_errors_match_torch(case):
    check_error(FORWARD_CASES[case])


def test_projected_lstm_warns_once_as_torchs_cpu_build(monkeypatch):
    """torch's CPU build warns once per process that its oneDNN kernel takes no projection: for padded
    float32 input with mkldnn enabled, not for float64 or packed input."""
    from tinygrad_rnn.nn import lstm as lstm_module
    monkeypatch.setattr(lstm_module, "_PROJECTION_WARNED", False)
    lstm = tinygrad_rnn.nn.LSTM(3, 5, proj_size=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lstm.double()(tinygrad_rnn.randn(4, 2, 3, dtype=tinygrad_rnn.float64))
        lstm.float()(tinygrad_rnn.nn.utils.rnn.pack_sequence([tinygrad_rnn.randn(4, 3), tinygrad_rnn.randn(2, 3)]))
        assert not caught
        lstm(tinygrad_rnn.randn(4, 2, 3))
        lstm(tinygrad_rnn.randn(4, 2, 3))
    assert [str(w.message).split(" (Triggered")[0] for w in caught] == [
        "LSTM with projections is not supported with oneDNN. Using default implementation."]



@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("options", [{}, {"num_layers": 2}, {"bidirectional": True}])
def test_batch_first_output_is_laid_out_and_named_as_torchs(kind, options):
    # Raschka ch15 printed output.grad_fn: torch's RNN and GRU kernels transpose_ a batch_first output
    # in place (TransposeBackward1, not a view, version 1), its LSTM returns a transposed view
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        output = getattr(m.nn, kind)(3, 2, batch_first=True, **options)(m.randn(2, 4, 3))[0]
        seen.append((output.grad_fn.name(), output.stride(), output._is_view(), output._version))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("kind", ["RNN", "GRU"])
@pytest.mark.parametrize("options", [{}, {"batch_first": True}, {"num_layers": 2}, {"bidirectional": True}])
def test_changing_the_output_in_place_leaves_the_gradients_as_torchs(kind, options):
    # the fused kernel kept the output's array for its backward: output.add_(1) changed the saved
    # hidden states and the weight gradients silently (torch's output is a copy)
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        layer = getattr(m.nn, kind)(3, 2, **options)
        output, h = layer(m.randn(4, 2, 3))
        output.add_(1)
        h.mul_(2)
        (output.sum() + h.sum()).backward()
        grads.append([p.grad.numpy() for p in layer.parameters()])
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["rnn_tanh", "gru", "lstm"])
def test_batch_first_output_node_of_the_functional_forms(kind):
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        layer = getattr(m.nn, {"rnn_tanh": "RNN", "gru": "GRU", "lstm": "LSTM"}[kind])(3, 2)
        hx = m.zeros(1, 2, 2)
        hx = (hx, hx) if kind == "lstm" else hx
        output = getattr(m, kind)(m.randn(2, 4, 3), hx, layer._flat_weights, True, 1, 0.0, True, False, True)[0]
        names.append((output.grad_fn.name(), output._is_view()))
    assert names[0] == names[1]


RNN_BASE_HELPER_CASES = {
    "get_expected_hidden_size": lambda m, net: (net["rnn"].get_expected_hidden_size(m.ones(5, 2, 3), None),
                                                net["lstm"].get_expected_hidden_size(m.ones(5, 2, 3), None)),
    "get_expected_cell_size, packed": lambda m, net: net["lstm"].get_expected_cell_size(m.ones(5, 3), m.tensor([3, 2])),
    "check_input: feature size": lambda m, net: net["rnn"].check_input(m.ones(5, 2, 2), None),
    "check_input: dtype": lambda m, net: net["rnn"].check_input(m.ones(5, 2, 3, dtype=m.float64), None),
    "check_input: rank": lambda m, net: net["rnn"].check_input(m.ones(5, 3), None),
    "check_input: packed rank": lambda m, net: net["rnn"].check_input(m.ones(5, 2, 3), m.tensor([3, 2])),
    "check_hidden_size": lambda m, net: net["rnn"].check_hidden_size(m.ones(1, 2, 4), (1, 2, 5)),
    "check_hidden_size, own message": lambda m, net: net["rnn"].check_hidden_size(m.ones(1, 2, 4), (1, 2, 5), "{} {}"),
    "check_forward_args, batch_first": lambda m, net: net["rnn"].check_forward_args(m.ones(5, 2, 3), m.ones(4, 2, 4), None),
    "LSTM check_forward_args, fine": lambda m, net: net["lstm"].check_forward_args(
        m.ones(5, 2, 3), (m.ones(1, 2, 2), m.ones(1, 2, 4)), None),
    "LSTM check_forward_args, h": lambda m, net: net["lstm"].check_forward_args(
        m.ones(5, 2, 3), (m.ones(1, 2, 4), m.ones(1, 2, 4)), None),
    "LSTM check_forward_args, c": lambda m, net: net["lstm"].check_forward_args(
        m.ones(5, 2, 3), (m.ones(1, 2, 2), m.ones(1, 2, 2)), None),
    "permute_hidden": lambda m, net: net["rnn"].permute_hidden(m.arange(8.0).view(1, 4, 2), m.tensor([3, 1, 0, 2])),
    "LSTM permute_hidden": lambda m, net: net["lstm"].permute_hidden(
        (m.arange(8.0).view(1, 4, 2), m.ones(1, 4, 1)), m.tensor([3, 1, 0, 2])),
}


def test_rnn_base_public_helpers_match_torch():
    """check_input, check_forward_args, permute_hidden, ...: what a subclass's own forward calls."""
    assert differences(RNN_BASE_HELPER_CASES, lambda m: {
        "rnn": m.nn.RNN(3, 4, num_layers=2, bidirectional=True, batch_first=True),
        "lstm": m.nn.LSTM(3, 4, proj_size=2)}) == []

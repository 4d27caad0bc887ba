"""Layer modules against torch: parameters, init, reprs, forward and backward with torch's weights copied in."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck
from tinygrad_rnn.testing.strategies import shapes

nn = tinygrad_rnn.nn


def _copy_weights(ours, theirs):
    """Load torch's parameters into our module (through our load_state_dict, keyed by torch's names)."""
    state = {k: tinygrad_rnn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)


@settings(max_examples=20)
@given(lead=shapes(min_dims=0, max_dims=2), in_f=st.integers(1, 5), out_f=st.integers(1, 4), bias=st.booleans(),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_linear_matches_torch_with_copied_weights(lead, in_f, out_f, bias, dtype):
    torch = require_torch()
    theirs = torch.nn.Linear(in_f, out_f, bias=bias, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    ours = nn.Linear(in_f, out_f, bias=bias, dtype=tinygrad_rnn.float64 if dtype == np.float64 else tinygrad_rnn.float32)
    _copy_weights(ours, theirs)
    x = np.random.default_rng(in_f).standard_normal(lead + (in_f,)).astype(dtype)
    check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x), [x])
    g = np.random.default_rng(1).standard_normal(lead + (out_f,)).astype(dtype)
    ours(tinygrad_rnn.tensor(x)).backward(tinygrad_rnn.tensor(g))
    theirs(torch.tensor(x)).backward(torch.tensor(g))
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5 if dtype == np.float32 else 1e-10,
                                   atol=1e-6 if dtype == np.float32 else 1e-12, err_msg=name)


def test_linear_parameters_names_shapes_and_repr_match_torch():
    torch = require_torch()
    for bias in (True, False):
        ours, theirs = nn.Linear(4, 2, bias=bias), torch.nn.Linear(4, 2, bias=bias)
        assert repr(ours) == repr(theirs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert (ours.bias is None) == (theirs.bias is None)
    assert nn.Linear(3, 2, dtype=tinygrad_rnn.float64).weight.dtype == tinygrad_rnn.float64


def test_linear_init_is_uniform_within_one_over_sqrt_fan_in():
    layer = nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    for p in (layer.weight.detach().numpy(), layer.bias.detach().numpy()):
        assert p.dtype == np.float32
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.95 * bound
    w = layer.weight.detach().numpy()
    assert abs(w.mean()) < 0.01 * bound and abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound


def test_linear_errors_match_torch():
    check_error(lambda m: m.nn.Linear(4, 2)(m.zeros(3, 3)))
    check_error(lambda m: m.nn.Linear(4, 2)(m.zeros(3)))
    check_error(lambda m: m.nn.Linear(4, 2)(m.zeros(3, 4, dtype=m.float64)))


# ------------------------------------------------------------------ Embedding
def test_embedding_matches_torch_with_copied_weights_and_padding_gets_no_gradient():
    torch = require_torch()
    theirs, ours = torch.nn.Embedding(10, 4, padding_idx=0), nn.Embedding(10, 4, padding_idx=0)
    assert ours.weight.detach().numpy()[0].tolist() == [0.0] * 4
    _copy_weights(ours, theirs)
    idx = np.array([[0, 3, 3], [9, 0, 1]])
    check_parity(lambda m, i: (ours if m is tinygrad_rnn else theirs)(i), [idx])
    g = np.random.default_rng(2).standard_normal((2, 3, 4)).astype(np.float32)
    ours(tinygrad_rnn.tensor(idx)).backward(tinygrad_rnn.tensor(g))
    theirs(torch.tensor(idx)).backward(torch.tensor(g))
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-6)
    assert not ours.weight.grad.numpy()[0].any()


def test_embedding_init_repr_and_from_pretrained_match_torch():
    torch = require_torch()
    tinygrad_rnn.manual_seed(0)  # seeded: the 4-sigma bounds below are for N(0, 1) over 10,000 draws
    w = nn.Embedding(200, 50).weight.detach().numpy()
    assert abs(w.mean()) < 0.04 and abs(w.std() - 1) < 0.03
    for args, kwargs in [((10, 4), {}), ((10, 4), {"padding_idx": -1, "max_norm": 1.0, "norm_type": 3.0,
                                                   "scale_grad_by_freq": True, "sparse": True})]:
        assert repr(nn.Embedding(*args, **kwargs)) == repr(torch.nn.Embedding(*args, **kwargs))
    assert nn.Embedding(10, 4, padding_idx=-1).padding_idx == 9
    frozen = nn.Embedding.from_pretrained(tinygrad_rnn.ones(3, 2))
    assert not frozen.weight.requires_grad and nn.Embedding.from_pretrained(tinygrad_rnn.ones(3, 2), freeze=False).weight.requires_grad
    assert list(nn.Embedding(3, 2).state_dict()) == ["weight"]


def test_embedding_errors_match_torch():
    check_error(lambda m: m.nn.Embedding(10, 4)(m.tensor([1.0, 2.0])))
    check_error(lambda m: m.nn.Embedding(10, 4)(m.tensor([1.0], dtype=m.float64)))
    check_error(lambda m: m.nn.Embedding(10, 4)(m.tensor([3, 10])))
    check_error(lambda m: m.nn.Embedding(10, 4, padding_idx=10))
    check_error(lambda m: m.nn.Embedding(10, 4, padding_idx=-11))
    check_error(lambda m: m.nn.Embedding(3, 2, _weight=m.ones(3, 3)))
    check_error(lambda m: m.nn.Embedding.from_pretrained(m.ones(3)))


# ------------------------------------------------------------------ Dropout, Flatten, Identity, activations
def test_dropout_module_follows_train_and_eval():
    layer = nn.Dropout(0.5)
    x = tinygrad_rnn.ones(1000)
    assert 0.4 < (layer(x).numpy() == 0).mean() < 0.6
    layer.eval()
    assert layer(x) is x
    check_error(lambda m: m.nn.Dropout(1.5))


MODULES = [
    ("Identity", (3, 4), {}), ("Flatten", (), {}), ("Flatten", (0, 1), {}), ("Tanh", (), {}), ("ReLU", (), {}),
    ("ReLU", (True,), {}), ("Sigmoid", (), {}), ("Softmax", (1,), {}), ("LogSoftmax", (), {"dim": -1}),
    ("Softmin", (0,), {}), ("LeakyReLU", (0.2,), {}), ("LeakyReLU", (), {"inplace": True}), ("GELU", (), {}),
    ("GELU", ("tanh",), {}), ("ELU", (0.5,), {}), ("SELU", (), {}), ("SiLU", (), {}), ("Softplus", (2, 10), {}),
    ("Hardtanh", (), {}), ("ReLU6", (), {}), ("LogSigmoid", (), {}), ("Softsign", (), {}),
    ("Dropout", (), {}), ("Dropout", (0.2, True), {}), ("Unflatten", (1, (2, 2)), {}),
]


@pytest.mark.parametrize("name,args,kwargs", MODULES)
def test_simple_modules_match_torch(name, args, kwargs):
    torch = require_torch()
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))
    if name == "Dropout":
        return

    def fn(m, x):
        y = x * 1.0  # so in-place modules do not touch a leaf
        return getattr(m.nn, name)(*args, **kwargs).eval()(y)

    check_parity(fn, shapes=[(2, 4, 3)])


def test_softmax_module_without_dim_warns_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            m.nn.Softmax()(m.zeros(2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_parity(lambda m, x: m.nn.LogSoftmax()(x), shapes=[(2, 3, 4)])


def test_a_small_model_trains_like_torch():
    torch = require_torch()
    models = []
    for m in (torch, tinygrad_rnn):
        models.append(m.nn.Sequential(m.nn.Embedding(6, 4), m.nn.Flatten(), m.nn.Linear(8, 5), m.nn.Tanh(),
                                      m.nn.Linear(5, 3)))
    _copy_weights(models[1], models[0])
    x, y = np.array([[1, 2], [3, 4], [5, 0]]), np.array([0, 2, 1])
    losses = []
    for m, model in zip((torch, tinygrad_rnn), models):
        run = []
        for _ in range(5):
            loss = m.nn.CrossEntropyLoss()(model(m.tensor(x)), m.tensor(y))
            model.zero_grad()
            loss.backward()
            m.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            with m.no_grad():
                for p in model.parameters():
                    p -= 0.5 * p.grad
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


def test_same_seed_gives_torchs_initial_weights():
    """init draws through the tensor's own uniform_/normal_, which follow torch's random stream."""
    torch = require_torch()
    tinygrad_rnn.manual_seed(0)
    torch.manual_seed(0)
    ours = [nn.Linear(4, 3), nn.Embedding(5, 2, padding_idx=1), nn.Linear(3, 2, bias=False)]
    theirs = [torch.nn.Linear(4, 3), torch.nn.Embedding(5, 2, padding_idx=1), torch.nn.Linear(3, 2, bias=False)]
    for a, b in zip(ours, theirs):
        for (name, p), q in zip(a.named_parameters(), b.parameters()):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (0, 3)])
def test_linear_node_gradients_double_backward_and_jvp(shape):
    """F.linear records x W^T + b as one node (nn/functional_ext/basic.py: Linear): its gradients, second
    derivatives and forward-mode tangents against finite differences and torch's, in float64."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape), rng.standard_normal((4, 3)), rng.standard_normal(4)]
    x, w, b = (tinygrad_rnn.tensor(a, requires_grad=True) for a in arrays)
    assert gradcheck(tinygrad_rnn.nn.functional.linear, (x, w, b))
    assert gradgradcheck(tinygrad_rnn.nn.functional.linear, (x, w, b))
    tangents = [rng.standard_normal(a.shape) for a in arrays]
    results = []
    for m in (tinygrad_rnn, torch):
        primals = tuple(m.tensor(a) for a in arrays)
        out, tangent = m.func.jvp(m.nn.functional.linear, primals, tuple(m.tensor(t) for t in tangents))
        results.append((out.numpy(), tangent.numpy(), m.nn.functional.linear(*(
            m.tensor(a, requires_grad=True) for a in arrays)).grad_fn.name()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)
    assert results[0][2] == results[1][2]

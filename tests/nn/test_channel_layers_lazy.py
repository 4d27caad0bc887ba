"""nn.Softmax2d, nn.ChannelShuffle and nn.LazyLinear against torch."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 2, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax2d(shape, dtype):
    check_parity(lambda m, x: m.nn.Softmax2d()(x), shapes=[shape], dtype=dtype)


@pytest.mark.parametrize("shape", [(3, 4), (1, 2, 3, 4, 5)])
def test_softmax2d_wants_3d_or_4d(shape):
    check_error(lambda m: m.nn.Softmax2d()(m.ones(*shape)))


def test_channel_shuffle_module():
    torch = require_torch()
    check_parity(lambda m, x: m.nn.ChannelShuffle(3)(x), shapes=[(2, 6, 2, 2)])
    assert repr(tinygrad_rnn.nn.ChannelShuffle(3)) == repr(torch.nn.ChannelShuffle(3))
    assert repr(tinygrad_rnn.nn.Softmax2d()) == repr(torch.nn.Softmax2d())


@pytest.mark.parametrize("bias", [True, False])
def test_lazy_linear_becomes_torchs_linear(bias):
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        layer = m.nn.LazyLinear(3, bias=bias)
        before = (repr(layer), repr(layer.weight), layer.in_features)
        y = layer(m.tensor(x))
        y.backward(m.ones_like(y))
        results.append((before, type(layer).__name__, repr(layer), y.detach().numpy(), layer.weight.grad.numpy(),
                        [name for name, _ in layer.named_parameters()]))
    ours, theirs = results
    assert ours[0] == theirs[0] and ours[1] == theirs[1] == "Linear" and ours[2] == theirs[2] and ours[5] == theirs[5]
    np.testing.assert_allclose(ours[3], theirs[3], rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(ours[4], theirs[4], rtol=2e-6, atol=1e-6)


def test_lazy_linear_keeps_the_dtype():
    layer = tinygrad_rnn.nn.LazyLinear(2, dtype=tinygrad_rnn.float64)
    layer(tinygrad_rnn.ones(1, 3, dtype=tinygrad_rnn.float64))
    assert layer.weight.dtype == tinygrad_rnn.float64 and layer.bias.shape == (2,)


LAZY = [("LazyConv1d", (2, 3), {"padding": 1}, (2, 3, 5)), ("LazyConv2d", (4, 3), {"stride": 2}, (1, 2, 6, 6)),
        ("LazyConv3d", (2, 2), {}, (1, 2, 3, 3, 3)), ("LazyConvTranspose1d", (2, 3), {}, (2, 3, 4)),
        ("LazyConvTranspose2d", (2, 2), {"groups": 2}, (1, 4, 3, 3)), ("LazyConvTranspose3d", (1, 2), {}, (1, 2, 2, 2, 2)),
        ("LazyConv1d", (2, 3), {}, (3, 5)), ("LazyBatchNorm1d", (), {}, (4, 3)), ("LazyBatchNorm2d", (), {"momentum": 0.2},
                                                                                 (2, 3, 2, 2)),
        ("LazyBatchNorm3d", (), {}, (2, 2, 2, 2, 2)), ("LazyInstanceNorm1d", (), {"affine": True}, (2, 3, 4)),
        ("LazyInstanceNorm2d", (), {}, (2, 3, 4, 4)), ("LazyInstanceNorm3d", (), {}, (1, 2, 3, 3, 3))]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), LAZY)
def test_lazy_layers_become_torchs_layers(name, args, kwargs, shape):
    torch = require_torch()
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        layer = getattr(m.nn, name)(*args, **kwargs)
        before = (repr(layer), sorted(layer.state_dict()), repr(next(iter(layer.parameters()), None)))
        y = layer(m.tensor(x))
        results.append((before, type(layer).__name__, repr(layer), y.detach().numpy(),
                        {k: v.numpy() for k, v in layer.state_dict().items()}))
    ours, theirs = results
    assert ours[0] == theirs[0] and ours[1] == theirs[1] and ours[2] == theirs[2]
    np.testing.assert_allclose(ours[3], theirs[3], rtol=2e-5, atol=2e-6)
    assert sorted(ours[4]) == sorted(theirs[4])
    for key in ours[4]:
        np.testing.assert_allclose(ours[4][key], theirs[4][key], rtol=2e-5, atol=2e-6, err_msg=key)


LAZY_FROM_CHECKPOINT = [("LazyLinear", (3,), "Linear", (4, 3), (2, 4)),
                        ("LazyConv2d", (3, 2), "Conv2d", (4, 3, 2), (1, 4, 5, 5)),
                        ("LazyBatchNorm1d", (), "BatchNorm1d", (5,), (2, 5))]


@pytest.mark.parametrize(("lazy", "args", "plain", "plain_args", "shape"), LAZY_FROM_CHECKPOINT)
def test_uninitialized_lazy_layer_saves_placeholders_and_loads_a_checkpoint_as_torch(lazy, args, plain, plain_args,
                                                                                      shape):
    """Its state_dict holds the placeholders themselves; load_state_dict gives them the checkpoint's shapes and
    numbers, which the first call keeps (the channel count of a conv or norm then stays 0, as in torch)."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        layer = getattr(m.nn, lazy)(*args)
        kinds = [type(v).__name__ for v in layer.state_dict().values()]
        assert layer.state_dict()["weight"] is layer.weight
        m.manual_seed(0)
        layer.load_state_dict(getattr(m.nn, plain)(*plain_args).state_dict())
        out = layer(m.ones(shape))
        seen.append((kinds, repr(layer), out.detach().numpy()))
    assert seen[0][:2] == seen[1][:2]
    np.testing.assert_allclose(seen[0][2], seen[1][2], rtol=1e-6)


LAZY_ERRORS = {  # torch builds the target with no inputs and checks the rest on the first call
    "conv of a 0-d input": lambda m: m.nn.LazyConv2d(3, 3)(m.zeros(())),
    "conv of a 5-d input": lambda m: m.nn.LazyConv1d(2, 1)(m.zeros(1, 1, 1, 1, 1)),
    "kernel size '2'": lambda m: m.nn.LazyConv3d("2", (2, 2))(m.zeros(1, 1, 2, 2, 2)),
    "transposed out_channels a tuple": lambda m: m.nn.LazyConvTranspose3d((2, 2), (2, 2))(m.zeros(2, 1, 3, 2, 2)),
    "kernel None": lambda m: m.nn.LazyConvTranspose1d(2, None),
    "conv out_channels None": lambda m: m.nn.LazyConv1d(None, 1)(m.zeros(1, 2, 3)),
    "groups that do not divide": lambda m: m.nn.LazyConv1d(2, 1, groups=2)(m.zeros(1, 3, 3)),
    "norm with placeholders of a 0-d input": lambda m: m.nn.LazyBatchNorm1d()(m.zeros(())),
    "norm without placeholders of a 0-d input": lambda m: m.nn.LazyBatchNorm2d(affine=False,
                                                                                track_running_stats=False)(m.zeros(())),
}


@pytest.mark.parametrize("case", sorted(LAZY_ERRORS))
def test_lazy_layer_errors_match_torch(case):
    check_error(LAZY_ERRORS[case])


LAZY_FIRST_CALLS = {
    "conv made double before its first call": (lambda m: m.nn.LazyConv1d(2, 1).double(), (1, 2), "float64"),
    "batch norm made double": (lambda m: m.nn.LazyBatchNorm1d().double(), (3, 2), "float64"),
    "instance norm with running stats only": (lambda m: m.nn.LazyInstanceNorm2d(affine=False), (1, 1, 3, 3), "float32"),
    "batch norm without placeholders": (lambda m: m.nn.LazyBatchNorm1d(affine=False, track_running_stats=False),
                                        (4, 2), "float32"),
    "linear without bias": (lambda m: m.nn.LazyLinear(3, bias=False), (2, 4), "float32"),
}


@pytest.mark.parametrize("case", sorted(LAZY_FIRST_CALLS))
def test_lazy_layer_first_call_matches_torch(case):
    """What the layer becomes: class, repr, output, and its parameters and buffers (in their dtype)."""
    make, shape, dtype = LAZY_FIRST_CALLS[case]
    seen = []
    for m in (tinygrad_rnn, require_torch()):
        m.manual_seed(0)
        layer = make(m)
        x = m.tensor(np.linspace(-1, 1, int(np.prod(shape))).reshape(shape), dtype=getattr(m, dtype))
        out = layer(x)
        seen.append((type(layer).__name__, repr(layer), out.detach().numpy(),
                     {k: v.numpy() for k, v in layer.state_dict().items()}))
    (ours, theirs) = seen
    assert ours[:2] == theirs[:2] and sorted(ours[3]) == sorted(theirs[3])
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, atol=1e-7)
    for key in ours[3]:
        assert ours[3][key].dtype == theirs[3][key].dtype, key
        np.testing.assert_allclose(ours[3][key], theirs[3][key], rtol=1e-6, atol=1e-7, err_msg=key)


def test_norm_layers_reset_their_statistics_and_affine_parameters_as_torch():
    seen = []
    for m in (tinygrad_rnn, require_torch()):
        norm = m.nn.BatchNorm1d(3)
        norm(m.tensor(np.arange(12.0).reshape(4, 3), dtype=m.float32))
        with m.no_grad():
            norm.weight.add_(1.0)
        norm.reset_running_stats()
        stats = [t.tolist() for t in (norm.running_mean, norm.running_var, norm.num_batches_tracked, norm.weight)]
        norm.reset_parameters()
        seen.append((stats, norm.weight.tolist(), norm.bias.tolist()))
    assert seen[0] == seen[1]

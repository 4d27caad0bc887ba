"""nn.init: distributions (bounds, mean, std on large tensors), orthogonality, gains, fans and errors."""
import math
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

init = tinygrad_rnn.nn.init


def _draw(fn, shape=(300, 200), **kwargs):
    t = tinygrad_rnn.empty(*shape)
    assert fn(t, **kwargs) is t  # in place, returning the tensor
    return t.numpy()


def test_uniform_and_normal_have_the_requested_moments():
    u = _draw(init.uniform_, a=-2.0, b=1.0)
    assert u.min() >= -2.0 and u.max() <= 1.0 and abs(u.mean() + 0.5) < 0.02 and abs(u.std() - 3 / math.sqrt(12)) < 0.02
    n = _draw(init.normal_, mean=1.0, std=0.5)
    assert abs(n.mean() - 1.0) < 0.01 and abs(n.std() - 0.5) < 0.01
    tn = _draw(init.trunc_normal_, std=1.0, a=-1.0, b=1.5)
    assert tn.min() >= -1.0 and tn.max() <= 1.5 and tn.dtype == np.float32


@pytest.mark.parametrize("name,expected_std", [
    ("xavier_uniform_", math.sqrt(2 / 500)), ("xavier_normal_", math.sqrt(2 / 500)),
    ("kaiming_uniform_", math.sqrt(2 / (1 + 0)) / math.sqrt(200)), ("kaiming_normal_", math.sqrt(2) / math.sqrt(200)),
])
def test_fan_scaled_inits_have_the_documented_spread(name, expected_std):
    kwargs = {"nonlinearity": "relu"} if name.startswith("kaiming") else {}
    values = _draw(getattr(init, name), **kwargs)
    assert abs(values.std() - expected_std) < 0.02 * expected_std and abs(values.mean()) < 0.02 * expected_std
    if name.endswith("uniform_"):
        assert np.abs(values).max() <= math.sqrt(3) * expected_std * (1 + 1e-6)


def test_kaiming_fan_out_mode_and_gain():
    values = _draw(init.kaiming_normal_, mode="fan_out", nonlinearity="tanh")
    assert abs(values.std() - (5 / 3) / math.sqrt(300)) < 0.02 * (5 / 3) / math.sqrt(300)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 4)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    w = _draw(init.orthogonal_, shape=shape, gain=2.0).reshape(shape[0], -1).astype(np.float64) / 2.0
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-5)


def test_constant_zeros_ones_eye():
    assert (_draw(init.constant_, shape=(2, 3), val=2.5) == 2.5).all()
    assert (_draw(init.zeros_, shape=(2, 3)) == 0).all() and (_draw(init.ones_, shape=(2, 3)) == 1).all()
    np.testing.assert_array_equal(_draw(init.eye_, shape=(2, 3)), np.eye(2, 3))


def test_init_works_on_parameters_without_recording_a_graph():
    p = tinygrad_rnn.nn.Parameter(tinygrad_rnn.zeros(4, 3))
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_uniform_, init.orthogonal_,
               init.zeros_, init.ones_):
        assert fn(p) is p
        assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_generator_makes_draws_reproducible():
    g1, g2 = tinygrad_rnn.Generator().manual_seed(3), tinygrad_rnn.Generator().manual_seed(3)
    for fn in (init.uniform_, init.normal_, init.xavier_normal_, init.kaiming_uniform_, init.orthogonal_):
        a, b = tinygrad_rnn.empty(5, 4), tinygrad_rnn.empty(5, 4)
        np.testing.assert_array_equal(fn(a, generator=g1).numpy(), fn(b, generator=g2).numpy())


def test_gains_and_fans_match_torch():
    torch = require_torch()
    for name in ["linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert init.calculate_gain(name) == torch.nn.init.calculate_gain(name)
    assert init.calculate_gain("leaky_relu", 0.2) == torch.nn.init.calculate_gain("leaky_relu", 0.2)
    for shape in [(3, 4), (5, 3, 2), (2, 3, 4, 5)]:
        assert init._calculate_fan_in_and_fan_out(tinygrad_rnn.empty(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


@pytest.mark.parametrize("call", [
    lambda m: m.nn.init.calculate_gain("foo"),
    lambda m: m.nn.init.calculate_gain("leaky_relu", True),
    lambda m: m.nn.init.xavier_uniform_(m.ones(3)),
    lambda m: m.nn.init.kaiming_uniform_(m.ones(3, 3), mode="foo"),
    lambda m: m.nn.init.kaiming_normal_(m.ones(3, 3), nonlinearity="foo"),
    lambda m: m.nn.init.orthogonal_(m.ones(3)),
    lambda m: m.nn.init.eye_(m.ones(3, 3, 3)),
], ids=["gain", "gain_param", "fan_1d", "mode", "nonlinearity", "orthogonal_1d", "eye_3d"])
def test_init_errors_match_torch(call):
    check_error(call)


def test_kaiming_on_an_empty_tensor_warns_and_does_nothing():
    t = tinygrad_rnn.empty(0, 3)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert init.kaiming_uniform_(t) is t
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert init.orthogonal_(t) is t


@pytest.mark.parametrize("gain", [None, "a", [1.0]])
def test_orthogonal_scales_with_mul_and_names_a_gain_that_is_no_number_as_torch(gain):
    check_error(lambda m: m.nn.init.orthogonal_(m.empty(2, 3), gain=gain))


def test_orthogonal_scales_by_a_tensor_gain_as_torch():
    """torch copies Q into the tensor, then multiplies it by gain in place: a tensor gain broadcasts. (torch's
    float32 QR differs from ours in the last bits, hence the float32 tolerance.)"""
    torch = require_torch()
    drawn = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        drawn.append(m.nn.init.orthogonal_(m.empty(3, 2), gain=m.tensor([0.3, 7.0])).numpy())
    np.testing.assert_allclose(drawn[0], drawn[1], rtol=1e-5, atol=1e-6)

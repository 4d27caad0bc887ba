"""nn.utils.fusion (BatchNorm folded into the conv or linear layer before it) and
nn.utils.stateless.functional_call against torch: fused parameters bit for bit, errors, warning."""
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _trained_bn(m, bn):
    """A BatchNorm in eval mode with running statistics and affine parameters away from their start
    (set, not trained: the running statistics are what fusion reads)."""
    rng = np.random.default_rng(1)
    with m.no_grad():
        for t, low, high in ((bn.running_mean, -1, 1), (bn.running_var, 0.5, 2), (bn.weight, 0.5, 1.5),
                             (bn.bias, -1, 1)):
            if t is not None:
                t.copy_(m.tensor(rng.uniform(low, high, bn.num_features)))
    return bn.eval()


LAYERS = {
    "conv2d": lambda m: (m.nn.Conv2d(3, 4, 3), m.nn.BatchNorm2d(4), 2, False),
    "conv1d no bias, bn not affine": lambda m: (m.nn.Conv1d(3, 4, 3, bias=False), m.nn.BatchNorm1d(4, affine=False), 1,
                                                False),
    "conv_transpose2d": lambda m: (m.nn.ConvTranspose2d(3, 4, 3), m.nn.BatchNorm2d(4), 2, True),
    "conv3d float64": lambda m: (m.nn.Conv3d(2, 3, 2).double(), m.nn.BatchNorm3d(3).double(), 3, False),
}


@pytest.mark.parametrize("case", LAYERS)
def test_fuse_conv_bn_eval_matches_torch(case):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        conv, bn, spatial, transpose = LAYERS[case](m)
        _trained_bn(m, bn)
        fused = m.nn.utils.fuse_conv_bn_eval(conv.eval(), bn, transpose=transpose)
        x = m.randn((2, conv.in_channels) + (6,) * spatial, dtype=conv.weight.dtype)
        results.append((fused.weight.detach().numpy(), fused.bias.detach().numpy(), type(fused.weight).__name__,
                        fused.weight.requires_grad, fused(x).detach().numpy(), bn(conv(x)).detach().numpy()))
    for mine, other in zip(results[0][:4], results[1][:4]):
        if isinstance(other, np.ndarray):
            np.testing.assert_array_equal(mine, other)
        else:
            assert mine == other
    np.testing.assert_allclose(results[0][4], results[1][4], rtol=1e-5, atol=1e-6)  # (conv's float32 sum order)
    np.testing.assert_allclose(results[0][4], results[0][5], rtol=1e-4, atol=1e-5)  # fused = conv then bn


@pytest.mark.parametrize("features", [4, 1])
def test_fuse_linear_bn_eval_matches_torch(features):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        linear, bn = m.nn.Linear(3, 4), m.nn.BatchNorm1d(features)
        fused = m.nn.utils.fusion.fuse_linear_bn_eval(linear.eval(), _trained_bn(m, bn))
        results.append((fused.weight.detach().numpy(), fused.bias.detach().numpy(), fused.bias.requires_grad))
    for mine, other in zip(*results):
        np.testing.assert_array_equal(mine, other)


ERRORS = {
    "training conv": lambda m: m.nn.utils.fuse_conv_bn_eval(m.nn.Conv2d(1, 2, 1), m.nn.BatchNorm2d(2).eval()),
    "training bn": lambda m: m.nn.utils.fuse_linear_bn_eval(m.nn.Linear(2, 2).eval(), m.nn.BatchNorm1d(2)),
    "feature count": lambda m: m.nn.utils.fuse_linear_bn_eval(m.nn.Linear(2, 3).eval(), m.nn.BatchNorm1d(2).eval()),
    "no running stats": lambda m: m.nn.utils.fuse_conv_bn_eval(
        m.nn.Conv2d(1, 2, 1).eval(), m.nn.BatchNorm2d(2, track_running_stats=False).eval()),
}


@pytest.mark.parametrize("case", ERRORS)
def test_fusion_errors_match_torch(case):
    check_error(ERRORS[case])


def test_stateless_functional_call_warns_and_calls_as_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        layer = m.nn.Linear(2, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m.nn.utils.stateless.functional_call(layer, {"weight": m.ones(2, 2), "bias": m.zeros(2)},
                                                       (m.tensor([[1.0, 2.0]]),))
        results.append((out.tolist(), [(w.category, str(w.message)) for w in caught]))
    assert results[0] == results[1]

"""torch.dropout, torch.layer_norm, torch.conv2d, ...: the nn.functional ops in torch's own namespace,
called with the native signature there (weight before statistics, integer reductions, no defaults)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

rng = np.random.default_rng(0)
IDX = np.array([[0, 2, 1], [3, 3, 0]])

# name: (fn(m, *tensors), input shapes); every input is float64 and needs grad.
CASES = {
    "dropout_eval": (lambda m, x: m.dropout(x, 0.3, False), [(3, 4)]),
    "alpha_dropout_eval": (lambda m, x: m.alpha_dropout(x, 0.3, False), [(3, 4)]),
    "feature_alpha_dropout_eval": (lambda m, x: m.feature_alpha_dropout(x, 0.3, False), [(2, 3, 4)]),
    "layer_norm": (lambda m, x, w, b: m.layer_norm(x, (4,), w, b, 1e-5, False), [(3, 4), (4,), (4,)]),
    "layer_norm_defaults": (lambda m, x: m.layer_norm(x, [3, 4]), [(2, 3, 4)]),
    "group_norm": (lambda m, x, w, b: m.group_norm(x, 2, w, b), [(2, 4, 5), (4,), (4,)]),
    "batch_norm_train": (lambda m, x, w, b: m.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
                         [(5, 3), (3,), (3,)]),
    "batch_norm_eval": (lambda m, x, w: m.batch_norm(x, w, None, m.zeros(3, dtype=m.float64) + 0.5,
                                                     m.ones(3, dtype=m.float64) * 2, False, 0.1, 1e-5, True),
                        [(5, 3, 2), (3,)]),
    "instance_norm": (lambda m, x, w, b: m.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
                      [(2, 3, 6), (3,), (3,)]),
    "embedding": (lambda m, w: m.embedding(w, m.tensor(IDX)), [(4, 3)]),
    "embedding_padding": (lambda m, w: m.embedding(w, m.tensor(IDX), 3), [(4, 3)]),
    "selu": (lambda m, x: m.selu(x), [(3, 4)]),
    "celu": (lambda m, x: m.celu(x, 0.5), [(3, 4)]),
    "threshold": (lambda m, x: m.threshold(x, 0.1, -2.0), [(3, 4)]),
    "hardshrink": (lambda m, x: m.hardshrink(x, 0.3), [(3, 4)]),
    "prelu": (lambda m, x, w: m.prelu(x, w), [(2, 3, 4), (3,)]),
    "rrelu_eval": (lambda m, x: m.rrelu(x), [(3, 4)]),
    "conv1d": (lambda m, x, w, b: m.conv1d(x, w, b, 2, 1), [(2, 3, 9), (4, 3, 3), (4,)]),
    "conv2d": (lambda m, x, w: m.conv2d(x, w, None, 1, "same"), [(1, 2, 5, 5), (3, 2, 3, 3)]),
    "conv3d": (lambda m, x, w: m.conv3d(x, w), [(1, 2, 4, 4, 4), (2, 2, 2, 2, 2)]),
    "conv_transpose1d": (lambda m, x, w: m.conv_transpose1d(x, w, None, 2), [(1, 2, 5), (2, 3, 3)]),
    "conv_transpose2d": (lambda m, x, w: m.conv_transpose2d(x, w), [(1, 2, 4, 4), (2, 3, 3, 3)]),
    "conv_transpose3d": (lambda m, x, w: m.conv_transpose3d(x, w), [(1, 2, 3, 3, 3), (2, 1, 2, 2, 2)]),
    "max_pool1d": (lambda m, x: m.max_pool1d(x, 2), [(2, 3, 8)]),
    "max_pool1d_with_indices": (lambda m, x: m.max_pool1d_with_indices(x, 3, 2, 1), [(2, 3, 8)]),
    "max_pool2d": (lambda m, x: m.max_pool2d(x, 2, [], 0, 1, True), [(1, 2, 5, 5)]),
    "max_pool3d": (lambda m, x: m.max_pool3d(x, (2, 2, 2)), [(1, 1, 4, 4, 4)]),
    "avg_pool1d": (lambda m, x: m.avg_pool1d(x, 3, 2, 1, False, False), [(2, 3, 8)]),
    "adaptive_avg_pool1d": (lambda m, x: m.adaptive_avg_pool1d(x, 3), [(2, 3, 8)]),
    "adaptive_max_pool1d": (lambda m, x: m.adaptive_max_pool1d(x, 3), [(2, 3, 8)]),
    "constant_pad_nd": (lambda m, x: m.constant_pad_nd(x, (1, 2), 0.5), [(2, 3)]),
    "bilinear": (lambda m, a, b, w: m.bilinear(a, b, w), [(4, 2), (4, 3), (5, 2, 3)]),
    "pixel_shuffle": (lambda m, x: m.pixel_shuffle(x, 2), [(1, 8, 2, 3)]),
    "pixel_unshuffle": (lambda m, x: m.pixel_unshuffle(x, 2), [(1, 2, 4, 6)]),
    "cosine_similarity": (lambda m, a, b: m.cosine_similarity(a, b, 1, 1e-8), [(3, 5), (3, 5)]),
    "pairwise_distance": (lambda m, a, b: m.pairwise_distance(a, b, 3.0, 1e-6, True), [(3, 5), (3, 5)]),
    "rms_norm": (lambda m, x, w: m.rms_norm(x, (4,), w, 1e-6), [(3, 4), (4,)]),
    "kl_div_default": (lambda m, x, t: m.kl_div(x, t.softmax(-1)), [(3, 4), (3, 4)]),
    "kl_div_mean": (lambda m, x, t: m.kl_div(x, t.softmax(-1), 1), [(3, 4), (3, 4)]),
    "kl_div_unknown_reduction": (lambda m, x, t: m.kl_div(x, t.softmax(-1), 7), [(3, 4), (3, 4)]),
    "kl_div_sum_log_target": (lambda m, x, t: m.kl_div(x, t, 2, log_target=True), [(3, 4), (3, 4)]),
    "margin_ranking_loss": (lambda m, a, b: m.margin_ranking_loss(a, b, m.tensor([1.0, -1.0, 1.0], dtype=m.float64),
                                                                   0.1, 0), [(3,), (3,)]),
    "hinge_embedding_loss": (lambda m, x: m.hinge_embedding_loss(x, m.tensor([1.0, -1.0, 1.0], dtype=m.float64)),
                             [(3,)]),
    "cosine_embedding_loss": (lambda m, a, b: m.cosine_embedding_loss(a, b, m.tensor([1.0, -1.0, 1.0],
                                                                                     dtype=m.float64), 0.2, 2),
                              [(3, 4), (3, 4)]),
    "triplet_margin_loss": (lambda m, a, p, n: m.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6, True, 1),
                            [(3, 4), (3, 4), (3, 4)]),
    "poisson_nll_loss": (lambda m, x, t: m.poisson_nll_loss(x, t.abs(), True, True, 1e-8, 1), [(3, 4), (3, 4)]),
    "bce_with_logits": (lambda m, x, t, w: m.binary_cross_entropy_with_logits(x, t.sigmoid(), w.detach(), w.detach().exp(), 2),
                        [(3, 4), (3, 4), (4,)]),
    "bce_with_logits_default": (lambda m, x, t: m.binary_cross_entropy_with_logits(x, t.sigmoid()), [(3, 4), (3, 4)]),
    "triplet_default": (lambda m, a, p, n: m.triplet_margin_loss(a, p, n), [(3, 4), (3, 4), (3, 4)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_same_values_and_gradients_as_torch(name):
    fn, shapes = CASES[name]
    check_parity(fn, shapes=shapes)


def test_ctc_loss_takes_an_integer_reduction():
    log_probs = np.log(np.random.default_rng(1).dirichlet(np.ones(4), size=(6, 2)))
    targets = np.array([[1, 2], [3, 1]])

    def fn(m, lp):
        return m.ctc_loss(lp, m.tensor(targets), [6, 5], [2, 2], 0, 2, False)
    check_parity(fn, [log_probs])


@pytest.mark.parametrize(("name", "inplace"), [("dropout", "dropout_"), ("alpha_dropout", "alpha_dropout_"),
                                               ("feature_dropout", "feature_dropout_"),
                                               ("feature_alpha_dropout", "feature_alpha_dropout_")])
def test_training_dropout_draws_torchs_numbers(name, inplace):
    torch = require_torch()
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        out = getattr(m, name)(m.tensor(x), 0.4, True)
        y = m.tensor(x)
        assert getattr(m, inplace)(y, 0.4, True) is y
        results.append((out.numpy(), y.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "feature_alpha_dropout", "feature_dropout"])
@pytest.mark.parametrize(("p", "train"), [(1.5, True), (1.5, False), (float("nan"), True)])
def test_dropout_probability_errors(name, p, train):
    check_error(lambda m: getattr(m, name)(m.ones(2, 3), p, train))


def test_feature_dropout_needs_two_dims():
    check_error(lambda m: m.feature_dropout(m.ones(3), 0.5, True))


def test_in_place_activations():
    torch = require_torch()
    x = np.random.default_rng(3).standard_normal(6)
    for name, args in (("selu_", ()), ("celu_", (0.5,)), ("threshold_", (0.0, 2.0)), ("rrelu_", ())):
        ours, theirs = tinygrad_rnn.tensor(x), torch.tensor(x)
        assert getattr(tinygrad_rnn, name)(ours, *args) is ours
        getattr(torch, name)(theirs, *args)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda m, x: m.dropout(x, 0.5), lambda m, x: m.batch_norm(x, None, None, None, None, True),
    lambda m, x: m.poisson_nll_loss(x, x), lambda m, x: m.selu(x, True),
])
def test_no_defaults_where_torch_has_none(call):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError):
            call(m, m.ones(2, 3))


@pytest.mark.parametrize("reduction", ["mean", True, 1.0])
def test_reduction_must_be_an_integer(reduction):
    check_error(lambda m: m.kl_div(m.ones(2), m.ones(2), reduction))
    check_error(lambda m: m.margin_ranking_loss(m.ones(2), m.ones(2), m.ones(2), 0.0, reduction))


@pytest.mark.parametrize("name", ["rrelu", "rrelu_"])
def test_rrelu_draws_its_slopes_from_the_generator_given(name):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        g = m.Generator().manual_seed(3)
        x = m.tensor([-1.0, -2.0, 3.0, -4.0], dtype=m.float64)
        results.append(getattr(m, name)(x, 0.1, 0.3, True, generator=g).numpy())
    np.testing.assert_array_equal(*results)


def test_rrelu_generator_of_the_wrong_type_raises_torchs_type_error():
    check_error(lambda m: m.rrelu(m.ones(2), training=True, generator=3))


def test_tensor_prelu_and_hardshrink_methods():
    check_parity(lambda m, x, w: x.prelu(w), shapes=[(2, 3, 4), (3,)])
    check_parity(lambda m, x: x.hardshrink(0.4), shapes=[(3, 4)])
    check_parity(lambda m, x: x.hardshrink(), shapes=[(3, 4)])

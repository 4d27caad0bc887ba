"""Bilinear and EmbeddingBag against torch: seeded parameters, reprs, values and gradients of
inputs, weights and per-sample weights, every mode and bag layout, errors."""
import inspect

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn


# ------------------------------------------------------------------ Bilinear
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("with_bias", [True, False])
def test_functional_bilinear_matches_torch(with_bias, dtype):
    if with_bias:
        check_parity(lambda m, a, b, w, c: m.nn.functional.bilinear(a, b, w, c),
                     shapes=[(2, 4, 3), (2, 4, 2), (5, 3, 2), (5,)], dtype=dtype)
    else:
        check_parity(lambda m, a, b, w: m.nn.functional.bilinear(a, b, w), shapes=[(3,), (2,), (5, 3, 2)],
                     dtype=dtype)


def test_bilinear_module_seeded_parameters_and_repr_match_torch():
    torch = require_torch()
    for bias in (True, False):
        tinygrad_rnn.manual_seed(3)
        ours = tinygrad_rnn.nn.Bilinear(3, 4, 2, bias=bias)
        torch.manual_seed(3)
        theirs = torch.nn.Bilinear(3, 4, 2, bias=bias)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_bilinear_gradient_by_finite_differences():
    rng = np.random.default_rng(0)
    check_finite_differences(lambda m, a, b, w: m.nn.functional.bilinear(a, b, w),
                             [rng.standard_normal(s) for s in [(2, 3), (2, 2), (2, 3, 2)]])


BILINEAR_ERRORS = {
    "input dims": lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 4, 1), m.ones(5, 3, 4)),
    "batch dims": lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(3, 4), m.ones(5, 3, 4)),
    "input1 size": lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 4), m.ones(5, 2, 4)),
    "input2 size": lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 4), m.ones(5, 3, 5)),
    "bias size": lambda m: m.nn.functional.bilinear(m.ones(2, 3), m.ones(2, 4), m.ones(5, 3, 4), m.ones(4)),
    "zero in1_features": lambda m: m.nn.Bilinear(0, 2, 2),
}


@pytest.mark.parametrize("case", list(BILINEAR_ERRORS))
def test_bilinear_errors_match_torch(case):
    check_error(BILINEAR_ERRORS[case])


# ------------------------------------------------------------------ EmbeddingBag
FLAT = np.array([1, 2, 4, 5, 4, 2, 7])
OFFSETS = np.array([0, 2, 2, 5])  # bags [1 2], [], [4 5 4], [2 7]
ROWS = np.array([[1, 2, 4], [4, 3, 2], [2, 2, 2]])  # 2-D: one bag per row


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_with_offsets_matches_torch(mode, padding_idx, dtype):
    check_parity(lambda m, w: m.nn.functional.embedding_bag(m.tensor(FLAT), w, m.tensor(OFFSETS), mode=mode,
                                                            padding_idx=padding_idx), shapes=[(8, 3)], dtype=dtype)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input_and_last_offset_match_torch(mode):
    check_parity(lambda m, w: (m.nn.functional.embedding_bag(m.tensor(ROWS), w, mode=mode),
                               m.nn.functional.embedding_bag(m.tensor(FLAT), w, m.tensor(np.append(OFFSETS, 7)),
                                                             mode=mode, include_last_offset=True)),
                 shapes=[(8, 3)])


def test_embedding_bag_per_sample_weights_match_torch():
    check_parity(lambda m, w, psw: m.nn.functional.embedding_bag(m.tensor(FLAT), w, m.tensor(OFFSETS), mode="sum",
                                                                 per_sample_weights=psw),
                 shapes=[(8, 3), (7,)])


def test_embedding_bag_module_seeded_weight_repr_and_output_match_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(1)
        bag = m.nn.EmbeddingBag(8, 3, mode="max", padding_idx=-1, max_norm=1.5)
        out = bag(m.tensor(ROWS))
        results.append((repr(bag), bag.weight.detach().numpy().copy(), out.detach().numpy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)  # renormed rows in float32
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_node_is_named_as_torch_names_it(mode):
    """Whatever steps compute the bags, the output's node prints as torch's one fused node does."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        w = m.ones(8, 3, requires_grad=True)
        outs = (m.nn.functional.embedding_bag(m.tensor(FLAT), w, m.tensor(OFFSETS), mode=mode),
                m.nn.functional.embedding_bag(m.tensor(ROWS), w, mode=mode))
        names.append([type(out.grad_fn).__name__ for out in outs])
    assert names[0] == names[1] == ["EmbeddingBagBackward0"] * 2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_frequency_scaled_gradient_is_torch_own(mode, dtype):
    """torch divides the k-th distinct index's gradient by the count of the k-th index in sorted order (not its
    own count): rows 3 and 5 appear once here but get half their gradient, as torch's."""
    check_parity(lambda m, w: (m.nn.functional.embedding_bag(m.tensor([1, 2, 4, 5, 4, 3, 2, 9]), w, m.tensor([0, 3]),
                                                             mode=mode, scale_grad_by_freq=True),
                               m.nn.functional.embedding_bag(m.tensor([[1, 2, 4, 5], [4, 3, 2, 9]]), w, mode=mode,
                                                             scale_grad_by_freq=True, padding_idx=2)),
                 shapes=[(10, 3)], dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_last_offset_short_of_the_end_reads_as_torch(mode, dtype):
    """With include_last_offset and a last offset before the end, torch's float32 sum and mean stop at the last
    offset (mean still divides by the count to the end), the rest read the last bag to the end."""
    for offsets in ([0, 2, 5, 6], [0, 2, 2, 3]):
        check_parity(lambda m, w, offsets=offsets: m.nn.functional.embedding_bag(
            m.tensor([1, 2, 4, 5, 4, 3, 2, 9]), w.detach(), m.tensor(offsets), mode=mode, include_last_offset=True),
            shapes=[(10, 3)], dtype=dtype)


def test_embedding_bag_gradient_by_finite_differences():
    rng = np.random.default_rng(0)
    check_finite_differences(lambda m, w, psw: m.nn.functional.embedding_bag(
        m.tensor(FLAT), w, m.tensor(OFFSETS), mode="sum", per_sample_weights=psw),
        [rng.standard_normal((8, 2)), rng.standard_normal(7)])


W = np.ones((8, 3))
BAG_ERRORS = {
    "offsets with 2-D input": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS), m.tensor(W), m.tensor([0, 1])),
    "no offsets": lambda m: m.nn.functional.embedding_bag(m.tensor(FLAT), m.tensor(W)),
    "3-D input": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS[None]), m.tensor(W)),
    "bad mode": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS), m.tensor(W), mode="min"),
    "max with frequency scaling": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS), m.tensor(W), mode="max",
                                                                          scale_grad_by_freq=True),
    "per-sample weights with mean": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS), m.tensor(W),
                                                                            per_sample_weights=m.ones(3, 3)),
    "per-sample weights shape": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS), m.tensor(W), mode="sum",
                                                                        per_sample_weights=m.ones(3)),
    "1-D weight": lambda m: m.nn.functional.embedding_bag(m.tensor(ROWS), m.ones(8)),
    "padding_idx out of range": lambda m: m.nn.EmbeddingBag(4, 2, padding_idx=4),
    "first offset": lambda m: m.nn.functional.embedding_bag(m.tensor(FLAT), m.tensor(W), m.tensor([1, 3])),
    "last offset": lambda m: m.nn.functional.embedding_bag(m.tensor(FLAT), m.tensor(W), m.tensor([0, 9])),
}


@pytest.mark.parametrize("case", list(BAG_ERRORS))
def test_embedding_bag_errors_match_torch(case):
    check_error(BAG_ERRORS[case])


# ------------------------------------------------------------------ signatures of everything new
NEW = {
    "nn": ["MultiheadAttention", "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
           "TransformerDecoderLayer", "CTCLoss", "Bilinear", "EmbeddingBag", "CosineSimilarity", "PairwiseDistance",
           "GaussianNLLLoss", "PoissonNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss",
           "TripletMarginLoss", "TripletMarginWithDistanceLoss", "MultiMarginLoss", "MultiLabelMarginLoss",
           "MultiLabelSoftMarginLoss", "SoftMarginLoss", "AdaptiveLogSoftmaxWithLoss"],
    "nn.functional": ["multi_head_attention_forward", "ctc_loss", "gaussian_nll_loss", "poisson_nll_loss",
                      "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
                      "triplet_margin_with_distance_loss", "multi_margin_loss", "multilabel_margin_loss",
                      "multilabel_soft_margin_loss", "soft_margin_loss", "embedding_bag"],
    "nn.utils.parametrizations": ["weight_norm", "spectral_norm", "orthogonal"],
    "nn.utils.parametrize": ["register_parametrization", "remove_parametrizations", "is_parametrized",
                             "type_before_parametrizations"],
    "nn.utils": ["weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm"],
}


@pytest.mark.parametrize("space, name", [(space, name) for space, names in NEW.items() for name in names])
def test_signature_and_defaults_match_torch(space, name):
    """Same parameter names, kinds and defaults as torch (F.scaled_dot_product_attention, F.bilinear
    and F.pairwise_distance are C functions in torch without a Python signature)."""
    torch = require_torch()
    ours, theirs = tinygrad_rnn, torch
    for part in space.split("."):
        ours, theirs = getattr(ours, part), getattr(theirs, part)
    mine = inspect.signature(getattr(ours, name)).parameters
    torchs = inspect.signature(getattr(theirs, name)).parameters
    assert list(mine) == list(torchs)
    for arg in torchs:
        assert mine[arg].kind == torchs[arg].kind, arg
        if arg == "activation":  # F.relu of each framework
            assert mine[arg].default is tinygrad_rnn.nn.functional.relu
        else:
            assert mine[arg].default == torchs[arg].default, arg

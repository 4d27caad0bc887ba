"""A numpy array, a list, a number or None where nn expects a tensor: torch's error, type and message.

torch's functions in C refuse them in their argument parser (a TypeError naming the function and
the argument); its functions in Python fail where they first read the input (`input.dim()`: an
AttributeError). Ours mirror whichever torch does, for the functions and for the layers that call them."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error

BAD = {"array": np.ones((2, 4), dtype=np.float32), "list": [[1.0] * 4] * 2, "none": None, "int": 3}

FUNCTIONAL = {  # F is m.nn.functional, x(*shape) a tensor of ones, b the bad value
    "linear": lambda F, x, b: F.linear(b, x(3, 4)), "linear weight": lambda F, x, b: F.linear(x(2, 4), b),
    "bilinear": lambda F, x, b: F.bilinear(b, x(2, 4), x(3, 4, 4)), "threshold": lambda F, x, b: F.threshold(b, 0.5, 0.0),
    "rrelu": lambda F, x, b: F.rrelu(b), "glu": lambda F, x, b: F.glu(b), "tanhshrink": lambda F, x, b: F.tanhshrink(b),
    "softmax": lambda F, x, b: F.softmax(b, dim=-1), "softmin": lambda F, x, b: F.softmin(b, dim=-1),
    "dropout": lambda F, x, b: F.dropout(b), "dropout1d": lambda F, x, b: F.dropout1d(b),
    "dropout2d": lambda F, x, b: F.dropout2d(b), "alpha_dropout": lambda F, x, b: F.alpha_dropout(b),
    "embedding": lambda F, x, b: F.embedding(b, x(10, 3)),
    "embedding weight": lambda F, x, b: F.embedding(x(2).long(), b), "one_hot": lambda F, x, b: F.one_hot(b),
    "layer_norm": lambda F, x, b: F.layer_norm(b, (4,)), "layer_norm weight": lambda F, x, b: F.layer_norm(x(2, 4), (4,), b),
    "batch_norm": lambda F, x, b: F.batch_norm(b, x(4), x(4)), "group_norm": lambda F, x, b: F.group_norm(b, 2),
    "instance_norm": lambda F, x, b: F.instance_norm(b), "rms_norm": lambda F, x, b: F.rms_norm(b, (4,)),
    "local_response_norm": lambda F, x, b: F.local_response_norm(b, 2),
    "max_pool1d": lambda F, x, b: F.max_pool1d(b, 2), "max_pool2d": lambda F, x, b: F.max_pool2d(b, 2),
    "avg_pool1d": lambda F, x, b: F.avg_pool1d(b, 2), "avg_pool2d": lambda F, x, b: F.avg_pool2d(b, 2),
    "adaptive_avg_pool1d": lambda F, x, b: F.adaptive_avg_pool1d(b, 2),
    "adaptive_avg_pool2d": lambda F, x, b: F.adaptive_avg_pool2d(b, 2),
    "adaptive_max_pool1d": lambda F, x, b: F.adaptive_max_pool1d(b, 2),
    "adaptive_max_pool2d": lambda F, x, b: F.adaptive_max_pool2d(b, 2),
    "interpolate": lambda F, x, b: F.interpolate(b, scale_factor=2), "pixel_shuffle": lambda F, x, b: F.pixel_shuffle(b, 2),
    "unfold": lambda F, x, b: F.unfold(b, 2), "fold": lambda F, x, b: F.fold(b, (3, 3), 2),
    "cosine_similarity": lambda F, x, b: F.cosine_similarity(b, x(2, 4)), "kl_div": lambda F, x, b: F.kl_div(b, x(2, 4)),
    "soft_margin_loss": lambda F, x, b: F.soft_margin_loss(b, x(2, 4)),
    "hinge_embedding_loss": lambda F, x, b: F.hinge_embedding_loss(b, x(2, 4)),
    "poisson_nll_loss": lambda F, x, b: F.poisson_nll_loss(b, x(2, 4)),
    "multilabel_soft_margin_loss": lambda F, x, b: F.multilabel_soft_margin_loss(b, x(2, 4)),
    "multi_margin_loss": lambda F, x, b: F.multi_margin_loss(b, x(2).long()),
    "channel_shuffle": lambda F, x, b: F.channel_shuffle(b, 2), "gumbel_softmax": lambda F, x, b: F.gumbel_softmax(b),
    "hardshrink": lambda F, x, b: F.hardshrink(b), "softshrink": lambda F, x, b: F.softshrink(b),
}

LAYERS = {  # nn is m.nn
    "Linear": lambda nn: nn.Linear(4, 3), "LayerNorm": lambda nn: nn.LayerNorm(4), "BatchNorm1d": lambda nn: nn.BatchNorm1d(4),
    "GroupNorm": lambda nn: nn.GroupNorm(2, 4), "Dropout": lambda nn: nn.Dropout(0.5), "Tanh": lambda nn: nn.Tanh(),
    "Sigmoid": lambda nn: nn.Sigmoid(), "Softmax": lambda nn: nn.Softmax(dim=-1), "MaxPool1d": lambda nn: nn.MaxPool1d(2),
    "MaxPool2d": lambda nn: nn.MaxPool2d(2), "AvgPool2d": lambda nn: nn.AvgPool2d(2),
    "AdaptiveAvgPool2d": lambda nn: nn.AdaptiveAvgPool2d(2), "Embedding": lambda nn: nn.Embedding(10, 3),
    "Sequential": lambda nn: nn.Sequential(nn.Linear(4, 3), nn.ReLU()),
}


OPTIONAL = {"layer_norm weight"}  # (None is a fine value for these)


@pytest.mark.parametrize("case,bad", [(c, b) for c in FUNCTIONAL for b in BAD if not (c in OPTIONAL and b == "none")])
def test_functional_given_a_non_tensor(case, bad):
    check_error(lambda m: FUNCTIONAL[case](m.nn.functional, m.ones, BAD[bad]))


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("layer", list(LAYERS))
def test_layer_given_a_non_tensor(layer, bad):
    check_error(lambda m: LAYERS[layer](m.nn)(BAD[bad]))


@pytest.mark.parametrize("shape", [(), (1, 1, 2, 4, 4)], ids=["0-d", "5-d"])
def test_avg_pool2d_of_the_wrong_rank(shape):
    check_error(lambda m: m.nn.functional.avg_pool2d(m.ones(*shape), 2))


@pytest.mark.parametrize("args", [(BAD["array"],), (BAD["list"], 1.0), (0.0, 1.0), (None, 1.0), ("ones", [1.0])],
                         ids=["array", "list_mean", "two_numbers", "none", "list_std"])
def test_normal_without_a_size_needs_a_tensor(args):
    def call(m):
        return m.normal(*(m.ones(2) if a == "ones" else a for a in args))
    if args[0] is None or isinstance(args[0], list):  # (torch words these as an invalid combination; we cannot
        with pytest.raises(TypeError):                 # tell `normal(x)` from `normal(x, 1.0)`)
            call(__import__("tinygrad_rnn"))
        return
    check_error(call)

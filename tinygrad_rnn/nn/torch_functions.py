"""The nn.functional ops that torch also puts in its own namespace, with the signatures torch gives them there.

`torch.dropout(input, p, train)` is not `F.dropout`: torch's namespace holds the native ops, whose
arguments often have no defaults (`train`), come in another order (`torch.batch_norm` takes the
weight before the running statistics, `torch.embedding` the weight before the indices), or take a
reduction as an integer (0 none, 1 mean, 2 sum). Each function here maps that signature onto the
implementation in nn.functional, so the numbers are the same as F's.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..argcheck import type_name
from ..core.tensor import Tensor
from . import functional as F
from .functional_ext import vectors as _vectors
from .functional_ext.activation import rrelu_with_generator
from .functional_ext.basic import native_dropout_p
from .functional_ext.dropout import _dropout as _channel_dropout

_REDUCTIONS = {1: "mean", 2: "sum"}  # torch's Reduction enum; any other integer (0 is torch's) reduces nothing


def _reduction(fn: str, reduction: Any, position: int) -> str:
    if not isinstance(reduction, int) or isinstance(reduction, bool):
        raise TypeError(f"{fn}(): argument 'reduction' (position {position}) must be int, not {type_name(reduction)}")
    return _REDUCTIONS.get(reduction, "none")


def _stride(stride: Any) -> Any:
    return None if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else stride


# ------------------------------------------------------------------ dropout: p and train, no defaults
_p = native_dropout_p  # (made whether or not training)


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.dropout(input, _p(p), train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return F.dropout(input, _p(p), train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.alpha_dropout(input, _p(p), train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return F.alpha_dropout(input, _p(p), train, inplace=True)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero whole channels (dim 1) of an input of any rank >= 2 (F.dropout1d/2d/3d by rank)."""
    return _channel_dropout(input, _p(p), train, False, feature=True, alpha=False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _channel_dropout(input, _p(p), train, True, feature=True, alpha=False)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return F.feature_alpha_dropout(input, _p(p), train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return F.feature_alpha_dropout(input, _p(p), train, inplace=True)


# ------------------------------------------------------------------ normalization
def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-05, cudnn_enable: bool = True) -> Tensor:
    """`cudnn_enable` chooses a GPU kernel in torch; on the CPU it changes nothing."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-05, cudnn_enabled: bool = True) -> Tensor:
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
               running_var: Tensor | None, training: bool, momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                  running_var: Tensor | None, use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


# ------------------------------------------------------------------ embedding: the weight comes first
def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """A negative `padding_idx` (the default -1) means no padding row, as in torch's native op."""
    return F.embedding(indices, weight, padding_idx if padding_idx >= 0 else None,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


# ------------------------------------------------------------------ activations
def selu(input: Tensor) -> Tensor:
    return F.selu(input)


def selu_(input: Tensor) -> Tensor:
    return F.selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    return F.celu(input, alpha)


def rrelu(input: Tensor, lower: float = 0.125, upper: float = 1.0 / 3.0, training: bool = False,
          generator: Any = None) -> Tensor:
    return rrelu_with_generator(input, lower, upper, training, False, generator)


def rrelu_(input: Tensor, lower: float = 0.125, upper: float = 1.0 / 3.0, training: bool = False,
           generator: Any = None) -> Tensor:
    return rrelu_with_generator(input, lower, upper, training, True, generator)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    return F.threshold(input, threshold, value)


# ------------------------------------------------------------------ pooling: no return_indices
def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode, return_indices=True)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """torch's namespace version always gives the indices too."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def constant_pad_nd(input: Tensor, pad: Any, value: float = 0) -> Tensor:
    return F.pad(input, pad, "constant", value)


# ------------------------------------------------------------------ losses: reduction is an integer
# The native schema says `reduction=Mean`, but torch's Python binding gives these functions 0 as the
# default (measured: `torch.kl_div(x, t).shape == x.shape`), so left out, nothing is reduced.
def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *, log_target: bool = False) -> Tensor:
    with warnings.catch_warnings():  # F warns that 'mean' is not 'batchmean'; the native op does not
        warnings.simplefilter("ignore", UserWarning)
        return F.kl_div(input, target, reduction=_reduction("kl_div", reduction, 3), log_target=log_target)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction("margin_ranking_loss", reduction, 5))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, reduction: int = 0) -> Tensor:
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction("hinge_embedding_loss", reduction, 4))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction("cosine_embedding_loss", reduction, 5))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-06, swap: bool = False, reduction: int = 0) -> Tensor:
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction("triplet_margin_loss", reduction, 8))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float, reduction: int) -> Tensor:
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction("poisson_nll_loss", reduction, 6))


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None, reduction: int = 0) -> Tensor:
    return F.binary_cross_entropy_with_logits(input, target, weight, pos_weight=pos_weight,
                                              reduction=_reduction("binary_cross_entropy_with_logits", reduction, 5))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                      _reduction("ctc_loss", reduction, 6), zero_infinity)


# The rest have torch's namespace signature already in nn.functional.
adaptive_avg_pool1d = F.adaptive_avg_pool1d
bilinear = F.bilinear
celu_, hardshrink, prelu, threshold_ = F.celu_, F.hardshrink, F.prelu, F.threshold_
conv1d, conv2d, conv3d = F.conv1d, F.conv2d, F.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d
cosine_similarity, pairwise_distance = F.cosine_similarity, F.pairwise_distance
pixel_shuffle, pixel_unshuffle = F.pixel_shuffle, F.pixel_unshuffle
rms_norm = F.rms_norm
channel_shuffle = F.channel_shuffle
cdist = _vectors.cdist


def pdist(input: Tensor, p: float = 2) -> Tensor:
    return F.pdist(input, p)


# Tensor.prelu and Tensor.hardshrink are torch's methods for two of these ops. The Tensor class gets
# its other methods in surface/, a layer below nn, so these two are bound here, once, at import.
def _prelu_method(self: Tensor, weight: Tensor) -> Tensor:
    return F.prelu(self, weight)


def _hardshrink_method(self: Tensor, lambd: float = 0.5) -> Tensor:
    return F.hardshrink(self, lambd)


_prelu_method.__name__, _hardshrink_method.__name__ = "prelu", "hardshrink"
Tensor.prelu = _prelu_method  # type: ignore[attr-defined]
Tensor.hardshrink = _hardshrink_method  # type: ignore[attr-defined]

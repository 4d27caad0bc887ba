"""`F.linear_cross_entropy` and `nn.LinearCrossEntropyLoss` (torch 2.13): a Linear layer's logits fed
straight into cross_entropy, so the classifier head and its loss are one call.

    loss_fn = nn.LinearCrossEntropyLoss(in_features=16, num_classes=10)
    loss = loss_fn(features, labels)          # cross_entropy(loss_fn.linear(features), labels)

torch computes it two ways: the reference (linear, then cross_entropy) and, when given `options`, a
chunked kernel that never holds all the logits at once, to save memory. Here there is the reference
only: `options` raises NotImplementedError.

`out_features` (d_1, ..., d_K) gives a K-dimensional loss: the weight is (C, d_1, ..., d_K, in_features)
and the logits (N, C, d_1, ..., d_K).
"""
from __future__ import annotations

import math
from typing import Any

from ..core.tensor import Tensor
from .functional_ext.basic import linear
from .layers import Linear
from .loss import _WeightedLoss
from .loss_functions import cross_entropy


def _refuse_options(options: Any) -> None:
    if options is not None:
        raise NotImplementedError("linear_cross_entropy: options (torch's chunked kernel) is not implemented: "
                                  "tinygrad_rnn computes the reference, linear then cross_entropy; leave it None")


def _check_shapes(input: Tensor, linear_weight: Tensor, linear_bias: Tensor | None) -> None:
    """torch's checks, in its order: the input's rank, the weight's, their in_features, the bias's shape,
    and a batch for a K-dimensional loss."""
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {in_features} and {linear_weight.shape[-1]}, respectively")
    classes_and_out = tuple(linear_weight.shape[:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != classes_and_out:
        raise RuntimeError(f"expected linear_bias shape {classes_and_out}, got {tuple(linear_bias.shape)}")
    if len(classes_and_out) > 1 and input.dim() == 1:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires"
                           f" batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *, linear_bias: Tensor | None = None,
                         weight: Tensor | None = None, reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options: Any = None) -> Tensor:
    """cross_entropy(linear(input, linear_weight, linear_bias) as (*batch, C, d_1, ..., d_K), target).

    input: (N, in_features) or unbatched (in_features,). target: class indices, or class probabilities
    of the logits' shape (then ignore_index must stay None). ignore_index None means -100."""
    _refuse_options(options)
    _check_shapes(input, linear_weight, linear_bias)
    num_classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    logits_shape = (*input.shape[:-1], num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:  # torch's test for probabilities
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if out_features:  # one 2-d Linear for every (class, position) pair
        width = math.prod(out_features, start=num_classes)
        linear_weight = linear_weight.reshape((width, input.shape[-1]))
        linear_bias = None if linear_bias is None else linear_bias.reshape(width)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index, label_smoothing=label_smoothing)


class LinearCrossEntropyLoss(_WeightedLoss):
    """A Linear head (`self.linear`, no bias by default) and cross_entropy in one module; see
    `linear_cross_entropy`. The head's weight is kept 2-d, (C * prod(out_features), in_features), and
    reshaped at each forward."""

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple[int, ...] = (), bias: bool = False,
                 device: Any = None, dtype: Any = None, reduction: str = "mean", weight: Tensor | None = None,
                 ignore_index: int | None = None, label_smoothing: float = 0.0, options: Any = None) -> None:
        if weight is not None and weight.shape != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        _refuse_options(options)
        super().__init__(weight=weight, size_average=None, reduce=None, reduction=reduction)
        self.num_classes, self.out_features = num_classes, out_features
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias, device=device,
                             dtype=dtype)
        self.options = options

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        shape = (self.num_classes, *self.out_features)
        bias = None if self.linear.bias is None else self.linear.bias.reshape(shape)
        return linear_cross_entropy(input, self.linear.weight.reshape((*shape, self.linear.in_features)), target,
                                    linear_bias=bias, weight=self.weight, reduction=self.reduction,
                                    ignore_index=self.ignore_index, label_smoothing=self.label_smoothing,
                                    options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, reduction={self.reduction}, "
                f"ignore_index={self.ignore_index}, label_smoothing={self.label_smoothing}, options={self.options}")

"""More losses: Gaussian and Poisson likelihoods, the margin (hinge) family, and soft margins.

Each function is one formula over Tensor ops (gradients come from autograd), followed by the
common reduction; each module stores its settings and calls its function, as in `loss.py`.

    margin_ranking_loss   max(0, -y (x1 - x2) + margin)                y in {1, -1}
    hinge_embedding_loss  x if y == 1, max(0, margin - x) if y == -1
    soft_margin_loss      log(1 + exp(-y x))
    cosine_embedding_loss 1 - cos(x1, x2) if y == 1, max(0, cos - margin) if y == -1
    triplet_margin_loss   max(0, d(a, p) - d(a, n) + margin)
    multi_margin_loss     sum over wrong classes j of max(0, margin - x[y] + x[j])^p / C
    multilabel_*          several correct classes per sample
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import creation
from ..argcheck import float_arg, number_arg, tensor_arg
from ..autograd import no_grad
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..ops.composite import composite
from ..ops.promotion import check_shapes_broadcast
from .distance import PairwiseDistance, pairwise_distance
from .functional_ext import basic as F
from .loss import _Loss, _WeightedLoss
from .loss_functions import _reduce, _reduction, refuse_gradient_of


# ------------------------------------------------------------------ likelihoods
def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log var + (input - target)^2 / var) [+ 0.5 log 2 pi], var clamped below at eps.

    var may have input's shape, that shape without the last dim, or one dim of size 1 (one
    variance shared across that dim). The clamp is not part of the graph (as in torch): below
    eps the gradient flows to var as if it had not been clamped.
    """
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * creation.ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(b for a, b in zip(input.shape, var.shape) if a != b) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of target ~ Poisson(rate): exp(input) - target * input when input is
    the log-rate, else input - target * log(input + eps). `full` adds Stirling's approximation of
    log(target!) where target > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    tensor_arg("poisson_nll_loss", "input", input, 1)
    tensor_arg("poisson_nll_loss", "target", target, 2)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


# ------------------------------------------------------------------ margin losses on pairs
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average: Any = None,
                        reduce: Any = None, reduction: str = "mean") -> Tensor:
    """max(0, -target (input1 - input2) + margin): input1 should rank higher when target is 1."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    margin = float_arg("margin_ranking_loss", "margin", margin, 4)
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """input where target is 1, max(0, margin - input) where target is -1 (input: a distance)."""
    reduction = _reduction(size_average, reduce, reduction)
    tensor_arg("hinge_embedding_loss", "input", input, 1)
    tensor_arg("hinge_embedding_loss", "target", target, 2)
    zeros = creation.zeros_like(input)
    margin = float_arg("hinge_embedding_loss", "margin", margin, 3)  # a bool margin is a number to torch
    pulled_apart = (margin - input).clamp_min(0).where(target != 1, zeros)
    pulled_together = input.where(target != -1, zeros)
    return _reduce(pulled_apart + pulled_together, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input)), a smooth hinge for targets in {1, -1}."""
    reduction = _reduction(size_average, reduce, reduction)
    tensor_arg("soft_margin_loss", "input", input, 1)
    tensor_arg("soft_margin_loss", "target", target, 2)
    if target.shape != input.shape:  # torch writes the loss into an input-shaped output
        check_shapes_broadcast(tuple(input.shape), tuple(target.shape))
        shape = np.broadcast_shapes(input.shape, target.shape)
        if shape != tuple(input.shape):
            raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
    refuse_gradient_of("soft_margin_loss", "target", target)
    loss = (-target * input).exp().log1p()
    loss = _reduce(loss if loss.dtype is input.dtype else loss.to(input.dtype), reduction)  # in input's dtype
    return composite(loss, "SoftMarginLossBackward0", input)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where target is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    for position, (name, value) in enumerate((("input1", input1), ("input2", input2), ("target", target)), 1):
        tensor_arg("cosine_embedding_loss", name, value, position)
    margin = float_arg("cosine_embedding_loss", "margin", margin, 4)
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and (input1.dim() != 2 or input2.dim() != 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if dim == 0 and (input1.dim() != 1 or input2.dim() != 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    tiny = float(np.float32(1e-12))  # keeps the cosine of a zero vector finite (torch's constant is a C float)
    dot = (input1 * input2).sum(dim)
    norms = (((input1 * input1).sum(dim) + tiny) * ((input2 * input2).sum(dim) + tiny)).sqrt()
    cos = dot / norms
    zeros = creation.zeros_like(cos)
    similar = (1 - cos).where(target == 1, zeros)
    dissimilar = (cos - margin).clamp_min(0).where(target == -1, zeros)
    return _reduce(similar + dissimilar, reduction)


# ------------------------------------------------------------------ triplets
def _check_triplet_dims(anchor: Tensor, positive: Tensor, negative: Tensor) -> None:
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
            f"but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative {negative.ndim}D inputs")


def _triplet(dist_pos: Tensor, dist_neg: Tensor, dist_swap: Tensor | None, margin: float) -> Tensor:
    if dist_swap is not None:  # the harder of the two negatives' distances
        dist_neg = dist_neg.minimum(dist_swap)
    return (margin + dist_pos - dist_neg).clamp_min(0)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, d(anchor, positive) - d(anchor, negative) + margin) with d the p-norm distance;
    swap also uses d(positive, negative) when it is smaller."""
    reduction = _reduction(size_average, reduce, reduction)
    for position, (name, value) in enumerate((("anchor", anchor), ("positive", positive), ("negative", negative)), 1):
        tensor_arg("triplet_margin_loss", name, value, position)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist = lambda a, b: pairwise_distance(a, b, p, eps)  # noqa: E731
    swapped = dist(positive, negative) if swap else None
    return _reduce(_triplet(dist(anchor, positive), dist(anchor, negative), swapped, margin), reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    """triplet_margin_loss with any distance function (default: pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist = distance_function if distance_function is not None else pairwise_distance
    swapped = dist(positive, negative) if swap else None
    return _reduce(_triplet(dist(anchor, positive), dist(anchor, negative), swapped, margin), reduction)


# ------------------------------------------------------------------ several classes
def _check_class_input(input: Tensor) -> None:
    if input.dim() > 2 or (input.dim() == 2 and input.shape[1] == 0) or (input.dim() < 2 and input.numel() == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")


def _check_long_target(target: Tensor) -> None:
    """The margin losses' class targets must be int64 (torch's kernels take no other index type). torch
    checks after the shapes, and only when there is a target to read: an empty batch takes any dtype."""
    if target.numel() and target.dtype is not dtypes.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._legacy}")


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """For each sample: sum over classes j != y of weight[y] max(0, margin - x[y] + x[j])^p, over C."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    tensor_arg("multi_margin_loss", "input", input, 1)
    tensor_arg("multi_margin_loss", "target", target, 2)
    margin = float(number_arg("multi_margin_loss", "margin", margin, 4))
    _check_class_input(input)
    rows = input.reshape(-1, input.shape[-1]) if input.dim() > 0 else input.reshape(1, 1)
    classes = rows.shape[1]
    labels = target.numpy().reshape(-1).astype(np.int64)
    if labels.shape[0] != rows.shape[0] or target.dim() > 1:
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{rows.shape[0]}], but got "
                           f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
    _check_long_target(target)
    refuse_gradient_of("multi_margin_loss", "weight", weight)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {weight.dtype._legacy}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise RuntimeError("target out of range")
    correct = rows.gather(1, creation.tensor(labels[:, None]))
    gap = margin - correct + rows
    hinge = gap.where(gap > 0, 0.0)  # torch counts a term only where it is > 0, so a NaN margin counts nothing
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight.index_select(0, creation.tensor(labels)).unsqueeze(1)
    others = from_numpy((np.arange(classes)[None, :] != labels[:, None]).astype(rows.dtype.np))
    loss = (hinge * others).sum(1) / classes
    loss = loss.reshape(target.shape) if input.dim() == 2 else loss.reshape(())
    return composite(_reduce(loss, reduction), "MultiMarginLossBackward0", input)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                           reduction: str = "mean") -> Tensor:
    """Each row of target lists the correct classes, ended by the first -1. For every correct
    class j and every other class k: max(0, 1 - (x[j] - x[k])), summed and divided by C."""
    reduction = _reduction(size_average, reduce, reduction)
    tensor_arg("multilabel_margin_loss", "input", input, 1)
    tensor_arg("multilabel_margin_loss", "target", target, 2)
    _check_class_input(input)
    if input.dim() <= 1:  # one sample: any target of at most one dim with one label per class (a 0-d input has one)
        consistent = target.dim() <= 1 and target.numel() == (input.numel() if input.dim() else 1)
    else:
        consistent = tuple(target.shape) == tuple(input.shape)
    if not consistent:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    _check_long_target(target)
    rows = input.reshape(-1, input.shape[-1]) if input.dim() > 0 else input.reshape(1, 1)
    labels = target._data
    if labels.size and (labels.min() < -1 or labels.max() >= rows.shape[1]):  # every entry, past the first -1 too
        raise RuntimeError("argument #2 'target' is out of range")
    counts = _label_counts(target.numpy().reshape(rows.shape), rows.shape[1]).astype(rows.dtype.np)
    others = (counts == 0).astype(rows.dtype.np)
    # pairs[n, j, k] = max(0, 1 - x[n, j] + x[n, k]), used for correct j (as often as listed) and other k
    pairs = (1 - rows.unsqueeze(2) + rows.unsqueeze(1)).clamp_min(0)
    used = from_numpy(counts[:, :, None] * others[:, None, :])
    loss = (pairs * used).sum((1, 2)) / rows.shape[1]
    loss = loss.reshape(input.shape[:-1]) if input.dim() > 0 else loss.reshape(())
    return composite(_reduce(loss, reduction), "MultilabelMarginLossBackward0", input)


def _label_counts(targets: np.ndarray, classes: int) -> np.ndarray:
    """How often each class is listed in each target row, up to the row's first -1."""
    counts = np.zeros(targets.shape, dtype=np.int64)
    for n, row in enumerate(targets.astype(np.int64)):
        for label in row:
            if label < 0:
                break
            counts[n, label] += 1
    return counts


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                                reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on logits per class (target in {0, 1}), averaged over the classes."""
    tensor_arg("log_sigmoid", "input", input, 1)  # (its first kernel)
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    if input.ndim == 0:  # the class dim is the last one: a 0-d input has none
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    loss = -(target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)


# ------------------------------------------------------------------ modules
class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of target under N(input, var); `forward(input, target, var)`."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of count targets under a Poisson rate; see `poisson_nll_loss`."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average: Any = None, eps: float = 1e-8,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """Rank input1 above input2 (target 1) or below (target -1) by at least `margin`."""

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """For distances: small when target is 1, at least `margin` when target is -1."""

    def __init__(self, margin: float = 1.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """Logistic loss log(1 + exp(-y x)) for targets in {1, -1}."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """Pull pairs together (target 1) or apart beyond cosine `margin` (target -1)."""

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """The anchor nearer its positive than its negative by `margin` (p-norm distance)."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                   swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """TripletMarginLoss with any `distance_function` (default PairwiseDistance())."""

    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None, margin: float = 1.0,
                 swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                             "instead")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=self.distance_function,
                                                 margin=self.margin, swap=self.swap, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss: the correct class's score above every other by `margin`."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None, size_average: Any = None,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead")
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                 reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge loss; target rows list the correct classes, ended by -1."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss on 0/1 targets, averaged over classes."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)

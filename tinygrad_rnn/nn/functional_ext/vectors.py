"""Functions on vectors and channels that nn layers do not cover: `normalize`, `pdist`, `cdist`,
`gumbel_softmax` and `channel_shuffle` (and `native_channel_shuffle`, its kernel's form, without a
derivative). Each is written with Tensor operations, so its gradient
(and gradient of gradient) comes from the ops it is made of.

    F.normalize(x, dim=1)       # x / max(||x||_p, eps) along dim
    F.pdist(x)                  # (N, M) -> (N (N - 1) / 2,): distances between all pairs of rows
    F.gumbel_softmax(logits)    # a differentiable sample: softmax((logits + Gumbel noise) / tau)
    F.channel_shuffle(x, 2)     # (N, g k, *) -> channels regrouped as (k, g)
    torch.cdist(x1, x2)         # (*, P, M), (*, R, M) -> (*, P, R): distances between all rows of both
"""
from __future__ import annotations

import warnings

import numpy as np

from ...argcheck import float_arg, int_arg, tensor_arg
from ...core.grad_mode import is_grad_enabled
from ...core.tensor import Tensor
from ...creation import from_numpy
from ...ops.composite import composite
from ...ops.pointwise_more import NoDerivative
from ...ops.shape import cat
from ...surface.ops import parser_errors


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """input divided by its p-norm along `dim`; eps keeps a zero vector from dividing by zero."""
    denominator = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denominator
    if is_grad_enabled() and (input.requires_grad or out.requires_grad):
        raise RuntimeError("div(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    return out.copy_(input / denominator)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The p-norm distance between every pair of rows i < j of a 2-d input, in row-major order."""
    tensor_arg("pdist", "input", input, 1)
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    rows, cols = np.triu_indices(input.shape[0], k=1)
    first, second = input[from_numpy(rows)], input[from_numpy(cols)]
    return composite(_norm_without_nan_at_zero(first - second, p), "PdistBackward0", input)


def _norm_without_nan_at_zero(diff: Tensor, p: float) -> Tensor:
    """||diff||_p over the last dim, with gradient 0 (not NaN) where two rows are equal, as torch's pdist."""
    size = diff.abs()
    if p == 0:  # the number of differing entries: no gradient flows, as in torch
        return (size != 0).to(diff.dtype).sum(-1) + 0 * size.sum(-1)
    if p == float("inf"):
        return size.amax(-1)
    if p == 1:
        return size.sum(-1)
    nonzero = size != 0  # below p = 1, |d|^p has an infinite gradient at 0: torch gives 0 there
    powered = size.where(nonzero, size.new_ones(())).pow(p).where(nonzero, size.new_zeros(())).sum(-1)
    equal = powered == 0
    # the root's gradient is infinite at 0: take it at 1 there and keep the value 0
    return powered.where(~equal, powered.new_ones(())).pow(1.0 / p).where(~equal, powered.new_zeros(()))


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """softmax((logits + g) / tau) for Gumbel noise g = -log(Exponential(1)), drawn as torch draws it.

    hard=True returns the one-hot argmax, with the soft sample's gradient (straight through)."""
    if eps != 1e-10:
        # stacklevel 3: past the tensor check that wraps F.gumbel_softmax (surface/tensor_first.py), to the caller
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=3)
    gumbels = -Tensor.exponential_(logits.detach().new_empty(logits.shape)).log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = logits.detach().new_zeros(logits.shape).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, g k, *) -> (N, k g, *): channel c = i k + j moves to j g + i, mixing the groups."""
    tensor_arg("channel_shuffle", "input", input, 1)
    groups = int_arg("channel_shuffle", "groups", groups, 2)
    _check_shuffle(input, groups)
    n, c, *rest = input.shape
    shuffled = input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(input.shape)
    return composite(shuffled, "ChannelShuffleBackward0", input)


def _check_shuffle(input: Tensor, groups: int) -> None:
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {input.shape[1]} channels and "
                           f"{groups} groups.")


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """channel_shuffle as torch's kernel does it: the same numbers, but no derivative (a backward through it
    raises, as torch's)."""
    tensor_arg("native_channel_shuffle", "input", input, 1)
    groups = int_arg("native_channel_shuffle", "groups", groups, 2)
    _check_shuffle(input, groups)
    return _NativeChannelShuffle.apply(input, groups)


class _NativeChannelShuffle(NoDerivative):
    aten_name = "native_channel_shuffle"

    @staticmethod
    def forward(ctx, x, groups):
        n, c, *rest = x.shape
        shuffled = x._data.reshape(n, groups, c // groups, *rest).swapaxes(1, 2)
        return Tensor._make(np.ascontiguousarray(shuffled).reshape(x.shape))


native_channel_shuffle = parser_errors(native_channel_shuffle, "native_channel_shuffle")


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of x1 (*, P, M) and each row of x2 (*, R, M): (*, P, R).

    For p = 2 with more than 25 rows (or when asked), torch computes |a|^2 + |b|^2 - 2 a.b with one
    matrix product, which is faster but less exact; so does this, to give torch's numbers."""
    tensor_arg("cdist", "x1", x1, 1)
    tensor_arg("cdist", "x2", x2, 2)
    p = float_arg("cdist", "p", p, 3)
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.dim()}D")
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {x.dtype._legacy}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    many_rows = x1.shape[-2] > 25 or x2.shape[-2] > 25
    if p == 2 and (compute_mode == _CDIST_MODES[1] or (compute_mode == _CDIST_MODES[0] and many_rows)):
        return _euclidean_by_matmul(x1, x2)  # (mixed dtypes: the matrix product's error)
    if x1.numel() == 0 or x2.numel() == 0:  # torch returns an empty (or zero) result in x1's dtype, unchecked
        x2 = x2.to(x1.dtype)
    elif x1.dtype.itemsize < 4:  # torch's kernel has float and double only, and reads x2 as x1's type
        raise NotImplementedError(f"\"cdist\" not implemented for '{x1.dtype._legacy}'")
    elif x2.dtype is not x1.dtype:
        raise RuntimeError(f"expected scalar type {x1.dtype._legacy} but found {x2.dtype._legacy}")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return composite(_norm_without_nan_at_zero(diff, p), "CdistBackward0", x1, x2)


def _euclidean_by_matmul(x1: Tensor, x2: Tensor) -> Tensor:
    """sqrt(max(0, [-2 a, |a|^2, 1] . [b, 1, |b|^2])): torch's one-matmul form of the distance."""
    norm1, norm2 = x1.pow(2).sum(-1, keepdim=True), x2.pow(2).sum(-1, keepdim=True)
    left = cat([x1 * -2, norm1, norm1.new_ones(norm1.shape)], -1)
    right = cat([x2, norm2.new_ones(norm2.shape), norm2], -1)
    return (left @ right.transpose(-1, -2)).clamp_min(0).sqrt()

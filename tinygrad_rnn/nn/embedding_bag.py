"""`nn.EmbeddingBag` and `F.embedding_bag`: look up a bag of indices and reduce the rows to one
vector per bag (sum, mean or max), without materialising the (bag, length, dim) lookups a user
would otherwise build with Embedding and a reduction.

Bags come as a 2-D input (B, L): each row a bag of L indices; or as a 1-D input of all indices
with `offsets`, the start of each bag:

    bag = nn.EmbeddingBag(10, 3, mode="sum")
    bag(torch.tensor([1, 2, 4, 5, 4]), torch.tensor([0, 2]))   # bags [1, 2] and [4, 5, 4]

Entries equal to padding_idx are left out (and not counted by "mean"); an empty bag gives zeros.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..argcheck import type_repr
from ..core import dtypes
from ..core.grad_mode import no_grad
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..ops.composite import composite
from ..ops.shape import stack
from . import init
from .functional_ext import basic as F
from .layers import _empty
from .module import Module
from .parameter import Parameter


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """One row per bag: the sum, mean or max of weight's rows picked by the bag's indices."""
    if weight.dtype == dtypes.int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.",
                      stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    indices, starts, per_sample_weights = _flat_bags(input, offsets, include_last_offset, per_sample_weights)
    _check_mode(mode, scale_grad_by_freq, sparse, per_sample_weights)
    if input.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{input.dtype._legacy}Tensor instead (while checking arguments for "
                           "embedding_bag)")
    bags = _bag_ranges(starts, len(indices), include_last_offset)
    _check_indices(indices, weight.shape[0], mode)
    padding = -1 if padding_idx is None else padding_idx % weight.shape[0]
    rows = F.embedding(from_numpy(indices), weight, None if padding_idx is None else padding, max_norm, norm_type,
                       scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    if mode == "max":
        bagged = _max_per_bag(rows, indices, bags, padding)
    else:
        bagged = from_numpy(_bag_matrix(indices, bags, padding, mode, rows.dtype.np)).matmul(rows)
    return composite(bagged, "EmbeddingBagBackward0", weight, per_sample_weights)


def _flat_bags(input: Tensor, offsets: Tensor | None, include_last_offset: bool,
               per_sample_weights: Tensor | None) -> tuple:
    """All indices as one 1-D array, the start of every bag, and the per-sample weights flattened."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type_repr(offsets)}")
        if input.shape[1] == 0:  # torch's bag starts are arange(0, numel, step=bag length)
            raise RuntimeError("step must be nonzero")
        starts = np.arange(0, input.numel(), input.shape[1])
        weights = None if per_sample_weights is None else per_sample_weights.reshape(-1)
        return input.numpy().reshape(-1).astype(np.int64), starts, weights
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    return input.numpy().astype(np.int64), offsets.numpy().astype(np.int64), per_sample_weights


def _check_indices(indices: np.ndarray, count: int, mode: str) -> None:
    """torch's RuntimeError for an index outside [0, num_embeddings) (its max kernel words it its own way)."""
    bad = np.flatnonzero((indices < 0) | (indices >= count))
    if not bad.size:
        return
    i = int(bad[0])
    if mode == "max":
        raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {indices[i]}")
    raise RuntimeError(f"Index {i} of input takes value {indices[i]} which is not in the valid range [0, {count})")


def _check_mode(mode: str, scale_grad_by_freq: bool, sparse: bool, per_sample_weights: Tensor | None) -> None:
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse=True (sparse gradients) is not supported")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")


def _bag_ranges(starts: np.ndarray, total: int, include_last_offset: bool) -> list:
    """(start, end) of every bag; with include_last_offset the last offset is the end of the last bag."""
    if len(starts) and starts[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                           f"position 0. However, got {starts[0]}\n[ torch.LongTensor{{}} ]")
    if len(starts) and starts[-1] > total:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {total} but got offsets[-1] of "
                           f"{starts[-1]}")
    if (np.diff(starts) < 0).any():  # torch fails with an internal index check here
        raise RuntimeError(f"offsets must be non-decreasing, got {starts.tolist()}")
    ends = list(starts[1:]) + ([] if include_last_offset else [total])
    return list(zip(starts[:len(ends)], ends))


def _bag_matrix(indices: np.ndarray, bags: list, padding: int, mode: str, dtype: np.dtype) -> np.ndarray:
    """(bags, entries) matrix whose product with the looked-up rows sums (or averages) each bag."""
    matrix = np.zeros((len(bags), len(indices)), dtype=dtype)
    for b, (start, end) in enumerate(bags):
        members = np.arange(start, end)
        members = members[indices[start:end] != padding]
        if len(members):
            matrix[b, members] = 1 / len(members) if mode == "mean" else 1
    return matrix


def _max_per_bag(rows: Tensor, indices: np.ndarray, bags: list, padding: int) -> Tensor:
    maxima = []
    for start, end in bags:
        members = np.arange(start, end)
        members = members[indices[start:end] != padding]
        if len(members):
            maxima.append(rows[from_numpy(members)].amax(0))
        else:
            maxima.append(from_numpy(np.zeros(rows.shape[1], rows.dtype.np)))
    return stack(maxima) if maxima else from_numpy(np.zeros((0, rows.shape[1]), rows.dtype.np))


class EmbeddingBag(Module):
    """A table `weight` (num_embeddings, embedding_dim), N(0, 1) at start (padding row zero),
    reduced per bag with `mode` ("mean" by default, "sum" or "max"); see `embedding_bag`."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                 _weight: Tensor | None = None, include_last_offset: bool = False, padding_idx: int | None = None,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(_empty((num_embeddings, embedding_dim), device, dtype))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight)
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                             self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings!r}, {self.embedding_dim!r}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse, _weight=embeddings,
                  include_last_offset=include_last_offset, padding_idx=padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

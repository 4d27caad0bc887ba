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

from ..argcheck import bool_arg, int_arg, type_repr
from ..core import dtypes
from ..core.function import Function
from ..core.grad_mode import is_grad_enabled, no_grad
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..ops.composite import composite
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
    _check_indices(indices, weight.shape[0], mode == "max" or not fast_kernel(padding_idx, weight))
    padding = None if padding_idx is None else padding_idx % weight.shape[0]
    rows = _look_up(weight, indices, padding, max_norm, norm_type, scale_grad_by_freq and mode != "max")
    return bag_rows(rows, indices, starts, mode, padding, include_last_offset, per_sample_weights, weight)[0]


def _look_up(weight: Tensor, indices: np.ndarray, padding: int | None, max_norm: float | None, norm_type: float,
             scale_grad_by_freq: bool) -> Tensor:
    """weight's rows for the indices (max_norm renorms them in place first, as embedding does)."""
    if max_norm is not None:
        F.embedding_renorm_(weight, indices, max_norm, norm_type)
    if scale_grad_by_freq:
        weight = _FrequencyScaled.apply(weight, _frequency_divisors(indices, weight.shape[0]))
    return F.embedding(from_numpy(indices), weight, padding)


def _frequency_divisors(indices: np.ndarray, count: int) -> np.ndarray:
    """What torch's bag backward divides each row's gradient by under scale_grad_by_freq: the k-th smallest
    distinct index gets the count of the k-th smallest index (sorted, repeats kept), not its own count:
    its kernel reads `counts[indices[i]]` with i the distinct index's number (measured: torch 2.13)."""
    ordered = np.sort(indices)
    distinct = np.unique(ordered)
    divisors = np.ones(count)
    divisors[distinct] = np.bincount(indices, minlength=count)[ordered[:len(distinct)]]
    return divisors


class _FrequencyScaled(Function):
    """The weight as it is, whose gradient rows come back divided by `divisors`."""

    @staticmethod
    def forward(ctx, weight, divisors):
        ctx.divisors = Tensor._make(divisors.astype(weight._data.dtype)[:, None])
        return Tensor._make(weight._data.copy())

    @staticmethod
    def backward(ctx, g):
        return g / ctx.divisors, None


def bag_rows(rows: Tensor, indices: np.ndarray, starts: np.ndarray, mode: str, padding: int | None,
             include_last_offset: bool, per_sample_weights: Tensor | None, weight: Tensor) -> tuple:
    """(one reduced row per bag, offset2bag, bag_size, max_indices): the looked-up `rows` reduced bag by bag,
    and the three arrays torch's kernel returns beside the output (what torch.embedding_bag shows).

    As in torch, two kernels read the bags differently when include_last_offset is set and the last offset
    is short of the end: the fast one (sum and mean of a float32 or half table, no padding_idx) adds the
    entries up to the last offset, the general one (and mean's divisor) reads the last bag to the end of the
    input. The fast kernel's sum fills no offset2bag."""
    bags = _bag_ranges(starts, len(indices), include_last_offset)
    fast = fast_kernel(padding, weight)
    offset2bag = _offset2bag(starts[:len(bags)], len(indices))
    counted = indices != (-1 if padding is None else padding)
    bag_size = np.bincount(offset2bag[counted & (offset2bag >= 0)], minlength=len(bags))
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    if mode == "max":
        positions, max_indices = _max_positions(rows, indices, offset2bag, counted, len(bags))
        bagged = _max_rows(rows, positions)
    else:
        members = _fast_members(bags, len(indices)) if fast else offset2bag
        matrix = np.zeros((len(bags), len(indices)), dtype=rows.dtype.np)
        keep = counted & (members >= 0)
        matrix[members[keep], np.flatnonzero(keep)] = 1
        if mode == "mean":
            matrix /= np.maximum(bag_size, 1)[:, None]
        bagged = from_numpy(matrix).matmul(rows)
        max_indices = bag_size.copy()
    if mode == "sum":  # (torch's sum kernel sizes these by the offsets, not the bags, for a weight without grad)
        by_offsets = not weight.requires_grad
        bag_size = max_indices = np.zeros(len(starts) if by_offsets else len(bags), np.int64)
    if mode == "sum" and fast:
        offset2bag = offset2bag[:0]
    out = composite(bagged, "EmbeddingBagBackward0", weight, per_sample_weights)
    return out, offset2bag, bag_size, max_indices


def fast_kernel(padding: int | None, weight: Tensor) -> bool:
    """Whether torch sums the bags with its fast kernel (which has no float64 form)."""
    return padding is None and weight.dtype != dtypes.float64


_MODES = ("sum", "mean", "max")


def native_embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor, scale_grad_by_freq: bool = False,
                         mode: int = 0, sparse: bool = False, per_sample_weights: Tensor | None = None,
                         include_last_offset: bool = False, padding_idx: int | None = None) -> tuple:
    """torch.embedding_bag, the kernel behind F.embedding_bag: mode is a code (0 sum, 1 mean, 2 max), and it
    returns (output, offset2bag, bag_size, max_indices) in the indices' and offsets' promoted integer type:
    offset2bag is each entry's bag (empty for a sum without padding_idx), bag_size each bag's count of
    entries other than padding_idx (zeros for a sum), max_indices the weight row of each maximum (max), a
    copy of bag_size (mean) or zeros (sum)."""
    scale_grad_by_freq = bool_arg("embedding_bag", "scale_grad_by_freq", scale_grad_by_freq, 4)
    mode = int_arg("embedding_bag", "mode", mode, 5)
    if bool_arg("embedding_bag", "sparse", sparse, 6) and weight.requires_grad and is_grad_enabled():
        raise NotImplementedError("embedding_bag: sparse=True (sparse gradients) is not supported")
    include_last_offset = bool_arg("embedding_bag", "include_last_offset", include_last_offset, 8)
    _check_kernel_arguments(weight, indices, offsets, mode, per_sample_weights)
    if padding_idx is not None:
        padding_idx = int_arg("embedding_bag", "padding_idx", padding_idx, 9)
        count = weight.shape[0]
        if not -count <= padding_idx < count:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{count} through {count - 1}, "
                               f"but got {padding_idx}")
        padding_idx %= count
    flat, starts = indices.numpy().reshape(-1).astype(np.int64), offsets.numpy().astype(np.int64)
    if len(starts) and starts[-1] > indices.shape[0]:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {indices.shape[0]} but got "
                           f"offsets[-1] of {starts[-1]}")
    _check_indices(flat, weight.shape[0], mode == 2 or not fast_kernel(padding_idx, weight))
    rows = _look_up(weight, flat, padding_idx, None, 2.0, scale_grad_by_freq and mode != 2)
    out, offset2bag, bag_size, max_indices = bag_rows(rows, flat, starts, _MODES[mode], padding_idx,
                                                      include_last_offset, per_sample_weights, weight)
    kind = np.int32 if indices.dtype == offsets.dtype == dtypes.int32 else np.int64
    return (out,) + tuple(from_numpy(np.ascontiguousarray(a, dtype=kind)) for a in (offset2bag, bag_size, max_indices))


def _check_kernel_arguments(weight: Tensor, indices: Tensor, offsets: Tensor, mode: int,
                            per_sample_weights: Tensor | None) -> None:
    """torch.embedding_bag's own checks, in its order and words (F.embedding_bag words its own in Python)."""
    for value in (indices, offsets):  # (torch names the offsets' wrong type as the indices')
        if value.dtype not in (dtypes.int64, dtypes.int32):
            raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                               f"Long, Int; but got {value.type()} instead (while checking arguments for "
                               "embedding_bag)")
    if offsets.dim() != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension {offsets.dim()}")
    if weight.dim() != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if not 0 <= mode <= 2:
        raise RuntimeError("`mode` must be sum, mean, or max.")
    if per_sample_weights is not None:
        if mode != 0:
            raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
        if per_sample_weights.numel() != indices.numel():
            raise RuntimeError("Expected per_sample_weights.value().numel() == indices.numel() to be true, but got "
                               "false.  (Could this error message be improved?  If so, please report an "
                               "enhancement request to PyTorch.)")


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


def _check_indices(indices: np.ndarray, count: int, general_kernel: bool) -> None:
    """torch's RuntimeError for an index outside [0, num_embeddings): its general kernel (max, a padding_idx or
    a float64 table) names the value, its fast kernel the entry. (With several threads, torch's fast kernel
    can fail on an internal check instead when the entry is in the last bag; one thread gives this.)"""
    bad = np.flatnonzero((indices < 0) | (indices >= count))
    if not bad.size:
        return
    i = int(bad[0])
    if general_kernel:
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


def _offset2bag(starts: np.ndarray, total: int) -> np.ndarray:
    """The bag of every entry (the last bag runs to the end; -1 before the first bag), as torch makes it:
    a count of bag starts at each position, summed up."""
    marks = np.zeros(total + 1, np.int64)
    np.add.at(marks, starts, 1)
    return (np.cumsum(marks) - 1)[:total]


def _fast_members(bags: list, total: int) -> np.ndarray:
    """The bag of every entry when bags end where their ranges say (-1 for entries in no bag)."""
    members = np.full(total, -1, np.int64)
    for b, (start, end) in enumerate(bags):
        members[start:end] = b
    return members


def _max_positions(rows: Tensor, indices: np.ndarray, offset2bag: np.ndarray, counted: np.ndarray,
                   count: int) -> tuple:
    """For every bag and column, the entry holding the maximum (the first one on a tie, as torch's strict `>`;
    -1 for an empty bag), and the weight row it came from (0 for an empty bag)."""
    values = rows.detach().numpy()
    positions = np.full((count, rows.shape[1]), -1, np.int64)
    for b in range(count):
        members = np.flatnonzero((offset2bag == b) & counted)
        if len(members):
            positions[b] = members[np.argmax(values[members], axis=0)]
    return positions, np.where(positions >= 0, indices[positions], 0)


def _max_rows(rows: Tensor, positions: np.ndarray) -> Tensor:
    """The maxima as a gather from rows, so the gradient goes to the maximum's entry alone (as torch's)."""
    if not positions.size or not rows.shape[0]:
        return from_numpy(np.zeros(positions.shape, rows.dtype.np))
    picked = rows.gather(0, from_numpy(np.maximum(positions, 0)))
    return picked.masked_fill(from_numpy(positions < 0), 0)


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

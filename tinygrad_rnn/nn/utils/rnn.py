"""Variable-length batches for RNNs: `PackedSequence` and the functions that make and unmake it.

A batch of sequences of different lengths can be stored two ways:

- *padded*: one `(T, B, *)` tensor (or `(B, T, *)` with `batch_first`), short sequences filled up
  to the longest length `T` with a padding value;
- *packed*: only the valid steps, time-major and interleaved. With the batch sorted longest first,
  step `t` holds `batch_sizes[t]` rows (the sequences still running at `t`):

      sequences  a b c   (length 3)        data        = [a x p  b y  c]   (6 rows)
                 x y     (length 2)        batch_sizes = [3,     2,   1]
                 p       (length 1)

An RNN given a `PackedSequence` never sees padding, so every sequence is processed exactly as if it
were alone. `sorted_indices` says which original sequence sits at each sorted position, and
`unsorted_indices` is its inverse (both None when the caller already sorted the batch).

Every conversion here is one gather with an index array, so gradients flow through the ordinary
indexing op and padding positions get no gradient.

    >>> import tinygrad_rnn as torch
    >>> from tinygrad_rnn.nn.utils.rnn import pack_sequence, pad_packed_sequence
    >>> packed = pack_sequence([torch.tensor([1, 2, 3]), torch.tensor([4, 5]), torch.tensor([6])])
    >>> packed.data, packed.batch_sizes
    (tensor([1, 4, 6, 2, 5, 3]), tensor([3, 2, 1]))
    >>> pad_packed_sequence(packed)[0]
    tensor([[1, 4, 6],
            [2, 5, 0],
            [3, 0, 0]])
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from ...argcheck import TorchClass, type_name
from ...core import dtypes
from ...core.tensor import Tensor
from ...creation import arange, as_tensor, from_numpy, full, tensor
from ...ops.composite import composite
from ...ops.shape import cat, require_tensors
from ...surface.assignment import copy_shape_error
from ..module import _check_to_keywords

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


class _PackedFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedFields, metaclass=TorchClass):
    """A packed batch: `(data, batch_sizes, sorted_indices, unsorted_indices)`, a namedtuple.

    Made by `pack_padded_sequence` / `pack_sequence`, not by hand. `data` is `(sum(lengths), *)`;
    `batch_sizes` (int64) has one entry per time step. `PackedSequence(data, batch_sizes)` and
    `PackedSequence((data, batch_sizes))` both work; a missing `unsorted_indices` is computed.
    """

    def __new__(cls, data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        # torch reads batch_sizes.device first: a list of sizes is refused with the AttributeError that gives
        if batch_sizes is not None and batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be created "
                             "manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn. "
                             "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        if batch_sizes is None:  # the `PackedSequence((data, batch_sizes))` form
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """Convert `data` (dtype); returns self when nothing changes. batch_sizes stay int64.
        Keywords as Module.to: non_blocking is accepted, copy and memory_format are refused."""
        _check_to_keywords(kwargs)
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def double(self) -> PackedSequence:
        return self.to(dtype=dtypes.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=dtypes.float32)

    def half(self) -> PackedSequence:
        return self.to(dtype=dtypes.float16)

    def long(self) -> PackedSequence:
        return self.to(dtype=dtypes.int64)

    def int(self) -> PackedSequence:
        return self.to(dtype=dtypes.int32)

    def short(self) -> PackedSequence:
        return self.to(dtype=dtypes.int16)

    def char(self) -> PackedSequence:
        return self.to(dtype=dtypes.int8)

    def byte(self) -> PackedSequence:
        return self.to(dtype=dtypes.uint8)

    def cpu(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """As torch's: asks a tensor to move first, which raises torch's error here (no accelerator)."""
        self.data.cuda(*args, **kwargs)
        return self

    def pin_memory(self) -> PackedSequence:
        return type(self)(*[None if x is None else x.pin_memory() for x in self])

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation (None stays None): `out[permutation[i]] = i`."""
    if permutation is None:
        return None
    indices = permutation.numpy()
    inverse = np.empty_like(indices)
    inverse[indices] = np.arange(indices.size)
    return from_numpy(inverse)


# ---------------------------------------------------------------------------- index arithmetic
def _packed_positions(batch_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time, batch) of every row of packed data, in packed order."""
    times = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    batch = np.concatenate([np.arange(b) for b in batch_sizes]) if len(batch_sizes) else np.zeros(0, np.int64)
    return times, batch


def lengths_from_batch_sizes(batch_sizes: np.ndarray) -> np.ndarray:
    """Each sorted sequence's length: sequence b runs while `batch_sizes[t] > b`."""
    return (batch_sizes[None, :] > np.arange(batch_sizes[0])[:, None]).sum(axis=1)


def batch_sizes_from_lengths(lengths: np.ndarray) -> np.ndarray:
    """How many of the (descending) `lengths` are still running at each step."""
    return (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(axis=1).astype(np.int64)


def packed_to_padded(data: Tensor, batch_sizes: np.ndarray, total_length: int,
                     padding_value: float = 0.0) -> Tensor:
    """`(total_length, B, *)` in sorted batch order, padding filled with `padding_value`.

    One gather from `data` with an extra padding row appended: each padded slot holds the index of
    its packed row, or of the padding row.
    """
    times, batch = _packed_positions(batch_sizes)
    pad_row = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    source = np.full((total_length, int(batch_sizes[0])), len(times), dtype=np.int64)
    source[times, batch] = np.arange(len(times))
    return cat([data, pad_row])[source]


def padded_to_packed(padded: Tensor, batch_sizes: np.ndarray) -> Tensor:
    """The valid rows of a `(T, B, *)` tensor (batch sorted by length), in packed order."""
    times, batch = _packed_positions(batch_sizes)
    return padded[times, batch]


# ---------------------------------------------------------------------------- packing
def _lengths_array(lengths: Any) -> np.ndarray:
    """lengths as int64 numpy (a list may hold floats, which truncate, like torch.as_tensor)."""
    if isinstance(lengths, Tensor):
        array = lengths.detach().numpy().astype(np.int64)  # (torch reads a float tensor that requires grad too)
    else:
        array = as_tensor(lengths, dtype=dtypes.int64).numpy()
    if array.ndim != 1:
        raise RuntimeError(
            f"'lengths' argument should be a 1D CPU int64 tensor, but got {array.ndim}D cpu Long tensor"
        )
    return array


def _check_lengths(lengths: np.ndarray, batch_size: int, max_time: int, enforce_sorted: bool) -> None:
    if len(lengths) != batch_size:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} (batch_size={batch_size})"
        )
    if lengths[-1] <= 0 or (not enforce_sorted and lengths.min() <= 0):
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
        )
    if np.any(lengths[1:] > lengths[:-1]):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
            "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
            "if you do not need ONNX exportability."
        )
    if lengths[0] > max_time:
        # torch silently truncates and returns an inconsistent PackedSequence here; we refuse.
        raise RuntimeError(
            f"pack_padded_sequence: a length ({int(lengths[0])}) is larger than the padded input's "
            f"sequence length ({max_time})"
        )


def pack_padded_sequence(input: Tensor, lengths: Tensor | list[int], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded `(T, B, *)` batch (`(B, T, *)` with batch_first) whose sequence b has `lengths[b]` steps.

    With `enforce_sorted=True` the lengths must be in decreasing order; otherwise the batch is
    sorted here (stably) and the permutation is kept in `sorted_indices`.
    """
    lengths = _lengths_array(lengths)
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    if input.ndim == 1:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    sorted_indices = None
    if not enforce_sorted:  # sorted as torch sorts: index_select along the batch dim (so with its errors, too)
        order = np.argsort(-lengths, kind="stable")
        lengths, sorted_indices = lengths[order], from_numpy(order.astype(np.int64))
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    given = input  # torch's node links to it (its kernel takes batch_first itself)
    if batch_first:
        input = input.transpose(0, 1)
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    _check_lengths(lengths, input.shape[1], input.shape[0], enforce_sorted=True)
    batch_sizes = batch_sizes_from_lengths(lengths)
    data = composite(padded_to_packed(input, batch_sizes), "PackPaddedSequenceBackward0", given)  # torch's one node
    return PackedSequence(data, from_numpy(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo `pack_padded_sequence`: `(padded, lengths)`, both in the ORIGINAL batch order.

    `total_length` pads to that many steps (useful inside DataParallel); it may not be shorter
    than the longest sequence.
    """
    batch_sizes = sequence.batch_sizes.numpy()
    max_length = len(batch_sizes)
    if total_length is not None:
        if not isinstance(total_length, int):
            raise TypeError("_pad_packed_sequence(): argument 'total_length' (position 5) must be int, "
                            f"not {type_name(total_length)}")
        if total_length < max_length:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {max_length}"
            )
        max_length = total_length
    padded = _pad_packed_by_blocks(sequence.data, batch_sizes, max_length, padding_value)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = from_numpy(lengths_from_batch_sizes(batch_sizes).astype(np.int64))
    if sequence.unsorted_indices is not None:  # back to the caller's batch order, with torch's index_select
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    return padded, lengths


def _pad_packed_by_blocks(data: Tensor, batch_sizes: np.ndarray, total_length: int, padding_value: float) -> Tensor:
    """`(total_length, B, *)` in sorted batch order, as torch's _pad_packed_sequence builds it: filled with
    `padding_value`, then each run of steps with the same batch size copied in as one block (at most B
    copies; the result's node is torch's CopySlices)."""
    trailing = tuple(data.shape[1:])
    out = full((total_length, int(batch_sizes[0])) + trailing, padding_value, dtype=data.dtype)
    offset, start = 0, 0
    for end in range(1, len(batch_sizes) + 1):
        if end == len(batch_sizes) or batch_sizes[end] != batch_sizes[start]:
            size, steps = int(batch_sizes[start]), end - start
            out[start:end, :size] = data[offset:offset + steps * size].view((steps, size) + trailing)
            offset, start = offset + steps * size, end
    return out


# ---------------------------------------------------------------------------- lists of sequences
def pad_sequence(sequences: Tensor | Iterable[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of shape `(L_i, *)` into `(T, B, *)` (`(B, T, *)` with batch_first), padding
    each on the `padding_side` ('right' or 'left') with `padding_value`. The trailing shape and dtype
    are those of the first sequence."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(
            f"pad_sequence: Expected iterable for input sequences, but got arg of type: {type(sequences)}"
        )
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    require_tensors(sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    if first.ndim == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    trailing, dtype = tuple(first.shape[1:]), first.dtype
    longest = max(len(s) for s in sequences)
    # As torch does: fill the result with padding, then copy each sequence into its slot, so the
    # result's node is torch's CopySlices.
    shape = (len(sequences), longest) if batch_first else (longest, len(sequences))
    out = full(shape + trailing, padding_value, dtype=dtype)
    for b, s in enumerate(sequences):
        message = copy_shape_error((len(s),) + trailing, tuple(s.shape))
        if message:
            raise RuntimeError(message)
        steps = slice(0, len(s)) if padding_side == "right" else slice(longest - len(s), longest)
        out[(b, steps) if batch_first else (steps, b)] = s
    return out


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into a list of `(lengths[b], *)` tensors, each picked by a mask of its
    valid steps, as torch does.

    Like torch, a seq-first `padded_sequences` is transposed IN PLACE (the caller's tensor becomes
    batch-first; a leaf that requires grad refuses that).
    """
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    steps = arange(padded_sequences.shape[1], device=lengths.device)
    return [seq[steps < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of `(L_i, *)` tensors: `pack_padded_sequence(pad_sequence(sequences), lengths)`."""
    lengths = tensor([s.size(0) for s in sequences], dtype=dtypes.int64)  # (torch's: a list in it has no size)
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Undo `pack_sequence`: the list of sequences, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

"""Datasets: anything with `__getitem__(i)` and `__len__()`, plus `random_split`.

    dataset = TensorDataset(inputs, targets)     # item i is (inputs[i], targets[i])
    train, test = random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
"""
from __future__ import annotations

import bisect
import math
import typing
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from ...core.tensor import Tensor
from ...random import Generator, default_generator, randperm
from ._utils.object_repr import TorchPathRepr

T_co = TypeVar("T_co", covariant=True)


class Dataset(TorchPathRepr, Generic[T_co]):
    """A map-style dataset: subclasses define `__getitem__(index)` and usually `__len__()`.

    Generic, as torch's, so typed code can write `class Pairs(Dataset[tuple[Tensor, int]])`."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


# typing's Iterable, not collections.abc's: it puts the ABC before Generic in the MRO, as torch's does, so
# subclasses (ChainDataset[int]) stay subscriptable as torch's are
class IterableDataset(Dataset[T_co], typing.Iterable[T_co]):
    """A stream-style dataset: subclasses define `__iter__()`; the DataLoader batches what it yields.

    An abstract Iterable, as torch's: one without `__iter__` cannot be made (TypeError)."""

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple]):
    """Tensors sharing their first dimension; item i is the tuple of each tensor's row i."""

    def __init__(self, *tensors: Tensor) -> None:
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset[T_co]):
    """The items of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list:
        """The items at several positions (the DataLoader's batched fetch): through the dataset's own
        `__getitems__` when it has one, as torch's Subset does, else one at a time."""
        fetch_many = getattr(self.dataset, "__getitems__", None)
        if callable(fetch_many):
            return fetch_many([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset[T_co]):
    """Several datasets one after the other (`ds1 + ds2` makes one)."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(_running_sum(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Several IterableDatasets, one stream after the other (`stream1 + stream2` makes one)."""

    def __init__(self, datasets: Any) -> None:
        self.datasets = datasets

    def _each(self) -> Iterator:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield d

    def __iter__(self) -> Iterator:
        for d in self._each():
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self._each())


class StackDataset(Dataset[T_co]):
    """Datasets of one length side by side: item i is the tuple of their items i (`StackDataset(a, b)`), or the
    dict of them by name (`StackDataset(image=a, text=b)`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                             "input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self.datasets: tuple | dict = args or kwargs
        parts = args or tuple(kwargs.values())
        self._length = len(parts[0])
        if any(len(d) != self._length for d in parts):
            raise ValueError("Size mismatch between datasets")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list) -> list:
        """The items at several indices (the DataLoader's batched fetch), each part through its dataset's
        own `__getitems__` when it has one, as torch's StackDataset does."""
        named = self.datasets if isinstance(self.datasets, dict) else dict(enumerate(self.datasets))
        columns = {key: _fetch_many(d, indices) for key, d in named.items()}
        if isinstance(self.datasets, dict):
            return [{key: column[i] for key, column in columns.items()} for i in range(len(indices))]
        return [tuple(column[i] for column in columns.values()) for i in range(len(indices))]

    def __len__(self) -> int:
        return self._length


def _fetch_many(dataset: Any, indices: list) -> list:
    fetch = getattr(dataset, "__getitems__", None)
    if not callable(fetch):
        return [dataset[i] for i in indices]
    items = fetch(indices)
    if len(items) != len(indices):
        raise ValueError(f"Nested dataset's output size mismatch. Expected {len(indices)}, got {len(items)}")
    return items


def _running_sum(values: Any) -> Iterator[int]:
    total = 0
    for v in values:
        total += v
        yield total


def random_split(dataset: Any, lengths: Sequence[int | float],
                 generator: Generator | None = default_generator) -> list[Subset]:
    """Split into non-overlapping random Subsets of the given lengths, or fractions summing to 1.

    Fractions become `floor(n * fraction)` items each, and the items left over are dealt one at a
    time to the splits in order (round-robin), as torch does; an empty split gives a warning. The
    generator defaults to the global one, as in torch's signature (None draws from it too).
    """
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = _lengths_from_fractions(len(dataset), lengths)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = randperm(sum(lengths), generator=generator).tolist()
    splits, offset = [], 0
    for length in lengths:
        splits.append(Subset(dataset, indices[offset:offset + length]))
        offset += length
    return splits


def _lengths_from_fractions(n: int, fractions: Sequence[float]) -> list[int]:
    lengths = []
    for i, frac in enumerate(fractions):
        if frac < 0 or frac > 1:
            raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        lengths.append(int(math.floor(n * frac)))
    for i in range(n - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for i, length in enumerate(lengths):
        if length == 0:
            warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.", stacklevel=3)
    return lengths

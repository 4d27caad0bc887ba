"""Samplers: iterables of dataset indices, which decide the order a DataLoader visits items in.

`SequentialSampler` gives 0, 1, 2, ...; `RandomSampler` a fresh permutation every epoch (from its
`generator`, or else from the global seed set by `manual_seed`); `BatchSampler` groups another
sampler's indices into lists of `batch_size`.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from ...argcheck import invalid_combination
from ...core import dtypes
from ...creation import as_tensor
from ...random import Generator, default_generator, multinomial, randint, randperm
from ._utils.object_repr import TorchPathRepr

T_co = TypeVar("T_co", covariant=True)


class Sampler(TorchPathRepr, Generic[T_co]):
    """Base class: subclasses define `__iter__` (indices) and usually `__len__`. Generic, as torch's:
    `class BucketSampler(Sampler[list[int]])`.

    It takes no arguments (torch 2.13 dropped the old, unused `data_source`): `Sampler(data)` and
    `super().__init__(data)` raise TypeError, as in torch."""

    def __iter__(self) -> Iterator:
        raise NotImplementedError


# the overloads torch's Tensor.random_ lists when its generator is not a torch.Generator
_RANDOM_SIGNATURES = ("(*, torch.Generator generator = None)",
                      "(int from, int to, *, torch.Generator generator = None)",
                      "(int to, *, torch.Generator generator = None)")


def draw_seed(generator: Generator | None) -> int:
    """One 63-bit seed from `generator` (or the global one): torch's `empty((), int64).random_()`.

    A generator that is not a torch.Generator fails as torch's random_ does, so DataLoader(generator=5)
    raises torch's TypeError as its first iterator is made."""
    if generator is not None and not isinstance(generator, Generator):
        raise invalid_combination("random_", (), _RANDOM_SIGNATURES, {"generator": generator})
    return int((generator or default_generator).np.integers(0, 2**63))


def _epoch_generator(generator: Generator | None) -> Generator:
    """The generator for one epoch: the given one, or a new one seeded from the global generator.

    Seeding from the global generator is what torch does: `manual_seed(s)` fixes the shuffling,
    each epoch still gets a new order, and (because our random streams are torch's) the orders are
    the very ones torch produces.
    """
    return generator if generator is not None else Generator().manual_seed(draw_seed(None))


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random permutation each epoch; with `replacement=True`, `num_samples` independent draws."""

    def __init__(self, data_source: Any, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, generator = len(self.data_source), _epoch_generator(self.generator)
        if self.replacement:  # drawn 32 at a time, as torch does, so the numbers are torch's
            # called by keyword, as torch calls it, so that a generator of the wrong type words the same error
            for _ in range(self.num_samples // 32):
                yield from randint(high=n, size=(32,), dtype=dtypes.int64, generator=generator).tolist()
            yield from randint(high=n, size=(self.num_samples % 32,), dtype=dtypes.int64, generator=generator).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from randperm(n, generator=generator).tolist()
        yield from randperm(n, generator=generator).tolist()[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices, in a random order each epoch."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """`num_samples` indices into `weights`, drawn with probability proportional to them (torch's multinomial
    draws), with replacement unless told otherwise: the usual cure for imbalanced classes."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        self.weights = as_tensor(weights, dtype=dtypes.float64)
        if self.weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(self.weights.shape)}")
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        yield from multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Lists of `batch_size` indices from `sampler`; the last, shorter one is dropped if `drop_last`."""

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size

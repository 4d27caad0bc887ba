"""`DataLoader`: iterate over a dataset in (shuffled) mini-batches, collated into tensors.

    loader = DataLoader(dataset, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0))
    for inputs, targets in loader:
        ...

The loader asks its `batch_sampler` for lists of indices, fetches `dataset[i]` for each, and
passes the list of items to `collate_fn` (by default `default_collate`, which stacks). Everything
runs in this process; with num_workers > 0 the workers are played here (workers.py), with torch's
seeds and torch's order, so the batches and every random number are the ones torch's worker
processes give. The multiprocessing options are checked as torch checks them. pin_memory is a
no-op on a CPU-only machine in torch too, with the same warning.
"""
from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.context
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from ...random import Generator
from ._utils.collate import default_collate, default_convert
from ._utils.object_repr import TorchPathRepr
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, draw_seed
from .workers import map_style_batches, start_workers, stream_batches


def _check_worker_options(num_workers: int, timeout: float, prefetch_factor: int | None,
                          persistent_workers: bool, multiprocessing_context: Any) -> None:
    """The multiprocessing options, checked in torch's order with torch's messages."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                         "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if multiprocessing_context is not None:
        _check_multiprocessing_context(multiprocessing_context, num_workers)


def _check_multiprocessing_context(context: Any, num_workers: int) -> None:
    """A start method's name or a multiprocessing context, and only with workers (torch's checks)."""
    if num_workers == 0:
        raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                         f"but got num_workers={num_workers}")
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(f"multiprocessing_context option should specify a valid start method in {methods!r}, "
                             f"but got multiprocessing_context={context!r}")
    elif not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError("multiprocessing_context option should be a valid context object or a string specifying "
                        f"the start method, but got multiprocessing_context={context}")


def _check_stream_options(shuffle: bool | None, sampler: Any, batch_sampler: Any) -> None:
    """An IterableDataset decides its own order: torch refuses shuffle, sampler and batch_sampler."""
    if shuffle not in {False, None}:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
    if sampler is not None:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
    if batch_sampler is not None:
        raise ValueError("DataLoader with IterableDataset: expected unspecified "
                         f"batch_sampler option, but got batch_sampler={batch_sampler}")


class _InfiniteConstantSampler(Sampler):
    """The sampler of a loader over an IterableDataset (torch's): None forever, and no length. The stream
    decides what comes; `loader.sampler` and `loader.batch_sampler` show this one, as torch's do."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


class _BaseDataLoaderIter(TorchPathRepr):
    """What `iter(loader)` gives: one epoch's batches, one per `next()`, and `len()` as the loader's.

    It counts the batches it gives: an IterableDataset whose stream runs past the length that
    `len(loader)` reported earns torch's warning for every batch beyond it.
    """

    def __init__(self, loader: DataLoader, batches: Iterator) -> None:
        self._loader = loader
        self._batches = batches
        self._num_yielded = 0
        self._reported_length = loader._IterableDataset_len_called

    def __iter__(self) -> _BaseDataLoaderIter:
        return self

    def __next__(self) -> Any:
        batch = next(self._batches)
        self._num_yielded += 1
        if self._reported_length is not None and self._num_yielded > self._reported_length:
            self._warn_past_reported_length()
        return batch

    def _warn_past_reported_length(self) -> None:
        # torch compares batches given with the dataset's length in items (not in batches), and so do we
        message = (f"Length of IterableDataset {self._loader.dataset} was reported to be {self._reported_length}"
                   f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ")
        if self._loader.num_workers > 0:
            message += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
        warnings.warn(message, stacklevel=3)

    def __len__(self) -> int:
        return len(self._loader._index_sampler)  # (over an IterableDataset, _InfiniteConstantSampler: no length)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """num_workers=0: the batches are fetched here, as they are asked for."""


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """num_workers > 0: the batches are fetched by the workers (played in this process: workers.py)."""


# What may not change once the loader is made: torch refuses it, since the iterator relies on them.
_FIXED_AFTER_INIT = frozenset({"batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"})


T_co = TypeVar("T_co", covariant=True)


class DataLoader(TorchPathRepr, Generic[T_co]):
    """torch.utils.data.DataLoader: batching, shuffling, collation, and workers played in this process.
    Generic, as torch's (`DataLoader[tuple[Tensor, Tensor]]` in type hints)."""

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None, sampler: Any = None,
                 batch_sampler: Any = None, num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, multiprocessing_context: Any = None,
                 generator: Generator | None = None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True) -> None:
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers, multiprocessing_context)
        if isinstance(dataset, IterableDataset):
            _check_stream_options(shuffle, sampler, batch_sampler)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn  # called in each worker as it starts, as in torch
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.persistent_workers = persistent_workers
        self.pin_memory_device = pin_memory_device
        self.in_order = in_order  # the order of batches from workers; played here, they always come in order
        self._persistent: list | None = None  # persistent_workers: the workers, kept from epoch to epoch
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if sampler is None and self._iterable:
            sampler = _InfiniteConstantSampler()
        elif sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.check_worker_number_rationality()  # torch warns here, and again as each epoch's workers start
        self._initialized = True

    _initialized = False  # set at the end of __init__: from then on, _FIXED_AFTER_INIT is refused
    _IterableDataset_len_called: int | None = None  # an IterableDataset's length, once len(loader) asked it

    def __setattr__(self, name: str, value: Any) -> None:
        if self._initialized and name in _FIXED_AFTER_INIT:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(name, value)

    def check_worker_number_rationality(self) -> None:
        """Warn, as torch does, when there are more workers than CPUs this process may run on."""
        if self.num_workers == 0:
            return
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        if self.num_workers > cpus:
            cpuset = "" if hasattr(os, "sched_getaffinity") else " (`cpuset` is not taken into account)"
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. Our suggested "
                          f"max number of worker in current system is {cpus}{cpuset}, which is smaller than what this "
                          "DataLoader is going to create. Please be aware that excessive worker creation might get "
                          "DataLoader running slow or even freeze, lower the worker number to avoid potential "
                          "slowness/freeze if necessary.", stacklevel=3)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    def __iter__(self) -> _BaseDataLoaderIter:
        # In torch's order: the sampler's iterator, then the workers' base seed (drawn even with no
        # workers: drawing it too keeps the random stream, so every later draw, in step with torch),
        # then the dataset's stream (made here without workers, in each worker with them).
        if self._persistent is not None:  # torch makes persistent workers' iterator once, and resets it
            return _MultiProcessingDataLoaderIter(self, self._worker_batches(self._persistent))
        index_batches = None if self._iterable else iter(self._index_sampler)
        base_seed = draw_seed(self.generator)
        if self.pin_memory and self.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                          f"ignore pin_memory_device='{self.pin_memory_device}'.", stacklevel=2)
        if self.pin_memory:  # pinned memory only speeds up copies to an accelerator; we have none
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        if self.num_workers == 0:
            if self.timeout != 0:  # torch's single-process iterator has no worker to wait for
                raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
            if self._iterable:
                return _SingleProcessDataLoaderIter(self, self._stream_batches(iter(self.dataset)))
            return _SingleProcessDataLoaderIter(self, (self._fetch(self.dataset, i) for i in index_batches))
        if self.prefetch_factor <= 0:  # torch's multi-worker iterator refuses it (prefetch_factor=0 passes __init__)
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        self.check_worker_number_rationality()
        workers = start_workers(self, base_seed)
        if self.persistent_workers:
            self._persistent = workers
        # torch's multi-worker iterator asks the sampler for a fresh iterator once more as it resets itself
        # for the first epoch: a sampler whose __iter__ draws at once draws twice, and the second order is used
        return _MultiProcessingDataLoaderIter(self, self._worker_batches(workers))

    def _stream_batches(self, stream: Iterator) -> Iterator:
        while True:
            try:
                batch = self._next_stream_batch(stream)
            except StopIteration:
                return
            yield batch

    def _worker_batches(self, workers: list) -> Iterator:
        if self._iterable:
            return stream_batches(workers, self._next_stream_batch)
        index_batches = iter(self._index_sampler)
        return map_style_batches(workers, index_batches, self._fetch, self.prefetch_factor * self.num_workers)

    @property
    def _index_sampler(self) -> Any:
        """What the iterator draws from (torch's name): lists of indices when batching, else single indices."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def _fetch(self, dataset: Any, indices: Any) -> Any:
        """One batch of a map-style dataset: its items at a batch's indices, collated (or one item)."""
        if self._auto_collation:
            fetch_many = getattr(dataset, "__getitems__", None)  # a dataset's own batched fetch, as torch uses it
            return self.collate_fn(fetch_many(indices) if fetch_many else [dataset[i] for i in indices])
        return self.collate_fn(dataset[indices])

    def _next_stream_batch(self, stream: Iterator) -> Any:
        """The next batch of an IterableDataset's stream (or its next item, with batch_size=None); a last,
        shorter batch unless drop_last; StopIteration at the end."""
        if self.batch_size is None:
            return self.collate_fn(next(stream))
        items = list(itertools.islice(stream, self.batch_size))
        if not items or self.drop_last and len(items) < self.batch_size:
            raise StopIteration
        return self.collate_fn(items)

    def __len__(self) -> int:
        if self._iterable:  # kept, to warn when the stream runs past it (torch's check, see _BaseDataLoaderIter)
            n = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler) if self._auto_collation else len(self.sampler)

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

import collections.abc
import itertools
import multiprocessing
import multiprocessing.context
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ...core import dtypes
from ...core.tensor import Tensor
from ...creation import as_tensor, tensor
from ...ops.shape import stack
from ...random import Generator
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, draw_seed
from .workers import map_style_batches, start_workers, stream_batches

_COLLATE_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def default_collate(batch: list | tuple) -> Any:
    """Turn a list of samples into a batch, recursing into tuples, lists and dicts.

    Tensors and numpy arrays are stacked along a new first dimension; Python floats become a
    float64 tensor, ints an int64 tensor, bools a bool tensor; strings stay as they came (a list, or
    the tuple that gathers one field of tuple samples, as in torch); a tuple or list of fields
    becomes a list with one collated batch per field, a dict a dict per key.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "USOV":  # strings and objects cannot become tensors
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, np.generic):  # a numpy scalar keeps its dtype
        return as_tensor(np.array(batch))
    if isinstance(elem, bool):
        return tensor(batch, dtype=dtypes.bool)
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple: keep the type
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(item) != len(elem) for item in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(field) for field in zip(*batch)]
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """The collate function when batch_size=None: numpy values become tensors, nothing is stacked."""
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "USOV" else as_tensor(data)
    if isinstance(data, np.generic) and data.dtype.kind not in "USOV":
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple: keep the type
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]  # a tuple becomes a list, as in torch
    return data


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


def _warn_about_many_workers(num_workers: int) -> None:
    """torch's warning when there are more workers than CPUs this process may run on."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if num_workers > cpus:
        cpuset = "" if hasattr(os, "sched_getaffinity") else " (`cpuset` is not taken into account)"
        warnings.warn(f"This DataLoader will create {num_workers} worker processes in total. Our suggested max "
                      f"number of worker in current system is {cpus}{cpuset}, which is smaller than what this "
                      "DataLoader is going to create. Please be aware that excessive worker creation might get "
                      "DataLoader running slow or even freeze, lower the worker number to avoid potential "
                      "slowness/freeze if necessary.", stacklevel=3)


def _check_stream_options(shuffle: bool | None, sampler: Any, batch_sampler: Any) -> None:
    """An IterableDataset decides its own order: torch refuses shuffle, sampler and batch_sampler."""
    if shuffle not in {False, None}:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
    if sampler is not None:
        raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
    if batch_sampler is not None:
        raise ValueError("DataLoader with IterableDataset: expected unspecified "
                         f"batch_sampler option, but got batch_sampler={batch_sampler}")


class DataLoader:
    """torch.utils.data.DataLoader: batching, shuffling, collation, and workers played in this process."""

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
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation or self._iterable and batch_size else default_convert
        self.collate_fn = collate_fn
        if num_workers > 0:  # torch warns here, and again as each epoch's workers start
            _warn_about_many_workers(num_workers)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    def __iter__(self) -> Iterator:
        if self._persistent is not None:  # torch makes persistent workers' iterator once, and resets it
            return self._worker_batches(self._persistent)
        # torch draws a base seed for worker processes when each epoch's iterator is made, even with
        # no workers; drawing it too keeps the random stream (so every later draw) in step with torch.
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
            return self._batches()
        _warn_about_many_workers(self.num_workers)
        workers = start_workers(self, base_seed)
        if self.persistent_workers:
            self._persistent = workers
        return self._worker_batches(workers)

    def _batches(self) -> Iterator:
        if self._iterable:
            stream = iter(self.dataset)
            while True:
                try:
                    batch = self._next_stream_batch(stream)
                except StopIteration:
                    return
                yield batch
        else:
            for indices in self._index_batches():
                yield self._fetch(self.dataset, indices)

    def _worker_batches(self, workers: list) -> Iterator:
        if self._iterable:
            return stream_batches(workers, self._next_stream_batch)
        return map_style_batches(workers, self._index_batches(), self._fetch)

    def _index_batches(self) -> Any:
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
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler) if self._auto_collation else len(self.sampler)

"""DataLoader's worker processes, played in this process: the same batches and the same random numbers.

With `num_workers=W`, torch starts W processes. Worker w seeds Python's `random` and torch's default
generator with `base_seed + w` and numpy with `SeedSequence([w, low 32 bits, high 32 bits, 0])` of the
same base seed (drawn from the loader's generator when the epoch's iterator is made), sets one thread,
runs `worker_init_fn(w)` on its own copy of the dataset, and then fetches the batches it is handed:
batch i goes to worker i % W, and batches come back in order.

Here each worker is a `_Worker`: its copy of the dataset and its random states, swapped in while it
fetches and swapped out before the batch reaches the caller, so the caller's random streams move only
as they do in torch's main process. The numbers are torch's: for a map-style dataset, and for an
IterableDataset (each worker iterates its own copy, so without `get_worker_info()` sharding every
item comes W times, as in torch), whose workers torch asks in turn, skipping one whose stream has
ended, as here (measured with streams of unequal lengths: tests/utils/test_data_iteration.py).
"""
from __future__ import annotations

import collections
import contextlib
import copy
import dataclasses
import itertools
import random as python_random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ... import random, threads
from ._utils.errors import ExceptionWrapper


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What `get_worker_info()` tells code running in a worker: its id, the number of workers, its seed
    and its own copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Any = None
    worker_method: str | None = "multiprocessing"


_running = threading.local()  # the WorkerInfo of the worker fetching in this thread, if any


def get_worker_info() -> WorkerInfo | None:
    """The current worker's WorkerInfo inside a DataLoader worker (its dataset, `__getitem__`, `__iter__`,
    `collate_fn`, `worker_init_fn`), None elsewhere."""
    return getattr(_running, "info", None)


def _random_states() -> tuple:
    return random.get_rng_state(), python_random.getstate(), np.random.get_state(), threads.get_num_threads()


def _set_random_states(states: tuple) -> None:
    torch_state, python_state, numpy_state, thread_count = states
    random.set_rng_state(torch_state)
    python_random.setstate(python_state)
    np.random.set_state(numpy_state)
    threads.set_num_threads(thread_count)


class _Worker:
    """One worker: its WorkerInfo, its random states between fetches, and for an IterableDataset its stream."""

    def __init__(self, loader: Any, worker_id: int, base_seed: int) -> None:
        self.info = WorkerInfo(worker_id, loader.num_workers, base_seed + worker_id, _own_copy(loader.dataset))
        self.stream: Iterator | None = None
        caller = _random_states()
        random.manual_seed(self.info.seed)
        python_random.seed(self.info.seed)
        np.random.seed(np.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]).generate_state(4))
        threads.set_num_threads(1)
        self.states = _random_states()
        _set_random_states(caller)
        self.failure: ExceptionWrapper | None = None  # a failed start, raised when the worker is first asked
        if loader.worker_init_fn is not None:
            self.failure = self.attempt(loader.worker_init_fn, worker_id)[1]

    def attempt(self, fn: Callable, *args: Any) -> tuple[Any, ExceptionWrapper | None]:
        """`fn(*args)` run as this worker: (its result, None), or (None, the error it raised, wrapped as torch
        wraps a worker's error). StopIteration, the end of a stream, passes through."""
        with self.running():
            try:
                return fn(*args), None
            except StopIteration:
                raise
            except Exception:  # noqa: BLE001 - any error of the user's code goes to the loop, as from torch's workers
                return None, ExceptionWrapper(where=f"in DataLoader worker process {self.info.id}")

    def run(self, fn: Callable, *args: Any) -> Any:
        """`fn(*args)` run as this worker; its error raised as torch re-raises a worker's ("Caught ValueError in
        DataLoader worker process 0. Original Traceback ..."). A failed start is raised instead, once, as torch's
        worker answers its first request with it."""
        failure, self.failure = self.failure, None
        if failure is None:
            result, failure = self.attempt(fn, *args)
        if failure is not None:
            failure.reraise()  # here, outside any except block: the error is raised with no context, as torch's
        return result

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Run a block as this worker: its random states and WorkerInfo in, the caller's back after."""
        caller = _random_states()
        _set_random_states(self.states)
        _running.info = self.info
        try:
            yield
        finally:
            _running.info = None
            self.states = _random_states()
            _set_random_states(caller)


def _own_copy(dataset: Any) -> Any:
    """The worker's copy of the dataset: a shallow one, so what a worker sets on it (the `start`/`end` that
    torch's sharding example sets in worker_init_fn) stays with the worker, while its tensors are shared, as
    a forked process shares them until written (a deep copy would copy the whole data for every worker).
    A dataset that cannot be copied is shared."""
    try:
        return copy.copy(dataset)
    except Exception:  # noqa: BLE001 - an object that refuses copying: share it rather than fail
        return dataset


def start_workers(loader: Any, base_seed: int) -> list[_Worker]:
    return [_Worker(loader, w, base_seed) for w in range(loader.num_workers)]


def map_style_batches(workers: list[_Worker], index_batches: Iterator, fetch: Callable[[Any, Any], Any],
                      prefetch: int) -> Iterator:
    """Batch i fetched by worker i % W (torch's round robin), yielded in order; `fetch(dataset, indices)`.

    The indices are drawn here, in the caller's random state, when torch's main process draws them:
    `prefetch` (prefetch_factor * W) batches' worth as the epoch's iterator is made, one more each
    time a batch is handed out. A sampler that draws from the global generator therefore draws at
    the same points of the caller's random stream as in torch."""
    waiting = collections.deque(itertools.islice(index_batches, prefetch))
    return _fetched_in_turn(workers, waiting, index_batches, fetch)


def _fetched_in_turn(workers: list[_Worker], waiting: collections.deque, index_batches: Iterator,
                     fetch: Callable[[Any, Any], Any]) -> Iterator:
    sent = 0
    while waiting:
        worker = workers[sent % len(workers)]
        batch = worker.run(fetch, worker.info.dataset, waiting.popleft())
        sent += 1
        waiting.extend(itertools.islice(index_batches, 1))  # torch asks for the next indices before returning
        yield batch


def stream_batches(workers: list[_Worker], next_batch: Callable[[Iterator], Any]) -> Iterator:
    """An IterableDataset: each worker's own stream, asked in turn for a batch (`next_batch(stream)`, which
    raises StopIteration at its end); an exhausted worker leaves the round."""
    for worker in workers:  # each epoch, a fresh iterator over each worker's copy, made in the worker
        worker.stream, failure = worker.attempt(iter, worker.info.dataset)
        worker.failure = worker.failure or failure  # (torch's worker fails to start when its iter() fails)
    active = list(workers)
    while active:
        for worker in list(active):
            try:
                batch = worker.run(next_batch, worker.stream)
            except StopIteration:
                active.remove(worker)
                continue
            yield batch

"""Errors from DataLoader and the samplers, against torch: an error raised in a worker (the dataset, the
collate_fn, worker_init_fn, an IterableDataset's iter()) reaches the loop as torch re-raises it, a
generator that is not a torch.Generator fails with torch's TypeError wherever it is drawn from, and the
loader's own checks as an epoch starts (prefetch_factor) and its samplers over an IterableDataset are torch's.

A worker's error is compared by its type, its heading ("Caught KeyError in DataLoader worker process 0.",
"Original Traceback ...") and its last line (the original error); the frames between are each library's own.
"""
from __future__ import annotations

import inspect

import numpy as np
from helpers import require_torch

import tinygrad_rnn


class TwoArgumentError(Exception):
    """An exception that cannot be made from one message: torch re-raises it as a RuntimeError."""

    def __init__(self, a, b):
        super().__init__(a, b)


def _outcome(call):
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - the exception's type and text are the outcome
        lines = str(e).splitlines()
        return type(e).__name__, lines[:2], lines[-1:], e.__context__ is None or e.__suppress_context__
    return repr(result)


def _worker_calls(m):
    data = m.utils.data

    class Failing(data.Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            if i == 0:
                raise KeyError("missing")  # KeyError's message is not quoted a second time
            if i == 1:
                raise TwoArgumentError(1, 2)
            raise IndexError("out of range")

    class FailsToStart(data.IterableDataset):
        def __iter__(self):
            if data.get_worker_info().id == 1:
                raise ValueError("worker 1 cannot start")
            return iter(range(3))

    def init_fails_in_worker_1(worker_id):
        if worker_id == 1:
            raise ValueError("bad init")

    def first(loader, n=None):
        """The first n batches (all with n=None); torch's workers are shut down at once: left to the garbage
        collector after an error, each takes seconds."""
        batches = iter(loader)
        try:
            return list(batches) if n is None else [next(batches) for _ in range(n)]
        finally:
            getattr(batches, "_shutdown_workers", lambda: None)()

    return {
        "KeyError in __getitem__": lambda: first(data.DataLoader(Failing(), num_workers=1, sampler=[0])),
        "error needing two arguments": lambda: first(data.DataLoader(Failing(), num_workers=1, sampler=[1])),
        "IndexError, no workers": lambda: first(data.DataLoader(Failing(), sampler=[2])),
        "worker_init_fn fails in worker 1": lambda: first(data.DataLoader(range(4), num_workers=2,
                                                                          worker_init_fn=init_fails_in_worker_1), 2),
        "worker 0's batch comes first": lambda: first(data.DataLoader(range(4), num_workers=2,
                                                                      worker_init_fn=init_fails_in_worker_1), 1),
        "iter() fails in worker 1": lambda: first(data.DataLoader(FailsToStart(), num_workers=2), 2),
        "collate_fn fails": lambda: first(data.DataLoader([1, 2], num_workers=2, collate_fn=lambda b: b[0] / (b[0] - 2))),
    }


def _generator_calls(m):
    data = m.utils.data
    return {
        "DataLoader": lambda: list(data.DataLoader(range(3), generator=5)),
        "DataLoader, shuffled": lambda: list(data.DataLoader(range(3), shuffle=True, generator=5)),
        "DataLoader, numpy's generator": lambda: list(data.DataLoader(range(3), generator=np.float64(0))),
        "RandomSampler": lambda: list(data.RandomSampler(range(3), generator=5)),
        "RandomSampler with replacement": lambda: list(data.RandomSampler(range(3), replacement=True, generator=5)),
        "SubsetRandomSampler": lambda: list(data.SubsetRandomSampler([4, 5], generator=5)),
        "random_split": lambda: data.random_split(range(3), [1, 2], generator="seed"),
        "randperm": lambda: m.randperm(3, generator=5),
    }


def _loader_calls(m):
    data = m.utils.data

    class Stream(data.IterableDataset):
        def __iter__(self):
            return iter(range(5))

    def after_init(loader, name, value):
        setattr(loader, name, value)
        return list(loader)

    def kinds(loader):
        return type(loader.sampler).__name__, type(loader.batch_sampler).__name__, loader.collate_fn.__name__

    return {
        "prefetch_factor=0 with workers": lambda: list(data.DataLoader(range(3), num_workers=1, prefetch_factor=0)),
        "workers set after init": lambda: after_init(data.DataLoader(range(2)), "num_workers", 1),
        "samplers over a stream": lambda: kinds(data.DataLoader(Stream(), batch_size=2)),
        "samplers over a stream, batch_size=None": lambda: kinds(data.DataLoader(Stream(), batch_size=None)),
        "len(iter()) over a stream": lambda: len(iter(data.DataLoader(Stream(), batch_size=2))),
        "stream batches": lambda: list(data.DataLoader(Stream(), batch_size=2, drop_last=True)),
        "WeightedRandomSampler of no weights": lambda: list(data.WeightedRandomSampler([], 2)),
        "multinomial of an empty row": lambda: m.multinomial(m.zeros(2, 0), 1, True),
        "random_split's default generator": lambda: inspect.signature(data.random_split).parameters["generator"].default
        is m.default_generator,
    }


def _differences(calls):
    torch = require_torch()
    ours, theirs = calls(tinygrad_rnn), calls(torch)
    outcomes = {name: (_outcome(ours[name]), _outcome(theirs[name])) for name in theirs}
    return {name: pair for name, pair in outcomes.items() if pair[0] != pair[1]}


def test_worker_errors_as_torch():
    assert _differences(_worker_calls) == {}


def test_generator_of_wrong_type_as_torch():
    assert _differences(_generator_calls) == {}


def test_loader_checks_and_stream_samplers_as_torch():
    assert _differences(_loader_calls) == {}

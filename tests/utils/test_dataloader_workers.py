"""DataLoader with num_workers > 0 (utils/data/workers.py) against torch's real worker processes: the same
batches in the same order, the same random numbers inside each worker (torch's, Python's and numpy's
streams, seeded as torch seeds them), the same `get_worker_info()`, and the caller's random streams
left where torch's main process leaves them."""
from __future__ import annotations

import math
import os
import random
import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn


def _datasets(m):
    data = m.utils.data

    class Augmented(data.Dataset):
        """Each item draws from all three random streams, and says which worker made it."""

        def __len__(self):
            return 10

        def __getitem__(self, i):
            info = data.get_worker_info()
            return (m.tensor([float(i)]) + m.rand(1), random.random(), float(np.random.rand()),
                    -1 if info is None else info.id)

    class Shards(data.IterableDataset):
        """torch's documented sharding: each worker takes its slice of range(start, end)."""

        def __init__(self, start, end):
            self.start, self.end = start, end

        def __iter__(self):
            info = data.get_worker_info()
            lo, hi = self.start, self.end
            if info is not None:
                per = int(math.ceil((self.end - self.start) / info.num_workers))
                lo = self.start + info.id * per
                hi = min(lo + per, self.end)
            return iter(range(lo, hi))

    class Replayed(data.IterableDataset):
        """No sharding: every worker yields its own copy of the stream."""

        def __iter__(self):
            return iter([m.rand(1).item() for _ in range(3)])

    def shard_in_worker_init(worker_id):
        """torch's documented worker_init_fn: each worker narrows its own copy's range."""
        info = data.get_worker_info()
        dataset = info.dataset
        per = int(math.ceil((dataset.end - dataset.start) / info.num_workers))
        dataset.start = dataset.start + worker_id * per
        dataset.end = min(dataset.start + per, dataset.end)

    class Range(data.IterableDataset):
        def __init__(self, start, end):
            self.start, self.end = start, end

        def __iter__(self):
            return iter(range(self.start, self.end))

    return Augmented, Shards, Replayed, Range, shard_in_worker_init


def _plain(batch):
    if isinstance(batch, (list, tuple)):
        return [_plain(b) for b in batch]
    return batch.tolist() if hasattr(batch, "tolist") else batch


CASES = {
    "shuffled, one worker": lambda m, d: m.utils.data.DataLoader(d[0](), batch_size=3, shuffle=True, num_workers=1),
    "shuffled, two workers": lambda m, d: m.utils.data.DataLoader(d[0](), batch_size=3, shuffle=True, num_workers=2),
    "no batching, two workers": lambda m, d: m.utils.data.DataLoader(d[0](), batch_size=None, num_workers=2),
    "drop_last, two epochs": lambda m, d: m.utils.data.DataLoader(d[0](), batch_size=4, num_workers=2, drop_last=True),
    "persistent workers, two epochs": lambda m, d: m.utils.data.DataLoader(d[0](), batch_size=4, num_workers=2,
                                                                         persistent_workers=True, shuffle=True),
    "sharded stream": lambda m, d: m.utils.data.DataLoader(d[1](3, 12), batch_size=2, num_workers=2),
    "replayed stream": lambda m, d: m.utils.data.DataLoader(d[2](), batch_size=2, num_workers=2),
    "sharded in worker_init_fn": lambda m, d: m.utils.data.DataLoader(d[3](3, 7), num_workers=2, worker_init_fn=d[4]),
    "more workers than items": lambda m, d: m.utils.data.DataLoader(d[3](3, 7), num_workers=6, worker_init_fn=d[4]),
}


def _run(m, case):
    m.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    loader = CASES[case](m, _datasets(m))
    epochs = [[_plain(b) for b in loader] for _ in range(2)]
    return epochs, (m.rand(1).item(), random.random(), float(np.random.rand()))


@pytest.mark.parametrize("case", list(CASES))
def test_worker_batches_and_random_streams_are_torchs(case):
    torch = require_torch()
    assert _run(tinygrad_rnn, case) == _run(torch, case)


def test_more_workers_than_cpus_warns_as_torch():
    torch = require_torch()
    one_too_many = len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else os.cpu_count() + 1
    texts = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loader = m.utils.data.DataLoader(m.utils.data.TensorDataset(m.ones(4)), num_workers=one_too_many)
            next(iter(loader))
        texts.append([str(w.message) for w in caught])
    assert texts[0] == texts[1] and len(texts[0]) == 2


def test_worker_info_is_none_outside_workers():
    assert tinygrad_rnn.utils.data.get_worker_info() is None


@pytest.mark.parametrize("options", [dict(multiprocessing_context="nope"), dict(multiprocessing_context=3),
                                     dict(num_workers=0, multiprocessing_context="fork"), dict(prefetch_factor=-1),
                                     dict(timeout=-1)])
def test_worker_options_are_checked_as_torch(options):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        kwargs = {"num_workers": 2, **options}
        with pytest.raises(Exception) as caught:
            m.utils.data.DataLoader(m.utils.data.TensorDataset(m.ones(4)), **kwargs)
        outcomes.append((caught.type, str(caught.value)))
    assert outcomes[0] == outcomes[1]


def test_prefetch_factor_defaults_to_two_with_workers():
    loader = tinygrad_rnn.utils.data.DataLoader(tinygrad_rnn.utils.data.TensorDataset(tinygrad_rnn.ones(4)),
                                                num_workers=2, timeout=5, multiprocessing_context="fork")
    assert loader.prefetch_factor == 2 and len(list(loader)) == 4

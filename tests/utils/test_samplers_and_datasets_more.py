"""WeightedRandomSampler, ChainDataset, StackDataset and a dataset's own __getitems__, against torch."""
from __future__ import annotations

import pytest
from helpers import require_torch

import tinygrad_rnn


def _outcome(call):
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - the exception's type and text are the outcome
        return type(e).__name__, str(e)
    return repr(result)


def _calls(m):
    data = m.utils.data

    class Stream(data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    class Batched(data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return i

        def __getitems__(self, indices):
            return [i * 10 for i in indices]

    def weighted(*args, **kwargs):
        m.manual_seed(0)
        sampler = data.WeightedRandomSampler(*args, **kwargs)
        return list(sampler), list(sampler), len(sampler)

    return {
        "weighted with replacement": lambda: weighted([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5),
        "weighted without replacement": lambda: weighted([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, replacement=False),
        "weighted from a generator": lambda: weighted(m.tensor([1.0, 2.0, 3.0]), 4,
                                                      generator=m.Generator().manual_seed(3)),
        "weighted, no samples": lambda: weighted([1.0, 2.0], 0),
        "weighted, replacement not a bool": lambda: weighted([1.0, 2.0], 2, replacement=1),
        "weighted, 2-d weights": lambda: weighted([[1.0, 2.0]], 2),
        "weighted, more than there are": lambda: weighted([1.0, 2.0], 3, replacement=False),
        "chain": lambda: (list(data.ChainDataset([Stream(2), Stream(3)])), len(data.ChainDataset([Stream(2)]))),
        "stream + stream": lambda: (list(Stream(1) + Stream(2)), type(Stream(1) + Stream(2)).__name__),
        "chain of a list": lambda: list(data.ChainDataset([Stream(1), [1, 2]])),
        "stack as tuple": lambda: (data.StackDataset(data.TensorDataset(m.arange(3)), [10, 11, 12])[1],
                                   len(data.StackDataset([1, 2]))),
        "stack as dict": lambda: data.StackDataset(a=[1, 2], b=[3, 4])[0],
        "stack both kinds": lambda: data.StackDataset([1], b=[2]),
        "stack nothing": lambda: data.StackDataset(),
        "stack of two lengths": lambda: data.StackDataset([1], [1, 2]),
        "stack in a loader": lambda: list(data.DataLoader(data.StackDataset(a=[1, 2, 3], b=[4.0, 5.0, 6.0]),
                                                          batch_size=2)),
        "__getitems__ in a loader": lambda: list(data.DataLoader(Batched(), batch_size=2)),
    }


@pytest.mark.parametrize("name", list(_calls(tinygrad_rnn)))
def test_as_torch(name):
    torch = require_torch()
    assert _outcome(_calls(tinygrad_rnn)[name]) == _outcome(_calls(torch)[name])

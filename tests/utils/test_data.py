"""utils.data against torch: collation, batching, shuffling with a generator, random_split, errors.

Our random streams are torch's, and the loader draws from them exactly when torch's does, so
shuffled orders and random_split indices are compared with torch's directly; we also test what a
user relies on: each epoch is a permutation, and a seeded generator (or `manual_seed`) repeats it.
"""
from __future__ import annotations

import collections
import re
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import arrays
from tinygrad_rnn.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    random_split,
)

Pair = collections.namedtuple("Pair", ["x", "y"])


def _plain(batch: object) -> object:
    """A batch as nested Python values with dtype names, comparable across frameworks."""
    if hasattr(batch, "detach"):
        return ("tensor", str(batch.dtype), batch.tolist())
    if isinstance(batch, dict):
        return {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [_plain(b) for b in batch])
    return batch


SAMPLES = {
    "tensors": lambda m: [m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0]), m.tensor([5.0, 6.0])],
    "tuples of tensors": lambda m: [(m.tensor([float(i)]), m.tensor(i)) for i in range(5)],
    "lists of numbers": lambda m: [[1, 2.0], [3, 4.0], [5, 6.5]],
    "floats": lambda m: [1.5, 2.5, 3.0],
    "ints": lambda m: [1, 2, 3],
    "bools": lambda m: [True, False, True],
    "strings": lambda m: ["ab", "cd", "ef"],
    "numpy float32 arrays": lambda m: [np.full(2, i, np.float32) for i in range(3)],
    "numpy float64 arrays": lambda m: [np.full((2, 2), i, np.float64) for i in range(3)],
    "numpy int arrays": lambda m: [np.arange(3) + i for i in range(3)],
    "numpy scalars": lambda m: [np.float32(1.5), np.float32(2.5), np.float32(0.5)],
    "numpy int scalars": lambda m: [np.int64(1), np.int64(2), np.int64(3)],
    "dicts": lambda m: [{"a": i, "b": np.ones(2) * i, "c": f"s{i}"} for i in range(3)],
    "namedtuples": lambda m: [Pair(m.tensor([1.0 * i]), i) for i in range(3)],
    "nested": lambda m: [(m.tensor([1.0 * i]), {"k": [i, 2 * i]}) for i in range(4)],
}


@pytest.mark.parametrize("batch_size", [2, None])
@pytest.mark.parametrize("name", list(SAMPLES))
def test_default_collation_matches_torch(name: str, batch_size: int | None) -> None:
    torch = require_torch()
    ours = [_plain(b) for b in DataLoader(SAMPLES[name](tinygrad_rnn), batch_size=batch_size)]
    theirs = [_plain(b) for b in torch.utils.data.DataLoader(SAMPLES[name](torch), batch_size=batch_size)]
    assert ours == theirs


@settings(max_examples=20)
@given(st.integers(1, 12), st.integers(1, 5), st.booleans())
def test_batches_cover_the_dataset_in_order(n: int, batch_size: int, drop_last: bool) -> None:
    torch = require_torch()
    data = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    ours = DataLoader(TensorDataset(tinygrad_rnn.tensor(data)), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(data)), batch_size=batch_size,
                                         drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [_plain(b) for b in ours] == [_plain(b) for b in theirs]


@given(arrays(shape=st.tuples(st.integers(2, 9), st.integers(1, 3))), st.integers(1, 4))
@settings(max_examples=15)
def test_shuffle_with_generator_is_a_reproducible_permutation(data: np.ndarray, batch_size: int) -> None:
    x = tinygrad_rnn.tensor(data)
    index = tinygrad_rnn.arange(len(data))

    def epochs(seed: int, count: int) -> list:
        loader = DataLoader(TensorDataset(x, index), batch_size=batch_size, shuffle=True,
                            generator=tinygrad_rnn.Generator().manual_seed(seed))
        out = []
        for _ in range(count):
            order = []
            for xb, ib in loader:
                assert xb.shape[0] == ib.shape[0] <= batch_size
                np.testing.assert_array_equal(xb.numpy(), data[ib.numpy()])  # rows stay with their index
                order += ib.tolist()
            out.append(order)
        return out

    first, again = epochs(7, 3), epochs(7, 3)
    assert first == again
    for order in first:
        assert sorted(order) == list(range(len(data)))


def test_successive_epochs_differ_and_manual_seed_fixes_the_global_shuffle() -> None:
    dataset = list(range(20))

    def two_epochs() -> list:
        loader = DataLoader(dataset, batch_size=5, shuffle=True)
        return [sum((b.tolist() for b in loader), []) for _ in range(2)]

    tinygrad_rnn.manual_seed(3)
    a = two_epochs()
    tinygrad_rnn.manual_seed(3)
    b = two_epochs()
    assert a == b and a[0] != a[1] and sorted(a[0]) == dataset


def test_loader_attributes_match_torch() -> None:
    torch = require_torch()

    def attrs(m: object, **kw: object) -> tuple:
        loader = m.utils.data.DataLoader(list(range(7)), **kw)
        return (loader.batch_size, loader.drop_last, type(loader.sampler).__name__,
                type(loader.batch_sampler).__name__, len(loader))

    for kw in ({}, {"batch_size": 3, "shuffle": True}, {"batch_size": 3, "drop_last": True}, {"batch_size": None},
               {"batch_sampler": torch.utils.data.BatchSampler(range(7), 2, False)}):
        ours_kw = dict(kw)
        if "batch_sampler" in kw:
            ours_kw["batch_sampler"] = BatchSampler(range(7), 2, False)
        assert attrs(tinygrad_rnn, **ours_kw) == attrs(torch, **kw)


def test_sampler_and_batch_sampler_arguments() -> None:
    data = [np.array([i], np.float64) for i in range(6)]
    loader = DataLoader(data, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert [b.flatten().tolist() for b in loader] == [[5.0, 4.0], [3.0, 2.0], [1.0, 0.0]]
    loader = DataLoader(data, batch_sampler=[[0, 5], [1], [2, 3, 4]])
    assert [b.flatten().tolist() for b in loader] == [[0.0, 5.0], [1.0], [2.0, 3.0, 4.0]]
    sampler = SubsetRandomSampler([1, 3, 5], generator=tinygrad_rnn.Generator().manual_seed(0))
    assert sorted(sampler) == [1, 3, 5] and len(sampler) == 3
    assert list(BatchSampler(SequentialSampler(range(5)), 2, drop_last=True)) == [[0, 1], [2, 3]]
    draws = list(RandomSampler(range(4), replacement=True, num_samples=9, generator=tinygrad_rnn.Generator().manual_seed(1)))
    assert len(draws) == 9 and set(draws) <= {0, 1, 2, 3}
    counts = collections.Counter(RandomSampler(range(4), num_samples=6))  # one permutation, then 2 more
    assert sorted(counts) == [0, 1, 2, 3] and sum(counts.values()) == 6 and max(counts.values()) == 2


def test_custom_collate_fn() -> None:  # num_workers and pin_memory: tests/utils/test_ignored_arguments_data.py
    loader = DataLoader([1, 2, 3, 4], batch_size=2, collate_fn=lambda b: sum(b))
    assert list(loader) == [3, 7]


def test_iterable_dataset_is_batched_from_its_stream() -> None:
    class Stream(IterableDataset):
        def __iter__(self) -> object:
            return iter(np.arange(7.0))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0]]
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=True)] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_datasets_index_like_torch() -> None:
    torch = require_torch()
    x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    for m in (tinygrad_rnn, torch):
        ds = m.utils.data.TensorDataset(m.tensor(x), m.tensor(y))
        assert len(ds) == 5 and ds[-1][1].item() == 4 and ds[1][0].tolist() == [2.0, 3.0]
        sub = m.utils.data.Subset(ds, [4, 0, 2])
        assert len(sub) == 3 and sub[0][1].item() == 4 and sub[[1, 2]][1].tolist() == [0, 2]
        both = ds + ds
        assert len(both) == 10 and both[7][1].item() == 2 and both[-1][1].item() == 4
    assert isinstance(ds + ds, torch.utils.data.ConcatDataset)
    assert isinstance(TensorDataset(tinygrad_rnn.tensor(x)) + TensorDataset(tinygrad_rnn.tensor(x)), ConcatDataset)


@settings(max_examples=40)
@given(st.integers(0, 40), st.lists(st.integers(1, 20), min_size=1, max_size=4))
def test_random_split_fraction_rounding_matches_torch(n: int, weights: list) -> None:
    torch = require_torch()
    fractions = [w / sum(weights) for w in weights]
    if not (abs(sum(fractions) - 1) < 1e-9 and sum(fractions) <= 1):
        fractions[-1] = 1 - sum(fractions[:-1])
    with warnings.catch_warnings(record=True) as ours_w:
        warnings.simplefilter("always")
        try:
            ours = [len(s) for s in random_split(range(n), fractions)]
        except ValueError as e:
            ours = str(e)
    with warnings.catch_warnings(record=True) as theirs_w:
        warnings.simplefilter("always")
        try:
            theirs = [len(s) for s in torch.utils.data.random_split(range(n), fractions)]
        except ValueError as e:
            theirs = str(e)
    assert ours == theirs
    assert [str(w.message) for w in ours_w] == [str(w.message) for w in theirs_w]


def test_random_split_is_a_seeded_partition() -> None:
    def split(seed: int) -> list:
        return [s.indices for s in random_split(range(10), [3, 7], generator=tinygrad_rnn.Generator().manual_seed(seed))]

    a, b = split(0), split(0)
    assert a == b and sorted(a[0] + a[1]) == list(range(10)) and [len(s) for s in a] == [3, 7]
    assert split(0) != split(1)
    train, test = random_split(list("abcdefghij"), [0.8, 0.2])
    assert len(train) == 8 and len(test) == 2 and sorted(list(train) + list(test)) == list("abcdefghij")


class _Unsized(Dataset):
    pass


def _ds(m: object) -> object:
    return m.utils.data.TensorDataset(m.arange(10.0).view(5, 2), m.arange(5))


def _first(loader: object) -> object:
    return next(iter(loader))


ERRORS = {
    "tensor size mismatch": lambda m: m.utils.data.TensorDataset(m.zeros(3), m.zeros(4)),
    "batch_size 0": lambda m: m.utils.data.DataLoader(_ds(m), batch_size=0),
    "batch_size -1": lambda m: m.utils.data.DataLoader(_ds(m), batch_size=-1),
    "batch_size float": lambda m: m.utils.data.DataLoader(_ds(m), batch_size=1.5),
    "sampler and shuffle": lambda m: m.utils.data.DataLoader(_ds(m), shuffle=True, sampler=[0, 1]),
    "batch_sampler and batch_size": lambda m: m.utils.data.DataLoader(_ds(m), batch_size=2, batch_sampler=[[0]]),
    "batch_sampler and shuffle": lambda m: m.utils.data.DataLoader(_ds(m), shuffle=True, batch_sampler=[[0]]),
    "batch_sampler and drop_last": lambda m: m.utils.data.DataLoader(_ds(m), drop_last=True, batch_sampler=[[0]]),
    "batch_size None and drop_last": lambda m: m.utils.data.DataLoader(_ds(m), batch_size=None, drop_last=True),
    "negative num_workers": lambda m: m.utils.data.DataLoader(_ds(m), num_workers=-1),
    "BatchSampler size": lambda m: m.utils.data.BatchSampler(range(3), 0, False),
    "BatchSampler drop_last": lambda m: m.utils.data.BatchSampler(range(3), 2, 1),
    "RandomSampler num_samples": lambda m: m.utils.data.RandomSampler(range(3), num_samples=0),
    "RandomSampler replacement": lambda m: m.utils.data.RandomSampler(range(3), replacement=1),
    "collate None": lambda m: _first(m.utils.data.DataLoader([None, None], batch_size=2)),
    "collate object": lambda m: _first(m.utils.data.DataLoader([object(), object()], batch_size=2)),
    "collate string arrays": lambda m: _first(m.utils.data.DataLoader([np.array(["a"]), np.array(["b"])], batch_size=2)),
    "collate unequal tensors": lambda m: _first(m.utils.data.DataLoader([m.zeros(3), m.zeros(2)], batch_size=2)),
    "collate unequal lists": lambda m: _first(m.utils.data.DataLoader([[1, 2], [3]], batch_size=2)),
    "split lengths": lambda m: m.utils.data.random_split(range(10), [3, 3]),
    "split fractions": lambda m: m.utils.data.random_split(range(10), [0.5, 0.6]),
    "split negative fraction": lambda m: m.utils.data.random_split(range(10), [1.5, -0.5]),
    "Dataset getitem": lambda m: m.utils.data.Dataset()[0],
    "Dataset len": lambda m: len(m.utils.data.Dataset()),
    "TensorDataset out of range": lambda m: _ds(m)[5],
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])


def test_subset_of_range_with_list_index_errors_like_torch() -> None:
    check_error(lambda m: m.utils.data.Subset(range(10), [1, 3, 5])[[0, 2]])
    assert Subset(list(range(10)), [1, 3])[1] == 3


def _shuffled_epochs(m: object, use_generator: bool, **kw: object) -> list:
    """Three epochs of a shuffled loader, then one global draw (to check the stream stayed in step)."""
    m.manual_seed(11)
    generator = m.Generator().manual_seed(5) if use_generator else None
    loader = m.utils.data.DataLoader(list(range(13)), batch_size=4, shuffle=True, generator=generator, **kw)
    epochs = [[b.tolist() for b in loader] for _ in range(3)]
    return epochs + [m.randn(3).tolist()]


@pytest.mark.parametrize("use_generator", [True, False])
def test_shuffled_order_is_torchs(use_generator: bool) -> None:
    torch = require_torch()
    assert _shuffled_epochs(tinygrad_rnn, use_generator) == _shuffled_epochs(torch, use_generator)
    assert _shuffled_epochs(tinygrad_rnn, use_generator, drop_last=True) == _shuffled_epochs(torch, use_generator, drop_last=True)


@pytest.mark.parametrize("replacement,num_samples", [(True, 70), (False, 30), (False, None)])
def test_random_sampler_draws_are_torchs(replacement: bool, num_samples: int | None) -> None:
    torch = require_torch()
    orders = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(2)
        sampler = m.utils.data.RandomSampler(range(9), replacement=replacement, num_samples=num_samples)
        subset = m.utils.data.SubsetRandomSampler([10, 20, 30, 40], generator=m.Generator().manual_seed(1))
        orders.append([list(sampler), list(sampler), list(subset)])
    assert orders[0] == orders[1]


@settings(max_examples=10)
@given(st.integers(1, 30), st.integers(0, 2**32))
def test_random_split_indices_are_torchs(n: int, seed: int) -> None:
    torch = require_torch()
    lengths = [n // 3, n - n // 3]
    ours = [s.indices for s in random_split(range(n), lengths, generator=tinygrad_rnn.Generator().manual_seed(seed))]
    theirs = [s.indices for s in torch.utils.data.random_split(range(n), lengths, generator=torch.Generator().manual_seed(seed))]
    assert ours == theirs


def test_strings_in_tuple_samples_collate_into_a_tuple_as_torch() -> None:
    """(label, text) samples: torch's batch holds the texts in the tuple zip(*batch) gave, not a list."""
    torch = require_torch()
    samples = [(1, "a cat"), (0, "a dog"), (1, "a rat")]
    batches = [repr([list(b) for b in m.utils.data.DataLoader(samples, batch_size=2)])
               + repr(m.utils.data.default_collate([{"text": "x"}, {"text": "y"}]))
               for m in (tinygrad_rnn, torch)]
    assert batches[0] == batches[1]


def test_printing_a_loader_dataset_sampler_or_iterator_shows_torchs_class_path():
    """Beginners' code prints its DataLoader (`print(train_loader)`); torch shows the default repr with
    its own class path. A user's Dataset subclass keeps its module."""
    torch = require_torch()

    def printed(m):
        class Toy(m.utils.data.Dataset):
            def __getitem__(self, i):
                return i

            def __len__(self):
                return 3

        data = m.utils.data
        dataset = data.TensorDataset(m.arange(4.0))
        loader = data.DataLoader(dataset, batch_size=2, shuffle=True)
        objects = [dataset, loader, iter(loader), loader.sampler, loader.batch_sampler,
                   data.random_split(dataset, [3, 1])[0], dataset + dataset, data.SequentialSampler(dataset),
                   data.DataLoader(Toy(), num_workers=2).__iter__()]
        return [re.sub(r"0x[0-9a-f]+", "0x?", str(o)) for o in objects] + [repr(Toy()).split(" at ")[0].split(".")[-1]]

    assert printed(tinygrad_rnn) == printed(torch)

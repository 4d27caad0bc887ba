"""What iterating a DataLoader gives and when it draws random numbers, against torch: the iterator object
(`len`, `next`), the points of the caller's random stream where the sampler, the base seed and the
dataset's stream are drawn (with and without workers), the containers default_collate keeps, the
attributes torch refuses to change, Subset's batched fetch, and the Generator a loader is handed."""
from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _outcome(call):
    """What a call gives: its value's repr, or its exception's type and text."""
    try:
        return repr(call())
    except Exception as e:  # noqa: BLE001 - the exception's type and text are the outcome
        return type(e).__name__, str(e)


def _same_on_both(make_call):
    torch = require_torch()
    assert _outcome(lambda: make_call(tinygrad_rnn)) == _outcome(lambda: make_call(torch))


# ------------------------------------------------------------------ the iterator
ITERATORS = {
    "type of iter(loader)": lambda m: type(iter(m.utils.data.DataLoader(range(5), batch_size=2))).__name__,
    "type with workers": lambda m: type(iter(m.utils.data.DataLoader(range(5), batch_size=2, num_workers=1))).__name__,
    "len(iter(loader))": lambda m: len(iter(m.utils.data.DataLoader(range(5), batch_size=2))),
    "len, drop_last": lambda m: len(iter(m.utils.data.DataLoader(range(5), batch_size=2, drop_last=True))),
    "len, no batching": lambda m: len(iter(m.utils.data.DataLoader(range(5), batch_size=None))),
    "iter(it) is it": lambda m: (lambda it: iter(it) is it)(iter(m.utils.data.DataLoader(range(3)))),
    "next, next, list": lambda m: (lambda it: (next(it).tolist(), next(it).tolist(), [b.tolist() for b in it]))(
        iter(m.utils.data.DataLoader(range(5), batch_size=2))),
    "exhausted": lambda m: (lambda it: (list(it), next(it)))(iter(m.utils.data.DataLoader(range(2)))),
    "len of a stream's iterator": lambda m: len(iter(m.utils.data.DataLoader(_stream(m, 4), batch_size=2))),
}


@pytest.mark.parametrize("name", list(ITERATORS))
def test_iterator_is_torchs(name):
    _same_on_both(ITERATORS[name])


def _plain(batch):
    return batch.tolist() if hasattr(batch, "tolist") else batch


def _stream(m, n, length=None):
    class Stream(m.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            if length is None:
                raise TypeError("no length")
            return length

        def __repr__(self):  # torch's warning names the dataset; no address, so the texts compare
            return "Stream"
    return Stream()


@pytest.mark.parametrize("batch_size,num_workers", [(1, 0), (2, 0), (None, 0), (1, 1)])
def test_a_stream_longer_than_its_reported_length_warns_as_torch(batch_size, num_workers):
    """torch warns for each batch past len(dataset) once len(loader) was asked (counting batches
    against items, as torch does); never when len(loader) was not asked."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            unasked = [_plain(b) for b in m.utils.data.DataLoader(_stream(m, 5, 3), batch_size=batch_size)]
            loader = m.utils.data.DataLoader(_stream(m, 5, 3), batch_size=batch_size, num_workers=num_workers)
            asked = (len(loader), [_plain(b) for b in loader])
        seen.append((unasked, asked, [str(w.message) for w in caught if "IterableDataset" in str(w.message)]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("name", ["batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"])
def test_fixed_attributes_cannot_be_set_after_init(name):
    def set_it(m):
        loader = m.utils.data.DataLoader(range(4))
        setattr(loader, name, None)
    check_error(set_it)


def test_other_attributes_can_be_set_after_init():
    _same_on_both(lambda m: (lambda dl: (setattr(dl, "num_workers", 0), setattr(dl, "collate_fn", list),
                                         dl.num_workers, [b for b in dl]))(m.utils.data.DataLoader(range(3))))


# ------------------------------------------------------------------ when the random numbers are drawn
def _draws_around_iter(m, num_workers, **loader_kwargs):
    """The batches, and a global draw made between iter(loader) and the first batch: it shows at which
    point of the stream the loader drew its seed, its sampler's numbers and its stream's."""
    m.manual_seed(0)
    batching = {} if "batch_sampler" in loader_kwargs else {"batch_size": 3}
    loader = m.utils.data.DataLoader(range(10), num_workers=num_workers, **batching, **loader_kwargs)
    it = iter(loader)
    between = m.rand(1).item()
    return [b.tolist() for b in it], between, m.rand(1).item()


SAMPLERS = {
    "shuffle": lambda m: {"shuffle": True},
    "subset random": lambda m: {"sampler": m.utils.data.SubsetRandomSampler(range(10))},
    "weighted": lambda m: {"sampler": m.utils.data.WeightedRandomSampler([1.0] * 10, 10)},
    "prefetch 1": lambda m: {"shuffle": True, "prefetch_factor": 1},
    "batch sampler drawing in __iter__": lambda m: {"batch_sampler": _EagerBatches(m)},
}


class _EagerBatches:
    """A batch sampler whose __iter__ draws at once (not a generator): torch calls it before the base seed."""

    def __init__(self, m):
        self.m = m

    def __iter__(self):
        order = self.m.randperm(10).tolist()
        return iter([order[:4], order[4:8], order[8:]])

    def __len__(self):
        return 3


@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_samplers_draw_where_torchs_do(name, num_workers):
    """With workers, torch's main process takes prefetch_factor * num_workers batches of indices from the
    sampler as the iterator is made, and one more as each batch is handed out; it asks the sampler for
    an iterator twice (a sampler drawing in __iter__ draws twice, around the base seed)."""
    torch = require_torch()
    if num_workers == 0 and name == "prefetch 1":
        return  # prefetch_factor needs workers (tested in test_ignored_arguments_data.py)
    ours, theirs = (_draws_around_iter(m, num_workers, **SAMPLERS[name](m)) for m in (tinygrad_rnn, torch))
    assert ours == theirs


@pytest.mark.parametrize("num_workers", [0, 2])
def test_sampler_draws_interleave_with_the_loop_as_torchs(num_workers):
    """A draw in the training loop (dropout) after each batch meets the sampler's draws where torch's does."""
    torch = require_torch()
    runs = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        sampler = m.utils.data.RandomSampler(range(10), replacement=True, num_samples=70)
        loader = m.utils.data.DataLoader(range(10), batch_size=20, sampler=sampler, num_workers=num_workers)
        runs.append([(b.tolist(), round(m.rand(1).item(), 6)) for b in loader] + [m.rand(1).item()])
    assert runs[0] == runs[1]


def test_a_stream_is_made_when_the_iterator_is():
    """Without workers, torch calls iter(dataset) as iter(loader) is made, after drawing the base seed."""
    torch = require_torch()

    def run(m):
        class Drawing(m.utils.data.IterableDataset):
            def __iter__(self):
                return iter(m.randint(0, 100, (5,)).tolist())
        m.manual_seed(0)
        it = iter(m.utils.data.DataLoader(Drawing(), batch_size=2))
        between = m.rand(1).item()
        return [b.tolist() for b in it], between
    assert run(tinygrad_rnn) == run(torch)


# ------------------------------------------------------------------ containers default_collate keeps
class _ListKind(list):
    pass


CONTAINERS = {
    "OrderedDict": lambda: [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
    "defaultdict": lambda: [collections.defaultdict(int, a=1), collections.defaultdict(int, a=2)],
    "deque": lambda: [collections.deque([1, 2]), collections.deque([3, 4])],
    "list subclass": lambda: [_ListKind([1.0, 2]), _ListKind([3.0, 4])],
    "range": lambda: [range(2), range(2)],
    "tuple": lambda: [(1, "a"), (2, "b")],
    "numpy str_": lambda: [np.str_("a"), np.str_("b")],
}


@pytest.mark.parametrize("name", list(CONTAINERS))
def test_default_collate_keeps_torchs_container_types(name):
    _same_on_both(lambda m: (lambda b: (type(b).__name__, b))(m.utils.data.default_collate(CONTAINERS[name]())))


@pytest.mark.parametrize("name", list(CONTAINERS))
def test_default_convert_keeps_torchs_container_types(name):
    _same_on_both(lambda m: (lambda b: (type(b).__name__, b))(m.utils.data.default_convert(CONTAINERS[name]()[0])))


# ------------------------------------------------------------------ Subset's batched fetch
def test_subset_fetches_a_batch_as_torchs():
    def run(m):
        class Batched(m.utils.data.Dataset):
            def __len__(self):
                return 6

            def __getitem__(self, i):
                return i

            def __getitems__(self, indices):  # the loader's batched fetch: used through the Subset too
                return [i * 10 for i in indices]
        subset = m.utils.data.Subset(Batched(), [5, 3, 1])
        plain = m.utils.data.Subset(list(range(100, 106)), [5, 3, 1])
        return (subset.__getitems__([0, 2]), plain.__getitems__([2, 1]), subset[0],
                [b.tolist() for b in m.utils.data.DataLoader(subset, batch_size=2)])
    _same_on_both(run)


# ------------------------------------------------------------------ the generator a loader is handed
@pytest.mark.parametrize("device", ["cpu", "cpu:0", None, "cuda", "mps", "meta", "nowhere"])
def test_generator_device_is_torchs(device):
    _same_on_both(lambda m: m.Generator(device).device)
    _same_on_both(lambda m: m.Generator(device=m.device("cpu")).device)


@pytest.mark.parametrize("name", ["shuffle", "weighted", "batch sampler drawing in __iter__"])
def test_persistent_workers_draw_where_torchs_do_every_epoch(name):
    """Persistent workers: the first epoch as above; later ones reuse the iterator (no base seed drawn,
    the sampler asked once)."""
    torch = require_torch()
    runs = []
    for m in (tinygrad_rnn, torch):
        kwargs = SAMPLERS[name](m)
        batching = {} if "batch_sampler" in kwargs else {"batch_size": 4}
        m.manual_seed(0)
        loader = m.utils.data.DataLoader(range(10), num_workers=2, persistent_workers=True, **batching, **kwargs)
        epochs = []
        for _ in range(3):
            it = iter(loader)
            epochs.append((m.rand(1).item(), [b.tolist() for b in it]))
        runs.append(epochs + [m.rand(1).item()])
    assert runs[0] == runs[1]


# ------------------------------------------------------------------ typed code
GENERIC_NAMES = ["Dataset", "IterableDataset", "Subset", "ConcatDataset", "ChainDataset", "StackDataset", "TensorDataset",
                 "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
                 "BatchSampler", "DataLoader"]


@pytest.mark.parametrize("name", GENERIC_NAMES)
def test_classes_are_subscriptable_where_torchs_are(name):
    """Typed code writes `class Pairs(Dataset[tuple[Tensor, int]])`, `class Buckets(Sampler[list[int]])`."""
    def subscriptable(m):
        try:
            getattr(m.utils.data, name)[int]
        except TypeError:  # "<class '...RandomSampler'> is not a generic class": the module path differs
            return False
        return True
    torch = require_torch()
    assert subscriptable(tinygrad_rnn) == subscriptable(torch)


def test_typed_subclasses_work_and_an_iterable_dataset_needs_iter():
    def run(m):
        class Buckets(m.utils.data.Sampler[list]):
            def __iter__(self):
                return iter([[2, 0], [1]])

            def __len__(self):
                return 2

        class Squares(m.utils.data.Dataset[int]):
            def __getitem__(self, i):
                return i * i

            def __len__(self):
                return 3
        return [b.tolist() for b in m.utils.data.DataLoader(Squares(), batch_sampler=Buckets())]
    _same_on_both(run)
    _same_on_both(lambda m: m.utils.data.IterableDataset())
    _same_on_both(lambda m: type("NoIter", (m.utils.data.IterableDataset,), {})())


# ------------------------------------------------------------------ the collate table
class _Box:
    """A custom sample type, collated by a function registered for it."""

    def __init__(self, value):
        self.value = value


def _collate_boxes(batch, *, collate_fn_map=None):
    return ("boxes", [b.value for b in batch])


def test_collate_with_a_table_of_its_own_as_torch():
    def run(m):
        c = m.utils.data._utils.collate
        only_tensors = {m.Tensor: c.collate_tensor_fn}
        mine = {**c.default_collate_fn_map, _Box: _collate_boxes}
        return (c.collate([{"x": m.ones(2), "y": [m.zeros(1)]}] * 2, collate_fn_map=only_tensors),
                c.collate([(_Box(1), 2.5), (_Box(2), 3.5)], collate_fn_map=mine),
                _outcome(lambda: c.collate([1, 2], collate_fn_map=only_tensors)),
                _outcome(lambda: c.collate([1, 2])),
                c.default_collate_err_msg_format, bool(c.np_str_obj_array_pattern.search("<U3")))
    _same_on_both(run)


def test_default_collate_uses_types_registered_in_its_table():
    """torch's documented way to teach default_collate a type: add it to default_collate_fn_map."""
    def run(m):
        table = m.utils.data._utils.collate.default_collate_fn_map
        table[_Box] = _collate_boxes
        try:
            return [m.utils.data.default_collate([{"box": _Box(i), "n": i} for i in range(3)]),
                    [b for b in m.utils.data.DataLoader([_Box(4), _Box(5)], batch_size=2)]]
        finally:
            del table[_Box]
    _same_on_both(run)
    _same_on_both(lambda m: m.utils.data.default_collate([_Box(1)]))  # and the table is as it was


# ------------------------------------------------------------------ DistributedSampler
DISTRIBUTED = {
    "shuffled, rank 0 of 2": dict(num_replicas=2, rank=0),
    "shuffled, rank 2 of 3, padded": dict(num_replicas=3, rank=2),
    "in order": dict(num_replicas=3, rank=1, shuffle=False),
    "drop_last": dict(num_replicas=4, rank=3, drop_last=True),
    "seeded": dict(num_replicas=1, rank=0, seed=7),
    "padded more than once": dict(num_replicas=8, rank=7, n=3),
    "no process group": dict(),
    "rank only": dict(rank=0),
    "rank out of range": dict(num_replicas=2, rank=2),
    "negative rank": dict(num_replicas=2, rank=-1),
}


@pytest.mark.parametrize("name", list(DISTRIBUTED))
def test_distributed_sampler_is_torchs(name):
    def run(m):
        kwargs = dict(DISTRIBUTED[name])
        sampler = m.utils.data.DistributedSampler(range(kwargs.pop("n", 10)), **kwargs)
        epochs = []
        for epoch in range(3):
            sampler.set_epoch(epoch)
            epochs.append(list(sampler))
        return epochs, len(sampler), sampler.total_size, list(m.utils.data.distributed.DistributedSampler(
            range(5), num_replicas=2, rank=1))
    _same_on_both(run)


def test_distributed_sampler_in_a_loader_leaves_the_global_stream_alone():
    def run(m):
        m.manual_seed(0)
        sampler = m.utils.data.DistributedSampler(range(10), num_replicas=2, rank=1, seed=3)
        loader = m.utils.data.DataLoader(range(10), batch_size=2, sampler=sampler)
        batches = []
        for epoch in range(2):
            sampler.set_epoch(epoch)
            batches.append([b.tolist() for b in loader])
        return batches, m.rand(1).item()
    _same_on_both(run)


# ------------------------------------------------------------------ bad weights (random.multinomial's checks)
BAD_WEIGHTS = [[1.0, -2.0], [1.0, float("nan")], [1.0, float("inf")], [0.0, 0.0], [[1.0, 1.0], [0.0, 0.0]],
               [[1.0, float("inf")], [-1.0, 1.0]], [[2.0, 1.0], [1.0, float("nan")]]]


@pytest.mark.parametrize("replacement", [True, False])
@pytest.mark.parametrize("num_samples", [1, 2, 3])
@pytest.mark.parametrize("weights", BAD_WEIGHTS, ids=str)
def test_bad_weights_are_refused_as_torch(weights, num_samples, replacement):
    """torch checks all weights up front when drawing without replacement (or one sample), but row by row,
    weight by weight, with other messages, when drawing several with replacement; too many samples
    without replacement is refused before the weights are looked at."""
    _same_on_both(lambda m: m.multinomial(m.tensor(weights), num_samples, replacement))
    if np.ndim(weights) == 1:
        _same_on_both(lambda m: list(m.utils.data.WeightedRandomSampler(weights, num_samples, replacement)))


SEEDS = ["3", 3.0, True, np.int64(3), np.float64(2.0), None, 2**64, -2**63 - 1, 2**63, -1]


@pytest.mark.parametrize("seed", SEEDS, ids=repr)
def test_seeds_are_taken_as_torch_takes_them(seed):
    """Generator(...).manual_seed(s) wants a Python int (the seeded-split idiom); torch.manual_seed takes
    whatever int() takes."""
    _same_on_both(lambda m: m.Generator().manual_seed(seed).initial_seed())
    _same_on_both(lambda m: m.manual_seed(seed).initial_seed())
    _same_on_both(lambda m: m.Generator().manual_seed(m.tensor(3)))


@pytest.mark.parametrize("lengths,batch_size", [([3, 2], 1), ([1, 5, 3], 2), ([0, 4], 1), ([7, 1, 0, 2], 3),
                                                ([5, 5], None)])
def test_workers_streams_of_unequal_length_interleave_as_torchs(lengths, batch_size):
    """torch's main process asks the workers in turn and skips one whose stream has ended."""
    def run(m):
        class Uneven(m.utils.data.IterableDataset):
            def __iter__(self):
                wid = m.utils.data.get_worker_info().id
                return iter(range(wid * 100, wid * 100 + lengths[wid]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # more workers than CPUs
            loader = m.utils.data.DataLoader(Uneven(), batch_size=batch_size, num_workers=len(lengths))
            return [_plain(b) for b in loader]
    _same_on_both(run)


def test_stack_dataset_fetches_a_batch_as_torchs():
    def run(m):
        class Batched(m.utils.data.Dataset):
            def __init__(self, short=False):
                self.short = short

            def __len__(self):
                return 4

            def __getitem__(self, i):
                return i

            def __getitems__(self, indices):
                return [i * 10 for i in indices][: len(indices) - self.short]
        plain = list(range(100, 104))
        as_tuple = m.utils.data.StackDataset(Batched(), plain)
        as_dict = m.utils.data.StackDataset(a=plain, b=Batched())
        return (as_tuple.__getitems__([3, 1]), as_dict.__getitems__([0, 2]),
                [b for b in m.utils.data.DataLoader(as_dict, batch_size=3)],
                _outcome(lambda: m.utils.data.StackDataset(plain, Batched(short=True)).__getitems__([0, 1])))
    _same_on_both(run)

"""DataLoader arguments torch accepts (issue 14): each works as torch's, or is refused as torch
refuses it, or raises NotImplementedError naming it. Nothing is accepted and then ignored."""
import warnings

import numpy as np
import pytest

import tinygrad_rnn
from tests.helpers import check_error, require_torch


class _Stream:
    """Built per framework: an IterableDataset yielding 0..6 as floats."""

    @staticmethod
    def make(m):
        class Stream(m.utils.data.IterableDataset):
            def __iter__(self):
                return iter(np.arange(7.0))
        return Stream()


def _dataset(m):
    return m.utils.data.TensorDataset(m.tensor(np.arange(10.0)))


def _iterate(loader):
    return [batch[0].tolist() for batch in loader]


REFUSED_AS_TORCH_DOES = {
    "prefetch_factor without workers": lambda m: m.utils.data.DataLoader(_dataset(m), prefetch_factor=2),
    "persistent_workers without workers": lambda m: m.utils.data.DataLoader(_dataset(m), persistent_workers=True),
    "multiprocessing_context without workers": lambda m: m.utils.data.DataLoader(_dataset(m), multiprocessing_context="spawn"),
    "negative prefetch_factor": lambda m: m.utils.data.DataLoader(_dataset(m), num_workers=2, prefetch_factor=-1),
    "negative timeout": lambda m: m.utils.data.DataLoader(_dataset(m), timeout=-1),
    "timeout without workers": lambda m: iter(m.utils.data.DataLoader(_dataset(m), timeout=5)),
    "stream with shuffle": lambda m: m.utils.data.DataLoader(_Stream.make(m), shuffle=True),
    "stream with sampler": lambda m: m.utils.data.DataLoader(_Stream.make(m), sampler=[0, 1]),
    "stream with batch_sampler": lambda m: m.utils.data.DataLoader(_Stream.make(m), batch_sampler=[[0, 1]]),
}


@pytest.mark.parametrize("case", REFUSED_AS_TORCH_DOES)
def test_option_refused_with_torchs_error(case):
    check_error(REFUSED_AS_TORCH_DOES[case])


ACCEPTED_WITHOUT_WORKERS = [
    dict(prefetch_factor=None), dict(persistent_workers=False), dict(multiprocessing_context=None),
    dict(in_order=False), dict(in_order=True), dict(worker_init_fn=lambda worker_id: 1 / 0), dict(timeout=0),
    dict(pin_memory_device="cuda"), dict(shuffle=True, generator="seeded"), dict(shuffle=False, drop_last=True, batch_size=3),
]


@pytest.mark.parametrize("options", ACCEPTED_WITHOUT_WORKERS, ids=lambda o: ",".join(o))
def test_options_without_workers_give_torchs_batches(options):
    """Options that only matter to worker processes (in_order, worker_init_fn, ...) change nothing
    with num_workers=0, in torch as here: the same batches, twice (two epochs)."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        kwargs = dict(options)
        if kwargs.get("generator") == "seeded":
            kwargs["generator"] = m.Generator().manual_seed(3)
        loader = m.utils.data.DataLoader(_dataset(m), **kwargs)
        results.append((_iterate(loader), _iterate(loader)))
    assert results[0] == results[1]


@pytest.mark.parametrize("options", [dict(pin_memory=True), dict(pin_memory=True, pin_memory_device="cpu")])
def test_pin_memory_warns_as_torch_does_on_a_machine_without_accelerator(options):
    torch = require_torch()
    if torch.accelerator.is_available():
        pytest.fail("this parity test measures torch on a CPU-only machine")
    results = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            batches = _iterate(m.utils.data.DataLoader(_dataset(m), batch_size=4, **options))
        results.append((batches, [(w.category, str(w.message)) for w in caught]))
    assert results[0] == results[1]


@pytest.mark.parametrize("case", ["Sampler(data)", "Sampler(data_source=data)", "super().__init__(data)"])
def test_sampler_base_takes_no_arguments_as_in_torch(case):
    def make(m):
        class Custom(m.utils.data.Sampler):
            def __init__(self, data):
                super().__init__(data)
        data = [1, 2]
        if case == "Sampler(data)":
            return m.utils.data.Sampler(data)
        if case == "Sampler(data_source=data)":
            return m.utils.data.Sampler(data_source=data)
        return Custom(data)
    check_error(make)

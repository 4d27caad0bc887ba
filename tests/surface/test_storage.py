"""Tensor.storage() and untyped_storage() against torch: what they print, their sizes, and that they
are the memory every view of it reads (makemore part 2 prints `a.storage()` next to `a.view(3, 3, 2)`)."""
from __future__ import annotations

import warnings

import pytest
from fresh_process import fresh_stderr
from helpers import check_error, require_torch

import tinygrad_rnn

TENSORS = {
    "arange": lambda m: m.arange(18).view(3, 3, 2),
    "float": lambda m: m.tensor([0.1, 2.0, -3.5]),
    "double_slice": lambda m: m.arange(6.0, dtype=m.float64).view(2, 3)[1],
    "transposed": lambda m: m.arange(6).view(2, 3).t(),
    "bool": lambda m: m.tensor([True, False]),
    "half": lambda m: m.tensor([1.5, -2.0], dtype=m.float16),
    "empty": lambda m: m.zeros(0),
}


@pytest.mark.parametrize("name", list(TENSORS))
def test_storage_prints_and_measures_as_torchs(name):
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        t = TENSORS[name](m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (torch's deprecation warning: once per process, tested below)
            s = t.storage()
            seen.append((str(s), repr(s), s.size(), len(s), s.tolist(), s.element_size(), s.nbytes(), s.type(),
                         str(s.dtype), str(s.device), s.data_ptr() == t.untyped_storage().data_ptr(),
                         t.storage_offset(), str(t.untyped_storage()), t.untyped_storage().nbytes(),
                         len(t.untyped_storage()), s[0] if len(s) else None))
    assert seen[0] == seen[1]


def test_writing_into_a_storage_changes_every_view():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        a = m.arange(6).view(2, 3)
        b = a.t()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b.storage()[4] = 40
        seen.append((a.tolist(), b.tolist(), a[1].untyped_storage().data_ptr() == a.untyped_storage().data_ptr()))
    assert seen[0] == seen[1]


def test_storage_warns_once_per_process_as_torch():
    require_torch()
    program = ("import {} as m, warnings\nwarnings.simplefilter('always')\nt = m.arange(3)\n"
               "t.storage()\nt.storage().size()\nt.untyped_storage()\n")
    stderr = fresh_stderr(program)
    assert stderr[0] == stderr[1] and stderr[1].count("UserWarning: TypedStorage is deprecated") == 1


STORAGE_USES = [
    lambda m, t: (t.storage()[-1], t.storage()[0], t.untyped_storage()[-1]),
    lambda m, t: (t.untyped_storage()[1:5].nbytes(), t.untyped_storage()[2:4].tolist(), t.untyped_storage()[0:0].size()),
    lambda m, t: (t.storage().fill_(1.5).tolist(), t.tolist()),  # writing a storage writes the tensor
    lambda m, t: (t.untyped_storage().fill_(0).tolist(), t.tolist()),
    lambda m, t: (t.storage().copy_(m.arange(4.0).storage()).tolist(), t.tolist()),
    lambda m, t: (t.storage().copy_(m.arange(2.0, dtype=m.float64).storage()).tolist(), t.tolist()),  # bytes, not values
    lambda m, t: [(str(s.dtype), s.tolist()) for s in (t.storage().long(), t.storage().double(), t.storage().half(),
                                                        t.storage().int(), t.storage().short(), t.storage().char(),
                                                        t.storage().byte(), t.storage().bool(), t.storage().float())],
    lambda m, t: (t.storage().float().data_ptr() != t.data_ptr(), t.storage().clone().data_ptr() != t.data_ptr(),
                  t.storage().clone().tolist(), t.untyped_storage().clone().nbytes(), t.untyped_storage().element_size()),
    lambda m, t: (m.FloatTensor(t.storage()).tolist(), m.Tensor(t.storage()).data_ptr() == t.data_ptr(),
                  m.Tensor(t.untyped_storage()).tolist(), m.ones(1).new(t.storage()).tolist()),
]


@pytest.mark.parametrize("use", STORAGE_USES)
def test_storage_reads_writes_and_converts_as_torch(use):
    """DLWPT chapter 3 works with `points.storage()` directly: indexing it, filling it, converting it."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append(use(m, m.tensor([[4.0, 1.0], [5.0, 3.0]])))
    assert results[0] == results[1]


@pytest.mark.parametrize("use", [
    lambda m, t: t.storage()[1:3], lambda m, t: t.storage()[4], lambda m, t: t.storage()[-5], lambda m, t: t.storage()["a"],
    lambda m, t: t.storage()[1.0], lambda m, t: t.storage()[True], lambda m, t: t.untyped_storage()[16],
    lambda m, t: t.untyped_storage()[::2], lambda m, t: t.storage().copy_(m.ones(3).storage()),
    lambda m, t: m.LongTensor(t.storage()), lambda m, t: m.Tensor(t.storage().double()),
])
def test_storage_misuse_fails_as_torch(use):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(lambda m: use(m, m.tensor([[4.0, 1.0], [5.0, 3.0]])))

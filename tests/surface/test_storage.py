"""Tensor.storage() and untyped_storage() against torch: what they print, their sizes, and that they
are the memory every view of it reads (makemore part 2 prints `a.storage()` next to `a.view(3, 3, 2)`)."""
from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
from helpers import require_torch

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
    stderr = [subprocess.run([sys.executable, "-c", program.format(name)], capture_output=True, text=True,
                             check=True).stderr for name in ("tinygrad_rnn", "torch")]
    assert stderr[0] == stderr[1] and stderr[1].count("UserWarning: TypedStorage is deprecated") == 1

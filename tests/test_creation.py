"""Tensors from numpy arrays (creation.py): the checks and the warning torch gives, in torch's order; and
the factories' reading of their arguments (arange's bounds, as_tensor's device)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

MAKERS = [lambda m, a: m.tensor(a), lambda m, a: m.as_tensor(a), lambda m, a: m.from_numpy(a),
          lambda m, a: m.Tensor(a), lambda m, a: m.LongTensor(a), lambda m, a: m.ones(2).new(a)]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("array", [np.arange(3, dtype=">f4"), np.arange(3, dtype=">i8"), np.arange(3, dtype=">f4")[::-1]],
                         ids=["big-endian", "big-endian-int", "flipped"])
def test_numpy_arrays_torch_refuses_are_refused_with_its_error(make, array):
    """A big-endian array: torch's ValueError about the byte order (the dtype is checked first, then the strides)."""
    check_error(lambda m: make(m, array))


def test_new_reads_a_numpy_array_as_data_and_shares_its_memory():
    torch = require_torch()
    import tinygrad_rnn
    for m in (torch, tinygrad_rnn):
        a = np.ones(2, dtype=np.float32)
        t = m.ones(3).new(a)
        a[0] = 5.0
        assert t.tolist() == [5.0, 1.0]
        assert m.ones(3).long().new(np.arange(3.5)).tolist() == [0, 1, 2, 3]
    for bad in (2.5, "ab", None, True, np.float64(2.0)):
        check_error(lambda m, data: m.ones(3).new(data), bad)


READ_ONLY = """import {} as m, numpy as np, warnings
warnings.simplefilter("always")
a = np.arange(3.0)
a.flags.writeable = False
m.tensor(a)  # a copy: no warning
m.{}(a)
m.from_numpy(a)  # once per process: no second warning
m.as_tensor(np.broadcast_to(np.ones(2), (3, 2)))
"""


@pytest.mark.parametrize("first", ["from_numpy", "as_tensor", "Tensor"])
def test_sharing_a_read_only_array_warns_once_per_process_as_torch(first):
    """torch's TORCH_WARN_ONCE: each framework runs in a fresh interpreter."""
    require_torch()
    stderr = [subprocess.run([sys.executable, "-c", READ_ONLY.format(name, first)], capture_output=True, text=True,
                             check=True).stderr for name in ("tinygrad_rnn", "torch")]
    assert stderr[1].count("The given NumPy array is not writable") == 1
    assert stderr[0].count("UserWarning: The given NumPy array is not writable, and PyTorch does not support "
                           "non-writable tensors.") == 1
    assert stderr[0].splitlines()[-1] == stderr[1].splitlines()[-1]  # the message, to the last word


@pytest.mark.parametrize("call", [
    lambda m: m.as_tensor(m.ones(2), device="cuda"), lambda m: m.as_tensor(np.ones(2), device=m.device("cuda")),
    lambda m: m.as_tensor(m.ones(2), device="nowhere"),
])
def test_as_tensor_of_shared_data_still_checks_the_device(call):
    check_error(call)  # (an array or tensor that could be shared skipped the check: device='cuda' was ignored)


def test_arange_of_0d_integer_tensors_is_int64_as_torch():
    torch = require_torch()
    for call in (lambda m: m.arange(m.tensor(3)), lambda m: m.arange(1, m.tensor(4)), lambda m: m.arange(m.tensor(3.0)),
                 lambda m: m.arange(m.tensor(3, dtype=m.uint8))):
        ours, theirs = call(tinygrad_rnn), call(torch)
        assert (str(ours.dtype), ours.tolist()) == (str(theirs.dtype), theirs.tolist())  # (a 0-d int tensor was a float)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
@pytest.mark.parametrize("value", [1j, 2 + 0j])
def test_complex_fill_values_as_torch(dtype, value):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        try:
            outcomes.append(m.ones(3, dtype=getattr(m, dtype)).masked_fill(m.ones(3, dtype=m.bool), value).tolist())
        except RuntimeError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]

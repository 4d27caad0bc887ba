"""`out=` for every declared op that takes it (@op(out=True)), against torch: on the first sample torch takes
out= for (float64), torch.X(..., out=o) writes the result into o (resized from empty) and returns o itself (for
an op of several results, a tuple of the given tensors), with torch's values and dtype."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch
from test_op_db import _call, _sample, _split

import tinygrad_rnn
from tinygrad_rnn.ops.declare import DECLARED

OUT_OPS = [decl for decl in DECLARED.values() if decl.out and decl.is_function]


def _with_out(m, decl, index):
    sample = _sample(decl, index)
    arrays, template = _split(sample, np.float64)
    tensors = tuple(m.tensor(a) for a in arrays)
    fn = getattr(m, decl.name)
    plain = _call(fn, template, tensors, sample.kwargs)
    results = plain if isinstance(plain, tuple) else (plain,)
    outs = tuple(m.empty(0, dtype=r.dtype) for r in results)
    given = outs if isinstance(plain, tuple) else outs[0]
    returned = _call(fn, template, tensors, {**sample.kwargs, "out": given})
    returned_all = tuple(returned) if isinstance(plain, tuple) else (returned,)
    return ([o.numpy() for o in outs], [str(o.dtype) for o in outs],
            all(r is o for r, o in zip(returned_all, outs)), type(returned).__name__)


def _first_sample_torch_takes_out_for(decl, torch) -> int:
    """median(x) has no out= overload in torch (median(x, dim) has): the first sample torch accepts."""
    for index in range(len(decl.samples(np.random.default_rng(0)))):
        try:
            _with_out(torch, decl, index)
            return index
        except TypeError:
            continue
    raise AssertionError(f"torch takes out= on no sample of {decl.name}")


@pytest.mark.parametrize("decl", OUT_OPS, ids=[d.name for d in OUT_OPS])
def test_out_writes_into_the_given_tensors_as_torch(decl):
    torch = require_torch()
    index = _first_sample_torch_takes_out_for(decl, torch)
    ours, theirs = _with_out(tinygrad_rnn, decl, index), _with_out(torch, decl, index)
    assert ours[1:] == theirs[1:]
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, equal_nan=True)


def _wrong_dtype_out(m, case):
    x, f = m.tensor([1, 2]), m.tensor([1.0, -2.0])
    if case == "signbit into float":
        return m.signbit(f, out=m.empty(0))
    if case == "bitwise_not into int32":
        return m.bitwise_not(x, out=m.empty(0, dtype=m.int32))
    if case == "bitwise_not into float":
        return m.bitwise_not(x, out=m.empty(0))
    return m.bitwise_not(m.tensor([True]), out=m.empty(0, dtype=m.int64))


@pytest.mark.parametrize("case", ["signbit into float", "bitwise_not into int32", "bitwise_not into float",
                                  "bitwise_not of bool into int64"])
def test_out_of_the_wrong_dtype_is_refused_as_torch(case):
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(RuntimeError):
            _wrong_dtype_out(m, case)

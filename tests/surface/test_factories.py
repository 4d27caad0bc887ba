"""logspace, range, asarray, frombuffer and empty_strided against torch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch

import tinygrad_rnn


def _same(ours, theirs):
    assert repr(ours.dtype) == repr(theirs.dtype)
    assert_arrays_close(ours, theirs)


@pytest.mark.parametrize(("args", "kwargs"), [
    ((0, 2, 5), {}), ((0, 2, 5), {"base": 2}), ((0, 3, 4), {"dtype": "int64"}), ((-1, 1, 3), {"dtype": "float64"}),
    ((1.5, -2.5, 7), {"dtype": "float64", "base": 3.0}), ((0, 1, 1), {}), ((0, 1, 0), {}), ((2, 5, 10), {}),
])
def test_logspace(args, kwargs):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        kw = {k: getattr(m, v) if k == "dtype" else v for k, v in kwargs.items()}
        results.append(m.logspace(*args, **kw))
    _same(*results)


@pytest.mark.parametrize(("args", "dtype"), [
    ((0, 1.2, 4), "int64"), ((0.7, 2.9, 3, 5.0), "int32"), ((-1.5, 2, 4), "int16"),  # bounds truncated: 1.2 is 1
    ((0, 3, 4, 300.0), "uint8"), ((0, 3, 4, 300.0), "int8"), ((0, 20, 3), "int32"),  # values wrap as C's casts
    ((-1, 2, 3), "uint8"), ((1.5, 2, 1), "int8"), ((-1.0, 1, 1), "uint8"), ((2.5, 3, 1), "bool"),
])
def test_logspace_of_an_integer_dtype_converts_the_bounds_first(args, dtype):
    torch = require_torch()
    ours, theirs = tinygrad_rnn.logspace(*args, dtype=getattr(tinygrad_rnn, dtype)), \
        torch.logspace(*args, dtype=getattr(torch, dtype))
    assert repr(ours.dtype) == repr(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_logspace_errors():
    check_error(lambda m: m.logspace(0, 1, -1))
    check_error(lambda m: m.logspace(-1.0, 2, 3, dtype=m.uint8))  # a bound must fit an integer dtype
    check_error(lambda m: m.logspace(2.5, 3, 1, dtype=m.int8))  # one step: its value must fit
    check_error(lambda m: m.logspace(0, 1, 2, dtype=m.bool))


@pytest.mark.parametrize("name", ["linspace", "logspace"])
@pytest.mark.parametrize("steps", ["int64", "int32", "uint8"])
def test_steps_may_be_a_0d_integer_tensor(name, steps):
    """torch.linspace(0, 1, n) with n a tensor (a count from .sum() or a length tensor): torch's parser reads a
    0-d integer tensor as the int."""
    torch = require_torch()
    ours, theirs = (getattr(m, name)(0, 2, m.tensor(3, dtype=getattr(m, steps))) for m in (tinygrad_rnn, torch))
    _same(ours, theirs)


@pytest.mark.parametrize("name", ["linspace", "logspace"])
def test_steps_refused_as_torch_refuses_them(name):
    check_error(lambda m: getattr(m, name)(0, 1, m.tensor(3.0)))  # a float, a bool or a 1-d tensor is no int
    check_error(lambda m: getattr(m, name)(0, 1, m.tensor(True)))
    check_error(lambda m: getattr(m, name)(0, 1, m.tensor([3])))
    check_error(lambda m: getattr(m, name)(m.tensor(0.0), 1, 2.5, dtype=m.float64))  # with the keywords given
    check_error(lambda m: getattr(m, name)(0, 1, m.tensor(-1)))


@pytest.mark.parametrize(("args", "kwargs"), [((0, 3), {}), ((1, 2, 0.5), {}), ((0, 4), {"dtype": "int64"}),
                                              ((3, 0, -1), {"dtype": "float64"})])
def test_range_includes_end_and_warns(args, kwargs):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        kw = {k: getattr(m, v) for k, v in kwargs.items()}
        with pytest.warns(UserWarning, match="torch.range is deprecated"):
            results.append(m.range(*args, **kw))
    _same(*results)


@pytest.mark.parametrize("args", [(0, 3, 0), (3, 0)])
def test_range_errors(args):
    def call(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.range(*args)
    check_error(call)


def test_asarray_values_and_sharing():
    torch = require_torch()
    for obj in ([1, 2], 3.5, [[1.0, 2.0]], (True, False)):
        _same(tinygrad_rnn.asarray(obj), torch.asarray(obj))
    _same(tinygrad_rnn.asarray([1, 2], dtype=tinygrad_rnn.float64), torch.asarray([1, 2], dtype=torch.float64))
    array = np.array([1.0, 2.0])
    shared = tinygrad_rnn.asarray(array)
    copied = tinygrad_rnn.asarray(array, copy=True)
    array[0] = 9.0
    assert shared.tolist() == [9.0, 2.0] and copied.tolist() == [1.0, 2.0]
    x = tinygrad_rnn.tensor([1.0, 2.0])
    assert tinygrad_rnn.asarray(x) is x and tinygrad_rnn.asarray(x, copy=True) is not x
    assert tinygrad_rnn.asarray(x, dtype=tinygrad_rnn.float64).dtype == tinygrad_rnn.float64
    assert tinygrad_rnn.asarray([1.0], requires_grad=True).requires_grad


def _asarray_autograd(m):
    """What asarray gives for a tensor with history (b = a + 2) under each requires_grad and copy."""
    a = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a + 2
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for kw in ({}, {"requires_grad": False}, {"requires_grad": True}, {"copy": True},
                   {"dtype": m.float64, "requires_grad": False}, {"copy": True, "requires_grad": False}):
            c = m.asarray(b, **kw)
            seen.append((c.grad_fn and c.grad_fn.name(), c.requires_grad, c is b, c.is_leaf, c.tolist()))
    seen.append([str(w.message).split(".")[0] for w in caught])  # the changed default, when unspecified
    leaf = m.tensor([1.0, 2.0], requires_grad=True)
    seen.append((m.asarray(leaf, requires_grad=False) is leaf, leaf.requires_grad))  # switched off in place
    return seen


def test_asarray_requires_grad_false_detaches_and_unspecified_keeps_history():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        m.set_warn_always(True)  # the warning is given once a process; always, for the count to be comparable
    try:
        assert _asarray_autograd(tinygrad_rnn) == _asarray_autograd(torch)
    finally:
        for m in (tinygrad_rnn, torch):
            m.set_warn_always(False)


@pytest.mark.parametrize("call", [
    lambda m: m.asarray(m.ones(2), dtype=m.float64, copy=False), lambda m: m.asarray([1, 2], copy=False),
    lambda m: m.asarray(np.ones(2), dtype=m.float32, copy=False),
    lambda m: m.asarray(m.ones(2, dtype=m.int64), requires_grad=True), lambda m: m.asarray([1, 2], requires_grad=True),
])
def test_asarray_errors(call):
    check_error(call)


def test_frombuffer_shares_the_bytes():
    torch = require_torch()
    buffers = [bytearray(b"\x01\x02\x03\x04\x05\x06"), bytearray(b"\x01\x02\x03\x04\x05\x06")]
    for kwargs in ({"dtype": "uint8"}, {"dtype": "int16"}, {"dtype": "uint8", "count": 2, "offset": 1}):
        results = [m.frombuffer(b, **{k: getattr(m, v) if k == "dtype" else v for k, v in kwargs.items()})
                   for m, b in zip((tinygrad_rnn, torch), buffers)]
        _same(*results)
    ours = tinygrad_rnn.frombuffer(buffers[0], dtype=tinygrad_rnn.uint8)
    buffers[0][0] = 7
    assert ours[0].item() == 7


@pytest.mark.parametrize("kwargs", [{"dtype": "int16"}, {"dtype": "int16", "count": 4}, {"dtype": "uint8", "offset": 5},
                                    {"dtype": "int16", "count": 0}])
def test_frombuffer_errors(kwargs):
    check_error(lambda m: m.frombuffer(bytearray(b"12345"), **{k: getattr(m, v) if k == "dtype" else v
                                                               for k, v in kwargs.items()}))


@pytest.mark.parametrize(("size", "stride"), [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((4,), (2,)), ((0, 3), (3, 1))])
def test_empty_strided(size, stride):
    torch = require_torch()
    ours, theirs = tinygrad_rnn.empty_strided(size, stride), torch.empty_strided(size, stride)
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.dtype == tinygrad_rnn.float32
    if all(size):
        assert ours.stride() == theirs.stride()


def test_empty_strided_errors():
    check_error(lambda m: m.empty_strided((2, 3), (1,)))


@pytest.mark.parametrize("make", [
    lambda m: m.zeros(2, dtype=float),
    lambda m: m.ones(2).to(float),
    lambda m: m.tensor([1], dtype=float),
    lambda m: m.arange(3, dtype=float),
    lambda m: m.empty(2, dtype=int),
    lambda m: m.ones(2, dtype=bool),
    lambda m: m.randint(3, (2,), dtype=float),
])
def test_python_types_as_dtype_read_as_torch(make):
    """torch's parser reads Python's float type as float64 (not the default dtype), int as int64, bool as bool."""
    torch = require_torch()
    assert str(make(tinygrad_rnn).dtype) == str(make(torch).dtype)


def _permuted(m):
    made = [m.empty_permuted((2, 3, 5, 7), order) for order in ((0, 1, 2, 3), (0, 2, 3, 1), (3, 2, 1, 0))]
    seen = [(t.stride(), t.shape, t.is_contiguous(), t.dim_order()) for t in made]
    t = m.empty_permuted((2, 3), (1, 0), dtype=m.float64, requires_grad=True)
    return seen + [(t.stride(), str(t.dtype), t.requires_grad, t.is_leaf)]


def test_empty_permuted_lays_dims_out_in_the_given_order():
    assert _permuted(tinygrad_rnn) == _permuted(require_torch())


@pytest.mark.parametrize("call", [
    lambda m: m.empty_permuted((2, 3), (0, 0)), lambda m: m.empty_permuted((2, 3), (0,)),
    lambda m: m.empty_permuted((2, 3), (0, 2)), lambda m: m.empty_permuted((2, -1), (1, 0)),
])
def test_empty_permuted_errors(call):
    check_error(call)

"""torch.finfo, torch.iinfo, promote_types, result_type and can_cast against torch: every field, the
repr, and torch's errors for the wrong kind of dtype."""
from __future__ import annotations

import itertools

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
ALL = FLOATS + INTS + ["bool"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_fields_and_repr(name):
    torch = require_torch()
    ours, theirs = tinygrad_rnn.finfo(getattr(tinygrad_rnn, name)), torch.finfo(getattr(torch, name))
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, field) == getattr(theirs, field), field
        assert type(getattr(ours, field)) is type(getattr(theirs, field)), field
    assert repr(ours) == repr(theirs) and str(ours) == str(theirs)


def test_finfo_without_argument_is_the_default_dtype():
    torch = require_torch()
    assert repr(tinygrad_rnn.finfo()) == repr(torch.finfo())
    tinygrad_rnn.set_default_dtype(tinygrad_rnn.float64)
    try:
        assert tinygrad_rnn.finfo().dtype == "float64"
    finally:
        tinygrad_rnn.set_default_dtype(tinygrad_rnn.float32)


def test_finfo_takes_python_float_as_float64():
    torch = require_torch()
    assert repr(tinygrad_rnn.finfo(float)) == repr(torch.finfo(float))


@pytest.mark.parametrize("name", INTS)
def test_iinfo_fields_and_repr(name):
    torch = require_torch()
    ours, theirs = tinygrad_rnn.iinfo(getattr(tinygrad_rnn, name)), torch.iinfo(getattr(torch, name))
    for field in ("bits", "max", "min", "dtype"):
        assert getattr(ours, field) == getattr(theirs, field), field
        assert type(getattr(ours, field)) is type(getattr(theirs, field)), field
    assert repr(ours) == repr(theirs)


def test_infos_compare_equal_by_dtype():
    assert tinygrad_rnn.finfo(tinygrad_rnn.float32) == tinygrad_rnn.finfo(tinygrad_rnn.float32)
    assert tinygrad_rnn.finfo(tinygrad_rnn.float32) != tinygrad_rnn.finfo(tinygrad_rnn.float64)
    assert tinygrad_rnn.iinfo(tinygrad_rnn.int8) == tinygrad_rnn.iinfo(tinygrad_rnn.int8)


@pytest.mark.parametrize(("fn", "arg"), [
    ("finfo", "int32"), ("finfo", "bool"), ("iinfo", "float32"), ("iinfo", "bool"), ("iinfo", "uint8 str"),
    ("finfo", "float32 str"), ("iinfo", 3),
])
def test_info_errors(fn, arg):
    def call(m, a):
        if isinstance(a, str):
            a = a.split()[0] if a.endswith(" str") else getattr(m, a)
        return getattr(m, fn)(a)
    check_error(call, arg)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(ALL, ALL)))
def test_promote_types_and_can_cast(a, b):
    torch = require_torch()
    ours = tinygrad_rnn.promote_types(getattr(tinygrad_rnn, a), getattr(tinygrad_rnn, b))
    assert repr(ours) == repr(torch.promote_types(getattr(torch, a), getattr(torch, b)))
    assert tinygrad_rnn.can_cast(getattr(tinygrad_rnn, a), getattr(tinygrad_rnn, b)) == \
        torch.can_cast(getattr(torch, a), getattr(torch, b))


def test_promote_types_takes_python_types():
    torch = require_torch()
    for py in (float, int, bool):
        assert repr(tinygrad_rnn.promote_types(py, tinygrad_rnn.int32)) == repr(torch.promote_types(py, torch.int32))


@pytest.mark.parametrize(("a", "b"), [
    ("t:int64:1", 1.0), ("t:float32:0", "t:int8:1"), (2, 3.0), (True, 2), ("t:uint8:1", -1), ("t:int32:0", "t:int16:1"),
    ("t:float16:1", 2.5), ("t:bool:1", 1), ("t:float64:0", "t:float32:1"),
])
def test_result_type(a, b):
    torch = require_torch()

    def value(m, v):
        if not isinstance(v, str):
            return v
        _, name, ndim = v.split(":")
        return m.ones((2,) * int(ndim), dtype=getattr(m, name))
    assert repr(tinygrad_rnn.result_type(value(tinygrad_rnn, a), value(tinygrad_rnn, b))) == \
        repr(torch.result_type(value(torch, a), value(torch, b)))


def test_bad_arguments():
    check_error(lambda m: m.promote_types(m.int32, "x"))
    check_error(lambda m: m.can_cast(1, m.int32))
    with pytest.raises(TypeError, match="invalid combination"):
        tinygrad_rnn.result_type("a", tinygrad_rnn.tensor(1))

"""bfloat16, the complex dtypes and the float8s can be named, compared and asked about (finfo), as torch code does in tables
and checks; storing one raises NotImplementedError naming it."""
import copy
import pickle

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

FLOAT8S = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]
NAMES = ["bfloat16", "complex32", "complex64", "complex128", "chalf", "cfloat", "cdouble", "uint16", "uint32", "uint64",
         *FLOAT8S]


@pytest.mark.parametrize("name", NAMES)
def test_named_with_torchs_properties(name):
    torch = require_torch()
    ours, theirs = getattr(tinygrad_rnn, name), getattr(torch, name)
    assert (str(ours), ours.is_floating_point, ours.is_complex, ours.is_signed, ours.itemsize) == \
        (str(theirs), theirs.is_floating_point, theirs.is_complex, theirs.is_signed, theirs.itemsize)
    assert pickle.loads(pickle.dumps(ours)) is ours and copy.deepcopy(ours) is ours


@pytest.mark.parametrize("name", ["bfloat16", "complex32", "complex64", "complex128", "float32", *FLOAT8S])
def test_finfo_as_torch(name):
    torch = require_torch()
    ours, theirs = tinygrad_rnn.finfo(getattr(tinygrad_rnn, name)), torch.finfo(getattr(torch, name))
    assert repr(ours) == repr(theirs)
    assert [getattr(ours, k) for k in ("bits", "eps", "max", "min", "tiny", "resolution", "dtype")] == \
        [getattr(theirs, k) for k in ("bits", "eps", "max", "min", "tiny", "resolution", "dtype")]


@pytest.mark.parametrize("name", ["uint16", "uint32", "uint64"])
def test_iinfo_of_the_wide_unsigned_types_as_torch(name):
    torch = require_torch()
    ours, theirs = tinygrad_rnn.iinfo(getattr(tinygrad_rnn, name)), torch.iinfo(getattr(torch, name))
    assert (repr(ours), ours.bits, ours.min, ours.max, ours.dtype) == \
        (repr(theirs), theirs.bits, theirs.min, theirs.max, theirs.dtype)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "bfloat16", "complex32", "complex64", "complex128",
                                  "int64", "bool", "uint8", "uint16"])
@pytest.mark.parametrize("method", ["to_complex", "to_real"])
def test_to_complex_and_to_real_as_torch(name, method):
    torch = require_torch()
    assert _converted(tinygrad_rnn, name, method) == _converted(torch, name, method)


def _converted(m, name, method):
    """The dtype the method gives, or the error it raises, as text."""
    try:
        return str(getattr(getattr(m, name), method)())
    except RuntimeError as error:
        return f"RuntimeError: {error}"


def test_a_table_of_dtypes_and_a_comparison_work():
    torch = tinygrad_rnn
    ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}["float32"]
    assert torch.ones(2, dtype=ptdtype).dtype == torch.float32 != torch.bfloat16
    assert not torch.ones(2).is_complex() and not torch.float32.is_complex
    assert torch.nn.ReLU().bfloat16() is not None  # nothing to convert


@pytest.mark.parametrize("make", [
    lambda t: t.zeros(2, dtype=t.bfloat16),
    lambda t: t.tensor([1.0], dtype=t.complex64),
    lambda t: t.ones(2).to(t.bfloat16),
    lambda t: t.ones(2).bfloat16(),
    lambda t: t.ones(2).cfloat(),
    lambda t: t.randn(2, dtype=t.bfloat16),
    lambda t: t.nn.Linear(2, 2).bfloat16(),
    lambda t: t.nn.Linear(2, 2).to(t.bfloat16),
    lambda t: t.ones(2).sum(dtype=t.bfloat16),
    lambda t: t.set_default_dtype(t.bfloat16),
    lambda t: t.zeros(2, dtype=t.uint16), lambda t: t.ones(2).to(t.uint64),
])
def test_storing_one_raises_not_implemented_naming_it(make):
    with pytest.raises(NotImplementedError, match="bfloat16|complex64|uint16|uint64"):
        make(tinygrad_rnn)


@pytest.mark.parametrize("value", ["int64", "bool", "complex64", 3, "float32"])
def test_set_default_dtype_refuses_as_torch(value):
    torch = require_torch()

    def message(lib):
        with pytest.raises(TypeError) as info:
            lib.set_default_dtype(getattr(lib, value) if value in ("int64", "bool", "complex64") else value)
        return str(info.value)

    assert message(tinygrad_rnn) == message(torch)


@pytest.mark.parametrize("make", [
    lambda t, np: t.tensor([1 + 2j, 3.0]),
    lambda t, np: t.tensor(1j),
    lambda t, np: t.as_tensor(np.ones(2, np.complex128)),
    lambda t, np: t.from_numpy(np.ones(2, np.complex64)),
    lambda t, np: t.tensor([np.complex64(1), 2.0]),
    lambda t, np: t.ones(2) * 1j,
    lambda t, np: t.add(t.ones(2), 1 + 1j),
    lambda t, np: t.where(t.tensor([True]), 1j, 0.0),
    lambda t, np: t.full((2,), 1j),
    lambda t, np: t.view_as_complex(t.ones(3, 2)),
    lambda t, np: t.polar(t.ones(2), t.ones(2)),
    lambda t, np: t.complex(t.ones(2), t.ones(2)),
])
def test_what_torch_makes_complex_raises_not_implemented_naming_complex(make):
    """torch computes each of these as a complex tensor (measured), which tinygrad_rnn has not."""
    import numpy as np
    torch = require_torch()
    assert make(torch, np).is_complex()
    with pytest.raises(NotImplementedError, match="no complex tensors"):
        make(tinygrad_rnn, np)


@pytest.mark.parametrize("call", [
    lambda t: t.ones(2).mul_(1j),
    lambda t: t.ones(2, dtype=t.float64).add_(1 + 1j),
    lambda t: t.ones(2, dtype=t.int64).sub_(1j),
    lambda t: t.ones(2).__iadd__(1j),
    lambda t: t.ones(2, dtype=t.float64).__imul__(2j),
    lambda t: t.view_as_real(t.ones(3)),
    lambda t: t.view_as_complex(t.ones(3, 2, dtype=t.int64)),
    lambda t: t.view_as_complex(t.ones(())),
    lambda t: t.view_as_complex(t.ones(3, 3)),
    lambda t: t.view_as_complex(t.ones(2, 3).t()),
    lambda t: t.polar(t.ones(2, dtype=t.int64), t.ones(2)),
    lambda t: t.complex(t.ones(2, dtype=t.int64), t.ones(2, dtype=t.int64)),
])
def test_bad_input_around_complex_raises_torchs_error(call):
    """What torch refuses whatever the dtypes (a complex result written into a real tensor, a real tensor
    viewed as real, shapes and dtypes view_as_complex/polar/complex do not take): torch's error and message."""
    check_error(call)

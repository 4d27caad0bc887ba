"""dtype objects (`tinygrad_rnn.float32`, ...) and torch's type-promotion rules.

A dtype wraps a numpy dtype. It prints as torch's does (`torch.float32`) because error
messages and reprs must read the same as torch's for code moved over from PyTorch.
"""
from __future__ import annotations

import numpy as np

from .size import TorchCType, name_in_errors

# The module names dtypes `float`, `int` and `bool` as torch does, so keep the builtins at hand.
builtins_float, builtins_int, builtins_bool = float, int, bool


class _DtypeClass(TorchCType):
    def __repr__(cls) -> str:  # print(type(x.dtype)): torch's one dtype class, whichever of ours
        return "<class 'torch.dtype'>"


class dtype(metaclass=_DtypeClass):
    """A tensor element type. Compare with `==` or `is`; there is one object per type."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_legacy")

    def __init__(self, name: str, np_dtype: type, legacy: str) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = False
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize
        self._legacy = legacy  # torch's legacy type name: Float, Double, Long, ...

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickles (and deep-copies) as the module-level singleton


name_in_errors(dtype, "torch.dtype")  # "'torch.dtype' object is not callable", for x.dtype()
float16 = dtype("float16", np.float16, "Half")
float32 = dtype("float32", np.float32, "Float")
float64 = dtype("float64", np.float64, "Double")
uint8 = dtype("uint8", np.uint8, "Byte")
int8 = dtype("int8", np.int8, "Char")
int16 = dtype("int16", np.int16, "Short")
int32 = dtype("int32", np.int32, "Int")
int64 = dtype("int64", np.int64, "Long")
bool = dtype("bool", np.bool_, "Bool")  # noqa: A001 - torch.bool

half, float, double = float16, float32, float64  # noqa: A001 - torch's aliases
short, int, long = int16, int32, int64  # noqa: A001

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NUMPY = {d.np: d for d in _ALL}

_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the dtype that Python floats and `zeros`/`randn`/... produce (float32 or float64)."""
    global _default_float
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if d.name == "bfloat16":  # torch takes it; numpy has no bfloat16 to store it in
        raise NotImplementedError("set_default_dtype(torch.bfloat16): tinygrad_rnn has no bfloat16 tensors")
    if d not in (float32, float64, float16):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except KeyError:  # torch names numpy's scalar type (numpy.str_, numpy.object_), not the dtype (str32)
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
            "uint16, uint8, and bool."
        ) from None


def as_dtype(d: object) -> dtype:
    """Accept a tinygrad_rnn dtype, a numpy dtype or a Python type (float, int, bool)."""
    if isinstance(d, dtype):
        return d
    if d is builtins_float:  # torch's parser reads Python's float type as double, whatever the default dtype
        return float64
    if d is builtins_int:
        return int64
    if d is builtins_bool:
        return bool
    return from_numpy_dtype(d)  # type: ignore[arg-type]


def _category(d: dtype) -> int:
    """bool < integer < floating: a Python scalar only changes the result across categories."""
    return 2 if d.is_floating_point else (0 if d is bool else 1)


def scalar_dtype(value: object) -> dtype:
    """The dtype a bare Python number gets: bool, int64 or the default float."""
    if isinstance(value, builtins_bool):
        return bool
    if isinstance(value, builtins_int):
        return int64
    return _default_float


def promote_types(*ds: dtype) -> dtype:
    """torch.promote_types: the highest category (bool < integer < floating) wins outright, so
    int64 with float16 is float16; within that category numpy's rule picks the wider type."""
    best = max(_category(d) for d in ds)
    return from_numpy_dtype(np.result_type(*(d.np for d in ds if _category(d) == best)))

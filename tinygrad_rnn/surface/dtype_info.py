"""What a dtype can hold, and which dtype a mix of operands gives.

`torch.finfo(torch.float32).eps`, `torch.iinfo(torch.uint8).max`, `torch.promote_types`,
`torch.result_type` and `torch.can_cast`, with torch's fields, reprs and errors.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..argcheck import TorchClass, invalid_combination, type_name
from ..core import dtypes
from ..core.size import name_in_errors
from ..core.tensor import Tensor
from ..ops import promotion
from .unsupported_dtypes import bfloat16

# the float8 formats' (eps, max, smallest normal): numpy has none of them to ask
_FLOAT8_LIMITS = {"float8_e4m3fn": (2.0 ** -3, 448.0, 2.0 ** -6), "float8_e5m2": (2.0 ** -2, 57344.0, 2.0 ** -14),
                  "float8_e4m3fnuz": (2.0 ** -3, 240.0, 2.0 ** -7), "float8_e5m2fnuz": (2.0 ** -3, 57344.0, 2.0 ** -15),
                  "float8_e8m0fnu": (1.0, 2.0 ** 127, 2.0 ** -127)}


def _dtype_arg(fn: str, name: str, value: Any, position: int) -> dtypes.dtype:
    """A `torch.dtype` parameter: a dtype, or one of Python's float/int/bool (as torch's parser takes)."""
    if value is float:
        return dtypes.float64  # torch's parser reads the Python type float as double
    if value in (int, bool):
        return dtypes.as_dtype(value)
    if not isinstance(value, dtypes.dtype):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be torch.dtype, not {type_name(value)}")
    return value


_REAL_PART = {"complex32": dtypes.float16, "complex64": dtypes.float32, "complex128": dtypes.float64}


def _g(value: float) -> str:
    return f"{value:g}"  # torch prints the limits with six significant digits


class _Limits(metaclass=TorchClass):
    """What finfo and iinfo share: two are equal (and hash alike) when they describe the same dtype."""

    dtype: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.dtype))


class finfo(_Limits):
    """The limits of a floating-point dtype: eps, max, min, tiny (= smallest_normal), resolution, bits.

    >>> finfo(float32).eps
    1.1920928955078125e-07
    """

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - torch's parameter name
        d = dtypes.get_default_dtype() if type is None else _dtype_arg("finfo", "type", type, 1)
        d = _REAL_PART.get(d.name, d)  # a complex dtype's limits are those of its parts, as in torch
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        self.bits: int = d.itemsize * 8
        if d is bfloat16:  # float32's exponent with 8 bits of precision: numpy has no bfloat16 to ask
            self.eps, self.max, self.tiny = 2.0 ** -7, float((2 - 2.0 ** -7) * 2.0 ** 127), 2.0 ** -126
        elif d.name in _FLOAT8_LIMITS:
            self.eps, self.max, self.tiny = _FLOAT8_LIMITS[d.name]
        else:
            info = np.finfo(d.np)
            self.eps, self.max, self.tiny = float(info.eps), float(info.max), float(info.smallest_normal)
        self.min: float = -self.max if d.is_signed else self.tiny  # (an unsigned float's least is its tiniest)
        self.smallest_normal: float = self.tiny
        # the decimal digits the dtype holds for sure: 10 ** -floor(-log10(eps))
        self.resolution: float = 10.0 ** -math.floor(-math.log10(self.eps))
        self.dtype: str = d.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, max={_g(self.max)}, "
                f"eps={_g(self.eps)}, smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, "
                f"dtype={self.dtype})")


class iinfo(_Limits):
    """The limits of an integer dtype: bits, min, max.

    >>> iinfo(uint8).max
    255
    """

    def __init__(self, type: Any) -> None:  # noqa: A002 - torch's parameter name
        d = _dtype_arg("iinfo", "type", type, 1)
        if d is dtypes.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(np.dtype(d.name))  # by name: uint16/32/64 have limits, though no storage here
        self.bits: int = d.itemsize * 8
        self.min: int = int(info.min)
        self.max: int = int(info.max)
        self.dtype: str = d.name

    def __repr__(self) -> str:
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"


name_in_errors(finfo, "torch.finfo")  # CPython's errors name them as torch's C types
name_in_errors(iinfo, "torch.iinfo")


def promote_types(type1: Any, type2: Any) -> dtypes.dtype:
    """The smallest dtype both can be cast to without losing their kind: int64 with float16 is float16."""
    a = _dtype_arg("promote_types", "type1", type1, 1)
    b = _dtype_arg("promote_types", "type2", type2, 2)
    return dtypes.promote_types(a, b)


def result_type(tensor: Any, other: Any) -> dtypes.dtype:
    """The dtype `tensor + other` would have: tensors with dimensions outrank 0-d tensors, which outrank numbers."""
    for value in (tensor, other):
        if not isinstance(value, (Tensor, bool, int, float)):
            raise invalid_combination("result_type", (tensor, other))
    return promotion.result_type(tensor, other)


def can_cast(from_: Any, to: Any) -> bool:
    """False only when the cast would drop a kind: float to integer or bool, integer to bool."""
    source = _dtype_arg("can_cast", "from_", from_, 1)
    target = _dtype_arg("can_cast", "to", to, 2)
    return dtypes._category(source) <= dtypes._category(target)

"""The legacy typed constructors: `FloatTensor`, `DoubleTensor`, `LongTensor`, ... .

`FloatTensor([1, 2])` makes a float32 tensor and `isinstance(t, FloatTensor)` checks the dtype,
as in torch. They are classes only in name: each call makes an ordinary `Tensor`.
"""
from __future__ import annotations

from typing import Any

from . import dtypes


class _LegacyType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        from .tensor import Tensor

        return isinstance(obj, Tensor) and obj.dtype is cls._dtype  # type: ignore[attr-defined]

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        from .creation import legacy_new
        from .tensor import Tensor

        return legacy_new(Tensor, cls._dtype, args, kwargs)  # type: ignore[attr-defined]


def _legacy(name: str, d: dtypes.dtype) -> Any:
    return _LegacyType(name, (), {"_dtype": d, "dtype": d})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool)

LEGACY_BY_NAME = {
    f"torch.{c.__name__}": c
    for c in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ByteTensor, BoolTensor)
}

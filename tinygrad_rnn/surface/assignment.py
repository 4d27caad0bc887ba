"""torch's checks for `x[key] = value`, in torch's order: a Python number is converted to x's dtype first,
then the index is checked (as reading x[key] would check it), then value's shape against the indexed shape.

numpy would do all three in one step, with its own errors (ValueError, OverflowError, "axis"); these
helpers make each failure torch's exception with torch's wording.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import integer_fill


def assignable_number(target: Tensor, value: Any) -> Any:
    """A Python number as x's dtype holds it (torch's overflow errors), or torch's TypeError for a non-number."""
    if isinstance(value, Tensor):
        return value
    if not isinstance(value, (bool, int, float, np.generic)):
        raise TypeError(f"can't assign a {type(value).__name__} to a torch.{_legacy_name(target.dtype)}")
    d = target.dtype
    if d is dtypes.bool or d.is_floating_point:
        return value
    return integer_fill(value, d)


def _legacy_name(d: dtypes.dtype) -> str:
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
             "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
    return names.get(d.name, d.name) + "Tensor"


def check_value_shape(value: Tensor, indexed: tuple, advanced: bool) -> None:
    """value must broadcast to the indexed shape once its leading 1-sized dims are dropped (torch drops them)."""
    shape = tuple(value.shape)
    while shape and shape[0] == 1 and len(shape) > len(indexed):
        shape = shape[1:]
    try:
        fits = np.broadcast_shapes(shape, indexed) == tuple(indexed) and len(shape) <= len(indexed)
    except ValueError:
        fits = False
    if fits:
        return
    if advanced:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(indexed)}")
    raise RuntimeError(f"value tensor of shape {list(value.shape)} cannot be expanded to the indexed shape "
                       f"{list(indexed)}")


def is_advanced(key: Any) -> bool:
    """Does the index hold a tensor, array or list (torch's advanced indexing)?"""
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (Tensor, np.ndarray, list)) for k in parts)

"""torch's checks for `x[key] = value`, in torch's order: a Python number is converted to x's dtype first,
then the index is checked (as reading x[key] would check it), then value's shape against the indexed shape.

numpy would do all three in one step, with its own errors (ValueError, OverflowError, "axis"); these
helpers make each failure torch's exception with torch's wording.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import type_name
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import checked_fill, integer_fill


def assignable_number(target: Tensor, value: Any) -> Any:
    """A Python number as x's dtype holds it (torch's overflow errors), or torch's TypeError for a non-number.

    Of numpy's scalars torch takes the integers and those that are Python numbers (np.float64 is a float);
    np.float32, np.float16 and np.bool_ are refused as a 0-d array is (IBM's labs write
    `model.state_dict()['bias'][0] = value` with values from numpy)."""
    if isinstance(value, Tensor):
        return value
    if not isinstance(value, (bool, int, float, np.integer)):
        raise TypeError(f"can't assign a {type_name(value)} to a torch.{_legacy_name(target.dtype)}")
    d = target.dtype
    if d is dtypes.float32:  # torch checks float's range, but puts a number too large for half as inf
        return checked_fill(value, d)
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
    while shape and shape[0] == 1:  # torch names the value's shape with all its leading 1s dropped
        shape = shape[1:]
    if advanced:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(shape)} cannot be broadcast to "
                           f"indexing result of shape {list(indexed)}")
    # torch copies into the indexed view, expanding the value: expand's error
    value.detach().reshape(shape).expand(tuple(indexed))  # (a tuple: expand() with no sizes is a parser error)
    raise AssertionError(f"{list(value.shape)} should not expand to {list(indexed)}")  # fits is False: unreachable


def copy_shape_error(target: tuple, source: tuple) -> str | None:
    """torch's message when `source` cannot be copied into a tensor of shape `target` (as `copy_` copies: the
    two shapes broadcast, target named a and source b, to exactly target's shape), else None."""
    for i in range(1, min(len(target), len(source)) + 1):
        if target[-i] != source[-i] and 1 not in (target[-i], source[-i]):
            return (f"The size of tensor a ({target[-i]}) must match the size of tensor b ({source[-i]}) "
                    f"at non-singleton dimension {max(len(target), len(source)) - i}")
    broadcast = np.broadcast_shapes(target, source)
    if broadcast != tuple(target):
        return f"output with shape {list(target)} doesn't match the broadcast shape {list(broadcast)}"
    return None


def is_advanced(key: Any) -> bool:
    """Does the index hold a tensor, array or list (torch's advanced indexing)?"""
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (Tensor, np.ndarray, list)) for k in parts)


def is_index_put(key: Any) -> bool:
    """Does torch write `x[key] = v` with index_put_ (whose shape error is "shape mismatch") rather than copy
    into the view x[key] (expand's errors)? An index tensor, array or list makes it index_put_, and so does a
    bool in a tuple; a 0-d integer tensor is a select, as an int is."""
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list)) or isinstance(k, Tensor) and not _is_int_scalar(k)
               or isinstance(key, tuple) and isinstance(k, bool) for k in parts)


def check_put_dtype(target: Tensor, key: Any, value: Any) -> None:
    """An advanced assignment is torch's index_put_, which wants a value tensor in x's own dtype (a Python
    number is converted first); one number put through a single mask is its masked_fill_ instead, which
    converts it, and takes only bool masks."""
    parts = [k for k in (key if isinstance(key, tuple) else (key,))  # in a tuple, a bool is an index tensor too
             if isinstance(k, (Tensor, np.ndarray, list)) and not _is_int_scalar(k)
             or isinstance(key, tuple) and isinstance(k, bool)]
    if not parts:
        return
    if not isinstance(value, Tensor) or value.numel() == 1 and len(parts) == 1 and _is_mask(parts[0]):
        if len(parts) == 1 and getattr(parts[0], "dtype", None) is dtypes.uint8 and parts[0].ndim:
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
        if isinstance(value, Tensor):  # masked_fill_ reads a one-element value as a number, with its range checks
            assignable_number(target, value._data.reshape(()).item())
        return
    if value.dtype is not target.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_legacy_name(target.dtype)[:-6]} for the destination and "
                           f"{_legacy_name(value.dtype)[:-6]} for the source.")


def routes_to_masked_fill(key: Any, value: Any) -> bool:
    """Does torch's index_put_ hand `x[key] = value` to masked_fill_: one value (a number, a one-element tensor)
    put through a single index that is a mask?"""
    parts = [k for k in (key if isinstance(key, tuple) else (key,))
             if isinstance(k, (Tensor, np.ndarray, list)) and not _is_int_scalar(k)
             or isinstance(key, tuple) and isinstance(k, bool)]
    one_value = not isinstance(value, Tensor) or value.numel() == 1
    return one_value and len(parts) == 1 and _is_mask(parts[0])


def byte_masks_warned_before(key: Any, value: Any, mask_error: str) -> int:
    """How many byte-mask warnings torch gives before its error for a mask of the wrong shape in `x[key] = value`.

    For one value (a number, a one-element tensor) index_put_ first tries masked_fill_, which checks the first
    index, if a mask, without a warning; otherwise index_put_ warns of each byte mask up to the one that fails."""
    parts = [k for k in (key if isinstance(key, tuple) else (key,))
             if isinstance(k, (Tensor, np.ndarray, list)) and not _is_int_scalar(k)
             or isinstance(key, tuple) and isinstance(k, bool)]
    masks = [k for k in parts if _is_mask(k)]
    failing = next((i for i, k in enumerate(masks) if mask_error.startswith(f"The shape of the mask {list(k.shape if hasattr(k, 'shape') else np.shape(k))} ")),
                   len(masks) - 1)
    one_value = not isinstance(value, Tensor) or value.numel() == 1
    if one_value and failing == 0 and parts and _is_mask(parts[0]):
        return 0
    return sum(getattr(k, "dtype", None) is dtypes.uint8 for k in masks[:failing + 1])


def _is_int_scalar(k: Any) -> bool:
    """A 0-d integer tensor indexes as a plain int (torch selects with it); a 0-d bool or byte one does not."""
    return isinstance(k, Tensor) and k.ndim == 0 and k.dtype not in (dtypes.bool, dtypes.uint8)


def _is_mask(k: Any) -> bool:
    """A bool or byte tensor of at least one dim, or a list of bools (torch makes it a bool tensor)."""
    if isinstance(k, bool):  # torch makes a Python bool a long index tensor, not a mask
        return False
    if isinstance(k, list):
        return bool(k) and all(isinstance(v, bool) for v in k)
    return k.ndim > 0 and k.dtype in (dtypes.bool, dtypes.uint8, np.bool_)

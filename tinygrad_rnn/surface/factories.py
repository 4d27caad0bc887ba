"""More ways to make a tensor: `logspace`, `range` (deprecated in torch), `asarray`, `frombuffer`
and `empty_strided`, with torch's values, dtypes, memory sharing and errors."""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..argcheck import invalid_combination
from ..core import dtypes
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..creation import (
    _finish,
    _is_int,
    check_0d_bounds,
    factory,
    from_numpy,
    integer_fill,
    set_keywords,
    steps_number,
    tensor,
)
from ..determinism import uninitialized
from ..device import check_device
from ..layout import check_layout, check_pin_memory
from ..range_values import logspace_values, range_values


@factory
def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """base ** linspace(start, end, steps), computed as torch does (range_values.py): the first half counts
    up from start and the second half down from end. An integer dtype converts the bounds as fill values
    (they must fit; 1.2 becomes 1), except that a single step checks its value instead."""
    check_0d_bounds("logspace", start, end)
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    steps = steps_number(steps)
    if not all(isinstance(v, (int, float)) for v in (start, end)) or not _is_int(steps):
        raise invalid_combination("logspace", (start, end, steps, *([base] if base != 10.0 else [])),
                                  kwargs=set_keywords(dtype=dtype, device=device, requires_grad=requires_grad))
    check_device(device)  # before the values are looked at, as torch
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if d is dtypes.bool and steps > 1:
        raise NotImplementedError('"logspace_cpu" not implemented for \'Bool\'')
    if not d.is_floating_point and d is not dtypes.bool:  # a fill value's conversion: checked, 1.2 -> 1
        if steps == 1:  # torch checks the one value instead of the bounds
            integer_fill(float(logspace_values(start, end, 1, base, np.float64)[0]), d)
        else:
            start, end = integer_fill(start, d), integer_fill(end, d)
    if not steps:
        return _finish(Tensor._make(np.zeros(0, d.np)), requires_grad, device)
    return _finish(Tensor._make(logspace_values(start, end, steps, base, d.np)), requires_grad, device)


@factory
def range(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None,  # noqa: A001
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """start, start + step, ..., up to and *including* end. Deprecated in torch (it warns so): use arange."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=3)  # past @factory, to the caller
    if end is None:
        raise TypeError("range() missing required argument 'end' (pos 2)")
    check_device(device)  # before the values are looked at, as torch
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    count = math.floor((end - start) / step) + 1
    if d.is_floating_point:
        values = range_values(float(start), float(step), count, d.np)
    else:
        values = (np.int64(start) + np.arange(count, dtype=np.int64) * np.int64(step)).astype(d.np)
    return _finish(Tensor._make(values), requires_grad, device)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """obj as a tensor, sharing memory when it can: a tensor comes back as it is, a numpy array is
    wrapped, not copied (unless `copy=True` or a new dtype forces it; `copy=False` then raises).

    `requires_grad` left out keeps a tensor's autograd history (torch warns once that this default
    changed); False detaches the result, True makes it require grad."""
    check_device(device)
    d = dtypes.as_dtype(dtype) if dtype is not None else None
    if isinstance(obj, Tensor):
        result = obj if d is None or d is obj.dtype else _converted(obj, d, copy)
        result = result.clone() if copy and result is obj else result
    elif isinstance(obj, np.ndarray) and (d is None or d.np == obj.dtype):
        result = from_numpy(obj.copy() if copy else obj)
    else:
        if copy is False and not isinstance(obj, np.ndarray):
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        if copy is False:
            raise ValueError(f"can't alias tensor with dtype '{dtypes.from_numpy_dtype(obj.dtype)._legacy}' into "
                             f"dtype '{d._legacy}'.")
        result = tensor(obj, dtype=d)
    return _with_requires_grad(result, requires_grad, isinstance(obj, Tensor) and obj.requires_grad)


def _with_requires_grad(result: Tensor, requires_grad: bool | None, obj_requires_grad: bool) -> Tensor:
    """asarray's requires_grad: as torch, a leaf is switched in place (the very tensor passed, when it came
    back as it is), a result with history is detached."""
    if requires_grad is None:
        if obj_requires_grad:
            warn_once("asarray requires_grad", "torch.asarray: unspecified requires_grad now defaults to "
                      "obj.requires_grad instead of False. Pass requires_grad=False explicitly to get the old "
                      "behavior and silence this warning.")
        return result
    if requires_grad:
        if not result.dtype.is_floating_point:  # the factories' wording, not requires_grad_()'s
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        return result if result.requires_grad else result.requires_grad_()
    return result.detach() if result.grad_fn is not None else result.requires_grad_(False)


def _converted(t: Tensor, d: dtypes.dtype, copy: bool | None) -> Tensor:
    if copy is False:
        raise ValueError(f"can't alias tensor with dtype '{t.dtype._legacy}' into dtype '{d._legacy}'.")
    return t.to(d)


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0, requires_grad: bool = False) -> Tensor:
    """A 1-d tensor over the bytes of an object with the buffer protocol (bytearray, array.array, ...),
    sharing its memory."""
    d = dtypes.as_dtype(dtype)
    view = memoryview(buffer)
    if view.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor. You "
                      "may want to copy the buffer to protect its data or make it writable before converting it to "
                      "a tensor. This type of warning will be suppressed for the rest of this program.",
                      UserWarning, stacklevel=2)
    total = view.nbytes
    if count == 0 or not 0 <= offset < total:
        raise ValueError(f"both buffer length ({total}) and count ({count}) must not be 0"
                         if count == 0 or total == 0 else
                         f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
                         f"({total} bytes) minus 1")
    available = total - offset
    if count < 0 and available % d.itemsize:
        raise ValueError(f"buffer length ({available} bytes) after offset ({offset} bytes) must be a multiple of "
                         f"element size ({d.itemsize})")
    if count > 0 and count * d.itemsize > available:
        raise ValueError(f"requested buffer length ({count} * {d.itemsize} bytes) after offset ({offset} bytes) "
                         f"must not be greater than actual buffer length ({total} bytes)")
    array = np.frombuffer(buffer, dtype=d.np, count=count, offset=offset)
    return _finish(Tensor._make(array), requires_grad)


def empty_permuted(size: Any, physical_layout: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of `size` whose dims lie in memory in the order `physical_layout` (outermost
    first): a row-major array of the permuted size, seen through the inverse permutation."""
    check_layout("empty_permuted", layout)
    check_pin_memory("empty_permuted", pin_memory)
    size, order = tuple(int(s) for s in size), tuple(int(d) for d in physical_layout)
    if len(size) != len(order):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the physical_layout; i.e. "
                           f"len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}")
    for i, d in enumerate(order):
        if not 0 <= d < len(size):
            raise RuntimeError(f"Dimension out of range (expected to be between 0 and {len(size) - 1}, but got {d} at "
                               f"index {i}).  NB: negative dims not currently supported; file an issue if you want it.")
        if d in order[:i]:
            raise RuntimeError("Duplicate dim not allowed")
    physical_size = [size[i] for i in order]
    if any(s < 0 for s in size):  # (torch names the size in memory order)
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {physical_size}")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    physical = uninitialized(tuple(physical_size), d.np)
    return _finish(Tensor._make(physical.transpose(np.argsort(order))), requires_grad, device)


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor (determinism.py says what it holds) of `size` whose elements lie `stride` elements apart."""
    check_layout("empty_strided", layout)
    check_pin_memory("empty_strided", pin_memory)
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality of strides ({len(stride)})")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    storage = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    base = uninitialized((storage,), d.np)
    array = np.lib.stride_tricks.as_strided(base, size, tuple(s * d.itemsize for s in stride))
    return _finish(Tensor._make(array), requires_grad, device)



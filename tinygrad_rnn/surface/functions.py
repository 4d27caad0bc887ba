"""Module-level spellings of Tensor methods: `torch.numel(t)`, `torch.is_tensor(x)`, ..."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import checked_fill
from ..device import check_device


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def clone(input: Tensor) -> Tensor:
    return input.clone()


def detach(input: Tensor) -> Tensor:
    return input.detach()


def expand_copy(input: Tensor, *size: object) -> Tensor:
    return input.expand(*size).clone()


def accepts_out(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """fn with torch's `out=` keyword: `torch.add(x, y, out=result)` writes into `result` and returns it."""
    @functools.wraps(fn)
    def fn_with_out(*args: Any, out: Tensor | None = None, **kwargs: Any) -> Tensor:
        result = fn(*args, **kwargs)
        return result if out is None else _write_into(out, result)

    return fn_with_out


def _write_into(out: Tensor, result: Tensor) -> Tensor:
    if result.dtype.is_floating_point and not out.dtype.is_floating_point:
        raise RuntimeError(f"result type {result.dtype._legacy} can't be cast to the desired output type {out.dtype._legacy}")
    values = result._data.astype(out._data.dtype)
    if out.shape == result.shape:
        np.copyto(out._data, values)  # in place, so views of `out` see the values
    else:
        out._data = values
    out._version += 1
    return out


# ------------------------------------------------------------------ metadata and in-place spellings
def index_put_(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    return input.index_put_(indices, values, accumulate)


def resize_as_(input: Tensor, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
    return input.resize_as_(the_template)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    return input.is_complex()


def is_signed(input: Tensor) -> bool:
    return input.is_signed()


def is_inference(input: Tensor) -> bool:
    return input.is_inference()


def is_same_size(input: Tensor, other: Tensor) -> bool:
    return input.is_same_size(other)


def get_device(input: Tensor) -> int:
    return input.get_device()


def is_nonzero(input: Tensor) -> bool:
    """The truth of a one-element tensor (torch's errors for more or fewer elements)."""
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    return bool(input)


def scalar_tensor(s: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A 0-d tensor holding the number s, of the default float dtype unless `dtype` is given."""
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, (bool, int, float, complex, np.generic)):  # torch's parser: a Number
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}")
    check_device(device)
    if not isinstance(requires_grad, bool) and requires_grad is not None:
        raise TypeError(f"scalar_tensor(): argument 'requires_grad' must be bool, not {type(requires_grad).__name__}")
    target = dtype if dtype is not None else dtypes.get_default_dtype()
    if target is not dtypes.float16:  # torch checks that s fits, but makes a number too large for half inf
        s = checked_fill(s, target)
    out = Tensor._make(np.asarray(s, dtype=target.np))
    return out.requires_grad_() if requires_grad else out


def real(input: Tensor) -> Tensor:
    return input.real


def imag(input: Tensor) -> Tensor:
    return input.imag


def conj(input: Tensor) -> Tensor:
    return input.conj()



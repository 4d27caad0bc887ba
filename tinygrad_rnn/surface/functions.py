"""Module-level spellings of Tensor methods: `torch.allclose(a, b)`, `torch.eq(a, b)`, ..."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.tensor import Tensor


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def clone(input: Tensor) -> Tensor:
    return input.clone()


def detach(input: Tensor) -> Tensor:
    return input.detach()


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return input.allclose(other, rtol, atol, equal_nan)


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    return input.isclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:
    return input.equal(other)


def expand_copy(input: Tensor, *size: object) -> Tensor:
    return input.expand(*size).clone()


def all(input: Tensor, dim: object = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    return input.all(dim, keepdim)


def any(input: Tensor, dim: object = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    return input.any(dim, keepdim)


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

"""Module-level spellings of Tensor methods: `torch.allclose(a, b)`, `torch.eq(a, b)`, ..."""
from __future__ import annotations

from .tensor import Tensor


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


def eq(input: Tensor, other: object) -> Tensor:
    return input.eq(other)


def ne(input: Tensor, other: object) -> Tensor:
    return input.ne(other)


def gt(input: Tensor, other: object) -> Tensor:
    return input.gt(other)


def ge(input: Tensor, other: object) -> Tensor:
    return input.ge(other)


def lt(input: Tensor, other: object) -> Tensor:
    return input.lt(other)


def le(input: Tensor, other: object) -> Tensor:
    return input.le(other)


def sign(input: Tensor) -> Tensor:
    return input.sign()


def expand_copy(input: Tensor, *size: object) -> Tensor:
    return input.expand(*size).clone()


def all(input: Tensor, dim: object = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    return input.all(dim, keepdim)


def any(input: Tensor, dim: object = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    return input.any(dim, keepdim)

"""Comparisons and predicates: results of dtype bool, outside the graph (no gradient flows through
a comparison, in torch as here), so each op is one numpy call and no Function."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .declare import BINARY_SHAPES, Sample, op, unary
from .promotion import array_of, check_broadcast, promote


def compare(numpy_op: Callable[..., Any], a: Any, b: Any) -> Tensor:
    """numpy_op(a, b) after torch's promotion of the two operands, as a bool tensor."""
    a, b = promote(a, b)
    check_broadcast(a, b)
    return Tensor._make(np.asarray(numpy_op(array_of(a), array_of(b))))


def _with_ties(rng: np.random.Generator) -> list[Sample]:
    """Pairs that are equal in some places (rounded to halves), so == and <= meet ties."""
    return [Sample((np.round(rng.standard_normal(a) * 2) / 2, np.round(rng.standard_normal(b) * 2) / 2))
            for a, b in BINARY_SHAPES] + [Sample((rng.standard_normal((3, 4)), 0.25))]


@op(inplace=True, samples=_with_ties, differentiable=False)
def eq(input: Tensor, other: Any) -> Tensor:
    return compare(np.equal, input, other)


@op(inplace=True, aliases=("not_equal",), samples=_with_ties, differentiable=False)
def ne(input: Tensor, other: Any) -> Tensor:
    return compare(np.not_equal, input, other)


@op(inplace=True, aliases=("less",), samples=_with_ties, differentiable=False)
def lt(input: Tensor, other: Any) -> Tensor:
    return compare(np.less, input, other)


@op(inplace=True, aliases=("less_equal",), samples=_with_ties, differentiable=False)
def le(input: Tensor, other: Any) -> Tensor:
    return compare(np.less_equal, input, other)


@op(inplace=True, aliases=("greater",), samples=_with_ties, differentiable=False)
def gt(input: Tensor, other: Any) -> Tensor:
    return compare(np.greater, input, other)


@op(inplace=True, aliases=("greater_equal",), samples=_with_ties, differentiable=False)
def ge(input: Tensor, other: Any) -> Tensor:
    return compare(np.greater_equal, input, other)


def _with_specials(x: np.ndarray) -> np.ndarray:
    """Some entries inf, -inf or nan, for the predicates that look for them."""
    x = np.array(x, dtype=float)
    flat = x.reshape(-1)
    flat[::3], flat[1::5], flat[2::7] = np.inf, -np.inf, np.nan
    return x


@op(samples=unary(_with_specials), differentiable=False)
def isnan(input: Tensor) -> Tensor:
    return Tensor._make(np.isnan(input._data))


@op(samples=unary(_with_specials), differentiable=False)
def isinf(input: Tensor) -> Tensor:
    return Tensor._make(np.isinf(input._data))


@op(samples=unary(_with_specials), differentiable=False)
def isfinite(input: Tensor) -> Tensor:
    return Tensor._make(np.isfinite(input._data))


@op(inplace=True, samples=unary(), differentiable=False)
def logical_not(input: Tensor) -> Tensor:
    return Tensor._make(np.logical_not(input._data))

"""Comparisons and predicates: results of dtype bool, outside the graph (no gradient flows through
a comparison, in torch as here), so each op is one numpy call and no Function."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..argcheck import as_called, bool_arg, float_arg, invalid_combination, tensor_arg
from ..core.tensor import Tensor
from ..overload_table import FUNCTIONS
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


_COMPARISON_SIGNATURES = FUNCTIONS["eq"]  # (every comparison's: tensor with tensor, tensor with number)


def _comparison(name: str, numpy_op: Callable[..., Any], symbol: str, aliases: tuple[str, ...] = ()
                ) -> Callable[[Tensor, Any], Tensor]:
    """Declare the comparison `torch.<name>`: numpy_op after torch's promotion (all six are alike)."""

    def comparison(input: Tensor, other: Any) -> Tensor:
        if not isinstance(input, Tensor):  # torch.le(3, x): no overload takes a number first (x.__ge__(3) does it)
            raise invalid_combination(name, (input, other), _COMPARISON_SIGNATURES)
        return compare(numpy_op, input, other)

    comparison.__name__ = comparison.__qualname__ = name
    comparison.__doc__ = f"input {symbol} other, elementwise, as a bool tensor."
    return op(out=True, inplace=True, aliases=aliases, samples=_with_ties, differentiable=False)(comparison)


eq = _comparison("eq", np.equal, "==")
ne = _comparison("ne", np.not_equal, "!=", ("not_equal",))
lt = _comparison("lt", np.less, "<", ("less",))
le = _comparison("le", np.less_equal, "<=", ("less_equal",))
gt = _comparison("gt", np.greater, ">", ("greater",))
ge = _comparison("ge", np.greater_equal, ">=", ("greater_equal",))


def _with_specials(x: np.ndarray) -> np.ndarray:
    """Some entries inf, -inf or nan, for the predicates that look for them."""
    x = np.array(x, dtype=float)
    flat = x.reshape(-1)
    flat[::3], flat[1::5], flat[2::7] = np.inf, -np.inf, np.nan
    return x


def _predicate(name: str, numpy_op: Callable[[np.ndarray], np.ndarray]) -> Callable[[Tensor], Tensor]:
    """Declare the predicate `torch.<name>`: where the input is nan, inf or finite."""

    def predicate(input: Tensor) -> Tensor:
        return Tensor._make(numpy_op(input._data))

    predicate.__name__ = predicate.__qualname__ = name
    predicate.__doc__ = f"Where the input is {name.removeprefix('is')}, as a bool tensor."
    return op(samples=unary(_with_specials), differentiable=False)(predicate)


isnan = _predicate("isnan", np.isnan)
isinf = _predicate("isinf", np.isinf)
isfinite = _predicate("isfinite", np.isfinite)


@op(out=True, inplace=True, samples=unary(), differentiable=False)
def logical_not(input: Tensor) -> Tensor:
    return Tensor._make(np.logical_not(input._data))


def _close_pairs(rng: np.random.Generator) -> list[Sample]:
    """Pairs of which some elements are within tolerance of each other and some are not."""
    return [Sample((a := rng.standard_normal(s), np.asarray(a + rng.choice([0.0, 1e-9, 1e-3], size=a.shape))))
            for s in [(3, 4), (1,), (0, 3), ()]] + [Sample((rng.standard_normal((3, 4)), rng.standard_normal(4)))]


def _close_args(fn: str, input: Any, other: Any, rtol: Any, atol: Any, equal_nan: Any) -> None:
    """torch's argument errors of isclose and allclose, in its order (makemore's cmp() passes t.grad,
    which is None when the gradient was not kept)."""
    tensor_arg(fn, "input", input, 1)
    tensor_arg(fn, "other", other, 2)
    float_arg(fn, "rtol", rtol, 3)
    float_arg(fn, "atol", atol, 4)
    bool_arg(fn, "equal_nan", equal_nan, 5)


@op(samples=_close_pairs, differentiable=False, renumber_method_errors=True)
@as_called("isclose")
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise; NaNs are close only with equal_nan."""
    _close_args("isclose", input, other, rtol, atol, equal_nan)
    return _isclose(input, other, float(rtol), float(atol), bool(equal_nan))


def _isclose(input: Tensor, other: Tensor, rtol: float, atol: float, equal_nan: bool) -> Tensor:
    if input.dtype != other.dtype:  # torch compares like with like rather than promote
        raise RuntimeError(f"{input.dtype._legacy} did not match {other.dtype._legacy}")
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:  # (C++ prints the double as %g does)
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tolerance:g}")
    check_broadcast(input, other)
    return Tensor._make(np.asarray(np.isclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan)))


# equal and allclose answer with a Python bool, not a tensor: the op database compares the value.
@op(samples=_close_pairs, differentiable=False, renumber_method_errors=True)
@as_called("allclose")
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether every element of input is close to other's (isclose), as one Python bool."""
    _close_args("allclose", input, other, rtol, atol, equal_nan)
    return bool(_isclose(input, other, float(rtol), float(atol), bool(equal_nan))._data.all())


def _equal_samples(rng: np.random.Generator) -> list[Sample]:
    a = rng.standard_normal((3, 4))
    changed = a.copy()
    changed[1, 2] += 1e-12
    return [Sample((a, a.copy())), Sample((a, changed)), Sample((a, a[:1])), Sample((np.zeros((0, 3)), np.zeros((0, 3)))),
            Sample((a[0, 0, None].reshape(()), a[0, 0, None].reshape(()))), Sample((a[:1, 0], a[0, 0, None].reshape(())))]


@op(samples=_equal_samples, differentiable=False, renumber_method_errors=True)
@as_called("equal")
def equal(input: Tensor, other: Tensor) -> bool:
    """Whether input and other have the same shape and the same elements, as one Python bool."""
    tensor_arg("equal", "input", input, 1)
    tensor_arg("equal", "other", other, 2)
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))

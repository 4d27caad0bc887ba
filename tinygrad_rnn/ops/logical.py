"""Bitwise and logical ops, and the sign/infinity predicates: results outside the graph.

No gradient flows through any of these (in torch as here): bitwise ops take only integer and bool
tensors, logical ops and predicates return bool. So each op is a numpy call after torch's dtype
rule, and no Function.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..argcheck import binary_overloads, tensor_operand, type_name
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import tensor
from .compare import compare
from .declare import Sample, op, unary
from .promotion import array_of, check_broadcast, promote


def _not_implemented(kernel: str, dtype: dtypes.dtype) -> NotImplementedError:
    """torch's error for a kernel that has no version for this dtype (bitwise ops on floats)."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype._legacy}\'')


def _dtype_of(x: Any) -> dtypes.dtype:
    return x.dtype if isinstance(x, Tensor) else dtypes.scalar_dtype(x)


def _integer_pair(kernel: str, a: Any, b: Any, allow_bool: bool = True) -> tuple[Any, Any]:
    """The two operands promoted as torch does; integers (and bools, unless a shift) only."""
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = tensor(a)  # torch.bitwise_and(3, t) reads the number as a 0-d tensor
    a, b = promote(a, b)
    check_broadcast(a, b)
    result = _dtype_of(a) if isinstance(a, Tensor) else _dtype_of(b)
    if result.is_floating_point or (result is dtypes.bool and not allow_bool):
        raise _not_implemented(kernel, result)
    return a, b


# torch's bitwise ops take a number first too, but without `out`
_BITWISE_OVERLOADS = binary_overloads(number_first_out=False)


def _bitwise(numpy_op: Callable[..., Any], kernel: str, a: Any, b: Any) -> Tensor:
    tensor_operand(kernel.removesuffix("_cpu"), a, b, _BITWISE_OVERLOADS)
    a, b = _integer_pair(kernel, a, b)
    return Tensor._make(np.asarray(numpy_op(array_of(a), array_of(b))))


def _integer_samples(rng: np.random.Generator) -> list[Sample]:
    """int64 pairs that broadcast, a bool pair, an empty batch and a 0-d operand, and a number."""
    ints = lambda shape: rng.integers(-20, 20, shape)  # noqa: E731
    bools = lambda shape: rng.integers(0, 2, shape).astype(bool)  # noqa: E731
    return [Sample((ints((3, 4)), ints((3, 4)))), Sample((ints((3, 4)), ints((4,)))),
            Sample((bools((2, 3)), bools((3,)))), Sample((ints((0, 3)), ints((1, 3)))),
            Sample((ints((1,)), ints(()))), Sample((ints((3,)), 6))]


def _shift_samples(rng: np.random.Generator) -> list[Sample]:
    """Shifts in range, and some at or past the width of int64 (torch gives 0 or the sign there)."""
    values = lambda shape: rng.integers(-1000, 1000, shape)  # noqa: E731
    return [Sample((values((3, 4)), rng.integers(0, 10, (3, 4)))), Sample((values((2, 3)), rng.integers(0, 70, (3,)))),
            Sample((values((0, 3)), rng.integers(0, 5, (1, 3)))), Sample((values((4,)), 3)),
            Sample((values(()), np.asarray(64)))]


def _logical_samples(rng: np.random.Generator) -> list[Sample]:
    """Floats with zeros among them, mixed with bools and ints: any dtype is read as truth."""
    zeroed = lambda shape: np.where(rng.random(shape) < 0.3, 0.0, rng.standard_normal(shape))  # noqa: E731
    return [Sample((zeroed((3, 4)), zeroed((3, 4)))), Sample((zeroed((3, 4)), rng.integers(0, 2, (4,)).astype(bool))),
            Sample((rng.integers(-1, 2, (2, 3)), zeroed((3,)))), Sample((zeroed((0, 3)), zeroed((1, 3)))),
            Sample((zeroed((1,)), zeroed(())))]


@op(out=True, inplace=True, samples=_integer_samples, differentiable=False)
def bitwise_and(input: Any, other: Any) -> Tensor:
    return _bitwise(np.bitwise_and, "bitwise_and_cpu", input, other)


@op(out=True, inplace=True, samples=_integer_samples, differentiable=False)
def bitwise_or(input: Any, other: Any) -> Tensor:
    return _bitwise(np.bitwise_or, "bitwise_or_cpu", input, other)


@op(out=True, inplace=True, samples=_integer_samples, differentiable=False)
def bitwise_xor(input: Any, other: Any) -> Tensor:
    return _bitwise(np.bitwise_xor, "bitwise_xor_cpu", input, other)


@op(out=True, inplace=True, samples=lambda rng: [Sample((rng.integers(-9, 9, s),)) for s in [(3, 4), (1,), (0, 3), ()]]
    + [Sample((rng.integers(0, 2, (5,)).astype(bool),))], differentiable=False)
def bitwise_not(input: Tensor) -> Tensor:
    if input.dtype.is_floating_point:
        raise _not_implemented("bitwise_not_cpu", input.dtype)
    return Tensor._make(np.invert(input._data))


def _shift(a: np.ndarray, b: np.ndarray, left: bool) -> np.ndarray:
    """a << b or a >> b with torch's result for shifts outside [0, bits): 0 for a left shift, the
    sign for a right shift (numpy leaves those to the machine)."""
    bits = a.dtype.itemsize * 8
    b = np.broadcast_to(b, np.broadcast_shapes(a.shape, b.shape))
    inside = (b >= 0) & (b < bits)
    safe = np.where(inside, b, 0).astype(a.dtype)
    if left:
        return np.where(inside, np.left_shift(a, safe), 0).astype(a.dtype)
    return np.where(inside, np.right_shift(a, safe), np.where(a < 0, -1, 0)).astype(a.dtype)


def _shift_op(input: Any, other: Any, left: bool) -> Tensor:
    tensor_operand(f"bitwise_{'left' if left else 'right'}_shift", input, other, _BITWISE_OVERLOADS)
    a, b = _integer_pair("lshift_cpu" if left else "rshift_cpu", input, other, allow_bool=False)
    a_array, b_array = np.asarray(array_of(a)), np.asarray(array_of(b))
    dtype = a_array.dtype if isinstance(a, Tensor) else b_array.dtype
    return Tensor._make(_shift(a_array.astype(dtype), b_array.astype(dtype), left))


@op(out=True, inplace=True, samples=_shift_samples, differentiable=False)
def bitwise_left_shift(input: Any, other: Any) -> Tensor:
    return _shift_op(input, other, left=True)


@op(out=True, inplace=True, samples=_shift_samples, differentiable=False)
def bitwise_right_shift(input: Any, other: Any) -> Tensor:
    return _shift_op(input, other, left=False)


def _logical(numpy_op: Callable[..., Any], name: str, input: Tensor, other: Any) -> Tensor:
    """The truth of each element of both (any dtype; zero is False), combined by numpy_op."""
    for position, (parameter, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{parameter}' (position {position}) must be Tensor, not {type_name(value)}")
    return compare(numpy_op, input, other)


@op(out=True, inplace=True, renumber_method_errors=True, samples=_logical_samples, differentiable=False)
def logical_and(input: Tensor, other: Tensor) -> Tensor:
    return _logical(np.logical_and, "logical_and", input, other)


@op(out=True, inplace=True, renumber_method_errors=True, samples=_logical_samples, differentiable=False)
def logical_or(input: Tensor, other: Tensor) -> Tensor:
    return _logical(np.logical_or, "logical_or", input, other)


@op(out=True, inplace=True, renumber_method_errors=True, samples=_logical_samples, differentiable=False)
def logical_xor(input: Tensor, other: Tensor) -> Tensor:
    return _logical(np.logical_xor, "logical_xor", input, other)


def _isin_samples(rng: np.random.Generator) -> list[Sample]:
    values = lambda shape: rng.integers(0, 8, shape).astype(float)  # noqa: E731
    return [Sample((values((3, 4)), values((5,)))), Sample((values((3, 4)), values((2, 2))), {"invert": True}),
            Sample((values((0, 3)), values((3,)))), Sample((values(()), values((4,)))),
            Sample((values((6,)), 3.0)), Sample((values((6,)), values((4,))), {"assume_unique": True})]


@op(method=False, samples=_isin_samples, differentiable=False)
def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each of `elements` is among `test_elements` (either may be a number)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments: elements and test_elements "
                        "cannot both be numbers")
    if any(isinstance(x, bool) or (isinstance(x, Tensor) and x.dtype is dtypes.bool) for x in (elements, test_elements)):
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    a, b = promote(elements, test_elements)
    found = np.isin(np.asarray(array_of(a)), np.asarray(array_of(b)), invert=invert)
    return Tensor._make(np.asarray(found))


def _with_infinities(rng: np.random.Generator) -> list[Sample]:
    def specials(shape: tuple) -> np.ndarray:
        x = rng.standard_normal(shape)
        flat = x.reshape(-1)
        flat[::3], flat[1::4], flat[2::5] = np.inf, -np.inf, np.nan
        return x
    return [Sample((specials(s),)) for s in [(3, 4), (1,), (0, 3), ()]] + [Sample((rng.integers(-3, 3, (4,)),))]


@op(out=True, samples=_with_infinities, differentiable=False)
def isposinf(input: Tensor) -> Tensor:
    return Tensor._make(np.isposinf(input._data) if input.dtype.is_floating_point else np.zeros(input.shape, bool))


@op(out=True, samples=_with_infinities, differentiable=False)
def isneginf(input: Tensor) -> Tensor:
    return Tensor._make(np.isneginf(input._data) if input.dtype.is_floating_point else np.zeros(input.shape, bool))


@op(samples=_with_infinities, differentiable=False)
def isreal(input: Tensor) -> Tensor:
    """Every real tensor is real: all True (the tensors here have no complex dtype)."""
    return Tensor._make(np.ones(input.shape, bool))


def _signed_zeros(rng: np.random.Generator) -> list[Sample]:
    samples = unary()(rng)
    return samples + [Sample((np.array([-0.0, 0.0, -np.inf, np.inf, 1.0]),)), Sample((rng.integers(-3, 3, (5,)),)),
                      Sample((rng.integers(0, 2, (3,)).astype(bool),))]


@op(out=True, samples=_signed_zeros, differentiable=False)
def signbit(input: Tensor) -> Tensor:
    """Whether the sign bit is set: True for -0.0 as for -1.0."""
    if input.dtype is dtypes.bool:
        return Tensor._make(np.zeros(input.shape, bool))
    return Tensor._make(np.asarray(np.signbit(input._data)))

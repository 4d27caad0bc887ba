"""torch's type promotion, and the operands of binary ops.

Every binary op (`add`, `mul`, `maximum`, `where`, ...) takes its two operands through `promote`:
numbers stay numbers, lists and arrays become tensors, and both are cast to the dtype torch's rule
gives (`result_type`). Shapes that do not broadcast fail here with torch's message.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import NotAnOperand
from ..backend.cpu_capability import lanes
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import tensor
from .cast import Cast, PromotionCast


def array_of(x: Any) -> Any:
    """The numpy array of a Tensor; a Python number as it is."""
    return x._data if isinstance(x, Tensor) else x


def on_arrays(ufunc: Any, x: Any, y: Any) -> Any:
    """`ufunc(array_of(x), array_of(y))` in one call (add and sub run it on every forward)."""
    # (the second operand may well be a number, x + 1.0: its type first, as isinstance(1.0, Tensor), being
    # False, costs three times a true one)
    return ufunc(x._data if isinstance(x, Tensor) else x, y if type(y) is float else y._data if isinstance(y, Tensor) else y)


def by_number_in_float32(ufunc: Any, x: Any, y: Any) -> Any:
    """`ufunc(x, y)` on two operands (Tensors, arrays or numbers); for a float16 array times or over a Python number
    (`y`), as torch's mul and div kernels do it: the number stays float32 and the result is rounded to
    float16 once (numpy would round the number to float16 first, off by an ulp about a quarter of the time).
    torch's add, sub, pow, remainder and comparisons do round the number first, so they call the ufunc."""
    x = x._data if isinstance(x, Tensor) else x  # (array_of, inline: Mul's forward and backward pass here)
    # (itemsize first: comparing a dtype with a type costs ~0.2 us, an itemsize a tenth of that)
    if type(y) is float:  # (tested before isinstance(y, Tensor), which costs three times as much when False)
        if x.dtype.itemsize == 2 and x.dtype == np.float16:
            with np.errstate(over="ignore", invalid="ignore"):  # too large for half is inf, as torch, without a word
                return ufunc(x, np.float32(y)).astype(np.float16)  # a numpy float32 is not weak: computed in float32
        found = _NUMBER_ARRAYS.get(x.dtype, _NONE).get(y)  # number_operand(y, x.dtype), its common case inline
        return ufunc(x, number_operand(y, x.dtype) if found is None else found)
    return ufunc(x, y._data if isinstance(y, Tensor) else y)


# Python floats as 0-d arrays, by dtype (float32, float64) and value, made once (number_operand)
_NUMBER_ARRAYS: dict = {np.dtype(np.float32): {}, np.dtype(np.float64): {}}
_NONE: dict = {}  # (other dtypes: nothing found)


def number_operand(y: float, dtype: np.dtype) -> Any:
    """`y` as the operand of a ufunc with an array of `dtype`: the same numbers as `y` itself, faster.

    numpy 2 works out the dtype a Python float takes against an array on every call, which costs more than
    a multiply on a small array (x * 0.9 twice as long as x * x). The float is cast to the array's dtype either
    way (NEP 50's weak scalars), so a 0-d array of that dtype, made once per value, gives the same bits. Left
    as it is: other dtypes, zero (its sign would be lost: -0.0 == 0.0 as dict keys), NaN (never equal to
    itself) and values beyond float32's range (their cast warns)."""
    arrays = _NUMBER_ARRAYS.get(dtype)
    if arrays is None or not (y and -1e38 < y < 1e38):  # (False for 0 and NaN)
        return y
    found = arrays.get(y)
    if found is None:
        if len(arrays) > 255:  # a loop over many numbers: start again rather than grow
            arrays.clear()
        found = arrays[y] = np.array(y, dtype)
        found.flags.writeable = False
    return found


def in_float32_for_half(compute: Any, *operands: Any) -> Any:
    """`compute(*operands)`, computed as torch's CPU kernels compute a float16 result: in float32 (its
    "opmath" type), rounded to float16 once at the end. Computed in float16, numpy would round after every
    step (addcmul's product, then its sum) and differ from torch by an ulp in about a third of the places."""
    if result_type(*operands) is not dtypes.float16:
        return compute(*operands)
    wide = (Cast.apply(o, dtypes.float32) if isinstance(o, Tensor) else o for o in operands)
    result = compute(*wide)
    with np.errstate(over="ignore"):  # beyond float16 is inf, as torch, without a word
        return Cast.apply(result, dtypes.float16)


# Elements per step of torch's vectorized CPU loop: two of its vectors (backend/cpu_capability.py), so 32 floats
# with AVX512 and 16 with AVX2 (measured with sigmoid), 16 doubles with AVX512 and 8 with AVX2 (with pow).
# float16 steps by 32 elements on both (measured with add's alpha and gelu).
FLOAT_STEP = 2 * lanes(np.float32)
DOUBLE_STEP = 2 * lanes(np.float64)
HALF_STEP = 32


def vector_loop(shape: tuple, step: int, *operands: Any) -> Any:
    """Where torch's vectorized loop computes an elementwise result of `shape` from `operands`: True
    (everywhere), False (nowhere) or a mask. Its innermost loop runs over the trailing dims it can merge (each
    tensor has them all in full, or broadcasts them all), vectorized in whole steps of `step` elements; a
    scalar loop does the rest, and some kernels round otherwise there (measured: add's alpha and rsqrt in
    float16, pow in float64)."""
    tensors = [(1,) * (len(shape) - t.ndim) + t.shape for t in operands if isinstance(t, Tensor)]
    inner = 1
    for k in range(1, len(shape) + 1):
        if any(dims[-k:] != shape[-k:] and set(dims[-k:]) != {1} for dims in tensors):
            break
        inner *= shape[-k]
    vectorized = inner // step * step
    if vectorized in (0, inner):
        return vectorized == inner and inner > 0
    return (np.arange(int(np.prod(shape))) % inner < vectorized).reshape(shape)


def as_operand(x: Any) -> Any:
    """A binary op's operand: a Tensor or a Python number (a numpy scalar becomes one); else NotAnOperand."""
    if isinstance(x, (Tensor, bool, int, float)):
        return x
    if isinstance(x, np.generic):  # torch's parser reads a numpy bool as a float (int64 tensor + np.True_ is float)
        return float(x) if isinstance(x, np.bool_) else x.item()
    if isinstance(x, complex):  # a number to torch, which makes a complex tensor; tensor() says we have none
        return tensor(x)
    raise NotAnOperand(x)


def as_tensor_or_number(x: Any) -> Any:
    """A Tensor or a Python number; numpy scalars become numbers, arrays and lists Tensors (a value written
    into a tensor, `t[0] = [1., 2.]`, which torch converts)."""
    if isinstance(x, (Tensor, bool, int, float)):
        return x
    if isinstance(x, np.generic):
        return x.item()
    return tensor(x)


def promote(a: Any, b: Any, floating: bool = False) -> tuple[Any, Any]:
    """Cast two operands to torch's result dtype; `floating` makes integer results float (true division)."""
    # The common cases skip the general rule: a float tensor with a Python number keeps its dtype
    # (x * 0.5, 1 - y), and two tensors of one dtype keep it (unless division must make a float).
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype is b._data.dtype and (not floating or a._data.dtype.kind == "f"):
                return a, b
        elif type(b) is float and a._data.dtype.kind == "f":  # (the commonest: x * 0.5)
            return a, b
        elif a._data.dtype.kind == "f" and type(b) is int:
            return a, float_of(b)
    elif isinstance(b, Tensor) and b._data.dtype.kind == "f" and type(a) in PLAIN_NUMBERS:
        return a if type(a) is float else float_of(a), b
    a, b = as_operand(a), as_operand(b)  # numpy scalars, lists, arrays
    result = result_type(a, b)
    if floating and not result.is_floating_point:
        result = dtypes.get_default_dtype()
    return cast_operand(a, result), cast_operand(b, result)


PLAIN_NUMBERS = (int, float)  # exact types: bool is left to the general rule


def float_of(x: int | float) -> float:
    """A Python number as a float operand; torch reads an int as a 64-bit one first."""
    if type(x) is int and not -(2 ** 63) <= x < 2 ** 63:
        raise OverflowError("int too big to convert")
    return float(x)


def cast_operand(x: Any, d: dtypes.dtype) -> Any:
    if isinstance(x, Tensor):
        return x if x.dtype is d else PromotionCast.apply(x, d)
    if d.is_floating_point:
        return float_of(x)
    if type(x) is int and d is not dtypes.bool:
        float_of(x)  # (the range check)  # wraps into the dtype (uint8 - 1 is uint8 + 255), as torch
        return np.array(x, dtype=np.int64).astype(d.np)[()]
    return x


def check_broadcast(a: Any, b: Any) -> None:
    """torch's message for shapes that do not broadcast (numpy's is about 'operands')."""
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        return  # a number broadcasts with anything
    if a._data.shape != b._data.shape:
        check_shapes_broadcast(a._data.shape, b._data.shape)


def check_shapes_broadcast(sa: tuple, sb: tuple) -> None:
    """check_broadcast on two shapes (a may be what earlier operands broadcast to, as torch checks three)."""
    if sa == sb:
        return
    for i in range(1, min(len(sa), len(sb)) + 1):
        if sa[-i] != sb[-i] and sa[-i] != 1 and sb[-i] != 1:
            raise RuntimeError(
                f"The size of tensor a ({sa[-i]}) must match the size of tensor b ({sb[-i]}) "
                f"at non-singleton dimension {max(len(sa), len(sb)) - i}"
            )


def broadcast_shape_of(*shapes: tuple) -> tuple:
    """The shape several operands broadcast to, folded in pairwise as torch does, so a mismatch is named as in
    a binary op's: tensor a is what the operands before broadcast to."""
    shape: tuple = ()
    for s in shapes:
        check_shapes_broadcast(shape, tuple(s))
        shape = np.broadcast_shapes(shape, tuple(s))
    return shape


def result_type(*operands: object) -> dtypes.dtype:
    """torch's promotion: dimensioned tensors outrank 0-d tensors, which outrank Python scalars.

    A lower tier only changes the result when it is of a higher category (bool < int < float),
    so `float32 tensor * 2.0` stays float32 and `int64 tensor * 2.0` becomes the default float.
    """
    tiers: list[list[dtypes.dtype]] = [[], [], []]
    for op in operands:
        if isinstance(op, Tensor):
            tiers[0 if op._data.ndim else 1].append(op.dtype)
        else:
            tiers[2].append(dtypes.scalar_dtype(op))
    best = max(dtypes._category(d) for tier in tiers for d in tier)
    for tier in tiers[:2]:
        if any(dtypes._category(d) == best for d in tier):
            return dtypes.promote_types(*tier)
    return {0: dtypes.bool, 1: dtypes.int64, 2: dtypes.get_default_dtype()}[best]


def to_float(x: Tensor) -> Tensor:
    """The input of a float function (exp, sin, ...): an integer tensor becomes the default float, as in torch."""
    return x if x._data.dtype.kind == "f" else Cast.apply(x, dtypes.get_default_dtype())

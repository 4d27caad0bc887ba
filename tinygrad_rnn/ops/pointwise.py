"""Elementwise ops. Each forward is one numpy call; each backward states the local derivative.

Each op is its Function followed by its `@op` declaration (ops/declare.py): the public function,
with the op's dtype rule in its body (`to_float`: integers compute in the default float;
`_binary`: torch's promotion of two operands).

Binary ops may receive tensors of different shapes: the engine sums each gradient back to its
input's shape, so no backward here un-broadcasts by hand.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..argcheck import (
    OPERAND_TYPES,
    NotAnOperand,
    as_called,
    binary_overloads,
    cpp_type_name,
    invalid_combination,
    number_arg,
    tensor_arg,
    tensor_operand,
)
from ..backend.fma import fma
from ..backend.undispatched import empty_like
from ..core import dtypes
from ..core.forward_mode import given
from ..core.function import NO_EDGE, Function, rename
from ..core.modes import modes
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..creation import checked_fill
from ..layout import check_memory_format, preserve_format, row_major
from ..overload_table import FUNCTIONS
from .declare import BINARY_SHAPES, Sample, away_from_kinks, binary, inside_unit, op, positive, unary
from .product_rule import with_missing_terms
from .promotion import (
    DOUBLE_STEP,
    FLOAT_STEP,
    HALF_STEP,
    PLAIN_NUMBERS,
    as_operand,
    broadcast_shape_of,
    by_number_in_float32,
    check_shapes_broadcast,
    float_of,
    in_float32_for_half,
    on_arrays,
    promote,
    result_type,
    to_float,
    vector_loop,
)
from .promotion import array_of as _arr
from .promotion import cast_operand as _cast
from .promotion import check_broadcast as _check_broadcast
from .vector_math import exp_f32


def _quiet() -> np.errstate:
    """torch computes log(0) = -inf, 0 / 0 = nan and exp(1000) = inf without a word; numpy warns.
    Code that computes such values outside an op's forward uses this (it costs about a microsecond
    a call); Function.apply runs every forward, and the engine every backward, quiet already."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def _binary(op: type, a: Any, b: Any, floating: bool = False) -> Tensor:
    """op.apply on two operands cast to torch's result dtype (`floating`: integers divide into a float),
    after torch's broadcast check."""
    # The typical calls first, promote's common cases without its call (every binary op passes here): two
    # tensors of one dtype (x * y) keep it; a float tensor with a Python number (x * 0.5, 1 - x) keeps its dtype.
    # (A number is tested by its type first: isinstance(0.5, Tensor), being False, costs three times as much.)
    if isinstance(a, Tensor):
        x = a._data
        if type(b) in PLAIN_NUMBERS:
            if x.dtype.kind == "f":
                return op.apply(a, b if type(b) is float else float_of(b))
        elif isinstance(b, Tensor):
            y = b._data
            if x.dtype is y.dtype and (not floating or x.dtype.kind == "f"):
                if x.shape != y.shape:
                    check_shapes_broadcast(x.shape, y.shape)
                return op.apply(a, b)
    elif type(a) in PLAIN_NUMBERS and isinstance(b, Tensor) and b._data.dtype.kind == "f":
        return op.apply(a if type(a) is float else float_of(a), b)
    a, b = promote(a, b, floating)
    if isinstance(a, Tensor):
        # check_broadcast(a, b), inline: every binary op passes here, most with equal shapes (one call fewer)
        if isinstance(b, Tensor) and a._data.shape != b._data.shape:
            check_shapes_broadcast(a._data.shape, b._data.shape)
    elif not isinstance(b, Tensor):
        a = _numbers_as_tensor(a, b)
    return op.apply(a, b)


def _numbers_as_tensor(a: Any, b: Any) -> Tensor:
    """Of two numbers (torch.mul(2, 3), torch.div(7, 2)), the first as torch computes with it: a 0-d tensor of
    their result dtype (float32 for 1.5 and 2, int64 for 2 and 3)."""
    return Tensor._make(np.asarray(a, result_type(as_operand(a), as_operand(b)).np))


def _where_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((np.asarray(rng.standard_normal(a) > 0), rng.standard_normal(a), rng.standard_normal(b)))
            for a, b in BINARY_SHAPES]


def _masked_fill_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal(a), np.asarray(rng.standard_normal(b) > 0), -1.5)) for a, b in BINARY_SHAPES
            if len(b) <= len(a)]  # the mask broadcasts to the input, never the other way


def _lerp_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal(a), rng.standard_normal(b), 0.3)) for a, b in BINARY_SHAPES
            if len(b) <= len(a)]


# ------------------------------------------------------------------ arithmetic


def _plus(*tangents: Any) -> Any:
    """The sum of the terms that are not None (a number operand has no tangent), or None."""
    present = [t for t in tangents if t is not None]
    return None if not present else present[0] if len(present) == 1 else present[0] + present[1]


def _backward_parts(op: type, ctx: Any, *tangents: Any) -> list:
    """An elementwise op's jvp, one part per input: each input's Jacobian is diagonal (symmetric), so
    its part is what backward gives that input when the tangent stands in for the upstream gradient."""
    needs = ctx.needs_input_grad
    parts = []
    try:
        for i, t in enumerate(tangents):
            ctx.needs_input_grad = tuple(j == i for j in range(len(tangents))) + (False,)
            parts.append(None if t is None else op.backward(ctx, t)[i])
    finally:
        ctx.needs_input_grad = needs
    return parts


class Add(Function):
    shows_number_operands = True

    @staticmethod
    def forward(ctx, a, b):
        return Tensor._make(on_arrays(np.add, a, b))

    @staticmethod
    def backward(ctx, g):
        return g, g

    @staticmethod
    def jvp(ctx, ta, tb):
        return _plus(ta, tb)


@op(inplace=True, out=True, samples=binary())
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    if alpha == 1 and alpha is not True:
        return _binary(Add, input, other)
    return _add_scaled(Add, input, other, alpha)


def _in_float32(value: Any) -> Any:
    """A Python float as the float32 torch's kernel holds (too large is inf, too small 0); others unchanged."""
    if type(value) is not float:
        return value
    with np.errstate(over="ignore"):
        return float(np.float32(value))


def _add_scaled(node: type, input: Any, other: Any, alpha: Any) -> Tensor:
    """input + alpha * other (node Add) or input - alpha * other (Sub, Rsub), promoted first: alpha scales
    other in the result's dtype."""
    alpha = _checked_alpha("add" if node is Add else "sub", input, other, alpha)
    result = result_type(input, other)
    if result is dtypes.float16:  # torch's kernel takes alpha and a number operand as float16
        alpha, input, other = (_in_half(v) for v in (alpha, input, other))
    elif result is dtypes.float32:  # torch's kernel holds alpha and a number operand as float32 (1e-300 is 0)
        alpha, input, other = (_in_float32(v) for v in (alpha, input, other))
    elif result is dtypes.bool and type(alpha) in (bool, int, float):  # torch's bool kernel takes alpha as a bool
        alpha = alpha != 0
        if type(other) is bool:  # (True * False is the int 0 in Python)
            other, alpha = other and alpha, True

    def scaled(a: Any, b: Any) -> Tensor:
        a, b = promote(a, b)
        if result in (dtypes.float32, dtypes.float64) and type(alpha) in (int, float):
            _check_broadcast(a, b)
            return _SCALED[node].apply(a, b, alpha if node is Add else -alpha)
        return _binary(node, a, b if alpha is True else b * alpha)
    if result is dtypes.float16:
        return rename(_as_torch_half_loops(scaled, input, other), node.Node.__name__)
    return scaled(input, other)


def _as_torch_half_loops(scaled: Any, input: Any, other: Any) -> Tensor:
    """A float16 `scaled(input, other)` (alpha and a number operand already float16) as torch's add kernel
    computes it (measured): in float32 where its vectorized loop runs, rounded once (see
    `vector_loop`), elsewhere in float16 arithmetic, rounding alpha * other before the sum."""
    stepwise = scaled(input, other)  # (alpha * other is exact in float32, then rounded once to float16)
    vectorized = vector_loop(stepwise.shape, HALF_STEP, input, other)
    if vectorized is False:
        return stepwise
    in_float32 = in_float32_for_half(scaled, input, other)
    return in_float32 if vectorized is True else where(Tensor._make(vectorized), in_float32, stepwise)


def _in_half(number: Any) -> Any:
    """A Python number as float16 holds it (inf beyond its range, as torch); anything else as it is."""
    if type(number) not in (int, float):
        return number
    with np.errstate(over="ignore"):
        return float(np.float16(number))


def _checked_alpha(name: str, input: Any, other: Any, alpha: Any) -> Any:
    """add's and sub's alpha, as torch takes it: a number (or 0-d tensor) of the result's kind (no float
    alpha for integers, no bool alpha but for bools) and within the result's dtype."""
    number_arg(name, "alpha", alpha)
    for number in (input, other, alpha):  # torch's parser reads an int as 64 bits first
        if type(number) is int:
            float_of(number)
    d = result_type(input, other)
    if isinstance(alpha, bool) and d is not dtypes.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and not d.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return checked_fill(alpha, d)


class Sub(Function):
    shows_number_operands = True

    @staticmethod
    def forward(ctx, a, b):
        return Tensor._make(on_arrays(np.subtract, a, b))

    @staticmethod
    def backward(ctx, g):
        return g, Neg.apply(g)

    @staticmethod
    def jvp(ctx, ta, tb):
        return _plus(ta, None if tb is None else -tb)


class Rsub(Sub):
    """number - tensor: torch's own node for it, which does not wrap the number."""

    torch_name = "RsubBackward1"
    shows_number_operands = False


class ScaledAdd(Function):
    """input + alpha * other rounded once, as torch's CPU kernel computes an add with an alpha: a fused
    multiply-add (measured bit for bit on float32 and float64; unfused, an element in five is an ulp
    off, and an SGD step, param.add_(grad, alpha=-lr), is one of these). Sub passes alpha negated."""

    torch_name = "AddBackward0"
    shows_number_operands = True

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.alpha = alpha
        return Tensor._make(fma(alpha, _arr(b), _arr(a), (b if isinstance(b, Tensor) else a)._data.dtype))

    @staticmethod
    def backward(ctx, g):
        return g, g * ctx.alpha, None

    @staticmethod
    def jvp(ctx, ta, tb, t_alpha):
        return _plus(ta, None if tb is None else tb * ctx.alpha)

    def _shown_edges(self) -> list:
        return super()._shown_edges()[:2]  # input and other: alpha is no operand


class ScaledSub(ScaledAdd):
    torch_name = "SubBackward0"


class ScaledRsub(ScaledAdd):
    """number - alpha * tensor (torch's node lists the tensor only)."""

    torch_name = "RsubBackward1"
    shows_number_operands = False


_SCALED = {Add: ScaledAdd, Sub: ScaledSub, Rsub: ScaledRsub}


def _is_bool(x: Any) -> bool:
    """A Python bool or a bool tensor (tested by type first: isinstance(0.5, Tensor), False, is the dear test)."""
    return type(x) is bool or type(x) not in PLAIN_NUMBERS and isinstance(x, Tensor) and x._data.dtype.kind == "b"


@op(inplace=True, out=True, aliases=("subtract",), samples=binary())
def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    if not (isinstance(input, Tensor) and isinstance(other, Tensor) and input._data.dtype.kind != "b"
            and other._data.dtype.kind != "b") and (_is_bool(input) or _is_bool(other)):  # (two tensors: one test)
        _refuse_bools(input, other)  # torch refuses a - b on bools rather than guess xor or not
    node = Sub if isinstance(input, Tensor) else Rsub
    if alpha != 1 or alpha is True:
        return _add_scaled(node, input, other, alpha)
    return _binary(node, input, other)


def _refuse_bools(input: Any, other: Any) -> None:
    """torch's error for a - b with a bool; its parser reads an int as 64 bits first (bool_t - 2**70 is an
    OverflowError; without a bool the promotion's float_of raises it)."""
    for number in (input, other):
        if type(number) is int:
            float_of(number)
    if _is_bool(input) and _is_bool(other):  # a Python bool counts as a bool tensor here
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                       "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


_RSUB_OVERLOADS = ("(Tensor input, Tensor other, *, Number alpha = 1)", "(Tensor input, Number other, Number alpha = 1)")


@op(method=False, samples=binary())
def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input: sub with its operands swapped."""
    tensor_operand("rsub", input, other, _RSUB_OVERLOADS)
    return rename(sub(other, input, alpha=alpha), "RsubBackward0" if isinstance(other, Tensor) else "RsubBackward1")


class Mul(Function):
    shows_number_operands = True

    @staticmethod
    def forward(ctx, a, b):
        # each operand only for the other's gradient, as torch saves them: one saved for nothing would make an
        # in-place change to it (an optimizer step on a weight times a constant input) an error in backward
        both = ctx.with_tangents  # forward-mode AD's rule reads both
        # (a number operand is a float here, promoted: its type first, cheaper than getattr's miss)
        ctx.save_for_backward(a if both or type(b) is not float and getattr(b, "_requires_grad", False) else None,
                              b if both or type(a) is not float and getattr(a, "_requires_grad", False) else None)
        return Tensor._make(by_number_in_float32(np.multiply, a, b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # Mul.apply, not `g * b`: the operands are already promoted and broadcastable (speed).
        return (Mul.apply(g, b) if ctx.needs_input_grad[0] else None,
                Mul.apply(g, a) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):  # d(ab) = da b + a db
        a, b = ctx.saved_tensors
        total = _plus(ta * b if given(ta) else None, a * tb if given(tb) else None)
        return with_missing_terms(total, *[partner for t, partner in ((ta, b), (tb, a)) if not given(t)])


def half_times_wide_scalar(input: Any, other: Tensor) -> Any:
    """`other` (0-d) as mul and div take it: torch's kernels read a float16 tensor's 0-d float32 or float64
    second operand as a float32 number (measured), as they read a Python number (by_number_in_float32);
    cast to float16 first, as the general rule would, the result is an ulp off a quarter of the time.
    Left a tensor when it needs a gradient (rare; not followed there)."""
    if (isinstance(input, Tensor) and input._data.dtype == np.float16 and input._data.ndim
            and other._data.dtype.kind == "f" and other._data.dtype != np.float16 and not other.requires_grad):
        return float(other._data)
    return other


@op(inplace=True, out=True, aliases=("multiply",), samples=binary())
def mul(input: Any, other: Any) -> Tensor:
    if other.__class__ is Tensor and not other._data.ndim:  # (attribute checks only, before a call: mul is hot)
        other = half_times_wide_scalar(input, other)
    return _binary(Mul, input, other)


class Div(Function):
    shows_number_operands = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return Tensor._make(by_number_in_float32(np.divide, a, b))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = Div.apply(g, b) if ctx.needs_input_grad[0] else None
        gb = -g * (a / b / b) if ctx.needs_input_grad[1] else None  # d(a/b)/db = -a/b^2, rounded as torch's
        return ga, gb

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a/b) = da / b - a db / b^2
        a, b = ctx.saved_tensors
        return _plus(ta / b if given(ta) else None, -tb * a / (b * b) if given(tb) else None)


@op(inplace=True, out=True, aliases=("divide", "true_divide"), samples=binary(second=positive))
def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    if other.__class__ is Tensor and not other._data.ndim:  # (as in mul; floor and trunc read it so too)
        other = half_times_wide_scalar(input, other)
    if rounding_mode is None:
        return _binary(Div, input, other, floating=True)
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    a, b = _checked_integer_operands(input, other, f"div_{rounding_mode}_cpu")
    return RoundedDiv.apply(a, b, rounding_mode)


class RoundedDiv(Function):
    """div with rounding_mode "floor" or "trunc": a step function of both operands, so both gradients
    are zero (torch's DivBackward2 gives zeros too, rather than no gradient)."""

    torch_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, rounding_mode):
        rounded = {"floor": np.floor_divide, "trunc": lambda x, y: np.trunc(np.divide(x, y))}[rounding_mode]
        return Tensor._make(np.asarray(by_number_in_float32(rounded, _arr(a), _arr(b))).astype(_result_np(a, b)))

    @staticmethod
    def backward(ctx, g):
        zeros = Tensor._make(np.zeros_like(g._data))  # (broadcast inputs get it summed to their shapes)
        return (zeros if ctx.needs_input_grad[0] else None), (zeros if ctx.needs_input_grad[1] else None), None


def _checked_integer_operands(input: Any, other: Any, kernel: str) -> tuple[Any, Any]:
    """The promoted operands of a rounding division or remainder, checked in torch's order: shapes, then
    the dtype (no bool kernel), then integer division by zero."""
    a, b = promote(input, other)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = _numbers_as_tensor(a, b)
    _check_broadcast(a, b)
    if dtypes.bool in (getattr(a, "dtype", None), getattr(b, "dtype", None)):
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    _check_integer_divisor(a, b)
    return a, b


def _check_integer_divisor(a: Any, b: Any) -> None:
    """Integer division by zero has no value: torch raises where numpy would warn and give 0."""
    x, y = np.asarray(_arr(a)), np.asarray(_arr(b))
    if x.dtype.kind in "iub" and np.any(y == 0) and np.broadcast(x, y).size:  # nothing to divide: no error
        raise RuntimeError("ZeroDivisionError")


def _result_np(a: Any, b: Any) -> np.dtype:
    return (a if isinstance(a, Tensor) else b).dtype.np


class Neg(Function):
    @staticmethod
    def forward(ctx, x):
        return Tensor._make(np.negative(x._data))

    @staticmethod
    def backward(ctx, g):
        return -g

    jvp = backward  # elementwise: the Jacobian is diagonal (symmetric), so J t is the backward of t


@op(out=True, inplace_function=True, inplace=True, aliases=("negative",), samples=unary())
def neg(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return Neg.apply(input)


class Pow(Function):
    """base ** exponent, where either may be a Python number."""

    @staticmethod
    def forward(ctx, base, exponent):
        ctx.save_for_backward(base, exponent)
        kind = result_type(base, exponent)  # (Function.apply quiets numpy's warnings for every forward)
        result = _double_power(base, exponent) if kind is dtypes.float64 \
            else _DOUBLE_POWERS[exponent](base._data) if kind is dtypes.float32 and _is_product_power(exponent) \
            else _integer_power(_arr(base), _arr(exponent))
        if result.dtype == np.int8 and np.asarray(_arr(base)).dtype == np.bool_ \
                and np.asarray(_arr(exponent)).dtype == np.bool_:  # numpy's bool ** True is int8; torch's bool
            result = result.astype(np.bool_)
        return Tensor._make(result)

    @staticmethod
    def backward(ctx, g):
        base, exponent = ctx.saved_tensors
        g_base = g_exp = None
        if ctx.needs_input_grad[0]:  # d(b^e)/db = e * b^(e-1), and exactly 0 where e == 0
            g_base = g * (exponent * base ** (exponent - 1))  # (grouped as torch's pow_backward: same rounding)
            if not isinstance(exponent, Tensor):
                g_base = g_base if exponent != 0 else g * 0
            elif (exponent._data == 0).any():
                g_base = where(_mask(exponent._data == 0), 0.0, g_base)
        if ctx.needs_input_grad[1]:  # d(b^e)/de = b^e * log(b), taken as 0 where b == 0 and e >= 0
            with np.errstate(divide="ignore", invalid="ignore"):  # a number base <= 0: nan or -inf, as torch
                log_base = log(base) if isinstance(base, Tensor) else float(np.log(base))
            g_exp = g * base**exponent * log_base
            zero = (_arr(base) == 0) & (exponent._data >= 0)
            if np.any(zero):
                g_exp = where(_mask(zero), 0.0, g_exp)
        return g_base, g_exp

    @staticmethod
    def jvp(ctx, t_base, t_exp):  # elementwise: each input's part is its backward given the tangent
        t_exp = t_exp if given(t_exp) else None  # (b^e log(b) is NaN for b < 0)
        return _plus(*_backward_parts(Pow, ctx, t_base, t_exp))


# float64 powers torch's kernel takes by multiplying (or one square root) rather than by pow
_DOUBLE_POWERS = {2: lambda b: b * b, 3: lambda b: b * b * b, -1: lambda b: 1 / b,
                  -2: lambda b: 1 / (b * b), -0.5: lambda b: 1 / np.sqrt(b)}
_libm_pow = np.frompyfunc(math.pow, 2, 1)


def _is_product_power(exponent: Any) -> bool:
    """A number exponent that torch's float kernels compute as a product (float32 too, measured: x ** 3 is
    x * x * x, where np.power differs in the last bit for 1 element in 4)."""
    return not isinstance(exponent, Tensor) and exponent in _DOUBLE_POWERS


def _double_power(base: Any, exponent: Any) -> np.ndarray:
    """A float64 power as torch's kernel computes it (measured). A number exponent of 2, 3, -1, -2 or -0.5
    is a product (or 1/sqrt), rounded at each step. Any other power: torch's scalar loop calls the C
    library's pow (correctly rounded, as Python's math.pow, which calls it too); its vector steps of 16 use
    SLEEF's pow, within an ulp: 1 element in 60 differs from the C library's, which numpy cannot reproduce,
    so they take numpy's pow, the fast one (1 in 17 differ from SLEEF's)."""
    if not isinstance(exponent, Tensor) and exponent in _DOUBLE_POWERS:
        return _DOUBLE_POWERS[exponent](base._data)
    b, e = _arr(base), _arr(exponent)
    result = np.array(np.power(b, e), dtype=np.float64)
    scalar_loop = ~np.asarray(vector_loop(result.shape, DOUBLE_STEP, base, exponent))
    exact = scalar_loop & np.isfinite(result)  # (not where math.pow would raise: nan, inf)
    if exact.any():
        b, e = np.broadcast_to(b, result.shape), np.broadcast_to(e, result.shape)
        result[exact] = _libm_pow(b[exact], e[exact]).astype(np.float64)
    return result


def _integer_power(base: Any, exponent: Any) -> np.ndarray:
    """np.power, except that an integer to a negative integer power is what torch's kernel gives (numpy
    refuses it): 1 for base 1 (True too), +-1 for base -1, else 0."""
    b, e = np.asarray(base), np.asarray(exponent)
    if not (b.dtype.kind in "biu" and e.dtype.kind in "iu" and np.any(e < 0)):
        return np.power(base, exponent)
    result = np.power(b, np.where(e < 0, 0, e))
    odd = np.where(e % 2 == 0, 1, -1)
    small = np.where(b == 1, 1, np.where(b == -1, odd, 0))
    return np.where(e < 0, small, result).astype(result.dtype)


def _mask(m: Any) -> Tensor:
    return Tensor._make(np.asarray(m))


_FLOAT32_TINIEST = float(np.finfo(np.float32).smallest_subnormal)  # as a Python float (halving it stays nonzero)


POW_OVERLOADS = FUNCTIONS["pow"]


@op(out=True, inplace=True, samples=binary(first=positive))
def pow(input: Any, exponent: Any) -> Tensor:
    if not all(isinstance(x, OPERAND_TYPES) for x in (input, exponent)):
        # an array, None, a list, a str: no overload fits (NotAnOperand, a TypeError: `t ** array` is numpy's)
        raise NotAnOperand(exponent, str(invalid_combination("pow", (input, exponent), POW_OVERLOADS)))
    tensor_operand("pow", input, exponent, POW_OVERLOADS)
    if type(exponent) is float and isinstance(input, Tensor) and input.dtype is dtypes.float16:
        checked_fill(exponent, dtypes.float16)  # torch's half pow checks its exponent fits
    if isinstance(input, Tensor) and input._data.dtype.kind in "iub" and type(exponent) is int and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(exponent, Tensor) and exponent.dtype is dtypes.bool and getattr(input, "dtype", bool) is dtypes.bool \
            or isinstance(input, bool) and getattr(exponent, "dtype", None) is dtypes.bool:
        raise NotImplementedError('"pow" not implemented for \'Bool\'')  # torch has no bool ** bool tensor kernel
    if type(exponent) is float and 0 < math.fabs(exponent) < _FLOAT32_TINIEST / 2 \
            and isinstance(input, Tensor) and result_type(input, exponent) is dtypes.float32:
        # torch's float32 pow keeps a number exponent in double: one too small for float32 is still no 0
        # (x ** 1e-50 is nan for x < 0). The smallest float32 of its sign gives every base the same answer.
        exponent = math.copysign(_FLOAT32_TINIEST, exponent)
    out = _binary(Pow, input, exponent)
    if isinstance(exponent, Tensor):  # torch numbers its tensor ** tensor and number ** tensor nodes
        rename(out, "PowBackward1" if isinstance(input, Tensor) else "PowBackward2")
    return out


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def square(input: Tensor) -> Tensor:
    return pow(input, 2)


class Hypot(Function):
    """sqrt(a^2 + b^2), the length of the hypotenuse, without overflow for large a and b."""

    @staticmethod
    def forward(ctx, a, b):
        y = Tensor._make(np.hypot(a._data, b._data))
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):  # d/da = a / y, d/db = b / y
        a, b, y = ctx.saved_tensors
        return (g * a / y if ctx.needs_input_grad[0] else None,
                g * b / y if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b, y = ctx.saved_tensors
        return (ta * a + tb * b) / y


@op(out=True, inplace=True, renumber_method_errors=True, samples=binary(first=positive))
def hypot(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("hypot", "other", other, 2)
    return _binary(Hypot, input, other)


class Atan2(Function):
    """The angle of the point (b, a): atan(a / b) in the right quadrant."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return Tensor._make(np.arctan2(a._data, b._data))

    @staticmethod
    def backward(ctx, g):  # d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2)
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        return (g * b / r2 if ctx.needs_input_grad[0] else None,
                -g * a / r2 if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.saved_tensors
        return (ta * b - tb * a) / (a * a + b * b)


@op(out=True, inplace=True, aliases=("arctan2",), renumber_method_errors=True, samples=binary())
def atan2(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("atan2", "other", other, 2)
    return _binary(Atan2, input, other, floating=True)  # promoted first: an int tensor and a 0-d double: double


class Remainder(Function):
    """a - b * floor(a / b): the remainder with the divisor's sign (Python's %, torch.remainder)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return Tensor._make(np.asarray(_float_aware_mod(_arr(a), _arr(b))))

    @staticmethod
    def backward(ctx, g):  # d/da = 1, d/db = -floor(a / b) (zero almost everywhere in a, a step in b)
        a, b = ctx.saved_tensors
        g_b = None
        if ctx.needs_input_grad[1]:
            g_b = -g * Tensor._make(np.floor_divide(_arr(a), _arr(b)))
        return (g if ctx.needs_input_grad[0] else None), g_b

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a - b floor(a/b)) = da - db floor(a/b)
        a, b = ctx.saved_tensors
        return _plus(ta, None if tb is None else -tb * Tensor._make(np.floor_divide(_arr(a), _arr(b))))


def _float_aware_mod(a: Any, b: Any) -> Any:
    """numpy's mod, except that a float zero keeps the dividend's sign (-2. % 2 is -0.), as torch's kernel
    does: it takes fmod (the dividend's sign) and adds b where a nonzero result has the other sign."""
    m = np.fmod(a, b)
    if m.dtype.kind != "f":
        return np.mod(a, b)
    return np.where((m != 0) & ((b < 0) != (m < 0)), m + b, m)


@op(out=True, inplace=True, samples=binary(second=positive))
def remainder(input: Any, other: Any) -> Tensor:
    tensor_operand("remainder", input, other, binary_overloads(number_first_out=False))
    _checked_integer_operands(input, other, "remainder_cpu")
    out = _binary(Remainder, input, other)
    return rename(out, "RemainderBackward1") if isinstance(other, Tensor) else out  # torch numbers tensor % tensor


# ------------------------------------------------------------------ exponentials and logarithms


class Elementwise(Function):
    """y = f(x), one number at a time: the smooth functions of one tensor (exp, log, sin, ...).

    A subclass names the numpy function (`numpy_fn`) and writes the chain rule in `grad(g, x)`:
    the upstream gradient g times f'(x), with Tensor ops so that it can be differentiated again.
    `saves` says what `grad` is handed after g: "x"; "y", where f' is cheaper in the result
    (exp: g * y); or "xy" (ops/pointwise_more.py's `Unary`). The result keeps x's dtype; log(0), 1/0
    and exp(1000) give -inf, inf and inf without a warning, as torch's do (Function.apply runs every
    forward with numpy's float warnings off).
    """

    numpy_fn: Any = None
    saves = "x"

    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(np.asarray(ctx.numpy_fn(x._data), dtype=x._data.dtype))
        saves = ctx.saves  # (tested, not looped over: no generator on every exp and log)
        ctx.save_for_backward(*((x,) if saves == "x" else (y,) if saves == "y" else (x, y)))
        return y

    @staticmethod
    def backward(ctx, g):
        return ctx.grad(g, *ctx.saved_tensors)

    jvp = backward  # elementwise: the Jacobian is diagonal (symmetric), so J t is the backward of t

    @staticmethod
    def grad(g: Tensor, *saved: Tensor) -> Tensor:
        raise NotImplementedError("an Elementwise op writes grad(g, x), g times its derivative at x")



# numpy's dtype objects: `a.dtype == _F32` costs a third of `a.dtype == np.float32` (which converts the type)
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def correctly_rounded_float32(fn: Any) -> Any:
    """`fn` of a float32 array computed in float64 (then rounded to float32 by the caller): the nearest
    float32, which torch's vectorized exp and tanh give for all but about 1 in 100 and 1 in 1000 inputs,
    where numpy's float32 versions are an ulp off for 40% and 32% (an ulp decides whether a naive softmax
    sums to 1. or 1.0000). The same holds, less closely, for torch's other transcendental functions:
    numpy's float32 sin and cos differ from torch's in 16% and 19% of inputs, the nearest float32 in 5%
    (log10 40% against 0.04%, cosh 39% against 0.1%, asin 29% against 6%); sin and cos cost about 9x
    numpy's float32 ones, the others 2x. Other dtypes go straight to `fn`."""
    def via_float64(a: np.ndarray) -> np.ndarray:
        if a.dtype != _F32:
            return fn(a)
        wide = a.astype(_F64)  # fn(a, dtype=_F64), the same numbers: numpy's casting iterator costs more on
        return fn(wide, out=wide)  # small arrays than a cast copy, and in place no second array is made
    return via_float64


class Exp(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.exp))
    saves = "y"

    @staticmethod
    def grad(g, y):
        return Mul.apply(g, y)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def exp(input: Tensor) -> Tensor:
    return Exp.apply(to_float(input))


class Expm1(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.expm1))
    saves = "y"

    @staticmethod
    def grad(g, y):  # d(e^x - 1)/dx = e^x = y + 1
        return g * (y + 1)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def expm1(input: Tensor) -> Tensor:
    return Expm1.apply(to_float(input))


class Log(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.log))

    @staticmethod
    def grad(g, x):
        return Div.apply(g, x)


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def log(input: Tensor) -> Tensor:
    return Log.apply(to_float(input))


class Log1p(Elementwise):
    torch_name = "Log1PBackward0"
    numpy_fn = staticmethod(correctly_rounded_float32(np.log1p))

    @staticmethod
    def grad(g, x):
        return g / (1 + x)


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(to_float(input))


class Log2(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.log2))

    @staticmethod
    def grad(g, x):
        return g / (x * math.log(2.0))


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def log2(input: Tensor) -> Tensor:
    return Log2.apply(to_float(input))


class Log10(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.log10))

    @staticmethod
    def grad(g, x):
        return g / (x * math.log(10.0))


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def log10(input: Tensor) -> Tensor:
    return Log10.apply(to_float(input))


class Sqrt(Elementwise):
    numpy_fn = staticmethod(np.sqrt)
    saves = "y"

    @staticmethod
    def grad(g, y):
        return g / (2 * y)


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(to_float(input))


def _rsqrt(a: np.ndarray) -> np.ndarray:
    """1/sqrt(a). Where torch's vectorized loop runs over a float16 array, it computes in float32 and rounds
    once (its scalar loop rounds each step): measured, see promotion.vector_loop."""
    y = np.reciprocal(np.sqrt(a))
    if a.dtype == np.float16:
        vectorized = vector_loop(a.shape, HALF_STEP)
        if vectorized is not False:
            y = np.where(vectorized, np.reciprocal(np.sqrt(a.astype(np.float32))).astype(np.float16), y)
    return y


class Rsqrt(Elementwise):
    numpy_fn = staticmethod(_rsqrt)
    saves = "y"

    @staticmethod
    def grad(g, y):  # d(x^-1/2)/dx = -x^(-3/2) / 2 = -y^3 / 2
        return -0.5 * g * y * y * y


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def rsqrt(input: Tensor) -> Tensor:
    return Rsqrt.apply(to_float(input))


class Reciprocal(Elementwise):
    numpy_fn = staticmethod(np.reciprocal)
    saves = "y"

    @staticmethod
    def grad(g, y):  # d(1/x)/dx = -1/x^2 = -y^2
        return g * -(y * y)  # torch's order of rounding


@op(out=True, inplace_function=True, inplace=True, samples=unary(positive))
def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(to_float(input))


# ------------------------------------------------------------------ activations


_TANH = correctly_rounded_float32(np.tanh)


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(_TANH(x._data).astype(x._data.dtype, copy=False))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return TanhBackward.apply(g, y)

    jvp = backward  # elementwise: the Jacobian is diagonal (symmetric), so J t is the backward of t


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# The 1 of `1 - y` in tanh's and sigmoid's backward, as a 0-d array of y's dtype: numpy 2 works out
# the dtype a Python number takes against an array on every call, which makes `np.subtract(1, y)`
# about twice as slow as with this operand on a small array; the result is the same, bit for bit
# (the 1 becomes exactly 1 in y's dtype either way). Other dtypes use the number (speed).
_ONE = {np.dtype(t): _read_only(np.array(1, t)) for t in (np.float16, np.float32, np.float64)}


class TanhBackward(Function):
    """g * (1 - y^2) for y = tanh(x): one node instead of three (speed), as torch's tanh_backward."""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        y = y._data
        if y.dtype == _F32:
            # torch's kernel computes 1 - y*y as one fused multiply-add (rounded once): near |y| = 1 the
            # subtraction cancels, and y*y rounded first leaves 1 - y^2 up to 3e-4 relative off in float32
            # (tanh(5)'s by 5e-5). In float64 y*y is exact and so is 1 - y*y for |y| >= 1/8; rounding it to
            # float32 is then the one rounding of the fma (below 1/8 a second rounding could differ only on an
            # exact float32 midpoint: none in 7 million values tried against backend/fma.py's fma32, at a
            # quarter of its cost). float64 keeps the plain form: its fma is ~30x slower, its error ~1e-12.
            wide = y.astype(_F64)  # (a cast copy, then in place: cheaper than dtype=_F64, the same numbers)
            out = np.subtract(_ONE[_F64], np.multiply(wide, wide, out=wide), out=wide).astype(_F32)
        else:
            out = np.multiply(y, y, out=empty_like(y))  # y^2 in a fresh buffer, then in place:
            np.subtract(_ONE.get(out.dtype, 1), out, out=out)  # 1 - y^2
        return Tensor._make(np.multiply(g._data, out, out=out))

    @staticmethod
    def backward(ctx, gg):  # d/dg = 1 - y^2; d/dy = -2 g y
        g, y = ctx.saved_tensors
        return (TanhBackward.apply(gg, y) if ctx.needs_input_grad[0] else None,
                gg * g * y * -2.0 if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, tg, ty):  # d(g (1 - y^2)) = dg (1 - y^2) - 2 g y dy
        g, y = ctx.saved_tensors
        return TanhBackward.apply(tg, y) + ty * g * y * -2.0


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(to_float(input))


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        y = Tensor._make(sigmoid_array(x._data))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return SigmoidBackward.apply(g, y)

    jvp = backward  # elementwise: the Jacobian is diagonal (symmetric), so J t is the backward of t


class SigmoidBackward(Function):
    """g * y * (1 - y) for y = sigmoid(x): one node instead of three (speed), as torch's sigmoid_backward."""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        y = y._data
        out = np.subtract(_ONE.get(y.dtype, 1), y, out=empty_like(y))  # 1 - y in a fresh buffer, then in place:
        np.multiply(g._data, out, out=out)  # g (1 - y), then times y: torch's order, so the same rounding
        return Tensor._make(np.multiply(out, y, out=out))

    @staticmethod
    def backward(ctx, gg):  # d/dg = y (1 - y); d/dy = g (1 - 2y)
        g, y = ctx.saved_tensors
        return (SigmoidBackward.apply(gg, y) if ctx.needs_input_grad[0] else None,
                gg * g * (1 - 2 * y) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, tg, ty):  # d(g y (1 - y)) = dg y (1 - y) + g (1 - 2y) dy
        g, y = ctx.saved_tensors
        return SigmoidBackward.apply(tg, y) + ty * g * (1 - 2 * y)


def sigmoid_array(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), torch's formula: the tanh form 0.5 tanh(x/2) + 0.5 cancels for negative x (in
    float32 sigmoid(-10) came out 2e-4 relative off, sigmoid(-20) as 0). An e^-x beyond the largest
    float is inf and gives 0, quietly. Below float64, e^-x is rounded to float32 as torch's kernel takes
    it (`_exp_as_torchs_float_loop`), the rest computed in float32 as torch does, and a half is rounded
    once at the end. Sigmoid.forward calls it, with numpy's float warnings off (Function.apply): it makes
    no errstate of its own."""
    if x.dtype == _F64:
        return 1.0 / (1.0 + np.exp(-x))
    e = _exp_as_torchs_float_loop(x, -x) if x.dtype == _F32 else np.exp(-x.astype(_F64)).astype(_F32)
    one = _ONE[_F32]  # (a 0-d array: numpy adds it faster than np.float32(1), with the same bits)
    y = one / (one + e)
    return y if x.dtype == _F32 else y.astype(x.dtype)


def tanh_array(x: np.ndarray) -> np.ndarray:
    """tanh of an array as Tanh.forward computes it (float32 correctly rounded, from float64): for code
    that runs an op's math on arrays, such as the cells' step under no_grad (nn/rnn_base.py)."""
    return _TANH(x).astype(x.dtype, copy=False)


def _exp_as_torchs_float_loop(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """e^d of a float32 array d (= -x, made by numpy in x's memory order) as torch's vectorized loop over x
    takes it: SLEEF's expf (ops/vector_math.py) on whole steps of FLOAT_STEP elements of each contiguous
    run of x's memory, the nearest float (glibc's scalar expf, rounded here from float64) on a run's
    tail, and everywhere when x's innermost stride is not one element (the loop is not vectorized then).
    With the nearest float everywhere, sigmoid was an ulp off torch's for 4% of the elements. The common
    case, a contiguous x of a multiple of the step, takes no float64 exp at all."""
    run = _contiguous_run(x, d)
    whole = run - run % FLOAT_STEP
    if whole == run and run:
        return exp_f32(d)
    e = np.exp(d.astype(_F64)).astype(_F32)  # (everywhere, then the vector part overwritten: fewer calls)
    if whole:
        in_vector = slice(whole) if run == d.size else np.arange(d.size) % run < whole  # (memory order)
        flat = e.ravel(order="K")  # (views: e and d are dense)
        flat[in_vector] = exp_f32(d.ravel(order="K")[in_vector])
    return e


def _contiguous_run(x: np.ndarray, d: np.ndarray) -> int:
    """How many elements of x torch's elementwise loop takes at a stretch: x's dims in the memory order of
    the result d (numpy lays it out as torch does), merged from the innermost while x's strides continue
    (all of them for a contiguous or a transposed x). 1 when the innermost stride is neither one element
    nor 0 (a slice with a step, a flip): torch's loop is not vectorized then."""
    if x.flags.c_contiguous:  # (the common case, without the loop)
        return x.size
    run, next_stride = 1, None
    for _, size, stride in sorted(zip(d.strides, x.shape, x.strides)):  # innermost first
        if size == 1:
            continue
        if next_stride is None and stride not in (0, x.itemsize):
            return 1
        if next_stride is not None and stride != next_stride:
            break
        run, next_stride = run * size, stride * size
    return run


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(to_float(input))


class Relu(Function):
    @staticmethod
    def forward(ctx, x):
        # x unless x < 0: keeps NaN and the sign of -0.0, as torch does (np.maximum would give +0.0)
        y = Tensor._make(np.where(x._data < 0, x._data.dtype.type(0), x._data))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return ThresholdBackward.apply(g, y)

    jvp = backward  # elementwise: the Jacobian is diagonal (symmetric), so J t is the backward of t


class ThresholdBackward(Function):
    """0 where y <= 0 (even where g is nan), else g (a NaN y passes g, as torch's): one node instead of a
    mask and a product (speed), as torch's threshold_backward."""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(y)
        return Tensor._make(np.where(y._data <= 0, g._data.dtype.type(0), g._data))

    @staticmethod
    def backward(ctx, gg):  # linear in g; flat (zero derivative) in y, which torch reports as zeros
        (y,) = ctx.saved_tensors
        return (ThresholdBackward.apply(gg, y) if ctx.needs_input_grad[0] else None,
                Tensor._make(np.zeros_like(y._data)) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, tg, ty):  # linear in g, flat in y
        (y,) = ctx.saved_tensors
        return ThresholdBackward.apply(tg, y)


@op(inplace_function=True, inplace=True, samples=unary(away_from_kinks))
def relu(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


_libm_erf = np.frompyfunc(math.erf, 1, 1)

# Abramowitz and Stegun's formula 7.1.26: erf(x) ~ 1 - t (a1 + a2 t + ... + a5 t^4) exp(-x^2), t = 1 / (1 + p x)
_AS_P, _AS_COEFFS = np.float32(0.3275911), [np.float32(a) for a in
                                            (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]


def _fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c on float32s, rounded once (a fused multiply-add): the product is exact in float64."""
    return (np.asarray(a, dtype=np.float64) * b + c).astype(np.float32)


def _half_erf(x: np.ndarray) -> np.ndarray:
    """erf of float16 values as torch's CPU kernel computes it, bit for bit on all 65536 (measured): not the
    C library's erf but `approximate_erf` in float32, rounded to float16 once. (torch's float32 erf is
    another, accurate one.)"""
    return approximate_erf(x.astype(np.float32)).astype(np.float16)


def approximate_erf(x: np.ndarray) -> np.ndarray:
    """erf of float32 values as torch's vectorized float kernel computes it (its float16 erf, and gelu's vector
    steps): Abramowitz and Stegun's approximation 7.1.26 with fused multiply-adds, absolute error up to
    1.5e-7, so small inputs lose most digits (erf of the smallest float16 subnormal is 0)."""
    a = np.abs(x)
    t = np.float32(1) / _fma32(_AS_P, a, np.float32(1))
    r = np.full_like(t, _AS_COEFFS[0])
    for coeff in _AS_COEFFS[1:]:  # Horner's rule, one fused multiply-add a step
        r = _fma32(r, t, coeff)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-(a * a).astype(np.float64)).astype(np.float32)  # (torch's exp is within an ulp: the nearest)
        return np.copysign(_fma32(-e * t, r, np.float32(1)), x)


def _erf(x: np.ndarray) -> np.ndarray:
    return _half_erf(x) if x.dtype == np.float16 else _libm_erf(x)


class Erf(Elementwise):
    numpy_fn = staticmethod(_erf)

    @staticmethod
    def grad(g, x):  # 2/sqrt(pi) * e^(-x^2)
        return g * (2.0 / math.sqrt(math.pi)) * exp(-x * x)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def erf(input: Tensor) -> Tensor:
    return Erf.apply(to_float(input))


# ------------------------------------------------------------------ trigonometry


class Sin(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.sin))

    @staticmethod
    def grad(g, x):
        return g * cos(x)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def sin(input: Tensor) -> Tensor:
    return Sin.apply(to_float(input))


class Cos(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.cos))

    @staticmethod
    def grad(g, x):
        return -g * sin(x)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def cos(input: Tensor) -> Tensor:
    return Cos.apply(to_float(input))


class Tan(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.tan))
    saves = "y"

    @staticmethod
    def grad(g, y):  # d tan/dx = 1 + tan^2
        return g * (1 + y * y)


@op(out=True, inplace_function=True, inplace=True, samples=unary(inside_unit))
def tan(input: Tensor) -> Tensor:
    return Tan.apply(to_float(input))


class Sinh(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.sinh))

    @staticmethod
    def grad(g, x):
        return g * cosh(x)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def sinh(input: Tensor) -> Tensor:
    return Sinh.apply(to_float(input))


class Cosh(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.cosh))

    @staticmethod
    def grad(g, x):
        return g * sinh(x)


@op(out=True, inplace_function=True, inplace=True, samples=unary())
def cosh(input: Tensor) -> Tensor:
    return Cosh.apply(to_float(input))


class Asin(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.arcsin))

    @staticmethod
    def grad(g, x):  # 1 / sqrt(1 - x^2)
        return g / sqrt(1 - x * x)


@op(out=True, inplace_function=True, inplace=True, aliases=("arcsin",), samples=unary(inside_unit))
def asin(input: Tensor) -> Tensor:
    return Asin.apply(to_float(input))


class Acos(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.arccos))

    @staticmethod
    def grad(g, x):  # -1 / sqrt(1 - x^2)
        return -g / sqrt(1 - x * x)


@op(out=True, inplace_function=True, inplace=True, aliases=("arccos",), samples=unary(inside_unit))
def acos(input: Tensor) -> Tensor:
    return Acos.apply(to_float(input))


class Atan(Elementwise):
    numpy_fn = staticmethod(correctly_rounded_float32(np.arctan))

    @staticmethod
    def grad(g, x):  # 1 / (1 + x^2)
        return g / (1 + x * x)


@op(out=True, inplace_function=True, inplace=True, aliases=("arctan",), samples=unary())
def atan(input: Tensor) -> Tensor:
    return Atan.apply(to_float(input))


# ------------------------------------------------------------------ pieces, selection


class Abs(Elementwise):
    numpy_fn = staticmethod(np.abs)

    @staticmethod
    def grad(g, x):  # g * sign(x): 0 at 0 and at NaN, as torch
        # Building a graph (create_graph), sign(x) is a node of x, as in torch: the gradient then requires
        # grad, and a second derivative is zero rather than an error.
        return g * (Sign.apply(x) if modes.grad_enabled else Tensor._make(_sign(x._data)))


def _sign(a: np.ndarray) -> np.ndarray:
    """np.sign, but 0 for NaN as torch's sign (so |x|'s gradient at NaN is 0, not NaN)."""
    if a.dtype == np.bool_:  # the sign of a bool is itself, as torch (numpy has no bool sign)
        return a.copy()
    out = np.sign(a)
    return np.where(np.isnan(out), 0, out).astype(a.dtype) if a.dtype.kind == "f" else out


@op(out=True, inplace_function=True, inplace=True, samples=unary(away_from_kinks))
def abs(input: Tensor) -> Tensor:
    if input.dtype is dtypes.bool:
        raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
    return Abs.apply(input)


class Clamp(Function):
    """Gradient passes where min <= x <= max (both ends included, as torch)."""

    torch_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return Tensor._make(np.clip(x._data, lo, hi).astype(x._data.dtype, copy=False))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        inside = np.ones(x.shape, bool)
        if ctx.lo is not None:
            inside &= x._data >= ctx.lo
        if ctx.hi is not None:
            inside &= x._data <= ctx.hi
        # where, not a product with the mask: a NaN upstream gradient stays out of the clamped places, as torch's
        return where(Tensor._make(inside), g, 0.0), None, None

    @staticmethod
    def jvp(ctx, tx, t_lo, t_hi):  # the same mask as backward's: dx where min <= x <= max
        return Clamp.backward(ctx, tx)[0]


class ClampTensors(Function):
    """clamp with tensor bounds (torch's Tensor overload), whose gradient also reaches the bounds: x's where
    min <= x <= max, min's where x < min < max, max's where x > max or max < min (then max is the result)."""

    torch_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi):
        y = x._data if lo is None else np.maximum(x._data, lo._data)
        y = y if hi is None else np.minimum(y, hi._data)
        ctx.save_for_backward(*(t for t in (x, lo, hi) if t is not None))
        ctx.has = (lo is not None, hi is not None)
        return Tensor._make(y)

    def _shown_edges(self) -> list:
        """torch's clamp lists x, min and max, a bound not given as (None, 0) too; clamp_min and clamp_max
        (this node renamed) list x and their one bound."""
        if self.name() != "ClampBackward0":
            return super()._shown_edges()
        return [NO_EDGE if e is None else e for e in self.edges]

    @staticmethod
    def masks(ctx) -> tuple:
        saved = iter(ctx.saved_tensors)
        x = next(saved)._data
        lo, hi = (next(saved)._data if present else None for present in ctx.has)
        if lo is None:
            return x <= hi, None, x > hi
        if hi is None:
            return x >= lo, x < lo, None
        return (x >= lo) & (x <= hi), (x < lo) & (lo < hi), (x > hi) | (hi < lo)

    @staticmethod
    def backward(ctx, g):
        return tuple(None if m is None else where(Tensor._make(m), g, 0.0) for m in ClampTensors.masks(ctx))

    @staticmethod
    def jvp(ctx, tx, t_lo, t_hi):  # the tangent of whichever of x, min, max the result is at each place
        parts = [where(Tensor._make(m), t, 0.0) for m, t in zip(ClampTensors.masks(ctx), (tx, t_lo, t_hi))
                 if m is not None and t is not None]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total


def _clamp_samples(rng: np.random.Generator) -> list[Sample]:
    """Number bounds on each shape, and tensor bounds: both (one of them broadcast, one place with min > max),
    and each alone; x kept away from the bounds, where the gradient changes hands."""
    x = away_from_kinks(rng.standard_normal((3, 4)))
    low, high = np.full((3, 4), -0.05), np.full((4,), 0.05)
    high[0] = -0.3  # max < min in the first column: there the result is max
    return unary(min=-0.5, max=0.7)(rng) + [Sample((x, low, high)), Sample((x, low)), Sample((x, None, high))]


def _refuse_bool_clamp(min: Any, max: Any) -> None:
    """torch's kernels for bools: one tensor bound is a maximum or minimum (computed), two tensor bounds or
    number bounds reach a kernel with no bool version."""
    tensors = [isinstance(b, Tensor) for b in (min, max) if b is not None]
    if tensors == [True]:
        return
    kernel = "clamp" if all(tensors) else "clamp_min_scalar" if max is None else "clamp_max_scalar" if min is None \
        else "clamp_scalar"
    raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'Bool\'')


_CLAMP_SIGNATURES = FUNCTIONS["clamp"]


def _clamp_inplace_cast(self: Tensor, *args: Any, **kwargs: Any) -> None:
    """t.clamp_(0.5) of an integer t: torch's kernel for number bounds refuses the float result in its own words,
    naming t's type as C++ spells it (long int, unsigned char), where tensor bounds give the usual Long."""
    bounds = [b for b in (*args, kwargs.get("min"), kwargs.get("max")) if b is not None]
    if not bounds or any(isinstance(b, Tensor) and b.ndim for b in bounds) or all(isinstance(b, Tensor) for b in bounds):
        return
    numbers = [b.item() if isinstance(b, Tensor) else b for b in bounds]  # (a 0-d tensor beside a number is one)
    if all(type(n) in (bool, int, float) for n in numbers):
        result = result_type(self, *numbers)
        if dtypes._category(result) > dtypes._category(self.dtype):
            raise RuntimeError(f"result type {result._legacy} can't be cast to the desired output type "
                               f"{cpp_type_name(self.dtype)}")


@op(out=True, inplace_function=True, inplace=True, aliases=("clip",), samples=_clamp_samples,
    renumber_method_errors=True, inplace_check=_clamp_inplace_cast)
@as_called("clamp", _CLAMP_SIGNATURES)
def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    if not isinstance(input, Tensor):
        raise invalid_combination("clamp", (), _CLAMP_SIGNATURES)  # (as_called lists the call's arguments)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [b for b in (min, max) if b is not None]
    if not all(isinstance(b, OPERAND_TYPES) for b in bounds):  # a numpy array, a list
        raise invalid_combination("clamp", (), _CLAMP_SIGNATURES)
    if any(isinstance(b, Tensor) for b in bounds) and not all(isinstance(b, Tensor) for b in bounds) \
            and all(b.ndim == 0 for b in bounds if isinstance(b, Tensor)):
        # a tensor bound and a number: torch's parser takes a 0-d tensor as a number (the numbers' overload)
        min, max = (b.item() if isinstance(b, Tensor) else b for b in (min, max))
    d = result_type(input, *[b for b in (min, max) if b is not None])  # clamp(int tensor, 0.5) is float, as torch
    if d is dtypes.bool:
        _refuse_bool_clamp(min, max)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if not all(b is None or isinstance(b, Tensor) for b in (min, max)):  # no overload mixes the two
            raise invalid_combination("clamp", (), _CLAMP_SIGNATURES)
        for bound in (b for b in (min, max) if b is not None):
            _check_broadcast(input, bound)
        lo, hi = (None if b is None else _cast(b, d) for b in (min, max))  # (cast inside torch's kernel)
        return ClampTensors.apply(_cast(input, d), lo, hi)
    lo, hi = (checked_fill(b, d) if type(b) in (int, float) else _arr(b) for b in (min, max))  # torch's overflow
    return Clamp.apply(input if d is input.dtype else input.to(d), lo, hi)


_CLAMP_MIN_SIGNATURES, _CLAMP_MAX_SIGNATURES = FUNCTIONS["clamp_min"], FUNCTIONS["clamp_max"]


@op(inplace_function=True, inplace=True, out=True, samples=unary(min=0.2), renumber_method_errors=True,
    inplace_check=_clamp_inplace_cast)
@as_called("clamp_min", _CLAMP_MIN_SIGNATURES)
def clamp_min(input: Tensor, min: Any) -> Tensor:
    if not isinstance(min, OPERAND_TYPES):  # a numpy array, a list
        raise invalid_combination("clamp_min", (), _CLAMP_MIN_SIGNATURES)  # (as_called lists the call's arguments)
    return rename(clamp(input, min, None), "ClampMinBackward1" if isinstance(min, Tensor) else "ClampMinBackward0")


@op(inplace_function=True, inplace=True, out=True, samples=unary(max=0.2), renumber_method_errors=True,
    inplace_check=_clamp_inplace_cast)
@as_called("clamp_max", _CLAMP_MAX_SIGNATURES)
def clamp_max(input: Tensor, max: Any) -> Tensor:
    if not isinstance(max, OPERAND_TYPES):  # a numpy array, a list
        raise invalid_combination("clamp_max", (), _CLAMP_MAX_SIGNATURES)  # (as_called lists the call's arguments)
    return rename(clamp(input, None, max), "ClampMaxBackward1" if isinstance(max, Tensor) else "ClampMaxBackward0")


class Maximum(Function):
    """Elementwise max (or min) of two tensors; where they tie, each gets half the gradient, and where neither
    wins (a NaN on either side) each gets all of it, as torch's formula (zero only where the other wins)."""

    @staticmethod
    def forward(ctx, a, b, largest):
        ctx.save_for_backward(a, b)
        ctx.largest = largest
        return Tensor._make((np.maximum if largest else np.minimum)(a._data, b._data))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        greater, less = Tensor._make(a._data > b._data), Tensor._make(a._data < b._data)
        a_wins, b_wins = (greater, less) if ctx.largest else (less, greater)
        shared = where(Tensor._make(a._data == b._data), g * 0.5, g)
        ga = where(b_wins, 0.0, shared) if ctx.needs_input_grad[0] else None
        gb = where(a_wins, 0.0, shared) if ctx.needs_input_grad[1] else None
        return ga, gb, None

    @staticmethod
    def jvp(ctx, ta, tb, t_largest):
        """torch's: the winner's tangent, the mean of both where they tie, and b's where neither wins (a NaN)."""
        a, b = (t._data for t in ctx.saved_tensors)
        a_wins = a > b if ctx.largest else a < b
        weight = Tensor._make(np.where(a == b, 0.5, a_wins).astype(a.dtype))
        return _plus(None if ta is None else ta * weight, None if tb is None else tb * (1 - weight))


@op(out=True, samples=binary())
def maximum(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("maximum", "other", other, 2)
    a, b = promote(input, other)
    _check_broadcast(a, b)
    return Maximum.apply(a, b, True)


@op(out=True, samples=binary())
def minimum(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("minimum", "other", other, 2)
    a, b = promote(input, other)
    _check_broadcast(a, b)
    return rename(Maximum.apply(a, b, False), "MinimumBackward0")


class Where(Function):
    """cond ? a : b, with a or b possibly a Python number."""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return Tensor._make(np.where(cond._data, _arr(a), _arr(b)))

    def _shown_edges(self) -> list:
        """torch lists not the condition."""
        return [NO_EDGE if e is None else e for e in self.edges[1:]]

    @staticmethod
    def backward(ctx, g):
        cond = ctx.cond
        ga = where(cond, g, 0.0) if ctx.needs_input_grad[1] else None
        gb = where(cond, 0.0, g) if ctx.needs_input_grad[2] else None
        if modes.grad_enabled and ctx.name() in _MASKS_ITS_GRADIENT:  # create_graph: torch's tril's gradient is
            rename(ga, ctx.name())  # the gradient's tril, so a node of the same name
        return None, ga, gb

    @staticmethod
    def jvp(ctx, t_cond, ta, tb):
        return where(ctx.cond, 0.0 if ta is None else ta, 0.0 if tb is None else tb)


_MASKS_ITS_GRADIENT = ("TrilBackward0", "TriuBackward0")  # the ops made as where(mask, input, 0)


class MaskedFill(Where):
    """where(mask, value, input), under torch's name; torch lists only the input as an edge."""

    torch_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, cond, a, b):  # torch fills a contiguous clone of the input: row-major whatever its strides
        return Tensor._make(row_major(Where.forward(ctx, cond, a, b)._data))

    def _shown_edges(self) -> list:
        return [self.edges[2]]

    @staticmethod
    def backward(ctx, g):  # the input's gradient is g.masked_fill(mask, 0) in torch: its node under create_graph
        _, g_value, g_input = Where.backward(ctx, g)
        return None, g_value, None if g_input is None else rename(g_input, "MaskedFillBackward0")


class MaskedFillByTensor(MaskedFill):
    """masked_fill by a 0-d tensor: when it needs a gradient it gets those of the places it filled,
    summed; torch lists the input's edge, then the value's (None when it needs none)."""

    torch_name = "MaskedFillBackward1"

    def _shown_edges(self) -> list:
        return [NO_EDGE if e is None else e for e in (self.edges[2], self.edges[1])]


_ONLY_CONDITION = object()  # where(condition): told apart from where(condition, None, ...)


@op(out=True, method=False, samples=_where_samples)
def where(condition: Any, input: Any = _ONLY_CONDITION, other: Any = _ONLY_CONDITION) -> Any:
    """input where condition holds, other elsewhere; where(condition) alone is nonzero(condition, as_tuple=True)."""
    if input is _ONLY_CONDITION and other is _ONLY_CONDITION and isinstance(condition, Tensor):
        data = condition._data if condition.ndim else condition._data.reshape(1)
        return tuple(Tensor._make(w.astype(np.int64)) for w in np.nonzero(data))
    if isinstance(condition, Tensor) and condition.dtype is dtypes.uint8:
        warn_once("where uint8", "where received a uint8 condition tensor. This behavior is deprecated and will be "
                  "removed in a future version of PyTorch. Use a boolean condition instead.")  # once, as torch
        condition = Tensor._make(condition._data != 0)
    if not isinstance(condition, Tensor) or not all(isinstance(x, OPERAND_TYPES) for x in (input, other)):
        raise invalid_combination("where", (condition, input, other))  # a bool, a numpy array, a list
    if condition.dtype is not dtypes.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype._legacy}")
    a, b = promote(input, other)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):  # where(c, 1., 0): float32, as the binary ops
        a = _numbers_as_tensor(a, b)
    result = a if isinstance(a, Tensor) else b
    if isinstance(result, Tensor) and result._data.dtype != np.float16:  # a number must fit (half takes it as inf)
        for number in (input, other):
            if type(number) in (int, float):
                checked_fill(number, result.dtype)
    for x, y in ((condition, a), (condition, b), (a, b)):
        _check_broadcast(x, y)
    return Where.apply(condition, a, b)


def _c_name(d: dtypes.dtype) -> str:
    """A dtype as torch's C++ type names spell it in some messages (unsigned char, long int, c10::Half)."""
    return {"uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
            "int64": "long int", "float16": "c10::Half", "float32": "float", "float64": "double"}.get(d.name, d.name)


def _check_mask_and_value(mask: Tensor, value: Any) -> None:
    """masked_fill's checks of a bool mask and a 0-d value, in torch's order."""
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {_c_name(mask.dtype)}")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")


def _masked_fill_inplace_order(self: Tensor, mask: Any, value: Any = None, *args: Any, **kwargs: Any) -> None:
    """masked_fill_ checks the mask and the value first, then broadcasts the tensor with the mask (the tensor
    named first); masked_fill broadcasts first, the mask named first."""
    if isinstance(mask, Tensor) and isinstance(value, OPERAND_TYPES):  # (else the parser's error, in masked_fill)
        _check_mask_and_value(mask, value)
        _check_broadcast(self, mask)


@op(inplace=True, samples=_masked_fill_samples, inplace_check=_masked_fill_inplace_order)
def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    if not isinstance(mask, Tensor) or not isinstance(value, OPERAND_TYPES):  # a numpy mask or value, a list
        raise invalid_combination("masked_fill", (input, mask, value))
    _check_broadcast(mask, input)
    _check_mask_and_value(mask, value)
    if isinstance(value, Tensor):  # a 0-d tensor's value, converted to input's dtype (no promotion)
        if input.dtype.is_floating_point:  # torch's Tensor overload (MaskedFillBackward1), grad or not
            if not value.requires_grad:
                checked_fill(value.item(), input.dtype)
            return MaskedFillByTensor.apply(mask, _cast(value, input.dtype), input)
        # its value must fit input's dtype as a number's must (nan or 300.0 into int8 is refused)
        value = np.asarray(checked_fill(value.item(), input.dtype)).astype(input._data.dtype)[()]
    else:
        value = checked_fill(value, input.dtype)
        value = bool(value) if input.dtype is dtypes.bool else value  # a number is any truth value, nan too
    return MaskedFill.apply(mask, _cast(value, input.dtype), input)


def _check_lerp_operands(input: Any, end: Any, weight: Any) -> None:
    """torch's parser (end a tensor, weight a number or a tensor), then its kernel's dtype checks: end, and a
    weight tensor of some dims, of input's dtype, with no promotion (a 0-d weight is read as a number)."""
    if not isinstance(input, Tensor) or not isinstance(end, Tensor) or isinstance(weight, str) \
            or not (isinstance(weight, Tensor) or hasattr(weight, "__float__")) or isinstance(weight, np.ndarray):
        raise invalid_combination("lerp", (input, end, weight))
    for name, other in (("end", end), ("weight", weight)):
        if isinstance(other, Tensor) and other.dtype is not input.dtype and (name == "end" or other.ndim):
            raise RuntimeError(f"expected dtype {_c_name(input.dtype)} for `{name}` but got dtype {_c_name(other.dtype)}")
    # then the shapes, in torch's order, before the kernel's dtype support
    broadcast_shape_of(*(t.shape for t in (input, end, weight) if isinstance(t, Tensor)))


@op(out=True, inplace=True, samples=_lerp_samples)
def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """input + weight * (end - input)."""
    _check_lerp_operands(input, end, weight)
    if isinstance(weight, Tensor):  # a 0-d weight of a higher category (a float one for int or bool ends)
        common = result_type(input, end, weight)  # promotes the ends, as in torch's kernel
        if not common.is_floating_point:
            raise NotImplementedError(f'"lerp_kernel_tensor" not implemented for \'{common._legacy}\'')
        if not input.dtype.is_floating_point:
            input, end = input.to(common), end.to(common)
    if isinstance(weight, Tensor) and weight.dtype is dtypes.bool:  # a 0-d one (checked above): its number
        weight = weight.to(input.dtype)
    if isinstance(weight, Tensor) and weight.dtype is input.dtype and input.dtype.is_floating_point:
        _check_broadcast(input, end)  # (a 0-d weight of another dtype promotes: the composed path below)
        return LerpByTensor.apply(input, end, weight)
    if not isinstance(weight, Tensor) and isinstance(input, Tensor):
        if not input.dtype.is_floating_point:
            raise NotImplementedError(f'"lerp_kernel_scalar" not implemented for \'{input.dtype._legacy}\'')
        weight = checked_fill(weight, dtypes.float32 if input.dtype is dtypes.float16 else input.dtype)  # opmath
        _check_broadcast(input, end)
        return LerpByNumber.apply(input, end, weight)
    return rename(in_float32_for_half(_lerp, input, end, weight),
                  "LerpBackward1" if isinstance(weight, Tensor) else "LerpBackward0")


class LerpByNumber(Function):
    """lerp of two float tensors by a number, as torch's kernel computes it (measured bit for bit, float16 on
    all pairs): base + coeff * (end - input) with one fused multiply-add, from input with coeff = weight for
    a small weight (|w| < 0.5), from end with coeff = weight - 1 for a large one, which keeps lerp(a, b, 1)
    exactly b. float16 computes in float32 and rounds once at the end. Unfused, float32 is an ulp off in
    one element in four (Adam's exp_avg.lerp_(grad, 1 - beta1) is one of these). The gradients are
    torch's formulas, grad * (1 - weight) and grad * weight."""

    torch_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, input, end, weight):
        ctx.weight = weight
        dtype = input._data.dtype
        opmath = np.dtype(np.float32) if dtype == np.float16 else dtype
        w = opmath.type(weight)
        small = bool(-0.5 < w < 0.5)
        coeff = w if small else w - opmath.type(1)
        with np.errstate(over="ignore", invalid="ignore"):  # inf - inf is nan, beyond float16 is inf, as torch
            start, stop = input._data.astype(opmath, copy=False), end._data.astype(opmath, copy=False)
            return Tensor._make(fma(coeff, stop - start, start if small else stop, opmath).astype(dtype, copy=False))

    @staticmethod
    def backward(ctx, g):
        needs = ctx.needs_input_grad
        return g * (1 - ctx.weight) if needs[0] else None, g * ctx.weight if needs[1] else None, None

    @staticmethod
    def jvp(ctx, t_input, t_end, t_weight):
        return _plus(*_backward_parts(LerpByNumber, ctx, t_input, t_end))


class LerpByTensor(Function):
    """lerp with a weight per element: LerpByNumber's fused multiply-add, element by element (measured bit
    for bit), with torch's third gradient, grad * (end - input), for the weight."""

    torch_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, input, end, weight):
        ctx.save_for_backward(input, end, weight)
        dtype = input._data.dtype
        opmath = np.dtype(np.float32) if dtype == np.float16 else dtype
        with np.errstate(over="ignore", invalid="ignore"):
            start, stop, w = (t._data.astype(opmath, copy=False) for t in (input, end, weight))
            small = np.abs(w) < 0.5
            coeff, base = np.where(small, w, w - opmath.type(1)), np.where(small, start, stop)
            return Tensor._make(fma(coeff, stop - start, base, opmath).astype(dtype, copy=False))

    @staticmethod
    def backward(ctx, g):
        input, end, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (g * (1 - weight) if needs[0] else None, g * weight if needs[1] else None,
                g * (end - input) if needs[2] else None)

    @staticmethod
    def jvp(ctx, t_input, t_end, t_weight):
        return _plus(*_backward_parts(LerpByTensor, ctx, t_input, t_end, t_weight))


def _lerp(input: Any, end: Any, weight: Any) -> Tensor:
    """torch's formula: from input for a small weight (|w| < 0.5), from end for a large one, which keeps
    lerp(a, b, 1) exactly b."""
    if not isinstance(weight, Tensor):
        return input + weight * (end - input) if -0.5 < weight < 0.5 else end - (end - input) * (1 - weight)
    return where(abs(weight) < 0.5, input + weight * (end - input), end - (end - input) * (1 - weight))


class _PiecewiseConstant(Function):
    """A step function (floor, ceil, sign): flat between its jumps, so its gradient is zero, as torch's."""

    numpy_fn: Any = None

    @staticmethod
    def forward(ctx, x):
        return Tensor._make(type(ctx).numpy_fn(x._data))

    @staticmethod
    def backward(ctx, g):
        return Tensor._make(np.zeros_like(g._data))

    @staticmethod
    def jvp(ctx, tx):  # flat: the tangent is zero
        return Tensor._make(np.zeros_like(tx._data))


class Floor(_PiecewiseConstant):
    numpy_fn = staticmethod(np.floor)


class Ceil(_PiecewiseConstant):
    numpy_fn = staticmethod(np.ceil)


class Sign(_PiecewiseConstant):
    numpy_fn = staticmethod(_sign)  # 0 at NaN, as torch


def refuse_bool(input: Tensor, kernel: str) -> None:
    """torch has no bool kernel for the rounding functions; its error names the kernel."""
    if input.dtype is dtypes.bool:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


@op(out=True, inplace_function=True, inplace=True, samples=unary(lambda x: 3 * x + 0.5))
def floor(input: Tensor) -> Tensor:
    refuse_bool(input, "floor_vml_cpu")
    return Floor.apply(input)


@op(out=True, inplace_function=True, inplace=True, samples=unary(lambda x: 3 * x + 0.5))
def ceil(input: Tensor) -> Tensor:
    refuse_bool(input, "ceil_vml_cpu")
    return Ceil.apply(input)


@op(out=True, inplace=True, samples=unary(away_from_kinks))
def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


# ------------------------------------------------------------------ copies (no declaration)


class Clone(Function):
    """A copy in new memory (also `contiguous()` of a strided tensor)."""

    @staticmethod
    def forward(ctx, x, order="K"):
        return Tensor._make(np.array(x._data, order=order, copy=True))

    @staticmethod
    def backward(ctx, g):
        return g, None

    @staticmethod
    def jvp(ctx, tx, t_order=None):
        return tx


@op(samples=unary())
def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy of input in new memory, row-major (layout.py); the gradient passes through."""
    check_memory_format("clone", memory_format, input.ndim)
    # preserve_format (the default) keeps a strided input's layout; contiguous_format makes it row-major
    return Clone.apply(input, "K" if memory_format in (None, preserve_format) else "C")

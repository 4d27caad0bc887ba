"""More elementwise math: inverse hyperbolics, exp2/erfc, rounding pieces, the fmod/copysign family,
logaddexp, xlogy, addcmul/addcdiv, float_power, frexp and friends.

Most ops here are a numpy function and its local derivative. `Unary` (pointwise.py's
`Elementwise`, handed x and y) and `Binary` hold the forward, backward and forward-mode (jvp)
code once; an op states only its numpy function and its derivative, written with Tensor ops (so
gradients of gradients work):

    class Asinh(Unary):
        numpy_fn = staticmethod(np.arcsinh)
        derivative = staticmethod(lambda x, y: rsqrt(x * x + 1))   # d asinh(x)/dx

Ops that are a short formula of existing ops (deg2rad, addcmul, float_power) are written as that
formula and renamed to torch's node name.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import return_types
from ..argcheck import binary_overloads, number_arg, tensor_arg, tensor_operand
from ..backend.fma import fma
from ..core import dtypes
from ..core.function import Function, rename
from ..core.tensor import Tensor
from . import declare
from .composite import composite
from .declare import BINARY_SHAPES, Sample, away_from_kinks, binary, inside_unit, op, unary
from .pointwise import (
    Elementwise,
    _binary,
    _quiet,
    abs,
    correctly_rounded_float32,
    div,
    exp,
    log,
    refuse_bool,
    rsqrt,
    sign,
    where,
)
from .promotion import array_of as _arr
from .promotion import broadcast_shape_of, in_float32_for_half, promote, to_float
from .promotion import check_broadcast as _check_broadcast


class Unary(Elementwise):
    """y = numpy_fn(x); dy/dx = derivative(x, y). Subclasses set both (see the module docstring)."""

    derivative: Any = None
    saves = "xy"

    def grad(self, g, x, y):  # self is the graph node, an instance of the op's class
        return g * self.derivative(x, y)


class Binary(Function):
    """y = numpy_fn(a, b); (dy/da, dy/db) = derivatives(a, b, y). `b` may be a Python number."""

    numpy_fn: Any = None
    derivatives: Any = None
    tangent_derivatives: Any = None  # where torch's forward-mode formula differs from its gradient's (fmax's ties)

    @staticmethod
    def forward(ctx, a, b):
        with _quiet():
            y = Tensor._make(np.asarray(type(ctx).numpy_fn(_arr(a), _arr(b))))
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        da, db = type(ctx).derivatives(a, b, y)
        return (g * da if ctx.needs_input_grad[0] else None,
                g * db if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b, y = ctx.saved_tensors
        da, db = (type(ctx).tangent_derivatives or type(ctx).derivatives)(a, b, y)
        out = None
        for t, d in ((ta, da), (tb, db)):
            if t is not None:
                out = t * d if out is None else out + t * d
        return out


def _zeros_like(x: Tensor) -> Tensor:
    return Tensor._make(np.zeros_like(x._data))


def _mask(condition: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(condition))


def _float_only(name: str, *xs: Any) -> None:
    """torch has no integer kernel for these ops: it names the kernel and the dtype."""
    for x in xs:
        if isinstance(x, Tensor) and not x.dtype.is_floating_point:
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{x.dtype._legacy}'")


def _integer_only(name: str, *xs: Any) -> None:
    for x in xs:
        if isinstance(x, Tensor) and x.dtype.is_floating_point:
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{x.dtype._legacy}'")


# ------------------------------------------------------------------ inverse hyperbolic functions


class Acosh(Unary):
    numpy_fn = staticmethod(np.arccosh)
    derivative = staticmethod(lambda x, y: rsqrt(x * x - 1))  # 1 / sqrt(x^2 - 1)


class Asinh(Unary):
    numpy_fn = staticmethod(np.arcsinh)
    derivative = staticmethod(lambda x, y: rsqrt(x * x + 1))  # 1 / sqrt(x^2 + 1)


class Atanh(Unary):
    numpy_fn = staticmethod(correctly_rounded_float32(np.arctanh))
    derivative = staticmethod(lambda x, y: 1 / (1 - x * x))


def _above_one(x: np.ndarray) -> np.ndarray:
    return np.abs(x) + 1.2


@op(inplace_function=True, inplace=True, out=True, aliases=("arccosh",), samples=unary(_above_one))
def acosh(input: Tensor) -> Tensor:
    return Acosh.apply(to_float(input))


@op(inplace_function=True, inplace=True, out=True, aliases=("arcsinh",), samples=unary())
def asinh(input: Tensor) -> Tensor:
    return Asinh.apply(to_float(input))


@op(inplace_function=True, inplace=True, out=True, aliases=("arctanh",), samples=unary(inside_unit))
def atanh(input: Tensor) -> Tensor:
    return Atanh.apply(to_float(input))


# ------------------------------------------------------------------ exponentials, erfc, angles


class Exp2(Unary):
    numpy_fn = staticmethod(correctly_rounded_float32(np.exp2))
    derivative = staticmethod(lambda x, y: y * math.log(2.0))  # 2^x ln 2


_erfc = np.frompyfunc(math.erfc, 1, 1)


class Erfc(Unary):
    numpy_fn = staticmethod(_erfc)  # math.erfc: 1 - erf(x) would lose every digit for large x
    derivative = staticmethod(lambda x, y: exp(-x * x) * (-2.0 / math.sqrt(math.pi)))


@op(inplace_function=True, inplace=True, out=True, samples=unary())
def exp2(input: Tensor) -> Tensor:
    return Exp2.apply(to_float(input))


@op(inplace_function=True, inplace=True, out=True, samples=unary())
def erfc(input: Tensor) -> Tensor:
    return Erfc.apply(to_float(input))


@op(inplace_function=True, inplace=True, out=True, samples=unary())
def deg2rad(input: Tensor) -> Tensor:
    return composite(to_float(input) * (math.pi / 180.0), "Deg2RadBackward0", input)


@op(inplace_function=True, inplace=True, out=True, samples=unary())
def rad2deg(input: Tensor) -> Tensor:
    return composite(to_float(input) * (180.0 / math.pi), "Rad2DegBackward0", input)


# ------------------------------------------------------------------ rounding pieces


class Trunc(Unary):
    """Rounds toward zero: a step function, so its gradient is zero."""

    numpy_fn = staticmethod(np.trunc)
    derivative = staticmethod(lambda x, y: _zeros_like(x))


class Frac(Unary):
    """x - trunc(x): slope 1 between the jumps."""

    numpy_fn = staticmethod(lambda x: x - np.trunc(x))
    derivative = staticmethod(lambda x, y: Tensor._make(np.ones_like(x._data)))


def _steps(x: np.ndarray) -> np.ndarray:
    """Values away from the integers, where trunc and frac jump."""
    return np.floor(3 * x) + 0.5 + 0.2 * np.tanh(x)


@op(inplace_function=True, inplace=True, out=True, aliases=("fix",), samples=unary(_steps))
def trunc(input: Tensor) -> Tensor:
    refuse_bool(input, "trunc_vml_cpu")
    if not input.dtype.is_floating_point:
        return input.clone()  # integers are their own truncation
    return Trunc.apply(input)


@op(inplace_function=True, inplace=True, out=True, samples=unary(_steps))
def frac(input: Tensor) -> Tensor:
    _float_only("frac", input)
    return Frac.apply(input)


class Round(Function):
    """Rounds half to even (as torch), to `decimals` places: a step function, so its gradient is zero."""

    @staticmethod
    def forward(ctx, x, decimals):
        if decimals and x._data.dtype == np.float16:  # torch scales a half in float32 (no overflow), rounds once
            return Tensor._make(np.round(x._data.astype(np.float32), decimals).astype(np.float16))
        return Tensor._make(np.round(x._data, decimals or 0))

    @staticmethod
    def backward(ctx, g):
        return _zeros_like(g), None

    @staticmethod
    def jvp(ctx, t, _):
        return _zeros_like(t)


def _round_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((np.asarray(_steps(rng.standard_normal(s))),), kw) for s, kw in
            (((3, 4), {}), ((5,), {"decimals": 0}), ((0, 2), {}), ((), {}))] + [
        Sample((np.asarray(rng.standard_normal((3, 4)) * 10 + 0.0371),), {"decimals": 1})]


@op(inplace_function=True, inplace=True, out=True, samples=_round_samples)
def round(input: Tensor, *, decimals: int | None = None) -> Tensor:  # noqa: A001  (torch's name)
    """Round to the nearest integer (or to `decimals` places), halves to even. torch numbers the
    node of an explicit `decimals` (even 0) RoundBackward1."""
    refuse_bool(input, "round_vml_cpu")
    if not input.dtype.is_floating_point:
        if decimals:
            raise NotImplementedError(f"\"round_cpu\" not implemented for '{input.dtype._legacy}'")
        return input.clone()
    out = Round.apply(input, decimals)
    return out if decimals is None else rename(out, "RoundBackward1")


@op(inplace=True, out=True, samples=unary(away_from_kinks))
def sgn(input: Tensor) -> Tensor:
    """The sign; for real numbers the same as `sign`."""
    return rename(sign(input), "SgnBackward0")


@op(inplace=True, out=True, samples=unary(away_from_kinks))
def absolute(input: Tensor) -> Tensor:
    return abs(input)


@op(method=True, samples=unary())
def positive(input: Tensor) -> Tensor:
    """The input itself (torch returns the same tensor, not a copy)."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class NanToNum(Function):
    """nan, +inf and -inf replaced by numbers; the gradient passes where x was finite."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = np.isfinite(x._data)
        return Tensor._make(np.nan_to_num(x._data, nan=nan, posinf=posinf, neginf=neginf))

    @staticmethod
    def backward(ctx, g):
        return where(_mask(ctx.finite), g, 0.0), None, None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return where(_mask(ctx.finite), t, 0.0)


def _with_non_finite(x: np.ndarray) -> np.ndarray:
    x = np.array(x)
    flat = x.reshape(-1)
    flat[::3] = np.nan
    flat[1::5] = np.inf
    flat[2::7] = -np.inf
    return x


@op(inplace_function=True, inplace=True, out=True, samples=unary(_with_non_finite, nan=0.5, neginf=-7.0))
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    if not input.dtype.is_floating_point:
        return input.clone()
    return NanToNum.apply(input, nan, posinf, neginf)


# ------------------------------------------------------------------ two operands


class Logaddexp(Binary):
    """log(e^a + e^b) without overflow; each gradient is the softmax weight of its operand."""

    numpy_fn = staticmethod(np.logaddexp)
    derivatives = staticmethod(lambda a, b, y: (exp(a - y), exp(b - y)))


class Logaddexp2(Binary):
    numpy_fn = staticmethod(np.logaddexp2)
    derivatives = staticmethod(lambda a, b, y: ((a - y).exp2(), (b - y).exp2()))


@op(out=True, renumber_method_errors=True, samples=binary())
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("logaddexp", "input", input, 1)
    tensor_arg("logaddexp", "other", other, 2)
    _float_only("logaddexp", input, other)
    return _binary(Logaddexp, input, other)


@op(out=True, renumber_method_errors=True, samples=binary())
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("logaddexp2", "input", input, 1)
    tensor_arg("logaddexp2", "other", other, 2)
    _float_only("logaddexp2", input, other)
    return _binary(Logaddexp2, input, other)


class Copysign(Binary):
    """|a| with the sign of b. d/da is +-1 (0 where a is 0); b only gives the sign: d/db = 0."""

    numpy_fn = staticmethod(np.copysign)

    @staticmethod
    def derivatives(a, b, y):
        with _quiet():
            ratio = np.where(a._data == 0, 0, y._data / a._data).astype(y._data.dtype)
        return Tensor._make(ratio), _zeros_like(y)


@op(inplace=True, out=True, samples=binary(first=away_from_kinks, second=away_from_kinks))
def copysign(input: Tensor, other: Any) -> Tensor:
    tensor_operand("copysign", input, other, binary_overloads(number_first=None))
    out = _binary(Copysign, input, other, floating=True)
    return out if isinstance(other, Tensor) else rename(out, "CopysignBackward1")


class Fmod(Binary):
    """a - b * trunc(a / b): the remainder with the sign of a (C's fmod)."""

    numpy_fn = staticmethod(np.fmod)
    derivatives = staticmethod(lambda a, b, y: (Tensor._make(np.ones_like(y._data)),
                                                -Tensor._make(np.trunc(np.divide(_arr(a), _arr(b))))))


@op(inplace=True, out=True, samples=binary(second=declare.positive))
def fmod(input: Tensor, other: Any) -> Tensor:
    a, b = promote(input, other)  # torch's order: shapes, the kernel's dtype, then integer division by zero
    _check_broadcast(a, b)
    if a._data.dtype.kind == "b":  # torch has no bool kernel (remainder's check is _checked_integer_operands)
        raise NotImplementedError('"fmod_cpu" not implemented for \'Bool\'')
    x, y = np.asarray(_arr(a)), np.asarray(_arr(b))
    if x.dtype.kind in "iu" and np.any(y == 0) and np.broadcast(x, y).size:  # nothing to divide: no error
        raise RuntimeError("ZeroDivisionError")
    out = _binary(Fmod, a, b)
    return rename(out, "FmodBackward1") if isinstance(other, Tensor) else out


class Fmax(Binary):
    """The larger of a and b, ignoring a NaN (numpy's fmax). Ties give the gradient to a, as torch."""

    numpy_fn = staticmethod(np.fmax)

    @staticmethod
    def derivatives(a, b, y):
        to_a = (a._data >= b._data) | np.isnan(b._data)
        return _mask(to_a).to(y.dtype), _mask(~to_a).to(y.dtype)

    @staticmethod
    def tangent_derivatives(a, b, y):  # (measured: at a tie torch's tangent is b's, though its gradient goes to a)
        to_a = (a._data > b._data) | np.isnan(b._data)
        return _mask(to_a).to(y.dtype), _mask(~to_a).to(y.dtype)


class Fmin(Binary):
    numpy_fn = staticmethod(np.fmin)

    @staticmethod
    def derivatives(a, b, y):
        to_a = (a._data <= b._data) | np.isnan(b._data)
        return _mask(to_a).to(y.dtype), _mask(~to_a).to(y.dtype)


@op(out=True, renumber_method_errors=True, samples=binary())
def fmax(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("fmax", "input", input, 1)
    tensor_arg("fmax", "other", other, 2)
    return _binary(Fmax, input, other)


@op(out=True, renumber_method_errors=True, samples=binary())
def fmin(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("fmin", "input", input, 1)
    tensor_arg("fmin", "other", other, 2)
    return _binary(Fmin, input, other)


class Xlogy(Binary):
    """a * log(b), taken as 0 where a == 0 (unless b is NaN): the entropy term 0 log 0 = 0."""

    @staticmethod
    def numpy_fn(a, b):
        dtype = (a if isinstance(a, np.ndarray) else b).dtype  # a number operand takes the tensor's dtype
        a, b = np.asarray(a, dtype), np.asarray(b, dtype)
        # log in float64, rounded: the nearest float, as torch's scalar log gives (numpy's float32 log is an ulp off)
        out = np.multiply(a, np.log(b.astype(np.float64)).astype(dtype))
        return np.where((a == 0) & ~np.isnan(b), 0, out).astype(dtype)

    @staticmethod
    def derivatives(a, b, y):  # d/da = log(b) (0 where a == 0 and b <= 0), d/db = a / b (for jvp)
        dead = (np.asarray(_arr(a)) == 0) & (np.asarray(_arr(b)) <= 0)
        log_b = log(b) if isinstance(b, Tensor) else Tensor._make(np.asarray(np.log(b), y._data.dtype))
        return where(_mask(dead), 0.0, log_b), a / b

    @staticmethod
    def backward(ctx, g):
        """torch's formulas: d a = xlogy(g, b), so a zero g gives 0 even where log(b) is NaN (b < 0), and 0
        where a == 0 and b <= 0; d b = g a / b."""
        a, b, _ = ctx.saved_tensors
        da = db = None
        if ctx.needs_input_grad[0]:
            dead = (np.asarray(_arr(a)) == 0) & (np.asarray(_arr(b)) <= 0)
            da = xlogy(g, b).masked_fill(_mask(dead), 0.0)
        if ctx.needs_input_grad[1]:
            db = g * a / b
        return da, db


@op(inplace_function=True, inplace=True, out=True, samples=binary(second=declare.positive))
def xlogy(input: Any, other: Any) -> Tensor:
    tensor_operand("xlogy", input, other, binary_overloads())
    out = _binary(Xlogy, input, other, floating=True)
    if not isinstance(input, Tensor):
        return rename(out, "XlogyBackward1")
    return out if isinstance(other, Tensor) else rename(out, "XlogyBackward2")


class Ldexp(Binary):
    """a * 2^b."""

    numpy_fn = staticmethod(lambda a, b: np.multiply(a, np.exp2(b)))
    derivatives = staticmethod(lambda a, b, y: (b.exp2(), y * math.log(2.0)))


@op(inplace_function=True, inplace=True, out=True, renumber_method_errors=True, samples=binary())
def ldexp(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("ldexp", "input", input, 1)
    tensor_arg("ldexp", "other", other, 2)
    return _binary(Ldexp, input, other, floating=True)


class Nextafter(Binary):
    """The next float after a toward b. torch passes the gradient to a where a != b, none to b."""

    numpy_fn = staticmethod(np.nextafter)
    derivatives = staticmethod(lambda a, b, y: (_mask(a._data != b._data).to(y.dtype), _zeros_like(y)))


@op(inplace=True, out=True, renumber_method_errors=True, samples=binary())
def nextafter(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("nextafter", "other", other, 2)
    _float_only("nextafter", input, other)
    return _binary(Nextafter, input, other)


@op(inplace=True, out=True, samples=binary(first=declare.positive))
def float_power(input: Any, exponent: Any) -> Tensor:
    """input ** exponent computed in float64, whatever the operands' dtypes."""
    tensor_operand("float_power", input, exponent, binary_overloads(second="exponent"))
    base = input.to(dtypes.float64) if isinstance(input, Tensor) else float(input)
    power = exponent.to(dtypes.float64) if isinstance(exponent, Tensor) else float(exponent)
    return base ** power


# ------------------------------------------------------------------ integer-only and non-differentiable


def _integer_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.integers(-12, 13, a), rng.integers(-12, 13, b))) for a, b in BINARY_SHAPES]


@op(inplace_function=True, inplace=True, out=True, differentiable=False, renumber_method_errors=True,
    samples=_integer_samples)
def gcd(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("gcd", "other", other, 2)
    _integer_only("gcd", input, other)
    a, b = promote(input, other)
    return Tensor._make(np.asarray(np.gcd(a._data, b._data)))


@op(inplace_function=True, inplace=True, out=True, differentiable=False, renumber_method_errors=True,
    samples=_integer_samples)
def lcm(input: Tensor, other: Tensor) -> Tensor:
    tensor_arg("lcm", "other", other, 2)
    _integer_only("lcm", input, other)
    a, b = promote(input, other)
    return Tensor._make(np.asarray(np.lcm(a._data, b._data)))


class Angle(Unary):
    """The angle of a real number in the complex plane: pi below zero, 0 at or above it (-0.0 too),
    NaN for NaN. Flat wherever it is defined, so its derivative is zero, as torch's."""

    numpy_fn = staticmethod(lambda x: np.where(x < 0, np.pi, np.where(np.isnan(x), np.nan, 0.0)))
    derivative = staticmethod(lambda x, y: Tensor._make(np.zeros_like(x._data)))


@op(out=True, samples=unary(away_from_kinks))
def angle(input: Tensor) -> Tensor:
    return Angle.apply(to_float(input))


def _floor_divide_samples(rng: np.random.Generator) -> list[Sample]:
    """Integers of both signs, broadcast, and an integer tensor by a float number (a float result).
    No float tensors: their graph node's backward raises (FloorDivide)."""
    ints = [Sample((rng.integers(-12, 13, a), rng.integers(1, 5, b) * rng.choice([-1, 1], b))) for a, b in BINARY_SHAPES]
    return ints + [Sample((rng.integers(-12, 13, (3, 4)), -2.5))]


class NoDerivative(Function):
    """The node torch records for an op it has no derivative for: the result requires grad, and a
    backward that reaches the node raises, naming the op (`aten_name`; the in-place form, `floor_divide_`,
    sets its own name on the node). next_functions lists only the inputs that require grad, as torch's."""

    torch_name = "torch::autograd::NotImplemented"
    aten_name = ""

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{ctx.aten_name} is not implemented")

    @staticmethod
    def jvp(ctx, *tangents):
        raise NotImplementedError(f"Trying to use forward AD with aten::{ctx.aten_name} that does not support it.")

    def _shown_edges(self) -> list:
        return [e for e in self.edges if e is not None and e[0] is not None]


class FloorDivide(NoDerivative):
    """a // b: torch gives a float result that requires grad a node, but no derivative."""

    aten_name = "floor_divide"

    @staticmethod
    def forward(ctx, input, other):
        return div(input, other, rounding_mode="floor")


@op(inplace=True, out=True, differentiable=False, samples=_floor_divide_samples)
def floor_divide(input: Any, other: Any) -> Tensor:
    """a // b, rounded toward minus infinity (not differentiable: backward raises, as torch's)."""
    return FloorDivide.apply(input, other)


class Heaviside(NoDerivative):
    """0 below zero, 1 above, `values` at zero. torch has no derivative for it: backward raises."""

    aten_name = "heaviside"

    @staticmethod
    def forward(ctx, x, values):
        return Tensor._make(np.asarray(np.heaviside(x._data, values._data)).astype(x._data.dtype))


@op(inplace=True, out=True, differentiable=False, samples=_integer_samples, renumber_method_errors=True)
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    tensor_arg("heaviside", "values", values, 2)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return Heaviside.apply(input, values)


class Frexp(Function):
    """x = mantissa * 2^exponent with |mantissa| in [0.5, 1); the mantissa's gradient is g / 2^exponent."""

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = np.frexp(x._data)
        ctx.exponent = exponent
        return Tensor._make(np.asarray(mantissa)), Tensor._make(np.asarray(exponent, dtype=np.int32))

    @staticmethod
    def backward(ctx, g, _):
        return g / Frexp.scale(ctx, g)

    @staticmethod
    def jvp(ctx, t):
        return t / Frexp.scale(ctx, t), None

    @staticmethod
    def scale(ctx, g):
        """2^exponent as torch takes it: in float32, the default float of the int32 exponent (so
        it is inf or 0 past float32's range, and the gradient there 0 or inf, as torch's)."""
        with _quiet():
            return Tensor._make(np.exp2(ctx.exponent.astype(np.float32)).astype(g._data.dtype))


@op(out=True, samples=unary())
def frexp(input: Tensor) -> Any:
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa, exponent = Frexp.apply(input)
    return return_types.frexp(mantissa, exponent)


# ------------------------------------------------------------------ fused multiply-adds


def _three_samples(denominator: Any = lambda x: x) -> Any:
    shapes = [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((0, 3), (1, 3), (3,)), ((1,), (), ())]
    return lambda rng: [Sample((rng.standard_normal(a), rng.standard_normal(b), np.asarray(denominator(rng.standard_normal(c)))),
                               {"value": 0.7}) for a, b, c in shapes]


def _two_tensors(name: str, input: Any, tensor1: Any, tensor2: Any) -> None:
    """torch's parser: the input and both factors are tensors (a number is no Tensor here, unlike `value`)."""
    tensor_arg(name, "input", input, 1)
    tensor_arg(name, "tensor1", tensor1, 2)
    tensor_arg(name, "tensor2", tensor2, 3)


def _check_three_shapes(input: Any, tensor1: Tensor, tensor2: Tensor) -> None:
    """addcmul's and addcdiv's operands broadcast in torch's order: input, tensor1, tensor2 (input may be a number)."""
    broadcast_shape_of(*(t.shape for t in (input, tensor1, tensor2) if isinstance(t, Tensor)))


@op(inplace=True, out=True, renumber_method_errors=True, samples=_three_samples())
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2 (for float16, in float32 rounded once, as torch); fused (see Addcmul)."""
    _two_tensors("addcmul", input, tensor1, tensor2)
    number_arg("addcmul", "value", value)
    _check_three_shapes(input, tensor1, tensor2)  # (the shapes first; then the kernel may have no bool loop)
    if isinstance(input, Tensor) and input.dtype is tensor1.dtype is tensor2.dtype is dtypes.bool:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    if isinstance(input, Tensor) and type(value) in (int, float) and \
            input.dtype is tensor1.dtype is tensor2.dtype and input.dtype in (dtypes.float16, dtypes.float32, dtypes.float64):
        return Addcmul.apply(input, tensor1, tensor2, value)
    return rename(in_float32_for_half(lambda a, b, c: a + value * b * c, input, tensor1, tensor2),
                  "AddcmulBackward0")


class Addcmul(Function):
    """input + value * tensor1 * tensor2 as torch's CPU kernel computes it (measured bit for bit on
    float32 and float64): value * tensor1 rounded, then one fused multiply-add. Adam's
    exp_avg_sq.addcmul_(grad, grad, value=1 - beta2) is one of these."""

    @staticmethod
    def forward(ctx, input, tensor1, tensor2, value):
        ctx.save_for_backward(tensor1, tensor2)
        ctx.value = value
        dtype = input._data.dtype
        if dtype == np.float16:  # the same, in float32 (torch's opmath), rounded once to float16
            wide = [t._data.astype(np.float32) for t in (input, tensor1, tensor2)]
            with np.errstate(over="ignore", invalid="ignore"):
                return Tensor._make(fma(wide[1] * np.float32(value), wide[2], wide[0], np.float32).astype(dtype))
        with np.errstate(over="ignore", invalid="ignore"):
            return Tensor._make(fma(tensor1._data * dtype.type(value), tensor2._data, input._data, dtype))

    @staticmethod
    def backward(ctx, g):  # torch's formulas, in its order: d tensor1 = g * (tensor2 * value), and so d tensor2
        tensor1, tensor2 = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (g if needs[0] else None, g * (tensor2 * ctx.value) if needs[1] else None,
                g * (tensor1 * ctx.value) if needs[2] else None, None)

    @staticmethod
    def jvp(ctx, t_input, t1, t2, t_value):
        tensor1, tensor2 = ctx.saved_tensors
        terms = [t_input, None if t1 is None else t1 * tensor2 * ctx.value,
                 None if t2 is None else t2 * tensor1 * ctx.value]
        present = [t for t in terms if t is not None]
        total = present[0]
        for t in present[1:]:
            total = total + t
        return total


@op(inplace=True, out=True, renumber_method_errors=True, samples=_three_samples(declare.positive))
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2 (for float16, in float32 rounded once, as torch)."""
    _two_tensors("addcdiv", input, tensor1, tensor2)
    number_arg("addcdiv", "value", value)
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    _check_three_shapes(input, tensor1, tensor2)
    return composite(in_float32_for_half(lambda a, b, c: a + value * b / c, input, tensor1, tensor2),
                     "AddcdivBackward0", input, tensor1, tensor2)


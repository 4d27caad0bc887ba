"""Special functions as differentiable ops: the gamma family, erfinv, logit, Bessel I, sinc, and the
functions of torch.special that torch has no `torch.X` for (entr, erfcx, log_ndtr, ndtri, zeta, ...).

The numbers come from ops/special_math.py (numpy, float64; the result is cast back to the input's
float dtype). Each op here is that function and its derivative, via `Unary` of pointwise_more.py:
forward, backward and jvp are written once there.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..argcheck import binary_overloads, tensor_arg, tensor_operand
from ..core import dtypes
from ..core.function import Function, rename
from ..core.tensor import Tensor
from . import bessel
from . import special_math as sm
from .composite import composite
from .declare import Sample, inside_unit, op, positive, unary
from .pointwise import _binary, _quiet, cos, erf, exp, log, log1p, sin, where
from .pointwise_more import Binary, Unary, _mask
from .promotion import array_of as _arr
from .promotion import as_operand, promote, result_type, to_float


def _cast_back(fn: Any) -> Any:
    """A float64 numpy function applied to an array of any float dtype, result in that dtype."""
    return lambda x: fn(x).astype(x.dtype)


# ------------------------------------------------------------------ the gamma family


class Lgamma(Unary):
    numpy_fn = staticmethod(_cast_back(sm.lgamma))
    derivative = staticmethod(lambda x, y: digamma(x))


class Digamma(Unary):
    numpy_fn = staticmethod(_cast_back(sm.digamma))
    derivative = staticmethod(lambda x, y: polygamma(1, x))


class Polygamma(Function):
    """The n-th derivative of digamma; its own derivative is the (n+1)-th."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return Tensor._make(np.asarray(sm.polygamma(n, x._data)).astype(x._data.dtype))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, x), None

    @staticmethod
    def jvp(ctx, t, _):
        (x,) = ctx.saved_tensors
        return t * polygamma(ctx.n + 1, x)


@op(inplace=True, out=True, samples=unary(positive))
def lgamma(input: Tensor) -> Tensor:
    return Lgamma.apply(to_float(input))


@op(inplace=True, out=True, samples=unary(positive))
def digamma(input: Tensor) -> Tensor:
    return Digamma.apply(to_float(input))


def _polygamma_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((n, np.asarray(np.abs(rng.standard_normal(s)) + 0.5))) for n, s in ((0, (3, 4)), (1, (3,)), (2, (0, 2)), (3, ()))]


@op(inplace=True, out=True, samples=_polygamma_samples)
def polygamma(n: Any, input: Any) -> Tensor:
    """psi^(n)(input). As a method, `t.polygamma(n)`: the tensor comes first there, so the two
    arguments are told apart by which one is the tensor."""
    if isinstance(n, Tensor):
        n, input = input, n
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    out = Polygamma.apply(to_float(input), int(n))
    return rename(out, "PolygammaBackward0")


@op(inplace=True, out=True, samples=lambda rng: [Sample((np.asarray(np.abs(rng.standard_normal(s)) + 2.0), p))
                                                  for s, p in (((3, 4), 1), ((3,), 3), ((0, 2), 2), ((), 4))])
def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma: sum over i < p of lgamma(x - i/2), plus p(p-1)/4 log(pi)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = to_float(input)
    total = lgamma(x)
    for i in range(1, p):
        total = total + lgamma(x - i / 2)
    return composite(total + p * (p - 1) / 4 * math.log(math.pi), "MvlgammaBackward0", input)


# ------------------------------------------------------------------ erfinv, logit, sinc, Bessel I


class Erfinv(Unary):
    numpy_fn = staticmethod(_cast_back(sm.erfinv))
    derivative = staticmethod(lambda x, y: exp(y * y) * (math.sqrt(math.pi) / 2))


@op(inplace=True, out=True, samples=unary(inside_unit))
def erfinv(input: Tensor) -> Tensor:
    return Erfinv.apply(to_float(input))


class Logit(Function):
    """log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given (and then flat outside)."""

    @staticmethod
    def forward(ctx, x, eps):
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x._data if eps is None else np.clip(x._data, eps, 1 - eps)
        with _quiet():
            return Tensor._make(np.log(z / (1 - z)))

    @staticmethod
    def backward(ctx, g):
        return g * Logit.slope(ctx), None

    @staticmethod
    def jvp(ctx, t, _):
        return t * Logit.slope(ctx)

    @staticmethod
    def slope(ctx):
        """1 / (x (1 - x)); 0 outside [eps, 1 - eps], and without eps nan outside [0, 1], as torch."""
        (x,) = ctx.saved_tensors
        d = 1 / (x * (1 - x))
        if ctx.eps is None:
            return where(_mask((x._data < 0) | (x._data > 1)), math.nan, d)
        return where(_mask((x._data < ctx.eps) | (x._data > 1 - ctx.eps)), 0.0, d)


@op(inplace_function=True, inplace=True, out=True, samples=unary(lambda x: 0.5 + 0.4 * np.tanh(x)))
def logit(input: Tensor, eps: float | None = None) -> Tensor:
    return Logit.apply(to_float(input), eps)


class Sinc(Unary):
    numpy_fn = staticmethod(_cast_back(sm.sinc))

    @staticmethod
    def derivative(x, y):  # (pi x cos(pi x) - sin(pi x)) / (pi x^2), and 0 at 0
        px = x * math.pi
        return where(_mask(x._data == 0), 0.0, (px * cos(px) - sin(px)) / (px * x))


@op(inplace_function=True, inplace=True, out=True, samples=unary())
def sinc(input: Tensor) -> Tensor:
    return Sinc.apply(to_float(input))


class I0(Unary):
    numpy_fn = staticmethod(_cast_back(lambda x: sm.bessel_i(x, 0)))
    derivative = staticmethod(lambda x, y: SpecialI1.apply(x))


class SpecialI0E(Unary):
    """e^-|x| I0(x)."""

    numpy_fn = staticmethod(_cast_back(lambda x: sm.bessel_i_scaled(x, 0)))
    derivative = staticmethod(lambda x, y: SpecialI1E.apply(x) - x.sign() * y)


class SpecialI1(Unary):
    numpy_fn = staticmethod(_cast_back(lambda x: sm.bessel_i(x, 1)))
    derivative = staticmethod(lambda x, y: _bessel_i1_slope(x, y, I0.apply(x), 0.0))


class SpecialI1E(Unary):
    numpy_fn = staticmethod(_cast_back(lambda x: sm.bessel_i_scaled(x, 1)))
    derivative = staticmethod(lambda x, y: _bessel_i1_slope(x, y, SpecialI0E.apply(x), x.sign()))


def _bessel_i1_slope(x: Tensor, y: Tensor, i0: Tensor, scale_sign: Any) -> Tensor:
    """d I1/dx = I0 - I1 / x, 1/2 at 0 (and for the scaled e^-|x| I1, minus sign(x) times itself)."""
    at_zero = _mask(x._data == 0)
    safe_x = where(at_zero, 1.0, x)
    return where(at_zero, 0.5, i0 - y / safe_x - scale_sign * y)


@op(inplace_function=True, inplace=True, out=True, samples=unary())
def i0(input: Tensor) -> Tensor:
    return I0.apply(to_float(input))


# ------------------------------------------------------------------ torch.special only


class SpecialEntr(Unary):
    """-x log x: 0 at 0, -inf below 0."""

    @staticmethod
    def numpy_fn(x):
        with _quiet():
            return np.where(x == 0, 0, np.where(x < 0, -np.inf, -x * np.log(x))).astype(x.dtype)

    derivative = staticmethod(lambda x, y: -(log(x) + 1))


class SpecialErfcx(Unary):
    numpy_fn = staticmethod(_cast_back(sm.erfcx))
    derivative = staticmethod(lambda x, y: 2 * x * y - 2 / math.sqrt(math.pi))


class SpecialLogNdtr(Unary):
    numpy_fn = staticmethod(_cast_back(sm.log_ndtr))
    derivative = staticmethod(lambda x, y: math.sqrt(2 / math.pi) / SpecialErfcx.apply(x * -math.sqrt(0.5)))


class SpecialNdtri(Unary):
    numpy_fn = staticmethod(_cast_back(sm.ndtri))
    derivative = staticmethod(lambda x, y: exp(y * y / 2) * math.sqrt(2 * math.pi))


class SpecialXlog1py(Binary):
    """x log(1 + y), 0 where x == 0 (unless y is NaN)."""

    torch_name = "SpecialXlog1PyBackward0"

    @staticmethod
    def numpy_fn(a, b):
        dtype = np.result_type(a, b)  # a Python number takes the tensor's dtype (log1p(4.0) alone is a float64)
        out = np.multiply(a, np.log1p(np.asarray(b, dtype)))
        return np.where((np.asarray(a) == 0) & ~np.isnan(b), 0, out).astype(dtype)

    @staticmethod
    def derivatives(a, b, y):  # d/da = log1p(b) (0 where a == 0 and b <= -1), d/db = a / (1 + b)
        dead = (np.asarray(_arr(a)) == 0) & (np.asarray(_arr(b)) <= -1)
        log_b = log1p(b) if isinstance(b, Tensor) else Tensor._make(np.asarray(np.log1p(b), y._data.dtype))
        return where(_mask(dead), 0.0, log_b), a / (1 + b)


class SpecialZeta(Binary):
    """The Hurwitz zeta function; torch has no derivative for it."""

    numpy_fn = staticmethod(lambda s, q: sm.zeta(s, q).astype(np.result_type(s, q)))

    @staticmethod
    def derivatives(a, b, y):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")


def entr(input: Tensor) -> Tensor:
    return SpecialEntr.apply(to_float(input))


def erfcx(input: Tensor) -> Tensor:
    return SpecialErfcx.apply(to_float(input))


def log_ndtr(input: Tensor) -> Tensor:
    return SpecialLogNdtr.apply(to_float(input))


def ndtri(input: Tensor) -> Tensor:
    return SpecialNdtri.apply(to_float(input))


def ndtr(input: Tensor) -> Tensor:
    """The standard normal distribution function, (1 + erf(x / sqrt 2)) / 2, as torch computes it
    (its last step multiplies by a C++ scalar: MulBackward1)."""
    x = to_float(input)
    return rename((1 + erf(x * math.sqrt(0.5))) * 0.5, "MulBackward1")


def i0e(input: Tensor) -> Tensor:
    return SpecialI0E.apply(to_float(input))


def i1(input: Tensor) -> Tensor:
    return SpecialI1.apply(to_float(input))


def i1e(input: Tensor) -> Tensor:
    return SpecialI1E.apply(to_float(input))


def xlog1py(input: Any, other: Any) -> Tensor:
    tensor_operand("special_xlog1py", input, other, binary_overloads())
    return xlog1py_named(_binary(SpecialXlog1py, input, other, floating=True), input, other)


def zeta(input: Any, other: Any) -> Tensor:
    tensor_operand("special_zeta", input, other, binary_overloads())
    return _binary(SpecialZeta, input, other, floating=True)


def xlog1py_named(out: Tensor, input: Any, other: Any) -> Tensor:
    """torch numbers the node of a number x or a number y differently."""
    if not isinstance(input, Tensor):
        return rename(out, "SpecialXlog1PyBackward1")
    return out if isinstance(other, Tensor) else rename(out, "SpecialXlog1PyBackward2")


# ------------------------------------------------------------------ outside the graph


def _without_gradient(fn: Any, *inputs: Any) -> Tensor:
    """torch computes these without a graph: the result never requires grad."""
    arrays = [np.asarray(_arr(x)) for x in inputs]
    dtype = result_type(*(as_operand(x) for x in inputs))  # torch's promotion: (float32 tensor, 2.5) is float32
    if not dtype.is_floating_point:
        dtype = dtypes.get_default_dtype()
    return Tensor._make(np.asarray(fn(*arrays)).astype(dtype.np))


def polynomial(kind: str, input: Any, n: Any) -> Tensor:
    """One of the classical orthogonal polynomials of degree n at input (see special_math.polynomial)."""
    family, degree_letter = kind.rsplit("_", 1)  # chebyshev_t is torch's special_chebyshev_polynomial_t
    tensor_operand(f"special_{family}_polynomial_{degree_letter}", input, n, binary_overloads("x", "n", "x"))
    _refuse_half(f"{family}_polynomial_{degree_letter}", result_type(as_operand(input), as_operand(n)))
    return _without_gradient(lambda x, k: sm.polynomial(kind, x, k), input, n)


def bessel_function(name: str, input: Any, argument: str = "input") -> Tensor:
    """torch.special's Bessel and Airy function `name` (ops/bessel.py, torch's approximations): computed in
    the result's float type (an integer or bool input's is the default dtype), outside the graph."""
    tensor_arg(f"special_{name}", argument, input, 1)
    dtype = input.dtype if input.dtype.is_floating_point else dtypes.get_default_dtype()
    _refuse_half(name, dtype)
    data = input._data.astype(dtype.np).reshape(-1)  # (a copy, 1-d: the ranges are picked by boolean masks)
    with np.errstate(all="ignore"):  # inf and NaN come out as torch's, without numpy's warnings
        return Tensor._make(getattr(bessel, name)(data).reshape(input._data.shape))


def _refuse_half(name: str, dtype: Any) -> None:
    """torch's CPU kernels of these functions are built for float32 and float64 only."""
    if dtype is dtypes.float16:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Half'")


# ------------------------------------------------------------------ incomplete gamma


class Igamma(Function):
    """P(a, x) (or Q(a, x) = 1 - P for the upper one). d/dx P = x^(a-1) e^-x / Gamma(a); torch has
    no derivative in a, so asking for one raises its NotImplementedError."""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        fn = sm.gammaincc if upper else sm.gammainc
        return Tensor._make(np.asarray(fn(a._data, x._data)).astype(np.result_type(a._data, x._data)))

    @staticmethod
    def backward(ctx, g):
        if ctx.needs_input_grad[0]:
            raise NotImplementedError(f"the derivative for '{'igammac' if ctx.upper else 'igamma'}: input' is not "
                                      "implemented.")
        return None, g * Igamma.density(ctx), None

    @staticmethod
    def jvp(ctx, ta, tx, _):
        return tx * Igamma.density(ctx)

    @staticmethod
    def density(ctx):
        a, x = ctx.saved_tensors
        slope = exp((a - 1) * log(x) - x - lgamma(a))
        return -slope if ctx.upper else slope


def _igamma_samples(rng: np.random.Generator) -> list[Sample]:
    """Integer shapes a (torch has no derivative in a, so a must need none) and positive x, broadcasting.
    a is 1 or 2: for an integer a torch's gradient takes lgamma(a) in float32, exact only there."""
    pairs = [((3, 4), (3, 4)), ((4,), (3, 4)), ((2, 1), (1, 3)), ((0, 3), (3,)), ((), (1,))]
    return [Sample((rng.integers(1, 3, a), np.abs(rng.standard_normal(x)) * 2 + 0.1)) for a, x in pairs]


@op(out=True, inplace=True, renumber_method_errors=True, samples=_igamma_samples)
def igamma(input: Any, other: Any) -> Tensor:
    """The regularized lower incomplete gamma function P(input, other) (torch.special.gammainc)."""
    tensor_arg("igamma", "other", other, 2)
    a, x = promote(input, other, True)
    return Igamma.apply(a, x, False)


@op(out=True, inplace=True, renumber_method_errors=True, samples=_igamma_samples)
def igammac(input: Any, other: Any) -> Tensor:
    """The regularized upper incomplete gamma function Q(input, other) (torch.special.gammaincc)."""
    tensor_arg("igammac", "other", other, 2)
    a, x = promote(input, other, True)
    return rename(Igamma.apply(a, x, True), "IgammacBackward0")

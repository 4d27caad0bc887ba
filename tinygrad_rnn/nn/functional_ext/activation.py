"""More activations: glu, mish, hardswish, hardsigmoid, prelu, rrelu, celu, softshrink, hardshrink,
tanhshrink, threshold, and the in-place forms torch has (relu_, elu_, leaky_relu_, hardtanh_, selu_ too).

Most are written with Tensor ops, mostly `where`, so gradients (and gradients of gradients) come
from the ops; hardswish and hardsigmoid are Functions that compute in torch's order (their float
rounding is then torch's). Where a function has a kink, the branch that owns the kink point is chosen so the
gradient there is torch's: e.g. hardswish'(-3) = -0.5 and hardswish'(3) = 1.5, as torch computes.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...argcheck import int_arg, number_arg, number_value, tensor_arg
from ...core.function import Function, rename
from ...core.tensor import Tensor
from ...creation import from_numpy, integer_fill
from ...ops import pointwise as _pw
from ...ops.composite import composite
from ...ops.promotion import DOUBLE_STEP, FLOAT_STEP, vector_loop
from ...ops.shape import normalize_dim
from ...random import _rng
from . import basic as _F
from .piecewise import piecewise_linear


def require_float(input: Tensor, kernel: str) -> None:
    """torch's error for a floating-point-only CPU kernel called on an integer tensor."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._legacy}\'')


def _zeros_like(x: Tensor) -> Tensor:
    return from_numpy(np.zeros(x.shape, x.dtype.np))


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), where a and b are the two halves of input along dim."""
    if input.dim() == 0:  # torch's order (dim(): its first read of input): a 0-d input, dim's type, dim's range, an odd size, the dtype
        raise RuntimeError("glu does not support scalars because halving size must be even")
    dim = int_arg("glu", "dim", dim, 2)
    d = normalize_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    require_float(input, "glu_cpu")
    a, b = input.chunk(2, d)
    return composite(a * _pw.sigmoid(b), "GluBackward0", input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x)) (Misra, 2019)."""
    tensor_arg("mish", "input", input, 1)
    require_float(input, "mish_cpu")
    return _F._apply(lambda x: composite(x * _pw.tanh(_F.softplus(x)), "MishBackward0", x), input, inplace)


class Hardswish(Function):
    """x * relu6(x + 3) / 6, computed in torch's order, so its float rounding is torch's (x * 6 / 6
    is not always x). Its gradient is 0 up to -3 and 1 from 3 on (torch's choice at the kinks)."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        a = x._data
        with np.errstate(invalid="ignore"):  # -inf * 0 is NaN, as torch's, without a word
            return Tensor._make(a * np.clip(a + 3, 0, 6) / 6)

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return HardswishBackward.apply(g, x)


class HardswishBackward(Function):
    """g * (x / 3 + 1/2) strictly between the kinks, 0 up to -3, g from 3 on, as torch's. For a NaN x torch's
    scalar loop gives g (its comparisons all fail) and its vector loop NaN (its blend keeps g * (x / 3 + 1/2)):
    which elements each loop takes depends on the vector width (ops/promotion.py's vector_loop)."""

    @staticmethod
    def forward(ctx: Any, g: Tensor, x: Tensor) -> Tensor:
        ctx.save_for_backward(g, x)
        a, grad = x._data, g._data
        with np.errstate(invalid="ignore"):
            result = np.where(a <= -3, 0, np.where(a < 3, grad * (a / 3 + 0.5), grad)).astype(grad.dtype)
        nan = np.isnan(a)
        if grad.dtype != np.float16 and nan.any():  # (float16 is computed in float32's loops: not measured)
            in_vector = vector_loop(result.shape, FLOAT_STEP if grad.dtype == np.float32 else DOUBLE_STEP, g, x)
            result[nan & in_vector] = np.nan
        return Tensor._make(result)

    @staticmethod
    def backward(ctx: Any, gg: Tensor) -> tuple:
        g, x = ctx.saved_tensors
        inside = (x > -3) & (x < 3)
        return (HardswishBackward.apply(gg, x) if ctx.needs_input_grad[0] else None,
                _pw.where(inside, gg * g / 3, 0.0) if ctx.needs_input_grad[1] else None)


class Hardsigmoid(Function):
    """relu6(x + 3) / 6, in torch's order. Its gradient is g / 6 strictly inside (-3, 3), 0 elsewhere."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return Tensor._make(np.clip(x._data + 3, 0, 6) / 6)

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return HardsigmoidBackward.apply(g, x)


# torch's backward multiplies by 1/6 rounded to float32, for float64 input too
_SIXTH_AS_FLOAT32 = float(np.float32(1 / 6))


class HardsigmoidBackward(Function):
    @staticmethod
    def forward(ctx: Any, g: Tensor, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        a, grad = x._data, g._data
        return Tensor._make(np.where((a > -3) & (a < 3), grad * grad.dtype.type(_SIXTH_AS_FLOAT32), 0).astype(grad.dtype))

    @staticmethod
    def backward(ctx: Any, gg: Tensor) -> tuple:  # linear in g; no gradient for x
        (x,) = ctx.saved_tensors
        return HardsigmoidBackward.apply(gg, x) if ctx.needs_input_grad[0] else None, None


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6: 0 up to -3, x from 3 on, x (x + 3) / 6 in between."""
    tensor_arg("hardswish", "input", input, 1)
    require_float(input, "hardswish_cpu")
    return _F._apply(Hardswish.apply, input, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6; the gradient is 1/6 strictly inside (-3, 3) and 0 elsewhere."""
    tensor_arg("hardsigmoid", "input", input, 1)
    require_float(input, "hardsigmoid_cpu")
    return _F._apply(Hardsigmoid.apply, input, inplace)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x for x > 0, weight * x otherwise; weight has one entry or one per channel (dim 1)."""
    tensor_arg("prelu", "input", input, 1)
    tensor_arg("prelu", "weight", weight, 2)
    count = weight.numel()
    if count != 1:  # torch's order: the channel count first, then weight's ndim, then the dtypes
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim >= 2 else 1
        if count != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{count} and channel size = {channels}.")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {input.dtype._legacy} and {weight.dtype._legacy}")
    require_float(input, "prelu_cpu")
    slope = weight.reshape((-1,) + (1,) * (input.ndim - 2)) if count != 1 else weight.reshape(())
    return composite(_pw.where(input > 0, input, slope * input), "PreluKernelBackward0", input, slope)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Leaky ReLU with a random slope from U(lower, upper) per non-positive element in training
    (drawn from torch's stream in torch's order: one double per such element, in memory order),
    and the mean slope (lower + upper) / 2 in eval."""
    tensor_arg("rrelu_" if inplace else "rrelu", "input", input, 1)
    return rrelu_with_generator(input, lower, upper, training, inplace, None)


def rrelu_with_generator(input: Tensor, lower: float, upper: float, training: bool, inplace: bool,
                         generator: Any) -> Tensor:
    """rrelu drawing its slopes from `generator` (torch.rrelu takes one; F.rrelu does not)."""
    stream = _rng(generator, "rrelu_" if inplace else "rrelu")
    lower, upper = number_value("rrelu", "lower", lower, 2), number_value("rrelu", "upper", upper, 3)
    for name, bound in (("lower", lower), ("upper", upper)):
        if not math.isfinite(float(bound)):
            raise RuntimeError(f"rrelu: {name} bound must be finite, got {float(bound)}")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if training:  # in eval torch runs leaky_relu, which names its own kernel for an integer input
        require_float(input, "rrelu_with_noise_out_cpu")
    if not training:
        node = "RreluWithNoiseBackward1" if inplace else "RreluWithNoiseBackward0"
        return rename(_F.leaky_relu(input, (lower + upper) / 2, inplace), node)
    data = input.detach().numpy()
    noise = np.ones(data.shape, data.dtype)
    low = data <= 0
    # torch's kernel holds the bounds in its opmath type and draws u * (upper - lower) + lower in double,
    # here rounded twice (unlike its uniform_, where the compiler fuses it)
    low_, high_ = (float(np.dtype(np.float64 if data.dtype == np.float64 else np.float32).type(b)) for b in (lower, upper))
    noise[low] = (stream.unit(int(low.sum()), np.float64) * (high_ - low_) + low_).astype(data.dtype)

    def noisy(x: Tensor) -> Tensor:  # the gradient is g * noise (noise is 1 where x > 0)
        return piecewise_linear(x, lambda a: a * noise, ~low, noise, "RreluWithNoiseBackward0")

    return _F._apply(noisy, input, inplace, rounds_half=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e^(x / alpha) - 1) otherwise: an ELU that is C1 for every alpha."""
    tensor_arg("celu", "input", input, 1)
    number_arg("celu", "alpha", alpha, 2)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    require_float(input, "elu_cpu")
    if input.dtype.name != "float64":  # torch runs ELU with alpha and an input scale 1 / alpha, both as float
        for number in (float(alpha), 1.0 / float(alpha)):
            if math.isfinite(number) and abs(number) > float(np.finfo(np.float32).max):
                raise RuntimeError("value cannot be converted to type float without overflow")

    def of(x: Tensor) -> Tensor:  # e^ of min(x, 0): the unused branch must not overflow; expm1 as torch
        out = _pw.where(x > 0, x, alpha * _pw.expm1(x.clamp(max=0) / alpha))
        return composite(_F.zero_keeps_its_sign(x, out), "CeluBackward0", x)

    out = _F._apply(of, input, inplace)
    return _F.refuse_backward_of_negative_slope(out, alpha, "elu") if inplace else out


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def _check_lambda(lambd: float, input: Tensor) -> None:
    """torch's error for a softshrink lambd that is negative (or NaN) or too large for the dtype."""
    limit = float(np.finfo(input.dtype.np).max) if input.dtype.is_floating_point else math.inf
    if not 0 <= lambd <= limit:
        raise RuntimeError(f"lambda must be in range [0, {limit:g}] for input dtype {input.dtype._legacy}, "
                           f"but found {lambd:g}")


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """Shrink toward 0 by lambd: x - lambd above lambd, x + lambd below -lambd, 0 in between."""
    lambd = float(number_arg("softshrink", "lambd", lambd, 2))
    require_float(input, "softshrink_check")
    _check_lambda(lambd, input)

    def shrunk(a: np.ndarray) -> np.ndarray:  # x * 0 in between, as torch: it keeps x's sign (-0.0) and its NaN
        return np.where(a > lambd, a - lambd, np.where(a < -lambd, a + lambd, a * 0))

    return piecewise_linear(input, shrunk, _outside(input, lambd), None, "SoftshrinkBackward0")


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """0 where -lambd <= x <= lambd, x elsewhere (so a NaN x, or a NaN lambd, keeps x, as in torch)."""
    lambd = float(number_arg("hardshrink", "lambd", lambd, 2))
    require_float(input, "hardshrink_cpu")
    outside = _outside(input, lambd)
    return piecewise_linear(input, lambda a: np.where(outside, a, a.dtype.type(0)), outside, None,
                            "HardshrinkBackward0")


def _outside(input: Tensor, lambd: float) -> np.ndarray:
    """Where a shrink passes its gradient: not in [-lambd, lambd] (so at NaN too, as torch's kernels)."""
    return ~((input._data >= -lambd) & (input._data <= lambd))


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - _pw.tanh(_F._method_owner(input, "tanh"))  # torch's `input - input.tanh()`


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """`value` where x <= threshold, else x (value gets no gradient; a NaN x stays NaN, as in torch).
    Both numbers are first converted to input's dtype, as torch's kernel takes them: an int input
    compares with a truncated threshold, and a number the dtype cannot hold is an error."""
    tensor_arg("threshold", "input", input, 1)
    threshold = _scalar("threshold", "threshold", threshold, 2)
    value = _scalar("threshold", "value", value, 3)
    if input.dtype.name == "bool":
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    threshold, value = _converted(threshold, input), _converted(value, input)

    def of(x: Tensor) -> Tensor:
        below = x._data <= threshold
        return piecewise_linear(x, lambda a: np.where(below, a.dtype.type(value), a), ~below, None, "ThresholdBackward0")

    return _F._apply(of, input, inplace, rounds_half=True)


def _scalar(fn: str, name: str, value: Any, position: int) -> Any:
    """torch's `Scalar` parameter: a number (else TypeError); a Python int must fit in 64 bits."""
    number_arg(fn, name, value, position)
    if isinstance(value, int) and value < -2 ** 63:
        raise OverflowError("can't convert negative int to unsigned")
    if isinstance(value, int) and value >= 2 ** 64:
        raise OverflowError("int too big to convert")
    return value


_CPP_FLOAT_NAMES = {"float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


def _converted(number: Any, input: Tensor) -> Any:
    """`number` as a value of input's dtype, or torch's error when the dtype cannot hold it (a finite float
    too large for a float dtype; NaN, inf or an out-of-range number for an integer dtype)."""
    if not input.dtype.is_floating_point:
        return integer_fill(number, input.dtype)
    number = float(number)
    if math.isfinite(number) and abs(number) > float(np.finfo(input.dtype.np).max):
        raise RuntimeError(f"value cannot be converted to type {_CPP_FLOAT_NAMES[input.dtype.name]} without "
                           f"overflow")
    return number


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _threshold(input, threshold, value, inplace=True)


_threshold = threshold  # threshold_'s argument named `threshold` hides the function inside it


# ------------------------------------------------------------------ in-place forms of the basic activations
def relu_(input: Tensor) -> Tensor:
    """relu written into input."""
    return _F.relu(tensor_arg("relu_", "input", input, 1), inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """leaky_relu written into input."""
    number_arg("leaky_relu_", "negative_slope", negative_slope, 2)
    return _F.leaky_relu(tensor_arg("leaky_relu_", "input", input, 1), negative_slope, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0, scale: float = 1.0, input_scale: float = 1.0) -> Tensor:
    """elu written into input; torch's in-place form also takes `scale` (of both branches) and
    `input_scale` (of x inside the exponential): scale * x for x > 0, scale * alpha * (e^(input_scale x) - 1)
    otherwise."""
    tensor_arg("elu_", "input", input, 1)
    for position, (name, number) in enumerate((("alpha", alpha), ("scale", scale), ("input_scale", input_scale)), 2):
        number_arg("elu_", name, number, position)
    if scale == 1 and input_scale == 1:
        return _F.elu(input, alpha, inplace=True)
    require_float(input, "elu_cpu")

    def of(x: Tensor) -> Tensor:  # e^ of min(x, 0): the unused branch must not overflow
        negative = alpha * _pw.expm1(x.clamp(max=0) * input_scale)
        out = _F.zero_keeps_its_sign(x, _pw.where(x > 0, x, negative) * scale, scale)
        if scale < 0 or input_scale < 0:
            out = _elu_gradient_from_output(x, out, alpha, scale, input_scale)
        return composite(out, "EluBackward1", x)

    return _F.refuse_backward_of_negative_slope(_F._apply(of, input, True), alpha, "elu")


def _elu_gradient_from_output(x: Tensor, out: Tensor, alpha: float, scale: float, input_scale: float) -> Tensor:
    """torch's in-place elu computes its gradient from the output: input_scale * (out + alpha * scale) where
    out <= 0, scale elsewhere. A negative scale or input_scale gives the output the other branch's sign, and
    there that rule is not the derivative: such elements keep out's value and get torch's slope."""
    value = out.detach()
    slope = _pw.where(value <= 0, input_scale * (value + alpha * scale), _zeros_like(value) + scale)
    other_branch = (value <= 0) != (x.detach() <= 0)
    return _pw.where(other_branch, value + (x - x.detach()) * slope, out)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """hardtanh written into input. Unlike F.hardtanh, torch's in-place form does not compare the
    bounds: with min_val > max_val every element becomes max_val, as clamp does."""
    tensor_arg("hardtanh_", "input", input, 1)
    number_arg("hardtanh_", "min_val", min_val, 2)
    number_arg("hardtanh_", "max_val", max_val, 3)
    if min_val > max_val:
        return _F.hardtanh(input, max_val, max_val, inplace=True)
    return _F.hardtanh(input, min_val, max_val, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """selu written into input."""
    tensor_arg("selu_", "input", input, 1)
    require_float(input, "elu_cpu")
    return _F.selu(input, inplace=True)

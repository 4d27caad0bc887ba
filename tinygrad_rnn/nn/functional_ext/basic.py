"""torch.nn.functional: stateless layers (linear, dropout, embedding), activations and losses.

Everything here is built from Tensor ops, so gradients (and gradients of gradients) come for free;
the few ops that need their own backward live in `ops/nn_ops.py`. The losses live in
`loss_functions.py` and are re-exported here, so `F.cross_entropy` works as in torch.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...argcheck import bool_arg, float_arg, int_arg, int_list_arg, number_arg, number_value, tensor_arg, type_name
from ...core import dtypes
from ...core.function import Function, rename
from ...core.grad_mode import is_grad_enabled, no_grad
from ...core.modes import modes
from ...core.tensor import Tensor
from ...creation import empty, from_numpy, full, integer_fill
from ...ops import linalg as _la
from ...ops import nn_ops
from ...ops import pointwise as _pw
from ...ops import reduce as _rd
from ...ops.composite import composite
from ...ops.moments import row_moments
from ...ops.pointwise import approximate_erf
from ...ops.promotion import FLOAT_STEP, HALF_STEP, check_broadcast, result_type, vector_loop
from ...ops.shape import T, View
from ...random import bernoulli
from ...threads import get_num_threads
from ..loss_functions import (  # noqa: F401  (re-exported: F.cross_entropy, ...)
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .piecewise import piecewise_linear


def _float_kernel(input: Tensor, kernel: str) -> Tensor:
    """torch implements these activations for floating types only, and its error names the kernel."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._legacy}\'')
    return input


def _in_float32(fn: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """fn, but a float16 argument goes through it as float32 and the result is rounded back once."""
    def run(x: Tensor) -> Tensor:
        return fn(x.float()).half() if x.dtype is dtypes.float16 else fn(x)

    return run


def _apply(fn: Callable[[Tensor], Tensor], input: Tensor, inplace: bool, rounds_half: bool = False) -> Tensor:
    """fn(input), written into `input` when inplace=True (as torch's `relu_` and friends do).

    In place, fn reads input's stand-in (its old values, which fn may save for backward), and
    the result is written into input. A float16 input is computed in float32 and rounded once, as
    torch's kernels do (fn does that itself when `rounds_half`)."""
    if not rounds_half:
        fn = _in_float32(fn)
    if not inplace:
        return fn(input)
    out = input._assign(fn(input._stand_in()))
    node = out.grad_fn.name() if out.grad_fn is not None else None
    return rename(out, _IN_PLACE_NODES[node]) if node in _IN_PLACE_NODES else out


# torch's in-place forms whose backward reads the output (not the overwritten input) have nodes of their own
_IN_PLACE_NODES = {name + "Backward0": name + "Backward1" for name in ("Elu", "LeakyRelu", "Celu", "RreluWithNoise",
                                                                        "Threshold")}


# ------------------------------------------------------------------ activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    tensor_arg("relu", "input", input, 1)
    return _apply(_pw.relu, input, inplace)


def tanh(input: Tensor) -> Tensor:
    return _pw.tanh(_method_owner(input, "tanh"))


def sigmoid(input: Tensor) -> Tensor:
    return _pw.sigmoid(_method_owner(input, "sigmoid"))


def _method_owner(input: Any, method: str) -> Tensor:
    """torch's F.tanh and F.sigmoid call input.tanh(): anything else has no such attribute."""
    if not isinstance(input, Tensor):
        raise AttributeError(f"'{type_name(input)}' object has no attribute '{method}'")
    return input


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise (the slope also applies at exactly 0)."""
    tensor_arg("leaky_relu", "input", input, 1)
    negative_slope = number_value("leaky_relu", "negative_slope", negative_slope, 2)
    _float_kernel(input, "leaky_relu_cpu")

    def leaky(x: Tensor) -> Tensor:
        keep = x._data > 0
        return piecewise_linear(x, lambda a: np.where(keep, a, a * negative_slope), keep, negative_slope,
                                "LeakyReluBackward0")

    out = _apply(leaky, input, inplace, rounds_half=True)
    return refuse_backward_of_negative_slope(out, negative_slope, "leakyReLu") if inplace else out


_NEGATIVE_SLOPE_IN_PLACE = ("In-place {} backward calculation is triggered with a negative slope which is not supported. "
                            "This is caused by calling in-place forward function with a negative slope, please call "
                            "out-of-place version instead.")


def refuse_backward_of_negative_slope(out: Tensor, slope: float, kind: str) -> Tensor:
    """torch computes the gradient of an in-place leaky_relu or elu from its output, whose sign a negative slope
    makes ambiguous: the forward runs, and the backward through it raises torch's error."""
    if slope < 0 and out.requires_grad:
        message = _NEGATIVE_SLOPE_IN_PLACE.format(kind)
        if kind == "leakyReLu":
            message += (" File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place "
                        "leakRelu backward calculation with negative slope")

        def refuse(grad: Tensor) -> None:
            raise RuntimeError(message)

        out.register_hook(refuse)
    return out


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e^x - 1) otherwise. e^x is taken of min(x, 0): the unused branch must
    not overflow, or its zero gradient times inf would be NaN."""
    tensor_arg("elu", "input", input, 1)
    def elu_of(x: Tensor) -> Tensor:
        return composite(zero_keeps_its_sign(x, _pw.where(x > 0, x, alpha * _pw.expm1(x.clamp(max=0)))), "EluBackward0", x)

    number_arg("elu", "alpha", alpha, 2)
    _float_kernel(input, "elu_cpu")
    out = _apply(elu_of, input, inplace)
    return refuse_backward_of_negative_slope(out, alpha, "elu") if inplace else out


def zero_keeps_its_sign(x: Tensor, out: Tensor, scale: float = 1.0) -> Tensor:
    """out, except where x is +-0: there torch's ELU kernel gives scale * x (so -0.0 stays -0.0, whatever alpha's
    sign), while its gradient there is the alpha branch's. The value is swapped in; the gradient still flows
    through out (subtracting a zero keeps the sign of -0.0, adding one would not). For a non-finite alpha out is
    NaN at 0 and stays so: the deliberate difference the fuzz catalog filters."""
    return _pw.where(x == 0, x.detach() * scale - (out.detach() - out), out)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    tensor_arg("selu", "input", input, 1)
    return _apply(lambda x: composite(elu(x, _SELU_ALPHA) * _SELU_SCALE, "EluBackward0", x), input, inplace)


def _exp_nearest(x: Tensor) -> Tensor:
    """e^x of a float32 x as the nearest float32 (through float64), as torch's kernels nearly always give it."""
    with np.errstate(over="ignore"):  # beyond float is inf, as torch, without a word
        return _pw.exp(x.double()).float()


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x), also called swish."""
    tensor_arg("silu", "input", input, 1)
    _float_kernel(input, "silu_cpu")
    if input.dtype is dtypes.float16:  # torch: x / (1 + e^-x) in float (_apply's), e^-x the nearest float
        with np.errstate(invalid="ignore"):  # -inf / inf is nan, as torch, without a word
            return _apply(lambda x: composite(x / (1 + _exp_nearest(-x)), "SiluBackward0", x), input, inplace)
    return _apply(lambda x: composite(x * _pw.sigmoid(x), "SiluBackward0", x), input, inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) with Phi the standard normal CDF; `approximate='tanh'` uses the tanh formula."""
    tensor_arg("gelu", "input", input, 1)
    if not isinstance(approximate, str):
        raise TypeError(f"gelu(): argument 'approximate' must be str, not {type_name(approximate)}")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_kernel(input, "GeluKernelImpl")
    if input.dtype is dtypes.float16 and approximate == "none":
        return _half_gelu(input)
    if input.dtype is dtypes.float16:  # computed in float32, rounded once, as torch's kernel
        return composite(gelu(input.float(), approximate).half(), "GeluBackward0", input)
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (input + 0.044715 * input * input * input)
        return composite(0.5 * input * (1 + _pw.tanh(inner)), "GeluBackward0", input)
    if approximate != "none":
        raise RuntimeError("approximate argument must be either none or tanh.")
    if input.dtype is dtypes.float32:
        return Float32Gelu.apply(input)
    return composite(0.5 * input * (1 + _pw.Erf.apply(input * (1 / math.sqrt(2)))), "GeluBackward0", input)


class Float32Gelu(Function):
    """gelu of float32 with the values of torch's kernel (`_torch_float32_gelu`), as one node, and the exact
    derivative, Phi(x) + x phi(x): from the erf forward computed, or, under create_graph, in tensor ops
    (so that it is differentiated again)."""

    torch_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        y, ctx.erf, ctx.in_vector = _torch_float32_gelu(x)
        return Tensor._make(y)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if modes.grad_enabled:  # create_graph: the derivative as a graph of its own
            cdf = 0.5 * (1 + _pw.Erf.apply(x * (1 / math.sqrt(2))))
            return g * (cdf + x * _pw.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi)))
        a, half = x._data, np.float32(0.5)
        with np.errstate(over="ignore", invalid="ignore"):
            density_term = a * (np.exp(np.float32(-0.5) * a * a) * np.float32(1 / math.sqrt(2 * math.pi)))
            # torch's vector steps add x phi(x) to the 1/2 before the erf's half: near 1/2's ulp the term rounds
            # away, so for x below about -6.5 the slope is exactly 0 (its scalar steps: Phi(x) + x phi(x))
            vector = (half + density_term) + half * ctx.erf
            slope = np.where(ctx.in_vector, vector, half * (np.float32(1) + ctx.erf) + density_term)
        return Tensor._make(np.asarray(g._data * slope, dtype=np.float32))

    jvp = backward  # elementwise: the tangent times the same derivative


def _torch_float32_gelu(input: Tensor) -> tuple:
    """(gelu, the erf it took, where the vector steps ran) of float32 as torch's kernels compute it (measured on AVX2). One element, and
    the scalar loop's tails, give x * 0.5 * (1 + erf(x / sqrt 2)) with the C library's erf. The vector steps
    take erf as `approximate_erf`: TensorIterator's loop, for a tensor that is not contiguous, then computes
    x * 0.5 * (1 + erf); the kernel for a contiguous one adds with one fused multiply-add, x/2 * erf + x/2,
    so there a large negative x gives +0 (not -0), gelu(-5) is -1.4901e-06 (not -1.4333e-06), and values
    near x = -3 differ in the 5th digit (96.6% of 200001 values are torch's bit for bit, the rest an ulp of
    erf away)."""
    x = input._data
    half, scaled = x * np.float32(0.5), x * np.float32(1 / math.sqrt(2))
    contiguous = x.size > 1 and input.is_contiguous()
    in_vector = np.broadcast_to(True if contiguous else _gelu_vector_steps(input), x.shape) & np.isfinite(x)
    erf = np.asarray(approximate_erf(scaled.astype(np.float32)), dtype=np.float32)
    if not in_vector.all():  # the C library's erf elsewhere (it is slow: only where needed)
        erf = np.where(in_vector, erf, np.asarray(_pw.Erf.numpy_fn(scaled)).astype(np.float32))
    with np.errstate(invalid="ignore", over="ignore"):
        if contiguous:  # (in float64 then rounded once: the fused multiply-add)
            vector = (half.astype(np.float64) * erf + half).astype(np.float32)
            values = np.where(in_vector, vector, half * (np.float32(1) + erf))
        else:
            values = half * (np.float32(1) + erf)
    return np.asarray(values, dtype=np.float32), erf, in_vector


def _gelu_vector_steps(x: Tensor) -> Any:
    """Where TensorIterator's loop runs gelu's vector code for a tensor that is not contiguous: it walks the
    dims in the order of x's strides, merges the dims it can, and steps FLOAT_STEP elements at a time
    through each run of the innermost dim when x reads it with stride 1 or 0 (a broadcast), leaving each
    run's tail to the scalar loop. True, False or a mask of x's shape."""
    order = _iteration_order(x.shape, x.stride())
    if not order:
        return False
    inner_size, inner_stride = x.shape[order[0]], x.stride()[order[0]]
    run = inner_size
    for d in order[1:]:  # the dims that merge into the innermost
        if inner_stride == 0 or x.stride()[d] != inner_stride * run:
            break
        run *= x.shape[d]
    if inner_stride not in (0, 1):
        return False
    position, size = np.zeros(x.shape, dtype=np.int64), 1  # each element's step in the walk
    for d in order:
        position = position + np.arange(x.shape[d]).reshape((-1,) + (1,) * (x.ndim - 1 - d)) * size
        size *= x.shape[d]
    return position % run < run // FLOAT_STEP * FLOAT_STEP


def _iteration_order(shape: tuple, strides: tuple) -> list:
    """The dims of more than one element, innermost first, as TensorIterator orders them for a result it
    allocates: by stride, smallest inside; a stride of 0 decides nothing, so a broadcast dim keeps its place."""
    order: list = []
    for d in reversed([d for d, n in enumerate(shape) if n > 1]):  # insertion sort, as TensorIterator's
        at = len(order)
        while at > 0 and _outside(order[at - 1], d, shape, strides):
            at -= 1
        order.insert(at, d)
    return order


def _outside(inner: int, outer: int, shape: tuple, strides: tuple) -> bool:
    """Whether dim `inner` of the order so far belongs outside dim `outer`."""
    a, b = strides[inner], strides[outer]
    if a == 0 or b == 0:
        return False
    return a > b or (a == b and shape[inner] > shape[outer])


def _half_gelu(input: Tensor) -> Tensor:
    """gelu of float16 as torch's kernel computes it: x * 0.5 * (1 + erf(x / sqrt 2)) in float32, rounded once;
    its vector steps (vector_loop) take erf as `approximate_erf`, its scalar loop the C library's (measured on
    all 65536 halves: 217 differed where one erf was taken for both). The gradient is erf's either way."""
    x = input.float()
    with np.errstate(invalid="ignore"):  # (a float16 signalling nan, made float32, is an "invalid" operand)
        scaled = x * (1 / math.sqrt(2))
    erf = _pw.Erf.apply(scaled)
    in_vector = vector_loop(x.shape, HALF_STEP, x)
    if in_vector is not False:  # (approximate + 0, with erf's gradient: the values are approximate's exactly)
        approximate = Tensor._make(approximate_erf(scaled._data))
        erf = _pw.where(Tensor._make(np.asarray(in_vector)), approximate + (erf - erf.detach()), erf)
    return composite((x * 0.5 * (1 + erf)).half(), "GeluBackward0", input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    tensor_arg("softplus", "input", input, 1)
    beta = number_value("softplus", "beta", beta, 2)
    threshold = number_value("softplus", "threshold", threshold, 3)
    _float_kernel(input, "softplus_cpu")
    return _in_float32(lambda x: nn_ops.Softplus.apply(x, beta, threshold))(input)


def logsigmoid(input: Tensor) -> Tensor:
    tensor_arg("log_sigmoid", "input", input, 1)
    return _in_float32(nn_ops.LogSigmoid.apply)(_float_kernel(input, "log_sigmoid_cpu"))


def _integer_bounds(min_val: Any, max_val: Any, dtype: dtypes.dtype) -> tuple:
    """hardtanh's bounds for an integer input, as torch takes them: each as an int64 (a float truncated toward
    zero), never negative for uint8, then converted to the input's dtype (which must hold it)."""
    as_int64 = []
    for bound in (min_val, max_val):
        if isinstance(bound, int) and bound < -2 ** 63:  # torch's Python-int to Scalar conversion
            raise OverflowError("can't convert negative int to unsigned")
        if isinstance(bound, int) and bound >= 2 ** 64:
            raise OverflowError("int too big to convert")
        as_int64.append(integer_fill(bound, dtypes.int64))
    if dtype is dtypes.uint8 and min(as_int64) < 0:
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return tuple(integer_fill(bound, dtype) for bound in as_int64)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]; the gradient is zero at and beyond the ends, as in torch."""
    tensor_arg("hardtanh", "input", input, 1)
    # numbers, as torch's parser reads them (a 0-d tensor gives its value)
    min_val, max_val = (v.item() if isinstance(v, Tensor) else v for v in (number_arg("hardtanh", "min_val", min_val, 2),
                                                                         number_arg("hardtanh", "max_val", max_val, 3)))
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is dtypes.bool:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if not input.dtype.is_floating_point:  # integers are clamped and keep their dtype (the bounds must fit it)
        low, high = _integer_bounds(min_val, max_val, input.dtype)
        clipped = from_numpy(np.asarray(np.clip(input.numpy(), low, high)).astype(input.dtype.np))
        return input._assign(clipped) if inplace else clipped

    def clip(x: Tensor) -> Tensor:  # the gradient passes unless x is at or beyond an end (so it passes at NaN)
        keep = ~((x._data <= min_val) | (x._data >= max_val))
        return piecewise_linear(x, lambda a: np.clip(a, min_val, max_val).astype(a.dtype, copy=False), keep, None,
                                "HardtanhBackward0")

    return _apply(clip, input, inplace, rounds_half=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    tensor_arg("relu6", "input", input, 1)
    return hardtanh(input, 0.0, 6.0, inplace)


def softsign(input: Tensor) -> Tensor:
    return input / (1 + input.abs())


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """e^x / sum(e^x) along dim; without dim torch picks one and warns (dim 0 for 0-, 1- and 3-D input)."""
    _softmax_dim_arg("softmax", _method_owner(input, "softmax"), dim)
    return _rd.softmax(input, _rd.implicit_softmax_dim(input, dim, "softmax", _stacklevel), dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along dim: the stable log of softmax (the input of nll_loss)."""
    _softmax_dim_arg("log_softmax", _method_owner(input, "log_softmax"), dim)
    return _rd.log_softmax(input, _rd.implicit_softmax_dim(input, dim, "log_softmax", _stacklevel), dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if not isinstance(input, Tensor):
        return (-input).softmax(dim)  # torch's own expression: for a non-tensor, its error
    _softmax_dim_arg("softmax", input, dim)  # torch computes (-input).softmax(dim)
    return _rd.softmax(-input, _rd.implicit_softmax_dim(input, dim, "softmin", _stacklevel), dtype)


def _softmax_dim_arg(fn: str, input: Tensor, dim: Any) -> None:
    """torch's parser on the softmax family's dim (the method's first argument): an int, or None."""
    if dim is not None:
        int_arg(fn, "dim", dim, 1)


# ------------------------------------------------------------------ linear
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b over the last dim of x, on any leading dims (W is (out, in), torch's layout).

    With a bias this is torch's graph: one addmm(b, x, W.t()) for a 2-D x, and for a contiguous x
    of other ranks whose bias is a row (one dim not 1), the same addmm on x's rows, viewed back.
    Otherwise (measured: a transposed x, a 0-D or (4, 2) bias) the matmul, then an in-place add."""
    tensor_arg("linear", "input", input, 1)
    tensor_arg("linear", "weight", weight, 2)
    tensor_arg("linear", "bias", bias, 3, optional=True)
    dims, weight_dims = input._data.ndim, weight._data.ndim  # (not the properties: every nn.Linear passes here)
    if dims == 0 or weight_dims == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {dims}D and {weight_dims}D")
    if weight_dims > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {weight_dims}D")
    if bias is None:
        return input @ weight.t()  # matmul's own checks give torch's errors here
    if dims == 2:
        return _addmm(bias, input, weight)
    if input.is_contiguous() and (bias.ndim == 1 or sum(n != 1 for n in bias.shape) == 1):
        rows = _addmm(bias, View.apply(input, (math.prod(input.shape[:-1]), input.shape[-1])), weight)
        return View.apply(rows, (*input.shape[:-1], rows.shape[-1]))
    return (input @ weight.t()).add_(bias)


def _addmm(bias: Tensor, rows: Tensor, weight: Tensor) -> Tensor:
    """addmm(bias, rows, W.t()), float32 and float64 straight to its node (speed: the layer every
    model calls)."""
    w_t = T.apply(weight) if weight._data.ndim == 2 else weight  # (t() of a vector is the vector)
    _la.check_addmm(bias, rows, w_t)
    if rows._data.dtype.char in "fd":  # float32, float64
        return _la.AddMm.apply(bias, rows, w_t)
    return _la.addmm(bias, rows, w_t)


# ------------------------------------------------------------------ dropout
def _check_dropout_p(p: float, bound: float = 0.0) -> None:
    """`bound` is 0 (an int) for the modules, whose check compares p with ints as torch's does: a p of the
    wrong type (None) is named in Python's own TypeError, which says 'int' there and 'float' here."""
    if p < bound or p > bound + 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def native_dropout_p(p: float) -> float:
    """The native op's check of p (torch.dropout's, scaled_dot_product_attention's): a RuntimeError, where
    F.dropout's own is a ValueError."""
    if not 0 <= p <= 1:  # NaN fails too
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    return p


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p), so the expected value
    is unchanged. Note the functional default `training=True` (the module follows `.train()`)."""
    _check_dropout_p(p)
    native_dropout_p(p)  # NaN passes the range check above; torch's kernel then refuses it
    tensor_arg("dropout", "input", input, 1)  # (torch checks p in Python first, then its kernel's parser reads input)
    bool_arg("dropout_" if inplace else "dropout", "train", training, 3)  # (training="yes", training=1 are refused)
    if not training or p == 0 or not input.numel():  # torch returns empty input of any dtype as it is
        return input
    if p == 1:  # everything dropped (times a zero of input's dtype, so integers pass, as torch)
        return _apply(lambda x: x * 0, input, inplace)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"result type {dtypes.get_default_dtype()._legacy} can't be cast to the desired output type "
            f"{input.dtype._legacy}"
        )
    keep = _keep_mask(input, 1 - p)
    scale = keep / (1 - p)  # a mask of input's dtype; 1 - p is rounded to that dtype, as in torch
    return _apply(lambda x: x * scale, input, inplace)


def _keep_mask(input: Tensor, keep_prob: float) -> Tensor:
    """Bernoulli(keep_prob) draws shaped like input, drawn in the order input's elements lie in
    memory (torch fills a mask laid out like its input, e.g. a transposed view), so the masks
    after manual_seed are torch's."""
    order = _memory_order(input)
    shape = tuple(input.shape[d] for d in order)
    keep = bernoulli(empty(shape, dtype=input.dtype), keep_prob)
    return keep.permute(tuple(int(d) for d in np.argsort(order)))


def _memory_order(a: Tensor) -> list:
    """The dims of a dense tensor from outermost to innermost in memory; C order when it is not dense."""
    strides = a.stride()
    order = sorted(range(a.ndim), key=lambda d: -strides[d])
    step = 1
    for d in reversed(order):
        if a.shape[d] != 1 and strides[d] != step:
            return list(range(a.ndim))
        step *= a.shape[d]
    return order


# ------------------------------------------------------------------ embedding and one_hot
def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` picked by the integer tensor `input`: output shape input.shape + (dim,).

    The `padding_idx` row gets no gradient; `max_norm` first rescales (in place, without a
    gradient) each looked-up row whose norm exceeds it, as torch does. `sparse=True` (torch: a
    sparse gradient for the weight) raises NotImplementedError when a gradient would be built.
    """
    tensor_arg("embedding", "weight", weight, 1)  # torch's kernel takes (weight, indices)
    tensor_arg("embedding", "indices", input, 2)
    _check_sparse(sparse, weight)
    if padding_idx and not weight.ndim:  # (torch reads the weight's first size to check it)
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    padding_idx = _padding_index(padding_idx, weight.shape[0] if weight.ndim else 1)
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D" if max_norm is None else
                           f"Expected 2-dimensional tensor, but got {weight.ndim}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for embedding_renorm_)")
    if max_norm is not None and input.dtype in (dtypes.int64, dtypes.int32):
        _check_rows_to_renorm(input.numpy(), weight)
    indices = _check_indices(input, weight)
    if max_norm is not None:
        embedding_renorm_(weight, indices, max_norm, norm_type)
    return nn_ops.EmbeddingLookup.apply(weight, indices, padding_idx, scale_grad_by_freq)


def _check_sparse(sparse: bool, weight: Tensor) -> None:
    """We have no sparse tensors, so the sparse gradient torch would make cannot be made.

    Refused here, at the first lookup that would build a gradient, and not when an Embedding is
    constructed: models written with sparse=True are still built, printed, saved and loaded, and a
    lookup without a gradient (a frozen weight, or under no_grad) is the same dense value in torch.
    """
    if not isinstance(sparse, bool):
        raise TypeError(f"embedding(): argument 'sparse' (position 5) must be bool, not {type_name(sparse)}")
    if sparse and weight.requires_grad and is_grad_enabled():
        raise NotImplementedError("embedding: sparse=True (a sparse gradient for the weight) is not implemented: "
                                  "tinygrad_rnn has no sparse tensors; use sparse=False for the same dense gradient")


def _padding_index(padding_idx: int | None, num_embeddings: int) -> int:
    """A negative padding_idx counts from the end; -1 (internally) means no padding row. torch checks only a
    padding_idx that is not 0 (0 of an empty table is taken)."""
    if padding_idx is None:
        return -1
    if padding_idx == 0:
        return 0
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_embeddings


def _check_indices(input: Tensor, weight: Tensor) -> np.ndarray:
    if input.dtype not in (dtypes.int64, dtypes.int32):
        got = "CPUBoolType" if input.dtype is dtypes.bool else input.type()
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got {got} instead (while checking arguments for embedding)"
        )
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    indices = input.numpy()
    if indices.size and not weight.shape[0]:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        if not weight.numel():  # torch checks an empty table on another path, with its own words
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={indices.max()} "
                               f"axis_dim={weight.shape[0]}")
        raise IndexError("index out of range in self")
    return indices


def _check_rows_to_renorm(indices: np.ndarray, weight: Tensor) -> None:
    """torch's embedding_renorm_ selects each distinct row looked up, smallest index first, before the lookup checks
    them: an index out of range is select()'s IndexError (a negative one in range counts from the end there)."""
    rows = np.unique(indices)
    bad = rows[(rows < -weight.shape[0]) | (rows >= weight.shape[0])]
    if bad.size:
        raise IndexError(f"select(): index {bad[0]} out of range for tensor of size {list(weight.shape)} at "
                         "dimension 0")


def embedding_renorm_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale each used row whose norm exceeds max_norm down to max_norm (torch adds 1e-7)."""
    rows = np.unique(indices)
    norms = np.linalg.norm(weight.detach().numpy()[rows].astype(np.float64), ord=norm_type, axis=1)
    too_long = norms > max_norm
    scale = from_numpy((max_norm / (norms[too_long] + 1e-7)).astype(weight.dtype.np)[:, None])
    with no_grad():
        long_rows = from_numpy(rows[too_long])
        weight[long_rows] = weight[long_rows] * scale


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape tensor.shape + (num_classes,), 1 at each class index; -1 infers max + 1."""
    tensor_arg("one_hot", "input", tensor, 1)
    num_classes = int_arg("one_hot", "num_classes", num_classes, 2)
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    labels = tensor.numpy()
    if labels.size == 0 and num_classes <= 0:  # torch's rule for an empty input: no classes is no answer either
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if num_classes == -1:
        num_classes = int(labels.max()) + 1
    if labels.size:
        if labels.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if labels.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = (labels[..., None] == np.arange(num_classes)).astype(np.int64)
    return from_numpy(out)


# ------------------------------------------------------------------ pad
def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last len(pad)//2 dims: `pad` lists
    (before, after) pairs starting from the LAST dim, as torch does. Only mode='constant'."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is implemented here, not {mode!r}")
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {input.ndim}")
    pairs = [(0, 0)] * (input.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
    return _constant_pad(input, pairs, 0.0 if value is None else value)


def _constant_pad(input: Tensor, pairs: list, value: float) -> Tensor:
    """Crop the negative amounts with a slice, then pad the positive ones around a filled tensor."""
    crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(pairs, input.shape))
    kept = input[crop]
    grow = [(max(b, 0), max(a, 0)) for b, a in pairs]
    shape = tuple(n + b + a for n, (b, a) in zip(kept.shape, grow))
    if any(n < 0 for n in shape):
        raise RuntimeError(f"The input size {list(input.shape)}, plus negative padding resulted in a negative output size")
    out = full(shape, value, dtype=input.dtype)
    inner = tuple(slice(b, b + n) for (b, _), n in zip(grow, kept.shape))
    out[inner] = kept
    return out


# ------------------------------------------------------------------ normalization
def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) over the last len(normalized_shape) dims (biased variance),
    then * weight + bias."""
    tensor_arg("layer_norm", "input", input, 1)
    shape = int_list_arg("layer_norm", "normalized_shape", normalized_shape, 2)
    tensor_arg("layer_norm", "weight", weight, 3, optional=True)
    tensor_arg("layer_norm", "bias", bias, 4, optional=True)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and tuple(param.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(param.shape)} and normalized_shape = {list(shape)}")
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}"
        )
    check_norm_dtypes(input, (weight, bias), (weight, bias))
    _float_kernel(input, "LayerNormKernelImpl")
    if input.dtype is dtypes.float16:  # computed in float32 and rounded once, as torch's kernel
        out = layer_norm(input.float(), normalized_shape, *(None if p is None else p.float() for p in (weight, bias)), eps)
        return composite(out.half(), "NativeLayerNormBackward0", input, weight, bias)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    moments = torch_moments(input, len(shape))
    mean = with_values(lambda: input.mean(dims, keepdim=True), moments[0], input)
    centered = input - mean
    variance = with_values(lambda: (centered * centered).mean(dims, keepdim=True), moments[1], input)
    out = centered * (variance + eps).sqrt().reciprocal()  # torch's steps: rstd = 1 / sqrt(var + eps), then times
    if weight is not None and bias is not None:  # one fused multiply-add in torch's kernel
        out = fused_multiply_add(out, weight, bias)
    else:
        out = _affine(out, weight, bias)
    return composite(out, "NativeLayerNormBackward0", input, weight, bias)


def torch_moments(x: Tensor, normalized: int) -> tuple:
    """(mean, biased variance) arrays over x's last `normalized` dims, kept, as torch's CPU kernels round
    them (RowwiseMoments, ops/moments.py); (None, None) where that is not known: dtypes other than float32
    and float64 (float16 norms are computed as float32 ones), no elements."""
    data = x._data
    if data.dtype not in (np.float32, np.float64) or data.size == 0:
        return None, None
    kept = data.shape[:data.ndim - normalized] + (1,) * normalized
    mean, variance = row_moments(np.ascontiguousarray(data).reshape(math.prod(kept), -1))
    return mean.reshape(kept), variance.reshape(kept)


def _needs_graph(input: Tensor) -> bool:
    """Whether a result computed from input must carry a graph: a gradient to record or a forward tangent."""
    return input.requires_grad and is_grad_enabled() or bool(input._fw_grads)


def with_values(compute: Callable[[], Tensor], values: np.ndarray | None, input: Tensor) -> Tensor:
    """A statistic of input: `compute()` (whose node's gradient does not read its output) holding torch's
    rounding of it (`torch_moments`) instead of ours, so the graph stays and the numbers built on it are
    torch's. Where input needs no graph, just the values (speed: nothing computed twice)."""
    if values is None:
        return compute()
    if not _needs_graph(input):
        return Tensor._make(values)
    statistic = compute()
    statistic._data = values
    return statistic


def _affine(x: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple | None = None) -> Tensor:
    if weight is not None:
        x = x * (weight if shape is None else weight.reshape(shape))
    if bias is not None:
        x = x + (bias if shape is None else bias.reshape(shape))
    return x


def check_optional_tensors(fn: str, weight: Any, bias: Any, running_mean: Any, running_var: Any) -> None:
    """torch's TypeError for the optional tensors of batch_norm and instance_norm, in its positions."""
    for position, (name, value) in enumerate((("weight", weight), ("bias", bias), ("running_mean", running_mean),
                                               ("running_var", running_var)), 2):
        if value is not None:
            tensor_arg(fn, name, value, position)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and any further dims.

    training=True uses the batch's mean and biased variance, and moves the running statistics
    toward them: running = (1 - momentum) running + momentum batch (the running variance takes
    the unbiased batch variance, as torch's does). training=False uses the running statistics.
    """
    tensor_arg("batch_norm", "input", input, 1)
    if training and input.shape[0] * math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    check_optional_tensors("batch_norm", weight, bias, running_mean, running_var)
    return batch_norm_kernel(input, running_mean, running_var, weight, bias, training, momentum, eps)


def batch_norm_kernel(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None,
                      bias: Tensor | None, training: bool, momentum: float, eps: float) -> Tensor:
    """batch_norm without the checks of torch's Python function (F.instance_norm calls the kernel directly,
    so any eps goes there: 0, or a negative one that makes NaNs)."""
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    if input.numel() == 0:  # torch returns before checking any size: the input's copy, times weight[0], plus bias[0]
        return _empty_batch_norm(input, weight, bias)
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != input.shape[1]:
            raise RuntimeError(f"{name} should contain {input.shape[1]} elements not {t.numel()}")
        if t is None and name.startswith("running") and not training:
            raise RuntimeError(f"{name} must be defined in evaluation mode")
    _float_kernel(input, "batch_norm")
    _check_batch_norm_dtypes(input, running_mean, running_var, weight, bias, training)
    if training:  # torch sums a float32 batch in float64
        count = input.numel() // input.shape[1]
        wide = input.double()
        stats = _batch_statistics(input._data)
        mean = with_values(lambda: wide.mean(dims), None if stats is None else stats[0], input)
        centered = wide - mean.reshape(shape)
        var = with_values(lambda: (centered * centered).mean(dims), None if stats is None else stats[1], input)
        if stats is None:
            _update_running(running_mean, running_var, mean, var * (count / (count - 1)), momentum)
        else:
            _update_running_float32(running_mean, running_var, stats, count, momentum)
    else:
        mean, var = running_mean, running_var
    # Then, as torch's kernel: y = x * scale + shift per channel, each a fused multiply-add (one rounding),
    # so a constant channel comes out as torch's float32 rounding residue, not an exact 0.
    if input.dtype is dtypes.float16:
        mixed = any(t is not None and t.dtype is dtypes.float32 for t in (running_mean, running_var, weight, bias))
        return _half_batch_norm_transform(input, mean, var, weight, bias, eps, shape, training, mixed)
    spread = var.double() + eps
    if training:  # torch's batch statistics take 1/std of a zero variance with eps 0 as 0 (instance_norm's eps=0);
        nothing = spread == 0  # the rsqrt is taken of 1 there, or its infinite slope would make NaN gradients
        invstd = _pw.where(nothing, 0.0, _pw.where(nothing, 1.0, spread).rsqrt())
    else:
        invstd = spread.rsqrt()
    invstd = invstd.to(input.dtype).reshape(shape)
    scale = invstd if weight is None else invstd * weight.reshape(shape)
    beta = bias.reshape(shape) if bias is not None else scale.new_zeros(())
    shift = fused_multiply_add(-mean.to(input.dtype).reshape(shape), scale, beta)
    return composite(fused_multiply_add(input, scale, shift), "NativeBatchNormBackward0", input, weight, bias)


def _batch_statistics(x: np.ndarray) -> tuple | None:
    """(mean, biased variance, sum of squared deviations) per channel of a float32 batch (N, C, *) as torch's
    CPU kernel rounds them, as float64 arrays of float32 values; None for other dtypes.

    With positions (H, W, ...) each channel is summed in float64 and the mean rounded; the squared
    deviations (float32 products) are summed in float64 and stored as float32. Without (an (N, C) batch)
    torch reads the rows as channels-last: each of its threads adds its even share of rows into a float32
    buffer (the squares with a fused multiply-add), and the buffers are added in float64. The variance is
    the stored sum over N in float32."""
    if x.dtype != np.float32 or x.ndim < 2 or x.size == 0:
        return None
    n, c = x.shape[:2]
    batch = np.ascontiguousarray(x).reshape(n, c, -1)
    if batch.shape[2] == 1:
        mean, squares = _channels_last_statistics(batch.reshape(n, c))
    else:
        mean = (batch.sum(axis=(0, 2), dtype=np.float64) / (batch.size // c)).astype(np.float32)
        deviation = batch - mean[:, None]
        squares = np.sum(deviation * deviation, axis=(0, 2), dtype=np.float64).astype(np.float32)
    variance = squares / np.float32(batch.size // c)
    return mean.astype(np.float64), variance.astype(np.float64), squares.astype(np.float64)


def _channels_last_statistics(rows: np.ndarray) -> tuple:
    """(mean, sum of squared deviations) per column of float32 rows, split between torch's threads as its
    channels-last kernel splits them (see `_batch_statistics`). The squares' buffer is a chain of fused
    multiply-adds, one row at a time (a loop over the batch, each step a whole row)."""
    n = rows.shape[0]
    threads = min(get_num_threads(), n)
    size = -(-n // threads)
    shares = [rows[start:start + size] for start in range(0, n, size)]
    total = np.zeros(rows.shape[1], np.float64)
    for share in shares:
        total += np.add.accumulate(share, axis=0)[-1]  # (each column in order, in float32)
    mean = (total / n).astype(np.float32)
    squares = np.zeros(rows.shape[1], np.float64)
    for share in shares:
        buffer = np.zeros(rows.shape[1], np.float32)
        for row in share - mean:
            buffer = (np.multiply(row, row, dtype=np.float64) + buffer).astype(np.float32)
        squares += buffer
    return mean, squares.astype(np.float32)


def _half_batch_norm_transform(input: Tensor, mean: Tensor, var: Tensor, weight: Tensor | None, bias: Tensor | None,
                               eps: float, shape: tuple, training: bool, mixed: bool) -> Tensor:
    """torch's float16 batch_norm. In training the batch's mean and 1/std are first stored in the parameters'
    dtype (float16, or float32 when the parameters are float32); in eval 1/std comes from the running
    variance in float32. Then scale = 1/std * weight, shift = bias - mean * scale and x * scale + shift are
    computed in float32, and the result is rounded to float16 once."""
    if training:
        stored = dtypes.float32 if mixed else dtypes.float16
        mean, invstd = mean.to(stored).float(), (var + eps).rsqrt().to(stored).float()
    else:
        mean, invstd = mean.float(), (var.float() + eps).rsqrt()
    scale = invstd.reshape(shape) if weight is None else invstd.reshape(shape) * weight.float().reshape(shape)
    shift = -(mean.reshape(shape) * scale)
    if bias is not None:
        shift = bias.float().reshape(shape) + shift
    return composite((input.float() * scale + shift).half(), "NativeBatchNormBackward0", input, weight, bias)


def _check_batch_norm_dtypes(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
                             weight: Tensor | None, bias: Tensor | None, training: bool) -> None:
    order = (running_mean, running_var, weight, bias) if training else (weight, bias, running_mean, running_var)
    check_norm_dtypes(input, (weight, bias, running_mean, running_var), order)


def check_norm_dtypes(input: Tensor, params: tuple, kernel_order: tuple) -> None:
    """torch's dtype rules for a normalisation's parameters (None where not given). They may differ from the
    input only when the first given one does: then all must be float32 and the input float16. Otherwise each
    must have the input's dtype, checked in the order the kernel reads them."""
    given = [t for t in params if t is not None]
    if given and given[0].dtype is not input.dtype:
        if any(t.dtype is not dtypes.float32 for t in given):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if input.dtype is not dtypes.float16:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        return
    for t in kernel_order:
        if t is not None and t.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {t.dtype._legacy}")


def fused_multiply_add(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    """a * b + c rounded once, as a CPU's fused multiply-add does. The float64 product of two float32
    numbers is exact, so float64 arithmetic rounded back to float32 gives the fused result; float64
    inputs get plain float64 arithmetic (its two roundings differ from one by ~1e-16 relative)."""
    return (a.double() * b.double() + c.double()).to(a.dtype)


def _empty_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    out = input.clone()
    if weight is not None:
        out = out * _first(weight)
    if bias is not None:
        out = out + _first(bias)
    return out


def _first(t: Tensor) -> Tensor:
    """t[0], with torch's select() errors (numpy's would name numpy)."""
    if t.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    if t.shape[0] == 0:
        raise IndexError(f"select(): index 0 out of range for tensor of size {list(t.shape)} at dimension 0")
    return t[0]


def _update_running(running_mean: Tensor | None, running_var: Tensor | None, mean: Tensor, unbiased_var: Tensor,
                    momentum: float) -> None:
    for running, batch in ((running_mean, mean), (running_var, unbiased_var)):
        if running is not None:  # in place and outside the graph, like torch's buffers
            with no_grad():
                running.copy_((1 - momentum) * running.to(batch.dtype) + momentum * batch)


def _update_running_float32(running_mean: Tensor | None, running_var: Tensor | None, stats: tuple, count: int,
                            momentum: float) -> None:
    """torch's step of float32 running statistics from its stored float32 batch statistics (`_batch_statistics`),
    in float32: momentum * mean + (1 - momentum) * running, two roundings each for the mean; for the variance
    (of the squares' sum over count - 1) the first product and the sum fused, as the compiled kernel does."""
    step = np.float32(momentum)
    keep = np.float32(1) - step
    if running_mean is not None:
        mean = stats[0].astype(np.float32)
        with no_grad():
            running_mean.copy_(Tensor._make(step * mean + keep * running_mean._data.astype(np.float32)))
    if running_var is not None:
        unbiased = stats[2].astype(np.float32) / np.float32(count - 1)
        moved = (np.multiply(step, unbiased, dtype=np.float64) + keep * running_var._data.astype(np.float32))
        with no_grad():
            running_var.copy_(Tensor._make(moved.astype(np.float32)))


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (|x1| |x2|) along dim, each norm at least eps (inputs broadcast)."""
    tensor_arg("cosine_similarity", "x1", x1, 1)
    tensor_arg("cosine_similarity", "x2", x2, 2)
    int_arg("cosine_similarity", "dim", dim, 3)
    float_arg("cosine_similarity", "eps", eps, 4)
    common = result_type(x1, x2)  # checked before the shapes; an integer with a float tensor is that float
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {common._legacy}")
    # only integer (and bool) inputs become the common dtype: a float16 one keeps its own norm and quotient
    x1, x2 = (x if x.dtype.is_floating_point else x.to(common) for x in (x1, x2))
    check_broadcast(x1, x2)  # torch broadcasts first, then takes dim of the common shape
    shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = (x if tuple(x.shape) == shape else x.expand(shape) for x in (x1, x2))
    n1 = x1.norm(dim=dim, keepdim=True).clamp(min=eps)
    n2 = x2.norm(dim=dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)

__all__ = [
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "embedding_renorm_",
    "gelu",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
    "tanh",
]

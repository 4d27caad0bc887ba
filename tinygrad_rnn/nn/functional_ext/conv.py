"""F.conv1d, F.conv2d and their transposes, as im2col + one matrix product.

A convolution slides a (C/groups, *kernel) filter over the input; im2col lays each window out as a
column, so all output positions at once are  weight (out, C/groups * prod(kernel)) @ columns.
The transposed convolution is the adjoint: weight^T @ input gives columns, and col2im adds them
into the (larger) output. Gradients come from matmul and from im2col/col2im being each other's
adjoints (see im2col.py); nothing here needs a hand-written backward.

    y = F.conv2d(x, w, b, stride=2, padding=1)      # x (N, C, H, W), w (O, C, kh, kw)
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import backends
from ...argcheck import as_called, int_arg, int_list_args, invalid_combination, is_int, tensor_arg
from ...core import dtypes
from ...core.function import Function, rename
from ...core.tensor import Tensor
from ...ops.composite import composite
from ...ops.shape import infer_shape
from ...surface.ops import parser_errors
from ...surface.settings import warn_once
from ...threads import get_num_threads
from .im2col import Col2Im, Im2Col, blocks_along

# torch's two signatures of conv1d/2d/3d (padding as ints or as a string), as its errors list them
_CONV_SIGNATURES = tuple(f"(Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, {padding}, "
                         f"tuple of ints dilation = 1, int groups = 1)"
                         for padding in ("tuple of ints padding = 0", 'str padding = "valid"'))


def expand_param(value: Any, nd: int, name: str = "") -> tuple:
    """An int or a sequence, as an nd-tuple of ints (torch's _single / _pair)."""
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and nd > 1:
            return tuple(int(value[0]) for _ in range(nd))
        if len(value) != nd:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values to match the "
                               f"convolution dimensions, but got {name}={list(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * nd


def same_padding(kernel: tuple, dilation: tuple) -> tuple:
    """padding='same': d * (k - 1) in total per dim, the odd one extra on the right (as torch)."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple((t // 2, t - t // 2) for t in total)


# ------------------------------------------------------------------ checks, in torch's order
def _check_input_dim(input: Tensor, nd: int, name: str) -> None:
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, "
                           f"but got input of size: {list(input.shape)}")


# the C++ names torch's conv errors give the dtypes
_C_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _check_bias_dtype(input: Tensor, bias: Tensor | None) -> None:
    """conv compares the bias with the input before any other check (a transposed conv does not)."""
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_C_NAMES.get(input.dtype.name, input.dtype.name)}) and bias type "
                           f"({_C_NAMES.get(bias.dtype.name, bias.dtype.name)}) should be the same")


def takes_onednn(x: Tensor, weight: Tensor, stride: tuple, dilation: tuple, groups: int,
                 output_padding: tuple | None = None) -> bool:
    """Whether torch's CPU build runs this convolution (x batched) with oneDNN rather than its own kernels
    (ConvParams::use_mkldnn): float32 only, and only where oneDNN is worth it. The two paths word a
    weight of another dtype differently. A 1-d convolution runs as a 2-d one of height 1."""
    if x.dtype is not dtypes.float32 or not backends.mkldnn.enabled:
        return False
    if output_padding is not None and any(op >= s for op, s in zip(output_padding, stride)):
        return False  # torch's "output padding is big"
    sizes, kernel = _shape_as_run(x), _shape_as_run(weight)[-2:]
    strided, dilated = any(s != 1 for s in stride), any(d != 1 for d in dilation)
    not_pointwise = strided or dilated or sizes[0] >= 16 or kernel != [1, 1] or get_num_threads() > 1
    large = groups > 1 or min(kernel) > 3 or sizes[0] > 1 or math.prod(sizes[:4]) > 20480
    return not_pointwise and large


def _check_kernel_dtypes(x: Tensor, weight: Tensor, bias: Tensor | None, onednn: bool, kernel_name: str) -> None:
    """The dtype checks of the kernel that runs, after the shape checks: oneDNN's (the bias too: a transposed
    conv has not compared it yet), else torch's own kernel's, which has none for some input dtypes
    (`kernel_name`, with the dtypes it takes) and then reads the weight as the input's dtype."""
    if onednn:
        for name, t in (("weight", weight), ("bias", bias)):
            if t is not None and t.dtype is not x.dtype:
                raise RuntimeError(f"Input type ({x.type()}) and {name} type ({t.type()}) should be the same or "
                                   f"input should be a MKLDNN tensor and {name} is a dense tensor")
        return
    name, supported = _KERNELS[kernel_name]
    if x.dtype.name not in supported:
        raise NotImplementedError(f'"{name}" not implemented for \'{x.dtype._legacy}\'')
    if x.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {x.dtype._legacy} but found {weight.dtype._legacy}")


_INTEGERS = ("uint8", "int8", "int16", "int32", "int64")
# torch's own CPU kernels, by the convolution they run, and the input dtypes each has code for
_KERNELS = {
    "conv": ("slow_conv2d_cpu", ("float16", "float32", "float64", *_INTEGERS)),
    "conv3d": ("compute_columns3d", ("float16", "float32", "float64", *_INTEGERS)),
    "conv_transpose": ("slow_conv_transpose2d_out_cpu", ("float16", "float32", "float64", "int64")),
    "conv_transpose3d": ("slow_conv_transpose3d_out_cpu", ("float16", "float32", "float64", "int64")),
}


def _check_geometry(stride: tuple, padding: tuple, dilation: tuple, groups: int) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for pair in padding for p in pair):
        raise RuntimeError("negative padding is not supported")
    if any(d < 0 for d in dilation):  # a zero dilation passes here: the kernel refuses it, after the shape checks
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _check_weight_dims(input: Tensor, weight: Tensor, stride: tuple, same: bool = False) -> None:
    """torch takes the convolution's dims from the weight: a stride of more than one entry must match them
    first, then the input's dims must (padding='same' words it without the space)."""
    if weight.ndim == input.ndim:
        return
    if weight.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if not same and len(stride) != 1 and len(stride) != weight.ndim - 2:
        raise RuntimeError(f"expected stride to be a single integer value or a list of {weight.ndim - 2} values to "
                           f"match the convolution dimensions, but got stride={list(stride)}")
    raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight"
                       f"{'' if same else ' '}{list(weight.shape)}, but got {input.ndim}-dimensional input of size "
                       f"{list(input.shape)} instead")


def _check_channels(input: Tensor, weight: Tensor, groups: int, transposed: bool) -> None:
    if weight.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(weight.shape)} instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size [{list(weight.shape)}] instead")
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if input.shape[1] != expected:
        given = f"transposed=1, weight of size {list(weight.shape)}" if transposed else \
            f"groups={groups}, weight of size {list(weight.shape)}"
        raise RuntimeError(f"Given {given}, expected input{list(input.shape)} to have {expected} channels, "
                           f"but got {input.shape[1]} channels instead")


def _check_bias(weight: Tensor, bias: Tensor | None, out_channels: int, transposed: bool = False) -> None:
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        given = "transposed=1, weight" if transposed else "weight"
        raise RuntimeError(f"Given {given} of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")


def _check_dilation_not_zero(dilation: tuple, transposed: bool) -> None:
    """torch's kernels refuse a zero dilation (1-d runs as 2-d of height 1); the transposed ones name each dim."""
    if all(dilation):
        return
    sides = ((1,) if len(dilation) == 1 else ()) + dilation
    given = list(sides) if not transposed else ", ".join(
        f"dilation_{n}: {d}" for n, d in zip(("depth", "height", "width")[-len(sides):], sides))
    raise RuntimeError(f"dilation should be greater than zero, but got {given}")


def _check_kernel_fits(input: Tensor, kernel: tuple, dilation: tuple, padding: tuple) -> None:
    padded = [n + p[0] + p[1] for n, p in zip(input.shape[2:], padding)]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(s > n for s, n in zip(spans, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                           f"Kernel size: ({' x '.join(map(str, spans))}). "
                           "Kernel size can't be greater than actual input size")


# ------------------------------------------------------------------ convolution
# torch computes a convolution's three gradients in one node, so under create_graph (a gradient penalty) each
# of them is an output of ConvolutionBackwardBackward0; ours come from the ops the convolution is made of
DOUBLE_BACKWARD = "ConvolutionBackwardBackward0"


class ConvOperand(Function):
    """A convolution's input, weight or bias laid out for its matrix product: reshaped, after swapping the
    first two dims when `channels_first`. A reshape, but a node of its own so that the gradient it hands
    back carries torch's name for it (DOUBLE_BACKWARD) when that gradient has a node."""

    @staticmethod
    def forward(ctx: Any, t: Tensor, shape: tuple, channels_first: bool = False) -> Tensor:
        a = t._data.swapaxes(0, 1) if channels_first else t._data
        ctx.shape, ctx.channels_first, ctx.laid_out = shape, channels_first, a.shape
        return Tensor._make(a.reshape(shape))

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple:
        grad = g.reshape(ctx.laid_out)
        if ctx.channels_first:
            grad = grad.transpose(0, 1)
        return rename(grad, DOUBLE_BACKWARD), None, None

    @staticmethod
    def jvp(ctx: Any, tt: Tensor, *t_layout: Any) -> Tensor:  # linear: the tangent in the same layout
        return ConvOperand.apply(tt, ctx.shape, ctx.channels_first)


def _batched(input: Tensor, nd: int) -> tuple[Tensor, bool]:
    """Unbatched (C, *spatial) input runs as a batch of one."""
    return (input.unsqueeze(0), True) if input.ndim == nd + 1 else (input, False)


def _padding_pairs(padding: Any, nd: int, kernel: tuple, dilation: tuple, stride: tuple) -> tuple:
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        pairs = same_padding(kernel, dilation)
        if any(a != b for a, b in pairs):  # torch's C++ TORCH_WARN_ONCE (CS224n's NMT: kernel_size=2)
            warn_once("conv padding same", "Using padding='same' with even kernel lengths and odd dilation may "
                      "require a zero-padded copy of the input be created (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1101.)")
        return pairs
    return tuple((p, p) for p in expand_param(padding, nd, "padding"))


def _check_kernel_size(kernel: tuple) -> None:
    """torch's error for a weight with a 0-sized kernel dim (a 1-d kernel counts as 2-d of height 1;
    3-d kernels have a kernel of their own, with its own wording)."""
    if all(k > 0 for k in kernel):
        return
    if len(kernel) == 3:
        raise RuntimeError(f"kernel size should be greater than zero, but got: {' x '.join(map(str, kernel))} (TxHxW)")
    sides = ((1,) if len(kernel) == 1 else ()) + kernel
    names = ("kernel_depth", "kernel_height", "kernel_width")[-len(sides):]
    raise RuntimeError("kernel size should be greater than zero, but got " +
                       " ".join(f"{n}: {k}" for n, k in zip(names, sides)))


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
                groups: int, nd: int, name: str) -> Tensor:
    """The N-d convolution behind conv1d and conv2d (zero padding)."""
    given = (input, weight, bias, stride, padding, dilation, groups)  # conv1d/2d/3d's as_called names them as given
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor) and isinstance(bias, (Tensor, type(None)))
            and is_int(groups)):
        raise invalid_combination(name, given, _CONV_SIGNATURES)
    lists = [("stride", stride, 4), ("padding", padding, 5), ("dilation", dilation, 6)]
    int_list_args(name, [p for p in lists if not (p[0] == "padding" and isinstance(p[1], str))], scalar_ok=True,
                  overloads=given, signatures=_CONV_SIGNATURES)
    _check_input_dim(input, nd, name)
    _check_bias_dtype(input, bias)
    x, unbatched = _batched(input, nd)
    stride, dilation = expand_param(stride, nd, "stride"), expand_param(dilation, nd, "dilation")
    pairs = _padding_pairs(padding, nd, tuple(weight.shape[2:]), dilation, stride)
    # padding='same' of a 0-sized kernel dim is -1 on one side: torch crops the input there, which only shows
    # when there are no channels (a window fewer); with channels its kernel refuses that kernel anyway
    same_pairs, pairs = pairs, tuple((max(a, 0), max(b, 0)) for a, b in pairs) if padding == "same" else pairs
    _check_weight_dims(x, weight, stride, same=padding == "same")
    _check_geometry(stride, pairs, dilation, groups)
    _check_channels(x, weight, groups, transposed=False)
    out_channels, kernel = weight.shape[0], tuple(weight.shape[2:])
    _check_bias(weight, bias, out_channels)
    if x.shape[1] == 0:  # torch's shortcut for an input of no channels: (N, 0, *windows), any kernel size,
        # in the weight's dtype
        return _no_channels(x.to(weight.dtype), kernel, dilation, same_pairs, stride, unbatched)
    if x.numel() == 0:  # an empty batch: no kernel runs, so no dtype check; the result is in the input's dtype
        _check_empty_input(x, kernel, dilation, pairs)
        weight = weight.to(x.dtype)
    onednn = takes_onednn(x, weight, stride, dilation, groups)
    if onednn:  # oneDNN checks the dtypes before the kernel's size, torch's own kernel after
        _check_kernel_dtypes(x, weight, bias, onednn, "")
    _check_kernel_size(kernel)
    _check_kernel_fits(x, kernel, dilation, pairs)
    if x.numel():
        _check_dilation_not_zero(dilation, transposed=False)
        _check_kernel_dtypes(x, weight, bias, onednn, "conv3d" if nd == 3 else "conv")
    elif not all(dilation):  # torch's empty batch checks no dilation: a 0 makes the kernel span one element, as
        # dilation 1 does with the other k - 1 in extra padding (the same shape: the result has no elements)
        pairs = tuple((lo, hi + (k - 1) * (d == 0)) for (lo, hi), k, d in zip(pairs, kernel, dilation))
        dilation = tuple(d or 1 for d in dilation)
    n, blocks = x.shape[0], [blocks_along(*g) for g in zip(x.shape[2:], kernel, dilation, pairs, stride)]
    # (C * K, N * L): all samples side by side
    cols = Im2Col.apply(x, kernel, dilation, pairs, stride, True, None, DOUBLE_BACKWARD)
    if groups == 1:
        out = ConvOperand.apply(weight, (out_channels, -1)) @ cols  # the one GEMM: (O, C*K) @ (C*K, N*L)
    elif out_channels == groups:  # depthwise-like: one output row per group, so a weighted sum of its
        # columns; numpy's batched matmul of (1, k) rows (and its backward's k x 1 outer products) is slower
        per_group = cols.shape[0] // groups  # (spelled out: -1 cannot be inferred for an empty batch)
        out = (cols.reshape(groups, per_group, cols.shape[-1]) * ConvOperand.apply(weight, (groups, -1, 1))).sum(1)
    else:  # one GEMM per group: (g, O/g, C/g*K) @ (g, C/g*K, N*L)
        out = ConvOperand.apply(weight, (groups, out_channels // groups, -1)) @ cols.reshape(
            groups, cols.shape[0] // groups, cols.shape[-1])
    out = out.reshape(out_channels, n, *blocks).transpose(0, 1)  # (N, O, *blocks)
    if bias is not None:
        out = out + ConvOperand.apply(bias, (out_channels, *(1,) * nd))
    out = composite(out.contiguous(), "ConvolutionBackward0", x, weight, bias)  # contiguous, as torch's: .view() works
    return out.squeeze(0) if unbatched else out


def _check_empty_input(x: Tensor, kernel: tuple, dilation: tuple, pairs: tuple) -> None:
    """torch's checks of an input with no elements (but some channels): the kernel must fit; then only an
    empty batch is computed, and that path of torch's fails on a 0-sized kernel dim by indexing the empty weight."""
    _check_kernel_fits(x, kernel, dilation, pairs)
    _check_empty_batch(x, kernel)


def _check_empty_batch(x: Tensor, kernel: tuple, out_channels: int = 1) -> None:
    """Of an input with no elements torch computes only an empty batch, and that path fails on a 0-sized
    kernel dim or no output channels by indexing the empty weight."""
    if x.shape[0] != 0:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: "
                           f"{_shape_as_run(x)}")
    if not all(kernel) or out_channels == 0:
        raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")


def _shape_as_run(x: Tensor, shape: Sequence[int] | None = None) -> list:
    """`shape` (default x's) as torch's kernels show it: a 1-d convolution runs as a 2-d one of height 1."""
    shape = list(x.shape if shape is None else shape)
    return shape if x.ndim > 3 else [*shape[:2], 1, *shape[2:]]


def _no_channels(x: Tensor, kernel: tuple, dilation: tuple, pairs: tuple, stride: tuple, unbatched: bool) -> Tensor:
    """The empty result torch gives an input of no channels: as many windows as fit (a 0-sized kernel fits
    one more than a 1-sized one), after the check that the kernel fits at all."""
    _check_kernel_fits(x, kernel, dilation, pairs)
    blocks = [blocks_along(*g) for g in zip(x.shape[2:], kernel, dilation, pairs, stride)]
    out = rename(x.flatten(1)[:, :0].reshape(x.shape[0], 0, *blocks), "ConvolutionBackward0")
    return out.squeeze(0) if unbatched else out


@as_called("conv1d", _CONV_SIGNATURES)
def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-d convolution (cross-correlation, as in torch): input (N, C, L) or (C, L), weight (O, C/groups, k)."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


@as_called("conv2d", _CONV_SIGNATURES)
def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-d convolution: input (N, C, H, W) or (C, H, W), weight (O, C/groups, kh, kw)."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


@as_called("conv3d", _CONV_SIGNATURES)
def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-d convolution: input (N, C, D, H, W) or (C, D, H, W), weight (O, C/groups, kd, kh, kw)."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


# ------------------------------------------------------------------ transposed convolution
def transposed_output_size(size: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                           output_padding: tuple) -> tuple:
    """(n - 1) s - 2 p + d (k - 1) + output_padding + 1 per dim: the size whose convolution is `size`."""
    return tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1
                 for n, k, s, p, d, op in zip(size, kernel, stride, padding, dilation, output_padding))


def _check_output_padding(output_padding: tuple, stride: tuple, dilation: tuple) -> None:
    if all(op < s or op < d for op, s, d in zip(output_padding, stride, dilation)):
        return
    names = ("depth", "height", "width")[-len(stride):]
    if len(stride) == 1:
        parts = [f"output_padding: {output_padding[0]}", f"stride: {stride[0]}", f"dilation: {dilation[0]}"]
    else:
        parts = [f"output_padding_{n}: {v}" for n, v in zip(names, output_padding)] + \
            [f"stride_{n}: {v}" for n, v in zip(names, stride)] + [f"dilation_{n}: {v}" for n, v in zip(names, dilation)]
    raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))


def _refuse_no_output_channels(x: Tensor, weight: Tensor) -> None:
    """torch's transposed kernels refuse a weight of no output channels, each in its own words: oneDNN's
    (float32 batches of more than one sample), the 3-d kernel's, or the 2-d one's after its kernel size check."""
    if x.dtype is dtypes.float32 and x.shape[0] > 1:
        raise RuntimeError("could not create a primitive descriptor for the deconvolution forward propagation "
                           "primitive. Run workload with environment variable ONEDNN_VERBOSE=all to get "
                           "additional diagnostic information.")
    if weight.ndim == 5:
        raise RuntimeError("non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x "
                           f"kernel_width) tensor expected for weight, but got: {list(weight.shape)}")
    _check_kernel_size(tuple(weight.shape[2:]))
    raise RuntimeError(f"non-empty 2D or 4D weight tensor expected, but got: {_shape_as_run(weight)}")


def conv_transposed(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
                    output_padding: Any, groups: int, dilation: Any, nd: int, name: str) -> Tensor:
    """The N-d transposed convolution behind conv_transpose1d and conv_transpose2d."""
    tensor_arg(name, "input", input, 1)  # torch's parser, in the signature's order
    tensor_arg(name, "weight", weight, 2)
    if bias is not None:
        tensor_arg(name, "bias", bias, 3)
    int_list_args(name, [("stride", stride, 4), ("padding", padding, 5), ("output_padding", output_padding, 6)],
                  scalar_ok=True)
    int_arg(name, "groups", groups, 7)
    int_list_args(name, [("dilation", dilation, 8)], scalar_ok=True)
    _check_input_dim(input, nd, name)
    if input.dim() == nd + 2 and input.shape[0] == 0:  # torch runs no kernel on an empty batch: no dtype check,
        common = dtypes.promote_types(input.dtype, weight.dtype)  # the result in the two dtypes' promotion
        input, weight = input.to(common), weight.to(common)
    x, unbatched = _batched(input, nd)
    stride, dilation = expand_param(stride, nd, "stride"), expand_param(dilation, nd, "dilation")
    pad, output_padding = expand_param(padding, nd, "padding"), expand_param(output_padding, nd, "output_padding")
    _check_geometry(stride, tuple((p, p) for p in pad), dilation, groups)
    if any(op < 0 for op in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    _check_output_padding(output_padding, stride, dilation)
    _check_weight_dims(x, weight, stride)
    _check_channels(x, weight, groups, transposed=True)
    kernel, out_channels = tuple(weight.shape[2:]), weight.shape[1] * groups
    _check_bias(weight, bias, out_channels, transposed=True)
    empty = x.numel() == 0
    if empty:  # torch's path for an empty input, before any check of the kernel's (dilation 0 is fine there)
        _check_empty_batch(x, kernel, out_channels)
    else:
        onednn = takes_onednn(x, weight, stride, dilation, groups, output_padding)
        if onednn:  # oneDNN checks the dtypes before the kernel's size, torch's own kernel after
            _check_kernel_dtypes(x, weight, bias, onednn, "")
        if out_channels == 0:
            _refuse_no_output_channels(x, weight)
        _check_kernel_size(kernel)
        _check_dilation_not_zero(dilation, transposed=True)
        _check_kernel_dtypes(x, weight, bias, onednn, "conv_transpose3d" if nd == 3 else "conv_transpose")
    size = transposed_output_size(tuple(x.shape[2:]), kernel, stride, pad, dilation, output_padding)
    if empty and min(size) < 0:  # the empty batch's result is reshaped to that size: reshape's error
        infer_shape(tuple(_shape_as_run(x, (0, out_channels, *size))), 0)
    if not empty and min(size) <= 0:
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated output "
                           f"size per channel: ({' x '.join(map(str, size))}). Output size is too small")
    in_channels, blocks = x.shape[1], tuple(x.shape[2:])
    w = ConvOperand.apply(weight, (groups, in_channels // groups, -1)).transpose(1, 2)  # (g, O/g*K, C/g)
    positions = x.shape[0] * math.prod(blocks)  # N*L, spelled out: -1 cannot be inferred for an empty batch
    rows = ConvOperand.apply(x, (groups, in_channels // groups, positions), True)  # (g, C/g, N*L)
    cols = (w @ rows).reshape(w.shape[0] * w.shape[1], positions)  # (O*K, N*L): one GEMM per group
    if empty:  # an empty batch: nothing to scatter, an empty result still in the graph
        out = cols.reshape(0, out_channels, *size)
    else:
        out = Col2Im.apply(cols, size, kernel, dilation, tuple((p, p) for p in pad), stride, blocks, True)
    if bias is not None:
        out = out + ConvOperand.apply(bias.to(out.dtype), (out_channels, *(1,) * nd))
    out = composite(out.contiguous(), "ConvolutionBackward0", x, weight, bias)  # contiguous, as torch's: .view() works
    return out.squeeze(0) if unbatched else out


@as_called("conv_transpose1d")
def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv1d: input (N, C, L), weight (C, O/groups, k)."""
    return conv_transposed(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                           "conv_transpose1d")


@as_called("conv_transpose2d")
def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv2d: input (N, C, H, W), weight (C, O/groups, kh, kw)."""
    return conv_transposed(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                           "conv_transpose2d")


@as_called("conv_transpose3d")
def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """The adjoint of conv3d: input (N, C, D, H, W), weight (C, O/groups, kd, kh, kw)."""
    return conv_transposed(input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
                           "conv_transpose3d")


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """1-d convolution in fairseq's layout: input (time, batch, channels), weight (kernel, in, out), bias (out)."""
    for position, (name, value) in enumerate((("input", input), ("weight", weight), ("bias", bias)), start=1):
        tensor_arg("conv_tbc", name, value, position)
    pad = int_arg("conv_tbc", "pad", pad, 4)
    if input.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if bias.shape[0] != weight.shape[2]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    length = input.shape[0] + 2 * pad - weight.shape[0] + 1
    if length < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                           f"[{length}, {input.shape[1]}, {weight.shape[2]}]")
    if length == 0:  # (conv1d refuses a kernel longer than the input; torch's kernel gives no frames)
        return input.new_empty((0, input.shape[1], weight.shape[2]))
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


conv_tbc = parser_errors(conv_tbc, "conv_tbc")  # (torch's parser words its argument errors)

"""torch's native ops behind nn.functional, as torch's namespace exposes them: they return what the kernel
saves for backward besides the output, and take every argument by position without defaults.

    out, mean, rstd = torch.native_layer_norm(x, [4], weight, bias, 1e-5)   # mean, rstd: (..., 1)
    out, mask = torch.native_dropout(x, 0.5, True)                          # mask: bool, True where kept

The outputs come from the nn.functional implementations (same numbers and gradients); the statistics are
computed beside them, as the kernel's saved values (no gradient flows into them, as in torch, except
group norm's, whose statistics torch records in the graph).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import bool_arg, float_arg, int_arg, int_list_arg, invalid_combination, tensor_arg
from ..core import dtypes
from ..core.function import Function, rename
from ..core.tensor import Tensor
from ..creation import empty, from_numpy
from ..random import bernoulli
from ..surface.ops import parser_errors
from . import functional as F
from .embedding_bag import native_embedding_bag as embedding_bag
from .functional_ext.basic import batch_norm_kernel
from .functional_ext.basic import embedding_renorm_ as renorm_rows


def _saved(values: np.ndarray, like: Tensor) -> Tensor:
    """A statistic the kernel saves: in the input's dtype, outside the graph."""
    return from_numpy(np.ascontiguousarray(values, dtype=like._data.dtype))


def native_layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None, bias: Tensor | None,
                      eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(layer_norm's output, the mean and 1 / sqrt(biased variance + eps) over the normalized dims, kept)."""
    shape = int_list_arg("native_layer_norm", "normalized_shape", normalized_shape, 2)
    out = F.layer_norm(input, shape, weight, bias, float_arg("native_layer_norm", "eps", eps, 5))
    kept = tuple(input.shape[:input.ndim - len(shape)]) + (1,) * len(shape)
    data = input._data.reshape(kept[:input.ndim - len(shape)] + (-1,)).astype(np.float64)
    mean = data.mean(-1)
    rstd = 1 / np.sqrt(data.var(-1) + eps)
    return out, _saved(mean.reshape(kept), input), _saved(rstd.reshape(kept), input)


def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                      running_var: Tensor | None, training: bool, momentum: float,
                      eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(batch_norm's output, the batch's mean and 1 / sqrt(biased variance + eps) per channel when training,
    else two empty tensors). Training moves the running statistics, as batch_norm does."""
    training = bool_arg("native_batch_norm", "training", training, 6)
    out = batch_norm_kernel(input, running_mean, running_var, weight, bias, training,
                            float_arg("native_batch_norm", "momentum", momentum, 7),
                            float_arg("native_batch_norm", "eps", eps, 8))
    if not training:
        return out, empty(0, dtype=input.dtype), empty(0, dtype=input.dtype)
    per_channel = np.moveaxis(input._data, 1, 0).reshape(input.shape[1], -1).astype(np.float64)
    return (out, _saved(per_channel.mean(-1), input),
            _saved(1 / np.sqrt(per_channel.var(-1) + eps), input))


def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple[Tensor, Tensor]:
    """(input * mask / (1 - p), mask): mask is True where an element is kept, a Bernoulli(1 - p) draw from
    the same stream as dropout's. Without training (train=False), the input's copy and an all-True mask."""
    p = float_arg("native_dropout", "p", p, 2)
    if train is not None and not bool_arg("native_dropout", "train", train, 3):
        kept = np.ones(input.shape, dtype=bool)
        return rename(_Dropped.apply(input, kept, 1.0, 1.0), "NativeDropoutBackward0"), from_numpy(kept)
    draw_dtype = input.dtype if input.dtype.is_floating_point else None  # (as dropout draws: the same elements)
    noise = bernoulli(empty(tuple(input.shape), dtype=draw_dtype), 1 - p)  # (bernoulli_'s check of 1 - p first)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"result type Float can't be cast to the desired output type {input.dtype._legacy}")
    mask = noise._data != 0
    scale = 0.0 if p == 1 else 1 / (1 - p)
    # torch's backward scales only when train=True was given: with train=None it passes grad * mask (measured)
    return rename(_Dropped.apply(input, mask, scale, scale if train else 1.0), "NativeDropoutBackward0"), \
        from_numpy(mask)


class _Dropped(Function):
    """input * mask * scale, whose gradient is grad * mask * backward_scale (torch's two scales can differ)."""

    @staticmethod
    def forward(ctx, x, mask, scale, backward_scale):
        kind = x._data.dtype.type
        ctx.backward_factor = Tensor._make(mask.astype(x._data.dtype) * kind(backward_scale))
        return Tensor._make(x._data * mask * kind(scale))  # (torch multiplies by the reciprocal of 1 - p)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.backward_factor, None, None, None


def native_group_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, N: int, C: int, HxW: int,
                      group: int, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """(group_norm's output, the mean and 1 / sqrt(biased variance + eps) of each sample's group: (N, group))."""
    N, C, HxW, group = (int_arg("native_group_norm", name, value, i) for i, (name, value) in
                        enumerate((("N", N), ("C", C), ("HxW", HxW), ("group", group)), start=4))
    if input.numel() != N * C * HxW:
        raise RuntimeError("Expected X.numel() == N * C * HxW to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    out = F.group_norm(input, group, weight, bias, float_arg("native_group_norm", "eps", eps, 8))
    grouped = input.reshape(N, group, -1)
    mean = grouped.mean(-1)
    rstd = ((grouped - mean.unsqueeze(-1)).square().mean(-1) + eps).rsqrt()
    return out, mean, rstd


def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float, norm_type: float) -> Tensor:
    """Scale, in place, each row of `input` that `indices` names and whose norm_type-norm exceeds max_norm
    down to max_norm (what embedding's max_norm does before the lookup); returns input."""
    tensor_arg("embedding_renorm_", "input", input, 1)
    tensor_arg("embedding_renorm_", "indices", indices, 2)
    max_norm = float_arg("embedding_renorm_", "max_norm", max_norm, 3)
    norm_type = float_arg("embedding_renorm_", "norm_type", norm_type, 4)
    if input.ndim != 2:
        raise RuntimeError(f"Expected 2-dimensional tensor, but got {input.ndim}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for embedding_renorm_)")
    if indices.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("Expected tensor for argument #2 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {indices.type()} instead (while checking arguments for "
                           "embedding_renorm_)")
    input._check_inplace()
    rows = indices._data.reshape(-1)
    wrong = next((int(i) for i in rows if not -input.shape[0] <= i < input.shape[0]), None)
    if wrong is not None:
        raise IndexError(f"select(): index {wrong} out of range for tensor of size {list(input.shape)} at dimension 0")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{input.dtype._legacy} instead.")
    renorm_rows(input, rows % input.shape[0], max_norm, norm_type)
    return input


_FILL_SIGNATURES = ("(Tensor input, Tensor value)", "(Tensor input, Number value)")


def fill(input: Tensor, value: Any, **kwargs: Any) -> Tensor:
    """A new tensor of input's shape and dtype, every element `value` (a number or a 0-d tensor, which then
    gets the gradient's sum); the input gets a zero gradient. (No out=: torch has none.)"""
    if kwargs or not isinstance(input, Tensor):
        raise invalid_combination("fill", (input, value), _FILL_SIGNATURES, kwargs)
    out = input.clone().fill_(value)
    return rename(out, "FillBackward1" if isinstance(value, Tensor) else "FillBackward0")


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
        return empty(0, input.shape[1], weight.shape[2], dtype=input.dtype)
    out = F.conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
                transposed: bool, output_padding: Any, groups: int) -> Tensor:
    """The convolution every conv function calls: 1-, 2- or 3-d as the weight's dims say, transposed or not."""
    nd = weight.ndim - 2 if isinstance(weight, Tensor) else 0
    if nd not in (1, 2, 3):
        raise NotImplementedError(f"torch.convolution with a {tensor_arg('convolution', 'weight', weight, 2).ndim}-d "
                                  "weight is not implemented: tinygrad_rnn convolves in 1, 2 or 3 dims")
    if bool_arg("convolution", "transposed", transposed, 7):
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return conv(input, weight, bias, stride, padding, output_padding, groups, dilation)
    if any(int_list_arg("convolution", "output_padding", output_padding, 8, scalar_ok=True)):
        raise NotImplementedError("torch.convolution(transposed=False) with a non-zero output_padding is not "
                                  "implemented")
    return (F.conv1d, F.conv2d, F.conv3d)[nd - 1](input, weight, bias, stride, padding, dilation, groups)


# torch's parser words their missing arguments ('missing 1 required positional arguments: "eps"') and keywords
(native_layer_norm, native_batch_norm, native_dropout, native_group_norm, conv_tbc, convolution, embedding_renorm_,
 embedding_bag) = (parser_errors(f, name) for f, name in (
    (native_layer_norm, "native_layer_norm"), (native_batch_norm, "native_batch_norm"),
    (native_dropout, "native_dropout"), (native_group_norm, "native_group_norm"), (conv_tbc, "conv_tbc"),
    (convolution, "convolution"), (embedding_renorm_, "embedding_renorm_"), (embedding_bag, "embedding_bag")))

"""torch's native ops behind nn.functional, as torch's namespace exposes them: they return what the kernel
saves for backward besides the output, and take every argument by position without defaults.

    out, mean, rstd = torch.native_layer_norm(x, [4], weight, bias, 1e-5)   # mean, rstd: (..., 1)
    out, mask = torch.native_dropout(x, 0.5, True)                          # mask: bool, True where kept
    out, offset2bag, bag_size, max_indices = torch.embedding_bag(weight, indices, offsets, False, 1)  # mean
    out = torch.grid_sampler(image, grid, 0, 0, False)                      # F.grid_sample's modes as codes

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
from .functional_ext.conv import conv_tbc  # noqa: F401  (torch.conv_tbc is F.conv_tbc)
from .functional_ext.grid import affine_grid_kernel
from .functional_ext.vectors import native_channel_shuffle  # noqa: F401  (torch's namespace has it too)
from .utils.weight_norm import norm_except_dim as weight_norm_denominator


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


_SAMPLING_MODES, _PADDING_MODES = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """F.grid_sample with its modes as torch's codes: interpolation 0 bilinear, 1 nearest, 2 bicubic; padding 0
    zeros, 1 border, 2 reflection. A 4-d input samples in 2-d, a 5-d one in 3-d."""
    return _sampled("grid_sampler", None, input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler for a 4-d input (N, C, H, W) and grid (N, H_out, W_out, 2) only."""
    return _sampled("grid_sampler_2d", 4, input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """grid_sampler for a 5-d input (N, C, D, H, W) and grid (N, D_out, H_out, W_out, 3) only."""
    return _sampled("grid_sampler_3d", 5, input, grid, interpolation_mode, padding_mode, align_corners)


def _sampled(name: str, dims: int | None, input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
             align_corners: bool) -> Tensor:
    interpolation_mode = int_arg(name, "interpolation_mode", interpolation_mode, 3)
    padding_mode = int_arg(name, "padding_mode", padding_mode, 4)
    align_corners = bool_arg(name, "align_corners", align_corners, 5)
    if dims is not None and (input.dim() != dims or grid.dim() != dims):
        raise RuntimeError(f"grid_sampler(): expected {dims}D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    # (torch reads memory it never wrote for other codes: no numbers to match)
    if not 0 <= interpolation_mode < 3:
        raise NotImplementedError(f"{name}: interpolation_mode {interpolation_mode} (torch knows 0, 1 and 2)")
    if not 0 <= padding_mode < 3:
        raise NotImplementedError(f"{name}: padding_mode {padding_mode} (torch knows 0, 1 and 2)")
    return F.grid_sample(input, grid, _SAMPLING_MODES[interpolation_mode], _PADDING_MODES[padding_mode],
                         align_corners)


def affine_grid_generator(theta: Tensor, size: Any, align_corners: bool) -> Tensor:
    """F.affine_grid without its Python checks: the grid (N, H, W, 2) or (N, D, H, W, 3) of theta's
    (N, 2, 3) or (N, 3, 4) matrices applied to the base grid, with torch's kernel errors (its bmm's)."""
    size = list(int_list_arg("affine_grid_generator", "size", size, 2))
    align_corners = bool_arg("affine_grid_generator", "align_corners", align_corners, 3)
    if len(size) not in (4, 5):
        raise RuntimeError("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")
    if theta.dim() < 3:  # torch transposes theta's dims 1 and 2 first
        bound = max(theta.dim(), 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got "
                         f"{2 if theta.dim() == 2 else 1})")
    dims = len(size) - 2
    if theta.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if theta.shape[0] != size[0] or theta.shape[2] != dims + 1:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {dims + 1}] "
                           f"but got: [{theta.shape[0]}, {theta.shape[2]}].")
    if theta.shape[1] != dims:
        raise RuntimeError(f"shape '{size[:1] + size[2:] + [dims]}' is invalid for input of size "
                           f"{size[0] * int(np.prod(size[2:])) * theta.shape[1]}")
    if not theta.is_floating_point():
        raise NotImplementedError(f"affine_grid_generator with a {theta.dtype} theta (only floating point)")
    return affine_grid_kernel(theta, size, align_corners)


def norm_except_dim(v: Tensor, pow: int = 2, dim: int = 0) -> Tensor:
    """The pow-norm of v over every dim but `dim`, shaped to broadcast against v (of all of v when dim=-1):
    weight_norm's denominator, with torch's integer pow."""
    pow, dim = int_arg("norm_except_dim", "pow", pow, 2), int_arg("norm_except_dim", "dim", dim, 3)
    out = weight_norm_denominator(v, pow, dim)
    return rename(out, "NormBackward0") if dim == -1 else out  # (torch's kernel calls at::norm)


def native_norm(input: Tensor, p: Any = 2, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """torch has this kernel for sparse tensors only: a dense tensor gets torch's NotImplementedError."""
    tensor_arg("native_norm", "input", input, 1)
    overload = "aten::native_norm" if dim is None and not keepdim and dtype is None else \
        "aten::native_norm.ScalarOpt_dim_dtype"
    raise NotImplementedError(f"Could not run '{overload}' with arguments from the 'CPU' backend. This could be "
                              "because the operator doesn't exist for this backend, or was omitted during the "
                              "selective/custom build process (if using custom build). (torch has it for sparse "
                              "tensors only.)")


# torch's parser words their missing arguments ('missing 1 required positional arguments: "eps"') and keywords
(native_layer_norm, native_batch_norm, native_dropout, native_group_norm, convolution, embedding_renorm_,
 embedding_bag, grid_sampler, grid_sampler_2d, grid_sampler_3d, affine_grid_generator, norm_except_dim) = (
    parser_errors(f, name) for f, name in (
    (native_layer_norm, "native_layer_norm"), (native_batch_norm, "native_batch_norm"),
    (native_dropout, "native_dropout"), (native_group_norm, "native_group_norm"),
    (convolution, "convolution"), (embedding_renorm_, "embedding_renorm_"), (embedding_bag, "embedding_bag"),
    (grid_sampler, "grid_sampler"), (grid_sampler_2d, "grid_sampler_2d"), (grid_sampler_3d, "grid_sampler_3d"),
    (affine_grid_generator, "affine_grid_generator"),
    (norm_except_dim, "norm_except_dim")))

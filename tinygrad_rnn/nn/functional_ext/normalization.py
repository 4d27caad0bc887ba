"""F.group_norm, F.instance_norm, F.rms_norm and F.local_response_norm, from Tensor ops.

- group_norm: split the C channels into groups; normalise each (sample, group) over its channels
  and positions (biased variance), then scale and shift per channel.
- instance_norm: normalise each (sample, channel) over its positions. It is batch_norm on the
  input viewed as one sample with N * C channels, as torch runs it; running statistics, when
  tracked, are that batch_norm's per-(sample, channel) statistics averaged over the samples.
- rms_norm: x / sqrt(mean(x^2) + eps) over the last dims, times weight (no centring).
- local_response_norm: x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...argcheck import int_arg, tensor_arg
from ...core import dtypes
from ...core.function import rename
from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...ops.composite import composite
from ...surface.settings import warn_once
from . import basic as _F
from .activation import require_float
from .padding import pad
from .pooling import avg_pool2d


def _channel_shape(input: Tensor) -> tuple:
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def _check_same_dtype(input: Tensor, *parameters: Tensor | None) -> None:
    """torch's CPU kernels take weight and bias of the input's dtype, or float32 ones for a half input."""
    reduced = input.dtype == dtypes.float16
    for t in parameters:
        if t is not None and t.dtype != input.dtype and not (reduced and t.dtype == dtypes.float32):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over groups of channels of (N, C, *) input; weight and bias are per channel."""
    if input.dim() < 2:  # (dim(): torch's first read of the input, and so its error for a non-tensor)
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if n * c // num_groups * math.prod(input.shape[2:]) == 1:  # torch's check, before the divisibility one
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{[n * c // num_groups, num_groups] + list(input.shape[2:])}")
    num_groups = int_arg("group_norm", "num_groups", num_groups, 2)  # torch's kernel argument, parsed after that check
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}")
    _check_same_dtype(input, weight, bias)
    require_float(input, "GroupNormKernelImpl")
    if input.dtype is dtypes.float16:  # computed in float32 and rounded once, as torch's kernel
        out = group_norm(input.float(), num_groups, *(None if t is None else t.float() for t in (weight, bias)), eps)
        return composite(out.half(), "NativeGroupNormBackward0", input, weight, bias)
    grouped = input.reshape(n, num_groups, c // num_groups * math.prod(input.shape[2:]))  # no -1: n may be 0
    moments = _F.torch_moments(grouped, 1)
    mean = _F.with_values(lambda: grouped.mean(-1, keepdim=True), moments[0], grouped)
    centered = grouped - mean
    variance = _F.with_values(lambda: (centered * centered).mean(-1, keepdim=True), moments[1], grouped)
    # torch adds eps to the variance in float64 and rounds 1/sqrt once to the input's dtype
    rstd = (variance.double() + eps).rsqrt().to(input.dtype)
    if weight is None and bias is None:
        return composite((centered * rstd).reshape(input.shape), "NativeGroupNormBackward0", input, weight, bias)
    # With weight or bias, torch computes y = x * scale + shift per channel, each as one fused multiply-add
    # (one rounding). For a group of one value (or equal values) the exact 0 then comes out as rounding
    # residue up to ~1e-4 in float32; the same arithmetic gives torch's very numbers.
    per_channel = (n, c) + (1,) * (input.ndim - 2)
    scale = rstd.expand(n, num_groups, c // num_groups).reshape(per_channel)
    if weight is not None:
        scale = scale * weight.reshape(_channel_shape(input))
    beta = bias.reshape(_channel_shape(input)) if bias is not None else scale.new_zeros(())
    group_mean = mean.expand(n, num_groups, c // num_groups).reshape(per_channel)
    shift = _F.fused_multiply_add(-scale, group_mean, beta)
    return composite(_F.fused_multiply_add(input, scale, shift), "NativeGroupNormBackward0", input, weight, bias)


def _check_spatial(input: Tensor) -> None:
    if math.prod(input.size()[2:]) == 1:  # (size(): torch's first read of the input, and its error for a non-tensor)
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(input.shape)})")


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its positions ((N, C, *) input)."""
    if use_input_stats:
        _check_spatial(input)
    _F.check_optional_tensors("instance_norm", weight, bias, running_mean, running_var)
    n, c = input.shape[0], input.shape[1]

    def per_sample(t: Tensor | None) -> Tensor | None:  # a per-channel tensor, repeated for every sample
        return None if t is None else t.repeat(n)

    stats = [None if t is None else t.detach().repeat(n) for t in (running_mean, running_var)]
    flat = input.reshape(1, n * c, *input.shape[2:])
    out = _F.batch_norm_kernel(flat, stats[0], stats[1], per_sample(weight), per_sample(bias), use_input_stats,
                               momentum, eps)
    for running, updated in zip((running_mean, running_var), stats):
        if running is not None and use_input_stats:  # the samples' statistics, averaged
            if not input.dtype.is_floating_point:  # (an empty integer batch gets here: torch's mean refuses it,
                if weight is not None:  # unless a weight made the statistics float; then they stay as they were)
                    continue
                raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating "
                                   f"point or complex dtype. Got: {input.dtype._legacy}")
            with no_grad():
                running.copy_(updated.reshape(n, c).mean(0))
    return rename(out.reshape(input.shape), "ViewBackward0")


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2) + eps) over the last len(normalized_shape) dims, times weight. eps=None
    means the machine epsilon of the input's dtype (float32's for float32, float64's for float64)."""
    tensor_arg("rms_norm", "input", input, 1)
    tensor_arg("rms_norm", "weight", weight, 3, optional=True)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(shape)}")
    if input.ndim < len(shape):
        raise ValueError(f"Input tensor must have at least {len(shape)} dimensions, but got {input.ndim}")
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    require_float(input, "rms_norm")
    if weight is not None and weight.dtype is not input.dtype:
        return _rms_norm_mixed(input, shape, weight, eps)
    if input.dtype is dtypes.float16:  # as torch: computed in float32 (float32's eps too), rounded once
        return rms_norm(input.float(), shape, None if weight is None else weight.float(), eps).half()
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).pow(-0.5)
    return out if weight is None else out * weight


_CPP_NAMES = {"float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double"}


def _rms_norm_mixed(input: Tensor, shape: tuple, weight: Tensor, eps: float | None) -> Tensor:
    """rms_norm of a weight in another dtype than the input (nn.RMSNorm's float32 weight on a float64 or
    float16 input): torch warns once and takes its composite path, whose result has the input's dtype."""
    names = (_CPP_NAMES.get(t.dtype.name, t.dtype.name) for t in (input, weight))
    warn_once("rms_norm mixed dtypes", "Mismatch dtype between input and weight: input dtype = {}, weight dtype "
              "= {}, Cannot dispatch to fused implementation. (Triggered internally at /__w/pytorch/pytorch/aten/"
              "src/ATen/native/layer_norm.cpp:346.)".format(*names), stacklevel=3)
    if input.dtype is dtypes.float16:  # (measured: then computed in float32 with the weight, rounded once)
        return rms_norm(input.float(), shape, weight.float(), eps).half()
    return (rms_norm(input, shape, None, eps) * weight).to(input.dtype)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """Divide each value by (k + alpha * mean of x^2 over `size` channels around it)^beta; the
    channel window is zero-padded, size // 2 before and (size - 1) // 2 after."""
    if input.dim() < 3:  # (dim(): torch's first read of the input, and so its error for a non-tensor)
        raise ValueError(f"Expected 3D or higher dimensionality                          input "
                         f"(got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    if size <= 0:  # torch's window is a pooling kernel: 2d over (C, L) for 3-d input, else 3d
        window = f"kH: {size} kW: 1" if input.ndim == 3 else f"kT: {size} kH: 1 kW: 1"
        raise RuntimeError(f"kernel size should be greater than zero, but got {window}")
    n, c = input.shape[0], input.shape[1]
    squares = (input * input).reshape(n, 1, c, -1)  # channels as the height of a 1-channel image
    padded = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(padded, (size, 1), stride=1).reshape(input.shape)
    return input / (div * alpha + k).pow(beta)

"""Normalisation layers: GroupNorm, InstanceNorm1d/2d/3d, LocalResponseNorm, RMSNorm, BatchNorm2d/3d, SyncBatchNorm.

Parameters start as torch's do (weight ones, bias zeros; no random draws), buffers too
(running_mean zeros, running_var ones, num_batches_tracked 0), so state_dicts load both ways.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core.function import Function
from ..core.tensor import Tensor
from .functional_ext import normalization as N
from .layers import _BatchNorm, _NormBase, _ones, _zeros
from .module import Module


class GroupNorm(Module):
    """Normalise (N, C, *) input over groups of C / num_groups channels, then scale and shift each channel."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.weight = _ones((num_channels,), device, dtype) if affine else None
        self.bias = _zeros((num_channels,), device, dtype) if affine and bias else None

    def forward(self, input: Tensor) -> Tensor:
        return N.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_NormBase):
    """Normalise each channel of each sample over its positions; unbatched input has one dim less."""

    _nd = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias)

    def _check_channels(self, input: Tensor) -> None:
        feature_dim = input.ndim - (self._nd + 1)
        if input.shape[feature_dim] == self.num_features:
            return
        if self.affine:
            raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                             f"({self.num_features}), but got: {input.shape[feature_dim]}.")
        warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this warning "
                      "by not passing in num_features, which is not used because affine=False", stacklevel=3)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (self._nd + 1, self._nd + 2):
            raise ValueError(f"expected {self._nd + 1}D or {self._nd + 2}D input (got {input.ndim}D input)")
        self._check_channels(input)
        unbatched = input.ndim == self._nd + 1
        x = input.unsqueeze(0) if unbatched else input
        out = N.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or (C, L) input."""

    _nd = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or (C, H, W) input."""

    _nd = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or (C, D, H, W) input."""

    _nd = 3


class LocalResponseNorm(Module):
    """Divide by (k + alpha * mean of squares over `size` neighbouring channels)^beta (AlexNet)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return N.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    """Local response normalisation across channels of a 4-d input, Lua Torch's way: x / (k + alpha / size *
    (sum of squares over a window of channels))^beta. torch computes it with a Function of its own (a running
    window sum and a hand-written backward, not LocalResponseNorm's); ours takes the same steps in the same
    order, so the numbers round as torch's."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return _CrossMapLRN2d.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class _CrossMapLRN2d(Function):
    """torch.nn.modules._functions.CrossMapLRN2d: the window sum is a running sum (add the next channel's
    square, drop one, in torch's order); backward is its hand-written formula, in the input's dtype."""

    torch_name = "CrossMapLRN2dBackward"

    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        x = input._data
        kind = x.dtype.type
        square, channels = x * x, x.shape[1]
        pre_pad = int((size - 1) / 2 + 1)
        scale = np.empty_like(x)
        scale[:, 0] = 0
        for c in range(min(pre_pad, channels)):
            scale[:, 0] += square[:, c]
        for c in range(1, channels):
            scale[:, c] = scale[:, c - 1]
            if c < channels - pre_pad + 1:
                scale[:, c] += square[:, c + pre_pad - 1]
            if c > pre_pad:  # (torch's `>`: the window it drops from is one channel late)
                scale[:, c] -= square[:, c - pre_pad]
        scale = scale * kind(alpha / size) + kind(k)
        output = np.power(scale, kind(-beta)) * x
        ctx.size, ctx.alpha, ctx.beta, ctx.scale = size, alpha, beta, scale
        ctx.input, ctx.output = x, output
        return Tensor._make(output)

    @staticmethod
    def backward(ctx, grad_output):
        g, x, output, scale, size = grad_output._data, ctx.input, ctx.output, ctx.scale, ctx.size
        kind = x.dtype.type
        channels = x.shape[1]
        padded = np.zeros((channels + size - 1,) + x.shape[2:], x.dtype)
        factor = kind(-(2 * ctx.alpha * ctx.beta / size))
        inverse_pre_pad = int(size - (size - 1) / 2)
        grad_input = np.power(scale, kind(-ctx.beta)) * g
        for n in range(x.shape[0]):
            padded[inverse_pre_pad:inverse_pre_pad + channels] = g[n] * output[n] / scale[n]
            accumulated = padded[:size - 1].sum(0)
            for c in range(channels):
                accumulated += padded[c + size - 1]
                grad_input[n, c] += factor * x[n, c] * accumulated
                accumulated -= padded[c]
        return Tensor._make(grad_input), None, None, None, None


class RMSNorm(Module):
    """x / sqrt(mean(x^2) + eps) over the last dims (`normalized_shape`), times `weight` (ones)."""

    def __init__(self, normalized_shape: Any, eps: float | None = None, elementwise_affine: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        if elementwise_affine:
            self.weight = _ones(shape, device, dtype)
        else:
            self.register_parameter("weight", None)

    def forward(self, x: Tensor) -> Tensor:
        return N.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class BatchNorm2d(_BatchNorm):
    """BatchNorm1d's statistics over (N, H, W) for each channel of (N, C, H, W) input."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")


class BatchNorm3d(_BatchNorm):
    """BatchNorm over (N, D, H, W) for each channel of (N, C, D, H, W) input."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.ndim}D input)")


class SyncBatchNorm(_BatchNorm):
    """BatchNorm over input of any rank >= 2 whose statistics torch gathers across the processes
    of `process_group` when torch.distributed is initialized. Here there is one process, so it is
    BatchNorm with that process's batch, as torch's is when distributed is not initialized."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group: Any = None, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")
        if input.shape[1] == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """`module` with every BatchNorm layer in it replaced by a SyncBatchNorm that shares its
        parameters and buffers (the same tensors) and its training flag."""
        converted = module
        if isinstance(module, _BatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group, bias=module.bias is not None)
            if module.affine:
                converted.weight, converted.bias = module.weight, module.bias
            converted.running_mean, converted.running_var = module.running_mean, module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
            converted.training = module.training
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted

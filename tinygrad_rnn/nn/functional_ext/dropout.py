"""Dropout variants: channel-wise (dropout1d/2d/3d), alpha_dropout and feature_alpha_dropout.

All follow torch's CPU recipe step by step, drawing from our copy of torch's random stream, so
the same manual_seed drops the same elements (measured equal to torch, see the tests):

1. noise: one Bernoulli(1 - p) draw per element, or per (sample, channel) for the channel-wise
   ("feature") kinds, whose noise has shape (N, C, 1, ...) and broadcasts over the positions;
2. plain dropout scales the kept entries by 1 / (1 - p);
   alpha dropout keeps SELU's mean and variance: out = a * (x * noise + alpha' * (1 - noise)) + b,
   computed as torch does: b = (noise - 1) * (alpha * a) + alpha * a * p, then x * (noise * a) + b.
p = 1 gives zeros (times the input, so gradients are zeros too); p = 0 or eval returns the input.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ...argcheck import bool_arg
from ...core.function import rename
from ...core.tensor import Tensor
from ...creation import empty, from_numpy
from ...random import bernoulli
from . import basic as _F

_SELU_ALPHA = 1.7580993408473766  # SELU's scale * alpha: the value dropped units take in alpha dropout


def _noise(input: Tensor, p: float, feature: bool) -> np.ndarray:
    if feature and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    return bernoulli(empty(shape, dtype=input.dtype), 1 - p).numpy()


def _dropout(input: Tensor, p: float, training: bool, inplace: bool, feature: bool, alpha: bool) -> Tensor:
    """torch's _dropout_impl for the four combinations of feature (channel-wise) and alpha."""
    _F._check_dropout_p(p)
    _check_training(training, inplace, feature, alpha)
    if p != p:  # NaN passes the range check above; torch's kernel then refuses it
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:  # torch multiplies by a zero of the input's own dtype, so integers pass here
        return _F._apply(lambda x: x * 0, input, inplace)
    if not input.dtype.is_floating_point:  # the noise is float: torch cannot cast the product back
        raise RuntimeError(f"result type Float can't be cast to the desired output type {input.dtype._legacy}")
    noise = _noise(input, p, feature)
    kind = noise.dtype.type
    if not alpha:
        scale = from_numpy(np.asarray(noise / kind(1 - p)))  # a 0-d input gives a numpy scalar
        return _F._apply(lambda x: x * scale, input, inplace)
    a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
    shift = from_numpy(np.asarray((noise - kind(1)) * kind(_SELU_ALPHA * a) + kind(_SELU_ALPHA * a * p)))
    scale = from_numpy(np.asarray(noise * kind(a)))
    return _F._apply(lambda x: x * scale + shift, input, inplace)


def _check_training(training: Any, inplace: bool, feature: bool, alpha: bool) -> None:
    """training must be a bool, as torch's parser of the kernel (feature_dropout_, alpha_dropout, ...) says."""
    kernel = ("feature_" if feature else "") + ("alpha_" if alpha else "") + "dropout" + ("_" if inplace else "")
    bool_arg(kernel, "train", training, 3)


def _channelwise(input: Tensor, p: float, training: bool, inplace: bool, batched: bool) -> Tensor:
    """Unbatched input gets a batch dim of one for the draw (the noise is then per channel)."""
    _F._check_dropout_p(p)
    _check_training(training, inplace, feature=True, alpha=False)  # (before the draw's own, not in place)
    if batched:
        return _dropout(input, p, training, inplace, feature=True, alpha=False)
    if not inplace:
        return _dropout(input.unsqueeze(0), p, training, False, feature=True, alpha=False).squeeze(0)
    out = _dropout(input._stand_in().unsqueeze(0), p, training, False, feature=True, alpha=False).squeeze(0)
    # torch unsqueezes and squeezes in place here: its node is squeeze_'s (over the view's own, for a view)
    if out is input:
        return input
    if input._base is None:
        return input._assign(rename(out, "SqueezeBackward4"))
    input._assign(out)
    return input._take_shape_of(rename(input.view(input.shape), "SqueezeBackward4"))


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) input with probability p; scale the rest by 1/(1-p)."""
    _F._check_dropout_p(p)
    if input.dim() not in (2, 3):  # (dim(): torch's first read of input, and its error for a non-tensor)
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional "
            "batch dimension (i.e. 2D or 3D inputs)."
        )
    return _channelwise(input, p, training, inplace, batched=input.ndim == 3)


def _warn_unless_spatial(input: Tensor, n: int) -> None:
    """torch's deprecation warning for dropout{n}d on input that is not (N,) C and n spatial dims."""
    if input.dim() not in (n + 1, n + 2):  # (dim(): torch's first read of input, and its error for a non-tensor)
        warnings.warn(
            f"dropout{n}d: Received a {input.ndim}-D input to dropout{n}d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            f"instead. Note that dropout{n}d exists to provide channel-wise dropout on inputs with {n} spatial "
            f"dimensions, a channel dimension, and an optional batch dimension (i.e. {n + 1}D or {n + 2}D inputs).",
            stacklevel=3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) input. As in torch, 3-D input is read as (N, C, L), with a warning."""
    _F._check_dropout_p(p)
    _warn_unless_spatial(input, 2)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.", stacklevel=2)
    return _dropout(input, p, training, inplace, feature=True, alpha=False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input."""
    _F._check_dropout_p(p)
    _warn_unless_spatial(input, 3)
    return _channelwise(input, p, training, inplace, batched=input.ndim == 5)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and the result
    is shifted and scaled so mean and variance stay those of the input. Note training=False by default."""
    return _dropout(input, p, training, inplace, feature=False, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """alpha_dropout of whole channels."""
    return _dropout(input, p, training, inplace, feature=True, alpha=True)

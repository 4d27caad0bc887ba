"""Gamma draws as torch's CPU kernel makes them, one element after another from the stream
`manual_seed` seeds, so seeded draws are torch's numbers. (Poisson and Binomial draw through
torch.poisson and torch.binomial.)

`standard_gamma` is differentiable in the concentration by implicit reparameterisation: with F the
Gamma(a, 1) cdf, a draw x keeps F(x; a) fixed as a moves, so dx/da = -(dF/da) / p(x; a).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.function import Function
from ..core.tensor import Tensor
from ..ops import special_math as sm
from ..random import default_generator

_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def _stream():  # noqa: ANN202 - the TorchStream of the default generator
    return default_generator.np


def gamma_draws(alpha: np.ndarray, single: bool) -> np.ndarray:
    """Gamma(alpha, 1) draws (float64), one element after another as torch's CPU kernel draws them, so a
    seeded run gives torch's numbers. `single`: alpha is float32, whose arithmetic torch's constants use."""
    stream = _stream()
    real = np.float32 if single else np.float64
    return np.array([_gamma_draw(a, real, stream) for a in np.asarray(alpha).ravel().tolist()], np.float64)


def _gamma_draw(alpha: float, real: type, stream: Any) -> float:
    """Marsaglia and Tsang's squeeze-rejection method on float64 normals and uniforms from the stream;
    alpha < 1 is boosted to alpha + 1 and the draw scaled by u^(1 / alpha)."""
    def uniform() -> float:
        return float(stream.unit(1, np.float64)[0])

    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale *= (1.0 - uniform()) ** float(real(1.0) / real(alpha))
        alpha = float(real(alpha) + real(1.0))
    d = float(real(alpha) - real(_ONE_THIRD))
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = stream._one_normal()
        y = 1.0 + c * x
        if y <= 0:
            continue
        v, u, xx = y * y * y, 1.0 - uniform(), x * x
        if u < 1.0 - _SQUEEZE * xx * xx or math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


_ONE_THIRD = np.float32(1.0) / np.float32(3.0)  # torch's constants are float literals (1.0f / 3.0f, 0.0331f)
_SQUEEZE = float(np.float32(0.0331))


def gamma_sample_slope(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """dx/dalpha of a Gamma(alpha, 1) draw x at fixed cdf: -(dF/dalpha) / p(x), with dF/dalpha by
    a central difference of the regularised incomplete gamma function (float64, step ~1e-5 alpha)."""
    h = 1e-5 * np.maximum(alpha, 1e-3)
    dF = (sm.gammainc(alpha + h, x) - sm.gammainc(alpha - h, x)) / (2 * h)
    log_density = (alpha - 1) * np.log(x) - x - _lgamma(alpha)
    return -dF / np.exp(log_density)


class StandardGamma(Function):
    """Gamma(concentration, 1) draws, differentiable in the concentration (implicit reparameterisation)."""

    @staticmethod
    def forward(ctx, concentration):
        alpha = concentration._data.astype(np.float64)
        x = gamma_draws(alpha, single=concentration._data.dtype != np.float64).reshape(alpha.shape)
        x = np.maximum(x, np.finfo(concentration._data.dtype).tiny)  # torch clamps draws to tiny too
        ctx.alpha, ctx.x = alpha, x
        return Tensor._make(x.astype(concentration._data.dtype))

    @staticmethod
    def slope(ctx) -> Tensor:
        """dx/dalpha, computed only when a gradient is asked for (the incomplete gamma is costly)."""
        return Tensor._make(gamma_sample_slope(ctx.x, ctx.alpha).astype(ctx.dtype))

    @staticmethod
    def backward(ctx, g):
        ctx.dtype = g._data.dtype
        return g * StandardGamma.slope(ctx)

    @staticmethod
    def jvp(ctx, t):
        ctx.dtype = t._data.dtype
        return t * StandardGamma.slope(ctx)


def standard_gamma(concentration: Tensor) -> Tensor:
    """Gamma(concentration, 1) draws of concentration's shape; gradients reach the concentration."""
    return StandardGamma.apply(concentration)

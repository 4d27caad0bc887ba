"""Gamma draws, which torch makes with an algorithm of its own. We draw from the same distribution
with our generator (the stream `manual_seed` seeds), so the draws are reproducible and correctly
distributed but are not torch's numbers. (Poisson and Binomial draw through torch.poisson and
torch.binomial, which do give torch's numbers.)

`standard_gamma` is differentiable in the concentration by implicit reparameterisation: with F the
Gamma(a, 1) cdf, a draw x keeps F(x; a) fixed as a moves, so dx/da = -(dF/da) / p(x; a).
"""
from __future__ import annotations

import math

import numpy as np

from ..core.function import Function
from ..core.tensor import Tensor
from ..ops import special_math as sm
from ..random import default_generator

_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def _stream():  # noqa: ANN202 - the TorchStream of the default generator
    return default_generator.np


def _uniform(n: int) -> np.ndarray:
    return _stream().unit(n, np.float64)


def _normal(n: int) -> np.ndarray:
    return _stream().normal_values(n, 0.0, 1.0, np.float64) if n else np.zeros(0)


def gamma_draws(alpha: np.ndarray) -> np.ndarray:
    """Gamma(alpha, 1) draws (float64), by Marsaglia and Tsang's squeeze-rejection method; for
    alpha < 1, a draw for alpha + 1 times u^(1 / alpha)."""
    alpha = np.asarray(alpha, np.float64).ravel()
    boosted = np.where(alpha < 1, alpha + 1, alpha)
    d = boosted - 1 / 3
    c = 1 / np.sqrt(9 * d)
    out = np.empty_like(alpha)
    todo = np.arange(alpha.size)
    while todo.size:
        z, u = _normal(todo.size), _uniform(todo.size)
        v = (1 + c[todo] * z) ** 3
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = (v > 0) & (np.log(u) < 0.5 * z**2 + d[todo] * (1 - v + np.log(v)))
        out[todo[ok]] = d[todo[ok]] * v[ok]
        todo = todo[~ok]
    small = alpha < 1
    if small.any():
        out[small] *= _uniform(int(small.sum())) ** (1 / alpha[small])
    return out


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
        x = gamma_draws(alpha).reshape(alpha.shape)
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

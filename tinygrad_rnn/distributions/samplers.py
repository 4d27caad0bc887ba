"""Draws that torch makes with algorithms of its own (Gamma, Poisson, Binomial). We draw from the
same distributions with our generator (the stream `manual_seed` seeds), so the draws are
reproducible and correctly distributed but are not torch's numbers.

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


def poisson_draws(rate: np.ndarray) -> np.ndarray:
    """Poisson(rate) draws (float64): inversion (multiplying uniforms) below rate 10, Hormann's
    transformed rejection (PTRS) above."""
    rate = np.asarray(rate, np.float64).ravel()
    out = np.zeros_like(rate)
    small = np.flatnonzero((rate < 10) & (rate > 0))
    if small.size:
        limit, product, count = np.exp(-rate[small]), np.ones(small.size), np.zeros(small.size)
        active = np.arange(small.size)
        while active.size:
            product[active] *= _uniform(active.size)
            still = product[active] > limit[active]
            count[active[still]] += 1
            active = active[still]
        out[small] = count
    large = np.flatnonzero(rate >= 10)
    if large.size:
        out[large] = _ptrs(rate[large])
    return out


def _ptrs(lam: np.ndarray) -> np.ndarray:
    """Hormann (1993), 'The transformed rejection method for generating Poisson random variables'."""
    slam, loglam = np.sqrt(lam), np.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    out = np.empty_like(lam)
    todo = np.arange(lam.size)
    while todo.size:
        u, v = _uniform(todo.size) - 0.5, _uniform(todo.size)
        us = 0.5 - np.abs(u)
        k = np.floor((2 * a[todo] / us + b[todo]) * u + lam[todo] + 0.43)
        quick = (us >= 0.07) & (v <= vr[todo])
        with np.errstate(invalid="ignore", divide="ignore"):
            lhs = np.log(v) + np.log(invalpha[todo]) - np.log(a[todo] / us**2 + b[todo])
            rhs = -lam[todo] + k * loglam[todo] - _lgamma(np.maximum(k, 0) + 1)
        ok = (k >= 0) & (quick | ((us >= 0.013) | (v <= us)) & (lhs <= rhs))
        out[todo[ok]] = k[ok]
        todo = todo[~ok]
    return out


def binomial_draws(count: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial(count, p) draws (float64) by inversion with geometric waiting times: jump from one
    success to the next until past `count` trials (p above 1/2 is drawn as count - Binomial(1 - p))."""
    count, p = np.broadcast_arrays(np.asarray(count, np.float64).ravel(), np.asarray(p, np.float64).ravel())
    flip = p > 0.5
    q = np.where(flip, 1 - p, p)
    successes, trials = np.zeros(count.size), np.zeros(count.size)
    active = np.flatnonzero((q > 0) & (count > 0))
    while active.size:
        u = _uniform(active.size)
        with np.errstate(divide="ignore"):
            jump = np.floor(np.log1p(-u) / np.log1p(-q[active])) + 1  # trials up to the next success
        trials[active] += jump
        inside = trials[active] <= count[active]
        successes[active[inside]] += 1
        active = active[inside]
    return np.where(flip, count - successes, successes)

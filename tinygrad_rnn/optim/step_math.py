"""Small pieces of arithmetic that several update rules share, each in place on numpy arrays.

They are written in the same order of floating-point operations as torch's single-tensor code path,
with its fused multiply-adds (torch's CPU kernels for add with an alpha, lerp and addcmul round
a * b + c once: backend/fma.py), so that trajectories agree with torch bit for bit where the
gradients do (`multiply_add`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..backend.fma import fma

# numpy has no fused multiply-add: computing one exactly (backend/fma.py) costs 6x the unfused
# a * b + c on a small array and 15x on a large one. Parameters up to FUSED_ELEMENTS get torch's
# rounding; larger ones the two roundings of a * b + c, an ulp off in about one element in five.
FUSED_ELEMENTS = 1 << 16


def multiply_add(a: Any, b: np.ndarray, c: np.ndarray, like: np.ndarray) -> np.ndarray:
    """a * b + c in the dtype of `like`, the parameter updated: rounded once up to FUSED_ELEMENTS."""
    return fma(a, b, c, like.dtype) if like.size <= FUSED_ELEMENTS else a * b + c


def fused_add(x: np.ndarray, other: np.ndarray, alpha: Any) -> np.ndarray:
    """x + alpha * other: torch's x.add(other, alpha=alpha), alpha taken in x's dtype. (alpha = 1,
    SGD's momentum without dampening: a plain sum, which rounds once anyway.)"""
    return x + other if alpha == 1 else multiply_add(x.dtype.type(alpha), other, x, x)


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start.lerp_(end, weight) as torch computes it: from start with the weight when it is small,
    from end with weight - 1 when it is not, one fused multiply-add."""
    w = start.dtype.type(weight)
    small = abs(w) < 0.5
    start[...] = multiply_add(w if small else w - 1, end - start, start if small else end, start)


def average_squares_(average: np.ndarray, x: np.ndarray, beta: float) -> None:
    """average.mul_(beta).addcmul_(x, x, value=1 - beta): a running mean of squares, in place."""
    average *= beta
    average[...] = multiply_add(x * average.dtype.type(1 - beta), x, average, average)


def add_quotient_(x: np.ndarray, numerator: np.ndarray, denominator: np.ndarray, value: Any) -> None:
    """x.addcdiv_(numerator, denominator, value=value) as torch computes it: value * numerator first,
    then the quotient, then the sum (a division between: nothing to fuse)."""
    x += (x.dtype.type(value) * numerator) / denominator


def check_alpha(alpha: Any) -> None:
    """torch adds some hyperparameters as add's `alpha`, which may be a bool only for bool results."""
    if alpha is True:  # (False never gets there: a zero hyperparameter skips the add)
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def l2_penalty(grad: np.ndarray, p: np.ndarray, weight_decay: Any) -> np.ndarray:
    """Weight decay as an L2 penalty: the gradient of `weight_decay / 2 * ||p||^2` added to g."""
    check_alpha(weight_decay)
    return grad if weight_decay == 0 else fused_add(grad, p, weight_decay)

"""Small pieces of arithmetic that several update rules share, each in place on numpy arrays.

They are written in the same order of floating-point operations as torch's single-tensor code path,
so that trajectories agree with torch to rounding.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start += weight * (end - start), in place, with the two-sided formula torch's lerp uses."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)


def average_squares_(average: np.ndarray, x: np.ndarray, beta: float) -> None:
    """average = beta * average + (1 - beta) * x * x, in place: a running mean of squares."""
    average *= beta
    average += (1 - beta) * x * x


def check_alpha(alpha: Any) -> None:
    """torch adds some hyperparameters as add's `alpha`, which may be a bool only for bool results."""
    if alpha is True:  # (False never gets there: a zero hyperparameter skips the add)
        raise RuntimeError("Boolean alpha only supported for Boolean results.")


def l2_penalty(grad: np.ndarray, p: np.ndarray, weight_decay: Any) -> np.ndarray:
    """Weight decay as an L2 penalty: the gradient of `weight_decay / 2 * ||p||^2` added to g."""
    check_alpha(weight_decay)
    return grad if weight_decay == 0 else grad + weight_decay * p

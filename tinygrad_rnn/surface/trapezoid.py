"""`trapezoid` (alias `trapz`) and `cumulative_trapezoid`: the integral of sampled values by the
trapezoid rule, sum of (x[i+1] - x[i]) (y[i+1] + y[i]) / 2 along a dim; and `vander`, the matrix of
the powers of a vector. All are written with Tensor ops, so gradients come with them."""
from __future__ import annotations

from typing import Any

from ..argcheck import int_arg, invalid_combination
from ..core.tensor import Tensor
from ..creation import zeros
from ..ops.composite import composite
from ..ops.shape import cat


def _pairs(y: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    n = y.shape[dim]
    return y.narrow(dim, 0, max(n - 1, 0)), y.narrow(dim, min(1, n), max(n - 1, 0))


def _spacing(y: Tensor, x: Tensor, dim: int, name: str) -> Tensor:
    """x[i+1] - x[i], shaped to broadcast against y's pairs along dim."""
    if x.dim() == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        x = x.reshape([x.shape[0] if d == dim else 1 for d in range(y.dim())])
    elif x.dim() < y.dim():
        x = x.reshape((1,) * (y.dim() - x.dim()) + tuple(x.shape))
    left, right = _pairs(x, dim)
    return right - left


def _check(y: Tensor, dim: Any, dx: Any, x: Any, name: str) -> int:
    if x is not None and dx is not None:
        raise invalid_combination(name, (y, x))
    if y.dtype.name == "bool":
        raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")
    dim = int_arg(name, "dim", dim, None)
    ndim = max(y.dim(), 1)
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The trapezoid-rule integral of y along dim: at spacing `dx` (default 1) or at the points `x`."""
    dim = _check(y, dim, dx, x, "trapezoid")
    if y.shape[dim] == 0:
        return zeros([n for d, n in enumerate(y.shape) if d != dim], dtype=y.dtype)
    left, right = _pairs(y, dim)
    if x is not None:  # (torch multiplies and divides by a number: MulBackward1, DivBackward1, one edge)
        total = (_spacing(y, x, dim, "trapezoid") * (right + left)).sum(dim)
        return composite(total / 2.0, "DivBackward1", total)
    step = 1.0 if dx is None else float(dx)
    total = y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5
    return composite(total * step, "MulBackward1", total)


def trapz(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The older name of `trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoid-rule integral: one value fewer than y along dim."""
    dim = _check(y, dim, dx, x, "cumulative_trapezoid")
    left, right = _pairs(y, dim)
    if x is not None:
        areas = _spacing(y, x, dim, "cumulative_trapezoid") * (left + right)
        return composite(areas / 2.0, "DivBackward1", areas).cumsum(dim)
    step = 1.0 if dx is None else float(dx)
    heights = left + right
    return composite(step / 2.0 * heights, "MulBackward1", heights).cumsum(dim)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Columns x^(N-1), ..., x, 1 (or 1, x, ..., x^(N-1) when increasing); N defaults to len(x)."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int_arg("vander", "N", N, 2)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if not x.dtype.is_floating_point:
        x = x.long()  # torch computes integer powers in int64
    ones = x.new_ones((x.shape[0], min(n, 1)))
    if n <= 1:
        result = ones
    else:
        result = cat([ones, x.unsqueeze(1).expand(x.shape[0], n - 1).cumprod(1)], 1)
    return result if increasing else result.flip(1)

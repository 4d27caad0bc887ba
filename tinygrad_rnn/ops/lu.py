"""LU factorization with partial pivoting, as LAPACK's getrf computes it, and what torch builds on it:
linalg.lu_factor(_ex), linalg.lu, lu_unpack, linalg.lu_solve, and the deprecated torch.lu and torch.lu_solve.

A = P L U: P a permutation (the row swaps, given as LAPACK's 1-based `pivots`), L unit lower triangular,
U upper triangular; the packed `LU` holds L's multipliers below the diagonal and U on and above it.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import return_types
from ..core.function import Function, rename
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from .decompositions import SolveTriangular, _mT
from .linalg import matmul
from .shape import tril, triu


def getrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Packed LU, 1-based int32 pivots and info (the 1-based column of the first zero pivot, 0 if none) of
    each matrix of a batch: at column j, the row with the largest |value| (the first of ties) is swapped up,
    the column below is divided by the pivot and the rest updated by the outer product."""
    m, n = a.shape[-2:]
    flat = np.array(a).reshape((-1, m, n))
    pivots = np.zeros((len(flat), min(m, n)), np.int32)
    info = np.zeros(len(flat), np.int32)
    batch = np.arange(len(flat))
    for j in range(min(m, n)):
        p = j + np.argmax(np.abs(flat[:, j:, j]), axis=1)
        pivots[:, j] = p + 1
        row_j, row_p = flat[:, j].copy(), flat[batch, p].copy()
        flat[:, j], flat[batch, p] = row_p, row_j
        pivot = flat[:, j, j]
        zero = pivot == 0
        info[(info == 0) & zero] = j + 1
        flat[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]  # (a zero pivot's column is all zeros)
        flat[:, j + 1:, j + 1:] -= flat[:, j + 1:, j, None] * flat[:, j, None, j + 1:]
    return flat.reshape(a.shape), pivots.reshape(a.shape[:-2] + (min(m, n),)), info.reshape(a.shape[:-2])


def permutation(pivots: np.ndarray, m: int, dtype: Any) -> np.ndarray:
    """P (m x m, of `dtype`) from LAPACK's pivots: row j was swapped with row pivots[j] - 1, in turn."""
    flat = pivots.reshape((math.prod(pivots.shape[:-1]), pivots.shape[-1])) - 1  # (-1 is ambiguous for no pivots)
    order = np.tile(np.arange(m), (len(flat), 1))
    batch = np.arange(len(flat))
    for j in range(flat.shape[1]):
        order[batch, j], order[batch, flat[:, j]] = order[batch, flat[:, j]], order[batch, j].copy()
    p = np.zeros((len(flat), m, m), dtype)
    p[batch[:, None], order, np.arange(m)] = 1  # P^T A = A[order]
    return p.reshape(pivots.shape[:-1] + (m, m))


class LinalgLuFactorEx(Function):
    """The packed LU of A. Its gradient, for a square A (torch's formula): with gL, gU the gradient's
    parts below and on-and-above the diagonal, gA = P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T."""

    @staticmethod
    def forward(ctx, a, packed, pivots):
        lu = Tensor._make(packed)
        ctx.pivots = pivots
        ctx.save_for_backward(lu)
        return lu

    @staticmethod
    def backward(ctx, g):
        (lu,) = ctx.saved_tensors
        m, n = lu.shape[-2:]
        if m != n:
            raise NotImplementedError("linalg.lu_factor: the gradient of a non-square LU is not built here")
        lower, upper = _unit_lower(lu), triu(lu)
        phi = tril(matmul(_mT(lower), tril(g, -1)), -1) + triu(matmul(triu(g), _mT(upper)))
        left = SolveTriangular.apply(_mT(lower), phi, True)  # L^-T phi
        g_a = _mT(SolveTriangular.apply(upper, _mT(left), True))  # ... U^-T
        return matmul(Tensor._make(permutation(ctx.pivots, m, lu._data.dtype)), g_a), None, None


def _unit_lower(lu: Tensor) -> Tensor:
    """L from the packed LU: its multipliers and a unit diagonal (m x min(m, n))."""
    k = min(lu.shape[-2:])
    part = tril(lu, -1).narrow(-1, 0, k)
    return part + Tensor._make(np.eye(lu.shape[-2], k, dtype=lu._data.dtype))


def _check_lu_input(A: Tensor, name: str) -> None:
    if A.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    if A._data.dtype not in (np.float32, np.float64):  # (LAPACK has no half)
        raise NotImplementedError(f'"lu_cpu" not implemented for \'{A.dtype._legacy}\'')


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False) -> Any:
    """torch.linalg.lu_factor_ex: the packed LU, the pivots, and info (nonzero where U has a zero pivot)."""
    _check_lu_input(A, "torch.lu_factor")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    packed, pivots, info = getrf(A._data)
    if check_errors and info.any():
        raise RuntimeError(f"torch.linalg.lu_factor_ex: U[{info.max()},{info.max()}] is zero and using it on lu_solve "
                           "would result in a division by zero.")
    lu = LinalgLuFactorEx.apply(A, packed, pivots)
    return return_types.linalg_lu_factor_ex(lu, Tensor._make(pivots), Tensor._make(np.asarray(info)))


def lu_factor(A: Tensor, *, pivot: bool = True) -> Any:
    """torch.linalg.lu_factor: the packed LU and the pivots; a singular A is torch's error."""
    lu, pivots, info = lu_factor_ex(A, pivot=pivot)
    if info._data.any():
        k = int(info._data.reshape(-1)[np.flatnonzero(info._data)[0]])
        where = f"U[{k},{k}]" if info.ndim == 0 else f"U[{k},{k}] of the batch"
        raise RuntimeError(f"torch.linalg.lu_factor: {where} is zero and using it on lu_solve would result in a "
                           "division by zero. If you still want to perform the factorization, consider calling "
                           "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return return_types.linalg_lu_factor(lu, pivots)


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True) -> Any:
    """(P, L, U) from the packed LU and its pivots; a part not unpacked is an empty tensor."""
    m, n = LU_data.shape[-2:]
    empty = Tensor._make(np.empty((0,), LU_data._data.dtype))
    p = Tensor._make(permutation(LU_pivots._data, m, LU_data._data.dtype)) if unpack_pivots else empty
    if not unpack_data:
        return return_types.lu_unpack(p, rename(LU_data[..., :0, :0].reshape(0), "LuUnpackBackward0"),
                                      rename(LU_data[..., :0, :0].reshape(0), "LuUnpackBackward0"))
    k = min(m, n)
    return return_types.lu_unpack(p, rename(_unit_lower(LU_data), "LuUnpackBackward0"),
                                  rename(triu(LU_data).narrow(-2, 0, k), "LuUnpackBackward0"))


def lu(A: Tensor, *, pivot: bool = True) -> Any:
    """torch.linalg.lu: A = P L U, unpacked."""
    _check_lu_input(A, "linalg.lu")
    lu_data, pivots, _ = lu_factor_ex(A, pivot=pivot)
    p, lower, upper = lu_unpack(lu_data, pivots)
    return return_types.linalg_lu(p, rename(lower, "LinalgLuBackward0"), rename(upper, "LinalgLuBackward0"))


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False) -> Tensor:
    """torch.linalg.lu_solve: X with A X = B (X A = B with left=False; A^T in place of A with adjoint),
    given A's LU factorization: a permutation and two triangular solves."""
    if not left:  # X A = B is A^T X^T = B^T
        return rename(_mT(lu_solve(LU, pivots, _mT(B), adjoint=not adjoint)), "LinalgLuSolveBackward0")
    p = Tensor._make(permutation(pivots._data, LU.shape[-1], LU._data.dtype))
    lower, upper = _unit_lower(LU), triu(LU)
    if adjoint:  # A^T = U^T L^T P^T
        y = SolveTriangular.apply(_mT(upper), B, False)
        x = matmul(p, SolveTriangular.apply(_mT(lower), y, True))
    else:
        x = SolveTriangular.apply(upper, SolveTriangular.apply(lower, matmul(_mT(p), B), False), True)
    return rename(x, "LinalgLuSolveBackward0")


def torch_lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> Any:
    """The deprecated torch.lu: (LU, pivots), or with get_infos the info too."""
    warn_once("torch.lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
              "will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be "
              "replaced with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = "
              "torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
              "torch.linalg.lu_factor_ex(A, compute_pivots) (Triggered internally at "
              "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2073.)")
    lu_data, pivots, info = lu_factor_ex(A, pivot=pivot)
    return return_types._lu_with_info(lu_data, pivots, info) if get_infos else (lu_data, pivots)


def torch_lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """The deprecated torch.lu_solve: linalg.lu_solve with its arguments in the old order."""
    warn_once("torch.lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in "
              "a future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\nX = "
              "torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = torch.linalg.lu_solve(LU, pivots, B) "
              "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2230.)")
    return lu_solve(LU_data, LU_pivots, b)

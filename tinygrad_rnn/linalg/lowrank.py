"""torch.svd_lowrank and torch.pca_lowrank: randomized low-rank SVD (Halko, Martinsson and Tropp 2009).

A random (n, q) matrix R gives the subspace (A - M) R, which a few power iterations (niter: multiply by
(A - M)^T, then by A - M, re-orthonormalising with QR each time) turn toward the leading singular vectors.
The SVD of the small matrix Q^T (A - M) then gives A - M ~ U diag(S) V^T with U = Q U'. R is drawn with randn,
from the same stream as torch's, so the same seed gives torch's numbers; every step is differentiable.
"""
from __future__ import annotations

from ..core import dtypes
from ..core.tensor import Tensor
from ..random import randn
from . import qr, svd


def _mT(t: Tensor) -> Tensor:
    return t.transpose(-2, -1)


def _times(A: Tensor, M: Tensor | None, X: Tensor) -> Tensor:
    """(A - M) X, without forming A - M (M is a dense stand-in for what torch allows sparse)."""
    return A @ X if M is None else A @ X - M @ X


def _basis(A: Tensor, q: int, niter: int, M: Tensor | None) -> Tensor:
    """q orthonormal columns whose span nearly holds the columns of A - M."""
    dtype = A.dtype if A.dtype.is_floating_point else dtypes.float32
    Q = qr(_times(A, M, randn(A.shape[-1], q, dtype=dtype))).Q
    for _ in range(niter):
        Q = qr(_times(_mT(A), None if M is None else _mT(M), Q)).Q
        Q = qr(_times(A, M, Q)).Q
    return Q


def svd_lowrank(A: Tensor, q: int | None = 6, niter: int | None = 2,
                M: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """(U, S, V) with A - M ~ U diag(S) V^T, of rank q (6 by default), for a matrix or a batch of them."""
    q, niter = 6 if q is None else q, 2 if niter is None else niter
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    wide = m < n
    if wide:  # the method wants a tall matrix: work on the transpose, and swap U and V at the end
        A, M = _mT(A), None if M is None else _mT(M)
    Q = _basis(A, q, niter, M)
    U, S, Vh = svd(_times(_mT(Q), None, A) if M is None else _mT(Q) @ A - _mT(Q) @ M, full_matrices=False)
    U, V = Q @ U, _mT(Vh)
    return (V, S, U) if wide else (U, S, V)


def pca_lowrank(A: Tensor, q: int | None = None, center: bool = True, niter: int = 2) -> tuple[Tensor, Tensor, Tensor]:
    """svd_lowrank of A with each column's mean taken away (center=True): the principal directions are V's
    columns, S**2 / (m - 1) their variances. q defaults to min(6, m, n)."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    return svd_lowrank(A - A.mean(dim=(-2,), keepdim=True) if center else A, q, niter=niter)

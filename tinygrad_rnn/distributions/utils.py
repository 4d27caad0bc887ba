"""torch.distributions.utils: the helpers tutorial code imports from there, under torch's names."""
from __future__ import annotations

from ..core.tensor import Tensor
from ..creation import arange
from .distribution import (
    broadcast_all,
    clamp_probs,
    lazy_property,
    logits_to_probs,
    probs_to_logits,
)

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]


def _tril_mask(n: int, diag: int) -> Tensor:
    """True on and below diagonal `diag` of an n x n matrix (column <= row + diag)."""
    index = arange(n)
    return index <= index.view(-1, 1) + diag


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The entries on and below diagonal `diag` of the last two dims, row by row."""
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    return mat[..., _tril_mask(n, diag)]


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of tril_matrix_to_vec: a square matrix, zero above diagonal `diag`."""
    # the side n solves n^2 + (1 + 2 diag) n - |diag| (diag + 1) - 2 len(vec) = 0
    root = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if abs(round(root) - root) > 1e-9:
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = round(root)
    out = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    out[..., _tril_mask(n, diag)] = vec
    return out

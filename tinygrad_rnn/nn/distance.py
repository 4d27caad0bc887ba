"""Distances between pairs of vectors: `pairwise_distance` / `PairwiseDistance` (the p-norm of the
difference) and `CosineSimilarity` (the cosine of the angle, `F.cosine_similarity`).

    nn.PairwiseDistance()(x1, x2)        # (N, D), (N, D) -> (N,): ||x1 - x2 + eps||_2
"""
from __future__ import annotations

from ..argcheck import float_arg, tensor_arg
from ..core.tensor import Tensor
from ..ops.composite import composite
from .functional_ext import basic as F
from .module import Module


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """The p-norm of x1 - x2 + eps over the last dim (inputs broadcast). eps keeps the norm away
    from zero, where its gradient is undefined."""
    tensor_arg("pairwise_distance", "x1", x1, 1)
    tensor_arg("pairwise_distance", "x2", x2, 2)
    float_arg("pairwise_distance", "p", p, 3)
    float_arg("pairwise_distance", "eps", eps, 4)
    last = max(x1.dim(), x2.dim()) - 1
    difference = x1 - x2
    shifted = composite(difference + eps, "AddBackward1", difference)  # torch's nodes: add of a number, then norm
    return composite(shifted.norm(p=p, dim=last, keepdim=keepdim), "NormBackward1", shifted)


class PairwiseDistance(Module):
    """`pairwise_distance` as a module; torch stores p as `norm`."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """sum(x1 * x2) / (max(|x1|, eps) max(|x2|, eps)) along `dim`."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)

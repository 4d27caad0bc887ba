"""LKJCholesky: Cholesky factors of random correlation matrices (the LKJ prior)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import arange
from ..ops.shape import cat
from ..random import randn
from . import constraints
from .beta import Beta
from .distribution import Distribution, broadcast_all


class LKJCholesky(Distribution):
    """L with L L^T a dim x dim correlation matrix M, of density proportional to det(M)^(concentration - 1)
    (uniform over correlation matrices at concentration 1). Sampled by the onion method, as torch:
    Beta draws set each row's length, randn its direction (torch's numbers for the same seed)."""

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Tensor | float = 1.0, validate_args: bool | None = None) -> None:
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        marginal = self.concentration + 0.5 * (dim - 2)
        offset = arange(dim - 1, dtype=self.concentration.dtype)
        offset = cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(self.concentration.size(), Size((dim, dim)), validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LKJCholesky:
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(tuple(batch_shape))
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        return self._finish_expand(new, batch_shape)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Row i: a random direction in its first i coordinates, of squared length y_i ~ Beta; the
        diagonal entry makes the row unit length."""
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u = randn(tuple(self._extended_shape(sample_shape)), dtype=y.dtype).tril(-1)
            with np.errstate(invalid="ignore"):
                direction = u / u.norm(dim=-1, keepdim=True)
            direction[..., 0, :] = 0.0  # the first row has no off-diagonal entries (0 / 0 above)
            w = y.sqrt() * direction
            diagonal = (1 - (w**2).sum(-1)).clamp(min=float(np.finfo(w._data.dtype).tiny)).sqrt()
            return w + diagonal.diag_embed()

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        diagonal = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - arange(2, self.dim + 1)
        unnormalized = (order * diagonal.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalizer = 0.5 * dm1 * math.log(math.pi) + (alpha - 0.5).mvlgamma(dm1) - alpha.lgamma() * dm1
        return unnormalized - normalizer

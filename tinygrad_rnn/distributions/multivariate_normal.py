"""MultivariateNormal: a Gaussian over vectors with a full covariance matrix."""
from __future__ import annotations

import math
from typing import Any

from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import eye
from ..linalg import cholesky, solve_triangular
from ..ops.shape import broadcast_shapes
from ..random import randn
from . import constraints
from .distribution import CentredAtLoc, lazy_property


def batch_mv(matrices: Tensor, vectors: Tensor) -> Tensor:
    """Matrix times vector over broadcast batch dims."""
    return (matrices @ vectors.unsqueeze(-1)).squeeze(-1)


def batch_mahalanobis(scale_tril: Tensor, x: Tensor) -> Tensor:
    """x^T (L L^T)^-1 x for a lower-triangular L: the squared norm of L^-1 x (one triangular solve)."""
    shape = broadcast_shapes(tuple(scale_tril.shape[:-1]), tuple(x.shape))
    L = scale_tril.expand(shape + (shape[-1],))
    return solve_triangular(L, x.expand(shape).unsqueeze(-1), upper=False).squeeze(-1).pow(2).sum(-1)


def precision_to_scale_tril(precision: Tensor) -> Tensor:
    """The lower Cholesky factor of precision^-1, through the Cholesky factor of the reversed
    precision (as torch does: no explicit inverse of the precision)."""
    flipped = cholesky(precision.flip((-2, -1)))
    inverse_scale = flipped.flip((-2, -1)).transpose(-2, -1)
    identity = eye(precision.shape[-1], dtype=precision.dtype)
    return solve_triangular(inverse_scale, identity, upper=False)


class ScaleTrilMatrices:
    """For the families given one of `covariance_matrix`, `precision_matrix` or `scale_tril`
    (MultivariateNormal, Wishart): all work goes through L, `_unbroadcasted_scale_tril`; the
    given matrix is kept broadcast to the batch, the other two are derived from L on first use."""

    _MATRICES = ("covariance_matrix", "scale_tril", "precision_matrix")
    _unbroadcasted_scale_tril: Tensor
    _batch_shape: Size

    def _set_scale_tril(self, name: str, matrix: Tensor) -> None:
        """L from the matrix given as `name`."""
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = precision_to_scale_tril(matrix)

    def _expand_matrices(self, new: Any, batch_shape: Size) -> None:
        """In `expand`: the matrices `new` holds already (given or derived) at the new batch shape."""
        matrix_shape = tuple(batch_shape) + tuple(self._unbroadcasted_scale_tril.shape[-2:])
        for name in self._MATRICES:
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(matrix_shape))

    def _matrix_shape(self) -> tuple:
        return tuple(self._batch_shape) + tuple(self._unbroadcasted_scale_tril.shape[-2:])

    @lazy_property
    def scale_tril(self) -> Tensor:
        """L, the lower Cholesky factor of the covariance (for Wishart, of the scale matrix)."""
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self) -> Tensor:
        """L L^T."""
        L = self._unbroadcasted_scale_tril
        return (L @ L.mT).expand(self._matrix_shape())


class MultivariateNormal(ScaleTrilMatrices, CentredAtLoc):
    """N(loc, Sigma) over vectors (event_shape = loc.shape[-1:]). Give exactly one of
    `covariance_matrix`, `precision_matrix` (its inverse) or `scale_tril` (its lower Cholesky
    factor L, Sigma = L L^T); each may carry batch dims that broadcast with loc's. The mean and
    mode are loc (from CentredAtLoc).

    `rsample()` is loc + L @ randn, torch's recipe, so after the same `manual_seed` the draws
    equal torch's, and gradients reach loc and the matrix.
    """

    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc: Tensor, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [(n, m) for n, m in [("covariance_matrix", covariance_matrix), ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)] if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        (name, matrix), = given
        if matrix.dim() < 2:
            what = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(f"{what} must be at least two-dimensional, with optional leading batch dimensions")
        batch_shape = Size(broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1])))
        setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        self._set_scale_tril(name, matrix)

    def expand(self, batch_shape: Any, _instance: Any = None) -> MultivariateNormal:
        new = self._get_checked_instance(MultivariateNormal, _instance)
        batch_shape = Size(batch_shape)
        new.loc = self.loc.expand(tuple(batch_shape + self._event_shape))
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        self._expand_matrices(new, batch_shape)
        return self._finish_expand(new, batch_shape)

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """(L L^T)^-1 = L^-T L^-1."""
        L = self._unbroadcasted_scale_tril
        L_inv = solve_triangular(L, eye(L.shape[-1], dtype=L.dtype), upper=False)
        return (L_inv.mT @ L_inv).expand(self._matrix_shape())

    @property
    def variance(self) -> Tensor:
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(tuple(self._batch_shape + self._event_shape))

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        eps = randn(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + batch_mv(self._unbroadcasted_scale_tril, eps)

    def _half_log_det(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        """-(k log 2pi + (x - loc)^T Sigma^-1 (x - loc)) / 2 - log det L."""
        if self._validate_args:
            self._validate_sample(value)
        mahalanobis = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + mahalanobis) - self._half_log_det()

    def entropy(self) -> Tensor:
        H = 0.5 * self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return H if len(self._batch_shape) == 0 else H.expand(tuple(self._batch_shape))

"""Wishart: random positive-definite matrices, the law of sum_i x_i x_i^T for df Gaussian vectors."""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import arange, eye, tensor
from ..linalg import slogdet, solve_triangular
from ..ops.pointwise import where
from ..ops.shape import broadcast_shapes
from ..random import randn
from . import constraints
from .chi2 import Chi2
from .distribution import NUMBER, lazy_property
from .exp_family import ExponentialFamily
from .multivariate_normal import ScaleTrilMatrices

LOG_2 = math.log(2)


def mvdigamma(x: Tensor, p: int) -> Tensor:
    """The multivariate digamma function: sum_{i<p} digamma(x - i / 2)."""
    if not bool((x > (p - 1) / 2).all()):
        raise AssertionError("Wrong domain for multivariate digamma function.")
    return (x.unsqueeze(-1) - arange(p, dtype=x.dtype).div(2).expand(tuple(x.shape) + (-1,))).digamma().sum(-1)


def cholesky_solve(B: Tensor, L: Tensor) -> Tensor:
    """(L L^T)^-1 B by two triangular solves."""
    return solve_triangular(L.mT, solve_triangular(L, B, upper=False), upper=True)


class Wishart(ScaleTrilMatrices, ExponentialFamily):
    """W_p(df, Sigma), Sigma given as exactly one of `covariance_matrix`, `precision_matrix` or
    `scale_tril`. Sampled by the Bartlett decomposition as torch does (sqrt Chi2 on the diagonal,
    randn below it), so seeded draws are torch's numbers; `rsample` is differentiable. A draw that is
    not positive-definite is drawn again (up to `max_try_correction` times), with a warning (which
    torch 2.13 gives, and acts on, for every good draw too: see rsample)."""

    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self) -> dict[str, constraints.Constraint]:  # type: ignore[override]
        return {"covariance_matrix": constraints.positive_definite, "precision_matrix": constraints.positive_definite,
                "scale_tril": constraints.lower_cholesky, "df": constraints.greater_than(self.event_shape[-1] - 1)}

    def __init__(self, df: Tensor | float, covariance_matrix: Tensor | None = None,
                 precision_matrix: Tensor | None = None, scale_tril: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        given = [p for p in (covariance_matrix, precision_matrix, scale_tril) if p is not None]
        if len(given) != 1:
            raise AssertionError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        (param,) = given
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions")
        if isinstance(df, NUMBER):
            batch_shape = Size(param.shape[:-2])
            self.df = tensor(df, dtype=param.dtype)
        else:
            batch_shape = Size(broadcast_shapes(tuple(param.shape[:-2]), tuple(df.shape)))
            self.df = df.expand(tuple(batch_shape))
        event_shape = param.shape[-2:]
        if bool((self.df <= event_shape[-1] - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {event_shape[-1] - 1}.")
        name = "scale_tril" if scale_tril is not None else "covariance_matrix" if covariance_matrix is not None \
            else "precision_matrix"
        setattr(self, name, param.expand(tuple(batch_shape) + (-1, -1)))
        if bool((self.df < event_shape[-1]).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.",
                          stacklevel=2)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        self._set_scale_tril(name, param)
        self._dist_chi2 = self._chi2(self.df, batch_shape)

    def _chi2(self, df: Tensor, batch_shape: Size) -> Chi2:
        """Chi2(df - i) for the i-th diagonal entry of the Bartlett factor."""
        p = self._event_shape[-1]
        return Chi2(df.unsqueeze(-1) - arange(p, dtype=self._unbroadcasted_scale_tril.dtype).expand(
            tuple(batch_shape) + (-1,)))

    def expand(self, batch_shape: Any, _instance: Any = None) -> Wishart:
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = Size(batch_shape)
        cov_shape = tuple(batch_shape + self._event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(tuple(batch_shape))
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        self._expand_matrices(new, batch_shape)
        self._finish_expand(new, batch_shape)
        new._dist_chi2 = new._chi2(new.df, batch_shape)  # after: it reads the new event shape
        return new

    @lazy_property
    def precision_matrix(self) -> Tensor:
        """(L L^T)^-1."""
        L = self._unbroadcasted_scale_tril
        return cholesky_solve(eye(self._event_shape[-1], dtype=L.dtype), L).expand(self._matrix_shape())

    def _df_as_matrix(self, df: Tensor) -> Tensor:
        return df.view(tuple(self._batch_shape) + (1, 1))

    @property
    def mean(self) -> Tensor:
        return self._df_as_matrix(self.df) * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = where(factor <= 0, math.nan, factor)  # no mode for df <= p + 1
        return self._df_as_matrix(factor) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        V = self.covariance_matrix
        diag = V.diagonal(dim1=-2, dim2=-1)
        return self._df_as_matrix(self.df) * (V.pow(2) + diag.unsqueeze(-1) * diag.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: Size) -> Tensor:
        """L A A^T L^T, A lower triangular with sqrt(Chi2(df - i)) on the diagonal and N(0, 1) below."""
        p = self._event_shape[-1]
        eps = float(np.finfo(self._unbroadcasted_scale_tril._data.dtype).eps)
        diagonal = self._dist_chi2.rsample(sample_shape).sqrt().clamp(min=eps).diag_embed(dim1=-2, dim2=-1)
        below = randn(tuple(sample_shape) + tuple(self._batch_shape) + (p * (p - 1) // 2,), dtype=diagonal.dtype)
        rows, cols = np.tril_indices(p, -1)
        lower = diagonal.new_zeros(tuple(diagonal.shape))
        lower[..., rows, cols] = below
        chol = self._unbroadcasted_scale_tril @ (diagonal + lower)
        return chol @ chol.transpose(-2, -1)

    def rsample(self, sample_shape: Any = (), max_try_correction: int | None = None) -> Tensor:
        max_try_correction = 10 if max_try_correction is None else max_try_correction
        sample_shape = Size(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        # torch 2.13 first flags the draws that *pass* the support check (its variable is named
        # is_singular), so it warns and draws every good sample once more; mirrored for torch's numbers.
        flagged = self._reduce_batch(self.support.check(sample))
        if bool(flagged.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(max_try_correction):
                redrawn = self._bartlett_sampling(Size(flagged[flagged].shape))
                sample[flagged] = redrawn
                flagged[flagged.clone()] = self._reduce_batch(~self.support.check(redrawn))  # still singular
                if not bool(flagged.any()):
                    break
        return sample

    def _reduce_batch(self, per_matrix: Tensor) -> Tensor:
        """One flag per sample: any matrix of its batch flagged."""
        return per_matrix.amax(self._batch_dims) if self._batch_shape else per_matrix

    def _scale_log_det_term(self) -> Tensor:
        p = self._event_shape[-1]
        return p * LOG_2 / 2 + self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        trace = cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(dim1=-2, dim2=-1).sum(-1)
        return (-nu * self._scale_log_det_term() - (nu / 2).mvlgamma(p)
                + (nu - p - 1) / 2 * slogdet(value).logabsdet - trace / 2)

    def entropy(self) -> Tensor:
        nu, p = self.df, self._event_shape[-1]
        return ((p + 1) * self._scale_log_det_term() + (nu / 2).mvlgamma(p)
                - (nu - p - 1) / 2 * mvdigamma(nu / 2, p) + nu * p / 2)

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (self.df - p - 1) / 2

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        p = self._event_shape[-1]
        return (y + (p + 1) / 2) * (-slogdet(-2 * x).logabsdet + LOG_2 * p) + (y + (p + 1) / 2).mvlgamma(p)

"""KL(p || q) between Gaussians when either is LowRankMultivariateNormal (torch's formulas): the
trace and Mahalanobis terms through the capacitance matrices, never an n x n inverse."""
from __future__ import annotations

from ..core.tensor import Tensor
from ..linalg import solve_triangular
from ..ops.shape import broadcast_shapes
from .kl import register_kl
from .kl_same_family import batch_trace_XXT
from .lowrank_multivariate_normal import (
    LowRankMultivariateNormal,
    batch_lowrank_logdet,
    batch_lowrank_mahalanobis,
)
from .multivariate_normal import MultivariateNormal, batch_mahalanobis

_MESSAGE = "KL-divergence between two {}Multivariate Normals with" + " " * 26 + "different event shapes cannot be computed"


def _lowrank_terms(q: LowRankMultivariateNormal, p_loc: Tensor) -> tuple[Tensor, Tensor]:
    """(log det Sigma_q, the Mahalanobis distance of q's mean from p's) for a low-rank q."""
    W, D, C = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q._capacitance_tril
    return batch_lowrank_logdet(W, D, C), batch_lowrank_mahalanobis(W, D, q.loc - p_loc, C)


def _lowrank_solve(q: LowRankMultivariateNormal) -> Tensor:
    """A = L_C^-1 W^T D^-1, the low-rank part of Sigma_q^-1 = D^-1 - A^T A."""
    Wt_Dinv = q._unbroadcasted_cov_factor.mT / q._unbroadcasted_cov_diag.unsqueeze(-2)
    return solve_triangular(q._capacitance_tril, Wt_Dinv, upper=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p: LowRankMultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise ValueError(_MESSAGE.format("Low Rank "))
    logdet_q, term3 = _lowrank_terms(q, p.loc)
    term1 = logdet_q - batch_lowrank_logdet(p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag,
                                            p._capacitance_tril)
    A = _lowrank_solve(q)
    pW, pD, qD = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag, q._unbroadcasted_cov_diag
    term21 = (pD / qD).sum(-1)
    term22 = batch_trace_XXT(pW * qD.rsqrt().unsqueeze(-1))
    term23 = batch_trace_XXT(A * pD.sqrt().unsqueeze(-2))
    term24 = batch_trace_XXT(A @ pW)
    return 0.5 * (term1 + term21 + term22 - term23 - term24 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_multivariatenormal_lowrank(p: MultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise ValueError(_MESSAGE.format("(Low Rank) "))
    logdet_q, term3 = _lowrank_terms(q, p.loc)
    L = p._unbroadcasted_scale_tril
    term1 = logdet_q - 2 * L.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    A = _lowrank_solve(q)
    term21 = batch_trace_XXT(L * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1))
    term22 = batch_trace_XXT(A @ L)
    return 0.5 * (term1 + term21 - term22 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_multivariatenormal(p: LowRankMultivariateNormal, q: MultivariateNormal) -> Tensor:
    if p.event_shape != q.event_shape:
        raise ValueError(_MESSAGE.format("(Low Rank) "))
    L = q._unbroadcasted_scale_tril
    term1 = 2 * L.diagonal(dim1=-2, dim2=-1).log().sum(-1) - batch_lowrank_logdet(
        p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag, p._capacitance_tril)
    term3 = batch_mahalanobis(L, q.loc - p.loc)
    n, rank = p.event_shape[0], p.cov_factor.size(-1)
    batch = tuple(broadcast_shapes(tuple(L.shape[:-2]), tuple(p._unbroadcasted_cov_factor.shape[:-2])))
    L = L.expand(batch + (n, n))
    p_factor = p._unbroadcasted_cov_factor.expand(batch + (n, rank))
    p_diag = p._unbroadcasted_cov_diag.sqrt().diag_embed().expand(batch + (n, n))
    term21 = batch_trace_XXT(solve_triangular(L, p_factor, upper=False))
    term22 = batch_trace_XXT(solve_triangular(L, p_diag, upper=False))
    return 0.5 * (term1 + term21 + term22 + term3 - p.event_shape[0])

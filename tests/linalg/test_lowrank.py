"""torch.svd_lowrank and torch.pca_lowrank against torch with the same seed (the random basis is drawn from the
same stream): singular values, the reconstruction U diag(S) V^T and |U|, |V| (each pair of singular vectors has
a sign that LAPACK builds choose differently), with gradients; and pca_lowrank's argument errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity

RNG = np.random.default_rng(0)


def _invariants(m, U, S, V):
    return S, (U * S.unsqueeze(-2)) @ V.transpose(-2, -1), U.abs(), V.abs()


@pytest.mark.parametrize("call", [
    lambda m, a: m.svd_lowrank(a, q=3), lambda m, a: m.svd_lowrank(a.transpose(-2, -1), q=3, niter=1),
    lambda m, a: m.svd_lowrank(a, q=4, M=a.mean(-2, keepdim=True)), lambda m, a: m.pca_lowrank(a),
    lambda m, a: m.pca_lowrank(a, q=2, center=False, niter=3),
])
@pytest.mark.parametrize("shape, dtype", [((8, 5), np.float64), ((2, 6, 5), np.float32)])
def test_lowrank_matches_torch(call, shape, dtype):
    def run(m, a):
        m.manual_seed(0)
        return _invariants(m, *call(m, a))
    float64 = dtype == np.float64  # (float32 gradients through close singular values amplify rounding: values only)
    check_parity(run, [RNG.standard_normal(shape).astype(dtype)], requires_grad=[float64],
                 tol=None if float64 else dict(rtol=1e-4, atol=1e-5))


@pytest.mark.parametrize("call", [
    lambda m: m.pca_lowrank(m.ones(4, 3), q=4), lambda m: m.pca_lowrank(m.ones(4, 3), q=-1),
    lambda m: m.pca_lowrank(m.ones(4, 3), niter=-1),
])
def test_pca_lowrank_errors_match_torch(call):
    check_error(call)

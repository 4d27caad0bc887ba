"""torch.nn.utils.parametrizations: ready-made parametrizations registered with `parametrize`.

    weight_norm(linear)      # linear.parametrizations.weight.original0 = g, original1 = v
    spectral_norm(linear)    # linear.weight = original / sigma_max(original)
    orthogonal(linear)       # linear.weight stays orthogonal while original moves freely


State dict keys are torch's (`parametrizations.weight.original0`, ...), so checkpoints move
between the two frameworks. `orthogonal` supports the matrix_exp, cayley and householder maps, on
a matrix or a batch of matrices.
"""
from __future__ import annotations

import numpy as np

from ...autograd import no_grad
from ...core.tensor import Tensor
from ...creation import from_numpy
from ...ops.decompositions import matrix_exp, solve
from ...ops.shape import cat
from ...random import randn
from ..module import Module
from . import parametrize
from .spectral_norm import _copy_into, _normalize, _reshape_weight_to_matrix, default_dim
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    """weight = g * v / ||v||, from the originals (g, v) that right_inverse splits a weight into."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Parametrize `name` as g * v / ||v|| (g: one norm per slice along `dim`). A state_dict saved
    under the older `nn.utils.weight_norm` (keys `weight_g`, `weight_v`) loads into it, as in torch."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
                                 missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
        """Rename the older hook's `{name}_g` and `{name}_v` to this parametrization's originals."""
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            original0 = state_dict.pop(g_key)
            original1 = state_dict.pop(v_key)
            state_dict[f"{prefix}parametrizations.{name}.original0"] = original0
            state_dict[f"{prefix}parametrizations.{name}.original1"] = original1

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


class _SpectralNorm(Module):
    """weight / sigma, sigma estimated by power iteration with buffers _u and _v (15 steps at
    registration, `n_power_iterations` per call in training mode). A 1-D weight is just normalised."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = _reshape_weight_to_matrix(weight, self.dim)
            height, width = weight_mat.shape
            with no_grad():
                u = weight_mat.new_empty(height).normal_(0, 1)
                v = weight_mat.new_empty(width).normal_(0, 1)
                self.register_buffer("_u", _normalize(u, self.eps))
                self.register_buffer("_v", _normalize(v, self.eps))
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        with no_grad():
            for _ in range(n_power_iterations):
                _copy_into(self._u, _normalize(weight_mat.mv(self._v), self.eps))
                _copy_into(self._v, _normalize(weight_mat.t().mv(self._u), self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return _normalize(weight, self.eps)
        weight_mat = _reshape_weight_to_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        sigma = self._u.clone().dot(weight_mat.mv(self._v.clone()))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Parametrize `name` as weight / sigma_max(weight) (the largest singular value)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    dim = default_dim(module) if dim is None else dim
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# ------------------------------------------------------------------ orthogonal
def _householder_product(a: Tensor, tau: Tensor) -> Tensor:
    """The first k columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^T, where v_i is column i of
    `a` (..., n, k) below the diagonal with a 1 on it (LAPACK's orgqr, written with Tensor ops)."""
    n, k = a.shape[-2], a.shape[-1]
    q = from_numpy(np.broadcast_to(np.eye(n, dtype=a.dtype.np), (*a.shape[:-2], n, n)).copy())
    rows = np.arange(n)
    for i in range(k):
        below = from_numpy((rows > i).astype(a.dtype.np))
        unit = from_numpy((rows == i).astype(a.dtype.np))
        v = (a[..., i] * below + unit).unsqueeze(-1)  # (..., n, 1)
        q = q - q.matmul(v) * v.mT * tau[..., i].unsqueeze(-1).unsqueeze(-1)
    return q[..., :k]


def _make_orthogonal(a: Tensor) -> Tensor:
    """The Q of A's QR decomposition, with signs making R's diagonal positive (unique for full rank)."""
    q, r = np.linalg.qr(a.detach().numpy())
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    return from_numpy((q * signs).astype(a.dtype.np))


def _is_orthogonal(q: Tensor) -> bool:
    n, k = q.shape[-2], q.shape[-1]
    eps = 10.0 * n * float(np.finfo(q.dtype.np).eps)
    return bool(np.allclose(np.swapaxes(q.detach().numpy(), -1, -2) @ q.detach().numpy(), np.eye(k), atol=eps, rtol=1e-5))


class _Orthogonal(Module):
    """Q = map(X) is orthogonal for every X: matrix_exp or cayley (of the skew-symmetric matrix made
    from X's lower triangle) or householder (X's columns below the diagonal as reflectors). With
    use_trivialization (default) the result is multiplied by the buffer `base`, the orthogonal
    matrix last assigned, and the original restarts at the map's identity point."""

    def __init__(self, weight: Tensor, orthogonal_map: str, *, use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, x: Tensor) -> Tensor:
        n, k = x.shape[-2], x.shape[-1]
        transposed = n < k
        if transposed:
            x, n, k = x.mT, k, n
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            x = x.tril()
            if n != k:
                x = cat([x, x.new_zeros(*x.shape[:-2], n, n - k)], dim=-1)
            a = x - x.mT  # skew-symmetric, so both maps below give an orthogonal matrix
            if self.orthogonal_map == "matrix_exp":
                q = matrix_exp(a)
            else:  # Cayley: (I - A/2)^-1 (I + A/2)
                eye = from_numpy(np.eye(n, dtype=a.dtype.np))
                q = solve(eye - 0.5 * a, eye + 0.5 * a)
            q = q[..., :k] if n != k else q
        else:
            a = x.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (a * a).sum(dim=-2))
            signs = np.trunc(np.diagonal(x.detach().numpy(), axis1=-2, axis2=-1))  # torch's .int(): no gradient
            q = _householder_product(a, tau) * from_numpy(signs.astype(x.dtype.np)).unsqueeze(-2)
        if "base" in self._buffers:
            q = self.base.matmul(q)
        return q.mT if transposed else q

    def right_inverse(self, q: Tensor) -> Tensor:
        if q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {q.shape}.")
        with no_grad():
            q_init = q
            n, k = q.shape[-2], q.shape[-1]
            transpose = n < k
            if transpose:
                q, n, k = q.mT, k, n
            if "base" not in self._buffers:
                if self.orthogonal_map in ("matrix_exp", "cayley"):
                    raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                              "parametrizations when use_trivialization=False.")
                return _reflectors(q, transpose)
            if n == k:
                q = q.clone() if _is_orthogonal(q) else _make_orthogonal(q)
            else:
                q = _make_orthogonal(cat([q, randn(*q.shape[:-2], n, n - k, dtype=q.dtype)], dim=-1))
            self.base = q
            neg_eye = -np.eye(*q_init.shape[-2:], dtype=q_init.dtype.np)
            return from_numpy(np.broadcast_to(neg_eye, q_init.shape).copy())


def _reflectors(q: Tensor, transpose: bool) -> Tensor:
    """torch's geqrf of q with the diagonal replaced by signs (householder without trivialization)."""
    out = np.empty(q.shape, dtype=q.dtype.np)
    for index in np.ndindex(*q.shape[:-2]):  # numpy's raw QR takes one matrix at a time
        raw, tau = np.linalg.qr(q.detach().numpy()[index].astype(np.float64), mode="raw")
        a = raw.T.copy()
        diagonal = np.sign(np.diagonal(a)).copy()
        diagonal[tau == 0.0] *= -1
        np.fill_diagonal(a, diagonal)
        out[index] = a
    reflectors = from_numpy(out)
    return reflectors.mT if transpose else reflectors


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Parametrize the matrix `name` so that it stays orthogonal (semi-orthogonal if not square)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    if orthogonal_map not in ("matrix_exp", "cayley", "householder"):
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orthogonal_map, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module

"""Matrix functions and decompositions: det, slogdet, inv, solve, cholesky, qr, svd, eigh, pinv,
matrix_exp. numpy's LAPACK does the forward; each backward is the textbook rule, written with
Tensor ops (so it can be differentiated again). Inputs are batches of matrices (..., m, n).

A singular matrix raises torch's `linalg.LinAlgError` (a RuntimeError), with torch's message.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..core.function import Function, rename
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from .composite import composite
from .declare import Sample, op
from .linalg import matmul
from .pointwise import where
from .shape import cat, tril, triu


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix that has no inverse, no Cholesky factor, ... ."""


def _mT(x: Tensor) -> Tensor:
    return x.transpose(-2, -1)


def _eye_like(x: Tensor) -> Tensor:
    return Tensor._make(np.broadcast_to(np.eye(x.shape[-1], dtype=x._data.dtype), x.shape).copy())


def check_square(x: Tensor, name: str) -> None:
    check_square_shape(x, name)
    check_float(x, name)


def check_square_shape(x: Tensor, name: str) -> None:
    if x.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {x.shape[-2]} by "
                           f"{x.shape[-1]} matrices")


def check_matrix(x: Tensor, name: str) -> None:
    """A batch of matrices (of any shape) of floats, as torch's SVD and QR want."""
    if x.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    check_float(x, name)


def check_float(x: Tensor, name: str) -> None:
    if not x.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {x.dtype._legacy}")


def _batch_prefix(a: np.ndarray, index: int) -> str:
    """torch names the failing matrix of a batch in its message ('(Batch element 1): '); a lone matrix has none."""
    return f"(Batch element {index}): " if a.ndim > 2 else ""


def _inverse_in_steps(m: np.ndarray) -> tuple[np.ndarray, int]:
    """One matrix's inverse by LU with partial pivoting and two substitutions, carried on through a zero
    pivot as LAPACK's getrf and getrs are (the inverse then holds the infs and nans torch's inv_ex
    returns), and the 1-based index of the first zero pivot, 0 when there is none (inv_ex's info)."""
    n = m.shape[-1]
    lu, order, info = m.copy(), np.arange(n), 0
    with np.errstate(all="ignore"):
        for k in range(n):
            p = k + int(np.argmax(np.abs(lu[k:, k])))
            if lu[p, k] == 0:  # the column below is zero too: nothing to eliminate
                info = info or k + 1
                continue
            lu[[k, p]], order[[k, p]] = lu[[p, k]], order[[p, k]]
            lu[k + 1:, k] /= lu[k, k]
            lu[k + 1:, k + 1:] -= np.outer(lu[k + 1:, k], lu[k, k + 1:])
    unit_lower = np.tril(lu, -1) + np.eye(n, dtype=m.dtype)
    inverse = substitute(np.triu(lu), substitute(unit_lower, np.eye(n, dtype=m.dtype)[order], False), True)
    return inverse, info


def _per_matrix(steps: Any, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`steps` (a function of one matrix giving a result and an info) over a batch: results and infos stacked."""
    flat = a.reshape((-1,) + a.shape[-2:])
    results = [steps(m) for m in flat]
    values = np.stack([r for r, _ in results]) if results else flat.copy()
    infos = np.array([i for _, i in results], dtype=np.int32)
    return values.reshape(a.shape), infos.reshape(a.shape[:-2])


def _first_failure(infos: np.ndarray) -> tuple[int, int]:
    """(batch index, info) of the first matrix whose info is not 0."""
    flat = infos.reshape(-1)
    index = int(np.flatnonzero(flat)[0])
    return index, int(flat[index])


# ------------------------------------------------------------------ determinants


class LinalgDet(Function):
    """det A; d det / dA = det(A) A^-T."""

    @staticmethod
    def forward(ctx, a):
        y = Tensor._make(np.asarray(np.linalg.det(a._data)))
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        scale = (g * y).unsqueeze(-1).unsqueeze(-1)
        if a.shape[-1] == 1:  # d det / da = 1 for a 1x1, zero or not
            return g.unsqueeze(-1).unsqueeze(-1) * _eye_like(a)
        singular = Tensor._make(y._data[..., None, None] == 0)
        if not singular._data.any():
            return scale * _mT(inv(a))
        # torch solves det(A) I against A's LU factors: for a singular A (det 0) that gives zeros, not the
        # cofactors, so the other matrices of the batch take the usual rule and these zeros
        return where(singular, 0.0, scale * _mT(inv(where(singular, _eye_like(a), a))))

    @staticmethod
    def jvp(ctx, t):
        a, y = ctx.saved_tensors
        return y * (inv(a) * _mT(t)).sum((-2, -1))  # det(A) trace(A^-1 t)


class LinalgSlogdet(Function):
    """(sign, log|det A|); the log's gradient is A^-T, the sign has none."""

    @staticmethod
    def forward(ctx, a):
        sign, logabsdet = np.linalg.slogdet(a._data)
        ctx.save_for_backward(a)
        return Tensor._make(np.asarray(sign)), Tensor._make(np.asarray(logabsdet))

    @staticmethod
    def backward(ctx, g_sign, g_log):
        (a,) = ctx.saved_tensors
        try:
            inverse_t = _mT(inv(a))
        except _LinAlgError:  # torch solves against the LU factors regardless: the infs and nans of inv_ex
            inverse_t = Tensor._make(_per_matrix(_inverse_in_steps, np.swapaxes(a._data, -1, -2))[0])
        return g_log.unsqueeze(-1).unsqueeze(-1) * inverse_t

    @staticmethod
    def jvp(ctx, t):
        (a,) = ctx.saved_tensors
        sign_tangent = Tensor._make(np.zeros(a.shape[:-2], a._data.dtype))  # the sign is flat: zero, as torch
        return sign_tangent, (inv(a) * _mT(t)).sum((-2, -1))  # trace(A^-1 t)


def _square_samples(rng: np.random.Generator) -> list[Sample]:
    """Well-conditioned square matrices: a batch, one, a 1x1 and an empty batch."""
    def well(shape: tuple) -> np.ndarray:
        return np.asarray(rng.standard_normal(shape) / 3 + np.eye(shape[-1]))
    return [Sample((well((3, 3)),)), Sample((well((2, 4, 4)),)), Sample((well((1, 1)),)), Sample((well((0, 2, 2)),))]


def _spd_samples(rng: np.random.Generator) -> list[Sample]:
    """Symmetric positive definite matrices (for cholesky, eigh)."""
    def spd(shape: tuple) -> np.ndarray:
        m = rng.standard_normal(shape)
        return np.asarray(m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1]))
    return [Sample((spd((3, 3)),)), Sample((spd((2, 4, 4)),)), Sample((spd((1, 1)),))]


@op(samples=_square_samples)
def det(input: Tensor) -> Tensor:
    check_square(input, "linalg.det")
    return LinalgDet.apply(input)


@op(samples=_square_samples)
def slogdet(input: Tensor) -> Any:
    check_square(input, "linalg.slogdet")
    sign, logabsdet = LinalgSlogdet.apply(input)
    return return_types.slogdet(sign, logabsdet)


def linalg_slogdet(input: Tensor) -> Any:
    sign, logabsdet = slogdet(input)
    return return_types.linalg_slogdet(sign, logabsdet)


@op(samples=_spd_samples)
def logdet(input: Tensor) -> Tensor:
    """log det A: nan where det A < 0 (and -inf where it is 0)."""
    check_square(input, "linalg.slogdet")
    sign, logabsdet = LinalgSlogdet.apply(input)
    return rename(where(Tensor._make(sign._data < 0), float("nan"), logabsdet), "WhereBackward0")


# ------------------------------------------------------------------ inverse and solve


class LinalgInvEx(Function):
    """A^-1; its gradient is -A^-T g A^-T."""

    @staticmethod
    def forward(ctx, a, name):
        try:
            y = Tensor._make(np.linalg.inv(a._data))
        except np.linalg.LinAlgError:
            index, pivot = _first_failure(_per_matrix(_inverse_in_steps, a._data)[1])
            raise _LinAlgError(f"{name}: {_batch_prefix(a._data, index)}The diagonal element {pivot} is zero, the "
                               "inversion could not be completed because the input matrix is singular.") from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return -matmul(matmul(_mT(y), g), _mT(y)), None

    @staticmethod
    def jvp(ctx, t, _):
        (y,) = ctx.saved_tensors
        return -matmul(matmul(y, t), y)


@op(out=True, samples=_square_samples)
def inverse(input: Tensor) -> Tensor:
    check_square(input, "linalg.inv")
    return LinalgInvEx.apply(input, "linalg.inv")


def inv(A: Tensor) -> Tensor:
    """torch.linalg.inv."""
    return inverse(A)


def inv_ex(A: Tensor, *, check_errors: bool = False) -> Any:
    """The inverse and `info`, per matrix 0 or the first zero pivot of its LU factorization. A singular
    matrix raises with check_errors; else its 'inverse' is what LAPACK's solve leaves (infs and nans),
    outside the graph (its gradient means nothing)."""
    check_square(A, "linalg.inv")
    try:
        y = LinalgInvEx.apply(A, "linalg.inv_ex")
    except _LinAlgError:
        if check_errors:
            raise
        values, infos = _per_matrix(_inverse_in_steps, A._data)
        return return_types.linalg_inv_ex(Tensor._make(values), Tensor._make(infos))
    return return_types.linalg_inv_ex(y, Tensor._make(np.zeros(A.shape[:-2], dtype=np.int32)))


class LinalgSolveEx(Function):
    """X with A X = B; gB = A^-T g, gA = -gB X^T. B is a batch of matrices here (vectors are columns)."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            x = Tensor._make(np.linalg.solve(a._data, b._data))
        except np.linalg.LinAlgError:
            raise _LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        g_b = LinalgSolveEx.apply(_mT(a), g)
        return (-matmul(g_b, _mT(x)) if ctx.needs_input_grad[0] else None), g_b

    @staticmethod
    def jvp(ctx, ta, tb):
        a, x = ctx.saved_tensors
        return LinalgSolveEx.apply(a, tb - matmul(ta, x))


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """torch.linalg.solve: X with A X = B (or X A = B for left=False); B may be a (batch of) vector(s)."""
    check_square(A, "linalg.solve")
    if not left:  # (torch's kernel takes left itself: one node, linked to A and B)
        return composite(_mT(solve(_mT(A), _mT(B))), "LinalgSolveExBackward0", A, B)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    b = B.unsqueeze(-1) if vector else B
    batch = np.broadcast_shapes(A.shape[:-2], b.shape[:-2])
    a, b = A.expand(batch + A.shape[-2:]), b.expand(batch + b.shape[-2:])
    x = LinalgSolveEx.apply(a, b)
    return composite(x.squeeze(-1) if vector else x, "LinalgSolveExBackward0", A, B)


def substitute(triangle: np.ndarray, b: np.ndarray, upper: bool) -> np.ndarray:
    """X with triangle @ X = b by back (upper) or forward (lower) substitution, a row at a time:
    x_i = (b_i - sum_j t_ij x_j) / t_ii, reading only the triangle, as LAPACK's trsm does (a general
    solve would leave a residual many times larger). Batches broadcast."""
    n = triangle.shape[-1]
    batch = np.broadcast_shapes(triangle.shape[:-2], b.shape[:-2])
    t = np.broadcast_to(triangle, batch + triangle.shape[-2:])
    x = np.array(np.broadcast_to(b, batch + b.shape[-2:]), dtype=np.result_type(triangle, b))
    with np.errstate(all="ignore"):  # a zero on the diagonal gives inf and nan, as torch's
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            known = slice(i + 1, n) if upper else slice(0, i)
            x[..., i, :] -= np.einsum("...j,...jk->...k", t[..., i, known], x[..., known, :])
            x[..., i, :] /= t[..., i, i, None]
    return x


class SolveTriangular(Function):
    """X with T X = B for a triangular T (its upper or lower triangle; the rest is never read, and gets no
    gradient): gB = T^-T g (the other triangle's solve), gT = -gB X^T on T's triangle."""

    @staticmethod
    def forward(ctx, t, b, upper):
        x = Tensor._make(substitute(t._data, b._data, upper))
        ctx.upper = upper
        ctx.save_for_backward(t, x)
        return x

    @staticmethod
    def _triangle(ctx, m: Tensor) -> Tensor:
        return triu(m) if ctx.upper else tril(m)

    @staticmethod
    def backward(ctx, g):
        t, x = ctx.saved_tensors
        g_b = SolveTriangular.apply(_mT(t), g, not ctx.upper)
        g_t = -SolveTriangular._triangle(ctx, matmul(g_b, _mT(x))) if ctx.needs_input_grad[0] else None
        return g_t, g_b, None

    @staticmethod
    def jvp(ctx, t_t, t_b, _):  # dX = T^-1 (dB - dT X), dT on T's triangle
        t, x = ctx.saved_tensors
        rhs = t_b if t_b is not None else x * 0
        if t_t is not None:
            rhs = rhs - matmul(SolveTriangular._triangle(ctx, t_t), x)
        return SolveTriangular.apply(t, rhs, ctx.upper)


# ------------------------------------------------------------------ factorizations


def _factor_in_steps(m: np.ndarray) -> tuple[np.ndarray, int]:
    """Cholesky of one matrix's lower triangle a column at a time, as LAPACK's unblocked potf2: (L, 0), or
    at the first column whose pivot a_jj - |L_j,:j|^2 is not positive (or nan) that pivot left in its place
    and the later columns as they were, with the column's 1-based order (the leading minor that is not
    positive definite, cholesky_ex's info)."""
    a = np.tril(m)
    for j in range(a.shape[0]):
        pivot = a[j, j] - a[j, :j] @ a[j, :j]
        if not pivot > 0:
            a[j, j] = pivot
            return a, j + 1
        a[j, j] = np.sqrt(pivot)
        a[j + 1:, j] = (a[j + 1:, j] - a[j + 1:, :j] @ a[j, :j]) / a[j, j]
    return a, 0


class Cholesky(Function):
    """L lower triangular with L L^T = A (A symmetric positive definite; only its lower triangle is read).

    Backward: with P = tril(L^T tril(gL)) and P's diagonal halved, gA = L^-T P L^-1, made symmetric.
    """

    @staticmethod
    def forward(ctx, a, name):
        try:
            y = Tensor._make(np.linalg.cholesky(np.tril(a._data) + np.swapaxes(np.tril(a._data, -1), -1, -2)))
            failed = bool(np.isnan(y._data).any()) and bool(_per_matrix(_factor_in_steps, a._data)[1].any())
        except np.linalg.LinAlgError:
            failed = True
        if failed:  # (numpy lets a nan pivot through; LAPACK's potrf stops there)
            index, order = _first_failure(_per_matrix(_factor_in_steps, a._data)[1])
            raise _LinAlgError(f"{name}: {_batch_prefix(a._data, index)}The factorization could not be completed "
                               f"because the input is not positive-definite (the leading minor of order {order} "
                               "is not positive-definite).") from None
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        phi = tril(matmul(_mT(y), tril(g)))
        phi = phi - 0.5 * phi * _eye_like(phi)
        l_inv = inv(y)
        grad = matmul(matmul(_mT(l_inv), phi), l_inv)
        return 0.5 * (grad + _mT(grad)), None

    @staticmethod
    def jvp(ctx, t, _):  # dL = L Phi(L^-1 dA L^-T), Phi: the lower triangle with its diagonal halved
        (y,) = ctx.saved_tensors
        l_inv = inv(y)
        phi = tril(matmul(matmul(l_inv, t), _mT(l_inv)))
        return matmul(y, phi - 0.5 * phi * _eye_like(phi))


def _symmetric(a: Any) -> Any:
    """a + a^T: cholesky reads only a symmetric matrix's lower triangle, so the op database (whose
    gradcheck nudges each element alone) checks cholesky(a + a^T)."""
    return a + a.mT


def _cholesky_samples(rng: np.random.Generator) -> list[Sample]:
    """Halves of symmetric positive definite matrices (see _symmetric): a batch, one, 1x1, an empty batch."""
    return [Sample((s.args[0] / 2,), kwargs) for s, kwargs in zip(_spd_samples(rng) + [Sample((np.zeros((0, 2, 2)),))],
                                                                   ({}, {"upper": True}, {}, {}))]


# torch's TORCH_WARN_ONCE texts for its deprecated factorisations, given before the input is checked
_CHOLESKY_DEPRECATED = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future PyTorch "
    "release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\nand\n"
    "U = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
    "This transform will produce equivalent results for all valid (symmetric positive definite) inputs. "
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:1765.)")
_QR_DEPRECATED = (
    "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch release.\n"
    "The boolean parameter 'some' has been replaced with a string parameter 'mode'.\nQ, R = torch.qr(A, some)\n"
    "should be replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else 'complete') "
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2505.)")


@op(out=True, samples=_cholesky_samples, checked_on=_symmetric)
def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """L lower triangular with L L^T = input (or U = L^T with upper=True); input symmetric positive definite."""
    warn_once("cholesky", _CHOLESKY_DEPRECATED)
    check_square(input, "cholesky")
    return rename(_factor(input, upper, "linalg.cholesky"), "CholeskyBackward0")  # torch computes U itself: one node either way


class CholeskySolve(Function):
    """X with A X = B for A = L L^T (or U^T U with upper), given the factor: two triangular solves that
    read only the factor's triangle. torch's gradient for the factor is not so restricted: with
    gB = A^-1 g and C = gB X^T + X gB^T it is -C L (or -U C), a full matrix; we return the same."""

    @staticmethod
    def forward(ctx, b, factor, upper):
        lower = np.swapaxes(np.triu(factor._data), -1, -2) if upper else np.tril(factor._data)
        batch = np.broadcast_shapes(b.shape[:-2], factor.shape[:-2])
        lower = np.broadcast_to(lower, batch + factor.shape[-2:])
        x = Tensor._make(substitute(np.swapaxes(lower, -1, -2), substitute(lower, b._data, False), True))
        ctx.upper = upper
        ctx.save_for_backward(factor, x)
        return x

    @staticmethod
    def backward(ctx, g):
        factor, x = ctx.saved_tensors
        g_b = CholeskySolve.apply(g, factor, ctx.upper)
        if not ctx.needs_input_grad[1]:
            return g_b, None, None
        common = matmul(g_b, _mT(x))
        common = common + _mT(common)
        return g_b, -(matmul(factor, common) if ctx.upper else matmul(common, factor)), None

    @staticmethod
    def jvp(ctx, t_b, t_factor, _):  # dX = A^-1 (dB - dA X), dA = dK + dK^T, dK = dL L^T (or dU^T U), as torch
        factor, x = ctx.saved_tensors
        rhs = t_b if t_b is not None else x * 0
        if t_factor is not None:
            rhs = rhs - matmul(_factor_tangent(factor, t_factor, ctx.upper), x)
        return CholeskySolve.apply(rhs, factor, ctx.upper)


def _factor_tangent(factor: Tensor, t_factor: Tensor, upper: bool) -> Tensor:
    """dA for A = L L^T (or U^T U) when the factor moves by t_factor (torch uses the whole factor here too)."""
    d_k = matmul(_mT(t_factor), factor) if upper else matmul(t_factor, _mT(factor))
    return d_k + _mT(d_k)


def _check_cholesky_solve(b: Tensor, factor: Tensor) -> None:
    for name, x in (("b", b), ("u", factor)):
        if x.ndim < 2:
            raise RuntimeError(f"{name} should have at least 2 dimensions, but has {x.ndim} dimensions instead")
    if b.dtype is not factor.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {b.dtype._legacy} and A of "
                           f"type {factor.dtype._legacy} instead.")
    if not b.dtype.is_floating_point:
        raise NotImplementedError(f'"cholesky_solve_cpu" not implemented for \'{b.dtype._legacy}\'')
    if factor.shape[-1] != factor.shape[-2] or factor.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {factor.shape[-2]} by "
                           f"{factor.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")


def _factor_samples(rng: np.random.Generator) -> list[Sample]:
    """Lower Cholesky factors, well away from singular (a diagonal of 2 or more); an upper factor would
    lose its triangle to _one_triangle (tests/linalg/test_cholesky_solve.py checks those against torch)."""
    def factor(shape: tuple) -> np.ndarray:
        return np.asarray(np.tril(rng.standard_normal(shape) / 2) + 2 * np.eye(shape[-1]))
    return [Sample((rng.standard_normal((3, 2)), factor((3, 3)))),
            Sample((rng.standard_normal((2, 4, 1)), factor((4, 4)))),
            Sample((rng.standard_normal((3, 2)), factor((2, 3, 3)))),
            Sample((rng.standard_normal((1, 1)), factor((1, 1))))]


def _one_triangle(factor: Any) -> Any:
    """The triangle cholesky_solve reads (the op database's gradcheck then nudges only it)."""
    return factor.tril()


@op(out=True, samples=_factor_samples, checked_on=_one_triangle, checked_input=1)
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """X with A X = input, given A's Cholesky factor input2 (lower, or upper with upper=True)."""
    _check_cholesky_solve(input, input2)
    return CholeskySolve.apply(input, input2, upper)


class CholeskyInverse(Function):
    """A^-1 for A = L L^T (or U^T U), given the factor; torch's full gradient for it: with
    C = A^-1 (g + g^T) A^-1, it is -C L (or -U C)."""

    @staticmethod
    def forward(ctx, factor, upper):
        lower = np.swapaxes(np.triu(factor._data), -1, -2) if upper else np.tril(factor._data)
        zeros = np.argwhere(np.diagonal(lower, axis1=-2, axis2=-1).reshape(-1, lower.shape[-1]) == 0)
        if len(zeros):  # (the first one, in the first singular matrix of the batch)
            raise _LinAlgError(f"cholesky_inverse: The diagonal element {zeros[0][1] + 1} is zero, the inversion "
                               "could not be completed because the input matrix is singular.")
        l_inv = np.linalg.inv(lower)
        y = Tensor._make((np.swapaxes(l_inv, -1, -2) @ l_inv).astype(factor._data.dtype))
        ctx.upper = upper
        ctx.save_for_backward(factor, y)
        return y

    @staticmethod
    def backward(ctx, g):
        factor, y = ctx.saved_tensors
        common = matmul(y, matmul(g + _mT(g), y))
        return -(matmul(factor, common) if ctx.upper else matmul(common, factor)), None

    @staticmethod
    def jvp(ctx, t_factor, _):  # d(A^-1) = -A^-1 dA A^-1 (torch 2.13's own rule misses: see tests/ops/test_op_db.py)
        factor, y = ctx.saved_tensors
        return -matmul(matmul(y, _factor_tangent(factor, t_factor, ctx.upper)), y)


@op(out=True, samples=lambda rng: [Sample(s.args[1:], s.kwargs) for s in _factor_samples(rng)],
    checked_on=_one_triangle)
def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """The inverse of A, given A's Cholesky factor (lower, or upper with upper=True)."""
    if input.ndim >= 2 and input.shape[-1] == input.shape[-2] and not input.dtype.is_floating_point:
        raise NotImplementedError(f'"cholesky_inverse_out_cpu" not implemented for \'{input.dtype._legacy}\'')
    check_square(input, "cholesky_inverse")
    return CholeskyInverse.apply(input, upper)


def _triangular_samples(rng: np.random.Generator) -> list[Sample]:
    def upper(shape: tuple) -> np.ndarray:
        return np.asarray(np.triu(rng.standard_normal(shape) / 2) + 2 * np.eye(shape[-1]))
    return [Sample((rng.standard_normal((3, 2)), upper((3, 3)))),
            Sample((rng.standard_normal((2, 3, 1)), upper((3, 3))), {"transpose": True}),
            Sample((rng.standard_normal((3, 2)), np.swapaxes(upper((2, 3, 3)), -1, -2)), {"upper": False}),
            Sample((rng.standard_normal((3, 2)), upper((3, 3))), {"unitriangular": True})]


@op(out=True, samples=_triangular_samples)
def triangular_solve(input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> Any:
    """X with A X = input (A^T X = input with transpose), reading only A's upper (or lower) triangle, its
    diagonal taken as ones with unitriangular; and a copy of A. Deprecated in torch for linalg.solve_triangular."""
    warn_once("triangular_solve", "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand "
              "will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments reversed "
              "and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould be "
              "replaced with\nX = torch.linalg.solve_triangular(A, B). (Triggered internally at "
              "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2273.)")
    _check_triangular_solve(input, A)
    skip = 1 if unitriangular else 0
    triangle = triu(A, skip) if upper else tril(A, -skip)
    if unitriangular:
        triangle = triangle + _eye_like(A)
    solution = SolveTriangular.apply(_mT(triangle), input, not upper) if transpose else \
        SolveTriangular.apply(triangle, input, upper)
    copy = A.expand(solution.shape[:-2] + A.shape[-2:]).clone()  # A as broadcast against input's batch
    return return_types.triangular_solve(rename(solution, "TriangularSolveBackward0"),
                                         rename(copy, "TriangularSolveBackward0"))


def _check_triangular_solve(b: Tensor, A: Tensor) -> None:
    if b.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has {b.ndim} "
                           "dimensions instead")
    if A.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has {A.ndim} "
                           "dimensions instead")
    if b.dtype is not A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {b.dtype._legacy} and A of "
                           f"type {A.dtype._legacy} instead.")
    if not b.dtype.is_floating_point:
        raise NotImplementedError(f'"triangular_solve_cpu" not implemented for \'{b.dtype._legacy}\'')
    if A.shape[-1] != A.shape[-2] or A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for triangular_solve: each A matrix is {A.shape[-2]} by "
                           f"{A.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")


def _factor(A: Tensor, upper: bool, name: str) -> Tensor:
    """L of A's lower triangle, or with upper, U (= L^T) of its upper triangle: LAPACK reads the triangle it
    is asked for, which matters when A is not symmetric."""
    return _mT(Cholesky.apply(_mT(A), name)) if upper else Cholesky.apply(A, name)


def linalg_cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    check_square(A, "linalg.cholesky")
    return rename(_factor(A, upper, "linalg.cholesky"), "LinalgCholeskyExBackward0")


def linalg_cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False) -> Any:
    """L (or U) and `info`, per matrix 0 or the order of the first leading minor that is not positive
    definite. That raises with check_errors; else the factor is what LAPACK's potf2 leaves (the failing
    pivot in place, later columns untouched), outside the graph (its gradient means nothing)."""
    check_square(A, "linalg.cholesky")
    try:
        y = rename(_factor(A, upper, "linalg.cholesky_ex"), "LinalgCholeskyExBackward0")
    except _LinAlgError:
        if check_errors:
            raise
        values, infos = _per_matrix(_factor_in_steps, (_mT(A) if upper else A)._data)
        factor = Tensor._make(np.swapaxes(values, -1, -2).copy() if upper else values)
        return return_types.linalg_cholesky_ex(factor, Tensor._make(infos))
    return return_types.linalg_cholesky_ex(y, Tensor._make(np.zeros(A.shape[:-2], dtype=np.int32)))


def _qr_tall_backward(q: Tensor, r: Tensor, g_q: Tensor, g_r: Tensor) -> Tensor:
    """gA for A = Q R with at least as many rows as columns: (gQ + Q copyltu(R gR^T - gQ^T Q)) R^-T."""
    m = matmul(r, _mT(g_r)) - matmul(_mT(g_q), q)
    lower = tril(m, -1)
    sym = lower + _mT(lower) + m * _eye_like(m)
    # (...) R^-T, by a triangular solve: a singular R gives infs and nans there, as torch's, not an error
    return _mT(SolveTriangular.apply(r, _mT(g_q + matmul(q, sym)), True))


class LinalgQr(Function):
    """A = Q R (reduced: Q is m x k, R is k x n, k = min(m, n)).

    Backward for m >= n: with M = R gR^T - gQ^T Q, gA = (gQ + Q copyltu(M)) R^-T, where copyltu
    makes a symmetric matrix from M's lower triangle. For m < n, A = [X | Y] and R = [U | V] with X = Q U
    square: Y = Q V gives gY = Q gV, and X takes the square rule with gQ + Y gV^T and gU.
    mode='r' (no Q kept) and mode='complete' of a tall matrix have no derivative, as in torch.
    """

    @staticmethod
    def forward(ctx, a, mode):
        q, r = np.linalg.qr(a._data, mode="reduced" if mode == "r" else mode)
        ctx.mode = mode
        q_t, r_t = Tensor._make(q), Tensor._make(r)
        ctx.save_for_backward(a, q_t, r_t)
        ctx.wide = a.shape[-2] < a.shape[-1]
        return q_t, r_t

    @staticmethod
    def backward(ctx, g_q, g_r):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        a, q, r = ctx.saved_tensors
        if ctx.mode == "complete" and a.shape[-2] > a.shape[-1]:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if not ctx.wide:
            return _qr_tall_backward(q, r, g_q, g_r), None
        m = a.shape[-2]
        g_u, g_v = g_r[..., :m], g_r[..., m:]
        g_x = _qr_tall_backward(q, r[..., :m], g_q + matmul(a[..., m:], _mT(g_v)), g_u)
        return cat([g_x, matmul(q, g_v)], -1), None

    @staticmethod
    def jvp(ctx, t, _):
        """With X = Q^T dA R^-1: Q^T dQ = W (skew: X's strict lower part minus its transpose),
        dR = (X - W) R and dQ = dA R^-1 - Q (X - W). (m >= n, reduced, as backward.)"""
        if ctx.wide or ctx.mode != "reduced":
            raise NotImplementedError("The forward-mode derivative of linalg.qr is implemented here for "
                                      "mode='reduced' and matrices with at least as many rows as columns")
        _, q, r = ctx.saved_tensors
        t_r_inv = _mT(LinalgSolveEx.apply(_mT(r), _mT(t)))  # dA R^-1
        x = matmul(_mT(q), t_r_inv)
        lower = tril(x, -1)
        upper_part = x - (lower - _mT(lower))
        return t_r_inv - matmul(q, upper_part), matmul(upper_part, r)


def _tall_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((np.asarray(rng.standard_normal(s)),)) for s in ((4, 3), (2, 3, 3), (1, 1))]


@op(out=True, samples=_tall_samples)
def qr(input: Tensor, some: bool = True) -> Any:
    warn_once("qr", _QR_DEPRECATED)
    check_matrix(input, "linalg.qr")
    q, r = LinalgQr.apply(input, "reduced" if some else "complete")
    return return_types.qr(q, r)


def linalg_qr(A: Tensor, mode: str = "reduced") -> Any:
    if mode not in ("reduced", "complete", "r"):
        check_matrix(A, "linalg.qr")  # (torch checks the input before the mode)
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    check_matrix(A, "linalg.qr")
    q, r = LinalgQr.apply(A, mode)
    if mode == "r":
        return return_types.linalg_qr(Tensor._make(np.empty((0,), dtype=A._data.dtype)), r)
    return return_types.linalg_qr(q, r)


class LinalgSvd(Function):
    """A = U diag(S) Vh, with k = min(m, n) singular values.

    Backward (Townsend, "Differentiating the singular value decomposition"), for distinct nonzero
    singular values, with V = Vh^T, F_ij = 1 / (s_j^2 - s_i^2) off the diagonal and 0 on it:
    gA = U [(F o (U^T gU - gU^T U)) S + diag(gS) + S (F o (V^T gV - gV^T V))] V^T
         + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T).
    With full_matrices, only the first k columns of U and rows of Vh carry a gradient, as in torch.
    """

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = (Tensor._make(r) for r in np.linalg.svd(a._data, full_matrices=full_matrices))
        ctx.set_materialize_grads(False)  # (an unused U or Vh must not meet F's 1/0 at repeated or zero values)
        ctx.save_for_backward(u, s, vh)  # the outputs themselves, so a second derivative sees them depend on a
        ctx.k = s.shape[-1]
        return u, s, vh

    @staticmethod
    def backward(ctx, g_u, g_s, g_vh):
        u, s, vh = ctx.saved_tensors
        k = ctx.k
        u, vh = u[..., :k], vh[..., :k, :]
        v = _mT(vh)
        inner = Tensor._make(np.zeros(s.shape + (k,), s._data.dtype))
        if g_s is not None:
            inner = inner + g_s.unsqueeze(-1) * _eye_like(inner)
        s2 = s * s
        gap = s2.unsqueeze(-2) - s2.unsqueeze(-1)  # s_j^2 - s_i^2
        off = Tensor._make(1 - np.eye(k, dtype=s._data.dtype))
        f = off / where(Tensor._make(off._data == 0), 1.0, gap)
        grad = Tensor._make(np.zeros(u.shape[:-1] + (v.shape[-2],), s._data.dtype))
        if g_u is not None:
            g_u = g_u[..., :k]
            j = f * (matmul(_mT(u), g_u) - matmul(_mT(g_u), u))
            inner = inner + j * s.unsqueeze(-2)
            if u.shape[-2] > k:  # (a square U leaves no (I - U U^T) part: 0 / s would be nan at s = 0)
                free = g_u - matmul(u, matmul(_mT(u), g_u))  # (I - U U^T) gU
                grad = grad + matmul(free / s.unsqueeze(-2), vh)
        if g_vh is not None:
            g_v = _mT(g_vh[..., :k, :])
            kk = f * (matmul(_mT(v), g_v) - matmul(_mT(g_v), v))
            inner = inner + s.unsqueeze(-1) * kk
            if v.shape[-2] > k:
                free = g_v - matmul(v, matmul(_mT(v), g_v))  # (I - V V^T) gV
                grad = grad + matmul(u / s.unsqueeze(-2), _mT(free))
        return grad + matmul(matmul(u, inner), vh), None

    @staticmethod
    def jvp(ctx, t, _):
        """With dP = U^T dA V and F as in backward: dS = diag(dP),
        dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1, and dV likewise with dA^T and U, V swapped."""
        u, s, vh = ctx.saved_tensors
        k = ctx.k
        if u.shape[-1] != k or vh.shape[-2] != k:
            raise NotImplementedError("svd: forward-mode AD of full_matrices=True for a non-square matrix is not "
                                      "supported (neither is it in torch)")
        v = _mT(vh)
        dp = matmul(matmul(_mT(u), t), v)
        s2 = s * s
        gap = s2.unsqueeze(-2) - s2.unsqueeze(-1)
        off = Tensor._make(1 - np.eye(k, dtype=s._data.dtype))
        f = off / where(Tensor._make(off._data == 0), 1.0, gap)
        ds = (dp * _eye_like(dp)).sum(-1)
        du = matmul(u, f * (dp * s.unsqueeze(-2) + s.unsqueeze(-1) * _mT(dp)))
        du = du + matmul(t - matmul(u, matmul(_mT(u), t)), v) / s.unsqueeze(-2)
        dv = matmul(v, f * (s.unsqueeze(-1) * dp + _mT(dp) * s.unsqueeze(-2)))
        dv = dv + matmul(_mT(t) - matmul(v, matmul(vh, _mT(t))), u) / s.unsqueeze(-2)
        return du, ds, _mT(dv)


def linalg_svd(A: Tensor, full_matrices: bool = True) -> Any:
    check_matrix(A, "linalg.svd")
    u, s, vh = LinalgSvd.apply(A, full_matrices)
    return return_types.linalg_svd(u, s, vh)


def svdvals(A: Tensor) -> Tensor:
    check_matrix(A, "linalg.svd")  # (torch's svdvals is its svd: the message names that)
    return LinalgSvd.apply(A, False)[1]


def _signs_fixed(result: Any) -> tuple:
    """U, S, V with each pair of singular vectors signed so that U's first row is positive: the sign is
    LAPACK's free choice, which differs between numpy's and torch's builds (u v^T is the same either way)."""
    u, s, v = result
    if u.shape[-1] != s.shape[-1] or v.shape[-1] != s.shape[-1]:  # compute_uv=False: square zeros, no signs to fix
        return u, s, v
    sign = u[..., :1, :].sign()
    return u * sign, s, v * sign


def _svd_samples(rng: np.random.Generator) -> list[Sample]:
    """Matrices with distinct singular values: wide, tall, a batch, square and full, 1x1, without U and V."""
    x = rng.standard_normal
    return [Sample((x((3, 4)),)), Sample((x((4, 2)),)), Sample((x((2, 3, 3)),), {"some": False}), Sample((x((1, 1)) + 2,)),
            Sample((x((3, 2)),), {"compute_uv": False})]


@op(out=True, samples=_svd_samples, checked_as=_signs_fixed)
def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """torch.svd: U, S, V (not V^T) with input = U diag(S) V^T, reduced unless some=False; without
    compute_uv, U and V are zeros."""
    if input.ndim < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has {input.ndim} dimensions "
                           "instead")
    check_float(input, "linalg.svd")
    u, s, vh = LinalgSvd.apply(input, not some)
    if not compute_uv:  # square zeros, as torch's, whatever `some` says
        *batch, m, n = input.shape
        zeros = (Tensor._make(np.zeros((*batch, k, k), u._data.dtype)) for k in (m, n))
        return return_types.svd(next(zeros), s, next(zeros))
    return return_types.svd(u, s, _mT(vh))


class LinalgEigh(Function):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (its lower triangle is read).

    Backward: gA = V (diag(gL) + (V^T gV) / E) V^T, made symmetric, with E_ij = L_j - L_i off the
    diagonal and no term on it; distinct eigenvalues are assumed (at a repeated one the eigenvectors have no derivative).
    """

    @staticmethod
    def forward(ctx, a, uplo):
        if a.numel():
            values, vectors = np.linalg.eigh(a._data, UPLO=uplo)
        else:  # (of its own dtype, whatever it is)
            values, vectors = np.zeros(a.shape[:-1], a._data.dtype), np.zeros(a.shape, a._data.dtype)
        ctx.set_materialize_grads(False)  # (unused eigenvectors must not meet 1/0 at a repeated eigenvalue)
        l_t, v_t = Tensor._make(values), Tensor._make(vectors)
        ctx.save_for_backward(l_t, v_t)
        return l_t, v_t

    @staticmethod
    def backward(ctx, g_l, g_v):
        values, v = ctx.saved_tensors
        inner = Tensor._make(np.zeros(v.shape, v._data.dtype))
        if g_l is not None:
            inner = inner + g_l.unsqueeze(-1) * _eye_like(v)
        if g_v is not None:
            gap = values.unsqueeze(-2) - values.unsqueeze(-1)  # E_ij = L_j - L_i
            off = 1 - _eye_like(v)
            inner = inner + matmul(_mT(v), g_v) * off / where(Tensor._make(off._data == 0), 1.0, gap)
        grad = matmul(matmul(v, inner), _mT(v))
        return 0.5 * (grad + _mT(grad)), None  # symmetric, as torch's (A is taken as symmetric)


def _check_symmetric_input(A: Tensor, UPLO: Any) -> None:
    """eigh's and eigvalsh's checks (both under eigh's name): UPLO, the shape, then an integer or half matrix
    reaches the kernel, which has no such version (an empty one never reaches it)."""
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    check_square_shape(A, "linalg.eigh")
    if A.numel() and A._data.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for \'{A.dtype._legacy}\'')


def eigh(A: Tensor, UPLO: str = "L") -> Any:
    _check_symmetric_input(A, UPLO)
    values, vectors = LinalgEigh.apply(A, UPLO)
    return return_types.linalg_eigh(values, vectors)


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    _check_symmetric_input(A, UPLO)
    return LinalgEigh.apply(A, UPLO)[0]


class LinalgPinv(Function):
    """The Moore-Penrose pseudo-inverse P of A (m x n). For A of constant rank,
    gA = -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A)."""

    @staticmethod
    def forward(ctx, a, rtol, hermitian):
        y = Tensor._make(np.linalg.pinv(a._data, rcond=rtol, hermitian=hermitian))
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        pt, gt = _mT(p), _mT(g)
        left = _eye_like(matmul(a, p)) - matmul(a, p)
        right = _eye_like(matmul(p, a)) - matmul(p, a)
        return (-matmul(matmul(pt, g), pt) + matmul(matmul(left, gt), matmul(p, pt))
                + matmul(matmul(matmul(pt, p), gt), right)), None, None

    @staticmethod
    def jvp(ctx, t, *_):  # dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P
        a, p = ctx.saved_tensors
        tt = _mT(t)
        left = _eye_like(matmul(a, p)) - matmul(a, p)
        right = _eye_like(matmul(p, a)) - matmul(p, a)
        return (-matmul(matmul(p, t), p) + matmul(matmul(matmul(p, _mT(p)), tt), left)
                + matmul(matmul(right, tt), matmul(_mT(p), p)))


def _pinv_rtol(a: Tensor, rtol: Any) -> float:
    """torch's default cut-off: eps(dtype) * max(m, n)."""
    return float(rtol) if rtol is not None else float(np.finfo(a._data.dtype).eps * max(a.shape[-2:]))


def _check_pinv_input(A: Tensor) -> None:
    if A.ndim < 2 or not A.dtype.is_floating_point:
        raise RuntimeError(f"linalg.pinv({A.dtype._legacy}{{{list(A.shape)}}}): expected a tensor with 2 or more "
                           "dimensions of float, double, cfloat or cdouble types")


def pinv(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    _check_pinv_input(A)
    if atol is not None:
        raise NotImplementedError("linalg.pinv: atol is not supported here (use rtol)")
    return LinalgPinv.apply(A, _pinv_rtol(A, rtol), hermitian)


def _pinv_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((np.asarray(rng.standard_normal(s) / 3 + np.eye(*s[-2:])),)) for s in ((3, 3), (4, 3), (1, 1))]


@op(samples=_pinv_samples)
def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    _check_pinv_input(input)
    return LinalgPinv.apply(input, rcond, False)


class LinalgMatrixExp(Function):
    """e^A by scaling and squaring a Taylor polynomial. Its gradient is the top-right block of the
    exponential of [[A^T, g], [0, A^T]] (Najfeld and Havel), itself a matrix_exp, so it nests."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return Tensor._make(_expm(a._data))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _exp_block(_mT(a), g)

    @staticmethod
    def jvp(ctx, t):
        (a,) = ctx.saved_tensors
        return _exp_block(a, t)


def _exp_block(a: Tensor, e: Tensor) -> Tensor:
    n = a.shape[-1]
    zeros = Tensor._make(np.zeros(a.shape, a._data.dtype))
    block = cat([cat([a, e], -1), cat([zeros, a], -1)], -2)
    return LinalgMatrixExp.apply(block)[..., :n, n:]


def _expm(a: np.ndarray) -> np.ndarray:
    """Scale A by 2^-s until its norm is below 1/2, sum 20 Taylor terms, square s times."""
    norm = np.max(np.abs(a).sum(-1), initial=0.0)
    s = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0.5 else 0
    x = a / (2.0 ** s)
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    term, total = eye.copy(), eye.copy()
    for k in range(1, 21):
        term = term @ x / k
        total = total + term
    for _ in range(s):
        total = total @ total
    return total.astype(a.dtype)


@op(samples=_square_samples)
def matrix_exp(input: Tensor) -> Tensor:
    check_square(input, "linalg.matrix_exp")
    return LinalgMatrixExp.apply(input)


# ------------------------------------------------------------------ Householder reflectors: geqrf, orgqr, ormqr
class Geqrf(Function):
    """LAPACK's geqrf: R on and above the diagonal, the Householder vectors (unit first entry implied) below it,
    and their scales tau. numpy's qr(mode='raw') is that call, transposed. torch has no derivative for it."""

    @staticmethod
    def forward(ctx, A):
        a = A._data
        m, n = a.shape[-2:]
        flat = a.reshape((int(np.prod(a.shape[:-2])), m, n))
        packed, tau = np.empty_like(flat), np.empty((len(flat), min(m, n)), a.dtype)
        for i, matrix in enumerate(flat):
            if min(m, n):
                h, t = np.linalg.qr(matrix, mode="raw")
                packed[i], tau[i] = h.T, t
        return (Tensor._make(packed.reshape(a.shape)),
                Tensor._make(tau.reshape(a.shape[:-2] + (min(m, n),))))

    @staticmethod
    def backward(ctx, g_a, g_tau):
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")

    @staticmethod
    def jvp(ctx, tangent):
        raise NotImplementedError("Trying to use forward AD with geqrf that does not support it because it has not "
                                  "been implemented yet.")


def _geqrf_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((np.asarray(rng.standard_normal(s)),)) for s in ((4, 3), (2, 3, 5), (1, 1))]


@op(out=True, samples=_geqrf_samples, differentiable=False)
def geqrf(input: Tensor) -> Any:
    """(a, tau): LAPACK's compact QR, whose reflectors orgqr and ormqr apply."""
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{input.dtype._legacy}'")
    return return_types.geqrf(*Geqrf.apply(input))


def _reflected(reflectors: Tensor, tau: Tensor, start: Tensor) -> Tensor:
    """H_1 H_2 ... H_k applied to `start` from the left, H_i = I - tau_i v_i v_i^T, v_i the i-th column of the
    reflectors below the diagonal with a 1 on it (written with Tensor ops: the gradient reaches both)."""
    m, n = reflectors.shape[-2:]
    unit = Tensor._make(np.eye(m, n, dtype=reflectors._data.dtype))
    vectors = tril(reflectors, -1) + unit
    if not tau.shape[-1]:  # no reflector: the start as it is, still a node of both (as torch's); the
        return start + reflectors.sum((-2, -1), keepdim=True) * 0  # reflectors may be (m, 0): ormqr's start is (m, m)
    out = start
    for i in reversed(range(tau.shape[-1])):
        v = vectors[..., :, i:i + 1]
        out = out - tau[..., i:i + 1].unsqueeze(-1) * matmul(v, matmul(_mT(v), out))
    return out


def _check_reflectors(input: Tensor, tau: Tensor, name: str) -> None:
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if tau.ndim != input.ndim - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {input.ndim}")


def _householder_samples(rng: np.random.Generator) -> list[Sample]:
    def pair(shape: tuple, k: int) -> Sample:
        return Sample((np.asarray(rng.standard_normal(shape)), np.asarray(rng.random(shape[:-2] + (k,)) + 0.5)))
    return [pair((3, 2), 2), pair((2, 3, 2), 1), pair((1, 1), 1)]  # (small: gradgradcheck loops over each)


@op(out=True, samples=_householder_samples)
def orgqr(input: Tensor, tau: Tensor) -> Tensor:
    """The first n columns of Q = H_1 ... H_k from geqrf's (input, tau): linalg.householder_product."""
    name = "torch.linalg.householder_product"
    _check_reflectors(input, tau, name)
    if input.shape[-2] < input.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if input.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if tau.dtype is not input.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype._legacy} does not match input dtype {input.dtype._legacy}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"orgqr_cpu\" not implemented for '{input.dtype._legacy}'")
    m, n = input.shape[-2:]
    start = Tensor._make(np.broadcast_to(np.eye(m, n, dtype=input._data.dtype), input.shape).copy())
    return composite(_reflected(input, tau, start), "LinalgHouseholderProductBackward0", input, tau)


def _ormqr_samples(rng: np.random.Generator) -> list[Sample]:
    def triple(shape: tuple, k: int, other: tuple, **kwargs: Any) -> Sample:
        return Sample((np.asarray(rng.standard_normal(shape)), np.asarray(rng.random(shape[:-2] + (k,)) + 0.5),
                       np.asarray(rng.standard_normal(other))), kwargs)
    return [triple((3, 2), 2, (3, 2)), triple((2, 3, 2), 2, (2, 2, 3), left=False, transpose=True)]


@op(out=True, samples=_ormqr_samples)
def ormqr(input: Tensor, tau: Tensor, other: Tensor, left: bool = True, transpose: bool = False) -> Tensor:
    """op(Q) @ other (left) or other @ op(Q), Q = H_1 ... H_k the full square product of geqrf's reflectors,
    op(Q) = Q^T with transpose."""
    name = "torch.ormqr"
    _check_reflectors(input, tau, name)
    if other.ndim < 2:
        raise RuntimeError(f"{name}: other must have at least 2 dimensions.")
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"{name}: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"{name}: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1])")
    if other.shape[:-2] != input.shape[:-2]:
        raise RuntimeError(f"{name}: Expected batch dimensions of other to be equal to input.shape[:-2], but got "
                           f"{list(other.shape[:-2])}")
    if other.dtype is not input.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but input has dtype"
                           f"{input.dtype._legacy} and other has dtype {other.dtype._legacy}")
    m = input.shape[-2]
    eye = Tensor._make(np.broadcast_to(np.eye(m, dtype=input._data.dtype), input.shape[:-2] + (m, m)).copy())
    q = _reflected(input, tau, eye)
    q = _mT(q) if transpose else q
    return composite(matmul(q, other) if left else matmul(other, q), "OrmqrBackward0", input, tau, other)

"""torch.linalg: the decompositions of ops/decompositions.py and the norms, products and solvers
built from them, under torch.linalg's names and signatures.

Not built: the complex-valued `eig` and `eigvals` (real dtypes only here), `ldl_factor`,
`ldl_factor_ex`, `ldl_solve` and `householder_product`. `solve_ex` raises on a singular input, as
with `check_errors=True`; `inv_ex` and `cholesky_ex` report it in `info`, as torch's.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import return_types
from ..argcheck import as_called, overload_error, type_name
from ..core.function import rename
from ..core.tensor import Tensor
from ..ops import reduce as _reduce
from ..ops.decompositions import (
    SolveTriangular,
    _LinAlgError,
    check_float,
    det,
    eigh,
    eigvalsh,
    inv,
    inv_ex,
    matrix_exp,
    pinv,
    solve,
    svdvals,
)
from ..ops.decompositions import linalg_cholesky as cholesky
from ..ops.decompositions import linalg_cholesky_ex as cholesky_ex
from ..ops.decompositions import linalg_qr as qr
from ..ops.decompositions import linalg_slogdet as slogdet
from ..ops.decompositions import linalg_svd as svd
from ..ops.decompositions import orgqr as householder_product
from ..ops.linalg import check_multi_dot, matmul, matrix_power
from ..ops.linalg import linalg_cross as cross
from ..ops.lu import lu, lu_factor, lu_factor_ex, lu_solve
from ..ops.shape import cat, tril, triu, wrap_dim
from ..ops.shape import diagonal as _diagonal
from ..surface.functions import accepts_out

LinAlgError = _LinAlgError


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False) -> Any:
    X = solve(A, B, left=left)
    return return_types.linalg_solve_ex(X, Tensor._make(np.zeros(A.shape[:-2], dtype=np.int32)))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False) -> Tensor:
    """X with A X = B for a triangular A (only its upper or lower triangle is read; with
    unitriangular, its diagonal is taken as ones). The gradient reaches that triangle only."""
    check_float(A, "linalg.solve_triangular")
    if not left:
        return solve_triangular(A.transpose(-2, -1), B.transpose(-2, -1), upper=not upper,
                                unitriangular=unitriangular).transpose(-2, -1)
    triangle = triu(A, 1 if unitriangular else 0) if upper else tril(A, -1 if unitriangular else 0)
    if unitriangular:
        triangle = triangle + Tensor._make(np.eye(A.shape[-1], dtype=A._data.dtype))
    return rename(SolveTriangular.apply(triangle, B, upper), "LinalgSolveTriangularBackward0")


@as_called("linalg_vector_norm")  # (a keepdim or dtype refused by name: no position in the message)
def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over dim (all by default); ord inf/-inf give max/min |x|, ord 0 counts nonzeros."""
    if ord is None or isinstance(ord, str):  # torch.norm's None and 'fro' are not a vector norm's ord
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type_name(ord)}")
    return rename(_reduce.norm_along(x, ord, dim, keepdim, dtype), "LinalgVectorNormBackward0")


@as_called("linalg_matrix_norm", _reduce.MATRIX_NORM_SIGNATURES)
def matrix_norm(A: Tensor, ord: Any = "fro", dim: tuple = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """'fro', 'nuc' (sum of singular values), 2 / -2 (largest / smallest singular value),
    1 / -1 (max / min column sum of |A|), inf / -inf (max / min row sum)."""
    _keepdim_of_overloads("linalg_matrix_norm", keepdim)
    x = A if dtype is None else A.to(dtype)
    check_float(x, "linalg.matrix_norm")
    if x.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    rows, cols = _matrix_dims(dim, x.ndim)
    if ord == "fro":
        return vector_norm(x, 2, (rows, cols), keepdim)
    moved = x.movedim((rows, cols), (-2, -1))
    if ord in ("nuc", 2, -2):
        s = svdvals(moved)
        if ord == 2 and not s.shape[-1]:  # torch: the largest of no singular values is 0, outside the graph
            result = Tensor._make(np.zeros(s.shape[:-1], s._data.dtype))
        else:
            result = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
    elif ord in (1, -1, math.inf, -math.inf):
        sums = moved.abs().sum(-2 if ord in (1, -1) else -1)
        if not sums.shape[-1] and ord > 0:  # torch: the largest of no sums is 0, outside the graph
            result = Tensor._make(np.zeros(sums.shape[:-1], sums._data.dtype))
        else:  # (the smallest of none is amin's error, naming the dim counted from the front)
            result = sums.amax(sums.ndim - 1) if ord > 0 else sums.amin(sums.ndim - 1)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if keepdim:
        for d in sorted((rows, cols)):
            result = result.unsqueeze(d)
    return result


def _matrix_dims(dim: Any, ndim: int) -> tuple[int, int]:
    """The two dims a matrix norm reduces, non-negative; torch's errors for another count or a repeated dim."""
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + " ".join(str(d) for d in dim))
    rows, cols = (wrap_dim(d, ndim) for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, {cols})")
    return rows, cols


# torch's linalg_norm overloads, as its parser lists them
_NORM_SIGNATURES = tuple(f"(Tensor input, {ord}, tuple of ints dim = None, bool keepdim = False, *, torch.dtype dtype = "
                         "None, Tensor out = None)" for ord in ("Number ord = None", "str ord"))


def _keepdim_of_overloads(name: str, keepdim: Any) -> None:
    """A keepdim that is not a bool fits none of the op's overloads (as_called lists them)."""
    if not isinstance(keepdim, bool):
        raise overload_error(name, f"{name}(): argument 'keepdim' must be bool, not {type_name(keepdim)}")


@as_called("linalg_norm", _NORM_SIGNATURES)
def norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """A vector norm, or with a 2-D input (or two dims) and an ord, a matrix norm."""
    _keepdim_of_overloads("linalg_norm", keepdim)
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):  # 'fro' and 'nuc' are matrix norms only: over two dims, of a matrix
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    if (dim is not None and len(dim) == 2) or (dim is None and A.ndim == 2):
        return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
    if dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.ndim}D.")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def cond(A: Tensor, p: Any = None) -> Tensor:
    """The condition number: the 2-norm one (largest / smallest singular value) unless p is given."""
    if p is None or p in (2, -2):
        s = svdvals(A)
        return s.amax(-1) / s.amin(-1) if p != -2 else s.amin(-1) / s.amax(-1)
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def _check_single_or_double(*tensors: Tensor) -> None:
    """matrix_rank's and lstsq's kernels take float32 and float64 only."""
    if any(t._data.dtype not in (np.float32, np.float64) for t in tensors):
        raise RuntimeError("This function doesn't handle types other than float and double")


def matrix_rank(A: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The number of singular values (|eigenvalues| of the lower triangle, with hermitian) above
    max(atol, rtol * largest); rtol defaults to eps * max(m, n) where atol is not positive, else 0. atol and
    rtol may be numbers or tensors broadcasting with the batch."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    _check_single_or_double(A)
    if hermitian:
        s = np.abs(eigvalsh(A)._data)
    else:
        s = np.linalg.svd(A._data, compute_uv=False) if A.numel() else np.zeros(A.shape[:-2] + (0,), A._data.dtype)
    largest = s.max(-1, initial=0.0)
    absolute = np.asarray(0.0 if atol is None else atol._data if isinstance(atol, Tensor) else atol)
    if rtol is None:
        default = np.finfo(A._data.dtype).eps * max(A.shape[-2:])
        rtol = default if atol is None else np.where(absolute > 0, 0.0, default)
    relative = np.asarray(rtol._data if isinstance(rtol, Tensor) else rtol)
    tol = np.maximum(absolute, relative * largest)
    return Tensor._make(np.asarray((s > tol[..., None]).sum(-1), dtype=np.int64))


def _check_tensor_list(tensors: Any) -> None:
    """torch's parser on multi_dot's list: a list or tuple (a matrix's rows are not one), of tensors only."""
    if not isinstance(tensors, (tuple, list)):
        raise TypeError("linalg_multi_dot(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type_name(tensors)}")
    wrong = next((i for i, t in enumerate(tensors) if not isinstance(t, Tensor)), None)
    if wrong is not None:
        raise TypeError(f"expected Tensor as element {wrong} in argument 0, but got {type_name(tensors[wrong])}")


def multi_dot(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """tensors[0] @ tensors[1] @ ...; the first may be a row vector and the last a column vector."""
    _check_tensor_list(tensors)
    check_multi_dot(tensors)
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    result = rename(result, "ViewBackward0")
    return result if out is None else out.copy_(result)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product along dim, broadcasting the rest."""
    return (x * y).sum(dim)


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """Columns x^0, x^1, ..., x^(N-1) (increasing powers, as torch.linalg.vander)."""
    n = x.shape[-1] if N is None else N
    if n < 1:
        raise RuntimeError("N must be greater than 1.")
    powers = [x.unsqueeze(-1) ** 0 * 1] + [x.unsqueeze(-1) ** k for k in range(1, n)]
    return cat(powers, -1)


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: str | None = None) -> Any:
    """The least-squares solution X of A X = B (by the pseudo-inverse), and what torch's LAPACK driver
    reports beside it: the rank (not 'gels'), the singular values ('gelsd', 'gelss'), and the squared
    residuals of each column when A is tall and of full rank (not 'gelsy', the default); else empty."""
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype is not B.dtype:
        raise RuntimeError("torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype "
                           f"{A.dtype._legacy} and other's dtype {B.dtype._legacy}")
    vector = B.ndim == A.ndim - 1
    if A.shape[-2] != B.shape[-1 if vector else -2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size({-1 if vector else -2})")
    _check_single_or_double(A)
    b = B.unsqueeze(-1) if vector else B
    X = rename(matmul(pinv(A, rtol=rcond), b), "LinalgLstsqBackward0")
    empty = Tensor._make(np.empty((0,), dtype=A._data.dtype))
    rank = matrix_rank(A) if driver != "gels" else Tensor._make(np.empty((0,), dtype=np.int64))
    singular_values = svdvals(A).detach() if driver in ("gelsd", "gelss") else empty
    residuals = empty
    m, n = A.shape[-2:]
    if driver not in (None, "gelsy") and m > n and (driver == "gels" or bool((rank == n).all())):
        residuals = rename(((matmul(A, X) - b) ** 2).sum(-2), "LinalgLstsqBackward0")
    return return_types.linalg_lstsq(X.squeeze(-1) if vector else X, residuals, rank, singular_values)


def tensorinv(A: Tensor, ind: int = 2) -> Tensor:
    """The inverse of A seen as a matrix from its first `ind` dims to the rest."""
    rows, cols = A.shape[:ind], A.shape[ind:]
    if math.prod(rows) != math.prod(cols):
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {math.prod(cols)} != {math.prod(rows)}")
    return inv(A.reshape((math.prod(rows), math.prod(cols)))).reshape(tuple(cols) + tuple(rows))


def tensorsolve(A: Tensor, B: Tensor, dims: Any = None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B."""
    if dims is not None:
        A = A.movedim(tuple(dims), tuple(range(A.ndim - len(dims), A.ndim)))
    rest = A.shape[B.ndim:]
    X = solve(A.reshape((B.numel(), math.prod(rest))), B.reshape((B.numel(),)))
    return X.reshape(tuple(rest))


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """torch.diagonal, by default of each matrix of a batch (its last two dims): a view."""
    return _diagonal(A, offset, dim1, dim2)


# Every torch.linalg function takes out= but matrix_exp, vander and diagonal (multi_dot reads its own).
for _name in ("cholesky", "cholesky_ex", "cond", "cross", "det", "eigh", "eigvalsh", "inv", "inv_ex", "lstsq", "lu",
              "householder_product", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "norm",
              "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv",
              "tensorsolve", "vecdot", "vector_norm"):
    globals()[_name] = accepts_out(globals()[_name], name="linalg_" + _name)
del _name

__all__ = [
    "LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
    "householder_product", "inv", "inv_ex",
    "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
    "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander",
    "vecdot", "vector_norm",
]

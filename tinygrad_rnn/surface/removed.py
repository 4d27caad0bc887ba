"""Functions torch 1.9 deprecated and later removed, which torch still names: calling one raises
torch's RuntimeError (code written for older torch fails as it does on torch, not with a missing
attribute), in torch's words, saying what replaces it. Each keeps torch's parameters, so a call
missing an argument fails as Python fails it on torch."""
from __future__ import annotations

from typing import Any, NoReturn

from ..core.tensor import Tensor

_REMOVED = "This function was deprecated since version 1.9 and is now removed."
MESSAGES = {
    "matrix_rank": f"{_REMOVED}\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter "
                   "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.",
    "solve": f"{_REMOVED} `torch.solve` is deprecated in favor of `torch.linalg.solve`. `torch.linalg.solve` has its "
             "arguments reversed and does not return the LU factorization.\n\nTo get the LU factorization see "
             "`torch.lu`, which can be used with `torch.lu_solve` or `torch.lu_unpack`.\n"
             "X = torch.solve(B, A).solution should be replaced with:\nX = torch.linalg.solve(A, B)",
    "lstsq": f"{_REMOVED} `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has "
             "reversed arguments and does not return the QR decomposition in the returned tuple (although it returns "
             "other information about the problem).\n\nTo get the QR decomposition consider using `torch.linalg.qr`."
             "\n\nThe returned solution in `torch.lstsq` stored the residuals of the solution in the last m - n "
             "columns of the returned value whenever m > n. In torch.linalg.lstsq, the residuals are in the field "
             "'residuals' of the returned named tuple.\n\nThe unpacking of the solution, as in\n"
             "X, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced with:\n"
             "X = torch.linalg.lstsq(A, B).solution",
    "symeig": f"{_REMOVED} The default behavior has changed from using the upper triangular portion of the matrix by "
              "default to using the lower triangular portion.\n\nL, _ = torch.symeig(A, upper=upper) should be "
              "replaced with:\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\n"
              "L, V = torch.symeig(A, eigenvectors=True) should be replaced with:\n"
              "L, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')",
    "eig": f"{_REMOVED} `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real "
           "tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be replaced with:\n"
           "L_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = torch.eig(A, eigenvectors=True) should be replaced "
           "with:\nL_complex, V_complex = torch.linalg.eig(A)",
}


def matrix_rank(input: Any, tol: Any = None, symmetric: bool = False, *, out: Any = None) -> NoReturn:
    """Removed from torch: raises RuntimeError naming torch.linalg.matrix_rank."""
    raise RuntimeError(MESSAGES["matrix_rank"])


def solve(input: Tensor, A: Tensor, *, out: Any = None) -> NoReturn:
    """Removed from torch: raises RuntimeError naming torch.linalg.solve."""
    raise RuntimeError(MESSAGES["solve"])


def lstsq(input: Tensor, A: Tensor, *, out: Any = None) -> NoReturn:
    """Removed from torch: raises RuntimeError naming torch.linalg.lstsq."""
    raise RuntimeError(MESSAGES["lstsq"])


def _symeig(input: Any, eigenvectors: bool = False, upper: bool = True, *, out: Any = None) -> NoReturn:
    """Removed from torch (torch.symeig, under this name in torch too): raises RuntimeError naming torch.linalg.eigh."""
    raise RuntimeError(MESSAGES["symeig"])


def eig(self: Tensor, eigenvectors: bool = False, *, e: Any = None, v: Any = None) -> NoReturn:
    """Removed from torch: raises RuntimeError naming torch.linalg.eig."""
    raise RuntimeError(MESSAGES["eig"])


FUNCTIONS = {"solve": solve, "eig": eig, "lstsq": lstsq, "symeig": _symeig, "matrix_rank": matrix_rank}


# the Tensor methods, with the parameters of torch's (which call the functions above)
def _solve_method(self: Tensor, other: Tensor) -> NoReturn:
    return solve(self, other)


def _lstsq_method(self: Tensor, other: Tensor) -> NoReturn:
    return lstsq(self, other)


def _eig_method(self: Tensor, eigenvectors: bool = False) -> NoReturn:
    return eig(self, eigenvectors=eigenvectors)


def _symeig_method(self: Tensor, eigenvectors: bool = False) -> NoReturn:
    return _symeig(self, eigenvectors=eigenvectors)


METHODS = {"solve": _solve_method, "lstsq": _lstsq_method, "eig": _eig_method, "symeig": _symeig_method}


def install() -> None:
    """The removed methods on Tensor (the surface calls this once, at import)."""
    for name, method in METHODS.items():
        method.__name__, method.__qualname__ = name, f"Tensor.{name}"
        setattr(Tensor, name, method)

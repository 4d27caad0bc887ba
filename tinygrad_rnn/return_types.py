"""The named tuples that `max(dim)`, `sort`, `topk`, ... return, printed as torch prints them:

    torch.return_types.max(
    values=tensor([2., 4.]),
    indices=tensor([1, 1]))
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

from .argcheck import TorchClass


def _make(name: str, fields: tuple[str, ...] = ("values", "indices")) -> type:
    base = namedtuple(name, fields)  # type: ignore[misc]
    n = len(fields)

    def __new__(cls: type, *args: Any) -> Any:
        """torch's form: one sequence of the fields; ops here also pass them as arguments."""
        if len(args) == 1 and n > 1:
            if not hasattr(args[0], "__len__"):
                raise TypeError("constructor requires a sequence")
            args = tuple(args[0])
            if len(args) != n:
                raise TypeError(f"torch.return_types.{name}() takes a {n}-sequence ({len(args)}-sequence given)")
        elif not args:
            raise TypeError("structseq() missing required argument 'sequence' (pos 1)")
        return base.__new__(cls, *args)

    def __repr__(self: Any) -> str:
        shown = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{shown})"

    cls = TorchClass(name, (base,), {"__slots__": (), "__new__": __new__, "__repr__": __repr__, "__module__": __name__})
    return cls


max = _make("max")  # noqa: A001 - torch.return_types.max
min = _make("min")  # noqa: A001
topk = _make("topk")
sort = _make("sort")
kthvalue = _make("kthvalue")
median = _make("median")
mode = _make("mode")
cummax = _make("cummax")
cummin = _make("cummin")
nanmedian = _make("nanmedian")
frexp = _make("frexp", ("mantissa", "exponent"))
aminmax = _make("aminmax", ("min", "max"))
slogdet = _make("slogdet", ("sign", "logabsdet"))
qr = _make("qr", ("Q", "R"))
svd = _make("svd", ("U", "S", "V"))
geqrf = _make("geqrf", ("a", "tau"))
# What torch.sort(x, out=(values, indices)) and the like return: the same fields, another name.
topk_out = _make("topk_out")
sort_out = _make("sort_out")
kthvalue_out = _make("kthvalue_out")
median_out = _make("median_out")
svd_out = _make("svd_out", ("U", "S", "V"))
max_out = _make("max_out")
min_out = _make("min_out")
mode_out = _make("mode_out")
cummax_out = _make("cummax_out")
cummin_out = _make("cummin_out")
nanmedian_out = _make("nanmedian_out")
frexp_out = _make("frexp_out", ("mantissa", "exponent"))
aminmax_out = _make("aminmax_out", ("min", "max"))
slogdet_out = _make("slogdet_out", ("sign", "logabsdet"))
qr_out = _make("qr_out", ("Q", "R"))
geqrf_out = _make("geqrf_out", ("a", "tau"))
linalg_slogdet = _make("linalg_slogdet", ("sign", "logabsdet"))
linalg_qr = _make("linalg_qr", ("Q", "R"))
linalg_svd = _make("linalg_svd", ("U", "S", "Vh"))
linalg_eigh = _make("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_inv_ex = _make("linalg_inv_ex", ("inverse", "info"))
triangular_solve = _make("triangular_solve", ("solution", "cloned_coefficient"))
linalg_lu_factor_ex = _make("linalg_lu_factor_ex", ("LU", "pivots", "info"))
lu_unpack = _make("lu_unpack", ("P", "L", "U"))
_lu_with_info = _make("_lu_with_info", ("LU", "pivots", "info"))
linalg_cholesky_ex = _make("linalg_cholesky_ex", ("L", "info"))
linalg_solve_ex = _make("linalg_solve_ex", ("result", "info"))
linalg_lstsq = _make("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_lu_factor = _make("linalg_lu_factor", ("LU", "pivots"))
linalg_lu = _make("linalg_lu", ("P", "L", "U"))
triangular_solve_out = _make("triangular_solve_out", ("solution", "cloned_coefficient"))
lu_unpack_out = _make("lu_unpack_out", ("P", "L", "U"))
# torch.linalg's results written into out=
linalg_slogdet_out = _make("linalg_slogdet_out", ("sign", "logabsdet"))
linalg_qr_out = _make("linalg_qr_out", ("Q", "R"))
linalg_svd_out = _make("linalg_svd_out", ("U", "S", "Vh"))
linalg_eigh_out = _make("linalg_eigh_out", ("eigenvalues", "eigenvectors"))
linalg_inv_ex_out = _make("linalg_inv_ex_out", ("inverse", "info"))
linalg_lu_factor_ex_out = _make("linalg_lu_factor_ex_out", ("LU", "pivots", "info"))
linalg_cholesky_ex_out = _make("linalg_cholesky_ex_out", ("L", "info"))
linalg_solve_ex_out = _make("linalg_solve_ex_out", ("result", "info"))
linalg_lstsq_out = _make("linalg_lstsq_out", ("solution", "residuals", "rank", "singular_values"))
linalg_lu_factor_out = _make("linalg_lu_factor_out", ("LU", "pivots"))
linalg_lu_out = _make("linalg_lu_out", ("P", "L", "U"))
histogram = _make("histogram", ("hist", "bin_edges"))
histogram_out = _make("histogram_out", ("hist", "bin_edges"))
histogramdd = _make("histogramdd", ("hist", "bin_edges"))

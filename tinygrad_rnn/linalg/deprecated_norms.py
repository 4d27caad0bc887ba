"""torch.frobenius_norm and torch.nuclear_norm: torch keeps them for TorchScript and warns once that
torch.linalg's norms replace them. They compute torch.linalg.vector_norm(A, 2, dim) and
torch.linalg.matrix_norm(A, 'nuc', dim), with their gradients."""
from __future__ import annotations

from typing import Any

from ..argcheck import bool_arg, int_list_arg, invalid_combination, wrong_out_dtype
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..surface.functions import accepts_out
from ..surface.ops import parser_errors
from ..surface.out_rules import OutRules
from . import matrix_norm, vector_norm

_SOURCE = "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp"


def _deprecated(name: str, replacement: str, line: int) -> None:
    warn_once(f"{name}:{line}", f"at::{name} is deprecated and it is just left for JIT compatibility. It will be "
              f"removed in a future PyTorch release. Please use `{replacement}` instead (Triggered internally at "
              f"{_SOURCE}:{line}.)", stacklevel=3)


def frobenius_norm(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """The 2-norm of the elements over `dim` (at most two dims; () is all of them)."""
    dims = int_list_arg("frobenius_norm", "dim", dim, 2, scalar_ok=True)
    keepdim = bool_arg("frobenius_norm", "keepdim", keepdim, 3)
    _deprecated("frobenius_norm", "linalg.vector_norm(A, 2., dim, keepdim)", 3175)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions instead.")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{input.dtype._legacy} instead.")
    return vector_norm(input, 2, dims, keepdim)


_NUCLEAR_SIGNATURES = ("(Tensor input, tuple of ints dim, bool keepdim = False, *, Tensor out = None)",
                       "(Tensor input, bool keepdim = False, *, Tensor out = None)")


def nuclear_norm(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """The sum of the singular values: `nuclear_norm(A, keepdim=False)` over the last two dims, or
    `nuclear_norm(A, dim, keepdim=False)` over the two dims named (one int names the same dim twice)."""
    keepdim_first = bool(args) and isinstance(args[0], bool)  # (the overload without dim)
    given = {**dict(zip(("keepdim",) if keepdim_first else ("dim", "keepdim"), args)), **kwargs}
    if len(args) > 2 or set(given) - {"dim", "keepdim"} or len(given) != len(args) + len(kwargs) \
            or not isinstance(given.get("keepdim", False), bool) or (keepdim_first and "dim" in given):
        raise invalid_combination("nuclear_norm", (input, *args), _NUCLEAR_SIGNATURES, kwargs)
    dim = given.get("dim", (-2, -1))
    if isinstance(dim, (float, str)) or dim is None:
        raise invalid_combination("nuclear_norm", (input, *args), _NUCLEAR_SIGNATURES, kwargs)
    _deprecated("nuclear_norm", "linalg.matrix_norm(A, 'nuc', dim, keepdim)", 3229)
    dims = (dim, dim) if isinstance(dim, int) else dim  # (torch's `int[2]`: one int stands for both)
    return matrix_norm(input, "nuc", dims, given.get("keepdim", False))


# out= must have the result's dtype, refused in the words of the kernel each calls
frobenius_norm = accepts_out(parser_errors(frobenius_norm, "frobenius_norm"),  # (torch's words for missing arguments)
                             OutRules(exact_dtype=wrong_out_dtype))
nuclear_norm = accepts_out(nuclear_norm, OutRules(exact_dtype=lambda result, out: f"linalg.matrix_norm expected out "
                                                  f"tensor dtype {result._legacy} but got: {out._legacy}"))

"""Functions torch 1.9 deprecated and later removed, which torch still names: calling one raises
torch's RuntimeError (code written for older torch fails as it does on torch, not with a missing
attribute), saying what replaces it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from ..core.tensor import Tensor

REPLACEMENTS = {
    "solve": "torch.linalg.solve (its arguments reversed: torch.solve(B, A) is torch.linalg.solve(A, B))",
    "eig": "torch.linalg.eig or torch.linalg.eigvals (complex results; not built here)",
    "lstsq": "torch.linalg.lstsq (its arguments reversed: torch.lstsq(B, A) is torch.linalg.lstsq(A, B))",
    "symeig": "torch.linalg.eigh or torch.linalg.eigvalsh (which read the lower triangle by default)",
    "matrix_rank": "torch.linalg.matrix_rank (its 'symmetric' is now 'hermitian')",
}
METHODS = ("solve", "eig", "lstsq", "symeig")  # torch.Tensor keeps these names too


def _removed(name: str) -> Callable[..., NoReturn]:
    def removed(*args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError(f"This function was deprecated since version 1.9 and is now removed. Use "
                           f"{REPLACEMENTS[name]}.")
    removed.__name__ = removed.__qualname__ = name
    removed.__doc__ = f"Removed from torch: raises RuntimeError naming {REPLACEMENTS[name].split(' ')[0]}."
    return removed


FUNCTIONS = {name: _removed(name) for name in REPLACEMENTS}


def install() -> None:
    """The removed methods on Tensor (the surface calls this once, at import)."""
    for name in METHODS:
        setattr(Tensor, name, FUNCTIONS[name])

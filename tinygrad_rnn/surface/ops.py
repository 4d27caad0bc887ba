"""Bind every declared op (ops/declare.py) as torch spells it: `torch.X`, `Tensor.X`, `Tensor.X_`.

For each `@op` declaration:

- `Tensor.X` is the declared function itself (its first parameter, `input`, is the tensor the
  method is called on), so a method call costs no extra Python call;
- `Tensor.X_` writes the result back into the tensor (`_assign`, in tensor_methods.py), after
  checking that the result has the tensor's shape, as torch does;
- `torch.X` is the declared function, or, where torch's takes `out=`, the function with `out=`;
- every alias (`torch.arcsin` for `asin`) is bound the same way under its own name.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.tensor import Tensor
from ..ops import (  # noqa: F401  (importing them runs their @op declarations)
    compare,
    decompositions,
    indexing,
    linalg,
    logical,
    pointwise,
    pointwise_more,
    reduce,
    shape,
    special,
    statistics,
)
from ..ops.declare import DECLARED, OpDecl
from .functions import accepts_out


def _inplace(fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    """`t.X_(...)`: t takes the value of X(t, ...), which must have t's shape."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return self._assign(self._inplace_result_shape(fn(self, *args, **kwargs)))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place `{fn.__name__}`: the tensor takes the value of `{fn.__name__}(tensor, ...)`."
    return method


def _names(decl: OpDecl) -> tuple[str, ...]:
    return (decl.name, *decl.aliases)


def bind_methods() -> None:
    """Tensor.X and Tensor.X_ for every declared op (once, when the package is imported)."""
    for decl in DECLARED.values():
        for name in _names(decl):
            if decl.method:
                _set_new(Tensor, name, decl.function)
            if decl.inplace:
                _set_new(Tensor, name + "_", _inplace(decl.function, name + "_"))


def export(namespace: dict[str, Any]) -> None:
    """torch.X for every declared op, into the package's namespace."""
    for decl in DECLARED.values():
        public = accepts_out(decl.function) if decl.out else decl.function
        for name in _names(decl):
            namespace[name] = public


def _set_new(cls: type, name: str, member: Any) -> None:
    """Bind a declared op; a method of the same name written by hand would be a second definition."""
    if name in vars(cls):
        raise RuntimeError(f"Tensor.{name} is both declared as an op and written as a method")
    setattr(cls, name, member)

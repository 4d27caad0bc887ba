"""`torch.autograd.Variable`: the wrapper that tensors replaced in torch 0.4, kept so old code runs.

    x = Variable(torch.ones(2), requires_grad=True)   # today: torch.ones(2, requires_grad=True)

`Variable(t)` is a tensor sharing t's memory, outside any graph, that requires grad if asked;
`isinstance(t, Variable)` is true for every tensor, as in torch.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..core.tensor import Tensor
from ..creation import _finish, tensor


class _VariableMeta(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """Variable(data, requires_grad=False): see the module docstring. `volatile` only warns, as in torch."""

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            return tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return _finish(data.detach(), bool(requires_grad))  # the factories' wording for an integer dtype


def variable(*args: Any, **kwargs: Any) -> Any:
    """Removed in torch: calling it raises torch's error."""
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) instead")

"""`Parameter`: a tensor that a `Module` treats as one of its learnable weights.

    >>> import tinygrad_rnn as torch
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> w
    Parameter containing:
    tensor([1., 1.], requires_grad=True)

Being a Parameter changes nothing about the math: it is an ordinary leaf tensor that requires grad.
What it changes is registration: assigning one to a module attribute (`self.w = Parameter(...)`)
adds it to `module.parameters()`, which is what optimisers and `state_dict()` walk.
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..creation import empty


class Parameter(Tensor):
    """A leaf tensor that shares `data`'s memory and requires grad (unless told otherwise)."""

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = empty(0)
        array = data.detach()._data  # the same memory as `data`, as in torch (and `.detach` fails on non-tensors as there)
        param = object.__new__(cls)
        param._data = array
        if requires_grad and not param.dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param._requires_grad = bool(requires_grad)
        return param

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__ (Tensor's own __new__ is the legacy constructor)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Pickle (and copy.copy) must give back a Parameter, not the plain Tensor Tensor's reducer makes.
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data: Any, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(data), requires_grad)

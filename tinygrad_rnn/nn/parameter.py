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


class _BufferMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:  # a Buffer is a plain tensor marked as one, as in torch
        return isinstance(obj, Tensor) and getattr(obj, "_is_buffer", False)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Mark a tensor as a module's buffer: `self.running = nn.Buffer(torch.zeros(3))` registers it,
    as `register_buffer` does (`persistent=False` keeps it out of `state_dict()`).

    As in torch, what comes back is an ordinary tensor (detached from `data`'s graph) with a mark."""

    def __new__(cls, data: Any = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            data = empty(0)
        marked = data.detach().requires_grad_(data.requires_grad)
        marked.persistent = persistent
        marked._is_buffer = True
        return marked

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
from ..surface.printing import tensor_repr


class Parameter(Tensor):
    """A leaf tensor that shares `data`'s memory and requires grad (unless told otherwise)."""

    __module__ = "torch.nn.parameter"  # `type(p)` prints as torch's (pickling goes through _rebuild_parameter)

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = empty(0)
        alias = data.detach()  # the same memory as `data`, as in torch (and `.detach` fails on non-tensors as there)
        param = object.__new__(cls)
        param._data, param._inference = alias._data, alias._inference
        if requires_grad and not param.dtype.is_floating_point:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param.requires_grad = bool(requires_grad)  # (the setter's checks: an inference tensor outside the mode)
        return param

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__ (Tensor's own __new__ is the legacy constructor)

    def __repr__(self) -> str:
        if type(self) is Parameter:
            return "Parameter containing:\n" + tensor_repr(self)
        return f"Parameter containing:\nParameter({tensor_repr(self, type(self).__name__ + '(')})"  # torch's wording

    __str__ = __repr__

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Pickle (and copy.copy) must give back a Parameter, not the plain Tensor Tensor's reducer makes.
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data: Any, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(data), requires_grad)


class UninitializedTensorMixin:
    """A tensor whose shape is not known yet (it holds no values), for the Lazy layers: `materialize`
    gives it a shape, and it becomes `cls_to_become` in place, so whoever holds the object sees the change."""

    cls_to_become: type
    _data: Any

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Become a `cls_to_become` of `shape` (values not set), on `device` with `dtype` (this tensor's
        own when not given)."""
        data = empty(shape, device=device, dtype=self.dtype if dtype is None else dtype)  # type: ignore[attr-defined]
        if self.requires_grad and not data.dtype.is_floating_point:  # type: ignore[attr-defined]
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = data._data
        self.__class__ = self.cls_to_become

    @property
    def shape(self) -> Any:
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
                           "in `load_state_dict` when trying to load an uninitialized parameter into an initialized "
                           "one. Call `forward` to initialize the parameters before accessing their attributes.")

    def share_memory_(self) -> Any:
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize "
                           "the parameters before calling `module.share_memory()`.")

    def __getattribute__(self, name: str) -> Any:
        # Any Tensor method, called before the first forward, is a mistake (its values are not there yet):
        # torch refuses every one but a few conversions, so `sum(p.numel() for p in lazy.parameters())` fails
        # loudly instead of counting 0. Attributes (dtype, requires_grad, grad, data) stay readable.
        found = object.__getattribute__(self, name)
        if name in _ALLOWED_ON_UNINITIALIZED or name.startswith("_") or not callable(found):
            return found
        if name not in vars(UninitializedTensorMixin) and getattr(Tensor, name, None) is not None:
            return _refused(type(self).__name__, name)
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (type(self), (self.requires_grad,))


# What torch lets an uninitialized tensor do: ask its size and convert its dtype or device.
_ALLOWED_ON_UNINITIALIZED = frozenset({"size", "copy_", "is_complex", "is_floating_point", "half", "float", "double",
                                       "char", "short", "int", "long", "cuda", "cpu", "to", "get_device"})


def _refused(cls_name: str, name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"Attempted to use an uninitialized parameter in <method '{name}' of 'torch._C.TensorBase' "
                         "objects>. This error happens when you are using a `LazyModule` or explicitly manipulating "
                         f"`torch.nn.parameter.{cls_name}` objects. When using LazyModules Call `forward` with a "
                         "dummy batch to initialize the parameters before calling torch functions")
    return refuse


# Python looks operators up on the class, past __getattribute__: refuse them one by one.
for _op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
            "__matmul__", "__rmatmul__", "__pow__", "__rpow__", "__neg__", "__getitem__", "__setitem__", "__len__",
            "__iter__", "__iadd__", "__isub__", "__imul__", "__itruediv__", "__lt__", "__le__", "__gt__", "__ge__",
            "__bool__", "__float__", "__int__", "__abs__"):
    setattr(UninitializedTensorMixin, _op, lambda self, *args, _op=_op: _refused(type(self).__name__, _op[2:-2])())


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet; `materialize(shape)` makes it a Parameter."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> UninitializedParameter:
        return Parameter.__new__(cls, empty(0, device=device, dtype=dtype), requires_grad)  # type: ignore[return-value]

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet; `materialize(shape)` makes it a plain tensor."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device: Any = None,  # type: ignore[misc]
                dtype: Any = None) -> UninitializedBuffer:
        marker = object.__new__(cls)  # Tensor's own __new__ is the legacy constructor
        marker.__dict__.update(vars(empty(0, device=device, dtype=dtype, requires_grad=requires_grad)))
        return marker

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None) -> None:
        pass


def is_lazy(param: Any) -> bool:
    """Whether `param` is an uninitialized parameter or buffer, waiting for a Lazy layer's first input."""
    return isinstance(param, UninitializedTensorMixin)


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

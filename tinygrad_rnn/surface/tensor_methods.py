"""The torch-shaped methods of `Tensor`, bound onto the core class by `bind()`.

core/tensor.py holds what autograd needs. Everything else a torch user calls on a tensor is here:
conversions (`float(t)`, `t.to(...)`), operators, comparisons, in-place variants, `t[...] = v`,
and thin methods that hand over to the op functions in ops/. `bind()` copies each of them onto
`Tensor` once, at import, so `t.sum()` is an ordinary method call with no extra layer.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import numbers
import operator
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import random
from ..argcheck import (
    OPERAND_TYPES,
    ComplexUnsupported,
    NotAnOperand,
    class_name,
    complex_into,
    cpp_type_name,
    dtype_arg,
    invalid_combination,
    number_arg,
    size_arg,
    type_name,
)
from ..core import dtypes, engine, views
from ..core.function import rename
from ..core.modes import modes
from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import (
    UNINITIALIZED,
    _filled,
    _is_int,
    _size,
    callers_stacklevel,
    check_size,
    checked_fill,
    copy_into_tensor,
    tensor,
    warn_if_scalar_needs_grad,
)
from ..determinism import uninitialized
from ..device import check_cuda_call, check_device, device, device_arg, is_device_arg
from ..layout import (
    CHANNELS_LAST_ORDER,
    channels_last,
    check_layout,
    check_memory_format,
    check_pin_memory,
    layout,
    memory_format,
    physical_dim_order,
    strided,
)
from ..ops import compare as _cmp
from ..ops import indexing as _ix
from ..ops import linalg as _la
from ..ops import logical as _lg
from ..ops import lu as _lu
from ..ops import pointwise as _pw
from ..ops import pointwise_more as _pm
from ..ops import reduce as _rd
from ..ops import shape as _sh
from ..ops.cast import Cast, PromotionCast
from ..ops.composite import composite
from ..ops.linalg import MatMul
from ..ops.pointwise import Add, Clone, Div, Mul, _binary, half_times_wide_scalar
from ..ops.promotion import as_operand, as_tensor_or_number
from ..ops.shape import normalize_dim
from . import unsupported_dtypes
from .assignment import (
    assignable_number,
    byte_masks_warned_before,
    check_put_dtype,
    check_value_shape,
    copy_shape_error,
    is_advanced,
    is_index_put,
    routes_to_masked_fill,
)
from .factories import empty_strided
from .histogram import METHOD_SIGNATURES as HISTOGRAM_METHOD_SIGNATURES
from .histogram import histogram
from .legacy import (
    CUDA_INIT_ERROR,
    LEGACY_BY_NAME,
    alias_of,
    check_legacy_arguments,
    keyword_form,
    legacy_new,
    refuse_other_devices,
)
from .ops import raise_if_uncastable, renumbered
from .overlap import check_inputs
from .printing import tensor_repr
from .settings import warn_once
from .storage import (
    LEGACY_STORAGES,
    TypedStorage,
    UntypedStorage,
    is_shared_memory,
    moved_to_shared_memory,
    storage_array,
    warn_typed_storage_removal,
)

_OPERANDS = OPERAND_TYPES  # what torch's operators take (an array, a list, None: NotImplemented)


def _operator(op: Callable[[Any, Any], Any]) -> Callable[[Tensor, Any], Any]:
    """`self <op> other`: op(self, other), or NotImplemented where torch's parser refuses `other` (see NotAnOperand)."""

    def operator(self: Tensor, other: Any) -> Any:
        try:
            return op(self, other)
        except NotAnOperand:
            return NotImplemented

    operator.__name__ = operator.__qualname__ = op.__name__
    return operator


def _reflected(op: Callable[[Any, Any], Any]) -> Callable[[Tensor, Any], Any]:
    """`other <op> self`, run when `other` could not: op(other, self), or NotImplemented as `_operator`."""

    def reflected(self: Tensor, other: Any) -> Any:
        try:
            return op(other, self)
        except NotAnOperand:
            return NotImplemented

    reflected.__name__ = reflected.__qualname__ = op.__name__
    return reflected


def _false(self: Tensor) -> bool:
    return False


def _converts_to(dtype: dtypes.dtype, name: str) -> Any:
    """The conversion method `t.<name>()`: `t.to(dtype)`, memory_format passed on."""
    def convert(self: Tensor, *, memory_format: Any = None) -> Tensor:
        return self.to(dtype, memory_format=memory_format)

    convert.__name__, convert.__qualname__ = name, f"Tensor.{name}"
    return convert


_CORE_REQUIRES_GRAD = Tensor.requires_grad
_ENGINE_BACKWARD = engine._tensor_backward  # the core's t.backward, which takes inputs as a tensor, tuple or list


def _dim_of(method: str, dim: Any, ndim: int) -> int:
    """size(dim) and stride(dim): torch's parser, then its check (a 0-d tensor has no dim to name)."""
    if isinstance(dim, builtins.bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"{method}(): argument 'dim' (position 1) must be int, not {type_name(dim)}")
    if not ndim:
        raise IndexError(f"Dimension specified as {dim.__index__()} but tensor has no dimensions")
    return normalize_dim(dim, ndim)



DETACH_VIEW = (  # torch's text, all of it
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, "
    "and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be "
    "called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
    "torch/optim/optimizer.py as the solution."
)


def _legacy_sizes(args: tuple) -> tuple:
    """`t.new(2, 3)`'s sizes: ints, or one torch.Size; anything else is torch's TypeError naming its position."""
    sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
    for position, size in enumerate(sizes, 1):
        if not hasattr(size, "__index__"):  # a later entry may be a bool, as in torch
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {position} with error "
                            f'"type must be tuple of ints,but got {type_name(size)}"')
    return tuple(operator.index(size) for size in sizes)


def _write(data: np.ndarray, values: np.ndarray) -> None:
    """Copy `values` into a tensor's memory, cast as torch casts. An expanded tensor (read-only in numpy, one
    element at several places) is written through to the memory underneath, only where the value changes:
    torch's kernels write only the elements they set, so masked_fill_ of one row leaves the memory the others share."""
    if data.flags.writeable:
        np.copyto(data, values, casting="unsafe")
    elif views.overlaps_itself(data):
        np.copyto(views.writable(data), values, casting="unsafe", where=values != data)
    else:
        np.copyto(views.writable(data), values, casting="unsafe")

class TensorMethods:
    """Not a class of its own: a namespace whose members `bind()` copies onto `Tensor`."""

    def size(self, dim: Any = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim_of("size", dim, self.ndim)]

    def element_size(self) -> int:
        return self._data.itemsize

    def _set_data(self, value: Any) -> None:
        """`t.data = other`: t takes other's values (and dtype and shape), with torch's checks."""
        if not isinstance(value, Tensor):
            kind = type(value)  # named as Python's repr names classes: `list`, `numpy.ndarray`
            name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
            raise TypeError(f"Variable data has to be a tensor, but got {name}")
        if self._requires_grad and not value.dtype.is_floating_point:
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = value._data

    data = Tensor.data.setter(_set_data)  # the core's getter, and a setter that checks as torch does

    def _set_grad(self, value: Any) -> None:
        """`t.grad = g`: g must be None or a tensor of t's size and dtype, as torch checks it."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type_name(value)}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                                   f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size")
            if value.dtype is not self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{cpp_type_name(value.dtype)}' to a tensor "
                                   f"with grad_dtype '{self.dtype._legacy}'. The gradient must match the tensor's "
                                   "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
                                   "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with "
                                   "caution. Diverging the dtypes of a tensor and its gradient may break downstream "
                                   "systems that assume they match.")
        self._grad = value

    grad = Tensor.grad.setter(_set_grad)  # the core's getter (with its non-leaf warning), torch's checks on setting

    def _set_requires_grad(self, value: bool) -> None:
        if value and not self.dtype.is_floating_point:  # torch's attribute and method word this differently
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        _CORE_REQUIRES_GRAD.fset(self, value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if not isinstance(requires_grad, bool):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{type_name(requires_grad)}")
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        _CORE_REQUIRES_GRAD.fset(self, requires_grad)
        return self

    requires_grad = Tensor.requires_grad.setter(_set_requires_grad)

    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """The engine's `t.backward()`, with `inputs` any iterable of tensors, as torch takes it
        (`loss.backward(inputs=model.parameters())`: a generator)."""
        if inputs is not None and not isinstance(inputs, (Tensor, tuple, list)):
            inputs = tuple(inputs)  # (an int raises torch's TypeError: 'int' object is not iterable)
        _ENGINE_BACKWARD(self, gradient, retain_graph, create_graph, inputs)

    @staticmethod
    def _make_subclass(cls: type, data: Tensor, require_grad: bool = False) -> Tensor:
        """An instance of the Tensor subclass `cls` that is `data.detach()` (same memory and version
        counter), a leaf requiring grad if asked: how Parameter-like subclasses are written
        (`def __new__(cls, x): return Tensor._make_subclass(cls, x, True)`, fast.ai's book ch19)."""
        if not isinstance(data, Tensor):
            raise TypeError(f"_make_subclass(): argument 'data' (position 2) must be Tensor, not {type_name(data)}")
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not "
                            "possible. Make sure your class inherits from Tensor.")
        if require_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        alias = data.detach()
        instance = object.__new__(cls)
        instance._data, instance._counter = alias._data, alias._counter
        instance._requires_grad = bool(require_grad)
        return instance

    @property
    def device(self) -> Any:
        return device("cpu")

    @property
    def is_cuda(self) -> bool:
        return False

    # torch's flags for the kinds of tensor this library has not (sparse, quantized, nested, meta, mkldnn) and
    # the devices it does not run on: all False for a dense CPU tensor
    is_sparse = is_sparse_csr = is_quantized = is_meta = is_mkldnn = is_nested = property(_false)
    is_xpu = is_mps = is_ipu = is_xla = is_vulkan = is_mtia = property(_false)

    def is_conj(self) -> bool:  # a real tensor is never a lazily conjugated view, nor a negated one
        return False

    def is_neg(self) -> bool:
        return False

    def resolve_conj(self) -> Tensor:
        return self

    def resolve_neg(self) -> Tensor:
        return self

    def conj_physical(self) -> Tensor:
        return self

    def lu(self, pivot: bool = True, get_infos: bool = False) -> Any:
        return _lu.torch_lu(self, pivot, get_infos)

    def lu_solve(self, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
        return _lu.torch_lu_solve(self, LU_data, LU_pivots)

    def conj_physical_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        """Whether share_memory_() was called on this tensor, its storage or a tensor whose memory it views."""
        return is_shared_memory(self._data)

    def share_memory_(self) -> Tensor:
        """Move the memory where processes forked from this one share it (`moved_to_shared_memory`), as torch
        moves it, with the views of it made in grad mode (the ones a tensor keeps): is_shared() then holds for
        them and for every view made afterwards."""
        root = self if self._base is None else self._base
        views = [view for view in (ref() for ref in root._views or ()) if view is not None and view is not self]
        tensors = [self, *views] if root is self else [self, root, *views]
        for each, data in zip(tensors, moved_to_shared_memory([t._data for t in tensors])):
            each._data = data
        return self

    def as_subclass(self, cls: type) -> Tensor:
        """This tensor's memory and place in the graph (a view, AliasBackward0) as an instance of `cls`."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not "
                            "possible. Make sure your class inherits from Tensor.")
        alias = self[...]
        alias.__class__ = cls
        return alias

    def set_(self, source: Any = None, storage_offset: Any = None, size: Any = None, stride: Any = None) -> Tensor:
        """Make this tensor view `source`'s memory, with its shape and strides (writes to either show in the
        other); with no source, an empty tensor. The storage forms (a storage and an offset, size and stride)
        are not built."""
        if not (source is None or isinstance(source, Tensor)) or (storage_offset, size, stride) != (None,) * 3:
            raise NotImplementedError("Tensor.set_ of a storage (or with storage_offset, size and stride) is not "
                                      "implemented: tinygrad_rnn sets a tensor to another tensor, or to nothing")
        if source is not None and source.dtype is not self.dtype:
            raise RuntimeError(f"Could not set tensor of type {cpp_type_name(source.dtype)} to a tensor of type "
                               f"{cpp_type_name(self.dtype)}")
        self._check_inplace()
        self._data = np.empty(0, self._data.dtype) if source is None else source._data
        self._version += 1
        return self

    def to_dense(self, dtype: Any = None, *, masked_grad: Any = None) -> Tensor:
        """A dense tensor is its own dense form (in `dtype` when one is given)."""
        return self if dtype is None else self.to(dtype)

    def is_contiguous(self, *, memory_format: Any = None) -> bool:
        """Whether the elements lie in memory in the order `memory_format` names (row-major by default)."""
        if memory_format not in CHANNELS_LAST_ORDER:
            check_memory_format("is_contiguous", memory_format)
            return self._data.flags.c_contiguous
        rank, fastest_first = CHANNELS_LAST_ORDER[memory_format]
        if self.ndim != rank:
            return False
        expected, strides = 1, self.stride()
        for d in fastest_first:  # torch's rule: dims of size 1 may have any stride
            if self.shape[d] != 1:
                if strides[d] != expected:
                    return False
                expected *= self.shape[d]
        return True

    @property
    def layout(self) -> layout:
        return strided

    def stride(self, dim: Any = None) -> Any:
        if self._data.size:
            strides = tuple(s // self._data.itemsize for s in self._data.strides)
        else:  # numpy gives an empty array zero strides; torch the contiguous ones, sizes of 0 taken as 1
            strides, step = [], 1
            for n in reversed(self._data.shape):
                strides.insert(0, step)
                step *= builtins.max(n, 1)
            strides = tuple(strides)
        return strides if dim is None else strides[_dim_of("stride", dim, self.ndim)]

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def type(self, dtype: Any = None, non_blocking: builtins.bool = False) -> Any:
        """The legacy type name ('torch.FloatTensor'), or self converted to `dtype` (a dtype or a type name);
        non_blocking has no effect: a CPU copy is always finished when it returns."""
        if dtype is None:
            return f"torch.{self.dtype._legacy}Tensor"
        if isinstance(dtype, str) and dtype.startswith("torch.cuda.") or getattr(dtype, "is_cuda", False) is True:
            raise RuntimeError(CUDA_INIT_ERROR)
        if isinstance(dtype, str):
            if dtype not in LEGACY_BY_NAME:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = LEGACY_BY_NAME[dtype]
        if isinstance(dtype, type):  # a legacy type (torch.FloatTensor), or torch.Tensor for the default one
            if dtype is Tensor:
                return self.to(dtypes.get_default_dtype())
            if not hasattr(dtype, "_dtype"):  # float, int, Parameter: not tensor types
                raise ValueError(f"invalid type: '{class_name(dtype)}'")
            return self.to(dtype._dtype)
        if not isinstance(dtype, dtypes.dtype):
            raise TypeError("dtype must be a type, str, or dtype object")
        return self.to(dtype)

    def _scalar(self, kind: type) -> Any:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return kind(self._data.reshape(()).item())

    def __float__(self) -> float:
        warn_if_scalar_needs_grad(self)
        return self._scalar(builtins.float)

    def __int__(self) -> int:
        return self._scalar(builtins.int)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            how_many = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {how_many} is ambiguous")
        return builtins.bool(self._data.reshape(()).item())

    def __contains__(self, element: Any) -> bool:
        """`x in t`: any element of t equal to x (a tensor x is compared by broadcasting, as ==)."""
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")
        return builtins.bool((element == self).any().item())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self._data.reshape(()).item())

    # numpy's side of the bridge, with torch's signatures: numpy 2 passes `copy=` to __array__, and context and
    # return_scalar to __array_wrap__, only when they accept them, and warns (DeprecationWarning) when they do
    # not, as with torch's. Programs that run under both print those warnings alike.
    def __array__(self, dtype: Any = None) -> np.ndarray:
        """np.array(t), np.asarray(t): the tensor's memory (a copy only to convert to another dtype)."""
        return self.numpy() if dtype is None else self.numpy().astype(dtype, copy=False)

    def __array_wrap__(self, array: np.ndarray) -> Tensor:
        """What numpy gives back for a tensor it computed on: np.clip(t, 0, 1), np.sin(t), np.argmax(t) return
        tensors, as torch's do (a bool result becomes uint8, torch's old workaround, which it keeps)."""
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return Tensor._make(array)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 and type(self) is Tensor:  # as torch: f"{loss}" prints the number, f"{loss:.3f}"
            return self.item().__format__(spec)  # formats it; a subclass's (a Parameter's) is printed whole
        if spec:  # as object.__format__, which torch falls back to for a tensor that is not 0-d
            raise TypeError(f"unsupported format string passed to {type(self).__name__}.__format__")
        return str(self)

    def __repr__(self) -> str:
        if type(self) is Tensor:
            return tensor_repr(self)
        return tensor_repr(self, f"{type(self).__name__}(")  # a subclass shows its name, as torch: `P([1., 2.])`

    __str__ = __repr__

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self) -> Tensor:
        """`reversed(t)` is `t.flip(0)` (a tensor, not an iterator), as in torch; a 0-d tensor is returned itself."""
        return self if self._data.ndim == 0 else self.flip(0)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  "
                "If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, "
                "see https://github.com/pytorch/pytorch/pull/103001"
            )
        new = object.__new__(type(self))
        new.__dict__.update({k: v for k, v in self.__dict__.items() if k not in ("_data", "_grad")})
        new._data = self._data.copy()
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------ dtype and device
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """`to(dtype)`, `to(device, dtype)`, `to(other_tensor)`, each with torch's non_blocking, copy and keyword
        memory_format; a new tensor when the dtype changes or copy=True, otherwise self."""
        given = _to_arguments(args, kwargs)
        check_device(given.get("device"))
        check_memory_format("to", given.get("memory_format"), self.ndim)
        target = given["tensor"].dtype if "tensor" in given else given.get("dtype")
        if target is None or target is self.dtype:
            return self.clone() if given.get("copy") else self
        return Cast.apply(self, target)

    def pin_memory(self, device: Any = None) -> Tensor:
        """Page-locked memory speeds copies to an accelerator; there is none here (torch's error)."""
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def is_pinned(self, device: Any = None) -> builtins.bool:
        return False

    def cpu(self, *, memory_format: Any = None) -> Tensor:
        return self.to(memory_format=memory_format)

    def cuda(self, device: Any = None, non_blocking: builtins.bool = False, *, memory_format: Any = None) -> Tensor:
        check_cuda_call(device)
        return self

    # t.float() is t.to(torch.float32), and so on for each dtype torch has a method for
    float = _converts_to(dtypes.float32, "float")
    double = _converts_to(dtypes.float64, "double")
    half = _converts_to(dtypes.float16, "half")
    long = _converts_to(dtypes.int64, "long")
    int = _converts_to(dtypes.int32, "int")
    short = _converts_to(dtypes.int16, "short")
    char = _converts_to(dtypes.int8, "char")
    byte = _converts_to(dtypes.uint8, "byte")
    bool = _converts_to(dtypes.bool, "bool")
    # named, not stored: these raise NotImplementedError (unsupported_dtypes.py)
    bfloat16 = _converts_to(unsupported_dtypes.bfloat16, "bfloat16")
    cfloat = _converts_to(unsupported_dtypes.cfloat, "cfloat")
    cdouble = _converts_to(unsupported_dtypes.cdouble, "cdouble")
    chalf = _converts_to(unsupported_dtypes.chalf, "chalf")

    def contiguous(self, *, memory_format: Any = None) -> Tensor:
        check_memory_format("contiguous", memory_format, self.ndim)
        return self if self._data.flags.c_contiguous else Clone.apply(self, "C")

    # ------------------------------------------------------------ arithmetic
    # torch's operators give NotImplemented where its parser refuses the other operand (a numpy array, a list),
    # and Python goes on as it does for torch: see NotAnOperand. `+`, `*`, `/` and `@` call what their op
    # function calls (`_binary`), not the function: the operator costs no extra Python call.
    def __add__(self, other: Any) -> Any:
        try:
            return _binary(Add, self, other)  # add(self, other)
        except NotAnOperand:
            return NotImplemented

    # The reflected operators run when the left operand could not: for anything but a number or an
    # array they give NotImplemented, as torch's, so Python's own TypeError follows (`None + t`).
    def __radd__(self, other: Any) -> Any:
        return _pw.add(other, self) if isinstance(other, _OPERANDS) else NotImplemented

    __sub__ = _operator(_pw.sub)

    def __rsub__(self, other: Any) -> Any:
        return _pw.sub(other, self) if isinstance(other, _OPERANDS) else NotImplemented

    def __mul__(self, other: Any) -> Any:
        if other.__class__ is Tensor and not other._data.ndim:  # (as mul: float16 reads a 0-d float32 wide)
            other = half_times_wide_scalar(self, other)
        try:
            return _binary(Mul, self, other)  # mul(self, other)
        except NotAnOperand:
            return NotImplemented

    def __rmul__(self, other: Any) -> Any:
        if not isinstance(other, _OPERANDS):
            return NotImplemented
        return _pw.mul(self, other)  # as torch: the number second (where float16 keeps it in float32)

    def __truediv__(self, other: Any) -> Any:
        if other.__class__ is Tensor and not other._data.ndim:  # (as div)
            other = half_times_wide_scalar(self, other)
        try:
            return _binary(Div, self, other, True)  # div(self, other)
        except NotAnOperand:
            return NotImplemented

    def __rtruediv__(self, other: Any) -> Any:
        if not isinstance(other, (_OPERANDS, np.ndarray)):
            return NotImplemented
        # torch's formula, with its float16 and float32 roundings; an array meets `*` there, and so numpy
        return _pw.reciprocal(self) * other

    def __floordiv__(self, other: Any) -> Any:
        return _pm.floor_divide(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __rfloordiv__(self, other: Any) -> Any:
        return _pm.floor_divide(other, self) if isinstance(other, _OPERANDS) else NotImplemented

    __mod__ = _operator(_pw.remainder)

    def __rmod__(self, other: Any) -> Any:
        return _pw.remainder(other, self) if isinstance(other, _OPERANDS) else NotImplemented

    __pow__ = _operator(_pw.pow)

    def __rpow__(self, base: Any) -> Any:
        return _pw.pow(base, self) if isinstance(base, _OPERANDS) else NotImplemented

    __neg__ = _pw.neg

    def __pos__(self) -> Tensor:
        return self

    __abs__ = _pw.abs

    def __matmul__(self, other: Any) -> Any:
        if isinstance(other, Tensor):
            a, b = self._data, other._data  # matmul's fast path (two matrices of one dtype that fit), inline: the
            if a.ndim == 2 and b.ndim == 2 and a.dtype is b.dtype and a.shape[1] == b.shape[0] and a.dtype.kind != "b":
                return MatMul.apply(self, other)  # operator costs no extra call
            return _la.matmul(self, other)
        return NotImplemented  # matmul takes no number either: `t @ 2` is Python's TypeError, `t @ array` numpy's

    def __rmatmul__(self, other: Any) -> Any:
        return _la.matmul(other, self) if isinstance(other, Tensor) else NotImplemented  # (matmul takes no number)

    # ------------------------------------------------------------ elementwise functions
    def where(self, condition: Tensor, other: Any) -> Tensor:
        return _pw.where(condition, self, other)

    # ------------------------------------------------------------ comparisons (no gradient)
    # torch's operators take a tensor, a number or an array, and give Python NotImplemented for
    # anything else: `t == None` is then False, `t in [None, t]` looks past the None, and
    # `t < None` is Python's TypeError. (torch.eq(t, None) itself raises.)
    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        if isinstance(other, _OPERANDS):
            return _cmp.eq(self, other)
        if isinstance(other, np.ndarray) and other.dtype.kind in "biuf":  # torch's == alone takes an array (!= not)
            return _cmp.eq(self, tensor(other))
        return NotImplemented

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return _cmp.ne(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __lt__(self, other: Any) -> Any:
        return _cmp.lt(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __le__(self, other: Any) -> Any:
        return _cmp.le(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __gt__(self, other: Any) -> Any:
        return _cmp.gt(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __ge__(self, other: Any) -> Any:
        return _cmp.ge(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    # ------------------------------------------------------------ bitwise operators (ops/logical.py)
    __and__, __or__, __xor__ = _operator(_lg.bitwise_and), _operator(_lg.bitwise_or), _operator(_lg.bitwise_xor)
    __lshift__, __rshift__ = _operator(_lg.bitwise_left_shift), _operator(_lg.bitwise_right_shift)

    __rand__, __ror__, __rxor__ = _reflected(_lg.bitwise_and), _reflected(_lg.bitwise_or), _reflected(_lg.bitwise_xor)
    __rlshift__, __rrshift__ = _reflected(_lg.bitwise_left_shift), _reflected(_lg.bitwise_right_shift)

    def __invert__(self) -> Tensor:
        if self.dtype.is_floating_point:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return _lg.bitwise_not(self)






    def __iand__(self, other: Any) -> Any:
        return self._augmented(_lg.bitwise_and, other, stand_in=False)

    def __ior__(self, other: Any) -> Any:
        return self._augmented(_lg.bitwise_or, other, stand_in=False)

    def __ixor__(self, other: Any) -> Any:
        return self._augmented(_lg.bitwise_xor, other, stand_in=False)

    def __ilshift__(self, other: Any) -> Any:
        return self._augmented(_lg.bitwise_left_shift, other, stand_in=False)

    def __irshift__(self, other: Any) -> Any:
        return self._augmented(_lg.bitwise_right_shift, other, stand_in=False)

    # ------------------------------------------------------------ reductions
    # torch.norm's fifth argument is out, the method's dtype (the function is declared in ops/reduce.py)
    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        return _rd.norm_along(self, p, dim, keepdim, dtype)

    # ------------------------------------------------------------ shape
    @property
    def T(self) -> Tensor:
        if self.ndim == 0:
            warn_once("T of 0-d", "Tensor.T is deprecated on 0-D tensors. This function is the identity in these "
                      f"cases. {_SHAPE_CPP.format(4321)}")
        elif self.ndim != 2:  # a vector's x.T too; d2l's one_hot(X.T, ...) meets it on a 3-D tensor
            warn_once("T of n-d", "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                      "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
                      "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                      f"dimensions of a tensor. {_SHAPE_CPP.format(4314)}")
        return _sh.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> Tensor:
        if self.ndim < 2:
            return self._matrices_only("mT", "This function is the identity in these cases.", 4373)
        return _sh.transpose(self, -2, -1)

    def _matrices_only(self, name: str, zero_d_advice: str, line: int) -> Tensor:
        """torch's mT/mH of a 0-d tensor (itself, with a one-time warning) or of a 1-d one (an error)."""
        if self.ndim == 1:
            raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor.")
        warn_once(f"{name} of 0-d", f"Tensor.{name} is deprecated on 0-D tensors. {zero_d_advice} {_SHAPE_CPP.format(line)}")
        return self

    # torch.split's argument is split_size_or_sections, the method's split_size: the one declared op
    # (ops/shape.py) whose method keeps a signature of its own.
    def split(self, split_size: Any, dim: int = 0) -> tuple:
        return _sh.split(self, split_size, dim)


    def __getitem__(self, key: Any) -> Tensor:
        return _sh.getitem(self, key)

    # ------------------------------------------------------------ shape family (ops/shape.py)
    def _take_shape_of(self, result: Tensor) -> Tensor:
        """The in-place view ops (t_, squeeze_, as_strided_): self becomes `result`, a view of itself,
        keeping the graph when there is one (unlike `_assign`, the shape may change)."""
        self._check_inplace()
        if result._requires_grad and modes.grad_enabled:
            self._grad_fn, self._output_nr = result._grad_fn, result._output_nr
        if self._fw_grads is not None or result._fw_grads is not None:  # forward-mode AD: the tangent follows
            self._fw_grads = result._fw_grads
        self._data = result._data
        self._version += 1
        return self

    def resize_(self, *sizes: Any, memory_format: Any = None) -> Tensor:
        """self with shape `sizes`, read contiguously from its storage at its offset, as torch's: a
        shrunk tensor grown back finds its old elements, and a strided one reads the storage in
        memory order. Within the storage it stays shared with the tensors viewing it; past its end
        torch reallocates the storage, here the tensor gets memory of its own, the elements past
        the old end uninitialized (determinism.py says what they hold)."""
        if self._requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        shape = size_arg("resize_", sizes)
        if tuple(shape) == self.shape:  # torch leaves it as it is: same view, same version (an inference tensor too)
            return self
        views.check_inference_write(self)
        n = int(np.prod(shape))
        memory = storage_array(self._data)
        if memory.dtype == self._data.dtype and np.may_share_memory(memory, self._data):
            memory = memory[self.storage_offset():]
        else:  # a view reinterpreting another dtype, or a root with no flat view: its own elements in order
            memory = self._data.reshape(-1)
        if n > memory.size:
            memory = np.concatenate([memory, uninitialized((n - memory.size,), memory.dtype)])
        self._data = memory[:n].reshape(shape)
        self._version += 1
        return self

    def resize_as_(self, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
        return self.resize_(the_template.shape)

    @property
    def H(self) -> Tensor:
        """The conjugate transpose of a matrix (the transpose, for real tensors)."""
        if self.ndim not in (0, 2):
            more = " For batches of matrices, consider using tensor.mH" if self.ndim > 2 else ""
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor.{more}")
        if self.ndim == 0:
            warn_once("H of 0-d", f"Tensor.H is deprecated on 0-D tensors. Consider using x.conj(). {_SHAPE_CPP.format(4335)}")
            return self
        return _sh.transpose(self, 0, 1)

    @property
    def mH(self) -> Tensor:
        if self.ndim < 2:
            return self._matrices_only("mH", "Consider using x.conj().", 4382)
        return _sh.transpose(self, -2, -1)

    def resize(self, *sizes: Any) -> Tensor:
        """The deprecated out-of-place resize: a reshape that must keep the number of elements."""
        warnings.warn("non-inplace resize is deprecated", stacklevel=2)
        return _resize(self, sizes)

    def resize_as(self, tensor: Tensor) -> Tensor:
        warnings.warn("non-inplace resize_as is deprecated", stacklevel=2)
        return _resize(self, tensor.size())

    def fill_diagonal_(self, fill_value: Any, wrap: builtins.bool = False) -> Tensor:
        """The main diagonal set to fill_value; a tall matrix with wrap=True starts again below it."""
        if self.ndim < 2:
            raise RuntimeError("dimensions must larger than 1")
        if self.ndim > 2 and len(set(self.shape)) != 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        if self.ndim == 2 and not wrap and views.overlaps_itself(self._data):
            # torch fills the diagonal's strided view: an expanded matrix's diagonal is written through to the
            # memory underneath (refused only if the diagonal itself is expanded, a 0-d's)
            _sh.diagonal(self).fill_(fill_value)
            return self
        if self.ndim == 2:
            rows, cols = self.shape
            end = rows * cols if wrap else builtins.min(rows, cols) * cols
            flat = np.arange(0, end, cols + 1)
            key = (flat // cols, flat % cols)
        else:
            key = (np.arange(self.shape[0]),) * self.ndim
        self[key] = fill_value
        return self

    def new_empty_strided(self, size: Any, stride: Any, *, dtype: Any = None, **kw: Any) -> Tensor:
        return empty_strided(size, stride, dtype=dtype or self.dtype, **kw)

    def is_nonzero(self) -> builtins.bool:
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        return builtins.bool(self)

    def const_data_ptr(self) -> int:
        return self.data_ptr()

    @property
    def is_maia(self) -> builtins.bool:
        return False

    @property
    def volatile(self) -> builtins.bool:
        """The pre-0.4 flag: always False, with torch's warning."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Tensor:
        return random.bernoulli(self, p, generator=generator)

    def map2_(self, x: Tensor, y: Tensor, callable: Any) -> Tensor:
        """Each element replaced by callable(element, x's element, y's element), x and y broadcast to self."""
        if self._requires_grad:
            raise RuntimeError("Can't call map2_() on Variable that requires grad. Use var.detach().map2_() instead.")
        xs, ys = (_sh.expand(t.detach(), self.shape)._data.reshape(-1).tolist() for t in (x, y))
        values = [callable(a, b, c) for a, b, c in zip(self._data.reshape(-1).tolist(), xs, ys)]
        self._data[...] = np.asarray(values, dtype=self._data.dtype).reshape(self.shape)
        self._version += 1
        return self

    # ------------------------------------------------------------ metadata
    def is_complex(self) -> builtins.bool:
        return False  # no complex dtypes here

    def is_signed(self) -> builtins.bool:
        return self.dtype.is_signed

    def is_inference(self) -> builtins.bool:
        """Whether this tensor's memory was made under inference_mode() (core/tensor.py)."""
        return self._inference

    @property
    def is_cpu(self) -> builtins.bool:
        return True

    def is_same_size(self, other: Tensor) -> builtins.bool:
        return self.shape == other.shape

    def is_set_to(self, tensor: Tensor) -> builtins.bool:
        """Whether both are the same memory with the same shape and strides."""
        return (self.data_ptr() == tensor.data_ptr() and self.shape == tensor.shape
                and self.stride() == tensor.stride() and self.dtype is tensor.dtype)

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def grad_dtype(self) -> Any:
        """The dtype a leaf's gradient is accumulated in: its own, or None once set so (any dtype)."""
        if not self.is_leaf:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        return self.__dict__.get("_grad_dtype", self.dtype)

    @grad_dtype.setter
    def grad_dtype(self, value: Any) -> None:
        if not self.is_leaf:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        if value is not None and not isinstance(value, dtypes.dtype):
            raise RuntimeError(f"grad_dtype must be a torch.dtype or None, but got {type(value).__name__}")
        if value is not None and value is not self.dtype:  # (the engine accumulates in the tensor's dtype)
            raise NotImplementedError(f"Tensor.grad_dtype = {value}: a gradient kept in another dtype than the "
                                      f"tensor's ({self.dtype}) is not implemented")
        self.__dict__["_grad_dtype"] = value

    def storage(self) -> TypedStorage:
        """The flat memory this tensor views, as elements of its dtype (torch warns once: deprecated)."""
        warn_typed_storage_removal()
        return TypedStorage(self._data, self.dtype)

    def storage_type(self) -> type:
        """The legacy storage class of this tensor's dtype (torch.FloatStorage for float32)."""
        return LEGACY_STORAGES[self.dtype]

    def untyped_storage(self) -> UntypedStorage:
        """The flat memory this tensor views, as bytes."""
        return UntypedStorage(self._data)

    def storage_offset(self) -> int:
        """Where the tensor starts in the array it views, in elements (0 for an array of its own)."""
        base, owner = self._data, self._data.base
        while owner is not None:  # (as_strided's view owns a numpy DummyArray, whose base is the array it views)
            base = owner if isinstance(owner, np.ndarray) else base
            owner = getattr(owner, "base", None)
        return (self.data_ptr() - base.__array_interface__["data"][0]) // self._data.itemsize

    @property
    def name(self) -> None:
        return None  # named tensors are not built

    def get_device(self) -> int:
        return -1  # torch's number for the CPU

    def dim_order(self, *, ambiguity_check: Any = False) -> tuple:
        """The dims from the outermost to the innermost in memory (by stride, largest first).

        ambiguity_check=True raises RuntimeError when more than one order fits (a size-1 dim, two equal
        strides); a list of memory formats accepts such a tensor when exactly one of them fits it."""
        formats = ambiguity_check if isinstance(ambiguity_check, list) else []
        if not isinstance(ambiguity_check, (bool, list)) or not all(isinstance(f, memory_format) for f in formats):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
        sizes, strides = tuple(self.shape), self.stride()
        several_orders = 1 in sizes or any(a == b for a, b in zip(strides, strides[1:]))
        if ambiguity_check is not False and several_orders \
                and sum(self.is_contiguous(memory_format=f) for f in formats) != 1:
            raise RuntimeError("The tensor does not have unique dim order, or cannot map to exact one of the given "
                               "memory formats.")
        order, ambiguous = physical_dim_order(sizes, strides, self.is_contiguous(),
                                              self.is_contiguous(memory_format=channels_last))
        if ambiguous and ambiguity_check:  # (an empty list checks nothing here)
            raise RuntimeError("The tensor does not have unique dim order.")
        return order

    @property
    def real(self) -> Tensor:
        return self  # a real tensor is its own real part

    @property
    def imag(self) -> Tensor:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def conj(self) -> Tensor:
        return self

    def detach_(self) -> Tensor:
        """self taken out of the graph, in place; a view refuses (its history is its base's: use detach())."""
        if self._base is not None:
            raise RuntimeError(DETACH_VIEW)
        self._grad_fn, self._requires_grad, self._fw_grads = None, False, None
        return self

    def new(self, *args: Any, **kwargs: Any) -> Tensor:
        """The legacy constructor with self's dtype: `t.new(2, 3)` (uninitialized, determinism.py),
        `t.new([1, 2])` (data), `t.new(other)` (other itself, a view in the graph), `t.new()` (empty).
        It takes no dtype (that is `new_tensor`'s), only a CPU device."""
        args, kwargs = keyword_form(args, kwargs)
        device = check_legacy_arguments(args, kwargs)
        if len(args) == 1 and isinstance(args[0], Tensor):
            if device is not None:
                raise RuntimeError("Legacy tensor new of the form tensor.new(tensor, device=device) is not supported. "
                                   " Use torch.as_tensor(...) instead.")
            return alias_of(args[0], self.dtype, None)  # other itself under a new name, as FloatTensor(other)
        refuse_other_devices(device)
        if len(args) == 1 and isinstance(args[0], (list, tuple)) and not isinstance(args[0], Size):
            return tensor(args[0], dtype=self.dtype)
        if len(args) == 1 and not isinstance(args[0], (list, tuple)) and not _is_int(args[0]):
            if isinstance(args[0], str):
                raise TypeError("new(): invalid data type 'str'")
            return legacy_new(Tensor, self.dtype, args, {})  # an array (memory shared if the dtype fits), or its error
        return Tensor._make(uninitialized(check_size(_legacy_sizes(args)) if args else (0,), self.dtype.np))

    def apply_(self, callable: Any) -> Tensor:
        """Each element replaced by callable(element), in Python (torch's CPU semantics)."""
        if self._requires_grad:
            raise RuntimeError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.")
        flat = self._data.reshape(-1)
        for i, v in enumerate(flat.tolist()):
            flat[i] = callable(v)
        if not np.shares_memory(flat, self._data):
            self._data[...] = flat.reshape(self.shape)
        self._version += 1
        return self

    def map_(self, tensor: Tensor, callable: Any) -> Tensor:
        """Each element replaced by callable(element, other's element), other broadcast to self."""
        if self._requires_grad:
            raise RuntimeError("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.")
        other = _sh.expand(tensor.detach(), self.shape)._data.reshape(-1).tolist()
        values = [callable(a, b) for a, b in zip(self._data.reshape(-1).tolist(), other)]
        self._data[...] = np.asarray(values, dtype=self._data.dtype).reshape(self.shape)
        self._version += 1
        return self

    # ------------------------------------------------------------ in place
    def _check_inplace(self, records: builtins.bool = False, writer: str | None = None) -> None:
        """torch's refusals of an in-place change (core/views.py has those of views); `writer`: the in-place
        op, for the few torch lets write into an expanded tensor (views.WRITES_THROUGH)."""
        if modes.grad_enabled and self._requires_grad and self.grad_fn is None and not self._grad_cut:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        views.check_inplace(self, records or self._requires_grad, writer)

    def _warn_expanded_write(self, writer: str) -> None:
        """torch's deprecation warning when masked_fill_, index_fill_ or index_put_ writes into an expanded
        tensor (after autograd's refusals, which come first)."""
        message = views.expanded_write_warning(self, writer)
        if message is not None:
            views.check_view_write(self, False)
            warnings.warn(message, UserWarning, stacklevel=callers_stacklevel())

    def _stand_in(self, keep_value: builtins.bool = True) -> Tensor:
        """self's value and place in the graph, for an in-place op to compute from. Its node may
        save what it reads, and the write then changes self's memory (shared with self's views):
        so, with grad mode on, the stand-in holds a copy (`keep_value=False`: an op that saves nothing)."""
        data = self._data.copy() if keep_value and modes.grad_enabled else self._data
        stand_in = Tensor._make(data, self.grad_fn, self._output_nr)
        stand_in._requires_grad, stand_in._fw_grads = self._requires_grad, self._fw_grads
        return stand_in

    def _assign(self, result: Tensor, writer: str | None = None) -> Tensor:
        """Write `result` into self's memory, as torch's in-place ops do (views of self see it);
        when the graph records the write, self takes result's node (a view's base takes a
        CopySlices node: core/views.py). `writer`: the in-place op (see _check_inplace)."""
        if result.grad_fn is None and modes.grad_enabled and (self._requires_grad or result._requires_grad):
            # a leaf's value, or one outside the graph (t.gt_(0)): self's old value gets no gradient
            result = views.CopyBackwards.apply(self._stand_in(keep_value=False), result)
        recorded = result._requires_grad and modes.grad_enabled
        self._check_inplace(recorded, writer)
        if dtypes._category(result.dtype) > dtypes._category(self.dtype):  # torch casts within a kind or up
            # (numpy's "same_kind" would also refuse int16 into uint8, which torch writes)
            raise RuntimeError(
                f"result type {result.dtype._legacy} can't be cast to the desired output type {self.dtype._legacy}"
            )
        _write(self._data, np.broadcast_to(result._data, self._data.shape) if result.shape != self.shape else result._data)
        if self._fw_grads is not None or result._fw_grads is not None:  # forward-mode AD: the tangent follows
            self._fw_grads = result._fw_grads and {k: t.to(self.dtype) for k, t in result._fw_grads.items()}
        self._version += 1
        views.record_inplace(self, result if recorded else None)
        return self

    def _inplace_result_shape(self, result: Tensor) -> Tensor:
        if result.shape != self.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(result.shape)}"
            )
        return result

    def zero_(self) -> Tensor:
        return self._fill(0, "ZeroBackward0", "zero_")

    def fill_(self, value: Any) -> Tensor:
        """Every element set to `value`, a number or a 0-d tensor (whose gradient is then the sum of theirs)."""
        if not isinstance(value, _OPERANDS):  # a numpy array, a list
            raise invalid_combination("fill_", (value,))
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
        if isinstance(value, Tensor) and value._requires_grad and modes.grad_enabled:
            self._check_inplace()
            value = value if value.dtype is self.dtype else value.to(self.dtype)
            return self._assign(rename(_sh.SetItem.apply(self, (Ellipsis,), value), "FillBackward3"))
        node = "FillBackward3" if isinstance(value, Tensor) else "FillBackward2"  # (torch's overloads' names)
        if not isinstance(value, Tensor):
            return self._fill(checked_fill(value, self.dtype), node, "fill_")
        with np.errstate(invalid="ignore", over="ignore"):  # a tensor's value is cast as copy_ casts, unchecked:
            return self._fill(value._data.astype(self._data.dtype)[()], node)  # 300 into int8 is 44, nan is 0

    def _fill(self, value: Any, node: str, writer: str | None = None) -> Tensor:
        """fill_ and zero_ with a number: a graph node named `node` when self is in one, else in place.
        `writer`: "fill_" or "zero_", which torch lets fill an expanded tensor; fill_ with a tensor it refuses."""
        self._check_inplace(writer=writer)
        if (self._requires_grad and modes.grad_enabled) or (modes.dual_level is not None and self._fw_grads):
            return self._assign(rename(_sh.SetItem.apply(self, (Ellipsis,), value), node), writer)  # (its jvp zeroes a tangent)
        views.writable(self._data)[...] = value
        self._version += 1
        views.record_inplace(self, None)
        return self

    def copy_(self, other: Any, non_blocking: bool = False) -> Tensor:
        if not isinstance(other, _OPERANDS):  # torch's parser takes a tensor or a number (no array, no list)
            raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {type_name(other)}")
        src = as_operand(other)
        if isinstance(src, Tensor):
            check_inputs(self, src)  # x[1:].copy_(x[:-1]) would read what it already wrote
            if src.shape != self.shape:
                message = copy_shape_error(tuple(self.shape), tuple(src.shape))
                if message:  # (expand's own message is not torch's: copy_ broadcasts both ways)
                    raise RuntimeError(message)
                src = _sh.expand(src, self.shape)
            if src.dtype is not self.dtype:
                src = src.to(self.dtype)
            if modes.grad_enabled and (self._requires_grad or src._requires_grad):
                src = views.CopyBackwards.apply(self._stand_in(keep_value=False), src)
            return self._assign(src)
        return self.fill_(src)

    def __setitem__(self, key: Any, value: Any) -> None:
        value = assignable_number(self, value)  # torch converts a number before it looks at the index
        if _plain_write(self, key, value):  # x[i, j] = 2.0 in a hand-written loop: numpy's write is all torch does
            self._data[key] = value
            self._version += 1
            return
        if key is False:  # torch writes nothing and checks nothing more (not even a leaf's requires_grad)
            return
        key = original_key = _sh.sequence_key(key, stacklevel=3)
        try:
            indexed, late_error = _sh.indexed_shape(self.detach(), key)  # torch's index errors
        except IndexError as error:  # index_put_'s checks come after its byte-mask warnings
            if str(error).startswith("shape mismatch"):
                _sh.warn_byte_masks(key)
            elif str(error).startswith("The shape of the mask"):
                _sh.warn_byte_masks(key, byte_masks_warned_before(key, value, str(error)))
            raise
        try:
            if isinstance(value, Tensor):
                check_value_shape(value, indexed, is_index_put(key))
            check_put_dtype(self, key, value)
            if late_error is not None:
                raise late_error
        except (RuntimeError, IndexError) as error:
            if not str(error).startswith("masked_fill_"):  # (masked_fill_ refuses a byte mask before any warning)
                _sh.warn_byte_masks(key)
            raise
        key = _sh.without_empty_ellipsis(_sh._expand_ellipses(key, self.ndim), self.ndim)  # numpy: one `...` at most
        key = _sh.index_key(key)
        if 0 in indexed:  # nothing is written, so torch never reads the index values numpy would check
            key = _sh.in_range(key)
        value = as_tensor_or_number(value)
        if isinstance(value, Tensor) and value.dtype is not self.dtype:
            value = PromotionCast.apply(value, self.dtype)  # (torch's copy_ casts inside: no node of its own)
        needs_graph = modes.grad_enabled and (self._requires_grad or getattr(value, "_requires_grad", False))
        if modes.dual_level is not None and (self._fw_grads or getattr(value, "_fw_grads", None)):
            needs_graph = True  # forward-mode AD: SetItem's jvp writes the tangent too
        view_name = _sh._index_node_name(key, self.shape)
        if view_name not in ("IndexBackward0", "AliasBackward0"):
            views.check_write_through_view(self, view_name, needs_graph)
        target, split = self, _sh.split_selects(key)
        if split is not None:  # integers and index tensors: torch selects first, then writes into that view
            selects, key = split
            target = _sh.Index.apply(self, selects)
        elif modes.grad_enabled and self._requires_grad and self.grad_fn is None and \
                view_name not in ("IndexBackward0", "AliasBackward0"):
            # torch writes a basic key through the view it makes first (x[0] = v is x.select(0, 0).copy_(v))
            raise RuntimeError(views.LEAF_VIEW)
        target, key, writer = _written_part(target, key, value, original_key)
        target._check_inplace(writer=writer)
        if isinstance(value, Tensor) and not is_advanced(key):  # torch copies into the view target[key]
            check_inputs(target._data[key], value)
        if needs_graph:
            name = _written_node_name(key, target.shape, value)
            write = _WriteIntoView if name in ("CopySlices", "CopyBackwards") else _sh.SetItem
            if isinstance(value, Tensor):
                value = _as_torch_writes_it(value, target._data, key, name)
            written = rename(write.apply(target, key, value), name)
            if not isinstance(value, Tensor):  # torch writes a number as a tensor that needs no gradient: (None, 0)
                composite(written, name, target, None)
            target._assign(written, writer)
            if writer is not None:  # an expanded target: its memory ends as index_put_'s writes, in their order,
                views.writable(target._data)[key] = value._data if isinstance(value, Tensor) else value  # leave it
            return
        with np.errstate(over="ignore"):  # a number too large for half is inf, as in torch, without numpy's warning
            views.writable(target._data)[key] = value._data if isinstance(value, Tensor) else value
        self._version += 1
        views.record_inplace(self, None)

    # torch's `t //= x`, `t %= x` and `t **= x` are floor_divide_, remainder_ and pow_: t changes in place
    def __ifloordiv__(self, other: Any) -> Any:
        return self.floor_divide_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def __imod__(self, other: Any) -> Any:
        return self.remainder_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def __ipow__(self, other: Any) -> Any:
        return self.pow_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def __iadd__(self, other: Any) -> Tensor:
        return self._augmented(_pw.add, other)

    def __isub__(self, other: Any) -> Tensor:
        return self._augmented(_pw.sub, other)

    def __imul__(self, other: Any) -> Tensor:
        return self._augmented(_pw.mul, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._augmented(_pw.div, other)

    def _augmented(self, op: Callable[[Tensor, Any], Tensor], other: Any, stand_in: builtins.bool = True) -> Any:
        """`self op= other`: op's result written back into self, as torch's X_ writes it; NotImplemented where
        torch's parser refuses `other` (see NotAnOperand): Python then rebinds self to `self op other`."""
        check_inputs(self, other)
        try:
            result = op(self._stand_in() if stand_in else self, other)
        except ComplexUnsupported:  # t += 1j
            raise complex_into(self.dtype) from None
        except NotAnOperand:
            return NotImplemented
        except NotImplementedError:  # `int_t |= 1.5`: a cast error, before the kernel's (see raise_if_uncastable)
            raise_if_uncastable(self, [other])
            raise
        return self._inplace_or_new(result)

    def _inplace_or_new(self, result: Tensor) -> Tensor:
        return self._assign(self._inplace_result_shape(result))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        return random.fill_uniform(self, a, b, generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        return random.fill_normal(self, mean, std, generator)

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        return random.fill_bernoulli(self, p, generator)

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Tensor:
        return random.fill_cauchy(self, median, sigma, generator)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        return random.fill_exponential(self, lambd, generator)

    def geometric_(self, p: float, *, generator: Any = None) -> Tensor:
        return random.fill_geometric(self, p, generator)

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Tensor:
        return random.fill_log_normal(self, mean, std, generator)

    def random_(self, low: Any = None, high: Any = None, *, generator: Any = None) -> Tensor:
        """Integers in [from, to); random_(to) starts at 0. random_() draws from [0, max] for an integer dtype,
        [0, 2^mantissa-digits] for a float dtype (every integer it holds exactly), and 0 or 1 for bool."""
        if low is None:
            kind = self._data.dtype
            low = 2 if kind == np.bool_ else 2 ** (np.finfo(kind).nmant + 1) + 1 if kind.kind == "f" \
                else int(np.iinfo(kind).max) + 1
            return random.fill_random(self, low, None, generator, whole_range=True)
        return random.fill_random(self, low, high, generator)

    # ------------------------------------------------------------ creation helpers
    # Each takes torch's keywords dtype (self's unless told), device, requires_grad, layout, pin_memory.
    def new_zeros(self, *size: Any, **kw: Any) -> Tensor:
        return _new_filled(self, "new_zeros", 0, size, **kw)

    def new_ones(self, *size: Any, **kw: Any) -> Tensor:
        return _new_filled(self, "new_ones", 1, size, **kw)

    def new_empty(self, *size: Any, **kw: Any) -> Tensor:
        return _new_filled(self, "new_empty", UNINITIALIZED, size, **kw)

    def new_full(self, size: Any, fill_value: Any, **kw: Any) -> Tensor:
        number_arg("new_full", "fill_value", fill_value, 2)
        return _new_filled(self, "new_full", fill_value, (size,), **kw)  # the fill is converted after the size

    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
        check_pin_memory("new_tensor", pin_memory)
        return copy_into_tensor(data, dtype or self.dtype, device, requires_grad, pin_memory,
                                call="tensor.new_tensor")

    def histogram(self, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,  # noqa: A002
                  density: builtins.bool = False) -> Any:
        try:
            return histogram(self, bins, range=range, weight=weight, density=density)
        except TypeError as error:  # the method's overloads leave out `input` (and `out`)
            if getattr(error, "overloads_of", None) != "histogram":
                raise
            raise invalid_combination("histogram", (bins,), HISTOGRAM_METHOD_SIGNATURES) from None

    multinomial = renumbered(random.multinomial)  # (its errors count positions after self, as torch's method)
    as_strided_scatter = renumbered(_ix.as_strided_scatter)

_TO_SIGNATURES = tuple(f"({first}bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = "
                       "None)" for first in ("torch.device device = None, torch.dtype dtype = None, ",
                                             "torch.dtype dtype, ", "Tensor tensor, "))


def _resize(self: Tensor, sizes: Any) -> Tensor:
    """torch's autograd Resize (ResizeBackward): a reshape keeping the number of elements. It multiplies
    the sizes it is given as they are, so resize((3, 1)), one tuple, is refused as torch refuses it."""
    numel = functools.reduce(operator.mul, sizes, 1)
    if numel != self.numel():
        raise RuntimeError(
            f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but the given tensor has a "
            f"size of {'x'.join(map(str, self.shape))} ({self.numel()} elements). autograd's resize can only change "
            "the shape of a given tensor, while preserving the number of elements. ")
    if not sizes:  # torch's resize then calls view() with no size
        raise TypeError("view() received an invalid combination of arguments - got (), but expected one of:\n"
                        " * (torch.dtype dtype)\n * (tuple of ints size)\n")
    return rename(_sh.reshape(self, tuple(sizes)), "ResizeBackward")


def _is_dtype(value: Any) -> builtins.bool:
    """A `torch.dtype` to torch's parser: a dtype, or Python's float, int or bool (float64, int64, bool)."""
    return isinstance(value, dtypes.dtype) or builtins.any(value is kind for kind in (builtins.float, builtins.int, builtins.bool))


def _written_part(target: Tensor, key: tuple, value: Any, original_key: Any) -> tuple:
    """`target[key] = value` on an expanded target (one element at several places), as torch writes it:
    (tensor written, its key, the writer for _check_inplace). An index key is index_put_, which writes through
    with a warning (and masked_fill_'s after it, when one value goes through one mask); a basic key copies into
    the view target[key], which torch refuses only if the view itself is still expanded (y[0] of a 0-d's)."""
    if not views.overlaps_itself(target._data):
        return target, key, None
    if is_advanced(key):
        target._warn_expanded_write("index_put_")
        if routes_to_masked_fill(original_key, value):
            target._warn_expanded_write("masked_fill_")
        return target, key, "index_put_"
    return _sh.Index.apply(target, key), (Ellipsis,), None


def _plain_write(t: Tensor, key: Any, value: Any) -> builtins.bool:
    """Is `t[key] = value` a number written at integers in range into a plain tensor outside any graph (no view,
    no inference or float16 tensor, no tangent)? Then numpy's write is torch's, with none of __setitem__'s checks."""
    if t.__class__ is not Tensor or t._requires_grad or t._base is not None or t._inference or t._fw_grads \
            or isinstance(value, Tensor) or t._data.dtype == np.float16:  # (numpy warns of a float16 overflow)
        return False
    shape = t._data.shape
    keys = key if type(key) is tuple else (key,)
    if len(keys) > len(shape):
        return False
    for k, n in zip(keys, shape):
        if type(k) is not builtins.int or not -n <= k < n:
            return False
    return True


def _to_arguments(args: tuple, kwargs: dict) -> dict:
    """Tensor.to's arguments by name, read by the overload its first argument picks (_TO_SIGNATURES)."""
    if args and isinstance(args[0], (builtins.float, np.floating, np.bool_)):  # x.to(1.5): torch's parser takes
        args = (Tensor._make(np.array(args[0], np.float64)),) + args[1:]  # a number as to(Tensor other), float64
    elif args and type(args[0]) is builtins.bool:  # (an int is a device index: the first overload)
        args = (Tensor._make(np.array(args[0])),) + args[1:]
    first = args[0] if args else kwargs.get("tensor")
    names = ("tensor",) if isinstance(first, Tensor) else ("dtype",) if _is_dtype(first) else ("device", "dtype")
    names += ("non_blocking", "copy")
    given = dict(zip(names, args))
    if len(args) > len(names) or set(kwargs) - set(names) - {"memory_format"} or set(kwargs) & set(given):
        raise invalid_combination("to", args, _TO_SIGNATURES, kwargs)
    given.update(kwargs)
    if not is_device_arg(given.get("device")):  # t.to(np.float32)
        raise invalid_combination("to", args, _TO_SIGNATURES, kwargs)
    if given.get("dtype") is not None:
        if not _is_dtype(given["dtype"]):
            raise invalid_combination("to", args, _TO_SIGNATURES, kwargs)
        given["dtype"] = dtypes.as_dtype(given["dtype"])
    for flag in ("non_blocking", "copy"):
        if not isinstance(given.get(flag, False), builtins.bool):
            raise invalid_combination("to", args, _TO_SIGNATURES, kwargs)
    return given


def _new_filled(self: Tensor, name: str, fill: Any, sizes: tuple, *, dtype: Any = None, device: Any = None,
                requires_grad: bool = False, layout: Any = None, pin_memory: Any = False, **kw: Any) -> Tensor:
    """The new_* methods: a tensor of size `sizes` (or size=...) holding `fill`, in self's dtype unless told."""
    if dtype is not None:
        dtype_arg(name, dtype)  # (`in (float, int, bool)` let np.dtype('float64') by: it compares equal to float)
    check_layout(name, layout)
    check_pin_memory(name, pin_memory)
    device_arg(name, device)
    check_device(device)
    return _filled(fill, _size(sizes, kw, name), dtype or self.dtype, requires_grad, device, name)


_SHAPE_CPP = "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:{}.)"


class _WriteIntoView(_sh.SetItem):
    """x[key] = value where torch writes into a view of x (CopySlices) or copies into all of x (CopyBackwards):
    torch's name() spells either with its C++ namespace (its repr and type name are the plain names). An op
    built on such a write renames the node (F.pad: ConstantPadNdBackward0); that name stays as it is."""

    def name(self) -> str:
        own = type(self).__name__
        return f"torch::autograd::{own}" if own in ("CopySlices", "CopyBackwards") else own


def _as_torch_writes_it(value: Tensor, target: np.ndarray, key: tuple, name: str) -> Tensor:
    """The value as torch's target[key] = value passes it on, which its graph shows (ViewBackward0,
    ExpandBackward0). index_put_ gets it without its leading size-1 dims; a copy into a view or into x takes,
    unless the shapes already agree, a view of it without those dims (even when there are none), expanded
    to the slot it fills."""
    ones = next((i for i, n in enumerate(value.shape) if n != 1), value.ndim)
    if _has_index_arrays(key):
        return value.view(value.shape[ones:]) if ones else value
    slot = target[key].shape  # (a basic key: numpy's view, no copy)
    if value.shape == slot or not value.ndim:
        return value
    value = value.view(value.shape[ones:])
    return value if value.shape == slot else value.expand(slot)


def _written_node_name(key: tuple, shape: tuple, value: Any) -> str:
    """torch's node for `x[key] = value` (key as numpy takes it): index arrays make it index_put_
    (IndexPutBackward0), into the view that the key's slices, Nones and bools make first, if they make one
    (CopySlices); slices that keep all of x (torch skips a slice [0:n or more]) are a copy_ into x
    (CopyBackwards), or a fill_ of a number or 0-d tensor (FillBackward3; for a 0-d x, a copy_ still); any
    other key writes into a view of x (CopySlices)."""
    if _has_index_arrays(key):
        bools = any(isinstance(k, (bool, np.bool_)) or isinstance(k, np.ndarray) and k.dtype == np.bool_ and not k.ndim
                    for k in key)
        return "CopySlices" if bools or _sh._index_views(key, shape) else "IndexPutBackward0"
    if not all(k is Ellipsis or isinstance(k, slice) for k in key):
        return "CopySlices"  # an integer or None makes a view
    split = next((i for i, k in enumerate(key) if k is Ellipsis), len(key))
    sizes = shape[:split] + shape[len(shape) - (len(key) - split - 1):]
    parts = key[:split] + key[split + 1:]
    if not all(k.start in (None, 0) and k.step in (None, 1) and (k.stop is None or k.stop >= n)
               for k, n in zip(parts, sizes)):
        return "CopySlices"
    return "CopyBackwards" if isinstance(value, Tensor) and value.ndim or not shape else "FillBackward3"


def _has_index_arrays(key: tuple) -> bool:
    """Does the numpy key hold an index array (torch writes it with index_put_)?"""
    return any(isinstance(k, np.ndarray) and k.ndim for k in key)


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(data)
    t._requires_grad = requires_grad
    return t


# What a class body makes by itself; not methods. `__hash__` is here because defining `__eq__` in
# a class body sets `__hash__ = None`: Tensor keeps the core's identity hash, as torch's does.
_NOT_METHODS = {"__dict__", "__weakref__", "__module__", "__qualname__", "__doc__", "__hash__"}


# The methods torch writes in Python (torch/_tensor.py): Python names them `Tensor.norm()` in a
# TypeError about their arguments; torch's C++ methods are named bare (`size()`), as ours then are.
_WRITTEN_IN_PYTHON_BY_TORCH = {"__format__", "__repr__", "__iter__", "__reduce_ex__", "__deepcopy__", "__rsub__",
                               "__rtruediv__", "__floordiv__", "__rfloordiv__", "__rmod__", "__pow__", "__rpow__",
                               "__rmatmul__", "__rlshift__", "__rrshift__", "norm", "split", "resize", "resize_as",
                               "storage", "dim_order", "share_memory_"}


class _BoundBuiltin(functools.partial):
    """`t.type` not called: the function with t as its first argument, printed as torch prints its C++
    methods (`<built-in method type of Tensor object at 0x...>`); a Python bound method would print
    `<bound method type of tensor([...])>`. Calling it is calling the function (partial's C call)."""
    __slots__ = ()

    @property
    def __self__(self) -> Any:
        return self.args[0]

    @property
    def __name__(self) -> str:
        return self.func.__name__

    def __eq__(self, other: object) -> bool:  # `t.size == t.size`, as two bound methods compare
        return isinstance(other, _BoundBuiltin) and self.func is other.func and self.args[0] is other.args[0]

    def __hash__(self) -> int:
        return hash((self.func, id(self.args[0])))

    def __repr__(self) -> str:
        return f"<built-in method {self.func.__name__} of {type(self.args[0]).__name__} object at {id(self.args[0]):#x}>"


# CPython's errors name a type by its tp_name, which for a class is its __name__: `x.size[0]`, `loss.item + 1`
# and f"{loss.item:.4f}" then say 'builtin_function_or_method', as torch's do (pickling reads __qualname__)
_BoundBuiltin.__name__ = "builtin_function_or_method"


class _PrintsAsBuiltin:
    """A Tensor method reached through the instance as a `_BoundBuiltin`; through the class, the plain
    function. Only for the methods learners print or use by mistake without calling them (kanncaa1's
    `"Array Type: {}".format(tensor.type)`, `print(x.size)`, `f"{loss.item:.4f}"`): every access costs a small object and a
    Python call, so `dim`, which the RNN forward calls, is left a plain method."""

    def __init__(self, function: Callable[..., Any], name: str) -> None:
        if function.__name__ != name:  # an alias (ndimension = dim) prints and errs under its own name
            function = types.FunctionType(function.__code__, function.__globals__, name, function.__defaults__,
                                          function.__closure__)
            function.__qualname__ = name
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        return self.function if instance is None else _BoundBuiltin(self.function, instance)


_PRINTED_UNCALLED = ("type", "size", "numel", "nelement", "ndimension", "item", "numpy", "tolist")


def bind() -> None:
    """Copy every member of TensorMethods onto Tensor (once, when the package is imported); those written
    here are named as torch's errors name them, rather than `TensorMethods.size()`."""
    Tensor.__module__ = "torch"  # `type(t)` prints <class 'torch.Tensor'>, as torch's (pickling goes through _rebuild)
    for name, member in vars(TensorMethods).items():
        if name not in _NOT_METHODS:
            if inspect.isfunction(member) and member.__qualname__.startswith("TensorMethods."):
                member.__qualname__ = f"Tensor.{name}" if name in _WRITTEN_IN_PYTHON_BY_TORCH else name
            setattr(Tensor, name, member)
    for name in _PRINTED_UNCALLED:
        setattr(Tensor, name, _PrintsAsBuiltin(getattr(Tensor, name), name))

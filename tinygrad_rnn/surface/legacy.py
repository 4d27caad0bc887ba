"""The legacy constructors: `Tensor(data)`, `Tensor(2, 3)`, `FloatTensor`, `LongTensor`, ... .

`Tensor(...)` is torch's old constructor: of the default dtype (float32 unless set_default_dtype or
set_default_tensor_type changed it), and a shape when given integers. Ops
never go through it (they wrap arrays with `Tensor._make`), so it is installed on the class here,
as `Tensor.__new__`, by the surface layer.

`FloatTensor([1, 2])` makes a float32 tensor and `isinstance(t, FloatTensor)` checks the dtype,
as in torch. They are classes only in name: each call makes an ordinary `Tensor`.
"""
from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..argcheck import invalid_combination, type_name
from ..core import dtypes
from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import _is_int, _is_sequence, _to_array, checked_numpy
from ..device import check_device_name
from .storage import TypedStorage, UntypedStorage


def legacy_new(cls: type, d: dtypes.dtype, args: tuple, kwargs: dict, typed: bool = True) -> Tensor:
    """`Tensor(data)` or `Tensor(*sizes)`: always of dtype `d` (the default dtype for `Tensor`), but for a tensor
    argument, which is returned under a new name and must have dtype d when `typed` (`FloatTensor(t)`)."""
    args, kwargs = keyword_form(args, kwargs)
    device = check_legacy_arguments(args, kwargs)
    if len(args) == 1 and isinstance(args[0], np.ndarray):
        a = checked_numpy(args[0], converting=True)  # torch reads it as from_numpy does: its checks, its warning
        if a.dtype == d.np:
            return _wrap(cls, a)  # same dtype: share memory, as torch does
        return _wrap(cls, a.astype(d.np))
    if len(args) == 1 and isinstance(args[0], (TypedStorage, UntypedStorage)):
        return _wrap(cls, _storage_elements(args[0], d))
    if len(args) == 1 and isinstance(args[0], Tensor):
        return alias_of(args[0], d if typed else None, device)
    refuse_other_devices(device)
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])  # Tensor(torch.Size([2, 3])) is a shape
    elif len(args) == 1 and _is_sequence(args[0]):
        return _wrap(cls, _legacy_array(args[0], d))
    if not args:
        args = (0,)  # Tensor() is empty, of shape (0,)
    if len(args) > 1 or all(_is_int(a) for a in args):
        shape = tuple(operator.index(a) for a in args)
        for s in shape:
            if s < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
        return _wrap(cls, np.zeros(shape, d.np))  # torch leaves this memory uninitialised
    bad = args[0]
    if isinstance(bad, str):
        raise TypeError(f"new(): invalid data type '{type_name(bad)}'")
    raise TypeError(f"new(): data must be a sequence (got {type_name(bad)})")


def keyword_form(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """`Tensor(size=(2, 3))`, `Tensor(data=[1, 2])`: the one argument given by its name, as if by position."""
    named = [k for k in kwargs if k != "device"]
    if args or len(named) != 1 or named[0] not in ("size", "data", "other", "storage"):
        return args, kwargs
    value = kwargs[named[0]]
    rest = {k: v for k, v in kwargs.items() if k == "device"}
    return (tuple(value) if named[0] == "size" and isinstance(value, (list, tuple)) else (value,)), rest


def check_legacy_arguments(args: tuple, kwargs: dict) -> Any:
    """torch's parser on a legacy constructor's arguments: a keyword but `device` (`dtype=`, `requires_grad=`)
    fits no overload, nor do several arguments unless they are all ints (a shape); then the device string.
    Returns the device given."""
    first_is_size = args and (_is_int(args[0]) or (isinstance(args[0], Tensor) and _is_index(args[0])))
    if set(kwargs) - {"device"} or (len(args) > 1 and not first_is_size):
        raise invalid_combination("new", args, _NEW_SIGNATURES, kwargs)
    if len(args) > 1:  # a shape: after its first size, bools pass too
        for position, a in enumerate(args, 1):
            if not _is_index(a):
                raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {position} with error "
                                f'"type must be tuple of ints,but got {type_name(a)}"')
    device = kwargs.get("device")
    if device is not None:
        check_device_name(device)
    return device


def _is_index(value: Any) -> bool:
    """Whether the value reads as an int: an int, a bool, a one-element integer tensor."""
    try:
        operator.index(value)
    except (TypeError, RuntimeError, ValueError):
        return False
    return True


def refuse_other_devices(device: Any) -> None:
    """The legacy constructors make CPU tensors only, and say so of any other device (before CUDA's absence)."""
    name = None if device is None else check_device_name(device)
    if name not in (None, "cpu"):
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {name} was passed")


# the overloads torch's parser lists when a legacy constructor is called with arguments none of them takes
_NEW_SIGNATURES = ("(*, torch.device device = None)", "(torch.Storage storage)", "(Tensor other)",
                   "(tuple of ints size, *, torch.device device = None)", "(object data, *, torch.device device = None)")


def _storage_elements(storage: TypedStorage | UntypedStorage, d: dtypes.dtype) -> np.ndarray:
    """`FloatTensor(storage)`: the storage's memory as a 1-D tensor sharing it; a typed storage must hold d."""
    if isinstance(storage, TypedStorage) and storage.dtype is not d:
        raise RuntimeError(f"Expected a Storage of type {d._legacy} or an UntypedStorage, but "
                           f"got type {storage.dtype._legacy} for argument 1 'storage'")
    return storage._flat.view(d.np)


def alias_of(t: Tensor, d: dtypes.dtype | None, device: Any) -> Tensor:
    """`Tensor(t)` and `FloatTensor(t)` return t itself under a new name (a view, AliasBackward0 in the
    graph), never a converted copy: `Tensor(t)` takes t of any dtype, `FloatTensor(t)` only a float32 t."""
    if device is not None:
        raise RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not "
                           "supported.  Use torch.tensor(...) or torch.as_tensor(...) instead.")
    if d is not None and t.dtype is not d:
        raise TypeError(f"expected {_tensor_options(d)} (got {_tensor_options(t.dtype)})")
    return t[...]


_CPP_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
                   "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
                   "uint8": "unsigned char", "bool": "bool"}


def _tensor_options(d: dtypes.dtype) -> str:
    """How torch's C++ prints the options of a CPU tensor of dtype d, in a legacy constructor's TypeError."""
    return (f"TensorOptions(dtype={_CPP_TYPE_NAMES.get(d.name, d.name)}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))")


def _legacy_array(data: Sequence, d: dtypes.dtype) -> np.ndarray:
    """The values as torch.tensor(data, dtype=d) reads them: floats truncated into integer types, and
    torch's overflow error for a value the type cannot hold (ByteTensor([300]))."""
    return _to_array(list(data), d) if data else np.zeros(0, d.np)


def _wrap(cls: type, data: np.ndarray) -> Tensor:
    t = object.__new__(cls)
    t._data = data
    return t


def _tensor_new(cls: type, *args: Any, **kwargs: Any) -> Tensor:
    """`Tensor(data)` copies into the default dtype; `Tensor(2, 3)` is a shape."""
    return legacy_new(cls, dtypes.get_default_dtype(), args, kwargs, typed=False)


class _LegacyType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype  # type: ignore[attr-defined]

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return legacy_new(Tensor, cls._dtype, args, kwargs)  # type: ignore[attr-defined]


def _legacy(name: str, d: dtypes.dtype) -> Any:
    return _LegacyType(name, (), {"_dtype": d, "dtype": d})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool)

CPU_TYPES = (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor,
             BoolTensor)


class _CudaLegacyType(_LegacyType):
    """`torch.cuda.FloatTensor` and its siblings: names a CPU-only torch knows but cannot make."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return False

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"type torch.cuda.{cls.__name__} not available. Torch not compiled with CUDA enabled.")


CUDA_TYPES = tuple(_CudaLegacyType(c.__name__, (), {"_dtype": c._dtype, "dtype": c._dtype, "is_cuda": True})
                   for c in CPU_TYPES)
CUDA_INIT_ERROR = (  # what CPU-only torch raises when a conversion needs its CUDA library
    "Cannot initialize CUDA without ATen_cuda library. PyTorch splits its backend into two shared libraries: a CPU "
    "library and a CUDA library; this error has occurred because you are trying to use some CUDA functionality, but "
    "the CUDA library has not been loaded by the dynamic linker for some reason.  The CUDA library MUST be loaded, "
    "EVEN IF you don't directly use any symbols from the CUDA library! One common culprit is a lack of "
    "-Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic library dependencies if you "
    "don't depend on any of their symbols.  You can check if this has occurred by using ldd on your binary to see "
    "if there is a dependency on *_cuda.so library.")
LEGACY_BY_NAME = {f"torch.{c.__name__}": c for c in CPU_TYPES} | {f"torch.cuda.{c.__name__}": c for c in CUDA_TYPES}


def install() -> None:
    """Make `Tensor(...)` the legacy constructor (the surface calls this once, at import)."""
    Tensor.__new__ = _tensor_new  # type: ignore[method-assign, assignment]

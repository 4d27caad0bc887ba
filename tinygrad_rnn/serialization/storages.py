"""Storages and tensors as a torch checkpoint describes them, rebuilt as numpy arrays.

A torch file stores each *storage* (a flat run of elements) once; each tensor is a view of one:
(storage, offset, size, stride). We keep that: a storage becomes one flat numpy array, and every
tensor of it a strided view, so tensors that shared memory in torch share it here too.

These functions are what the restricted unpickler calls for torch's GLOBALs
`torch._utils._rebuild_tensor_v2` and friends. They check every number before touching memory.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..device import device
from ..nn.parameter import Parameter
from .errors import MalformedFileError

# torch's storage class name -> (torch dtype name, how the bytes are laid out on disk)
STORAGE_TYPES: dict[str, tuple[str, str]] = {
    "FloatStorage": ("float32", "<f4"), "DoubleStorage": ("float64", "<f8"), "HalfStorage": ("float16", "<f2"),
    "LongStorage": ("int64", "<i8"), "IntStorage": ("int32", "<i4"), "ShortStorage": ("int16", "<i2"),
    "CharStorage": ("int8", "i1"), "ByteStorage": ("uint8", "u1"), "BoolStorage": ("bool", "?"),
    "BFloat16Storage": ("bfloat16", "<u2"), "UntypedStorage": ("uint8", "u1"),
}
# torch dtypes numpy has no type for. bfloat16 is converted (exactly) to float32; the rest are refused.
UNSUPPORTED_STORAGES = {"ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
                        "QInt8Storage": "qint8", "QInt32Storage": "qint32", "QUInt8Storage": "quint8",
                        "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4"}


class StorageType:
    """What the GLOBAL `torch.FloatStorage` (etc.) stands for here: just an element type."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dtype_name, self.disk_dtype = STORAGE_TYPES[name]

    def __repr__(self) -> str:
        return f"torch.{self.name}"


class Storage:
    """One flat array of `numel` elements, allocated (or mapped) only after its size was checked.

    bfloat16 elements are the top 16 bits of a float32, so they widen to float32 exactly.
    """

    def __init__(self, storage_type: StorageType, numel: int, byteorder: str = "little") -> None:
        self.type, self.numel = storage_type, numel
        self.disk_dtype = np.dtype(storage_type.disk_dtype).newbyteorder("<" if byteorder == "little" else ">")
        self.is_bfloat16 = storage_type.dtype_name == "bfloat16"
        self.array: np.ndarray | None = None

    @property
    def nbytes(self) -> int:
        return self.numel * self.disk_dtype.itemsize

    @property
    def direct(self) -> bool:
        """True when the file's bytes are already our array's bytes (no conversion, no byte swap)."""
        return not self.is_bfloat16 and self.disk_dtype.isnative

    def allocate(self) -> np.ndarray:
        if self.array is None:
            self.array = np.empty(self.numel, dtype=np.float32 if self.is_bfloat16 else self.disk_dtype.newbyteorder("="))
        return self.array

    def fill(self, raw: Any) -> None:
        """Copy (and convert) the file's bytes for this storage into `array`."""
        on_disk = np.frombuffer(raw, dtype=self.disk_dtype, count=self.numel)
        if self.is_bfloat16:
            self.allocate()[...] = (on_disk.astype(np.uint32) << 16).view(np.float32)
        else:
            self.allocate()[...] = on_disk

    def read_from(self, stream: Any) -> None:
        """Read exactly `nbytes` from `stream` into the (newly allocated) array."""
        target = self.allocate().view(np.uint8) if self.direct else np.empty(self.nbytes, dtype=np.uint8)
        view, done = target.data, 0
        while done < self.nbytes:
            got = stream.readinto(view[done:])
            if not got:
                raise MalformedFileError(f"a storage ends after {done} of its {self.nbytes} bytes")
            done += got
        if not self.direct:
            self.fill(target)

    def map(self, mapped: np.ndarray) -> None:
        """Use `mapped` (uint8 bytes of a memory-mapped file) as the storage, without reading it."""
        if self.direct:
            self.array = np.asarray(mapped).view(self.disk_dtype)  # a plain ndarray over the mapped bytes
        else:
            self.fill(mapped)


def _ints(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple) or not all(type(v) is int and v >= 0 for v in value):
        raise MalformedFileError(f"a tensor's {what} is not a tuple of non-negative ints: {str(value)[:80]}")
    return value


def rebuild_tensor(storage: Any, storage_offset: Any, size: Any, stride: Any) -> Tensor:
    """torch._utils._rebuild_tensor: the tensor `size`/`stride` at `storage_offset` of `storage`."""
    if not isinstance(storage, Storage):
        raise MalformedFileError(f"a tensor is rebuilt from {type(storage).__name__}, not from a storage")
    size, stride = _ints(size, "size"), _ints(stride, "stride")
    if type(storage_offset) is not int or storage_offset < 0 or len(size) != len(stride):
        raise MalformedFileError(f"a tensor has offset {storage_offset!r}, size {size} and stride {stride}")
    last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else storage_offset - 1
    if last >= storage.numel:
        raise MalformedFileError(f"a tensor of size {size}, stride {stride} at offset {storage_offset} reaches "
                                 f"past its storage of {storage.numel} elements")
    flat = storage.allocate()  # already filled (zip format) or filled later (legacy format)
    item = flat.itemsize
    offset = storage_offset * item if all(size) else 0  # an empty view may sit at the storage's end
    # A view whose base is the storage array, so saving it again finds (and keeps) the sharing.
    view = np.ndarray(size, dtype=flat.dtype, buffer=flat, offset=offset, strides=tuple(s * item for s in stride))
    if storage.is_bfloat16:
        _warn_bfloat16()
    return Tensor._make(view)


def rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any,
                      backward_hooks: Any, metadata: Any = None) -> Tensor:
    """torch._utils._rebuild_tensor_v2: `_rebuild_tensor` plus requires_grad."""
    if type(requires_grad) is not bool:
        raise MalformedFileError(f"a tensor's requires_grad is {requires_grad!r}, not a bool")
    if not _empty(backward_hooks):
        raise NotImplementedError("tinygrad_rnn.load: the file holds a tensor with backward hooks, which "
                                  "tinygrad_rnn does not restore")
    if not _empty(metadata):
        raise NotImplementedError(f"tinygrad_rnn.load: the file holds a tensor with extra metadata {metadata!r}, "
                                  "which tinygrad_rnn does not restore")
    t = rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise MalformedFileError(f"a {t.dtype} tensor is marked requires_grad, which only float tensors can be")
        t.requires_grad_(True)
    return t


def rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any) -> Any:
    """torch._utils._rebuild_parameter: an nn.Parameter around a rebuilt tensor."""

    if not isinstance(data, Tensor) or type(requires_grad) is not bool:
        raise MalformedFileError(f"a Parameter is rebuilt from {type(data).__name__} and {requires_grad!r}")
    if not _empty(backward_hooks):
        raise NotImplementedError("tinygrad_rnn.load: the file holds a Parameter with backward hooks, which "
                                  "tinygrad_rnn does not restore")
    return Parameter(data, requires_grad)


def rebuild_parameter_with_state(data: Any, requires_grad: Any, backward_hooks: Any, state: Any) -> Any:
    """torch._utils._rebuild_parameter_with_state: a Parameter that also carried Python attributes."""
    if not _empty(state):
        raise NotImplementedError("tinygrad_rnn.load: the file holds a Parameter with extra attributes "
                                  f"{str(state)[:80]}, which tinygrad_rnn does not restore")
    return rebuild_parameter(data, requires_grad, backward_hooks)


def rebuild_from_type_v2(func: Any, new_type: Any, args: Any, state: Any) -> Any:
    """torch._tensor._rebuild_from_type_v2: a tensor subclass; only Tensor and Parameter exist here."""

    if not any(func is f for f in (rebuild_tensor_v2, rebuild_tensor, rebuild_parameter)) or type(args) is not tuple:
        raise MalformedFileError(f"_rebuild_from_type_v2 is asked to call {str(func)[:80]}")
    if new_type is not Tensor and new_type is not Parameter:
        raise NotImplementedError(f"tinygrad_rnn.load: the file holds a tensor subclass {new_type!r}")
    if not _empty(state):
        raise NotImplementedError(f"tinygrad_rnn.load: the file holds a tensor with extra attributes {str(state)[:80]}")
    return func(*args)


def _empty(value: Any) -> bool:
    """None or an empty dict: what torch writes for 'no hooks', 'no metadata', 'no extra state'."""
    return value is None or (isinstance(value, dict) and not value)


def _warn_bfloat16() -> None:
    warnings.warn("tinygrad_rnn.load: a bfloat16 tensor was converted to float32 (numpy has no bfloat16; the "
                  "conversion is exact)", UserWarning, stacklevel=3)


# ---------------------------------------------------------------- where storages go (map_location)
CUDA_MESSAGE = ("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you "
                "are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to "
                "map your storages to the CPU.")


def _check_cpu(location: Any) -> None:
    name = str(location)
    if name == "cpu" or name.startswith("cpu:"):
        return
    if name.startswith("cuda"):
        raise RuntimeError(CUDA_MESSAGE)
    raise MalformedFileError(f"don't know how to restore data location of torch.storage.UntypedStorage (tagged "
                             f"with {name[:40]})")


def restore_location(storage: Storage, location: str, map_location: Any) -> Storage:
    """Apply torch's `map_location` rules; everything ends up on the CPU or raises torch's error."""
    if map_location is None:
        _check_cpu(location)
    elif isinstance(map_location, dict):
        _check_cpu(map_location.get(location, location))
    elif isinstance(map_location, (str, bytes, device)):
        _check_cpu(map_location.decode() if isinstance(map_location, bytes) else map_location)
    elif callable(map_location):
        result = map_location(storage, location)
        if result is None:
            _check_cpu(location)
        elif result is not storage:
            raise NotImplementedError("tinygrad_rnn.load: a map_location function may return the storage it was "
                                      "given or None; it returned a different object")
    else:
        raise TypeError(f"map_location should be a string, a device, a dict or a function, got "
                        f"{type(map_location).__name__}")
    return storage

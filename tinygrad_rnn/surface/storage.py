"""`t.storage()` and `t.untyped_storage()`: the flat run of memory a tensor is a view of.

A tensor is (storage, offset, size, stride). makemore's MLP lesson prints `a.storage()` to show that
`a.view(3, 3, 2)` keeps the same 18 numbers in the same order and only changes how they are read.
Here the storage is the numpy array at the root of the tensor's array (numpy's `.base` chain),
seen flat in memory order; writing into a storage writes into every tensor that views it.
"""
from __future__ import annotations

import mmap
import warnings
import weakref
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.views import storage_array
from ..determinism import uninitialized
from ..device import device

_warned = False

# The memory marked shared by share_memory_ (a tensor's or a storage's), by id: the numpy arrays that own it, so
# that a view finds its root's. An entry goes with its array, so a reused id finds nothing.
_SHARED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def _memory_of(data: np.ndarray) -> np.ndarray:
    while isinstance(data.base, np.ndarray):
        data = data.base
    return data


def mark_shared(data: np.ndarray) -> None:
    """Mark the memory `data` views as shared, where it is."""
    memory = _memory_of(data)
    _SHARED[id(memory)] = memory


def moved_to_shared_memory(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """The memory `arrays[0]` views, copied into an anonymous shared mapping, which processes forked from this
    one write into too (torch's Hogwild and A3C scripts train a model that way), and marked shared; each
    array of `arrays` that viewed the old memory is returned re-made to view the new one in the same place.
    torch moves a storage so, to a new address, and every tensor of it follows: the caller passes the
    arrays of the views it knows (numpy arrays cannot be re-pointed); any other keeps the old memory."""
    memory = _memory_of(arrays[0])
    if _SHARED.get(id(memory)) is memory:
        return arrays
    c_ordered = memory if memory.flags.c_contiguous else memory.T if memory.flags.f_contiguous else None
    if c_ordered is None:  # (a root with gaps between its elements: it cannot be copied byte for byte)
        mark_shared(memory)
        return arrays
    moved = np.ndarray(memory.shape, memory.dtype, buffer=mmap.mmap(-1, max(memory.nbytes, 1)), strides=memory.strides)
    moved[...] = memory
    _SHARED[id(moved)] = moved
    start = memory.__array_interface__["data"][0]
    return [_same_place(a, moved if c_ordered is memory else moved.T, start) if _memory_of(a) is memory else a
            for a in arrays]


def _same_place(data: np.ndarray, moved: np.ndarray, start: int) -> np.ndarray:
    """An array over `moved` (C-ordered) with data's shape and strides, at data's offset from `start`."""
    if data.base is None:
        return _memory_of(moved)
    view = np.ndarray(data.shape, data.dtype, buffer=moved, offset=data.__array_interface__["data"][0] - start,
                      strides=data.strides)
    view.flags.writeable = data.flags.writeable
    return view


def is_shared_memory(data: np.ndarray) -> bool:
    """Whether the memory `data` views was marked shared, through any tensor or storage of it."""
    memory = _memory_of(data)
    return _SHARED.get(id(memory)) is memory


def warn_typed_storage_removal() -> None:
    """torch's deprecation warning for TypedStorage, given once per process as torch gives it."""
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
                  "storage class. This should only matter to you if you are using storages directly.  To access "
                  "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()", UserWarning,
                  stacklevel=3)


class _Storage:
    """What both kinds of storage share: a flat array, printed one element per line."""

    _flat: np.ndarray

    @property
    def device(self) -> device:
        return device("cpu")

    @property
    def is_cuda(self) -> bool:
        return False

    def size(self) -> int:
        return self._flat.size

    def __len__(self) -> int:
        return self._flat.size

    def nbytes(self) -> int:
        return self._flat.nbytes

    def data_ptr(self) -> int:
        return self._flat.__array_interface__["data"][0]

    def is_shared(self) -> bool:
        return is_shared_memory(self._flat)

    def share_memory_(self) -> Any:
        """Mark this memory shared, for every tensor that views it too (a storage cannot re-point its tensors
        to new memory, as Tensor.share_memory_ does); the storage itself is returned."""
        mark_shared(self._flat)
        return self

    def tolist(self) -> list:
        return self._flat.tolist()

    def __getitem__(self, index: int) -> Any:
        return self._flat[self._position(index)].item()

    def _position(self, index: Any) -> int:
        """An element's position, counted from the end when negative, as torch's checks word it."""
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            error = TypeError if isinstance(index, bool) else RuntimeError  # (as torch's: a bool, a TypeError)
            raise error(f"can't index a <class 'torch.storage.{type(self).__name__}'> with {type(index)}")
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} out of range for storage of size {len(self)}")
        return int(index)

    def __setitem__(self, index: int, value: Any) -> None:
        self._flat[index] = value

    def fill_(self, value: Any) -> Any:
        """Every element set to value; the storage itself is returned (and every tensor viewing it changed)."""
        self._flat[...] = value
        return self

    def copy_(self, source: Any) -> Any:
        """source's bytes copied into this storage's, which must hold as many (torch copies bytes, not values)."""
        mine, theirs = self._flat.view(np.uint8), source._flat.view(np.uint8)
        if mine.size != theirs.size:
            raise RuntimeError(f"size does not match, self was {mine.size} bytes but src was {theirs.size} bytes")
        mine[...] = theirs
        return self

    def __iter__(self) -> Any:
        return iter(self.tolist())

    def __str__(self) -> str:
        return " " + "\n ".join(str(v) for v in self.tolist()) + f"\n[{self._title()} of size {len(self)}]"

    __repr__ = __str__

    def _title(self) -> str:
        raise NotImplementedError


class UntypedStorage(_Storage):
    """A tensor's memory as bytes."""

    def __init__(self, array: np.ndarray) -> None:
        self._flat = storage_array(array).view(np.uint8)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            return super().__getitem__(index)
        if index.step not in (None, 1):
            raise RuntimeError(f"Trying to slice with a step of {index.step}, but only a step of 1 is supported")
        part = UntypedStorage(self._flat[:0])
        part._flat = self._flat[index]  # the same bytes, not a copy (the constructor would take the whole root)
        return part

    def element_size(self) -> int:
        return 1

    def clone(self) -> UntypedStorage:
        return UntypedStorage(self._flat.copy())

    def _title(self) -> str:
        return "torch.storage.UntypedStorage(device=cpu)"


class TypedStorage(_Storage):
    """A tensor's memory as elements of its dtype (torch's older storage class, deprecated there)."""

    def __init__(self, array: np.ndarray, dtype: dtypes.dtype) -> None:
        self._flat, self.dtype = storage_array(array), dtype

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return super().__getitem__(index)

    def element_size(self) -> int:
        return self._flat.itemsize

    def clone(self) -> TypedStorage:
        return TypedStorage(self._flat.copy(), self.dtype)

    def _to(self, d: dtypes.dtype) -> TypedStorage:
        """A copy with elements of dtype d (a copy even when d is the storage's own dtype, as torch's)."""
        return TypedStorage(self._flat.astype(d.np), d)

    def float(self) -> TypedStorage:
        return self._to(dtypes.float32)

    def double(self) -> TypedStorage:
        return self._to(dtypes.float64)

    def half(self) -> TypedStorage:
        return self._to(dtypes.float16)

    def long(self) -> TypedStorage:
        return self._to(dtypes.int64)

    def int(self) -> TypedStorage:
        return self._to(dtypes.int32)

    def short(self) -> TypedStorage:
        return self._to(dtypes.int16)

    def char(self) -> TypedStorage:
        return self._to(dtypes.int8)

    def byte(self) -> TypedStorage:
        return self._to(dtypes.uint8)

    def bool(self) -> TypedStorage:
        return self._to(dtypes.bool)

    def type(self) -> str:
        return f"torch.{self.dtype._legacy}Storage"

    def pickle_storage_type(self) -> str:
        return f"{self.dtype._legacy}Storage"

    def untyped(self) -> UntypedStorage:
        return UntypedStorage(self._flat)

    def _title(self) -> str:
        return f"torch.storage.TypedStorage(dtype={self.dtype}, device=cpu)"


class _LegacyStorageType(type):
    """torch.FloatStorage and its kin: any typed storage of their dtype is an instance of them."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, TypedStorage) and instance.dtype is cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


class _LegacyStorage(TypedStorage, metaclass=_LegacyStorageType):
    """`torch.FloatStorage(3)` (3 elements, unset) or `torch.FloatStorage([1, 2])`: a typed storage of the
    class's dtype (torch's deprecated spelling, which warns as TypedStorage does)."""

    dtype: dtypes.dtype

    def __init__(self, size_or_values: Any = 0) -> None:
        warn_typed_storage_removal()
        kind = type(self).dtype.np
        values = (uninitialized((size_or_values,), kind) if isinstance(size_or_values, int)
                  else np.asarray(size_or_values, dtype=kind).reshape(-1))
        super().__init__(values, type(self).dtype)


def _legacy_storage(d: dtypes.dtype) -> type:
    cls = _LegacyStorageType(f"{d._legacy}Storage", (_LegacyStorage,), {"dtype": d, "__module__": "torch"})
    cls.__qualname__ = cls.__name__
    return cls


FloatStorage, DoubleStorage, HalfStorage, LongStorage, IntStorage, ShortStorage, CharStorage, ByteStorage, \
    BoolStorage = (_legacy_storage(d) for d in (dtypes.float32, dtypes.float64, dtypes.float16, dtypes.int64,
                                                dtypes.int32, dtypes.int16, dtypes.int8, dtypes.uint8, dtypes.bool))
LEGACY_STORAGES = {cls.dtype: cls for cls in (FloatStorage, DoubleStorage, HalfStorage, LongStorage, IntStorage,
                                              ShortStorage, CharStorage, ByteStorage, BoolStorage)}

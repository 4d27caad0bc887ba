"""`t.storage()` and `t.untyped_storage()`: the flat run of memory a tensor is a view of.

A tensor is (storage, offset, size, stride). makemore's MLP lesson prints `a.storage()` to show that
`a.view(3, 3, 2)` keeps the same 18 numbers in the same order and only changes how they are read.
Here the storage is the numpy array at the root of the tensor's array (numpy's `.base` chain),
seen flat in memory order; writing into a storage writes into every tensor that views it.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core import dtypes
from ..device import device

_warned = False


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


def storage_array(array: np.ndarray) -> np.ndarray:
    """The array's memory as one flat array in memory order, sharing it (the root of its views)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.flags.c_contiguous:
        return root.reshape(-1)
    if root.flags.f_contiguous:
        return root.T.reshape(-1)
    return array.reshape(-1)  # (a root with gaps between its elements: a copy, as it has no flat view)


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
        return False

    def tolist(self) -> list:
        return self._flat.tolist()

    def __getitem__(self, index: int) -> Any:
        return self._flat[index].item()

    def __setitem__(self, index: int, value: Any) -> None:
        self._flat[index] = value

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

    def _title(self) -> str:
        return "torch.storage.UntypedStorage(device=cpu)"


class TypedStorage(_Storage):
    """A tensor's memory as elements of its dtype (torch's older storage class, deprecated there)."""

    def __init__(self, array: np.ndarray, dtype: dtypes.dtype) -> None:
        self._flat, self.dtype = storage_array(array), dtype

    def element_size(self) -> int:
        return self._flat.itemsize

    def type(self) -> str:
        return f"torch.{self.dtype._legacy}Storage"

    def pickle_storage_type(self) -> str:
        return f"{self.dtype._legacy}Storage"

    def untyped(self) -> UntypedStorage:
        return UntypedStorage(self._flat)

    def _title(self) -> str:
        return f"torch.storage.TypedStorage(dtype={self.dtype}, device=cpu)"

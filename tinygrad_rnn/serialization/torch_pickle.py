"""How an object the pickler does not know asks to be written: it spells torch's pickle of itself with
these four parts, from `__torch_pickle__()`. ao/'s quantized tensors and packed weights use it, so that
`torch.save(quantized_model.state_dict(), f)` writes what torch writes (torch._utils._rebuild_qtensor,
torch.ScriptObject with its state)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import dtypes


@dataclass(frozen=True)
class Global:
    """A name pickle looks up on load: `torch.per_tensor_affine`."""

    module: str
    name: str


@dataclass(frozen=True)
class Call:
    """`func(*args)` on load: `torch._utils._rebuild_qtensor(storage, offset, size, stride, ...)`."""

    func: Global
    args: tuple


@dataclass(frozen=True)
class NewObject:
    """An empty instance of `cls`, then its `__setstate__(state)`: torch's ScriptObjects."""

    cls: Global
    state: Any


@dataclass(frozen=True, eq=False)
class StoredArray:
    """The array's elements, stored as one of the checkpoint's storages of torch type `dtype`."""

    array: np.ndarray
    dtype: dtypes.dtype


PARTS = (Global, Call, NewObject, StoredArray)


def fresh(text: str) -> str:
    """A new string object equal to `text`. A ScriptObject's state comes from C++, which makes its strings
    anew for each object, so pickle never finds them in its memo (one-character strings excepted: Python
    shares those, as `decode` here does)."""
    return text.encode("utf-8").decode("utf-8")

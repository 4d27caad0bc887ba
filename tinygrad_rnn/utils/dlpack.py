"""torch.utils.dlpack (and torch.from_dlpack / torch.to_dlpack): tensors exchanged with other array libraries
without a copy, through the DLPack protocol that numpy speaks too.

    t = torch.from_dlpack(np_array)       # shares np_array's memory (a torch tensor's too)
    a = np.from_dlpack(t)                  # Tensor.__dlpack__: numpy (or torch) reads t's memory
    t = torch.from_dlpack(torch.to_dlpack(u))   # the legacy capsule, usable once

A tensor's memory is a numpy array, so each direction hands the array's DLPack capsule over. One exception:
numpy reads the legacy capsule of another library (torch.to_dlpack's) as read-only memory, so the tensor
made from such a capsule gets a copy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import tensor_arg
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..device import check_device

_INVALID = ("from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed only once, so you "
            "might have already constructed a tensor from it once.")


class _Capsule:
    """A bare capsule (to_dlpack's) dressed as an object with __dlpack__, the form numpy reads."""

    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)  # (kDLCPU, device 0): the only memory a capsule made here can point to


def from_dlpack(ext_tensor: Any, *, device: Any = None, copy: bool | None = None) -> Tensor:
    """A tensor sharing the memory of `ext_tensor` (anything with __dlpack__, or a capsule from to_dlpack);
    copy=True gives it memory of its own."""
    check_device(device)
    source = _Capsule(ext_tensor) if type(ext_tensor).__name__ == "PyCapsule" else ext_tensor
    if not hasattr(source, "__dlpack__"):
        raise RuntimeError(_INVALID)
    try:
        array = np.from_dlpack(source)
    except ValueError:  # a capsule read before has been renamed "used_dltensor"
        raise RuntimeError(_INVALID) from None
    if copy or not array.flags.writeable:  # numpy reads an unversioned capsule (torch.to_dlpack's) as read-only,
        array = array.copy()                # and a tensor's memory must take writes: such a tensor gets its own
    return from_numpy(array)


def to_dlpack(tensor: Tensor) -> Any:
    """The tensor's memory as a DLPack capsule, for from_dlpack (here or in another library) to read once."""
    # (a versioned capsule, which says the memory is writable: read as read-only otherwise, by numpy)
    return tensor_arg("_to_dlpack", "data", tensor, 1)._data.__dlpack__(max_version=(1, 0))


def _dlpack(self: Tensor, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
            copy: bool | None = None) -> Any:
    """Tensor.__dlpack__: the capsule a DLPack consumer (np.from_dlpack, torch.from_dlpack) asks for."""
    if self.requires_grad:
        raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
    return self._data.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)


def _dlpack_device(self: Tensor) -> tuple[Any, int]:
    return self._data.__dlpack_device__()


Tensor.__dlpack__ = _dlpack  # type: ignore[method-assign]
Tensor.__dlpack_device__ = _dlpack_device  # type: ignore[attr-defined]

"""`torch.accelerator` on a machine with none: PyTorch's own tutorials begin with

    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"

so `is_available()` says no, `current_accelerator()` gives None and `device_count()` 0, and everything
that would touch an accelerator raises torch's RuntimeError.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from . import cpu, cuda
from .device import device as _device

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False) -> None:
    return None


def device_count() -> int:
    return 0


def _no_accelerator(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(_NONE)


current_device_index = current_device_idx = set_device_index = set_device_idx = _no_accelerator
synchronize = current_stream = set_stream = empty_cache = _no_accelerator
memory_allocated = max_memory_allocated = memory_reserved = max_memory_reserved = _no_accelerator
memory_stats = get_memory_info = reset_peak_memory_stats = reset_accumulated_memory_stats = _no_accelerator


@contextlib.contextmanager
def device_index(device: int | None, /) -> Iterator[None]:
    """A block run on accelerator `device`: None runs it as it is; an index raises (there is none)."""
    if device is not None:
        raise RuntimeError(_NONE)
    yield


_DEVICE_MODULES = {"cpu": cpu, "cuda": cuda}
_TORCH_HAS_A_MODULE = ("mps", "xpu", "mtia", "hpu", "ipu", "maia", "privateuseone")


def get_device_module(device: Any = None) -> ModuleType:
    """torch.get_device_module: the module of a device type (torch.cpu for None, 'cpu' or 'cpu:0',
    torch.cuda for 'cuda:1')."""
    if device is None:
        return cpu
    if not isinstance(device, (str, _device)):
        raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, or None")
    kind = _device(device).type
    if kind in _DEVICE_MODULES:
        return _DEVICE_MODULES[kind]
    if kind in _TORCH_HAS_A_MODULE:
        raise NotImplementedError(f"get_device_module('{kind}'): tinygrad_rnn has no torch.{kind} module")
    raise RuntimeError(f"Device '{kind}' does not have a corresponding module registered as 'torch.{kind}'.")

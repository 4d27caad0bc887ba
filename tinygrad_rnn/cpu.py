"""`torch.cpu`: the device every tensor here lives on, with the device-module functions torch gives it."""
from __future__ import annotations

from typing import Any


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device: Any) -> None:
    """Only the one CPU device exists: nothing to switch, as in torch."""


def synchronize(device: Any = None) -> None:
    """Every op here has finished when it returns: nothing to wait for, as in torch."""


from .amp import cpu_amp as amp  # noqa: E402, F401  (torch.cpu.amp: the deprecated spellings, amp/cpu_amp.py)

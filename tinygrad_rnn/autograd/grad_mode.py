"""torch.autograd.grad_mode: the grad-mode switches (defined in core/grad_mode.py), and the switch of
multithreaded backward, which has nothing to switch here."""
from __future__ import annotations

from ..core.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["enable_grad", "inference_mode", "is_grad_enabled", "is_multithreading_enabled", "no_grad",
           "set_grad_enabled", "set_multithreading_enabled"]

_multithreading = [True]


def is_multithreading_enabled() -> bool:
    return _multithreading[0]


class set_multithreading_enabled:
    """torch runs the backward of each device in its own thread unless this is off. There is one device
    here and backward always runs in the calling thread, so the setting is kept and reported, and changes
    no number. Like set_grad_enabled: it switches at once, and back on exit as a context manager."""

    def __init__(self, mode: bool) -> None:
        self.prev, self.mode = _multithreading[0], bool(mode)
        _multithreading[0] = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _multithreading[0] = self.prev

    def clone(self) -> set_multithreading_enabled:
        return set_multithreading_enabled(self.mode)

"""torch.autograd.grad_mode: the grad-mode switches (defined in core/grad_mode.py), and the switches of
multithreaded backward and of the gradient layout policy, which have nothing to switch here."""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from ..argcheck import bool_arg
from ..core.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["enable_grad", "enforce_grad_layout_policy", "inference_mode", "is_grad_enabled",
           "is_multithreading_enabled", "is_view_replay_enabled", "no_grad", "set_grad_enabled",
           "set_multithreading_enabled"]

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


class _LayoutPolicy(threading.local):
    enforced = True


_layout_policy = _LayoutPolicy()


class enforce_grad_layout_policy:
    """torch makes an accumulated gradient take its parameter's strides unless this is off (per thread).
    Gradients here are always contiguous arrays, so the setting is kept and changes no number. It switches
    at once, back on exit as a context manager; as a decorator, the function runs under it."""

    def __init__(self, enable: bool = True) -> None:
        self.prev = _layout_policy.enforced
        _layout_policy.enforced = bool_arg("set_grad_layout_enforcement_enabled", "enabled", enable, 1)
        self.mode = enable

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        _layout_policy.enforced = self.prev

        @functools.wraps(fn)
        def under_policy(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return fn(*args, **kwargs)
        return under_policy

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _layout_policy.enforced = self.prev

    def clone(self) -> enforce_grad_layout_policy:
        return self.__class__(self.mode)


def is_view_replay_enabled() -> bool:
    """torch replays views in backward only under its private _force_original_view_tracking: never here."""
    return False

"""`torch.autocast`: it saves, sets and restores torch's autocast state (autocast_state.py) as torch's does.
On this machine it is never on for the CPU's ops: CUDA is absent (torch warns and disables), a dtype the CPU
cannot autocast to disables it with torch's warning, and the CPU's autocast itself computes in bfloat16 or
float16, casts tinygrad_rnn does not make (NotImplementedError). Another device type's autocast is state only."""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from ..device import check_device_name
from . import autocast_state as state


def is_autocast_available(device_type: str) -> bool:
    """Whether torch has autocast for `device_type` (whether or not that device is here)."""
    check_device_type(device_type)
    return state.has_autocast(check_device_name(device_type))


def check_device_type(device_type: Any) -> None:
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    check_device_name(device_type)


class autocast:
    """`with torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None):`, or as a decorator."""

    _torch_module = "torch.amp.autocast_mode"  # where torch's class lives, for print(torch.autocast(...))

    def __repr__(self) -> str:
        """Python's default repr, at torch's path; a user's subclass keeps its own module."""
        kind = type(self)
        module = self._torch_module if kind.__module__.startswith("tinygrad_rnn.") else kind.__module__
        return f"<{module}.{kind.__qualname__} object at {id(self):#x}>"

    def __init__(self, device_type: str, dtype: Any = None, enabled: bool = True, cache_enabled: bool | None = None):
        check_device_type(device_type)
        self.fast_dtype = state.get_autocast_dtype(device_type) if dtype is None else dtype
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self.device = device_type
        self._cache_enabled = state.is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        self._enabled = enabled and self._usable()
        if self._enabled and device_type == "cpu":
            raise NotImplementedError(f"autocast(device_type={device_type!r}) is not implemented: autocast on the "
                                      f"CPU computes in {self.fast_dtype.name}, casts tinygrad_rnn does not make; "
                                      "pass enabled=False")

    def _usable(self) -> bool:
        """torch's checks of an enabled autocast: CUDA must be there, other devices take bfloat16 or float16."""
        if self.device == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=3)
            return False
        if self.fast_dtype.name not in ("bfloat16", "float16"):
            name = self.device.upper()
            warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                          f"{name} Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                          stacklevel=3)
            return False
        return True

    def __enter__(self) -> autocast:
        self.prev_cache_enabled = state.is_autocast_cache_enabled()
        self.prev = state.is_autocast_enabled(self.device)
        self.prev_fastdtype = state.get_autocast_dtype(self.device)
        state.set_autocast_enabled(self.device, self._enabled)
        state.set_autocast_dtype(self.device, self.fast_dtype)
        state.autocast_increment_nesting()
        state.set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, *exc: object) -> bool:
        if state.autocast_decrement_nesting() == 0:  # left the outermost autocast: its cached casts go
            state.clear_autocast_cache()
        state.set_autocast_enabled(self.device, self.prev)
        state.set_autocast_dtype(self.device, self.prev_fastdtype)
        state.set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def autocast_on_call(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)
        return autocast_on_call


def custom_fwd(fwd: Callable | None = None, *, device_type: str, cast_inputs: Any = None) -> Callable:
    """For a custom Function's forward under autocast; with autocast never on, forward runs as written."""
    check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    return fwd


def custom_bwd(bwd: Callable | None = None, *, device_type: str) -> Callable:
    """For a custom Function's backward under autocast; with autocast never on, backward runs as written."""
    check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd

"""`torch.autocast`: on this machine never on. CUDA is absent (torch warns and disables), and the CPU's
autocast computes in bfloat16, a dtype numpy does not have (NotImplementedError)."""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from ..device import check_device


def is_autocast_available(device_type: str) -> bool:
    check_device_type(device_type)
    return True


def is_autocast_enabled(device_type: str | None = None) -> bool:
    return False


def check_device_type(device_type: Any) -> None:
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    try:
        check_device(device_type)
    except AssertionError:  # a known device type that is not here: fine to name, not to use
        pass


class autocast:
    """`with torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None):`, or as a decorator."""

    def __init__(self, device_type: str, dtype: Any = None, enabled: bool = True, cache_enabled: bool | None = None):
        check_device_type(device_type)
        self.device = device_type
        self.fast_dtype = dtype
        self._cache_enabled = cache_enabled  # torch's cast cache: nothing is cast here, so nothing to cache
        self._enabled = enabled
        if enabled and device_type == "cuda":
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
            self._enabled = False
        if self._enabled:
            raise NotImplementedError(f"autocast(device_type={device_type!r}) is not implemented: autocast on the "
                                      "CPU computes in bfloat16, which tinygrad_rnn does not have; pass enabled=False")

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        pass

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

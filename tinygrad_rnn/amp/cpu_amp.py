"""`torch.cpu.amp`: the deprecated CPU spellings of torch.amp's autocast and GradScaler (Intel's bfloat16
tutorials use them). They warn as torch's do, then act as torch.amp's for "cpu": autocast with enabled=True
raises the NotImplementedError of autocast_mode.py, since tinygrad_rnn has no bfloat16 tensors."""
from __future__ import annotations

import warnings
from typing import Any

from ..surface.unsupported_dtypes import bfloat16
from . import autocast_mode, grad_scaler


class autocast(autocast_mode.autocast):
    _torch_module = "torch.cpu.amp.autocast_mode"

    def __init__(self, enabled: bool = True, dtype: Any = bfloat16, cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cpu', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cpu", dtype, enabled, cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    _torch_module = "torch.cpu.amp.grad_scaler"

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        warnings.warn("`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cpu', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)

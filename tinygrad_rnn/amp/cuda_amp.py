"""`torch.cuda.amp`: the deprecated CUDA spellings of torch.amp's GradScaler and autocast. They warn as
torch's do, then act as torch.amp's for "cuda": disabled, since CUDA is absent."""
from __future__ import annotations

import warnings
from typing import Any

from . import autocast_mode, grad_scaler


class GradScaler(grad_scaler.GradScaler):
    _torch_module = "torch.cuda.amp.grad_scaler"

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class autocast(autocast_mode.autocast):
    _torch_module = "torch.cuda.amp.autocast_mode"

    def __init__(self, enabled: bool = True, dtype: Any = None, cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", dtype, enabled, cache_enabled)

"""torch.amp: mixed precision. `GradScaler` scales the loss so float16 gradients do not underflow, then
unscales them and skips the steps whose gradients overflowed (it works on the CPU, as torch's "cpu"
scaler). `autocast` runs ops in lower precision on an accelerator; there is none here, so asking for
CUDA turns it off with torch's warning, and CPU autocast (torch's bfloat16 kernels) raises
NotImplementedError. autocast_state.py keeps the state that torch.autocast saves and restores.
"""
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]

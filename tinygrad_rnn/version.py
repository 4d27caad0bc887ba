"""`torch.version`: this package's version, and no CUDA, ROCm or XPU build behind it."""
from __future__ import annotations

__version__ = "0.1.0"
cuda: str | None = None
hip: str | None = None
rocm: str | None = None
xpu: str | None = None
debug = False

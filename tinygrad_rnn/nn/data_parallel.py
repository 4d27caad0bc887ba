"""`nn.DataParallel` as torch builds it on a machine without accelerators: a wrapper that calls its
module. Training scripts wrap their model unconditionally (`model = nn.DataParallel(model)`); with
no devices to split the batch over, torch keeps `device_ids` empty and forwards to `module`, so the
state_dict keys gain the `module.` prefix and nothing else changes.
"""
from __future__ import annotations

from typing import Any

from .module import Module


class DataParallel(Module):
    """Runs `module` on the batch as it is (there is no second device to send a part of it to);
    device_ids, output_device and dim go unread, as in torch without an accelerator."""

    def __init__(self, module: Module, device_ids: Any = None, output_device: Any = None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids: list = []

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)

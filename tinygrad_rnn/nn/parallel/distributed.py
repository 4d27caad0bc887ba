"""`DistributedDataParallel`: a wrapper that calls its module. With one process there are no gradients from
other processes to average, so backward leaves each gradient as it is; the state_dict keys gain `module.`."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ... import distributed
from ..module import Module


class DistributedDataParallel(Module):
    def __init__(self, module: Module, device_ids: Any = None, output_device: Any = None, dim: int = 0,
                 broadcast_buffers: bool = True, init_sync: bool = True, process_group: Any = None,
                 bucket_cap_mb: Any = None, find_unused_parameters: bool = False, check_reduction: bool = False,
                 gradient_as_bucket_view: bool = False, static_graph: bool = False, delay_all_reduce_named_params: Any = None,
                 param_to_hook_all_reduce: Any = None, mixed_precision: Any = None, device_mesh: Any = None,
                 skip_all_reduce_unused_params: bool = False) -> None:
        super().__init__()
        distributed.get_world_size()  # torch's error without a process group
        self.module = module
        self.device_ids = device_ids
        self.require_backward_grad_sync = True  # nanoGPT turns it off between gradient-accumulation steps

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Skip the gradient averaging inside the block (there is none to skip with one process)."""
        previous, self.require_backward_grad_sync = self.require_backward_grad_sync, False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

"""torch.nn.utils.skip_init: build a module without spending time (or random numbers) on
initializing its parameters, when they will be overwritten anyway (e.g. from a checkpoint)."""
from __future__ import annotations

import inspect
from typing import Any

from ...random import get_rng_state, set_rng_state
from ..module import Module

__all__ = ["skip_init"]


def skip_init(module_cls: type, *args: Any, **kwargs: Any) -> Module:
    """`module_cls(*args, **kwargs)` with uninitialized parameters and buffers.

    torch builds the module on the 'meta' device (so no initializer runs) and then gives it empty
    memory. We have no meta device: the module is built as usual, the random generator is put back
    as it was (so later draws are torch's), and its tensors get empty memory (`to_empty`)."""
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    generator_state = get_rng_state()
    module = module_cls(*args, **kwargs)
    set_rng_state(generator_state)
    return module.to_empty(device=final_device)

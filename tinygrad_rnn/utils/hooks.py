"""torch.utils.hooks: `RemovableHandle`, the handle a class that keeps hooks in a dict gives back
(defined beside the graph's node hooks, autograd/graph.py, which return it, as torch.autograd.graph
also offers it), and two helpers for hooks on tensors that get serialized. Modules return their own
handle class (nn/module.py) with the same `remove()` and `with`; it counts as a RemovableHandle.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ..autograd.graph import RemovableHandle
from ..nn import module

__all__ = ["RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]

RemovableHandle.register(module.RemovableHandle)  # modules' hook handles count as torch's too


def unserializable_hook(f: Callable) -> Callable:
    """Mark a hook as one that need not survive serialization (torch then does not warn about it)."""
    f.__torch_unserializable__ = True  # type: ignore[attr-defined]
    return f


def warn_if_has_hooks(tensor: Any) -> None:
    """Warn when a tensor about to be serialized has backward hooks that will be lost."""
    for hook in tensor.__dict__.get("_hooks", ()):
        if not getattr(hook, "__torch_unserializable__", False):
            warnings.warn(f"backward hook {hook!r} on tensor will not be serialized.  If this is expected, you can "
                          "decorate the function with @torch.utils.hooks.unserializable_hook to suppress this warning",
                          stacklevel=2)

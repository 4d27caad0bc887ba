"""torch.utils.hooks: `RemovableHandle`, the handle a class that keeps hooks in a dict gives back.

    hooks = collections.OrderedDict()
    handle = RemovableHandle(hooks)
    hooks[handle.id] = my_hook
    handle.remove()            # or leave a `with handle:` block

The handle holds the dict weakly, as torch's does, so it never keeps an object's hooks alive.
(Modules return their own handle class, nn/module.py, with the same `remove()` and `with`.)
"""
from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]


class RemovableHandle:
    """A handle that removes the hook stored under its `id` from `hooks_dict` (and from each `extra_dict`)."""

    next_id: int = 0  # shared by all handles, so ids never repeat

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        extras = [] if extra_dict is None else extra_dict if isinstance(extra_dict, list) else [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extras)

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            hooks = ref()
            if hooks is not None and self.id in hooks:
                del hooks[self.id]

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


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

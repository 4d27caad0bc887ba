"""Step hooks: functions that run before and after every `optimizer.step()`.

Per optimiser (`optimizer.register_step_pre_hook(hook)`) or for all optimisers at once
(`torch.optim.optimizer.register_optimizer_step_pre_hook(hook)`). A pre-hook gets
`(optimizer, args, kwargs)` of the step call and may return new `(args, kwargs)`; a post-hook gets
the same and returns nothing. Order, as in torch: global pre, own pre, step, own post, global post.
Each registration returns a handle whose `remove()` (or the end of a `with` block) unhooks.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from itertools import chain
from typing import Any

from ..nn.module import RemovableHandle

# Hooks every optimiser runs around step() (torch.optim.optimizer.register_optimizer_step_*_hook).
_global_optimizer_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
_global_optimizer_post_hooks: OrderedDict[int, Callable] = OrderedDict()


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """Run `hook(optimizer, args, kwargs)` before every optimiser's step; it may return new (args, kwargs)."""
    return RemovableHandle(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """Run `hook(optimizer, args, kwargs)` after every optimiser's step."""
    return RemovableHandle(_global_optimizer_post_hooks, hook)


def _with_step_hooks(step: Callable) -> Callable:
    """Wrap a `step` method so the global and per-optimiser step hooks run around it.

    As in torch, the hooks see the call's full `args`, the optimiser first. A subclass's step that
    calls `super().step()` is wrapped twice; the flag makes the hooks run once, around the
    outermost call.
    """
    @wraps(step)
    def hooked_step(*args: Any, **kwargs: Any) -> Any:
        self = args[0]  # an Optimizer
        if self.__dict__.get("_inside_step_hooks"):
            return step(*args, **kwargs)
        self._inside_step_hooks = True
        try:
            return call_with_step_hooks(step, args, kwargs)
        finally:
            self._inside_step_hooks = False

    hooked_step.hooked = True  # type: ignore[attr-defined]
    return hooked_step


def call_with_step_hooks(step: Callable, args: tuple, kwargs: dict) -> Any:
    """`step(*args, **kwargs)` with the pre-hooks before (each may replace args and kwargs) and the
    post-hooks after: global pre, own pre, step, own post, global post."""
    self = args[0]  # an Optimizer
    for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
        result = pre_hook(self, args, kwargs)
        if result is not None:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), "
                                   f"but got {result}.")
            args, kwargs = result
    out = step(*args, **kwargs)
    for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
        post_hook(self, args, kwargs)
    return out

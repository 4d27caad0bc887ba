"""torch.func's small helpers for programs written for torch's tracing: `functionalize`,
`replace_all_batch_norm_modules_` and `debug_unwrap`.

torch.func traces functions, so these matter there: functionalize rewrites in-place ops as
out-of-place ones (for compilers), batch norm's running statistics cannot be updated in place under
vmap, and debug_unwrap takes a tensor out of a transform's wrapper. Here the transforms run the
function as it is, on plain tensors, so the first and last change nothing that a program can see:
the results, and the inputs a function changes in place, are those of the function itself.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["debug_unwrap", "functionalize", "replace_all_batch_norm_modules_"]

_REMOVE = ("mutations", "mutations_and_views")


def functionalize(func: Callable[..., Any], *, remove: str = "mutations") -> Callable[..., Any]:
    """func, checked as torch checks `remove` ('mutations' or 'mutations_and_views')."""
    if remove not in _REMOVE:
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the program, and replaced "
            "with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be "
            "replaced with their non-aliasing counterparts, {view}_copy.\n"
        )

    @functools.wraps(func)
    def functionalized(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return functionalized


def debug_unwrap(tensor: Any, *, recurse: bool = True) -> Any:
    """The tensor itself: the transforms here hand functions plain tensors, with nothing to unwrap."""
    del recurse  # (how many wrappers deep to unwrap: there are none)
    return tensor


def replace_all_batch_norm_modules_(root: Any) -> Any:
    """Make every batch norm under `root` (itself included) use the batch's statistics only, in place:
    running_mean, running_var and num_batches_tracked become None and track_running_stats False.
    Returns root."""
    for module in root.modules():
        if _is_batch_norm(module):
            module.running_mean = module.running_var = module.num_batches_tracked = None
            module.track_running_stats = False
    return root


def _is_batch_norm(module: Any) -> bool:
    """BatchNorm1d/2d/3d and their kin, not InstanceNorm (which shares their base). By class names,
    since func sits below nn and does not import it."""
    names = {c.__name__ for c in type(module).__mro__}
    return "_NormBase" in names and "_InstanceNorm" not in names

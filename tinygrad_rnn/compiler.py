"""`torch.compiler`: the functions code around `torch.compile` calls. Nothing is ever being compiled here
(compile.py), so there is no cache to reset, every "is compiling" answer is False, and the markers that keep
a function out of a compiled graph or in it return the function as it is."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["allow_in_graph", "assume_constant_result", "cudagraph_mark_step_begin", "disable", "is_compiling",
           "is_dynamo_compiling", "is_exporting", "list_backends", "reset"]

# torch's registered backends, and the tags that hide some of them by default
_BACKEND_TAGS = {"cudagraphs": (), "inductor": (), "openxla": (), "tvm": (), "aot_eager": ("debug",),
                 "aot_eager_decomp_partition": ("debug",), "aot_ts": ("debug",), "eager": ("debug",),
                 "eager_debug": ("debug",), "openxla_eval": ("experimental",), "ts": ("experimental",)}


def reset() -> None:
    """Forget compiled code (there is none)."""


def is_compiling() -> bool:
    """True while torch traces code for compilation; never, here."""
    return False


def is_dynamo_compiling() -> bool:
    return False


def is_exporting() -> bool:
    return False


def disable(fn: Callable | None = None, recursive: bool = True, *, reason: str | None = None) -> Any:
    """Keep `fn` out of compilation: it runs as it is (as everything does here); without fn, a decorator."""
    if fn is None:
        return lambda f: disable(f, recursive, reason=reason)
    return fn


def allow_in_graph(fn: Callable) -> Callable:
    return fn


def assume_constant_result(fn: Callable) -> Callable:
    return fn


def cudagraph_mark_step_begin() -> None:
    """A marker between CUDA-graph steps; no CUDA here."""


def list_backends(exclude_tags: tuple | None = ("debug", "experimental")) -> list[str]:
    """The names `torch.compile(backend=...)` takes, without those tagged as in `exclude_tags`."""
    hidden = set(exclude_tags or ())
    return sorted(name for name, tags in _BACKEND_TAGS.items() if not hidden & set(tags))

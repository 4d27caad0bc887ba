"""Which torch.func transforms are running in this thread, innermost last.

torch asks a custom autograd.Function more under a transform than outside one (a setup_context,
and under vmap a vmap rule); autograd/function.py reads `active()` to refuse what torch refuses.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_state = threading.local()


def active() -> tuple[str, ...]:
    """The kinds ('grad', 'vjp', 'jvp', 'vmap') of the transforms running, outermost first."""
    return () if getattr(_state, "internal", False) else getattr(_state, "kinds", ())


@contextlib.contextmanager
def lowered() -> Iterator[None]:
    """Within the block the innermost transform is not running: a custom Function's own vmap rule
    works on plain tensors, as torch runs it one level down."""
    outer = active()
    _state.kinds = outer[:-1]
    try:
        yield
    finally:
        _state.kinds = outer


@contextlib.contextmanager
def internal() -> Iterator[None]:
    """Within the block the transforms run as machinery of torch.autograd (functional.jacobian's
    forward mode, gradcheck's batched checks), where torch uses its older vmap, which asks nothing
    of custom Functions: `active()` is empty."""
    outer = getattr(_state, "internal", False)
    _state.internal = True
    try:
        yield
    finally:
        _state.internal = outer


@contextlib.contextmanager
def running(kind: str) -> Iterator[None]:
    """Within the block, a transform of `kind` is running (around the call of the user's function)."""
    outer = active()
    _state.kinds = outer + (kind,)
    try:
        yield
    finally:
        _state.kinds = outer

"""`quiet_floats()`: numpy's `np.errstate(divide="ignore", invalid="ignore", over="ignore")`, cheaper;
`quiet_overflow()`: `np.errstate(over="ignore")`, cheaper (the fused kernels' sigmoid via exp);
`enter_all_quiet()` / `leave_all_quiet(state)`: `np.errstate(all="ignore")` as two C calls, around every
op's forward and every backward pass (gradient formulas meet the infinities and NaNs of the forward
values, 1/x at x = 0, inf * 0, which torch computes without a word). A fresh `np.errstate` costs a
few microseconds, a visible share of a small model's step: it re-parses its keywords and rebuilds
numpy's error state each time.

numpy 2 keeps that state in a context variable (`numpy._core.umath._extobj_contextvar`); this
module sets the same quiet state there, built once per starting state and then reused. Where those
internals are missing (another numpy), it falls back to `np.errstate` itself: same behaviour.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

try:  # numpy >= 2.0: the error state is a context variable holding an opaque object
    from numpy._core.umath import _extobj_contextvar, _make_extobj
except ImportError:  # pragma: no cover - older or future numpy: use the public spelling
    _extobj_contextvar = None

_QUIET = ("divide", "invalid", "over")


class _QuietFloats:
    """The context manager; `under` and the error callback are kept as the caller had it.
    The names it ignores are a class attribute, so making one runs no Python `__init__` (speed)."""

    __slots__ = ("token",)
    ignored: tuple = _QUIET
    # ignored names -> (a starting state, the quiet state built from it): one cache slot each
    _last: dict = {}

    def __enter__(self) -> None:
        current = _extobj_contextvar.get()
        base, quiet = _QuietFloats._last.get(self.ignored, (None, None))
        if current is _ALL_QUIET:  # inside an op's forward (enter_all_quiet): quiet already; keeps the cache slot
            quiet = current
        elif base is not current:
            quiet = _make_extobj(**dict.fromkeys(self.ignored, "ignore"))  # from the current state, as np.errstate
            _QuietFloats._last[self.ignored] = (current, quiet)
        self.token = _extobj_contextvar.set(quiet)

    def __exit__(self, *exc: object) -> None:
        _extobj_contextvar.reset(self.token)


class _QuietOverflow(_QuietFloats):
    __slots__ = ()
    ignored = ("over",)


def _errstate(ignored: tuple) -> Any:  # pragma: no cover - older or future numpy: use the public spelling
    return lambda: np.errstate(**dict.fromkeys(ignored, "ignore"))


def _all_quiet() -> tuple:
    """(enter, leave): numpy's float warnings all off until leave(enter()), as ops run their forward (torch
    computes inf and NaN silently). Two calls, not a context manager: this runs once per op (speed)."""
    if _extobj_contextvar is None:  # pragma: no cover - older or future numpy: the public spelling
        enter = lambda: (state := np.errstate(all="ignore"), state.__enter__())[0]  # noqa: E731 (the state, entered)
        return enter, lambda state: state.__exit__(None, None, None)
    return functools.partial(_extobj_contextvar.set, _ALL_QUIET), _extobj_contextvar.reset  # (C calls)


_ALL_QUIET = None if _extobj_contextvar is None else _make_extobj(all="ignore")
enter_all_quiet, leave_all_quiet = _all_quiet()
# `numpy_state() is ALL_QUIET`: the warnings are all off already (in a backward pass, where every gradient formula
# runs an op): an op may then skip enter_all_quiet and leave_all_quiet (one C call here instead of two and a try).
numpy_state, ALL_QUIET = (object, None) if _extobj_contextvar is None else (_extobj_contextvar.get, _ALL_QUIET)

# `with quiet_floats():` ignores division by zero, invalid values and overflow; `with quiet_overflow():`
# ignores overflow (and still reports the rest). Each call makes a fresh context manager, so they nest.
quiet_floats: Any = _QuietFloats if _extobj_contextvar is not None else _errstate(_QUIET)
quiet_overflow: Any = _QuietOverflow if _extobj_contextvar is not None else _errstate(("over",))

"""torch.sym_int, sym_float, sym_max, sym_min, sym_not, sym_ite, sym_sqrt and sym_sum on Python numbers.

torch writes them for its symbolic sizes (SymInt, traced by torch.compile), so that shape arithmetic is
recorded rather than branched on. tinygrad_rnn has no symbolic sizes: every size is a plain int, and these
act as torch's do on plain numbers (sym_max promotes to float when either side is a float, sym_ite needs a
bool and two values of one type).
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from ..argcheck import type_repr

_NUMBER_TYPES = (np.integer, np.floating, builtins.int, builtins.float)
_FLOAT_TYPES = (np.floating, builtins.float)


def sym_int(a: Any) -> int:
    return builtins.int(a)


def sym_float(a: Any) -> float:
    return builtins.float(a)


def _numbers(a: Any, b: Any) -> None:
    for value in (a, b):
        if not isinstance(value, _NUMBER_TYPES):
            raise AssertionError(f"expected {_NUMBER_TYPES}, got {type_repr(value)}")


def sym_max(a: Any, b: Any) -> Any:
    """max(a, b), a float when either is (max(2, 3.0) is 3.0, max(3, 2.0) too)."""
    _numbers(a, b)
    return builtins.float(builtins.max(a, b)) if isinstance(a, _FLOAT_TYPES) or isinstance(b, _FLOAT_TYPES) \
        else builtins.max(a, b)


def sym_min(a: Any, b: Any) -> Any:
    """min(a, b), a float when either is."""
    _numbers(a, b)
    return builtins.float(builtins.min(a, b)) if isinstance(a, _FLOAT_TYPES) or isinstance(b, _FLOAT_TYPES) \
        else builtins.min(a, b)


def sym_not(a: Any) -> bool:
    return not a


def sym_ite(b: bool, t: Any, f: Any) -> Any:
    """`t if b else f`, for a bool b and two values of one type."""
    if not isinstance(b, builtins.bool):
        raise AssertionError(f"expected SymBool or bool, got {type_repr(b)}")
    if type(t) is not type(f):
        raise AssertionError(f"type mismatch: {type_repr(t)} vs {type_repr(f)}")
    return t if b else f


def sym_sqrt(a: Any) -> float:
    return math.sqrt(a)


def sym_sum(*args: Any) -> Any:
    """The sum of the values, given as one list (or tuple) or spread out: sym_sum([a, b]) or sym_sum(a, b)."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = args[0]
    return builtins.sum(args)

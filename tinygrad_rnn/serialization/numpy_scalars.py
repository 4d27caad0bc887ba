"""Numpy scalars and arrays in a checkpoint, written and read the way pickle does, without running pickle.

Training loops often keep numpy scalars: `np.mean(batch_losses)` is a `numpy.float64`, and a
checkpoint dict with a list of such losses is common (Godoy's StepByStep saves `self.losses`).
`torch.save` pickles them as

    GLOBAL numpy._core.multiarray.scalar
    GLOBAL numpy.dtype  ('f8', False, True) REDUCE  (3, '<', None, None, None, -1, -1, 0) BUILD
    the value's raw bytes (as _codecs.encode(text, 'latin1'))
    TUPLE2 REDUCE

and a numeric array as `_reconstruct(ndarray, (0,), b'b')` then BUILD with (1, shape, dtype, is_fortran, bytes).
Fixed-width text is written the same way: `np.unique` of string labels gives `numpy.str_` values, so a
label encoder's {class: index} dict saved with a model holds them (Made With ML's artifacts do).

torch's `weights_only=True` loader refuses these names unless allowlisted; with `weights_only=False`
it runs Python's unpickler. We accept them only with `weights_only=False`, through the two small
stand-ins below, which build nothing but numeric and fixed-width text numpy dtypes, scalars and arrays.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import MalformedFileError

SCALAR_KINDS = "biufUS"  # bool, signed and unsigned integers, floats, str_ and bytes_: plain data, no objects


def is_numpy_scalar(obj: Any) -> bool:
    return isinstance(obj, np.generic) and obj.dtype.kind in SCALAR_KINDS


def is_numpy_array(obj: Any) -> bool:
    return type(obj) is np.ndarray and obj.dtype.kind in SCALAR_KINDS


def _numpy_dtype(code: Any, align: Any = False, copy: Any = False) -> np.dtype:
    """numpy.dtype(code, align, copy) for a numeric code only; always a fresh dtype, since BUILD sets
    its byte order in place (numpy's canonical dtype objects must not change)."""
    if type(code) is not str or type(align) is not bool or type(copy) is not bool:
        raise MalformedFileError(f"numpy.dtype is called with {str(code)[:40]!r}, {align!r}, {copy!r}")
    dt = np.dtype(code)
    if dt.kind not in SCALAR_KINDS or dt.fields is not None or dt.subdtype is not None:
        raise MalformedFileError(f"numpy.dtype {code!r} is not a plain numeric dtype")
    return np.dtype(code, align, True)


def build_dtype(dt: np.dtype, state: Any) -> None:
    """BUILD on a dtype from `_numpy_dtype`: only the byte order may be set; the rest of the state
    (for text dtypes its item size, alignment and flags) must be the dtype's own."""
    own = dt.__reduce__()[2]
    if (type(state) is not tuple or len(state) != 8 or state[0] != 3 or state[1] not in ("<", ">", "|", "=")
            or state[2:] != own[2:]):
        raise MalformedFileError(f"a numpy dtype's state is not a plain numeric dtype's: {str(state)[:80]}")
    dt.__setstate__(state)


def _numpy_scalar(dt: Any, data: Any) -> np.generic:
    """numpy._core.multiarray.scalar(dtype, raw bytes)."""
    if not isinstance(dt, np.dtype) or dt.kind not in SCALAR_KINDS or type(data) is not bytes \
            or len(data) != dt.itemsize:
        raise MalformedFileError("a numpy scalar's dtype or bytes do not fit together")
    return np.frombuffer(data, dtype=dt)[0]


class _NdarrayClass:
    """Stands for `numpy.ndarray` in a file: only ever an argument of `_reconstruct`."""


NDARRAY = _NdarrayClass()


def _reconstruct(cls: Any, shape: Any, typecode: Any) -> np.ndarray:
    """numpy._core.multiarray._reconstruct(ndarray, (0,), b'b'): the empty array BUILD then fills."""
    if cls is not NDARRAY or shape != (0,) or typecode != b"b":
        raise MalformedFileError("numpy's _reconstruct is called with something other than an empty ndarray")
    return np.empty(0, dtype=np.int8)


def build_array(array: np.ndarray, state: Any) -> None:
    """BUILD on an array from `_reconstruct`: (1, shape, numeric dtype, is_fortran, its raw bytes)."""
    if type(state) is not tuple or len(state) != 5 or state[0] != 1:
        raise MalformedFileError(f"a numpy array's state is not (1, shape, dtype, fortran, bytes): {str(state)[:80]}")
    _, shape, dt, fortran, raw = state
    if (type(shape) is not tuple or not all(type(n) is int and n >= 0 for n in shape) or type(fortran) is not bool
            or not isinstance(dt, np.dtype) or dt.kind not in SCALAR_KINDS or type(raw) is not bytes
            or len(raw) != math.prod(shape) * dt.itemsize):
        raise MalformedFileError("a numpy array's shape, dtype and bytes do not fit together")
    array.__setstate__(state)


def _empty_bytes(*args: Any) -> bytes:
    """builtins.bytes(), which protocol 2 writes for b'' (an empty array's bytes)."""
    if args:
        raise MalformedFileError("bytes is called with arguments")
    return b""


# numpy 2 names the module numpy._core, numpy 1 numpy.core: files from both exist.
NUMPY_GLOBALS = {"numpy.dtype": _numpy_dtype, "numpy.ndarray": NDARRAY,
                 "numpy._core.multiarray.scalar": _numpy_scalar, "numpy.core.multiarray.scalar": _numpy_scalar,
                 "numpy._core.multiarray._reconstruct": _reconstruct, "numpy.core.multiarray._reconstruct": _reconstruct,
                 "builtins.bytes": _empty_bytes}

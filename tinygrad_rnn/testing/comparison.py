"""`assert_close`: torch.testing.assert_close, with its dtype-aware tolerances and messages.

Two values are close when |actual - expected| <= atol + rtol * |expected| everywhere. The default
tolerances depend on the dtype, loose enough for the rounding of a few operations and no looser:

    float16  rtol 1e-3    atol 1e-5
    float32  rtol 1.3e-6  atol 1e-5
    float64  rtol 1e-7    atol 1e-7
    integers and bool: exact

Tensors, numpy arrays, Python numbers and bools, None, and sequences and mappings of these are
accepted; containers are compared item by item and a failure names the item (`[1]['bias']`).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..argcheck import type_repr
from ..core.tensor import Tensor
from ..creation import tensor
from ..ops.promotion import result_type

_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: np.dtype(np.int64), float: np.dtype(np.float64)}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise, its message, and the item path."""

    def __init__(self, kind: type[Exception], message: str, path: tuple = ()) -> None:
        super().__init__(message)
        self.kind, self.message, self.path = kind, message, path


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False, check_device: bool = True,
                 check_dtype: bool = True, check_layout: bool = True, check_stride: bool = False,
                 msg: str | Callable[[str], str] | None = None) -> None:
    """Raise AssertionError, with torch's message, unless `actual` and `expected` are close.

        >>> import tinygrad_rnn as torch
        >>> torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))

    `msg` replaces the message (a string) or edits it (a callable given the message).
    `check_stride` compares the strides of tensors; `allow_subclasses=False` refuses a tensor
    subclass (a Parameter) compared with a plain Tensor. `check_device` and `check_layout` hold
    by construction: every tensor here is a strided CPU tensor.
    """
    try:
        _compare(actual, expected, (), rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype,
                 check_stride=check_stride, allow_subclasses=allow_subclasses)
    except _Mismatch as failure:
        raise _to_error(failure, msg) from None


# assert_allclose's older defaults (it keeps them): float16 (1e-3, 1e-3), float32 (1e-4, 1e-5), float64 (1e-5, 1e-8)
_ALLCLOSE_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-3), np.dtype(np.float32): (1e-4, 1e-5),
                        np.dtype(np.float64): (1e-5, 1e-8)}


def assert_allclose(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                    equal_nan: bool = True, msg: str = "") -> None:
    """The deprecated torch.testing.assert_allclose: assert_close without the dtype check, NaNs equal,
    looser defaults, and `expected` converted to actual's dtype when it is not a tensor."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future release. "
                  "Please use `torch.testing.assert_close()` instead. You can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_ALLCLOSE_TOLERANCES.get(t._data.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False, msg=msg or None)


def _to_error(failure: _Mismatch, msg: str | Callable[[str], str] | None) -> Exception:
    if isinstance(msg, str):
        return failure.kind(msg)
    text = failure.message
    if failure.path:
        text += "\n\nThe failure occurred for item " + "".join(str([k]) for k in failure.path)
    return failure.kind(msg(text) if callable(msg) else text)


# ---------------------------------------------------------------------------- dispatch
def _compare(actual: Any, expected: Any, path: tuple, **options: Any) -> None:
    """Containers item by item; everything else as a pair of values of one kind."""
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}",
                            path)
        for k, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, path + (k,), **options)
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        _compare_mappings(actual, expected, path, **options)
    elif actual is None or expected is None:
        if actual is not expected:
            raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", path)
    elif _is_bool(actual) and _is_bool(expected):
        if bool(actual) != bool(expected):
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", path)
    elif _is_number(actual) and _is_number(expected):
        _compare_numbers(_py(actual), _py(expected), path, **options)
    elif _same_array_kind(actual, expected) and (options["allow_subclasses"] or type(actual) is type(expected)):
        _compare_tensors(_as_tensor(actual), _as_tensor(expected), path, **options)
    else:
        raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type {type_repr(actual)} and "
                                   f"{type_repr(expected)}.", path)


def _compare_mappings(actual: Mapping, expected: Mapping, path: tuple, **options: Any) -> None:
    missing, extra = set(expected) - set(actual), set(actual) - set(expected)
    if missing or extra:
        raise _Mismatch(AssertionError, "The keys of the mappings do not match:\n"
                                        f"Missing keys in the actual mapping: {sorted(missing)}\n"
                                        f"Additional keys in the actual mapping: {sorted(extra)}", path)
    for key in actual:
        _compare(actual[key], expected[key], path + (key,), **options)


def _is_sequence(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str)


def _is_bool(x: Any) -> bool:
    return isinstance(x, (bool, np.bool_))


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.number)) and not _is_bool(x)


def _py(x: Any) -> Any:
    return x.item() if isinstance(x, np.number) else x


def _same_array_kind(a: Any, b: Any) -> bool:
    return (isinstance(a, Tensor) and isinstance(b, Tensor)) or (
        isinstance(a, np.ndarray) and isinstance(b, np.ndarray))


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(x)


# ---------------------------------------------------------------------------- numbers
def _tolerances(np_dtypes: Sequence[np.dtype], rtol: float | None, atol: float | None, path: tuple) -> tuple:
    if (rtol is None) != (atol is None):
        raise _Mismatch(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                                    f"{'rtol' if rtol is None else 'atol'}.", path)
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(np.dtype(d), (0.0, 0.0)) for d in np_dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _compare_numbers(actual: Any, expected: Any, path: tuple, *, rtol: float | None, atol: float | None,
                     equal_nan: bool, check_dtype: bool, **tensor_only: Any) -> None:
    rtol, atol = _tolerances([_NUMBER_DTYPES[type(actual)], _NUMBER_DTYPES[type(expected)]], rtol, atol, path)
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.", path)
    if actual == expected or (equal_nan and np.isnan(actual) and np.isnan(expected)):
        return
    difference = abs(actual - expected)
    if np.isfinite(difference) and difference <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_message(actual, expected, rtol, atol), path)


def _scalar_message(actual: Any, expected: Any, rtol: float, atol: float) -> str:
    difference = abs(actual - expected)
    relative = float("inf") if expected == 0 else difference / abs(expected)
    return _message("Scalars", rtol, atol, f"Expected {expected} but got {actual}.",
                    f"Absolute difference: {difference}", f"Relative difference: {relative}")


def _message(what: str, rtol: float, atol: float, extra: str, absolute: str, relative: str) -> str:
    """torch's layout: a header, one line of detail, then the absolute and relative differences."""
    exact = rtol == 0 and atol == 0
    if not exact:
        absolute += f" (up to {atol} allowed)"
        relative += f" (up to {rtol} allowed)"
    return f"{what} are not {'equal' if exact else 'close'}!\n\n{extra}\n{absolute}\n{relative}"


# ---------------------------------------------------------------------------- tensors
def _compare_tensors(actual: Tensor, expected: Tensor, path: tuple, *, rtol: float | None, atol: float | None,
                     equal_nan: bool, check_dtype: bool, check_stride: bool, allow_subclasses: bool) -> None:
    rtol, atol = _tolerances([actual._data.dtype, expected._data.dtype], rtol, atol, path)
    if actual.shape != expected.shape:
        raise _attribute_mismatch("shape", actual.shape, expected.shape, path)
    if check_dtype and actual.dtype is not expected.dtype:
        raise _attribute_mismatch("dtype", actual.dtype, expected.dtype, path)
    if check_stride and actual.stride() != expected.stride():
        raise _attribute_mismatch("stride()", actual.stride(), expected.stride(), path)
    a, e = _promoted(actual._data, expected._data)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        message = _scalar_message(a.item(), e.item(), rtol, atol)
    else:
        message = _tensor_message(a, e, matches, rtol, atol)
    raise _Mismatch(AssertionError, message, path)


def _attribute_mismatch(name: str, actual: Any, expected: Any, path: tuple) -> _Mismatch:
    return _Mismatch(AssertionError, f"The values for attribute '{name}' do not match: {actual!r} != {expected!r}.",
                     path)


def _promoted(a: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays in their common dtype (only differs with check_dtype=False)."""
    common = result_type(Tensor._make(a), Tensor._make(e)).np if a.dtype != e.dtype else a.dtype
    return a.astype(common, copy=False), e.astype(common, copy=False)


def _isclose(a: np.ndarray, e: np.ndarray, rtol: float, atol: float, equal_nan: bool) -> np.ndarray:
    """torch.isclose: equal (infinities included), or finite and within atol + rtol * |expected|."""
    if a.dtype.kind not in "fc":
        return a == e
    with np.errstate(invalid="ignore", over="ignore"):
        close = (a == e) | (np.isfinite(a) & np.isfinite(e) & (np.abs(a - e) <= atol + rtol * np.abs(e)))
    if equal_nan:
        close |= np.isnan(a) & np.isnan(e)
    return close


def _tensor_message(a: np.ndarray, e: np.ndarray, matches: np.ndarray, rtol: float, atol: float) -> str:
    """Mismatch count, then the greatest absolute and relative differences among the mismatches."""
    total, bad = matches.size, int(matches.size - matches.sum())
    flat_a, flat_e = a.reshape(-1), e.reshape(-1)
    if a.dtype.kind not in "fc":  # differences of integers in int64, the ratio in float32 (as torch)
        flat_a, flat_e = flat_a.astype(np.int64), flat_e.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absolute = np.abs(flat_a - flat_e)
        absolute[matches.reshape(-1)] = 0
        ratio_dtype = absolute.dtype if absolute.dtype.kind == "f" else np.float32
        relative = absolute.astype(ratio_dtype) / np.abs(flat_e).astype(ratio_dtype)
        relative[matches.reshape(-1)] = 0
    i_abs, i_rel = int(np.argmax(absolute)), int(np.argmax(relative))  # argmax picks a NaN first, like torch.max
    return _message(
        "Tensor-likes", rtol, atol, f"Mismatched elements: {bad} / {total} ({bad / total:.1%})",
        f"Greatest absolute difference: {absolute[i_abs].item()} at index {_position(i_abs, a.shape)}",
        f"Greatest relative difference: {relative[i_rel].item()} at index {_position(i_rel, a.shape)}",
    )


def _position(flat_index: int, shape: tuple) -> tuple:
    return tuple(int(i) for i in np.unravel_index(flat_index, shape))

"""The differential harness: run one call on tinygrad_rnn and on torch, and compare what happened.

A call is a function of the framework module plus arguments that are made afresh for each side
(`T` for a tensor, `D` for a dtype), so the very same call runs on both. The outcome is either
what the call returned (tensors as arrays, with their dtype and shape) or the exception it raised.
Two outcomes agree when both returned equal results, or both raised the same kind of exception
(compared by the first builtin exception class in its MRO, since torch raises its own subclasses
such as `torch.OutOfMemoryError` or `_LinAlgError`).

An exception of ours that comes from inside numpy, or is one of the errors no API raises on
purpose (AttributeError, UnboundLocalError, "not enough values to unpack", ...), is a leak even
when torch raises the same kind.
"""
from __future__ import annotations

import builtins
import math
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import tinygrad_rnn


@dataclass(frozen=True)
class T:
    """A tensor argument: the same array becomes a tensor of each framework."""

    array: np.ndarray
    requires_grad: bool = False

    def make(self, m: Any) -> Any:
        t = m.tensor(self.array.copy())
        return t.requires_grad_() if self.requires_grad else t

    def __repr__(self) -> str:
        rg = ", requires_grad" if self.requires_grad else ""
        return f"T({self.array.dtype}{list(self.array.shape)}{rg}: {self.array.tolist()!r:.60})"


@dataclass(frozen=True)
class D:
    """A dtype argument by name, e.g. D('float32') -> m.float32."""

    name: str

    def make(self, m: Any) -> Any:
        return getattr(m, self.name)

    def __repr__(self) -> str:
        return f"m.{self.name}"


def materialize(value: Any, m: Any) -> Any:
    """Turn the T and D markers inside lists, tuples and dicts into `m`'s objects."""
    if isinstance(value, (T, D)):
        return value.make(m)
    if isinstance(value, list):
        return [materialize(v, m) for v in value]
    if isinstance(value, tuple):
        return tuple(materialize(v, m) for v in value)
    if isinstance(value, dict):
        return {k: materialize(v, m) for k, v in value.items()}
    return value


@dataclass
class Call:
    """`fn(m, *args, **kwargs)`, with `label` naming the API it exercises."""

    label: str
    fn: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    compare_values: bool = True  # False for results whose values are undefined (empty())

    def __repr__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.label}({', '.join(parts)})"


@dataclass
class Returned:
    value: Any


@dataclass
class Raised:
    kind: type
    message: str
    leak: str | None  # why our exception looks internal, or None


_INTERNAL_TYPES = (AttributeError, UnboundLocalError, NameError, AssertionError, RecursionError, KeyError,
                   ZeroDivisionError, OverflowError)
_INTERNAL_WORDS = ("not enough values to unpack", "too many values to unpack", "tuple index out of range",
                   "list index out of range", "object is not subscriptable", "object is not iterable",
                   "unsupported operand type", "object is not callable", "takes from", "missing 1 required positional",
                   "got an unexpected keyword argument 'out'", "numpy", "ndarray", "NoneType' object")


def builtin_kind(exc_type: type) -> type:
    """The first builtin exception class in the MRO (torch's own errors subclass builtins)."""
    for klass in exc_type.__mro__:
        if getattr(builtins, klass.__name__, None) is klass:
            return klass
    return Exception


def _leak_reason(exc: BaseException) -> str | None:
    frames = traceback.extract_tb(exc.__traceback__)
    if frames and "/numpy/" in frames[-1].filename.replace("\\", "/"):
        return f"raised inside numpy ({frames[-1].name})"
    if isinstance(exc, _INTERNAL_TYPES) and not isinstance(exc, (KeyError,)):
        return f"internal {type(exc).__name__}"
    text = str(exc)
    for word in _INTERNAL_WORDS:
        if word in text:
            return f"internal message ({word!r})"
    return None


def summarize(value: Any, m: Any) -> Any:
    """What a result is, in plain Python/numpy terms, for comparison across frameworks."""
    if isinstance(value, m.Tensor):
        return ("tensor", str(value.dtype).replace("torch.", ""), tuple(value.shape),
                np.array(value.detach().numpy(), copy=True))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__ if type(value) in (tuple, list) else "seq",
                [summarize(v, m) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: summarize(v, m) for k, v in value.items()})
    if isinstance(value, m.dtype):
        return ("dtype", str(value).replace("torch.", ""))
    if isinstance(value, m.nn.Module):
        return ("module", repr(value), summarize(dict(value.state_dict()), m))
    if isinstance(value, (bool, int, float, str, type(None))):
        return ("scalar", value)
    return ("object", type(value).__name__)


def outcome(call: Call, m: Any) -> Returned | Raised:
    m.manual_seed(0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            args, kwargs = materialize(call.args, m), materialize(call.kwargs, m)
            return Returned(summarize(call.fn(m, *args, **kwargs), m))
        except Exception as exc:  # the outcome we compare, whatever it is
            leak = _leak_reason(exc) if m is tinygrad_rnn else None
            return Raised(builtin_kind(type(exc)), str(exc), leak)


def _arrays_in(value: Any) -> list:
    if isinstance(value, T):
        return [value.array]
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in _arrays_in(v)]
    if isinstance(value, dict):
        return [a for v in value.values() for a in _arrays_in(v)]
    return []


def float32_inside(call: Call) -> bool:
    """Does a float32 (or float16) tensor go in, or only integer ones? Then a float64 result carries
    float32 rounding too (e.g. torch takes log_sigmoid of a float32 input in float32, then promotes),
    so it is compared with float32's tolerance."""
    inputs = _arrays_in((call.args, {k: v for k, v in call.kwargs.items() if k != "out"}))
    if any(a.dtype in (np.float32, np.float16) for a in inputs):
        return True
    # integers or bools alone: torch computes a float result of them in float32 (its default dtype), so a
    # float64 `out=` holds float32 rounding (sin of an int64 tensor into a float64 out)
    return bool(inputs) and not any(a.dtype.kind in "fc" for a in inputs)


def _same_value(a: Any, b: Any, compare_values: bool, loose: bool = False) -> str | None:
    """None when the summaries agree, else what differs."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        if not compare_values or a.size == 0:
            return None
        if a.dtype.kind in "fc":
            exact = a.dtype == np.float64 and not loose
            tol = dict(rtol=1e-10, atol=1e-12) if exact else dict(rtol=1e-4, atol=1e-5)
            return None if np.allclose(a, b, equal_nan=True, **tol) else f"values {a} != torch's {b}"
        return None if np.array_equal(a, b) else f"values {a} != torch's {b}"
    if isinstance(a, (tuple, list)) and type(a) is type(b):
        if len(a) != len(b):
            return f"{a!r:.80} != torch's {b!r:.80}"
        return next((d for d in (_same_value(x, y, compare_values, loose) for x, y in zip(a, b)) if d), None)
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"keys {list(a)} != torch's {list(b)}"
        return _same_value(list(a.values()), list(b.values()), compare_values, loose)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return None
    return None if a == b else f"{a!r:.80} != torch's {b!r:.80}"


@dataclass
class Verdict:
    call: Call
    category: str  # "same", "not implemented", or a difference: "different result", "accepted invalid",
    #                "rejected valid", "other exception", "leak"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.category in ("same", "not implemented")

    def __str__(self) -> str:
        return f"[{self.category}] {self.call!r}: {self.detail}"


def compare(call: Call, torch: Any) -> Verdict:
    ours, theirs = outcome(call, tinygrad_rnn), outcome(call, torch)
    if isinstance(ours, Returned) and isinstance(theirs, Returned):
        diff = _same_value(ours.value, theirs.value, call.compare_values, float32_inside(call))
        return Verdict(call, "same" if diff is None else "different result", diff or "")
    if isinstance(ours, Returned):
        assert isinstance(theirs, Raised)
        return Verdict(call, "accepted invalid", f"torch raises {theirs.kind.__name__}: {theirs.message:.200}")
    if isinstance(theirs, Returned):
        if ours.kind is NotImplementedError and "not implemented for '" not in ours.message:
            # a documented gap (e.g. einsum's '...'): the standards allow NotImplementedError naming it
            return Verdict(call, "not implemented", ours.message)
        return Verdict(call, "rejected valid", f"we raise {ours.kind.__name__}: {ours.message:.200}")
    if ours.kind is not theirs.kind:
        return Verdict(call, "other exception",
                       f"we raise {ours.kind.__name__}: {ours.message:.150}; torch {theirs.kind.__name__}: "
                       f"{theirs.message:.150}")
    if ours.leak and ours.message != theirs.message:  # torch's own Python raising the same is torch's behaviour
        return Verdict(call, "leak", f"{ours.leak}: {ours.message:.150}; torch: {theirs.message:.150}")
    return Verdict(call, "same")

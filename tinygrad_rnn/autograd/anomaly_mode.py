"""torch.autograd.anomaly_mode: find the op whose backward produced a NaN, and where its forward ran.

    with torch.autograd.detect_anomaly():
        loss = model(x).log().sum()
        loss.backward()   # RuntimeError: Function 'LogBackward0' returned nan values in its 0th output.

While it is on, two hooks do the work (both are one flag test when it is off). This module plugs
them into the core (`modes.anomaly_hooks`, at the end), which stays free of them:

- `Function.apply` calls `record_forward_stack`, so every graph node remembers the Python stack of
  the call that created it;
- the engine runs each node's backward through `checked_backward`, which raises as soon as a
  gradient holds a NaN, and on any error in backward warns with the forward stack of that node,
  as torch does ("Error detected in LogBackward0. Traceback of forward call that caused the error").
  The same stack is attached to the exception as a note, so it also shows in the traceback.
"""
from __future__ import annotations

import functools
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.modes import modes, set_anomaly  # the per-thread switches read by Function.apply and the engine

__all__ = ["detect_anomaly", "set_detect_anomaly"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NN_DIR = os.path.join(_PACKAGE_DIR, "nn")


def is_anomaly_enabled() -> bool:
    return modes.anomaly_enabled


def is_anomaly_check_nan_enabled() -> bool:
    return modes.anomaly_check_nan


class detect_anomaly:
    """Context manager (or decorator) that turns anomaly detection on inside it.

    `check_nan=False` keeps the forward stacks and error reports but skips the NaN test.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
            "enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        self.previous = set_anomaly(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        set_anomaly(*self.previous)

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off: at once when called, and back on exit as a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.previous = set_anomaly(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        set_anomaly(*self.previous)


# ---------------------------------------------------------------------------- the hooks
def record_forward_stack(node: Any) -> None:
    """Called by Function.apply in anomaly mode: keep the stack of the call that made `node`."""
    stack = traceback.extract_stack()[:-2]  # drop this function and Function.apply
    while stack and _is_internal(stack[-1].filename):  # and the op plumbing (tensor.py, ops/...)
        stack.pop()
    node._forward_stack = stack


def _is_internal(filename: str) -> bool:
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE_DIR + os.sep) and not path.startswith(_NN_DIR + os.sep)


def checked_backward(node: Any, grads: list) -> Any:
    """Run node's backward; raise if a gradient it returns holds a NaN (when check_nan is on).

    On any error, warn with the node's forward stack (and attach it to the error as a note)."""
    try:
        result = type(node).backward(node, *grads)
        if modes.anomaly_check_nan:
            for k, g in enumerate(result if isinstance(result, tuple) else (result,)):
                if _has_nan(g):
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its {k}th output.")
    except Exception as error:
        report = _forward_report(node)
        warnings.warn(report, stacklevel=2)
        error.add_note(report)
        raise
    return result


def _has_nan(g: Any) -> bool:
    data = getattr(getattr(g, "value", g), "_data", None)  # a Tensor, or the slice of a SliceGrad
    return data is not None and data.dtype.kind == "f" and bool(data.size) and bool(_any_nan(data))


def _any_nan(data: Any) -> bool:
    return bool(np.isnan(data).any())


_TRIGGERED = " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/python_anomaly_mode.cpp:{}.)"


def _forward_report(node: Any) -> str:
    """torch's warning (a C++ TORCH_WARN, so it ends with where it was raised)."""
    stack = getattr(node, "_forward_stack", None)
    if stack is None:
        return (f"Error detected in {node.name()}. No forward pass information available. Enable detect "
                "anomaly during forward pass for more information." + _TRIGGERED.format(100))
    return (f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
            + "".join(traceback.format_list(stack)) + _TRIGGERED.format(122))


type(modes).anomaly_hooks = sys.modules[__name__]  # what Function.apply and the engine call in anomaly mode

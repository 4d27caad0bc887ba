"""torch's global switches that tutorial code sets at the top of a script.

Most change nothing here, and say why: every op of this numpy framework is already deterministic,
float32 matmuls are always computed in full float32 ("highest"), and numpy cannot flush denormal
numbers to zero. They keep the value they were given, so code that reads them back works, and they
check their arguments as torch does.
"""
from __future__ import annotations

import importlib
import warnings
from typing import Any

from ..argcheck import type_name
from ..backends import FLOAT32_MATMUL
from ..core import dtypes
from ..core.modes import set_anomaly
from ..core.tensor import Tensor
from ..core.warn_once import ALWAYS, warn_once
from ..determinism import DETERMINISM
from .legacy import LEGACY_BY_NAME


def _bool_arg(fn: str, name: str, value: Any, position: int | None = 1) -> bool:
    if not isinstance(value, bool):
        where = f"argument '{name}' (position {position})" if position else f"argument '{name}'"
        raise TypeError(f"{fn}(): {where} must be bool, not {type_name(value)}")
    return value


# ------------------------------------------------------------------ deterministic algorithms
def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms. Every op here already is one, so no op raises or warns; what
    changes is what uninitialised memory holds (determinism.py)."""
    DETERMINISM.enabled = _bool_arg("_set_deterministic_algorithms", "mode", mode)
    DETERMINISM.warn_only = _bool_arg("_set_deterministic_algorithms", "warn_only", warn_only, None)


def are_deterministic_algorithms_enabled() -> bool:
    return DETERMINISM.enabled


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return DETERMINISM.warn_only


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: int | str) -> None:
    """0/"default": off, 1/"warn": deterministic with warnings only, 2/"error": deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                               f"but got {debug_mode}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    if not DETERMINISM.enabled:
        return 0
    return 1 if DETERMINISM.warn_only else 2


# ------------------------------------------------------------------ numerics
def set_float32_matmul_precision(precision: str) -> None:
    """Record the precision asked for; float32 matmuls here always use full float32 ("highest")."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type_name(precision)}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect. (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/Context.cpp:458.)", stacklevel=2)
        return
    FLOAT32_MATMUL.precision = precision


def get_float32_matmul_precision() -> str:
    return FLOAT32_MATMUL.precision


def set_flush_denormal(mode: bool) -> bool:
    """False, as torch answers on a CPU that cannot flush denormals: numpy has no such switch."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type_name(mode)}")
    return False


# ------------------------------------------------------------------ warnings and modes
def set_warn_always(b: bool, /) -> None:
    """On: the warnings torch gives once per process (`warn_once` here) are given every time."""
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type_name(b)}")
    ALWAYS.on = b


def is_warn_always_enabled() -> bool:
    return ALWAYS.on


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off for good (`autograd.set_detect_anomaly` without the context)."""
    _bool_arg("set_anomaly_enabled", "enabled", enabled)
    _bool_arg("set_anomaly_enabled", "check_nan", check_nan, 2)
    set_anomaly(enabled, check_nan)


# ------------------------------------------------------------------ types
def typename(obj: Any, /) -> str:
    """A tensor's legacy type name (`torch.FloatTensor`), else the object's module and qualified name."""
    if isinstance(obj, Tensor):
        return obj.type()
    legacy_name = next((name for name, t in LEGACY_BY_NAME.items() if t is obj), None)
    if legacy_name:  # torch.FloatTensor, torch.cuda.LongTensor: torch's names, not where ours are made
        return legacy_name
    if hasattr(obj, "__qualname__"):
        module, qualname = getattr(obj, "__module__", "") or "", obj.__qualname__
    elif hasattr(obj, "__name__"):
        module, qualname = getattr(obj, "__module__", "") or "", obj.__name__
    else:
        module, qualname = type(obj).__module__ or "", type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def set_default_tensor_type(t: Any, /) -> None:
    """Deprecated in torch 2.1 (it warns once, as torch): set the default float dtype from a legacy type."""
    warn_once("set_default_tensor_type", "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
              "use torch.set_default_dtype() and torch.set_default_device() as alternatives. (Triggered internally at "
              "/__w/pytorch/pytorch/torch/csrc/tensor/python_tensor.cpp:434.)")
    if isinstance(t, str):
        t = _legacy_type_named(t)
    if getattr(t, "is_cuda", False):
        t()  # torch.cuda.FloatTensor: torch's TypeError, this build has no CUDA
    d = getattr(t, "dtype", None) if isinstance(t, type) else None
    if not isinstance(d, dtypes.dtype):
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    dtypes.set_default_dtype(d)


def _legacy_type_named(name: str) -> Any:
    """What torch's dotted-name import finds for 'torch.DoubleTensor' (or another module's 'pkg.attr')."""
    first, *rest = name.split(".")
    if first == "torch":
        if name not in LEGACY_BY_NAME:
            raise AttributeError(f"module 'torch' has no attribute '{rest[0] if rest else name}'")
        return LEGACY_BY_NAME[name]
    obj = importlib.import_module(first)
    for part in rest:
        obj = getattr(obj, part)
    return obj

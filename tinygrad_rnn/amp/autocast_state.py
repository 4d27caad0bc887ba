"""torch's autocast state: for each device type whether autocast is on and in which dtype it computes, the
cast cache switch and the nesting counter that `torch.autocast` steps through on entry and exit.

    torch.set_autocast_dtype("cuda", torch.bfloat16)
    torch.get_autocast_dtype("cuda")      # torch.bfloat16
    torch.is_autocast_enabled("cpu")      # False

The state is kept as torch keeps it, so code that saves and restores it runs. Turning autocast on for the
CPU would have the CPU's ops compute in bfloat16 (torch's kernels; numpy has no bfloat16): NotImplementedError.
For any other device type it is state only, as in torch on a machine without that device: CPU tensors
ignore it.
"""
from __future__ import annotations

import warnings
from typing import Any

from ..argcheck import bool_arg, invalid_combination, is_torch_dtype, type_name
from ..core import dtypes
from ..device import check_device_name
from ..surface.ops import parser_errors
from ..surface.unsupported_dtypes import bfloat16

# the device types torch has an autocast dispatch key for, with the dtype autocast starts with there (measured)
_DEFAULT_DTYPES = {"cpu": bfloat16, "cuda": dtypes.float16, "ipu": dtypes.float16, "xpu": dtypes.float16,
                   "maia": bfloat16, "xla": bfloat16, "mps": dtypes.float16, "hpu": bfloat16,
                   "mtia": dtypes.float16, "privateuseone": dtypes.float16}
# torch's table of autocast dtypes also answers for "hip" (it shares CUDA's), though hip has no dispatch key
_dtypes: dict[str, Any] = {**_DEFAULT_DTYPES, "hip": dtypes.float16}
_enabled = dict.fromkeys(_DEFAULT_DTYPES, False)
_state = {"cache_enabled": True, "nesting": 0}
_REQUIRED = object()  # an argument not given


def _device_type(fn: str, device_type: Any) -> str:
    if not isinstance(device_type, str):
        raise TypeError(f"{fn}(): argument 'device_type' (position 1) must be str, not {type_name(device_type)}")
    return check_device_name(device_type)


def has_autocast(device_type: str) -> bool:
    """Whether torch has an autocast dispatch key for the device type (cpu, cuda, mps, ...; not meta)."""
    return device_type in _enabled


def _with_dispatch_key(fn: str, device_type: Any) -> str:
    name = _device_type(fn, device_type)
    if not has_autocast(name):
        raise RuntimeError("unknown device type for autocast in get_autocast_dispatch_key_from_device_type")
    return name


def is_autocast_enabled(*args: Any, **kwargs: Any) -> bool:
    """`is_autocast_enabled(device_type)`; without an argument, for CUDA (torch's older overload)."""
    if len(args) + len(kwargs) > 1 or any(k != "device_type" for k in kwargs):
        raise invalid_combination("is_autocast_enabled", args, ("(str device_type)", "()"), kwargs)
    if not args and not kwargs:
        return _enabled["cuda"]
    if kwargs and not isinstance(kwargs["device_type"], str):
        raise TypeError(f"is_autocast_enabled(): argument 'device_type' must be str, not "
                        f"{type_name(kwargs['device_type'])}")
    return _enabled[_with_dispatch_key("is_autocast_enabled", (args or tuple(kwargs.values()))[0])]


def set_autocast_enabled(*args: Any, **kwargs: Any) -> None:
    """`set_autocast_enabled(device_type, enabled)`, or `set_autocast_enabled(enabled)` for CUDA."""
    fn, signatures = "set_autocast_enabled", ("(str device_type, bool enabled)", "(bool enabled)")
    given = list(args) + [kwargs[k] for k in ("device_type", "enabled") if k in kwargs]
    if not given or len(given) != len(args) + len(kwargs) or len(given) > 2:
        raise invalid_combination(fn, args, signatures, kwargs)
    if len(given) == 1:
        _set_enabled("cuda", bool_arg(fn, "enabled", given[0], 1))
        return
    name = _with_dispatch_key(fn, given[0])
    _set_enabled(name, bool_arg(fn, "enabled", given[1], 2))


def _set_enabled(device_type: str, enabled: bool) -> None:
    if enabled and device_type == "cpu":
        raise NotImplementedError("set_autocast_enabled('cpu', True) is not implemented: autocast on the CPU "
                                  "computes in bfloat16 (or float16), casts tinygrad_rnn does not make")
    _enabled[device_type] = enabled


def get_autocast_dtype(device_type: str) -> Any:
    """The dtype autocast computes in on `device_type` (bfloat16 on the CPU, float16 on CUDA, unless set)."""
    name = _device_type("get_autocast_dtype", device_type)
    if name not in _dtypes:
        raise RuntimeError("unsupported scalarType")
    return _dtypes[name]


def set_autocast_dtype(device_type: str, dtype: Any = _REQUIRED) -> None:
    """Set the dtype autocast computes in on `device_type`; torch takes any dtype here (autocast checks it)."""
    name = _device_type("set_autocast_dtype", device_type)
    if dtype is _REQUIRED:  # (torch's parser checks the device type first)
        raise TypeError('set_autocast_dtype() missing 1 required positional arguments: "dtype"')
    if not is_torch_dtype(dtype):
        raise TypeError(f"set_autocast_dtype(): argument 'dtype' (position 2) must be torch.dtype, not "
                        f"{type_name(dtype)}")
    _dtypes[name] = dtypes.as_dtype(dtype)


# torch's parser words their missing, extra and keyword arguments
get_autocast_dtype = parser_errors(get_autocast_dtype, "get_autocast_dtype")
set_autocast_dtype = parser_errors(set_autocast_dtype, "set_autocast_dtype")


def is_autocast_cache_enabled(*args: Any, **kwargs: Any) -> bool:
    _no_arguments("is_autocast_cache_enabled", args, kwargs)
    return _state["cache_enabled"]


def set_autocast_cache_enabled(*args: Any, **kwargs: Any) -> None:
    enabled = _one_argument("set_autocast_cache_enabled", args, kwargs)
    _state["cache_enabled"] = _legacy_bool(enabled)


def clear_autocast_cache(*args: Any, **kwargs: Any) -> None:
    """Drop the casts autocast cached for reuse (weights cast once per forward): nothing is cast here."""
    _no_arguments("clear_autocast_cache", args, kwargs)


def autocast_increment_nesting(*args: Any, **kwargs: Any) -> int:
    _no_arguments("autocast_increment_nesting", args, kwargs)
    _state["nesting"] += 1
    return _state["nesting"]


def autocast_decrement_nesting(*args: Any, **kwargs: Any) -> int:
    _no_arguments("autocast_decrement_nesting", args, kwargs)
    _state["nesting"] -= 1
    return _state["nesting"]


def _one_argument(fn: str, args: tuple, kwargs: dict) -> Any:
    """The argument of a torch function written in C that takes exactly one, by position (CPython's errors)."""
    if kwargs:
        raise TypeError(f"torch.{fn}() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError(f"torch.{fn}() takes exactly one argument ({len(args)} given)")
    return args[0]


def _legacy_bool(enabled: Any) -> bool:
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool (got {type_name(enabled)})")
    return enabled


def _legacy_dtype(dtype: Any) -> Any:
    if not isinstance(dtype, dtypes.dtype):
        raise TypeError(f"dtype must be a torch.dtype (got {type_name(dtype)})")
    return dtype


def _deprecated(old: str, new: str, line: int) -> None:
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead. (Triggered internally at "
                  f"/__w/pytorch/pytorch/torch/csrc/autograd/init.cpp:{line}.)", DeprecationWarning, stacklevel=3)


def _no_arguments(fn: str, args: tuple, kwargs: dict) -> None:
    if kwargs:
        raise TypeError(f"torch.{fn}() takes no keyword arguments")
    if args:
        raise TypeError(f"torch.{fn}() takes no arguments ({len(args)} given)")


def _deprecated_functions(device: str, lines: tuple, alias: str | None = None) -> dict[str, Any]:
    """torch.is_autocast_cpu_enabled() and its kin for one device type: they warn, then act as the new spelling.
    `lines`: where torch's source warns for each (is/set enabled, get/set dtype), which its warning names."""
    short = alias or device
    is_line, set_line, get_dtype_line, set_dtype_line = lines

    def is_enabled(*args: Any, **kwargs: Any) -> bool:
        _no_arguments(f"is_autocast_{short}_enabled", args, kwargs)
        _deprecated(f"is_autocast_{short}_enabled()", f"is_autocast_enabled('{device}')", is_line)
        return _enabled[device]

    def set_enabled(*args: Any, **kwargs: Any) -> None:
        enabled = _legacy_bool(_one_argument(f"set_autocast_{short}_enabled", args, kwargs))
        _deprecated(f"set_autocast_{short}_enabled(enabled)", f"set_autocast_enabled('{device}', enabled)", set_line)
        _set_enabled(device, enabled)

    def get_dtype(*args: Any, **kwargs: Any) -> Any:
        _no_arguments(f"get_autocast_{short}_dtype", args, kwargs)
        _deprecated(f"get_autocast_{short}_dtype()", f"get_autocast_dtype('{device}')", get_dtype_line)
        return _dtypes[device]

    def set_dtype(*args: Any, **kwargs: Any) -> None:
        dtype = _legacy_dtype(_one_argument(f"set_autocast_{short}_dtype", args, kwargs))
        _deprecated(f"set_autocast_{short}_dtype(dtype)", f"set_autocast_dtype('{device}', dtype)", set_dtype_line)
        _dtypes[device] = dtype

    found = {f"is_autocast_{short}_enabled": is_enabled, f"set_autocast_{short}_enabled": set_enabled,
             f"get_autocast_{short}_dtype": get_dtype, f"set_autocast_{short}_dtype": set_dtype}
    for name, function in found.items():
        function.__name__ = function.__qualname__ = name
    return found


is_autocast_cpu_enabled, set_autocast_cpu_enabled, get_autocast_cpu_dtype, set_autocast_cpu_dtype = \
    _deprecated_functions("cpu", (883, 874, 1016, 967)).values()
is_autocast_ipu_enabled, set_autocast_ipu_enabled, get_autocast_ipu_dtype, set_autocast_ipu_dtype = \
    _deprecated_functions("ipu", (909, 900, 1025, 982)).values()
is_autocast_xla_enabled, set_autocast_xla_enabled, get_autocast_xla_dtype, set_autocast_xla_dtype = \
    _deprecated_functions("xla", (935, 926, 1034, 997)).values()
# CUDA's were named "gpu"; torch 2.13 keeps only their dtype pair (no line for the pair it dropped)
_, _, get_autocast_gpu_dtype, set_autocast_gpu_dtype = _deprecated_functions("cuda", (0, 0, 1007, 952), "gpu").values()

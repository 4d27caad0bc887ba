"""Making tensors: `tensor`, `from_numpy`, `zeros`, `ones`, `full`, `arange`, `eye`, ... . dtypes follow torch: Python floats give the default float
(float32), ints int64, bools bool; numpy arrays keep their dtype."""
from __future__ import annotations

import functools
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .argcheck import int_arg, invalid_combination, number_arg, refuse_complex, size_arg, type_name
from .core import dtypes
from .core.modes import modes
from .core.tensor import Tensor
from .core.views import check_inference_write
from .core.warn_once import warn_once
from .determinism import uninitialized
from .device import check_device, check_device_name
from .layout import check_layout, check_memory_format, check_pin_memory, preserve_format
from .range_values import arange_values, linspace_values


def _finish(t: Tensor, requires_grad: bool, device: Any = None) -> Tensor:
    check_device(device)
    if not isinstance(requires_grad, bool) and requires_grad is not None:  # torch's parser: a bool (or None)
        raise TypeError(f"argument 'requires_grad' must be bool, not {type_name(requires_grad)}")
    if requires_grad:
        if not t.dtype.is_floating_point:  # the factories' wording differs from requires_grad_()'s
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


# ------------------------------------------------------------------ tensor(data): torch's three passes
# torch.tensor(data) reads nested Python data in three passes, and so do we: the shape from the
# first element at each depth, the dtype from every scalar, then the values, checking each
# sequence's length against the shape. Tensors inside the data count as scalars (one element each).
_SEQUENCES = (list, tuple, range)


def _is_sequence(x: Any) -> bool:
    """torch's test (Python's sequence protocol): a list, tuple or range, a numpy array with dimensions, or any
    object with a length and indexing (a deque, an array.array, a memoryview); no dict, str, bytes, or tensor
    and numpy scalar (those are read as one value)."""
    if isinstance(x, _SEQUENCES):
        return True
    if isinstance(x, (float, int, Tensor, np.generic, str, bytes, dict)):
        return False
    if isinstance(x, np.ndarray):
        return x.ndim > 0
    return hasattr(type(x), "__getitem__") and hasattr(type(x), "__len__")


def _data_shape(data: Any) -> tuple:
    shape = []
    while _is_sequence(data) or isinstance(data, str):
        if isinstance(data, str):
            raise ValueError("too many dimensions 'str'")
        shape.append(len(data))
        if not len(data):
            break
        data = data[0]
        if isinstance(data, np.ndarray) and data.ndim == 0:  # torch asks a first item for its length
            raise TypeError("len() of unsized object")
    return tuple(shape)


def _scalars(data: Any) -> Iterator[Any]:
    """The scalars of nested data; an empty sequence counts as a float (torch infers the default dtype for it),
    a numpy array as one value of its dtype (even an empty one)."""
    if isinstance(data, np.ndarray):
        yield data
    elif _is_sequence(data):
        if not len(data):
            yield 0.0
        for item in data:
            yield from _scalars(item)
    else:
        yield data


def _infer_dtype(data: Any) -> dtypes.dtype:
    """The dtype torch.tensor gives Python data: each value's own dtype (a tensor's or numpy value's; a Python
    float the default dtype, an int int64, a bool bool), all promoted together, as torch's infer_scalar_type
    does: [np.int32(1), 2] is int64, [np.float16(1), 2.0] float32."""
    found = []
    for v in _scalars(data):
        if isinstance(v, Tensor):
            found.append(v.dtype)
        elif isinstance(v, (np.ndarray, np.generic)):
            found.append(_dtype_of(np.asarray(v)) if v.dtype.kind in "cu" else dtypes.from_numpy_dtype(v.dtype))
        elif isinstance(v, (bool, int, float)):
            found.append(dtypes.bool if isinstance(v, bool) else dtypes.int64 if isinstance(v, int)
                         else dtypes.get_default_dtype())
        elif isinstance(v, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(v).__name__}'")
        elif isinstance(v, complex):
            raise refuse_complex(f"the Python complex number {v!r}")
        else:
            raise RuntimeError(f"Could not infer dtype of {type_name(v)}")
    return dtypes.promote_types(*found)


def warn_if_scalar_needs_grad(t: Tensor) -> None:
    """float(t) of a tensor that requires grad, in grad mode, warns as torch does: once per process (torch's
    TORCH_WARN_ONCE), with torch's text, because tutorials that print float(loss) or build
    torch.tensor([loss, ...]) show it."""
    if t._requires_grad and modes.grad_enabled:
        warn_once("scalar_requires_grad",
                  "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                  "Consider using tensor.detach() first. (Triggered internally at "
                  "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)",
                  stacklevel=3)


def _scalar_value(v: Any, d: dtypes.dtype) -> Any:
    """One scalar as a Python number of dtype d's kind, with torch's errors."""
    if isinstance(v, Tensor):
        if not d.is_floating_point and (v.dtype.is_floating_point or v._data.size != 1):  # torch reads it with
            raise TypeError("only integer tensors of a single element can be converted to an index")  # __index__
        if d.is_floating_point:  # torch reads it with float(), which warns before it checks the size
            warn_if_scalar_needs_grad(v)
        if v._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        v = v._data.reshape(()).item()
    elif isinstance(v, (np.ndarray, np.generic)):
        if v.dtype == np.bool_ and not (d.is_floating_point or d is dtypes.bool):  # torch reads it with __index__
            raise TypeError("'numpy.bool' object cannot be interpreted as an integer")
        v = v.item()
    if d.is_floating_point:
        if not isinstance(v, (bool, int, float)):
            raise TypeError(f"must be real number, not {type_name(v)}")
        return float(v)
    if not isinstance(v, (bool, int, float)):
        raise TypeError(f"'{type_name(v)}' object cannot be interpreted as an integer")
    if d is dtypes.bool:  # any number is its truth, however large (2**64 too); nan and inf are True, as torch
        return v != 0
    if isinstance(v, float):  # a float must fit the type as it is (no wrapping into unsigned types), as torch
        info = np.iinfo(d.np)
        if not math.isfinite(v) or not info.min <= v <= info.max:
            raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
        return int(v)  # truncates toward zero, as torch
    if not -(2 ** 63) <= v < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if d is not dtypes.bool:
        info = np.iinfo(d.np)  # unsigned types take negatives down to -max, wrapping as C does
        if not (info.min if info.min else -info.max) <= v <= info.max:
            raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    return v


def _fill(data: Any, shape: tuple, d: dtypes.dtype, dim: int, out: list) -> None:
    """Append data's scalars to `out` in order, checking that data has `shape` from `dim` on."""
    if dim == len(shape):
        out.append(_scalar_value(data, d))  # a sequence here raises _scalar_value's TypeError
        return
    # a str is a sequence to torch (its length is compared), and so is a tensor after the first item, which
    # decided the shape: [[1, 2], tensor([3, 4])] reads the tensor's elements one by one, as 0-d tensors
    if not (_is_sequence(data) or isinstance(data, str) or (isinstance(data, Tensor) and data.dim() > 0)):
        raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _fill(item, shape, d, dim + 1, out)


def _from_python(data: Any, d: dtypes.dtype | None) -> np.ndarray:
    shape = _data_shape(data)
    d = d or _infer_dtype(data)
    values: list = []
    if math.prod(shape):  # torch checks the lengths only while copying values, so nothing of an empty shape
        _fill(data, shape, d, 0, values)
    if d.is_floating_point or d is dtypes.bool:
        with np.errstate(over="ignore"):  # a number beyond the float type's range is inf, silently, as in torch
            return np.array(values, dtype=d.np).reshape(shape)
    return np.array(values, dtype=np.int64).astype(d.np).reshape(shape)  # wraps negatives into unsigned


def check_strides(array: np.ndarray) -> None:
    """torch takes no numpy array with a negative stride (a flipped one), even to copy it."""
    if any(s < 0 for s in array.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a copy "
                         "of your array  with array.copy().) ")
    if not array.dtype.isnative:  # a big-endian array on a little-endian machine (or the reverse)
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")


def _is_wide_unsigned(array: np.ndarray) -> bool:
    """A uint16/32/64 array: torch makes a tensor of that dtype, which tinygrad_rnn cannot store."""
    return array.dtype.kind == "u" and array.dtype.itemsize > 1


def _dtype_of(array: np.ndarray) -> dtypes.dtype:
    """The array's dtype (a big-endian float64 is a float64 here: check_strides then refuses its byte order)."""
    if array.dtype.kind == "c":
        raise refuse_complex(f"a numpy array of {array.dtype.name}")
    if _is_wide_unsigned(array):
        # torch makes a tensor of that dtype (with few ops); a gap of ours, so NotImplementedError naming it
        raise NotImplementedError(f"can't convert np.ndarray of type numpy.{array.dtype.name}: tinygrad_rnn has no "
                                  f"{array.dtype.name} tensors (convert it first, e.g. a.astype(np.int64))")
    return dtypes.from_numpy_dtype(array.dtype if array.dtype.isnative else array.dtype.newbyteorder("="))


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def callers_stacklevel() -> int:
    """The `stacklevel` that names the first line outside this package, as torch's warnings name the
    user's line (so Python's once-per-line filter shows one per line of user code)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


_READ_ONLY_WARNED = []  # torch's TORCH_WARN_ONCE: the first read-only array of the process warns, no later one


def _warn_if_read_only(array: np.ndarray) -> None:
    """torch warns (once per process) when a tensor is made to share the memory of a read-only array:
    np.broadcast_to's views, arrays from bytes, arrays made read-only by hand."""
    if not array.flags.writeable and not _READ_ONLY_WARNED:
        _READ_ONLY_WARNED.append(True)
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. This "
                      "means writing to this tensor will result in undefined behavior. You may want to copy the array "
                      "to protect its data or make it writable before converting it to a tensor. This type of warning "
                      "will be suppressed for the rest of this program. (Triggered internally at "
                      "/__w/pytorch/pytorch/torch/csrc/utils/tensor_numpy.cpp:213.)", UserWarning,
                      stacklevel=callers_stacklevel())


def _to_array(data: Any, d: dtypes.dtype | None) -> np.ndarray:
    if isinstance(data, Tensor):
        return data._data.astype(d.np if d else data._data.dtype, copy=True)
    if isinstance(data, np.ndarray):
        if d is not None and _is_wide_unsigned(data):  # torch converts it to d, never storing it as uint16/32/64
            check_strides(data)
            return data.astype(d.np, copy=True)
        own = _dtype_of(data)  # (its error comes first)
        check_strides(data)
        return data.astype(d.np if d else own.np, copy=True)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, complex):
        raise refuse_complex(f"the Python complex number {data!r}")
    if d is None and not (_is_sequence(data) or isinstance(data, (bool, int, float, np.generic))):  # else: d's
        raise RuntimeError(f"Could not infer dtype of {type_name(data)}")
    if isinstance(data, (list, tuple)) and _holds_ndarray(data):  # torch then copies element by element
        warn_once("list of ndarrays", "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please "
                  "consider converting the list to a single numpy.ndarray with numpy.array() before converting to a "
                  "tensor. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/tensor_new.cpp:252.)",
                  stacklevel=callers_stacklevel())
    return _from_python(data, d)


def _holds_ndarray(data: list | tuple) -> bool:
    """True when a list or tuple holds a numpy array at any depth ([a, b], [[1.0, a]]), which torch's
    tensor() warns about. (A set of the item types keeps this check cheap on long lists of numbers.)"""
    kinds = set(map(type, data))
    if any(issubclass(k, np.ndarray) for k in kinds):
        return True
    if not any(issubclass(k, (list, tuple)) for k in kinds):
        return False
    return any(_holds_ndarray(x) for x in data if isinstance(x, (list, tuple)))


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`."""
    return copy_into_tensor(data, dtype, device, requires_grad, pin_memory, call="torch.tensor")


def copy_into_tensor(data: Any, dtype: Any, device: Any, requires_grad: bool, pin_memory: bool,
                     call: str) -> Tensor:
    """torch.tensor's work, shared with Tensor.new_tensor: `call` is the caller's name as torch's
    copy-construct warning spells it ("torch.tensor", "tensor.new_tensor")."""
    if not isinstance(requires_grad, bool):  # tensor()'s parser takes only a bool here (no None), before the data
        raise TypeError(f"tensor(): argument 'requires_grad' must be bool, not {type_name(requires_grad)}")
    check_pin_memory("tensor", pin_memory)
    if device is not None:
        check_device_name(device)  # the parser's, before the data; a CUDA device is refused after it
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            f"sourceTensor.detach().clone().requires_grad_(True), rather than {call}(sourceTensor).",
            UserWarning,
            stacklevel=callers_stacklevel(),
        )
    d = dtypes.as_dtype(dtype) if dtype is not None else None
    return _finish(Tensor._make(_to_array(data, d)), requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a Tensor or numpy array when the dtype already fits."""
    d = dtypes.as_dtype(dtype) if dtype is not None else None
    if not isinstance(data, (Tensor, np.ndarray)):
        return tensor(data, dtype=d, device=device)  # which reads the data before the device, as torch
    check_device(device)  # (a shared array too: device='cuda' is torch's error, not ignored)
    if isinstance(data, Tensor):
        return data if d is None or d is data.dtype else data.to(d)
    if isinstance(data, np.ndarray) and (d is None or d.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=d)


def from_numpy(ndarray: Any) -> Tensor:
    """A tensor sharing memory with `ndarray`."""
    return Tensor._make(checked_numpy(ndarray))


def checked_numpy(ndarray: Any, converting: bool = False) -> np.ndarray:
    """`ndarray` after torch's checks of an array it reads as from_numpy does. `converting`: the caller
    converts it to a dtype of its own (`torch.Tensor(a)`), so a uint16/32/64 array is taken too."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type_name(ndarray)})")
    _warn_if_read_only(ndarray)  # torch's order: the warning, the dtype, the strides, the byte order
    if not (converting and _is_wide_unsigned(ndarray)):
        _dtype_of(ndarray)
    check_strides(ndarray)
    return ndarray


def _is_int(a: Any) -> bool:
    return isinstance(a, (int, np.integer)) and not isinstance(a, bool)


def steps_number(steps: Any) -> Any:
    """linspace's and logspace's `steps` as torch's parser reads an int: a 0-d integer tensor (not a bool one)
    is its number (torch.linspace(0, 1, n) with n from a tensor op); anything else is left for the caller's
    checks."""
    if isinstance(steps, Tensor) and steps.ndim == 0 and not steps.dtype.is_floating_point \
            and not steps.dtype.is_complex and steps.dtype is not dtypes.bool:
        return int(steps.item())
    return steps


def set_keywords(**keywords: Any) -> dict:
    """The factory keywords a call set (those away from their defaults), for torch's 'invalid combination' error,
    which lists the keywords given (dtype=torch.dtype): one given as its default cannot be told apart here."""
    return {k: v for k, v in keywords.items() if v is not None and v is not False}


# ------------------------------------------------------------------ filled tensors
def _size(size: Sequence, kw: dict | None = None, name: str = "", device: Any = None) -> tuple:
    """The shape from f(2, 3), f((2, 3)) or f(size=(2, 3)); f() is torch's TypeError.

    torch's parser matches the size (its presence and first element) before it looks at the `device`, and
    unpacks the size's later elements after: a bad device is reported between the two (measured)."""
    keyword = bool(kw and "size" in kw)
    if keyword:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kw.pop("size"),)
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'")
    if not size and name:
        if name in ("randn", "rand"):  # overloaded in torch, hence its longer message
            raise TypeError(f"{name}() received an invalid combination of arguments - got (), but expected one of:\n"
                            f" * (tuple of ints size, *, torch.Generator generator, {_RANDOM_KW})\n"
                            f" * (tuple of ints size, *, {_RANDOM_KW})\n")
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    try:
        shape = size_arg(name or "size", size, keyword=keyword)
    except TypeError as error:
        if "failed to unpack" in str(error):  # a later element: torch has seen the device by then
            check_device(device)
        raise
    check_device(device)
    return shape


_RANDOM_KW = ("Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
              "bool pin_memory = False, bool requires_grad = False")


def check_size(size: tuple, name: str = "") -> tuple:
    """torch's errors for a negative size (zeros words its own)."""
    for s in size:
        if s < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _filled(fill: Any, size: tuple, dtype: Any, requires_grad: bool, device: Any, name: str = "") -> Tensor:
    """A tensor of `size` holding `fill` everywhere; fill=UNINITIALIZED: what empty() holds (determinism.py)."""
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    check_size(size, name)
    array = uninitialized(size, d.np) if fill is UNINITIALIZED else np.full(size, checked_fill(fill, d), d.np)
    return _finish(Tensor._make(array), requires_grad, device)


UNINITIALIZED = object()  # the fill of empty() and empty_like()


# The C types torch's messages name (the other integer types are "<name>_t", e.g. "int8_t")
_C_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int32": "int"}


def checked_fill(fill: Any, d: dtypes.dtype) -> Any:
    """A Python number converted to dtype `d` as torch converts a fill value (full, fill_, masked_fill,
    index_fill, clamp's limits, where's number, add's alpha): it must fit the dtype. For a float dtype a
    finite number beyond its largest is an error (inf and nan are fine); integer dtypes: see integer_fill.
    torch reads a Python int as a 64-bit one first, so a larger int is an OverflowError whatever the dtype."""
    if isinstance(fill, Tensor) and fill.ndim == 0:  # torch reads a 0-d tensor given for a number as its value
        fill = fill.item()
    if type(fill) is int and not -(2 ** 63) <= fill < 2 ** 63:
        raise OverflowError("int too big to convert")
    if isinstance(fill, complex):  # torch takes a complex number whose imaginary part is 0 as its real part
        if d is dtypes.bool:
            return bool(fill)
        if fill.imag:
            c_name = d.name if d.is_floating_point else d.name + "_t"
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES.get(d.name, c_name)} without overflow")
        fill = fill.real
    if d.is_floating_point:
        if isinstance(fill, (int, float)) and not isinstance(fill, bool) and math.isfinite(fill) \
                and abs(fill) > float(np.finfo(d.np).max):
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES.get(d.name, d.name)} without overflow")
        return fill
    if d is dtypes.bool or not isinstance(fill, (bool, int, float)):
        return fill
    return integer_fill(fill, d)


def integer_fill(fill: Any, d: dtypes.dtype) -> int:
    """A fill value for an integer dtype, as torch converts it: a float must fit the type and is truncated;
    an int must fit too, except that negative ints wrap into unsigned types."""
    info = np.iinfo(d.np)
    if isinstance(fill, (bool, int)):
        value, least = int(fill), info.min if info.min else -info.max
    else:
        value, least = float(fill), info.min
    if value != value or not least <= value <= info.max:
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES.get(d.name, d.name + '_t')} without overflow")
    return int(np.array(int(value)).astype(d.np))


def factory(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """fn with the keywords every torch factory takes besides its own: `layout` (torch.strided only),
    `pin_memory` (False only: no accelerator here) and `out`: the values are made in out's dtype, written
    into `out` (resized to fit) and `out` is returned."""
    @functools.wraps(fn)
    def make(*args: Any, out: Tensor | None = None, layout: Any = None, pin_memory: Any = False, **kw: Any) -> Tensor:
        name = fn.__name__
        requires_grad = kw.get("requires_grad")
        if not isinstance(requires_grad, bool) and requires_grad is not None:  # parsed before any value is checked
            raise TypeError(f"{name}(): argument 'requires_grad' must be bool, not {type_name(requires_grad)}")
        check_layout(name, layout)
        check_pin_memory(name, pin_memory)
        if out is None:
            return fn(*args, **kw)
        _check_out(name, out, kw.get("dtype"))
        requires_grad = kw.pop("requires_grad", False)
        return _finish(write_into(out, fn(*args, **{**kw, "dtype": out.dtype})._data), requires_grad)

    return make


def _check_out(name: str, out: Any, dtype: Any) -> None:
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type_name(out)}")
    if dtype is not None and dtypes.as_dtype(dtype) is not out.dtype:
        raise RuntimeError(f"dtype {dtypes.as_dtype(dtype)._legacy} does not match dtype of out parameter "
                           f"({out.dtype._legacy})")
    if out.requires_grad and modes.grad_enabled:
        raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")


def write_into(out: Tensor, values: np.ndarray) -> Tensor:
    """`values` (of out's dtype) in out, for `out=`: in place when the shapes agree (views of out see them),
    else out resized."""
    check_inference_write(out)
    if out._data.shape == values.shape:
        np.copyto(_writable(out._data), values)
    else:
        out._data = values
    out._version += 1
    return out


def _writable(array: np.ndarray) -> np.ndarray:
    """`array`, or a writable alias of it: an expanded tensor's array is numpy's read-only broadcast, yet
    the ops torch lets write into one (sum, tril, ...) store each value, the last one at a shared place winning."""
    if array.flags.writeable:
        return array
    root = array
    while isinstance(root.base, np.ndarray) and not root.flags.writeable:
        root = root.base
    offset = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return np.ndarray(array.shape, array.dtype, buffer=root, offset=offset, strides=array.strides)


@factory
def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _filled(0, _size(size, kw, "zeros", device), dtype, requires_grad, device, "zeros")


@factory
def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _filled(1, _size(size, kw, "ones", device), dtype, requires_grad, device)


@factory
def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, memory_format: Any = None,
          **kw: Any) -> Tensor:
    shape = _size(size, kw, "empty", device)
    if memory_format is preserve_format:  # there is nothing to preserve the format of
        raise RuntimeError("unsupported memory format Preserve")
    check_memory_format("empty", memory_format, len(shape))
    return _filled(UNINITIALIZED, shape, dtype, requires_grad, device)


@factory
def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    if not isinstance(size, (tuple, list)):  # (torch.full(2, 1): a size is a sequence here, unlike zeros(2)'s)
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not {type_name(size)}")
    number_arg("full", "fill_value", fill_value, 2)
    if isinstance(fill_value, Tensor):  # torch reads a 1-element tensor as the number it holds
        fill_value = fill_value.item()
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled(fill_value, _size((size,), name="full", device=device), dtype, requires_grad, device)


def check_like_arguments(name: str, requires_grad: Any, kw: dict) -> None:
    """The keywords of a *_like factory torch checks before it makes anything: requires_grad is a bool, the
    device one that runs here, the layout, memory format and pin_memory ones a numpy array has (layout.py)."""
    if not isinstance(requires_grad, bool) and requires_grad is not None:
        raise TypeError(f"{name}(): argument 'requires_grad' must be bool, not {type_name(requires_grad)}")
    unknown = set(kw) - {"device", "layout", "memory_format", "pin_memory"}
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument '{min(unknown)}'")
    check_device(kw.get("device"))
    check_layout(name, kw.get("layout"))
    check_memory_format(name, kw.get("memory_format"))
    check_pin_memory(name, kw.get("pin_memory", False))


def _like(fill: Any, input: Tensor, dtype: Any, requires_grad: bool, memory_format: Any = None) -> Tensor:
    """A tensor of input's shape holding `fill`, laid out as input is (torch's preserve_format)."""
    made = _filled(fill, input.shape, dtype if dtype is not None else input.dtype, requires_grad, None)
    if memory_format not in (None, preserve_format) or input.is_contiguous():
        return made
    array = like_array(input, made._data.dtype)
    array[...] = made._data
    return _finish(Tensor._make(array), requires_grad, None)


def like_array(input: Tensor, np_dtype: Any) -> np.ndarray:
    """An uninitialised array of input's shape with the strides torch's *_like factories give (empty_like's
    preserve_format): input's own strides when its elements fill their memory without gaps or overlaps (a
    transposed tensor stays transposed), otherwise dense strides in input's order of dimensions (a sliced
    one comes out contiguous, a sliced and transposed one dense and transposed)."""
    shape, strides = tuple(input.shape), like_strides(input)
    base = uninitialized((max(math.prod(shape), 1),), np_dtype)
    return np.lib.stride_tricks.as_strided(base, shape, tuple(s * base.itemsize for s in strides))


def like_strides(input: Tensor) -> tuple:
    """The strides of torch's empty_like(input) (see like_array)."""
    shape, given = tuple(input.shape), input.stride()
    return given if _non_overlapping_and_dense(shape, given) else _infer_dense_strides(shape, given)


def _non_overlapping_and_dense(shape: tuple, strides: tuple) -> bool:
    """torch's is_non_overlapping_and_dense: the dims of size 2 or more, by stride, step as a dense block."""
    expected = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] >= 2), key=lambda d: strides[d]):
        if strides[d] != expected:
            return False
        expected *= shape[d]
    return True


def _infer_dense_strides(shape: tuple, strides: tuple) -> tuple:
    """Dense strides keeping the order of input's dimensions in memory (torch's infer_dense_strides: an
    insertion sort from the innermost dimension out; a stride of 0 compares as neither smaller nor
    larger, equal strides put the smaller dimension inside)."""
    perm = list(range(len(shape)))[::-1]

    def should_swap(a: int, b: int) -> int:
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] != strides[b]:
            return 1 if strides[a] > strides[b] else -1
        return 1 if shape[a] > shape[b] else 0

    for i in range(1, len(perm)):
        inner = i
        for outer in range(i - 1, -1, -1):
            comparison = should_swap(perm[outer], perm[inner])
            if comparison > 0:
                perm[outer], perm[inner] = perm[inner], perm[outer]
                inner = outer
            elif comparison < 0:
                break
    result, step = [0] * len(shape), 1
    for d in perm:
        result[d] = step
        step *= max(shape[d], 1)
    return tuple(result)


def zeros_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    check_like_arguments("zeros_like", requires_grad, kw)
    return _like(0, input, dtype, requires_grad, kw.get("memory_format"))


def ones_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    check_like_arguments("ones_like", requires_grad, kw)
    return _like(1, input, dtype, requires_grad, kw.get("memory_format"))


def empty_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    check_like_arguments("empty_like", requires_grad, kw)
    return _like(UNINITIALIZED, input, dtype, requires_grad, kw.get("memory_format"))


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    number_arg("full_like", "fill_value", fill_value, 2)  # torch's parser, before the device
    check_like_arguments("full_like", requires_grad, kw)
    return _like(fill_value, input, dtype, requires_grad, kw.get("memory_format"))


_MISSING = object()  # a bound not given, told apart from an explicit None (torch's TypeError)


@factory
def arange(start: Any = _MISSING, end: Any = _MISSING, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """int64 when every bound is an int, otherwise the default float. arange(end) and arange(end=...) start at 0."""
    if end is _MISSING:
        if start is _MISSING:
            raise TypeError("arange() missing 1 required positional argument: 'end'")
        start, end = 0, number_arg("arange", "end", start, 1)
    elif start is _MISSING:
        start = 0
    for v in (start, end, step):
        if not isinstance(v, (bool, int, float)) and not hasattr(v, "__float__") or isinstance(v, str):
            raise invalid_combination("arange", (start, end, step))
    given_dtype = None if dtype is None else dtypes.as_dtype(dtype)  # the parser's checks, then the device's,
    check_device(device)  # before the range is looked at
    bounds = [(float(v) if v.dtype.is_floating_point else int(v)) if isinstance(v, Tensor) else v  # a 0-d tensor: its number
              for v in (start, end, step)]
    d = given_dtype or (dtypes.int64 if all(_is_int(v) or isinstance(v, bool) for v in bounds)
                        else dtypes.get_default_dtype())
    if d is dtypes.bool:
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    lo, hi, by = (float(b) for b in bounds)
    if not (by > 0 or by < 0):  # zero, or NaN
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"unsupported range: {bounds[0]} -> {bounds[1]}")
    if (by > 0 and hi < lo) or (by < 0 and hi > lo):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if d is dtypes.int64:  # torch counts an int64 range in integer arithmetic, every other dtype's in double
        lo, hi, by = int(lo), int(hi), int(by)
        if by == 0:
            raise ValueError("step must be nonzero")
    count = np.ceil((hi - lo) / by)
    if not count <= 2 ** 63 - 1:  # an int64 count, as torch's (numpy's limit and wording differ)
        raise RuntimeError("invalid size, possible overflow?")
    n = max(int(count), 0)
    if d.is_floating_point:
        data = arange_values(float(bounds[0]), float(bounds[2]), n, d.np)
    else:  # integer values step from the truncated start by the truncated step, as torch
        data = (int(lo) + np.arange(n) * int(by)).astype(d.np)
    return _finish(Tensor._make(data), requires_grad, device)


def check_0d_bounds(name: str, start: Any, end: Any) -> None:
    """linspace's and logspace's start and end may be tensors, of no dim (torch's error names the others)."""
    wrong = [f"{which} with {v.ndim} dimension(s)" for which, v in (("start", start), ("end", end))
             if isinstance(v, Tensor) and v.ndim]
    if wrong:
        raise RuntimeError(f"{name} only supports 0-dimensional start and end tensors, but got {' and '.join(wrong)}.")


@factory
def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    steps = steps_number(steps)
    if not all(isinstance(v, (int, float, Tensor)) for v in (start, end)) \
            or not _is_int(steps):
        raise invalid_combination("linspace", (start, end, steps),
                                  kwargs=set_keywords(dtype=dtype, device=device, requires_grad=requires_grad))
    check_0d_bounds("linspace", start, end)
    check_device(device)  # before the values are looked at, as torch
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if steps == 0:  # torch converts no bound for no step (a nan bound is fine for an integer dtype then)
        return _finish(Tensor._make(np.empty(0, d.np)), requires_grad, device)
    if d is dtypes.bool:  # torch's bool kernel is missing, but 0 or 1 steps never reach it
        if steps > 1:
            raise NotImplementedError('"linspace_cpu" not implemented for \'Bool\'')
        return _finish(Tensor._make(np.array([float(start)] * int(steps)).astype(bool)), requires_grad, device)
    # torch converts each bound it reads to the dtype first, and it must fit; one step reads only start,
    # which then is not checked for float16 (a large one becomes inf)
    first = start if steps == 1 and d is dtypes.float16 else checked_fill(start, d)
    last = checked_fill(end, d) if steps > 1 else first
    return _finish(Tensor._make(_linspace_values(first, last, int(steps), d)), requires_grad, device)


def _linspace_values(start: Any, end: Any, steps: int, d: dtypes.dtype) -> np.ndarray:
    """torch's linspace of bounds already converted to the dtype: the first half counts up from start and
    the second half down from end, in the dtype's own precision (in double for integer dtypes)."""
    if d in (dtypes.float32, dtypes.float64) and steps > 1:
        return linspace_values(float(start), float(end), steps, d.np)
    work = d.np.type if d.is_floating_point else np.float64
    with np.errstate(over="ignore"):  # a float16 start beyond its range becomes inf, as torch's
        first, last = work(float(start)), work(float(end))
    if steps == 1:
        return np.array([first], dtype=work).astype(d.np)
    i = np.arange(steps, dtype=work)
    with np.errstate(invalid="ignore", over="ignore"):
        step = (last - first) / work(steps - 1)
        values = np.where(i < steps // 2, first + step * i, last - step * (work(steps - 1) - i))
        return values.astype(d.np)


_SQUARE = object()  # eye(n)'s missing m, told apart from an explicit None (torch's TypeError)


@factory
def eye(n: int, m: Any = _SQUARE, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    n = int_arg("eye", "n", n, 1, symint=True)
    if m is not _SQUARE and not _is_int(m):
        raise invalid_combination("eye", (n, m))
    m = None if m is _SQUARE else m
    check_device(device)  # before the values are looked at, as torch
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _finish(Tensor._make(np.eye(n, m, dtype=d.np)), requires_grad, device)

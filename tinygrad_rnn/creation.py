"""Making tensors: `tensor`, `from_numpy`, `zeros`, `ones`, `full`, `arange`, `eye`, ... . dtypes follow torch: Python floats give the default float
(float32), ints int64, bools bool; numpy arrays keep their dtype."""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .core import dtypes
from .core.size import shape_arg
from .core.tensor import Tensor
from .device import check_device


def _finish(t: Tensor, requires_grad: bool, device: Any = None) -> Tensor:
    check_device(device)
    if requires_grad:
        if not t.dtype.is_floating_point:  # the factories' wording differs from requires_grad_()'s
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _check_ragged(data: Any, dim: int = 0) -> None:
    """torch's message for nested lists of unequal length."""
    if not isinstance(data, (list, tuple)) or not data:
        return
    first = data[0]
    if isinstance(first, (list, tuple)):
        for item in data:
            if not isinstance(item, (list, tuple)) or len(item) != len(first):
                got = len(item) if isinstance(item, (list, tuple)) else "a scalar"
                raise ValueError(f"expected sequence of length {len(first)} at dim {dim + 1} (got {got})")
        for item in data:
            _check_ragged(item, dim + 1)


def _infer_dtype(data: Any) -> dtypes.dtype:
    """The dtype torch.tensor gives Python data: numpy scalars and arrays and tensors keep theirs;
    otherwise any float -> default float, all bool -> bool, else int64."""
    flat = np.asarray(data, dtype=object).ravel() if isinstance(data, (list, tuple)) else [data]
    typed, kinds = [], set()
    for v in flat:
        if isinstance(v, Tensor):
            typed.append(v._data.dtype)
        elif isinstance(v, (np.ndarray, np.generic)):
            typed.append(v.dtype)
        else:
            kinds.add(bool if isinstance(v, bool) else float if isinstance(v, float) else int)
    if typed:
        d = dtypes.from_numpy_dtype(np.result_type(*typed))
        if float in kinds and not d.is_floating_point:
            return dtypes.get_default_dtype()
        return dtypes.int64 if d is dtypes.bool and int in kinds else d
    if float in kinds:
        return dtypes.get_default_dtype()
    if kinds == {bool}:
        return dtypes.bool
    return dtypes.int64


def _to_array(data: Any, d: dtypes.dtype | None) -> np.ndarray:
    if isinstance(data, Tensor):
        return data._data.astype(d.np if d else data._data.dtype, copy=True)
    if isinstance(data, np.ndarray):
        return data.astype(d.np if d else dtypes.from_numpy_dtype(data.dtype).np, copy=True)
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
        if data and any(isinstance(x, np.ndarray) for x in data):
            warnings.warn(
                "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting "
                "the list to a single numpy.ndarray with numpy.array() before converting to a tensor.",
                UserWarning,
                stacklevel=4,
            )
        data = [x._data if isinstance(x, Tensor) else x for x in data] if data and isinstance(data[0], Tensor) else data
    elif not isinstance(data, (int, float, bool, np.generic)):
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    d = d or _infer_dtype(data)
    return np.array(data, dtype=d.np)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    d = dtypes.as_dtype(dtype) if dtype is not None else None
    return _finish(Tensor._make(_to_array(data, d)), requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a Tensor or numpy array when the dtype already fits."""
    d = dtypes.as_dtype(dtype) if dtype is not None else None
    if isinstance(data, Tensor):
        return data if d is None or d is data.dtype else data.to(d)
    if isinstance(data, np.ndarray) and (d is None or d.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=d, device=device)


def from_numpy(ndarray: Any) -> Tensor:
    """A tensor sharing memory with `ndarray`."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _is_int(a: Any) -> bool:
    return isinstance(a, (int, np.integer)) and not isinstance(a, bool)


# ------------------------------------------------------------------ filled tensors
def _size(size: Sequence, kw: dict | None = None, name: str = "") -> tuple:
    """The shape from f(2, 3), f((2, 3)) or f(size=(2, 3)); f() is torch's TypeError."""
    if kw and "size" in kw:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kw.pop("size"),)
    if not size and name:
        if name in ("randn", "rand"):  # overloaded in torch, hence its longer message
            raise TypeError(f"{name}() received an invalid combination of arguments - got (), but expected one of:\n"
                            f" * (tuple of ints size, *, torch.Generator generator, {_RANDOM_KW})\n"
                            f" * (tuple of ints size, *, {_RANDOM_KW})\n")
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return shape_arg(size)


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
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    check_size(size, name)
    return _finish(Tensor._make(np.full(size, fill, d.np)), requires_grad, device)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _filled(0, _size(size, kw, "zeros"), dtype, requires_grad, device, "zeros")


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _filled(1, _size(size, kw, "ones"), dtype, requires_grad, device)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _filled(0, _size(size, kw, "empty"), dtype, requires_grad, device)


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled(fill_value, _size((size,)), dtype, requires_grad, device)


def _like(fill: Any, input: Tensor, dtype: Any, requires_grad: bool) -> Tensor:
    return _filled(fill, input.shape, dtype if dtype is not None else input.dtype, requires_grad, None)


def zeros_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _like(0, input, dtype, requires_grad)


def ones_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _like(1, input, dtype, requires_grad)


def empty_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _like(0, input, dtype, requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return _like(fill_value, input, dtype, requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """int64 when every bound is an int, otherwise the default float."""
    if end is None:
        start, end = 0, start
    bounds = [float(v) if isinstance(v, Tensor) and v.dtype.is_floating_point else v for v in (start, end, step)]
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        dtype = dtypes.int64 if all(_is_int(v) for v in bounds) else dtypes.get_default_dtype()
    d = dtypes.as_dtype(dtype)
    n = max(int(np.ceil((float(bounds[1]) - float(bounds[0])) / float(bounds[2]))), 0)
    data = (bounds[0] + np.arange(n) * bounds[2]).astype(d.np)
    return _finish(Tensor._make(data), requires_grad, device)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _finish(Tensor._make(np.linspace(start, end, steps).astype(d.np)), requires_grad, device)


def eye(n: int, m: Any = None, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _finish(Tensor._make(np.eye(n, m, dtype=d.np)), requires_grad, device)

"""The allowlist: every name a checkpoint's pickle may use, mapped to our own stand-in.

torch's weights-only loader allows a fixed set of GLOBALs (read in torch 2.13's
`torch/_weights_only_unpickler.py`, `_get_allowed_globals`). We allow the same names, but none of
them is imported: each maps to a small function or value of ours, which checks its arguments
before it builds anything. Names torch allows but we cannot represent (complex, sparse, quantized
tensors) map to `Unsupported`; every other name is refused with `forbidden_global_message`.
"""
from __future__ import annotations

import codecs
from collections import Counter, OrderedDict
from typing import Any

from ..core import dtypes
from ..core.size import Size
from ..core.tensor import Tensor
from ..device import device
from ..nn.parameter import Parameter
from .errors import MalformedFileError
from .storages import (
    STORAGE_TYPES,
    UNSUPPORTED_STORAGES,
    StorageType,
    rebuild_from_type_v2,
    rebuild_parameter,
    rebuild_parameter_with_state,
    rebuild_tensor,
    rebuild_tensor_v2,
)


def _bytes_from_text(text: Any, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """_codecs.encode, which protocol 2 uses for bytes; only text codecs, only on str."""
    if type(text) is not str or codecs.lookup(encoding).name not in ("latin-1", "iso8859-1", "utf-8", "ascii"):
        raise MalformedFileError(f"_codecs.encode is called with {type(text).__name__} and codec {encoding!r}")
    return codecs.encode(text, encoding, errors)


def _bytearray(data: Any = b"", *encoding: Any) -> bytearray:
    if encoding:
        return bytearray(_bytes_from_text(data, *encoding))
    if type(data) is not bytes:  # bytearray(10**12) would allocate a terabyte
        raise MalformedFileError(f"bytearray is called with {type(data).__name__}, not bytes")
    return bytearray(data)


def new_set(items: Any = ()) -> set:
    if type(items) not in (list, tuple):
        raise MalformedFileError(f"set is called with {type(items).__name__}, not a list")
    return set(items)


def _complex(real: Any = 0.0, imag: Any = 0.0) -> complex:
    if type(real) not in (int, float) or type(imag) not in (int, float):
        raise MalformedFileError("complex is called with something other than numbers")
    return complex(real, imag)


def _size(dims: Any = ()) -> Size:
    if type(dims) is not tuple or not all(type(d) is int for d in dims):
        raise MalformedFileError(f"torch.Size is called with {str(dims)[:80]}")
    return Size(dims)


def _device(kind: Any, index: Any = None) -> device:
    if type(kind) is not str or (index is not None and type(index) is not int):
        raise MalformedFileError(f"torch.device is called with {kind!r}, {index!r}")
    return device(kind, index)


def ordered_dict(*args: Any) -> OrderedDict:
    if args:
        raise MalformedFileError("OrderedDict is called with arguments")
    return OrderedDict()


def counter(*args: Any) -> Counter:
    if args:
        raise MalformedFileError("Counter is called with arguments")
    return Counter()


class Unsupported:
    """A name torch's weights-only loader allows but tinygrad_rnn cannot represent (complex, sparse...)."""

    def __init__(self, name: str) -> None:
        self.name = name


def _unsupported_names() -> list[str]:
    """Names torch's weights-only loader allows that tinygrad_rnn cannot represent."""
    kinds = ["Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte"]
    dtypes_numpy_lacks = ["bfloat16", "complex32", "complex64", "complex128", "uint16", "uint32", "uint64", "qint8",
                          "qint32", "quint8", "quint4x2", "quint2x4", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
                          "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bits8", "bits16", "bits1x8",
                          "bits2x4", "bits4x2"] + [f"{kind}{bits}" for kind in ("uint", "int") for bits in range(1, 8)]
    rebuilds = ["_rebuild_tensor_v3", "_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_meta_tensor_no_storage",
                "_rebuild_nested_tensor", "_rebuild_wrapper_subclass", "_rebuild_device_tensor_from_numpy",
                "_rebuild_device_tensor_from_cpu_tensor"]
    quantization = ["per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
                    "per_channel_affine_float_qparams"]
    return ([f"torch.{name}" for name in UNSUPPORTED_STORAGES]
            + [f"torch.{d}" for d in dtypes_numpy_lacks + quantization]
            + [f"torch._utils.{f}" for f in rebuilds]
            + ["torch.serialization._get_layout", "torch.storage.TypedStorage"]
            + [f"torch.{k}Tensor" for k in kinds + ["Bool"]]  # legacy tensor classes (rebuilt with BUILD)
            + [f"torch.cuda.{k}Storage" for k in kinds + ["Bool", "ComplexFloat", "ComplexDouble"]]
            + [f"torch.cuda.{k}Tensor" for k in kinds + ["Bool"]]
            + [f"torch.{where}.{k}Tensor" for where in ("sparse", "cuda.sparse") for k in kinds])


def _allowed_globals() -> dict[str, Any]:
    table: dict[str, Any] = {
        "collections.OrderedDict": ordered_dict,
        "collections.Counter": counter,
        "torch._utils._rebuild_tensor": rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": rebuild_tensor_v2,
        "torch._utils._rebuild_parameter": rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": rebuild_from_type_v2,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Tensor": Tensor,
        "torch.Size": _size,
        "torch.device": _device,
        "_codecs.encode": _bytes_from_text,
        "builtins.bytearray": _bytearray,
        "builtins.set": new_set,
        "builtins.complex": _complex,
    }
    table.update({f"torch.{d.name}": d for d in dtypes._ALL})
    table.update({f"torch.{name}": StorageType(name) for name in STORAGE_TYPES if name != "UntypedStorage"})
    table["torch.storage.UntypedStorage"] = StorageType("UntypedStorage")
    table.update({name: Unsupported(name) for name in _unsupported_names()})
    return table


ALLOWED = _allowed_globals()
CALLABLE = {id(v): v for v in ALLOWED.values() if callable(v) and not isinstance(v, (StorageType, dtypes.dtype))}
BLOCKED_MODULES = ("sys", "os", "posix", "nt")  # refused by name, whatever else happens


def forbidden_global_message(full_path: str, weights_only: bool | None) -> str:
    """torch's wording, plus why tinygrad_rnn will not load the file at all."""
    module = full_path.rpartition(".")[0]
    if module in BLOCKED_MODULES:
        text = f"Trying to load unsupported GLOBAL {full_path} whose module {module} is blocked."
    else:
        text = f"Unsupported global: GLOBAL {full_path} was not an allowed global by default."
    text += (" tinygrad_rnn.load only builds tensors, storages, dtypes, torch.Size, OrderedDict/dict/list/tuple/set, "
             "strings, bytes, numbers, bools and None, and never runs code from a file")
    if weights_only is False:
        text += " (weights_only=False does not change this: tinygrad_rnn never unpickles arbitrary objects)"
    return text + "."

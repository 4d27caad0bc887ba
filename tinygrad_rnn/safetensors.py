"""`safetensors` files on numpy alone, with the API of `safetensors.torch`.

    from tinygrad_rnn.safetensors import save_file, load_file      # instead of safetensors.torch
    save_file(model.state_dict(), "model.safetensors", metadata={"epoch": "3"})
    model.load_state_dict(load_file("model.safetensors"))

The format has no code in it at all, which is why it is popular for sharing weights:

    8 bytes        N, the header's length, a little-endian unsigned 64-bit integer
    N bytes        a UTF-8 JSON object, padded with spaces to a multiple of 8:
                   {"__metadata__": {"str": "str", ...},
                    "weight": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]}, ...}
    the rest       the tensors' raw little-endian bytes, back to back; offsets count from here

Reading checks the header's length, every dtype, shape and offset (offsets must tile the data with
no gap or overlap, and each must match its shape) before allocating anything. Like the package,
`save_file` refuses tensors that share memory and `save_model`/`load_model` handle models whose
weights are tied. bfloat16 tensors load as float32 (exactly); other dtypes numpy or tinygrad_rnn
lack raise NotImplementedError.
"""
from __future__ import annotations

import json
import os
import struct
import warnings
from typing import Any

import numpy as np

from .atomic_file import atomic_write
from .core import dtypes
from .core.tensor import Tensor
from .device import check_device
from .device import device as make_device
from .serialization.errors import MalformedFileError

__all__ = ["save", "save_file", "load", "load_file", "save_model", "load_model"]

MAX_HEADER_SIZE = 100_000_000  # the package's limit
_CODE = {dtypes.float64: "F64", dtypes.float32: "F32", dtypes.float16: "F16", dtypes.int64: "I64",
         dtypes.int32: "I32", dtypes.int16: "I16", dtypes.int8: "I8", dtypes.uint8: "U8", dtypes.bool: "BOOL"}
_FROM_CODE = {code: d for d, code in _CODE.items()}
_RANK = ["BOOL", "U8", "I8", "I16", "F16", "I32", "F32", "F64", "I64"]  # the package's dtype enum order
_OTHER_SIZES = {"BF16": 2, "U16": 2, "U32": 4, "U64": 8, "C64": 8, "F8_E4M3": 1, "F8_E5M2": 1,
                "F8_E4M3FNUZ": 1, "F8_E5M2FNUZ": 1, "F8_E8M0": 1, "F4": 1}
SHARED_HELP = "https://huggingface.co/docs/safetensors/torch_shared_tensors"


# ---------------------------------------------------------------- saving
def save(tensors: dict[str, Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """The bytes of a safetensors file holding `tensors` (contiguous, none sharing memory)."""
    header, arrays = _layout(tensors, metadata)
    return header + b"".join(a.tobytes() for a in arrays)


def save_file(tensors: dict[str, Tensor], filename: str | os.PathLike, metadata: dict[str, str] | None = None) -> None:
    """Write `tensors` to `filename` in safetensors format (atomically: an old file survives a failure)."""
    header, arrays = _layout(tensors, metadata)
    with atomic_write(filename) as fh:
        fh.write(header)
        for array in arrays:
            fh.write(array.reshape(-1).view(np.uint8).data)


def _layout(tensors: Any, metadata: Any) -> tuple[bytes, list[np.ndarray]]:
    """The padded header and the arrays in the package's file order: by dtype (its enum order, last
    first, which puts wider types first), then by name."""
    _check_for_save(tensors)
    if metadata is not None and (not isinstance(metadata, dict) or
                                 not all(type(k) is str and type(v) is str for k, v in metadata.items())):
        raise TypeError("argument 'metadata': expected a dict of str to str")
    order = sorted(tensors, key=lambda name: (-_RANK.index(_CODE[tensors[name].dtype]), name))
    entries: dict[str, Any] = {"__metadata__": metadata} if metadata else {}
    arrays, offset = [], 0
    for name in order:
        array = tensors[name].detach()._data
        little = array.astype(array.dtype.newbyteorder("<"), copy=False)
        entries[name] = {"dtype": _CODE[tensors[name].dtype], "shape": list(array.shape),
                         "data_offsets": [offset, offset + array.nbytes]}
        arrays.append(little)
        offset += array.nbytes
    text = json.dumps(entries, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, arrays


def _check_for_save(tensors: Any) -> None:
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, torch.Tensor] but received {type(tensors)}")
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise ValueError(f"Key `{name}` is invalid, expected torch.Tensor but received {type(t)}")
        if type(name) is not str:
            raise TypeError(f"safetensors names must be str, got {type(name).__name__}")
    failing = [group for group in _shared_groups(tensors) if len(group) > 1]
    if failing:
        raise RuntimeError(
            f"\n            Some tensors share memory, this will lead to duplicate memory on disk and potential differences "
            f"when loading them again: {failing}.\n            A potential way to correctly save your model is to use "
            f"`save_model`.\n            More information at {SHARED_HELP}\n            ")
    for name, t in tensors.items():
        if not t.is_contiguous():
            raise ValueError(
                f"You are trying to save a non contiguous tensor: `{name}` which is not allowed. It either means you "
                "are trying to save tensors which are reference of each other in which case it's recommended to save "
                "only the full tensors, and reslice at load time, or simply call `.contiguous()` on your tensor to "
                "pack it before saving.")


def _root(array: np.ndarray) -> np.ndarray:
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _byte_range(array: np.ndarray) -> tuple[int, int]:
    start = array.__array_interface__["data"][0]
    if not array.size:
        return start, start
    low = start + sum((n - 1) * s for n, s in zip(array.shape, array.strides) if s < 0)
    high = start + sum((n - 1) * s for n, s in zip(array.shape, array.strides) if s > 0) + array.itemsize
    return low, high


def _shared_groups(tensors: dict[str, Tensor]) -> list[set[str]]:
    """Names whose tensors overlap in memory, grouped (as the package groups them)."""
    by_root: dict[int, list[tuple[int, int, str]]] = {}
    for name, t in tensors.items():
        array = t.detach()._data
        if array.size:
            by_root.setdefault(id(_root(array)), []).append((*_byte_range(array), name))
    groups: list[set[str]] = []
    for areas in by_root.values():
        areas.sort()
        last_stop = None
        for start, stop, name in areas:
            if last_stop is not None and start < last_stop:
                groups[-1].add(name)
            else:
                groups.append({name})
            last_stop = stop if last_stop is None else max(last_stop, stop)
    return groups


# ---------------------------------------------------------------- loading
def load(data: bytes) -> dict[str, Tensor]:
    """The tensors in the bytes of a safetensors file."""
    view = memoryview(data)
    entries, start = _read_header(len(view), lambda a, b: bytes(view[a:b]), "the given bytes")
    return {name: _tensor(view[start + begin:start + end], dtype, shape) for name, dtype, shape, begin, end in entries}


def load_file(filename: str | os.PathLike, device: str | int = "cpu", *, backend: str = "mmap") -> dict[str, Tensor]:
    """The tensors in a safetensors file, in file order, each in memory of its own.

    `backend` is how the package reads the bytes ("mmap" or "pread"); the tensors are the same
    either way, and here each is read into memory of its own with ordinary reads.
    """
    _check_device(device)
    if backend not in ("mmap", "pread"):
        raise ValueError(f'backend "{backend}" is invalid (expected one of: "mmap", "pread")')
    where = repr(os.fspath(filename))
    with open(filename, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size

        def read(a: int, b: int) -> bytes:
            fh.seek(a)
            return fh.read(b - a)

        entries, start = _read_header(size, read, where)
        out = {}
        for name, dtype, shape, begin, end in entries:
            out[name] = _tensor(read(start + begin, start + end), dtype, shape)
        return out


def _check_device(device: Any) -> None:

    check_device(make_device(f"cuda:{device}" if type(device) is int else device))  # raises, as torch would, for non-CPU


def _read_header(size: int, read: Any, where: str) -> tuple[list[tuple[str, str, tuple, int, int]], int]:
    """[(name, dtype code, shape, begin, end)] in data order, and where the data starts."""
    def bad(why: str) -> MalformedFileError:
        return MalformedFileError(f"tinygrad_rnn.safetensors: {where} is not a readable safetensors file: {why}")

    if size < 8:
        raise bad("it is shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", read(0, 8))
    if n > MAX_HEADER_SIZE:
        raise bad(f"its header claims {n} bytes, more than the limit of {MAX_HEADER_SIZE}")
    if 8 + n > size:
        raise bad(f"its header claims {n} bytes but the file has {size - 8} after the length")
    text = read(8, 8 + n)
    try:
        header = json.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise bad(f"its header is not UTF-8 JSON ({type(e).__name__})") from None
    if not isinstance(header, dict):
        raise bad("its header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and (not isinstance(metadata, dict) or not all(type(v) is str for v in metadata.values())):
        raise bad("its __metadata__ is not a map of strings to strings")
    entries = [_entry(name, info, bad) for name, info in header.items()]
    entries.sort(key=lambda e: (e[3], e[4]))
    expected = 0
    for name, _, _, begin, end in entries:
        if begin != expected:
            raise bad(f"tensor {name!r} starts at byte {begin}, not {expected}: the offsets leave a gap or overlap")
        expected = end
    if expected != size - 8 - n:
        raise bad(f"the tensors cover {expected} bytes but the file holds {size - 8 - n} after the header")
    return entries, 8 + n


def _entry(name: str, info: Any, bad: Any) -> tuple[str, str, tuple, int, int]:
    if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
        raise bad(f"entry {name[:40]!r} is not {{dtype, shape, data_offsets}}")
    code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if code not in _FROM_CODE and code not in _OTHER_SIZES:
        raise bad(f"tensor {name!r} has unknown dtype {str(code)[:20]!r}")
    if (not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape)
            or not isinstance(offsets, list) or len(offsets) != 2 or not all(type(o) is int for o in offsets)):
        raise bad(f"tensor {name!r} has a malformed shape or data_offsets")
    begin, end = offsets
    itemsize = _FROM_CODE[code].itemsize if code in _FROM_CODE else _OTHER_SIZES[code]
    if not 0 <= begin <= end or int(np.prod(shape, dtype=object)) * itemsize != end - begin:
        raise bad(f"tensor {name!r} of shape {shape} and dtype {code} does not fit its offsets {offsets}")
    return name, code, tuple(shape), begin, end


def _tensor(raw: Any, code: str, shape: tuple) -> Tensor:
    if code == "BF16":
        warnings.warn("tinygrad_rnn.safetensors: a BF16 tensor was converted to float32 (numpy has no bfloat16; "
                      "the conversion is exact)", UserWarning, stacklevel=3)
        halves = np.frombuffer(raw, dtype="<u2")
        return Tensor._make((halves.astype(np.uint32) << 16).view(np.float32).reshape(shape))
    if code not in _FROM_CODE:
        raise NotImplementedError(f"tinygrad_rnn.safetensors: dtype {code} has no tinygrad_rnn equivalent")
    disk = _FROM_CODE[code].np.newbyteorder("<")
    return Tensor._make(np.frombuffer(raw, dtype=disk).astype(_FROM_CODE[code].np).reshape(shape))


# ---------------------------------------------------------------- models with tied weights
def _is_complete(t: Tensor) -> bool:
    """The tensor covers its whole memory block, so keeping it keeps the others' data."""
    array = t.detach()._data
    root = _root(array)
    return (array.__array_interface__["data"][0] == root.__array_interface__["data"][0]
            and array.nbytes == root.nbytes)


def _duplicate_names(state_dict: dict[str, Tensor], preferred: Any = ()) -> dict[str, list[str]]:
    """For each group of tensors sharing memory: the name kept, and the names dropped."""
    to_remove: dict[str, list[str]] = {}
    for group in _shared_groups(state_dict):
        if len(group) < 2:
            continue
        complete = {name for name in group if _is_complete(state_dict[name])}
        if not complete:
            raise RuntimeError(
                f"Error while trying to find names to remove to save state dict, but found no suitable name to keep "
                f"for saving amongst: {group}. None is covering the entire storage.Refusing to save/load the model "
                f"since you could be storing much more memory than needed. Please refer to {SHARED_HELP} for more "
                "information. Or open an issue.")
        keep = sorted(set(preferred) & complete or complete)[0]
        to_remove[keep] = [name for name in sorted(group) if name != keep]
    return to_remove


def save_model(model: Any, filename: str | os.PathLike, metadata: dict[str, str] | None = None,
               force_contiguous: bool = True) -> None:
    """Save `model.state_dict()`, keeping one name per group of tied weights (recorded in metadata)."""
    state_dict = dict(model.state_dict())
    for kept, dropped in _duplicate_names(state_dict).items():
        for name in dropped:
            metadata = {} if metadata is None else metadata
            metadata.setdefault(name, kept)
            del state_dict[name]
    if force_contiguous:
        state_dict = {k: v.contiguous() for k, v in state_dict.items()}
    try:
        save_file(state_dict, filename, metadata=metadata)
    except ValueError as e:
        raise ValueError(f"{e} Or use save_model(..., force_contiguous=True), read the docs for potential caveats.") \
            from None


def load_model(model: Any, filename: str | os.PathLike, strict: bool = True, device: str | int = "cpu", *,
               backend: str = "mmap") -> tuple[set[str], list[str]]:
    """Load a file written by `save_model` into `model`; returns (missing, unexpected) names."""
    state_dict = load_file(filename, device=device, backend=backend)
    to_remove = _duplicate_names(dict(model.state_dict()), preferred=state_dict.keys())
    missing_list, unexpected = model.load_state_dict(state_dict, strict=False)
    missing = set(missing_list)
    unexpected = list(unexpected)
    for dropped in to_remove.values():
        for name in dropped:
            if name in missing:
                missing.remove(name)
            else:
                unexpected.append(name)
    if strict and (missing or unexpected):
        error = f"Error(s) in loading state_dict for {model.__class__.__name__}:"
        if missing:
            error += "\n    Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in sorted(missing))
        if unexpected:
            error += "\n    Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in sorted(unexpected))
        raise RuntimeError(error)
    return missing, unexpected

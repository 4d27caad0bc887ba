"""tinygrad_rnn's first file format (before it wrote torch's): a numpy `.npz` archive. Still read.

`load` reads these files; `save` no longer writes them (`write_npz` stays for tests and for anyone
who wants a file with no pickle at all). The layout, a zip of `.npy` files:

- entry `__manifest__`: a uint8 array holding UTF-8 JSON,
  `{"format": "tinygrad_rnn", "version": 1, "root": NODE}`;
- entries `t0`, `t1`, ...: one array per distinct tensor or numpy array.

A NODE describes one Python value:

    {"type": "tensor", "array": "t0", "requires_grad": false, "parameter": false}
    {"type": "ndarray", "array": "t1"}             a numpy array
    {"type": "npscalar", "array": "t2"}            a numpy scalar (stored as a 0-d array)
    {"type": "dict" | "OrderedDict", "items": [[KEY_NODE, VALUE_NODE], ...]}   order kept
    {"type": "list" | "tuple" | "Size", "items": [NODE, ...]}
    {"type": "int" | "bool" | "str", "value": ...}
    {"type": "float", "value": "0.1"}              repr(), so nan/inf and every bit survive
    {"type": "bytes", "value": "<hex>"}
    {"type": "dtype", "value": "float32"}
    {"type": "None"}
    {"type": "ref", "array": "t0"}                 the same tensor object seen a second time

Dict keys are nodes too, so the integer keys of an optimizer's state dict stay integers. A tensor
that appears twice is stored once and loads as one object.

Reading never unpickles and reads only the entries the manifest refers to; each `.npy` header is
parsed first and its declared size checked against the entry before anything is allocated, and
the manifest may nest at most MAX_NESTING levels.
"""
from __future__ import annotations

import json
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.size import Size
from ..core.tensor import Tensor
from ..nn.parameter import Parameter
from .errors import MAX_NESTING, MalformedFileError
from .zip_members import ZIP_ERRORS, check_member, open_member

FORMAT, VERSION = "tinygrad_rnn", 1
MANIFEST = "__manifest__"


# ---------------------------------------------------------------- save
class _Writer:
    """Walks a value, building its manifest node and collecting the arrays to store."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.seen: dict[int, str] = {}  # id(tensor) -> array entry, so shared tensors stay shared
        self.keep_alive: list = []  # the ids above stay valid while we hold the objects

    def _store(self, array: np.ndarray) -> str:
        name = f"t{len(self.arrays)}"
        self.arrays[name] = array if array.flags.c_contiguous else array.copy(order="C")  # ascontiguousarray would make 0-d 1-d
        return name

    def node(self, obj: Any) -> dict:
        if isinstance(obj, Tensor):
            return self._tensor(obj)
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind in "OV":
                raise TypeError(f"tinygrad_rnn.save cannot store a numpy array of dtype {obj.dtype}")
            return {"type": "ndarray", "array": self._store(obj)}
        if isinstance(obj, np.generic):
            return {"type": "npscalar", "array": self._store(np.asarray(obj))}
        if obj is None:
            return {"type": "None"}
        if isinstance(obj, bool):  # before int: bool is a subclass of int
            return {"type": "bool", "value": obj}
        if isinstance(obj, int):
            return {"type": "int", "value": obj}
        if isinstance(obj, float):
            return {"type": "float", "value": repr(obj)}
        if isinstance(obj, str):
            return {"type": "str", "value": obj}
        if isinstance(obj, bytes):
            return {"type": "bytes", "value": obj.hex()}
        if isinstance(obj, dtypes.dtype):
            return {"type": "dtype", "value": obj.name}
        if isinstance(obj, dict):
            kind = "OrderedDict" if isinstance(obj, OrderedDict) else "dict"
            return {"type": kind, "items": [[self.node(k), self.node(v)] for k, v in obj.items()]}
        if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
            sequence = "Size" if isinstance(obj, Size) else type(obj).__name__ if type(obj) in (list, tuple) else None
            if sequence is not None:
                return {"type": sequence, "items": [self.node(v) for v in obj]}
        raise TypeError(
            f"tinygrad_rnn.save cannot store an object of type {type(obj).__name__}: it stores tensors, numpy "
            "arrays, numbers, strings, bytes, None, dtypes and dicts/lists/tuples of these, and never pickles. "
            "To save a model, save its state_dict()."
        )

    def _tensor(self, t: Tensor) -> dict:
        if id(t) in self.seen:
            return {"type": "ref", "array": self.seen[id(t)]}
        name = self._store(t._data)
        self.seen[id(t)] = name
        self.keep_alive.append(t)

        return {"type": "tensor", "array": name, "requires_grad": t.requires_grad,
                "parameter": isinstance(t, Parameter)}


def write_npz(obj: Any, stream: Any) -> None:
    """Write `obj` to the binary `stream` in this (old) format."""
    writer = _Writer()
    root = writer.node(obj)
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "root": root})
    entries = {MANIFEST: np.frombuffer(manifest.encode("utf-8"), dtype=np.uint8), **writer.arrays}
    np.savez(stream, **entries)  # type: ignore[arg-type]


# ---------------------------------------------------------------- load
MAX_MANIFEST_BYTES = 64 * 2**20


def is_npz(names: list[str]) -> bool:
    return f"{MANIFEST}.npy" in names


def read(zf: zipfile.ZipFile, total_size: int) -> Any:
    """The value stored in an open archive of this format (MalformedFileError if it is damaged)."""
    raw = _npy_bytes(zf, MANIFEST, total_size, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise MalformedFileError(f"the manifest is not valid UTF-8 JSON ({type(e).__name__})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "root" not in manifest:
        raise MalformedFileError(f"the manifest does not say format {FORMAT!r}")
    if manifest.get("version") != VERSION:
        raise MalformedFileError(f"its format version {str(manifest.get('version'))[:20]!r} is not the supported "
                                 f"{VERSION}")
    try:
        return _Reader(zf, total_size).value(manifest["root"], 0)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise MalformedFileError(f"the manifest is malformed ({type(e).__name__}: {e})") from None


def _npy_bytes(zf: zipfile.ZipFile, name: str, total_size: int, limit: int | None = None) -> np.ndarray:
    """The array in entry `name`.npy; its header's shape and dtype are checked against the entry's size
    before the array is allocated, and object arrays (which need pickle) are refused."""
    info = check_member(zf, f"{name}.npy", total_size)
    if limit is not None and info.file_size > limit:
        raise MalformedFileError(f"entry {name!r} is {info.file_size} bytes; at most {limit} are expected")
    with open_member(zf, info) as fh:
        try:
            version = np.lib.format.read_magic(fh.fh)
            shape, fortran, dtype = {(1, 0): np.lib.format.read_array_header_1_0,
                                     (2, 0): np.lib.format.read_array_header_2_0}[version](fh.fh)
            header_size = fh.fh.tell()
        except (KeyError, SyntaxError, TypeError, *ZIP_ERRORS) as e:
            raise MalformedFileError(f"entry {name!r} has no valid .npy header ({e})") from None
    if dtype.hasobject or dtype.kind == "V":
        raise MalformedFileError(f"entry {name!r} is an array of dtype {dtype}, which cannot be read without pickle")
    count = int(np.prod(shape, dtype=object))
    if count * dtype.itemsize != info.file_size - header_size:
        raise MalformedFileError(f"entry {name!r} declares shape {shape} of {dtype} ({count * dtype.itemsize} bytes) "
                                 f"but holds {info.file_size - header_size}")
    array = np.empty(count, dtype=dtype)
    with open_member(zf, info) as stream:
        skip = memoryview(bytearray(header_size))
        _fill(stream, skip)
        _fill(stream, array.view(np.uint8).data if count else memoryview(b""))
    array = array.reshape(shape[::-1]).T if fortran else array.reshape(shape)
    return array if array.dtype.isnative else array.astype(array.dtype.newbyteorder("="))


def _fill(stream: Any, view: memoryview) -> None:
    done = 0
    while done < len(view):
        got = stream.readinto(view[done:])
        if not got:
            raise MalformedFileError("an entry ends early: the file is truncated")
        done += got


class _Reader:
    """Rebuilds values from manifest nodes, reading each array the first time a node refers to it."""

    def __init__(self, zf: zipfile.ZipFile, total_size: int) -> None:
        self.zf, self.total_size = zf, total_size
        self.names = {n[:-4] for n in zf.namelist() if n.endswith(".npy")}
        self.tensors: dict[str, Tensor] = {}

    def _array(self, node: dict) -> np.ndarray:
        name = node.get("array")
        if name == MANIFEST or name not in self.names:
            raise MalformedFileError(f"the manifest refers to a missing array entry {str(name)[:40]!r}")
        return _npy_bytes(self.zf, name, self.total_size)

    def value(self, node: Any, depth: int) -> Any:
        if depth > MAX_NESTING:
            raise MalformedFileError(f"the manifest nests deeper than {MAX_NESTING} levels")
        if not isinstance(node, dict) or "type" not in node:
            raise MalformedFileError(f"a manifest node is not an object with a 'type': {str(node)[:80]}")
        kind = node["type"]
        if kind == "tensor":
            return self._tensor(node)
        if kind == "ref":
            if node.get("array") not in self.tensors:
                raise MalformedFileError(f"a reference to an unknown tensor {str(node.get('array'))[:40]!r}")
            return self.tensors[node["array"]]
        if kind == "ndarray":
            return self._array(node)
        if kind == "npscalar":
            return self._array(node)[()]
        if kind in ("dict", "OrderedDict"):
            pairs = [(self.value(k, depth + 1), self.value(v, depth + 1)) for k, v in node["items"]]
            return OrderedDict(pairs) if kind == "OrderedDict" else dict(pairs)
        if kind in ("list", "tuple", "Size"):
            items = [self.value(v, depth + 1) for v in node["items"]]
            return {"list": list, "tuple": tuple, "Size": Size}[kind](items)
        if kind == "None":
            return None
        if kind in ("int", "bool", "str"):
            value = node["value"]
            expected = {"int": int, "bool": bool, "str": str}[kind]
            if type(value) is not expected:
                raise MalformedFileError(f"a {kind} node holds {type(value).__name__}")
            return value
        if kind == "float":
            return float(node["value"])
        if kind == "bytes":
            return bytes.fromhex(node["value"])
        if kind == "dtype":
            return {d.name: d for d in dtypes._ALL}[node["value"]]
        raise MalformedFileError(f"unknown node type {str(kind)[:40]!r}")

    def _tensor(self, node: dict) -> Tensor:
        data = self._array(node)
        if data.dtype not in dtypes._BY_NUMPY:
            raise MalformedFileError(f"array {node['array']!r} has dtype {data.dtype}, which is not a tensor dtype")
        if node.get("parameter"):

            t: Tensor = Parameter(Tensor._make(data), bool(node.get("requires_grad")))
        else:
            t = Tensor._make(data)
            t._requires_grad = bool(node.get("requires_grad")) and data.dtype.kind == "f"
        self.tensors[node["array"]] = t
        return t

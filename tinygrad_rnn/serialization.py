"""`save` and `load`: state dicts to disk and back, in a format that never unpickles.

    torch.save(model.state_dict(), "model.npz")
    model.load_state_dict(torch.load("model.npz"))

torch pickles, so `torch.load` of an untrusted file can run code. We store data only:

**The file format** is a numpy `.npz` archive (a zip of `.npy` files), read back with
`np.load(..., allow_pickle=False)`:

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
that appears twice is stored once and loads as one object (as torch keeps shared tensors shared).
Anything else (a whole nn.Module, a function, a custom class) is refused with a TypeError: store
its `state_dict()` instead. Loading a pickle, a torch `.pt` file, a truncated or a foreign file
raises a RuntimeError that names the file and says what was expected.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from collections import OrderedDict
from typing import Any, BinaryIO

import numpy as np

from .core import dtypes
from .core.size import Size
from .core.tensor import Tensor

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
            kind = "Size" if isinstance(obj, Size) else type(obj).__name__ if type(obj) in (list, tuple) else None
            if kind is not None:
                return {"type": kind, "items": [self.node(v) for v in obj]}
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
        from .nn.parameter import Parameter

        return {"type": "tensor", "array": name, "requires_grad": t.requires_grad,
                "parameter": isinstance(t, Parameter)}


def save(obj: Any, f: str | os.PathLike | BinaryIO, pickle_module: Any = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True) -> None:
    """Write `obj` (a state dict, or any nest of tensors, numbers, strings, lists, tuples, dicts)
    to the path or binary file `f` in the documented `.npz` format (see the module docstring)."""
    writer = _Writer()
    root = writer.node(obj)
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "root": root})
    entries = {MANIFEST: np.frombuffer(manifest.encode("utf-8"), dtype=np.uint8), **writer.arrays}
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:  # open ourselves: np.savez would append ".npz" to a bare path
            np.savez(fh, **entries)
    else:
        np.savez(f, **entries)


# ---------------------------------------------------------------- load
class _Reader:
    """Rebuilds values from manifest nodes, taking the arrays from the archive."""

    def __init__(self, arrays: dict[str, np.ndarray], where: str) -> None:
        self.arrays, self.where = arrays, where
        self.tensors: dict[str, Tensor] = {}

    def _array(self, node: dict) -> np.ndarray:
        name = node.get("array")
        if name not in self.arrays:
            raise _corrupt(self.where, f"the manifest refers to a missing array entry {name!r}")
        return self.arrays[name]

    def value(self, node: Any) -> Any:
        if not isinstance(node, dict) or "type" not in node:
            raise _corrupt(self.where, f"a manifest node is not an object with a 'type': {str(node)[:80]}")
        kind = node["type"]
        if kind == "tensor":
            return self._tensor(node)
        if kind == "ref":
            if node.get("array") not in self.tensors:
                raise _corrupt(self.where, f"a reference to an unknown tensor {node.get('array')!r}")
            return self.tensors[node["array"]]
        if kind == "ndarray":
            return self._array(node)
        if kind == "npscalar":
            return self._array(node)[()]
        if kind in ("dict", "OrderedDict"):
            pairs = [(self.value(k), self.value(v)) for k, v in node["items"]]
            return OrderedDict(pairs) if kind == "OrderedDict" else dict(pairs)
        if kind in ("list", "tuple", "Size"):
            items = [self.value(v) for v in node["items"]]
            return {"list": list, "tuple": tuple, "Size": Size}[kind](items)
        if kind == "None":
            return None
        if kind in ("int", "bool", "str"):
            value = node["value"]
            expected = {"int": int, "bool": bool, "str": str}[kind]
            if type(value) is not expected:
                raise _corrupt(self.where, f"a {kind} node holds {type(value).__name__}")
            return value
        if kind == "float":
            return float(node["value"])
        if kind == "bytes":
            return bytes.fromhex(node["value"])
        if kind == "dtype":
            return dtypes.as_dtype(getattr(dtypes, node["value"]))
        raise _corrupt(self.where, f"unknown node type {kind!r}")

    def _tensor(self, node: dict) -> Tensor:
        data = self._array(node)
        if data.dtype not in dtypes._BY_NUMPY:
            raise _corrupt(self.where, f"array {node['array']!r} has dtype {data.dtype}, which is not a tensor dtype")
        if node.get("parameter"):
            from .nn.parameter import Parameter

            t: Tensor = Parameter(Tensor._make(data), bool(node.get("requires_grad")))
        else:
            t = Tensor._make(data)
            t._requires_grad = bool(node.get("requires_grad")) and data.dtype.kind == "f"
        self.tensors[node["array"]] = t
        return t


def _describe(f: Any) -> str:
    return repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else f"the file object {f!r}"


def _corrupt(where: str, why: str) -> RuntimeError:
    return RuntimeError(f"tinygrad_rnn.load: {where} is not a valid tinygrad_rnn.save file: {why}")


def _read_bytes(f: Any) -> bytes:
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return fh.read()
    return f.read()


def _kind_of_foreign(raw: bytes, names: list[str] | None) -> str:
    """A guess at what a non-tinygrad_rnn file is, for the error message."""
    if names is not None and any(n.endswith("data.pkl") for n in names):
        return "it looks like a torch.save file (a zip holding a pickle), which we never unpickle"
    if names is not None:
        return f"it is a zip/npz archive without a {MANIFEST!r} entry"
    if raw[:1] == b"\x80" or raw[:1] in (b"(", b"]", b"}"):
        return "it looks like a pickle (e.g. from pickle.dump or an old torch.save), which we never unpickle"
    if not raw:
        return "the file is empty"
    return "it is not a zip/npz archive (expected the bytes 'PK' at the start)"


def load(f: str | os.PathLike | BinaryIO, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Read back what `save` wrote. Never unpickles, so an untrusted file cannot run code.

    `map_location`, `weights_only` and `mmap` are accepted for torch compatibility (everything is
    on the CPU, and only data is ever loaded).
    """
    where = _describe(f)
    raw = _read_bytes(f)
    if not raw.startswith(b"PK"):
        raise _corrupt(where, _kind_of_foreign(raw, None))
    try:
        names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _corrupt(where, f"the zip archive is damaged or truncated ({e})") from None
    if f"{MANIFEST}.npy" not in names:
        raise _corrupt(where, _kind_of_foreign(raw, names))
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except Exception as e:  # a damaged member, or an object array that would need pickle
        raise _corrupt(where, f"an array entry cannot be read without pickle or is damaged ({e})") from None
    try:
        manifest = json.loads(arrays.pop(MANIFEST).tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise _corrupt(where, f"the manifest is not valid UTF-8 JSON ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "root" not in manifest:
        raise _corrupt(where, f"the manifest does not say format {FORMAT!r}")
    if manifest.get("version") != VERSION:
        raise _corrupt(where, f"format version {manifest.get('version')!r} is not the supported {VERSION}")
    try:
        return _Reader(arrays, where).value(manifest["root"])
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise _corrupt(where, f"the manifest is malformed ({type(e).__name__}: {e})") from None

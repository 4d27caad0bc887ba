"""Writes a checkpoint's pickle the way `torch.save` does, opcode by opcode, without importing torch.

torch's loader (`weights_only=True`) accepts a pickle only if every GLOBAL it names is on its
allowlist. Python's own `pickle.Pickler` would have to import `torch._utils` to name
`_rebuild_tensor_v2`, so we write the few protocol-2 opcodes a checkpoint needs ourselves:

    tensor     GLOBAL torch._utils._rebuild_tensor_v2, then the tuple
               (storage, storage_offset, size, stride, requires_grad, OrderedDict()), then REDUCE
    storage    a persistent id ('storage', GLOBAL torch.FloatStorage, key, 'cpu', numel): the
               bytes themselves live outside the pickle (the zip member data/<key>)
    Parameter  GLOBAL torch._utils._rebuild_parameter, (tensor, requires_grad, OrderedDict())
    Module     GLOBAL of its class, EMPTY_TUPLE, NEWOBJ, then its attributes' dict and BUILD
               (whole_modules.py: torch.save(model, f), which torch.load(weights_only=False) reads)
    Optimizer  the same, with its __getstate__ as the attributes (whole_optimizers.py); its state is a
               defaultdict: GLOBAL collections.defaultdict, its factory, REDUCE, then the items
    OrderedDict, dict, list, tuple, set, str, bytes, int, float, bool, None, torch.Size, dtypes
    numpy scalar  GLOBAL numpy._core.multiarray.scalar, its dtype and raw bytes (numpy_scalars.py)
    numpy array   GLOBAL numpy._core.multiarray._reconstruct, then BUILD with its shape, dtype and bytes

Tensors that view one numpy array share one storage (with their own offset and strides), and a
tensor object met twice is written once and referenced (memo), so both stay shared after loading.
"""
from __future__ import annotations

import struct
from collections import OrderedDict, defaultdict
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.size import Size
from ..core.tensor import Tensor
from ..device import device
from ..nn.module import Module
from ..nn.parameter import Parameter
from ..optim.optimizer import Optimizer
from . import whole_optimizers
from .errors import MAX_NESTING
from .numpy_scalars import is_numpy_array, is_numpy_scalar
from .torch_pickle import PARTS, Call, Global, NewObject, StoredArray
from .whole_modules import class_path, function_path, hook_object_path, state_of

PROTO, STOP, MARK, NONE, TRUE, FALSE = b"\x80", b".", b"(", b"N", b"\x88", b"\x89"
FRAME = b"\x95"
EMPTY_TUPLE, TUPLE, TUPLE1, TUPLE2, TUPLE3 = b")", b"t", b"\x85", b"\x86", b"\x87"
EMPTY_LIST, APPENDS, EMPTY_DICT, SETITEMS = b"]", b"e", b"}", b"u"
GLOBAL, REDUCE, BUILD, BINPERSID, NEWOBJ = b"c", b"R", b"b", b"Q", b"\x81"
BININT1, BININT2, BININT, LONG1, LONG4, BINFLOAT, BINUNICODE = b"K", b"M", b"J", b"\x8a", b"\x8b", b"G", b"X"
BINPUT, LONG_BINPUT, BINGET, LONG_BINGET = b"q", b"r", b"h", b"j"


def storage_name(dt: dtypes.dtype) -> str:
    """torch's legacy storage class for a dtype: float32 -> 'FloatStorage'."""
    return f"{dt._legacy}Storage"


class StorageTable:
    """The distinct arrays behind the tensors written so far, each under a key '0', '1', ..."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []  # index = key; each C-contiguous and native-endian
        self._key_of: dict[int, int] = {}  # id(root array) -> key
        self._keep_alive: list[Any] = []  # the ids above stay valid while we hold the objects

    def place(self, array: np.ndarray) -> tuple[int, int, tuple[int, ...]]:
        """(storage key, element offset, element strides) of `array` inside a stored storage."""
        root, offset = _root_of(array)
        if root is None:  # not a plain view of a contiguous array: store a packed copy of its own
            root, offset = array.astype(array.dtype.newbyteorder("="), order="C"), 0  # (astype copies)
            array = root
        if id(root) not in self._key_of:
            self._key_of[id(root)] = len(self.arrays)
            self.arrays.append(root.reshape(-1))  # a contiguous array reshapes without copying
            self._keep_alive.append(root)
        strides = tuple(s // array.itemsize for s in array.strides) if array.size else _packed_strides(array.shape)
        return self._key_of[id(root)], offset, strides


def _packed_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _root_of(array: np.ndarray) -> tuple[np.ndarray | None, int]:
    """The contiguous array `array` is a view of, and its element offset there; (None, 0) when
    `array` cannot be described as (offset, non-negative strides) inside such an array."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    item = array.itemsize
    if (root.dtype != array.dtype or not root.flags.c_contiguous or not array.dtype.isnative
            or any(s < 0 or s % item for s in array.strides)):
        return None, 0
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    extent = sum((n - 1) * s for n, s in zip(array.shape, array.strides)) + item if array.size else 0
    if start < 0 or start % item or start + extent > root.nbytes:
        return None, 0
    return root, start // item


class TorchPickler:
    """Turns one value into the bytes of a torch checkpoint's `data.pkl`.

    `legacy=True` writes the persistent ids of torch's pre-1.6 (non-zip) format, which carry one
    more field (a view description, always None).
    """

    def __init__(self, storages: StorageTable, protocol: int = 2, legacy: bool = False) -> None:
        self.storages, self.protocol, self.legacy = storages, protocol, legacy
        self.out: list[bytes] = []
        self._memo: dict[int, int] = {}  # id(tensor or module) -> memo slot: met twice, it loads as one object
        self._path: set[int] = set()  # ids of the containers being written, to catch cycles

    def dump(self, obj: Any) -> bytes:
        self.out = []
        self._save(obj, 0)
        self.out.append(STOP)
        body = b"".join(self.out)
        # From protocol 4 pickle frames what follows PROTO (one FRAME here), which torch's weights-only load refuses
        frame = FRAME + struct.pack("<Q", len(body)) if self.protocol >= 4 else b""
        return PROTO + bytes([self.protocol]) + frame + body

    # ------------------------------------------------------------ values
    def _save(self, obj: Any, depth: int) -> None:
        if depth > MAX_NESTING:
            raise ValueError(f"tinygrad_rnn.save: the object nests deeper than {MAX_NESTING} levels")
        if isinstance(obj, Tensor):
            self._tensor(obj)
        elif obj is None:
            self.out.append(NONE)
        elif isinstance(obj, bool):  # before int: bool is a subclass of int
            self.out.append(TRUE if obj else FALSE)
        elif type(obj) is int:
            self._int(obj)
        elif type(obj) is float:
            self.out += [BINFLOAT, struct.pack(">d", obj)]
        elif type(obj) is str:
            self._str(obj)
        elif type(obj) in (bytes, bytearray):
            self._bytes(obj)
        elif isinstance(obj, dtypes.dtype):
            self._global("torch", obj.name)
        elif isinstance(obj, device):
            self._global("torch", "device")
            self._save((str(obj),), depth + 1)
            self.out.append(REDUCE)
        elif type(obj) in (dict, OrderedDict, list, tuple, set, Size):
            self._container(obj, depth)
        elif isinstance(obj, Module):
            self._module(obj, depth)
        elif isinstance(obj, Optimizer):
            self._optimizer(obj, depth)
        elif type(obj) is defaultdict:
            self._defaultdict(obj, depth)
        elif function_path(obj) is not None:
            self._global(*function_path(obj))
        elif hook_object_path(obj) is not None:
            self._hook_object(obj, depth)
        elif hasattr(type(obj), "__torch_pickle__"):
            self._torch_pickled(obj, depth)
        elif isinstance(obj, PARTS):
            self._part(obj, depth)
        elif is_numpy_scalar(obj):
            self._numpy_scalar(obj)
        elif is_numpy_array(obj):
            self._numpy_array(obj)
        else:
            raise TypeError(
                f"tinygrad_rnn.save cannot store an object of type {type(obj).__name__}: it stores tensors, numbers, "
                "strings, bytes, None, dtypes, torch.Size, modules, optimizers, numeric and text numpy scalars and "
                "arrays and "
                "dicts/lists/tuples/sets of these."
            )

    def _container(self, obj: Any, depth: int) -> None:
        if id(obj) in self._path:
            raise ValueError(f"tinygrad_rnn.save: the {type(obj).__name__} contains itself (a cycle), which a "
                             "checkpoint cannot hold")
        self._path.add(id(obj))
        try:
            writers: dict[type, Any] = {dict: self._dict, OrderedDict: self._dict, list: self._list,
                                        tuple: self._tuple, set: self._set, Size: self._size}
            writers[type(obj)](obj, depth + 1)
        finally:
            self._path.discard(id(obj))

    def _int(self, n: int) -> None:
        if 0 <= n < 256:
            self.out += [BININT1, bytes([n])]
        elif 0 <= n < 65536:
            self.out += [BININT2, struct.pack("<H", n)]
        elif -(2**31) <= n < 2**31:
            self.out += [BININT, struct.pack("<i", n)]
        else:
            raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
            self.out += [LONG1, bytes([len(raw)])] if len(raw) < 256 else [LONG4, struct.pack("<I", len(raw))]
            self.out.append(raw)

    def _str(self, s: str) -> None:
        raw = s.encode("utf-8", "surrogatepass")
        self.out += [BINUNICODE, struct.pack("<I", len(raw)), raw]

    def _bytes(self, b: bytes | bytearray) -> None:
        # Protocol 2 has no bytes opcode: pickle writes _codecs.encode(text, 'latin1'), which torch allows.
        if type(b) is bytearray:
            self._global("builtins", "bytearray")
        self._global("_codecs", "encode")
        self._str(bytes(b).decode("latin1"))
        self._str("latin1")
        self.out += [TUPLE2, REDUCE]
        if type(b) is bytearray:
            self.out += [TUPLE1, REDUCE]

    def _numpy_scalar(self, value: np.generic) -> None:
        """As pickle writes it: scalar(dtype, raw bytes), the dtype rebuilt from its code and byte order
        (numpy's own __reduce__ gives both; see numpy_scalars.py)."""
        _, (dt, raw) = value.__reduce__()
        self._global("numpy._core.multiarray", "scalar")
        self._numpy_dtype(dt)
        self._bytes(raw)
        self.out += [TUPLE2, REDUCE]

    def _numpy_array(self, array: np.ndarray) -> None:
        """As pickle writes it: _reconstruct(ndarray, (0,), b'b'), then BUILD with (1, shape, dtype,
        is_fortran, raw bytes), all from numpy's own __reduce__."""
        _, (_, empty_shape, typecode), (version, shape, dt, fortran, raw) = array.__reduce__()
        self._global("numpy._core.multiarray", "_reconstruct")
        self._global("numpy", "ndarray")
        self._tuple(empty_shape, 0)
        self._bytes(typecode)
        self.out += [TUPLE3, REDUCE, MARK]
        self._int(version)
        self._tuple(shape, 0)
        self._numpy_dtype(dt)
        self.out.append(TRUE if fortran else FALSE)
        self._bytes(raw)
        self.out += [TUPLE, BUILD]

    def _numpy_dtype(self, dt: np.dtype) -> None:
        _, (code, align, copy), state = dt.__reduce__()
        self._global("numpy", "dtype")
        self._tuple((code, align, copy), 0)
        self.out.append(REDUCE)
        self._tuple(state, 0)
        self.out.append(BUILD)

    def _global(self, module: str, name: str) -> None:
        self.out += [GLOBAL, f"{module}\n{name}\n".encode("ascii")]

    def _tuple(self, items: tuple, depth: int) -> None:
        if not items:
            self.out.append(EMPTY_TUPLE)
            return
        if len(items) > 3:
            self.out.append(MARK)
        for item in items:
            self._save(item, depth)
        self.out.append({1: TUPLE1, 2: TUPLE2, 3: TUPLE3}.get(len(items), TUPLE))

    def _list(self, items: list, depth: int) -> None:
        self.out.append(EMPTY_LIST)
        if items:
            self.out.append(MARK)
            for item in items:
                self._save(item, depth)
            self.out.append(APPENDS)

    def _set(self, items: set, depth: int) -> None:
        self._global("builtins", "set")
        self._list(list(items), depth)
        self.out += [TUPLE1, REDUCE]

    def _size(self, size: Size, depth: int) -> None:
        self._global("torch", "Size")
        self._tuple((tuple(size),), depth)
        self.out.append(REDUCE)

    def _dict(self, d: dict, depth: int) -> None:
        ordered = type(d) is OrderedDict
        if ordered:
            self._empty_ordered_dict()
        else:
            self.out.append(EMPTY_DICT)
        if d:
            self.out.append(MARK)
            for key, value in d.items():
                self._save(key, depth)
                self._save(value, depth)
            self.out.append(SETITEMS)
        if ordered and vars(d):  # e.g. a module state_dict's `_metadata`, which torch restores with BUILD
            self._dict(dict(vars(d)), depth + 1)
            self.out.append(BUILD)

    def _empty_ordered_dict(self) -> None:
        self._global("collections", "OrderedDict")
        self.out += [EMPTY_TUPLE, REDUCE]

    def _module(self, m: Module, depth: int) -> None:
        """A whole module, as pickle writes an object: its class by name, an empty instance, and then
        its attributes (parameters, buffers, submodules, settings) set on it."""
        if self._get_memo(m):
            return
        state = state_of(m)  # first, as pickle asks for it: a class's __getstate__ may refuse (a parametrized module)
        self._global(*class_path(type(m)))
        self.out += [EMPTY_TUPLE, NEWOBJ]
        self._put_memo(m)  # before the attributes: a submodule may refer back to it
        self._save(state, depth + 1)
        self.out.append(BUILD)

    def _hook_object(self, obj: Any, depth: int) -> None:
        """A hook object of a module (the older weight_norm's WeightNorm), as pickle writes a plain object:
        its class by torch's name, an empty instance, and then its attributes set on it."""
        if self._get_memo(obj):
            return
        self._global(*hook_object_path(obj))
        self.out += [EMPTY_TUPLE, NEWOBJ]
        self._put_memo(obj)
        self._save(dict(vars(obj)), depth + 1)
        self.out.append(BUILD)

    def _torch_pickled(self, obj: Any, depth: int) -> None:
        """An object that spells its own pickle (torch_pickle.py), remembered so that it loads as one object."""
        if self._get_memo(obj):
            return
        how = obj.__torch_pickle__()
        if isinstance(how, NewObject):
            self._global(how.cls.module, how.cls.name)
            self.out += [EMPTY_TUPLE, NEWOBJ]
            self._put_memo(obj)  # (before its state, as pickle does)
            self._save(how.state, depth + 1)
            self.out.append(BUILD)
        else:
            self._part(how, depth)
            self._put_memo(obj)

    def _part(self, how: Any, depth: int) -> None:
        if isinstance(how, Global):
            self._global(how.module, how.name)
        elif isinstance(how, Call):
            self._global(how.func.module, how.func.name)
            self._save(how.args, depth + 1)
            self.out.append(REDUCE)
        elif isinstance(how, StoredArray):
            key, _, _ = self.storages.place(np.ascontiguousarray(how.array))
            self._persistent_id(key, how.dtype)
        else:
            raise TypeError(f"tinygrad_rnn.save: a bare {type(how).__name__} can only be written by the object it spells")

    def _optimizer(self, opt: Optimizer, depth: int) -> None:
        """A whole optimizer, as pickle writes it: its class by name, an empty instance, and then its
        `__getstate__` (defaults, state, param_groups) set on it (whole_optimizers.py)."""
        if self._get_memo(opt):
            return
        self._global(*whole_optimizers.class_path(type(opt)))
        self.out += [EMPTY_TUPLE, NEWOBJ]
        self._put_memo(opt)
        self._save(opt.__getstate__(), depth + 1)
        self.out.append(BUILD)

    def _defaultdict(self, d: defaultdict, depth: int) -> None:
        """defaultdict(factory) and then its items, as pickle writes it (protocol 2 names builtins `__builtin__`)."""
        factory = d.default_factory
        if factory is not None and not any(factory is f for f in whole_optimizers.FACTORIES):
            raise TypeError(f"tinygrad_rnn.save cannot store a defaultdict whose default_factory is {factory!r}")
        self._global("collections", "defaultdict")
        if factory is None:
            self.out.append(NONE)
        else:
            self._global("__builtin__", factory.__name__)
        self.out += [TUPLE1, REDUCE]
        if d:
            self.out.append(MARK)
            for key, value in d.items():
                self._save(key, depth + 1)
                self._save(value, depth + 1)
            self.out.append(SETITEMS)

    def _get_memo(self, obj: Any) -> bool:
        """Write a reference to `obj` if it was written before (it loads as the same object)."""
        if id(obj) not in self._memo:
            return False
        slot = self._memo[id(obj)]
        self.out += [BINGET, bytes([slot])] if slot < 256 else [LONG_BINGET, struct.pack("<I", slot)]
        return True

    def _put_memo(self, obj: Any) -> None:
        slot = self._memo[id(obj)] = len(self._memo)
        self.storages._keep_alive.append(obj)  # (its id stays unique while we write)
        self.out += [BINPUT, bytes([slot])] if slot < 256 else [LONG_BINPUT, struct.pack("<I", slot)]

    # ------------------------------------------------------------ tensors
    def _tensor(self, t: Tensor) -> None:
        if self._get_memo(t):
            return

        if isinstance(t, Parameter):
            self._global("torch._utils", "_rebuild_parameter")
            self.out.append(MARK)
            self._plain_tensor(t, requires_grad=False)
            self.out.append(TRUE if t.requires_grad else FALSE)
            self._empty_ordered_dict()
            self.out += [TUPLE, REDUCE]
        else:
            self._plain_tensor(t, requires_grad=t.requires_grad)
        self._put_memo(t)

    def _plain_tensor(self, t: Tensor, requires_grad: bool) -> None:
        array = t._data
        key, offset, strides = self.storages.place(array)
        self._global("torch._utils", "_rebuild_tensor_v2")
        self.out.append(MARK)
        self._persistent_id(key, t.dtype)
        self._int(offset)
        self._tuple(tuple(array.shape), 0)
        self._tuple(strides, 0)
        self.out.append(TRUE if requires_grad else FALSE)
        self._empty_ordered_dict()
        self.out += [TUPLE, REDUCE]

    def _persistent_id(self, key: int, dt: dtypes.dtype) -> None:
        self.out.append(MARK)
        self._str("storage")
        self._global("torch", storage_name(dt))
        self._str(str(key))
        self._str("cpu")
        self._int(self.storages.arrays[key].size)
        if self.legacy:
            self.out.append(NONE)  # no view of a bigger storage
        self.out += [TUPLE, BINPERSID]

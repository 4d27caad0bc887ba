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

Tensors that view one numpy array share one storage (with their own offset and strides).

Memo, as Python's `pickle.Pickler` (protocol 2, the C one torch uses) keeps it, so that the bytes are
torch's: every string, non-empty tuple, list, dict, global and REDUCE result gets the next memo slot
(BINPUT) as it is written, and an object met again is written as a reference to its slot (BINGET).
"Met again" means the same Python object, by id: the same tensor, the same interned key string, the same
class or dtype (a global, here by its name). What torch builds afresh for each tensor (the argument
tuples, the storage's persistent id, the empty hooks OrderedDict) takes a slot but is never met again;
what torch reuses ('storage', 'cpu', a storage's key, the storage class) is met again.
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
from .torch_pickle import PARTS, Call, Global, NewObject, StoredArray, fresh
from .whole_modules import class_path, function_path, hook_object_path, state_of

PROTO, STOP, MARK, NONE, TRUE, FALSE = b"\x80", b".", b"(", b"N", b"\x88", b"\x89"
FRAME = b"\x95"
EMPTY_TUPLE, TUPLE, TUPLE1, TUPLE2, TUPLE3 = b")", b"t", b"\x85", b"\x86", b"\x87"
EMPTY_LIST, APPENDS, EMPTY_DICT, SETITEMS = b"]", b"e", b"}", b"u"
GLOBAL, REDUCE, BUILD, BINPERSID, NEWOBJ = b"c", b"R", b"b", b"Q", b"\x81"
BININT1, BININT2, BININT, LONG1, LONG4, BINFLOAT, BINUNICODE = b"K", b"M", b"J", b"\x8a", b"\x8b", b"G", b"X"
BINPUT, LONG_BINPUT, BINGET, LONG_BINGET, APPEND, SETITEM = b"q", b"r", b"h", b"j", b"a", b"s"
POP, POP_MARK, SHORT_BINBYTES, BINBYTES = b"0", b"1", b"C", b"B"
BATCH = 1000  # pickle writes a container's items in MARK ... APPENDS/SETITEMS batches of this many
# torch's persistent id names these same (interned) string objects for every storage, so they are met again
STORAGE, CPU, LATIN1 = "storage", "cpu", "latin1"


def storage_name(dt: dtypes.dtype) -> str:
    """torch's legacy storage class for a dtype: float32 -> 'FloatStorage'."""
    return f"{dt._legacy}Storage"


class StorageTable:
    """The distinct arrays behind the tensors written so far, each under a key '0', '1', ...

    torch's legacy format names a storage by its C++ address instead, a 14-digit number on 64-bit Linux;
    `name_base` gives names that long ('94000000000000', '94000000000016', ...), so the files are torch's size.
    """

    def __init__(self, name_base: int = 0) -> None:
        self.name_base = name_base
        self.arrays: list[np.ndarray] = []  # index = key; each C-contiguous and native-endian
        self.names: list[str] = []  # str(key): one string object per storage, as torch's id_map holds
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
            self.names.append(str(self.name_base + 16 * len(self.names) if self.name_base else len(self.names)))
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
        self._memo: dict[Any, int] = {}  # id(object), or (module, name) of a global -> its memo slot
        self._slots = 0  # memo slots given so far, to objects met again or not
        self._alive: list[Any] = []  # the objects whose ids are in the memo stay alive while we write

    def dump(self, obj: Any) -> bytes:
        self.out = []
        self._save(obj, 0)
        self.out.append(STOP)
        body = b"".join(self.out)
        # From protocol 4 pickle frames what follows PROTO (one FRAME here), which torch's weights-only load refuses
        frame = FRAME + struct.pack("<Q", len(body)) if self.protocol >= 4 else b""
        return PROTO + bytes([self.protocol]) + frame + body

    # ------------------------------------------------------------ memo
    def _put(self, obj: Any = None) -> None:
        """BINPUT: the object just written takes the next memo slot (pickle's `memoize`). Without `obj`
        it is one torch builds afresh for this write only, which nothing can meet again."""
        slot, self._slots = self._slots, self._slots + 1
        if obj is not None:
            self._memo[id(obj)] = slot
            self._alive.append(obj)
        self.out += [BINPUT, bytes([slot])] if slot < 256 else [LONG_BINPUT, struct.pack("<I", slot)]

    def _get(self, key: Any) -> bool:
        """BINGET of `key`'s slot if it was written before (it loads as the same object); False if not."""
        slot = self._memo.get(key)
        if slot is None:
            return False
        self.out += [BINGET, bytes([slot])] if slot < 256 else [LONG_BINGET, struct.pack("<I", slot)]
        return True

    # ------------------------------------------------------------ values
    def _save(self, obj: Any, depth: int) -> None:
        if depth > MAX_NESTING:
            raise ValueError(f"tinygrad_rnn.save: the object nests deeper than {MAX_NESTING} levels")
        if obj is None:
            self.out.append(NONE)
        elif isinstance(obj, bool):  # before int: bool is a subclass of int
            self.out.append(TRUE if obj else FALSE)
        elif type(obj) is int:
            self._int(obj)
        elif type(obj) is float:
            self.out += [BINFLOAT, struct.pack(">d", obj)]
        elif not self._get(id(obj)):  # (numbers, None and bools are never remembered)
            self._save_new(obj, depth)

    def _save_new(self, obj: Any, depth: int) -> None:
        """An object not written before, remembered as pickle remembers it."""
        if isinstance(obj, Tensor):
            self._tensor(obj)
        elif type(obj) is str:
            self._str(obj)
        elif type(obj) in (bytes, bytearray):
            self._bytes(obj)
        elif isinstance(obj, dtypes.dtype):
            self._global("torch", obj.name)
        elif isinstance(obj, device):
            self._global("torch", "device")
            self._tuple((fresh(str(obj)),), depth + 1)  # (torch makes the name in C++: a new string)
            self.out.append(REDUCE)
            self._put(obj)
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
        elif isinstance(obj, np.dtype):
            self._numpy_dtype(obj)
        elif obj is np.ndarray:
            self._global("numpy", "ndarray")
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
        """A container; one that contains itself is written as pickle writes it: a list or dict is
        remembered before its items, so the inner occurrence is a reference to it."""
        writers: dict[type, Any] = {dict: self._dict, OrderedDict: self._ordered_dict, list: self._list,
                                    tuple: self._user_tuple, set: self._set, Size: self._size}
        writers[type(obj)](obj, depth + 1)

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
        self._put(s)

    def _bytes(self, b: bytes | bytearray) -> None:
        """Protocol 2 has no bytes opcode: pickle writes bytes(), or _codecs.encode(text, 'latin1'), which
        torch allows; protocol 3 writes SHORT_BINBYTES/BINBYTES. A bytearray is bytearray(those bytes), or
        bytearray() when empty."""
        if type(b) is bytearray:
            self._global("builtins", "bytearray")
            self._tuple((bytes(b),) if b else (), 0)
            self.out.append(REDUCE)
        elif self.protocol >= 3:
            self.out += [SHORT_BINBYTES, bytes([len(b)])] if len(b) < 256 else [BINBYTES, struct.pack("<I", len(b))]
            self.out.append(bytes(b))
        elif not b:
            self._global("builtins", "bytes")
            self.out += [EMPTY_TUPLE, REDUCE]
        else:
            self._global("_codecs", "encode")
            self._tuple((b.decode("latin1"), LATIN1), 0)
            self.out.append(REDUCE)
        self._put(b)

    def _numpy_scalar(self, value: np.generic) -> None:
        """As pickle writes it: scalar(dtype, raw bytes), the dtype rebuilt from its code and byte order
        (numpy's own __reduce__ gives both; see numpy_scalars.py)."""
        _, args = value.__reduce__()
        self._global("numpy._core.multiarray", "scalar")
        self._tuple(args, 0)
        self.out.append(REDUCE)
        self._put(value)

    def _numpy_array(self, array: np.ndarray) -> None:
        """As pickle writes it: _reconstruct(ndarray, (0,), b'b'), then BUILD with (1, shape, dtype,
        is_fortran, raw bytes), all from numpy's own __reduce__."""
        _, args, state = array.__reduce__()
        self._global("numpy._core.multiarray", "_reconstruct")
        self._tuple(args, 0)
        self.out.append(REDUCE)
        self._put(array)
        self._tuple(state, 0)
        self.out.append(BUILD)

    def _numpy_dtype(self, dt: np.dtype) -> None:
        _, args, state = dt.__reduce__()
        self._global("numpy", "dtype")
        self._tuple(args, 0)
        self.out.append(REDUCE)
        self._put(dt)
        self._tuple(state, 0)
        self.out.append(BUILD)

    def _global(self, module: str, name: str) -> None:
        """GLOBAL module.name, or a reference to it when written before (pickle remembers the object it
        names; one name, one object). Protocol 2 names Python 3's `builtins` `__builtin__`, as pickle does."""
        if module == "builtins" and self.protocol < 3:
            module = "__builtin__"
        if not self._get((module, name)):
            self.out += [GLOBAL, f"{module}\n{name}\n".encode("ascii")]
            self._memo[(module, name)] = self._slots
            self._put()

    def _tuple(self, items: tuple, depth: int, obj: Any = None) -> None:
        """A tuple torch builds for this write (`obj` None) or the tuple `obj` of the saved value."""
        if not items:
            self.out.append(EMPTY_TUPLE)  # (the one empty tuple: never remembered)
            return
        if len(items) > 3:
            self.out.append(MARK)
        for item in items:
            self._save(item, depth)
        if obj is not None and id(obj) in self._memo:  # it contains itself (through a list): already written
            self.out.append(POP * len(items) if len(items) <= 3 else POP_MARK)
            self._get(id(obj))
            return
        self.out.append({1: TUPLE1, 2: TUPLE2, 3: TUPLE3}.get(len(items), TUPLE))
        self._put(obj)

    def _user_tuple(self, items: tuple, depth: int) -> None:
        self._tuple(items, depth, obj=items)

    def _list(self, items: list, depth: int) -> None:
        """A list, its items in batches as pickle's C writer batches an exact list (one item: APPEND)."""
        self.out.append(EMPTY_LIST)
        self._put(items)
        if len(items) == 1:
            self._save(items[0], depth)
            self.out.append(APPEND)
            return
        for first in range(0, len(items), BATCH):
            self.out.append(MARK)
            for item in items[first:first + BATCH]:
                self._save(item, depth)
            self.out.append(APPENDS)

    def _set(self, items: set, depth: int) -> None:
        self._global("builtins", "set")
        self._list(list(items), depth)  # set's __reduce__: set(a new list of its items)
        self.out.append(TUPLE1)
        self._put()
        self.out.append(REDUCE)
        self._put(items)

    def _size(self, size: Size, depth: int) -> None:
        self._global("torch", "Size")
        self._tuple((tuple(size),), depth)
        self.out.append(REDUCE)
        self._put(size)

    def _dict(self, d: dict, depth: int) -> None:
        """An exact dict as pickle's C writer writes it: one item with SETITEM, otherwise MARK ... SETITEMS
        batches of 1000 until one is short (so 1000 items end with an empty batch)."""
        self.out.append(EMPTY_DICT)
        self._put(d)
        items = list(d.items())
        if len(items) == 1:
            self._save(items[0][0], depth)
            self._save(items[0][1], depth)
            self.out.append(SETITEM)
            return
        for first in range(0, len(items) + 1, BATCH) if items else ():
            self.out.append(MARK)
            for key, value in items[first:first + BATCH]:
                self._save(key, depth)
                self._save(value, depth)
            self.out.append(SETITEMS)

    def _ordered_dict(self, d: OrderedDict, depth: int) -> None:
        """OrderedDict(), then its items from its __reduce__ iterator, then its attributes (a module
        state_dict's `_metadata`), which torch restores with BUILD."""
        self._global("collections", "OrderedDict")
        self.out += [EMPTY_TUPLE, REDUCE]
        self._put(d)
        self._setitem_batches(iter(d.items()), depth)
        if vars(d):
            self._save(vars(d), depth + 1)
            self.out.append(BUILD)

    def _setitem_batches(self, items: Any, depth: int) -> None:
        """(key, value) pairs from a __reduce__ iterator, as pickle batches them: MARK ... SETITEMS by
        1000, a lone pair with SETITEM (unlike an exact dict's, see _dict)."""
        while True:
            batch = [item for _, item in zip(range(BATCH), items)]
            if len(batch) > 1:
                self.out.append(MARK)
            for key, value in batch:
                self._save(key, depth)
                self._save(value, depth)
            if batch:
                self.out.append(SETITEMS if len(batch) > 1 else SETITEM)
            if len(batch) < BATCH:
                return

    def _module(self, m: Module, depth: int) -> None:
        """A whole module, as pickle writes an object: its class by name, an empty instance, and then
        its attributes (parameters, buffers, submodules, settings) set on it."""
        state = state_of(m)  # first, as pickle asks for it: a class's __getstate__ may refuse (a parametrized module)
        self._global(*class_path(type(m)))
        self.out += [EMPTY_TUPLE, NEWOBJ]
        self._put(m)  # before the attributes: a submodule may refer back to it
        self._save(state, depth + 1)
        self.out.append(BUILD)

    def _hook_object(self, obj: Any, depth: int) -> None:
        """A hook object of a module (the older weight_norm's WeightNorm), as pickle writes a plain object:
        its class by torch's name, an empty instance, and then its attributes set on it."""
        self._global(*hook_object_path(obj))
        self.out += [EMPTY_TUPLE, NEWOBJ]
        self._put(obj)
        self._save(dict(vars(obj)), depth + 1)
        self.out.append(BUILD)

    def _torch_pickled(self, obj: Any, depth: int) -> None:
        """An object that spells its own pickle (torch_pickle.py), remembered so that it loads as one object."""
        how = obj.__torch_pickle__()
        if isinstance(how, NewObject):
            self._global(how.cls.module, how.cls.name)
            self.out += [EMPTY_TUPLE, NEWOBJ]
            self._put(obj)  # (before its state, as pickle does)
            self._save(how.state, depth + 1)
            self.out.append(BUILD)
        elif isinstance(how, Global):
            self._global(how.module, how.name)
        else:
            self._part(how, depth, obj)

    def _part(self, how: Any, depth: int, obj: Any = None) -> None:
        if isinstance(how, Global):
            self._global(how.module, how.name)
        elif isinstance(how, Call):
            self._global(how.func.module, how.func.name)
            self._tuple(how.args, depth + 1)
            self.out.append(REDUCE)
            self._put(obj)
        elif isinstance(how, StoredArray):
            key, _, _ = self.storages.place(np.ascontiguousarray(how.array))
            self._persistent_id(key, how.dtype)
        else:
            raise TypeError(f"tinygrad_rnn.save: a bare {type(how).__name__} can only be written by the object it spells")

    def _optimizer(self, opt: Optimizer, depth: int) -> None:
        """A whole optimizer, as pickle writes it: its class by name, an empty instance, and then its
        `__getstate__` (defaults, state, param_groups) set on it (whole_optimizers.py)."""
        self._global(*whole_optimizers.class_path(type(opt)))
        self.out += [EMPTY_TUPLE, NEWOBJ]
        self._put(opt)
        self._save(opt.__getstate__(), depth + 1)
        self.out.append(BUILD)

    def _defaultdict(self, d: defaultdict, depth: int) -> None:
        """defaultdict(factory) and then its items, as pickle writes it (protocol 2 names builtins `__builtin__`)."""
        factory = d.default_factory
        if factory is not None and not any(factory is f for f in whole_optimizers.FACTORIES):
            raise TypeError(f"tinygrad_rnn.save cannot store a defaultdict whose default_factory is {factory!r}")
        self._global("collections", "defaultdict")
        if factory is None:
            self.out.append(EMPTY_TUPLE)  # defaultdict() when it has no factory
        else:
            self._global("builtins", factory.__name__)
            self.out.append(TUPLE1)
            self._put()
        self.out.append(REDUCE)
        self._put(d)
        self._setitem_batches(iter(d.items()), depth + 1)

    # ------------------------------------------------------------ tensors
    def _tensor(self, t: Tensor) -> None:
        """_rebuild_tensor_v2(...), or for a Parameter _rebuild_parameter(its data, requires_grad, hooks)."""
        if isinstance(t, Parameter):
            self._global("torch._utils", "_rebuild_parameter")
            self._plain_tensor(t, requires_grad=False)  # its .data: a new tensor object, never met again
            self._put()
            self.out.append(TRUE if t.requires_grad else FALSE)
            self._empty_ordered_dict()
            self.out.append(TUPLE3)
            self._put()
            self.out.append(REDUCE)
        else:
            self._plain_tensor(t, requires_grad=t.requires_grad)
        self._put(t)

    def _plain_tensor(self, t: Tensor, requires_grad: bool) -> None:
        """Everything of _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks) but the
        memo slot of the result, which the caller gives."""
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
        self.out.append(TUPLE)
        self._put()
        self.out.append(REDUCE)

    def _empty_ordered_dict(self) -> None:
        """The empty OrderedDict of backward hooks torch makes for each tensor."""
        self._global("collections", "OrderedDict")
        self.out += [EMPTY_TUPLE, REDUCE]
        self._put()

    def _persistent_id(self, key: int, dt: dtypes.dtype) -> None:
        """('storage', storage class, key, 'cpu', numel), a new tuple each time, of objects met again."""
        self.out.append(MARK)
        self._save(STORAGE, 0)
        self._global("torch", storage_name(dt))
        name = self.storages.names[key]
        self._save(fresh(name) if self.legacy else name, 0)  # the legacy writer makes str(address) each time
        self._save(CPU, 0)
        self._int(self.storages.arrays[key].size)
        if self.legacy:
            self.out.append(NONE)  # no view of a bigger storage
        self.out.append(TUPLE)
        self._put()
        self.out.append(BINPERSID)

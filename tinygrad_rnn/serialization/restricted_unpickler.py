"""An unpickler that can build checkpoint data and nothing else, modelled on torch's `weights_only=True`.

Python's `pickle.load` runs whatever a file tells it to: a GLOBAL opcode imports any function
(`os.system`) and REDUCE calls it. That is why `torch.load` of an untrusted file is dangerous.

This unpickler reads the opcodes itself and never imports anything. A GLOBAL is looked up in
`ALLOWED` (allowlist.py), a table of *our own* stand-ins for the names torch's weights-only loader allows
(`torch._utils._rebuild_tensor_v2` -> a function that makes a numpy view; `torch.FloatStorage` ->
an element type; `collections.OrderedDict` -> OrderedDict). Any other name raises
`pickle.UnpicklingError` before anything runs; REDUCE and NEWOBJ call only values from the table;
BUILD sets attributes only on an OrderedDict (a state_dict's `_metadata`); APPEND only on lists,
SETITEM only on dicts. The one widening: with `weights_only=False`, a file may name a Module
subclass that is already loaded, and NEWOBJ and BUILD make an empty one and set its attributes
(a whole saved model; see whole_modules.py) or an Optimizer subclass (whole_optimizers.py), and it may hold
numeric numpy scalars and arrays (numpy_scalars.py).

Limits checked as it reads: containers nest at most `MAX_NESTING` deep, strings and bytes cannot be
longer than the data left, and storages are sized and checked by the caller's `persistent_load`.
"""
from __future__ import annotations

import _compat_pickle
import pickle
import struct
import warnings
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..nn.module import Module
from ..nn.parameter import Parameter
from ..optim.optimizer import Optimizer
from .allowlist import (
    ALLOWED,
    BLOCKED_MODULES,
    CALLABLE,
    Unsupported,
    counter,
    forbidden_global_message,
    new_set,
    ordered_dict,
)
from .errors import MAX_NESTING, MalformedFileError
from .numpy_scalars import NUMPY_GLOBALS, build_array, build_dtype
from .storages import rebuild_parameter
from .whole_modules import hook_object_global, is_hook_class, module_global, restore, weights_only_message
from .whole_optimizers import GLOBALS as WHOLE_OPTIMIZER_GLOBALS
from .whole_optimizers import new_defaultdict, optimizer_global


def _opcodes() -> dict[int, str]:
    names = {}
    for op in ("PROTO", "FRAME", "STOP", "GLOBAL", "STACK_GLOBAL", "REDUCE", "NEWOBJ", "BUILD", "APPEND", "APPENDS",
               "SETITEM", "SETITEMS", "ADDITEMS", "MARK", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "NONE", "NEWFALSE",
               "NEWTRUE", "EMPTY_TUPLE", "EMPTY_LIST", "EMPTY_DICT", "EMPTY_SET", "BININT", "BININT1", "BININT2",
               "LONG1", "LONG4", "BINFLOAT", "BINUNICODE", "SHORT_BINUNICODE", "BINSTRING", "SHORT_BINSTRING",
               "BINBYTES", "SHORT_BINBYTES", "BINPERSID", "BINGET", "LONG_BINGET", "BINPUT", "LONG_BINPUT",
               "MEMOIZE"):
        names[getattr(pickle, op)[0]] = op.lower()
    return names


OPCODES = _opcodes()

# The opcodes torch's weights-only unpickler reads (torch/_weights_only_unpickler.py, protocol 2's). Unless
# weights_only=False, torch.load fails at any other, as protocol 4's FRAME, which starts every such file.
WEIGHTS_ONLY_OPCODES = frozenset({
    "proto", "stop", "global", "newobj", "reduce", "build", "append", "appends", "setitem", "setitems", "mark",
    "tuple", "tuple1", "tuple2", "tuple3", "none", "newfalse", "newtrue", "empty_tuple", "empty_list", "empty_dict",
    "empty_set", "binint", "binint1", "binint2", "binfloat", "binunicode", "short_binstring", "binpersid", "binget",
    "long_binget", "binput", "long_binput", "long1"})


def unsupported_operand_message(code: int) -> str:
    """torch's error for an opcode its weights-only unpickler does not read."""
    return ("Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` argument "
            "in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
            "likely succeed, but it can result in arbitrary code execution. Do it only if you got the file from a "
            "trusted source.\nPlease file an issue with the following so that we can make `weights_only=True` "
            f"compatible with your use case: WeightsUnpickler error: \n\nUnsupported operand {code}\n\nCheck the "
            "documentation of torch.load to learn more about types accepted by default with weights_only "
            "https://pytorch.org/docs/stable/generated/torch.load.html.")


class RestrictedUnpickler:
    """Reads one pickle from `data` (bytes). `persistent_load(pid)` turns a storage id into a Storage."""

    def __init__(self, data: bytes | memoryview, persistent_load: Callable[[tuple], Any], *, where: str,
                 weights_only: bool | None = None, encoding: str = "utf-8", errors: str = "strict") -> None:
        self.data, self.pos = memoryview(data), 0
        self.persistent_load, self.where, self.weights_only = persistent_load, where, weights_only
        self.encoding, self.errors = encoding, errors
        self.memo: dict[int, Any] = {}
        self.stack: list[Any] = []
        self.metastack: list[list[Any]] = []
        self.depth: dict[int, int] = {}  # id(container) -> how deep it nests
        self.alive: list[Any] = []  # keeps the containers in `depth` alive, so their ids stay unique

    def load(self) -> Any:
        """The unpickled value. Malformed data raises MalformedFileError (the caller adds the file's name)."""
        try:
            while True:
                code = self._read(1)[0]
                handler = OPCODES.get(code)
                if self.weights_only is not False and handler not in WEIGHTS_ONLY_OPCODES:
                    raise pickle.UnpicklingError(unsupported_operand_message(code))
                if handler is None:
                    raise pickle.UnpicklingError(f"Unsupported operand {code} (opcode {bytes([code])!r}): "
                                                 "tinygrad_rnn.load reads only the opcodes of a checkpoint")
                if handler == "stop":
                    return self.stack.pop()
                getattr(self, "_" + handler)()
        except (pickle.UnpicklingError, NotImplementedError, MalformedFileError):
            raise
        except _Unchanged as e:
            raise e.error from None
        except (IndexError, KeyError, TypeError, ValueError, AttributeError, struct.error, UnicodeError,
                RuntimeError, OverflowError, LookupError) as e:  # (RuntimeError: e.g. bool() of a tensor)
            raise MalformedFileError(f"its pickle is damaged near byte {self.pos} ({type(e).__name__}: {e})") from None

    # ------------------------------------------------------------ reading
    def _read(self, n: int) -> memoryview:
        if n > len(self.data) - self.pos:
            raise MalformedFileError(f"its pickle ends early (byte {self.pos} of {len(self.data)}, wants {n} more)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def _line(self) -> str:
        end = bytes(self.data[self.pos:self.pos + 256]).find(b"\n")
        if end < 0:
            raise MalformedFileError(f"a GLOBAL name near byte {self.pos} has no end")
        return bytes(self._read(end + 1)[:-1]).decode("utf-8")

    def _unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self._read(struct.calcsize(fmt)))[0]

    def _push(self, value: Any) -> None:
        self.stack.append(value)

    def _pop_mark(self) -> list[Any]:
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _nest(self, container: Any, items: Any) -> None:
        """Record that `items` went into `container`; refuse nesting deeper than MAX_NESTING."""
        inner = max((self.depth.get(id(i), 0) for i in items), default=0)
        if inner + 1 > self.depth.get(id(container), 0):
            if inner + 1 > MAX_NESTING:
                raise MalformedFileError(f"its data nests deeper than {MAX_NESTING} levels")
            if id(container) not in self.depth:
                self.alive.append(container)
            self.depth[id(container)] = inner + 1

    # ------------------------------------------------------------ the opcodes: names and calls
    def _proto(self) -> None:
        protocol = self._read(1)[0]
        if self.weights_only is not False and protocol != 2:
            warnings.warn(f"Detected pickle protocol {protocol} in the checkpoint, which was not the default pickle "
                          "protocol used by `torch.load` (2). The weights_only Unpickler might not support all "
                          "instructions implemented by this protocol, please file an issue for adding support if you "
                          "encounter this.", stacklevel=2)

    def _frame(self) -> None:
        self._read(8)  # protocol 4 framing: a length we do not need

    def _global(self) -> None:
        module, name = self._line(), self._line()
        self._push(self._lookup(module, name))

    def _stack_global(self) -> None:
        name, module = self.stack.pop(), self.stack.pop()
        if type(module) is not str or type(name) is not str:
            raise MalformedFileError("STACK_GLOBAL names something with non-strings")
        self._push(self._lookup(module, name))

    def _lookup(self, module: str, name: str) -> Any:
        if (module, name) in _compat_pickle.NAME_MAPPING:  # Python 2 names, as torch maps them
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full_path = f"{module}.{name}"
        value = ALLOWED.get(full_path) if module not in BLOCKED_MODULES else None
        if value is None:  # a whole model or a numpy scalar: torch's advice is to load it with weights_only=False
            value = module_global(module, name) or optimizer_global(module, name) or NUMPY_GLOBALS.get(full_path) \
                or WHOLE_OPTIMIZER_GLOBALS.get(full_path) or hook_object_global(module, name)
            if value is not None and self.weights_only is not False:
                raise pickle.UnpicklingError(weights_only_message(full_path))
        if value is None:
            raise pickle.UnpicklingError(forbidden_global_message(full_path, self.weights_only))
        if isinstance(value, Unsupported):
            raise NotImplementedError(f"tinygrad_rnn.load: {self.where} holds {full_path}, which torch can load but "
                                      "tinygrad_rnn cannot represent (it has no complex, quantized, sparse or exotic "
                                      "dtypes; bfloat16 storages are converted to float32)")
        return value

    def _reduce(self) -> None:
        args = self.stack.pop()
        func = self.stack[-1]
        known = CALLABLE.get(id(func)) is func or func is new_defaultdict \
            or any(func is f for f in NUMPY_GLOBALS.values() if callable(f))
        if not known or func is Tensor or func is Parameter:
            raise pickle.UnpicklingError(f"Trying to call reduce for unrecognized function {func!r}")
        if type(args) is not tuple:
            raise MalformedFileError(f"REDUCE is given {type(args).__name__} as arguments")
        self.stack[-1] = func(*args)
        if isinstance(self.stack[-1], (list, tuple, dict, set)):
            self._nest(self.stack[-1], args)

    def _newobj(self) -> None:
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls is Parameter and type(args) is tuple and 1 <= len(args) <= 2:
            data, requires_grad = (*args, True) if len(args) == 1 else args  # Parameter(data, requires_grad=True)
            self._push(rebuild_parameter(data, requires_grad, None))
        elif any(cls is c for c in (ordered_dict, counter, new_set)) and type(args) is tuple and not args:
            self._push(cls())  # (identity tests throughout: `in` would call a tensor's __eq__)
        elif isinstance(cls, type) and (issubclass(cls, (Module, Optimizer)) or is_hook_class(cls)) and args == ():
            self._push(cls.__new__(cls))  # empty: its __init__ does not run, BUILD sets what it had (only _lookup
            # puts such a class here)
        else:
            raise pickle.UnpicklingError(f"Can only create new object for nn.Parameter, OrderedDict, Counter or set, "
                                         f"but got {cls!r}")

    def _build(self) -> None:
        state = self.stack.pop()
        inst = self.stack[-1]
        if isinstance(inst, Module):
            if type(state) is not dict or not all(type(k) is str for k in state):
                raise MalformedFileError("a module's attributes are not a dict of attribute names")
            self._nest(inst, state.values())
            restore(inst, state)
            return
        if isinstance(inst, Optimizer):
            if type(state) is not dict or not all(type(k) is str for k in state):
                raise MalformedFileError("an optimizer's state is not a dict of attribute names")
            self._nest(inst, state.values())
            inst.__setstate__(state)  # (ours: it sets the three attributes torch's __getstate__ gives)
            return
        if is_hook_class(type(inst)):  # a module's hook object (the older weight_norm's): its plain attributes
            if type(state) is not dict or not all(type(k) is str for k in state):
                raise MalformedFileError("a hook object's attributes are not a dict of attribute names")
            self._nest(inst, state.values())
            inst.__dict__.update(state)
            return
        if isinstance(inst, np.dtype):  # (only numpy's stand-ins put these here, with weights_only=False)
            build_dtype(inst, state)
            return
        if isinstance(inst, np.ndarray):
            build_array(inst, state)
            return
        if type(inst) not in (OrderedDict, Counter):
            raise pickle.UnpicklingError(f"Can only build OrderedDict or Counter, but got {type(inst)}")
        if state is None:
            return
        if type(state) is not dict or not all(type(k) is str and not hasattr(type(inst), k) for k in state):
            raise MalformedFileError("an OrderedDict's attributes are not a dict of new attribute names")
        self._nest(inst, state.values())
        inst.__dict__.update(state)  # e.g. a module state_dict's `_metadata`

    def _binpersid(self) -> None:
        pid = self.stack.pop()
        if type(pid) is not tuple or not pid or type(pid[0]) not in (str, bytes) or _ascii(pid[0]) != "storage":
            raise pickle.UnpicklingError(f"Only persistent_load of storage is allowed, but got {str(pid)[:80]}")
        try:
            self._push(self.persistent_load(pid))
        except RuntimeError as e:
            if type(e) is RuntimeError:  # torch's own errors (no CUDA here: use map_location) reach the caller as is
                raise _Unchanged(e) from None
            raise

    # ------------------------------------------------------------ containers
    def _mark(self) -> None:
        if len(self.metastack) >= MAX_NESTING * 4:
            raise MalformedFileError(f"its pickle opens more than {MAX_NESTING * 4} marks at once")
        self.metastack.append(self.stack)
        self.stack = []

    def _tuple(self) -> None:
        self._push_tuple(tuple(self._pop_mark()))

    def _tuple1(self) -> None:
        self.stack[-1:] = [self._nested_tuple(self.stack[-1:])]

    def _tuple2(self) -> None:
        if len(self.stack) < 2:
            raise IndexError("TUPLE2 needs two items")
        self.stack[-2:] = [self._nested_tuple(self.stack[-2:])]

    def _tuple3(self) -> None:
        if len(self.stack) < 3:
            raise IndexError("TUPLE3 needs three items")
        self.stack[-3:] = [self._nested_tuple(self.stack[-3:])]

    def _nested_tuple(self, items: list) -> tuple:
        if not items:
            raise IndexError("a tuple opcode on an empty stack")
        out = tuple(items)
        self._nest(out, out)
        return out

    def _push_tuple(self, items: tuple) -> None:
        self._nest(items, items)
        self._push(items)

    def _empty_tuple(self) -> None:
        self._push(())

    def _empty_list(self) -> None:
        self._push([])

    def _empty_dict(self) -> None:
        self._push({})

    def _empty_set(self) -> None:
        self._push(set())

    def _append(self) -> None:
        item = self.stack.pop()
        self._extend([item])

    def _appends(self) -> None:
        self._extend(self._pop_mark())

    def _extend(self, items: list) -> None:
        target = self.stack[-1]
        if type(target) is not list:
            raise pickle.UnpicklingError(f"Can only append to lists, but got {type(target)}")
        self._nest(target, items)
        target.extend(items)

    def _additems(self) -> None:
        items = self._pop_mark()
        target = self.stack[-1]
        if type(target) is not set:
            raise pickle.UnpicklingError(f"Can only add items to sets, but got {type(target)}")
        self._nest(target, items)
        target.update(items)

    def _setitem(self) -> None:
        value, key = self.stack.pop(), self.stack.pop()
        self._set_items([key, value])

    def _setitems(self) -> None:
        self._set_items(self._pop_mark())

    def _set_items(self, items: list) -> None:
        target = self.stack[-1]
        if type(target) not in (dict, OrderedDict, Counter, defaultdict):
            raise pickle.UnpicklingError(f"Can only SETITEM for dict, collections.OrderedDict, collections.Counter, "
                                         f"but got {type(target)}")
        if len(items) % 2:
            raise MalformedFileError("SETITEMS is given an odd number of items")
        self._nest(target, items)
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    # ------------------------------------------------------------ scalars
    def _none(self) -> None:
        self._push(None)

    def _newtrue(self) -> None:
        self._push(True)

    def _newfalse(self) -> None:
        self._push(False)

    def _binint(self) -> None:
        self._push(self._unpack("<i"))

    def _binint1(self) -> None:
        self._push(self._read(1)[0])

    def _binint2(self) -> None:
        self._push(self._unpack("<H"))

    def _long1(self) -> None:
        self._push(int.from_bytes(self._read(self._read(1)[0]), "little", signed=True))

    def _long4(self) -> None:
        self._push(int.from_bytes(self._read(self._unpack("<I")), "little", signed=True))

    def _binfloat(self) -> None:
        self._push(self._unpack(">d"))

    def _binunicode(self) -> None:
        self._push(str(self._read(self._unpack("<I")), "utf-8", "surrogatepass"))

    def _short_binunicode(self) -> None:
        self._push(str(self._read(self._read(1)[0]), "utf-8", "surrogatepass"))

    def _binstring(self) -> None:
        self._push_string(self._read(self._unpack("<i")))

    def _short_binstring(self) -> None:
        self._push_string(self._read(self._read(1)[0]))

    def _push_string(self, raw: memoryview) -> None:
        """A Python 2 str: bytes, or text in the caller's `encoding` (as pickle.load does)."""
        self._push(bytes(raw) if self.encoding == "bytes" else str(raw, self.encoding, self.errors))

    def _binbytes(self) -> None:
        self._push(bytes(self._read(self._unpack("<I"))))

    def _short_binbytes(self) -> None:
        self._push(bytes(self._read(self._read(1)[0])))

    # ------------------------------------------------------------ the memo
    def _binput(self) -> None:
        self.memo[self._read(1)[0]] = self.stack[-1]

    def _long_binput(self) -> None:
        self.memo[self._unpack("<I")] = self.stack[-1]

    def _memoize(self) -> None:
        self.memo[len(self.memo)] = self.stack[-1]

    def _binget(self) -> None:
        self._push(self.memo[self._read(1)[0]])

    def _long_binget(self) -> None:
        self._push(self.memo[self._unpack("<I")])


def python3_name(full_path: str) -> str:
    """The GLOBAL `module.name` with Python 2 names mapped as torch maps them (`__builtin__.bytes` -> `builtins.bytes`)."""
    module, _, name = full_path.rpartition(".")
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    return f"{_compat_pickle.IMPORT_MAPPING.get(module, module)}.{name}"


def unsafe_global(full_path: str) -> bool:
    """True when `load` refuses the GLOBAL `module.name` (Python 2 names mapped as torch maps them)."""
    mapped = python3_name(full_path)
    return mapped.rpartition(".")[0] in BLOCKED_MODULES or mapped not in ALLOWED


class _Unchanged(Exception):
    """Carries an error out of the opcode loop without it being reworded as a damaged file."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _ascii(value: Any) -> Any:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else value

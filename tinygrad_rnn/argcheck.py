"""torch's argument checks for plain Python arguments: ints, numbers and sizes.

torch parses every argument of a built-in function against its signature before running it, so a
float where an int belongs is a TypeError naming the function, the parameter and both types:

    zeros(): argument 'size' (position 1) must be tuple of ints, not float

These helpers give the same errors, so bad input never reaches numpy (whose errors name numpy's
internals instead of the user's mistake).
"""
from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .core import dtypes
from .core.size import TorchCType
from .core.tensor import Tensor
from .overload_table import FUNCTIONS, METHODS

F = TypeVar("F", bound=Callable[..., Any])


# A Python class statement makes a heap type that stays mutable; C types are static or immutable
_IMMUTABLE_TYPE, _HEAP_TYPE = 1 << 8, 1 << 9  # Py_TPFLAGS_IMMUTABLETYPE, Py_TPFLAGS_HEAPTYPE


class TorchClass(TorchCType):
    """The metaclass of our classes that stand for torch's fixed ones (device, finfo, Generator, the named
    tuples of torch.return_types, PackedSequence): `print(type(x))` shows torch's class, `<class
    'torch.device'>`, `<class 'torch.return_types.max'>`. Only the class's repr changes, so pickling still
    finds ours; a user's subclass prints as Python prints it. The stand-ins for torch's C types also take
    torch's name in CPython's errors (core/size.py's name_in_errors): the repr then shows that name."""

    def __repr__(cls) -> str:
        if not cls.__module__.startswith("tinygrad_rnn."):
            return super().__repr__()
        if tp_name(cls).startswith("torch."):
            return f"<class '{tp_name(cls)}'>"
        return f"<class 'torch.{cls.__module__.removeprefix('tinygrad_rnn.')}.{cls.__qualname__}'>"


def tp_name(kind: type) -> str:
    """The name CPython's errors give a class: its __name__, or torch's for our stand-ins of torch's C types."""
    return type.__dict__["__name__"].__get__(kind)


def type_name(value: Any) -> str:
    """A value's type as torch's parser names it, which is CPython's tp_name: a Python class by its name
    (`Tensor`, `MyModule`), a type built into Python by its name (`list`), and a type some other C extension
    defines with its module (`numpy.ndarray`, `numpy.float64`, `collections.deque`)."""
    return class_name(type(value))


def type_repr(value: Any) -> str:
    """`str(type(value))` as torch shows it: "<class 'torch.Tensor'>", and our other classes under torch's
    module path ("<class 'torch.nn.parameter.Parameter'>"); anything else as Python shows it."""
    kind = type(value)
    if kind.__module__.startswith("tinygrad_rnn."):  # (Tensor and Parameter carry torch's module already)
        return f"<class 'torch.{kind.__module__.removeprefix('tinygrad_rnn.')}.{kind.__qualname__}'>"
    return str(kind)


def class_name(kind: type) -> str:
    """A class as torch's C++ names it (CPython's tp_name); see type_name."""
    python_class = kind.__flags__ & (_HEAP_TYPE | _IMMUTABLE_TYPE) == _HEAP_TYPE
    if python_class or kind.__module__ == "builtins":
        return tp_name(kind)  # ("torch.Size" for ours: name_in_errors)
    return f"{kind.__module__.split('.')[0]}.{kind.__qualname__}"


def _where(name: str, position: int | None) -> str:
    return f"argument '{name}'" + (f" (position {position})" if position else "")


def is_int(value: Any, allow_bool: bool = False) -> bool:
    """An int as torch's parser takes it: Python ints, numpy integers, 1-element integer tensors."""
    if isinstance(value, bool):
        return allow_bool
    if isinstance(value, (float, str)) or not hasattr(value, "__index__"):
        return False
    try:
        value.__index__()  # a float or multi-element tensor refuses
    except TypeError:
        return False
    return True


# torch's conversion of a bool 0-d tensor given for a `SymInt` (a size, topk's k, select's index): the parser
# takes any tensor there, the conversion then asserts it is integral. Its text for one SymInt, and for a list.
NOT_INTEGRAL = ('scalar.isIntegral( false) INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/torch/csrc/utils/'
                'pybind.cpp":27, please report a bug to PyTorch. ')
NOT_INTEGRAL_SIZE = ("Expected scalar.isIntegral( false) to be true, but got false.  (Could this error message be "
                     "improved?  If so, please report an enhancement request to PyTorch.)")


def is_bool_tensor(value: Any) -> bool:
    return isinstance(value, Tensor) and value._data.dtype == bool


def int_arg(fn: str, name: str, value: Any, position: int | None = None, symint: bool = False) -> int:
    """`value` as an int, or torch's TypeError for an `int` parameter. A bool 0-d tensor is no int to
    torch: a TypeError for a plain `int`, and for a `SymInt` (`symint`) the RuntimeError of its conversion."""
    if not is_int(value) or (is_bool_tensor(value) and not symint):
        raise TypeError(f"{fn}(): {_where(name, position)} must be int, not {type_name(value)}")
    if is_bool_tensor(value):
        raise RuntimeError(NOT_INTEGRAL)
    return int(value.__index__())


def bool_arg(fn: str, name: str, value: Any, position: int | None = None) -> bool:
    """`value` if it is a bool, else torch's TypeError for a `bool` parameter."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise TypeError(f"{fn}(): {_where(name, position)} must be bool, not {type_name(value)}")
    return bool(value)


def float_arg(fn: str, name: str, value: Any, position: int | None = None) -> float:
    """`value` as a float, or torch's TypeError for a `float` parameter (bools, ints, numpy numbers and
    0-d tensors are floats to torch's parser; a one-element tensor of more dims is not)."""
    if isinstance(value, str) or not hasattr(value, "__float__") or (isinstance(value, Tensor) and value.ndim):
        raise TypeError(f"{fn}(): {_where(name, position)} must be float, not {type_name(value)}")
    return float(value)


def tensor_arg(fn: str, name: str, value: Any, position: int | None = None, optional: bool = False) -> Tensor:
    """`value` if it is a Tensor (or None for an `optional` one), else torch's TypeError for a `Tensor` parameter."""
    if not isinstance(value, Tensor) and not (optional and value is None):
        raise TypeError(f"{fn}(): {_where(name, position)} must be Tensor, not {type_name(value)}")
    return value


# What torch's parser takes where a tensor or a number fits (an op's `other`, where's values, clamp's bounds):
# numpy's scalars are numbers to it, a numpy array, a list or None are neither.
OPERAND_TYPES = (Tensor, bool, int, float, complex, np.generic)


class NotAnOperand(TypeError):
    """A numpy array, a list, None, ... given to a binary op, whose operands torch's parser takes only as
    tensors or numbers: the TypeError of `torch.add(t, array)` and `t.add(array)`. The operators catch it and
    give NotImplemented, as torch's do, so Python goes on as with torch: `t + array` becomes numpy's
    `array.__radd__(t)` (a float64 tensor computed on t's values, outside the graph), `t + [1, 2]` and
    `t < array` Python's own TypeError, `t == array` False, and `t += array` rebinds t to `t + array`.
    `value` is the operand refused; torch.X's binding (surface/ops.py) names its argument as torch's parser does."""

    def __init__(self, value: Any, message: str | None = None) -> None:
        super().__init__(message or f"expected a Tensor or a number as operand, but got {type_name(value)}")
        self.value = value


class ComplexUnsupported(NotImplementedError):
    """What torch would compute is a complex tensor, which tinygrad_rnn has not."""


def refuse_complex(what: str) -> ComplexUnsupported:
    """torch makes a complex tensor of `what`; tinygrad_rnn has none (see surface/unsupported_dtypes.py)."""
    return ComplexUnsupported(f"tinygrad_rnn has no complex tensors, and {what} would make one: complex numbers "
                               "(and their conjugate gradients) are outside this project's scope")


def complex_into(d: Any) -> RuntimeError:
    """torch's error for an in-place op whose result would be complex, on a tensor of real dtype `d` (t.mul_(1j))."""
    complex_type = {"Double": "ComplexDouble", "Half": "ComplexHalf"}.get(d._legacy, "ComplexFloat")
    return RuntimeError(f"result type {complex_type} can't be cast to the desired output type {d._legacy}")


def is_torch_dtype(value: Any) -> bool:
    """Whether torch's parser takes `value` as a dtype: a torch dtype, or Python's float, int, bool or complex
    type (not a numpy type or dtype, nor a string)."""
    return isinstance(value, dtypes.dtype) or any(value is t for t in (float, int, bool, complex))


def dtype_arg(fn: str, value: Any) -> Any:
    """`value` unchanged if it is a torch dtype (is_torch_dtype), else torch's TypeError for a `dtype` keyword."""
    if not is_torch_dtype(value):
        raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {type_name(value)}")
    return value


def number_arg(fn: str, name: str, value: Any, position: int | None = None) -> Any:
    """`value` unchanged if it is a number (bool, int, float or a 0-d tensor), else torch's TypeError
    (a complex number is one to torch: NotImplementedError here)."""
    if isinstance(value, complex):
        raise refuse_complex(f"{fn}()'s {name} {value!r}")
    if isinstance(value, (bool, int, float)) or (hasattr(value, "__float__") and not isinstance(value, (str, np.ndarray))
                                                 and not (isinstance(value, Tensor) and value.ndim)):
        return value
    raise TypeError(f"{fn}(): {_where(name, position)} must be Number, not {type_name(value)}")


def number_value(fn: str, name: str, value: Any, position: int | None = None) -> Any:
    """number_arg's check, and the Python number a 0-d tensor holds (torch reads such a tensor as a Scalar:
    F.softplus(x, beta=torch.tensor(2.)))."""
    number_arg(fn, name, value, position)
    return value.item() if isinstance(value, Tensor) else value


def invalid_combination(fn: str, args: tuple, listed: tuple = (), kwargs: dict | None = None) -> TypeError:
    """torch's error when no overload of `fn` takes the call: the argument types as given (`args`, then
    `kwargs` as name=type) and the overloads (`listed`; overload_table's when none are given), each explained
    where its count of pieces fits the call's (why_not). overloads.py says when torch's parser words this."""
    kwargs = kwargs or {}
    listed = listed or FUNCTIONS.get(fn) or METHODS.get(fn, ())  # (fill_ and view are methods only)
    got = given_types(args, kwargs) + (", " if kwargs and not args else "")  # (torch's own punctuation)
    if not listed:
        return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one "
                         f"of the signatures in the documentation of torch.{fn}")
    lines = "".join(f"\n * {s}" + why_not(s, args, kwargs) for s in listed)
    error = TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:"
                      f"{lines}\n")
    error.overloads_of = fn  # type: ignore[attr-defined]  # (for argcheck.as_called, which rewrites it)
    error.signatures = listed  # type: ignore[attr-defined]  # (for the method, which lists its own)
    return error


def why_not(signature: str, args: tuple, kwargs: dict) -> str:
    """torch's line under one listed overload, or "" when the overload's count of pieces (the `*` is one, so
    is the empty `()`) is not the call's count of arguments: the argument types, each marked !type! unless
    the piece's type names it exactly (a piece with a default never does: torch's checker reads "int dim ="
    as its type), or the keywords no piece of that name ends with."""
    pieces = signature[1:-1].split(", ")  # ("()" is one empty piece)
    if len(args) + len(kwargs) != len(pieces):
        return ""
    names = [piece.rsplit(" ", 1)[-1] for piece in pieces]  # ("int dim = 0" is named "0")
    incorrect = [k for k in keyword_order(kwargs) if k not in names[len(pieces) - len(kwargs):]]  # (torch's order)
    if incorrect:
        return "\n      didn't match because some of the keywords were incorrect: " + ", ".join(incorrect)
    given = [(None, a) for a in args] + [(names[i], kwargs[names[i]]) for i in range(len(args), len(pieces))]
    marks = []
    for piece, (key, value) in zip(pieces, given):
        shown = _described(value) if key is None else f"{key}={_described(value)}"
        marks.append(shown if _named_exactly(piece.rsplit(" ", 1)[0], value) else f"!{shown}!")
    return "\n      didn't match because some of the arguments have invalid types: (" + ", ".join(marks) + \
        ("" if args else ", ") + ")"  # (torch drops the last separator only after a positional)


def _named_exactly(kind: str, value: Any) -> bool:
    """The checker's type test: the value's type name, where `int` also takes `long` and `float` an int."""
    accepted = {"int": ("int", "long"), "float": ("float", "int", "long")}.get(kind, (kind,))
    return type_name(value) in accepted


def _described(value: Any) -> str:
    """A value's type as torch's checker prints it: a sequence with its elements' types."""
    if isinstance(value, tuple):
        return "tuple of (" + ", ".join(type_name(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "list of [" + ", ".join(type_name(v) for v in value) + "]"
    return type_name(value)


def overload_error(fn: str, message: str) -> TypeError:
    """An argument error of an op with several overloads, in the op's own words. `as_called` turns it into
    torch's 'invalid combination' error; the method keeps these words when only one overload fits."""
    error = TypeError(message)
    error.overloads_of = fn  # type: ignore[attr-defined]
    error.specific = message  # type: ignore[attr-defined]
    return error


def method_signature(signature: str) -> str:
    """A function's overload as torch lists it for the method: without `input` (self) and without `out=`."""
    kept = [p for p in signature[1:-1].split(", ") if p and p != "Tensor input" and not p.endswith(" out = None")]
    return "(" + ", ".join(kept[:-1] if kept[-1:] == ["*"] else kept) + ")"


def fits_count(signature: str, given: int) -> bool:
    """Whether `given` arguments are as many as the overload takes (with or without its defaults): torch's
    parser, when exactly one overload fits the count, reports that overload's own error."""
    params = [p for p in signature[1:-1].split(", ") if p and p != "*"]
    return len([p for p in params if " = " not in p]) <= given <= len(params)


def binary_overloads(first: str = "input", second: str = "other", number_first: str | None = "self",
                     number_first_out: bool = True) -> tuple[str, ...]:
    """The overloads torch lists for a binary op: tensor with tensor, number with tensor (named `number_first`;
    None when the op has no such overload), tensor with number."""
    out = ", *, Tensor out = None"
    overloads = [f"(Tensor {first}, Tensor {second}{out})", f"(Tensor {first}, Number {second}{out})"]
    if number_first:
        overloads.insert(1, f"(Number {number_first}, Tensor {second}{out if number_first_out else ''})")
    return tuple(overloads)


def tensor_operand(fn: str, input: Any, other: Any, signatures: tuple[str, ...]) -> None:
    """torch's TypeError for a binary op given no tensor (`pow(2, 3)`), or, when no overload takes a number
    first, given a number first (`copysign(2, x)`); for an operand neither a tensor nor a number (an array,
    a list), the same words as a NotAnOperand, which the operators turn into NotImplemented (`t % array`)."""
    refused = next((x for x in (input, other) if not isinstance(x, OPERAND_TYPES)), None)
    if refused is not None:
        raise NotAnOperand(refused, str(invalid_combination(fn, (input, other), signatures)))
    number_first = any(s.startswith("(Number") for s in signatures)
    if not isinstance(input, Tensor) and not (number_first and isinstance(other, Tensor)):
        raise invalid_combination(fn, (input, other), signatures)



def as_called(fn: str, signatures: tuple = ()) -> Callable[[Callable], Callable]:
    """Decorate a function whose argument errors must say how the caller passed the arguments, as torch's
    parser does: with several overloads (`signatures`) the 'invalid combination' error lists the argument
    types as given (positional, then keywords); and an argument given by keyword has no '(position N)'."""
    def decorate(function: Callable) -> Callable:
        parameters = inspect.signature(function)

        @functools.wraps(function)
        def called(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except TypeError as error:
                if signatures and not _binds(parameters, args, kwargs):  # too many arguments, or an unknown
                    raise _unbound(fn, args, signatures, kwargs) from None  # keyword: no overload fits
                if signatures and getattr(error, "overloads_of", None) == fn:
                    specific = getattr(error, "specific", None)
                    if specific and sum(fits_count(s, len(args) + len(kwargs)) for s in signatures) == 1:
                        raise  # the one overload that fits the count explains itself, as torch's parser does
                    generic = invalid_combination(fn, args, signatures, kwargs)
                    generic.specific = specific  # type: ignore[attr-defined]  # (for the method: surface/ops.py)
                    raise generic from None
                keyword = next((k for k in kwargs if str(error).startswith(f"{fn}(): argument '{k}' (position ")), None)
                if keyword is None:
                    raise
                message = re.sub(r" \(position \d+\)", "", str(error), count=1)
                raise TypeError(message) from None
        return called
    return decorate


def _unbound(fn: str, args: tuple, signatures: tuple, kwargs: dict) -> TypeError:
    """torch's error for a call that no overload can bind: when only one overload fits the count but the call gives
    it too many positional arguments (`torch.max(t, 0, True, None)`), Python's words for that overload; else the
    'invalid combination' error."""
    fitting = [s for s in signatures if fits_count(s, len(args) + len(kwargs))]
    if len(fitting) == 1:
        positional = fitting[0][1:-1].split(", *")[0].split(", ")
        required = len([p for p in positional if " = " not in p])
        if required < len(positional) < len(args):
            error = overload_error(fn, f"{fn}() takes from {required} to {len(positional)} positional arguments but "
                                   f"{len(args)} were given")
            error.signatures = signatures  # type: ignore[attr-defined]  # (the method, one argument fewer, lists its own)
            return error
    return invalid_combination(fn, args, signatures, kwargs)


def _binds(parameters: inspect.Signature, args: tuple, kwargs: dict) -> bool:
    """Whether a call with these arguments gets past Python's own matching of them to the parameters."""
    try:
        parameters.bind(*args, **kwargs)
    except TypeError:
        return False
    return True


def given_types(args: tuple, kwargs: dict) -> str:
    """The arguments of a call as torch's 'invalid combination' error lists them: `Tensor, int, dim=bool`,
    the keywords in the order torch's std::unordered_map of them gives (keyword_order)."""
    return ", ".join([type_name(a) for a in args] + [f"{k}={type_name(kwargs[k])}" for k in keyword_order(kwargs)])


_MURMUR_MUL, _UINT64 = 0xC6A4A7935BD1E995, (1 << 64) - 1
_MAP_BUCKETS = 13  # a libstdc++ unordered_map's first insertion makes 13 buckets (11 asked for, next prime up)


def keyword_order(kwargs: dict) -> list[str]:
    """The keywords as torch's error lists them: it copies them into a std::unordered_map<std::string, ...> and
    walks that. In libstdc++ a key goes first in its bucket's run of nodes, or first in the whole list when
    its bucket was empty; with distinct buckets that is last given first. (Past 13 keywords the map rehashes,
    which is not modelled: no call gives that many.)"""
    order: list[str] = []
    for key in kwargs:
        bucket = _std_string_hash(key) % _MAP_BUCKETS
        run = next((i for i, k in enumerate(order) if _std_string_hash(k) % _MAP_BUCKETS == bucket), 0)
        order.insert(run, key)
    return order


def _std_string_hash(text: str) -> int:
    """libstdc++'s std::hash<std::string> on 64 bits: _Hash_bytes, a MurmurHash2 variant, with seed 0xc70f6907."""
    data = text.encode()
    tail = len(data) - len(data) % 8
    h = 0xC70F6907 ^ (len(data) * _MURMUR_MUL & _UINT64)
    for start in range(0, tail, 8):
        word = _shift_mix(int.from_bytes(data[start:start + 8], "little") * _MURMUR_MUL & _UINT64)
        h = (h ^ (word * _MURMUR_MUL & _UINT64)) * _MURMUR_MUL & _UINT64
    if tail < len(data):
        h = (h ^ int.from_bytes(data[tail:], "little")) * _MURMUR_MUL & _UINT64
    return _shift_mix(_shift_mix(h) * _MURMUR_MUL & _UINT64)


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def no_overload(fn: str, args: tuple, kwargs: dict) -> TypeError:
    """torch's error when no overload of `fn` takes these arguments, given by position and by name."""
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({given_types(args, kwargs)}), but "
                     f"expected one of the signatures in the documentation of torch.{fn}")


def by_position_only(*names: str) -> Callable[[F], F]:
    """For a parameter torch takes only by position: each of its overloads names that argument otherwise
    (tensor_split's second argument is `sections`, `indices` or `tensor_indices_or_sections` by name), so given
    by the name our signature shows it fits no overload of torch's."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if any(name in kwargs for name in names):
                raise no_overload(fn.__name__, args, kwargs)
            return fn(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def size_arg(fn: str, args: tuple, name: str = "size", keyword: bool = False, symint: bool = True) -> tuple:
    """A `tuple of ints` parameter given as f(2, 3), f((2, 3)), f([2, 3]) or f(torch.Size([2, 3])).

    As torch: the first element must be a true int; later ones may be bools (their int value). A size is
    a `SymInt[]` (`symint`), which takes no bool 0-d tensor; a list of dims (permute's) does."""
    position = None if keyword else 1
    if len(args) == 1 and not is_int(args[0]):
        if not isinstance(args[0], (tuple, list)):
            raise TypeError(f"{fn}(): {_where(name, position)} must be tuple of ints, not {type_name(args[0])}")
        args = tuple(args[0])
    sizes = checked_ints(fn, name, args, position)
    if symint and any(is_bool_tensor(s) for s in args):
        raise RuntimeError(NOT_INTEGRAL_SIZE)
    return sizes


def int_list_arg(fn: str, name: str, value: Any, position: int, scalar_ok: bool = False) -> tuple:
    """A `tuple of ints` parameter given as one value (a tuple, list or torch.Size), or torch's TypeError.

    `scalar_ok` is for torch's fixed-length lists (`int[2] kernel_size`), which also take one int."""
    matched_int_list(fn, name, value, position, scalar_ok)
    if scalar_ok and is_int(value):
        return (int(value.__index__()),)
    return checked_ints(fn, name, value, position)


def int_list_args(fn: str, params: list, scalar_ok: bool = False, overloads: tuple | None = None,
                  signatures: tuple = ()) -> None:
    """Several `tuple of ints` parameters, (name, value, position) each, checked in torch's order.

    torch's parser matches every argument's type and first element left to right; the other elements
    are read later, when the call to the kernel is built, and torch's compiled bindings read those
    arguments last one first. So max_pool2d(x, (2, None), (2, None)) names 'stride', not 'kernel_size'.
    For a function with several signatures (conv2d's padding may also be a string), a value that matches
    none is torch's 'invalid combination' error over all the call's arguments, `overloads`."""
    for name, value, position in params:
        try:
            matched_int_list(fn, name, value, position, scalar_ok)
        except TypeError:
            if overloads is None:
                raise
            raise invalid_combination(fn, overloads, signatures) from None
    for name, value, position in reversed(params):
        if not (scalar_ok and is_int(value)):
            checked_ints(fn, name, value, position)


def matched_int_list(fn: str, name: str, value: Any, position: int, scalar_ok: bool) -> None:
    """The parser's match of one `tuple of ints` argument: its type and its first element."""
    if scalar_ok and is_int(value):
        return
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{fn}(): {_where(name, position)} must be tuple of ints, not {type_name(value)}")
    if value and not is_int(value[0]):
        raise TypeError(f"{fn}(): {_where(name, position)} must be tuple of ints, but found element of type "
                        f"{type_name(value[0])} at pos 0")


def checked_ints(fn: str, name: str, value: Any, position: int | None) -> tuple:
    """The elements of a list-of-ints argument as Python ints, or the TypeError torch's parser raises:
    the first element must be a true int, later ones may be bools (their int value)."""
    for i, s in enumerate(value):
        if not is_int(s, allow_bool=i > 0):
            if i == 0:
                raise TypeError(f"{fn}(): {_where(name, position)} must be tuple of ints, but found element of type "
                                f"{type_name(s)} at pos 0")
            raise TypeError(f'{fn}(): argument \'{name}\' failed to unpack the object at pos {i + 1} with error '
                            f'"type must be tuple of ints,but got {type_name(s)}"')
    return tuple(int(s.__index__()) for s in value)


# The C++ names torch's messages give dtypes ("Expected out tensor to have dtype long int, ...")
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def cpp_type_name(dtype: Any) -> str:
    return _CPP_NAMES.get(dtype.name, dtype.name)


def wrong_out_dtype(expected: Any, got: Any) -> str:
    """torch's message for an out= tensor of a dtype other than the one the op writes."""
    return f"Expected out tensor to have dtype {cpp_type_name(expected)}, but got {cpp_type_name(got)} instead"

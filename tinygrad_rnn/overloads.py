"""torch's argument parser: which calls it refuses, and the TypeError it words for them.

A built-in torch function or Tensor method has one or more overloads, each a signature such as
`(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)` (overload_table.py lists them,
measured). A call goes to the first overload whose parameters take its arguments. When none does:

- with one overload, or one whose count of parameters fits the call's count of arguments (between its
  required ones and all of them), torch reports what that overload refused, checking in order: too many
  positional arguments ("mm() takes 1 positional argument but 2 were given"), each parameter from left to
  right ("index_select(): argument 'dim' (position 2) must be int, not float"; an argument given by keyword
  has no position, and a method does not count self), then a keyword it does not know;
- else it lists every overload: "sum() received an invalid combination of arguments - got (dim=str, ),
  but expected one of:" and a line " * (signature)" each. Under an overload with as many pieces (the
  `*` is one, so is the empty `()`) as the call has arguments, a second line explains it: the argument
  types, each marked !type! unless the piece's type names it exactly (a piece with a default never
  does: its checker reads "int dim =" as the type), or the keywords no piece of that name ends with.

`refusal` answers for the ops in the table; `invalid_combination` words the list for any op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .argcheck import given_types, is_int, is_torch_dtype, type_name
from .core.tensor import Tensor
from .overload_table import FUNCTIONS, METHODS, NO_ARGUMENTS

# torch's parser also reads numpy's names of these two parameters
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


class Param:
    """One parameter of a signature: `type name`, `= default` when optional, after `*` keyword-only."""

    def __init__(self, piece: str, keyword_only: bool) -> None:
        declared, _, default = piece.partition(" = ")
        self.type, _, self.name = declared.rpartition(" ")
        self.required = not default
        self.default = default
        self.keyword_only = keyword_only

    def refuses(self, value: Any) -> str | None:
        """Why the parser refuses `value` here ("not float", "but found element of type float at pos 0"),
        or None when it takes it. Types it does not check here are taken (the op's own checks follow)."""
        if value is None:
            return None if self.default == "None" else f"not {type_name(value)}"
        takes = _TAKES.get(self.type)
        if takes is None or takes(value):
            return None
        if self.type in ("tuple of ints", "tuple of Tensors") and isinstance(value, (tuple, list)):
            return f"but found element of type {type_name(value[0])} at pos 0"
        return f"not {type_name(value)}"


def _is_number(value: Any) -> bool:
    if isinstance(value, Tensor):
        return value.ndim == 0
    return isinstance(value, (bool, int, float, complex, np.generic)) and not isinstance(value, (np.str_, np.bytes_))


# what each parameter type takes (a list's later elements are read after matching, by the op)
_TAKES = {
    "Tensor": lambda v: isinstance(v, Tensor),
    "int": is_int,
    "float": lambda v: _is_number(v) and not isinstance(v, complex),
    "Number": _is_number,
    "bool": lambda v: isinstance(v, (bool, np.bool_)),
    "str": lambda v: isinstance(v, str),
    "torch.dtype": is_torch_dtype,
    "tuple of ints": lambda v: is_int(v) or (isinstance(v, (tuple, list)) and (not v or is_int(v[0]))),
    "tuple of Tensors": lambda v: isinstance(v, (tuple, list)) and (not v or isinstance(v[0], Tensor)),
}


def params(signature: str) -> list[Param]:
    pieces = [p for p in signature[1:-1].split(", ") if p]
    star = pieces.index("*") if "*" in pieces else len(pieces)
    return [Param(p, i > star) for i, p in enumerate(pieces) if p != "*"]


def signatures(name: str, method: bool) -> tuple[str, ...] | None:
    return (METHODS if method else FUNCTIONS).get(name)


def refusal(name: str, args: tuple, kwargs: dict, method: bool = False) -> TypeError | None:
    """torch's TypeError for `torch.name(*args, **kwargs)` (or, `method`, `t.name(*args, **kwargs)` with
    args after self), or None when its parser would take the call or the table does not know `name`."""
    if method and name in NO_ARGUMENTS and (args or kwargs):  # (Python's own check, under torch's class name)
        return TypeError(f"TensorBase.{name}() takes no " + (f"arguments ({len(args)} given)" if args else
                                                             "keyword arguments"))
    listed = signatures(name, method)
    if listed is None:
        return None
    named = {_NUMPY_NAMES.get(k, k): v for k, v in kwargs.items()}  # (the list shows them as given)
    if any(_check(name, params(s), args, named) is None for s in listed):
        return None
    count = len(args) + len(kwargs)
    fitting = [s for s in listed if sum(p.required for p in params(s)) <= count <= len(params(s))]
    if len(listed) == 1 or len(fitting) == 1:
        return TypeError(_check(name, params((fitting or listed)[0]), args, named))
    return invalid_combination(name, args, listed, kwargs)


def _check(name: str, ps: list[Param], args: tuple, kwargs: dict) -> str | None:
    """Why one overload refuses the call, in torch's words, or None when it takes it."""
    positional = [p for p in ps if not p.keyword_only]
    varargs = len(positional) == 1 and positional[0].type == "tuple of ints"  # t.view(2, 3) for t.view((2, 3))
    if varargs and len(args) > 1 and is_int(args[0]):
        args = (args,)
    if len(args) > len(positional):
        least = sum(p.required for p in ps)  # (torch counts required keywords too: sort's `stable`)
        if least != len(positional):
            return f"{name}() takes from {least} to {len(positional)} positional arguments but {len(args)} were given"
        plural, verb = ("" if least == 1 else "s"), ("was" if len(args) == 1 else "were")
        return f"{name}() takes {least} positional argument{plural} but {len(args)} {verb} given"
    for i, p in enumerate(ps):
        by_position = i < len(args) and not p.keyword_only
        if not by_position and p.name not in kwargs:
            if p.required:
                missing = [q.name for q in ps[i:] if q.required]  # (torch lists those given by keyword too)
                plural = "s" if len(missing) == 1 else ""  # (sic: torch's plural is on the one)
                return f'{name}() missing {len(missing)} required positional argument{plural}: ' + \
                    ", ".join(f'"{m}"' for m in missing)
            continue
        value = args[i] if by_position else kwargs[p.name]
        why = p.refuses(value)
        if why is not None:
            where = f" (position {i + 1})" if by_position else ""
            return f"{name}(): argument '{p.name}'{where} must be {p.type}, {why}"
    unknown = [k for k in kwargs if k not in {p.name for p in ps}]
    if unknown:
        return f"{name}() got an unexpected keyword argument '{unknown[0]}'"
    return None


def invalid_combination(fn: str, args: tuple, listed: tuple = (), kwargs: dict | None = None) -> TypeError:
    """torch's error when no overload of `fn` takes the call: the argument types as given (`args`, then
    `kwargs` as name=type) and the overloads (`listed`; the table's when none are given), each explained
    where its count of pieces fits the call's (see the module docstring)."""
    kwargs = kwargs or {}
    listed = listed or FUNCTIONS.get(fn) or METHODS.get(fn, ())  # (fill_ and view are methods only)
    got = given_types(args, kwargs) + (", " if kwargs and not args else "")  # (torch's own punctuation)
    if not listed:
        return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one "
                         f"of the signatures in the documentation of torch.{fn}")
    lines = "".join(f"\n * {s}" + _why_not(s, args, kwargs) for s in listed)
    error = TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:"
                      f"{lines}\n")
    error.overloads_of = fn  # type: ignore[attr-defined]  # (for argcheck.as_called, which rewrites it)
    error.signatures = listed  # type: ignore[attr-defined]  # (for the method, which lists its own)
    return error


def _why_not(signature: str, args: tuple, kwargs: dict) -> str:
    """The line under one listed overload (see the module docstring), or "" when its count does not fit."""
    pieces = signature[1:-1].split(", ")  # ("()" is one empty piece)
    if len(args) + len(kwargs) != len(pieces):
        return ""
    names = [piece.rsplit(" ", 1)[-1] for piece in pieces]  # ("int dim = 0" is named "0")
    incorrect = [k for k in reversed(kwargs) if k not in names[len(pieces) - len(kwargs):]]  # (torch's order)
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

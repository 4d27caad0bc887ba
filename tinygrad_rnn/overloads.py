"""torch's argument parser: which calls it refuses, and the TypeError it words for them.

A built-in torch function or Tensor method has one or more overloads, each a signature such as
`(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)` (overload_table.py lists them, as
tools/measure_overloads.py measured them). A call goes to the first overload whose parameters take its
arguments. When none does:

- with one overload, or one whose count of parameters fits the call's count of arguments (between its
  required ones and all of them), torch reports what that overload refused, checking in order: too many
  positional arguments ("mm() takes 1 positional argument but 2 were given"), each parameter from left to
  right ("index_select(): argument 'dim' (position 2) must be int, not float"; an argument given by keyword
  has no position, and a method does not count self), then a keyword it does not know;
- else it lists the overloads: "sum() received an invalid combination of arguments - got (dim=str, ),
  but expected one of:" and a line " * (signature)" each, explained under those whose count of pieces
  (the `*` is one, so is the empty `()`) is the call's count of arguments (argcheck.invalid_combination
  and why_not word it). Deprecated overloads are hidden: an op with one other lists one ("got (!int!),
  but expected (Tensor other, *, Number alpha = 1)").

A few ops take a number for a Tensor parameter (x.mul(2)); the methods that take no argument at all
(x.exp(), x.t()) are Python's own check: "TensorBase.exp() takes no arguments (1 given)".
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .argcheck import given_types, invalid_combination, is_int, is_torch_dtype, type_name, why_not
from .core.tensor import Tensor
from .overload_table import FUNCTIONS, FUNCTIONS_HIDING_OVERLOADS, METHODS, METHODS_HIDING_OVERLOADS, NO_ARGUMENTS

# torch's parser also reads numpy's names of these two parameters
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}
# all numpy's names it reads, by parameter, in the order it looks for them (its numpy_compatibility_arg_names)
_NUMPY_ALIASES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"), "other": ("x2",)}
# ops whose `Tensor` parameters also take a number (torch's parser wraps it: x.mul(2) though mul lists no Number)
_NUMBERS_AS_TENSORS = {"add", "sub", "mul", "div", "true_divide", "floor_divide", "divide", "multiply", "subtract"}


# Parameters torch's schema marks optional (`str? rounding_mode`, the factories' `bool? requires_grad=False`)
# though its printed signature shows no default or another one: its parser takes None for them
# (`x.div_(y, rounding_mode=None)` is plain division; `torch.randn(2, requires_grad=None)` runs).
# (torch.tensor's requires_grad is a plain bool; tensor() checks it itself.) `op.name` for one op's parameter:
# sort's `bool? stable` (`torch.sort(x, stable=None, dim=4)` is a dim out of range), not argsort's `bool stable`;
# the `int[1]? dim` of sum, mean, nansum and nanmean (`torch.sum(x, dim=None, out=o)` sums every element).
_OPTIONAL_WITHOUT_DEFAULT = frozenset({"rounding_mode", "requires_grad", "pin_memory", "sort.stable", "sum.dim",
                                       "mean.dim", "nansum.dim", "nanmean.dim"})


class Param:
    """One parameter of a signature: `type name`, `= default` when optional, after `*` keyword-only."""

    def __init__(self, piece: str, keyword_only: bool) -> None:
        declared, _, default = piece.partition(" = ")
        self.type, _, self.name = declared.rpartition(" ")
        self.required = not default
        self.default = default
        self.keyword_only = keyword_only

    def refuses(self, value: Any, numbers_as_tensors: bool = False, op: str = "") -> str | None:
        """Why the parser refuses `value` here ("not float", "but found element of type float at pos 0"),
        or None when it takes it. Types it does not check here are taken (the op's own checks follow)."""
        if value is None:
            optional = self.default == "None" or {self.name, f"{op}.{self.name}"} & _OPTIONAL_WITHOUT_DEFAULT
            return None if optional else f"not {type_name(value)}"
        takes = _TAKES.get(self.type)
        if takes is None or takes(value) or (numbers_as_tensors and self.type == "Tensor" and _is_number(value)):
            return None
        if self.type in ("tuple of ints", "tuple of Tensors") and isinstance(value, (tuple, list)):
            return f"but found element of type {type_name(value[0])} at pos 0"
        return f"not {type_name(value)}"


def _is_number(value: Any) -> bool:
    """A number to torch's parser: Python's and numpy's numbers, and 0-d tensors."""
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
    "torch.memory_format": lambda v: type_name(v) == "torch.memory_format",
    "torch.layout": lambda v: type_name(v) == "torch.layout",
    "tuple of ints": lambda v: is_int(v) or (isinstance(v, (tuple, list)) and (not v or is_int(v[0]))),
    "tuple of Tensors": lambda v: isinstance(v, (tuple, list)) and (not v or isinstance(v[0], Tensor)),
}


def _params(signature: str) -> list[Param]:
    """A signature's parameters (its `*` marks the keyword-only ones after it)."""
    pieces = [p for p in signature[1:-1].split(", ") if p]
    star = pieces.index("*") if "*" in pieces else len(pieces)
    return [Param(p, i > star) for i, p in enumerate(pieces) if p != "*"]


def signatures(name: str, method: bool) -> tuple[str, ...] | None:
    """torch's overloads of the function `torch.name` (or, `method`, of `Tensor.name`), if the table has them."""
    return (METHODS if method else FUNCTIONS).get(name)


def refusal(name: str, args: tuple, kwargs: dict, method: bool = False, error: Exception | None = None) -> TypeError | None:
    """torch's TypeError for `torch.name(*args, **kwargs)` (or, `method`, `t.name(*args, **kwargs)` with
    args after self), which failed with `error`, or None when its parser would take the call or the table
    does not know `name`."""
    if method and name in NO_ARGUMENTS and (args or kwargs):  # (Python's own check, under torch's class name)
        return TypeError(f"TensorBase.{name}() takes no " + (f"arguments ({len(args)} given)" if args else
                                                             "keyword arguments"))
    listed = signatures(name, method)
    if listed is None:
        return None
    named = {_NUMPY_NAMES.get(k, k): v for k, v in kwargs.items()}  # (the list shows them as given)
    in_tensor_list = _non_tensor_in_tensor_list(listed, args, named)
    if in_tensor_list is not None:
        return TypeError(in_tensor_list)
    taken = next((ps for ps in map(_params, listed) if _check(name, ps, args, kwargs) is None), None)
    if taken is not None:  # the parser takes the call; reading its lists of ints may still fail, where the op's
        # own check failed too (torch reads the arguments last one first: randint's device before its size)
        unpacked = _unpack_error(name, taken, args, named) if isinstance(error, TypeError) else None
        return None if unpacked is None else TypeError(unpacked)
    count = len(args) + len(kwargs)
    fitting = [s for s in listed if sum(p.required for p in _params(s)) <= count <= len(_params(s))]
    hiding = name in (METHODS_HIDING_OVERLOADS if method else FUNCTIONS_HIDING_OVERLOADS)
    if (len(listed) == 1 and not hiding) or len(fitting) == 1:
        return TypeError(_check(name, _params((fitting or listed)[0]), args, kwargs))
    if len(listed) == 1:  # the one overload listed of several: torch's words for a list of one
        return TypeError(f"{name}() received an invalid combination of arguments - {_one_listed(listed[0], args, kwargs)}")
    return invalid_combination(name, args, listed, kwargs)


def _one_listed(signature: str, args: tuple, kwargs: dict) -> str:
    """torch's words when it lists one overload: the keywords it does not know, or the call's types (marked as
    under a list's overload where the count fits) and the overload."""
    pieces = signature[1:-1].split(", ")
    names = [piece.rsplit(" ", 1)[-1] for piece in pieces[max(len(pieces) - len(kwargs), 0):]]
    unknown = [k for k in reversed(kwargs) if k not in names]
    if unknown:
        return "got unrecognized keyword arguments: " + ", ".join(unknown)
    why = why_not(signature, args, kwargs)
    got = why.split(": ", 1)[1] if why else "(" + given_types(args, kwargs) + (", " if kwargs and not args else "") + ")"
    return f"got {got}, but expected {signature}"


def _check(name: str, ps: list[Param], args: tuple, kwargs: dict) -> str | None:
    """Why one overload refuses the call, in torch's words, or None when it takes it."""
    numbers_as_tensors = name.rstrip("_") in _NUMBERS_AS_TENSORS
    positional = [p for p in ps if not p.keyword_only]
    args = _spread(positional, args)
    named = _by_parameter(ps, kwargs)
    if len(args) > len(positional):
        least = sum(p.required for p in ps)  # (torch counts required keywords too: sort's `stable`)
        if least != len(positional):
            return f"{name}() takes from {least} to {len(positional)} positional arguments but {len(args)} were given"
        plural, verb = ("" if least == 1 else "s"), ("was" if len(args) == 1 else "were")
        return f"{name}() takes {least} positional argument{plural} but {len(args)} {verb} given"
    for i, p in enumerate(ps):
        by_position = i < len(args) and not p.keyword_only
        if not by_position and p.name not in named:
            if p.required:
                missing = [q.name for q in ps[i:] if q.required]  # (torch lists those given by keyword too)
                plural = "s" if len(missing) == 1 else ""  # (sic: torch's plural is on the one)
                return f'{name}() missing {len(missing)} required positional argument{plural}: ' + \
                    ", ".join(f'"{m}"' for m in missing)
            continue
        value = args[i] if by_position else named[p.name]
        why = p.refuses(value, numbers_as_tensors, name.rstrip("_"))
        if why is not None and not by_position:  # (by keyword, a list's type is named: "not tuple")
            why = f"not {type_name(value)}"
        if why is not None:
            where = f" (position {i + 1})" if by_position else ""
            return f"{name}(): argument '{p.name}'{where} must be {p.type}, {why}"
    if len(named) < len(kwargs):  # a keyword no parameter took: torch names the first one that is no parameter's
        # own name, so numpy's `axis` taken for dim comes before `out` (np.mean(t) calls t.mean(axis=, dtype=, out=))
        own_names = {p.name for p in ps}
        return f"{name}() got an unexpected keyword argument '{next(k for k in kwargs if k not in own_names)}'"
    return None


def _non_tensor_in_tensor_list(listed: tuple[str, ...], args: tuple, kwargs: dict) -> str | None:
    """torch's error for a list of tensors holding something else (`torch.stack([[1, 2], [3, 4]])`), or None.

    torch's parser reads a signature's parameters in order and gives up on the signature at the first one it
    refuses; but a list of tensors with another thing in it is not refused quietly: the parser stops there and
    then, naming the element and the parameter's place in that signature (counted from 0, keywords too)."""
    for ps in map(_params, listed):
        positional = [p for p in ps if not p.keyword_only]
        if len(args) > len(positional):
            continue
        for i, p in enumerate(ps):
            by_position = i < len(args) and not p.keyword_only
            if not by_position and p.name not in kwargs:
                if p.required:
                    break
                continue
            value = args[i] if by_position else kwargs[p.name]
            if p.type == "tuple of Tensors" and isinstance(value, (tuple, list)):
                wrong = next((k for k, v in enumerate(value) if not isinstance(v, Tensor)), None)
                if wrong is not None:
                    return f"expected Tensor as element {wrong} in argument {i}, but got {type_name(value[wrong])}"
            elif p.refuses(value) is not None:
                break
    return None


def _by_parameter(ps: list[Param], kwargs: dict) -> dict:
    """The keywords the parameters take, under each parameter's name: its own keyword, else numpy's name for it."""
    named = {}
    for p in ps:
        key = next((k for k in (p.name, *_NUMPY_ALIASES.get(p.name, ())) if k in kwargs), None)
        if key is not None:
            named[p.name] = kwargs[key]
    return named


def _spread(positional: list[Param], args: tuple) -> tuple:
    """t.view(2, 3) as t.view((2, 3)): where the one positional parameter is a required list of ints (not std's
    `dim = None`), ints given one by one are that list."""
    varargs = len(positional) == 1 and positional[0].type == "tuple of ints" and positional[0].required
    return (args,) if varargs and len(args) > 1 and is_int(args[0]) else args


def _unpack_error(name: str, ps: list[Param], args: tuple, kwargs: dict) -> str | None:
    """torch's error for a list of ints the parser took on its first element whose later element is no int
    (a bool is one there); its bindings read the lists last one first."""
    args = _spread([p for p in ps if not p.keyword_only], args)
    given = [(p, args[i] if i < len(args) and not p.keyword_only else kwargs.get(p.name)) for i, p in enumerate(ps)]
    for p, value in reversed(given):
        if p.type == "tuple of ints" and isinstance(value, (tuple, list)):
            bad = next((i for i, v in enumerate(value) if i and not is_int(v, allow_bool=True)), None)
            if bad is not None:
                return (f"{name}(): argument '{p.name}' failed to unpack the object at pos {bad + 1} with error "
                        f'"type must be tuple of ints,but got {type_name(value[bad])}"')
    return None

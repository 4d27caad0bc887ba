"""Bind every declared op (ops/declare.py) as torch spells it: `torch.X`, `Tensor.X`, `Tensor.X_`.

For each `@op` declaration:

- `Tensor.X` is the declared function itself (its first parameter, `input`, is the tensor the
  method is called on), so a method call costs no extra Python call;
- with `varargs_method`, `Tensor.X` also takes its second argument spread out (`t.flip(0, 1)`);
- with `renumber_method_errors`, a TypeError of `Tensor.X` (and `Tensor.X_`) counts the arguments
  as torch's method does, leaving self out (`t.softmax(None)`: "argument 'dim' (position 1)");
- `Tensor.X_` writes the result back into the tensor (`_assign`, in tensor_methods.py), after
  checking that the result has the tensor's shape, as torch does; for `inplace="view"` the tensor
  takes the result's shape instead (`_take_shape_of`), and its node torch's in-place name;
- `torch.X` is the declared function, or, where torch's takes `out=`, the function with `out=`
  (none for an op declared `function=False`, a method only);
- `torch.X_`, where declared `inplace_function`, is `Tensor.X_` itself (`torch.exp_(t)`);
- every alias (`torch.arcsin` for `asin`) is bound the same way under its own name.
"""
from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

from ..argcheck import (
    ComplexUnsupported,
    NotAnOperand,
    complex_into,
    fits_count,
    invalid_combination,
    method_signature,
    type_name,
)
from ..core import dtypes, views
from ..core.function import rename
from ..core.tensor import Tensor
from ..ops import (  # noqa: F401  (importing them runs their @op declarations)
    cast,
    compare,
    decompositions,
    indexing,
    linalg,
    logical,
    pointwise,
    pointwise_more,
    reduce,
    shape,
    special,
    statistics,
    view_copies,
)
from ..ops.declare import DECLARED, OpDecl
from ..ops.promotion import result_type
from ..overload_table import FUNCTIONS, METHODS, NO_ARGUMENTS
from ..overloads import refusal
from .functions import accepts_out
from .out_rules import out_rules
from .overlap import check_inputs, rule_of
from .tensor_first import tensor_first

# in-place ops whose result must already have the tensor's dtype (torch casts other results into the tensor)
_INPLACE_EXACT_DTYPE = {"float_power_": "the base given to float_power_ has dtype {self} but the operation's result "
                                        "requires dtype {result}"}


def _inplace_checks_overlap(decl: OpDecl) -> bool:
    """Whether torch's X_ refuses an input sharing part of the tensor's memory: its out= rule says, but
    for ldexp_, which torch writes as mul_(2 ** other) and so reads `other` before writing."""
    return decl.name != "ldexp" and rule_of(decl.name, decl.module)[0] is not None


def _inplace(fn: Callable[..., Tensor], name: str, checks_overlap: bool = True,
             first_check: Callable[..., None] | None = None) -> Callable[..., Tensor]:
    """`t.X_(...)`: t takes the value of X(t, ...), which must have t's shape; `checks_overlap`: an input
    sharing part of t's memory is refused, as torch's TensorIterator ops refuse it; `first_check(t, ...)`:
    what torch's X_ checks before X's own checks."""
    exact_dtype = _INPLACE_EXACT_DTYPE.get(name)
    writes_through = name in views.WRITES_THROUGH  # (masked_fill_, index_fill_, index_put_ on an expanded tensor)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if first_check is not None:
            first_check(self, *args, **kwargs)
        if checks_overlap:  # x[1:].add_(x[:-1]) would read what it already wrote
            views.check_view_write(self, False)  # but autograd's refusals (a leaf's view) come first in torch
            check_inputs(self, args)
            if kwargs:
                check_inputs(self, kwargs)
        if writes_through:  # torch's deprecation warning for an expanded tensor comes before the op's own checks
            self._warn_expanded_write(name)
        try:
            result = fn(self._stand_in(), *args, **kwargs)
        except NotAnOperand as error:  # t.add_(array)
            raise _refused(name, error, fn, (self, *args), kwargs, method=True) from None
        except TypeError as error:  # torch's parser names the method called: "atan2_(): argument 'other' ..."
            signatures = getattr(error, "signatures", None)
            if signatures and signatures[0].startswith("(Tensor input"):  # torch.clamp_(t, 'a'): the function's
                # overloads, which have no out= in place
                raise invalid_combination(name, (self, *args), tuple(map(_without_out, signatures)), kwargs) from None
            prefix = next((p for p in (fn.__name__, name.rstrip("_")) if str(error).startswith(p + "(")), None)
            if prefix is None:
                raise
            raise TypeError(name + str(error)[len(prefix):]) from None
        except ComplexUnsupported:  # t.mul_(1j): torch refuses to write a complex result into a real tensor
            raise complex_into(self.dtype) from None
        except NotImplementedError:  # t.bitwise_or_(floats): the result type must fit t before a kernel is sought
            raise_if_uncastable(self, args[:1])
            raise
        if exact_dtype is not None and result.dtype is not self.dtype:
            raise RuntimeError(exact_dtype.format(self=self.dtype._legacy, result=result.dtype._legacy))
        if getattr(result.grad_fn, "aten_name", None) == fn.__name__:  # a NoDerivative node: torch's error names X_
            result.grad_fn.aten_name = name
        return self._assign(self._inplace_result_shape(result), name if writes_through else None)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place `{fn.__name__}`: the tensor takes the value of `{fn.__name__}(tensor, ...)`."
    return method


def raise_if_uncastable(self: Tensor, others: tuple | list) -> None:
    """torch's in-place ops first promote the operands, then refuse a result type that self's dtype
    cannot hold, before looking for the op's kernel: `int_t |= 1.5` is a cast error, not bitwise_or's
    "not implemented for 'Float'"."""
    result = result_type(self, *others)
    if dtypes._category(result) > dtypes._category(self.dtype):
        raise RuntimeError(f"result type {result._legacy} can't be cast to the desired output type "
                           f"{self.dtype._legacy}") from None


def _without_out(signature: str) -> str:
    """An overload without its `out=` parameter (and the `*` that only it followed)."""
    return signature.replace(", *, Tensor out = None)", ")").replace(", Tensor out = None)", ")")


def _inplace_view(fn: Callable[..., Tensor], name: str, node_names: dict) -> Callable[..., Tensor]:
    """`t.X_(...)` of a view op: t becomes X(t, ...), whose shape may differ from t's."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        try:
            result = fn(self, *args, **kwargs)
        except (RuntimeError, TypeError) as error:  # torch's message names the in-place op: "t_() expects ..."
            if not str(error).startswith(fn.__name__ + "("):
                raise
            raise type(error)(name + str(error)[len(fn.__name__):]) from None
        if result.grad_fn is not None and result.grad_fn.name() in node_names:
            rename(result, node_names[result.grad_fn.name()])
        return self._take_shape_of(result)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place `{fn.__name__}`: the tensor becomes `{fn.__name__}(tensor, ...)`, shape and all."
    method.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]  (for help() and the stub)
    return method


def _varargs(fn: Callable[..., Any], name: str, one_int_too: bool = True) -> Callable[..., Any]:
    """The method `t.X(a, b)` as `X(t, (a, b))` (and `t.X(a)` as `X(t, (a,))` if `one_int_too`);
    `t.X((a, b))` and keywords pass through."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, args, **kwargs) if len(args) > 1 or (one_int_too and len(args) == 1 and
                                                                  isinstance(args[0], int)) \
                else fn(self, *args, **kwargs)
        except TypeError as error:  # t.flip(dims=0): torch names no position for an argument given by name
            _raise_refusal(name, args, kwargs, True, error)
            if not kwargs:
                raise
            raise TypeError(_keyword_unnumbered(str(error), kwargs)) from None

    method.parses_as_torch = True  # type: ignore[attr-defined]  # (parse_methods_as_torch leaves it)
    method.__name__ = method.__qualname__ = fn.__name__
    method.__doc__, method.__annotations__ = fn.__doc__, fn.__annotations__
    first, spread, *rest = inspect.signature(fn).parameters.values()
    method.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  (t.flip(*dims), for help() and the stub)
        [first, spread.replace(kind=inspect.Parameter.VAR_POSITIONAL, default=inspect.Parameter.empty)]
        + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in rest])
    return method


# the errors an op may raise on arguments torch's parser refuses before the op runs
_PARSER_CHECKS_FIRST = (TypeError, ValueError, AttributeError, RuntimeError, IndexError)


_POSITION = re.compile(r"\(position (\d+)\)")
_NAMED_POSITION = re.compile(r"argument '(\w+)' \(position \d+\)")


def _as_method_error(message: str) -> str:
    """torch's TypeError of a function, as its method reports it: self is neither counted in the
    arguments' positions nor listed among the arguments it got."""
    found = _POSITION.search(message)
    if found is not None:
        message = _POSITION.sub(f"(position {int(found.group(1)) - 1})", message, count=1)
    message = message.replace("got (Tensor, ", "got (", 1).replace("got (Tensor)", "got ()", 1)
    if "invalid combination of arguments - got (" in message:
        got = message.split("got (", 1)[1].split("), but", 1)[0]
        if got and all("=" in part for part in got.split(", ")):  # only keywords are left: torch's punctuation
            message = message.replace(f"got ({got})", f"got ({got}, )", 1)
    # the method's signatures list neither self nor out=, nor its checker's line the self argument
    message = message.replace("some of the arguments have invalid types: (Tensor, ", "some of the arguments have invalid types: (")
    return message.replace("(Tensor input, *, Tensor out = None)", "()").replace("(Tensor input, ", "(").replace(
        ", *, Tensor out = None)", ")").replace(", Tensor out = None)", ")")


def _keyword_unnumbered(message: str, kwargs: dict) -> str:
    """torch's TypeError about an argument given by keyword: it has no position."""
    found = _NAMED_POSITION.search(message)
    if found is None or found.group(1) not in kwargs:
        return message
    return message.replace(found.group(0), f"argument '{found.group(1)}'", 1)


def renumbered(fn: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
    """The method `t.X(...)` (`t.name(...)` for an alias), whose TypeError leaves `t` out of its count, as
    torch's does."""

    @functools.wraps(fn)
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except _PARSER_CHECKS_FIRST as error:
            _raise_refusal(name or fn.__name__, args, kwargs, True, error)
            if not isinstance(error, TypeError):
                raise
            if getattr(error, "signatures", None):
                raise _method_overload_error(error, args, kwargs, name or fn.__name__) from None
            raise TypeError(_keyword_unnumbered(_as_method_error(_torch_missing_arguments(str(error))), kwargs)) from None

    method.parses_as_torch = True  # type: ignore[attr-defined]  # (parse_methods_as_torch leaves it)
    return method


def _method_overload_error(error: TypeError, args: tuple, kwargs: dict, name: str) -> TypeError:
    """torch's 'invalid combination' error of a function, as its method `name` reports it: its own overloads (no
    self, no out=), each explained where the call's count fits it; or, when only one overload fits the count, that
    overload's own error (`t.max(0, 1)`: "argument 'keepdim' (position 2) must be bool, not int")."""
    signatures = tuple(method_signature(s) for s in error.signatures)  # type: ignore[attr-defined]
    specific = getattr(error, "specific", None)
    if specific and sum(fits_count(s, len(args) + len(kwargs)) for s in signatures) == 1:
        specific = name + specific[len(error.overloads_of):]  # type: ignore[attr-defined]  # (the op's own name first)
        return TypeError(_keyword_unnumbered(_as_method_error(specific), kwargs))
    return invalid_combination(name, args, signatures, kwargs)


# torch's argument parser also reads numpy's names of four parameters (its numpy_compatibility_arg_names):
# `axis` for `dim` and `keepdims` for `keepdim`, as in makemore's `P.sum(1, keepdims=True)`; `x`, `a` and `x1`
# for `input` and `x2` for `other` (`torch.sum(a=t)`), first found first.
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input", "x2": "other"}
# and torch.swapaxes, transpose under numpy's name, calls its dims as numpy does
_SWAPAXES_NAMES = {"axis0": "dim0", "axis1": "dim1"}


def _numpy_names(fn: Callable[..., Any], names: dict = _NUMPY_NAMES) -> Callable[..., Any]:
    """fn, also taking `axis=` and `keepdims=` where it has `dim` and `keepdim` (fn itself when it has neither)."""
    parameters = inspect.signature(fn).parameters
    spelled = {alias: name for alias, name in names.items() if name in parameters and alias not in parameters}
    if not spelled:
        return fn

    @functools.wraps(fn)
    def takes_numpy_names(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            for alias, name in spelled.items():
                if alias in kwargs and name not in kwargs:  # (both given: fn's own TypeError names the alias, as torch's)
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    return takes_numpy_names


def _function(decl: OpDecl, name: str | None = None) -> Callable[..., Any]:
    """The declared function as users call it (under `name`): with numpy's parameter names too."""
    function = _numpy_names(decl.function)
    return _numpy_names(function, _SWAPAXES_NAMES) if name == "swapaxes" else function


def _method(decl: OpDecl, name: str | None = None) -> Callable[..., Any]:
    """Tensor.X: the declared function, unless torch's method takes or reports arguments otherwise."""
    name = name or decl.name
    if decl.varargs_method:
        return _varargs(_function(decl, name), name, one_int_too=decl.varargs_method is True)
    if _takes_an_operand(decl):  # t.add(np_array), t.mm(2): torch's parser errors, worded for the method
        return parser_errors(_function(decl, name), name or decl.name, method=True,
                             renumber=decl.renumber_method_errors)
    return renumbered(_function(decl, name), name) if decl.renumber_method_errors else _function(decl, name)


def parsed_method(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """The method `t.name(...)`, whose error is torch's parser's when its parser refuses the call
    (overloads.refusal): only on the way out of a failed call, so a call that works pays one frame."""

    @functools.wraps(fn)
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except _PARSER_CHECKS_FIRST as error:
            _raise_refusal(name, args, kwargs, True, error)
            raise

    method.parses_as_torch = True  # type: ignore[attr-defined]
    return method


def parsed_function(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """`torch.name(...)`, as parsed_method."""

    @functools.wraps(fn)
    def function(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except _PARSER_CHECKS_FIRST as error:
            _raise_refusal(name, args, kwargs, False, error)
            raise

    function.parses_as_torch = True  # type: ignore[attr-defined]
    return function


def parse_methods_as_torch() -> None:
    """Put torch's parser errors (overloads.refusal) in front of every method the table knows that the binding
    above did not already give them (those written by hand: t.fill_, t.where, t.new_zeros, ...)."""
    for name in [*METHODS, *(n for n in NO_ARGUMENTS if hasattr(Tensor, n))]:
        method = getattr(Tensor, name)  # (through the class: the function, also behind a descriptor)
        if getattr(method, "parses_as_torch", False):
            continue
        printed_as_builtin = vars(Tensor).get(name)  # t.type printed uncalled (tensor_methods._PrintsAsBuiltin)
        if hasattr(printed_as_builtin, "function"):
            printed_as_builtin.function = parsed_method(method, name)
        else:
            setattr(Tensor, name, parsed_method(method, name))


def parse_functions_as_torch(namespace: dict[str, Any]) -> None:
    """parse_methods_as_torch for the package's functions (torch.zeros, torch.eye, ...)."""
    for name in FUNCTIONS:
        if name in namespace and not getattr(namespace[name], "parses_as_torch", False):
            namespace[name] = parsed_function(namespace[name], name)


def _raise_refusal(name: str, args: tuple, kwargs: dict, method: bool, error: Exception) -> None:
    """Raise torch's parser error for the call that failed with `error` if torch's parser refuses it
    (overloads.refusal): an op's own error may name an argument or list overloads otherwise."""
    refused = refusal(name, args, kwargs, method, error)
    if refused is not None:
        raise refused from None


def _takes_an_operand(decl: OpDecl) -> bool:
    """Whether the op's second parameter is an operand (a tensor or a number) or a tensor."""
    parameters = list(inspect.signature(decl.function).parameters.values())
    return len(parameters) > 1 and (parameters[1].name in ("other", "exponent") or parameters[1].annotation == "Tensor")


def _names(decl: OpDecl) -> tuple[str, ...]:
    return (decl.name, *decl.aliases)


def bind_methods() -> None:
    """Tensor.X and Tensor.X_ for every declared op (once, when the package is imported)."""
    for decl in DECLARED.values():
        for name in _names(decl):
            if decl.method:
                _set_new(Tensor, name, _method(decl, name))
            function = _function(decl, name)
            as_method = renumbered(function, name) if decl.renumber_method_errors else function
            if decl.inplace:
                _set_new(Tensor, name + "_", _inplace_of(decl, as_method, name + "_"))


def _inplace_of(decl: OpDecl, fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    """`X_`, the in-place variant of the op `fn`: a view op's takes the result's shape, any other's its values."""
    if decl.inplace == "view":
        return _inplace_view(fn, name, decl.inplace_names)
    return _inplace(fn, name, _inplace_checks_overlap(decl), decl.inplace_check)


# torch's functions written in Python (torch/functional.py) have no argument parser: given a number for a tensor
# they fail as their code does (tensordot(x, 2): AttributeError 'int' object has no attribute 'dim')
_WRITTEN_IN_PYTHON = {"atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
                      "cartesian_prod", "cdist", "chain_matmul", "einsum", "meshgrid", "norm", "split", "tensordot",
                      "unravel_index"}


def parser_errors(fn: Callable[..., Any], name: str, method: bool = False, renumber: bool = False) -> Callable[..., Any]:
    """torch.X (or, with `method`, t.X) with two of torch's parser errors, caught only when they happen (one
    wrapper, so a call pays one extra frame):
    - something that is no tensor where only a tensor fits (`torch.exp(np_array)`, `torch.dot(x, 2)`): torch's
      TypeError, not the error the op would raise deep inside. A parameter annotated `Tensor` takes only a
      tensor; a first parameter `input` otherwise annotated only when the op fails with an AttributeError
      (ops that take a number there, `torch.add(1, t)`, run as before);
    - a TypeError about an argument given by keyword names no position (`torch.histc(x, bins=1.5)`).
    A method's TypeError leaves self out of its positions and of the arguments it got, as torch's does (the op's
    own TypeErrors too when `renumber`: those it words as the function's)."""
    parameters = list(inspect.signature(fn).parameters.values())
    tensor_only = [] if name in _WRITTEN_IN_PYTHON else [
        (i, p.name) for i, p in enumerate(parameters) if p.annotation == "Tensor" and p.kind != p.VAR_POSITIONAL]
    spread_tensors = bool(parameters) and parameters[0].kind == parameters[0].VAR_POSITIONAL \
        and parameters[0].annotation == "Tensor"  # block_diag(*tensors): torch reads them as one list
    takes_input = bool(parameters) and parameters[0].name == "input" and name not in _WRITTEN_IN_PYTHON

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotAnOperand as error:  # torch.add(t, array)
            _raise_refusal(name, args[1:] if method else args, kwargs, method, error)
            raise _refused(name, error, fn, args, kwargs, method=method) from None
        except (AttributeError, RuntimeError, ValueError, IndexError) as error:
            _raise_refusal(name, args[1:] if method else args, kwargs, method, error)  # (torch's parser checks first)
            checked_params = tensor_only
            if isinstance(error, AttributeError) and takes_input and (0, "input") not in tensor_only:
                checked_params = [(0, "input"), *tensor_only]
            if spread_tensors:
                wrong = next((i for i, t in enumerate(args) if not isinstance(t, Tensor)), None)
                if wrong is None:
                    raise
                raise TypeError(f"expected Tensor as element {wrong} in argument 0, but got "
                                f"{type_name(args[wrong])}") from None  # (numpy's types with their module)
            wrong = _first_non_tensor(checked_params, args, kwargs)
            if wrong is None:
                raise
            raise TypeError(_as_method_error(f"{name}(): {wrong}") if method else f"{name}(): {wrong}") from None
        except TypeError as error:
            _raise_refusal(name, args[1:] if method else args, kwargs, method, error)
            if renumber:
                raise TypeError(_keyword_unnumbered(_as_method_error(_torch_missing_arguments(str(error))), kwargs)) \
                    from None
            if name in _WRITTEN_IN_PYTHON:  # (its words are those of the op it calls, in the way it calls it)
                raise TypeError(str(error)) from None
            if not kwargs:
                raise TypeError(_torch_missing_arguments(str(error))) from None
            raise TypeError(_keyword_unnumbered(str(error), kwargs)) from None

    checked.parses_as_torch = True  # type: ignore[attr-defined]  # (parse_methods_as_torch leaves it)
    return checked


_PYTHON_MISSING = re.compile(r"^(\w+)\(\) missing (\d+) required positional arguments?: (.*)$")


def _torch_missing_arguments(message: str) -> str:
    """Python's "softmax() missing 1 required positional argument: 'dim'" as torch's parser words it:
    `softmax() missing 1 required positional arguments: "dim"` (its plural is on the one, as in torch)."""
    found = _PYTHON_MISSING.match(message)
    names = re.findall(r"'(\w+)'", found.group(3)) if found else []
    if not names:  # not Python's words (or already torch's)
        return message
    fn, count = found.group(1), found.group(2)
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"{fn}() missing {count} required positional argument{'s' if count == '1' else ''}: {quoted}"


# The binary ops whose refusal of an operand torch's parser words "argument 'other' (position 2) must be Tensor"
# (their overloads taking a number are hidden from it); the others list their overloads ("invalid combination").
_MUST_BE_TENSOR = {"add", "sub", "mul", "div"}  # (their aliases subtract, multiply, divide list overloads)


def _refused(name: str, error: NotAnOperand, fn: Callable[..., Any], args: tuple, kwargs: dict,
             method: bool = False) -> TypeError:
    """torch's TypeError for an operand its parser takes neither as a tensor nor as a number (`error.value`):
    `torch.X(...)` as called with `args` and `kwargs`, or the method `t.X(...)` (args[0] is t)."""
    parameters = inspect.signature(fn).parameters
    tensor_only = [(i, p.name) for i, p in enumerate(parameters.values()) if p.annotation == "Tensor"]
    wrong = _first_non_tensor(tensor_only, args, kwargs)
    op_name = name.rstrip("_")
    if str(error).startswith(op_name + "("):  # the op worded it already (matmul, pow), under the name called
        message = name + str(error)[len(op_name):]
    elif wrong is not None:  # a parameter that takes only a tensor (dot's, mm's)
        message = f"{name}(): {wrong}"
    elif op_name in _MUST_BE_TENSOR and "rounding_mode" not in kwargs:
        position = next((i for i, a in enumerate(args) if a is error.value), None)
        where = f"argument '{list(parameters)[position]}' (position {position + 1})" if position is not None else \
            f"argument '{next(k for k, v in kwargs.items() if v is error.value)}'"
        message = f"{name}(): {where} must be Tensor, not {type_name(error.value)}"
    else:
        message = str(invalid_combination(name, args, (), kwargs))
    return TypeError(_as_method_error(message) if method else message)


def _first_non_tensor(params: list[tuple[int, str]], args: tuple, kwargs: dict) -> str | None:
    """torch's words for the first of `params` (position, name) given something that is not a tensor."""
    for position, param in params:
        by_keyword = position >= len(args)
        if by_keyword and param not in kwargs:
            continue
        given = kwargs[param] if by_keyword else args[position]
        if isinstance(given, Tensor):
            continue
        kind = type(given)
        named = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        where = "" if by_keyword else f" (position {position + 1})"  # (torch numbers positional arguments only)
        return f"argument '{param}'{where} must be Tensor, not {named}"
    return None


def _errors_name_the_alias(fn: Callable[..., Any], alias: str, name: str) -> Callable[..., Any]:
    """torch.greater(3, x): torch's parser names the function as it was called, not the op it is an alias of."""

    @functools.wraps(fn)
    def aliased(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TypeError as error:
            if not str(error).startswith(f"{name}("):
                raise
            raise TypeError(alias + str(error)[len(name):]) from None

    return aliased


def export(namespace: dict[str, Any]) -> None:
    """torch.X for every declared op, and torch.X_ where torch has it, into the package's namespace."""
    for decl in DECLARED.values():
        if not decl.is_function:
            continue
        for name in _names(decl):
            function = parser_errors(_function(decl, name), name)
            if name != decl.name:
                function = _errors_name_the_alias(function, name, decl.name)
            namespace[name] = accepts_out(function, out_rules(decl.name, decl.module), name) if decl.out else function
            if decl.inplace_function:  # torch.exp_(t) is t.exp_(): the same function (counting t in its errors)
                inplace = _inplace_of(decl, _function(decl), name + "_") if decl.renumber_method_errors \
                    else vars(Tensor)[name + "_"]
                namespace[name + "_"] = tensor_first(inplace, name + "_")  # torch.exp_(array): torch's TypeError


def _set_new(cls: type, name: str, member: Any) -> None:
    """Bind a declared op; a method of the same name written by hand would be a second definition."""
    if name in vars(cls):
        raise RuntimeError(f"Tensor.{name} is both declared as an op and written as a method")
    setattr(cls, name, member)

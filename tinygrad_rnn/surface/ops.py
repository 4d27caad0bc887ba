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

from ..argcheck import cpp_type_name, wrong_out_dtype
from ..core import dtypes
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
from .functions import accepts_out
from .overlap import check_inputs, rule_of

# in-place ops whose result must already have the tensor's dtype (torch casts other results into the tensor)
_INPLACE_EXACT_DTYPE = {"float_power_": "the base given to float_power_ has dtype {self} but the operation's result "
                                        "requires dtype {result}"}


def _inplace_checks_overlap(decl: OpDecl) -> bool:
    """Whether torch's X_ refuses an input sharing part of the tensor's memory: its out= rule says, but
    for ldexp_, which torch writes as mul_(2 ** other) and so reads `other` before writing."""
    return decl.name != "ldexp" and rule_of(decl.name, decl.module)[0] is not None


def _inplace(fn: Callable[..., Tensor], name: str, checks_overlap: bool = True) -> Callable[..., Tensor]:
    """`t.X_(...)`: t takes the value of X(t, ...), which must have t's shape; `checks_overlap`: an input
    sharing part of t's memory is refused, as torch's TensorIterator ops refuse it."""
    exact_dtype = _INPLACE_EXACT_DTYPE.get(name)

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if checks_overlap:  # x[1:].add_(x[:-1]) would read what it already wrote
            check_inputs(self, args)
            if kwargs:
                check_inputs(self, kwargs)
        try:
            result = fn(self._stand_in(), *args, **kwargs)
        except TypeError as error:  # torch's parser names the method called: "atan2_(): argument 'other' ..."
            if not str(error).startswith(fn.__name__ + "("):
                raise
            raise TypeError(name + str(error)[len(fn.__name__):]) from None
        if exact_dtype is not None and result.dtype is not self.dtype:
            raise RuntimeError(exact_dtype.format(self=self.dtype._legacy, result=result.dtype._legacy))
        return self._assign(self._inplace_result_shape(result))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place `{fn.__name__}`: the tensor takes the value of `{fn.__name__}(tensor, ...)`."
    return method


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


def _varargs(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The method `t.X(a, b)` as `X(t, (a, b))`; `t.X((a, b))` and keywords pass through."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, args, **kwargs) if len(args) > 1 or (len(args) == 1 and isinstance(args[0], int)) \
                else fn(self, *args, **kwargs)
        except TypeError as error:  # t.flip(dims=0): torch names no position for an argument given by name
            if not kwargs:
                raise
            raise TypeError(_keyword_unnumbered(str(error), kwargs)) from None

    method.__name__ = method.__qualname__ = fn.__name__
    method.__doc__, method.__annotations__ = fn.__doc__, fn.__annotations__
    first, spread, *rest = inspect.signature(fn).parameters.values()
    method.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  (t.flip(*dims), for help() and the stub)
        [first, spread.replace(kind=inspect.Parameter.VAR_POSITIONAL)]
        + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in rest])
    return method


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


def _renumbered(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The method `t.X(...)`, whose TypeError leaves `t` out of its count, as torch's does."""

    @functools.wraps(fn)
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except TypeError as error:
            raise TypeError(_keyword_unnumbered(_as_method_error(str(error)), kwargs)) from None

    return method


# torch's argument parser also reads numpy's names of two parameters (its numpy_compatibility_arg_names):
# `axis` for `dim` and `keepdims` for `keepdim`, as in makemore's `P.sum(1, keepdims=True)`.
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


def _numpy_names(fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn, also taking `axis=` and `keepdims=` where it has `dim` and `keepdim` (fn itself when it has neither)."""
    parameters = inspect.signature(fn).parameters
    spelled = {alias: name for alias, name in _NUMPY_NAMES.items() if name in parameters and alias not in parameters}
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


def _function(decl: OpDecl) -> Callable[..., Any]:
    """The declared function as users call it: with numpy's parameter names too."""
    return _numpy_names(decl.function)


def _method(decl: OpDecl) -> Callable[..., Any]:
    """Tensor.X: the declared function, unless torch's method takes or reports arguments otherwise."""
    if decl.varargs_method:
        return _varargs(_function(decl))
    return _renumbered(_function(decl)) if decl.renumber_method_errors else _function(decl)


def _names(decl: OpDecl) -> tuple[str, ...]:
    return (decl.name, *decl.aliases)


def bind_methods() -> None:
    """Tensor.X and Tensor.X_ for every declared op (once, when the package is imported)."""
    for decl in DECLARED.values():
        for name in _names(decl):
            if decl.method:
                _set_new(Tensor, name, _method(decl))
            as_method = _renumbered(_function(decl)) if decl.renumber_method_errors else _function(decl)
            if decl.inplace == "view":
                _set_new(Tensor, name + "_", _inplace_view(as_method, name + "_", decl.inplace_names))
            elif decl.inplace:
                _set_new(Tensor, name + "_", _inplace(as_method, name + "_", _inplace_checks_overlap(decl)))


# torch's matrix products want `out` of the result's dtype (outer, kron and addr cast into it, as pointwise ops),
# and so does signbit (a bool `out` only)
def _castable_only(name: str) -> Callable[[Any, Any], str | None]:
    """A kernel that writes into an out of a dtype it can cast to (up), and words its refusal of others."""
    def words(result: Any, out: Any) -> str | None:
        if dtypes._category(result) <= dtypes._category(out):  # (torch.can_cast)
            return None
        return (f"{name}: Expected result to be safely castable from {result._legacy} dtype, but got result with "
                f"dtype {out._legacy}")
    return words


def _structured_or(other: Callable[[Any, Any], str | None]) -> Callable[[Any, Any], str | None]:
    """torch's structured-kernel refusal of a float out of another dtype, `other` for an integer one."""
    return lambda result, out: wrong_out_dtype(result, out) if out.is_floating_point else other(result, out)


EXACT_OUT_DTYPE: dict[str, Any] = {
    **dict.fromkeys(["addmm", "addmv", "baddbmm", "signbit", "gather", "tril", "triu", "mv", "cross", "inverse",
                     "index_add", "index_copy", "index_reduce", "take_along_dim", "renorm", "msort", "view_copy",
                     "permute_copy", "t_copy", "transpose_copy", "select_copy", "slice_copy", "squeeze_copy",
                     "unsqueeze_copy", "diagonal_copy", "unfold_copy", "alias_copy", "as_strided_copy"], True),
    "addbmm": lambda result, out: f"self and mat2 must have the same dtype, but got {out._legacy} and {result._legacy}",
    "inner": lambda result, out: f"tensordot: Expected the output tensor to have dtype {result._legacy}, but got an "
                                 f"output tensor with dtype {out._legacy}",
    **dict.fromkeys(["matmul", "dot", "vdot"], lambda result, out: f"result dtype {out._legacy} does not match input "
                                                                   f"dtype {result._legacy}"),
    "where": lambda result, out: f"Expected out type to be {result._legacy} but got {out._legacy}",
    **{name: lambda result, out, name=name: f"{name}(): self and result must have the same scalar type"
       for name in ("index_select", "masked_select")},
    "take": lambda result, out: f"take(): self and out expected to have the same dtype, but got self.dtype = "
                                f"{result._legacy} and out.dtype = {out._legacy}",
    "narrow_copy": lambda result, out: "Expected self.dtype() == output.dtype() to be true, but got false.  (Could "
                                       "this error message be improved?  If so, please report an enhancement "
                                       "request to PyTorch.)",
    "histc": lambda result, out: f"torch.histogram: input tensor and hist tensor should have the same dtype, but got "
                                 f"input {cpp_type_name(result)} and hist {cpp_type_name(out)}",
    "diag": _structured_or(lambda result, out: f"diag: result type {result._legacy} can't be cast to the desired "
                                               f"out= type {out._legacy}"),
    "matrix_power": _structured_or(_castable_only("matrix_power")),
    **{name: _castable_only(name) for name in ("cholesky", "cholesky_solve", "cholesky_inverse")},
    # the overloads over every element (the (values, indices) ones are checked by _OUT_DTYPE_CHECKS)
    **dict.fromkeys(["max", "min"], lambda result, out: None if dtypes._category(result) <= dtypes._category(out)
                    else "Expected canCast( typeMetaToScalarType(self.dtype()), typeMetaToScalarType(out.dtype())) to "
                         "be true, but got false.  (Could this error message be improved?  If so, please report an "
                         "enhancement request to PyTorch.)"),
    "ldexp": lambda result, out: None if dtypes._category(result) <= dtypes._category(out)
    else f"ldexp can't be cast to the desired output type {out._legacy}",
    "mvlgamma": lambda result, out: None if dtypes._category(result) <= dtypes._category(out)  # (torch names the
    else f"mvlgamma: result type {result._legacy} can't be cast to the desired output type {result._legacy}",  # input twice)
}
# the ops that join a list of tensors refuse an `out` they would cast down with torch.cat's TypeError
_JOINS = {"cat", "stack", "hstack", "vstack", "dstack", "column_stack"}

# torch's kernels for these want `out` of the input's dtype, checked before anything is computed (measured)
_INPUT_DTYPE_OUT = {name: "Found dtype {out} but expected {input}" for name in
                    ("abs", "absolute", "neg", "sign", "sgn", "frac", "floor", "ceil", "trunc", "round", "bitwise_not",
                     "clamp", "clamp_min", "clamp_max")}
_INPUT_DTYPE_OUT["nan_to_num"] = "nan_to_num: dtype of out: {out} should be same as input: {input}"

def _bool_out(name: str) -> Callable[[Any, tuple, dict], None]:
    """any and all write bools, or uint8 (which torch keeps for uint8 inputs), into no other dtype."""
    def check(out: Any, args: tuple, kwargs: dict) -> None:
        if isinstance(out, Tensor) and out.dtype not in (dtypes.bool, dtypes.uint8):
            raise RuntimeError(f"{name} only supports bool tensor for result, got: {out.dtype._legacy}")
    return check


def _values_and_indices_out(message: Callable[[Any, Any, str], str], both_values: bool = False,
                            indices_first: bool = False) -> Callable[[Any, tuple, dict], None]:
    """An op writing (values, indices) wants values of the input's dtype and int64 indices (aminmax: two
    values); `message(expected, got, which)` words the refusal as that op's torch kernel does, which
    checks the indices first for median."""
    def check(out: Any, args: tuple, kwargs: dict) -> None:
        source = args[0] if args else kwargs.get("input")
        if not isinstance(out, (tuple, list)) or len(out) != 2 or not isinstance(source, Tensor):
            return  # (the tuple's own errors come later, as torch's parser gives them)
        wanted = (source.dtype, source.dtype if both_values else dtypes.int64)
        checks = list(zip(out, wanted, ("values", "indices")))
        for written, expected, which in reversed(checks) if indices_first else checks:
            if isinstance(written, Tensor) and written.dtype is not expected:
                raise RuntimeError(message(expected, written.dtype, which))
    return check


def _median_words(expected: Any, got: Any, which: str) -> str:
    if which == "values":
        return (f"Expected tensor for 'values' to have the same type as tensor for argument #2 'self'; but type "
                f"torch.{got._legacy}Tensor does not equal torch.{expected._legacy}Tensor (while checking arguments "
                "for median)")
    return (f"Expected tensor for argument #1 'indices' to have scalar type Long; but got torch.{got._legacy}Tensor "
            "instead (while checking arguments for median)")


def _out_dtype_rule(refuses: Callable[[Any, Any], bool], message: Callable[[Any, Any], str],
                    error: type = RuntimeError) -> Callable[[Any, tuple, dict], None]:
    """A check of a one-tensor out: `refuses(input dtype, out dtype)`, worded by `message(input dtype, out dtype)`."""
    def check(out: Any, args: tuple, kwargs: dict) -> None:
        source = args[0] if args else kwargs.get("input")
        if isinstance(out, Tensor) and isinstance(source, Tensor) and refuses(source.dtype, out.dtype):
            raise error(message(source.dtype, out.dtype))
    return check


def _same_dtype_as_input(message: Callable[[Any, Any], str]) -> Callable[[Any, tuple, dict], None]:
    return _out_dtype_rule(lambda given, out: out is not given, message)


_STRUCTURED = _values_and_indices_out(lambda expected, got, which: wrong_out_dtype(expected, got))
_OUT_DTYPE_CHECKS = {
    "any": _bool_out("any"), "all": _bool_out("all"),
    **dict.fromkeys(["max", "min", "sort", "topk"], _STRUCTURED),
    "aminmax": _values_and_indices_out(lambda expected, got, which: wrong_out_dtype(expected, got), both_values=True),
    "kthvalue": _values_and_indices_out(lambda expected, got, which: "output values must be of same type as input"
                                        if which == "values" else "output indices must be of scalar type Long"),
    **dict.fromkeys(["median", "nanmedian"], _values_and_indices_out(_median_words, indices_first=True)),
    "mode": _values_and_indices_out(lambda expected, got, which: f"expected scalar type '{expected._legacy}' but got "
                                    f"'{got._legacy}' for {which} output"),
    **dict.fromkeys(["amax", "amin"], _same_dtype_as_input(
        lambda given, out: f"Expected the dtype for input and out to match, but got {given._legacy} for input's "
                           f"dtype and {out._legacy} for out's dtype.")),
    # torch's nansum kernel runs in out's dtype, and has none for a float input and an integer out
    **dict.fromkeys(["nansum", "nanmean"], _out_dtype_rule(
        lambda given, out: given.is_floating_point and not out.is_floating_point,
        lambda given, out: f'"nansum_cpu" not implemented for \'{out._legacy}\'', NotImplementedError)),
    **{name: _out_dtype_rule(lambda given, out: out is dtypes.bool and given is not dtypes.bool,
                             lambda given, out, name=name: f'"{name}_out_cpu" not implemented for \'Bool\'',
                             NotImplementedError) for name in ("cumsum", "cumprod")},
    **dict.fromkeys(["argmax", "argmin"], _out_dtype_rule(lambda given, out: out is not dtypes.int64,
                                                          lambda given, out: wrong_out_dtype(dtypes.int64, out))),
    "logsumexp": _out_dtype_rule(lambda given, out: not out.is_floating_point, lambda given, out:
                                 f"logsumexp(): Expected floating point type for result tensor, but got: {out._legacy}"),
    "logcumsumexp": _same_dtype_as_input(lambda given, out: f"expected scalar_type {given._legacy} but found "
                                                            f"{out._legacy}"),
    **dict.fromkeys(["quantile", "nanquantile"], _same_dtype_as_input(  # (nanquantile's says quantile too)
        lambda given, out: "quantile() out tensor must be same dtype as the input tensor")),
    **dict.fromkeys(["cummax", "cummin"], _values_and_indices_out(
        lambda expected, got, which: f"expected scalar_type {expected._legacy} but found {got._legacy}")),
}

# reductions that compute in out's dtype (torch.sum(x, 0, out=int_tensor) sums integers)
_OUT_SETS_DTYPE = {**dict.fromkeys(["sum", "prod", "cumsum", "cumprod"], "integers"),
                   **dict.fromkeys(["mean", "std", "var", "nansum", "nanmean"], "floats")}

# only the overload over a dim takes `out` (torch.sum(x, out=o) is a TypeError)
_OUT_NEEDS_DIM = {"sum", "prod", "median", "nanmedian"}

# torch's parser takes a Python number as `out` of these (wrapped as a 0-d tensor the result is then written into)
_NUMBER_OUT = {"add", "sub", "mul", "div", "floor_divide"}


# torch's functions written in Python (torch/functional.py) have no argument parser: given a number for a tensor
# they fail as their code does (tensordot(x, 2): AttributeError 'int' object has no attribute 'dim')
_WRITTEN_IN_PYTHON = {"atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
                      "cartesian_prod", "cdist", "chain_matmul", "einsum", "meshgrid", "norm", "split", "tensordot",
                      "unravel_index"}


def _parser_errors(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """torch.X with two of torch's parser errors, caught only when they happen (one wrapper, so a call pays
    one extra frame):
    - something that is no tensor where only a tensor fits (`torch.exp(np_array)`, `torch.dot(x, 2)`): torch's
      TypeError, not the error the op would raise deep inside. A parameter annotated `Tensor` takes only a
      tensor; a first parameter `input` otherwise annotated only when the op fails with an AttributeError
      (ops that take a number there, `torch.add(1, t)`, run as before);
    - a TypeError about an argument given by keyword names no position (`torch.histc(x, bins=1.5)`)."""
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
        except (AttributeError, RuntimeError, ValueError, IndexError) as error:
            checked_params = tensor_only
            if isinstance(error, AttributeError) and takes_input and (0, "input") not in tensor_only:
                checked_params = [(0, "input"), *tensor_only]
            if spread_tensors:
                wrong = next((i for i, t in enumerate(args) if not isinstance(t, Tensor)), None)
                if wrong is None:
                    raise
                raise TypeError(f"expected Tensor as element {wrong} in argument 0, but got "
                                f"{type(args[wrong]).__name__}") from None
            wrong = _first_non_tensor(checked_params, args, kwargs)
            if wrong is None:
                raise
            raise TypeError(f"{name}(): {wrong}") from None
        except TypeError as error:
            if not kwargs:
                raise
            raise TypeError(_keyword_unnumbered(str(error), kwargs)) from None

    return checked


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
            function = _parser_errors(_function(decl), name)
            if name != decl.name:
                function = _errors_name_the_alias(function, name, decl.name)
            namespace[name] = accepts_out(
                function, EXACT_OUT_DTYPE.get(decl.name, False), decl.name in _JOINS, _INPUT_DTYPE_OUT.get(decl.name),
                decl.name in _NUMBER_OUT, name, decl.name in _OUT_NEEDS_DIM, rule_of(decl.name, decl.module),
                _OUT_DTYPE_CHECKS.get(decl.name), out_sets_dtype=_OUT_SETS_DTYPE.get(decl.name)) \
                if decl.out else function
            if decl.inplace_function:  # torch.exp_(t) is t.exp_(): the same function (counting t in its errors)
                namespace[name + "_"] = _inplace(_function(decl), name + "_", _inplace_checks_overlap(decl)) \
                    if decl.renumber_method_errors \
                    else vars(Tensor)[name + "_"]


def _set_new(cls: type, name: str, member: Any) -> None:
    """Bind a declared op; a method of the same name written by hand would be a second definition."""
    if name in vars(cls):
        raise RuntimeError(f"Tensor.{name} is both declared as an op and written as a method")
    setattr(cls, name, member)

"""What torch's kernel of each op does with `out=`, measured on torch 2.13: which dtypes of out it
writes into or refuses (and in what words), whether it computes in out's dtype, and which memory out
may share with the inputs (overlap.py). `surface/ops.py` gives each declared op its `OutRules`;
`functions.accepts_out` carries them out.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..argcheck import cpp_type_name, is_int, is_torch_dtype, wrong_out_dtype
from ..core import dtypes
from ..core.tensor import Tensor
from ..ops.promotion import result_type
from ..ops.shape import normalize_dim
from .overlap import UNCHECKED, rule_of


@dataclass(frozen=True)
class OutRules:
    """How one op's out= behaves (all off: the result is cast into out within a kind or up, as most ops do).

    `exact_dtype`: out must have the result's dtype; True words the refusal as torch's structured kernels,
    a function `(result dtype, out dtype) -> message or None` as the op's own (None: it casts after all).
    `joins`: cat and its kin, whose refusal to cast down is a TypeError. `number_out`: a Python number as
    out is a 0-d tensor of its type, as torch's add takes it (the caller never sees it). `needs_dim`: only
    the overload over a dim takes out (torch.sum(x, out=o) is a TypeError). `overlap`: which memory out may
    share (overlap.py). `check_dtype(out, args, kwargs)`: torch's refusal of out's dtype before anything is
    computed. `any_dtype`: the result is cast into out whatever its dtype (bernoulli's zeros and ones).
    `sets_dtype`: with no dtype= given, the op computes in a more precise float out's dtype ("floats"; "float
    inputs": only from a float input; "several results": only from a float input and for more than one
    result), or in any out's but a less precise float's ("integers": a sum into an int out adds integers), or
    "nansum": "integers" for an integer or bool input, else out's dtype whatever it is."""

    exact_dtype: bool | Callable[[Any, Any], str | None] = False
    joins: bool = False
    number_out: bool = False
    needs_dim: bool = False
    overlap: tuple = UNCHECKED
    check_dtype: Callable[[Any, tuple, dict], None] | None = None
    any_dtype: bool = False
    sets_dtype: str | None = None


def _unless_castable(words: Callable[[Any, Any], str]) -> Callable[[Any, Any], str | None]:
    """A kernel that casts its result into an out of a dtype it can be cast to (up, as torch.can_cast says),
    and refuses others in `words(result dtype, out dtype)`."""
    return lambda result, out: None if dtypes._category(result) <= dtypes._category(out) else words(result, out)


def _castable_only(name: str) -> Callable[[Any, Any], str | None]:
    return _unless_castable(lambda result, out: f"{name}: Expected result to be safely castable from "
                                                f"{result._legacy} dtype, but got result with dtype {out._legacy}")


def _structured_or(other: Callable[[Any, Any], str | None]) -> Callable[[Any, Any], str | None]:
    """torch's structured-kernel refusal of a float out of another dtype, `other` for an integer one."""
    return lambda result, out: wrong_out_dtype(result, out) if out.is_floating_point else other(result, out)


# Kernels that write only their result's dtype (True: torch's structured-kernel words; else the op's own;
# the products among them, while outer, kron and addr cast as pointwise ops do)
EXACT_OUT_DTYPE: dict[str, Any] = {
    **dict.fromkeys(["mm", "bmm", "addmm", "addmv", "baddbmm", "signbit", "gather", "tril", "triu", "mv", "cross", "inverse",
                     "index_add", "index_copy", "index_reduce", "take_along_dim", "renorm", "msort", "view_copy",
                     "permute_copy", "t_copy", "transpose_copy", "select_copy", "slice_copy", "squeeze_copy",
                     "unsqueeze_copy", "diagonal_copy", "unfold_copy", "alias_copy", "as_strided_copy"], True),
    "addbmm": lambda result, out: f"self and mat2 must have the same dtype, but got {out._legacy} and {result._legacy}",
    "inner": lambda result, out: f"tensordot: Expected the output tensor to have dtype {result._legacy}, but got an "
                                 f"output tensor with dtype {out._legacy}",
    **dict.fromkeys(["dot", "vdot"], lambda result, out: f"result dtype {out._legacy} does not match input dtype "
                                                         f"{result._legacy}"),
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
    "orgqr": _castable_only("torch.linalg.householder_product"),
    "ormqr": lambda result, out: f"torch.ormqr: Expected input and result to have the same dtype, but input has "
                                 f"dtype{result._legacy} and result has dtype {out._legacy}",  # (torch's spacing)
    # the overloads over every element (the (values, indices) ones are checked by _OUT_DTYPE_CHECKS)
    **dict.fromkeys(["max", "min"], _unless_castable(
        lambda result, out: "Expected canCast( typeMetaToScalarType(self.dtype()), typeMetaToScalarType(out.dtype())) "
                            "to be true, but got false.  (Could this error message be improved?  If so, please report "
                            "an enhancement request to PyTorch.)")),
    "ldexp": _unless_castable(lambda result, out: f"ldexp can't be cast to the desired output type {out._legacy}"),
    "mvlgamma": _unless_castable(  # (torch's message names the input's dtype twice)
        lambda result, out: f"mvlgamma: result type {result._legacy} can't be cast to the desired output type "
                            f"{result._legacy}"),
}

# any and all write their truth values into a bool or a uint8 out, whichever the input (checked by _bool_out)
_TRUTH_VALUES = {"any", "all"}

# the ops that join a list of tensors refuse an `out` they would cast down with torch.cat's TypeError
_JOINS = {"cat", "stack", "hstack", "vstack", "dstack", "column_stack"}


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


def _provided_dtype(words: Callable[[Any, Any], str], then: Callable[[Any, tuple, dict], None] | None = None,
                    floats: bool = False, dims_first: Callable[[Any], bool] = lambda dtype: True
                    ) -> Callable[[Any, tuple, dict], None]:
    """A reduction given dtype= writes only into an out of that dtype (refused in `words(dtype, out dtype)`,
    after the dims' range when `dims_first(dtype)`, before anything else of out is checked); then the check `then`.
    `floats`: a dtype= that is no float is the op's own error first (mean's "could not infer output dtype")."""
    def check(out: Any, args: tuple, kwargs: dict) -> None:
        dtype = kwargs.get("dtype")
        if floats and is_torch_dtype(dtype) and not dtype.is_floating_point:
            return
        if isinstance(out, Tensor) and is_torch_dtype(dtype) and out.dtype is not dtype:
            if dims_first(dtype):
                _check_dims_in_range(args, kwargs)
            raise RuntimeError(words(dtype, out.dtype))
        if then is not None:
            then(out, args, kwargs)
    return check


def _check_dims_in_range(args: tuple, kwargs: dict) -> None:
    """The IndexError of a dim (or a list of dims) out of the input's range, as torch's reductions check it."""
    source = args[0] if args else kwargs.get("input")
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    if isinstance(source, Tensor):
        for d in dim if isinstance(dim, (tuple, list)) else [dim]:
            if is_int(d):
                normalize_dim(d, source.ndim)


def _scan_into_bool(name: str) -> Callable[[Any, tuple, dict], None]:
    """cumsum and cumprod check dim's range first; their kernel, which has no bool version for an input of another
    dtype, runs only on a tensor with dims and elements (a 0-d or empty one is copied into out)."""
    def check(out: Any, args: tuple, kwargs: dict) -> None:
        source = args[0] if args else kwargs.get("input")
        dim = args[1] if len(args) > 1 else kwargs.get("dim")
        if not isinstance(out, Tensor) or not isinstance(source, Tensor):
            return
        if is_int(dim):
            normalize_dim(dim, source.ndim)
        if out.dtype is dtypes.bool and source.dtype is not dtypes.bool and source.ndim and source.numel():
            raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')
    return check


def _checks_in_turn(*checks: Callable[[Any, tuple, dict], None]) -> Callable[[Any, tuple, dict], None]:
    def check(out: Any, args: tuple, kwargs: dict) -> None:
        for one in checks:
            one(out, args, kwargs)
    return check


def _nansum_words(dtype: Any, out: Any) -> str:
    """nansum's refusal of an out other than its dtype=: its own words for a float dtype, the structured
    kernel's for another (which torch's nansum checks first then)."""
    if not dtype.is_floating_point:
        return wrong_out_dtype(dtype, out)
    return f"nansum: provided dtype must match dtype of result. Got {out._legacy} and {dtype._legacy}."


def _nansum_kernel(out: Any, args: tuple, kwargs: dict) -> None:
    """torch's nansum kernel runs in out's dtype, and has none for a float input and an integer out; on an
    input without elements it does not run (out is zeroed)."""
    source = args[0] if args else kwargs.get("input")
    if isinstance(out, Tensor) and isinstance(source, Tensor) and source.numel() and \
            source.dtype.is_floating_point and not out.dtype.is_floating_point:
        raise NotImplementedError(f'"nansum_cpu" not implemented for \'{out.dtype._legacy}\'')


def _same_dtype_as_input(message: Callable[[Any, Any], str]) -> Callable[[Any, tuple, dict], None]:
    return _out_dtype_rule(lambda given, out: out is not given, message)


def _clamp_out(out: Any, args: tuple, kwargs: dict) -> None:
    """clamp with number bounds is a structured kernel: out must have the result's dtype, the input's promoted
    with the numbers (clamp(int tensor, 0.5, out=long) expects Float). Tensor bounds cast as most ops do."""
    source = args[0] if args else kwargs.get("input")
    bounds = [b for b in (*args[1:], kwargs.get("min"), kwargs.get("max")) if b is not None]
    if not isinstance(out, Tensor) or not isinstance(source, Tensor) or not bounds:
        return
    if any(isinstance(b, Tensor) and b.ndim for b in bounds) or all(isinstance(b, Tensor) for b in bounds):
        return
    numbers = [b.item() if isinstance(b, Tensor) else b for b in bounds]  # (a 0-d tensor beside a number is one)
    if all(isinstance(n, (bool, int, float)) for n in numbers):
        expected = result_type(source, *numbers)
        if out.dtype is not expected:
            raise RuntimeError(f"Found dtype {out.dtype._legacy} but expected {expected._legacy}")


def _matmul_out(out: Any, args: tuple, kwargs: dict) -> None:
    """matmul of two vectors is torch's dot, with dot's words for an out of another dtype; else mm's."""
    a, b = (list(args) + [kwargs.get("input"), kwargs.get("other")])[:2]
    if isinstance(out, Tensor) and isinstance(a, Tensor) and isinstance(b, Tensor) and out.dtype is not a.dtype:
        raise RuntimeError(EXACT_OUT_DTYPE["dot"](a.dtype, out.dtype) if a.ndim == b.ndim == 1
                           else wrong_out_dtype(a.dtype, out.dtype))


_STRUCTURED = _values_and_indices_out(lambda expected, got, which: wrong_out_dtype(expected, got))
_OUT_DTYPE_CHECKS = {
    "matmul": _matmul_out,
    # these want `out` of the input's dtype, checked before anything is computed
    **dict.fromkeys(["abs", "absolute", "neg", "sign", "sgn", "frac", "floor", "ceil", "trunc", "round",
                     "bitwise_not"], _same_dtype_as_input(
        lambda given, out: f"Found dtype {out._legacy} but expected {given._legacy}")),
    **dict.fromkeys(["clamp", "clamp_min", "clamp_max"], _clamp_out),
    "nan_to_num": _same_dtype_as_input(
        lambda given, out: f"nan_to_num: dtype of out: {out._legacy} should be same as input: {given._legacy}"),
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
    "nansum": _provided_dtype(_nansum_words, then=_nansum_kernel, dims_first=lambda dtype: not dtype.is_floating_point),
    "nanmean": _checks_in_turn(_out_dtype_rule(lambda given, out: not given.is_floating_point, lambda given, out: (
        "nanmean(): integral types and 'Bool' are not supported for nanmean, even for empty tensors.")),
        _provided_dtype(_nansum_words, then=_nansum_kernel, floats=True)),
    **{name: _provided_dtype(wrong_out_dtype, then=_scan_into_bool(name)) for name in ("cumsum", "cumprod")},
    **dict.fromkeys(["sum", "prod"], _provided_dtype(wrong_out_dtype)),
    "mean": _provided_dtype(wrong_out_dtype, floats=True),
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

# reductions that compute in out's dtype (torch.sum(x, 0, out=int_tensor) sums integers; nansum of an integer or
# bool input is torch's sum, of a float input it computes in out's dtype, whatever it is)
# (mean, nanmean, std and var refuse an integer input whatever out is, so only a float input computes in a wider
# float out's dtype; std and var only when they give several results: torch computes a single one in the input's)
_OUT_SETS_DTYPE = {**dict.fromkeys(["sum", "prod", "cumsum", "cumprod"], "integers"),
                   "nansum": "nansum", "logsumexp": "floats",
                   **dict.fromkeys(["mean", "nanmean"], "float inputs"),
                   **dict.fromkeys(["std", "var"], "several results")}

# only the overload over a dim takes `out` (torch.sum(x, out=o) is a TypeError)
_OUT_NEEDS_DIM = {"sum", "prod", "median", "nanmedian"}

# torch's parser takes a Python number as `out` of these (wrapped as a 0-d tensor the result is then written into)
_NUMBER_OUT = {"add", "sub", "mul", "div", "floor_divide"}


def out_rules(name: str, module: str) -> OutRules:
    """The out= rules of the op `name` declared in ops/`module`.py."""
    return OutRules(EXACT_OUT_DTYPE.get(name, False), name in _JOINS, name in _NUMBER_OUT, name in _OUT_NEEDS_DIM,
                    rule_of(name, module), _OUT_DTYPE_CHECKS.get(name), name in _TRUTH_VALUES, _OUT_SETS_DTYPE.get(name))

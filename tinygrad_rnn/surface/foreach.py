"""`torch._foreach_*`: one op over each tensor of a list, as hand-written EMA helpers (timm's ModelEmaV3 calls
`torch._foreach_lerp_`, diffusers' EMAModel `_foreach_mul_`/`_foreach_add_`) and custom optimizers call them.

torch fuses these into one kernel per dtype; here each is a loop over the public Tensor method of the same name,
so its numbers, autograd and in-place errors are that method's. The second operand may be a number, a list of
numbers, a list of tensors or a 0-d tensor, checked as torch checks them:

    >>> ema, params = [torch.zeros(2)], [torch.ones(2)]
    >>> torch._foreach_lerp_(ema, params, 0.1)
    [tensor([0.1000, 0.1000])]
    >>> torch._foreach_norm(params)
    (tensor(1.4142),)

An op returns a tuple of new tensors; its in-place form (`_foreach_mul_`) changes the tensors and returns the
list it was given, as torch's do.
"""
from __future__ import annotations

from collections.abc import Callable
from numbers import Number
from typing import Any

from ..core.tensor import Tensor

UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1", "floor", "frac",
         "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal", "round", "rsqrt", "sigmoid", "sign", "sin",
         "sinh", "sqrt", "tan", "tanh", "trunc")
BINARY = ("add", "sub", "mul", "div", "maximum", "minimum", "clamp_min", "clamp_max", "pow")
WITH_ALPHA = ("add", "sub")  # alpha scales a tensor operand only
WITH_NUMBER = {"maximum": "clamp_min", "minimum": "clamp_max"}  # the method that takes a number in their place


def _tensors(tensors: Any) -> list:
    """The tensor list every foreach op starts from: a non-empty list or tuple of tensors."""
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) for t in tensors):
        raise TypeError(f"expected a list or tuple of Tensors, but got {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return list(tensors)


def _operands(tensors: list, other: Any) -> tuple[list, bool]:
    """One operand per tensor, and whether they are tensors (which alpha may scale)."""
    if isinstance(other, Tensor):
        if other.dim() != 0:
            raise RuntimeError(f"scalar tensor expected to be 0 dim but it has {other.dim()} dimensions and "
                               f"{other.numel()} elements.")
        return [other] * len(tensors), True
    if isinstance(other, Number):
        return [other] * len(tensors), False
    if isinstance(other, (list, tuple)) and other and all(isinstance(o, Tensor) for o in other):
        if len(other) != len(tensors):
            raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(tensors)} and "
                               f"{len(other)}")
        return list(other), True
    if isinstance(other, (list, tuple)) and all(isinstance(o, Number) for o in other):
        if len(other) != len(tensors):
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        return list(other), False
    raise TypeError(f"expected a number, a list of numbers, a list of Tensors or a Tensor, but got "
                    f"{type(other).__name__}")


def _one_operand(function: str, args: tuple, named: dict, names: tuple) -> Any:
    """The operand given by position or by one of the names torch's overloads give it (`scalar=`, `scalars=`...)."""
    unknown = set(named) - set(names)
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument '{sorted(unknown)[0]}'")
    given = list(args) + list(named.values())
    if len(given) != 1:
        raise TypeError(f"{function}() takes one operand ({' or '.join(names)}), but {len(given)} were given")
    return given[0]


def _unary(name: str, in_place: bool) -> Callable:
    method = name + "_" if in_place else name

    def foreach(self: Any) -> Any:
        tensors = _tensors(self)
        results = [getattr(t, method)() for t in tensors]
        return self if in_place else tuple(results)
    foreach.__name__ = f"_foreach_{method}"
    foreach.__doc__ = f"`[t.{method}() for t in self]`" + (", in place: returns `self`" if in_place else "")
    return foreach


def _binary(name: str, in_place: bool) -> Callable:
    method = name + "_" if in_place else name

    def foreach(self: Any, *args: Any, alpha: Any = None, **named: Any) -> Any:
        tensors = _tensors(self)
        other = _one_operand(f"_foreach_{method}", args, named, ("other", "scalar", "scalars", "exponent"))
        operands, are_tensors = _operands(tensors, other)
        if alpha is not None and not (name in WITH_ALPHA and are_tensors):
            raise TypeError(f"_foreach_{method}() got an unexpected keyword argument 'alpha' for this operand")
        if name in WITH_ALPHA and alpha is not None:
            results = [getattr(t, method)(o, alpha=alpha) for t, o in zip(tensors, operands)]
        elif name in WITH_NUMBER and not are_tensors:
            number_method = WITH_NUMBER[name] + ("_" if in_place else "")
            results = [getattr(t, number_method)(o) for t, o in zip(tensors, operands)]
        else:
            results = [getattr(t, method)(o) for t, o in zip(tensors, operands)]
        return self if in_place else tuple(results)
    foreach.__name__ = f"_foreach_{method}"
    foreach.__doc__ = f"`[t.{method}(o) for t, o in zip(self, other)]`" + (", in place" if in_place else "")
    return foreach


def _lerp(in_place: bool) -> Callable:
    method = "lerp_" if in_place else "lerp"

    def foreach(self: Any, tensors1: Any, *args: Any, **named: Any) -> Any:
        tensors = _tensors(self)
        weight = _one_operand(f"_foreach_{method}", args, named, ("weight", "weights"))
        ends, _ = _operands(tensors, _tensors(tensors1))
        weights, _ = _operands(tensors, weight)
        results = [getattr(t, method)(e, w) for t, e, w in zip(tensors, ends, weights)]
        return self if in_place else tuple(results)
    foreach.__name__ = f"_foreach_{method}"
    foreach.__doc__ = "`[t.lerp(end, w) ...]`: the EMA update `ema += (1 - decay) * (param - ema)` of timm's ModelEmaV3"
    return foreach


def _addc(name: str, in_place: bool) -> Callable:
    method = name + "_" if in_place else name

    def foreach(self: Any, tensor1: Any, tensor2: Any, *args: Any, **named: Any) -> Any:
        tensors = _tensors(self)
        value = _one_operand(f"_foreach_{method}", args, named, ("value", "scalars")) if args or named else 1
        firsts, _ = _operands(tensors, _tensors(tensor1))
        seconds, _ = _operands(tensors, _tensors(tensor2))
        if isinstance(value, Tensor) and value.dim() == 1:  # one value per tensor, as a 1-d tensor
            value = value.tolist()
        values, _ = _operands(tensors, value)
        results = [getattr(t, method)(a, b, value=v) for t, a, b, v in zip(tensors, firsts, seconds, values)]
        return self if in_place else tuple(results)
    foreach.__name__ = f"_foreach_{method}"
    foreach.__doc__ = f"`[t.{method}(a, b, value=v) ...]`: Adam's update written for a list of parameters"
    return foreach


def _foreach_norm(self: Any, ord: Any = 2, dtype: Any = None) -> Any:
    """Each tensor's vector norm (how clip_grad_norm_ sums the norms of many gradients)."""
    tensors = _tensors(self)
    if ord == float("inf") and any(t.numel() == 0 for t in tensors):  # (torch's own kernel's words)
        raise RuntimeError("_foreach_norm cannot compute the infinity norm on an empty tensor because the operation "
                           "does not have an identity")
    if dtype is None:
        return tuple(t.norm(ord) for t in tensors)
    return tuple(t.norm(ord, dtype=dtype) for t in tensors)


def _foreach_max(self: Any) -> Any:
    return tuple(t.max() for t in _tensors(self))


def _foreach_zero_(self: Any) -> Any:
    for t in _tensors(self):
        t.zero_()
    return self


def _foreach_copy_(self: Any, src: Any, non_blocking: bool = False) -> Any:
    tensors = _tensors(self)
    sources, _ = _operands(tensors, _tensors(src))
    for t, s in zip(tensors, sources):
        t.copy_(s, non_blocking=non_blocking)
    return self


def functions() -> dict[str, Callable]:
    """Every `_foreach_*` name torch has that is built here, for the torch namespace."""
    table: dict[str, Callable] = {"_foreach_norm": _foreach_norm, "_foreach_max": _foreach_max,
                                  "_foreach_zero_": _foreach_zero_, "_foreach_copy_": _foreach_copy_}
    for in_place in (False, True):
        suffix = "_" if in_place else ""
        table.update({f"_foreach_{n}{suffix}": _unary(n, in_place) for n in UNARY})
        table.update({f"_foreach_{n}{suffix}": _binary(n, in_place) for n in BINARY})
        table.update({f"_foreach_{n}{suffix}": _addc(n, in_place) for n in ("addcmul", "addcdiv")})
        table[f"_foreach_lerp{suffix}"] = _lerp(in_place)
    return table

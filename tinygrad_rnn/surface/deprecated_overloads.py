"""torch's deprecated overloads: the number factors of add, sub, addcmul, addcdiv and the addmm family given first,
by position, as older tutorials and optimizers write them (`p.data.add_(-lr, p.grad.data)`,
`exp_avg_sq.addcmul_(1 - beta2, grad, grad)`).

torch's parser still takes them: it warns (once per process, for the first such call of any op) and runs the
modern overload. Here a call goes to the modern overload first, and only a call that fails there with a TypeError
is matched against the deprecated ones, so a call that works pays nothing.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..argcheck import method_signature
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..overloads import Param, _params

_BINARY = "(Tensor input, Number alpha, Tensor other, *, Tensor out = None)"
_POINTWISE = "(Tensor input, Number value, Tensor tensor1, Tensor tensor2, *, Tensor out = None)"


def _products(first: str, second: str) -> tuple[str, ...]:
    """addmm and its kin: beta first, then input, then (or not) alpha, then the two factors."""
    return (f"(Number beta, Tensor input, Number alpha, Tensor {first}, Tensor {second}, *, Tensor out = None)",
            f"(Number beta, Tensor input, Tensor {first}, Tensor {second}, *, Tensor out = None)")


def _modern_product(first: str, second: str) -> str:
    return f"(Tensor input, Tensor {first}, Tensor {second}, *, Number beta = 1, Number alpha = 1, Tensor out = None)"


def _with_out_dtype(first: str, second: str) -> tuple[str, ...]:
    """addmm's and baddbmm's modern overloads: also one with an out_dtype."""
    return (_modern_product(first, second), f"(Tensor input, Tensor {first}, Tensor {second}, torch.dtype out_dtype, "
                                            "*, Number beta = 1, Number alpha = 1, Tensor out = None)")


# name: (its deprecated overloads, its modern ones), as torch's functions list them (measured); a method's are the
# same without `input` and out=, and it lists only the first modern one
OVERLOADS = {
    "add": ((_BINARY,), ("(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)",)),
    "sub": ((_BINARY,), ("(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)",)),
    "addcmul": ((_POINTWISE,), ("(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None)",)),
    "addcdiv": ((_POINTWISE,), ("(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None)",)),
    "addmm": (_products("mat1", "mat2"), _with_out_dtype("mat1", "mat2")),
    "baddbmm": (_products("batch1", "batch2"), _with_out_dtype("batch1", "batch2")),
    "addbmm": (_products("batch1", "batch2"), (_modern_product("batch1", "batch2"),)),
    "addmv": (_products("mat", "vec"), (_modern_product("mat", "vec"),)),
    "addr": (_products("vec1", "vec2"), (_modern_product("vec1", "vec2"),)),
}

_WARNING = ("This overload of {name} is deprecated:\n\t{name}{old}\nConsider using one of the following signatures "
            "instead:{new} (Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)")


def _bind(ps: list[Param], args: tuple, kwargs: dict, numbers_as_tensors: bool) -> dict | None:
    """The call's arguments by parameter name, if this overload takes them (by type: a Number, a Tensor; a number
    for a Tensor too with `numbers_as_tensors`, as torch's parser takes x.add(2, 3))."""
    positional = [p for p in ps if not p.keyword_only]
    if len(args) > len(positional) or any(k not in {p.name for p in ps} for k in kwargs):
        return None
    bound = {p.name: a for p, a in zip(positional, args)}
    for k, v in kwargs.items():
        if k in bound:
            return None
        bound[k] = v
    for p in ps:
        if p.name in bound:
            if p.refuses(bound[p.name], numbers_as_tensors) is not None:
                return None
        elif p.required:
            return None
    return bound


def _modern_call(name: str, method: bool, args: tuple, kwargs: dict) -> tuple[str, tuple, dict] | None:
    """(the deprecated signature the call fits, the modern call's positional arguments, its keywords), or None."""
    old_ones, _ = OVERLOADS[name.rstrip("_")]
    for old in old_ones:
        signature = method_signature(old) if method else old
        bound = _bind(_params(signature), args, kwargs, numbers_as_tensors=name.rstrip("_") in ("add", "sub"))
        if bound is not None:
            ps = _params(signature)
            tensors = tuple(bound[p.name] for p in ps if p.type == "Tensor" and not p.keyword_only)
            return signature, tensors, {p.name: bound[p.name] for p in ps if p.name in bound and
                                        (p.type == "Number" or p.keyword_only)}
    return None


def accepting_deprecated(fn: Callable[..., Any], name: str, method: bool) -> Callable[..., Any]:
    """`fn` (torch.name, or with `method` Tensor.name), also taking name's deprecated overloads."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TypeError:
            found = _modern_call(name, method, args[1:] if method else args, kwargs)
            if found is None:
                raise
        signature, tensors, keywords = found
        modern = OVERLOADS[name.rstrip("_")][1]
        new = [method_signature(modern[0])] if method else modern
        warn_once("deprecated overload", _WARNING.format(name=name, old=signature, new="".join(f"\n\t{name}{s}" for s in new)))
        return fn(*((args[0],) if method else ()), *tensors, **keywords)

    call.parses_as_torch = getattr(fn, "parses_as_torch", False)  # type: ignore[attr-defined]
    return call


def install(namespace: dict[str, Any]) -> None:
    """Put the deprecated overloads behind torch.X, Tensor.X and Tensor.X_ of each op above."""
    for name in OVERLOADS:
        namespace[name] = accepting_deprecated(namespace[name], name, method=False)
        for method_name in (name, name + "_"):
            setattr(Tensor, method_name, accepting_deprecated(getattr(Tensor, method_name), method_name, method=True))

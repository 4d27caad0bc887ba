"""torch's deprecated overloads, which torch 2.13 still takes: the numbers that are now the keywords `alpha`,
`beta` and `value` come first. Code written for torch 0.4 calls them everywhere (`p.data.add_(-lr, p.grad.data)`,
`exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)`, `torch.addmm(0, h, 1, x, w)`).

torch's parser tries a deprecated overload only after the current ones refused the call, and warns the
first time in the process (one warning for all of them, TORCH_WARN_ONCE). So here, too, a call is read
the old way only once the op refused it: a call that works pays one frame.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from numbers import Number
from typing import Any

from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..overload_table import FUNCTIONS

_MATRIX_PRODUCT = ("beta", "input", "alpha"), ("beta", "input")  # addmm(beta, M, alpha, m1, m2), addmm(beta, M, m1, m2)
# each op's deprecated overloads, as the function's parameters in order ("input" is self in the method's)
DEPRECATED: dict[str, tuple[tuple[str, ...], ...]] = {
    "add": (("input", "alpha", "other"),),
    "sub": (("input", "alpha", "other"),),
    "addcmul": (("input", "value", "tensor1", "tensor2"),),
    "addcdiv": (("input", "value", "tensor1", "tensor2"),),
    **{name: tuple(first + operands for first in _MATRIX_PRODUCT) for name, operands in {
        "addmm": ("mat1", "mat2"), "addmv": ("mat", "vec"), "addr": ("vec1", "vec2"),
        "baddbmm": ("batch1", "batch2"), "addbmm": ("batch1", "batch2")}.items()},
}
_NUMBERS = ("beta", "alpha", "value")
_SOURCE = "(Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)"


def _read(names: tuple[str, ...], args: tuple, kwargs: dict, keywords: tuple[str, ...]) -> dict | None:
    """The call's arguments by name, read by the deprecated overload `names` (and the `keywords` it also
    takes); None where that overload refuses them too."""
    if len(args) > len(names) or any(k not in names and k not in keywords for k in kwargs):
        return None
    given = dict(zip(names, args))
    if any(k in given for k in kwargs) or len(given) + len(kwargs) < len(names):
        return None
    given.update(kwargs)
    if not all(_is_number(given[n]) if n in _NUMBERS else isinstance(given[n], (Number, Tensor)) for n in names):
        return None
    return given


def _is_number(value: Any) -> bool:
    """What torch's parser takes for a Number: a number, or a 0-d tensor that does not require grad."""
    if isinstance(value, Tensor):
        return value.dim() == 0 and not value.requires_grad
    return isinstance(value, Number)


def _signature(params: list[str], keyword_only: list[str]) -> str:
    return "(" + ", ".join(params + (["*", *keyword_only] if keyword_only else [])) + ")"


def _warning(name: str, names: tuple[str, ...], method: bool) -> str:
    """torch's words: the old signature, then the current ones (a function's with `input` and `out=`)."""
    op = name.rstrip("_")
    kept = [n for n in names if not (method and n == "input")]
    old = [f"Number {n}" if n in _NUMBERS else f"Tensor {n}" for n in kept]
    numbers = [f"Number {n} = 1" for n in _NUMBERS if n in DEPRECATED[op][0]]
    new = [_signature([f"Tensor {n}" for n in kept if n not in _NUMBERS], numbers)]
    if not method:
        old_signature = _signature(old, ["Tensor out = None"])
        new = list(FUNCTIONS.get(op, [_signature([f"Tensor {n}" for n in kept if n not in _NUMBERS],
                                                 [*numbers, "Tensor out = None"])]))
    else:
        old_signature = _signature(old, [])
    current = "\n\t".join(f"{name}{s}" for s in new)
    return (f"This overload of {name} is deprecated:\n\t{name}{old_signature}\nConsider using one of the following "
            f"signatures instead:\n\t{current} {_SOURCE}")


def _old_reading(overloads: tuple[tuple[str, ...], ...], args: tuple, kwargs: dict,
                 method: bool) -> tuple[tuple[str, ...], dict] | None:
    """The first deprecated overload that takes the call, and the call's arguments by its names (None if none
    does). A method's self is the input; a function also takes out=."""
    for names in overloads:
        if method:
            given = _read(tuple(n for n in names if n != "input"), args[1:], kwargs, ()) if args else None
            if given is not None:
                given["input"] = args[0]
        else:
            given = _read(names, args, kwargs, ("out",))
        if given is not None:
            return names, given
    return None


def accepting_deprecated(fn: Callable[..., Any], name: str, method: bool) -> Callable[..., Any]:
    """`fn` (torch.X, or with `method` Tensor.X or Tensor.X_), which also takes X's deprecated overloads."""
    overloads = DEPRECATED[name.rstrip("_")]

    @functools.wraps(fn)
    def taking_deprecated(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TypeError:
            found = _old_reading(overloads, args, kwargs, method)
            if found is None:
                raise
        names, given = found
        warn_once("deprecated overload", _warning(name, names, method))
        tensors = [given.pop(n) for n in names if n not in _NUMBERS]  # the input first, then the operands
        return fn(*tensors, **given)

    return taking_deprecated


def install(namespace: dict[str, Any]) -> None:
    """torch.X, Tensor.X and Tensor.X_ of the ops above take their deprecated overloads (the package calls this
    once it has its functions)."""
    for name in DEPRECATED:
        namespace[name] = accepting_deprecated(namespace[name], name, method=False)
        for method in (name, name + "_"):
            setattr(Tensor, method, accepting_deprecated(getattr(Tensor, method), method, method=True))

"""torch's deprecated overloads of add, sub, addcmul and addcdiv, which torch 2.13 still takes: the number
that is now the keyword `alpha` (`value`) comes first. Code written for torch 0.4 calls them everywhere
(`p.data.add_(-lr, p.grad.data)`, `exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)`).

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

# the op, and its parameters after the tensor in the deprecated order: the number first
DEPRECATED = {
    "add": ("alpha", "other"),
    "sub": ("alpha", "other"),
    "addcmul": ("value", "tensor1", "tensor2"),
    "addcdiv": ("value", "tensor1", "tensor2"),
}
_SOURCE = "(Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)"


def _as_current(names: tuple[str, ...], args: tuple, kwargs: dict, keywords: tuple[str, ...]) -> dict | None:
    """The arguments after the tensor, read by the deprecated overload's `names` (a number, then operands) and
    the `keywords` it also takes; None where that overload refuses them too."""
    if len(args) > len(names) or any(k not in names and k not in keywords for k in kwargs):
        return None
    given = dict(zip(names, args))
    if any(k in given for k in kwargs) or len(given) + len(kwargs) < len(names):
        return None
    given.update(kwargs)
    number, *operands = names
    if not _is_number(given[number]) or not all(isinstance(given[n], (Number, Tensor)) for n in operands):
        return None
    return given


def _is_number(value: Any) -> bool:
    """What torch's parser takes for a Number: a number, or a 0-d tensor that does not require grad."""
    if isinstance(value, Tensor):
        return value.dim() == 0 and not value.requires_grad
    return isinstance(value, Number)


def _warning(name: str, names: tuple[str, ...], method: bool) -> str:
    """torch's words: the old signature, then the current one (a function's with `input` and `out=`)."""
    number, *operands = names
    old = ", ".join([f"Number {number}", *(f"Tensor {n}" for n in operands)])
    new = ", ".join([*(f"Tensor {n}" for n in operands), "*", f"Number {number} = 1"])
    if not method:
        old, new = f"Tensor input, {old}, *, Tensor out = None", f"Tensor input, {new}, Tensor out = None"
    return (f"This overload of {name} is deprecated:\n\t{name}({old})\nConsider using one of the following "
            f"signatures instead:\n\t{name}({new}) {_SOURCE}")


def accepting_deprecated(fn: Callable[..., Any], name: str, method: bool) -> Callable[..., Any]:
    """`fn` (torch.X, or with `method` Tensor.X or Tensor.X_), which also takes X's deprecated overload."""
    names = DEPRECATED[name.rstrip("_")]
    keywords = () if method else ("out",)

    @functools.wraps(fn)
    def taking_deprecated(first: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(first, *args, **kwargs)
        except TypeError:
            given = _as_current(names, args, kwargs, keywords)
            if given is None:
                raise
        warn_once("deprecated overload", _warning(name, names, method))
        number, *operands = names
        return fn(first, *(given.pop(n) for n in operands), **given)

    return taking_deprecated


def install(namespace: dict[str, Any]) -> None:
    """torch.X, Tensor.X and Tensor.X_ of the ops above take their deprecated overloads (the package calls this
    once it has its functions)."""
    for name in DEPRECATED:
        namespace[name] = accepting_deprecated(namespace[name], name, method=False)
        for method in (name, name + "_"):
            setattr(Tensor, method, accepting_deprecated(getattr(Tensor, method), method, method=True))

"""`torch.detach(np_array)`: functions that take only a tensor first, and say so when given anything else.

torch's functions in C read their arguments through a parser that checks types before the op runs: a
numpy array, a list or a number where only a tensor fits is a TypeError naming the function and the
argument. Our hand-written functions are plain Python: given an array they would fail wherever it is
first used (an AttributeError from deep inside) or, worse, run. The declared ops get this check from
surface/ops.py; the functions below are written by hand, so they get it here, once, where the package
gathers its namespaces. Code inside the package calls the functions themselves, unchecked.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..argcheck import type_name
from ..core.tensor import Tensor

# torch.X taking a tensor first: X -> (the name torch's message gives, the first parameter's name).
TORCH_FUNCTIONS = {name: (name, "input") for name in (
    "conj", "detach", "detach_", "detach_copy", "empty_like", "get_device", "hardshrink", "histogram", "imag",
    "is_complex", "is_floating_point", "is_inference", "is_nonzero", "is_signed", "isreal", "numel", "ones_like",
    "poisson", "positive", "rand_like", "randn_like", "real", "zero_", "zeros_like", "bernoulli", "index_put_")}
TORCH_FUNCTIONS.update({"cumulative_trapezoid": ("cumulative_trapezoid", "y"), "trapezoid": ("trapezoid", "y"),
                        "trapz": ("trapz", "y"), "vander": ("vander", "x"), "lu": ("_lu_with_info", "input")})
# torch.nn.functional's, which in torch call a C function with their input first.
FUNCTIONAL = {name: (name, "input") for name in ("alpha_dropout", "feature_alpha_dropout", "hardshrink", "softshrink")}
FUNCTIONAL["gumbel_softmax"] = ("empty_like", "input")  # (its first call)


def refuse_non_tensors(namespace: dict[str, Any], functions: dict[str, tuple[str, str]]) -> None:
    """Replace each of `functions` in `namespace` by itself behind the check."""
    for name, (shown, param) in functions.items():
        namespace[name] = tensor_first(namespace[name], shown, param)


def tensor_first(fn: Callable[..., Any], shown: str, param: str = "input") -> Callable[..., Any]:
    """`fn`, refusing a first argument (`param`) that is not a tensor with torch's TypeError."""

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if args:
            if not isinstance(args[0], Tensor):
                raise TypeError(f"{shown}(): argument '{param}' (position 1) must be Tensor, not {type_name(args[0])}")
        elif param in kwargs and not isinstance(kwargs[param], Tensor):  # (torch numbers positional arguments only)
            raise TypeError(f"{shown}(): argument '{param}' must be Tensor, not {type_name(kwargs[param])}")
        return fn(*args, **kwargs)

    return checked

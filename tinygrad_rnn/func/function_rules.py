"""vmap's native rules for whole functions: calls that batch in one go instead of a loop.

- elementwise ops passed directly (`vmap(torch.tanh)`, `vmap(torch.add)`): each batched operand
  is aligned to the right with size-1 dims, so broadcasting pairs its elements with the others';
- `torch.matmul` when every operand is at least a matrix (vectors go to the loop);
- a custom `autograd.Function`'s `apply` whose class defines torch's `vmap` staticmethod
  (`vmap(info, in_dims, *args) -> (outputs, out_dims)`).

A rule takes the positional arguments, batched ones with their batch dimension at 0, and returns
the output with its batch dimension at 0, or None to leave the call to the loop.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .. import ops
from ..core.function import Function
from ..core.tensor import Tensor
from ..ops import linalg, pointwise
from . import _transforms


def native_function_rule(func: Callable) -> Callable | None:
    """How vmap batches `func` in one call, or None (then vmap loops). A rule takes the batched
    positional arguments, each moved to batch dimension 0 (None for unbatched ones) and returns
    the batched output with its batch dimension at 0."""

    # torch.add and friends carry wrappers (out=, the input check): the op is the first one known here
    func = inspect.unwrap(func, stop=lambda f: f in _ELEMENTWISE or f in _MATMULS)
    cls = getattr(func, "__self__", None)
    if isinstance(cls, type) and issubclass(cls, Function) and "vmap" in vars(cls):
        return _custom_function_rule(cls)
    if func in _ELEMENTWISE:
        return _elementwise_rule(func)
    if func in _MATMULS:
        return _matmul_rule(func)
    return None


def _elementwise_names() -> set:
    names = ["abs", "acos", "asin", "atan", "cos", "cosh", "erf", "exp", "expm1", "log", "log10", "log1p",
             "log2", "neg", "reciprocal", "relu", "rsqrt", "sigmoid", "sin", "sinh", "sqrt", "square", "tan",
             "tanh", "add", "sub", "mul", "div", "maximum", "minimum", "pow"]
    return {getattr(pointwise, n) for n in names}


_ELEMENTWISE = _elementwise_names()
_MATMULS = (linalg.matmul, ops.linalg.mm, ops.linalg.bmm)


def _elementwise_rule(func: Callable) -> Callable:
    """Elementwise ops broadcast: align each batched operand's logical dims to the right
    (batch, 1, ..., 1, *shape), leave unbatched operands as they are."""

    def rule(args: list, batched: list, **kwargs: Any) -> Tensor:
        rank = max(a.ndim - (1 if b else 0) for a, b in zip(args, batched) if isinstance(a, Tensor))
        aligned = []
        for a, b in zip(args, batched):
            if b:
                a = a.reshape((a.shape[0],) + (1,) * (rank - (a.ndim - 1)) + tuple(a.shape[1:]))
            aligned.append(a)
        return func(*aligned, **kwargs)

    return rule


def _matmul_rule(func: Callable) -> Callable:
    """matmul broadcasts over leading dims, so with every operand at least a matrix the elementwise
    alignment works; vectors (whose dims matmul treats specially) are left to the loop."""
    align = _elementwise_rule(linalg.matmul)

    def rule(args: list, batched: list, **kwargs: Any) -> Tensor | None:
        if kwargs or any(a.ndim - (1 if b else 0) < 2 for a, b in zip(args, batched)):
            return None
        return align(args, batched)

    return rule


class VmapInfo:
    """What torch passes as `info` to a Function's vmap staticmethod."""

    def __init__(self, batch_size: int, randomness: str) -> None:
        self.batch_size, self.randomness = batch_size, randomness


def _custom_function_rule(cls: type) -> Callable:
    """torch's protocol: cls.vmap(info, in_dims, *args) -> (outputs, out_dims)."""

    def rule(args: list, batched: list, *, info: VmapInfo, **kwargs: Any) -> Any:
        in_dims = tuple(0 if b else None for b in batched)
        with _transforms.lowered():
            return cls.vmap(info, in_dims, *args, **kwargs)  # type: ignore[attr-defined]

    rule.custom = True  # type: ignore[attr-defined]
    return rule

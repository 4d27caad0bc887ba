"""torch.autograd.forward_ad: forward-mode AD with dual tensors.

    >>> import tinygrad_rnn as torch
    >>> import tinygrad_rnn.autograd.forward_ad as fwAD
    >>> x, v = torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(x, v).exp()  # e^x, and its derivative along v, in one pass
    ...     print(fwAD.unpack_dual(y).tangent)
    tensor([1.0000, 5.4366])

Inside a `dual_level()`, `make_dual(x, v)` is x carrying the tangent v; every op then also computes
its output's tangent with its `jvp` rule (core/forward_mode.py), and `unpack_dual(y)` gives y and its
tangent J v. Leaving the level drops every tangent made in it.

As in torch, only one level can be active at a time. Unlike torch, whose level is shared by all
threads, the level belongs to the thread that entered it (like grad mode here): another thread
sees no tangents and may enter a level of its own.
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..argcheck import type_name
from ..core.forward_mode import set_tangent, tangent_at
from ..core.function import Function, rename
from ..core.modes import modes
from ..core.tensor import Tensor

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual"]

# Each entered level gets a fresh key, so tangents of a level that was left are never seen again.
_level_keys = itertools.count()


def _current_level() -> int:
    """torch's level number: 0 inside a level (there is at most one), -1 outside."""
    return -1 if modes.dual_level is None else 0


def enter_dual_level() -> int:
    """Start a forward-AD level in this thread and return its number (always 0: no nesting, as torch)."""
    if modes.dual_level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    modes.dual_level = next(_level_keys)
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """Leave the current level; the tangents made in it are gone."""
    current = _current_level()
    level = current if level is None else level
    if level != current:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. This is not supported.")
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    modes.dual_level = None


class dual_level:
    """Context manager (or decorator) for forward AD: enters a level, and leaves it on exit."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with dual_level():
                return fn(*args, **kwargs)

        return wrapper


class UnpackedDualTensor(NamedTuple):
    """What `unpack_dual` returns: the primal value and its tangent (None if it has none)."""

    primal: Tensor
    tangent: Tensor | None


class Alias(Function):
    """The same data as a new tensor, in the graph (gradients pass through) but without a tangent."""

    @staticmethod
    def forward(ctx, x):
        return Tensor._make(x._data)

    @staticmethod
    def backward(ctx, g):
        return g

    @staticmethod
    def jvp(ctx, tx):
        return None  # the alias is the primal alone


def _check_level(level: int | None) -> int:
    level = _current_level() if level is None else level
    if level >= 0 and level != _current_level():
        raise RuntimeError("Invalid level given to _make_dual")
    return level


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A new tensor sharing `tensor`'s data (and its gradient path) that carries `tangent` at `level`.

    Differentiable in reverse mode too: gradients flow back to `tensor` and, through what was
    computed from the tangent, to `tangent`."""
    if _check_level(level) < 0:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first."
        )
    if not tensor.is_floating_point():
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not tangent.is_floating_point():
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original Tensor, this is "
            f"not supported. Tensor is of size {list(tensor.shape)} while the given forward gradient is of size "
            f"{list(tangent.shape)}."
        )
    if tangent_at(tensor, modes.dual_level) is not None:
        raise RuntimeError(
            "Making a dual Tensor based on a Tensor that already has a forward gradient at the same level 0 is not supported."
        )
    dual = rename(Alias.apply(tensor), "ViewBackward0")  # torch's dual is a view of the primal
    set_tangent(dual, modes.dual_level, _laid_out_like(tensor, tangent))
    return dual


def _laid_out_like(primal: Tensor, tangent: Tensor) -> Tensor:
    """The tangent itself when its elements lie in memory as the primal's do (a float64 tangent of a
    float32 primal stays float64, as in torch); otherwise, as torch, its values copied into a new tensor
    with the primal's layout and dtype (`copy_`: a tangent that requires grad keeps its gradient path)."""
    if _layout(tangent) == _layout(primal):
        return tangent
    return Tensor._make(_empty_strided_like(primal._data)).copy_(tangent)


def _empty_strided_like(a: np.ndarray) -> np.ndarray:
    """New memory holding an array of a's shape, dtype and strides (torch's empty_strided)."""
    if any(s < 0 for s in a.strides) or a.size == 0:  # (numpy's reversed views: their order, in fresh memory)
        return np.empty_like(a)
    extent = 1 + sum((n - 1) * s for n, s in zip(a.shape, a.strides)) // a.itemsize
    return np.lib.stride_tricks.as_strided(np.empty(extent, a.dtype), a.shape, a.strides)


def _layout(t: Tensor) -> tuple:
    """The strides (in elements) that place the elements: those of dims of size 1 place nothing."""
    return tuple(s // t._data.itemsize if n > 1 else None for n, s in zip(t._data.shape, t._data.strides))


def unpack_dual(tensor: Any, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of a dual tensor: the primal shares its data and gradient path, without the tangent."""
    if (_current_level() if level is None else level) != _current_level() or _current_level() < 0:
        return UnpackedDualTensor(tensor, None)  # no tangents at a level that is not open
    if not isinstance(tensor, Tensor):
        raise TypeError(f"_unpack_dual(): argument 'dual' (position 1) must be Tensor, not {type_name(tensor)}")
    tangent = tangent_at(tensor, modes.dual_level)
    return UnpackedDualTensor(tensor if tangent is None else rename(Alias.apply(tensor), "torch::autograd::Identity"), tangent)

"""`Size`: the shape of a tensor, a tuple that prints as torch's does."""
from __future__ import annotations

import math
from collections.abc import Sequence


class Size(tuple):
    """A tuple of ints; `repr` is `torch.Size([3, 4])`, and it compares equal to `(3, 4)`."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"
    __str__ = __repr__

    def numel(self) -> int:
        return math.prod(self)

    def __getitem__(self, key):  # type: ignore[override]
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):  # type: ignore[override]
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):  # (4,) + size is a Size too (Python asks the subclass first)
        return Size(other + tuple(self))

    def __mul__(self, times):  # type: ignore[override]  # size * 2 and 2 * size repeat it as a Size
        return Size(tuple.__mul__(self, times))
    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, tuple) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__


def shape_arg(shape: Sequence) -> tuple:
    """A shape given the ways torch accepts it: f(2, 3), f((2, 3)), f([2, 3]), f(torch.Size([2, 3]))."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:
        if not hasattr(s, "__index__"):  # a float or None: torch's parser refuses it as a size
            raise TypeError(f"a size must be a tuple of ints, but got an element of type {type(s).__name__}")
    return tuple(int(s.__index__()) for s in shape)

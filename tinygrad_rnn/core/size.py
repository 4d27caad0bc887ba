"""`Size`: the shape of a tensor, a tuple that prints as torch's does."""
from __future__ import annotations

import math
import operator
from collections.abc import Iterable


class TorchCType(type):
    """The metaclass of our classes that stand for torch's C types (Size, dtype, device, ...): CPython's errors
    use the name `name_in_errors` sets ("'torch.Size' object is not callable", as torch's), `__name__` the short one."""

    @property
    def __name__(cls) -> str:  # type: ignore[override]
        return cls.__qualname__.rpartition(".")[2]


def name_in_errors(cls: type, tp_name: str) -> None:
    """Set the name CPython's errors give `cls` (its tp_name, which type's own __name__ setter writes)."""
    type.__dict__["__name__"].__set__(cls, tp_name)


class Size(tuple, metaclass=TorchCType):
    """A tuple of ints; `repr` is `torch.Size([3, 4])`, and it compares equal to `(3, 4)`."""

    __module__ = "torch"  # `type(x.shape)` prints <class 'torch.Size'>, as torch's (pickling goes through _rebuild)

    def __reduce__(self) -> tuple:
        return _rebuild, (tuple(self),)

    def __new__(cls, sizes: Iterable = ()) -> Size:
        return tuple.__new__(cls, [_size_entry(v, i) for i, v in enumerate(sizes)])

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"  # str() reads it too

    def numel(self) -> int:
        return math.prod(self)

    def __getitem__(self, key):  # type: ignore[override]
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other):  # type: ignore[override]
        if isinstance(other, tuple):
            return Size(tuple(self) + tuple(other))
        if type(other).__module__ == "numpy":  # numpy's own + takes the sizes as an array, as with torch's
            return NotImplemented
        raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to torch.Size")

    def __radd__(self, other):  # (4,) + size is a Size too (Python asks the subclass first)
        if not isinstance(other, tuple):
            return NotImplemented  # [4] + size: the list's error, naming torch.Size
        return Size(other + tuple(self))

    def __mul__(self, times):  # type: ignore[override]  # size * 2 and 2 * size repeat it as a Size
        return Size(tuple.__mul__(self, times))
    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, tuple) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__



def _size_entry(value, i: int) -> int:
    """One entry as torch.Size() reads it: anything with __index__ (an int, a numpy int, a one-element integer tensor)."""
    try:
        return operator.index(value)
    except TypeError:
        name = type(value).__name__ if type(value).__module__ != "numpy" else f"numpy.{type(value).__name__}"
        raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is '{name}')") from None


def _rebuild(sizes: tuple) -> Size:
    """What a pickled Size is rebuilt by: found by its place in this package, as `torch.Size` would be torch's."""
    return Size(sizes)


name_in_errors(Size, "torch.Size")

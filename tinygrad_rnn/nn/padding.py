"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad, 1-d to 3-d.

Each holds `padding` as torch does (an int becomes 2 * nd equal amounts; a sequence is kept as
given, (left, right, top, bottom, front, back)) and calls F.pad with its mode.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.tensor import Tensor
from .functional_ext.padding import pad
from .module import Module


def _amounts(padding: Any, nd: int) -> tuple:
    return tuple(padding) if isinstance(padding, Iterable) else (padding,) * (2 * nd)


class _PadNd(Module):
    """A padding layer; subclasses set the mode and the number of padded dims."""

    mode = "constant"
    _nd = 1

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _amounts(padding, self._nd)

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    """Circular padding layers check the input's dims themselves (the others leave it to F.pad)."""

    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (self._nd + 1, self._nd + 2):
            raise ValueError(f"expected {self._nd + 1}D or {self._nd + 2}D input (got {input.ndim}D input)")
        return super().forward(input)


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    """ZeroPadNd is ConstantPadNd with value 0 (a subclass of it, as in torch)."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Mirror the last dim at its ends (the edge element is not repeated)."""

    mode, _nd = "reflect", 1


class ReflectionPad2d(_PadNd):
    mode, _nd = "reflect", 2


class ReflectionPad3d(_PadNd):
    mode, _nd = "reflect", 3


class ReplicationPad1d(_PadNd):
    """Repeat the edge element of the last dim."""

    mode, _nd = "replicate", 1


class ReplicationPad2d(_PadNd):
    mode, _nd = "replicate", 2


class ReplicationPad3d(_PadNd):
    mode, _nd = "replicate", 3


class CircularPad1d(_CircularPadNd):
    """Wrap the last dim around: the left border comes from the right end and vice versa."""

    _nd = 1


class CircularPad2d(_CircularPadNd):
    _nd = 2


class CircularPad3d(_CircularPadNd):
    _nd = 3


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value`."""

    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    _nd = 3


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pad the last dim with zeros."""

    _nd = 1


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    _nd = 2


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    _nd = 3

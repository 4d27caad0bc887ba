"""Layers that act across channels: `Softmax2d` (a softmax over the channels at every pixel) and
`ChannelShuffle` (regroup the channels, as ShuffleNet does between grouped convolutions)."""
from __future__ import annotations

from ..argcheck import int_arg
from ..core.tensor import Tensor
from .functional_ext import basic as F
from .functional_ext.vectors import channel_shuffle
from .module import Module


class Softmax2d(Module):
    """softmax over the channel dim (-3) of a (C, H, W) or (N, C, H, W) input."""

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3)


class ChannelShuffle(Module):
    """`F.channel_shuffle(input, groups)` as a module: (N, g k, *) -> channels regrouped as (k, g)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = int_arg("ChannelShuffle", "groups", groups, 1)

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"

"""torch.nn.utils.memory_format: convert the weights of the convolutions in a module tree to a memory format.

    nn.utils.convert_conv2d_weight_memory_format(model, torch.contiguous_format)  # a no-op here

tinygrad_rnn's tensors are row-major only, so `torch.contiguous_format` works (the weights stay as they
are) and `torch.channels_last` raises NotImplementedError from the clone that would make the copy.
"""
from __future__ import annotations

from typing import Any

from ..conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from ..module import Module

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module: Module, memory_format: Any, kinds: tuple) -> Module:
    """torch's walk: each convolution of `kinds` in the tree gets its weight copied in `memory_format`."""
    if isinstance(module, kinds):
        weight_data = module.weight.detach().clone(memory_format=memory_format)
        module.weight.data = weight_data.resize_(weight_data.size(), memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, kinds)
    return module


def convert_conv2d_weight_memory_format(module: Module, memory_format: Any) -> Module:
    """The weights of every Conv2d and ConvTranspose2d in `module` (itself included) in `memory_format`."""
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module: Module, memory_format: Any) -> Module:
    """The weights of every Conv3d and ConvTranspose3d in `module` (itself included) in `memory_format`."""
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))

"""Conv1d/2d/3d and ConvTranspose1d/2d/3d: the modules around F.conv* and F.conv_transpose*.

A module holds `weight` and `bias` and its settings (kernel_size, stride, ... each an nd-tuple, as
in torch). Non-zero `padding_mode`s ('reflect', 'replicate', 'circular') pad the input with F.pad
first and convolve without padding, as torch does. Initialisation is torch's: weight from
kaiming_uniform_(a=sqrt(5)), then bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), in that order,
so the same manual_seed gives the same parameters.
"""
from __future__ import annotations

import marshal
import math
from typing import Any

from ..argcheck import is_int, type_name
from ..core.tensor import Tensor
from . import init
from .functional_ext import conv as _conv
from .functional_ext.padding import pad as _pad
from .layers import _empty
from .module import Module
from .parameter import Parameter


def _set_as_torch_prints_it(*names: str) -> set:
    """A set of torch's to print in its error messages, laid out as torch's is. A set's order follows this
    process's string hashes and, where two names collide, the order they went in; torch's set literal comes from
    its module's .pyc, where marshal stores the names sorted by their marshalled bytes, so they go in that order."""
    return set(sorted(names, key=marshal.dumps))


_PADDING_MODES = _set_as_torch_prints_it("zeros", "reflect", "replicate", "circular")
_PADDING_STRINGS = _set_as_torch_prints_it("same", "valid")


def _check_kernel_size(kernel_size: Any) -> None:
    """torch builds the weight from kernel_size as given, so a float there is its `empty()` TypeError."""
    for i, k in enumerate(kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size,)):
        if not is_int(k):  # the weight's size is (out, in, *kernel_size): torch counts from 1
            raise TypeError(f"empty(): argument 'size' failed to unpack the object at pos {3 + i} with error "
                            f"\"type must be tuple of ints,but got {type_name(k)}\"")


def _ntuple(value: Any, nd: int) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * nd


class _ConvNd(Module):
    """What the four convolution modules share: settings, parameters, init and repr."""

    _nd = 0
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None, output_padding: Any = 0) -> None:
        super().__init__()
        nd = self._nd
        self._check_settings(in_channels, out_channels, groups, padding, stride, padding_mode)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _ntuple(kernel_size, nd)
        # kept as torch's _single/_pair keep them (a sequence as a tuple, a number repeated): the forward's
        # argument parser checks their entries, as torch's does
        self.stride, self.dilation = _ntuple(stride, nd), _ntuple(dilation, nd)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, nd)
        self.output_padding, self.padding_mode = _ntuple(output_padding, nd), padding_mode
        self._reversed_padding_repeated_twice = self._reversed_padding()
        shape = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        _check_kernel_size(kernel_size)
        self.weight = Parameter(_empty(shape + self.kernel_size, device, dtype))
        self.register_parameter("bias", Parameter(_empty((out_channels,), device, dtype)) if bias else None)
        self.reset_parameters()

    @staticmethod
    def _check_settings(in_channels: int, out_channels: int, groups: int, padding: Any, stride: Any,
                        padding_mode: str) -> None:
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == "same" and any(s != 1 for s in (stride if isinstance(stride, (tuple, list)) else (stride,))):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, "
                             f"but got padding_mode='{padding_mode}'")

    def _reversed_padding(self) -> tuple:
        """The F.pad argument for the non-zero padding modes: (left, right) pairs, last dim first."""
        if self.padding == "same":
            pairs = _conv.same_padding(self.kernel_size, self.dilation)
        elif self.padding == "valid":
            pairs = ((0, 0),) * self._nd
        else:
            pairs = tuple((p, p) for p in self.padding)
        return tuple(p for pair in reversed(pairs) for p in pair)

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        nd, name = self._nd, f"conv{self._nd}d"
        if self.padding_mode != "zeros":
            padded = _pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return _conv.convolution(padded, weight, bias, self.stride, 0, self.dilation, self.groups, nd, name)
        return _conv.convolution(input, weight, bias, self.stride, self.padding, self.dilation, self.groups, nd, name)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-d convolution over (N, C_in, L) or (C_in, L): weight (C_out, C_in/groups, k), bias (C_out,)."""

    _nd = 1


class Conv2d(_Conv):
    """2-d convolution over (N, C_in, H, W) or (C_in, H, W): weight (C_out, C_in/groups, kh, kw)."""

    _nd = 2


class Conv3d(_Conv):
    """3-d convolution over (N, C_in, D, H, W) or (C_in, D, H, W): weight (C_out, C_in/groups, kd, kh, kw)."""

    _nd = 3


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        # torch takes a padding string apart into its letters (_single('same') is a tuple of 4), builds the
        # layer, and the forward's argument parser refuses the letters
        letters = tuple(padding) if isinstance(padding, str) else None
        super().__init__(in_channels, out_channels, kernel_size, stride, 0 if letters else padding, dilation, groups,
                         bias, padding_mode, device, dtype, output_padding)
        if letters:
            self.padding = letters

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """The output_padding that makes the output `output_size` (its last nd entries count)."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        wanted = [int(s) for s in output_size][-nd:] if len(output_size) in (nd, nd + 1, nd + 2) else None
        if wanted is None:
            raise ValueError(f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have {nd} or "
                             f"{input.ndim} elements (got {len(output_size)})")
        smallest = _conv.transposed_output_size(tuple(input.shape[-nd:]), self.kernel_size, self.stride,
                                                self.padding, self.dilation, (0,) * nd)
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]
        if any(not lo <= w <= hi for w, lo, hi in zip(wanted, smallest, largest)):
            raise ValueError(f"requested an output size of {wanted}, but valid sizes range from {list(smallest)} "
                             f"to {largest} (for an input of torch.Size({list(input.shape[-nd:])}))")
        return tuple(w - lo for w, lo in zip(wanted, smallest))

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        output_padding = self._output_padding(input, output_size)
        return _conv.conv_transposed(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                     self.groups, self.dilation, self._nd, f"conv_transpose{self._nd}d")


class ConvTranspose1d(_ConvTranspose):
    """The adjoint of Conv1d (sometimes called a deconvolution): weight (C_in, C_out/groups, k)."""

    _nd = 1


class ConvTranspose2d(_ConvTranspose):
    """The adjoint of Conv2d: weight (C_in, C_out/groups, kh, kw)."""

    _nd = 2


class ConvTranspose3d(_ConvTranspose):
    """The adjoint of Conv3d: weight (C_in, C_out/groups, kd, kh, kw)."""

    _nd = 3

"""F.unfold (im2col) and F.fold (col2im) on 4-D (or unbatched 3-D) input, with torch's checks.

    cols = F.unfold(x, kernel_size=3, padding=1)      # (N, C, H, W) -> (N, C * 9, H * W)
    back = F.fold(cols, (H, W), kernel_size=3, padding=1)   # sums the overlapping windows
"""
from __future__ import annotations

from typing import Any

from ...argcheck import checked_ints, tensor_arg
from ...core import dtypes
from ...core.tensor import Tensor
from .activation import require_float
from .im2col import Col2Im, Im2Col, blocks_along


def _ints(fn: str, arguments: dict, first_position: int) -> dict:
    """Each argument as a tuple of ints (an int stands for a pair), with the TypeError of torch's argument
    parser (im2col / col2im), which reads them in order before any other check."""
    parsed = {}
    for position, (name, value) in enumerate(arguments.items(), first_position):
        values = tuple(value) if isinstance(value, (list, tuple)) else (value, value)
        parsed[name] = checked_ints(fn, name, values, position)
    return parsed


def _pair(values: tuple, name: str) -> tuple:
    if len(values) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(values)}")
    return values


def _geometry(kernel_size: tuple, dilation: tuple, padding: tuple, stride: tuple) -> tuple:
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    for values, what, names, rule in ((kernel, "kernel size", "kernel", "greater than zero"),
                                      (stride, "stride", "stride", "greater than zero"),
                                      (dilation, "dilation", "dilation", "greater than zero"),
                                      (padding, "padding", "pad", "non-negative")):
        if (min(values) < 0) if rule == "non-negative" else (min(values) <= 0):
            raise RuntimeError(f"{what} should be {rule}, but got {names}_height: {values[0]} "
                               f"{names}_width: {values[1]}")
    return kernel, dilation, padding, stride


def _blocks(spatial: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> tuple:
    return tuple(blocks_along(n, k, d, (p, p), s) for n, k, d, p, s in zip(spatial, kernel, dilation, padding, stride))


def _require_float_or_bool(input: Tensor, kernel: str) -> None:
    """torch's im2col and col2im kernels take floats and bool (overlaps of bools add up as `or`), no integers.
    Called after every shape check, as torch's kernel dispatch comes last."""
    if input.dtype != dtypes.bool:
        require_float(input, kernel)


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """Every sliding (kh, kw) block of (N, C, H, W) as a column: (N, C * kh * kw, number of blocks)."""
    tensor_arg("im2col", "input", input, 1)  # (the kernel torch calls)
    a = _ints("im2col", dict(kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride), 2)
    kernel, dilation, padding, stride = _geometry(a["kernel_size"], a["dilation"], a["padding"], a["stride"])
    # torch reads sizes 1 and 2 in turn (an IndexError past the last dim), stopping at a 0, then checks the rank
    for d in (1, 2):
        if d >= max(input.ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                             f"{max(input.ndim, 1) - 1}], but got {d})")
        if input.shape[d] == 0:
            break
    if input.ndim not in (3, 4) or 0 in input.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    x = input.unsqueeze(0) if input.ndim == 3 else input
    blocks = _blocks(tuple(x.shape[2:]), kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(x.shape[2:])}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding blocks "
                           f"as {blocks}, but its components must be at least one.")
    _require_float_or_bool(input, "im2col_out_cpu")
    out = Im2Col.apply(x, kernel, dilation, tuple((p, p) for p in padding), stride)
    return out.squeeze(0) if input.ndim == 3 else out


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """Sum the columns of (N, C * kh * kw, L) back into an (N, C, *output_size) image (overlaps add up)."""
    tensor_arg("col2im", "input", input, 1)  # (the kernel torch calls)
    a = _ints("col2im", dict(output_size=output_size, kernel_size=kernel_size, dilation=dilation, padding=padding,
                             stride=stride), 2)
    size = _pair(a["output_size"], "output_size")
    kernel, dilation, padding, stride = _geometry(a["kernel_size"], a["dilation"], a["padding"], a["stride"])
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    cols = input.unsqueeze(0) if input.ndim == 2 else input
    taps = kernel[0] * kernel[1]
    if cols.shape[1] % taps:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={cols.shape[1]} and kernel_size={kernel}.")
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if blocks[0] * blocks[1] != cols.shape[2]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size(2)={cols.shape[2]}.")
    if min(blocks) < 1:  # two negative counts can multiply to the right number
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, calculated shape of the array of sliding blocks as {blocks}, which is "
                           "too small (non-positive)")
    _require_float_or_bool(input, "col2im_out_cpu")
    out = Col2Im.apply(cols, size, kernel, dilation, tuple((p, p) for p in padding), stride, blocks)
    return out.squeeze(0) if input.ndim == 2 else out

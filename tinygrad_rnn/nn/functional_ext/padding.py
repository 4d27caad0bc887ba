"""F.pad with all of torch's modes: 'constant', 'reflect', 'replicate' and 'circular'.

The three non-constant modes are each one gather along every padded dim: output position j of a
dim reads input position source(j), and the gradient of a gather is the matching scatter-add
(so an input element that is copied into the border gets the gradients of all its copies).
Only the index arithmetic differs between modes; with k = j - pad_before:

    reflect    k mirrored about the first and last element (edges not repeated): 2 1 | 0 1 2 3 | 2 1
    replicate  k clipped to the first and last element:                           0 0 | 0 1 2 3 | 3 3
    circular   k wrapped around (after negative pads have cropped):               2 3 | 0 1 2 3 | 0 1
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...argcheck import int_list_arg, tensor_arg, type_name
from ...core.tensor import Tensor
from ...creation import from_numpy
from ...ops.composite import composite
from . import basic as _F

_MODES = ("constant", "reflect", "replicate", "circular")
_NODE_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0"}
_DIM_LETTERS = {1: "W", 2: "H", 3: "D"}


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad (or, with negative amounts, crop) the last len(pad)//2 dims. `pad` lists
    (before, after) pairs starting from the LAST dim, as torch does."""
    pad = _parsed_pad(input, pad, mode, value)
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {input.ndim}")
    if mode == "constant":
        return _constant(input, pad, value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    spatial = len(pad) // 2
    if not 1 <= spatial <= 3 or input.ndim not in (spatial + 1, spatial + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    if mode != "circular":  # circular only needs each padded dim to hold its pads (checked per dim)
        _check_nonempty(input, spatial, mode)
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(spatial)]  # last dim first
    if mode != "circular" and spatial > 1:
        _check_some_output(input, pairs, mode)
    out = input
    for i, (before, after) in enumerate(pairs):
        dim = input.ndim - 1 - i
        source = _source_index(mode, input.shape[dim], before, after, dim, input.shape, pad)
        out = out.index_select(dim, from_numpy(source))
    if mode == "circular":  # (the gathers above checked the pads; torch builds the result by copies)
        return _circular_by_copies(input, pairs)
    out = out.contiguous()  # a gather along an inner dim leaves numpy's result strided; torch's is contiguous
    return composite(out, _NODE_NAMES[mode].format(spatial), input)


def _circular_by_copies(input: Tensor, pairs: list) -> Tensor:
    """Circular padding as torch builds it, so the result's node is torch's CopySlices: an empty result,
    the input (cropped by negative pads) copied into its middle, then per padded dim (last first) each
    border copied from the result's opposite side. Corners are written once per dim they lie in."""
    shape = list(input.shape)
    for i, (before, after) in enumerate(pairs):
        shape[input.ndim - 1 - i] += before + after
    out = input.new_zeros(shape)
    middle, cropped = out, input
    for i, (before, after) in enumerate(pairs):
        dim = input.ndim - 1 - i
        middle = _slice(middle, dim, max(before, 0), shape[dim] - max(after, 0))
        cropped = _slice(cropped, dim, max(-before, 0), input.shape[dim] - max(-after, 0))
    middle.copy_(cropped)
    for i, (before, after) in enumerate(pairs):
        dim, end = input.ndim - 1 - i, shape[input.ndim - 1 - i] - max(after, 0)  # end: where the middle ends
        if before > 0:  # the left border reads the middle's last `before` elements
            _slice(out, dim, 0, before).copy_(_slice(out, dim, end - before, end))
        if after > 0:  # the right border reads the middle's first `after` elements
            _slice(out, dim, end, end + after).copy_(_slice(out, dim, max(before, 0), max(before, 0) + after))
    return out


def _slice(t: Tensor, dim: int, start: int, stop: int) -> Tensor:
    return t.narrow(dim, start, stop - start)


def _parsed_pad(input: Any, pad: Any, mode: Any, value: Any) -> list:
    """torch's argument parser, in its order: input a Tensor, pad a tuple of ints (returned as a
    list), mode a str, value a real number or None."""
    tensor_arg("pad", "input", input, 1)
    amounts = list(int_list_arg("pad", "pad", pad, 2))
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {type_name(mode)}")
    if value is not None and (isinstance(value, (str, complex)) or not hasattr(value, "__float__")):
        raise TypeError(f"pad(): argument 'value' (position 4) must be float, not {type_name(value)}")
    return amounts


def _constant(input: Tensor, pad: list, value: float | None) -> Tensor:
    pairs = [(0, 0)] * (input.ndim - len(pad) // 2) + [(pad[i], pad[i + 1]) for i in range(len(pad) - 2, -1, -2)]
    if any(n + min(b, 0) + min(a, 0) < 0 for n, (b, a) in zip(input.shape, pairs)):
        raise RuntimeError("narrow(): length must be non-negative.")  # torch crops the negative pads first
    if value is None or not any(p > 0 for p in pad):  # the value is only converted if something is filled
        value = 0.0
    return composite(_F._constant_pad(input, pairs, value), "ConstantPadNdBackward0", input)


def _check_nonempty(input: Tensor, spatial: int, mode: str) -> None:
    """Reflect and replicate need every non-batch dim non-empty."""
    dims = input.shape[1:] if input.ndim == spatial + 2 else input.shape
    if 0 in dims:
        raise RuntimeError(
            f"Expected {spatial + 1}D or {spatial + 2}D (batch mode) tensor with possibly 0 batch size and other "
            f"non-zero dimensions for input, but got: {list(input.shape)}"
        )


def _check_some_output(input: Tensor, pairs: list, mode: str) -> None:
    """torch's 2-d and 3-d reflect and replicate need one padded dim of size >= 1 (others may be 0)."""
    sizes = [input.shape[input.ndim - 1 - i] for i in range(len(pairs))][::-1]
    outs = [n + b + a for n, (b, a) in zip(sizes, pairs[::-1])]
    if any(o >= 1 for o in outs):
        return
    if len(sizes) == 3:
        raise RuntimeError(f"input (D: {sizes[0]} H: {sizes[1]}, W: {sizes[2]}) is too small. Calculated output "
                           f"D: {outs[0]} H: {outs[1]} W: {outs[2]}")
    gap = " " if mode == "replicate" else ""  # torch's two messages differ by this space
    raise RuntimeError(f"input (H: {sizes[0]}, W: {sizes[1]}{gap}) is too small. Calculated output H: {outs[0]} "
                       f"W: {outs[1]}")


def _source_index(mode: str, n: int, before: int, after: int, dim: int, shape: tuple, pad: list) -> np.ndarray:
    """The input position each output position of one dim reads."""
    size = n + before + after
    if mode == "circular":
        return _circular_source(n, before, after)
    if size < 0 or (size == 0 and mode == "reflect" and len(pad) == 2):  # 2-d and 3-d reflect allow an empty dim
        letter = _DIM_LETTERS.get(len(shape) - dim, "W")
        raise RuntimeError(f"input ({letter}: {n}) is too small. Calculated output {letter}: {size}")
    if mode == "reflect" and (before >= n or after >= n):
        argument = 4 + 2 * (len(shape) - 1 - dim)  # torch's kernels name the width's pads #4, height's #6, depth's #8
        raise RuntimeError(
            f"Argument #{argument}: Padding size should be less than the corresponding input dimension, but got: "
            f"padding ({before}, {after}) at dimension {dim} of input {list(shape)}"
        )
    k = np.arange(size) - before  # output position in the input's coordinates
    if mode == "replicate":
        return np.clip(k, 0, n - 1)
    k = np.abs(k)  # mirror at the first element ...
    return np.where(k > n - 1, 2 * (n - 1) - k, k)  # ... and at the last


def _circular_source(n: int, before: int, after: int) -> np.ndarray:
    """Negative pads crop first; the positive ones then wrap around what is left."""
    if before > n or after > n:
        raise RuntimeError("Padding value causes wrapping around more than once.")
    start, kept, size = max(-before, 0), n - max(-before, 0) - max(-after, 0), n + before + after
    if size < 0 or (kept <= 0 < size):  # the second: torch would wrap around nothing (reading garbage)
        raise RuntimeError("Negative padding value is resulting in an empty dimension")
    j = np.arange(size)
    return start + (j - max(before, 0)) % kept

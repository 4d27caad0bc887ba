"""torch's layouts and memory formats: `torch.strided`, `torch.contiguous_format`, ...

Every tensor here is a dense numpy array in row-major order, so the layout `torch.strided` and the
memory formats `contiguous_format` and `preserve_format` are the ones that work. The others exist
so that torch code naming them runs; asking a factory or a copy for one raises NotImplementedError.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .argcheck import TorchClass, type_name
from .core.size import name_in_errors


def row_major(array: Any) -> Any:
    """`array` itself when it is row-major (C-contiguous), else a row-major copy of it.

    torch's reductions, softmax, scans, cat, stack and index_select allocate their results contiguous
    whatever their inputs' strides, where numpy keeps the input's order: a sum over the last dim of a
    transposed (time, batch, features) tensor would come out transposed, and `.view()` of it fail."""
    return array if array.flags.c_contiguous else np.ascontiguousarray(array)


class layout(metaclass=TorchClass):
    """How a tensor's elements are stored (torch.layout)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:  # pickled by name: it loads as the same object
        return self.name


class memory_format(metaclass=TorchClass):
    """The order of a dense tensor's dimensions in memory (torch.memory_format)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


name_in_errors(layout, "torch.layout")  # CPython's errors name them as torch's C types
name_in_errors(memory_format, "torch.memory_format")
strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")
jagged = layout("jagged")
_mkldnn = layout("_mkldnn")

contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
legacy_contiguous_format = memory_format("legacy_contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")

_ROW_MAJOR = (contiguous_format, preserve_format, legacy_contiguous_format)
# The rank each channels-last format needs, and its dimensions from the fastest-varying to the slowest
CHANNELS_LAST_ORDER = {channels_last: (4, (1, 3, 2, 0)), channels_last_3d: (5, (1, 4, 3, 2, 0))}


def check_layout(fn: str, value: Any) -> None:
    """torch.strided (or None) works; another layout is NotImplementedError; anything else torch's TypeError."""
    if value is None or value is strided:
        return
    if not isinstance(value, layout):
        raise TypeError(f"{fn}(): argument 'layout' must be torch.layout, not {type_name(value)}")
    raise NotImplementedError(f"{fn}(): layout={value} is not implemented: tinygrad_rnn's tensors are dense "
                              "(layout=torch.strided)")


def check_memory_format(fn: str, value: Any, ndim: int | None = None) -> None:
    """Row-major formats (or None) work; channels_last on a tensor of the wrong rank is torch's RuntimeError,
    on the right rank NotImplementedError; anything that is not a memory format torch's TypeError."""
    if value is None or value in _ROW_MAJOR:
        return
    if not isinstance(value, memory_format):
        raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not {type_name(value)}")
    rank = CHANNELS_LAST_ORDER[value][0]
    if ndim is not None and ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {value.name} format")
    raise NotImplementedError(f"{fn}(): memory_format={value} is not implemented: tinygrad_rnn's tensors are "
                              "row-major (memory_format=torch.contiguous_format)")


def check_pin_memory(fn: str, value: Any) -> None:
    """pin_memory=False (or None) works; True needs an accelerator, which this machine does not have (torch's error)."""
    if value is None:
        return
    if not isinstance(value, bool):
        raise TypeError(f"{fn}(): argument 'pin_memory' must be bool, not {type_name(value)}")
    if value:
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
                           "allocator is available on this system.")


def physical_dim_order(sizes: tuple, strides: tuple, row_major: bool, channels_last: bool) -> tuple[tuple, bool]:
    """The dims from the outermost to the innermost in memory, as torch's `Tensor.dim_order` orders them,
    and whether that order is ambiguous (two neighbours it cannot tell apart).

    A row-major or channels-last tensor (but not both) takes its format's order. Otherwise an insertion
    sort, innermost first, moves a dim outward past each one of smaller stride, leaves a dim with stride
    0 where it stands, and puts the longer of two dims with equal strides outside."""
    ndim = len(sizes)
    if ndim <= 1:
        return tuple(range(ndim)), False
    if row_major != channels_last:
        return (tuple(range(ndim)) if row_major else (0, *range(2, ndim), 1)), False

    def covers(x: int, y: int) -> bool:  # torch's "x >= y" on sizes and strides, where 0 is the largest
        return y == 0 or (x != 0 and (x >= y or x % y == 0))

    def outside(a: int, b: int) -> int:
        """1 if dim a lies outside dim b, -1 if inside, 0 if the strides cannot tell."""
        if strides[a] == 0 or strides[b] == 0:
            return 0
        if strides[a] == strides[b]:
            return 0 if covers(sizes[b], sizes[a]) else 1
        return -1 if covers(strides[b], strides[a]) else 1

    inner_first = list(reversed(range(ndim)))
    for i in range(1, ndim):
        moving = i
        for j in reversed(range(i)):
            order = outside(inner_first[j], inner_first[moving])
            if order > 0:
                inner_first[j], inner_first[moving] = inner_first[moving], inner_first[j]
                moving = j
            elif order < 0:
                break
    ambiguous = any(outside(a, b) != -1 for a, b in zip(inner_first, inner_first[1:]))
    return tuple(reversed(inner_first)), ambiguous

"""torch.segment_reduce: reduce consecutive segments of `data` along dim 0, their lengths given (or their
offsets). An empty segment gives the reduction's identity (sum 0, prod 1, max -inf, min inf; mean NaN).

    torch.segment_reduce(torch.arange(6.), "sum", lengths=torch.tensor([2, 0, 4]))   # tensor([ 1., 0., 14.])

Each segment is reduced by the tensor reduction of that name, so the gradients are theirs (max and min share
the gradient between tied values).
"""
from __future__ import annotations

import math
from typing import Any

from ..core.function import rename
from ..core.tensor import Tensor
from ..creation import full
from ..ops.shape import stack

_REDUCTIONS = {"sum": (Tensor.sum, 0.0), "mean": (Tensor.mean, math.nan), "max": (Tensor.amax, -math.inf),
               "amax": (Tensor.amax, -math.inf), "min": (Tensor.amin, math.inf), "amin": (Tensor.amin, math.inf),
               "prod": (Tensor.prod, 1.0)}


def segment_reduce(data: Tensor, reduce: str, *, lengths: Tensor | None = None, indices: Tensor | None = None,
                   offsets: Tensor | None = None, axis: int = 0, unsafe: bool = False,
                   initial: Any = None) -> Tensor:
    """One reduction per segment, stacked along dim 0 (1-d lengths or offsets; segments along dim 0)."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    sizes = _segment_lengths(data, lengths, offsets, axis, unsafe)
    if not data.dtype.is_floating_point:
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for '{data.dtype._legacy}'")
    if initial is not None and reduce not in ("max", "amax", "min", "amin"):
        raise NotImplementedError(f"segment_reduce(reduce={reduce!r}, initial=...) is not implemented: tinygrad_rnn "
                                  "takes an initial value for max and min only")
    reduction, identity = _REDUCTIONS[reduce]
    empty = full(tuple(data.shape[1:]), identity if initial is None else initial, dtype=data.dtype)
    parts, start = [], 0
    for size in sizes:
        part = reduction(data.narrow(0, start, size), 0) if size else empty
        if initial is not None and size:
            part = part.clamp_min(initial) if reduce in ("max", "amax") else part.clamp_max(initial)
        parts.append(part)
        start += size
    return rename(stack(parts), "SegmentReduceBackward0")


def _segment_lengths(data: Tensor, lengths: Tensor | None, offsets: Tensor | None, axis: int,
                     unsafe: bool) -> list[int]:
    """The segments' lengths (from offsets: their differences), after torch's checks."""
    given = lengths if lengths is not None else offsets
    if data.ndim < given.ndim:
        raise RuntimeError("Expected data.dim() >= lengths_value.dim() to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    if axis != given.ndim - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of lengths but got {axis}.")
    if given.ndim != 1:
        raise NotImplementedError("segment_reduce with lengths or offsets of more than one dimension is not "
                                  "implemented: tinygrad_rnn reduces segments of dim 0")
    if given.dtype.is_floating_point or given.dtype.name == "bool":
        kernel = "lengths" if lengths is not None else "offsets"
        raise NotImplementedError(f"\"_segment_reduce_{kernel}_cpu_kernel1\" not implemented for "
                                  f"'{given.dtype._legacy}'")
    values = [int(v) for v in given._data]
    sizes = values if lengths is not None else [b - a for a, b in zip(values, values[1:])]
    if any(s < 0 for s in sizes):
        raise RuntimeError("lengths contains negative value!")
    if not unsafe and sum(sizes) != data.shape[0]:
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                           "data.size(lengths.dim()-1) when !unsafe.")
    return sizes

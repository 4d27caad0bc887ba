"""`torch.histogram`: counts (or summed weights) of values in bins, and the bins' edges."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import return_types
from ..argcheck import as_called, int_arg, invalid_combination
from ..core.function import Function
from ..core.tensor import Tensor
from ..creation import linspace
from ..ops.pointwise import _c_name

SIGNATURES = ("(Tensor input, Tensor bins, *, Tensor weight = None, bool density = False, tuple of Tensors out = None)",
              "(Tensor input, int bins = 100, *, tuple of floats range = None, Tensor weight = None, "
              "bool density = False, tuple of Tensors out = None)")
METHOD_SIGNATURES = ("(Tensor bins, *, Tensor weight = None, bool density = False)",
                     "(int bins = 100, *, tuple of floats range = None, Tensor weight = None, bool density = False)")


@as_called("histogram", SIGNATURES)
def histogram(input: Tensor, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,  # noqa: A002
              density: bool = False, out: Any = None) -> Any:
    """`bins` equal bins (100 unless given) over `range` (default: the values' min to max), or the edges
    given as a 1-d tensor.

    A value v falls in bin i when edges[i] <= v < edges[i+1]; the last bin also holds its right edge;
    values outside the edges are not counted. `density=True` scales the counts to integrate to 1."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype._legacy}'")
    edges = _edges(input, bins, range)
    values, edge_values = input._data.ravel(), edges._data
    n_bins = len(edge_values) - 1
    counted = (values >= edge_values[0]) & (values <= edge_values[-1])
    position = np.minimum(np.searchsorted(edge_values, values[counted], side="right") - 1, n_bins - 1)
    weights = None if weight is None else weight._data.ravel()[counted]
    hist = np.bincount(position, weights, minlength=n_bins).astype(input.dtype.np)
    if density:
        hist = (hist / (hist.sum() * np.diff(edge_values))).astype(input.dtype.np)
    result = return_types.histogram(*NoDerivative.apply((hist, edge_values), input, weight, bins))
    if out is not None:
        for target, value in zip(out, result):
            target._data = value._data.copy()
        return return_types.histogram_out(*out)
    return result


class NoDerivative(Function):
    """histogram's results, which ask for gradients when an input does (`t` whose histogram is drawn
    mid-training), though torch never wrote histogram's derivative: backward raises torch's error."""

    torch_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx: Any, results: tuple, *inputs: Any) -> tuple:
        return tuple(Tensor._make(np.array(r)) for r in results)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise RuntimeError("derivative for aten::histogram is not implemented")


def _edges(input: Tensor, bins: Any, range: Any) -> Tensor:  # noqa: A002
    if isinstance(bins, Tensor):
        if bins.dtype != input.dtype:
            raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                               f"input with dtype {_c_name(input.dtype)} and bins for dimension 0 with dtype "
                               f"{_c_name(bins.dtype)}")
        if bins.dim() != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.dim()} "
                               "dimensions in the bins tensor for dimension 0")
        return bins
    if isinstance(bins, bool) or not isinstance(bins, int):  # neither overload takes it (the caller's
        raise invalid_combination("histogram", (input, bins), SIGNATURES)  # types fill in the message)
    count = int_arg("histogram", "bins", bins, 2)
    if count <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {count} for dimension 0")
    values = input._data
    if range is not None:
        low, high = float(range[0]), float(range[1])
    elif values.size:
        low, high = float(values.min()), float(values.max())
    else:
        low, high = 0.0, 1.0
    if low > high:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} "
                           "for dimension 0")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histogramdd: dimension 0's range [{low:g}, {high:g}] is not finite")
    if low == high:  # one value: a bin of width 1 around it
        low, high = low - 0.5, high + 0.5
    return linspace(low, high, count + 1, dtype=input.dtype)

"""`torch.histogram`: counts (or summed weights) of values in bins, and the bins' edges."""
from __future__ import annotations

import functools
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
    edges = _edges(input, input._data, bins, range)
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


def _edges(input: Tensor, values: np.ndarray, bins: Any, range: Any, dim: int = 0,  # noqa: A002
           fn: str = "histogram") -> Tensor:
    """The bin edges of dimension `dim` (whose values are `values`): the tensor given, or `bins` equal bins."""
    if isinstance(bins, Tensor):
        if bins.dtype != input.dtype:
            raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                               f"input with dtype {_c_name(input.dtype)} and bins for dimension {dim} with dtype "
                               f"{_c_name(bins.dtype)}")
        if bins.dim() != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.dim()} "
                               f"dimensions in the bins tensor for dimension {dim}")
        return bins
    if isinstance(bins, bool) or not isinstance(bins, int):  # neither overload takes it (the caller's
        raise invalid_combination(fn, (input, bins), SIGNATURES)  # types fill in the message)
    count = int_arg(fn, "bins", bins, 2)
    if count <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {count} for dimension {dim}")
    if range is not None:
        low, high = float(range[0]), float(range[1])
    elif values.size:
        low, high = float(values.min()), float(values.max())
    else:
        low, high = 0.0, 1.0
    if low > high:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} "
                           f"for dimension {dim}")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histogramdd: dimension {dim}'s range [{low:g}, {high:g}] is not finite")
    if low == high:  # one value: a bin of width 1 around it
        low, high = low - 0.5, high + 0.5
    return linspace(low, high, count + 1, dtype=input.dtype)


DD_SIGNATURES = ("(Tensor input, int bins, tuple of floats range = None, Tensor weight = None, bool density = False)",
                 "(Tensor input, tuple of ints bins, tuple of floats range = None, Tensor weight = None, "
                 "bool density = False)",
                 "(Tensor input, tuple of Tensors bins, tuple of floats range = None, Tensor weight = None, "
                 "bool density = False)")


@as_called("histogramdd", DD_SIGNATURES)
def histogramdd(input: Tensor, bins: Any, *, range: Any = None, weight: Tensor | None = None,  # noqa: A002
                density: bool = False) -> Any:
    """The histogram of points in D dimensions (input's last dim; the others list the points): each dimension
    binned as histogram bins one (`bins` a count for all, one count per dimension, or one edge tensor per
    dimension); returns the D-dimensional hist and the D tensors of edges."""
    if not isinstance(bins, (int, list, tuple)) or isinstance(bins, bool):
        raise invalid_combination("histogramdd", (input, bins), DD_SIGNATURES)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype._legacy}'")
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    d = input.shape[-1]
    per_dim = [bins] * d if isinstance(bins, int) else list(bins)
    if len(per_dim) != d:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if range is not None and len(range) != 2 * d:
        raise RuntimeError(f"torch.histogramdd: for a {d}-dimensional histogram range should have {2 * d} elements, "
                           f"but got {len(range)}")
    if weight is not None and tuple(weight.shape) != tuple(input.shape[:-1]):
        raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the input "
                           f"tensor excluding its innermost dimension, but got input with shape {list(input.shape)} "
                           f"and weight with shape {list(weight.shape)}")
    points = input._data.reshape(-1, d)
    edges = [_edges(input, points[:, i], b, None if range is None else range[2 * i:2 * i + 2], i, "histogramdd")._data
             for i, b in enumerate(per_dim)]
    counted = np.ones(len(points), dtype=bool)
    for i, e in enumerate(edges):
        counted &= (points[:, i] >= e[0]) & (points[:, i] <= e[-1])
    where = tuple(np.minimum(np.searchsorted(e, points[counted, i], side="right") - 1, len(e) - 2)
                  for i, e in enumerate(edges))
    hist = np.zeros([len(e) - 1 for e in edges], dtype=np.float64)
    np.add.at(hist, where, 1.0 if weight is None else weight._data.reshape(-1)[counted])
    if density:
        volume = functools.reduce(np.multiply.outer, [np.diff(e) for e in edges])
        hist = hist / (hist.sum() * volume)
    return return_types.histogramdd(Tensor._make(hist.astype(input.dtype.np)),
                                    tuple(Tensor._make(np.array(e)) for e in edges))

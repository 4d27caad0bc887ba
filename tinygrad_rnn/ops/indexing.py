"""The indexing family: ops that read or write a tensor at positions given by an index tensor.

Most of them are one of three moves, built from the Functions of ops/shape.py:

- write values at positions (`index_copy`, `index_fill`, `index_put`, `masked_scatter`, the
  `*_scatter` ops): `Scatter` or `SetItem`, whose backward sends the written positions' gradient
  to the values and zero to the overwritten input;
- add values at positions (`index_add`, `scatter_add`, `index_put(accumulate=True)`, `put`):
  the input plus `ScatterAdd` of the values, whose backward gathers;
- read at positions (`take`, `take_along_dim`, `masked_select`): `Index` or `Gather`.

`index_add` and `index_copy` are the scatter ops with the index vector stretched to the source's
shape (`_along`). The one new Function is `ScatterReduce` (prod, mean, amax, amin), whose gradient
is not a plain gather. Each result gets the node name torch shows.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..argcheck import int_arg, int_list_args, invalid_combination, is_int, matched_int_list, tensor_arg, type_name
from ..core import dtypes
from ..core.function import Function, rename
from ..core.tensor import Tensor
from ..core.views import ViewFunction, storage_array
from ..core.views import positions as element_positions
from ..core.warn_once import warn_once
from ..creation import callers_stacklevel, checked_fill
from ..determinism import alert_nondeterministic
from .composite import composite
from .declare import Sample, op
from .pointwise import where
from .promotion import check_broadcast
from .shape import (
    Gather,
    Index,
    IndexBackward,
    Scatter,
    ScatterAdd,
    SetItem,
    as_vector,
    check_scatter_shapes,
    in_range,
    index_key,
    indexed_shape,
    normalize_dim,
)


# ------------------------------------------------------------------ argument checks
def _check_index_vector(fn: str, index: Any, dim: int, size: int, **bounds: Any) -> np.ndarray:
    """An index vector (0-d or 1-d, int32/int64) as an int64 array, checked against the dim's size."""
    return _in_bounds(_index_vector(fn, index), dim, size, **bounds)


def _index_vector(fn: str, index: Any) -> np.ndarray:
    """An index vector (0-d or 1-d, int32/int64) as a 1-d int64 array; its values are not checked."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{fn}(): argument 'index' must be Tensor, not {type_name(index)}")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{fn}(): Expected dtype int32/int64 for index but got: {index.dtype._legacy}")
    if index.ndim > 1:
        raise IndexError(f"{fn}(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{index.dtype._legacy} and size: {list(index.shape)}")
    return index._data.reshape(-1).astype(np.int64)


def _in_bounds(idx: np.ndarray, dim: int, size: int, *, negative: bool = False, error: type = RuntimeError,
               prefix: str = "", message: str | None = None) -> np.ndarray:
    """idx checked as torch's kernel for the op checks it (negative: whether -size <= i < 0 counts
    from the end); the error type and wording differ from kernel to kernel, as torch's do."""
    bad = (idx >= size) | (idx < (-size if negative else 0))
    if bad.any():
        first = builtins.int(idx[bad][0])
        raise error(message or f"{prefix}index {first} is out of bounds for dimension {dim} with size {size}")
    return idx % builtins.max(size, 1) if negative else idx


def _same_dtype(fn: str, input: Tensor, source: Tensor) -> None:
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{fn}(): self ({input.dtype._legacy}) and source ({source.dtype._legacy}) must have the "
                           "same scalar type")


def _along(index: np.ndarray, dim: int, shape: tuple) -> np.ndarray:
    """The index vector stretched to `shape` along `dim`: what scatter needs for index_add/copy."""
    view = [1] * len(shape)
    if shape:
        view[dim] = -1
    return np.broadcast_to(index.reshape(view), shape).copy()


def _check_source_shape(fn: str, input: Tensor, dim: int, index: np.ndarray, source: Tensor) -> None:
    """torch's checks that source holds one slice of input per index (index_add_ and index_reduce_ share
    a meta function and its words; index_copy_ has its own, split around its dtype checks)."""
    if not source.ndim and len(index) != 1:  # (torch reads the 0-d source's size to word its error)
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if source.ndim and len(index) != source.shape[dim]:
        raise RuntimeError(f"{fn}(): Number of indices ({len(index)}) should be equal to source.size(dim): "
                           f"({source.shape[dim]}), for dim: {dim}")
    def off_dim(t: Tensor) -> list:
        return [n for d, n in enumerate(t.shape) if d != dim] if source.ndim and input.ndim else list(t.shape)
    if off_dim(input) != off_dim(source):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")


def _check_copy_source_rank(input: Tensor, index: Tensor, source: Tensor) -> None:
    """index_copy_'s first checks: one index for a 0-d source, and ranks that match (unless one is 0-d)."""
    if not source.ndim and index.numel() != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element (got {index.numel()})")
    if source.ndim and input.ndim and source.ndim != input.ndim:
        raise IndexError("index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({source.ndim}), destination dimensionality ({input.ndim})")


def _check_copy_source_sizes(input: Tensor, dim: int, index: Tensor, source: Tensor) -> None:
    """index_copy_'s checks after the dtypes': the same slices, and one slice of source per index."""
    rest, source_rest = ([n for d, n in enumerate(t.shape) if d != dim] for t in (input, source))  # ([] if 0-d)
    if rest != source_rest:  # (torch names `dim` for the destination's slice and 0 for the source's)
        raise RuntimeError("index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {' '.join(map(str, rest))} at dimension {dim} and source slice shape: "
                           f"{' '.join(map(str, source_rest))} at dimension 0.")
    if source.ndim and source.shape[dim] != index.numel():
        raise IndexError(f"index_copy_(): Number of indices ({index.numel()}) should be equal to source.size(dim) "
                         f"({source.shape[dim]})")


def _dim_size(input: Tensor, dim: int) -> int:
    return input.shape[dim] if input.ndim else 1


def _check_scatter_index(input: Tensor, dim: int, index: Tensor, src: Any) -> np.ndarray:
    if index.dtype not in (dtypes.int64, dtypes.int32) and index.numel():  # an empty index is never read
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    check_scatter_shapes(input, dim, index, src)
    idx = index._data.astype(np.int64).reshape(index.shape if input.ndim else (-1,))
    return _in_bounds(idx, dim, _dim_size(input, dim))


# ------------------------------------------------------------------ add, copy, fill at an index vector
def _vector_samples(extra: dict | None = None, *, unique: bool = True, value: Any = "source") -> Any:
    """(input, dim, index, source) for the index_* ops: along dims 0 and 1, an empty index, a vector."""
    def make(rng: np.random.Generator) -> list[Sample]:
        def pick(n: int, k: int) -> np.ndarray:
            return rng.permutation(n)[:k] if unique else rng.integers(0, n, k)
        cases = [((4, 3), 0, 3), ((2, 5), 1, 4), ((4, 3), 0, 0), ((5,), 0, 2), ((3, 1), 0, 1)]
        out = []
        for shape, dim, k in cases:
            source = list(shape)
            source[dim] = k
            last = rng.standard_normal(source) if value == "source" else value
            out.append(Sample((rng.standard_normal(shape), dim, pick(shape[dim], k), last), dict(extra or {})))
        return out
    return make


def _adds_by_scatter(input: Tensor, dim: int, index: Tensor, alpha: Any) -> bool:
    """Does torch's CPU kernel add through scatter_add here? Then a bad index raises scatter's RuntimeError
    naming it; its other path (a vector, a middle dim, an int32 index, alpha not 1) raises an IndexError."""
    plain_alpha = not isinstance(alpha, bool) and alpha == 1
    return input.ndim > 1 and dim in (0, input.ndim - 1) and index.dtype is dtypes.int64 and plain_alpha


@op(out=True, inplace=True, samples=_vector_samples(unique=False))
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """input with alpha * source added at `index` along dim (repeated indices add up)."""
    tensor_arg("index_add", "index", index, 3), tensor_arg("index_add", "source", source, 4)  # (a numpy array: no)
    d = normalize_dim(dim, input.ndim)
    idx = _index_vector("index_add_", index)  # torch's checks in its order: the index, the dtypes, the shapes,
    _same_dtype("index_add_", input, source)  # and only then (in the kernel) the index's values
    _check_source_shape("index_add_", input, d, idx, source)
    if not input.ndim:  # one element along dim 0, read as a vector of one
        return rename(index_add(as_vector(input), d, index, as_vector(source), alpha=alpha).reshape(()),
                      "IndexAddBackward0")
    if not input.numel() and input.ndim > 1:  # nothing to add into: torch's kernel returns before the index
        return rename(input.clone(), "IndexAddBackward0")
    if _adds_by_scatter(input, d, index, alpha):
        _in_bounds(idx, d, input.shape[d])
    else:
        _in_bounds(idx, d, input.shape[d], error=IndexError, message="index out of range in self")
    if not (source.dtype.is_floating_point or source.dtype is dtypes.bool or isinstance(alpha, bool)):
        alpha = checked_fill(alpha, source.dtype)  # torch takes alpha in an integer source's dtype: 0.5 is 0
    scaled = source if alpha == 1 else (source * alpha).to(source.dtype)  # (bools stay bools: True * 2 is True)
    added = ScatterAdd.apply(scaled.reshape(input.shape[:d] + (len(idx),) + input.shape[d + 1:]), d,
                             _along(idx, d, input.shape[:d] + (len(idx),) + input.shape[d + 1:]), input.shape)
    return composite(input + added, "IndexAddBackward0", input, source)


@op(out=True, inplace=True, samples=_vector_samples())
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """input with the slices at `index` along dim replaced by source's (index an int64 vector, unlike
    index_add's and index_select's, which also take int32)."""
    tensor_arg("index_copy", "index", index, 3), tensor_arg("index_copy", "source", source, 4)
    d = normalize_dim(dim, input.ndim)
    if index.ndim > 1:  # torch's order: the ranks, the dtypes, the sizes, the index's values
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    _check_copy_source_rank(input, index, source)
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {index.dtype._legacy}")
    if source.dtype is not input.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{input.dtype._legacy} and (source) {source.dtype._legacy}")
    _check_copy_source_sizes(input, d, index, source)
    if not input.ndim:  # torch reads a 0-d input and source as one element along dim 0
        return rename(index_copy(as_vector(input), d, index, as_vector(source)).reshape(()), "IndexCopyBackward0")
    idx = _in_bounds(index._data.reshape(-1), d, input.shape[d], error=IndexError, prefix="index_copy_(): ")
    shape = input.shape[:d] + (len(idx),) + input.shape[d + 1:]
    return composite(Scatter.apply(input, d, _along(idx, d, shape), source.reshape(shape)), "IndexCopyBackward0", input, source)


_INDEX_FILL_SIGNATURES = ("(Tensor input, int dim, Tensor index, Tensor value)",
                          "(Tensor input, int dim, Tensor index, Number value)")


@op(inplace=True, renumber_method_errors=True, samples=lambda rng: _vector_samples(value=-2.5)(rng)[:4] + [
    Sample((rng.standard_normal((3, 4)), 1, np.array([0, 2]), rng.standard_normal(())))])
def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """input with the slices at `index` along dim set to value (a number or a 0-d tensor)."""
    if not is_int(dim) or isinstance(value, (np.ndarray, list, tuple)):  # torch's parser first: a dim is an int
        raise invalid_combination("index_fill", (input, dim, index, value), _INDEX_FILL_SIGNATURES)  # a value a number
    if isinstance(value, Tensor) and value.ndim:  # then its first check, before dim's range and the index
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    d = normalize_dim(dim, input.ndim)
    if isinstance(index, Tensor) and index.dtype is not dtypes.int64:  # index_fill takes no int32 index
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(index, Tensor) and index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if not isinstance(value, Tensor):
        value = checked_fill(value, input.dtype)  # its range, before the index's
    elif value.ndim == 0:
        checked_fill(value.item(), input.dtype)  # a 0-d tensor's value must fit input's dtype too
    if not input.ndim:  # torch reads a 0-d input as one element along dim 0
        filled = index_fill(as_vector(input), d, index, value).reshape(())
        return rename(filled, "IndexFillBackward1" if isinstance(value, Tensor) else "IndexFillBackward0")
    idx = _check_index_vector("index_fill_", index, d, _dim_size(input, d), negative=True, error=IndexError)
    idx = np.unique(idx)  # a repeated index fills its slice once: value's gradient counts each slice once
    shape = input.shape[:d] + (len(idx),) + input.shape[d + 1:]
    positions = _along(idx, d, shape)
    if isinstance(value, Tensor):
        filled = Scatter.apply(input, d, positions, value.to(input.dtype).expand(shape))
        return rename(filled, "IndexFillBackward1")
    return rename(Scatter.apply(input, d, positions, value), "IndexFillBackward0")


# ------------------------------------------------------------------ index_put, put
def _put_key(input: Tensor, indices: Any) -> tuple:
    """A tuple of index tensors, with torch's first checks: their types, then how many dims they take."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' must be tuple of Tensors, not {type_name(indices)}")
    wrong = next((i for i, k in enumerate(indices) if not isinstance(k, Tensor)), None)
    if wrong is not None:  # torch's parser, as for `t.index_put_(indices, values)`, where indices is argument 0
        raise TypeError(f"expected Tensor as element {wrong} in argument 0, but got {type_name(indices[wrong])}")
    for k in indices:
        if not isinstance(k, Tensor) or k.dtype.name not in ("int64", "int32", "uint8", "bool"):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    taken = builtins.sum(k.ndim if k.dtype in (dtypes.bool, dtypes.uint8) else 1 for k in indices)
    if taken > input.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got {taken})")
    return tuple(indices)


def _index_put_samples(rng: np.random.Generator) -> list[Sample]:
    rows, cols, mask = np.array([0, 2, 2]), np.array([1, 3, 0]), rng.random((3, 4)) < 0.5
    return [Sample((rng.standard_normal((3, 4)), (rows, cols), rng.standard_normal(3))),
            Sample((rng.standard_normal((3, 4)), (rows,), rng.standard_normal(4)), {"accumulate": True}),
            Sample((rng.standard_normal((3, 4)), [rows, cols], rng.standard_normal(1), True)),
            Sample((rng.standard_normal((3, 4)), (mask,), rng.standard_normal(()))),
            Sample((rng.standard_normal((3, 4)), (np.zeros(0, np.int64),), rng.standard_normal(4))),
            Sample((rng.standard_normal(1), (np.array([0, -1]),), rng.standard_normal(2), True))]


@op(inplace_function=True, inplace=True, samples=_index_put_samples)
def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """input with values written (or, with accumulate, added) at input[indices], a tuple of index tensors."""
    key = _put_key(input, indices)
    region, late_error = indexed_shape(input.detach(), key)  # masks' shapes, indices that do not broadcast
    if not _broadcasts_to(values.shape, region):
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(region)}")
    if values.dtype is not input.dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{input.dtype._legacy} for the destination and {values.dtype._legacy} for the source.")
    if late_error is not None:  # torch checks an index's values last, as it writes
        raise late_error
    key = index_key(key) if 0 not in region else in_range(index_key(key))  # (nothing written: nothing read)
    if accumulate:
        added = IndexBackward.apply(values.expand(region) if values.shape != region else values, key, input.shape)
        return composite(input + added, "IndexPutBackward0", input, values)
    return composite(SetItem.apply(input, key, values), "IndexPutBackward0", input, values)


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


def _check_put(input: Tensor, index: Tensor, source: Tensor) -> np.ndarray:
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {index.dtype._legacy}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype._legacy} and source.dtype = {source.dtype._legacy}")
    if source.numel() != index.numel():
        raise IndexError("put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    return _flat_positions(index, input.numel())


def _flat_positions(index: Tensor, numel: int) -> np.ndarray:
    idx = index._data.reshape(-1)
    bad = (idx >= numel) | (idx < -numel)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {builtins.int(idx[bad][0])} on a tensor of "
                         f"{numel} elements.")
    return idx % builtins.max(numel, 1)


def _put_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 4)), np.array([0, 5, -1]), rng.standard_normal(3))),
            Sample((rng.standard_normal((3, 4)), np.array([[1, 1], [2, 11]]), rng.standard_normal((2, 2))),
                   {"accumulate": True}),
            Sample((rng.standard_normal((5,)), np.zeros(0, np.int64), rng.standard_normal(0))),
            Sample((rng.standard_normal(()), np.array([0]), rng.standard_normal(1)))]


@op(inplace=True, samples=_put_samples)
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """input, read as flat, with source written (or added) at the flat positions `index`."""
    tensor_arg("put", "index", index, 2), tensor_arg("put", "source", source, 3)
    if not accumulate:
        alert_nondeterministic("put_")  # before any check, and by the in-place kernel's name for put too, as torch
    idx = _check_put(input, index, source)
    flat = input.reshape(-1)
    values = source.reshape(-1)
    if accumulate:
        out = flat + IndexBackward.apply(values, (idx,), flat.shape)
    else:
        out = SetItem.apply(flat, (idx,), values)
    return rename(out.reshape(input.shape), "PutBackward0")  # torch shows one node for put


# ------------------------------------------------------------------ scatter_add, scatter_reduce
def _scatter_samples(reduce: str | None = None) -> Any:
    """(input, dim, index, src): repeated targets, an empty index, dim 1. (src larger than index
    is tested apart, without gradients: torch's own backward rejects it.)"""
    kw = {} if reduce is None else {"reduce": reduce}

    def make(rng: np.random.Generator) -> list[Sample]:
        out = [Sample((rng.standard_normal((3, 4)), 0, rng.integers(0, 3, (4, 4)), rng.standard_normal((4, 4))), kw),
               Sample((rng.standard_normal((3, 4)), 1, rng.integers(0, 4, (3, 2)), rng.standard_normal((3, 2))), kw),
               Sample((rng.standard_normal((3, 4)), 0, np.zeros((0, 4), np.int64), rng.standard_normal((0, 4))), kw),
               Sample((rng.standard_normal((5,)), 0, rng.integers(0, 5, (3,)), rng.standard_normal((3,))), kw)]
        if reduce is not None:
            out += [Sample(s.args, {**kw, "include_self": False}) for s in out[:2]]
        return out
    return make


@op(inplace=True, samples=_scatter_samples())
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """input with src[i][j] added at input[index[i][j]][j] (for dim 0; likewise for the others)."""
    d = normalize_dim(dim, input.ndim)
    if not input.ndim or not index.ndim:  # torch reads a 0-d input, index or source as one element along dim 0
        out = scatter_add(as_vector(input), d, as_vector(index), as_vector(src)).reshape(input.shape)
        return rename(out, "ScatterAddBackward0")
    idx = _check_scatter_index(input, d, index, src)
    crop = tuple(slice(0, n) for n in idx.shape)
    part = src if src.shape == idx.shape else Index.apply(src, crop + (Ellipsis,))
    return composite(input + ScatterAdd.apply(part, d, idx, input.shape), "ScatterAddBackward0", input, src)


_IDENTITY = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "amax": -np.inf, "amin": np.inf}
_OLD_NAMES = {"max": "amax", "min": "amin"}  # torch's kernel still takes these; its gradient formula refuses them
_REDUCE_AT = {"sum": np.add.at, "mean": np.add.at, "prod": np.multiply.at, "amax": np.maximum.at,
              "amin": np.minimum.at}


class ScatterReduce(Function):
    """x with src reduced into it at index along dim (sum, prod, mean, amax, amin).

    `include_self=False` leaves x's own value out wherever something is scattered. Gradients:
    sum and mean send g (divided by the count, for mean) to every contributor; amax and amin
    share g equally among the contributors equal to the result; prod sends each contributor the
    product of the others (exact with zeros: see `_prod_slopes`)."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        ctx.named, reduce = reduce, _OLD_NAMES.get(reduce, reduce)
        grid = _grid(index, dim)
        count = np.zeros(x.shape, np.int64)
        np.add.at(count, grid, 1)
        hit = count > 0
        out = x._data.copy()
        if not include_self:
            out[hit] = _IDENTITY[reduce] if x._data.dtype.kind == "f" else _int_identity(reduce, out.dtype)
        _REDUCE_AT[reduce](out, grid, src._data[_crop(index)])
        if reduce == "mean":
            total = np.where(hit, count + builtins.int(include_self), 1)
            out = out // total if out.dtype.kind in "iu" else (out / total).astype(out.dtype)
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        ctx.hit, ctx.count = hit, count
        ctx.x, ctx.src, ctx.out = x, src, out
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        _check_differentiable_name(ctx.named)
        slope_x, slope_src = _slopes(ctx)
        gx = g * slope_x if ctx.needs_input_grad[0] else None
        gsrc = Gather.apply(g, ctx.dim, ctx.index) * slope_src if ctx.needs_input_grad[3] else None
        if gsrc is not None and ctx.src.shape != ctx.index.shape:  # src's elements past index's get nothing
            gsrc = IndexBackward.apply(gsrc, _crop(ctx.index) + (Ellipsis,), ctx.src.shape)
        return gx, None, None, gsrc, None, None

    @staticmethod
    def jvp(ctx, tx, _dim, _index, tsrc, _reduce, _include_self):
        _check_differentiable_name(ctx.named)
        slope_x, slope_src = _slopes(ctx)
        tsrc = tsrc[_crop(ctx.index)] if tsrc.shape != ctx.index.shape else tsrc
        return tx * slope_x + ScatterAdd.apply(tsrc * slope_src, ctx.dim, ctx.index, ctx.x.shape)


def _check_differentiable_name(reduce: str) -> None:
    if reduce in _OLD_NAMES:
        raise RuntimeError(f"Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', 'amin' but got {reduce}.")


def _int_identity(reduce: str, dtype: np.dtype) -> Any:
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    return {"amax": info.min if info else False, "amin": info.max if info else True}.get(reduce, _IDENTITY[reduce])


def _grid(index: np.ndarray, dim: int) -> tuple:
    """The positions index names: index along dim, the element's own position along the others."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _slopes(ctx: Any) -> tuple[Any, Any]:
    """d out / d x (at x's shape) and d out / d src (at index's shape) of a ScatterReduce."""
    keep_self = ~ctx.hit | ctx.include_self  # where x's own value is one of the contributors
    if ctx.reduce == "sum":
        return _const(keep_self, ctx.x), _const(np.ones(ctx.index.shape), ctx.x)
    if ctx.reduce == "mean":
        total = np.where(ctx.hit, ctx.count + builtins.int(ctx.include_self), 1)
        return _const(keep_self / total, ctx.x), _const(1 / total[_grid(ctx.index, ctx.dim)], ctx.x)
    if ctx.reduce in ("amax", "amin"):
        x_wins = keep_self & (ctx.x._data == ctx.out)
        src_wins = ctx.src._data[_crop(ctx.index)] == ctx.out[_grid(ctx.index, ctx.dim)]
        winners = x_wins.astype(np.int64)
        np.add.at(winners, _grid(ctx.index, ctx.dim), src_wins)
        share = 1 / np.maximum(winners, 1)
        return _const(x_wins * share, ctx.x), _const(src_wins * share[_grid(ctx.index, ctx.dim)], ctx.x)
    return _prod_slopes(ctx, keep_self)


def _crop(index: np.ndarray) -> tuple:
    return tuple(slice(0, n) for n in index.shape)


def _const(values: np.ndarray, like: Tensor) -> Tensor:
    return Tensor._make(np.asarray(values, dtype=like._data.dtype))


def _prod_slopes(ctx: Any, keep_self: np.ndarray) -> tuple[Tensor, Tensor]:
    """Each contributor's slope is the product of the other contributors at its position. With P
    the product of the non-zero ones, z the sum of the zero ones (0, but not to a derivative) and
    k how many are zero, the slope of a contributor e is: P / e when k = 0; P / e * z (e != 0) or
    P (e = 0) when k = 1; 0 (e != 0) or P * (z - e) (e = 0) when k = 2; 0 when k > 2. Written with
    differentiable ops (P and z are ScatterReduces themselves), so second derivatives are exact."""
    x = ctx.x
    src = Index.apply(ctx.src, _crop(ctx.index) + (Ellipsis,)) if ctx.src.shape != ctx.index.shape else ctx.src
    grid = _grid(ctx.index, ctx.dim)
    x_zero, src_zero = (x._data == 0) & keep_self, src._data == 0
    zeros = x_zero.astype(np.int64)
    np.add.at(zeros, grid, src_zero)
    one = Tensor._make(np.ones((), x._data.dtype))
    # (a zero of x that is left out, include_self=False, still becomes 1: the slope divides by it)
    x_nonzero = where(Tensor._make(x._data != 0), x, one)
    src_nonzero = where(Tensor._make(~src_zero), src, one)
    product = ScatterReduce.apply(x_nonzero, ctx.dim, ctx.index, src_nonzero, "prod", ctx.include_self)
    zero_sum = ScatterReduce.apply(x * _const(x_zero, x), ctx.dim, ctx.index, src * _const(src_zero, src), "sum",
                                   ctx.include_self)
    slope_x = _prod_slope(x, x_nonzero, x_zero, product, zero_sum, zeros) * _const(keep_self, x)
    slope_src = _prod_slope(src, src_nonzero, src_zero, Gather.apply(product, ctx.dim, ctx.index),
                            Gather.apply(zero_sum, ctx.dim, ctx.index), zeros[grid])
    return slope_x, slope_src


def _prod_slope(e: Tensor, e_nonzero: Tensor, e_zero: np.ndarray, product: Tensor, zero_sum: Tensor,
                zeros: np.ndarray) -> Tensor:
    """The slope of contributors e at the positions whose P, z and k are given (see _prod_slopes)."""
    def case(mask: np.ndarray) -> Tensor:
        return _const(mask, e)
    rest = product / e_nonzero
    return (rest * case(zeros == 0) + rest * zero_sum * case((zeros == 1) & ~e_zero)
            + product * case((zeros == 1) & e_zero) + product * (zero_sum - e) * case((zeros == 2) & e_zero))


def _scatter_reduce_samples(rng: np.random.Generator) -> list[Sample]:
    out = []
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        out += _scatter_samples(reduce)(rng)[:2 if reduce != "sum" else 4]
        out.append(Sample(out[-1].args, {"reduce": reduce, "include_self": False}))
    x = np.array([0.0, 2.0, -1.5])
    out.append(Sample((x, 0, np.array([0, 0, 1, 2]), np.array([3.0, 0.0, 0.5, 0.0])), {"reduce": "prod"}))
    return out


@op(inplace=True, samples=_scatter_reduce_samples)
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """input with src reduced into it at index along dim; `reduce` is sum, prod, mean, amax or amin."""
    d = normalize_dim(dim, input.ndim)
    idx = _check_scatter_index(input, d, index, src)  # (torch checks the arguments before the reduction's name)
    if _OLD_NAMES.get(reduce, reduce) not in _IDENTITY:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return rename(ScatterReduce.apply(input, d, idx, src, reduce, builtins.bool(include_self)),
                  "ScatterReduceBackward0")


def _index_reduce_samples(rng: np.random.Generator) -> list[Sample]:
    out = []
    for reduce in ("prod", "mean", "amax", "amin"):
        for s in _vector_samples(unique=False)(rng)[:3]:
            out.append(Sample(s.args + (reduce,)))
        out.append(Sample(out[-3].args, {"include_self": False}))
    return out


@op(out=True, inplace=True, samples=_index_reduce_samples)
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """scatter_reduce with an index vector: source's slices reduced into input's at `index` along dim."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = normalize_dim(dim, input.ndim)
    idx = _check_index_vector("index_reduce_", index, d, _dim_size(input, d), error=IndexError,
                              message="index out of range in self")
    _same_dtype("index_reduce_", input, source)
    _check_source_shape("index_reduce_", input, d, idx, source)
    shape = input.shape[:d] + (len(idx),) + input.shape[d + 1:]
    warn_once("index_reduce", "index_reduce() is in beta and the API may change at any time. (Triggered internally "
              "at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:1523.)",
              stacklevel=callers_stacklevel())
    out = IndexReduce.apply(input, d, _along(idx, d, shape), source.reshape(shape), reduce, builtins.bool(include_self),
                            index.dtype is dtypes.int64)
    return rename(out, "IndexReduceBackward0")


class IndexReduce(ScatterReduce):
    """ScatterReduce for index_reduce, whose index may be int32. With `include_self=False` torch's backward
    zeroes input's gradient at the reduced slices with index_fill_, which takes only an int64 index: it raises."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self, long_index):
        ctx.long_index = long_index
        return ScatterReduce.forward(ctx, x, dim, index, src, reduce, include_self)

    @staticmethod
    def backward(ctx, g):
        if ctx.needs_input_grad[0] and not ctx.include_self and not ctx.long_index:
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        return ScatterReduce.backward(ctx, g) + (None,)

    @staticmethod
    def jvp(ctx, tx, _dim, _index, tsrc, _reduce, _include_self, _long_index):
        return ScatterReduce.jvp(ctx, tx, _dim, _index, tsrc, _reduce, _include_self)


# ------------------------------------------------------------------ reading at positions
def _take_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 4)), np.array([[0, 11], [5, 5]]))),
            Sample((rng.standard_normal((3, 4)), np.array([-1, -12]))),
            Sample((rng.standard_normal((5,)), np.zeros((0, 2), np.int64))),
            Sample((rng.standard_normal(()), np.array(0)))]


@op(out=True, samples=_take_samples)
def take(input: Tensor, index: Tensor) -> Tensor:
    """input read as flat, at the positions `index` (the result has index's shape)."""
    tensor_arg("take", "index", index, 2)
    if index.dtype is not dtypes.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype._legacy}")
    idx = _flat_positions(index, input.numel()).reshape(index.shape)
    return composite(Index.apply(input.reshape(-1), (idx,)), "TakeBackward0", input)


def _take_along_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 4)), rng.integers(0, 3, (2, 4)), 0)),
            Sample((rng.standard_normal((3, 4)), rng.integers(-4, 4, (3, 1)), 1)),
            Sample((rng.standard_normal((3, 4)), rng.integers(0, 12, (5,)))),
            Sample((rng.standard_normal((2, 1, 3)), rng.integers(0, 3, (1, 4, 2)), -1)),
            Sample((rng.standard_normal((0, 3)), np.zeros((0, 1), np.int64), 1))]


@op(out=True, samples=_take_along_samples)
def take_along_dim(input: Tensor, indices: Tensor, dim: Any = None) -> Tensor:
    """gather after broadcasting input and indices on every dim but `dim`; with dim None, take of the flat input."""
    if dim is not None:
        int_arg("take_along_dim", "dim", dim, 3)  # the parser's, before the indices' dtype
    if dim is None:  # take of the flat input, which takes int32 indices too
        if indices.dtype not in (dtypes.int64, dtypes.int32):  # (gather's message: take_along_dim's is on the other path)
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        return Gather.apply(input.reshape(-1), 0, _in_bounds(indices._data.reshape(-1), 0, input.numel()))
    if indices.dtype is not dtypes.int64:
        raise RuntimeError("torch.take_along_dim(): dtype of indices should be Long but got " + indices.dtype._legacy)
    d = normalize_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    in_shape, idx_shape = list(input.shape), list(indices.shape)
    in_shape[d] = idx_shape[d] = 1
    common = list(np.broadcast_shapes(tuple(in_shape), tuple(idx_shape)))
    x_shape, i_shape = common.copy(), common.copy()
    x_shape[d], i_shape[d] = input.shape[d], indices.shape[d]
    x = input.expand(x_shape)  # (an ExpandBackward0 even to input's own shape, as torch's graph shows)
    idx = np.broadcast_to(indices._data, i_shape)
    return Gather.apply(x, d, _wrapped(idx, input.shape[d]))


def _wrapped(idx: np.ndarray, size: int) -> np.ndarray:
    """torch 2.13's take_along_dim along a dim reads each index modulo the dim's size (Python's modulo:
    -1 is the last, size + 1 the second), so no index is out of range; over an empty dim, any index fails."""
    if size == 0:
        if idx.size:
            raise RuntimeError("ZeroDivisionError")  # (torch's whole message)
        return idx
    return np.mod(idx, size)


def _masked_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 4)), rng.standard_normal((3, 4)) > 0)),
            Sample((rng.standard_normal((3, 4)), rng.standard_normal((4,)) > 0)),
            Sample((rng.standard_normal((4,)), rng.standard_normal((2, 4)) > 0)),
            Sample((rng.standard_normal((0, 3)), rng.standard_normal((3,)) > 0)),
            Sample((rng.standard_normal(()), np.array(True)))]


def _check_mask(fn: str, mask: Any) -> None:
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool:
        raise RuntimeError(f"{fn}: expected BoolTensor for mask")


@op(out=True, samples=_masked_samples)
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of input where mask (broadcast with it) is True, as a 1-D tensor."""
    tensor_arg("masked_select", "mask", mask, 2)
    _check_mask("masked_select", mask)
    check_broadcast(mask, input)
    shape = np.broadcast_shapes(input.shape, mask.shape)
    x = input if input.shape == shape else input.expand(shape)
    return rename(Index.apply(x, (np.broadcast_to(mask._data, shape),)), "MaskedSelectBackward0")


def _masked_scatter_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 4)), rng.standard_normal((3, 4)) > 0, rng.standard_normal((3, 5)))),
            Sample((rng.standard_normal((3, 4)), rng.standard_normal((4,)) > 0, rng.standard_normal(12))),
            Sample((rng.standard_normal((0, 3)), rng.standard_normal((3,)) > 0, rng.standard_normal(2))),
            Sample((rng.standard_normal(()), np.array(True), rng.standard_normal((1,))))]


def _check_source_dtype(input: Tensor, source: Tensor) -> None:
    if source.dtype is not input.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got"
                           f"{input.dtype._legacy} and {source.dtype._legacy}")


def _masked_scatter_inplace_order(self: Tensor, mask: Any, source: Any = None, *args: Any, **kwargs: Any) -> None:
    """masked_scatter_ checks source's dtype, then expands the mask to the tensor's shape (expand's errors), before
    the mask's dtype; masked_scatter broadcasts the mask with input first, then checks the dtypes."""
    if isinstance(mask, Tensor) and isinstance(source, Tensor):  # (else the parser's error, in masked_scatter)
        _check_source_dtype(self, source)
        if mask.shape != self.shape:
            mask.detach().expand(self.shape)


@op(inplace=True, samples=_masked_scatter_samples, inplace_check=_masked_scatter_inplace_order,
    renumber_method_errors=True)
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """input with its elements where mask is True replaced, in order, by source's first elements."""
    tensor_arg("masked_scatter", "mask", mask, 2), tensor_arg("masked_scatter", "source", source, 3)
    check_broadcast(mask, input)
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{getattr(mask, 'dtype', type(mask).__name__)}")
    _check_source_dtype(input, source)
    shape = np.broadcast_shapes(input.shape, mask.shape)
    x = input if input.shape == shape else input.expand(shape)
    where_true = np.broadcast_to(mask._data, shape)
    n = builtins.int(where_true.sum())
    if n > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    values = Index.apply(source.reshape(-1), (slice(0, n),))
    return composite(SetItem.apply(x, (where_true,), values), "MaskedScatterBackward0", input, source)


@op(samples=lambda rng: [Sample((np.where(rng.random(s) < 0.4, 0.0, rng.standard_normal(s)),))
                         for s in [(3, 4), (1,), (0, 3), (), (2, 3, 2)]], differentiable=False)
def argwhere(input: Tensor) -> Tensor:
    """The positions of the non-zero elements, one row each (as nonzero)."""
    where_true = np.nonzero(input._data if input.ndim else input._data.reshape(1))
    if not input.ndim:
        return Tensor._make(np.zeros((builtins.int(where_true[0].size), 0), np.int64))
    return Tensor._make(np.stack(where_true, axis=1).astype(np.int64).reshape(-1, input.ndim))


# ------------------------------------------------------------------ embedding one tensor in another
def _check_embedded(src: Tensor, slot_shape: tuple) -> None:
    if src.shape != slot_shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(slot_shape)}")


def _embed(input: Tensor, key: tuple, src: Tensor, name: str) -> Tensor:
    _check_embedded(src, input._data[key].shape)
    if src.dtype is not input.dtype:
        src = src.to(input.dtype)
    return rename(SetItem.apply(input, key, src), name)


@op(samples=lambda rng: [Sample((rng.standard_normal((3, 4)), rng.standard_normal(4), 0, 1)),
                         Sample((rng.standard_normal((3, 4)), rng.standard_normal(3), 1, -1)),
                         Sample((rng.standard_normal((2, 0)), rng.standard_normal(0), 0, 0)),
                         Sample((rng.standard_normal((1,)), rng.standard_normal(()), 0, 0))])
def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """input with input.select(dim, index) replaced by src."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}")
    return _embed(input, (slice(None),) * d + (index % n, Ellipsis), src, "SelectScatterBackward0")


@op(samples=lambda rng: [Sample((rng.standard_normal((5, 4)), rng.standard_normal((2, 4)), 0, 1, 3)),
                         Sample((rng.standard_normal((3, 6)), rng.standard_normal((3, 3)), 1, None, None, 2)),
                         Sample((rng.standard_normal((3, 4)), rng.standard_normal((3, 4)))),
                         Sample((rng.standard_normal((4,)), rng.standard_normal(0), 0, 2, 2)),
                         Sample((rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), 0, -2))])
def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: Any = None, end: Any = None, step: int = 1) -> Tensor:
    """input with input[start:end:step] along dim replaced by src."""
    if input.ndim == 0:
        raise RuntimeError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = normalize_dim(dim, input.ndim)
    return _embed(input, (slice(None),) * d + (slice(start, end, step), Ellipsis), src, "SliceScatterBackward0")


def diagonal_positions(shape: tuple, offset: int, dim1: int, dim2: int) -> tuple:
    """The (rows, cols) of the diagonal `offset` of the dims dim1 and dim2 of a tensor of `shape`."""
    rows_n, cols_n = shape[dim1], shape[dim2]
    length = builtins.max(builtins.min(rows_n + builtins.min(offset, 0), cols_n - builtins.max(offset, 0)), 0)
    rows = np.arange(length) + builtins.max(-offset, 0)
    return rows, rows + offset


def _diag_scatter_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 4)), rng.standard_normal(3))),
            Sample((rng.standard_normal((3, 4)), rng.standard_normal(3), 1)),
            Sample((rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 1)), -1, 0, 2)),
            Sample((rng.standard_normal((2, 2)), rng.standard_normal(0), 5))]


@op(samples=_diag_scatter_samples)
def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """input with its diagonal (offset, dim1, dim2) replaced by src (laid out as input.diagonal(...))."""
    d1, d2 = normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    order = [d for d in range(input.ndim) if d not in (d1, d2)] + [d1, d2]
    moved = input.permute(order)
    rows, cols = diagonal_positions(input.shape, offset, d1, d2)
    key = (Ellipsis, rows, cols)
    _check_embedded(src, moved._data[key].shape)
    placed = SetItem.apply(moved, key, src.to(input.dtype))
    back = tuple(int(i) for i in np.argsort(order))
    return rename(placed.permute(back), "DiagonalScatterBackward0")


# ------------------------------------------------------------------ strided views and counting
def _memory_order(input: Tensor) -> Tensor:
    """input's elements as one vector, in the order they lie in memory (a transpose's storage order)."""
    strides = input._data.strides
    order = tuple(sorted(range(input.ndim), key=lambda d: -strides[d]))
    laid_out = input if order == tuple(range(input.ndim)) else input.permute(order)
    return laid_out.reshape(-1)


def strided_positions(fn: str, input: Tensor, size: Any, stride: Any, storage_offset: Any,
                      position: int = 2, storage: np.ndarray | None = None) -> np.ndarray:
    """The memory positions a view of `size` and `stride` reads, checked against the elements of `storage`
    (input's own, by default), with torch's errors in torch's order (`position`: the position of `size` in
    fn's arguments)."""
    lists = [("size", size, position), ("stride", stride, position + 1)]
    if storage_offset is not None and not is_int(storage_offset):
        for name, value, at in lists:  # torch's parser matches each argument's type before it reads the rest of a list
            matched_int_list(fn, name, value, at, scalar_ok=False)
        int_arg(fn, "storage_offset", storage_offset, position + 2)
    int_list_args(fn, lists)
    size, stride = tuple(builtins.int(s) for s in size), tuple(builtins.int(s) for s in stride)
    offset = builtins.int(storage_offset or 0)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if builtins.any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if builtins.any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}")
    positions = np.full(size, offset, np.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        positions = positions + (np.arange(n) * s).reshape(shape)
    needed = offset + 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride)) if 0 not in size else 0
    available = input.numel() if storage is None else storage.size
    if needed > available:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                           f"itemsize {input._data.itemsize} requiring a storage size of {needed * input._data.itemsize} "
                           f"are out of bounds for storage of size {available * input._data.itemsize}")
    return positions


@op(inplace_function=True, inplace="view", inplace_names={"AsStridedBackward0": "AsStridedBackward1"},
    renumber_method_errors=True,
    samples=lambda rng: [Sample((rng.standard_normal((3, 4)), (2, 2), (1, 2))),
                         Sample((rng.standard_normal((3, 4)), (3, 3), (1, 1), 2)),  # windows that overlap
                         Sample((rng.standard_normal(6), (2, 3), (3, 1))), Sample((rng.standard_normal((2, 3)), (0, 2), (1, 1))),
                         Sample((rng.standard_normal(()), (), ())), Sample((rng.standard_normal(4), (1,), (1,), 3))])
def as_strided(input: Tensor, size: Any, stride: Any, storage_offset: Any = None) -> Tensor:
    """The view of input's memory with the given size and strides (in elements). Overlapping
    positions read the same element; their gradients add up."""
    storage = _storage_around(input)
    if storage is not None:  # a view of part of a storage: torch reads the storage, from the view's offset on
        offset = _element_offset(input._data, storage) if storage_offset is None else storage_offset
        positions = strided_positions("as_strided", input, size, stride, offset, storage=storage)
        return rename(StridedStorage.apply(input, storage, positions), "AsStridedBackward0")
    positions = strided_positions("as_strided", input, size, stride, storage_offset)
    return rename(Strided.apply(_memory_order(input), (positions,)), "AsStridedBackward0")


def _storage_around(input: Tensor) -> np.ndarray | None:
    """The flat storage input views, when input is a view of only part of it (else None: input's own
    memory, in memory order, is the storage)."""
    storage = storage_array(input._data)
    if storage.dtype != input._data.dtype or not np.may_share_memory(storage, input._data) \
            or (storage.size == input.numel() and _element_offset(input._data, storage) == 0):
        return None  # (a reinterpreted dtype, a root with gaps: storage_array's copy; or input is its storage)
    return storage


def _element_offset(a: np.ndarray, storage: np.ndarray) -> int:
    """Where array `a` starts in `storage`, in elements (torch's storage_offset)."""
    return (a.__array_interface__["data"][0] - storage.__array_interface__["data"][0]) // a.itemsize


class StridedStorage(ViewFunction):
    """as_strided of a view that lies inside a larger storage (x[2:8].as_strided(...)): the result reads
    the storage at the given positions, as torch's does, and its gradient reaches the view's own elements
    only (a position outside the view has no path back to it)."""

    @staticmethod
    def forward(ctx, x, storage, read_at):
        ctx.storage_size, ctx.positions, ctx.x_positions = storage.size, read_at, element_positions(x._data, storage)
        return Tensor._make(_view_at(storage, read_at))

    @staticmethod
    def backward(ctx, g):
        # the storage's gradient (positions read twice get both), then the part of it that is the view's
        in_storage = IndexBackward.apply(g, (ctx.positions,), (ctx.storage_size,))  # (differentiable: create_graph)
        return Index.apply(in_storage, (ctx.x_positions,)), None, None

    @staticmethod
    def jvp(ctx, tx, t_storage, t_positions):
        # the view's tangent placed in its storage (zero elsewhere), read at the positions
        return Index.apply(IndexBackward.apply(tx, (ctx.x_positions,), (ctx.storage_size,)), (ctx.positions,))


def _view_at(flat: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The view of vector `flat` that reads it at `positions` (evenly spaced along each dim): the geometry
    (an offset, and a step per dim) is read off the positions."""
    if not positions.size:
        return np.empty(positions.shape, flat.dtype)
    first = builtins.int(positions.flat[0])
    corner = (0,) * positions.ndim
    steps = [builtins.int(positions[corner[:d] + (1,) + corner[d + 1:]] - first) if n > 1 else 0
             for d, n in enumerate(positions.shape)]
    return np.lib.stride_tricks.as_strided(flat[first:], positions.shape, [step * flat.strides[0] for step in steps],
                                           writeable=flat.flags.writeable)


class Strided(Index):
    """as_strided's result as a view of a vector of input's memory (_view_at), at positions which Index's
    backward then uses (positions read twice get both gradients). When input's memory is not one dense
    block, the vector is a copy, and so the result is no view (as a reshape that must copy)."""

    node_name = None

    @staticmethod
    def forward(ctx, x, key):
        ctx.key, ctx.in_shape, ctx.in_dtype = key, x.shape, x.dtype
        return Tensor._make(_view_at(x._data, key[0]))


def as_strided_scatter(input: Tensor, src: Tensor, size: Any, stride: Any, storage_offset: Any = None) -> Tensor:
    """input with the positions of the strided view (size, stride, offset) set from src.

    Not an `@op`: torch 2.13's gradient for `input` is wrong (it passes the gradient at the
    overwritten positions and zero elsewhere), so the op database's parity check cannot hold;
    tests/ops/test_indexing.py checks values against torch and gradients against gradcheck."""
    positions = strided_positions("as_strided_scatter", input, size, stride, storage_offset, 3)
    if src.shape != positions.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(positions.shape)}")
    flat = SetItem.apply(input.contiguous().reshape(-1), (positions,), src.to(input.dtype))
    return rename(flat.reshape(input.shape), "AsStridedScatterBackward0")

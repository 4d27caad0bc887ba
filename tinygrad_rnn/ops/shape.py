"""Ops that move data without arithmetic: reshape, permute, expand, indexing, cat, stack, unbind."""
from __future__ import annotations

import builtins
import itertools
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..argcheck import (
    NOT_INTEGRAL,
    NOT_INTEGRAL_SIZE,
    OPERAND_TYPES,
    bool_arg,
    by_position_only,
    checked_ints,
    int_arg,
    int_list_args,
    invalid_combination,
    is_bool_tensor,
    is_int,
    no_overload,
    size_arg,
    tensor_arg,
    type_name,
)
from ..backend.accumulate import SliceGrad, dense
from ..backend.broadcast import broadcast_view
from ..core import dtypes
from ..core.function import Function, rename
from ..core.modes import modes
from ..core.size import Size
from ..core.tensor import Tensor
from ..core.views import ViewFunction, mark_multiple
from ..core.warn_once import warn_once
from ..creation import callers_stacklevel, checked_fill
from ..creation import tensor as tensor_of
from ..device import check_device
from ..layout import check_layout, row_major
from ..overload_table import CALLED_FROM_PYTHON
from .cast import PromotionCast
from .composite import composite
from .declare import Sample, binary, op
from .pointwise import Clone, where
from .promotion import broadcast_shape_of


def normalize_dim(dim: Any, ndim: int) -> int:
    """A dim in [-ndim, ndim) as a non-negative int; 0-d tensors accept -1 and 0, as torch. A bool 0-d
    tensor is no `int` to torch's parser (a list of dims, read by normalize_dims, takes it as 0 or 1)."""
    if is_bool_tensor(dim):
        raise TypeError("argument 'dim' must be int, not Tensor")
    return wrap_dim(dim, ndim)


def wrap_dim(dim: Any, ndim: int) -> int:
    """normalize_dim for one dim of a list of them (`tuple of ints dims`), which takes a bool 0-d tensor."""
    if not isinstance(dim, builtins.int) or isinstance(dim, builtins.bool):
        if not hasattr(dim, "__index__") or isinstance(dim, builtins.bool):  # torch's parser refuses these first
            raise TypeError(f"argument 'dim' must be int, not {type_name(dim)}")
        dim = int(dim.__index__())
    n = builtins.max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n if ndim else 0


def normalize_dims(dim: Any, ndim: int, ranges_first: bool = False) -> tuple:
    """None means every dim; an int or a sequence of ints otherwise. As most of torch, each dim of a list is
    wrapped and checked against those before it in turn, so a repeat is found before a later dim out of range;
    torch's TensorIterator reductions (sum, mean, logsumexp, any, all, count_nonzero) check every dim's range
    first (`ranges_first`)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        if ranges_first:
            for d in dim:
                wrap_dim(d, ndim)
        dims: list = []
        for d in dim:
            dims.append(wrap_dim(d, ndim))
            if dims[-1] in dims[:-1]:
                raise RuntimeError(f"dim {dims[-1]} appears multiple times in the list of dims")
        return tuple(dims) if ndim else ()
    d = wrap_dim(dim, ndim)  # checked on 0-d tensors too: their dims are -1 and 0
    return (d,) if ndim else ()


class Reshape(ViewFunction):
    @staticmethod
    def node_name(x, shape):
        """torch's reshape is a view when it can be: of a contiguous tensor a `view`, of another an alias
        (`_reshape_alias`); where it must copy, see `reshaped`."""
        if x._data.flags.c_contiguous:
            return "ViewBackward0"
        return "ReshapeAliasBackward0" if _viewable(x._data, shape) else "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape, ctx.shape = x._data.shape, shape
        return Tensor._make(x._data.reshape(shape))

    @staticmethod
    def backward(ctx, g):
        grad = Reshape.apply(g, ctx.in_shape)
        if modes.grad_enabled and ctx.in_shape != ctx.shape:  # create_graph: the gradient's node is torch's
            name = _RESHAPE_GRAD_NAMES.get(ctx.name())  # squeeze and unsqueeze undo each other
            if name is not None:
                rename(grad, name)
        return grad, None

    @staticmethod
    def jvp(ctx, tx, t_shape):  # linear, as every op in this file: the op applied to the tangent
        return Reshape.apply(tx, ctx.shape)


def _viewable(data: np.ndarray, shape: tuple) -> bool:
    """Whether `data` can take `shape` without a copy (numpy's in-place shape change decides)."""
    view = data.view()
    try:
        view.shape = shape
    except AttributeError:
        return False
    return True


class UnsafeView(Function):
    """torch's `_unsafe_view`: the reshape of a fresh contiguous copy, which is no view of anything the
    caller holds (reshape's copy: its node follows the copy's CloneBackward0, as torch's)."""

    torch_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape, ctx.shape = x._data.shape, shape
        return Tensor._make(x._data.reshape(shape))

    @staticmethod
    def backward(ctx, g):
        return Reshape.apply(g, ctx.in_shape), None

    @staticmethod
    def jvp(ctx, tx, t_shape):
        return Reshape.apply(tx, ctx.shape)


def reshaped(input: Tensor, shape: tuple) -> Tensor:
    """input in `shape` as torch.reshape makes it: a view where one exists, otherwise a contiguous
    clone (CloneBackward0) reshaped (UnsafeViewBackward0), so `grad_fn.next_functions` walks as torch's."""
    data = input._data
    if data.flags.c_contiguous or not input._requires_grad or _viewable(data, shape):
        return Reshape.apply(input, shape)
    return UnsafeView.apply(Clone.apply(input, "C"), shape)


_RESHAPE_GRAD_NAMES = {"UnsqueezeBackward0": "SqueezeBackward1", "SqueezeBackward0": "UnsqueezeBackward0",
                       "SqueezeBackward1": "UnsqueezeBackward0", "SqueezeBackward2": "UnsqueezeBackward0"}


class View(ViewFunction):
    """Like Reshape, but only where no copy is needed (numpy's in-place shape change decides)."""

    torch_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape, ctx.shape = x._data.shape, shape
        out = x._data.view()
        try:
            out.shape = shape
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension "
                "spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        return Reshape.apply(g, ctx.in_shape), None

    @staticmethod
    def jvp(ctx, tx, t_shape):  # (reshape: a tangent need not be laid out as its primal)
        return Reshape.apply(tx, ctx.shape)


class Permute(ViewFunction):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims, ctx.inverse = dims, tuple(np.argsort(dims))
        return Tensor._make(x._data.transpose(dims))  # (the method: np.transpose adds a dispatch layer)

    @staticmethod
    def backward(ctx, g):
        grad = g.permute(ctx.inverse)
        if modes.grad_enabled and ctx.name() == "TransposeBackward0":  # create_graph: torch transposes back
            rename(grad, "TransposeBackward0")
        return grad, None

    @staticmethod
    def jvp(ctx, tx, t_dims):
        return Permute.apply(tx, ctx.dims)


class T(ViewFunction):
    """The transpose of a matrix, `t()`: one node of its own (every nn.Linear takes W.t())."""

    @staticmethod
    def forward(ctx, x):
        return Tensor._make(x._data.T)

    @staticmethod
    def backward(ctx, g):
        return T.apply(g)

    @staticmethod
    def jvp(ctx, tx):
        return T.apply(tx)


class Expand(ViewFunction):
    """A broadcast view; its backward is a sum, which the engine's shape fitting does for us."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = shape
        return Tensor._make(_expanded_view(x._data, shape))

    @staticmethod
    def backward(ctx, g):
        return g, None

    @staticmethod
    def jvp(ctx, tx, t_shape):
        return Expand.apply(tx, ctx.shape)


def _expanded_view(data: np.ndarray, shape: tuple) -> np.ndarray:
    """`data` broadcast to `shape` with torch's strides. numpy gives every dim of size 1 stride 0; torch keeps
    the stride of a size-1 dim it does not grow and gives a new leading dim of size 1 the extent of the dims
    after it (size * stride), which x.stride() shows (graykode's pad masks print it)."""
    view = broadcast_view(data, shape)
    if 1 not in shape or not data.ndim:  # nothing to mend; torch expands a 0-d tensor with stride 0 everywhere
        return view
    strides, lead = list(view.strides), len(shape) - data.ndim
    for i in reversed(range(len(shape))):
        if shape[i] == 1:
            strides[i] = data.strides[i - lead] if i >= lead else shape[i + 1] * strides[i + 1]
    return np.lib.stride_tricks.as_strided(view, shape, strides, writeable=False)


def _with_torchs_new_axis_strides(out: np.ndarray, data: np.ndarray, key: tuple) -> np.ndarray:
    """out (data[key], a view) with torch's stride for each None's new axis: torch applies the key left to right and
    unsqueezes before the next input dim, so the new axis strides over that dim whole (size * stride; 1 past
    the last dim). numpy gives it 0. Keys with index arrays (copies) are left alone."""
    if not builtins.all(k is None or k is Ellipsis or type(k) is slice or isinstance(k, (builtins.int, np.integer))
                        and not isinstance(k, (builtins.bool, np.bool_)) for k in key):
        return out
    strides, d, o = list(out.strides), 0, 0
    for k in key:
        if k is None:
            strides[o] = data.shape[d] * data.strides[d] if d < data.ndim else data.itemsize
            o += 1
        elif k is Ellipsis:
            skipped = data.ndim - builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
            d, o = d + skipped, o + skipped
        else:
            d, o = d + 1, o + (type(k) is slice)
    return np.lib.stride_tricks.as_strided(out, out.shape, strides, writeable=out.flags.writeable)


class Index(ViewFunction):
    """x[key]. Backward sends a SliceGrad, which the engine adds into one buffer per input."""

    @staticmethod
    def node_name(x, key):
        return _index_node_name(key, x.shape)

    @staticmethod
    def forward(ctx, x, key):
        ctx.key, ctx.in_shape, ctx.in_dtype = key, x._data.shape, x.dtype
        out = x._data[key]
        if type(out) is not np.ndarray and not builtins.any(k is Ellipsis for k in key):  # numpy gives one element as a copy;
            out = x._data[(*key, Ellipsis)]  # with `...` it gives a 0-d view, as torch's x[i] is
        elif 0 in out.strides:  # maybe a None's new axis, which numpy gives stride 0
            out = _with_torchs_new_axis_strides(out, x._data, key)
        elif not out.flags.c_contiguous and x._data.flags.c_contiguous and not np.may_share_memory(out, x._data):
            out = np.ascontiguousarray(out)  # a tensor index of a row-major x: numpy's copy may put that dim outermost
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        if modes.grad_enabled or modes.dual_level is not None:  # create_graph, or g may carry a tangent
            grad = IndexBackward.apply(g, ctx.key, ctx.in_shape)
            name = _index_grad_name(ctx.name(), ctx.key, ctx.in_shape)
            return (rename(grad, name) if name else grad), None
        return SliceGrad(ctx.key, g, ctx.in_shape, ctx.in_dtype), None

    @staticmethod
    def jvp(ctx, tx, t_key):
        return Index.apply(tx, ctx.key)


class IndexSelect(Index):
    """index_select: x[:, ..., idx] as a new row-major tensor, as torch's kernel allocates it (numpy's fancy
    index puts the indexed dim outermost in memory: pad_packed_sequence's unsorted batch came out transposed
    and its .view() failed)."""

    node_name = None
    torch_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, x, key):
        return Tensor._make(row_major(Index.forward(ctx, x, key)._data))


class Select(Index):
    """x[i] along one dim (`select`, x[i], x[:, i]): always torch's select, so its name needs no reading of the key."""

    node_name = None
    torch_name = "SelectBackward0"


class Narrow(Index):
    """x.narrow(dim, start, length) and a lone slice x[i:j]: torch's slice op, whose node is SliceBackward0 even
    when it keeps the whole dim (x[:, 0:n] is an alias there, as _index_node_name says)."""

    node_name = None
    torch_name = "SliceBackward0"


class Diagonal(Index):
    """x[..., rows, rows + offset] as a view (numpy's fancy index would copy): the diagonal of the
    last two dims, one step of both strides apart. Backward is Index's."""

    node_name = None

    @staticmethod
    def forward(ctx, x, key):
        ctx.key, ctx.in_shape, ctx.in_dtype = key, x.shape, x.dtype
        a, rows, cols = x._data, key[-2], key[-1]
        start = a[..., rows[0]:, cols[0]:] if len(rows) else a
        shape, strides = a.shape[:-2] + (len(rows),), a.strides[:-2] + (a.strides[-2] + a.strides[-1],)
        return Tensor._make(np.lib.stride_tricks.as_strided(start, shape, strides, writeable=a.flags.writeable))


class Windows(Index):
    """x[..., windows, ...] for unfold's windows (rows of `size` positions, `step` apart, along one
    dim) as a view: one stride for the step, one for the position in a window. Backward is Index's."""

    node_name = None

    @staticmethod
    def forward(ctx, x, key):
        ctx.key, ctx.in_shape, ctx.in_dtype = key, x.shape, x.dtype
        a, d, windows = x._data, len(key) - 2, key[-2]
        step = int(windows[1, 0] - windows[0, 0]) if windows.shape[0] > 1 and windows.shape[1] else 1
        shape = a.shape[:d] + windows.shape + a.shape[d + 1:]
        strides = a.strides[:d] + (step * a.strides[d], a.strides[d]) + a.strides[d + 1:]
        return Tensor._make(np.lib.stride_tricks.as_strided(a, shape, strides, writeable=a.flags.writeable))


def _index_node_name(key: tuple, shape: tuple) -> str:
    """torch's node for x[key]: Index for tensor indices; else torch applies the items left to right
    as views (see _index_views), so the node is the last of those; Alias when none does anything."""
    if builtins.any(isinstance(k, (np.ndarray, builtins.bool, np.bool_)) for k in key):  # a bool is an index too
        return "IndexBackward0"
    views = _index_views(key, shape)
    return views[-1] if views else "AliasBackward0"


def _index_views(key: tuple, shape: tuple) -> list:
    """The view ops torch applies for x[key], left to right, by their nodes' names: Select for an int,
    Slice for a slice that is not the whole dim, Unsqueeze for None (tensor indices come after them)."""
    views, dim = [], 0
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - builtins.sum(1 for j in key if j is not None and j is not Ellipsis)
        elif k is None:
            views.append("UnsqueezeBackward0")
        elif isinstance(k, slice):
            if k.start not in (None, 0) or k.step not in (None, 1) or (k.stop is not None and k.stop < shape[dim]):
                views.append("SliceBackward0")  # torch's test, on the written numbers: x[-3:] slices even if it is all
            dim += 1
        elif isinstance(k, np.ndarray):
            dim += k.ndim if k.dtype == np.bool_ else 1
        elif not isinstance(k, (builtins.bool, np.bool_)):
            views.append("SelectBackward0")
            dim += 1
    return views


# the node torch's backward of each indexing op makes (its gradient's node under create_graph)
_INDEX_GRAD_NAMES = {"SelectBackward0": "SelectBackwardBackward0", "SliceBackward0": "SliceBackwardBackward0",
                     "UnsqueezeBackward0": "SqueezeBackward1", "IndexBackward0": "IndexPutImplBackward0",
                     "DiagonalBackward0": "DiagonalBackwardBackward0"}


def _index_grad_name(name: str, key: tuple, shape: tuple) -> str | None:
    """torch's name for the gradient of x[key] whose node is `name`: torch undoes the views in reverse,
    so the gradient is the backward of the first view (or of the tensor index, or of the op itself when
    the key alone shows nothing, as a lone x[:]). None for the ops torch names otherwise."""
    if name not in _INDEX_GRAD_NAMES:
        return None
    views = _index_views(key, shape) if name != "DiagonalBackward0" else []
    return _INDEX_GRAD_NAMES[views[0] if views else name]


class IndexBackward(Function):
    """zeros(shape) with g added at key: the dense gradient of Index, for higher-order graphs."""

    @staticmethod
    def forward(ctx, g, key, shape):
        ctx.key, ctx.shape = key, shape
        return dense(SliceGrad(key, g, shape, g.dtype), Tensor._make)

    @staticmethod
    def backward(ctx, gg):
        return Index.apply(gg, ctx.key), None, None

    @staticmethod
    def jvp(ctx, tg, t_key, t_shape):
        return IndexBackward.apply(tg, ctx.key, ctx.shape)


class SetItem(Function):
    """x with x[key] = value, as a new tensor (how `x[key] = value` joins the graph)."""

    @staticmethod
    def forward(ctx, x, key, value):
        ctx.key = key
        out = x._data.copy()
        out[key] = value._data if isinstance(value, Tensor) else value
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        gx = SetItem.apply(g, ctx.key, 0.0) if ctx.needs_input_grad[0] else None
        gv = g[ctx.key] if ctx.needs_input_grad[2] else None
        return gx, None, gv

    @staticmethod
    def jvp(ctx, tx, t_key, t_value):  # the tangent with the value's tangent (0 for a number) written in
        return SetItem.apply(tx, ctx.key, 0.0 if t_value is None else t_value)


class Cat(Function):
    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim, ctx.sizes = dim, [x.shape[dim] for x in xs]
        return Tensor._make(row_major(np.concatenate([x._data for x in xs], axis=dim)))  # (numpy keeps x's order)

    @staticmethod
    def backward(ctx, g):
        return (None, *g.split(ctx.sizes, ctx.dim))

    @staticmethod
    def jvp(ctx, t_dim, *txs):
        return None if any(t is None for t in txs) else Cat.apply(ctx.dim, *txs)


class Stack(Function):
    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return Tensor._make(row_major(np.stack([x._data for x in xs], axis=dim)))

    @staticmethod
    def backward(ctx, g):
        return (None, *g.unbind(ctx.dim))

    @staticmethod
    def jvp(ctx, t_dim, *txs):
        return None if any(t is None for t in txs) else Stack.apply(ctx.dim, *txs)


class Unbind(ViewFunction):
    """One output per index along dim; backward stacks their gradients once (not one
    full-size gradient per output, which would cost O(T^2) over an RNN's time steps)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        moved = np.moveaxis(x._data, dim, 0)
        return tuple(Tensor._make(moved[i, ...]) for i in range(len(moved)))  # (`...`: 0-d views, not copies)

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim), None

    @staticmethod
    def jvp(ctx, tx, t_dim):
        return Unbind.apply(tx, ctx.dim)


class Split(ViewFunction):
    """The pieces of x along dim, of the given sizes, as views: one node for all of them, as torch's
    SplitBackward0, whose backward joins the pieces' gradients (the engine fills in zeros for a piece
    that got none)."""

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim, ctx.sizes = dim, sizes
        lead, starts = (slice(None),) * dim, itertools.accumulate(sizes, initial=0)
        return tuple(Tensor._make(x._data[lead + (slice(start, start + n),)]) for start, n in zip(starts, sizes))

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim), None, None

    @staticmethod
    def jvp(ctx, tx, t_dim, t_sizes):
        return ctx._forward_cls.apply(tx, ctx.dim, ctx.sizes)


class SplitWithSizes(Split):
    """split with a list of sizes: torch's SplitWithSizesBackward0."""


class Gather(Function):
    """take_along_axis: out[i][j] = x[index[i][j]][j] for dim 0, and so on. index may be smaller than x
    on the other dims (as torch.gather's): only the corner it reaches is read."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.dim, ctx.index, ctx.in_shape = dim, index, x.shape
        return Tensor._make(np.take_along_axis(x._data[_corner(index.shape, dim)], index, axis=dim))

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(g, ctx.dim, ctx.index, ctx.in_shape), None, None

    @staticmethod
    def jvp(ctx, tx, t_dim, t_index):
        return Gather.apply(tx, ctx.dim, ctx.index)


class ScatterAdd(Function):
    """zeros(shape) with g added at index along dim: the gradient of Gather."""

    @staticmethod
    def forward(ctx, g, dim, index, shape):
        ctx.dim, ctx.index, ctx.shape = dim, index, shape
        out = np.zeros(shape, g._data.dtype)
        grid = list(np.indices(index.shape, sparse=True))
        grid[dim] = index
        np.add.at(out, tuple(grid), g._data)
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, gg):
        return Gather.apply(gg, ctx.dim, ctx.index), None, None, None

    @staticmethod
    def jvp(ctx, tg, t_dim, t_index, t_shape):
        return ScatterAdd.apply(tg, ctx.dim, ctx.index, ctx.shape)


class Roll(Function):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return Tensor._make(row_major(np.roll(x._data, shifts, dims)))  # (torch's is a new row-major tensor)

    @staticmethod
    def backward(ctx, g):  # roll back by the same amount
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return Roll.apply(g, back, ctx.dims), None, None

    @staticmethod
    def jvp(ctx, tx, t_shifts, t_dims):
        return Roll.apply(tx, ctx.shifts, ctx.dims)


class Flip(Function):
    """x read backwards along `dims`, in memory of its own (torch's flip copies, keeping x's layout): a
    reversed view would let a write into x show through the result. Its own gradient: flipped back."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return Tensor._make(np.flip(x._data, dims).copy(order="K"))

    @staticmethod
    def backward(ctx, g):
        return Flip.apply(g, ctx.dims), None

    @staticmethod
    def jvp(ctx, tx, t_dims):
        return Flip.apply(tx, ctx.dims)


class Repeat(Function):
    """np.tile: each dim i holds `repeats[i]` copies of the input one after another."""

    @staticmethod
    def forward(ctx, x, repeats):
        ctx.in_shape, ctx.repeats = x.shape, repeats
        return Tensor._make(row_major(np.tile(x._data, repeats)))  # (np.tile keeps x's order)

    @staticmethod
    def backward(ctx, g):
        # View the result as (r0, s0, r1, s1, ...) and sum the copies r_i away.
        shape = (1,) * (len(ctx.repeats) - len(ctx.in_shape)) + tuple(ctx.in_shape)
        split = tuple(n for pair in zip(ctx.repeats, shape) for n in pair)
        copies = tuple(range(0, 2 * len(shape), 2))
        return g.reshape(split).sum(copies).reshape(ctx.in_shape), None

    @staticmethod
    def jvp(ctx, tx, t_repeats):
        return Repeat.apply(tx, ctx.repeats)


def _corner(shape: tuple, whole_dim: Any = None) -> tuple:
    """The key of the corner `shape` (from 0 in each dim) of a larger array; all of `whole_dim`."""
    return tuple(slice(None) if i == whole_dim else slice(0, n) for i, n in enumerate(shape)) + (Ellipsis,)


class Scatter(Function):
    """x with values from src written at index along dim (torch.scatter)."""

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, getattr(src, "shape", None)
        out = x._data.copy()
        values = src._data[_corner(index.shape)] if isinstance(src, Tensor) else src
        # index may be smaller than x on the other dims: only the corner it reaches is written
        np.put_along_axis(out[_corner(index.shape, dim)], index, values, axis=dim)
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        gx = Scatter.apply(g, ctx.dim, ctx.index, 0.0) if ctx.needs_input_grad[0] else None
        g_src = None
        if ctx.needs_input_grad[3]:  # src's corner read the gradient at index; the rest of src none
            g_src = Gather.apply(Index.apply(g, _corner(ctx.index.shape, ctx.dim)), ctx.dim, ctx.index)
            if g_src.shape != ctx.src_shape:
                g_src = IndexBackward.apply(g_src, _corner(ctx.index.shape), ctx.src_shape)
        return gx, None, None, g_src

    @staticmethod
    def jvp(ctx, tx, t_dim, t_index, t_src):
        return Scatter.apply(tx, ctx.dim, ctx.index, 0.0 if t_src is None else t_src)


# ------------------------------------------------------------------ public functions
def _plain_samples(*cases: tuple) -> Any:
    """Samples from (shape, extra args...) cases: a random array of `shape` and the extra args."""
    def make(rng: np.random.Generator) -> list:
        return [Sample((rng.standard_normal(shape), *rest)) for shape, *rest in cases]
    return make


def _index_samples(*cases: tuple) -> Any:
    """(input shape, dim, index) cases for the ops that read along dim at an index tensor."""
    def make(rng: np.random.Generator) -> list:
        return [Sample((rng.standard_normal(shape), dim, np.asarray(index))) for shape, dim, index in cases]
    return make


def _shape_arg(shape: Sequence, fn: str = "view", name: str = "size", symint: bool = True) -> tuple:
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size([2, 3]))."""
    return size_arg(fn, shape, name, symint=symint)


def infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve one -1 and check the element count, with torch's messages."""
    if (not shape or min(shape) >= 0) and math.prod(shape) == numel:  # (the typical call: nothing to infer)
        return shape
    for i, s in enumerate(shape):  # torch reports the first bad entry, reading left to right
        if s == -1 and -1 in shape[:i]:
            raise RuntimeError("only one dimension can be inferred")
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
    known = int(np.prod([s for s in shape if s != -1]))  # (int64, wrapping as torch's)
    if -1 in shape:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                               "unspecified dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return tuple(numel // known if s == -1 else s for s in shape)
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


@op(samples=_plain_samples(((3, 4), (2, 6)), ((3, 4), (-1,)), ((0, 3), (3, 0)), ((), (1, 1)), ((2, 3, 4), (4, -1))))
def reshape(input: Tensor, *sizes: Any, shape: Any = None) -> Tensor:
    plain = _plain_sizes(sizes)
    if plain is None or shape is not None:  # (any other spelling: torch's parser's checks and messages)
        plain = _shape_arg(_spread_or_keyword("reshape", sizes, shape, "shape"), "reshape", "shape")
    shape = infer_shape(plain, input._data.size)
    return input if shape == input._data.shape and not input._requires_grad else reshaped(input, shape)


def _plain_sizes(spread: tuple) -> tuple | None:
    """The sizes of `t.view(2, 3)` or `t.view((2, 3))` when each is a plain int (the typical call), else None:
    then `_shape_arg` reads them as torch's parser does (bools, numpy ints, tensors, errors)."""
    sizes = spread[0] if len(spread) == 1 and type(spread[0]) in _SIZES else spread
    if spread and set(map(type, sizes)) <= _PLAIN_INT:
        return tuple(sizes)
    return None


_SIZES, _PLAIN_INT = (tuple, list, Size), {builtins.int}  # (exact types: tested faster than by isinstance)


def _view_bytes_as(input: Tensor, dtype: Any) -> Tensor:
    """`t.view(dtype)`: t's bytes read as `dtype` (the last dim shrinks or grows with the element
    size), sharing t's memory; outside the graph, as in torch."""
    old, new = input._data.itemsize, dtype.np.itemsize
    if old != new:
        what = f"to view {input.dtype._legacy} as {dtype._legacy} (different element sizes)"
        if input.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        if input.shape[-1] != 1 and input._data.strides[-1] != old:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {input.stride(-1)}")
        if new > old and input.shape[-1] % (new // old):
            raise RuntimeError(f"self.size(-1) must be divisible by {new // old} {what}, but got {input.shape[-1]}")
    return Tensor._make(input._data.view(dtype.np))


def _spread_or_keyword(fn: str, spread: tuple, keyword: Any, name: str) -> tuple:
    """A method's sizes given spread out (`t.expand(2, 3)`), as one tuple, or by keyword (`size=(2, 3)`)."""
    if keyword is None and not spread:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "{name}"')
    if keyword is not None and spread:
        raise TypeError(f"{fn}() got multiple values for argument '{name}'")
    return spread if keyword is None else (keyword,)


@op(function=False, samples=_plain_samples(((3, 4), (2, 6)), ((3, 4), (-1,)), ((0, 3), (3, 0)), ((), (1, 1)),
                                           ((1,), ()), ((2, 3, 4), (4, -1))))
def view(input: Tensor, *shape: Any, size: Any = None, dtype: Any = None) -> Tensor:
    """input's elements in another shape, sharing its memory; `view(dtype)` reads its bytes as `dtype`."""
    plain = _plain_sizes(shape)
    if plain is not None and size is None and dtype is None:
        return View.apply(input, infer_shape(plain, input._data.size))
    if dtype is None and len(shape) == 1 and not isinstance(shape[0], (tuple, list, builtins.int)) \
            and hasattr(shape[0], "np"):
        dtype = shape[0]
    if dtype is not None:
        return _view_bytes_as(input, dtypes.as_dtype(dtype))
    if not shape and size is None:
        raise invalid_combination("view", ())
    shape = _spread_or_keyword("view", shape, size, "size")
    sizes = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    if sizes and not is_int(sizes[0]):  # fits neither view(size) nor view(dtype), as torch's parser sees it
        raise invalid_combination("view", shape)
    return View.apply(input, infer_shape(_shape_arg(shape, "view", "size"), input._data.size))


@op(samples=_plain_samples(((3, 4), (1, 0)), ((2, 3, 4), (2, 0, 1)), ((0, 3), (-1, 0)), ((), ())))
def permute(input: Tensor, *spread: Any, dims: Any = None) -> Tensor:
    dims = _shape_arg(_spread_or_keyword("permute", spread, dims, "dims"), "permute", "dims", symint=False)
    if len(dims) != input.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to "
            f"len(dims) = {len(dims)}"
        )
    wrapped: list = []
    for d in dims:  # each wrapped, then checked against those before it (torch's order of errors)
        wrapped.append(wrap_dim(d, input.ndim))
        if wrapped[-1] in wrapped[:-1]:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, tuple(wrapped))


@op(aliases=("swapdims", "swapaxes"), inplace="view", inplace_names={"TransposeBackward0": "TransposeBackward1"},
    renumber_method_errors=True,
    samples=_plain_samples(((3, 4), 0, 1), ((2, 3, 4), -1, 0), ((0, 3), 1, 0), ((1,), 0, -1), ((), 0, -1),
                           ((3, 4), 1, 1)))
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    dim0, dim1 = int_arg("transpose", "dim0", dim0, 2), int_arg("transpose", "dim1", dim1, 3)  # types before ranges
    order = list(range(input.ndim))
    a, b = normalize_dim(dim0, input.ndim), normalize_dim(dim1, input.ndim)
    if not input.ndim:
        return rename(input.view(()), "TransposeBackward0")
    order[a], order[b] = order[b], order[a]
    return rename(Permute.apply(input, tuple(order)), "TransposeBackward0")


@op(samples=_plain_samples(((3, 4),), ((2, 3, 4),), ((0, 3),), ((1, 1),)))
def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims (for real numbers, the transpose): a view."""
    if input.ndim == 0:  # torch gives the tensor itself, with a one-time warning
        warn_once("adjoint of 0-d", "adjoint() is deprecated on 0-D tensors. Consider using x.conj(). (Triggered "
                  "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4390.)")
        return input
    if input.ndim < 2:
        raise RuntimeError(f"tensor.adjoint() is only supported on matrices or batches of matrices. Got {input.ndim}-D "
                           "tensor.")
    return transpose(input, -2, -1)


@op(inplace="view", inplace_names={"TBackward0": "TBackward1"},
    samples=_plain_samples(((3, 4),), ((5,),), ((),), ((0, 3),), ((1, 1),)))
def t(input: Tensor) -> Tensor:
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return T.apply(input) if input.ndim == 2 else rename(input.view(input.shape), "TBackward0")


@op(inplace="view", inplace_names={"UnsqueezeBackward0": "UnsqueezeBackward1"}, renumber_method_errors=True,
    samples=_plain_samples(((3, 4), 0), ((3, 4), -1), ((3, 4), 2), ((), 0), ((0, 3), 1), ((1,), -2)))
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    d = normalize_dim(int_arg("unsqueeze", "dim", dim, 2), input.ndim + 1)
    return rename(Reshape.apply(input, input.shape[:d] + (1,) + input.shape[d:]), "UnsqueezeBackward0")


_EVERY_DIM: Any = object()  # squeeze()'s default, told apart from an explicit None (which torch refuses)


@op(inplace="view", varargs_method="several",
    inplace_names={"SqueezeBackward0": "SqueezeBackward3", "SqueezeBackward1": "SqueezeBackward4",
                   "SqueezeBackward2": "SqueezeBackward5"}, renumber_method_errors=True,
    samples=_plain_samples(((3, 1, 4),), ((3, 1, 4), 1), ((3, 1, 4), 0), ((1, 1), (0, -1)), ((),), ((0, 1), -1),
                           ((1,),)))
def squeeze(input: Tensor, dim: Any = _EVERY_DIM) -> Tensor:
    """input without its dims of size 1 (all of them, or those of `dim`: an int or a tuple)."""
    if dim is None or is_bool_tensor(dim):  # no dim to torch's parser (squeeze() squeezes every dim)
        raise invalid_combination("squeeze", (input, dim))
    dims = normalize_dims(None if dim is _EVERY_DIM else dim, input.ndim)
    shape = tuple(n for i, n in enumerate(input.shape) if not (i in dims and n == 1))
    variant = 0 if dim is _EVERY_DIM else 2 if isinstance(dim, (tuple, list)) else 1
    return rename(Reshape.apply(input, shape), f"SqueezeBackward{variant}")


def _cpu_type_name(dtype: dtypes.dtype) -> str:
    """How torch's C++ messages name a CPU tensor's type: torch.FloatTensor, ..., but CPUBoolType."""
    return "CPUBoolType" if dtype is dtypes.bool else f"torch.{dtype._legacy}Tensor"


@op(function=False, samples=_plain_samples(((3, 1), (3, 4)), ((4,), (2, 4)), ((1,), (0,)), ((), (2, 3)),
                                           ((2, 1), (-1, 3)), ((3, 1), (3, 1))))
def expand(input: Tensor, *sizes: Any, size: Any = None, implicit: bool = False) -> Tensor:
    """input broadcast to `sizes` (-1 keeps a dim), as a view: no copy."""
    sizes = _shape_arg(_spread_or_keyword("expand", sizes, size, "size"), "expand")
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"expand({_cpu_type_name(input.dtype)}{{{list(input.shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({input.ndim})"
        )
    lead = len(sizes) - input.ndim
    shape = tuple(
        (input.shape[i - lead] if s == -1 and i >= lead else s) for i, s in enumerate(sizes)
    )
    for i in reversed(range(len(sizes))):  # torch checks from the last dim
        if i < lead and sizes[i] == -1 and input.ndim:
            raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                               f"dimension {i}")
        n = input.shape[i - lead] if i >= lead else 1
        if n != 1 and n != shape[i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[i]}) must match the existing size ({n}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(input.shape)}"
            )
    if builtins.min(shape, default=0) < 0:  # torch then counts the elements of a shape with a negative size
        _count_as_torch(shape)
        raise ValueError("negative dimensions are not allowed")  # torch makes a tensor of no element, no array can
    return input if shape == input.shape and not input._requires_grad else Expand.apply(input, shape)


def _count_as_torch(shape: tuple) -> None:
    """torch counts a shape's elements in unsigned 64-bit numbers, left to right: a negative size is
    huge. A product past 2**64 (even if a later 0 cancels it) or a count past 2**63 - 1 is an error."""
    total = 1
    for size in shape:
        total *= size % 2**64
        if total >= 2**64:
            break
    if total >= 2**63:
        raise RuntimeError("numel: integer multiplication overflow")


@op(renumber_method_errors=True, samples=_plain_samples(((3, 4),), ((2, 3, 4), 1), ((2, 3, 4), 0, 1), ((0, 3),), ((),)))
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    start_dim, end_dim = int_arg("flatten", "start_dim", start_dim, 2), int_arg("flatten", "end_dim", end_dim, 3)
    s, e = normalize_dim(start_dim, input.ndim), normalize_dim(end_dim, input.ndim)  # 0-d: dims -1 and 0
    if input.ndim == 0:
        return input.reshape(1)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:  # nothing to merge: torch returns the tensor itself (no view, no node)
        return input
    shape = input.shape[:s] + (int(np.prod(input.shape[s:e + 1])),) + input.shape[e + 1:]
    return reshaped(input, shape)


def _check_same(tensors: Sequence[Tensor], name: str) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name.removeprefix('torch.')}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type_name(tensors)}")
    tensors = list(tensors)
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"{name}(): expected a non-empty list of Tensors")
    require_tensors(tensors)
    return tensors


def require_tensors(tensors: list) -> None:
    """torch's TypeError for a list argument with something else than a tensor in it. torch names the
    type as C does: a type of a compiled module with its module (`numpy.ndarray`), a Python class alone."""
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            kind = type(x)
            compiled = kind.__module__ != "builtins" and not kind.__flags__ & (1 << 9)  # not Py_TPFLAGS_HEAPTYPE
            name = f"{kind.__module__}.{kind.__name__}" if compiled else kind.__name__
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {name}")


def _promote_all(tensors: list) -> list:
    result = dtypes.promote_types(*(x.dtype for x in tensors))
    return [x if x.dtype is result else PromotionCast.apply(x, result) for x in tensors]


def _join_samples(*cases: tuple) -> Any:
    """Samples of the ops that take a list of tensors (cat, stack, ...): each case is the shapes of
    the list's tensors and the op's other arguments; the op database makes the list one of tensors."""
    def make(rng: np.random.Generator) -> list:
        return [Sample(([rng.standard_normal(s) for s in shapes], *rest)) for shapes, *rest in cases]
    return make


# cat of (2, 3) and (4, 3) along 0; along the last dim; an empty piece; one tensor; a legacy empty 1-d piece
_CAT_CASES = (([(2, 3), (4, 3)],), ([(2, 3), (2, 1)], -1), ([(0, 3), (2, 3)], 0), ([(1,)],), ([(0,), (2, 3)], 1))


@op(method=False, out=True, aliases=("concat", "concatenate"), samples=_join_samples(*_CAT_CASES))
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    dim = int_arg("cat", "dim", dim, 2)
    tensors = _check_same(tensors, "torch.cat")
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # torch still skips legacy empty 1-D pieces when the others have more dims
    higher = builtins.any(x.ndim != 1 for x in tensors)
    if builtins.all(x.ndim == 1 and x.shape[0] == 0 for x in tensors):  # legacy empties only: any dim, as torch
        return Cat.apply(0, *_promote_all(tensors))
    legacy = [higher and x.ndim == 1 and x.shape[0] == 0 for x in tensors]
    parts = [x for x, skip in zip(tensors, legacy) if not skip]
    ref = parts[0]
    d = normalize_dim(dim, ref.ndim)
    for i, x in enumerate(parts):
        if x.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {x.ndim}"
            )
        for j in range(ref.ndim):
            if j != d and x.shape[j] != ref.shape[j]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[j]} "
                    f"but got size {x.shape[j]} for tensor number {tensors.index(x) if False else i} in the list."
                )
    promoted = _promote_all(tensors)  # a skipped piece still counts for the result's dtype, as in torch
    # and it still gets a gradient, an empty one, as in torch: it joins as an empty block of ref's shape
    empty_block = tuple(ref.shape[:d]) + (0,) + tuple(ref.shape[d + 1:])
    return Cat.apply(d, *[x.reshape(empty_block) if skip else x for x, skip in zip(promoted, legacy)])



@op(method=False, out=True, samples=_join_samples(([(2, 3), (2, 3)],), ([(2, 3), (2, 3)], -1),
                                                    ([(0, 3), (0, 3)], 1), ([()],), ([(), ()],)))
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    dim = int_arg("stack", "dim", dim, 2)
    tensors = _check_same(tensors, "stack")
    d = normalize_dim(dim, tensors[0].ndim + 1)
    for i, x in enumerate(tensors):
        if x.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at entry 0 "
                f"and {list(x.shape)} at entry {i}"
            )
    return Stack.apply(d, *_promote_all(tensors))


@op(samples=_plain_samples(((3, 4),), ((3, 4), 1), ((2, 3, 4), -1), ((0, 3), 0), ((1, 3), 0), ((2,),)))
def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices of input along dim, each without that dim."""
    d = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if input.shape[d] == 0:
        return ()
    if input.shape[d] == 1:  # one slice: a reshape, whose backward needs no stack
        return mark_multiple((rename(squeeze(input, d), "UnbindBackward0"),), "Unbind")
    return Unbind.apply(input, d)


@op(samples=_plain_samples(((5, 4), 0, 1, 3), ((3, 4), 1, 2, 2), ((3, 4), -1, 0, 0), ((2,), 0, 1, 1)))
def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    if not (is_int(dim) and (is_int(start) or isinstance(start, Tensor)) and is_int(length)):
        raise invalid_combination("narrow", (dim, start, length))
    if is_bool_tensor(length):  # a SymInt: the parser takes the tensor, its conversion refuses a bool
        raise RuntimeError(NOT_INTEGRAL)
    if isinstance(start, Tensor) and (start.ndim or start.dtype.is_floating_point or start.dtype is dtypes.bool):
        raise RuntimeError("start must be an 0-dim integral Tensor.")
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:  # torch checks the length before the dim and the start
        raise RuntimeError("narrow(): length must be non-negative.")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= int(start) <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {int(start)})")
    start = int(start) + (n if int(start) < 0 else 0)
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return Narrow.apply(input, (slice(None),) * d + (slice(start, start + length),))


# The method is written by hand (surface/tensor_methods.py): torch names its argument split_size.
@op(method=False, samples=_plain_samples(((5, 4), 2), ((5, 4), [2, 3]), ((5, 4), 3, -1), ((0, 3), 2),
                                         ((1,), 1), ((4,), [0, 4]), ((3, 4), [1, 1, 2], 1)))
def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces along dim: of split_size_or_sections each (the last may be smaller), or of the listed sizes."""
    input = tensor
    split_size_or_sections = _split_sizes(input, split_size_or_sections)
    if not is_int(dim) and isinstance(split_size_or_sections, builtins.int):
        # torch's split is Python, calling a C split of two overloads with its arguments by position
        raise invalid_combination("split", (input, split_size_or_sections, dim), CALLED_FROM_PYTHON["split"])
    dim = int_arg("split_with_sizes", "dim", dim, 3)  # its type before the tensor's rank, as torch
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if isinstance(split_size_or_sections, builtins.int) and split_size_or_sections < 0:  # before the dim
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size_or_sections}")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(split_size_or_sections, builtins.int):
        size = split_size_or_sections
        if size <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [builtins.min(size, n - i) for i in range(0, n, builtins.max(size, 1))] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.any(s < 0 for s in sizes):  # (before their sum: [-1, 4] of 3 is refused too)
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={sizes}")
        if builtins.sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension "
                f"{dim}), but got split_sizes={sizes}"  # (the dim as given: -1 stays -1, as torch's)
            )
    return (Split if isinstance(split_size_or_sections, builtins.int) else SplitWithSizes).apply(input, d, sizes)


def _split_sizes(input: Tensor, given: Any) -> Any:
    """split's second argument as torch's Python wrapper reads it: a one-element tensor is an int (truncated),
    an int one size (a bool is no int to the kernel's parser), anything else the list of sizes."""
    if isinstance(given, Tensor) and given.numel() == 1:
        given = builtins.int(given.item())
    if isinstance(given, builtins.bool):
        raise invalid_combination("split", (input, given, 0), CALLED_FROM_PYTHON["split"])
    if isinstance(given, builtins.int):
        return given
    if not isinstance(given, (tuple, list)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
                        f"{type_name(given)}")
    return _sizes_list(given)


def _sizes_list(sizes: Any) -> list:
    """split_with_sizes' `SymInt[]`: true ints (after the first, bools count), no bool 0-d tensor."""
    if builtins.any(is_bool_tensor(s) for s in sizes):
        raise RuntimeError(NOT_INTEGRAL_SIZE)
    return list(checked_ints("split_with_sizes", "split_sizes", sizes, 2))


@op(renumber_method_errors=True,
    samples=_plain_samples(((5, 4), 2), ((5, 4), 3, -1), ((0, 3), 2), ((1,), 1), ((4,), 5), ((6,), 4)))
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """`chunks` pieces along dim, all of one size but the last (fewer when the dim is short)."""
    chunks, dim = int_arg("chunk", "chunks", chunks, 2), int_arg("chunk", "dim", dim, 3)  # types first
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[normalize_dim(dim, input.ndim)]
    if n == 0:  # torch gives `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, builtins.max(-(-n // chunks), 1), dim)


def _unsafe(pieces: tuple) -> tuple:
    """The pieces of split or chunk under the node names of torch's unsafe_ variants, which torch
    does not track as views (so they may be changed in place)."""
    for p in pieces:
        p._base = p._counter = None
        p.__dict__.pop("_inplace_error", None)
        p.__dict__.pop("_refused_as", None)  # (nor are views made of them)
    if pieces and pieces[0].grad_fn is not None:  # (one node for all the pieces)
        rename(pieces[0], "Unsafe" + pieces[0].grad_fn.name())
    return pieces


@op(samples=_plain_samples(((5, 4), 2), ((5, 4), 3, -1), ((0, 3), 2), ((1,), 1)))
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """chunk, with torch's node names for the variant that lets outputs be changed in place."""
    return _unsafe(chunk(input, chunks, dim))


@op(samples=_plain_samples(((5, 4), 2), ((5, 4), 3, -1), ((0, 3), 2), ((1,), 1)))
def unsafe_split(input: Tensor, split_size: int, dim: int = 0) -> tuple:
    """split into pieces of split_size, with torch's node names for the unsafe_ variant."""
    if not is_int(split_size):
        raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, not {type_name(split_size)}")
    return _unsafe(split(input, split_size, dim))


@op(samples=_plain_samples(((5, 4), [2, 3]), ((5, 4), (1, 3), -1), ((0, 3), [0]), ((4,), [0, 4, 0])))
def unsafe_split_with_sizes(input: Tensor, split_sizes: Sequence, dim: int = 0) -> tuple:
    """split_with_sizes, with torch's node names for the unsafe_ variant."""
    return _unsafe(split_with_sizes(input, split_sizes, dim))


def _check_index_bounds(index: np.ndarray, dim: int, size: int) -> None:
    """torch's error for the first index (in order) outside [0, size)."""
    outside = index[(index < 0) | (index >= size)]
    if outside.size:
        raise RuntimeError(f"index {outside.reshape(-1)[0]} is out of bounds for dimension {dim} with size {size}")


def as_vector(x: Tensor) -> Tensor:
    """A 0-d tensor as the one-element vector torch's gather and scatter take it for; others as they are."""
    return x.reshape(1) if isinstance(x, Tensor) and not x.ndim else x


def gather_along(input: Tensor, dim: int, index: np.ndarray) -> Tensor:
    return Gather.apply(input, dim, index)


@op(out=True, samples=_index_samples(((3, 4), 0, [[0, 2, 2, 1], [1, 1, 0, 0]]), ((3, 4), 1, [[3], [0], [3]]), ((3, 4), -1, np.zeros((0, 4), np.int64)), ((4,), 0, [3, 3, 0])),
    renumber_method_errors=True)
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    if not isinstance(sparse_grad, bool):
        raise TypeError(f"gather(): argument 'sparse_grad' must be bool, not {type_name(sparse_grad)}")
    d = normalize_dim(int_arg("gather", "dim", dim, 2), input.ndim)
    tensor_arg("gather", "index", index, 3)
    if index.dtype.name not in ("int64", "int32") and index.numel():  # an empty index is never read
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if not input.ndim or not index.ndim:  # torch reads a 0-d input or index as one element along dim 0
        out = gather(as_vector(input), 0, as_vector(index), sparse_grad=sparse_grad)
        return rename(out.reshape(index.shape), "GatherBackward0")
    if not index.numel():  # nothing is read: an empty result of index's shape
        _dense_gradients_only(sparse_grad)
        return rename(input.reshape(-1)[:0].reshape(index.shape), "GatherBackward0")
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for i, (n, m) in enumerate(zip(index.shape, input.shape)):
        if i != d and n > m:
            raise RuntimeError(f"Size does not match at dimension {i} expected index {list(index.shape)} to be no "
                               f"larger than self {list(input.shape)} apart from dimension {d}")
    _check_index_bounds(index._data, d, input.shape[d])
    _dense_gradients_only(sparse_grad)
    return Gather.apply(input, d, index._data)


def _dense_gradients_only(sparse_grad: bool) -> None:
    """gather(sparse_grad=True) once its arguments are checked as torch checks them: a gap of ours."""
    if sparse_grad:
        raise NotImplementedError("gather(sparse_grad=True) is not implemented: tinygrad_rnn's gradients are dense")


# ------------------------------------------------------------------ indexing
def index_key(key: Any) -> Any:
    """A torch index as a numpy one. A trailing `...` keeps integer results 0-d views, not scalars."""
    if not isinstance(key, tuple):
        key = (key,)
    key = tuple(_index_part(k) for k in key)
    return key if any(k is Ellipsis for k in key) else key + (Ellipsis,)


def split_selects(key: tuple) -> tuple[tuple, tuple] | None:
    """A numpy key that mixes integers with index arrays, as (the integer selects, the rest), else None.

    torch applies an integer index at once, as a select, and only then the index tensors; numpy counts
    the integers among the index arrays, which moves the arrays' dims to the front when a slice lies
    between (x[0, :, [0, 1]] is (3, 2) in torch, (2, 3) in numpy). So such a key runs in two steps:
    the selects (a view), then the rest of the key on that view.
    """
    def is_select(k: Any) -> bool:
        return (isinstance(k, (builtins.int, np.integer)) and not isinstance(k, (builtins.bool, np.bool_))
                or isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype.kind in "iu")

    def is_bool(k: Any) -> bool:  # a bool scalar indexes like a mask of a new dim of size 1
        return isinstance(k, (builtins.bool, np.bool_)) or isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype == np.bool_

    arrays = [k for k in key if isinstance(k, np.ndarray) and k.ndim or is_bool(k)]
    if not arrays or not builtins.any(is_select(k) for k in key):
        return None
    selects: list = []
    for k in key:
        if is_select(k):
            selects.append(builtins.int(k))
        elif k is Ellipsis or isinstance(k, slice):
            selects.append(k if k is Ellipsis else slice(None))
        elif isinstance(k, np.ndarray) and k.ndim:  # an index array keeps its dims (a mask: as many as it has)
            selects.extend([slice(None)] * (k.ndim if k.dtype == np.bool_ else 1))
    return tuple(selects), tuple(k for k in key if not is_select(k))


_INDEX_TYPES = (builtins.int, slice, type(None), type(Ellipsis), Tensor, list, tuple, np.ndarray, np.integer)


def _index_part(k: Any) -> Any:
    if isinstance(k, (str, bytes)):  # torch reads a str or bytes index as data for a tensor
        raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
    if not isinstance(k, _INDEX_TYPES):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                         f"indices (got {type_name(k)})")
    if isinstance(k, slice) and k.step is not None:
        step = k.step.__index__()
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if step < 0:
            raise ValueError("step must be greater than zero")
    if _is_select_tensor(k):
        return builtins.int(k._data)
    if isinstance(k, Tensor):
        if k.dtype.name not in ("int64", "int32", "uint8", "bool"):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if k.dtype is dtypes.uint8:  # byte: torch's old mask, which warns when it has dims
            if k.ndim and _byte_mask_warns[0]:
                warnings.warn(_BYTE_MASK, UserWarning, stacklevel=callers_stacklevel())
            return k._data.astype(np.bool_)
        return k._data
    if isinstance(k, list):  # [] selects nothing; torch reads a list's floats as ints
        try:
            values = np.asarray([x._data if isinstance(x, Tensor) else x for x in k])
        except ValueError:  # a ragged list: torch's error, which says which length it expected
            tensor_of(k)
            raise
        return values.astype(np.int64) if values.dtype.kind not in "biu" else values
    return k


def _check_0d_key(key: Any) -> None:
    """A 0-d tensor takes only None, ..., bools and empty tuples as an index, as torch."""
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, str):  # torch takes a str as a sequence of indices here
            raise IndexError("too many indices for tensor of dimension 0")
        if isinstance(k, slice):
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if isinstance(k, (builtins.int, np.integer)) and not isinstance(k, builtins.bool):
            if k != 0:  # torch's select on a 0-d tensor checks the bound first, against a size of 0
                raise IndexError(f"index {k} is out of bounds for dimension 0 with size 0")
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")


def _is_bool_list(k: Any) -> bool:
    """A list of Python bools, which torch takes as a mask."""
    return isinstance(k, list) and builtins.len(k) > 0 and builtins.all(isinstance(v, builtins.bool) for v in k)


def _dims_taken(k: Any) -> int:
    """How many of the tensor's dims one part of an index uses: a mask as many as it has, None, `...` and a
    bool none, anything else one (a str too: torch reads it as a sequence of indices)."""
    if _is_bool_list(k):
        return 1
    if isinstance(k, (Tensor, np.ndarray)) and k.dtype in (dtypes.bool, np.bool_, dtypes.uint8):
        return k.ndim
    return 0 if k is None or k is Ellipsis or isinstance(k, (builtins.bool, np.bool_)) else 1


def _integer_index(k: Any) -> int | None:
    """The value of an index torch applies at once as a select (an int or a 0-d integer tensor), else None."""
    if isinstance(k, (builtins.int, np.integer)) and not isinstance(k, (builtins.bool, np.bool_)):
        return builtins.int(k)
    if _is_select_tensor(k):
        return builtins.int(k._data)
    return None


def _is_select_tensor(k: Any) -> bool:
    """A 0-d tensor of a signed integer dtype, which torch reads as the int it holds (x[i] is a select, a
    view); a 0-d bool or uint8 tensor is a mask instead."""
    return (isinstance(k, Tensor) and k.ndim == 0 and k.dtype.name in ("int8", "int16", "int32", "int64"))


def _check_index_dims(key: Any, shape: tuple) -> None:
    """torch's checks of an index, in torch's order: the number of dims it uses, then each part from left to
    right as torch applies it (an integer's range, a slice's step, a list made a tensor, a wrong type), then
    each bool mask's shape against the dims it covers."""
    parts = key if isinstance(key, tuple) else (key,)
    used = builtins.sum(_dims_taken(k) for k in parts)
    if used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    dim, left, masks = 0, used, []
    for position, k in enumerate(parts):
        if k is Ellipsis:  # (one at most here: _expand_ellipses has replaced the others)
            dim = len(shape) - left
            continue
        at = _integer_index(k)
        if at is not None and not -shape[dim] <= at < shape[dim]:  # (torch's message numbers the key's part)
            raise IndexError(f"index {at} is out of bounds for dimension {position} with size {shape[dim]}")
        if isinstance(k, (slice, list)) or not isinstance(k, _INDEX_TYPES):
            _index_part(k)
        mask = np.asarray(k) if _is_bool_list(k) else k
        if isinstance(mask, (Tensor, np.ndarray)) and mask.ndim and mask.dtype in (dtypes.bool, np.bool_, dtypes.uint8):
            masks.append((mask, dim))
        dim, left = dim + _dims_taken(k), left - _dims_taken(k)
    for i, (mask, at) in enumerate(masks):
        if tuple(mask.shape) != tuple(shape[at:at + mask.ndim]):
            # torch warns of each byte mask as it reaches it, so of those up to this one, before the error
            bytes_seen = builtins.sum(getattr(m, "dtype", None) is dtypes.uint8 for m, _ in masks[:i + 1])
            for _ in builtins.range(bytes_seen if _byte_mask_warns[0] else 0):
                warnings.warn(_BYTE_MASK, UserWarning, stacklevel=callers_stacklevel())
            j = next((j for j, n in enumerate(mask.shape) if at + j >= builtins.len(shape) or shape[at + j] != n), 0)
            sliced, masks_at = _torch_sliced_shape(parts, shape)
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of the "
                             f"indexed tensor {sliced} at index {masks_at[i] + j}")


def _torch_sliced_shape(parts: tuple, shape: tuple) -> tuple[list, list]:
    """The shape torch's index has made by the time it checks the masks, and where each mask starts in it:
    torch first applies the key's ints (select), slices and Nones and bools (unsqueeze) from left to right,
    stepping past the dims the index tensors and masks take; its mask error names that shape."""
    specified = builtins.sum(0 if k is None or k is Ellipsis or _is_bool_scalar(k) else _dims_taken(k) for k in parts)
    out, dim, masks_at = list(shape), 0, []
    for k in parts:
        if k is Ellipsis:
            dim += builtins.len(shape) - specified
        elif k is None or _is_bool_scalar(k):
            out.insert(dim, 1)
            dim += 1
        elif _integer_index(k) is not None:
            del out[dim]
        elif isinstance(k, slice):
            out[dim] = builtins.len(builtins.range(*k.indices(out[dim])))
            dim += 1
        else:
            if _is_bool_list(k) or getattr(k, "dtype", None) in (dtypes.bool, np.bool_, dtypes.uint8):
                masks_at.append(dim)
            dim += _dims_taken(k)
    return out, masks_at


def _is_bool_scalar(k: Any) -> bool:
    """A Python bool or a 0-d bool or byte tensor: torch adds a dim of size 1 for it (and indexes it by 0 or none)."""
    return isinstance(k, (builtins.bool, np.bool_)) or isinstance(k, (Tensor, np.ndarray)) and k.ndim == 0 and \
        k.dtype in (dtypes.bool, np.bool_, dtypes.uint8)


def _expand_ellipses(key: Any, ndim: int) -> Any:
    """Several `...` (numpy allows only one): torch moves past the dims no other index takes at each one, so
    the first takes them; a later one takes nothing, but past it lie only dims the tensor does not have."""
    parts = key if isinstance(key, tuple) else (key,)
    if builtins.sum(k is Ellipsis for k in parts) < 2:
        return key
    free = builtins.max(ndim - builtins.sum(1 for k in parts if not (k is None or k is Ellipsis
                                                                     or isinstance(k, builtins.bool))), 0)
    first = next(i for i, k in enumerate(parts) if k is Ellipsis)  # (`in` and index() would compare tensors)
    later = [i for i, k in enumerate(parts) if k is Ellipsis and i > first]
    if free and builtins.any(k is not Ellipsis for k in parts[later[0]:]):
        for k in parts[:later[0]]:  # torch applies the parts before that `...` first: a slice's step fails first
            if isinstance(k, slice) or not isinstance(k, _INDEX_TYPES):
                _index_part(k)
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    return parts[:first] + (slice(None),) * free + tuple(k for k in parts[first + 1:] if k is not Ellipsis)


def without_empty_ellipsis(key: Any, ndim: int) -> Any:
    """The key without a `...` that stands for no dims: to torch it is nothing, while numpy would count it
    as a slice between index arrays, and move their dims to the front (x[:, t, ..., u] on 3 dims). (Only
    for numpy, once torch's checks have passed: their messages number the key's parts, `...` too.)"""
    if not isinstance(key, tuple) or not builtins.any(k is Ellipsis for k in key):
        return key
    taken = builtins.sum(_dims_taken(k) for k in key if k is not Ellipsis)
    return tuple(k for k in key if k is not Ellipsis) if taken >= ndim else key


def getitem(input: Tensor, key: Any) -> Tensor:
    shape = input._data.shape
    if type(key) is builtins.int and shape and -shape[0] <= key < shape[0]:  # x[i], the commonest index
        return Select.apply(input, (key, Ellipsis))
    if type(key) is slice and key.step is None and shape:  # x[i:j]
        return Narrow.apply(input, (key, Ellipsis))
    plain = _plain_key(key, shape)
    if plain is None:
        return _getitem(input, key, None)
    np_key, node = plain
    return node.apply(input, np_key)


def _plain_key(key: Any, shape: tuple) -> tuple | None:
    """The numpy key of a typical tuple index, `x[i, :, j:k]` (ints in range and slices without a step, no more than
    x has dims; `...` appended: an element stays a 0-d view), and its node: Select when the last part that does
    anything is an int (x[:, -1]), else Index, which reads torch's name off the key. None for any other key, which
    `_getitem` checks and reads as torch does."""
    if type(key) is not tuple or len(key) > len(shape):
        return None
    node = Index
    for k, size in zip(key, shape):
        if type(k) is builtins.int:
            if not -size <= k < size:
                return None
            node = Select
        elif type(k) is not slice or k.step is not None:
            return None
        elif k != _WHOLE:
            node = Index
    return key + (Ellipsis,), node


_WHOLE = slice(None)


def indexed_shape(input: Tensor, key: Any) -> tuple[tuple, IndexError | None]:
    """The shape x[key] selects, and the error for an index tensor's value out of range, which torch's
    index_put_ raises only after it has checked the value's shape and dtype (it checks values as it writes)."""
    late: list = []
    _byte_mask_warns[0] = False  # (the write that follows warns, once, and only if torch's checks pass)
    try:
        shape = tuple(_getitem(input, key, late).shape)
    finally:
        _byte_mask_warns[0] = True
    return shape, (late[0] if late else None)


def in_range(key: tuple) -> tuple:
    """A numpy key with each integer index array set to zeros: the same shape, whatever the values."""
    return tuple(np.zeros_like(k) if isinstance(k, np.ndarray) and k.ndim and k.dtype.kind in "iu" else k
                 for k in key)


def warn_byte_masks(key: Any, count: int | None = None) -> None:
    """torch's deprecation warning, once for each byte mask in the key (or `count` times): `x[key] = v` gives them
    before index_put_'s errors (the index tensors' shapes, the value's shape and dtype, an index out of range)."""
    if count is None:
        count = builtins.sum(isinstance(k, Tensor) and k.ndim > 0 and k.dtype is dtypes.uint8
                             for k in (key if isinstance(key, tuple) else (key,)))
    for _ in builtins.range(count):
        warnings.warn(_BYTE_MASK, UserWarning, stacklevel=callers_stacklevel())


_byte_mask_warns = [True]  # off while indexed_shape only measures a key (then x[mask] = v warns once, as torch)
_BYTE_MASK = ("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead. (Triggered "
              "internally at /__w/pytorch/pytorch/aten/src/ATen/native/IndexingUtils.h:37.)")
_NON_TUPLE_SEQUENCE = ("Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
                       "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
                       "tensor index, x[torch.tensor(seq)], which will result either in an error or a different result "
                       "(Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/python_variable_indexing.cpp:"
                       "{line}.)")


def _python_sequence(k: Any) -> bool:
    """Python's sequence protocol, as torch tests it: a list, range, deque, str, ... (not a tuple, tensor or array)."""
    if isinstance(k, (list, range, str)):
        return True
    if isinstance(k, (tuple, builtins.int, builtins.float, Tensor, np.ndarray, np.generic, dict, bytes)) or k is None:
        return False
    return hasattr(type(k), "__getitem__") and hasattr(type(k), "__len__")


def sequence_key(key: Any, stacklevel: int = 5) -> Any:
    """torch's (and old numpy's) rule: a short sequence that is not a tuple but holds a sequence, slice, None, `...`
    or a tensor (0-d too) is a tuple of indices, not one index (x[[[0], [1]]] is x[[0], [1]], x[[t, 0]] is x[t, 0]),
    with torch's deprecation warning; any other one is a list of indices. A `range` or a deque in a tuple is read
    as the list of its numbers (`logp[range(n), target]` in "What is torch.nn really?"). A numpy array is a
    sequence here too, and a 0-d one indexes as a number (`_number_of_0d_array`)."""
    if isinstance(key, tuple):
        if builtins.any(_python_sequence(k) and not isinstance(k, (list, str)) for k in key):
            key = tuple(list(k) if _python_sequence(k) and not isinstance(k, str) else k for k in key)
        return tuple(_number_of_0d_array(k) for k in key)
    if not _python_sequence(key):
        return _number_of_0d_array(key)
    items = list(key)  # a str too: its characters are sequences, so x['ab'] is x['a', 'b'] (with the warning)
    for k in items[:len(items) if len(items) < 32 else 0]:
        # torch's two warnings differ in the line they cite: one for an index or a slice, one for None or `...`
        if _python_sequence(k) or isinstance(k, (tuple, slice, Tensor, np.ndarray)) or k is None or k is Ellipsis:
            line = 359 if k is None or k is Ellipsis else 349
            warnings.warn(_NON_TUPLE_SEQUENCE.format(line=line), UserWarning, stacklevel=stacklevel)
            return tuple(_number_of_0d_array(k) for k in items)
    return key if isinstance(key, str) else items


def _number_of_0d_array(k: Any) -> Any:
    """A numpy array as torch reads it in an index, as a tensor of its data (a long one, unless the data are
    bytes or bools): a 0-d one of numbers is then a 0-d long tensor, which selects as an int does
    (np.array(1.7) is 1: the values are cut toward zero); a uint8 one is a byte mask."""
    if not isinstance(k, np.ndarray):
        return k
    if k.dtype == np.uint8:
        return Tensor._make(k.copy())
    if k.ndim == 0 and k.dtype.kind in "iuf":
        return Tensor._make(k.astype(np.int64))
    return k.astype(np.int64) if k.dtype.kind == "f" else k


def _index(input: Tensor, np_key: tuple) -> Tensor:
    """input[np_key] in torch's order: integer selects first when index arrays follow (see split_selects)."""
    split = split_selects(np_key)
    if split is None:
        return Index.apply(input, np_key)
    selects, rest = split
    return Index.apply(Index.apply(input, selects), rest)


def _torch_index_message(message: str) -> str:
    """numpy's IndexError in torch's words: "dimension", not "axis"; index tensors' shapes as lists."""
    if message.startswith("shape mismatch: indexing arrays could not be broadcast together with shapes "):
        shapes = [[int(n) for n in shape.split(",") if n.strip()]
                  for shape in re.findall(r"\(([^)]*)\)", message.split("shapes ", 1)[1])]
        return ("shape mismatch: indexing tensors could not be broadcast together with shapes "
                + ", ".join(str(shape) for shape in shapes))
    return message.replace("axis", "dimension")


def _bounds_error(shape: tuple, np_key: tuple) -> IndexError | None:
    """torch's error for an index tensor's value out of range, or None if every value is in range.

    torch's kernel reads the index tensors (a mask as one long tensor per dim it spans) element by
    element of their broadcast shape, and names the first bad value by the index tensor's place in
    that list, not by the tensor's dim; an index into a dim of size 0 has a message of its own."""
    split = split_selects(np_key)
    if split is not None:  # (the integers select first: see split_selects)
        shape, np_key = np.empty(shape, dtype=np.bool_)[split[0]].shape, split[1]
    checked, others, tensor_at, dim = [], [], 0, 0
    taken = builtins.sum(k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1 for k in np_key
                         if isinstance(k, (slice, np.ndarray)) and not (isinstance(k, np.ndarray) and k.ndim == 0))
    for k in np_key:
        if k is Ellipsis:
            dim += builtins.len(shape) - taken
        elif isinstance(k, slice):
            dim += 1
        elif isinstance(k, np.ndarray) and k.ndim and k.dtype.kind in "iu" and dim < builtins.len(shape):
            checked.append((tensor_at, k, shape[dim]))
            tensor_at, dim = tensor_at + 1, dim + 1
        elif isinstance(k, np.ndarray) and k.ndim:  # a mask: one long tensor per dim, as long as its count
            others.append(np.zeros(np.count_nonzero(k), np.bool_))
            tensor_at, dim = tensor_at + k.ndim, dim + k.ndim
        elif k is not None:  # a bool: an index tensor of a new dim, of one element or none
            others.append(np.zeros(builtins.int(builtins.bool(k)), np.bool_))
            tensor_at += 1
    try:  # (torch broadcasts the index tensors before it reads them: a shape mismatch is found first)
        bad = np.broadcast_arrays(*[(k >= size) | (k < -size) for _, k, size in checked], *others)
    except ValueError:  # shapes that do not broadcast: numpy's error stands
        return None
    if not checked:
        return None
    bad = np.stack(bad[:builtins.len(checked)])
    if not bad.any():
        return None
    at, j = np.argwhere(bad.reshape(builtins.len(checked), -1).T)[0]
    place, k, size = checked[j]
    if size == 0:
        return IndexError("index is out of bounds for dimension with size 0")
    return IndexError(f"index {np.broadcast_to(k, bad.shape[1:]).reshape(-1)[at]} is out of bounds for dimension "
                      f"{place} with size {size}")


def _getitem(input: Tensor, key: Any, late: list | None) -> Tensor:
    """x[key]; an index tensor's value out of range is an error, unless the key reads nothing (torch checks
    each value as it reads it), or unless `late` collects it."""
    key = _expand_ellipses(sequence_key(key), input.ndim)
    if input.ndim == 0:
        if isinstance(key, tuple):  # torch counts a tuple's dims first; a lone slice has its step checked first
            _check_index_dims(key, ())
        [_index_part(k) for k in (key if isinstance(key, tuple) else (key,)) if isinstance(k, slice)]
        _check_0d_key(key)
        if builtins.any(isinstance(k, Tensor) and k.ndim for k in (key if isinstance(key, tuple) else (key,))):
            raise IndexError("too many indices for tensor of dimension 0")  # (before a byte mask's warning)
    else:
        _check_index_dims(key, input.shape)
    np_key = index_key(without_empty_ellipsis(key, input.ndim))
    try:
        out = _index(input, np_key)
    except IndexError as e:  # numpy says "axis", torch says "dimension"
        if str(e).startswith("too many indices"):
            raise IndexError(f"too many indices for tensor of dimension {input.ndim}") from None
        error = _bounds_error(input.shape, np_key) or IndexError(_torch_index_message(str(e)))
        try:  # the shape it selects, if only index tensors' values are out of range
            out = _index(input, in_range(np_key))
        except IndexError:
            raise error from None
        if out.numel() and late is None:
            raise error from None
        if out.numel():
            late.append(error)
    # A lone slice is always a Slice node in torch, even x[:]; inside a tuple a whole-dim one is skipped.
    return rename(out, "SliceBackward0") if isinstance(key, slice) else out


@op(varargs_method=True, samples=_plain_samples(((3, 4), (0,)), ((3, 4), (0, 1)), ((2, 3, 4), (-1, 0)),
                                                 ((0, 3), (1,)), ((), (0,)), ((1,), [0]), ((3, 4), ())))
def flip(input: Tensor, dims: Any) -> Tensor:
    """input with the order of its elements reversed along each of `dims` (a tuple of ints)."""
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not {type_name(dims)}")
    return _flipped(input, normalize_dims(tuple(dims), input.ndim))


def _flipped(input: Tensor, dims: tuple) -> Tensor:
    """input read backwards along `dims`, as a new tensor."""
    return Flip.apply(input, tuple(dims))


@op(samples=_plain_samples(((3, 4), 1), ((3, 4), -2, 1), ((3, 4), (1, 2), (0, 1)), ((0, 3), 1, 1), ((5,), 7)))
def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dims = () if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    for name, position, values in (("shifts", 1, shifts), ("dims", 2, dims)):
        if not builtins.all(is_int(v) for v in values):  # a bool or float: torch's parser refuses it first
            raise TypeError(f"roll(): argument '{name}' (position {position}) must be tuple of ints, not "
                            f"{type(next(v for v in values if not is_int(v))).__name__}")
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims and len(shifts) == 1:  # numpy's roll without an axis rolls the flattened tensor, keeping the shape
        return Roll.apply(input, shifts[0], None)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input.numel() == 0:  # torch returns a copy before it looks at the dims
        return rename(input.clone(), "RollBackward0")
    if not input.ndim:  # torch's wording for any dim of a 0-d tensor here
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return Roll.apply(input, shifts, tuple(wrap_dim(d, input.ndim) for d in dims))


@op(function=False, samples=_plain_samples(((3, 4), (2, 1)), ((2,), (2, 3)), ((0, 3), (2, 2)), ((), (3,)),
                                           ((1,), (1,)), ((3, 4), (1, 0))))
def repeat(input: Tensor, *sizes: Any, repeats: Any = None) -> Tensor:
    """input tiled: `sizes[i]` copies along dim i (leading sizes add dims)."""
    repeats = _shape_arg(_spread_or_keyword("repeat", sizes, repeats, "repeats"), "repeat", "repeats")
    if len(repeats) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    if builtins.any(r < 0 for r in repeats):  # torch checks the sizes, so a negative repeat of a 0-sized dim is 0
        padded = (1,) * (len(repeats) - input.ndim) + tuple(input.shape)
        sizes = [n * r for n, r in zip(padded, repeats)]
        if builtins.any(n < 0 for n in sizes):
            first = next(n for n in sizes if n < 0)
            raise RuntimeError(f"Trying to create tensor with negative dimension {first}: {sizes}")
        repeats = tuple(builtins.max(r, 0) for r in repeats)
    return Repeat.apply(input, repeats)


@op(varargs_method=True, samples=_plain_samples(((3, 4), (2,)), ((2,), (2, 3)), ((0, 3), (2, 2)), ((), (3,))))
def tile(input: Tensor, dims: Any) -> Tensor:
    dims = _shape_arg((dims,), "tile", "dims")
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


@op(out=True, samples=_index_samples(((3, 4), 0, [2, 0, 2]), ((3, 4), 1, [3]), ((3, 4), -1, np.zeros(0, np.int64)), ((4,), 0, [1, 1])))
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    d = normalize_dim(dim, input.ndim)
    if index.ndim > 1:  # (torch's order: the shape, then the dtype)
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if not input.ndim and index.numel() != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
    size = input.shape[d] if input.ndim else 1
    idx = index._data.reshape(-1)
    if idx.size and (idx.max() >= size or idx.min() < 0):  # torch takes no negative index here
        _index_select_out_of_range(input, d, idx)
    if not input.ndim:
        return input.clone()
    return IndexSelect.apply(input, (slice(None),) * d + (idx,))


def _index_select_out_of_range(input: Tensor, d: int, idx: np.ndarray) -> None:
    """torch's error for an index outside dim `d`: its kernels for an empty input and for dim 1 of a matrix
    or more (measured) check otherwise than the general one."""
    size = input.shape[d] if input.ndim else 1
    if input.ndim < 2 or (input._data.size and d != 1):
        raise IndexError("index out of range in self")
    if size == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    bad = idx[(idx >= size) | (idx < 0)][0]
    raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")


@op(renumber_method_errors=True, samples=_plain_samples(((3, 4), 0, 1), ((3, 4), 1, -1), ((2, 3, 4), -1, 3), ((2,), 0, 0)))
def select(input: Tensor, dim: int, index: int) -> Tensor:
    dim, index = int_arg("select", "dim", dim, 2), int_arg("select", "index", index, 3, symint=True)  # types before the 0-d check
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}"
        )
    return Select.apply(input, (slice(None),) * d + (index, Ellipsis))


@op(aliases=("moveaxis",), samples=_plain_samples(((3, 4), 0, 1), ((2, 3, 4), (0, 1), (2, 0)), ((2, 3, 4), -1, 0), ((0, 3), 1, 0)))
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    both_ints = all(is_int(d) and not is_bool_tensor(d) for d in (source, destination))  # a bool tensor is no int
    both_lists = all(isinstance(d, (tuple, list)) and all(is_int(i) for i in d) for d in (source, destination))
    if not (both_ints or both_lists):  # torch's parser: two ints or two lists of ints
        raise invalid_combination("movedim", (source, destination))
    source, destination = (list(d) if both_lists else [d] for d in (source, destination))
    if len(source) != len(destination):  # torch compares the lengths before it looks at the dims
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({source} dims) should contain the same "
            f"number of dims as destination ({destination} dims)"
        )
    src = tuple(wrap_dim(d, input.ndim) for d in source)
    dst = tuple(wrap_dim(d, input.ndim) for d in destination)
    for name, dims, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    if input.ndim == 0:  # its one dim (-1 or 0) is no dim to move
        src = dst = ()
    order = [d for d in range(input.ndim) if d not in src]
    for s, d in sorted(zip(dst, src)):
        order.insert(s, d)
    return Permute.apply(input, tuple(order))


@op(samples=_plain_samples(((3, 4), 1, (2, 2)), ((6,), 0, (2, -1)), ((0, 4), 1, (2, 2)), ((3, 4), -2, (3, 1))),
    renumber_method_errors=True)
def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    if isinstance(sizes, (tuple, list)) and not sizes:  # torch's Tensor.unflatten (Python) checks this first
        raise RuntimeError("unflatten: sizes must be non-empty")
    dim = int_arg("unflatten", "dim", dim, 2)  # then the parser's, before any check of the values
    int_list_args("unflatten", [("sizes", sizes, 3)])
    d = normalize_dim(dim, input.ndim)
    if input.ndim == 0:  # torch's wrapped dim 0 then finds no size to split
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions")
    try:
        inner = infer_shape(tuple(sizes), input.shape[d])
    except RuntimeError as exc:  # torch words a count that does not fit as its own, and wraps the others
        if "is invalid for input of size" in str(exc):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                               f"({input.shape[d]}) in the input tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{exc}") from None
    return input.reshape(input.shape[:d] + inner + input.shape[d + 1:])


@op(out=True, renumber_method_errors=True,
    samples=_plain_samples(((3,),), ((3,), 1), ((3, 4),), ((3, 4), -1), ((3, 4), 2), ((0,),)))
def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-D: a matrix with input on a diagonal; 2-D: that diagonal of the matrix."""
    diagonal = int_arg("diag", "diagonal", diagonal, 2)
    if input.ndim == 1:
        n = input.shape[0] + builtins.abs(diagonal)
        rows = np.arange(input.shape[0]) + builtins.max(-diagonal, 0)
        base = Tensor._make(np.zeros((n, n), input._data.dtype))
        return rename(SetItem.apply(base, (rows, rows + diagonal), input), "DiagEmbedBackward0")
    if input.ndim == 2:
        rows = np.arange(builtins.max(builtins.min(input.shape[0] + builtins.min(diagonal, 0),
                                                    input.shape[1] - builtins.max(diagonal, 0)), 0))
        rows = rows + builtins.max(-diagonal, 0)
        return rename(Index.apply(input, (rows, rows + diagonal)), "DiagonalBackward0_copy")  # torch's name for it
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


def _triangle(input: Tensor, diagonal: int, lower: bool, name: str) -> Tensor:
    diagonal = int_arg(name, "diagonal", diagonal, 2, symint=True)
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    rows, cols = input.shape[-2:]
    keep = np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    kept = where(Tensor._make(keep), input, Tensor._make(np.zeros((), input._data.dtype)))
    return composite(kept, "TrilBackward0" if lower else "TriuBackward0", input)


@op(out=True, inplace=True, renumber_method_errors=True,
    samples=_plain_samples(((3, 4),), ((3, 4), 1), ((2, 3, 4), -1), ((0, 3),), ((4, 4), 10)))
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    return _triangle(input, diagonal, True, "tril")


@op(out=True, inplace=True, renumber_method_errors=True,
    samples=_plain_samples(((3, 4),), ((3, 4), 1), ((2, 3, 4), -1), ((0, 3),), ((4, 4), -10)))
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    return _triangle(input, diagonal, False, "triu")


def _scatter_samples(rng: np.random.Generator) -> list:
    # Each position written once (no write wins by order); src of index's shape, since torch 2.13's
    # gradient for a larger src has the wrong shape (tests/ops/test_ops_shape.py checks ours).
    index = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])
    return [Sample((rng.standard_normal((3, 4)), 0, index, rng.standard_normal((2, 4)))),
            Sample((rng.standard_normal((3, 4)), 1, np.array([[3], [0], [1]]), rng.standard_normal((3, 1)))),
            Sample((rng.standard_normal((3, 4)), -1, np.array([[2, 0]]), 1.5)),
            Sample((rng.standard_normal((3, 4)), 0, index[:1]), {"value": -2.0}),
            Sample((rng.standard_normal((3, 4)), 0, np.zeros((0, 4), np.int64), rng.standard_normal((1, 4)))),
            Sample((rng.standard_normal(4), 0, np.array([3, 1]), rng.standard_normal(2)))]


def check_scatter_shapes(input: Tensor, dim: int, index: Tensor, src: Any) -> None:
    """torch's shape checks of scatter, scatter_add and scatter_reduce: index has input's number of dims
    (and src's, for a tensor src) and is no larger than input off `dim`, nor than src anywhere."""
    if not index.numel():  # an empty index writes nothing, so nothing is checked
        return
    dims = builtins.max(input.ndim, 1)
    if builtins.max(index.ndim, 1) != dims:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    def size(t: Tensor, d: int) -> int:
        return t.shape[d] if t.ndim else 1
    wrong = builtins.any(size(index, d) > size(input, d) for d in range(dims) if d != dim)
    if isinstance(src, Tensor):
        wrong = wrong or builtins.any(size(index, d) > size(src, d) for d in range(builtins.min(dims, src.ndim or 1)))
        if builtins.max(src.ndim, 1) != dims:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        if wrong:
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {dim} and to be no larger size than src {list(src.shape)}")
    elif wrong:
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} "
                           f"apart from dimension {dim}")


@op(inplace=True, samples=_scatter_samples)
def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: Any = None) -> Tensor:
    """input with src's values (or the number `value`) written at index along dim; with reduce='add' or
    'multiply', added to or multiplied into input's values there (torch's older form of scatter_reduce)."""
    source = value if src is None else src
    if not isinstance(index, Tensor) or not isinstance(source, OPERAND_TYPES):
        raise invalid_combination("scatter", (input, dim, index, source))  # a numpy array, a list
    if reduce is not None:
        _warn_of_scatter_reduce(source)
    d = normalize_dim(dim, input.ndim)
    if index.dtype.name not in ("int64", "int32") and index.numel():  # an empty index is never read
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if isinstance(source, Tensor) and source.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    check_scatter_shapes(input, d, index, source)
    if reduce not in (None, "add", "multiply"):  # (torch's order: the dim, the dtypes, the shapes, then this)
        raise RuntimeError("reduce argument must be either add or multiply.")
    if not input.ndim or not index.ndim or (isinstance(src, Tensor) and not src.ndim):
        # torch reads a 0-d input, index or source as one element along dim 0
        out = scatter(as_vector(input), d, as_vector(index), as_vector(src), value=value, reduce=reduce)
        return out.reshape(input.shape) if reduce else rename(
            out.reshape(input.shape), "ScatterBackward0" if isinstance(source, Tensor) else "ScatterBackward1")
    index = index if index.numel() else index.to(dtypes.int64)
    outside = (index._data >= input.shape[d]) | (index._data < 0)  # (numpy would wrap a negative one)
    if outside.any():
        raise RuntimeError(f"index {builtins.int(index._data[outside][0])} is out of bounds for dimension {d} with "
                           f"size {input.shape[d]}")
    if not isinstance(source, Tensor):  # torch converts the number as it writes it: an empty index writes none
        source = checked_fill(source, input.dtype) if index.numel() else 0
    if reduce is not None:
        return ScatterReducing.apply(input, d, index._data, source, reduce)
    out = Scatter.apply(input, d, index._data, source)
    return rename(out, "ScatterBackward0" if isinstance(source, Tensor) else "ScatterBackward1")


_SCATTER_REDUCE_WARNED = []  # torch's TORCH_WARN_ONCE: the first call of the process warns, no later one


def _warn_of_scatter_reduce(source: Any) -> None:
    """torch's deprecation warning of scatter's reduce, before any check (a Tensor src only, once per process)."""
    if isinstance(source, Tensor) and not _SCATTER_REDUCE_WARNED:
        _SCATTER_REDUCE_WARNED.append(True)
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                      "future PyTorch release. Use torch.scatter_reduce instead for more reduction options. (Triggered "
                      "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:225.)",
                      UserWarning, stacklevel=callers_stacklevel())


class ScatterReducing(Function):
    """scatter(..., reduce='add' | 'multiply'): src (or the number, in input's dtype) added to or multiplied
    into x at index along dim, repeats accumulating. torch wrote no derivative for it: backward raises, naming
    the op called (`aten_name`: scatter, or scatter_ once the in-place method has renamed it)."""

    torch_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce):
        ctx.aten_name = "scatter"
        out = x._data.copy()
        grid = list(np.indices(index.shape, sparse=True))
        grid[dim] = index
        values = src._data[_corner(index.shape)] if isinstance(src, Tensor) else np.asarray(src).astype(out.dtype)
        (np.add if reduce == "add" else np.multiply).at(out, tuple(grid), values)
        return Tensor._make(out)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{ctx.aten_name} is not implemented")


def _with_zeros(rng: np.random.Generator) -> list:
    def some_zero(shape: tuple) -> np.ndarray:
        return np.asarray(np.where(rng.random(shape) < 0.4, 0.0, rng.standard_normal(shape)))
    return [Sample((some_zero((3, 4)),)), Sample((some_zero((5,)),), {"as_tuple": True}), Sample((some_zero((0, 3)),)),
            Sample((np.asarray(1.5),)), Sample((np.asarray(0.0),), {"as_tuple": True}), Sample((some_zero((2, 1, 3)),))]


@op(out=True, differentiable=False, samples=_with_zeros)
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The positions of input's nonzero elements: one row of indices each, or one tensor per dim."""
    as_tuple = bool_arg("nonzero", "as_tuple", as_tuple)  # (as_tuple="x", as_tuple=1 are refused)
    where_true = np.nonzero(input._data if input.ndim else input._data.reshape(1))
    if as_tuple:
        return tuple(Tensor._make(w.astype(np.int64)) for w in where_true)
    if not input.ndim:  # one row of no indices if the number is nonzero, as torch
        return Tensor._make(np.zeros((where_true[0].size, 0), np.int64))
    return Tensor._make(np.stack(where_true, axis=1).astype(np.int64).reshape(-1, input.ndim))


def _nonzero_static_samples(rng: np.random.Generator) -> list:
    plain = [s for s in _with_zeros(rng) if not s.kwargs]
    return [Sample(plain[0].args, {"size": 20}), Sample(plain[0].args, {"size": 2, "fill_value": 7}),
            Sample(plain[1].args, {"size": 0}), Sample(plain[2].args, {"size": 2})]


@op(out=True, differentiable=False, samples=_nonzero_static_samples)
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """nonzero's rows, cut or padded with rows of fill_value to exactly `size` of them (a shape that is
    known before the values are)."""
    size = int_arg("nonzero_static", "size", size)
    if input._fw_grads:  # torch has no forward-mode rule for it (nonzero's rows simply carry no tangent)
        raise NotImplementedError("Trying to use forward AD with aten::nonzero_static that does not support it.")
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    found = nonzero(input)._data[:size]
    padding = np.full((size - len(found), found.shape[1]), fill_value, dtype=np.int64)
    return Tensor._make(np.concatenate([found, padding]))


def _count_samples(rng: np.random.Generator) -> list:
    zeros = [s.args[0] for s in _with_zeros(rng)]
    return [Sample((zeros[0],)), Sample((zeros[0], 1)), Sample((zeros[0], (0, -1))), Sample((zeros[2], 0)),
            Sample((zeros[3],)), Sample((zeros[5], -2))]


@op(differentiable=False, varargs_method="several", samples=_count_samples)
def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many elements are not zero, in all of input or along dim (an int or a tuple)."""
    axis = None if dim is None else normalize_dims(dim, input.ndim, ranges_first=True)
    if axis == ():  # an empty list of dims is every dim to torch (numpy's counts each element alone)
        axis = None
    return Tensor._make(row_major(np.asarray(np.count_nonzero(input._data, axis=axis), dtype=np.int64)))


class Unique(Function):
    """The sorted distinct values (or slices). As in torch, the result has a node, but no derivative."""

    NAMES = {"_unique2": "Unique2Backward0", "unique_dim": "UniqueDimBackward0",
             "unique_consecutive": "UniqueConsecutiveBackward0"}  # torch's op -> torch's node

    @staticmethod
    def node_name(x, values, torch_op):
        return Unique.NAMES[torch_op]

    @staticmethod
    def forward(ctx, x, values, torch_op):
        ctx.torch_op = torch_op
        return Tensor._make(values)

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError(f"the derivative for '{ctx.torch_op}' is not implemented.")

    @staticmethod
    def jvp(ctx, tx, t_values, t_op):
        raise NotImplementedError(f"Trying to use forward AD with {ctx.torch_op} that does not support it because it "
                                  "has not been implemented yet.")


def _unique_samples(rng: np.random.Generator) -> list:
    def repeats(shape: tuple) -> np.ndarray:  # values drawn from three, so that some repeat
        return np.asarray(rng.integers(-1, 2, shape) / 2, dtype=np.float64)
    rows = np.array([[0.5, 1.0], [0.5, 1.0], [-1.0, 2.0]])
    return [Sample((repeats((3, 4)),)), Sample((repeats((5,)),), {"return_inverse": True}),
            Sample((repeats((2, 3)),), {"return_counts": True, "return_inverse": True}),
            Sample((repeats((0, 3)),), {"return_counts": True}), Sample((repeats(()),), {"return_inverse": True}),
            Sample((repeats((1,)), False, True, True)), Sample((rows, True, True, True, 0)),
            Sample((rows.T.copy(),), {"dim": -1, "return_inverse": True}), Sample((repeats((0, 3)),), {"dim": 0})]


def _dim_of_slices(dim: Any, input: Tensor) -> int:
    """unique's and unique_consecutive's dim, in range: a 0-d input has no slices along any dim (torch's
    IndexError names the dim as given, in range or not), and only the dim itself may have size 0."""
    if input.ndim == 0 and is_int(dim):
        raise IndexError(f"Dimension specified as {int(dim)} but tensor has no dimensions")
    d = normalize_dim(dim, input.ndim)
    if input.shape[d] and 0 in input.shape:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
    if input.shape.count(0) > 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ")
    return d


@op(differentiable=False, samples=_unique_samples)
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: Any = None) -> Any:
    """The distinct values of input, sorted; with return_inverse each element's place among them,
    with return_counts how often each occurs. With `dim`, the distinct slices along dim."""
    if dim is None:
        # (a NaN equals nothing, itself included: torch keeps every NaN as a distinct value)
        values, inverse, counts = np.unique(input._data, return_inverse=True, return_counts=True, equal_nan=False)
        inverse, torch_op = inverse.reshape(input.shape), "_unique2"
    else:
        d = _dim_of_slices(dim, input)
        values, inverse, counts = np.unique(input._data, axis=d, return_inverse=True, return_counts=True)
        inverse, torch_op = inverse.reshape(-1), "unique_dim"
    out = [Unique.apply(input, values, torch_op)]
    if return_inverse:
        out.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


@op(samples=lambda rng: _plain_samples(((3, 4), 2), ((3, 4), 2, 0), ((3, 4), np.array([1, 0, 2]), 0),
                                       ((3, 4), np.array(2)), ((3, 4), np.array([3]), -1), ((0, 3), 2, 0), ((), 3),
                                       ((1,), 0))(rng)
    + [Sample((rng.standard_normal((3, 2)), np.array([2, 0, 1]), 0), {"output_size": 3}),
       Sample((rng.standard_normal((2,)), 3), {"output_size": 6})])
def repeat_interleave(input: Tensor, repeats: Any = None, dim: Any = None, *, output_size: Any = None) -> Tensor:
    """Each element (or slice along dim) repeated `repeats` times in place: [1, 2] -> [1, 1, 2, 2].
    With no `repeats`, input holds the counts: [1, 2] -> [0, 1, 1]. `output_size`, the length of the
    result, is only checked here (torch uses it to skip a pass over the counts)."""
    _check_repeat_arguments(input, repeats, dim, output_size)
    if repeats is None:
        return _repeated_positions(input, output_size)
    if not input.ndim and dim is not None:
        _refuse_dim_of_0d(repeats, dim)
    x = input.flatten() if dim is None else input
    d = 0 if dim is None else normalize_dim(dim, x.ndim)
    counts = _checked_counts(repeats, x.shape[d] if x.ndim else 1, d)
    index = np.repeat(np.arange(x.shape[d]), counts)
    _check_output_size(output_size, index.size, isinstance(repeats, Tensor))
    name = "IndexSelectBackward0" if isinstance(repeats, Tensor) else "ViewBackward0"  # torch's two ways to do it
    return rename(Index.apply(x, (slice(None),) * d + (index,)), name)


def _check_repeat_arguments(input: Tensor, repeats: Any, dim: Any, output_size: Any) -> None:
    """torch's parser: repeats a tensor or an int, dim and output_size ints (a bool is none of them)."""
    plain_int = lambda v: is_int(v) and not is_bool_tensor(v)  # noqa: E731
    if not (repeats is None or isinstance(repeats, Tensor) or plain_int(repeats)) \
            or not (dim is None or plain_int(dim)) or not (output_size is None or plain_int(output_size)):
        given = tuple(a for a in (input, repeats, dim) if a is not None)
        raise no_overload("repeat_interleave", given, {} if output_size is None else {"output_size": output_size})


def _checked_counts(repeats: Any, size: int, dim: int) -> Any:
    """How often each slice along dim repeats, after torch's checks: a number or a one-element tensor repeats
    every slice, a vector has one count per slice; no count is negative."""
    if not isinstance(repeats, Tensor):
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        return repeats
    if repeats.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if repeats.numel() != 1 and repeats.shape[0] != size:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{repeats.shape[0]} and input.size({dim}) = {size}")
    if repeats.dtype.is_floating_point or repeats.dtype is dtypes.bool:  # the kernel's, after the sizes
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{repeats.dtype._legacy}\'')
    # torch expands a one-element count to one per slice first: with no slices, no count is checked
    if (repeats._data < 0).any() and (repeats.numel() != 1 or size):
        raise RuntimeError("repeats can not be negative")
    return repeats._data.reshape(-1) if repeats.numel() != 1 else repeats._data.reshape(())


def _refuse_dim_of_0d(repeats: Any, dim: Any) -> None:
    """A 0-d input has no dim to repeat along: torch's index_select (tensor repeats) or its unsqueeze after
    the dim (int repeats, dims -1 and 0 both become 1) says so."""
    if isinstance(repeats, Tensor):
        raise IndexError(f"Dimension specified as {int(dim)} but tensor has no dimensions")
    if repeats < 0 and int(dim) in (-1, 0):  # a dim out of range is found first
        raise RuntimeError("Repeats must be non-negative")
    raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got "
                     f"{1 if int(dim) in (-1, 0) else int(dim)})")


def _repeated_positions(counts: Tensor, output_size: Any) -> Tensor:
    """repeat_interleave(counts): each position i of the 1-d integer `counts`, counts[i] times."""
    if counts.dtype.is_floating_point or counts.dtype is dtypes.bool:
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{counts.dtype._legacy}\'')
    if counts.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if (counts._data < 0).any():
        raise RuntimeError("repeats can not be negative")
    index = np.repeat(np.arange(counts.shape[0]), counts._data)
    _check_output_size(output_size, index.size, True)
    return Tensor._make(index.astype(counts._data.dtype))


def _check_output_size(output_size: Any, size: int, counts_given: bool) -> None:
    if output_size is None or output_size == size:
        return
    if counts_given:  # torch sizes its result to output_size before it fills it
        raise RuntimeError("allocated size does not match required size")
    raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {size} but got {output_size}")


# ------------------------------------------------------------------ the shape family (issue 13)
# Each is built from the Functions above (Index, Reshape, Permute, Expand, SetItem, Cat,
# Stack), so gradients, higher-order gradients and forward-mode tangents come from theirs; each
# result is given the node name torch shows. Declared with `@op` where the op database can
# sample them; the ops that take or return a list of tensors are plain functions (their tests:
# tests/ops/test_shape_family.py).
@op(varargs_method=True, samples=_plain_samples(((3, 1), (2, 3, 4)), ((4,), (3, 4)), ((1,), (0,)), ((), (2,)), ((2, 3), (-1, 3))))
def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """input expanded to `size` (-1 keeps a dim): a view with broadcast dims."""
    return Expand.apply(input, expand(input.detach(), size).shape)


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape tensors of these shapes broadcast to, without making any tensor."""
    result: list = []
    for i, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, builtins.int) else tuple(shape)
        for back in range(1, len(shape) + 1):
            if back > len(result):
                result.insert(0, shape[-back])
            elif result[-back] == 1:
                result[-back] = shape[-back]
            elif shape[-back] not in (1, result[-back]):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[-back]} at {-back}! Mismatching argument "
                    f"at index {i} had {shape}; but expected shape should be broadcastable to {result}")
    return Size(tuple(result))


@op(method=False, samples=lambda rng: binary()(rng) + [Sample((rng.standard_normal((2, 1)), rng.standard_normal(3),
                                                                    rng.standard_normal(()))), Sample((rng.standard_normal(3),))])
def broadcast_tensors(*tensors: Tensor) -> tuple:
    """Each tensor expanded to the shape they broadcast to together."""
    _tensors_only(tensors)
    shape = broadcast_shape_of(*(t.shape for t in tensors))
    return tuple(t if t.shape == shape else Expand.apply(t, tuple(shape)) for t in tensors)


@op(samples=_plain_samples(((5, 3), 2), ((5, 3), [1, 4]), ((5, 3), 3, -1), ((0, 3), 2), ((1,), 1),
                           ((4,), (1, -1, 10)), ((5, 3), np.array([1, 3])), ((5, 3), np.array(2))))
@by_position_only("indices_or_sections")
def tensor_split(input: Tensor, indices_or_sections: Any = None, dim: int = 0, *, sections: Any = None,
                 indices: Any = None, tensor_indices_or_sections: Any = None) -> tuple:
    """Pieces along dim: `n` pieces of sizes differing by at most one, or the pieces between the
    given indices (indices past the end give empty pieces)."""
    dim = int_arg("tensor_split", "dim", dim, 3)  # the parser's check, before the rank's
    indices_or_sections = _cuts("tensor_split", input, indices_or_sections, sections=sections, indices=indices,
                                tensor_indices_or_sections=tensor_indices_or_sections)
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    cuts = indices_or_sections
    if isinstance(cuts, Tensor):
        if cuts.dtype is not dtypes.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have a Long dtype")
        cuts = cuts.item() if cuts.ndim == 0 else cuts.tolist()
    if isinstance(cuts, builtins.int) and not isinstance(cuts, builtins.bool):
        if cuts <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {cuts}")
        size, extra = divmod(n, cuts)
        bounds = np.cumsum([0] + [size + (i < extra) for i in range(cuts)])
    elif isinstance(cuts, (tuple, list)):
        bounds = [0] + [builtins.min(builtins.max(builtins.int(c) + (n if c < 0 else 0), 0), n) for c in cuts] + [n]
    else:
        raise TypeError(f"tensor_split() received an invalid combination of arguments - got (Tensor, "
                        f"{type(cuts).__name__}), but expected one of: (Tensor input, tuple of ints indices, int dim = 0)")
    return tuple(rename(Index.apply(input, (slice(None),) * d + (slice(builtins.int(a), builtins.max(builtins.int(a), builtins.int(b))),)),
                        "SliceBackward0") for a, b in zip(bounds[:-1], bounds[1:]))


# what each of torch's overloads calls the cuts, and what it takes under that name
_CUT_KINDS = {"sections": lambda v: is_int(v), "indices": lambda v: isinstance(v, (tuple, list)),
              "tensor_indices_or_sections": lambda v: isinstance(v, Tensor)}


def _cuts(fn: str, input: Tensor, given: Any, **by_name: Any) -> Any:
    """The cuts of tensor_split and hsplit, given by position or by the name of torch's overload
    (`sections=2`, `indices=[1, 3]`, `tensor_indices_or_sections=t`): exactly one of them, and one
    of the kind that name takes."""
    named = {k: v for k, v in by_name.items() if v is not None}
    fits = given is None or any(kind(given) for kind in _CUT_KINDS.values())
    if not fits or (given is not None) + len(named) != 1 or any(not _CUT_KINDS[k](v) for k, v in named.items()):
        raise no_overload(fn, (input,) if given is None else (input, given), named)
    if is_bool_tensor(named.get("sections")):  # a SymInt: torch's conversion asserts it is integral
        raise RuntimeError(NOT_INTEGRAL)
    return given if given is not None else next(iter(named.values()))


def _split_along(name: str, input: Tensor, sections: Any, dim: int, min_dims: int) -> tuple:
    """hsplit/vsplit/dsplit: tensor_split along `dim`, where a number of sections must divide the dim."""
    if input.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(sections, builtins.int) and (sections == 0 or input.shape[dim] % sections):
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                           f"{input.shape[dim]} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, dim)


@op(samples=_plain_samples(((4, 6), 2), ((4, 6), [1, 4]), ((6,), 3), ((0, 2), 1), ((2, 1), [0])))
@by_position_only("indices_or_sections")
def hsplit(input: Tensor, indices_or_sections: Any = None, *, sections: Any = None, indices: Any = None) -> tuple:
    cuts = _cuts("hsplit", input, indices_or_sections, sections=sections, indices=indices)
    return _split_along("hsplit", input, cuts, 0 if input.ndim == 1 else 1, 1)


@op(samples=_plain_samples(((4, 3), 2), ((4, 3), [1]), ((0, 3), [1]), ((1, 2), 1)))
@by_position_only("indices_or_sections")
def vsplit(input: Tensor, indices_or_sections: Any = None, *, sections: Any = None, indices: Any = None) -> tuple:
    cuts = _cuts("vsplit", input, indices_or_sections, sections=sections, indices=indices)
    return _split_along("vsplit", input, cuts, 0, 2)


@op(samples=_plain_samples(((2, 2, 4), 2), ((1, 2, 3), [1, 2]), ((0, 1, 2), 1)))
@by_position_only("indices_or_sections")
def dsplit(input: Tensor, indices_or_sections: Any = None, *, sections: Any = None, indices: Any = None) -> tuple:
    cuts = _cuts("dsplit", input, indices_or_sections, sections=sections, indices=indices)
    return _split_along("dsplit", input, cuts, 2, 3)


@op(samples=_plain_samples(((5, 4), [2, 3]), ((5, 4), (1, 3), -1), ((0, 3), [0]), ((1,), [1]), ((4,), [0, 4, 0])))
def split_with_sizes(input: Tensor, split_sizes: Sequence, dim: int = 0) -> tuple:
    if not isinstance(split_sizes, (tuple, list)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 1) must be tuple of ints, not "
                        f"{type_name(split_sizes)}")
    return split(input, _sizes_list(split_sizes), dim)


@op(function=False, samples=_plain_samples(((3, 4), 1, 2, 1), ((3, 4), 0, 2, 2), ((5,), -1, 3, 2), ((0, 3), 1, 2, 1),
                                           ((1,), 0, 1, 1), ((), 0, 1, 1)))
def unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Every window of `size` elements along `dimension`, `step` apart, as a new last dim."""
    dimension, size, step = (int_arg("unfold", name, v, i) for i, (name, v) in
                             enumerate((("dimension", dimension), ("size", size), ("step", step)), 1))
    d = normalize_dim(dimension, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    x = input.reshape(1) if input.ndim == 0 else input
    windows = np.arange(0, n - size + 1, step)[:, None] + np.arange(size)[None, :]
    picked = Windows.apply(x, (slice(None),) * d + (windows, Ellipsis))  # (..., windows, size, ...)
    out = movedim(picked, d + 1, -1)
    return composite(out.reshape(size) if input.ndim == 0 else out, "UnfoldBackward0", input)


def _diagonal_key(shape: tuple, offset: int) -> tuple:
    """(..., rows, cols) picking the diagonal `offset` of the last two dims of `shape`."""
    length = builtins.max(builtins.min(shape[-2] + builtins.min(offset, 0), shape[-1] - builtins.max(offset, 0)), 0)
    rows = np.arange(length) + builtins.max(-offset, 0)
    return (Ellipsis, rows, rows + offset)


def _two_dims(input: Tensor, dim1: Any, dim2: Any, ndim: int) -> tuple:
    d1, d2 = normalize_dim(dim1, ndim), normalize_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@op(renumber_method_errors=True, samples=_plain_samples(((3, 4),), ((3, 4), 1), ((3, 4), -2), ((2, 3, 4), 0, 2, 0),
                                                       ((4, 2, 3), -1, -1, 0), ((0, 3),), ((2, 2), 5)))
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    offset, dim1, dim2 = (int_arg("diagonal", name, v, i) for i, (name, v) in
                          enumerate((("offset", offset), ("dim1", dim1), ("dim2", dim2)), 2))
    """The diagonal `offset` of the dims dim1 and dim2, as the last dim of the result."""
    d1, d2 = _two_dims(input, dim1, dim2, input.ndim)
    order = tuple(d for d in range(input.ndim) if d not in (d1, d2)) + (d1, d2)
    moved = input if order == tuple(range(input.ndim)) else Permute.apply(input, order)
    return Diagonal.apply(moved, _diagonal_key(moved.shape, offset))


@op(renumber_method_errors=True, samples=_plain_samples(((3,),), ((2, 3),), ((2, 3), 1), ((2, 3), -1, 0, 2),
                                                       ((2, 3), 0, -1, 0), ((0,),), ((1,),)))
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    offset, dim1, dim2 = (int_arg("diag_embed", name, v, i) for i, (name, v) in
                          enumerate((("offset", offset), ("dim1", dim1), ("dim2", dim2)), 2))
    """Each vector along input's last dim placed on a diagonal (offset, dim1, dim2) of zero matrices."""
    d1, d2 = _two_dims(input, dim1, dim2, input.ndim + 1)
    n = (input.shape[-1] if input.ndim else 1) + builtins.abs(offset)
    base = Tensor._make(np.zeros(input.shape[:-1] + (n, n), input._data.dtype))
    placed = SetItem.apply(base, _diagonal_key(base.shape, offset), input)
    return rename(movedim(placed, (-2, -1), (d1, d2)), "DiagEmbedBackward0")


@op(samples=_plain_samples(((3,),), ((2, 2),), ((3,), 1), ((2,), -2), ((),), ((0,),)))
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on the diagonal `offset` of a square matrix of zeros."""
    return rename(diag_embed(input.reshape(-1), offset), "DiagEmbedBackward0")


def _rot90_samples(rng: np.random.Generator) -> list:
    return [Sample((rng.standard_normal((2, 3)), k)) for k in (1, 2, 3, 0, -1, 5)] + [
        Sample((rng.standard_normal((2, 3, 4)), 1, (2, 0))), Sample((rng.standard_normal((0, 3)),))]


@op(samples=_rot90_samples)
def rot90(input: Tensor, k: int = 1, dims: Sequence = (0, 1)) -> Tensor:
    """input turned by k quarter turns, from the first of `dims` towards the second."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    a, b = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {a} and dim1 = {b}")
    k %= 4
    if k == 0:
        return rename(input.clone(), "Rot90Backward0")
    if k == 2:
        return composite(_flipped(input, (a, b)), "Rot90Backward0", input)
    turned = _flipped(input, (b,) if k == 1 else (a,))
    return composite(transpose(turned, a, b), "Rot90Backward0", input)


@op(samples=_plain_samples(((3, 4),), ((2, 3, 4),), ((0, 2),)))
def fliplr(input: Tensor) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flipped(input, (1,))


@op(samples=_plain_samples(((3, 4),), ((5,),), ((0, 2),)))
def flipud(input: Tensor) -> Tensor:
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flipped(input, (0,))


@op(out=True, samples=_plain_samples(((5, 4), 0, 1, 3), ((3, 4), 1, 1, 2), ((3, 4), -1, 0, 0), ((2,), 0, 1, 1)))
def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """narrow, as a new tensor (no view of input)."""
    # torch's narrow_copy words two of narrow's checks its own way
    if input.ndim and isinstance(dim, int) and dim >= input.ndim:
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an enhancement request to "
                           "PyTorch.)")
    if input.ndim and isinstance(length, int) and isinstance(start, int) and length < 0:
        size = input.shape[normalize_dim(dim, input.ndim)]
        raise RuntimeError(f"start ({start + size if start < 0 else start}) + length ({length}) exceeds dimension "
                           f"size ({size}).")
    return rename(narrow(input, dim, start, length).clone(), "NarrowCopyBackward0")


@op(samples=_plain_samples(((3, 4),), ((2, 3, 4),), ((0, 3),), ((),)))
def ravel(input: Tensor) -> Tensor:
    """input flattened to one dim: torch's contiguous().view(-1) (a CloneBackward0 first where a copy is needed)."""
    if not input._data.flags.c_contiguous and input._requires_grad:
        input = Clone.apply(input, "C")
    return rename(Reshape.apply(input, (input.numel(),)), "ViewBackward0")


def _at_least(input: Any, ndim: int, where: Sequence[int]) -> Any:
    """input with dims of size 1 added until it has `ndim` (for a 2-d input to 3-d: a last one)."""
    if isinstance(input, (tuple, list)):
        return tuple(_at_least(t, ndim, where) for t in input)
    if input.ndim >= ndim:
        return input
    if input.ndim == 0:
        return Reshape.apply(input, (1,) * ndim)
    shape = {1: {2: (1, -1), 3: (1, -1, 1)}, 2: {3: (-1, -2, 1)}}[input.ndim][ndim]
    full = tuple(input.shape[0] if s == -1 else input.shape[1] if s == -2 else s for s in shape)
    return rename(Reshape.apply(input, full), "UnsqueezeBackward0")


def _at_least_given(name: str, tensors: tuple, ndim: int) -> Any:
    """torch.atleast_Nd(...): one tensor, several, or one list of them, checked as torch's parser checks them."""
    if len(tensors) == 1 and not isinstance(tensors[0], (tuple, list)):
        if not isinstance(tensors[0], Tensor):
            raise invalid_combination(name, tensors, ("(Tensor input)", "(tuple of Tensors tensors)"))
        return _at_least(tensors[0], ndim, ())
    return _at_least(_tensors_only(tensors[0] if len(tensors) == 1 else tensors), ndim, ())


def _tensors_only(tensors: Sequence[Any]) -> Sequence[Any]:
    """`tensors`, if each is a tensor; else torch's parser's TypeError for a list of tensors."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type_name(t)}")
    return tensors


def _at_least_samples(rng: np.random.Generator) -> list:
    return [Sample((rng.standard_normal(s),)) for s in [(), (3,), (2, 3), (2, 1, 3), (0,)]]


@op(method=False, samples=_at_least_samples)
def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one dim (one tensor in, one out; several in, a tuple out)."""
    return _at_least_given("atleast_1d", tensors, 1)


@op(method=False, samples=_at_least_samples)
def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two dims: a vector becomes one row."""
    return _at_least_given("atleast_2d", tensors, 2)


@op(method=False, samples=_at_least_samples)
def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three dims: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _at_least_given("atleast_3d", tensors, 3)


def _tensor_list(name: str, tensors: Any) -> list:
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type_name(tensors)}")
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(_tensors_only(tensors))  # (torch's parser reads every element before the op runs)


# 2-d, 1-d, 0-d, an empty batch, 3-d and a list of one: each case of the *stack family's reshaping
_JOINED_SIDE_BY_SIDE = _join_samples(([(2, 3), (2, 3)],), ([(3,), (3,)],), ([(), ()],), ([(0, 3), (0, 3)],),
                                     ([(2, 1, 3), (2, 1, 3)],), ([(2, 3)],))


@op(method=False, out=True, samples=_JOINED_SIDE_BY_SIDE)
def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Side by side: cat along dim 1, or dim 0 when every tensor is (made) 1-d."""
    parts = [atleast_1d(t) for t in _tensor_list("hstack", tensors)]
    return cat(parts, 0 if parts and parts[0].ndim == 1 else 1)


@op(method=False, out=True, aliases=("row_stack",), samples=_JOINED_SIDE_BY_SIDE)
def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """On top of each other: cat along dim 0 of the tensors made at least 2-d."""
    return cat([atleast_2d(t) for t in _tensor_list("vstack", tensors)], 0)



@op(method=False, out=True, samples=_JOINED_SIDE_BY_SIDE)
def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """In depth: cat along dim 2 of the tensors made at least 3-d."""
    return cat([atleast_3d(t) for t in _tensor_list("dstack", tensors)], 2)


@op(method=False, out=True, samples=_JOINED_SIDE_BY_SIDE)
def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """As columns: 0-d and 1-d tensors become columns, then cat along dim 1."""
    parts = [t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in _tensor_list("column_stack", tensors)]
    return cat(parts, 1)


def _meshgrid_samples(rng: np.random.Generator) -> list:
    a, b, c = rng.standard_normal(2), rng.standard_normal(3), rng.standard_normal(())
    return [Sample((a, b), {"indexing": "ij"}), Sample((a, b), {"indexing": "xy"}), Sample(([a, b],), {"indexing": "ij"}),
            Sample((c, b), {"indexing": "xy"}), Sample((rng.standard_normal(0), a, rng.standard_normal(1)), {"indexing": "xy"}),
            Sample((b,), {"indexing": "ij"})]


@op(method=False, samples=_meshgrid_samples)
def meshgrid(*tensors: Any, indexing: Any = None) -> tuple:
    """Coordinate grids: the i-th result holds the i-th vector along dim i ('ij'), or with the
    first two dims swapped ('xy')."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    _tensors_only(tensors)
    if indexing is not None and not isinstance(indexing, str):
        raise TypeError(f"meshgrid(): argument 'indexing' must be str, not {type_name(indexing)}")
    if indexing is None:
        warn_once("meshgrid indexing", "torch.meshgrid: in an upcoming release, it will be required to pass the "
                  "indexing argument. (Triggered internally at "
                  "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4215.)")
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(tensors[i].numel() for i in order)
    grids = []
    for i, t in enumerate(tensors):
        view = [1] * len(tensors)
        view[order.index(i)] = -1
        grids.append(Expand.apply(t.reshape(view), shape))
    return tuple(grids)


def _vectors(name: str, tensors: Sequence) -> None:
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")


@op(method=False, samples=lambda rng: [Sample((rng.standard_normal(2), rng.standard_normal(3))),
                                       Sample((rng.standard_normal(3),)),
                                       Sample((rng.standard_normal(2), rng.standard_normal(0), rng.standard_normal(2))),
                                       Sample((rng.standard_normal(2), rng.standard_normal(1), rng.standard_normal(2)))])
def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one element from each vector, one per row."""
    _vectors("cartesian_prod", tensors)
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


@op(method=False, samples=_plain_samples(((4,),), ((4,), 3), ((3,), 2, True), ((2,), 3), ((1,), 1)))
def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """Every length-r combination of input's elements, in order, one per row (itertools' order)."""
    _vectors("combinations", (input,))
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(np.zeros(0, input._data.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.asarray(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return stack([Index.apply(input, (index[:, j],)) for j in range(r)], 1)


@op(method=False, samples=lambda rng: [Sample((rng.standard_normal((2, 3)), rng.standard_normal((1, 2)))),
                                       Sample((rng.standard_normal(()), rng.standard_normal(3), rng.standard_normal((2, 2)))),
                                       Sample((rng.standard_normal((0, 2)), rng.standard_normal((2, 0)))),
                                       Sample((rng.standard_normal((2, 2)),))])
def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors as blocks on the diagonal of a matrix of zeros (0-d and 1-d ones as one row)."""
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    blocks = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    dtype = dtypes.promote_types(*(t.dtype for t in blocks)) if blocks else dtypes.get_default_dtype()
    rows, cols = builtins.sum(b.shape[0] for b in blocks), builtins.sum(b.shape[1] for b in blocks)
    out = Tensor._make(np.zeros((rows, cols), dtype.np))
    r = c = 0
    for b in blocks:
        out = SetItem.apply(out, (slice(r, r + b.shape[0]), slice(c, c + b.shape[1])), b.to(dtype))
        r, c = r + b.shape[0], c + b.shape[1]
    return composite(out, "BlockDiagBackward0", *tensors)


def _runs_samples(rng: np.random.Generator) -> list:
    def runs(shape: tuple) -> np.ndarray:  # from two values, so that runs of equal ones occur
        return np.asarray(rng.integers(0, 2, shape) / 2, dtype=np.float64)
    return [Sample((runs((8,)),)), Sample((runs((3, 4)),), {"return_inverse": True, "return_counts": True}),
            Sample((runs((4, 2)), True, True, 0)), Sample((runs((0, 3)),), {"return_counts": True}),
            Sample((runs(()),), {"return_inverse": True}), Sample((runs((2, 5)),), {"dim": -1, "return_counts": True})]


@op(differentiable=False, samples=_runs_samples)
def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: Any = None) -> Any:
    """input with each run of equal consecutive elements (or slices along dim) kept once."""
    d = None if dim is None else _dim_of_slices(dim, input)
    data = input._data.reshape(-1) if d is None else np.moveaxis(input._data, d, 0)
    n = data.shape[0]
    if n:
        changes = np.any((data[1:] != data[:-1]).reshape(n - 1, data[0].size), axis=1)
        starts = np.concatenate([[True], changes])
    else:
        starts = np.zeros(0, bool)
    values = data[starts]
    if d is not None:
        values = np.moveaxis(values, 0, d)
    out = [Unique.apply(input, np.ascontiguousarray(values), "unique_consecutive")]
    if return_inverse:
        inverse = np.cumsum(starts) - 1
        out.append(Tensor._make(inverse.reshape(input.shape if d is None else (n,)).astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(np.diff(np.append(np.flatnonzero(starts), n)).astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unravel_index(indices: Tensor, shape: Any) -> tuple:
    """The coordinates in a tensor of `shape` of each flat index, one int64 tensor per dim."""
    if not isinstance(indices, Tensor):
        # torch's Python code asks indices.is_complex() first: anything but a tensor fails there
        raise AttributeError(f"'{type_name(indices)}' object has no attribute 'is_complex'")
    if indices.dtype.is_floating_point or indices.dtype is dtypes.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, builtins.int) else tuple(shape)
    if builtins.any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    total = builtins.int(np.prod(shape))
    idx = indices._data.astype(np.int64)
    if ((idx < -total) | (idx >= total)).any():
        raise RuntimeError("index out of bounds for the given shape")
    coords = np.unravel_index(idx % builtins.max(total, 1), shape)
    return tuple(Tensor._make(np.asarray(c, dtype=np.int64)) for c in coords)


def _triangle_indices(name: str, sizes: tuple, lower: bool, dtype: Any, device: Any, layout: Any,
                      requires_grad: Any) -> Tensor:
    if not isinstance(requires_grad, builtins.bool) and requires_grad is not None:  # the parser's checks first
        raise TypeError(f"{name}(): argument 'requires_grad' must be bool, not {type_name(requires_grad)}")
    row, col, offset = (int_arg(name, n, v, i + 1) for i, (n, v) in enumerate(zip(("row", "col", "offset"), sizes)))
    check_device(device)
    check_layout(name, layout)
    for n, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{n} must be non-negative, got{v}")  # torch's wording, without a space
    target = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    if target not in (dtypes.int64, dtypes.int32):  # (the kernel's dtype check comes before requires_grad's)
        raise NotImplementedError(f"\"{name}\" not implemented for '{target._legacy}'")
    if requires_grad:  # an index tensor never requires grad
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    rows, cols = np.nonzero(np.tri(row, col, offset, dtype=bool) if lower else ~np.tri(row, col, offset - 1, dtype=bool))
    return Tensor._make(np.stack([rows, cols]).astype(target.np).reshape(2, -1))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None, requires_grad: bool = False) -> Tensor:
    """The (row, col) coordinates of the lower triangle of a row x col matrix, as a 2 x N tensor."""
    return _triangle_indices("tril_indices", (row, col, offset), True, dtype, device, layout, requires_grad)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None, requires_grad: bool = False) -> Tensor:
    """The (row, col) coordinates of the upper triangle of a row x col matrix, as a 2 x N tensor."""
    return _triangle_indices("triu_indices", (row, col, offset), False, dtype, device, layout, requires_grad)


@op(function=False, samples=_plain_samples(((3, 4), (1, 4)), ((2, 3, 4), (3, 1)), ((0, 3), (1, 3)), ((3, 4), 4),
                                           ((1,), (1,)), ((), ())))
def sum_to_size(input: Tensor, *sizes: Any, size: Any = None) -> Tensor:
    """input summed down to `size`, which it must be expandable from (the reverse of expand)."""
    size = _shape_arg(_spread_or_keyword("sum_to_size", sizes, size, "size"), "sum_to_size")
    lead = input.ndim - len(size)
    if lead < 0 or builtins.any(s not in (1, input.shape[lead + i]) for i, s in enumerate(size)):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(input.shape)}}}.")
    if not size:  # torch sums everything to a 0-d tensor, whatever input is
        return input.sum()
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and input.shape[lead + i] != 1)
    if not dims:
        return input
    return rename(input.sum(dims, keepdim=True).reshape(size), "ViewBackward0" if lead else "SumBackward1")


def _like_samples(rng: np.random.Generator) -> list[Sample]:
    """An input and a tensor of the shape to take: another shape, the same, from and to sizes 0 and 1."""
    x = rng.standard_normal
    return [Sample((x((3, 4)), x((4, 3)))), Sample((x((2, 6)), x((12,)))), Sample((x((0, 3)), x((3, 0)))),
            Sample((x((1,)), x(()))), Sample((x(()), x((1, 1))))]


@op(function=False, samples=_like_samples)
def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, tensor_arg("view_as", "other", other, 1).shape)


@op(function=False, samples=_like_samples)
def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, tensor_arg("reshape_as", "other", other, 1).shape)


@op(function=False, samples=lambda rng: [Sample((rng.standard_normal(a), rng.standard_normal(b))) for a, b in
                                         (((3, 1), (2, 3, 4)), ((4,), (3, 4)), ((1,), (0,)), ((), (2,)), ((3, 4), (3, 4)))])
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, tensor_arg("expand_as", "other", other, 1).shape)


@op(method=False, samples=_plain_samples(((3, 1), (2, 3, 4)), ((4,), (3, 4)), ((1,), (0,)), ((), (2,)), ((2, 3), (-1, 3))))
def expand_copy(input: Tensor, size: Any, *, implicit: bool = False) -> Tensor:
    """expand, as a new tensor (no view of input)."""
    return rename(expand(input, size).clone(), "ExpandBackward0_copy")

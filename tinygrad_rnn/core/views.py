"""Views and in-place changes, as torch has them.

A view (`x[1:]`, `x[0]`, `x.t()`, `x.view(6)`, `x.unbind()`, ...) shares its base's memory, so an
in-place change through either one is seen by both. Three rules follow, as in torch:

1. A view knows its base (`v._base`: the root, for a view of a view), and a base, its views and
   its detached aliases share one version counter (`_version`, core/tensor.py). A tensor saved for
   backward and then changed in place through any alias makes backward raise, instead of
   computing a gradient from values that are gone.
2. An in-place op writes into the memory itself. When the graph records the write and the tensor
   is a view, the base's history changes with it: the base's node becomes `CopySlices` (the
   gradient outside the view's elements goes to the old base, the gradient of the view's elements
   goes to the in-place op), and every live view's node becomes `AsStridedBackward0` (its
   elements read off the new base).
3. torch's refusals: an in-place change to a view of a leaf that requires grad, to one of the
   views a function returned together (`unbind`, `split`, `chunk`), and, with grad mode on, to
   a view made under `no_grad`; a write into an expanded tensor, but for those WRITES_THROUGH names.
4. A view made under `no_grad` of a tensor that requires grad still says `requires_grad=True` (so
   `model.weight[0]` printed under no_grad shows it), but as a leaf with no path back (`_grad_cut`):
   what is computed from it later gets no edge to it, and no gradient reaches it or its base.

A view op says it is one by subclassing `ViewFunction` (ops/shape.py); nothing else is written per
op. An output that had to be copied (a `reshape` of a transposed tensor, `x[[0, 2]]`) shares no
memory and is no view. Where a view's elements sit in its base is found by their memory addresses
(`positions`), so any chain of slices, transposes and reshapes needs no description of its own.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ..backend.undispatched import may_share_memory
from .function import Function
from .modes import modes
from .tensor import Tensor

NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked)."
)
MULTIPLE_VIEWS = (
    "Output {nr} of {name} is a view and is being modified inplace. This view is the output of a function that "
    "returns multiple views. Such functions do not allow the output views to be modified inplace. You should "
    "replace the inplace operation by an out-of-place one."
)
CUSTOM_FUNCTION_VIEW = (
    "Output {nr} of {name} is a view and is being modified inplace. This view was created inside a custom Function "
    "(or because an input was returned as-is) and the autograd logic to handle view+inplace would override the "
    "custom backward associated with the custom Function, leading to incorrect gradients. This behavior is "
    "forbidden. You can fix this by cloning the output of the custom Function."
)
CUSTOM_FUNCTION_BASE_CHANGED = (
    "Output {nr} of {name} is a view and its base or another view of its base has been modified inplace. This view "
    "was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle "
    "view+inplace would override the custom backward associated with the custom Function, leading to incorrect "
    "gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function."
)
VIEW_OF_NO_GRAD_VIEW = (
    "Output {nr} of {name} is a view of a view which was created in no_grad mode and is being modified inplace "
    "with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the "
    "inplace to be tracked) or both outside (if you want the inplace to be tracked)."
)
LEAF_VIEW = "a view of a leaf Variable that requires grad is being used in an in-place operation."
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
    "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details."
)
OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory location. "
    "Please clone() the tensor before performing the operation."
)


class ViewFunction(Function):
    """An op whose outputs are views of its first argument (torch's view ops)."""

    @classmethod
    def apply(cls, *args: Any) -> Any:
        out = super().apply(*args)
        if isinstance(out, tuple):
            for o in out:
                mark_view(o, args[0])
            mark_multiple(out, cls._forward_cls.__name__)
        else:
            mark_view(out, args[0])
            inherit_refusal(out, args[0])
        return out


def inherit_refusal(view: Any, source: Tensor) -> None:
    """A view (made in grad mode) of a view torch refuses to change in place, one of several a function returned
    or one made in no_grad mode, is refused too: torch's message then names the new view's own node."""
    kind = source.__dict__.get("_refused_as")
    if kind is None or not isinstance(view, Tensor) or view._base is None or "_inplace_error" in view.__dict__:
        return
    view._refused_as = view._view_of_refused = kind


def _view_of_refused_error(t: Tensor) -> str | None:
    """The message for a change to a view of a refused view (see inherit_refusal), named by t's node as torch
    names it: SelectBackward0 is Select, SqueezeBackward1 is Squeeze1."""
    kind = t.__dict__.get("_view_of_refused")
    if kind is None or t.grad_fn is None:
        return None
    return _refusal(kind, t._output_nr, t.grad_fn.name())


def _refusal(kind: str, nr: int, node_name: str) -> str:
    name = node_name.replace("Backward0", "").replace("Backward", "")
    return (MULTIPLE_VIEWS if kind == "multiple" else VIEW_OF_NO_GRAD_VIEW).format(nr=nr, name=name)


def check_write_through_view(t: Tensor, node_name: str, records: bool) -> None:
    """torch writes `t[key] = v` for a key that makes a view (node_name: its node) into that view: a refused t
    (see inherit_refusal) refuses the write under the view's name (a[0] = v, a from unbind: "Output 0 of Select")."""
    kind = t.__dict__.get("_refused_as")
    if kind is not None and t._base is not None and modes.grad_enabled and (records or t._base._requires_grad):
        raise RuntimeError(_refusal(kind, 0, node_name))


def mark_view(view: Any, source: Tensor) -> None:
    """Make `view` a view of `source`'s root, if it shares source's memory."""
    if not isinstance(view, Tensor) or view is source or not _shares_memory(view._data, source._data):
        return
    root = source if source._base is None else source._base
    root._counter = root._counter or [0]  # (root._shared_counter(), inline: every view op passes here)
    view._base, view._counter, view._inference = root, root._counter, root._inference
    if not modes.grad_enabled:
        view._inplace_error, view._refused_as = NO_GRAD_VIEW, "no_grad"
        if source._requires_grad:  # torch's view keeps the flag, but no path back: gradients stop at it
            view._requires_grad = view._grad_cut = True
        return
    _remember(root, view)


def _shares_memory(view: np.ndarray, source: np.ndarray) -> bool:
    """Is `view` numpy's view of source's memory? An empty one shares no bytes, but it is a view when numpy
    made it from the same memory (x[2:2] is a view in torch too)."""
    if may_share_memory(view, source):
        return True
    return view.size == 0 and _memory_owner(view) is _memory_owner(source)


def _memory_owner(a: Any) -> Any:
    """The object at the end of an array's chain of bases (numpy's as_strided puts a DummyArray in the chain)."""
    while getattr(a, "base", None) is not None:
        a = a.base
    return a


def _remember(root: Tensor, view: Tensor) -> None:
    """Keep a weak reference to a view made in grad mode: an in-place change to root rebases it."""
    views = root._views
    if views is None:
        views = root._views = []
    elif len(views) % 64 == 0:  # forget the views that are gone (a base sliced at every step of a loop)
        views[:] = [ref for ref in views if ref() is not None]
    views.append(weakref.ref(view))


def mark_multiple(views: tuple, name: str) -> tuple:
    """Mark views returned together by one function (`Split`, `Unbind`): torch refuses to let the
    graph record an in-place change to one of them."""
    for nr, view in enumerate(views):
        if view._base is not None and "_inplace_error" not in view.__dict__:
            view._inplace_error, view._refused_as = MULTIPLE_VIEWS.format(nr=nr, name=name), "multiple"
    return views


def mark_custom_function_view(output: Any, nr: int, name: str, args: tuple) -> None:
    """An output of a custom Function (`name`) that shares an input's memory, the input returned as-is or a
    view of it made in forward, is a view of that input that torch refuses to change in place while the
    graph records: the change would bypass the Function's own backward."""
    if not isinstance(output, Tensor):
        return
    for a in args:
        if isinstance(a, Tensor) and may_share_memory(output._data, a._data):
            if output._base is None:
                mark_view(output, a)
            else:  # a view forward made (without grad mode): one the graph now holds
                _remember(output._base, output)
            output._inplace_error = CUSTOM_FUNCTION_VIEW.format(nr=nr, name=name)
            output._custom_function_output = (nr, name)  # (what _rebase_views tells torch's error by)
            return


def check_inference_write(t: Tensor) -> None:
    """torch's refusal to change an inference tensor's memory outside inference_mode()."""
    if t._inference and not modes.inference_enabled:
        raise RuntimeError(INFERENCE_INPLACE)


# The in-place ops torch lets write into an expanded tensor (one element at several places), through to the
# memory underneath: each names the deprecation warning it gives (None: none). The others (copy_, add_, the
# random fills, scatter_, ...) refuse with OVERLAP.
_DEPRECATED = ("Use of {op} on expanded tensors is deprecated. Please clone() the tensor before performing this "
               "operation. This also applies to advanced indexing e.g. tensor[{key}] = {value} (Triggered internally "
               "at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:{line}.)")
WRITES_THROUGH = {
    "fill_": None, "zero_": None,
    "masked_fill_": _DEPRECATED.format(op="masked_fill_", key="mask", value="scalar", line=2450),
    "index_fill_": _DEPRECATED.format(op="index_fill_", key="mask", value="scalar", line=1913),
    "index_put_": _DEPRECATED.format(op="index_put_", key="indices", value="tensor", line=976),
}


def check_inplace(t: Tensor, records: bool, writer: str | None = None) -> None:
    """torch's refusals of an in-place change to `t`; `records`: whether the graph records it; `writer`: the
    in-place op, which may write into an expanded tensor when WRITES_THROUGH names it."""
    check_view_write(t, records)  # autograd's checks run before the kernel's: a leaf's expanded view is LEAF_VIEW
    if writer not in WRITES_THROUGH and overlaps_itself(t._data):
        raise RuntimeError(OVERLAP)
    check_inference_write(t)  # torch's comes last, when the write bumps the version counter


def overlaps_itself(data: np.ndarray) -> bool:
    """Is `data` an expanded array, one element at several places (a stride of 0 over a dim longer than 1)?"""
    return 0 in data.strides and data.size > 1 and any(s == 0 and n > 1 for s, n in zip(data.strides, data.shape))


def expanded_write_warning(t: Tensor, writer: str) -> str | None:
    """The deprecation warning torch gives when `writer` writes into t, an expanded tensor (None: no warning)."""
    return WRITES_THROUGH.get(writer) if overlaps_itself(t._data) else None


def writable(data: np.ndarray) -> np.ndarray:
    """`data`, or, when numpy marks it read-only because it is (a view of) an expanded array, a writeable array
    over the same memory. Expanded arrays stay read-only, so no op writes into one by accident (reads cost
    nothing extra); the in-place ops that torch lets write through (WRITES_THROUGH, x[0] = v) write here."""
    if data.flags.writeable:
        return data
    owner = _owning_array(data)
    if owner is None or not owner.flags.writeable or not may_share_memory(owner, data):
        return data  # (memory numpy really may not write: the write raises numpy's own error)
    offset = data.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    flat = owner.reshape(-1, order="A")
    return np.ndarray(data.shape, data.dtype, buffer=flat, offset=offset, strides=data.strides)


def _owning_array(a: np.ndarray) -> np.ndarray | None:
    """The array that owns a's memory, at the end of its chain of bases (as_strided puts a DummyArray in the
    chain), when it is one contiguous block; else None."""
    owner, node = a, a
    while node is not None:
        if isinstance(node, np.ndarray):
            owner = node
        node = getattr(node, "base", None)
    return owner if owner.flags.c_contiguous or owner.flags.f_contiguous else None


def check_view_write(t: Tensor, records: bool) -> None:
    """torch's autograd refusals of an in-place change to the view `t`."""
    base = t._base
    if base is None or t._inference or not modes.grad_enabled or not (records or base._requires_grad):
        return  # (an inference tensor's views are not autograd's views)
    error = t.__dict__.get("_inplace_error") or _view_of_refused_error(t)
    if error is not None:
        raise RuntimeError(error)
    if base._grad_fn is None and base._requires_grad:
        raise RuntimeError(LEAF_VIEW)


def record_inplace(t: Tensor, result: Tensor | None) -> None:
    """The graph after an in-place write of `result` into `t` (None: the write is not recorded)."""
    root = t if t._base is None else t._base
    if result is not None:
        old_node = root._grad_fn
        if root is t:
            t._grad_fn, t._output_nr, t._requires_grad = result._grad_fn, result._output_nr, True
        else:
            node = CopySlices.Node()
            node.positions, node.view_shape = positions(t._data, root._data), t._data.shape
            node.overlapping = overlaps_itself(t._data)  # (an expanded view, written through: see CopySlices)
            before = Tensor._make(root._data, root._grad_fn, root._output_nr)  # the base's old place in the graph
            node._connect((before, result), root)
        if root._retains_grad:
            _move_retain_grad(root, old_node)
    if root._views is not None and root._requires_grad:
        _rebase_views(root)


def _move_retain_grad(t: Tensor, old_node: Any) -> None:
    """retain_grad() follows a tensor to the node an in-place change gave it, as in torch: .grad is then
    the gradient of the new value."""
    if old_node is not None and old_node._retained:
        old_node._retained = {nr: ref for nr, ref in old_node._retained.items() if ref() is not t}
    t._retains_grad = False
    t.retain_grad()


def _rebase_views(root: Tensor) -> None:
    """Every live view of `root` reads its elements off root's new node (torch's AsStridedBackward0), except a
    custom Function's output, which torch then refuses to differentiate (`BaseChanged`)."""
    alive = []
    for ref in root._views:
        view = ref()
        if view is None or view._base is not root or not may_share_memory(view._data, root._data):
            continue
        alive.append(ref)
        old_node, custom = view._grad_fn, view.__dict__.get("_custom_function_output")
        if custom is None:
            node = AsStrided.Node()
            node.positions = positions(view._data, root._data)
        else:  # a custom Function's output: reading it off the base would bypass the Function's backward
            node = BaseChanged.Node()
            node.message = CUSTOM_FUNCTION_BASE_CHANGED.format(nr=custom[0], name=custom[1])
        node._connect((root,), view)
        if view._retains_grad:
            _move_retain_grad(view, old_node)
    root._views = alive


def storage_array(array: np.ndarray) -> np.ndarray:
    """The array's memory as one flat array in memory order, sharing it (the root of its views)."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.flags.c_contiguous:
        return root.reshape(-1)
    if root.flags.f_contiguous:
        return root.T.reshape(-1)
    return array.reshape(-1)  # (a root with gaps between its elements: a copy, as it has no flat view)


def positions(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """For each element of `view`, its index in `base.reshape(-1)`; both arrays share memory."""
    base_addresses = _addresses(base).reshape(-1)
    order = np.argsort(base_addresses, kind="stable")
    return order[np.searchsorted(base_addresses, _addresses(view), sorter=order)]


def _addresses(a: np.ndarray) -> np.ndarray:
    """The memory address of each element of `a`."""
    start = a.__array_interface__["data"][0]
    steps = sum((i * stride for i, stride in zip(np.indices(a.shape, sparse=True), a.strides)), np.int64(0))
    return np.broadcast_to(start + steps, a.shape)


class AsStrided(Function):
    """A view's elements read off its base: the view's node after an in-place change to its memory.
    Backward adds each element's gradient at its place in the base."""

    positions: np.ndarray

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        (shape, _dtype), = ctx.input_meta
        index = Tensor._make(ctx.positions.reshape(-1))
        return g.new_zeros(int(np.prod(shape))).index_add(0, index, g.reshape(-1)).reshape(shape)


class BaseChanged(Function):
    """The node of a custom Function's output that shares its input's memory, after an in-place change to that
    memory: torch refuses to differentiate it (backward raises `message`)."""

    message: str

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> Tensor:
        raise RuntimeError(ctx.message)


class CopySlices(Function):
    """The base after an in-place change to one of its views: the old base with the view's
    elements replaced by the in-place op's result. torch names it `torch::autograd::CopySlices`."""

    torch_name = "CopySlices"
    positions: np.ndarray
    view_shape: tuple
    overlapping = False

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple:
        if ctx.overlapping:  # torch copies the in-place op's gradient into the written view of the base's
            raise RuntimeError(OVERLAP)  # gradient: an expanded view refuses that copy, as in forward
        flat_positions = ctx.positions.reshape(-1)
        outside = None
        if ctx.needs_input_grad[0]:  # the old base: the gradient outside the view's elements
            keep = np.ones(g.shape, g._data.dtype)
            keep.reshape(-1)[flat_positions] = 0
            outside = g * Tensor._make(keep)
        inside = g.reshape(-1)[Tensor._make(flat_positions)].reshape(ctx.view_shape) if ctx.needs_input_grad[1] else None
        return outside, inside

    def name(self) -> str:
        return "torch::autograd::CopySlices"  # torch's name() of it, C++ namespace and all

    def __repr__(self) -> str:
        return f"<CopySlices object at {hex(id(self))}>"

    def _shown_edges(self) -> list:
        """torch lists the old base, then the in-place op's inputs other than the view."""
        op = self.edges[1][0]
        return [self.edges[0], *op._shown_edges()[1:]] if isinstance(op, Function) else list(self.edges)


class CopyBackwards(Function):
    """`t.copy_(src)`, and any in-place write of a value that does not depend on t: t's old value
    gets no gradient, src gets all of it. torch names it `torch::autograd::CopyBackwards`."""

    torch_name = "CopyBackwards"

    @staticmethod
    def forward(ctx: Any, old: Tensor, src: Tensor) -> Tensor:
        return Tensor._make(src._data.astype(old._data.dtype))  # (a copy, in the written tensor's dtype)

    @staticmethod
    def backward(ctx: Any, g: Tensor) -> tuple:
        return g * 0 if ctx.needs_input_grad[0] else None, g

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"

    def __repr__(self) -> str:
        return f"<CopyBackwards object at {hex(id(self))}>"

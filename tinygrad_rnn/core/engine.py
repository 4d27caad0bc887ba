"""Reverse-mode differentiation: walk the graph from the outputs back to the leaves.

`backward()` and `grad()` both come down to `_propagate`:

1. order the nodes so each comes before the nodes that made its inputs: `topological_order` (iterative
   DFS, so a 10,000-step unrolled RNN needs no recursion), or, for backward(), as torch's engine does, by
   the number each node got when it was made (the node made last first), with no walk of the graph;
2. seed the outputs' gradients, then visit each node once: sum the gradients of its outputs, call
   its `backward`, and hand each input gradient along its edge to the next node or leaf;
3. every input gradient passes through `_fit_to_input`: the one place where a gradient of a
   broadcast input is summed back to the input's shape, and where its shape is checked.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np

from ..backend.accumulate import FastSum, SliceGrad, dense, unshared
from ..backend.errstate import enter_all_quiet, leave_all_quiet
from . import dtypes
from .function import Function
from .modes import SWITCHED_ON, modes
from .tensor import Tensor

Slot = Any  # a Tensor, a SliceGrad (see backend/accumulate.py), or None


class PlainSum:
    """The textbook way to add up the gradients that reach one place: keep the first, add the rest.

    The engine runs with `FastSum` (backend/accumulate.py), a drop-in with the same interface and
    the same numbers that adds in place into buffers it owns and keeps index gradients sparse.
    Set `engine.Accumulator = PlainSum` to run the plain rule (tests do, to compare the two).
    """

    def __init__(self, create_graph: bool, make: Any) -> None:
        self.make = make

    def add(self, current: Slot, new: Slot) -> Slot:
        new = dense(new, self.make)
        return new if current is None else current + new

    owned: dict = {}  # FastSum's buffers it may add into in place (and stops at release); none here

    def owns(self, g: Any) -> bool:
        return False  # no gradient is a buffer made by this sum, so leaves store copies


Accumulator: Any = FastSum


def topological_order(roots: Iterable[Function]) -> list[Function]:
    """Nodes reachable from `roots`, each before the nodes that produced its inputs.

    A depth-first search without recursion (a 10,000-step unrolled RNN is that deep): a node goes
    into `order` once all the nodes below it have; reversing puts the outputs first.
    """
    order: list[Function] = []
    seen: set[Function] = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.edges))]
        while stack:
            node, edges = stack[-1]
            for edge in edges:
                if edge is not None and isinstance(below := edge[0], Function) and below not in seen:
                    seen.add(below)
                    stack.append((below, iter(below.edges)))
                    break
            else:  # every input of node is placed
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _fit_to_input(g: Slot, meta: tuple, node: Function, index: int) -> Slot:
    """Sum a broadcast gradient back to the input's shape, cast it to the input's dtype, check it."""
    if type(g) is SliceGrad:
        return g
    shape, np_dtype = meta
    if g._data.shape != shape:
        g = sum_to_shape(g, shape, node, index)
    if g._data.dtype != np_dtype:
        g = g.to(dtypes.from_numpy_dtype(np_dtype))
    return g


def sum_to_shape(g: Any, shape: tuple, node: Any = None, index: int = 0) -> Any:
    """Undo broadcasting: sum `g` over the dimensions that broadcasting added or stretched."""
    extra = g.ndim - len(shape)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
    if extra < 0 or any(n != 1 and g.shape[extra + i] != n for i, n in enumerate(shape)):
        where = f"Function {node.name()}" if node is not None else "A gradient"
        raise RuntimeError(f"{where} returned an invalid gradient at index {index} - got {list(g.shape)} but "
                           f"expected shape compatible with {list(shape)}")
    return SumToShape.apply(g, tuple(range(extra)) + tuple(extra + i for i in stretched), shape)


def add_up(array: np.ndarray, axes: tuple) -> np.ndarray:
    """array summed over axes. ops/reduce.py replaces this with its sum, which adds in torch's order
    so that a broadcast gradient rounds as torch's (the engine cannot import the ops built on it)."""
    return array.sum(axis=axes)


class SumToShape(Function):
    """Sum `g` over `axes` into `shape`: one node instead of two sums and their checks (speed).
    Its backward spreads the gradient back out: the expand that broadcasting did."""

    @staticmethod
    def node_name(g, axes, shape):  # torch sums keeping dims, then views the leading ones away: its last node
        return "ViewBackward0" if g._data.ndim > len(shape) else "SumBackward1"

    @staticmethod
    def forward(ctx, g, axes, shape):
        ctx.in_shape, ctx.axes, ctx.shape = g._data.shape, axes, shape
        return Tensor._make(np.asarray(add_up(g._data, axes)).reshape(shape))

    @staticmethod
    def backward(ctx, gg):
        return gg.expand(ctx.in_shape), None, None

    @staticmethod
    def jvp(ctx, tg, t_axes, t_shape):
        return SumToShape.apply(tg, ctx.axes, ctx.shape)


def _run_node(node: Function, grads: list) -> tuple:
    """Call one node's backward with the summed gradients of its outputs."""
    if len(grads) > 1:  # (a node with one output runs only once a gradient reached it: no loop)
        for nr in range(len(grads)):  # an output no gradient reached: zeros, or None if the node asked
            if grads[nr] is None and node.materialize_grads:
                grads[nr] = _zeros(node.output_meta[nr])
    if SWITCHED_ON[0] and modes.anomaly_enabled:  # detect_anomaly(): NaN check and forward stack (autograd/anomaly_mode.py)
        result = modes.anomaly_hooks.checked_backward(node, grads)
    else:
        result = type(node).backward(node, *grads)
    if not isinstance(result, tuple):
        result = (result,)
    if len(result) != len(node.edges):  # more is allowed when the extra ones are None, as in torch
        if len(result) < len(node.edges) or any(r is not None for r in result[len(node.edges):]):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {len(node.edges)}, got {len(result)})")
    return result


def _zeros(meta: tuple | None) -> Any:
    shape, np_dtype = meta
    return Tensor._make(np.zeros(shape, np_dtype))


def _propagate(roots: Sequence[Any], root_grads: Sequence[Any], keep_graph: bool,
               create_graph: bool, capture: dict | None) -> dict:
    """Run backward from `roots`. Leaf gradients go into `.grad`, or, when `capture` maps
    (node or leaf, output_nr) keys to slots, into the returned dict for those keys only."""
    # With forward-mode AD on, gradients may carry tangents (forward-over-reverse): add them with
    # Tensor ops, as for create_graph, never in place into an array.
    adder = Accumulator(create_graph or (SWITCHED_ON[0] > 0 and modes._dual_level is not None), Tensor._make)
    pending: dict[Function, list] = {}  # node -> the gradients of its outputs summed so far
    ready: list = []  # (-node._seq_nr, node) for each node in `pending`, a heap: the node made last comes first
    leaves: dict[int, list] = {}  # id(leaf) -> [leaf, summed gradient]
    captured: dict = {}

    def deliver(edge: tuple, g: Slot) -> None:
        target, nr = edge
        if isinstance(target, Function):
            slots = pending.get(target)
            if slots is None:
                slots = pending[target] = [None] * len(target.output_meta)
                heappush(ready, (-target._seq_nr, target))
            current = slots[nr]  # (the first dense gradient is kept as it is by either rule: no call)
            slots[nr] = g if current is None and type(g) is not SliceGrad else adder.add(current, g)
        elif target is not None and (capture is None or (id(target), nr) in capture):  # (None: views.py's _grad_cut)
            entry = leaves.setdefault(id(target), [target, None])
            entry[1] = g if entry[1] is None and type(g) is not SliceGrad else adder.add(entry[1], g)  # (as above)

    for root, g in zip(roots, root_grads):
        deliver(root._edge(), g)
    # Gradient formulas meet the infinities and NaNs of the forward values (1/x at x = 0, inf * 0), which torch
    # computes silently: numpy's float warnings are off for this pass, as in every op's forward (errstate.py).
    # The backward formulas record a graph only for create_graph; the per-thread switch is set
    # directly rather than with set_grad_enabled (a microsecond per backward() saved).
    grad_was, modes.grad_enabled = modes.grad_enabled, create_graph
    quiet = enter_all_quiet()
    try:
        if capture is None:
            # Each node after every node that sends it a gradient, as topological_order would give them, found
            # without a walk of the graph first: a node is made after the nodes that made its inputs, so the node
            # a gradient reached that was made last has every gradient it will get (torch's engine runs its ready
            # nodes by the same number, its sequence_nr).
            while ready:
                node = heappop(ready)[1]
                _visit(node, pending.pop(node), deliver, adder, keep_graph, create_graph, pending, ready)
        else:
            order = topological_order([r._grad_fn for r in roots if r._grad_fn is not None])
            needed = _leading_to(order, capture)
            for node in order:
                grads = pending.pop(node, None)
                mine = [nr for nr in range(len(node.output_meta)) if (id(node), nr) in capture]
                if grads is not None and mine:  # torch takes these before the node's hooks if it runs
                    _capture(node, grads, mine, captured, hooks_first=node not in needed, create_graph=create_graph)
                if node in needed:
                    _visit(node, grads, deliver, adder, keep_graph, create_graph, pending, ready)
        for entry in leaves.values():
            (leaf, g), entry[1] = entry, None  # (`g` alone holds it now: a gradient shared by two leaves, as
            hooks = leaf.__dict__.get("_hooks")  # a kernel's one array for both biases, is copied once, not twice)
            if hooks:  # (a hook may keep the gradient it is given or returns: never fresh, below)
                g = _apply_hooks(hooks, dense(g, Tensor._make))
            if capture is not None:  # grad() or backward(inputs=): the caller decides where it goes
                captured[leaf._key()] = g
                continue
            fresh = adder.owns(g) if adder.owned else False  # a buffer the sum made
            if not (fresh or hooks or create_graph) and type(g) is Tensor:  # or a formula's result no one else holds:
                fresh = unshared(g, 1, leaf._data)  # (held here once, as `g`)
            _accumulate(leaf, g, create_graph, fresh)
            if "_post_accumulate_hooks" in leaf.__dict__:  # after .grad holds the sum
                for hook in list(leaf._post_accumulate_hooks):
                    hook(leaf)
    finally:
        leave_all_quiet(quiet)
        modes.grad_enabled = grad_was
    return captured


def _leading_to(order: list[Function], capture: dict) -> set[Function]:
    """The nodes of `order` with a path to a captured input: the only ones grad() and backward(inputs=)
    run, as torch's engine does (a hook or custom backward on another branch is not called)."""
    needed: set[Function] = set()
    for node in reversed(order):  # each node after the nodes it sends gradients to
        if any(e is not None and ((id(e[0]), e[1]) in capture or e[0] in needed) for e in node.edges):
            needed.add(node)
    return needed


def _visit(node: Function, grads: list | None, deliver: Any, adder: Any, keep_graph: bool,
           create_graph: bool, pending: dict, ready: list) -> None:
    """Run one node on the summed gradients of its outputs and send each input gradient on (`deliver`;
    `pending` is its dict: node -> the gradients of its outputs summed so far, and `ready` its heap of them)."""
    if grads is None:  # no gradient flows to this node (e.g. only to a detached branch)
        return
    if adder.owned:  # (no call while the accumulator owns no buffer: the common case)
        adder.release(grads)
    if node._hooks:
        _run_hooks(node._hooks, grads)
    if node._retained:
        _retain(node, grads, create_graph)
    in_grads = _run_node(node, grads)
    if not keep_graph and node._saved:
        node._saved = None  # free what backward saved, as torch does unless retain_graph
    for i, (edge, meta, g) in enumerate(zip(node.edges, node.input_meta, in_grads)):  # (extra in_grads are None)
        if meta is None or g is None:  # not a Tensor, or one that needs no gradient
            continue
        if type(g) is SliceGrad:  # a sparse gradient: summed where it arrives (_fit_to_input leaves it as it is)
            deliver(edge, g)
            continue
        if (g._data.shape, g._data.dtype) != meta:
            g = _fit_to_input(g, meta, node, i)  # only when broadcasting or a cast happened
        target, nr = edge
        if not isinstance(target, Function):  # a leaf's
            deliver(edge, g)
            continue
        # deliver(edges[i], g) for a node, written out (a call fewer per edge): keep the first gradient, add the rest
        slots = pending.get(target)
        if slots is None:
            slots = pending[target] = [None] * len(target.output_meta)
            heappush(ready, (-target._seq_nr, target))
        slots[nr] = g if slots[nr] is None else adder.add(slots[nr], g)


def _capture(node: Function, grads: list, outputs: list, captured: dict, hooks_first: bool,
             create_graph: bool) -> None:
    """Take the gradients of node's outputs that grad() asked for, as torch's engine takes them: after
    the tensors' hooks when only the capture needs the node (which then does not run), before them
    when it runs on the way to another input (_visit then runs the hooks)."""
    if hooks_first:
        if node._hooks:
            _run_hooks(node._hooks, grads)
        if node._retained:
            _retain(node, grads, create_graph)
    for nr in outputs:
        if grads[nr] is not None:
            captured[(id(node), nr)] = dense(grads[nr], Tensor._make)


def _run_hooks(hooks: dict, grads: list) -> None:
    """Tensor hooks on a node's outputs, before the node runs: each may replace its gradient."""
    for nr, fns in hooks.items():
        if fns and grads[nr] is not None:
            grads[nr] = _apply_hooks(fns, dense(grads[nr], Tensor._make))


def _apply_hooks(hooks: list, g: Any) -> Any:
    for hook in list(hooks):
        new = hook(g)
        if new is not None:
            check_hook_result(hook, new, g)
            g = new
    return g


def check_hook_result(hook: Any, new: Any, old: Any) -> None:
    """torch's checks of a gradient a hook returned in place of `old`: a tensor of the same size and type."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    name = getattr(hook, "__name__", type(hook).__name__)
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if new._data.dtype != old._data.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {old.type()} got {new.type()})")


def _retain(node: Function, grads: list, create_graph: bool) -> None:
    """Store the gradients of outputs that asked for `retain_grad()`."""
    for nr, ref in node._retained.items():  # type: ignore[union-attr]
        t = ref()
        if t is not None and grads[nr] is not None:
            _accumulate(t, grads[nr], create_graph)


def _accumulate(t: Any, g: Any, create_graph: bool, fresh: bool = False) -> None:
    """Add `g` into `t.grad`, as torch's AccumulateGrad does: in place unless building a graph.

    A first gradient is stored as a copy laid out as t is (torch's layout contract), since `g` may be shared
    (a view, or one tensor returned for several inputs), unless it is `fresh`: a buffer the engine made."""
    if t._grad is None:
        if create_graph or fresh:
            t._grad = g
        else:
            f = t._data.flags
            t._grad = Tensor._make(g._data.copy() if f.c_contiguous else g._data.copy(order="F" if f.f_contiguous else "K"))
    elif create_graph or t._grad._requires_grad:
        t._grad = t._grad + g
    else:
        t._grad._data += g._data


def _as_tuple(x: Any) -> tuple:
    return () if x is None else tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _make_root_grads(outputs: tuple, grads: tuple) -> list:
    """The seeds of backward: given gradients, or ones for scalar outputs (torch's rule)."""
    if grads and len(grads) != len(outputs):
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    seeds = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        g = grads[i] if grads else None
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = np.array(1, out._data.dtype)  # (np.ones is slower; a loss is 0-d, and needs no reshape)
            g = Tensor._make(g if not out._data.shape else g.reshape(out._data.shape))
        elif not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g, dtype=out.dtype.np))
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has "
                               f"a shape of {out.shape}.")
        seeds.append(g)
    return seeds


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, inputs: Any = None) -> None:
    """torch.autograd.backward: add d(tensors)/d(leaf) into every leaf's `.grad`."""
    outputs = _as_tuple(tensors)
    seeds = _make_root_grads(outputs, _as_tuple(grad_tensors))
    keep = create_graph if retain_graph is None else retain_graph
    if inputs is None:
        _propagate(outputs, seeds, keep, create_graph, None)
        return
    targets = _as_tuple(inputs)
    if not targets:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for t in targets:  # a non-leaf input retains its grad, as in torch: .grad as its hooks leave it
        if t._grad_fn is not None:
            t.retain_grad()
    got = _propagate(outputs, seeds, keep, create_graph, {t._key(): t for t in targets})
    for t in targets:
        if t._grad_fn is None and t._key() in got:
            _accumulate(t, got[t._key()], create_graph)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None, materialize_grads: bool = False) -> tuple:
    """Return d(outputs)/d(inputs) without touching any `.grad`. (torch.autograd.grad is this plus
    torch's batched and deprecated options: autograd/grad_api.py.)"""
    outs = _as_tuple(outputs)
    targets = _as_tuple(inputs)
    for t in targets:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = _make_root_grads(outs, _as_tuple(grad_outputs))
    keep = create_graph if retain_graph is None else retain_graph
    got = _propagate(outs, seeds, keep, create_graph, {t._key(): t for t in targets})
    result = []
    for i, t in enumerate(targets):
        g = got.get(t._key())
        if g is None:
            if materialize_grads:
                g = _zeros((t._data.shape, t._data.dtype))
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g)
    return tuple(result)


def _tensor_backward(self: Tensor, gradient: Any = None, retain_graph: bool | None = None,
                     create_graph: bool = False, inputs: Any = None) -> None:
    """`t.backward()`: add d(t)/d(leaf) into each leaf's `.grad`."""
    if inputs is not None or isinstance(gradient, (tuple, list)):
        return backward(self, gradient, retain_graph, create_graph, inputs)
    # backward(self, gradient, ...) for one tensor, written out: no tuples of outputs to unpack (speed)
    seeds = _make_root_grads((self,), () if gradient is None else (gradient,))
    _propagate((self,), seeds, create_graph if retain_graph is None else retain_graph, create_graph, None)


# The method form lives here, not in tensor.py, because the engine is built on Tensor.
Tensor.backward = _tensor_backward

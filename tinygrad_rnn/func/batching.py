"""Native batching of backward passes: one walk over the graph carries a whole batch of cotangents.

Used by `vmap(vjp_fn)`, `jacrev`, `autograd.functional.jacobian(vectorize=True)` and gradcheck's
`check_batched_grad`. `batched_grad` walks the graph once, like the engine, with every gradient
carrying a leading batch dimension. At each node it asks whether the node's backward batches
natively:

- yes (the table in backward_rules.py, or a class given to `register_batched_backward`): its
  backward, or a rule written for it, runs once on the batched gradients;
- no: the node's backward runs once per batch element and the results are stacked: correct for
  every node, only slower.

After each node, a batched input gradient is summed back to (batch, *input shape): the broadcast
reduction the engine does in `_fit_to_input`, keeping the batch dimension. (Whole functions
passed to vmap, `vmap(torch.tanh)`, batch by function_rules.py.)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..backend.accumulate import SliceGrad, dense
from ..core import dtypes, grad_mode
from ..core.engine import sum_to_shape, topological_order
from ..core.function import Function
from ..core.tensor import Tensor
from ..ops.shape import stack
from . import backward_rules

# The table: which node classes batch their backward natively, and how (backward_rules.py).
NATIVE_BACKWARD = backward_rules.NATIVE_BACKWARD
_RULES = backward_rules.RULES


class BatchingRuleError(RuntimeError):
    """A node's native batched backward disagrees with its per-element loop."""


def register_batched_backward(cls: type, rule: Callable[..., Any] | None = None) -> type:
    """Declare that `cls`'s backward batches natively: with `rule=None`, its own backward runs on
    gradients with a leading batch dimension; otherwise `rule(ctx, *batched_grads)` does. Usable
    as a class decorator. gradcheck's `check_batched_grad` checks the declaration."""
    if rule is None:
        NATIVE_BACKWARD.add(cls)
    else:
        _RULES[cls] = rule
    return cls


def unregister_batched_backward(cls: type) -> None:
    NATIVE_BACKWARD.discard(cls)
    _RULES.pop(cls, None)


def batches_natively(cls: type) -> bool:
    return cls in _RULES or cls in NATIVE_BACKWARD


# ---------------------------------------------------------------------------- the batched backward
def batched_grad(outputs: Sequence[Tensor], inputs: Sequence[Tensor], grad_outputs: Sequence[Tensor],
                 create_graph: bool = False, check: bool = False) -> list[Tensor]:
    """For each b: autograd.grad(outputs, inputs, [g[b] for g in grad_outputs]), stacked, in one
    walk over the graph. Zeros where an input gets no gradient. With `check`, every native node
    is compared with its loop and a disagreement raises BatchingRuleError naming the node."""
    size = grad_outputs[0].shape[0] if grad_outputs else 0
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if tuple(g.shape) != (size, *out.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape[1:]} and output[{i}] "
                               f"has a shape of {out.shape}.")
    wanted = {t._key() for t in inputs}
    pending: dict[Function, list] = {}
    captured: dict[tuple, Tensor] = {}

    def deliver(edge: tuple, g: Tensor) -> None:
        target, nr = edge
        key = (id(target), nr)
        if key in wanted:
            captured[key] = g if key not in captured else captured[key] + g
        if isinstance(target, Function):
            slots = pending.setdefault(target, [None] * len(target.output_meta))
            slots[nr] = g if slots[nr] is None else slots[nr] + g

    roots = [o for o in outputs if o.requires_grad]
    for out, g in zip(outputs, grad_outputs):
        if out.requires_grad:
            deliver(out._edge(), g)
    order = _nodes_leading_to(topological_order([o.grad_fn for o in roots if o.grad_fn is not None]), wanted)
    quiet = np.errstate(divide="ignore", invalid="ignore", over="ignore")
    with grad_mode.set_grad_enabled(bool(create_graph)), quiet:
        for node in order:
            grads = pending.pop(node, None)
            if grads is None:
                continue
            for edge, meta, g in zip(node.edges, node.input_meta, _node_backward(node, grads, size, check)):
                if meta is not None and g is not None:
                    deliver(edge, _fit(g, meta, size))
    result = []
    for t in inputs:
        got = captured.get(t._key())
        result.append(Tensor._make(np.zeros((size, *t.shape), t.dtype.np)) if got is None else got)
    return result


def _nodes_leading_to(order: list, wanted: set) -> list:
    """The nodes of `order` from which a wanted input can be reached (no other backward is run)."""
    useful: set[int] = set()
    for node in reversed(order):  # inputs before the nodes that use them
        for edge in node.edges:
            if edge is not None and ((id(edge[0]), edge[1]) in wanted or id(edge[0]) in useful):
                useful.add(id(node))
                break
    return [n for n in order if id(n) in useful]


def _node_backward(node: Function, grads: list, size: int, check: bool) -> list:
    """One node's input gradients for the whole batch: native when declared, else a loop."""
    grads = [g if g is not None or not node.materialize_grads else _zeros(size, meta)
             for g, meta in zip(grads, node.output_meta)]
    cls = node._forward_cls  # the op's class (type(node) is the node class named as torch names it)
    if not batches_natively(cls):
        return _loop_backward(node, grads, size)
    rule = _RULES.get(cls)
    result = rule(node, *grads) if rule is not None else cls.backward(node, *grads)
    if result is None and rule is not None:
        return _loop_backward(node, grads, size)
    native = _as_list(result, node)
    native = [None if g is None or meta is None else _fit(dense(g, Tensor._make), meta, size)
              for g, meta in zip(native, node.input_meta)]
    if check:
        _compare_with_loop(node, native, _loop_backward(node, grads, size))
    return native


def _loop_backward(node: Function, grads: list, size: int) -> list:
    """The node's backward once per batch element, stacked: correct for every node."""

    per_element = []
    for b in range(size):
        result = type(node).backward(node, *[None if g is None else g[b] for g in grads])
        per_element.append(_as_list(result, node))
    out: list = []
    for i, meta in enumerate(node.input_meta):
        column = [r[i] for r in per_element]
        if meta is None or all(g is None for g in column):
            out.append(None)
            continue
        shape, np_dtype = meta
        fitted = [Tensor._make(np.zeros(shape, np_dtype)) if g is None else _fit_one(dense(g, Tensor._make), meta) for g in column]
        out.append(stack(fitted) if fitted else Tensor._make(np.zeros((0, *shape), np_dtype)))
    return out


def _compare_with_loop(node: Function, native: list, looped: list) -> None:
    for i, (a, b) in enumerate(zip(native, looped)):
        if a is None and b is None:
            continue
        a_data = np.zeros_like(b._data) if a is None else a._data
        b_data = np.zeros_like(a_data) if b is None else b._data
        # The two ways sum in different orders: equal up to rounding of the gradient's dtype.
        tol = dict(rtol=1e-7, atol=1e-10) if a_data.dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
        if a_data.shape != b_data.shape or not np.allclose(a_data, b_data, equal_nan=True, **tol):
            raise BatchingRuleError(
                f"The batched backward of {node.name()} (declared to batch natively) disagrees with running its "
                f"backward once per batch element, for the gradient of its input {i}: the batching rule of "
                f"{node._forward_cls.__name__} is wrong."
            )


def _as_list(result: Any, node: Function) -> list:
    result = list(result) if isinstance(result, tuple) else [result]
    return result + [None] * (len(node.edges) - len(result))


def _fit(g: Any, meta: tuple, size: int) -> Tensor:
    """Sum a batched gradient back to (batch, *input shape) and cast it to the input's dtype:
    the engine's broadcast reduction, with the leading batch dimension kept."""
    if type(g) is SliceGrad:
        g = dense(g, Tensor._make)
    shape, np_dtype = meta
    target = (size, *shape)
    if tuple(g.shape) != target:
        if g.ndim < 1 + len(shape) or g.shape[0] != size:
            raise BatchingRuleError(f"a batched gradient of shape {list(g.shape)} cannot belong to an input of "
                                    f"shape {list(shape)} in a batch of {size}")
        extra = g.ndim - 1 - len(shape)
        axes = tuple(range(1, 1 + extra)) + tuple(
            1 + extra + i for i, n in enumerate(shape) if n == 1 and g.shape[1 + extra + i] != 1)
        g = g.sum(axes, keepdim=True) if axes else g
        g = g.reshape(target)
    if g._data.dtype != np_dtype:
        g = g.to(_torch_dtype(np_dtype))
    return g


def _fit_one(g: Tensor, meta: tuple) -> Tensor:

    shape, np_dtype = meta
    if tuple(g.shape) != shape:
        g = sum_to_shape(g, shape)
    if g._data.dtype != np_dtype:
        g = g.to(_torch_dtype(np_dtype))
    return g


def _torch_dtype(np_dtype: np.dtype) -> Any:

    return dtypes.from_numpy_dtype(np_dtype)


def _zeros(size: int, meta: Any) -> Tensor:
    shape, np_dtype = meta
    return Tensor._make(np.zeros((size, *shape), np_dtype))

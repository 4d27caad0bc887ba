"""Watch backward run: which node the engine visits, in what order, and what gradient it sends on.

    with viz.BackwardTrace() as trace:
        loss.backward()              # or torch.autograd.grad(loss, inputs)
    print(trace)                     # one line per node visit
    trace.steps[0].node              # 'SumBackward0'
    trace.svg(2)                     # the graph after step 2: what ran, what waits (the frontier)

How it hooks in: while the `with` block runs, the engine's `_run_node(node, grads)` (the function
that calls one node's backward, in autograd/engine.py) is replaced by a wrapper that calls it and
then reports (node, gradients received, gradients sent on) to the trace. On exit the original is
put back. Nothing else in the engine changes, so results are the same with or without a trace.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..backend.accumulate import dense
from ..core import engine
from ..core.tensor import Tensor
from .graph import SVG, Arrow, Box, Graph, node_label, tensor_label, tensor_names


@dataclass
class Step:
    """One visit of one graph node by backward.

    Names as in torch's node hooks: a node's *outputs* are those of its forward op, so
    `grad_outputs` are the gradients it received, and `grad_inputs` those it sent on to the
    inputs of its forward op (summed back to each input's shape where broadcasting happened)."""

    index: int
    node: str                                   # torch's name, e.g. 'TanhBackward0'
    fn: Any                                     # the graph node itself (the tensor's grad_fn)
    grad_output_shapes: list[tuple | None]      # shape of each gradient received (None: no gradient)
    grad_input_shapes: list[tuple | None]       # shape of each gradient sent on (None: none sent)
    grad_norms: list[float | None]              # the 2-norm of each gradient sent on
    targets: list[str | None]                   # where each went: a node's name or a leaf's label


class BackwardTrace:
    """A context manager that records every node visit of the backward passes run inside it.

    `params` (e.g. `dict(model.named_parameters())`) names tensors in the table and pictures: a
    leaf by itself, a non-leaf (say a hidden state `h_1`) on the box of the node that made it.
    The trace holds on to the visited nodes, so the graph stays in memory as long as the trace."""

    def __init__(self, params: dict[str, Tensor] | None = None) -> None:
        self.steps: list[Step] = []
        self._names = tensor_names(params)
        self._edges: list[list[tuple[Any, float]]] = []  # per step: (target, norm) of each gradient sent
        self._saved: Callable | None = None

    def __enter__(self) -> BackwardTrace:
        self._saved = engine._run_node
        watched = self._saved

        def run_and_record(node: Any, grads: list) -> tuple:
            received = [None if g is None else tuple(g.shape) for g in grads]
            sent = watched(node, grads)
            self._record(node, received, sent)
            return sent

        engine._run_node = run_and_record
        return self

    def __exit__(self, *exc: Any) -> None:
        engine._run_node = self._saved
        self._saved = None

    def _record(self, node: Any, received: list, sent: tuple) -> None:
        shapes, norms, targets, edges = [], [], [], []
        for edge, meta, g in zip(node.edges, node.input_meta, sent):
            if meta is None or g is None or edge is None or edge[0] is None:
                shapes.append(None), norms.append(None), targets.append(None)
                continue
            array = _sum_to(np.asarray(dense(g, Tensor._make)._data), meta[0])
            norm = float(np.sqrt(np.sum(np.square(array, dtype=np.float64))))
            target = edge[0]
            shapes.append(tuple(array.shape))
            norms.append(norm)
            targets.append(self._table_name(target))
            edges.append((target, norm))
        self.steps.append(Step(len(self.steps), node.name(), node, received, shapes, norms, targets))
        self._edges.append(edges)

    def _table_name(self, obj: Any) -> str:
        """A node's name, with the tensor it made in brackets when named; a leaf's name, or 'leaf'."""
        if isinstance(obj, Tensor):
            return self._names.get(id(obj), "leaf")
        return f"{obj.name()} ({self._names[id(obj)]})" if id(obj) in self._names else obj.name()

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        """A table, one line per step: the node, the gradient it received, where it sent what."""
        rows = [("step", "node", "received", "sent on to  (shape, norm of the gradient)")]
        for s in self.steps:
            received = ", ".join(str(shape) for shape in s.grad_output_shapes if shape is not None) or "-"
            sent = "; ".join(f"{t}: {shape} |g|={norm:.3g}" for t, shape, norm
                             in zip(s.targets, s.grad_input_shapes, s.grad_norms) if t is not None) or "-"
            rows.append((str(s.index), self._table_name(s.fn), received, sent))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join(f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip()
                         for r in rows)

    def __repr__(self) -> str:
        return f"<BackwardTrace of {len(self.steps)} steps>"

    def graph(self, k: int | None = None) -> Graph:
        """The graph backward walked, coloured as it stood right after step `k` (default: the last):
        the nodes that ran before are white, step k orange, and the frontier (nodes that hold a
        gradient but have not run yet) yellow with a red border. Arrows that carried a gradient
        are labelled with its norm."""
        if not self.steps:
            raise RuntimeError("the trace is empty: run backward() or autograd.grad() inside `with BackwardTrace()`")
        k = len(self.steps) - 1 if k is None else k
        if not -len(self.steps) <= k < len(self.steps):
            raise IndexError(f"step {k} is out of range for a trace of {len(self.steps)} steps")
        k %= len(self.steps)
        g, ids = Graph(title=f"step {k}: {self.steps[k].node}"), {}

        def box(obj: Any) -> str:
            if id(obj) not in ids:
                ids[id(obj)] = f"n{len(ids)}"
                label = tensor_label(obj, self._names) if isinstance(obj, Tensor) else node_label(obj, self._names)
                g.boxes.append(Box(ids[id(obj)], label, "leaf" if isinstance(obj, Tensor) else "op", "untouched"))
            return ids[id(obj)]

        for s, edges in zip(self.steps, self._edges):
            start = box(s.fn)
            for target, norm in edges:
                g.arrows.append(Arrow(start, box(target), f"{norm:.2g}" if s.index <= k else ""))
        states = {box(s.fn): "done" for s in self.steps[:k]}
        states[box(self.steps[k].fn)] = "current"
        for _, edges in zip(range(k + 1), self._edges):
            for target, _norm in edges:
                states.setdefault(box(target), "done" if isinstance(target, Tensor) else "frontier")
        for b in g.boxes:
            b.state = states.get(b.id, "untouched")
        return g

    def svg(self, k: int | None = None, layout: str = "python") -> SVG:
        """SVG picture of `graph(k)`; layout="auto" or "graphviz" uses Graphviz when installed."""
        return self.graph(k).to_svg(layout)

    def _repr_svg_(self) -> str:  # Jupyter shows the finished walk
        return self.svg()


def _sum_to(array: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a broadcast gradient back to its input's shape, as the engine does before delivering it."""
    if array.shape == tuple(shape):
        return array
    extra = array.ndim - len(shape)
    array = array.sum(axis=tuple(range(extra))) if extra > 0 else array
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and array.shape[i] != 1)
    return array.sum(axis=stretched, keepdims=True) if stretched else array

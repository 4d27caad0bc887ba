"""The backward graph as plain data: boxes and arrows, ready to be drawn as DOT text or as SVG.

`graph(loss)` walks what `loss.backward()` would walk: the root tensor, one box per graph node
named as torch names it (`SumBackward0`, `TanhBackward0`, ...), one box per leaf tensor that
receives a gradient. Arrows point the way gradients flow: from the root, through each node to the
nodes that made its inputs (`grad_fn.next_functions`), down to the leaves. Tensors that do not
require grad are not part of the backward graph, so they are not drawn. (torch's AccumulateGrad
nodes, which add into `leaf.grad`, are drawn as the arrow into the leaf.)

A `Graph` shows itself as a picture in Jupyter (`_repr_svg_`), and `str(graph)` is its DOT text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.tensor import Tensor
from .dot import graph_to_dot
from .render import SVG, render_svg

# What a box is (its fill colour) and, in a BackwardTrace picture, where backward is with it.
KINDS = ("root", "op", "leaf")
STATES = (None, "done", "current", "frontier", "untouched")


@dataclass
class Box:
    """One box of the picture: a graph node or a tensor."""

    id: str
    label: str
    kind: str = "op"
    state: str | None = None


@dataclass
class Arrow:
    """An arrow from box `start` to box `end`, the way the gradient flows; `label` is optional text."""

    start: str
    end: str
    label: str = ""


@dataclass
class Graph:
    """Boxes and arrows, in the order they were found (so the same graph gives the same picture)."""

    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    title: str = ""

    def to_dot(self) -> str:
        return graph_to_dot(self)

    def to_svg(self, layout: str = "auto") -> SVG:
        """SVG text: drawn by Graphviz's `dot` when it is installed (layout="auto" or "graphviz"),
        else by the small pure-Python layout in viz/svg.py (layout="python")."""
        return render_svg(self, layout)

    def _repr_svg_(self) -> str:  # Jupyter shows the picture
        return self.to_svg()

    def __str__(self) -> str:
        return self.to_dot()

    def __repr__(self) -> str:
        return f"<Graph of {len(self.boxes)} boxes and {len(self.arrows)} arrows>"


def graph(tensor: Any, params: dict[str, Tensor] | None = None) -> Graph:
    """The backward graph behind `tensor` (or a tuple of tensors).

    `params` maps names to tensors (e.g. `dict(model.named_parameters())`): a leaf found there is
    labelled with its name, and so is the node that made a named non-leaf tensor (say `h_1`)."""
    roots = tuple(tensor) if isinstance(tensor, (tuple, list)) else (tensor,)
    for root in roots:
        if not isinstance(root, Tensor):
            raise TypeError(f"viz draws the graph behind a Tensor, but got {type(root).__name__}")
    builder = _Builder(tensor_names(params))
    for root in roots:
        root_id = builder.tensor(root, "root")
        if root.grad_fn is not None:
            builder.arrow(root_id, builder.op(root.grad_fn))
    builder.walk([r.grad_fn for r in roots if r.grad_fn is not None])
    return builder.graph


def tensor_names(params: dict[str, Tensor] | None) -> dict[int, str]:
    """{id: name} for labelling boxes: a leaf by its own id, a non-leaf by its grad_fn's."""
    names = {}
    for name, t in (params or {}).items():
        names[id(t) if t.grad_fn is None else id(t.grad_fn)] = name
    return names


def node_label(node: Any, names: dict[int, str]) -> str:
    """'TanhBackward0', with the name of the tensor it made on a second line when that has one."""
    return f"{node.name()}\n{names[id(node)]}" if id(node) in names else node.name()


def tensor_label(t: Any, names: dict[int, str]) -> str:
    """'(3, 4) float32', with the tensor's name on a line above when it has one."""
    description = f"{tuple(t.shape)} {str(t.dtype).replace('torch.', '')}"
    return f"{names[id(t)]}\n{description}" if id(t) in names else description


class _Builder:
    """Gives each node or tensor one box with a short stable id (n0, n1, ...)."""

    def __init__(self, names: dict[int, str]) -> None:
        self.graph = Graph()
        self.names = names
        self.ids: dict[int, str] = {}
        self.keep: list[Any] = []  # hold drawn objects so their ids cannot be reused meanwhile
        self.seen_arrows: set[tuple[str, str]] = set()

    def _box(self, obj: Any, label: str, kind: str) -> str:
        if id(obj) not in self.ids:
            self.ids[id(obj)] = f"n{len(self.ids)}"
            self.keep.append(obj)
            self.graph.boxes.append(Box(self.ids[id(obj)], label, kind))
        return self.ids[id(obj)]

    def op(self, node: Any) -> str:
        return self._box(node, node_label(node, self.names), "op")

    def tensor(self, t: Tensor, kind: str = "leaf") -> str:
        return self._box(t, tensor_label(t, self.names), kind)

    def arrow(self, a: str, b: str, label: str = "") -> None:
        if (a, b) not in self.seen_arrows:
            self.seen_arrows.add((a, b))
            self.graph.arrows.append(Arrow(a, b, label))

    def walk(self, start: list) -> None:
        """Visit every node reachable from `start` once (iteratively: long RNN graphs are deep)."""
        stack, seen = list(start), {id(n) for n in start}
        while stack:
            node = stack.pop()
            node_id = self.op(node)
            for edge in node.edges:
                if edge is None or edge[0] is None:  # not a Tensor, or a Tensor that needs no gradient
                    continue
                target = edge[0]
                if isinstance(target, Tensor):
                    self.arrow(node_id, self.tensor(target))
                else:
                    self.arrow(node_id, self.op(target))
                    if id(target) not in seen:
                        seen.add(id(target))
                        stack.append(target)

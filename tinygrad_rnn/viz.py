"""Pictures of the graph behind a tensor, in Graphviz's DOT language (like torchviz's make_dot).

    loss = (x @ w).tanh().sum()
    print(viz.to_dot(loss, params={"w": w}))       # DOT text, no dependencies
    viz.draw(loss, "graph.svg", params={"w": w})   # needs Graphviz's `dot` program

The picture shows what `loss.backward()` walks: the root tensor, one box per graph node named as
torch names it (`SumBackward0`, `TanhBackward0`, ...), and one box per leaf tensor that receives a
gradient. Arrows point the way gradients flow: from the root, through each node to the nodes that
made its inputs (`grad_fn.next_functions`), down to the leaves. Tensors that do not require grad
are not part of the backward graph, so they are not drawn. (torch's AccumulateGrad nodes, which
add into `leaf.grad`, are drawn as the edge into the leaf.)
"""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from .core.tensor import Tensor

ROOT_COLOR, LEAF_COLOR, OP_COLOR = "darkolivegreen1", "lightblue", "lightgrey"

_NO_DOT = (
    "viz.draw needs Graphviz's `dot` program, and it was not found on PATH. Install Graphviz itself: "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz`, or the installer from https://graphviz.org/download/. "
    "`pip install graphviz` is not enough: it installs only Python bindings that call the same `dot` "
    "program. Without Graphviz, viz.to_dot(tensor) still gives the DOT text, which any DOT viewer "
    "(for example an online Graphviz editor) can render."
)


def to_dot(tensor: Any, params: dict[str, Tensor] | None = None) -> str:
    """DOT text of the backward graph behind `tensor` (or a tuple of tensors).

    `params` maps names to tensors (e.g. `dict(model.named_parameters())`); a leaf found there is
    labelled with its name."""
    roots = tuple(tensor) if isinstance(tensor, (tuple, list)) else (tensor,)
    names = {id(t): name for name, t in (params or {}).items()}
    graph = _DotGraph()
    for root in roots:
        root_id = graph.tensor(root, names, ROOT_COLOR)
        if root.grad_fn is not None:
            graph.edge(root_id, graph.op(root.grad_fn))
    _walk(graph, [r.grad_fn for r in roots if r.grad_fn is not None], names)
    return graph.text()


def draw(tensor: Any, path: str, params: dict[str, Tensor] | None = None) -> str:
    """Render the graph of `tensor` to `path`; the format comes from its suffix (.svg, .png, .pdf).

    Raises RuntimeError, saying how to install it, when Graphviz's `dot` is missing."""
    fmt = os.path.splitext(path)[1].lstrip(".").lower()
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"viz.draw writes .svg, .png or .pdf files, but got {path!r}")
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(_NO_DOT)
    subprocess.run([dot, f"-T{fmt}", "-o", path], input=to_dot(tensor, params).encode(), check=True,
                   capture_output=True)
    return path


def _walk(graph: _DotGraph, start: list, names: dict) -> None:
    """Visit every node reachable from `start` once (iteratively: long RNN graphs are deep)."""
    stack, seen = list(start), {id(n) for n in start}
    while stack:
        node = stack.pop()
        node_id = graph.op(node)
        for edge in node.edges:
            if edge is None or edge[0] is None:  # not a Tensor, or a Tensor that needs no gradient
                continue
            target = edge[0]
            if isinstance(target, Tensor):
                graph.edge(node_id, graph.tensor(target, names, LEAF_COLOR))
            else:
                graph.edge(node_id, graph.op(target))
                if id(target) not in seen:
                    seen.add(id(target))
                    stack.append(target)


class _DotGraph:
    """Nodes and edges, with short stable ids (n0, n1, ...) so the same graph gives the same text."""

    def __init__(self) -> None:
        self.ids: dict[int, str] = {}
        self.nodes: list[str] = []
        self.edges: list[str] = []
        self.seen_edges: set[tuple[str, str]] = set()
        self.keep: list[Any] = []  # hold drawn objects so their ids cannot be reused meanwhile

    def _node(self, obj: Any, label: str, color: str) -> str:
        if id(obj) not in self.ids:
            self.ids[id(obj)] = f"n{len(self.ids)}"
            self.keep.append(obj)
            self.nodes.append(f'    {self.ids[id(obj)]} [label="{_escape(label)}" fillcolor={color}]')
        return self.ids[id(obj)]

    def op(self, node: Any) -> str:
        return self._node(node, node.name(), OP_COLOR)

    def tensor(self, t: Tensor, names: dict, color: str) -> str:
        description = f"{tuple(t.shape)} {str(t.dtype).replace('torch.', '')}"
        label = f"{names[id(t)]}\n{description}" if id(t) in names else description
        return self._node(t, label, color)

    def edge(self, a: str, b: str) -> None:
        if (a, b) not in self.seen_edges:
            self.seen_edges.add((a, b))
            self.edges.append(f"    {a} -> {b}")

    def text(self) -> str:
        head = ["digraph {", "    graph [rankdir=TB]",
                "    node [shape=box style=\"filled,rounded\" fontname=monospace fontsize=10]"]
        return "\n".join(head + self.nodes + self.edges + ["}"]) + "\n"


def _escape(label: str) -> str:
    return label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

"""A graph as text in Graphviz's DOT language (like torchviz's make_dot).

    print(viz.to_dot(loss, params={"w": w}))   # paste into any Graphviz viewer, or run `dot -Tsvg`

Box colours: the root tensor green, graph nodes grey, leaves blue. In a BackwardTrace picture
the node backward has just run is orange, the nodes it has run before are white, and the frontier
(nodes holding a gradient that have not run yet) yellow with a thick red border.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # dot.py draws what graph.py builds; graph.py imports this module
    from .graph import Graph

FILL = {"root": "darkolivegreen1", "op": "lightgrey", "leaf": "lightblue"}
STATE_FILL = {"done": "white", "current": "orange", "frontier": "gold", "untouched": "gray95"}


def graph_to_dot(g: Graph) -> str:
    head = ["digraph {", "    graph [rankdir=TB]",
            "    node [shape=box style=\"filled,rounded\" fontname=monospace fontsize=10]"]
    if g.title:
        head.append(f'    label="{_escape(g.title)}" labelloc=t fontname=monospace')
    boxes = [f'    {b.id} [label="{_escape(b.label)}" fillcolor={_fill(b.kind, b.state)}{_border(b.state)}]'
             for b in g.boxes]
    arrows = [f"    {a.start} -> {a.end}" + (f' [label="{_escape(a.label)}" fontsize=9]' if a.label else "")
              for a in g.arrows]
    return "\n".join(head + boxes + arrows + ["}"]) + "\n"


def _fill(kind: str, state: str | None) -> str:
    if state in STATE_FILL and not (kind == "leaf" and state == "done"):
        return STATE_FILL[state]
    return FILL[kind]


def _border(state: str | None) -> str:
    return {"current": " penwidth=3", "frontier": " penwidth=3 color=red"}.get(state or "", "")


def _escape(label: str) -> str:
    return label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

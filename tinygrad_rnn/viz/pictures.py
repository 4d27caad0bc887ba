"""The tensor-facing drawing functions: a tensor's backward graph as DOT text, SVG text or a file."""
from __future__ import annotations

import os
import shutil
from typing import Any

from ..core.tensor import Tensor
from .dot import graph_to_dot
from .graph import graph
from .render import NO_DOT, SVG, _run_dot, render_svg


def to_dot(tensor: Any, params: dict[str, Tensor] | None = None) -> str:
    """DOT text of the backward graph behind `tensor` (or a tuple of tensors).

    `params` maps names to tensors (e.g. `dict(model.named_parameters())`): a leaf found there is
    labelled with its name, and so is the node that made a named non-leaf tensor."""
    return graph_to_dot(graph(tensor, params))


def to_svg(tensor: Any, params: dict[str, Tensor] | None = None, layout: str = "auto") -> SVG:
    """The backward graph behind `tensor` as SVG text (which Jupyter shows as a picture).

    Drawn by Graphviz when its `dot` program is installed, else in pure Python; force one with
    layout="graphviz" or layout="python"."""
    return render_svg(graph(tensor, params), layout)


def draw(tensor: Any, path: str, params: dict[str, Tensor] | None = None) -> str:
    """Write the graph of `tensor` to `path`; the format comes from its suffix (.svg, .png, .pdf).

    .svg works everywhere (pure Python without Graphviz); .png and .pdf need Graphviz's `dot`, and
    raise RuntimeError saying how to install it when it is missing."""
    fmt = os.path.splitext(path)[1].lstrip(".").lower()
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"viz.draw writes .svg, .png or .pdf files, but got {path!r}")
    g = graph(tensor, params)
    if fmt == "svg":
        with open(path, "w", encoding="utf-8") as f:
            f.write(render_svg(g))
        return path
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(NO_DOT)
    with open(path, "wb") as f:
        f.write(_run_dot(dot, g, fmt))
    return path



"""Turn a Graph into a picture: with Graphviz's `dot` program when it is installed, else in pure
Python (viz/svg.py). PNG and PDF files need Graphviz; SVG never does."""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from ..core.tensor import Tensor
from .dot import graph_to_dot
from .graph import SVG, Graph, graph
from .svg import graph_to_svg

LAYOUTS = ("auto", "graphviz", "python")

NO_DOT = (
    "viz.draw needs Graphviz's `dot` program for .png and .pdf files, and it was not found on PATH. "
    "Install Graphviz itself: "
    "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
    "`conda install graphviz`, or the installer from https://graphviz.org/download/. "
    "`pip install graphviz` is not enough: it installs only Python bindings that call the same `dot` "
    "program. Without Graphviz, draw to a .svg file (drawn in pure Python), or use viz.to_dot(tensor) "
    "for the DOT text, which any DOT viewer can render."
)


def render_svg(g: Graph, layout: str = "auto") -> SVG:
    """SVG text of `g`. layout: "auto" (Graphviz if installed, else Python), "graphviz" or "python"."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(map(repr, LAYOUTS))}, but got {layout!r}")
    dot = shutil.which("dot") if layout != "python" else None
    if dot is None:
        if layout == "graphviz":
            raise RuntimeError(NO_DOT.replace("for .png and .pdf files", "for layout='graphviz'"))
        return SVG(graph_to_svg(g))
    return SVG(_run_dot(dot, g, "svg").decode())


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


def _run_dot(dot: str, g: Graph, fmt: str) -> bytes:
    result = subprocess.run([dot, f"-T{fmt}"], input=graph_to_dot(g).encode(), check=True, capture_output=True)
    return result.stdout

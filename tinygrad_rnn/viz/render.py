"""Turn a Graph into a picture: with Graphviz's `dot` program when it is installed, else in pure
Python (viz/svg.py). PNG and PDF files need Graphviz; SVG never does."""
from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from .dot import graph_to_dot
from .svg import graph_to_svg

if TYPE_CHECKING:  # render.py draws what graph.py builds; graph.py imports this module
    from .graph import Graph

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


class SVG(str):
    """SVG text (a str: write it to a file as it is) that Jupyter shows as a picture."""

    def _repr_svg_(self) -> str:
        return str(self)

    def __repr__(self) -> str:  # the text itself is long; print(svg) shows it
        return f"<SVG picture, {len(self)} characters>"


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


def _run_dot(dot: str, g: Graph, fmt: str) -> bytes:
    result = subprocess.run([dot, f"-T{fmt}"], input=graph_to_dot(g).encode(), check=True, capture_output=True)
    return result.stdout

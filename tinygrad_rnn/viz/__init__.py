"""Pictures of the backward graph, and a trace of backward as it runs.

    from tinygrad_rnn import viz
    viz.to_dot(loss, params={"w": w})     # Graphviz DOT text, no dependencies
    viz.to_svg(loss)                      # SVG text: Graphviz when installed, else pure Python
    viz.graph(loss)                       # boxes and arrows; shows as a picture in Jupyter
    viz.draw(loss, "graph.svg")           # write a file (.png and .pdf need Graphviz)
    with viz.BackwardTrace() as trace:    # watch backward: one step per node visit
        loss.backward()

One idea per file: graph.py (the graph as data), dot.py (as DOT text), svg.py (a pure-Python
layout), render.py (choosing between Graphviz and svg.py, writing files), trace.py (the trace).
"""
from .graph import Graph, graph
from .pictures import draw, to_dot, to_svg
from .render import SVG
from .trace import BackwardTrace, Step

__all__ = ["SVG", "BackwardTrace", "Graph", "Step", "draw", "graph", "to_dot", "to_svg"]

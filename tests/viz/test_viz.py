"""viz: the DOT text has one node per graph node (torch's names) and per leaf/root tensor, with
edges in the direction gradients flow; the pure-Python SVG draws the same boxes and arrows;
draw() needs Graphviz's `dot` only for .png/.pdf and says so. BackwardTrace is in test_viz_trace.py."""
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg
from tinygrad_rnn import viz


def parse(dot):
    """{node id: label} and the set of (from label, to label) edges."""
    labels = dict(re.findall(r'^\s+(n\d+) \[label="([^"]*)"', dot, re.M))
    edges = {(labels[a], labels[b]) for a, b in re.findall(r"^\s+(n\d+) -> (n\d+)$", dot, re.M)}
    return labels, edges


def test_known_graph_has_expected_nodes_and_edges():
    x = tg.randn(2, 3, requires_grad=True)
    w = tg.randn(3, 4, dtype=tg.float32, requires_grad=True)
    b = tg.zeros(4)  # does not require grad: not part of the backward graph
    loss = (x @ w + b).tanh().sum()
    dot = viz.to_dot(loss, params={"w": w})
    labels, edges = parse(dot)
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    assert sorted(labels.values()) == sorted([
        "() float32", "SumBackward0", "TanhBackward0", "AddBackward0", "MmBackward0",
        "(2, 3) float32", "w\\n(3, 4) float32"])
    assert edges == {
        ("() float32", "SumBackward0"), ("SumBackward0", "TanhBackward0"), ("TanhBackward0", "AddBackward0"),
        ("AddBackward0", "MmBackward0"), ("MmBackward0", "(2, 3) float32"), ("MmBackward0", "w\\n(3, 4) float32"),
    }


def test_node_names_are_torchs_and_edges_follow_next_functions():
    torch = require_torch()
    names = []
    for m in (tg, torch):
        x = m.randn(3, requires_grad=True)
        y = (x.exp() * x).sum()
        names.append(sorted({y.grad_fn.name()} | {f.name() for f, _ in y.grad_fn.next_functions if f is not None}))
    labels, edges = parse(viz.to_dot((tg.randn(3, requires_grad=True).exp() * 2).sum()))
    assert names[0] == names[1]
    assert ("SumBackward0", "MulBackward0") in edges and ("MulBackward0", "ExpBackward0") in edges


def test_shared_leaf_is_drawn_once_and_reused_node_once():
    x = tg.randn(2, requires_grad=True)
    h = x.tanh()
    y = (h * h + h).sum()
    labels, edges = parse(viz.to_dot(y))
    assert list(labels.values()).count("TanhBackward0") == 1
    assert list(labels.values()).count("(2,) float32") == 1
    assert ("MulBackward0", "TanhBackward0") in edges and ("AddBackward0", "TanhBackward0") in edges


def test_rnn_parameters_are_named():
    rnn = tg.nn.RNN(2, 3)
    out, _ = rnn(tg.randn(4, 1, 2))
    labels, _ = parse(viz.to_dot(out.sum(), params=dict(rnn.named_parameters())))
    for name, p in rnn.named_parameters():
        assert f"{name}\\n{tuple(p.shape)} float32" in labels.values()


def test_output_is_stable_and_leaf_root_alone():
    x = tg.ones(2, requires_grad=True)
    y = (x * 3).sum()
    assert viz.to_dot(y) == viz.to_dot(y)
    labels, edges = parse(viz.to_dot(x))
    assert list(labels.values()) == ["(2,) float32"] and not edges


def test_long_unrolled_graph_needs_no_recursion():
    h = tg.zeros(1, requires_grad=True)
    for _ in range(3000):
        h = (h + 1).tanh()
    assert viz.to_dot(h).count("TanhBackward0") == 3000


def test_draw_png_without_graphviz_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
        viz.draw(tg.ones(1, requires_grad=True) * 2, str(tmp_path / "g.png"))
    assert "`pip install graphviz` is not enough" in str(info.value)
    with pytest.raises(ValueError, match="svg, .png or .pdf"):
        viz.draw(tg.ones(1, requires_grad=True) * 2, str(tmp_path / "g.txt"))
    with pytest.raises(RuntimeError, match="layout='graphviz'"):
        viz.to_svg(tg.ones(1, requires_grad=True) * 2, layout="graphviz")
    with pytest.raises(ValueError, match="layout must be one of"):
        viz.to_svg(tg.ones(1, requires_grad=True) * 2, layout="neato")
    with pytest.raises(TypeError, match="got ndarray"):
        viz.to_svg(np.ones(2))


def test_draw_svg_without_graphviz_uses_the_python_layout(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    y = (tg.ones(2, requires_grad=True) * 2).sum()
    path = viz.draw(y, str(tmp_path / "g.svg"))
    text = open(path).read()
    assert text == viz.to_svg(y, layout="python") == viz.to_svg(y)  # "auto" falls back to Python


def svg_layout(svg):
    """[(label, (x, y, w, h))] of the boxes and [(x1, y1, x2, y2)] of the arrows of our SVG."""
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg)
    boxes = []
    for g in root.findall("s:g", ns):
        rect, text = g.find("s:rect", ns), g.find("s:text", ns)
        label = "\\n".join(t.text for t in text.findall("s:tspan", ns))
        boxes.append((label, tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))))
    arrows = []
    for path in root.findall("s:path", ns):
        numbers = [float(v) for v in re.findall(r"-?[\d.]+", path.get("d"))]
        arrows.append((numbers[0], numbers[1], numbers[-2], numbers[-1]))
    return boxes, arrows


def test_python_svg_draws_every_box_and_arrow_downwards_without_overlap():
    x = tg.randn(2, 3, requires_grad=True)
    w = tg.randn(3, 4, requires_grad=True)
    loss = (x @ w).tanh().sum() + (x * 2).sum()
    labels, _ = parse(viz.to_dot(loss, params={"w": w}))
    boxes, arrows = svg_layout(viz.to_svg(loss, params={"w": w}, layout="python"))
    assert sorted(label for label, _ in boxes) == sorted(labels.values())
    assert len(arrows) == len(re.findall(r" -> ", viz.to_dot(loss)))
    rects = [rect for _, rect in boxes]
    for x1, y1, x2, y2 in arrows:
        assert y2 > y1  # the root is on top; every arrow points down to what made its input
        assert any(abs(b[1] + b[3] - y1) < 0.2 and b[0] <= x1 <= b[0] + b[2] for b in rects)  # leaves a box
        assert any(abs(b[1] - y2) < 0.2 and b[0] <= x2 <= b[0] + b[2] for b in rects)  # reaches a box
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            apart = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
            assert apart, f"boxes overlap: {a} {b}"


def test_python_svg_escapes_labels_and_handles_long_graphs():
    a = tg.ones(1, requires_grad=True)
    svg = viz.to_svg(a * 2, params={"<a & b>": a}, layout="python")
    ET.fromstring(svg)  # well-formed XML
    assert "&lt;a &amp; b&gt;" in svg
    h = tg.zeros(1, requires_grad=True)
    for _ in range(400):
        h = (h + 1).tanh()
    assert viz.to_svg(h, layout="python").count(">TanhBackward0<") == 400


def test_graph_object_renders_in_jupyter():
    y = (tg.ones(2, requires_grad=True) * 2).sum()
    g = viz.graph(y)
    assert str(g) == viz.to_dot(y)
    assert g._repr_svg_().lstrip().startswith(("<svg", "<?xml"))
    svg = viz.to_svg(y, layout="python")
    assert isinstance(svg, str) and svg._repr_svg_() == svg


# A conditional skip: .ci/run installs Graphviz when it runs as root; as another user it cannot,
# and then the tests above cover the pure-Python fallback that such a machine uses.
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_renders_svg_and_png(tmp_path):
    y = (tg.ones(2, requires_grad=True) * 2).sum()
    path = viz.draw(y, str(tmp_path / "g.png"))
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    svg = viz.to_svg(y, layout="graphviz")
    assert "<svg" in svg and "SumBackward0" in svg


def test_named_hidden_state_labels_the_node_that_made_it():
    w = tg.ones(2, requires_grad=True)
    h_1 = (w * 2).tanh()
    labels, _ = parse(viz.to_dot((h_1 * 3).sum(), params={"w": w, "h_1": h_1}))
    assert "TanhBackward0\\nh_1" in labels.values() and "w\\n(2,) float32" in labels.values()
    assert "MulBackward0" in labels.values()  # unnamed nodes keep their plain name

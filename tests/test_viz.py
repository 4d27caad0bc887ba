"""viz.to_dot: the DOT text has one node per graph node (torch's names) and per leaf/root tensor,
with edges in the direction gradients flow. draw() needs Graphviz's `dot` and says so."""
import os
import re
import shutil

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


def test_draw_without_graphviz_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
        viz.draw(tg.ones(1, requires_grad=True) * 2, str(tmp_path / "g.svg"))
    assert "`pip install graphviz` is not enough" in str(info.value)
    with pytest.raises(ValueError, match="svg, .png or .pdf"):
        viz.draw(tg.ones(1, requires_grad=True) * 2, str(tmp_path / "g.txt"))


# .ci/run installs Graphviz, so in CI a missing `dot` fails this test instead of skipping it.
@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz's dot is not installed")
def test_draw_renders_svg(tmp_path):
    path = viz.draw((tg.ones(2, requires_grad=True) * 2).sum(), str(tmp_path / "g.svg"))
    assert "<svg" in open(path).read()

"""viz.BackwardTrace: records every node visit of backward in order, with torch's node names and
the norms of the gradients each node sent on (checked against torch's own node hooks), leaves the
results of backward untouched, and draws the frontier of the walk at any step."""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg
from tinygrad_rnn import viz
from tinygrad_rnn.core import engine


def chain(m, x, w):
    """A graph with exactly one topological order, so every engine visits it the same way."""
    return ((x.exp() * w).tanh() * 3.0).sum()


def torch_visits(root):
    """(name, norms of the gradients sent on) per node visit of torch's engine, via node hooks."""
    visits, stack, seen = [], [root.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if "AccumulateGrad" not in node.name():
            node.register_hook(lambda grad_inputs, grad_outputs, node=node: visits.append(
                (node.name(), [float(g.double().norm()) for g in grad_inputs if g is not None])))
        stack.extend(f for f, _ in node.next_functions)
    return visits


def test_steps_match_torchs_node_hooks():
    torch = require_torch()
    rng = np.random.default_rng(0)
    xa, wa = rng.standard_normal((2, 3)), rng.standard_normal(3)
    x, w = tg.tensor(xa, requires_grad=True), tg.tensor(wa, requires_grad=True)
    loss = chain(tg, x, w)
    with viz.BackwardTrace() as trace:
        loss.backward()
    tx, tw = torch.tensor(xa, requires_grad=True), torch.tensor(wa, requires_grad=True)
    t_loss = chain(torch, tx, tw)
    expected = torch_visits(t_loss)
    t_loss.backward()
    assert [s.node for s in trace.steps] == [name for name, _ in expected] == [
        "SumBackward0", "MulBackward0", "TanhBackward0", "MulBackward0", "ExpBackward0"]
    for step, (_, norms) in zip(trace.steps, expected):
        np.testing.assert_allclose([n for n in step.grad_norms if n is not None], norms, rtol=1e-12)
    assert trace.steps[3].grad_input_shapes == [(2, 3), (3,)]   # the broadcast w gets its own shape
    assert trace.steps[3].targets == ["ExpBackward0", "leaf"]
    assert trace.steps[0].grad_output_shapes == [()]
    assert [s.index for s in trace.steps] == list(range(5))


def test_rnn_bptt_visits_the_same_nodes_as_torch():
    torch = require_torch()
    counts = []
    for m in (tg, torch):
        m.manual_seed(0)
        w_ih = m.randn(4, 3, dtype=m.float64, requires_grad=True)
        w_hh = m.randn(4, 4, dtype=m.float64, requires_grad=True)
        h = m.zeros(2, 4, dtype=m.float64, requires_grad=True)
        for x_t in m.randn(3, 2, 3, dtype=m.float64):  # one RNN step, written out (torch's cell is fused)
            h = (x_t @ w_ih.t() + h @ w_hh.t()).tanh()
        loss = (h * h).sum()
        if m is tg:
            with viz.BackwardTrace() as trace:
                loss.backward()
            names = [s.node for s in trace.steps]
        else:
            visits = torch_visits(loss)
            loss.backward()
            names = [name for name, _ in visits]
        counts.append(sorted(names))
    assert counts[0] == counts[1]
    assert counts[0].count("TanhBackward0") == 3  # one per time step


def test_trace_changes_no_result_and_restores_the_engine():
    run_node = engine._run_node
    grads = []
    for traced in (False, True):
        tg.manual_seed(1)
        rnn = tg.nn.RNN(3, 5, num_layers=2)
        x = tg.randn(4, 2, 3, requires_grad=True)
        out, _ = rnn(x)
        if traced:
            with viz.BackwardTrace():
                out.sum().backward()
        else:
            out.sum().backward()
        grads.append([x.grad.numpy()] + [p.grad.numpy() for p in rnn.parameters()])
    for a, b in zip(*grads):
        assert a.dtype == b.dtype == np.float32 and np.array_equal(a, b)
    assert engine._run_node is run_node
    with pytest.raises(KeyError), viz.BackwardTrace():
        raise KeyError("an error inside the block")
    assert engine._run_node is run_node


def test_autograd_grad_and_nested_traces():
    x = tg.tensor([0.5, -1.0], dtype=tg.float64, requires_grad=True)
    y = (x.sin() * x).sum()
    with viz.BackwardTrace() as outer:
        with viz.BackwardTrace() as inner:
            (g,) = tg.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
    assert [s.node for s in inner.steps] == ["SumBackward0", "MulBackward0", "SinBackward0"]
    assert len(outer.steps) > len(inner.steps)  # saw both passes
    np.testing.assert_allclose(inner.steps[-1].grad_norms[0],
                               np.linalg.norm(x.detach().numpy() * np.cos(x.detach().numpy())), rtol=1e-12)


def test_table_has_one_line_per_step():
    x = tg.ones(3, requires_grad=True)
    with viz.BackwardTrace(params={"x": x}) as trace:
        (x.tanh() * 2).sum().backward()
    lines = str(trace).splitlines()
    assert len(lines) == 1 + len(trace) == 4
    assert lines[0].split()[:4] == ["step", "node", "received", "sent"]
    assert lines[1].split()[:4] == ["0", "SumBackward0", "()", "MulBackward0:"]
    assert lines[3].split() == ["2", "TanhBackward0", "(3,)", "x:", "(3,)", f"|g|={trace.steps[2].grad_norms[0]:.3g}"]
    np.testing.assert_allclose(trace.steps[2].grad_norms[0], np.linalg.norm(x.grad.numpy()), rtol=1e-6)
    assert repr(trace) == "<BackwardTrace of 3 steps>"


def test_frontier_moves_down_the_graph():
    x = tg.tensor([0.1, 0.2], requires_grad=True)
    with viz.BackwardTrace() as trace:
        x.exp().tanh().sin().sum().backward()
    names = ["SumBackward0", "SinBackward0", "TanhBackward0", "ExpBackward0"]
    for k in range(4):
        g = trace.graph(k)
        state = {b.label: b.state for b in g.boxes}
        assert [state[n] for n in names] == ["done"] * k + ["current"] + ["frontier"] * (k < 3) + \
            ["untouched"] * max(0, 2 - k)
        assert state["(2,) float32"] == ("done" if k == 3 else "untouched")
        assert g.title == f"step {k}: {names[k]}"
        assert sum(bool(a.label) for a in g.arrows) == k + 1  # arrows that carried a gradient so far
    assert trace.graph(-1).title == trace.graph().title == "step 3: ExpBackward0"
    svg = trace.svg(1)
    assert "#ffd700" in svg and ">SinBackward0<" in svg  # the frontier's colour is drawn
    assert trace._repr_svg_() == trace.svg(3)
    with pytest.raises(IndexError, match="step 4 is out of range for a trace of 4 steps"):
        trace.svg(4)
    with pytest.raises(RuntimeError, match="the trace is empty"):
        viz.BackwardTrace().svg()

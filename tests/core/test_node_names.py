"""Graph nodes carry torch's names twice, as torch's do: `grad_fn.name()` and the node's class name
(`type(grad_fn).__name__`), for built-in ops, composites and user Functions alike; and no op's
forward sets a name (names are declared, see core/function.py)."""
import pathlib
import re

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

WHOLE_GRAPHS = {  # ops whose every node torch's graph has too: the whole graph is compared
    "add": lambda m, a, b: a + b,
    "add_number": lambda m, a, b: a + 2,
    "rsub": lambda m, a, b: 2 - a,
    "sub": lambda m, a, b: a - b,
    "mul_div": lambda m, a, b: a * b / (b.exp() + 1),
    "pow": lambda m, a, b: a ** 2 + 2 ** a,
    "amax_amin": lambda m, a, b: a.amax(0) + a.amin(1).sum(),
    "max_min_dim": lambda m, a, b: a.max(0).values + a.min(0).values,
    "view": lambda m, a, b: a.reshape(6) + b.view(3, 2).reshape(6),
    "matmul": lambda m, a, b: (a @ b.t()).sum() + (a[0] @ b[1]) + (a @ b[0]).sum(),
    "masked_fill_where": lambda m, a, b: a.masked_fill(b > 0, 0.5) + m.where(b > 0, a, b),
    "masked_fill_by_tensor": lambda m, a, b: a.masked_fill(b > 0, m.tensor(0.5)) + a.masked_fill(b < 0, m.tensor(2)),
    "logsumexp": lambda m, a, b: a.logsumexp(0).sum(),
    "cat_stack": lambda m, a, b: m.cat([a, b]).sum() + m.stack([a, b]).sum(),
    "clamp": lambda m, a, b: a.clamp(min=0).sum() + a.clamp(max=0).sum() + a.clamp(-1, 1).sum(),
    # the 60 Minute Blitz walks loss.grad_fn.next_functions: mse is one node whose edges are its inputs
    "cross_entropy": lambda m, a, b: m.nn.functional.cross_entropy(a, m.tensor([0, 2]))
    + m.nn.functional.nll_loss(b[0], m.tensor(1), reduction="sum"),
    "bce_with_logits": lambda m, a, b: m.nn.functional.binary_cross_entropy_with_logits(a, b.sigmoid())
    + m.nn.functional.binary_cross_entropy_with_logits(b, a.detach().sigmoid(), reduction="none").sum(),
    "mse_loss": lambda m, a, b: m.nn.functional.mse_loss(a * 2, b) + m.nn.functional.mse_loss(a, b, reduction="sum"),
    # makemore's hand-written batch norm: var and std are one node each, with an edge to their input only
    "var_std": lambda m, a, b: (a * 2).var(0, keepdim=True).sum() + b.std(1).sum() + a.var() + b.std(correction=0),
}

LAST_NODES = {  # ops built from smaller ones here: the node that made the result is compared
    "unsafe_view": lambda m, a, b: a.t().reshape(6),
    "select": lambda m, a, b: a[0],
    "slice": lambda m, a, b: a[1:],
    "index": lambda m, a, b: a[[0, 1], 2],
    "var": lambda m, a, b: a.var(),
    "std": lambda m, a, b: a.std(0),
    "norm": lambda m, a, b: a.norm(),
    "lerp": lambda m, a, b: m.lerp(a, b, 0.3),
    "gelu": lambda m, a, b: m.nn.functional.gelu(a),
    "leaky_relu": lambda m, a, b: m.nn.functional.leaky_relu(b),
    "mse": lambda m, a, b: m.nn.functional.mse_loss(a, b),
    "linear": lambda m, a, b: m.nn.functional.linear(a, b, b[0, :2]),
    "softmax": lambda m, a, b: a.softmax(1),
}


def _graph_names(out):
    """(name(), class name) of every node reachable from out, in a fixed walk order."""
    seen, names, todo = set(), [], [out.grad_fn]
    while todo:
        node = todo.pop()
        key = id(getattr(node, "variable", node))  # a leaf's AccumulateGrad: one per leaf
        if node is None or key in seen:
            continue
        seen.add(key)
        names.append((node.name(), type(node).__name__))
        todo.extend(f for f, _ in getattr(node, "next_functions", ()))
    return names


def _last_node_names(out):
    return out.grad_fn.name(), type(out.grad_fn).__name__


def _both(fn, names_of):
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    names = []
    for m in (tinygrad_rnn, torch):
        a, b = (m.tensor(x, requires_grad=True) for x in arrays)
        names.append(names_of(fn(m, a, b)))
    return names


@pytest.mark.parametrize("case", sorted(WHOLE_GRAPHS))
def test_every_node_of_a_graph_has_torchs_names(case):
    ours, theirs = _both(WHOLE_GRAPHS[case], _graph_names)
    assert ours == theirs


@pytest.mark.parametrize("case", sorted(LAST_NODES))
def test_a_composite_result_has_torchs_names(case):
    ours, theirs = _both(LAST_NODES[case], _last_node_names)
    assert ours == theirs


def test_linear_node_lists_bias_then_input_as_torchs_addmm():
    """The Blitz prints loss.grad_fn.next_functions[0][0].next_functions[0][0]: the bias's AccumulateGrad."""
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        x = m.ones(1, 3, requires_grad=True)
        out = m.nn.Linear(3, 2)(x * 2)
        edges = out.grad_fn.next_functions
        shown.append((repr(edges[0][0]).split(" at ")[0], edges[1][0].name(), len(edges)))
    assert shown[0] == shown[1]


@pytest.mark.parametrize("case", ["row", "column", "leading", "linear"])
def test_a_broadcast_input_gradient_under_create_graph_has_torchs_last_node(case):
    """torch sums a broadcast gradient keeping the dims, then views the leading ones away: ViewBackward0 when
    there were any (a Linear's bias, MAML's printed gradients), else SumBackward1."""
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        x = m.randn(4, 3, requires_grad=True)
        p = {"row": m.randn(1, 3), "column": m.randn(4, 1), "leading": m.randn(3), "linear": m.randn(3)}[case]
        p.requires_grad_()
        y = m.nn.functional.linear(x, m.eye(3), p) if case == "linear" else x * p
        (g,) = m.autograd.grad((y * y).sum(), p, create_graph=True)
        shown.append(g.grad_fn.name())
    assert shown[0] == shown[1]


def _user_functions(m):
    class Square(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class Outer:  # a nested user Function: torch names its node by the class name, not the qualname
        class Twice(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

    return Square, Outer.Twice


def test_user_function_nodes_are_named_as_torchs():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        square, twice = _user_functions(m)
        x = m.tensor([1.0, -2.0], requires_grad=True)
        y = twice.apply(square.apply(x))
        seen.append((_graph_names(y), type(y.grad_fn).__name__, type(y.grad_fn)._forward_cls is twice))
    assert seen[0] == seen[1]
    assert seen[0][1] == "TwiceBackward"


def test_the_node_is_still_the_ctx_of_its_op():
    """forward's ctx is the node, an instance of the op's class (so the op's own attributes and
    static methods are reached through it)."""
    square, _ = _user_functions(tinygrad_rnn)
    y = square.apply(tinygrad_rnn.tensor([3.0], requires_grad=True))
    assert isinstance(y.grad_fn, square) and type(y.grad_fn) is not square
    assert type(y.grad_fn) is type(square.apply(tinygrad_rnn.tensor([1.0], requires_grad=True)).grad_fn)


def test_no_forward_sets_a_node_name():
    """Names are declared (`torch_name`, `node_name(*args)`, `rename` in a public function);
    a forward that set one would mix torch's spelling into the math."""
    package = pathlib.Path(tinygrad_rnn.__file__).parent
    offenders = [f"{p.relative_to(package)}:{n}" for p in sorted(package.rglob("*.py"))
                 for n, line in enumerate(p.read_text().splitlines(), 1)
                 if re.search(r"\b(ctx|self)\.torch_name\s*=", line)]
    assert offenders == []


@pytest.mark.parametrize("make", [
    lambda m, t: m.heaviside(t, m.tensor(0.0)), lambda m, t: m.detach_copy(t), lambda m, t: m.histogram(t, 3).hist,
    lambda m, t: t.sum() * 2, lambda m, t: m.histogram(t.detach(), 3, weight=t).bin_edges,
])
def test_a_node_prints_as_torchs_without_the_cpp_namespace(make):
    """torch prints a node as its Python type, `<NotImplemented object at ...>`, while its name() is
    `torch::autograd::NotImplemented` (the results of ops without a derivative, histogram's among them)."""
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        node = make(m, m.ones(4, requires_grad=True)).grad_fn
        shown.append((re.sub(r"0x[0-9a-f]+", "0x?", repr(node)), node.name()))
    assert shown[0] == shown[1]

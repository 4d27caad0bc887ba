"""A hypothesis state machine drives the engine through random programs and checks every
gradient against a brute-force reference (issue 10, item 6).

The machine builds random graphs from a few leaves: unary and binary ops (with broadcasting),
reused nodes (shared subexpressions), `detach()`, ops under `no_grad()`, `retain_grad()` on
intermediates. It calls `backward` from random nodes with random upstream gradients, with and
without `retain_graph`, and zeroes gradients now and then.

The reference is independent of the engine: a tiny reverse-mode autodiff over numpy written
here. Each node keeps its value and numpy local derivatives; backward sums, over every path,
v * local derivative, the textbook way (no shared code with tinygrad_rnn). After every step each
leaf's and retained node's `.grad` must equal the reference, accumulation across calls included.
Freed graphs: after `backward` without `retain_graph`, a node whose op saved tensors raises
torch's error when differentiated again (and, as in torch, a retained root still receives its
gradient before its node fails).

Not covered: tensor hooks (`Tensor.register_hook` does not exist here yet).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule

import tinygrad_rnn as tg

SHAPES = [(3,), (2, 3)]

# name -> (our op, numpy value, numpy d(out)/d(x) given x and out, whether the op saves tensors)
UNARY = {
    "tanh": (tg.tanh, np.tanh, lambda x, y: 1 - y * y, True),
    "sin": (tg.sin, np.sin, lambda x, y: np.cos(x), True),
    "exp_half": (lambda t: (t * 0.5).exp(), lambda x: np.exp(x * 0.5), lambda x, y: 0.5 * y, True),
    "neg": (lambda t: -t, np.negative, lambda x, y: -np.ones_like(x), False),
    "square": (lambda t: t * t, np.square, lambda x, y: 2 * x, True),
}
BINARY = {
    "add": (lambda a, b: a + b, np.add, lambda a, b: (1.0, 1.0), False),
    "sub": (lambda a, b: a - b, np.subtract, lambda a, b: (1.0, -1.0), False),
    "mul": (lambda a, b: a * b, np.multiply, lambda a, b: (b, a), True),
}


class Ref:
    """A node of the reference autodiff: value, parents with their local derivatives."""

    def __init__(self, value: np.ndarray, parents: list | None = None, saves: bool = False) -> None:
        self.value = value
        self.parents = parents or []  # [(Ref, local derivative: array broadcastable to value)]
        self.saves = saves
        self.grad: np.ndarray | None = None  # expected .grad (leaves and retained nodes)
        self.retained = False
        self.freed = False

    @property
    def differentiable(self) -> bool:
        return self.is_leaf or bool(self.parents)

    is_leaf = False


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, n in enumerate(shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdims=True)
    return g


def reference_backward(root: Ref, v: np.ndarray) -> dict[int, np.ndarray]:
    """d(sum(v * root)) / d(node) for every node above root, by the chain rule over every path."""
    order, seen = [], set()

    def visit(node: Ref) -> None:  # graphs here are a few dozen nodes deep: recursion is fine
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent, _ in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    grads = {id(root): v}
    for node in reversed(order):
        g = grads.get(id(node))
        if g is None:
            continue
        for parent, local in node.parents:
            contribution = unbroadcast(g * local, parent.value.shape)
            grads[id(parent)] = grads.get(id(parent), 0) + contribution
    return {k: grads[k] for k in grads}, order


class EngineMachine(RuleBasedStateMachine):
    nodes = Bundle("nodes")

    def __init__(self) -> None:
        super().__init__()
        self.rng = np.random.default_rng(0)
        self.pairs: list[tuple] = []  # (Tensor, Ref) of every node that may still be checked

    def _add(self, t: tg.Tensor, ref: Ref) -> tuple:
        pair = (t, ref)
        self.pairs.append(pair)
        return pair

    @initialize(target=nodes)
    def first_leaf(self) -> tuple:
        return self._leaf(0)

    @rule(target=nodes, shape=st.integers(0, len(SHAPES) - 1))
    def leaf(self, shape: int) -> tuple:
        return self._leaf(shape)

    def _leaf(self, shape: int) -> tuple:
        value = self.rng.standard_normal(SHAPES[shape])
        ref = Ref(value)
        ref.is_leaf = True
        return self._add(tg.tensor(value, requires_grad=True), ref)

    @rule(target=nodes, shape=st.integers(0, len(SHAPES) - 1))
    def constant(self, shape: int) -> tuple:
        t = tg.tensor(self.rng.standard_normal(SHAPES[shape]))
        return self._add(t, Ref(t.numpy()))

    @rule(target=nodes, node=nodes, op=st.sampled_from(sorted(UNARY)))
    def unary(self, node: tuple, op: str) -> tuple:
        t, ref = node
        ours, value, local, saves = UNARY[op]
        x = t.detach().numpy()
        y = value(x)
        new_ref = Ref(y, [(ref, local(x, y))] if ref.differentiable else [], saves)
        return self._add(ours(t), new_ref)

    @rule(target=nodes, a=nodes, b=nodes, op=st.sampled_from(sorted(BINARY)))
    def binary(self, a: tuple, b: tuple, op: str) -> tuple:
        (ta, ra), (tb, rb) = a, b
        ours, value, local, saves = BINARY[op]
        xa, xb = ta.detach().numpy(), tb.detach().numpy()
        da, db = local(xa, xb)
        parents = [(r, d) for r, d in ((ra, da), (rb, db)) if r.differentiable]
        return self._add(ours(ta, tb), Ref(value(xa, xb), parents, saves))

    @rule(target=nodes, node=nodes)
    def detach(self, node: tuple) -> tuple:
        t, _ = node
        return self._add(t.detach(), Ref(t.detach().numpy()))

    @rule(target=nodes, node=nodes, op=st.sampled_from(sorted(UNARY)))
    def under_no_grad(self, node: tuple, op: str) -> tuple:
        t, _ = node
        with tg.no_grad():
            out = UNARY[op][0](t)
        assert not out.requires_grad
        return self._add(out, Ref(out.numpy()))

    # The rules below pick among the nodes that qualify (by index), and only run when one does,
    # so that most steps of a program do something.
    def _backward_roots(self) -> list:
        return [p for p in self.pairs if p[1].parents and not p[1].freed and not _reaches_freed(p[1])]

    def _pick(self, candidates: list, index: int) -> tuple:
        return candidates[index % len(candidates)]

    @precondition(lambda self: any(r.parents and not r.freed and not r.retained for _, r in self.pairs))
    @rule(index=st.integers(0, 99))
    def retain_grad(self, index: int) -> None:
        t, ref = self._pick([p for p in self.pairs if p[1].parents and not p[1].freed and not p[1].retained], index)
        t.retain_grad()
        ref.retained = True

    @precondition(lambda self: bool(self._backward_roots()))
    @rule(index=st.integers(0, 99), retain_graph=st.booleans())
    def backward(self, index: int, retain_graph: bool) -> None:
        t, ref = self._pick(self._backward_roots(), index)
        v = self.rng.standard_normal(ref.value.shape)
        t.backward(tg.tensor(v), retain_graph=retain_graph)
        grads, order = reference_backward(ref, v)
        for r in order:
            if (r.is_leaf or r.retained) and id(r) in grads:
                r.grad = grads[id(r)] if r.grad is None else r.grad + grads[id(r)]
            if not retain_graph and r.parents:
                r.freed = True

    @precondition(lambda self: any(r.freed and r.saves for _, r in self.pairs))
    @rule(index=st.integers(0, 99))
    def backward_through_a_freed_graph_raises(self, index: int) -> None:
        t, ref = self._pick([p for p in self.pairs if p[1].freed and p[1].saves], index)
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            t.backward(tg.tensor(np.ones(ref.value.shape)))
        if ref.retained:  # as in torch, the root's retained gradient is stored before its node fails
            ref.grad = ref.grad + 1.0

    @precondition(lambda self: any(r.is_leaf and r.grad is not None for _, r in self.pairs))
    @rule(index=st.integers(0, 99))
    def zero_grad(self, index: int) -> None:
        t, ref = self._pick([p for p in self.pairs if p[1].is_leaf and p[1].grad is not None], index)
        t.grad = None
        ref.grad = None

    @invariant()
    def grads_match_the_reference(self) -> None:
        for t, ref in self.pairs:
            if not (ref.is_leaf or ref.retained):
                continue
            got = t._grad
            if ref.grad is None:
                assert got is None, "a gradient arrived where the reference has none"
            else:
                assert got is not None, "the reference has a gradient the engine did not deliver"
                np.testing.assert_allclose(got.numpy(), ref.grad, rtol=1e-12, atol=1e-12)


def _reaches_freed(ref: Ref) -> bool:
    """Whether the graph above `ref` contains a freed node (then torch may or may not raise,
    depending on whether that node saved tensors: the machine does not go there)."""
    stack, seen = [ref], set()
    while stack:
        node = stack.pop()
        for parent, _ in node.parents:
            if id(parent) not in seen:
                if parent.freed:
                    return True
                seen.add(id(parent))
                stack.append(parent)
    return False


EngineMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
test_engine_against_reference = EngineMachine.TestCase

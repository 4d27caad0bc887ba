"""torch.autograd.graph against torch: what each node saves and under which name, when pack and unpack
hooks run and with what, what unpack may return, node hooks and their order, and the errors."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn
from tinygrad_rnn.core import engine
from tinygrad_rnn.core.function import Function

OPS = {
    "mul": lambda m, a, b: a * b,
    "mul_no_grad_other": lambda m, a, b: a * b.detach(),
    "mul_number": lambda m, a, b: a * 2,
    "div": lambda m, a, b: a / b,
    "div_no_grad_other": lambda m, a, b: a / b.detach(),
    "pow_number": lambda m, a, b: a.pow(2),
    "pow_tensor": lambda m, a, b: a.pow(b),
    "exp": lambda m, a, b: a.exp(),
    "sin": lambda m, a, b: m.sin(a),
    "tanh": lambda m, a, b: a.tanh(),
    "sigmoid": lambda m, a, b: m.sigmoid(a),
    "relu": lambda m, a, b: a.relu(),
    "log": lambda m, a, b: a.log(),
    "softmax": lambda m, a, b: a.softmax(0),
    "mm": lambda m, a, b: a.view(1, 3) @ b.view(3, 1),
    "dot": lambda m, a, b: a @ b,
    "linear": lambda m, a, b: m.nn.functional.linear(a.view(1, 3), b.view(1, 3), m.ones(1, dtype=m.float64)),
    "linear_no_grad_input": lambda m, a, b: m.nn.functional.linear(a.detach().view(1, 3), b.view(1, 3)),
    "bmm": lambda m, a, b: a.view(1, 1, 3).bmm(b.view(1, 3, 1)),
    "silu": lambda m, a, b: m.nn.functional.silu(a),
    "log1p": lambda m, a, b: a.log1p(),
    "add": lambda m, a, b: a + b,
    "add_alpha": lambda m, a, b: a.add(b, alpha=2),
    "sub_number": lambda m, a, b: a - 1,
    "sub_alpha": lambda m, a, b: a.sub(b, alpha=3),
    "view": lambda m, a, b: a.view(3, 1),
    "expand": lambda m, a, b: a.expand(2, 3),
    "sum_dim": lambda m, a, b: a.view(3, 1).sum(0),
    "mean_dim_keepdim": lambda m, a, b: a.view(1, 3).mean(1, keepdim=True),
    "sum": lambda m, a, b: a.sum(),
    "mean": lambda m, a, b: a.mean(),
}


def _inputs(m):
    a = m.tensor([0.5, 1.5, 2.0], dtype=m.float64, requires_grad=True)
    b = m.tensor([1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True) * 1.5  # a non-leaf
    return a, b


def _values(t):
    """The elements, rounded far below float64's precision of the math but above its last bits."""
    return np.round(np.asarray(t.tolist(), dtype=float), 10).tolist()


def _shown(value):
    if hasattr(value, "tolist"):
        return ("tensor", _values(value), str(value.dtype).split(".")[-1], value.requires_grad)
    return value


def _saved_names_and_values(m, op):
    a, b = _inputs(m)
    node = OPS[op](m, a, b).grad_fn
    names = [n for n in dir(node) if n.startswith(("_saved_", "_raw_saved_"))]
    values = {n: _shown(getattr(node, n)) for n in names if n.startswith("_saved_") and not n.endswith("_strides")}
    identity = [getattr(node, n) is t for n in names if n.startswith("_saved_") for t in (a,)]
    return node.name(), [n for n in names if "strides" not in n], values, identity


@pytest.mark.parametrize("op", list(OPS))
def test_saved_attributes_are_torchs(op):
    torch = require_torch()
    ours, theirs = _saved_names_and_values(tinygrad_rnn, op), _saved_names_and_values(torch, op)
    if op == "pow_tensor":  # torch also saves the result of x ** tensor; ours recomputes it
        theirs = (theirs[0], [n for n in theirs[1] if "result" not in n],
                  {k: v for k, v in theirs[2].items() if "result" not in k}, ours[3])
    if op in ("mm", "linear", "linear_no_grad_input"):  # torch also keeps the sizes and strides of the matrices
        theirs = (theirs[0], [n for n in theirs[1] if "sym" not in n and "alpha" not in n and "beta" not in n],
                  {k: v for k, v in theirs[2].items() if "sym" not in k and "alpha" not in k and "beta" not in k}, ours[3])
        ours = (ours[0], ours[1], {k: v for k, v in ours[2].items() if "sym" not in k}, ours[3])
    assert ours == theirs


def test_saved_names_need_no_getattr_on_nodes_and_a_forward_may_use_them():
    """torch's saved names reach saved_attribute through descriptors: a `__getattr__` on Function would make
    every attribute read of every node slower. A user's forward may still store its own value under one."""
    assert "__getattr__" not in vars(Function)

    class Keep(tinygrad_rnn.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx._saved_self = "mine"
            return x * 2

        @staticmethod
        def backward(ctx, g):
            assert ctx._saved_self == "mine"
            return g * 2

    x = tinygrad_rnn.ones(2, requires_grad=True)
    y = Keep.apply(x)
    assert y.grad_fn._saved_self == "mine"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    with pytest.raises(AttributeError, match="'KeepBackward' object has no attribute '_saved_other'"):
        y.grad_fn._saved_other  # noqa: B018 (the read is the test)
    check_error(lambda m: (m.ones(2, requires_grad=True) * 2).grad_fn._saved_bogus)
    check_error(lambda m: m.ones(2, requires_grad=True).exp().grad_fn._saved_other)


def _pack_log(m, op, backward=True):
    log = []

    def pack(t):
        log.append(("pack", _values(t), t.requires_grad, None if t.grad_fn is None else t.grad_fn.name()))
        return t

    def unpack(t):
        log.append(("unpack", _values(t)))
        return t

    a, b = _inputs(m)
    with m.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = OPS[op](m, a, b)
    log.append("forward done")
    if backward:
        y.sum().backward()
    return log, [None if t.grad is None else t.grad.tolist() for t in (a,)]


# Left out: ops built here from smaller ops (silu: sigmoid then mul), or named after the pack (bmm is
# renamed from matmul's node), or saving what torch does not (x ** tensor: torch also saves the result).
@pytest.mark.parametrize("op", [op for op in OPS if op not in ("pow_tensor", "silu", "bmm")])
def test_pack_and_unpack_run_as_torchs(op):
    torch = require_torch()
    ours, theirs = _pack_log(tinygrad_rnn, op), _pack_log(torch, op)
    assert ours[0] == theirs[0]
    assert (ours[1] == [None]) == (theirs[1] == [None])
    if ours[1] != [None]:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)


def _unpack_changes_gradient(m):
    x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(lambda t: t.detach().tolist(), lambda v: m.tensor(v) * 10):
        y = (x * 3).sin() * x.exp()
    y.sum().backward()
    return x.grad.tolist()


def test_backward_uses_what_unpack_returns():
    torch = require_torch()
    np.testing.assert_allclose(_unpack_changes_gradient(tinygrad_rnn), _unpack_changes_gradient(torch), rtol=1e-5)


def _raw_hooks_log(m):
    log = []
    x = m.tensor([1.0, -2.0], requires_grad=True)
    y = x.pow(2)
    y.grad_fn._raw_saved_self.register_hooks(lambda t: log.append(("pack", str(t))) or t,
                                              lambda t: log.append(("unpack", str(t))) or t)
    log.append(y.grad_fn._saved_self.tolist())
    y.sum().backward()
    log.append(x.grad.tolist())
    return log


def test_hooks_on_one_saved_tensor_run_as_torchs():
    torch = require_torch()
    assert _raw_hooks_log(tinygrad_rnn) == _raw_hooks_log(torch)


def _two_registrations(m):
    y = m.ones(2, requires_grad=True).pow(2)
    y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
    y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)


def _registration_after_backward(m):
    y = m.ones(2, requires_grad=True).pow(2)
    raw = y.grad_fn._raw_saved_self
    y.sum().backward()
    raw.register_hooks(lambda t: t, lambda t: t)


def _unpack_returns(m, value):
    x = m.ones(2, requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: value):
        y = x.sin()
    y.sum().backward()


def _unpack_changes_shape(op):
    def program(m):
        x = m.ones(3, requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: m.ones(2)):
            y = op(x)
        y.sum().backward()
    return program


def _pack_changes_input(m):
    x = m.ones(2, requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(lambda t: t.mul_(2), lambda t: t):
        _ = x * x.detach()


def _hooks_inside_disable(m):
    with m.autograd.graph.disable_saved_tensors_hooks("not here, please"):
        with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass


def _freed_saved_result(m):
    y = m.ones(2, requires_grad=True).exp()
    y.sum().backward()
    _ = y.grad_fn._saved_result


def _saving_inside_disable(m):
    x = m.ones(2, requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        with m.autograd.graph.disable_saved_tensors_hooks("no saving through hooks here"):
            x.sin()


@pytest.mark.parametrize("misuse", [_two_registrations, _saving_inside_disable, _registration_after_backward, _pack_changes_input,
                                    _hooks_inside_disable, _freed_saved_result,
                                    lambda m: _unpack_returns(m, None), lambda m: _unpack_returns(m, 3),
                                    _unpack_changes_shape(lambda x: x.exp()), _unpack_changes_shape(lambda x: x * x)])
def test_misuse_raises_torchs_error(misuse):
    check_error(misuse)


def _nested(m):
    log = []
    x = m.ones(2, requires_grad=True)
    with m.autograd.graph.saved_tensors_hooks(lambda t: log.append("outer") or t, lambda t: t):
        with m.autograd.graph.saved_tensors_hooks(lambda t: log.append("inner") or t, lambda t: t):
            x.sin()
        x.cos()
        with m.no_grad():
            x.tan()
    return log


def test_the_innermost_hooks_apply_and_no_grad_saves_nothing():
    torch = require_torch()
    assert _nested(tinygrad_rnn) == _nested(torch)


def test_hooks_belong_to_the_thread_that_opened_them():
    packed = []
    started, done = threading.Event(), threading.Event()

    def other_thread():
        started.wait()
        tinygrad_rnn.ones(2, requires_grad=True).sin()  # saves, but with no hooks of its own
        done.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with tinygrad_rnn.autograd.graph.saved_tensors_hooks(lambda t: packed.append(1) or t, lambda t: t):
        started.set()
        done.wait()
    thread.join()
    assert packed == []


def test_ops_run_the_cores_save_when_no_hooks_are_open():
    core_keep_saved = Function.__dict__["_keep_saved"]
    with tinygrad_rnn.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        assert Function.__dict__["_keep_saved"] is not core_keep_saved
        with tinygrad_rnn.autograd.graph.save_on_cpu():
            pass
        assert Function.__dict__["_keep_saved"] is not core_keep_saved
    assert Function.__dict__["_keep_saved"] is core_keep_saved


def _save_on_cpu(m):
    x = m.tensor([0.5, 1.0], requires_grad=True)
    with m.autograd.graph.save_on_cpu(pin_memory=False):
        y = (x * 2).sin().exp().sum()
    y.backward()
    return x.grad.tolist(), isinstance(m.autograd.graph.save_on_cpu(), m.autograd.graph.saved_tensors_hooks)


def test_save_on_cpu_gives_torchs_gradients():
    torch = require_torch()
    ours, theirs = _save_on_cpu(tinygrad_rnn), _save_on_cpu(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1] == theirs[1]


# ---------------------------------------------------------------------------- nodes and their hooks
def _node_hooks(m):
    log = []
    x = m.tensor([1.0, 2.0], requires_grad=True)
    w = m.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    z = y.sin()
    y.register_hook(lambda g: log.append(("tensor hook", g.tolist())))
    y.grad_fn.register_prehook(lambda go: log.append(("prehook", [g.tolist() for g in go])))
    y.grad_fn.register_hook(lambda gi, go: log.append(("hook", [g.tolist() for g in gi], [g.tolist() for g in go])))
    removed = z.grad_fn.register_hook(lambda gi, go: log.append("removed hook ran"))
    removed.remove()
    z.sum().backward()
    c = x * 2
    c.grad_fn.register_hook(lambda gi, go: log.append(("number operand", [None if g is None else g.tolist() for g in gi])))
    c.sum().backward()
    p = x.pow(3)
    p.grad_fn.register_prehook(lambda go: (go[0] * 10,))
    p.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
    x.grad = None
    p.sum().backward()
    log.append(x.grad.tolist())
    return log


def test_node_hooks_run_as_torchs():
    torch = require_torch()
    ours, theirs = _node_hooks(tinygrad_rnn), _node_hooks(torch)
    assert str(ours) == str(theirs)


def _nodes(m):
    x = m.ones(2, requires_grad=True)
    c = x * 3
    Node = m.autograd.graph.Node
    leaf_node = c.grad_fn.next_functions[0][0]
    metadata = [dict(c.grad_fn.metadata)]
    c.grad_fn.metadata["note"] = 1
    metadata.append(c.grad_fn.metadata)
    versions = [x._version]
    m.autograd.graph.increment_version(x)
    versions.append(x._version)
    return (isinstance(c.grad_fn, Node), isinstance(leaf_node, Node), isinstance(x, Node),
            leaf_node is c.grad_fn.next_functions[0][0], metadata, versions)


def test_nodes_are_torchs():
    torch = require_torch()
    assert _nodes(tinygrad_rnn) == _nodes(torch)


def _leaf_node_hooks(m):
    log = []
    x = m.tensor([1.0, 2.0], requires_grad=True)
    acc = (x * 1).grad_fn.next_functions[0][0]
    acc.register_prehook(lambda go: log.append(("acc prehook", go[0].tolist())) or (go[0] * 2,))
    acc.register_hook(lambda gi, go: log.append(("acc hook", gi, go[0].tolist(), x.grad.tolist())))
    x.register_hook(lambda g: log.append(("tensor hook", g.tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post accumulate", t.grad.tolist())))
    (x * 5).sum().backward()
    log.append(x.grad.tolist())
    return log


def test_hooks_on_a_leafs_accumulate_grad_run_as_torchs():
    torch = require_torch()
    assert _leaf_node_hooks(tinygrad_rnn) == _leaf_node_hooks(torch)


def _multi_grad_hooks(m):
    log = []
    a = m.tensor([1.0, 2.0], requires_grad=True)
    b = m.tensor([3.0, 4.0], requires_grad=True)
    c, d = a * b, a * b
    shown = (lambda grads: [None if g is None else g.tolist() for g in grads])
    handle = m.autograd.graph.register_multi_grad_hook(
        (a, b, c, d), lambda grads: log.append(("all", shown(grads), None if a.grad is None else a.grad.tolist())))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)
    log.append(m.autograd.grad(d.sum(), (d,), retain_graph=True)[0].tolist())
    d.sum().backward(retain_graph=True)
    handle.remove()
    c.sum().backward(retain_graph=True)
    log.append("removed")
    handle = m.autograd.graph.register_multi_grad_hook((a, b, c), lambda g: log.append(("any", g.tolist())), mode="any")
    (c * 2).sum().backward(retain_graph=True)
    b.sum().backward()
    handle.remove()
    return log


def test_multi_grad_hooks_run_as_torchs():
    torch = require_torch()
    assert _multi_grad_hooks(tinygrad_rnn) == _multi_grad_hooks(torch)


@pytest.mark.parametrize("misuse", [
    lambda m: m.autograd.graph.register_multi_grad_hook((m.ones(1, requires_grad=True),), print, mode="some"),
    lambda m: m.autograd.graph.register_multi_grad_hook((m.ones(1, requires_grad=True), m.ones(1)), print),
])
def test_multi_grad_hook_misuse_raises_torchs_error(misuse):
    check_error(misuse)


def test_the_engine_is_the_cores_again_once_multi_grad_hooks_are_removed():
    core = engine._propagate
    x = tinygrad_rnn.ones(1, requires_grad=True)
    handles = [tinygrad_rnn.autograd.graph.register_multi_grad_hook((x,), print) for _ in range(2)]
    handles[0].remove()
    assert engine._propagate is not core
    handles[1].remove()
    assert engine._propagate is core


def _mutation_allowed(m):
    seen = []
    with m.autograd.graph.allow_mutation_on_saved_tensors() as ctx:
        a = m.tensor([0.5, 1.0, 2.0], requires_grad=True)
        b = a.clone()
        out = (b ** 2).sum() + b.exp().mul_(2).sum()
        b.sin_()  # saved by pow: backward still sees the value b had then
        out.backward()
        seen += [a.grad.tolist(), type(ctx).__name__]
    return seen


def test_allow_mutation_on_saved_tensors_gives_torchs_gradients():
    torch = require_torch()
    ours, theirs = _mutation_allowed(tinygrad_rnn), _mutation_allowed(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1] == theirs[1]


def _backward_after_the_block(m):
    a = m.ones(3, requires_grad=True)
    with m.autograd.graph.allow_mutation_on_saved_tensors():
        b = a.clone()
        out = (b ** 2).sum()
    out.backward()


def _nested_blocks(m):
    with m.autograd.graph.allow_mutation_on_saved_tensors():
        with m.autograd.graph.allow_mutation_on_saved_tensors():
            pass


@pytest.mark.parametrize("misuse", [_backward_after_the_block, _nested_blocks])
def test_allow_mutation_misuse_raises_torchs_error(misuse):
    check_error(misuse)


def _calling_nodes(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    calls = [(x * 3).grad_fn(m.ones(2)), (x * x.detach()).grad_fn(m.ones(2)), x.sin().grad_fn(m.ones(2)),
             x.pow(2).sum().grad_fn(m.tensor(1.0)), (x.view(2, 1) + m.ones(2, 3)).grad_fn(m.ones(2, 3))]
    return str(calls)


def test_calling_a_node_runs_its_backward_as_torchs():
    torch = require_torch()
    assert _calling_nodes(tinygrad_rnn) == _calling_nodes(torch)


def _what_pack_is_given(m):
    a = m.ones(2, requires_grad=True)
    b = a * 2
    seen = []
    with m.autograd.graph.saved_tensors_hooks(lambda t: seen.append(t) or t, lambda t: t):
        _ = a * b
        z = b.exp()
    return [[s is t for t in (a, b, z)] for s in seen]


def test_pack_is_given_the_saved_tensor_itself():
    torch = require_torch()
    assert _what_pack_is_given(tinygrad_rnn) == _what_pack_is_given(torch)


def test_a_node_named_as_torch_names_another_computation_has_no_saved_names():
    x = tinygrad_rnn.ones(1, 3, requires_grad=True)
    node = tinygrad_rnn.addmm(tinygrad_rnn.ones(2), x, tinygrad_rnn.ones(3, 2), alpha=2).grad_fn  # built from smaller ops
    assert node.name() == "AddmmBackward0"
    assert not [n for n in dir(node) if n.startswith(("_saved_", "_raw_saved_"))]


def _hooks_on_a_node_with_an_unused_output(m):
    log = []
    x = m.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    a, _ = x.unbind(0)
    a.grad_fn.register_prehook(lambda go: log.append(("prehook", [None if g is None else g.tolist() for g in go])))
    a.grad_fn.register_hook(lambda gi, go: log.append(("hook", [None if g is None else g.tolist() for g in go])))
    (a * 2).sum().backward()
    log.append(x.grad.tolist())
    return log


def test_node_hooks_see_none_for_an_output_no_gradient_reached():
    torch = require_torch()
    assert _hooks_on_a_node_with_an_unused_output(tinygrad_rnn) == _hooks_on_a_node_with_an_unused_output(torch)


def _call_a_user_functions_node(m):
    class Square(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    Square.apply(m.ones(2, requires_grad=True)).grad_fn(m.ones(2))


def test_a_user_functions_node_is_not_callable():
    check_error(_call_a_user_functions_node)


def test_node_hooks_return_torchs_removable_handle():
    x = tinygrad_rnn.ones(2, requires_grad=True)
    y = x * 2
    handles = [y.grad_fn.register_hook(lambda gi, go: None), y.grad_fn.register_prehook(lambda go: None),
               y.grad_fn.next_functions[0][0].register_hook(lambda gi, go: None)]
    assert all(isinstance(h, tinygrad_rnn.utils.hooks.RemovableHandle) for h in handles)
    assert handles[1].id == handles[0].id + 1


def _gradient_edges(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = (y * y).sum()
    edge = m.autograd.graph.get_gradient_edge(y)
    leaf_edge = m.autograd.graph.get_gradient_edge(x)
    return (edge.node.name(), edge.output_nr, edge.ownership_token, leaf_edge.node.name(),
            leaf_edge.node is y.grad_fn.next_functions[0][0],
            [g.tolist() for g in m.autograd.grad(z, edge, retain_graph=True)],
            [g.tolist() for g in m.autograd.grad(z, (leaf_edge, y))])


def test_gradient_edges_are_torchs():
    torch = require_torch()
    assert _gradient_edges(tinygrad_rnn) == _gradient_edges(torch)
    check_error(lambda m: m.autograd.graph.get_gradient_edge(m.ones(2)))


def _node_hook_returns(kind, value):
    def program(m):
        x = m.ones(3, requires_grad=True)
        y = x * 2
        if kind == "pre":
            y.grad_fn.register_prehook(lambda go: value(m, go))
        elif kind == "post":
            y.grad_fn.register_hook(lambda gi, go: value(m, gi))
        else:  # the prehook of x's AccumulateGrad
            y.grad_fn.next_functions[0][0].register_prehook(lambda go: value(m, go))
        y.sum().backward()
    return program


@pytest.mark.parametrize("returned", [
    _node_hook_returns("pre", lambda m, go: (m.ones(2),)),
    _node_hook_returns("pre", lambda m, go: go[0] * 2),
    _node_hook_returns("post", lambda m, gi: (m.ones(2), None)),
    _node_hook_returns("post", lambda m, gi: (m.ones(3),)),
    _node_hook_returns("post", lambda m, gi: (gi[0].double(), None)),
    _node_hook_returns("leaf", lambda m, go: (m.ones(2),)),
])
def test_a_node_hook_that_returns_wrong_gradients_raises_torchs_error(returned):
    check_error(returned)

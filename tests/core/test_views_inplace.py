"""Views and in-place changes (core/views.py), against torch: values, gradients, node names,
version counters and torch's errors. Each case is one function run on both frameworks."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_rnn
from tests.helpers import check_error, check_parity, require_torch


def _mul_through(view):
    """An in-place product through a view of a graph tensor; returns the base and the view."""
    def fn(m, x):
        a = x * 1
        v = view(a)
        v.mul_(3)
        return a, v
    return fn


VIEWS = {
    "slice": lambda a: a[1:],
    "step": lambda a: a[::2],
    "select": lambda a: a[1],
    "negative select": lambda a: a[-1],
    "narrow": lambda a: a.narrow(1, 1, 2),
    "view": lambda a: a.view(12),
    "reshape": lambda a: a.reshape(2, 6),
    "transpose": lambda a: a.transpose(0, 1),
    "t": lambda a: a.t(),
    "T": lambda a: a.T,
    "permute": lambda a: a.permute(1, 0),
    "movedim": lambda a: a.movedim(0, 1),
    "unsqueeze": lambda a: a.unsqueeze(0),
    "squeeze": lambda a: a.unsqueeze(1).squeeze(1),
    "flatten": lambda a: a.flatten(),
    "view_as": lambda a: a.view_as(a),
    "ellipsis": lambda a: a[...],
    "tensor_split": lambda a: a.tensor_split(2)[1],
    "slice of a transpose": lambda a: a.t()[1:],
    "view of a view of a view": lambda a: a[1:].t()[0],
    "column": lambda a: a[:, 2],
    "diagonal": lambda a: a.diagonal(),
    "diagonal above": lambda a: a.diagonal(1),
    "diagonal of a transpose": lambda a: a.t().diagonal(-1),
    "unfold": lambda a: a.unfold(1, 2, 2),
    "unfold of a column": lambda a: a[:, 1].unfold(0, 1, 2),
}


@pytest.mark.parametrize("name", VIEWS)
def test_inplace_through_a_view_matches_torch(name):
    check_parity(_mul_through(VIEWS[name]), shapes=[(3, 4)])


@pytest.mark.parametrize("name", VIEWS)
def test_base_and_view_node_names_after_inplace(name):
    seen = []
    for m in (tinygrad_rnn, require_torch()):
        a, v = _mul_through(VIEWS[name])(m, m.ones(3, 4, requires_grad=True))
        seen.append((a.grad_fn.name(), type(a.grad_fn).__name__, v.grad_fn.name(), a._version, v._version, v._base is a))
    assert seen[0] == seen[1]


def test_the_issue_cases():
    """The measurements of issue 11: a gradient that was silently wrong, and one torch refuses."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        x = m.ones(3, requires_grad=True)
        a = x * 1
        a[1:].mul_(3)
        a.sum().backward()
        assert x.grad.tolist() == [1.0, 3.0, 3.0]
    check_error(lambda m: _exp_then_sin(m).sum().backward())


def _exp_then_sin(m):
    x = m.ones(3, requires_grad=True)
    a = x.exp()
    s = a.sin()
    a[0:2].mul_(2)  # s saved a, which this changes through a view
    return s


def test_inplace_with_an_operand_that_requires_grad():
    def fn(m, x, y):
        a = x * 2
        a[1:, :2].mul_(y)
        a.t()[0].add_(y[0, 0])
        return a
    check_parity(fn, shapes=[(3, 4), (2, 2)])


def test_inplace_into_a_view_of_a_tensor_without_grad():
    def fn(m, x):
        base = m.zeros(3, 4, dtype=x.dtype)
        v = base[1:]
        v.copy_(x[1:] * 2)
        base[0].add_(x[0].exp())
        return base * m.arange(12.0, dtype=x.dtype).view(3, 4), v
    check_parity(fn, shapes=[(3, 4)])


def test_backward_through_base_and_view_and_an_older_view():
    def fn(m, x):
        a = x.sin()
        old = a[0]  # made before the change: it becomes a view of the changed base
        v = a[:, 1:]
        v.mul_(a[0, :3].exp())
        a[2].sub_(1)
        return a.sin(), v * 2, old
    check_parity(fn, shapes=[(3, 4)])


def test_inplace_on_a_base_that_has_views():
    def fn(m, x):
        a = x * 1
        v = a[1:]
        a.mul_(2)
        return v, a
    check_parity(fn, shapes=[(3, 4)])


def test_repeated_changes_and_chained_inplace_ops():
    def fn(m, x, y):
        a = x.sin()
        for i in range(3):
            a[i].mul_(y[i]).add_(1)
            a[:, i].div_(2)
        return a
    check_parity(fn, shapes=[(3, 4), (3, 4)])


def test_operators_in_place_keep_what_backward_saved():
    """`a *= b` saves a's old value for b's gradient; it was reported changed in place."""
    def fn(m, x, y):
        a = x * 1
        a *= y
        a /= y.exp()
        v = a[1:]
        v *= y[1:]
        return a
    check_parity(fn, shapes=[(3, 4), (3, 4)])


def test_setitem_and_fill_through_views():
    def fn(m, x, y):
        a = x * 1
        a[0][1:] = y[0, :3]
        a.t()[1].fill_(0.5)
        a[2, ::2].zero_()
        return a
    check_parity(fn, shapes=[(3, 4), (3, 4)])


def test_double_backward_through_copy_slices():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([0.3, -0.7, 1.1], dtype=m.float64, requires_grad=True)
        a = x * x
        a[1:].mul_(x[:2])
        (g,) = m.autograd.grad(a.sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        results.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


def test_views_share_the_version_counter():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.ones(3, 4)
        aliases = [x[1:], x.view(12), x.t(), x.detach(), x[0], x.unsqueeze(0), x.transpose(0, 1)[1:]]
        aliases[0].add_(1)
        aliases[3].mul_(2)
        x[0, 0] = 5
        seen.append(([t._version for t in [x, *aliases]], [t._is_view() for t in aliases],
                     [t._base is x for t in aliases], x._base, x.tolist()))
    assert seen[0] == seen[1]


def test_which_ops_make_views():
    torch = require_torch()
    ops = {"x[[0, 1]]": lambda x: x[[0, 1]], "x.t().reshape(12)": lambda x: x.t().reshape(12),
           "x.contiguous()": lambda x: x.contiguous(), "x.clone()": lambda x: x.clone(),
           "x.unbind()[1]": lambda x: x.unbind()[1], "x.split(2)[1]": lambda x: x.split(2)[1],
           "x.chunk(2)[0]": lambda x: x.chunk(2)[0], "x.expand(2, 3, 4)": lambda x: x.expand(2, 3, 4),
           "x[None]": lambda x: x[None], "x.unsafe_split(2)[0]": lambda x: x.unsafe_split(2)[0],
           **{name: view for name, view in VIEWS.items()}}
    for name, f in ops.items():
        answers = []
        for m in (tinygrad_rnn, torch):
            x = m.ones(3, 4, requires_grad=True) * 1
            y = f(x)
            answers.append((y._is_view(), y._base is x))
        assert answers[0] == answers[1], name


def test_a_saved_base_changed_through_a_view_or_a_detached_alias_is_refused():
    def through_view(m):
        x = m.ones(3, requires_grad=True)
        a = x * 1
        s = a.sin()
        a.view(3)[0] = 2
        s.sum().backward()

    def through_detach(m):
        x = m.ones(3, requires_grad=True)
        a = x * 1
        s = a.sin()
        a.detach().mul_(2)
        s.sum().backward()

    def saved_view_changed_through_base(m):
        x = m.ones(3, requires_grad=True)
        a = x * 1
        v = a[1:]
        s = v.sin()
        a.add_(1)
        s.sum().backward()
    def view_times_itself(m):  # mul_ saves its operand, the view it then changes
        x = m.ones(3, 4, requires_grad=True)
        v = x.tanh()[:, 1:]
        v.mul_(v)
        v.sum().backward()
    def saved_output_changed_through_a_view(m):  # sigmoid saves its output
        x = m.ones(3, 4, requires_grad=True)
        a = x.sigmoid()
        a[1].mul_(2)
        a.sum().backward()
    for fn in (through_view, through_detach, saved_view_changed_through_base, view_times_itself,
               saved_output_changed_through_a_view):
        check_error(fn)


def _leaf_view(m):
    m.ones(3, requires_grad=True)[1:].mul_(2)


def _leaf_transpose(m):
    m.ones(2, 3, requires_grad=True).t().add_(1)


def _multiple(split):
    def fn(m):
        x = m.ones(4, requires_grad=True)
        split(x * 1)[1].mul_(2)
    return fn


def _made_in_no_grad(grad_base):
    def fn(m):
        x = m.ones(3, requires_grad=True)
        base = x * 1 if grad_base else m.zeros(3)
        with m.no_grad():
            v = base[1:]
        v.add_(x[1:])
    return fn


def _split_of_leaf(m):
    m.ones(4, requires_grad=True).split(2)[1].mul_(2)


def _expanded(m):
    (m.ones(1, requires_grad=True) * 1).expand(3).mul_(2)


def _view_op_in_place_on_a_leaf_view(m):
    m.ones(2, 3, requires_grad=True)[0:2].t_()


def _view_op_in_place_on_an_unbind_output(m):
    (m.ones(2, 3, requires_grad=True) * 1).unbind()[0].unsqueeze_(0)


@pytest.mark.parametrize("fn", [
    _leaf_view, _leaf_transpose, _multiple(lambda t: t.unbind()), _multiple(lambda t: t.split(2)),
    _multiple(lambda t: t.chunk(2)), _multiple(lambda t: t.split([1, 3])), _made_in_no_grad(True),
    _made_in_no_grad(False), _split_of_leaf, _expanded, _view_op_in_place_on_a_leaf_view,
    _view_op_in_place_on_an_unbind_output,
], ids=["leaf view", "leaf transpose", "unbind", "split", "chunk", "split_with_sizes", "no_grad view",
        "no_grad view of a tensor without grad", "split of a leaf", "expanded", "t_ of a leaf view",
        "unsqueeze_ of an unbind output"])
def test_torch_refusals(fn):
    check_error(fn)


def test_what_torch_allows():
    """The same changes are fine where the graph does not record them (or where torch's views are single)."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        x = m.ones(4, requires_grad=True)
        with m.no_grad():
            x[1:].mul_(2)
            (x * 1).split(2)[0].mul_(2)
        y = m.ones(4)
        y.split(2)[0].mul_(2)
        with m.no_grad():
            v = y[1:]
        v.add_(1)
        a = x * 1
        a.tensor_split(2)[1].mul_(2)
        a.unsafe_split(2)[0].add_(1)
        assert (x.tolist(), y.tolist(), a.tolist()) == ([1.0, 2.0, 2.0, 2.0], [2.0, 3.0, 2.0, 2.0],
                                                        [2.0, 3.0, 4.0, 4.0])


def test_view_of_a_base_changed_under_no_grad_follows_the_base():
    def fn(m, x):
        a = x * 1
        v = a[1:]
        with m.no_grad():
            a.mul_(2)
        return v
    check_parity(fn, shapes=[(3, 4)])
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        x = m.ones(3, requires_grad=True)
        v = (x * 1)[1:]
        with m.no_grad():
            v._base.mul_(2)
        assert v.grad_fn.name() == "AsStridedBackward0"


def test_a_base_without_grad_takes_the_graph_of_what_is_written_into_it():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        x = m.ones(3, requires_grad=True)
        base = m.zeros(3)
        v = base[1:]
        v.copy_(x[1:] * 2)
        assert (base.requires_grad, base.is_leaf, base.grad_fn.name(), v.grad_fn.name()) == \
            (True, False, "torch::autograd::CopySlices", "AsStridedBackward0")
        assert repr(base) == "tensor([0., 2., 2.], grad_fn=<CopySlices>)"


def test_a_copied_or_constant_value_stops_the_old_gradient():
    """`a.copy_(c)` and `a.gt_(0)` gave the gradient of a's old graph (it kept its node)."""
    def fn(m, x, y):
        a, b, c, d, e = x * 2, x * 3, x * 4, x * 5, x * 6
        e.uniform_(2.0, 2.0)  # (a constant, alike on both)
        a.copy_(m.zeros(3, 4, dtype=x.dtype))
        b.copy_(y)
        c.gt_(2.0)
        d[1:].copy_(y[0])
        return a * x, b * x, c * x, d, e * x
    check_parity(fn, shapes=[(3, 4), (3, 4)])


def test_copy_nodes_are_named_and_linked_as_torchs():
    seen = []
    for m in (tinygrad_rnn, require_torch()):
        x = m.ones(3, requires_grad=True)
        a, b = x * 1, x * 1
        a.copy_(m.zeros(3))
        b[1:].copy_(x[1:] * 5)
        seen.append([(n.name(), [None if f is None else f.name() for f, _ in n.next_functions])
                     for n in (a.grad_fn, b.grad_fn, b[1:].grad_fn)])
    assert seen[0] == seen[1]


def test_as_strided_is_a_view_of_its_input_as_in_torch():
    """A write through as_strided's result changes the input, and a recorded in-place change makes the base's
    node CopySlices (it returned a copy before)."""
    torch = require_torch()
    seen = []
    for lib in (torch, tinygrad_rnn):
        a = lib.arange(6.0).reshape(2, 3)
        b = a.as_strided((2, 2), (1, 2), 1)
        b[0, 0] = 100.0
        base = lib.zeros(6, requires_grad=True) * 1
        view = base.as_strided((2,), (2,), 1)
        view.mul_(3)
        (base * lib.arange(6.0)).sum().backward()
        seen.append((a.tolist(), b.tolist(), base.grad_fn.name(), view.grad_fn.name()))
    assert seen[0] == seen[1]


def _retained_through_inplace(m):
    a = m.tensor([1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True)
    h = a * 2
    h.retain_grad()
    v = h[:2]
    v.retain_grad()
    v.mul_(3)  # through a view: h's node becomes CopySlices, v's AsStridedBackward0
    (h * m.tensor([1.0, 2.0, 3.0], dtype=m.float64)).sum().backward()
    first = (h.grad.tolist(), v.grad, a.grad.tolist())
    a.grad = None
    h = a * 2
    v = h[:2]
    v.retain_grad()
    h.retain_grad()
    h.add_(1)  # on the base: v reads off h's new node
    (v * 5).sum().backward()
    second = (h.grad.tolist(), v.grad.tolist(), a.grad.tolist())
    b = a * 1
    b.retain_grad()
    b.sin_()
    b.cos_()
    b.sum().backward()
    return first, second, b.grad.tolist()


def test_retain_grad_follows_the_tensor_through_inplace_changes():
    torch = require_torch()
    assert _retained_through_inplace(tinygrad_rnn) == _retained_through_inplace(torch)


@pytest.mark.parametrize("write", [
    "a[0] = 3", "a[0, 1] = 3", "a[:, 0] = 2.0", "a[None] = 1", "a[1:, :] = 0", "a[-3:] = 1", "a[::2] = 1",
    "a[0, ...] = 1",  # a basic key is written through a view of the leaf: torch names the view
    "a[...] = 1", "a[:] = 1", "a[:, :] = 1", "a[[0, 1]] = 0", "a[a > 0] = 0",  # these write into the leaf itself
])
def test_assigning_into_a_leaf_names_the_view_torch_writes_through(write):
    def assign(m):
        a = m.ones(3, 2, requires_grad=True)
        exec(write, {"a": a})
    check_error(assign)


def test_a_view_made_under_no_grad_keeps_requires_grad_but_passes_no_gradient():
    """`with torch.no_grad(): print(model.weight[0])` shows `requires_grad=True`: torch's view keeps its
    base's flag, as a leaf with no grad_fn, and a product of it outside no_grad reaches nothing."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        p = m.nn.Parameter(m.ones(2, 2))
        with m.no_grad():
            v, row, product = p.view(4), p[0], p * 2
            flags = [t.requires_grad for t in (v, row, p.t(), p.unbind()[0], p.diagonal(), m.ones(2).view(2),
                                               p.t().contiguous(), p[[0, 1]], v.view(2, 2))]
        assert flags == [True] * 5 + [False] * 3 + [True]
        assert (repr(row), product.requires_grad, v.is_leaf, v.grad_fn) == \
            ("tensor([1., 1.], requires_grad=True)", False, True, None)
        y = (v * 3).sum()
        assert y.requires_grad and y.grad_fn.next_functions[0][0].next_functions == ((None, 0), (None, 0))
        assert m.autograd.grad(y, [v, p], retain_graph=True, allow_unused=True) == (None, None)
        y.backward()
        assert (v.grad, p.grad) == (None, None)
        assert (v.view(2, 2).grad_fn.name(), v.detach().requires_grad) == ("ViewBackward0", False)
    check_error(lambda m: _no_grad_view(m).numpy())
    check_error(lambda m: _no_grad_view(m).mul_(2))  # torch's no_grad-view error, not the leaf error
    check_error(lambda m: m.autograd.grad((_no_grad_view(m) * 2).sum(), _no_grad_view(m)))


def _no_grad_view(m):
    p = m.ones(2, 2, requires_grad=True)
    with m.no_grad():
        return p[0]


def test_detach__refuses_a_view():
    check_error(lambda m: m.ones(2, 2, requires_grad=True).view(4).detach_())
    check_error(lambda m: m.ones(2)[:1].detach_())
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        y = m.ones(2, requires_grad=True) * 2
        assert y.detach_() is y and (y.requires_grad, y.grad_fn) == (False, None)


def test_split_and_chunk_pieces_share_one_node_as_torchs():
    """torch's split and chunk make one SplitBackward0 for all pieces, each piece its output number."""
    from helpers import require_torch
    torch = require_torch()
    import tinygrad_rnn as tg
    for m in (tg, torch):
        x = m.arange(24.0).reshape(4, 6).requires_grad_()
        for pieces, name in ((x.chunk(3, 1), "SplitBackward0"), (x.split([1, 5], 1), "SplitWithSizesBackward0"),
                             (m.unsafe_chunk(x, 2, 1), "UnsafeSplitBackward0")):
            assert all(p.grad_fn is pieces[0].grad_fn for p in pieces) and pieces[0].grad_fn.name() == name
            assert [p.output_nr for p in pieces] == list(range(len(pieces)))
    a, b = tg.arange(12.0).reshape(2, 6).requires_grad_().chunk(2, 1)
    ((a * 2).sum() + (b * b).sum()).backward()
    assert a.grad is None  # (pieces are not leaves)


def _pieces(m):
    return (m.ones(2, 3, requires_grad=True) * 1).split(1)


def _no_grad_row(m):
    x = m.ones(2, 3, requires_grad=True) * 1
    with m.no_grad():
        return x[0]


@pytest.mark.parametrize("write", [
    lambda m: _pieces(m)[0].t().mul_(2), lambda m: _pieces(m)[0][:, 1:].mul_(2), lambda m: _pieces(m)[0].squeeze(0).mul_(2),
    lambda m: _pieces(m)[0].view(3).mul_(2), lambda m: _pieces(m)[1].__setitem__(0, 2.0),
    lambda m: _pieces(m)[0].__setitem__((slice(None), slice(1, None)), 2.0), lambda m: _pieces(m)[0].t().__setitem__(0, 2.0),
    lambda m: (m.ones(2, 3, requires_grad=True) * 1).unbind()[1][0].mul_(2),
    lambda m: _no_grad_row(m)[1:].mul_(2), lambda m: _no_grad_row(m).__setitem__(0, 2.0)])
def test_a_view_of_a_view_torch_refuses_to_change_is_refused_under_its_own_name(write):
    """Views of the pieces of split/unbind, or of a view made under no_grad, inherit the refusal; torch's message
    names the new view's node (Select, Slice, T, Squeeze1), and `a[0] = v` writes through the view a[0] makes."""
    check_error(write)

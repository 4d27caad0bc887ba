"""Custom autograd.Function, used as a torch user would: each op is written once, for module `m`
(tinygrad_rnn or torch), and both frameworks must give the same values, gradients and errors."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import gradcheck, gradgradcheck


def ops(m):
    """The same custom Functions for module `m`, written only with public API."""

    class ScaledMulAdd(m.autograd.Function):
        """(x * y * scale, x + y): two tensor inputs, a float argument, two outputs."""

        @staticmethod
        def forward(ctx, x, y, scale):
            ctx.save_for_backward(x, y)
            ctx.scale = scale
            return x * y * scale, x + y

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            x, y = ctx.saved_tensors
            gx = g_prod * y * ctx.scale + g_sum if ctx.needs_input_grad[0] else None
            gy = g_prod * x * ctx.scale + g_sum if ctx.needs_input_grad[1] else None
            return gx, gy, None

    class SmoothAbs(m.autograd.Function):
        """sqrt(x^2 + 1) with a backward written in differentiable ops (double backward works)."""

        @staticmethod
        def forward(ctx, x):
            out = (x * x + 1).sqrt()
            ctx.save_for_backward(x, out)
            return out

        @staticmethod
        def backward(ctx, g):
            x, out = ctx.saved_tensors
            return g * x / out

    class SortWithIndices(m.autograd.Function):
        """Sorted values and the (non-differentiable) permutation."""

        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g_values, g_idx):
            (idx,) = ctx.saved_tensors
            grad = m.zeros_like(g_values)
            grad[idx] = g_values
            return grad

    class FirstUsedOnly(m.autograd.Function):
        """Two outputs; with set_materialize_grads(False), an unused output's grad arrives as None."""

        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1 is None, g2 is None)
            grad = m.zeros_like(g1 if g1 is not None else g2)
            if g1 is not None:
                grad = grad + g1 * 2
            if g2 is not None:
                grad = grad + g2 * 3
            return grad

    class Identity(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    return ScaledMulAdd, SmoothAbs, SortWithIndices, FirstUsedOnly, Identity


def test_multiple_inputs_outputs_and_a_float_argument():
    check_parity(lambda m, x, y: ops(m)[0].apply(x, y, 0.5), shapes=[(2, 3), (2, 3)])
    check_parity(lambda m, x, y: ops(m)[0].apply(x, y, 2.0), shapes=[(3,), (3,)], dtype=np.float32)


def test_needs_input_grad_and_none_gradients():
    check_parity(lambda m, x, y: ops(m)[0].apply(x, y, 1.5), shapes=[(2,), (2,)], requires_grad=[True, False])
    seen = {}

    class Spy(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            return x * k + y

        @staticmethod
        def backward(ctx, g):
            seen["needs"] = ctx.needs_input_grad
            return g, None, None

    x, y = tg.ones(2, requires_grad=True), tg.ones(2)
    Spy.apply(x, 3, y).sum().backward()
    assert seen["needs"] == (True, False, False)
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_backward_written_with_tensor_ops_is_twice_differentiable():
    check_parity(lambda m, x: ops(m)[1].apply(x), shapes=[(4,)])
    x = tg.tensor(np.linspace(-2, 2, 5), requires_grad=True)
    assert gradcheck(ops(tg)[1].apply, (x,))
    assert gradgradcheck(ops(tg)[1].apply, (x,))

    torch = require_torch()
    for m in (tg, torch):
        x = m.tensor([0.5, -1.0], dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad(ops(m)[1].apply(x).sum(), x, create_graph=True)
        g.sum().backward()
        if m is tg:
            ours = x.grad.numpy().copy()
    np.testing.assert_allclose(ours, x.grad.numpy(), rtol=1e-12)


def test_mark_non_differentiable_output():
    torch = require_torch()
    results = []
    for m in (tg, torch):
        x = m.tensor([3.0, 1.0, 2.0], dtype=m.float64, requires_grad=True)
        values, idx = ops(m)[2].apply(x)
        (values * m.tensor([1.0, 10.0, 100.0], dtype=m.float64)).sum().backward()
        results.append((values.requires_grad, idx.requires_grad, idx.tolist(), x.grad.tolist()))
    assert results[0] == results[1]


def argmax_triple_double(m, seen):
    """Three outputs, all saved: an integer one and a float one marked non-differentiable, and a float
    one; backward notes how it reads them back into `seen`."""

    class ArgmaxTripleDouble(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            i, t, d = m.argmax(x).reshape(1), x * 3, x * 2
            ctx.mark_non_differentiable(i, t)
            ctx.save_for_backward(i, t, d)
            return i, t, d

        @staticmethod
        def backward(ctx, g_i, g_t, g_d):
            seen.append([(s.requires_grad, s.grad_fn is None) for s in ctx.saved_tensors])
            return g_d * 2

    return ArgmaxTripleDouble


def test_regression_a_saved_non_differentiable_output_comes_back_outside_the_graph():
    """An output forward saved is rebuilt for backward as the node's own, but only a differentiable one:
    a saved integer output, or one marked non-differentiable, reads back without grad_fn, as in torch
    (both came back requiring grad)."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        x = m.tensor([1.0, 3.0, 2.0], requires_grad=True)
        argmax_triple_double(m, seen).apply(x)[2].sum().backward()
    assert seen[0] == seen[1] == [(False, True), (False, True), (True, False)]


def test_set_materialize_grads_false_passes_none():
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        first, _ = ops(m)[3].apply(x)
        first.sum().backward()
        seen.append((first.grad_fn.seen if m is tg else None, x.grad.tolist()))
    assert seen[0][1] == seen[1][1] == [2.0, 2.0]
    assert seen[0][0] == (False, True)


def test_identity_returning_its_input_gives_a_new_node():
    torch = require_torch()
    for m in (tg, torch):
        x = m.ones(2, requires_grad=True)
        y = ops(m)[4].apply(x)
        assert y is not x and y.grad_fn is not None and x.grad_fn is None
        (y * 3).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]


def test_node_names_match_torch():
    torch = require_torch()
    names = []
    for m in (tg, torch):
        x = m.ones(2, requires_grad=True)
        names.append([ops(m)[1].apply(x).grad_fn.name(), x.exp().grad_fn.name()])
    assert names[0] == names[1] == ["SmoothAbsBackward", "ExpBackward0"]


def test_gradcheck_of_custom_functions():
    x, y = (tg.tensor(np.random.default_rng(k).standard_normal((2, 2)), requires_grad=True) for k in (1, 2))
    assert gradcheck(lambda a, b: ops(tg)[0].apply(a, b, 0.7), (x, y))
    assert gradgradcheck(lambda a, b: ops(tg)[0].apply(a, b, 0.7), (x, y))
    assert gradcheck(lambda a: ops(tg)[2].apply(a)[0], (tg.tensor([0.3, -1.0, 2.0], dtype=tg.float64, requires_grad=True),))


def _train_model_with_custom_op(m):
    """Three SGD steps of a Linear layer followed by the custom SmoothAbs op; the final weights."""
    m.manual_seed(0)
    smooth_abs = ops(m)[1]

    class Model(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = m.nn.Linear(3, 2)

        def forward(self, x):
            return smooth_abs.apply(self.linear(x)).sum(1)

    model = Model()
    with m.no_grad():  # same starting weights on both sides
        model.linear.weight.copy_(m.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        model.linear.bias.copy_(m.tensor([0.05, -0.05]))
    opt = m.optim.SGD(model.parameters(), lr=0.1)
    x = m.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    for _ in range(3):
        opt.zero_grad()
        model(x).mean().backward()
        opt.step()
    return model.linear.weight.detach().numpy().copy()


def test_custom_function_inside_a_model_trains_like_torch():
    torch = require_torch()
    np.testing.assert_allclose(_train_model_with_custom_op(tg), _train_model_with_custom_op(torch),
                               rtol=2e-6, atol=1e-7)


def _saved_after_backward(m):
    smooth_abs = ops(m)[1]
    y = smooth_abs.apply(m.ones(2, requires_grad=True))
    y.sum().backward()
    return y.grad_fn.saved_tensors


def _wrong_count(m):
    class TooFew(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return (g,)

    TooFew.apply(m.ones(2, requires_grad=True), m.ones(2, requires_grad=True)).sum().backward()


def _wrong_shape(m):
    class BadShape(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum(0, keepdim=True).expand(3, 2).reshape(2, 3)

    BadShape.apply(m.ones(3, 2, requires_grad=True)).sum().backward()


@pytest.mark.parametrize("call", [_saved_after_backward, _wrong_count, _wrong_shape],
                         ids=["saved tensors freed", "too few gradients", "gradient of the wrong shape"])
def test_user_mistakes_raise_torchs_errors(call):
    torch = require_torch()
    errors = []
    for m in (torch, tg):
        with pytest.raises(Exception) as info:
            call(m)
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[0] == errors[1]


def _setup_context_style(m):
    """torch's newer style: forward without ctx, setup_context saves, jvp reads save_for_forward."""

    class MulAndSum(m.autograd.Function):
        @staticmethod
        def forward(x, y, scale):
            return x * y * scale, (x + y).sum()

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, y, scale = inputs
            ctx.save_for_backward(x, y)
            ctx.save_for_forward(x, y)
            ctx.scale = scale

        @staticmethod
        def backward(ctx, g_prod, g_sum):
            x, y = ctx.saved_tensors
            return g_prod * y * ctx.scale + g_sum, g_prod * x * ctx.scale + g_sum, None

        @staticmethod
        def jvp(ctx, tx, ty, t_scale):
            x, y = ctx.saved_tensors
            return (tx * y + x * ty) * ctx.scale, (tx + ty).sum()

    return MulAndSum


def test_setup_context_style_gives_torchs_values_and_gradients():
    check_parity(lambda m, x, y: _setup_context_style(m).apply(x, y, 0.5), shapes=[(2, 3), (2, 3)])
    check_parity(lambda m, x, y: _setup_context_style(m).apply(x, y, 2.0), shapes=[(3,), (3,)], dtype=np.float32)


def _forward_mode(m, fn, arrays):
    fwad = m.autograd.forward_ad
    with fwad.dual_level():
        duals = [fwad.make_dual(m.tensor(a), m.tensor(a[::-1].copy())) for a in arrays]
        outs = fn(m, *duals)
        return [(o.detach().numpy(), None if fwad.unpack_dual(o).tangent is None
                 else fwad.unpack_dual(o).tangent.numpy()) for o in outs]


@pytest.mark.parametrize("fn", [
    lambda m, x, y: _setup_context_style(m).apply(x, y, 1.5),
    lambda m, x, y: ops(m)[0].apply(x, y, 1.5),  # no jvp: torch's error
], ids=["setup_context", "no-jvp"])
def test_forward_mode_through_custom_functions_matches_torch(fn):
    torch = require_torch()
    arrays = [np.random.default_rng(k).standard_normal(4) for k in (1, 2)]
    outcomes = []
    for m in (tg, torch):
        try:
            outcomes.append(_forward_mode(m, fn, arrays))
        except NotImplementedError as error:
            outcomes.append(str(error))
    if isinstance(outcomes[1], str):
        assert outcomes[0] == outcomes[1]
        return
    for (value, tangent), (t_value, t_tangent) in zip(*outcomes):
        np.testing.assert_allclose(value, t_value, rtol=1e-12)
        np.testing.assert_allclose(tangent, t_tangent, rtol=1e-12)


def test_a_non_differentiable_output_gets_no_tangent():
    torch = require_torch()

    def sort_with_jvp(m):
        class Sort(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                values, idx = x.sort()
                ctx.mark_non_differentiable(idx)
                ctx.idx = idx
                return values, idx

            @staticmethod
            def jvp(ctx, tx):
                return tx[ctx.idx], None

        return Sort

    arrays = [np.array([3.0, 1.0, 2.0])]
    ours, theirs = (_forward_mode(m, lambda m, x: sort_with_jvp(m).apply(x), arrays) for m in (tg, torch))
    np.testing.assert_array_equal(ours[0][1], theirs[0][1])
    assert ours[1][1] is None and theirs[1][1] is None


def _cube_once(m):
    class CubeOnce(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, grad_out):
            x, = ctx.saved_tensors
            assert not m.is_grad_enabled()
            return grad_out * 3 * x ** 2, None

    return CubeOnce


@pytest.mark.parametrize("upstream_requires_grad", [False, True])
def test_once_differentiable_backward_runs_without_grad_and_refuses_a_second_backward(upstream_requires_grad):
    """The double-backward tutorial's @once_differentiable was missing."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        x = m.tensor([1.5, -0.5], dtype=m.float64, requires_grad=True)
        v = m.ones(2, dtype=m.float64, requires_grad=upstream_requires_grad)
        g, = m.autograd.grad(_cube_once(m).apply(x, 2.0), x, v, create_graph=True)
        row = [g.tolist(), g.requires_grad, None if g.grad_fn is None else g.grad_fn.name(), _cube_once(m).backward.__name__]
        if g.requires_grad:
            with pytest.raises(RuntimeError) as err:
                g.sum().backward()
            row.append(str(err.value))
        row.append(m.autograd.grad(_cube_once(m).apply(x, 2.0), x, v)[0].requires_grad)  # no create_graph
        seen.append(row)
    assert seen[0] == seen[1]


def _linear_function(m):
    class LinearFunction(m.autograd.Function):
        @staticmethod
        def forward(input, weight, bias=None):
            output = input.mm(weight.t())
            return output if bias is None else output + bias

        @staticmethod
        def setup_context(ctx, inputs, output):
            input, weight, bias = inputs  # every input, a default one too
            ctx.save_for_backward(input, weight)
            ctx.has_bias = bias is not None

        @staticmethod
        def backward(ctx, g):
            input, weight = ctx.saved_tensors
            return g.mm(weight), g.t().mm(input), g.sum(0) if ctx.has_bias else None

    return LinearFunction


@pytest.mark.parametrize("call", ["default", "positional", "keyword", "missing"])
def test_apply_fills_in_forwards_defaults_for_setup_context(call):
    """The Extending PyTorch notes' LinearFunction has `bias=None` and unpacks three inputs."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        m.manual_seed(0)
        x, w, b = (m.randn(*s, dtype=m.float64, requires_grad=True) for s in ((4, 3), (2, 3), (2,)))
        f = _linear_function(m)
        calls = {"default": ((x, w), {}), "positional": ((x, w, b), {}), "keyword": ((x, w), {"bias": b}),
                 "missing": ((x,), {})}
        try:
            out = f.apply(*calls[call][0], **calls[call][1])
        except TypeError as e:
            seen.append(str(e))
            continue
        out.sum().backward()
        seen.append([np.round(t.detach().numpy(), 10).tolist() for t in (out, x.grad, w.grad)] + [b.grad is None])
    assert seen[0] == seen[1]


def _add_one_in_place(m):
    class AddOneInPlace(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    return AddOneInPlace


@pytest.mark.parametrize("leaf", [False, True])
def test_mark_dirty_returns_the_changed_input_made_by_the_node(leaf):
    """ctx.mark_dirty was accepted and ignored: the output was a new tensor and the input kept its
    old node (and a leaf that requires grad was changed in place without torch's error)."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        a = m.ones(2, requires_grad=True)
        b = a if leaf else a * 2
        try:
            c = _add_one_in_place(m).apply(b)
        except RuntimeError as e:
            seen.append(str(e))
            continue
        c.sum().backward()
        seen.append((c is b, c.tolist(), b.grad_fn.name(), b._version, a.grad.tolist()))
    assert seen[0] == seen[1]


def test_an_old_style_function_takes_arguments_by_name():
    """`F.apply(x, scale=3.0)` raised TypeError: torch passes arguments given by name to forward."""
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        class Scale(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, scale=2.0):
                ctx.scale = scale
                return x * scale

            @staticmethod
            def backward(ctx, g):
                return g * ctx.scale, None

        a = m.ones(2, requires_grad=True)
        Scale.apply(a, scale=3.0).sum().backward()
        seen.append((Scale.apply(x=a).tolist(), Scale.apply(a).tolist(), a.grad.tolist()))
    assert seen[0] == seen[1]


# ------------------------------------------------------------------ what torch refuses of a user's Function
def _double(m, returned=None, saved=None):
    """x * 2 for a tensor x and a number k; backward returns `returned(g)`, forward saves `saved` too."""

    class Double(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            if saved is not None:
                ctx.save_for_backward(x, saved)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return returned(g)

    return Double


BAD_BACKWARDS = {
    "a number": lambda g: (2.0, None),
    "a list": lambda g: [g, None],
    "a numpy array": lambda g: (np.ones(2), None),
    "a gradient for the number": lambda g: (g, 1),
    "a tensor for the number": lambda g: (g, g),
}


@pytest.mark.parametrize("case", list(BAD_BACKWARDS))
def test_backward_returning_what_is_not_a_gradient_raises_torchs_error(case):
    def run(m):
        _double(m, BAD_BACKWARDS[case]).apply(m.ones(2, requires_grad=True), 3).sum().backward()
    check_error(run)


def test_saving_a_non_tensor_raises_when_recorded_only():
    check_error(lambda m: _double(m, lambda g: (g, None), saved=3).apply(m.ones(2, requires_grad=True), 3))
    assert _double(tg, lambda g: (g, None), saved=3).apply(tg.ones(2), 3).tolist() == [2.0, 2.0]


def test_calling_an_instance_is_torchs_legacy_error_and_instantiating_warns():
    def call(m):
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            instance = _double(m, lambda g: (g, None))()
        instance(m.ones(2), 3)
    check_error(call)


def test_forward_without_staticmethod_runs_from_the_class_as_torch():
    results = []
    for m in (tg, require_torch()):
        class Old(m.autograd.Function):
            def forward(ctx, x):
                return x * 3

            def backward(ctx, g):
                return g * 3
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = Old.apply(x)
        y.sum().backward()
        results.append((y.tolist(), x.grad.tolist(), y.grad_fn.name()))
    assert results[0] == results[1]


def test_a_nodes_apply_runs_backward_by_hand_as_torch():
    # chenyuntc's pytorch-book: `z.grad_fn.apply(t.ones(1))` calls MultiplyAdd.backward with that gradient
    def by_hand(m, w, x, y):
        ScaledMulAdd, SmoothAbs = ops(m)[:2]
        prod, _ = ScaledMulAdd.apply(w, x, 2.0)
        grads = prod.grad_fn.apply(y, m.ones(3))  # (gx, gy, None): backward's result, untouched
        node = SmoothAbs.apply(w).grad_fn
        with m.no_grad():
            no_graph = node.apply(y)
        assert grads[2] is None and not no_graph.requires_grad
        return grads[0], grads[1], no_graph
    check_parity(by_hand, shapes=[(3,), (3,), (3,)])


def _tripled(m, *, vjp=True, backward=False):
    """x * 3 with its gradient rule named vjp (torch's other name for backward), backward, or both."""
    def rule(ctx, g):
        return g * 3
    body = {"forward": staticmethod(lambda ctx, x: x * 3)}
    body.update({"vjp": staticmethod(rule)} if vjp else {})
    body.update({"backward": staticmethod(rule)} if backward else {})
    return type("Tripled", (m.autograd.Function,), body)


def test_vjp_is_torchs_other_name_for_backward():
    def grads(m, x):
        y = _tripled(m).apply(x)
        by_hand = y.grad_fn.apply(m.ones(3))
        y.sum().backward()
        return x.grad, by_hand
    check_parity(grads, shapes=[(3,)])
    assert tg.autograd.Function.vjp is tg.autograd.Function.backward
    check_error(lambda m: _tripled(m, backward=True).apply(m.ones(2, requires_grad=True)).sum().backward())
    check_error(lambda m: _tripled(m, vjp=False).apply(m.ones(2, requires_grad=True)).sum().backward())


def _aliasing(m):
    """Two custom Functions whose output shares the input's memory: the input returned as-is, a view of it."""

    class Ident(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    class Flat(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.view(-1)

        @staticmethod
        def backward(ctx, g):
            return g.view(2, 2)

    return Ident, Flat


def _change_output(m, which):
    fn = _aliasing(m)[which]
    fn.apply(m.ones(2, 2, requires_grad=True) * 1).add_(1)


def _change_input_then_backward(m, which):
    fn = _aliasing(m)[which]
    x = m.ones(2, 2, requires_grad=True) * 1
    y = fn.apply(x)
    x.mul_(2)
    y.sum().backward()


def _change_hooked_output(m):
    layer = m.nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda module, grad_input, grad_output: None)
    m.nn.functional.relu(layer(m.ones(1, 2)), inplace=True)


@pytest.mark.parametrize("which", [0, 1])
def test_an_output_sharing_an_inputs_memory_refuses_in_place_changes_as_torch(which):
    """torch's custom-Function views: an in-place change to the output, or to its input once the output is
    made, would bypass the Function's backward, so torch refuses both (the second when backward runs)."""
    check_error(_change_output, which)
    check_error(_change_input_then_backward, which)


def test_an_output_of_a_module_with_a_full_backward_hook_refuses_inplace_relu_as_torch():
    check_error(_change_hooked_output)


def test_an_output_sharing_memory_is_a_view_and_its_gradient_is_the_functions():
    def run(m):
        x = m.ones(2, requires_grad=True)
        y = _aliasing(m)[0].apply(x)
        (y * 2).sum().backward()
        return x.grad, m.tensor([y._is_view(), y._base is x])

    check_parity(lambda m: run(m), [])


def _unrecorded_identity(m, grad_mode, requires_grad):
    """Ident.apply(x) when no node is recorded (no_grad, or an input that needs no gradient), then an in-place
    change to the output: torch hands back a new tensor on x's memory (a view, or a detached alias of an
    input that requires grad) and the change reaches x through it."""
    x = m.ones(3, requires_grad=requires_grad) if requires_grad else m.ones(3)
    with m.set_grad_enabled(grad_mode):
        y = _aliasing(m)[0].apply(x)
    facts = [y is x, y.requires_grad, y._is_view(), y._base is x]
    y.add_(1)
    return m.tensor(facts), x.detach().clone(), m.tensor(x._version)


@pytest.mark.parametrize("grad_mode, requires_grad", [(False, True), (False, False), (True, False)])
def test_an_input_returned_as_is_without_a_node_comes_back_as_a_new_tensor_as_torch(grad_mode, requires_grad):
    check_parity(lambda m: _unrecorded_identity(m, grad_mode, requires_grad), [])


def _unrecorded_dirty(m, grad_mode, requires_grad):
    """A forward that changes its input in place and marks it dirty, with no node recorded: torch still counts
    the change in the version, and hands an input that requires grad back as a detached alias."""
    x = m.ones(2, requires_grad=True) * 1 if requires_grad else m.ones(2)
    with m.set_grad_enabled(grad_mode):
        y = _add_one_in_place(m).apply(x)
    return m.tensor([y is x, y.requires_grad, y.grad_fn is not None, x._version]), y.detach()


@pytest.mark.parametrize("grad_mode, requires_grad", [(False, True), (False, False), (True, False), (True, True)])
def test_an_input_marked_dirty_comes_back_as_torchs(grad_mode, requires_grad):
    check_parity(lambda m: _unrecorded_dirty(m, grad_mode, requires_grad), [])


def _node_class_reprs(m):
    """print(type(...)) of nodes: built-in ones and AccumulateGrad have no module in torch, a user Function's
    node is in torch.autograd.function, the user's Function class where the user defined it."""
    x = m.ones(2, requires_grad=True)
    y = (x * 2).sum()
    z = _aliasing(m)[0].apply(x)
    classes = [type(y.grad_fn), type(y.grad_fn.next_functions[0][0]), type((x * 2).grad_fn.next_functions[0][0]),
               type(z.grad_fn), _aliasing(m)[0]]
    return [repr(c) for c in classes]


def test_node_classes_print_as_torchs():
    torch = require_torch()
    assert _node_class_reprs(tg) == _node_class_reprs(torch)

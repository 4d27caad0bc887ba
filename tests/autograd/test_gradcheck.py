"""gradcheck and gradgradcheck: they pass for correct backward formulas (every core op, the RNN),
and they catch planted wrong ones, naming the right input, with torch's message header."""
import warnings

import numpy as np
import pytest
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import Function, gradcheck, gradgradcheck
from tinygrad_rnn.autograd.gradcheck import GradcheckError
from tinygrad_rnn.testing.strategies import arrays, broadcastable_shapes

RNG = np.random.default_rng(0)


def leaf(*shape, positive=False, away_from_zero=False):
    """A float64 leaf; optionally positive, or with |x| >= 0.3 (kinks of abs/relu/clamp avoided)."""
    a = RNG.standard_normal(shape)
    if positive:
        a = np.abs(a) + 0.5
    if away_from_zero:
        a = np.sign(a) * (np.abs(a) + 0.3)
    return tg.tensor(a, dtype=tg.float64, requires_grad=True)


# (name, function, inputs): every differentiable op of the core, in float64.
CORE_OPS = [
    ("add broadcast", lambda a, b: a + b, lambda: (leaf(2, 3), leaf(3))),
    ("sub broadcast", lambda a, b: a - b, lambda: (leaf(2, 1), leaf(1, 3))),
    ("mul broadcast", lambda a, b: a * b, lambda: (leaf(2, 3), leaf(2, 1))),
    ("div", lambda a, b: a / b, lambda: (leaf(2, 3), leaf(3, positive=True))),
    ("pow tensor", lambda a, b: a ** b, lambda: (leaf(3, positive=True), leaf(3))),
    ("pow scalar", lambda a: a ** 3, lambda: (leaf(2, 2),)),
    ("neg", lambda a: -a, lambda: (leaf(3),)),
    ("exp", tg.exp, lambda: (leaf(2, 3),)),
    ("log", tg.log, lambda: (leaf(2, 3, positive=True),)),
    ("tanh", tg.tanh, lambda: (leaf(2, 3),)),
    ("sigmoid", tg.sigmoid, lambda: (leaf(2, 3),)),
    ("relu", tg.relu, lambda: (leaf(2, 3, away_from_zero=True),)),
    ("sqrt", tg.sqrt, lambda: (leaf(4, positive=True),)),
    ("abs", tg.abs, lambda: (leaf(4, away_from_zero=True),)),
    ("clamp", lambda a: a.clamp(-0.1, 0.1), lambda: (leaf(5, away_from_zero=True),)),
    ("where", lambda a, b: tg.where(a > 0, a, b), lambda: (leaf(2, 3, away_from_zero=True), leaf(3))),
    ("masked_fill", lambda a: a.masked_fill(a > 0, 2.0), lambda: (leaf(2, 3, away_from_zero=True),)),
    ("sum dim", lambda a: a.sum(1), lambda: (leaf(2, 3),)),
    ("mean keepdim", lambda a: a.mean(0, keepdim=True), lambda: (leaf(2, 3),)),
    ("amax", lambda a: a.amax(1), lambda: (leaf(2, 3),)),
    ("max dim", lambda a: a.max(1)[0], lambda: (leaf(2, 3),)),
    ("logsumexp", lambda a: a.logsumexp(1), lambda: (leaf(2, 3),)),
    ("softmax", lambda a: a.softmax(-1), lambda: (leaf(2, 3),)),
    ("log_softmax", lambda a: a.log_softmax(0), lambda: (leaf(2, 3),)),
    ("matmul", lambda a, b: a @ b, lambda: (leaf(2, 3), leaf(3, 4))),
    ("batched matmul", lambda a, b: a @ b, lambda: (leaf(2, 2, 3), leaf(3, 2))),
    ("reshape", lambda a: a.reshape(3, 2) * tg.arange(6.0, dtype=tg.float64).reshape(3, 2), lambda: (leaf(2, 3),)),
    ("permute", lambda a: a.permute(2, 0, 1), lambda: (leaf(2, 3, 2),)),
    ("transpose", lambda a: a.t(), lambda: (leaf(2, 3),)),
    ("expand", lambda a: a.expand(3, 2, 4), lambda: (leaf(2, 1),)),
    ("getitem", lambda a: a[1:, ::2], lambda: (leaf(3, 4),)),
    ("fancy index repeats", lambda a: a[tg.tensor([0, 2, 0])], lambda: (leaf(3, 2),)),
    ("cat", lambda a, b: tg.cat([a, b], 1), lambda: (leaf(2, 3), leaf(2, 1))),
    ("stack", lambda a, b: tg.stack([a, b], 0), lambda: (leaf(2, 3), leaf(2, 3))),
    ("unbind", lambda a: a.unbind(1), lambda: (leaf(2, 3),)),
    ("split", lambda a: a.split(2, 1), lambda: (leaf(2, 5),)),
    ("gather", lambda a: a.gather(1, tg.tensor([[0, 0], [2, 1]])), lambda: (leaf(2, 3),)),
    ("narrow", lambda a: a.narrow(0, 1, 2), lambda: (leaf(4, 2),)),
    ("squeeze unsqueeze", lambda a: a.unsqueeze(0).squeeze(2), lambda: (leaf(3, 1),)),
    ("sin cos tan", lambda a: a.sin() + a.cos() * a.tan(), lambda: (leaf(2, 3).detach().mul(0.4).requires_grad_(),)),
    ("sinh cosh", lambda a: tg.sinh(a) * tg.cosh(a), lambda: (leaf(2, 3),)),
    ("asin acos atan", lambda a: tg.asin(a) + tg.acos(a) * tg.atan(a),
     lambda: (tg.tensor(RNG.uniform(-0.8, 0.8, (2, 3)), requires_grad=True),)),
    ("log1p expm1", lambda a: tg.log1p(a) * tg.expm1(a), lambda: (leaf(2, 3, positive=True),)),
    ("log2 log10", lambda a: tg.log2(a) + tg.log10(a) * a, lambda: (leaf(2, 3, positive=True),)),
    ("reciprocal rsqrt", lambda a: tg.reciprocal(a) * tg.rsqrt(a), lambda: (leaf(2, 3, positive=True),)),
    ("erf", tg.erf, lambda: (leaf(2, 3),)),
    ("maximum", tg.maximum, lambda: (leaf(2, 3), leaf(3))),
    ("prod", lambda a: a.prod(1), lambda: (leaf(2, 3, away_from_zero=True),)),
    ("cumsum", lambda a: a.cumsum(1), lambda: (leaf(2, 3),)),
    ("cumprod", lambda a: a.cumprod(0), lambda: (leaf(3, 2, away_from_zero=True),)),
    ("norm", lambda a: a.norm(), lambda: (leaf(2, 3),)),
    ("norm dim", lambda a: a.norm(dim=1), lambda: (leaf(2, 3),)),
    ("var std", lambda a: a.var(1) + a.std(0).sum(), lambda: (leaf(3, 3),)),
    ("flip roll", lambda a: a.flip(0).roll(1, 1), lambda: (leaf(2, 3),)),
    ("repeat", lambda a: a.repeat(2, 3), lambda: (leaf(2, 1),)),
    ("einsum", lambda a, b: tg.einsum("ij,jk->ik", a, b), lambda: (leaf(2, 3), leaf(3, 2))),
    ("setitem", lambda a, b: _setitem(a, b), lambda: (leaf(3, 2), leaf(2))),
    ("scatter", lambda a, b: tg.scatter(a, 0, tg.tensor([[0, 1], [1, 0]]), b),
     lambda: (leaf(2, 2), leaf(2, 2))),
    ("logsigmoid softplus", lambda a: tg.nn.functional.logsigmoid(a) * tg.nn.functional.softplus(a),
     lambda: (leaf(2, 3),)),
    ("binary_cross_entropy", lambda p, t: tg.nn.functional.binary_cross_entropy(p, t),
     lambda: (tg.tensor(RNG.uniform(0.2, 0.8, (2, 3)), requires_grad=True), leaf(2, 3).detach().sigmoid())),
    ("cross_entropy", lambda a: tg.nn.functional.cross_entropy(a, tg.tensor([0, 2])), lambda: (leaf(2, 3),)),
    ("mse_loss", lambda a, b: tg.nn.functional.mse_loss(a, b), lambda: (leaf(2, 3), leaf(2, 3))),
    ("embedding", lambda w: tg.nn.functional.embedding(tg.tensor([[0, 2], [2, 2]]), w), lambda: (leaf(3, 2),)),
]


def _setitem(a, b):
    out = a * 1
    out[1] = b * 2
    return out


@pytest.mark.parametrize("name,fn,make", CORE_OPS, ids=[c[0] for c in CORE_OPS])
def test_gradcheck_passes_for_core_op(name, fn, make):
    assert gradcheck(fn, make())


@pytest.mark.parametrize("name,fn,make", CORE_OPS, ids=[c[0] for c in CORE_OPS])
def test_gradgradcheck_passes_for_core_op(name, fn, make):
    assert gradgradcheck(fn, make())


@settings(max_examples=15)
@given(broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), st.data())
def test_gradcheck_broadcast_mul_property(shapes, data):
    a, b = (tg.tensor(data.draw(arrays(s)), requires_grad=True) for s in shapes)
    assert gradcheck(lambda x, y: (x * y).tanh(), (a, b))


# ---------------------------------------------------------------------------- planted bugs
class WrongSignMul(Function):
    """x * y whose gradient for y has the wrong sign."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return tg.Tensor._make(x._data * y._data)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, -(g * x)


class BiasAddNoSum(Function):
    """x + b with b of shape (1, n) broadcast over rows, whose backward forgets to sum over the
    rows: it passes on the first row only. The shape is right, so only the values can tell."""

    @staticmethod
    def forward(ctx, x, b):
        return tg.Tensor._make(x._data + b._data)

    @staticmethod
    def backward(ctx, g):
        return g, g[0:1]


class BiasAddUnreduced(Function):
    """x + b whose backward returns the full (m, n) gradient for b: correct, because the engine
    sums broadcast gradients back to the input's shape in one place (_fit_to_input)."""

    @staticmethod
    def forward(ctx, x, b):
        return tg.Tensor._make(x._data + b._data)

    @staticmethod
    def backward(ctx, g):
        return g, g


class TransposedMatMul(Function):
    """a @ b whose gradient for a uses b instead of b^T (square b, so the shapes still fit)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return tg.Tensor._make(a._data @ b._data)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g @ b, a.t() @ g


class SquareNumpyBackward(Function):
    """x ** 2 whose backward is computed in numpy: right first derivative, but the gradient is a
    constant to autograd, so the second derivative is lost. Only gradgradcheck can see it."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return tg.Tensor._make(x._data ** 2)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return tg.Tensor._make(2 * x._data * g._data)


class SquareConstantX(SquareNumpyBackward):
    """x ** 2 whose backward multiplies g by 2x taken as a constant array: linear in g, as it should
    be, but d(gradient)/dx is lost."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * tg.Tensor._make(2 * x._data)


def test_gradcheck_catches_wrong_sign_and_names_input_1():
    x, y = leaf(2, 3), leaf(2, 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongSignMul.apply, (x, y))
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 1,\nnumerical:tensor(")
    assert "\nanalytical:tensor(" in message
    assert "Worst element" in message and "atol + rtol * |numerical|" in message
    assert isinstance(info.value, RuntimeError)


def test_gradcheck_message_reports_the_worst_element():
    x, y = leaf(2, 3), leaf(2, 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongSignMul.apply, (x, y))
    # d(x*y)/dy at element k is x[k]; with the sign flipped the worst error is at the largest |x|.
    k = np.unravel_index(np.argmax(np.abs(x.detach().numpy())), (2, 3))
    position = f"{k[0]}, {k[1]}"
    true_value = float(x.detach().numpy()[k])
    assert f"d(output 0)[{position}] / d(input 1)[{position}]" in str(info.value)
    assert f"is {-true_value!r} by backward" in str(info.value)


def test_gradcheck_catches_missing_broadcast_sum_in_custom_function():
    x, b = leaf(3, 2), leaf(1, 2)
    with pytest.raises(GradcheckError, match="with respect to input 1,"):
        gradcheck(BiasAddNoSum.apply, (x, b))


def test_unreduced_broadcast_gradient_is_reduced_by_the_engine():
    assert gradcheck(BiasAddUnreduced.apply, (leaf(3, 2), leaf(1, 2)))
    assert gradcheck(BiasAddUnreduced.apply, (leaf(3, 2), leaf(2)))


def test_gradcheck_catches_transposed_matmul_gradient_in_input_0():
    a, b = leaf(2, 3), leaf(3, 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(TransposedMatMul.apply, (a, b))
    assert str(info.value).startswith("Jacobian mismatch for output 0 with respect to input 0,\n")


def test_gradgradcheck_catches_backward_written_in_numpy():
    x = leaf(3)
    assert gradcheck(SquareNumpyBackward.apply, (x,))
    # The gradient does not require grad at all: torch says the same.
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
        gradgradcheck(SquareNumpyBackward.apply, (x,))
    assert gradcheck(SquareConstantX.apply, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0,"):
        gradgradcheck(SquareConstantX.apply, (x,))


@pytest.mark.parametrize("planted", [WrongSignMul, TransposedMatMul])
def test_fast_mode_catches_planted_bugs(planted):
    a, b = leaf(3, 3), leaf(3, 3)
    with pytest.raises(GradcheckError, match="in fast mode") as info:
        gradcheck(planted.apply, (a, b), fast_mode=True)
    assert "Jacobian mismatch for output 0 with respect to input" in str(info.value)


def test_raise_exception_false_returns_false():
    assert gradcheck(WrongSignMul.apply, (leaf(2), leaf(2)), raise_exception=False) is False
    assert gradcheck(WrongSignMul.apply, (leaf(2), leaf(2)), fast_mode=True, raise_exception=False) is False


def test_fast_mode_checks_rnn_sized_weights():
    # A 32x32 weight: slow mode would need 2 * 1024 forwards for it, fast mode needs 2.
    x, w, h = leaf(4, 8), leaf(32, 8), leaf(4, 32)
    u = leaf(32, 32)
    assert gradcheck(lambda x, w, h, u: tg.tanh(x @ w.t() + h @ u.t()), (x, w, h, u), fast_mode=True)


def test_input_index_counts_only_inputs_that_require_grad_like_torch():
    torch = require_torch()
    x = np.random.default_rng(1).standard_normal(2)
    y = np.random.default_rng(2).standard_normal(2)

    def message(m, op):
        a = m.tensor(x, dtype=m.float64)
        b = m.tensor(y, dtype=m.float64, requires_grad=True)
        try:
            m.autograd.gradcheck(lambda s, p, q: op.apply(p, q), (3, a, b))
        except RuntimeError as e:
            return str(e).split("\nnumerical")[0]

    class TorchWrongSign(torch.autograd.Function):
        forward = staticmethod(lambda ctx, p, q: p * q)
        backward = staticmethod(lambda ctx, g: (None, -g))

    assert message(tg, WrongSignMul) == message(torch, TorchWrongSign) == (
        "Jacobian mismatch for output 0 with respect to input 0,")


# ---------------------------------------------------------------------------- other checks
def test_float32_input_warns_with_torchs_wording():
    torch = require_torch()
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.autograd.gradcheck(torch.tanh, (torch.zeros(2, requires_grad=True),), raise_exception=False)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        gradcheck(tg.tanh, (tg.zeros(2, requires_grad=True),), raise_exception=False)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert ours[0].filename == __file__  # points at the caller


def test_no_input_requires_grad_is_torchs_value_error():
    torch = require_torch()
    for m in (torch, tg):
        with pytest.raises(ValueError) as info:
            m.autograd.gradcheck(lambda x: x * 2, (m.zeros(2, dtype=m.float64),))
        assert "gradcheck expects at least one input tensor to require gradient" in str(info.value)


def test_output_cut_from_graph_must_have_zero_numerical_gradient():
    x = leaf(3)
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
        gradcheck(lambda a: a.detach() * 2, (x,))
    assert gradcheck(lambda a: a.argmax(), (x,))  # integer output: no gradient, and none expected


def test_non_reentrant_backward_is_reported():
    calls = []

    class Flaky(Function):
        @staticmethod
        def forward(ctx, x):
            return tg.Tensor._make(x._data * 2)

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g * 2 + len(calls) * 1e-3

    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        gradcheck(Flaky.apply, (leaf(2),), atol=1.0)


def test_backward_ignoring_grad_output_is_reported():
    class IgnoresUpstream(Function):
        @staticmethod
        def forward(ctx, x):
            return tg.Tensor._make(x._data.sum(keepdims=True))

        @staticmethod
        def backward(ctx, g):
            return tg.ones(2, dtype=tg.float64)  # right for g = 1, wrong for any other g

    with pytest.raises(GradcheckError, match="backward not multiplied by grad_output"):
        gradcheck(IgnoresUpstream.apply, (leaf(2),))


def test_custom_function_without_materialized_grads_must_handle_none():
    class TwoOutputs(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return tg.Tensor._make(x._data * 2), tg.Tensor._make(x._data * 3)

        @staticmethod
        def backward(ctx, g1, g2):
            total = None
            if g1 is not None:
                total = g1 * 2
            if g2 is not None:
                total = g2 * 3 if total is None else total + g2 * 3
            return total

    assert gradcheck(TwoOutputs.apply, (leaf(3),))


def test_inputs_may_be_a_single_tensor_and_outputs_a_list():
    assert gradcheck(lambda a: [a * 2, a.exp()], leaf(3))


def test_gradgradcheck_with_given_grad_outputs():
    x = leaf(2, 3)
    v = tg.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    assert gradgradcheck(lambda a: a.tanh() * a, (x,), (v,))


# ---------------------------------------------------------------------------- the RNN
def test_gradcheck_rnn_cell_and_rnn():
    nn = tg.nn
    tg.manual_seed(0)
    cell = nn.RNNCell(3, 4).double()
    x, h = leaf(2, 3), leaf(2, 4)
    params = tuple(cell.parameters())

    def run_cell(x, h, *weights):
        return _with_weights(cell, weights, lambda: cell(x, h))

    assert gradcheck(run_cell, (x, h) + params)

    rnn = nn.RNN(3, 4, num_layers=2, bidirectional=True).double()
    seq, h0 = leaf(5, 2, 3), leaf(4, 2, 4)
    weights = tuple(rnn.parameters())

    def run_rnn(seq, h0, *ws):
        return _with_weights(rnn, ws, lambda: rnn(seq, h0))

    assert gradcheck(run_rnn, (seq, h0) + weights, fast_mode=True)
    small = nn.RNN(2, 2).double()
    small_weights = tuple(small.parameters())
    assert gradgradcheck(lambda s, *ws: _with_weights(small, ws, lambda: small(s)[0]),
                         (leaf(3, 1, 2),) + small_weights)


def _with_weights(module, weights, call):
    """Run `call` with the module's parameters being exactly `weights` (gradcheck perturbs them)."""
    for p, w in zip(module.parameters(), weights):
        assert p is w
    return call()


# ---------------------------------------------------------------------------- issue 14: no check that cannot fail
def test_masked_raises_naming_it_instead_of_passing():
    with pytest.raises(NotImplementedError, match="masked=True"):
        gradcheck(tg.tanh, (leaf(3),), masked=True)


def test_no_reverse_and_no_forward_check_is_torchs_assertion():
    torch = require_torch()
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    with pytest.raises(AssertionError) as theirs:
        torch.autograd.gradcheck(torch.tanh, (x,), check_backward_ad=False)
    with pytest.raises(AssertionError) as ours:
        gradcheck(tg.tanh, (leaf(3),), check_backward_ad=False)
    assert str(ours.value) == str(theirs.value)


class ScaleBySum(Function):
    """x * sum(x), with a backward right for one upstream gradient but not for a batch of them:
    `(g * x).sum(0)` sums over the batch dimension when g carries one (it should be sum(-1))."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x.sum()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.sum() + (g * x).sum(0)


@pytest.fixture
def declared_native():
    """ScaleBySum declared (wrongly) to batch its backward natively, for one test."""
    from tinygrad_rnn.func import batching

    batching.register_batched_backward(ScaleBySum)
    yield
    batching.unregister_batched_backward(ScaleBySum)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_check_batched_grad_catches_and_names_a_wrong_batching_rule(declared_native, fast_mode):
    x = leaf(3)
    assert gradcheck(ScaleBySum.apply, (x,), fast_mode=fast_mode)  # one upstream gradient at a time: right
    with pytest.raises(GradcheckError, match="batched backward of ScaleBySumBackward") as info:
        gradcheck(lambda a: ScaleBySum.apply(a.exp()), (x,), check_batched_grad=True, fast_mode=fast_mode)
    assert "the batching rule of ScaleBySum is wrong" in str(info.value)


def test_check_batched_grad_passes_when_the_same_backward_runs_per_element():
    # Not declared native, the node's backward runs once per batch element: the batched pass is right.
    assert gradcheck(lambda a: ScaleBySum.apply(a.exp()), (leaf(3),), check_batched_grad=True)


def test_check_batched_grad_reports_a_batched_backward_that_crashes():
    from tinygrad_rnn.func import batching

    def crashing(ctx, g):
        raise ValueError("no batch here")

    batching.register_batched_backward(ScaleBySum, crashing)
    try:
        with pytest.raises(GradcheckError, match="While computing batched gradients, got: no batch here"):
            gradcheck(ScaleBySum.apply, (leaf(3),), check_batched_grad=True)
    finally:
        batching.unregister_batched_backward(ScaleBySum)


@pytest.mark.parametrize("name,fn,make", CORE_OPS, ids=[c[0] for c in CORE_OPS])
def test_check_batched_grad_passes_for_core_op(name, fn, make):
    assert gradcheck(fn, make(), check_batched_grad=True)


@pytest.mark.parametrize("name,fn,make", [c for c in CORE_OPS if c[0] in ("matmul", "softmax", "where", "sum dim")])
def test_check_batched_grad_of_the_double_backward(name, fn, make):
    assert gradgradcheck(fn, make(), check_batched_grad=True)


def test_gradgradcheck_with_non_contiguous_grad_outputs():
    assert gradgradcheck(lambda a, b: (a @ b).tanh(), (leaf(2, 3), leaf(3, 4)), gen_non_contig_grad_outputs=True)


# ---------------------------------------------------------------------------- forward mode
def cube(m, wrong_jvp=False, wrong_backward=False):
    """x ** 3 as a custom Function of `m` (tinygrad_rnn or torch), optionally with a planted bug
    (a factor 1.1) in its forward-mode rule or its backward."""

    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x * (1.1 if wrong_backward else 1.0)

        @staticmethod
        def jvp(ctx, t):
            (x,) = ctx.saved_tensors
            return t * 3 * x * x * (1.1 if wrong_jvp else 1.0)

    return Cube.apply


def _gradcheck_on_both(make_fn, arrays, **flags):
    """(our outcome, torch's outcome) of gradcheck on the same function and inputs: True, or the
    first line of the GradcheckError message."""
    torch = require_torch()
    outcomes = []
    for m in (tg, torch):
        inputs = tuple(m.tensor(a, requires_grad=True) for a in arrays)
        try:
            outcomes.append(m.autograd.gradcheck(make_fn(m), inputs, **flags))
        except m.autograd.gradcheck.__globals__["GradcheckError"] as e:
            outcomes.append(str(e).splitlines()[0])
    return outcomes


FORWARD_FLAGS = [dict(check_forward_ad=True), dict(check_forward_ad=True, check_backward_ad=False),
                 dict(check_forward_ad=True, fast_mode=True),
                 dict(check_forward_ad=True, check_backward_ad=False, fast_mode=True)]


@pytest.mark.parametrize("flags", FORWARD_FLAGS)
@pytest.mark.parametrize("planted", [None, "wrong_jvp", "wrong_backward"])
def test_forward_checks_pass_and_fail_as_torchs(planted, flags):
    x = RNG.standard_normal(4)
    ours, theirs = _gradcheck_on_both(lambda m: cube(m, **({planted: True} if planted else {})), [x], **flags)
    assert ours == theirs
    if planted == "wrong_jvp":
        assert ours == "Jacobian computed with forward mode mismatch for output 0 with respect to input 0,"
    if planted == "wrong_backward" and flags.get("check_backward_ad", True):
        assert ours == "Jacobian mismatch for output 0 with respect to input 0,"


def test_forward_mismatch_names_the_input_and_the_worst_element():
    def f(m):
        wrong = cube(m, wrong_jvp=True)
        return lambda a, b: (a.sin(), a * wrong(b))

    a, b = RNG.standard_normal(3), RNG.standard_normal(3) + 2.0
    ours, theirs = _gradcheck_on_both(f, [a, b], check_forward_ad=True, check_backward_ad=False)
    assert ours == theirs == "Jacobian computed with forward mode mismatch for output 1 with respect to input 1,"
    with pytest.raises(GradcheckError, match=r"d\(output 1\)\[.*\] / d\(input 1\)\[.*\] is .* by forward mode"):
        gradcheck(f(tg), (leaf(3), leaf(3, positive=True)), check_forward_ad=True, check_backward_ad=False)


@pytest.mark.parametrize("name,fn,make", CORE_OPS, ids=[c[0] for c in CORE_OPS])
def test_forward_checks_pass_for_core_op(name, fn, make):
    assert gradcheck(fn, make(), check_forward_ad=True, check_batched_forward_grad=True)


@pytest.mark.parametrize("name,fn,make", [c for c in CORE_OPS if c[0] in (
    "matmul", "softmax", "where", "sum dim", "getitem", "cat", "mse_loss", "cross_entropy")],
    ids=lambda c: c if isinstance(c, str) else "")
def test_gradgradcheck_forward_over_reverse_passes_for_core_op(name, fn, make):
    assert gradgradcheck(fn, make(), check_fwd_over_rev=True, fast_mode=True)


def test_forward_mode_disagreeing_with_reverse_mode_is_named():
    # Both rules off by the same small factor: each passes against finite differences at a loose
    # tolerance, but they disagree with each other.
    def f(m):
        class Off(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 1.9985

            @staticmethod
            def jvp(ctx, t):
                return t * 2.0015

        return Off.apply

    with pytest.raises(GradcheckError, match="forward mode does not match the one computed with reverse mode "
                                             "for output 0 with respect to input 0"):
        gradcheck(f(tg), (leaf(3),), check_forward_ad=True, rtol=1e-3, atol=0.0)


class SkipsUndefined(Function):
    """x * y whose forward-mode rule mishandles an input that has no tangent: it may skip that
    term (forward_mode.given), but this one drops the other input's term too."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_forward(x, y)
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x

    @staticmethod
    def jvp(ctx, tx, ty):
        from tinygrad_rnn.core.forward_mode import given  # the machinery's own marker, for this test only

        x, y = ctx.saved_tensors
        if not given(ty):
            return tx  # BUG: should be tx * y
        return tx * y + x * ty


def test_undefined_tangent_must_act_as_zero():
    x, y = leaf(3), leaf(3)
    assert gradcheck(SkipsUndefined.apply, (x, y), check_forward_ad=True, check_undefined_grad=False)
    with pytest.raises(GradcheckError, match="Mismatch in tangent values for output with index: 0 when input: 1 "
                                             "has an undefined tangent value"):
        gradcheck(SkipsUndefined.apply, (x, y), check_forward_ad=True)


class ScaleBySumForward(Function):
    """x * sum(x) with a forward-mode rule right for one tangent, and a vmap rule that claims the
    rule batches: its sums then run over the batch dimension too (the planted batching bug)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_forward(x)
        ctx.save_for_backward(x)
        return x * x.sum()

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.sum() + (g * x).sum()

    @staticmethod
    def jvp(ctx, t):
        (x,) = ctx.saved_tensors
        return t * x.sum() + x * t.sum()

    @staticmethod
    def vmap(info, in_dims, x):
        return ScaleBySumForward.apply(x), 0


def test_check_batched_forward_grad_catches_a_wrong_batching_rule():
    x = leaf(3)
    assert gradcheck(ScaleBySumForward.apply, (x,), check_forward_ad=True)  # one tangent at a time: right
    with pytest.raises(GradcheckError, match="Batched grad computed with forward mode and vmap over the tangents "
                                             "does not match the loop of jvps"):
        gradcheck(ScaleBySumForward.apply, (x,), check_forward_ad=True, check_batched_forward_grad=True)


def scale_by_sum_new_style(m):
    """ScaleBySumForward in torch's newer style (forward without ctx, setup_context), which
    torch.func needs, for either framework."""

    class ScaleBySum(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x.sum()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_forward(*inputs)
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.sum() + (g * x).sum()

        @staticmethod
        def jvp(ctx, t):
            (x,) = ctx.saved_tensors
            return t * x.sum() + x * t.sum()

        @staticmethod
        def vmap(info, in_dims, x):
            return ScaleBySum.apply(x), 0  # BUG: the sums now run over the batch too

    return ScaleBySum.apply


def test_wrong_vmap_rule_is_caught_here_and_is_wrong_in_torch_func_too():
    # torch's check_batched_forward_grad runs its legacy vmap, which never consults a custom
    # Function's vmap rule, so torch's gradcheck passes this function; torch.func.vmap does use
    # the rule and gets wrong numbers. Here vmap is the one that uses the rule: the check catches it.
    torch = require_torch()
    x = RNG.standard_normal(3)
    assert torch.autograd.gradcheck(scale_by_sum_new_style(torch), (torch.tensor(x, requires_grad=True),),
                                    check_forward_ad=True, check_batched_forward_grad=True)
    rows = torch.tensor(RNG.standard_normal((2, 3)))
    f = scale_by_sum_new_style(torch)
    assert not torch.allclose(torch.func.vmap(f)(rows), torch.stack([f(r) for r in rows]))
    with pytest.raises(GradcheckError, match="does not match the loop of jvps"):
        gradcheck(scale_by_sum_new_style(tg), (tg.tensor(x, requires_grad=True),), check_forward_ad=True,
                  check_batched_forward_grad=True)


@pytest.mark.parametrize("fn", [tg.tanh, lambda a: (a * a).sin(), lambda a: a.exp() / (1 + a * a)])
def test_check_batched_forward_grad_passes_for_correct_functions(fn):
    assert gradcheck(fn, (leaf(2, 3),), check_forward_ad=True, check_batched_forward_grad=True)


@pytest.mark.parametrize("fast_mode", [False, True])
def test_gradgradcheck_forward_over_reverse(fast_mode):
    fn = lambda a, b: (a @ b).tanh()  # noqa: E731
    assert gradgradcheck(fn, (leaf(2, 3), leaf(3, 2)), check_fwd_over_rev=True, fast_mode=fast_mode)
    assert gradgradcheck(fn, (leaf(2, 3), leaf(3, 2)), check_fwd_over_rev=True, check_rev_over_rev=False,
                         check_undefined_grad=False, fast_mode=fast_mode)


def test_gradgradcheck_forward_over_reverse_catches_a_wrong_double_backward():
    # The backward is written with a wrong jvp inside (cube's), so forward-over-reverse is wrong.
    def f(m):
        wrong = cube(m, wrong_jvp=True)

        class Square(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                ctx.save_for_forward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * 2 * wrong(x) / (x * x)

            @staticmethod
            def jvp(ctx, t):
                (x,) = ctx.saved_tensors
                return t * 2 * x

        return Square.apply

    torch = require_torch()
    x = RNG.standard_normal(3) + 2.0
    for m in (tg, torch):
        with pytest.raises(m.autograd.gradcheck.__globals__["GradcheckError"],
                           match="Jacobian computed with forward mode mismatch for output 0 with respect to input 0"):
            m.autograd.gradgradcheck(f(m), (m.tensor(x, requires_grad=True),), check_fwd_over_rev=True,
                                     check_rev_over_rev=False, check_undefined_grad=False)


@pytest.mark.parametrize("flags", [dict(check_undefined_grad=True), dict(check_batched_grad=True)])
def test_gradgradcheck_option_needing_rev_over_rev_is_torchs_assertion(flags):
    torch = require_torch()
    messages = []
    for m in (tg, torch):
        with pytest.raises(AssertionError) as info:
            m.autograd.gradgradcheck(m.tanh, (m.ones(2, dtype=m.float64, requires_grad=True),),
                                     check_fwd_over_rev=True, check_rev_over_rev=False,
                                     **{"check_undefined_grad": False, **flags})
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_check_forward_ad_on_the_rnn_family(cls):
    tg.manual_seed(0)
    rnn = getattr(tg.nn, cls)(2, 3, num_layers=2, bidirectional=True).double()
    x = leaf(3, 1, 2)
    h = leaf(4, 1, 3)
    fn = (lambda a, b: rnn(a, (b, b * 0.5))[0]) if cls == "LSTM" else (lambda a, b: rnn(a, b)[0])
    assert gradcheck(fn, (x, h), check_forward_ad=True, fast_mode=True)
    assert gradcheck(fn, (x, h), check_forward_ad=True, check_backward_ad=False)


def _times_y_thrice_backward(lib):
    """x * y whose backward says 3 y: wrong by a factor of 3 for x."""

    class Wrong(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y * 3, g * x

    return Wrong


def test_fast_mode_draws_torchs_vectors_and_reports_as_torch():
    """torch draws u and v from a fresh Generator (its default seed): the same draws give the same v^T J u, so
    the report is torch's word for word; ours then adds where the worst element is."""
    torch = require_torch()
    reports = []
    for lib in (torch, tg):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=lib.float64, requires_grad=True)
        with pytest.raises(Exception) as caught:
            lib.autograd.gradcheck(_times_y_thrice_backward(lib).apply, (x, y), fast_mode=True)
        reports.append(str(caught.value))
    ours, _, worst = reports[1].partition("\nWorst element")
    assert ours == reports[0] and "numerical:0.0741692913389" in ours
    assert worst.startswith(": d(output 0)[1, 0] / d(input 0)[1, 0] is 6.0 by backward")

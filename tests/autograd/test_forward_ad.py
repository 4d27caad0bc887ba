"""torch.autograd.forward_ad: the API and its errors, nn layers, losses and the RNN family in forward
mode against torch's, custom Functions with jvp (both styles), reverse-over-forward,
forward-over-reverse, and one dual level per thread."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from helpers import TOL, check_error, require_torch, to_numpy

import tinygrad_rnn
from tinygrad_rnn.autograd import forward_ad as fwAD


def _fwad(m):
    return m.autograd.forward_ad


def _jvp_both(fn, primals, tangents, *, tol=None, params=None):
    """fn(m, *duals) on both frameworks inside a dual level: each output's value and tangent agree.

    `params` (a dict name -> (array, tangent)) are given to fn as a dict of dual tensors too."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        with _fwad(m).dual_level():
            duals = [_fwad(m).make_dual(m.tensor(p), m.tensor(t)) for p, t in zip(primals, tangents)]
            extra = {} if params is None else {k: _fwad(m).make_dual(m.tensor(p), m.tensor(t))
                                               for k, (p, t) in params.items()}
            outs = fn(m, *duals, **({"params": extra} if params is not None else {}))
            outs = outs if isinstance(outs, tuple) else (outs,)
            results.append([tuple(x.detach().numpy() if x is not None else None for x in _fwad(m).unpack_dual(o))
                            for o in outs])
    tol = tol or TOL[np.asarray(primals[0]).dtype.type]
    for i, ((p, t), (q, u)) in enumerate(zip(*results)):
        np.testing.assert_allclose(p, q, err_msg=f"value {i}", **tol)
        assert (t is None) == (u is None), f"output {i}: tangent {t} vs torch's {u}"
        if t is not None:
            assert t.dtype == u.dtype, (t.dtype, u.dtype)
            np.testing.assert_allclose(t, u, err_msg=f"tangent {i}", **tol)


def _rand(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ------------------------------------------------------------------ the API


def test_make_dual_and_unpack_dual_give_primal_and_tangent():
    x, v = tinygrad_rnn.tensor([1.0, 2.0]), tinygrad_rnn.tensor([0.5, -1.0])
    with fwAD.dual_level() as level:
        assert level == 0
        dual = fwAD.make_dual(x, v)
        unpacked = fwAD.unpack_dual(dual)
        assert isinstance(unpacked, fwAD.UnpackedDualTensor) and unpacked._fields == ("primal", "tangent")
        assert unpacked.tangent is v  # kept as given, as torch
        assert unpacked.primal.tolist() == [1.0, 2.0] and fwAD.unpack_dual(unpacked.primal).tangent is None
        assert fwAD.unpack_dual(x).tangent is None  # the primal itself is not changed
        y = dual * dual
    assert fwAD.unpack_dual(y).tangent is None  # leaving the level drops its tangents
    assert fwAD.unpack_dual(y, level=0).tangent is None


def test_levels_number_from_zero_again_and_do_not_nest():
    for _ in range(2):
        with fwAD.dual_level() as level:
            assert level == 0
    torch = require_torch()
    with fwAD.dual_level(), torch.autograd.forward_ad.dual_level():
        check_error(lambda m: _fwad(m).enter_dual_level())


def test_dual_level_as_a_decorator():
    @fwAD.dual_level()
    def tangent_of_square(x, v):
        return fwAD.unpack_dual(fwAD.make_dual(x, v) ** 2).tangent

    assert tangent_of_square(tinygrad_rnn.tensor([3.0]), tinygrad_rnn.tensor([1.0])).tolist() == [6.0]
    assert fwAD.unpack_dual(tinygrad_rnn.tensor([1.0])).tangent is None  # the level was left


def test_errors_outside_a_level_are_torchs():
    check_error(lambda m: _fwad(m).make_dual(m.ones(2), m.ones(2)))
    check_error(lambda m: _fwad(m).exit_dual_level())


@pytest.mark.parametrize("make", [
    lambda m: _fwad(m).make_dual(m.ones(3), m.ones(2)),  # sizes differ
    lambda m: _fwad(m).make_dual(m.arange(3), m.ones(3)),  # an integer primal
    lambda m: _fwad(m).make_dual(m.ones(3), m.arange(3)),  # an integer tangent
    lambda m: _fwad(m).make_dual(_fwad(m).make_dual(m.ones(3), m.ones(3)), m.ones(3)),  # dual twice
    lambda m: _fwad(m).make_dual(m.ones(3), m.ones(3), level=5),
    lambda m: _fwad(m).unpack_dual(3),
    lambda m: _fwad(m).exit_dual_level(level=3),
], ids=["size", "int-primal", "int-tangent", "twice", "bad-level", "not-a-tensor", "exit-other-level"])
def test_errors_inside_a_level_are_torchs(make):
    torch = require_torch()
    with fwAD.dual_level(), torch.autograd.forward_ad.dual_level():
        check_error(make)


def test_unpack_dual_outside_a_level_returns_the_object():
    x = tinygrad_rnn.ones(2)
    assert fwAD.unpack_dual(x).primal is x and fwAD.unpack_dual(3) == (3, None)


def test_a_float64_tangent_of_a_float32_primal_is_kept_as_given_by_make_dual():
    _jvp_both(lambda m, d: d, [_rand(3).astype(np.float32)], [_rand(3, seed=1)], tol=TOL[np.float32])


# ------------------------------------------------------------------ through ops, modes, in place, views


def test_a_chain_of_ops_with_broadcasting_matches_torch():
    _jvp_both(lambda m, a, b: ((a * b).sin() + a.exp() / (b * b + 1)).sum(0).softmax(-1),
              [_rand(3, 4), _rand(4, seed=1)], [_rand(3, 4, seed=2), _rand(4, seed=3)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_stays_float32(dtype):
    with fwAD.dual_level():
        y = fwAD.make_dual(tinygrad_rnn.tensor(_rand(3, dtype=dtype)), tinygrad_rnn.tensor(_rand(3, seed=1, dtype=dtype)))
        tangent = fwAD.unpack_dual((y * 2.5).tanh().mean()).tangent
    assert tangent.dtype.name == np.dtype(dtype).name


def test_tangents_flow_under_no_grad_and_integer_outputs_get_none():
    def fn(m, d):
        with m.no_grad():
            y = d.sin()
        assert _fwad(m).unpack_dual(d.argmax()).tangent is None
        return y, d.max(0).values

    _jvp_both(fn, [_rand(3, 2)], [_rand(3, 2, seed=1)])


def test_in_place_ops_carry_the_tangent():
    def fn(m, d):
        y = d.clone()
        y.mul_(2)
        y += d
        y.sin_()
        z = m.zeros(3, 2, dtype=m.float64)
        z[1] = d[0]
        w = d * 1.0
        w.fill_(2.0)
        u, v = d * 1.0, d[:1] * 1.0
        u.unsqueeze_(0)
        v.squeeze_(0)
        return y, z, w, u, v

    _jvp_both(fn, [_rand(3, 2)], [_rand(3, 2, seed=1)])


def test_views_carry_the_tangent():
    _jvp_both(lambda m, d: (d.view(6), d.t(), d[1:].flip(1),
                            d.unsqueeze(0).expand(2, 3, 2), d.reshape(2, 3).permute(1, 0)),
              [_rand(3, 2)], [_rand(3, 2, seed=1)])


def test_detach_drops_the_tangent_as_torch():
    def fn(m, d):
        in_place = d * 2
        in_place.detach_()
        return d.detach() * d, d.data + 1.0, in_place, d.contiguous(), d.to(m.float32), d.float()

    _jvp_both(fn, [_rand(3)], [_rand(3, seed=1)])


# ------------------------------------------------------------------ nn layers and losses


@pytest.mark.parametrize("name", ["linear", "conv1d", "layer_norm", "embedding", "mse", "cross_entropy",
                                  "nll_log_softmax", "bce_with_logits", "gelu_dropout_eval", "max_pool"])
def test_nn_layers_and_losses_match_torch(name):
    torch = require_torch()
    rng = np.random.default_rng(0)
    w, tw = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    cases = {
        "linear": (lambda m, x, params: m.nn.functional.linear(x, params["w"]), (3, 4), {"w": (w, tw)}),
        "conv1d": (lambda m, x, params: m.nn.functional.conv1d(x, params["w"].reshape(5, 2, 2), padding=1),
                   (2, 2, 6), {"w": (w, tw)}),
        "layer_norm": (lambda m, x, params: m.nn.functional.layer_norm(x, (4,), params["w"][0], params["w"][1]),
                       (3, 4), {"w": (w, tw)}),
        "embedding": (lambda m, x, params: m.nn.functional.embedding(m.tensor([[0, 4], [2, 2]]), params["w"]) * x,
                      (2, 2, 4), {"w": (w, tw)}),
        "mse": (lambda m, x, params: m.nn.MSELoss()(x, params["w"][:3]), (3, 4), {"w": (w, tw)}),
        "cross_entropy": (lambda m, x, params: m.nn.CrossEntropyLoss(label_smoothing=0.1)(x, m.tensor([0, 3, 1])),
                          (3, 4), None),
        "nll_log_softmax": (lambda m, x, params: m.nn.functional.nll_loss(x.log_softmax(1), m.tensor([2, 0, 1])),
                            (3, 4), None),
        "bce_with_logits": (lambda m, x, params: m.nn.BCEWithLogitsLoss()(x, params["w"][:3].sigmoid()), (3, 4),
                            {"w": (w, tw)}),
        "gelu_dropout_eval": (lambda m, x, params: m.nn.functional.dropout(m.nn.functional.gelu(x), 0.5,
                                                                           training=False), (3, 4), None),
        "max_pool": (lambda m, x, params: m.nn.functional.max_pool1d(x, 2), (2, 3, 6), None),
    }
    fn, shape, params = cases[name]
    if params is None:
        def call(m, x):
            return fn(m, x, None)
        _jvp_both(call, [rng.standard_normal(shape)], [rng.standard_normal(shape)])
    else:
        _jvp_both(fn, [rng.standard_normal(shape)], [rng.standard_normal(shape)], params=params)
    assert torch is not None


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_rnn_family_matches_torch_with_tangents_on_input_state_and_weights(kind, fused):
    torch = require_torch()
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    ours = getattr(tinygrad_rnn.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    ours.load_state_dict({k: tinygrad_rnn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(1)
    states = 2 if kind == "LSTM" else 1
    shapes = [(5, 2, 3)] + [(4, 2, 4)] * states
    names = ["weight_ih_l0", "weight_hh_l1_reverse", "bias_ih_l1"]
    params = {n: (theirs.state_dict()[n].numpy().astype(np.float64), rng.standard_normal(theirs.state_dict()[n].shape))
              for n in names}

    def run(m, x, *state, params):
        module = ours if m is tinygrad_rnn else theirs
        module.double()
        h = state if kind == "LSTM" else state[0]
        out, h_n = m.func.functional_call(module, params, (x, h))
        return (out, *h_n) if kind == "LSTM" else (out, h_n)

    tinygrad_rnn.backends.fused_rnn = fused
    try:
        _jvp_both(run, [rng.standard_normal(s) for s in shapes], [rng.standard_normal(s) for s in shapes],
                  params=params)
    finally:
        tinygrad_rnn.backends.fused_rnn = True


# ------------------------------------------------------------------ custom Functions


def _scale_with_ctx(m):
    class Scale(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)  # what jvp's ctx.saved_tensors shows, as torch
            ctx.k = k
            return x * k * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * ctx.k * x, None

        @staticmethod
        def jvp(ctx, tx, tk):
            assert tk is None  # k is a number
            (x,) = ctx.saved_tensors
            return tx * 2 * ctx.k * x

    return Scale


def _scale_setup_context(m):
    class Scale(m.autograd.Function):
        @staticmethod
        def forward(x, k):  # torch's newer style: no ctx here
            return x * k * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k = inputs
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)
            ctx.k = k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * ctx.k * x, None

        @staticmethod
        def jvp(ctx, tx, tk):
            (x,) = ctx.saved_tensors
            return tx * 2 * ctx.k * x

    return Scale


@pytest.mark.parametrize("make", [_scale_with_ctx, _scale_setup_context], ids=["ctx", "setup_context"])
def test_custom_function_jvp_in_both_styles_matches_torch(make):
    _jvp_both(lambda m, d: make(m).apply(d, 1.5), [_rand(4)], [_rand(4, seed=1)])


@pytest.mark.parametrize("make", [_scale_with_ctx, _scale_setup_context], ids=["ctx", "setup_context"])
def test_custom_function_backward_still_works_in_both_styles(make):
    x = tinygrad_rnn.tensor(_rand(4), requires_grad=True)
    make(tinygrad_rnn).apply(x, 1.5).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0 * _rand(4), rtol=1e-12)


def test_custom_function_without_jvp_raises_torchs_error():
    def call(m):
        class NoJvp(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        with _fwad(m).dual_level():
            NoJvp.apply(_fwad(m).make_dual(m.ones(2), m.ones(2)))

    check_error(call)


@pytest.mark.parametrize("wrong", ["count", "size"])
def test_custom_function_jvp_returning_the_wrong_tangents_raises_torchs_error(wrong):
    def call(m):
        class Wrong(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return (x * 2, x * 3) if wrong == "count" else x * 2

            @staticmethod
            def jvp(ctx, tx):
                return tx if wrong == "count" else tx[:1]

        with _fwad(m).dual_level():
            Wrong.apply(_fwad(m).make_dual(m.ones(2), m.ones(2)))

    check_error(call)


def test_custom_function_gets_zeros_for_a_float_input_without_tangent_and_none_for_others():
    seen = []

    class Product(tinygrad_rnn.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, n, k):
            ctx.save_for_forward(a, b)
            return a * b

        @staticmethod
        def jvp(ctx, ta, tb, tn, tk):
            seen.append((tb.tolist(), tn, tk))
            a, b = ctx.saved_tensors
            return ta * b + a * tb

    with fwAD.dual_level():
        out = Product.apply(fwAD.make_dual(tinygrad_rnn.ones(2), tinygrad_rnn.ones(2)), tinygrad_rnn.ones(2),
                            tinygrad_rnn.tensor([1, 2]), 3.0)
        assert fwAD.unpack_dual(out).tangent.tolist() == [1.0, 1.0]
    assert seen == [([0.0, 0.0], None, None)]


# ------------------------------------------------------------------ mixing with reverse mode


def test_reverse_over_forward_backpropagates_through_a_tangent():
    torch = require_torch()
    x, v, g = _rand(3), _rand(3, seed=1), _rand(3, seed=2)
    grads = []
    for m in (tinygrad_rnn, torch):
        xs, vs = m.tensor(x, requires_grad=True), m.tensor(v, requires_grad=True)
        with _fwad(m).dual_level():
            y = (_fwad(m).make_dual(xs, vs).sin() * xs).exp()
            tangent = _fwad(m).unpack_dual(y).tangent
        tangent.backward(m.tensor(g))
        grads.append((xs.grad.numpy(), vs.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, **TOL[np.float64])


def test_forward_over_reverse_gives_a_hessian_vector_product():
    torch = require_torch()
    x, v = _rand(4), _rand(4, seed=1)
    results = []
    for m in (tinygrad_rnn, torch):
        xs = m.tensor(x, requires_grad=True)
        with _fwad(m).dual_level():
            dual = _fwad(m).make_dual(xs, m.tensor(v))
            loss = (dual.exp() * dual.sin()).sum() + (dual[:2] * dual[2:]).sum()
            (grad,) = m.autograd.grad(loss, xs)
            results.append(_fwad(m).unpack_dual(grad).tangent.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], **TOL[np.float64])


# ------------------------------------------------------------------ threads


def test_a_dual_level_belongs_to_its_thread():
    seen = {}
    with fwAD.dual_level():
        dual = fwAD.make_dual(tinygrad_rnn.ones(2), tinygrad_rnn.ones(2))

        def other_thread():
            seen["tangent"] = fwAD.unpack_dual(dual.sin()).tangent
            with fwAD.dual_level() as level:  # a level of its own, while the first thread's is open
                seen["level"] = level
                seen["own"] = fwAD.unpack_dual(fwAD.make_dual(tinygrad_rnn.ones(2), tinygrad_rnn.ones(2)) * 3).tangent

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert fwAD.unpack_dual(dual).tangent is not None  # still here in this thread
    assert seen["tangent"] is None and seen["level"] == 0 and seen["own"].tolist() == [3.0, 3.0]


@pytest.mark.parametrize("name", ["binary_cross_entropy", "logsigmoid", "softplus", "conv2d", "unfold", "fold",
                                  "avg_pool2d"])
def test_functional_ops_match_torch(name):
    rng = np.random.default_rng(3)
    target = rng.uniform(0.1, 0.9, (3, 4))
    kernel = rng.standard_normal((2, 2, 2, 2))
    cases = {
        "binary_cross_entropy": (lambda m, x: m.nn.functional.binary_cross_entropy(x.sigmoid(), m.tensor(target)),
                                 (3, 4)),
        "logsigmoid": (lambda m, x: m.nn.functional.logsigmoid(x), (3, 4)),
        "softplus": (lambda m, x: m.nn.functional.softplus(x * 10, beta=2, threshold=5), (3, 4)),
        "conv2d": (lambda m, x: m.nn.functional.conv2d(x, m.tensor(kernel), stride=2, padding=1), (2, 2, 5, 5)),
        "unfold": (lambda m, x: m.nn.functional.unfold(x, 2, dilation=2), (1, 2, 5, 5)),
        "fold": (lambda m, x: m.nn.functional.fold(x, (4, 4), 2), (1, 8, 9)),
        "avg_pool2d": (lambda m, x: m.nn.functional.avg_pool2d(x, 2), (1, 2, 4, 4)),
    }
    fn, shape = cases[name]
    _jvp_both(fn, [rng.standard_normal(shape)], [rng.standard_normal(shape)])


def _tangent_and_central_difference(fn, x, v, eps=1e-6):
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual(fn(fwAD.make_dual(tinygrad_rnn.tensor(x), tinygrad_rnn.tensor(v)))).tangent
    difference = (fn(tinygrad_rnn.tensor(x + eps * v)).numpy() - fn(tinygrad_rnn.tensor(x - eps * v)).numpy()) / (2 * eps)
    return tangent.numpy(), difference


def test_ctc_loss_tangent_matches_finite_differences():
    """torch has no forward-mode rule for ctc_loss (it raises); ours is checked numerically."""
    def loss(log_probs):
        return tinygrad_rnn.nn.functional.ctc_loss(log_probs.log_softmax(2), tinygrad_rnn.tensor([[1, 2], [3, 3]]),
                                                   tinygrad_rnn.tensor([5, 4]), tinygrad_rnn.tensor([2, 2]),
                                                   reduction="none")

    tangent, difference = _tangent_and_central_difference(loss, _rand(5, 2, 4), _rand(5, 2, 4, seed=1))
    np.testing.assert_allclose(tangent, difference, rtol=1e-6, atol=1e-8)


# The Functions that no @op declaration reaches yet (tests/ops/test_op_db.py checks the declared
# ones): each case runs on two dual inputs, a (3, 4) and a (4, 5) matrix.
UNDECLARED = {
    "matmul-2d": lambda m, a, b: a @ b,
    "matmul-1d-2d": lambda m, a, b: a[0] @ b,
    "matmul-2d-1d": lambda m, a, b: a @ b[:, 0],
    "matmul-1d-1d": lambda m, a, b: a[0] @ b[:, 0],
    "matmul-batched": lambda m, a, b: a.expand(2, 3, 4) @ b,
    "mm-transposed": lambda m, a, b: m.mm(b.t(), a.t()),
    "bmm": lambda m, a, b: m.bmm(a.unsqueeze(0), b.unsqueeze(0)),
    "einsum": lambda m, a, b: m.einsum("ij,jk->ik", a, b),
    "max-dim": lambda m, a, b: (a.max(1).values, b.min(0, keepdim=True).values),
    "max-all": lambda m, a, b: a.max(),
    "softmax": lambda m, a, b: (a.softmax(1), b.log_softmax(0)),
    "norm": lambda m, a, b: (a.norm(), b.norm(dim=1)),
    "shape": lambda m, a, b: (a.reshape(4, 3), a.permute(1, 0), a.t().contiguous().view(12), a.flip(0),
                              a.roll(1, 1), a.repeat(2, 1), a.unsqueeze(1).expand(3, 2, 4), *a.unbind(0)),
    "join": lambda m, a, b: (m.cat([a, b.t()[:3]], 1), m.stack([a, a * 2]), a.split(2, 1)[1]),
    "index": lambda m, a, b: (a[m.tensor([2, 0, 2])], a[1:, ::2], a[a > 0], a[..., None, 1]),
    "gather-scatter": lambda m, a, b: (a.gather(1, m.tensor([[0, 1], [3, 3], [2, 0]])),
                                       a.scatter(1, m.tensor([[0], [3], [2]]), b[:3, :1])),
    "prod-with-zeros": lambda m, a, b: (a * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=a.dtype)).prod(1),
    "cumprod-with-zeros": lambda m, a, b: (a * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=a.dtype)).cumprod(1),
    "std-var": lambda m, a, b: (a.std(1), b.var(0)),
    "gradients": lambda m, a, b: m.autograd.grad(  # the backward Functions: forward-over-reverse
        (a.tanh() * a.sigmoid() + a.relu() * a.softmax(1) + a.log_softmax(0)).sum()
        + (a[[0, 2]] * a[[1, 2]]).sum() + (a.gather(1, m.tensor([[0, 0], [3, 1], [2, 2]])) ** 2).sum(), a)[0],
}


@pytest.mark.parametrize("name", list(UNDECLARED))
def test_undeclared_functions_match_torch(name):
    def fn(m, a, b):
        return UNDECLARED[name](m, a, b)

    x = [_rand(3, 4), _rand(4, 5, seed=1)]
    v = [_rand(3, 4, seed=2), _rand(4, 5, seed=3)]
    if name == "gradients":
        torch = require_torch()
        results = []
        for m in (tinygrad_rnn, torch):
            xs = [m.tensor(a, requires_grad=True) for a in x]
            with _fwad(m).dual_level():
                duals = [_fwad(m).make_dual(a, m.tensor(t)) for a, t in zip(xs, v)]
                g = fn(m, *duals)
                results.append(_fwad(m).unpack_dual(g).tangent.detach().numpy())
        np.testing.assert_allclose(results[0], results[1], **TOL[np.float64])
        return
    _jvp_both(fn, x, v)


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "composed"])
def test_reverse_over_forward_through_an_lstm(fused):
    torch = require_torch()
    torch.manual_seed(0)
    theirs = torch.nn.LSTM(3, 4).double()
    ours = tinygrad_rnn.nn.LSTM(3, 4).double()
    ours.load_state_dict({k: tinygrad_rnn.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    x, v, g = _rand(5, 2, 3), _rand(5, 2, 3, seed=1), _rand(5, 2, 4, seed=2)
    grads = []
    tinygrad_rnn.backends.fused_rnn = fused
    try:
        for m, module in ((tinygrad_rnn, ours), (torch, theirs)):
            xs = m.tensor(x, requires_grad=True)
            with _fwad(m).dual_level():
                out, _ = module(_fwad(m).make_dual(xs, m.tensor(v)))
                tangent = _fwad(m).unpack_dual(out).tangent
            tangent.backward(m.tensor(g))
            grads.append((xs.grad.numpy(), module.weight_hh_l0.grad.numpy()))
    finally:
        tinygrad_rnn.backends.fused_rnn = True
    for ours_grad, theirs_grad in zip(*grads):
        np.testing.assert_allclose(ours_grad, theirs_grad, **TOL[np.float64])


# ------------------------------------------------------------------ what the forward-AD tutorial needed
def _in_both(run):
    torch = require_torch()
    return [run(m, _fwad(m)) for m in (tinygrad_rnn, torch)]


LAYOUTS = {  # primal, tangent: same layout (the tangent is kept), or another (copied into the primal's layout)
    "same": lambda m: (m.randn(3, 4), m.randn(3, 4)),
    "transposed tangent": lambda m: (m.randn(3, 4), m.randn(4, 3).T),
    "transposed primal": lambda m: (m.randn(4, 3).T, m.randn(3, 4)),
    "size-1 dims place nothing": lambda m: (m.randn(1, 4), m.randn(4, 1).T),
    "sliced primal": lambda m: (m.randn(3, 4)[:, :2], m.randn(3, 2)),
    "permuted": lambda m: (m.randn(2, 3, 4).permute(2, 0, 1), m.randn(4, 2, 3)),
    "other dtype, other layout": lambda m: (m.randn(3, 4), m.randn(4, 3, dtype=m.float64).T),
    "other dtype, same layout": lambda m: (m.randn(3, 4), m.randn(3, 4, dtype=m.float64)),
}


@pytest.mark.parametrize("case", list(LAYOUTS))
def test_make_dual_copies_a_tangent_laid_out_unlike_its_primal(case):
    def run(m, fw):
        primal, tangent = LAYOUTS[case](m)
        tangent.requires_grad_()
        with fw.dual_level():
            got = fw.unpack_dual(fw.make_dual(primal, tangent)).tangent
            return (got is tangent, got.stride(), got.is_contiguous(), str(got.dtype),
                    None if got.grad_fn is None else got.grad_fn.name(), got.tolist() == tangent.tolist())
    ours, theirs = _in_both(run)
    assert ours == theirs


def _dual_reprs(m, fw):
    m.manual_seed(0)
    with fw.dual_level():
        x = fw.make_dual(m.randn(3, requires_grad=True), m.randn(3))
        return [repr(x), repr(x * 2), repr(fw.make_dual(m.randn(2, 3, dtype=m.float64), m.randn(2, 3, dtype=m.float64))),
                repr(fw.make_dual(m.randn(2), m.randn(2, dtype=m.float64))), repr(fw.make_dual(m.randn(20), m.randn(20))),
                repr(fw.make_dual(m.tensor(1.5), m.tensor(2.0)).exp()), repr(fw.unpack_dual(x).primal)]


def test_a_dual_tensor_prints_its_tangent_and_its_view_node():
    ours, theirs = _in_both(_dual_reprs)
    assert ours == theirs


PRODUCTS = {
    "mul by a number": lambda m, d, x, y: d * 2, "mul": lambda m, d, x, y: d * y, "mul by grad": lambda m, d, x, y: d * x,
    "mm": lambda m, d, x, y: y @ d, "mm by grad": lambda m, d, x, y: x @ d, "addmm": lambda m, d, x, y: m.addmm(y, y, d),
    "linear": lambda m, d, x, y: m.nn.functional.linear(y, d), "linear+bias": lambda m, d, x, y: m.nn.functional.linear(y, d, x[0]),
    "add": lambda m, d, x, y: d + x, "exp": lambda m, d, x, y: d.exp(),
}


@pytest.mark.parametrize("primal_requires_grad", [True, False])
@pytest.mark.parametrize("op", list(PRODUCTS))
def test_a_product_tangent_is_in_the_graph_as_torchs(op, primal_requires_grad):
    """torch adds a zero term for an operand without a tangent: in grad mode the tangent is an
    AddBackward0 node, and the primal's gradient through it is zeros (the tutorial printed the
    tangent of a Linear with dual weights)."""
    def run(m, fw):
        m.manual_seed(0)
        w = m.randn(3, 3, requires_grad=primal_requires_grad)
        x, y = m.randn(3, 3, requires_grad=True), m.randn(3, 3)
        with fw.dual_level():
            t = fw.unpack_dual(PRODUCTS[op](m, fw.make_dual(w, m.randn(3, 3)), x, y)).tangent
            seen = (t.requires_grad, None if t.grad_fn is None else t.grad_fn.name())
            if t.requires_grad:
                t.sum().backward()
            with m.no_grad():
                t_no_grad = fw.unpack_dual(PRODUCTS[op](m, fw.make_dual(w, m.randn(3, 3)), x, y)).tangent
        return seen, t_no_grad.requires_grad, [None if g is None else to_numpy(g) for g in (w.grad, x.grad)]
    ours, theirs = _in_both(run)
    assert ours[:2] == theirs[:2]
    for g, h in zip(ours[2], theirs[2]):
        assert (g is None and h is None) or np.allclose(g, h, rtol=1e-5, atol=1e-6)


def test_a_custom_functions_node_prints_as_torchs():
    def run(m, fw):
        class Fn(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.exp()

            @staticmethod
            def backward(ctx, g):
                return g

        y = Fn.apply(m.ones(2, requires_grad=True))
        return repr(y.grad_fn).split(" object")[0], repr(y), repr(y.exp().grad_fn).split(" object")[0]
    ours, theirs = _in_both(run)
    assert ours == theirs


RECURRENT = {
    "GRU": lambda m: (m.nn.GRU(3, 4, batch_first=True), (2, 5, 3)),
    "LSTM 2 layers": lambda m: (m.nn.LSTM(3, 4, num_layers=2), (5, 2, 3)),
    "RNN bidirectional": lambda m: (m.nn.RNN(3, 4, bidirectional=True), (5, 2, 3)),
    "GRUCell": lambda m: (m.nn.GRUCell(3, 4), (2, 3)),
    "LSTMCell": lambda m: (m.nn.LSTMCell(3, 4), (2, 3)),
    "RNNCell": lambda m: (m.nn.RNNCell(3, 4), (2, 3)),
}


@pytest.mark.parametrize("tangents_on", ["weights", "input"])
@pytest.mark.parametrize("module", list(RECURRENT))
def test_recurrent_modules_carry_tangents_of_tensors_that_do_not_require_grad(module, tangents_on):
    """functional_call with dual weights (detached, as the tutorials make them) lost the tangents: the
    fused kernels took their inference loop whenever nothing required grad."""
    def run(m, fw):
        m.manual_seed(0)
        net, shape = RECURRENT[module](m)
        net = net.double()
        params = {k: v.detach() for k, v in net.named_parameters()}
        x = m.randn(*shape, dtype=m.float64)
        with fw.dual_level():
            if tangents_on == "weights":
                params = {k: fw.make_dual(v, m.randn_like(v)) for k, v in params.items()}
            else:
                x = fw.make_dual(x, m.randn_like(x))
            out = m.func.functional_call(net, params, (x,))
            flat = [out] if isinstance(out, m.Tensor) else [o for o in out if isinstance(o, m.Tensor)]
            flat += [t for o in out if isinstance(o, tuple) for t in o] if isinstance(out, tuple) else []
            return [fw.unpack_dual(o).tangent.numpy() for o in flat]
    ours, theirs = _in_both(run)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)

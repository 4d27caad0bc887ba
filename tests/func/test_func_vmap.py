"""vmap against torch.func.vmap: in_dims/out_dims (ints, None, nested), nesting, chunk_size,
randomness, autograd through it, the native paths against the loop, and torch's errors."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.func import function_rules


def V(m):
    return m.func.vmap


def test_elementwise_and_matmul_run_natively_and_match_torch(monkeypatch):
    calls = []
    real = function_rules.native_function_rule
    monkeypatch.setattr(function_rules, "native_function_rule", lambda f: calls.append(f) or real(f))
    check_parity(lambda m, x, y: V(m)(m.mul)(x, y), shapes=[(4, 3), (4, 1)])
    check_parity(lambda m, x, y: V(m)(m.add, in_dims=(1, None))(x, y), shapes=[(3, 4, 2), (2,)])
    check_parity(lambda m, x: V(m)(m.tanh, in_dims=1, out_dims=1)(x), shapes=[(2, 5, 3)])
    check_parity(lambda m, x, w: V(m)(m.matmul, in_dims=(0, None))(x, w), shapes=[(4, 3, 2), (2, 5)])
    check_parity(lambda m, x, w: V(m)(m.matmul)(x, w), shapes=[(4, 2, 3, 2), (4, 2, 5)])
    assert calls and all(real(f) is not None for f in calls[:4])


def test_matmul_with_a_vector_falls_back_to_the_loop_and_is_right():
    check_parity(lambda m, x, v: V(m)(m.matmul)(x, v), shapes=[(4, 3, 2), (4, 2)])
    assert function_rules.native_function_rule(tg.matmul)([tg.ones(4, 3, 2), tg.ones(4, 2)], [True, True]) is None


def test_loop_fallback_for_reductions_and_shape_ops():
    check_parity(lambda m, x: V(m)(lambda a: a.sum(0) + a.t().reshape(-1)[:1], in_dims=1)(x), shapes=[(2, 4, 2)])


def test_nested_vmap():
    check_parity(lambda m, x, y: V(m)(V(m)(lambda a, b: a * b.sum(), in_dims=(0, None)), in_dims=(0, None))(x, y), shapes=[(2, 3, 4), (4,)])


def test_in_dims_nested_structures_and_out_dims_tuple():
    def fn(m, x, y):
        f = lambda d, s: ({"p": d["a"] * s, "q": d["b"].exp()}, s * 2)  # noqa: E731
        out, twice = V(m)(f, in_dims=({"a": 1, "b": None}, 0), out_dims=({"p": 1, "q": None}, 0))({"a": x, "b": y}, y)
        return out["p"], out["q"], twice

    check_parity(fn, shapes=[(2, 2), (2,)])


def test_unbatched_output_with_out_dims_none():
    check_parity(lambda m, x, y: V(m)(lambda a, b: (a * b, b.exp()), in_dims=(0, None), out_dims=(0, None))(x, y),
                 shapes=[(3, 4), (4,)])


def test_negative_in_dims_and_kwargs_are_not_mapped():
    check_parity(lambda m, x: V(m)(lambda a, scale=1.0: a * scale, in_dims=-1)(x, scale=3.0), shapes=[(2, 5)])


def test_chunk_size_gives_the_same_numbers():
    check_parity(lambda m, x, y: V(m)(lambda a, b: (a * b).sin(), chunk_size=2)(x, y), shapes=[(5, 3), (5, 3)])
    check_parity(lambda m, x: V(m)(m.sin, chunk_size=2)(x), shapes=[(5, 3)])


def test_empty_batch_returns_an_empty_result_of_the_right_shape():
    check_parity(lambda m, x: V(m)(lambda a: a.exp() * 2)(x), [np.zeros((0, 3))])


def test_per_sample_gradients_are_vmap_of_grad():
    def fn(m, w, x):
        return V(m)(m.func.grad(lambda w_, x_: (x_ @ w_).tanh().sum()), in_dims=(None, 0))(w, x)

    check_parity(fn, shapes=[(3, 2), (6, 3)])


def test_randomness_error_different_same():
    for randomness in ("error", "different", "same"):
        results = []
        for m in (tg, require_torch()):
            m.manual_seed(0)
            try:
                results.append(V(m)(lambda a, m=m: a + m.rand(()), randomness=randomness)(m.zeros(3)))
            except RuntimeError as e:
                results.append(str(e))
        if randomness == "error":
            assert results[0] == results[1]
        elif randomness == "same":
            assert len(set(results[0].numpy().tolist())) == 1 and len(set(results[1].numpy().tolist())) == 1
        else:
            assert len(set(results[0].numpy().tolist())) == 3


def test_randomness_same_is_reproducible_and_leaves_the_stream_after_one_draw():
    tg.manual_seed(1)
    first = V(tg)(lambda a: a + tg.rand(()), randomness="same")(tg.zeros(3))
    after = tg.rand(())
    tg.manual_seed(1)
    one = tg.rand(())
    assert np.all(first.numpy() == one.numpy()) and float(after) == float(tg.rand(()))


def test_error_mode_does_not_consume_random_numbers():
    tg.manual_seed(3)
    with pytest.raises(RuntimeError):
        V(tg)(lambda a: a + tg.rand(()))(tg.zeros(2))
    value = float(tg.rand(()))
    tg.manual_seed(3)
    assert value == float(tg.rand(()))


class _Double(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2

    @staticmethod
    def vmap(info, in_dims, x):
        _Double.seen = (info.batch_size, in_dims)
        return x * 2, in_dims[0]


def test_custom_function_vmap_staticmethod_is_used():
    x = tg.randn(4, 3)
    out = V(tg)(_Double.apply, in_dims=1)(x)
    assert _Double.seen == (3, (0,))
    np.testing.assert_array_equal(out.numpy(), (x * 2).T.numpy())


def test_vmap_of_vjp_fn_is_one_batched_backward():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((3, 4))
    v = np.random.default_rng(1).standard_normal((5, 3, 4))
    results = []
    for m in (tg, torch):
        _, vjp_fn = m.func.vjp(lambda a: a.sin() * a.exp() + a, m.tensor(x))
        results.append(m.func.vmap(vjp_fn)(m.tensor(v))[0].numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


@pytest.mark.parametrize("case", [
    lambda m: m.func.vmap(m.add)(m.ones(2, 3), m.ones(3, 3)),
    lambda m: m.func.vmap(m.add, in_dims=(0, 0, 0))(m.ones(2, 3), m.ones(2, 3)),
    lambda m: m.func.vmap(m.add, in_dims=(None, None))(m.ones(2, 3), m.ones(2, 3)),
    lambda m: m.func.vmap(m.add, in_dims=(2, 0))(m.ones(2, 3), m.ones(2, 3)),
    lambda m: m.func.vmap(m.add, in_dims=(0.5, 0))(m.ones(2, 3), m.ones(2, 3)),
    lambda m: m.func.vmap(lambda a: m.rand(3))(m.ones(2, 3)),
    lambda m: m.func.vmap(lambda a: 1)(m.ones(2, 3)),
    lambda m: m.func.vmap(lambda a: a, out_dims=None)(m.ones(2, 3) * m.arange(2.0).reshape(2, 1)),
    lambda m: m.func.vmap(lambda a: a, out_dims=3)(m.ones(2, 3)),
    lambda m: m.func.vmap(lambda a: a, chunk_size=0)(m.ones(2, 3)),
    lambda m: m.func.vmap(lambda a: a, randomness="x")(m.ones(2, 3)),
    lambda m: m.func.vmap(lambda a: a)(m.tensor(1.0)),
    lambda m: m.func.vmap(lambda a: a)(),
    lambda m: m.func.vmap(lambda a: a)(3.0),
    lambda m: m.func.vmap(lambda a: a, in_dims=None)(m.ones(2)),
    lambda m: m.func.vmap(lambda a, b: a, in_dims=[0, 0])(m.ones(2), m.ones(2)),
    lambda m: m.func.vmap(lambda a: a, in_dims=(0,))(m.ones(2), m.ones(2)),
])
def test_errors_match_torch(case):
    check_error(case)


def test_outputs_of_different_structures_per_example_are_refused():
    with pytest.raises(ValueError, match="outputs of different structures"):
        tg.func.vmap(lambda a: (a,) if a.sum() > 0 else (a, a))(tg.tensor([[1.0], [-1.0]]))


VMAPPED_NODES = {
    "last op": lambda m, w, x: m.vmap(lambda v: v.dot(w).relu())(x),
    "out_dims=1": lambda m, w, x: m.vmap(lambda v: v * w, out_dims=1)(x),
    "second output": lambda m, w, x: m.vmap(lambda v: (v * w, v + w))(x)[1],
    "unbatched output": lambda m, w, x: m.vmap(lambda v: w)(x),
    "view": lambda m, w, x: m.vmap(lambda v: (v * w).view(5, 1))(x),
    "index": lambda m, w, x: m.vmap(lambda v: (v * w)[0])(x),
    "input requires grad": lambda m, w, x: m.vmap(lambda v: v * 2)(x.clone().requires_grad_()),
    "grad": lambda m, w, x: m.vmap(m.func.grad(lambda v: (v * w).sum()))(x),
}


@pytest.mark.parametrize("case", list(VMAPPED_NODES))
def test_a_vmapped_output_shows_torchs_node(case):
    """The whirlwind tour printed vmap(model)(examples) as grad_fn=<ReluBackward0>: torch runs the model
    once on the batch; the loop here stacked the examples (StackBackward0)."""
    torch = require_torch()
    names = []
    for m in (tg, torch):
        m.manual_seed(0)
        out = VMAPPED_NODES[case](m, m.randn(5, requires_grad=True), m.randn(3, 5))
        names.append((out.grad_fn.name(), tuple(out.shape)))
    assert names[0] == names[1]

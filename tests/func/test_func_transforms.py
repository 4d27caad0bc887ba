"""torch.func's grad, grad_and_value, vjp, jvp, jacrev, jacfwd and hessian against torch.func on
the same functions: values in float64 to ~1e-10, and (check_parity's backward) gradients flowing
through the transforms, which is how they nest."""
import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, check_parity, require_torch

import tinygrad_rnn as tg


def F(m):
    return m.func


def loss(m, x, w):
    return ((x @ w).tanh() ** 2).sum() + (x.sin() * x).mean()


@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1, 0)])
def test_grad_matches_torch_func(argnums):
    check_parity(lambda m, x, w: F(m).grad(lambda a, b: loss(m, a, b), argnums=argnums)(x, w), shapes=[(3, 4), (4, 2)])


def test_grad_of_inputs_that_need_no_grad_is_a_plain_tensor():
    check_parity(lambda m, x, w: F(m).grad(lambda a, b: loss(m, a, b))(x, w), shapes=[(3, 4), (4, 2)],
                 requires_grad=[False, False])
    x = tg.randn(3, 4, dtype=tg.float64)
    assert not tg.func.grad(lambda a: (a * a).sum())(x).requires_grad


def test_grad_and_value_with_aux():
    def fn(m, x, w):
        g, (value, aux) = F(m).grad_and_value(lambda a: (loss(m, a, w), {"h": a.exp()}), has_aux=True)(x)
        return g, value, aux["h"]

    check_parity(fn, shapes=[(3, 4), (4, 2)])


def test_grad_with_dict_argument_returns_a_dict():
    def fn(m, x, w):
        g = F(m).grad(lambda p, a: loss(m, a, p["w"]) * p["s"].sum())({"w": w, "s": x[0]}, x)
        return g["w"], g["s"]

    check_parity(fn, shapes=[(3, 4), (4, 2)])


def test_unused_argument_gets_zeros_like_torch():
    check_parity(lambda m, x, y: F(m).grad(lambda a, b: (a * a).sum(), argnums=1)(x, y), shapes=[(3,), (2,)])


def test_grad_of_grad_is_the_second_derivative():
    check_parity(lambda m, x: F(m).grad(lambda a: F(m).grad(lambda b: (b ** 3).sin().sum())(a).sum())(x), shapes=[(4,)])


def test_vjp_with_random_cotangents_and_nested_outputs():
    def fn(m, x, w, v1, v2):
        out, vjp_fn = F(m).vjp(lambda a, b: ((a @ b).tanh(), {"s": a.exp() * 2}), x, w)
        return out[0], out[1]["s"], *vjp_fn((v1, {"s": v2}))

    check_parity(fn, shapes=[(3, 4), (4, 2), (3, 2), (3, 4)])


def test_vjp_fn_is_callable_twice_and_has_aux():
    def fn(m, x, v):
        out, vjp_fn, aux = F(m).vjp(lambda a: (a.sin() * a, a.cos()), x, has_aux=True)
        return vjp_fn(v)[0], vjp_fn(v * 2)[0], aux

    check_parity(fn, shapes=[(5,), (5,)])


def test_jvp_matches_torch_forward_mode():
    def fn(m, x, w, tx, tw):
        return F(m).jvp(lambda a, b: ((a @ b).sigmoid(), a.exp().sum()), (x, w), (tx, tw))

    check_parity(fn, shapes=[(3, 4), (4, 2), (3, 4), (4, 2)])


def test_jvp_has_aux_and_output_independent_of_input():
    def fn(m, x, t):
        out, tangent, aux = F(m).jvp(lambda a: (a * 0 + 1, a.exp()), (x,), (t,), has_aux=True)
        return out, tangent, aux

    check_parity(fn, shapes=[(4,), (4,)], requires_grad=[False, False])


@pytest.mark.parametrize("transform", ["jacrev", "jacfwd"])
@pytest.mark.parametrize("argnums", [0, (0, 1)])
def test_jacobians_match_torch(transform, argnums):
    def fn(m, x, w):
        jac = getattr(F(m), transform)(lambda a, b: ((a @ b).tanh(), {"k": (a * a).sum()}), argnums=argnums)(x, w)
        return jac

    def flat(m, x, w):
        jac = fn(m, x, w)
        first, second = jac[0], jac[1]["k"]
        return (*(first if isinstance(first, tuple) else (first,)), *(second if isinstance(second, tuple) else (second,)))

    check_parity(flat, shapes=[(3, 4), (4, 2)])


def test_jacrev_chunk_size_gives_the_same_jacobian():
    x = tg.randn(4, 3, dtype=tg.float64)

    def f(a):
        return (a @ a.T).sin()

    whole = tg.func.jacrev(f)(x)
    for chunk in (1, 5, 100):
        np.testing.assert_array_equal(tg.func.jacrev(f, chunk_size=chunk)(x).numpy(), whole.numpy())


def test_jacrev_has_aux():
    check_parity(lambda m, x: F(m).jacrev(lambda a: (a.sin(), a.cos()), has_aux=True)(x), shapes=[(3,)])


def _hess_fn(a, b):
    return (a.sin() * a).sum() * b.exp().sum() + (a ** 3).sum()


def test_hessian_matches_torch():
    check_parity(lambda m, x, y: F(m).hessian(_hess_fn)(x, y), shapes=[(3,), (2,)])


def test_hessian_over_two_arguments_is_a_nested_tuple():
    def fn(m, x, y):
        h = F(m).hessian(_hess_fn, argnums=(0, 1))(x, y)
        return [block for row in h for block in row]

    check_parity(fn, shapes=[(3,), (2,)])


def test_float32_stays_float32_through_every_transform():
    x = tg.randn(3, 2)
    f = lambda a: (a.tanh() ** 2).sum()  # noqa: E731
    outs = [tg.func.grad(f)(x), tg.func.jacrev(tg.sin)(x), tg.func.jacfwd(tg.sin)(x), tg.func.hessian(f)(x),
            tg.func.jvp(tg.sin, (x,), (x,))[1], tg.func.vjp(tg.sin, x)[1](x)[0], tg.func.vmap(tg.func.grad(f))(x)]
    assert all(o.dtype is tg.float32 for o in outs)


@pytest.mark.parametrize("case", [
    lambda m: m.func.grad(lambda a: a ** 2)(m.ones(3)),
    lambda m: m.func.grad(lambda a: 1.0)(m.ones(3)),
    lambda m: m.func.grad(lambda a: (a.sum(),))(m.ones(3)),
    lambda m: m.func.grad(lambda a: a.sum(), argnums=2)(m.ones(3)),
    lambda m: m.func.grad(lambda a: a.sum(), argnums=(0, 0))(m.ones(3)),
    lambda m: m.func.grad(lambda a: a.sum(), argnums=1.0)(m.ones(3)),
    lambda m: m.func.grad(lambda a: a.sum(), has_aux=True)(m.ones(3)),
    lambda m: m.func.grad(lambda a: a.sum())(3.0),
    # aux is handed back through torch's unwrapping, which takes tensors only; the output is checked first
    lambda m: m.func.grad(lambda a: (a.sum(), 3), has_aux=True)(m.ones(3)),
    lambda m: m.func.grad(lambda a: (a, None), has_aux=True)(m.ones(3)),
    lambda m: m.func.grad_and_value(lambda a: (a.sum(), {"h": a.exp(), "step": 2}), has_aux=True)(m.ones(3)),
    lambda m: m.func.vjp(lambda a: (3, "aux"), m.ones(3), has_aux=True),
    lambda m: m.func.jvp(lambda a: (a * 2, [a, 1.5]), (m.ones(3),), (m.ones(3),), has_aux=True),
    lambda m: m.func.jacrev(lambda a: (a * 2, 3), has_aux=True)(m.ones(3)),
    lambda m: m.func.jacfwd(lambda a: (a * 2, 3), has_aux=True)(m.ones(3)),
    lambda m: m.func.jacrev(lambda a: a, argnums=())(m.ones(3)),
    lambda m: m.func.jacrev(lambda a: a, chunk_size=0)(m.ones(3)),
    lambda m: m.func.vjp(lambda a: a * 2, m.ones(3))[1](m.ones(2)),
    lambda m: m.func.vjp(lambda a: a * 2, m.ones(3))[1]((m.ones(3),)),
    lambda m: m.func.vjp(lambda a: 3, m.ones(3)),
    lambda m: m.func.jvp(lambda a: a * 2, m.ones(3), m.ones(3)),
    lambda m: m.func.jvp(lambda a: a * 2, (m.ones(3),), (m.ones(3), m.ones(3))),
    lambda m: m.func.jvp(lambda a: a * 2, (m.ones(3),), (m.ones(2),)),
    lambda m: m.func.jvp(lambda a: a * 2, (m.ones(3),), [m.ones(3)]),
    lambda m: m.func.jvp(lambda a: m.ones(3), (m.ones(3),), (m.ones(3),), strict=True),
    lambda m: m.func.jacfwd(lambda a: a * m.rand(3))(m.ones(3)),
    lambda m: m.func.jacfwd(lambda a: a, randomness="x")(m.ones(3)),
])
def test_errors_match_torch(case):
    check_error(case)


def test_jvp_strict_accepts_outputs_that_depend_on_the_inputs():
    check_parity(lambda m, x: m.func.jvp(lambda a: a * 0 + 1, (x,), (x,), strict=True), shapes=[(3,)],
                 requires_grad=[False])


def test_jacfwd_with_randomness_same_draws_once_for_all_columns():
    tg.manual_seed(0)
    jac = tg.func.jacfwd(lambda a: a * tg.rand(3), randomness="same")(tg.ones(3, dtype=tg.float64))
    tg.manual_seed(0)
    np.testing.assert_array_equal(jac.numpy(), np.diag(tg.rand(3).double().numpy()))


def test_grad_under_no_grad_still_differentiates():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(4)
    with tg.no_grad():
        ours = tg.func.grad(lambda a: a.sin().sum())(tg.tensor(x))
    with torch.no_grad():
        theirs = torch.func.grad(lambda a: a.sin().sum())(torch.tensor(x))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    assert ours.requires_grad == theirs.requires_grad


def test_jacrev_of_an_rnn_step_through_functional_call():
    # torch's side: its plain jacobian (a loop of vjps); torch.func.jacrev of an RNN cell spends
    # seconds warming up its vmap, for the same numbers.
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    results = []
    for m in (tg, torch):
        m.manual_seed(0)
        cell = m.nn.RNNCell(3, 4).double()
        names = [k for k, _ in cell.named_parameters()]
        values = tuple(v.detach() for _, v in cell.named_parameters())

        def step(*args, m=m, cell=cell, names=names):
            return m.func.functional_call(cell, dict(zip(names, args[:-1])), (m.tensor(x), args[-1]))

        if m is tg:
            by_params, by_h = tg.func.jacrev(lambda p, h_: step(*p, h_), argnums=(0, 1))(values, tg.tensor(h))
            results.append([*by_params, by_h])
        else:
            results.append(list(torch.autograd.functional.jacobian(step, (*values, torch.tensor(h)))))
    for ours, theirs in zip(*results):
        assert_arrays_close(ours, theirs)

"""func.jvp and jacfwd run on forward-mode AD: against torch.func on nested transforms
(jacfwd(jacrev), hessian, jvp of grad, jvp of jvp), has_aux, argnums and randomness, with
inputs that need no gradient (plain results, as torch's) and inputs that do (check_parity then
backpropagates through the transform's result: reverse over forward)."""
import numpy as np
import pytest
from helpers import assert_arrays_close, check_parity, require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import forward_ad
from tinygrad_rnn.core import forward_mode
from tinygrad_rnn.core.function import Function


def f2(a, b):
    return (a.sin()[:2] * b.exp()).sum() * a.tanh().sum()


def cubic(a):
    return a.sin() * a.sum() + a ** 3


NESTED = {
    "jacfwd(jacrev)": lambda m, x, y: m.func.jacfwd(m.func.jacrev(f2))(x, y),
    "jacfwd(jacrev) both argnums": lambda m, x, y: m.func.jacfwd(m.func.jacrev(f2, argnums=(0, 1)),
                                                                 argnums=(0, 1))(x, y),
    "hessian": lambda m, x, y: m.func.hessian(f2, argnums=1)(x, y),
    "jvp(grad)": lambda m, x, y: m.func.jvp(m.func.grad(f2, argnums=1), (x, y), (x.cos(), y * 2)),
    "jvp(jvp)": lambda m, x, y: m.func.jvp(lambda a: m.func.jvp(cubic, (a,), (a.cos(),))[1], (x,), (x * 0 + 1,)),
    "jacfwd(jacfwd)": lambda m, x, y: m.func.jacfwd(m.func.jacfwd(cubic))(x),
    "jacrev(jacfwd)": lambda m, x, y: m.func.jacrev(m.func.jacfwd(cubic))(x),
    "vmap(jacfwd)": lambda m, x, y: m.func.vmap(m.func.jacfwd(cubic))(x.reshape(1, 3) * y.reshape(2, 1)),
    "jacfwd(vmap)": lambda m, x, y: m.func.jacfwd(m.func.vmap(cubic))(x.reshape(1, 3) * y.reshape(2, 1)),
    "jacfwd has_aux": lambda m, x, y: m.func.jacfwd(lambda a: (a.exp() * y.sum(), a.sum()), has_aux=True)(x),
    "jvp has_aux": lambda m, x, y: m.func.jvp(lambda a: (a.exp(), a.sum()), (x,), (x.cos(),), has_aux=True),
    "jacfwd argnums tuple": lambda m, x, y: m.func.jacfwd(lambda a, b: a.reshape(3, 1) * b, argnums=(1, 0))(x, y),
    "jacfwd nested dict input": lambda m, x, y: tuple(m.func.jacfwd(lambda p: p["w"].sin() * p["b"][0])(
        {"w": x, "b": y}).values()),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_nested_transforms_match_torch_func_and_backpropagate(name):
    check_parity(NESTED[name], shapes=[(3,), (2,)])


@pytest.mark.parametrize("name", sorted(NESTED))
def test_nested_transforms_of_plain_inputs_give_plain_results(name):
    torch = require_torch()
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(3), rng.standard_normal(2)
    ours, theirs = NESTED[name](tg, tg.tensor(x), tg.tensor(y)), NESTED[name](torch, torch.tensor(x), torch.tensor(y))
    flat_ours, flat_theirs = _leaves(ours), _leaves(theirs)
    assert len(flat_ours) == len(flat_theirs)
    for a, b in zip(flat_ours, flat_theirs):
        assert_arrays_close(a, b)
        assert a.requires_grad == b.requires_grad


def test_grad_of_jvp_is_the_hessian_vector_product():
    # grad_x (grad f(x) . v) = H v. torch's reference is its double-backward hvp: torch.func's
    # grad(jvp) gives the same numbers but spends seconds warming up.
    torch = require_torch()
    x, v = np.random.default_rng(2).standard_normal((2, 3))

    def f(a):
        return cubic(a).sum()

    ours = tg.func.grad(lambda a: tg.func.jvp(f, (a,), (tg.tensor(v),))[1])(tg.tensor(x))
    _, theirs = torch.autograd.functional.hvp(f, torch.tensor(x), torch.tensor(v))
    assert_arrays_close(ours, theirs)
    assert not ours.requires_grad


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in _leaves(v)]
    if isinstance(tree, (tuple, list)):
        return [leaf for v in tree for leaf in _leaves(v)]
    return [tree]


def test_jvp_is_one_forward_pass_with_dual_numbers(monkeypatch):
    # Every op of f sees the tangent in forward mode; no backward runs.
    calls = []
    real = forward_mode.apply_with_tangents  # what Function.apply runs while a dual level is on
    monkeypatch.setattr(Function, "_apply_with_tangents", staticmethod(
        lambda ctx, args: calls.append(type(ctx)._forward_cls.__name__) or real(ctx, args)))
    x = tg.tensor([0.5, -1.0], dtype=tg.float64)
    _, t = tg.func.jvp(lambda a: a.sin() * a, (x,), (tg.ones(2, dtype=tg.float64),))
    assert "Sin" in calls and "Mul" in calls
    np.testing.assert_allclose(t.numpy(), np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy()), rtol=1e-12)


def test_jacfwd_runs_one_forward_pass_per_input_element():
    seen = []

    def f(a):
        seen.append(forward_ad.unpack_dual(a).tangent.numpy().copy())
        return a.exp()

    tg.func.jacfwd(f)(tg.zeros(2, 2, dtype=tg.float64))
    np.testing.assert_array_equal(np.stack(seen).reshape(4, 4), np.eye(4))


def test_jvp_leaves_no_dual_level_open():
    tg.func.jvp(tg.sin, (tg.ones(2),), (tg.ones(2),))
    assert forward_ad._current_level() == -1


def test_jvp_inside_a_users_dual_level_uses_the_double_vjp_trick():
    # One level at a time (as torch's forward_ad): the inner jvp falls back, the outer tangent flows.
    x = tg.tensor([0.3, 0.7], dtype=tg.float64)
    with forward_ad.dual_level():
        dual = forward_ad.make_dual(x, tg.ones(2, dtype=tg.float64))
        _, inner = tg.func.jvp(lambda a: a ** 3, (dual,), (tg.ones(2, dtype=tg.float64),))  # 3 a^2
        outer = forward_ad.unpack_dual(inner).tangent  # d/da 3 a^2 = 6 a
    np.testing.assert_allclose(inner.detach().numpy(), 3 * x.numpy() ** 2, rtol=1e-12)
    np.testing.assert_allclose(outer.detach().numpy(), 6 * x.numpy(), rtol=1e-12)


@pytest.mark.parametrize("randomness", ["same", "different"])
def test_jacfwd_randomness_draws_per_column_as_vmap(randomness):
    tg.manual_seed(0)
    jac = tg.func.jacfwd(lambda a: a * tg.rand(3, dtype=tg.float64), randomness=randomness)(tg.ones(3, dtype=tg.float64))
    tg.manual_seed(0)
    draws = [tg.rand(3, dtype=tg.float64).numpy() for _ in range(3)]
    if randomness == "same":
        draws = [draws[0]] * 3  # every column rewinds the generator
    np.testing.assert_array_equal(jac.numpy(), np.diag([draws[k][k] for k in range(3)]))
    assert np.count_nonzero(jac.numpy() - np.diag(np.diag(jac.numpy()))) == 0


def test_jacfwd_float32_stays_float32():
    check_parity(lambda m, x: m.func.jacfwd(lambda a: (a.sin() @ a.reshape(3, 1)).tanh())(x), shapes=[(3,)],
                 dtype=np.float32)


def test_jacfwd_vs_jacrev_example_runs_both_shapes(capsys):
    # The timings are the example's to show (speed is never asserted in a unit test); here it
    # runs, checks inside that both modes give the same Jacobian, and reports both shapes.
    from helpers import load_example

    times = load_example("jacfwd_vs_jacrev").main([])
    assert set(times) == {"tall", "wide"} and all(t > 0 for pair in times.values() for t in pair)
    out = capsys.readouterr().out
    assert "8 inputs -> 512 outputs, Jacobian (512, 8)" in out and "jacfwd / jacrev = " in out


def test_jvp_and_jacfwd_results_show_torchs_nodes_when_weights_require_grad():
    """jvp's output read <torch::autograd::Identity> (unpack_dual's node), jacfwd's blocks
    UnsafeViewBackward0; torch shows an alias and a view."""
    torch = require_torch()
    def run(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(5, 4), m.nn.Tanh(), m.nn.Linear(4, 2))
        params, x = dict(net.named_parameters()), m.randn(3, 5)
        ones = {k: m.ones_like(v) for k, v in params.items()}
        out, tangent = m.func.jvp(lambda p: m.func.functional_call(net, p, (x,)), (params,), (ones,))
        jac = m.func.jacfwd(lambda p: m.func.functional_call(net, p, (x[0],)))(params)
        return out.grad_fn.name(), tangent.grad_fn.name(), {k: v.grad_fn.name() for k, v in jac.items()}

    assert run(tg) == run(torch)

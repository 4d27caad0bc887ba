"""nn.utils.parametrize, parametrizations.weight_norm / spectral_norm and the older weight_norm /
spectral_norm hooks against torch: reprs, state_dict keys and values, outputs and gradients over
two training steps (the power iteration advances), removal, right_inverse, caching, errors."""
import warnings

import numpy as np
import pytest
from helpers import TOL, check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

KINDS = {
    "weight_norm": lambda m, lin: m.nn.utils.parametrizations.weight_norm(lin),
    "weight_norm dim=1": lambda m, lin: m.nn.utils.parametrizations.weight_norm(lin, dim=1),
    "weight_norm dim=None": lambda m, lin: m.nn.utils.parametrizations.weight_norm(lin, dim=None),
    "spectral_norm": lambda m, lin: m.nn.utils.parametrizations.spectral_norm(lin, n_power_iterations=2),
    "spectral_norm of the bias": lambda m, lin: m.nn.utils.parametrizations.spectral_norm(lin, "bias"),
    "old weight_norm hook": lambda m, lin: m.nn.utils.weight_norm(lin),
    "old spectral_norm hook": lambda m, lin: m.nn.utils.spectral_norm(lin),
}


def _train_twice(m, kind, dtype):
    m.manual_seed(0)
    lin = m.nn.Linear(4, 3).to(m.float64 if dtype == np.float64 else m.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the old weight_norm is deprecated in both
        KINDS[kind](m, lin)
    x = m.tensor(np.random.default_rng(0).standard_normal((2, 4)).astype(dtype))
    seed = m.tensor(np.random.default_rng(1).standard_normal((2, 3)).astype(dtype))
    outputs = []
    for _ in range(2):
        y = lin(x)
        y.backward(seed)
        outputs.append(y.detach().numpy().copy())
    outputs.append(lin.eval()(x).detach().numpy())  # eval: no power iteration
    state = lin.state_dict()
    grads = [p.grad.numpy() for p in lin.parameters()]
    return repr(lin), list(state), [v.numpy() for v in state.values()] + outputs + grads


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", list(KINDS))
def test_parametrized_linear_matches_torch(kind, dtype):
    torch = require_torch()
    ours_repr, ours_keys, ours = _train_twice(tinygrad_rnn, kind, dtype)
    theirs_repr, theirs_keys, theirs = _train_twice(torch, kind, dtype)
    assert ours_repr == theirs_repr
    assert ours_keys == theirs_keys
    tol = TOL[np.float64] if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, err_msg=f"result {i}", **tol)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_norm_except_dim_and_weight_norm_match_torch(dim):
    from tinygrad_rnn.nn.utils.weight_norm import _weight_norm
    check_parity(lambda m, v, g: m._weight_norm(v, g, dim) if m is not tinygrad_rnn else _weight_norm(v, g, dim),
                 [np.random.default_rng(0).standard_normal((2, 3, 4)),
                  np.random.default_rng(1).standard_normal([(2, 1, 1), (1, 3, 1), (1, 1, 4), ()][dim])])


def test_weight_norm_gradient_by_finite_differences():
    from tinygrad_rnn.nn.utils.weight_norm import _weight_norm
    rng = np.random.default_rng(0)
    check_finite_differences(lambda m, v, g: _weight_norm(v, g, 0), [rng.standard_normal((3, 2)),
                                                                      rng.standard_normal((3, 1))])


class _Symmetric:
    """A parametrization class built on either framework's Module."""

    @staticmethod
    def build(m):
        class Symmetric(m.nn.Module):
            def forward(self, x):
                return x.triu() + x.triu(1).transpose(0, 1)

            def right_inverse(self, a):
                return a.triu()

        return Symmetric()


def test_register_assign_cache_and_remove_match_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 3).double()
        m.nn.utils.parametrize.register_parametrization(lin, "weight", _Symmetric.build(m))
        steps = [repr(lin), type(lin).__name__, m.nn.utils.parametrize.is_parametrized(lin),
                 m.nn.utils.parametrize.type_before_parametrizations(lin).__name__]
        with m.nn.utils.parametrize.cached():
            assert lin.weight is lin.weight  # computed once inside the block
        lin.weight = m.tensor(np.arange(9.0).reshape(3, 3))  # stored through right_inverse
        steps.append(lin.parametrizations.weight.original.detach().numpy().tolist())
        steps.append(lin.weight.detach().numpy().tolist())
        m.nn.utils.parametrize.remove_parametrizations(lin, "weight")
        steps += [repr(lin), list(lin.state_dict()), lin.weight.detach().numpy().tolist()]
        results.append(steps)
    assert results[0] == results[1]


def test_weight_norm_state_dict_loads_across_frameworks():
    torch = require_torch()
    torch.manual_seed(0)
    theirs = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(4, 3))
    ours = tinygrad_rnn.nn.utils.parametrizations.weight_norm(tinygrad_rnn.nn.Linear(4, 3))
    ours.load_state_dict({k: tinygrad_rnn.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(), rtol=1e-6)


def test_weight_norm_parametrization_loads_a_state_dict_of_the_older_weight_norm():
    """parametrizations.weight_norm renames `weight_g` / `weight_v` to its originals when loading, as torch's
    compat hook does, so checkpoints made under the older nn.utils.weight_norm still load."""
    for m in (tinygrad_rnn, require_torch()):
        m.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            old = m.nn.Sequential(m.nn.utils.weight_norm(m.nn.Conv1d(2, 3, 2)))
        new = m.nn.Sequential(m.nn.utils.parametrizations.weight_norm(m.nn.Conv1d(2, 3, 2)))
        assert str(new.load_state_dict(old.state_dict())) == "<All keys matched successfully>"
        assert list(new.state_dict()) == ["0.bias", "0.parametrizations.weight.original0",
                                          "0.parametrizations.weight.original1"]
        np.testing.assert_allclose(new[0].weight.detach().numpy(), old[0].weight.detach().numpy(), rtol=1e-6)


def test_old_hooks_are_removed_as_in_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            lin = m.nn.utils.weight_norm(m.nn.utils.spectral_norm(m.nn.Linear(3, 2), "bias"))
        m.nn.utils.remove_weight_norm(lin)
        m.nn.utils.remove_spectral_norm(lin, "bias")
        results.append((list(lin.state_dict()), [v.numpy().tolist() for v in lin.state_dict().values()]))
    assert results[0][0] == results[1][0]
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_old_weight_norm_warns_as_torch():
    with pytest.warns(FutureWarning, match="`torch.nn.utils.weight_norm` is deprecated"):
        tinygrad_rnn.nn.utils.weight_norm(tinygrad_rnn.nn.Linear(2, 2))


ERRORS = {
    "no such tensor": lambda m: m.nn.utils.parametrize.register_parametrization(m.nn.Linear(2, 2), "w",
                                                                                m.nn.Identity()),
    "remove what is not there": lambda m: m.nn.utils.parametrize.remove_parametrizations(m.nn.Linear(2, 2), "weight"),
    "shape change": lambda m: m.nn.utils.parametrize.register_parametrization(
        m.nn.Linear(2, 2), "bias", m.nn.Flatten(0)) and m.nn.utils.parametrize.register_parametrization(
        m.nn.Linear(2, 2), "weight", m.nn.Flatten(0)),
    "spectral_norm dim": lambda m: m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(2, 2), dim=2),
    "spectral_norm iterations": lambda m: m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(2, 2),
                                                                                    n_power_iterations=0),
    "spectral_norm twice (old)": lambda m: m.nn.utils.spectral_norm(m.nn.utils.spectral_norm(m.nn.Linear(2, 2))),
    "remove missing weight_norm": lambda m: m.nn.utils.remove_weight_norm(m.nn.Linear(2, 2)),
    "remove missing spectral_norm": lambda m: m.nn.utils.remove_spectral_norm(m.nn.Linear(2, 2)),
    "leave unparametrized a sequence": lambda m: m.nn.utils.parametrize.remove_parametrizations(
        m.nn.utils.parametrizations.weight_norm(m.nn.Linear(2, 2)), "weight", leave_parametrized=False),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_parametrization_errors_match_torch(case):
    check_error(ERRORS[case])


ORTHOGONAL = [((4, 4), None, True), ((4, 4), "householder", False), ((4, 4), "cayley", True), ((5, 3), None, True),
              ((3, 5), "cayley", True),
              ((5, 3), "matrix_exp", True), ((3, 5), "householder", True), ((3, 5), None, False)]


def _orthogonal_run(m, shape, orthogonal_map, trivialization, dtype):
    """Register, move the original away from its starting point, run forward/backward, then assign."""
    m.manual_seed(0)
    lin = m.nn.Linear(shape[1], shape[0]).to(getattr(m, dtype))
    m.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=orthogonal_map, use_trivialization=trivialization)
    original = lin.parametrizations.weight.original
    with m.no_grad():
        original.add_(m.tensor(0.3 * np.random.default_rng(2).standard_normal(shape).astype(dtype)))
    x = m.tensor(np.random.default_rng(0).standard_normal((2, shape[1])).astype(dtype))
    y = lin(x)
    y.backward(m.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape)).astype(dtype)))
    weight = lin.weight.detach().numpy().copy()
    square = np.linalg.qr(np.random.default_rng(3).standard_normal((max(shape), max(shape))))[0]
    lin.weight = m.tensor(square[:shape[0], :shape[1]].astype(dtype))
    state = lin.state_dict()
    values = [v.numpy() for v in state.values()] + [y.detach().numpy(), weight, lin.weight.detach().numpy()]
    return repr(lin), list(state), values + [p.grad.numpy() for p in lin.parameters()]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape, orthogonal_map, trivialization", ORTHOGONAL)
def test_orthogonal_matches_torch(shape, orthogonal_map, trivialization, dtype):
    torch = require_torch()
    ours = _orthogonal_run(tinygrad_rnn, shape, orthogonal_map, trivialization, dtype)
    theirs = _orthogonal_run(torch, shape, orthogonal_map, trivialization, dtype)
    assert ours[:2] == theirs[:2]
    tol = dict(rtol=1e-9, atol=1e-11) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
    for i, (a, b) in enumerate(zip(ours[2], theirs[2])):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, err_msg=f"result {i}", **tol)


def test_householder_gradients_by_finite_differences():
    from tinygrad_rnn.nn.utils.parametrizations import _householder_product
    rng = np.random.default_rng(0)
    check_finite_differences(lambda m, a, tau: _householder_product(a, tau),
                             [rng.standard_normal((4, 2)), rng.standard_normal(2)])


ORTHOGONAL_ERRORS = {
    "vector": lambda m: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(2, 2), "bias"),
    "unknown map": lambda m: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(2, 2), orthogonal_map="qr"),
    "missing tensor": lambda m: m.nn.utils.parametrizations.orthogonal(m.nn.Linear(2, 2), "w"),
    "assigning to matrix_exp without trivialization": lambda m: setattr(
        m.nn.utils.parametrizations.orthogonal(m.nn.Linear(2, 2), use_trivialization=False), "weight", m.eye(2)),
}


@pytest.mark.parametrize("case", list(ORTHOGONAL_ERRORS))
def test_orthogonal_errors_match_torch(case):
    check_error(ORTHOGONAL_ERRORS[case])


@pytest.mark.parametrize("orthogonal_map, trivialization", [(None, True), ("cayley", True), ("householder", True),
                                                             ("householder", False)])
@pytest.mark.parametrize("shape", [(2, 3, 3), (2, 4, 3), (3, 2, 4)])
def test_orthogonal_batch_of_matrices_matches_torch(shape, orthogonal_map, trivialization):
    """Bilinear's weight (out, in1, in2) is a batch of out matrices."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        layer = m.nn.Bilinear(shape[1], shape[2], shape[0]).double()
        m.nn.utils.parametrizations.orthogonal(layer, orthogonal_map=orthogonal_map,
                                               use_trivialization=trivialization)
        with m.no_grad():
            layer.parametrizations.weight.original.add_(m.tensor(0.3 * np.random.default_rng(2).standard_normal(shape)))
        x1, x2 = (m.tensor(np.random.default_rng(i).standard_normal((2, n))) for i, n in enumerate(shape[1:]))
        out = layer(x1, x2)
        out.backward(m.tensor(np.random.default_rng(5).standard_normal(tuple(out.shape))))
        results.append([out.detach().numpy()] + [v.numpy() for v in layer.state_dict().values()] +
                       [p.grad.numpy() for p in layer.parameters()])
    for i, (a, b) in enumerate(zip(*results)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11, err_msg=f"result {i}")


@pytest.mark.parametrize("trivialization", [True, False])
@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3)])
def test_orthogonal_weight_nodes_are_torchs(shape, orthogonal_map, trivialization):
    """The maps use torch.matrix_exp and torch.linalg.solve, whose nodes torch shows."""
    torch = require_torch()
    names = [m.nn.utils.parametrizations.orthogonal(m.nn.Linear(shape[1], shape[0]), orthogonal_map=orthogonal_map,
                                                    use_trivialization=trivialization).weight.grad_fn.name()
             for m in (tinygrad_rnn, torch)]
    assert names[0] == names[1]


def test_transfer_parametrizations_and_params_matches_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        source = m.nn.utils.parametrizations.weight_norm(m.nn.Linear(3, 2).double())
        target = m.nn.Linear(3, 2).double()
        m.nn.utils.parametrize.transfer_parametrizations_and_params(source, target)
        shared = target.parametrizations.weight.original0 is source.parametrizations.weight.original0
        results.append((repr(target), list(target.state_dict()), shared, target.weight.detach().numpy()))
    assert results[0][:3] == results[1][:3]
    np.testing.assert_allclose(results[0][3], results[1][3], **TOL[np.float64])


def test_parametrized_module_deep_copies_but_does_not_pickle_as_in_torch():
    """TransformerEncoder deep-copies its layer: a parametrized layer must survive that."""
    import copy
    import pickle
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        lin = m.nn.utils.parametrizations.weight_norm(m.nn.Linear(3, 2))
        twin = copy.deepcopy(lin)
        assert type(twin).__name__ == "ParametrizedLinear"
        assert twin.parametrizations.weight.original0 is not lin.parametrizations.weight.original0
        np.testing.assert_array_equal(twin.weight.detach().numpy(), lin.weight.detach().numpy())
        with pytest.raises(RuntimeError, match="Serialization of parametrized modules is only supported"):
            pickle.dumps(lin)


RNN_PARAMETRIZATIONS = {
    "orthogonal weight_hh_l0": lambda m, rnn: m.nn.utils.parametrizations.orthogonal(rnn, "weight_hh_l0"),
    "spectral_norm weight_hh_l0": lambda m, rnn: m.nn.utils.parametrizations.spectral_norm(rnn, "weight_hh_l0"),
    "weight_norm weight_ih_l0": lambda m, rnn: m.nn.utils.parametrizations.weight_norm(rnn, "weight_ih_l0"),
    "old weight_norm weight_hh_l0": lambda m, rnn: m.nn.utils.weight_norm(rnn, "weight_hh_l0"),
}


def _train_parametrized_rnn(m, kind, parametrization):
    m.manual_seed(0)
    rnn = getattr(m.nn, kind)(3, 4).double()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        RNN_PARAMETRIZATIONS[parametrization](m, rnn)
    opt = m.optim.SGD(rnn.parameters(), lr=0.5)
    x = m.randn(5, 2, 3, dtype=m.float64)
    results = []
    for _ in range(3):  # the later steps run with weights that differ from the ones at registration
        out = rnn(x)[0]
        opt.zero_grad()
        (out ** 2).sum().backward()
        opt.step()
        results.append(out.detach().numpy())
    return results + [p.grad.numpy() for p in rnn.parameters()]


@pytest.mark.parametrize("parametrization", list(RNN_PARAMETRIZATIONS))
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_a_parametrized_rnn_weight_is_the_one_forward_uses(kind, parametrization):
    """The RNNs read their weights from a list made at construction; a parametrized weight must be
    read anew at each forward, as torch does (the list held the stale original Parameter)."""
    torch = require_torch()
    ours, theirs = (_train_parametrized_rnn(m, kind, parametrization) for m in (tinygrad_rnn, torch))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _reads_per_forward(m, kind, name):
    class Counted(m.nn.Module):
        reads = 0

        def forward(self, X):
            Counted.reads += 1
            return X * 1

    rnn = getattr(m.nn, kind)(3, 4, num_layers=2)
    m.nn.utils.parametrize.register_parametrization(rnn, name, Counted())
    Counted.reads = 0
    rnn(m.randn(5, 2, 3))
    return Counted.reads


@pytest.mark.parametrize("name", ["weight_ih_l0", "bias_hh_l0", "weight_hh_l1"])
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_an_rnn_forward_computes_a_parametrized_weight_as_often_as_torch(kind, name):
    torch = require_torch()
    assert _reads_per_forward(tinygrad_rnn, kind, name) == _reads_per_forward(torch, kind, name)


def _fused_weight_norm(m, v, g, dim):
    from tinygrad_rnn.nn.utils.weight_norm import _weight_norm  # ours: torch's is torch._weight_norm
    return (_weight_norm if m is tinygrad_rnn else m._weight_norm)(v, g, dim)


WEIGHT_NORM_SHAPES = [((4, 3), (4, 1), 0), ((4, 3), (1, 3), 1), ((3, 2, 5), (3, 1, 1), 0), ((3, 2, 5), (1, 1, 5), 2)]


@pytest.mark.parametrize("v_shape,g_shape,dim", WEIGHT_NORM_SHAPES)
def test_weight_norm_on_dim_0_or_the_last_is_torchs_fused_node(v_shape, g_shape, dim):
    check_parity(lambda m, v, g: _fused_weight_norm(m, v, g, dim), shapes=[v_shape, g_shape])
    torch = require_torch()
    names = [_fused_weight_norm(m, m.ones(v_shape, requires_grad=True), m.ones(g_shape), dim).grad_fn.name()
             for m in (tinygrad_rnn, torch)]
    assert names[0] == names[1] == "WeightNormInterfaceBackward0"


@pytest.mark.parametrize("v_shape,g_shape,dim", WEIGHT_NORM_SHAPES[:2])
def test_the_fused_weight_norm_differentiates_twice_and_forward(v_shape, g_shape, dim):
    rng = np.random.default_rng(0)
    v, g, weights = rng.standard_normal(v_shape), rng.standard_normal(g_shape), rng.standard_normal(v_shape)

    def grad_of_v(m, v, g):  # the first gradient, itself differentiated by the check
        with m.enable_grad():  # (the check also evaluates it under no_grad, on fresh tensors)
            v = v if v.requires_grad else v.requires_grad_()
            w = _fused_weight_norm(m, v, g, dim)
            return m.autograd.grad((w * m.tensor(weights)).sum(), v, create_graph=True)[0]

    check_finite_differences(grad_of_v, [v, g])
    fwad = tinygrad_rnn.autograd.forward_ad
    tv, tg = rng.standard_normal(v_shape), rng.standard_normal(g_shape)
    with fwad.dual_level():
        dual = _fused_weight_norm(tinygrad_rnn, fwad.make_dual(tinygrad_rnn.tensor(v), tinygrad_rnn.tensor(tv)),
                                  fwad.make_dual(tinygrad_rnn.tensor(g), tinygrad_rnn.tensor(tg)), dim)
        tangent = fwad.unpack_dual(dual).tangent.numpy()
    step = 1e-6
    plus = _fused_weight_norm(tinygrad_rnn, tinygrad_rnn.tensor(v + step * tv), tinygrad_rnn.tensor(g + step * tg), dim)
    minus = _fused_weight_norm(tinygrad_rnn, tinygrad_rnn.tensor(v - step * tv), tinygrad_rnn.tensor(g - step * tg), dim)
    np.testing.assert_allclose(tangent, (plus - minus).numpy() / (2 * step), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("api", ["parametrization", "old hook"])
@pytest.mark.parametrize("layer", ["ConvTranspose1d", "ConvTranspose2d", "Conv1d"])
def test_spectral_norm_of_a_transposed_convolution_normalises_its_dim_1_as_torch(layer, api):
    """A transposed convolution's weight is (in, out, ...): torch's default dim is 1 for it."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        conv = getattr(m.nn, layer)(2, 3, 2).double()
        if api == "parametrization":
            m.nn.utils.parametrizations.spectral_norm(conv)
        else:
            m.nn.utils.spectral_norm(conv)
        x = m.ones((1, 2) + (3,) * (2 if layer.endswith("2d") else 1), dtype=m.float64)
        results.append([conv(x).detach().numpy()] + [b.numpy() for b in conv.buffers()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _old_spectral_norm_checkpoint(m, linear):
    """What torch before 1.0 saved for spectral_norm: `weight` (already normalised), no `weight_v`,
    and no spectral_norm version in the metadata."""
    from collections import OrderedDict
    state = OrderedDict((k, v) for k, v in linear.state_dict().items() if k != "weight_v")
    state["weight"] = linear.weight.detach()
    state._metadata = OrderedDict({"": {"version": 1}})
    return state


def test_old_spectral_norm_state_dict_metadata_and_old_checkpoints_as_torch():
    """state_dict() records the hook's version; a checkpoint without it has its v solved for; after
    remove_spectral_norm torch still runs that loader (its removal misses it), so a strict load fails."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            lin = m.nn.utils.spectral_norm(m.nn.Linear(3, 4).double())
            lin(m.ones(2, 3, dtype=m.float64))
            metadata = dict(lin.state_dict()._metadata)
            fresh = m.nn.utils.spectral_norm(m.nn.Linear(3, 4).double())
            loaded = str(fresh.load_state_dict(_old_spectral_norm_checkpoint(m, lin)))
            m.nn.utils.remove_spectral_norm(lin)
            after_remove = str(lin.load_state_dict(lin.state_dict(), strict=False))
        results.append([metadata, loaded, after_remove, fresh.weight_v.numpy(), fresh.eval()(m.ones(1, 3, dtype=m.float64))])
    assert results[0][:3] == results[1][:3]
    for a, b in zip(results[0][3:], results[1][3:]):
        np.testing.assert_allclose(a.detach().numpy() if hasattr(a, "detach") else a,
                                   b.detach().numpy() if hasattr(b, "detach") else b, rtol=1e-9, atol=1e-12)

"""GroupNorm, InstanceNorm1d/2d, LocalResponseNorm, RMSNorm and BatchNorm2d against torch:
values, gradients (input and parameters), running statistics in training and their use in eval,
reprs, state_dict keys, errors, gradcheck."""
import warnings

import numpy as np
import pytest
from fresh_process import fresh_stderr
from helpers import both_on_threads, check_error, check_parity, require_torch
from nn_helpers import assert_same_module, both_modules, check_module_parity

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck

DTYPES = [np.float64, np.float32]
F = lambda m: m.nn.functional  # noqa: E731

FUNCTIONS = {
    "group_norm": (lambda m, x, w, b: F(m).group_norm(x, 2, w, b), [(2, 4, 3, 5), (4,), (4,)]),
    "group_norm-plain": (lambda m, x: F(m).group_norm(x, 4, eps=1e-3), [(3, 4, 6)]),
    "instance_norm": (lambda m, x, w, b: F(m).instance_norm(x, weight=w, bias=b), [(2, 4, 3, 5), (4,), (4,)]),
    "instance_norm-1d": (lambda m, x: F(m).instance_norm(x, eps=1e-2), [(2, 3, 7)]),
    "rms_norm": (lambda m, x, w: F(m).rms_norm(x, (3, 5), w), [(2, 4, 3, 5), (3, 5)]),
    "rms_norm-default-eps": (lambda m, x: F(m).rms_norm(x, [5]), [(2, 4, 5)]),
    "local_response_norm": (lambda m, x: F(m).local_response_norm(x, 3, 0.1, 0.6, 2.0), [(2, 5, 3, 4)]),
    "local_response_norm-3d": (lambda m, x: F(m).local_response_norm(x, 2), [(2, 5, 6)]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_normalization_function_matches_torch(name, dtype):
    fn, shapes = FUNCTIONS[name]
    check_parity(fn, shapes=shapes, dtype=dtype)


LAYERS = {
    "GroupNorm": (lambda m, **d: m.nn.GroupNorm(2, 4, **d), (2, 4, 3, 5)),
    "GroupNorm-no-affine": (lambda m, **d: m.nn.GroupNorm(2, 4, affine=False, **d), (2, 4, 3)),
    "GroupNorm-no-bias": (lambda m, **d: m.nn.GroupNorm(1, 4, eps=1e-3, bias=False, **d), (2, 4, 3)),
    "InstanceNorm1d": (lambda m, **d: m.nn.InstanceNorm1d(4, **d), (2, 4, 6)),
    "InstanceNorm1d-unbatched": (lambda m, **d: m.nn.InstanceNorm1d(4, affine=True, **d), (4, 6)),
    "InstanceNorm2d": (lambda m, **d: m.nn.InstanceNorm2d(4, affine=True, track_running_stats=True, **d), (2, 4, 3, 5)),
    "InstanceNorm2d-momentum-none": (lambda m, **d: m.nn.InstanceNorm2d(4, momentum=None, track_running_stats=True, **d),
                                     (2, 4, 3, 5)),
    "LocalResponseNorm": (lambda m, **d: m.nn.LocalResponseNorm(3, k=2.0), (2, 5, 3, 4)),
    "RMSNorm": (lambda m, **d: m.nn.RMSNorm([3, 5], **d), (2, 4, 3, 5)),
    "RMSNorm-no-affine": (lambda m, **d: m.nn.RMSNorm(5, eps=1e-3, elementwise_affine=False, **d), (2, 4, 5)),
    "BatchNorm2d": (lambda m, **d: m.nn.BatchNorm2d(4, **d), (3, 4, 2, 5)),
    "BatchNorm3d": (lambda m, **d: m.nn.BatchNorm3d(4, **d), (3, 4, 2, 3, 2)),
    "InstanceNorm3d": (lambda m, **d: m.nn.InstanceNorm3d(4, affine=True, track_running_stats=True, **d),
                       (2, 4, 2, 3, 2)),
    "BatchNorm2d-momentum-none": (lambda m, **d: m.nn.BatchNorm2d(4, momentum=None, affine=False, **d), (3, 4, 2, 5)),
    "BatchNorm2d-no-stats": (lambda m, **d: m.nn.BatchNorm2d(4, track_running_stats=False, bias=False, **d),
                             (3, 4, 2, 5)),
}


def _assert_same_state(ours, theirs, tol):
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), err_msg=k, **tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_normalization_layer_matches_torch_in_training_and_eval(name, dtype):
    make, shape = LAYERS[name]
    d = "float64" if dtype == np.float64 else "float32"
    ours, theirs = both_modules(lambda m: make(m, dtype=getattr(m, d)))
    assert_same_module(ours, theirs)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-6)
    rng = np.random.default_rng(0)
    for step in range(2):  # two training steps move the running statistics twice
        x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
        check_module_parity(ours, theirs, x, seed=step)
        _assert_same_state(ours, theirs, tol)
    ours.eval()
    theirs.eval()
    check_module_parity(ours, theirs, rng.standard_normal(shape).astype(dtype), seed=3)


def test_instance_norm_warns_like_torch_when_channels_do_not_match_and_affine_is_off():
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        tinygrad_rnn.nn.InstanceNorm1d(3)(tinygrad_rnn.randn(2, 4, 5))


ERRORS = [
    lambda m: m.nn.GroupNorm(3, 4),
    lambda m: F(m).group_norm(m.zeros(2, 4, 3), 3),
    lambda m: F(m).group_norm(m.zeros(2, 4, 3), 2, m.ones(3)),
    lambda m: F(m).group_norm(m.zeros(4), 2),
    lambda m: F(m).group_norm(m.zeros(1, 2), 2),
    lambda m: m.nn.GroupNorm(2, 4)(m.zeros(2, 6, 3)),
    lambda m: m.nn.InstanceNorm1d(3)(m.zeros(2, 3, 4, 5)),
    lambda m: m.nn.InstanceNorm2d(3)(m.zeros(3, 4)),
    lambda m: m.nn.InstanceNorm1d(3, affine=True)(m.zeros(2, 4, 5)),
    lambda m: F(m).instance_norm(m.zeros(2, 3, 1)),
    lambda m: m.nn.BatchNorm2d(3)(m.zeros(2, 3, 4)),
    lambda m: m.nn.BatchNorm3d(3)(m.zeros(2, 3, 4, 4)),
    lambda m: m.nn.InstanceNorm3d(3)(m.zeros(3, 4, 4)),
    lambda m: m.nn.BatchNorm2d(3)(m.zeros(1, 3, 1, 1)),
    lambda m: F(m).rms_norm(m.zeros(2, 3), (4,)),
    lambda m: F(m).rms_norm(m.zeros(2, 3), (3,), m.ones(2)),
    lambda m: m.nn.LocalResponseNorm(3)(m.zeros(2)),
    # layer_norm checks weight's and bias's shapes before the input's
    lambda m: F(m).layer_norm(m.zeros(3, 4), (5,), m.ones(3)),
    lambda m: F(m).layer_norm(m.zeros(3, 4), (4,), None, m.ones(2, 2)),
    lambda m: F(m).layer_norm(m.zeros(3, 4), (4,), m.ones(1, 4)),
    lambda m: F(m).layer_norm(m.zeros(3, 4), (2, 4), m.ones(2, 4), m.ones(4)),
]


@pytest.mark.parametrize("call", ERRORS)
def test_normalization_errors_match_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(call)


def test_normalization_passes_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(1)
    x = tinygrad_rnn.tensor(rng.standard_normal((2, 4, 2)), requires_grad=True)
    w = tinygrad_rnn.tensor(rng.standard_normal(4), requires_grad=True)
    fn = tinygrad_rnn.nn.functional
    assert gradcheck(lambda x, w: fn.group_norm(x, 2, w, w * 2), (x, w))
    assert gradgradcheck(lambda x: fn.group_norm(x, 2), (x,))
    assert gradcheck(lambda x, w: fn.instance_norm(x, weight=w), (x, w))
    assert gradcheck(lambda x: fn.rms_norm(x, (4, 2)), (x,))
    assert gradgradcheck(lambda x: fn.local_response_norm(x, 3, 0.5), (x,))


def test_batchnorm2d_loads_torch_state_dict_and_matches_in_eval():
    torch = require_torch()
    theirs = torch.nn.BatchNorm2d(3).double()
    theirs(torch.randn(4, 3, 2, 2, dtype=torch.float64))
    ours = tinygrad_rnn.nn.BatchNorm2d(3, dtype=tinygrad_rnn.float64)
    check_module_parity(ours.eval(), theirs.eval(), np.random.default_rng(2).standard_normal((2, 3, 4, 4)))


def test_group_and_rms_norm_refuse_integers_as_torch():
    check_error(lambda m: F(m).group_norm(m.ones(1, 2, 4, dtype=m.int64), 1))
    check_error(lambda m: F(m).rms_norm(m.ones(1, 2, 4, dtype=m.int64), (4,)))


@pytest.mark.parametrize(("input_dtype", "weight_dtype"), [("float32", "float64"), ("float64", "float32"),
                                                          ("float16", "float32"), ("float32", "float16")])
def test_rms_norm_of_a_weight_in_another_dtype_keeps_the_inputs_dtype(input_dtype, weight_dtype):
    """nn.RMSNorm(8) (a float32 weight) on a float64 input, or the reverse: torch's result has the input's dtype
    (ours was promoted to float64), its gradients each their tensor's."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(np.linspace(-2, 2, 12).reshape(3, 4), dtype=getattr(m, input_dtype), requires_grad=True)
        w = m.tensor(np.linspace(0.5, 1.5, 4), dtype=getattr(m, weight_dtype), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = m.nn.functional.rms_norm(x, (4,), w, 1e-5)
        y.backward(m.ones_like(y))
        seen.append(([str(t.dtype).split(".")[1] for t in (y, x.grad, w.grad)], y.detach().numpy()))
    (our_dtypes, ours), (their_dtypes, theirs) = seen
    assert our_dtypes == their_dtypes
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_rms_norm_warns_once_of_mixed_dtypes_as_torch():
    """torch's TORCH_WARN_ONCE: the first mixed call in a process warns, naming both dtypes in C++."""
    require_torch()
    program = ("import warnings, {} as m\nwarnings.simplefilter('always')\nF = m.nn.functional\n"
               "F.rms_norm(m.ones(2, 3, dtype=m.float16), (3,), m.ones(3))\nF.rms_norm(m.ones(2, 3), (3,), m.ones(3))\n"
               "F.rms_norm(m.ones(2, 3), (3,), m.ones(3, dtype=m.float64))\n")
    stderr = fresh_stderr(program)
    warned = [[line.split("UserWarning: ", 1)[1] for line in text.splitlines() if "UserWarning: " in line]
              for text in stderr]
    assert warned[0] == warned[1] and len(warned[1]) == 1


@pytest.mark.parametrize(("layer", "num_features", "shape"), [
    ("BatchNorm3d", (2, 2), (2, 1, 0, 0, 2)), ("BatchNorm3d", (1, 2), (2, 1, 0, 1, 2)),
    ("BatchNorm2d", (2, 3), (0, 2, 1, 1)), ("BatchNorm3d", 2, (2, 3, 0, 1, 1)),
])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_an_empty_input_broadcasts_weight_0_against_the_unflattened_input_as_torch(
        layer, num_features, shape, training):
    """torch returns input * weight[0] + bias[0] for an empty input, whatever the channel count."""
    results = []
    for m in (tinygrad_rnn, require_torch()):
        norm = getattr(m.nn, layer)(num_features).train(training)
        out = norm(m.zeros(shape, dtype=m.int64))
        results.append((tuple(out.shape), str(out.dtype), norm.num_batches_tracked.item()))
    assert results[0] == results[1]


@pytest.mark.parametrize("shape", [(1, 1, 3, 1, 2), (1, 3, 1, 2), (1, 1, 4)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_instance_norm_with_eps_0_of_a_constant_gives_the_bias_as_torch(shape, dtype):
    """torch's batch statistics take 1/std of a zero variance as 0 when eps is 0: the output is the bias and
    the input's gradient 0 (not NaN)."""
    def call(m, x, w, b):
        return m.nn.functional.instance_norm(x, weight=w, bias=b, eps=0.0)

    check_parity(call, [np.zeros(shape, dtype), np.full(shape[1], 2.0, dtype), np.full(shape[1], 0.5, dtype)])


@pytest.mark.parametrize("shape", [(0, 0, 2, 1), (0, 2, 3, 3)])
def test_instance_norm_running_stats_of_an_empty_integer_batch_refuse_as_torch(shape):
    check_error(lambda m: m.nn.InstanceNorm2d(shape[1] or 1, affine=False, track_running_stats=True)(
        m.zeros(shape, dtype=m.int64)))


def test_instance_norm_of_an_empty_integer_batch_as_torch():
    """With a weight the output is float and the running statistics stay as they were; without one the running
    statistics' mean refuses the integer input; with neither the output keeps the input's dtype."""
    torch = require_torch()

    def run(lib):
        x = lib.zeros(3, 3, 0, 2, dtype=lib.int64)
        results = []
        for make in (lambda: lib.nn.LazyInstanceNorm2d(affine=True, track_running_stats=True),
                     lambda: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
                     lambda: lib.nn.InstanceNorm2d(3, track_running_stats=True), lambda: lib.nn.InstanceNorm2d(3)):
            m = make()
            try:
                out = m(x)
                results.append((tuple(out.shape), str(out.dtype), getattr(m, "running_mean", None) is None or
                                m.running_mean.tolist()))
            except RuntimeError as e:
                results.append(str(e))
        return results

    assert run(tinygrad_rnn) == run(torch)


# ------------------------------------------------------------------ SyncBatchNorm (one process)
@pytest.mark.parametrize("shape", [(2, 4), (3, 4, 5), (2, 4, 3, 3), (2, 4, 2, 3, 2), (2, 4, 2, 1, 3, 2)])
def test_sync_batch_norm_is_batch_norm_of_any_rank_as_torch_without_distributed(shape):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        bn = m.nn.SyncBatchNorm(4, momentum=None).double()
        x = m.randn(*shape, dtype=m.float64, requires_grad=True)
        y = bn(x)
        y.backward(m.randn(*shape, dtype=m.float64))
        bn.eval()
        z = bn(x)
        results.append((y.detach().numpy(), x.grad.numpy(), z.detach().numpy(), bn.running_var.numpy(),
                        y.grad_fn.name(), repr(bn), list(bn.state_dict())))
    for mine, other in zip(*results):
        if isinstance(other, np.ndarray):
            np.testing.assert_allclose(mine, other, rtol=1e-10, atol=1e-12)
        else:
            assert mine == other


@pytest.mark.parametrize("make", [
    lambda m: m.nn.SyncBatchNorm(4)(m.ones(4)),
    lambda m: m.nn.SyncBatchNorm(0)(m.ones(2, 0, 3)),
    lambda m: m.nn.SyncBatchNorm(4)(m.ones(1, 4)),
], ids=["1-d input", "no channels", "one value per channel"])
def test_sync_batch_norm_errors_match_torch(make):
    check_error(make)


def test_convert_sync_batchnorm_shares_parameters_buffers_and_mode_as_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        net = m.nn.Sequential(m.nn.Conv2d(3, 4, 1), m.nn.BatchNorm2d(4),
                              m.nn.Sequential(m.nn.BatchNorm1d(4, affine=False, momentum=None)))
        net[2].eval()
        synced = m.nn.SyncBatchNorm.convert_sync_batchnorm(net, process_group="group")
        results.append((repr(synced), synced is net, synced[1].weight is net[1].weight,
                        synced[1].running_mean is net[1].running_mean, synced[2][0].training,
                        synced[1].process_group, list(synced.state_dict())))
    assert results[0] == results[1]


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 2, 2)),
                                        ("BatchNorm3d", (2, 3, 2, 2, 2)), ("SyncBatchNorm", (4, 3, 2, 2))])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_output_is_not_a_view_so_in_place_residuals_keep_torchs_nodes(name, shape, training):
    """A ResNet block does `out = bn2(out); out += identity; out = relu(out)` (ReLU(inplace=True)):
    torch's nodes are AddBackward0 then ReluBackward0; a view here would show AsStridedBackward0."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        bn = getattr(m.nn, name)(3).train(training)
        x = m.randn(shape, requires_grad=True)
        out = bn(x * 1)
        out += x
        added = out.grad_fn.name()
        out = m.nn.ReLU(inplace=True)(out)
        out.sum().backward()
        names.append((out._is_view(), added, out.grad_fn.name(), x.grad.sum().item()))
    assert names[0][:3] == names[1][:3]
    assert names[0][3] == pytest.approx(names[1][3], rel=1e-5)


# ------------------------------------------------------------------ CrossMapLRN2d (torch's Python Function)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size, channels", [(3, 5), (5, 4), (2, 3), (4, 7), (6, 2)])
def test_cross_map_lrn2d_forward_and_hand_written_backward_match_torch(size, channels, dtype):
    """torch's running window drops a channel one step late and its backward is its own formula: both ported."""
    check_parity(lambda m, x: m.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=2)(x), shapes=[(2, channels, 3, 2)],
                 dtype=dtype)


def test_cross_map_lrn2d_repr_node_and_error_match_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        module = m.nn.CrossMapLRN2d(3, 1e-3)
        assert repr(module) == "CrossMapLRN2d(3, alpha=0.001, beta=0.75, k=1)"
        assert module(m.ones(1, 2, 2, 2, requires_grad=True)).grad_fn.name() == "CrossMapLRN2dBackward"
    check_error(lambda m: m.nn.CrossMapLRN2d(3)(m.ones(2, 3, 4)))


# float32 normalisations round as torch's CPU kernels (ops/moments.py, batch statistics in functional_ext/basic.py)
def _bitwise(torch, build, *arrays):
    """build(module, *tensors) on both frameworks; every float32 output equal bit for bit."""
    outs = [build(m, *(m.tensor(a) for a in arrays)) for m in (tinygrad_rnn, torch)]
    for ours, theirs in zip(*(o if isinstance(o, tuple) else (o,) for o in outs)):
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize(("shape", "normalized"), [((4, 7), 1), ((3, 100), 1), ((2, 3, 300), 2), ((2, 5, 10, 10), 3),
                                                   ((2, 2100), 1)])
def test_layer_norm_rounds_as_torchs(shape, normalized):
    torch = require_torch()
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
    w, b = (rng.standard_normal(shape[-normalized:]).astype(np.float32) for _ in range(2))
    ns = shape[-normalized:]
    _bitwise(torch, lambda m, x: F(m).layer_norm(x, ns), x)
    _bitwise(torch, lambda m, x, w, b: F(m).layer_norm(x, ns, w, b), x, w, b)
    _bitwise(torch, lambda m, x, w: F(m).layer_norm(x, ns, w), x, w)
    _bitwise(torch, lambda m, x, w, b: F(m).layer_norm(x.requires_grad_(), ns, w, b), x, w, b)  # with a graph


def test_group_and_instance_norm_round_as_torchs():
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((3, 6, 45)) * 2 + 1).astype(np.float32)
    w, b = (rng.standard_normal(6).astype(np.float32) for _ in range(2))
    _bitwise(torch, lambda m, x, w, b: F(m).group_norm(x, 3, w, b), x, w, b)
    _bitwise(torch, lambda m, x: F(m).group_norm(x, 2), x)
    _bitwise(torch, lambda m, x: F(m).instance_norm(x), x)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape", [(6, 9), (40, 20), (4, 3, 33)])
def test_batch_norm_training_rounds_as_torchs(shape, threads):
    """An (N, C) batch's statistics are split between torch's threads: both run on `threads`."""
    torch = require_torch()
    rng = np.random.default_rng(shape[0])
    x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
    c = shape[1]
    w, b, mean = (rng.standard_normal(c).astype(np.float32) for _ in range(3))
    var = (rng.random(c) + 0.5).astype(np.float32)

    def step(m, x, w, b, mean, var):
        return F(m).batch_norm(x, mean, var, w, b, training=True, momentum=0.3), mean, var
    with both_on_threads(torch, threads):
        _bitwise(torch, step, x, w, b, mean, var)

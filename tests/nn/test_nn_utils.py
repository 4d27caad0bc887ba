"""nn.utils: gradient clipping and parameters <-> vector, against torch."""
import warnings

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, check_parity, require_torch
from nn_helpers import differences

import tinygrad_rnn


def _params_with_grads(m, grads, dtype):
    params = []
    for g in grads:
        p = m.nn.Parameter(m.zeros(*g.shape, dtype=dtype))
        p.grad = m.tensor(g, dtype=dtype) if g is not None else None
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.0, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, dtype):
    torch = require_torch()
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5), rng.standard_normal((2, 2, 2))]
    results = []
    for m in (tinygrad_rnn, torch):
        params = _params_with_grads(m, grads, getattr(m, dtype))
        total = m.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
        results.append((total, [p.grad for p in params]))
    assert_arrays_close(results[0][0], results[1][0])
    for ours, theirs in zip(results[0][1], results[1][1]):
        assert_arrays_close(ours, theirs)


@pytest.mark.parametrize("grad_dtype, norm_dtype", [("float32", "float32"), ("float64", "float64"),
                                                   ("float64", "float32"), ("float32", "float64")])
@pytest.mark.parametrize("max_norm", [1e-5, 0.3, 0.7777, -3.0752e-307])
def test_clip_grads_with_norm_scales_as_torch(grad_dtype, norm_dtype, max_norm):
    """The coefficient is torch's reciprocal(norm + 1e-6) * max_norm (a plain division was an ulp off), and a
    0-d grad is multiplied in the coefficient's dtype (fuzz seed 147: -inf times a coefficient below
    float32's range gave NaN, not torch's inf)."""
    grads = [np.array([-np.inf, 1.1, 3.3, 7.1]), np.array(-np.inf), np.array(2.9), np.zeros(0)]
    results = []
    for m in (tinygrad_rnn, require_torch()):
        params = [m.nn.Parameter(m.zeros(g.shape, dtype=getattr(m, grad_dtype))) for g in grads]
        for p, g in zip(params, grads):
            p.grad = m.tensor(g, dtype=getattr(m, grad_dtype))
        m.nn.utils.clip_grads_with_norm_(params, max_norm, m.tensor(2.5, dtype=getattr(m, norm_dtype)))
        results.append([p.grad for p in params])
    for ours, theirs in zip(*results):
        assert ours.dtype == getattr(tinygrad_rnn, str(theirs.dtype).split(".")[1])
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_clip_grad_norm_skips_missing_grads_accepts_generators_and_single_tensors():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        params = _params_with_grads(m, [np.array([3.0, 4.0])], m.float32)
        params.append(m.nn.Parameter(m.zeros(2)))  # grad None: skipped
        assert m.nn.utils.clip_grad_norm_((p for p in params), 1.0, foreach=True).item() == pytest.approx(5.0)
        np.testing.assert_allclose(params[0].grad.numpy(), [0.6, 0.8], rtol=1e-5)
        assert params[1].grad is None
        assert m.nn.utils.clip_grad_norm_(params[0], 1.0).item() == pytest.approx(1.0, rel=1e-5)
        assert m.nn.utils.clip_grad_norm_([], 1.0).item() == 0.0


@pytest.mark.parametrize("foreach", [None, True, False])
def test_clip_grad_norm_of_an_integer_grad_is_refused_as_torch(foreach):
    """A frozen integer tensor handed a .grad: torch's norm kernel refuses it before clipping anything."""
    def clip(m):
        weight, counts = m.nn.Parameter(m.ones(3)), m.nn.Parameter(m.ones(3, dtype=m.long), requires_grad=False)
        weight.grad, counts.grad = m.ones(3), m.ones(3, dtype=m.long)
        return m.nn.utils.clip_grad_norm_([weight, counts], 1.0, foreach=foreach)
    check_error(clip)


def test_clip_grad_norm_nonfinite_matches_torch():
    torch = require_torch()
    grads = [np.array([3.0, np.inf, 0.0])]
    totals = []
    for m in (tinygrad_rnn, torch):
        params = _params_with_grads(m, grads, m.float32)
        totals.append((m.nn.utils.clip_grad_norm_(params, 1.0), params[0].grad))
    assert_arrays_close(totals[0][0], totals[1][0])
    np.testing.assert_array_equal(totals[0][1].numpy(), totals[1][1].numpy())  # inf * 0 = nan, as torch
    check_error(lambda m: m.nn.utils.clip_grad_norm_(_params_with_grads(m, grads, m.float32), 1.0,
                                                     error_if_nonfinite=True))


def test_clip_grad_value_matches_torch():
    torch = require_torch()
    grads = [np.array([[-3.0, 0.2], [0.7, 5.0]])]
    out = []
    for m in (tinygrad_rnn, torch):
        params = _params_with_grads(m, grads, m.float64)
        assert m.nn.utils.clip_grad_value_(params, 0.5) is None
        out.append(params[0].grad)
    assert_arrays_close(out[0], out[1])


def test_parameters_to_vector_and_back_match_torch():
    check_parity(lambda m, a, b: m.nn.utils.parameters_to_vector([a, b]), shapes=[(2, 3), (4,)])
    torch = require_torch()
    out = []
    for m in (tinygrad_rnn, torch):
        params = [m.nn.Parameter(m.zeros(2, 2)), m.nn.Parameter(m.zeros(3))]
        m.nn.utils.vector_to_parameters(m.arange(7.0), params)
        out.append([p.detach().numpy().copy() for p in params] + [params[0].requires_grad])
    for a, b in zip(out[0], out[1]):
        np.testing.assert_array_equal(a, b)
    check_error(lambda m: m.nn.utils.vector_to_parameters([1.0, 2.0], [m.nn.Parameter(m.zeros(2))]))


def test_deprecated_clip_grad_norm_clips_and_warns_as_torch():
    """Old seq2seq tutorials call nn.utils.clip_grad_norm (no underscore)."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        (lin(m.randn(4, 3)) * 5).sum().backward()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            total = m.nn.utils.clip_grad_norm(lin.parameters(), 0.5, norm_type=1)
        seen.append((round(total.item(), 4), lin.weight.grad.abs().sum().item() + lin.bias.grad.abs().sum().item(),
                     [(w.category, str(w.message), w.filename) for w in caught]))
    assert seen[0][0] == seen[1][0] and abs(seen[0][1] - seen[1][1]) < 1e-5 and seen[0][2] == seen[1][2]


def _skip_init_then_reset(m):
    m.manual_seed(0)
    lin = m.nn.utils.skip_init(m.nn.Linear, 4, 3, dtype=m.float64)
    after = m.randn(2)  # the generator is where it was: skip_init drew nothing
    lin.reset_parameters()
    emb = m.nn.utils.skip_init(m.nn.Embedding, 5, 3, device="cpu")
    emb.reset_parameters()
    out = emb(m.tensor([1, 4]))
    conv = m.nn.Conv1d(2, 2, 1).to_empty(device="cpu")
    conv.reset_parameters()
    return ([n for n, _ in lin.named_parameters()], str(lin.weight.dtype), after.tolist(), lin.weight.tolist(),
            out.tolist(), conv.weight.tolist(), lin.compile())


def test_skip_init_and_to_empty_then_reset_parameters_match_torch():
    torch = require_torch()
    ours, theirs = _skip_init_then_reset(tinygrad_rnn), _skip_init_then_reset(torch)
    assert ours[:3] == theirs[:3] and ours[-1] is theirs[-1] is None
    for a, b in zip(ours[3:-1], theirs[3:-1]):
        np.testing.assert_allclose(a, b, rtol=1e-6)


class _NoDevice:
    pass


@pytest.mark.parametrize("case", ["not a module", "no device argument"])
def test_skip_init_errors_match_torch(case):
    def call(m):
        if case == "not a module":
            return m.nn.utils.skip_init(_NoDevice)
        return m.nn.utils.skip_init(m.nn.ReLU)
    check_error(call)


def _convs(m):
    return m.nn.Sequential(m.nn.Conv2d(2, 3, 1), m.nn.Sequential(m.nn.ConvTranspose3d(2, 2, 1)))


MEMORY_FORMAT_CASES = {
    "contiguous_format keeps the module and its weights": lambda m, net: (
        m.nn.utils.convert_conv2d_weight_memory_format(net, m.contiguous_format) is net,
        m.nn.utils.convert_conv3d_weight_memory_format(net, m.contiguous_format)[1][0].weight.shape),
    "a number is no memory format": lambda m, net: m.nn.utils.convert_conv2d_weight_memory_format(net, 3),
    "a module without convolutions": lambda m, net: m.nn.utils.convert_conv2d_weight_memory_format(
        m.nn.ReLU(), m.channels_last),
}


def test_convert_conv_weight_memory_format_matches_torch():
    assert differences(MEMORY_FORMAT_CASES, _convs) == []
    with pytest.raises(NotImplementedError, match="channels_last"):  # torch converts; we have row-major only
        tinygrad_rnn.nn.utils.convert_conv2d_weight_memory_format(_convs(tinygrad_rnn), tinygrad_rnn.channels_last)


PARAMETERS_TO_VECTOR_CASES = {
    "a transposed parameter": lambda m, _: m.nn.utils.parameters_to_vector([m.ones(2, 3).t()]),
    "a number among them": lambda m, _: m.nn.utils.parameters_to_vector([m.ones(2), 3]),
    "a model among them": lambda m, _: m.nn.utils.parameters_to_vector([m.nn.Linear(2, 2)]),
    "none": lambda m, _: m.nn.utils.parameters_to_vector([]),
}


def test_parameters_to_vector_refuses_as_torch():
    assert differences(PARAMETERS_TO_VECTOR_CASES) == []

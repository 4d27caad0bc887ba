"""Losses against torch: values, every gradient (random upstream), torch's errors, finite differences."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st
from nn_helpers import differences

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import arrays, classification_cases

FLOATS = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]


def _weight(classes, seed=1):
    return np.random.default_rng(seed).uniform(0.2, 2.0, classes)


# ------------------------------------------------------------------ cross_entropy / nll_loss
@settings(max_examples=40)
@given(case=classification_cases(), reduction=st.sampled_from(REDUCTIONS), weighted=st.booleans(),
       smoothing=st.sampled_from([0.0, 0.25, 1.0]), dtype=st.sampled_from(FLOATS))
def test_cross_entropy_class_targets_match_torch(case, reduction, weighted, smoothing, dtype):
    scores, labels = case
    classes = scores.shape[0] if scores.ndim == 1 else scores.shape[1]
    arrays_ = [scores.astype(dtype), labels] + ([_weight(classes).astype(dtype)] if weighted else [])

    def fn(m, x, t, *w):
        return m.nn.functional.cross_entropy(x, t, weight=w[0] if w else None, reduction=reduction,
                                             label_smoothing=smoothing)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy may warn on 0/0 when every target is ignored; torch is silent
        check_parity(fn, arrays_, requires_grad=[True, False] + [False] * weighted)


@settings(max_examples=25)
@given(case=classification_cases(), reduction=st.sampled_from(REDUCTIONS), weighted=st.booleans(),
       ignore_index=st.sampled_from([-100, 0, 2]))
def test_nll_loss_matches_torch(case, reduction, weighted, ignore_index):
    scores, labels = case
    classes = scores.shape[0] if scores.ndim == 1 else scores.shape[1]
    labels = np.where(labels == -100, ignore_index, labels)  # may lie outside [0, C): ignored labels are not checked
    extra = [_weight(classes)] if weighted else []

    def fn(m, x, t, *w):
        return m.nn.functional.nll_loss(x, t, weight=w[0] if w else None, ignore_index=ignore_index,
                                        reduction=reduction)

    check_parity(fn, [scores, labels] + extra, requires_grad=[True, False] + [False] * weighted)


@settings(max_examples=20)
@given(shape=st.sampled_from([(5,), (3, 4), (2, 3, 4)]), reduction=st.sampled_from(REDUCTIONS),
       weighted=st.booleans(), smoothing=st.sampled_from([0.0, 0.3]), dtype=st.sampled_from(FLOATS))
def test_cross_entropy_probability_targets_match_torch(shape, reduction, weighted, smoothing, dtype):
    rng = np.random.default_rng(sum(shape))
    probs = rng.dirichlet(np.ones(shape[0] if len(shape) == 1 else shape[1]), size=int(np.prod(shape)) // (
        shape[0] if len(shape) == 1 else shape[1]))
    probs = (probs.reshape(shape) if len(shape) < 3 else probs.reshape(shape[0], shape[2], shape[1]).transpose(0, 2, 1))
    classes = shape[0] if len(shape) == 1 else shape[1]
    extra = [_weight(classes).astype(dtype)] if weighted else []

    def fn(m, x, p, *w):
        return m.nn.functional.cross_entropy(x, p, weight=w[0] if w else None, reduction=reduction,
                                             label_smoothing=smoothing)

    check_parity(fn, [rng.standard_normal(shape).astype(dtype), np.ascontiguousarray(probs).astype(dtype)] + extra,
                 requires_grad=[True, True] + [False] * weighted)


def test_cross_entropy_equals_nll_of_log_softmax():
    check_parity(lambda m, x, t: m.nn.NLLLoss()(m.nn.LogSoftmax(dim=1)(x), t) - m.nn.CrossEntropyLoss()(x, t),
                 [np.random.default_rng(0).standard_normal((4, 3)), np.array([0, 2, 1, 2])])


def test_cross_entropy_is_stable_at_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    for dtype in FLOATS:
        check_parity(lambda m, x, t: m.nn.functional.cross_entropy(x, t), [logits.astype(dtype), np.array([1, 0])])
    x = tinygrad_rnn.tensor(logits, requires_grad=True)
    tinygrad_rnn.nn.functional.cross_entropy(x, tinygrad_rnn.tensor([1, 0])).backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_all_targets_ignored_gives_nan_loss_and_zero_gradient_as_torch():
    check_parity(lambda m, x, t: m.nn.functional.cross_entropy(x, t), [np.ones((2, 3)), np.array([-100, -100])])
    check_parity(lambda m, x, t: m.nn.functional.cross_entropy(x, t, label_smoothing=0.1),
                 [np.ones((2, 3)), np.array([-100, -100])])


@pytest.mark.parametrize("smoothing", [-0.1, -5.0, float("nan"), 1.0])
@pytest.mark.parametrize("target", [np.array([1, 0]), np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])])
def test_label_smoothing_below_0_or_nan_smooths_nothing_as_torch(smoothing, target):
    """torch refuses only a label_smoothing above 1 (we refused a negative one for probability targets,
    and smoothed with a NaN one)."""
    check_parity(lambda m, x, t: m.nn.functional.cross_entropy(x, t, label_smoothing=smoothing),
                 [np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]]), target])


def test_probability_targets_of_no_classes_give_torchs_loss_and_gradient():
    for reduction in ("mean", "sum", "none"):  # (the backward of log_softmax over no classes failed)
        check_parity(lambda m, x, t, r=reduction: m.nn.functional.cross_entropy(x, t, label_smoothing=0.5,
                                                                                reduction=r),
                     [np.ones((2, 0, 2)), np.ones((2, 0, 2))], requires_grad=[True, False])


@pytest.mark.parametrize("shape", [(2, 0, 2), (1, 0, 3, 2, 1)])
def test_nll_loss_of_no_classes_at_some_positions_is_torchs_size_mismatch(shape):
    check_error(lambda m: m.nn.functional.cross_entropy(m.ones(shape), m.zeros((shape[0], *shape[2:]),
                                                                                dtype=m.long)))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", [(0, 0, 2), (2, 0, 0), (0, 0, 2, 2)])
def test_nll_loss_of_no_classes_and_no_positions_as_torch(shape, reduction):
    """(ours could not lay out rows of no classes: reshape(-1, 0) is ambiguous)"""
    check_parity(lambda m, x, t: m.nn.functional.nll_loss(x, t, reduction=reduction),
                 [np.ones(shape), np.zeros((shape[0], *shape[2:]), dtype=np.int64)])


def test_uint8_targets_and_out_of_range_ignore_index_are_accepted():
    x = np.random.default_rng(2).standard_normal((3, 4))
    check_parity(lambda m, x, t: m.nn.functional.cross_entropy(x, t), [x, np.array([1, 3, 0], np.uint8)])
    check_parity(lambda m, x, t: m.nn.functional.cross_entropy(x, t, ignore_index=9), [x, np.array([1, 9, 0])])


def test_loss_modules_match_torch_and_store_weights_as_buffers():
    torch = require_torch()
    w = _weight(3)
    ours = tinygrad_rnn.nn.CrossEntropyLoss(weight=tinygrad_rnn.tensor(w), ignore_index=1, label_smoothing=0.1)
    assert list(ours.state_dict()) == ["weight"] and repr(ours) == "CrossEntropyLoss()"
    pos = tinygrad_rnn.nn.BCEWithLogitsLoss(weight=tinygrad_rnn.ones(3), pos_weight=tinygrad_rnn.ones(3))
    assert list(pos.state_dict()) == list(torch.nn.BCEWithLogitsLoss(weight=torch.ones(3), pos_weight=torch.ones(3)).state_dict())
    check_parity(lambda m, x, t, w: m.nn.CrossEntropyLoss(weight=w, ignore_index=1, label_smoothing=0.1)(x, t),
                 [np.random.default_rng(3).standard_normal((5, 3)), np.array([0, 1, 2, 2, 0]), w],
                 requires_grad=[True, False, False])
    for name in ["NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "SmoothL1Loss", "HuberLoss",
                 "KLDivLoss", "CrossEntropyLoss"]:
        assert repr(getattr(tinygrad_rnn.nn, name)()) == repr(getattr(torch.nn, name)())


# ------------------------------------------------------------------ regression and binary losses
@settings(max_examples=25)
@given(data=st.data(), name=st.sampled_from(["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]),
       reduction=st.sampled_from(REDUCTIONS), dtype=st.sampled_from(FLOATS))
def test_regression_losses_match_torch(data, name, reduction, dtype):
    shape = data.draw(st.sampled_from([(), (4,), (2, 3), (2, 3, 2)]))
    a, b = data.draw(arrays(shape, dtype)), data.draw(arrays(shape, dtype))
    check_parity(lambda m, x, y: getattr(m.nn.functional, name)(x, y, reduction=reduction), [a, b])


def test_regression_loss_options_match_torch():
    rng = np.random.default_rng(4)
    a, b, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.uniform(0.1, 1, (3, 4))
    for call in [lambda F, x, y, w: F.mse_loss(x, y, weight=w), lambda F, x, y, w: F.l1_loss(x, y, weight=w),
                 lambda F, x, y, w: F.huber_loss(x, y, delta=0.3, weight=w),
                 lambda F, x, y, w: F.smooth_l1_loss(x, y, beta=0.3) * w.sum(),
                 lambda F, x, y, w: F.smooth_l1_loss(x, y, beta=0.0) * w.sum()]:
        check_parity(lambda m, x, y, w, call=call: call(m.nn.functional, x, y, w), [a, b, w],
                     requires_grad=[True, True, False])


def test_mse_loss_broadcast_warns_as_torch():
    torch = require_torch()
    x, y = np.random.default_rng(5).standard_normal((5, 1)), np.random.default_rng(6).standard_normal(5)
    with pytest.warns(UserWarning) as ours:
        tinygrad_rnn.nn.functional.mse_loss(tinygrad_rnn.tensor(x), tinygrad_rnn.tensor(y))
    with pytest.warns(UserWarning) as theirs:
        torch.nn.functional.mse_loss(torch.tensor(x), torch.tensor(y))
    assert str(ours[0].message) == str(theirs[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_parity(lambda m, a, b: m.nn.MSELoss()(a, b), [x, y])


@settings(max_examples=20)
@given(data=st.data(), reduction=st.sampled_from(REDUCTIONS), dtype=st.sampled_from(FLOATS),
       weighted=st.booleans())
def test_binary_cross_entropy_matches_torch(data, reduction, dtype, weighted):
    shape = data.draw(st.sampled_from([(4,), (2, 3)]))
    p = data.draw(arrays(shape, dtype, elements=st.floats(0.01, 0.99)))
    t = data.draw(arrays(shape, dtype, elements=st.floats(0, 1)))
    w = [np.linspace(0.5, 1.5, shape[-1]).astype(dtype)] if weighted else []
    check_parity(lambda m, x, y, *w: m.nn.functional.binary_cross_entropy(x, y, *w, reduction=reduction),
                 [p, t] + w, requires_grad=[True, True] + [False] * weighted)


def test_binary_cross_entropy_clamps_logs_at_minus_100_as_torch():
    check_parity(lambda m, p, t: m.nn.BCELoss()(p, t), [np.array([0.0, 1.0, 0.5, 1.0]), np.array([1.0, 0.0, 0.5, 1.0])])


@settings(max_examples=20)
@given(data=st.data(), reduction=st.sampled_from(REDUCTIONS), dtype=st.sampled_from(FLOATS),
       pos=st.booleans(), weighted=st.booleans())
def test_bce_with_logits_matches_torch(data, reduction, dtype, pos, weighted):
    shape = data.draw(st.sampled_from([(4,), (2, 3)]))
    x = data.draw(arrays(shape, dtype, elements=st.floats(-30, 30, width=32)))
    t = data.draw(arrays(shape, dtype, elements=st.floats(0, 1)))
    consts = [np.linspace(0.5, 2.0, shape[-1]).astype(dtype), np.linspace(1.5, 0.2, shape[-1]).astype(dtype)]

    def fn(m, x, t, w, pw):
        return m.nn.BCEWithLogitsLoss(weight=w if weighted else None, pos_weight=pw if pos else None,
                                      reduction=reduction)(x, t)

    check_parity(fn, [x, t] + consts, requires_grad=[True, True, False, False])


@pytest.mark.parametrize("weights", [{"weight": "float64"}, {"pos_weight": "float64"}, {"weight": "float16"}])
def test_bce_with_logits_loss_has_the_targets_dtype_as_torch(weights):
    """torch writes the loss into (1 - target) in place: a float64 input or weight keeps a float32 target's
    loss float32 (a float64 weight made ours float64)."""
    check_parity(lambda m, x, t, w: m.nn.functional.binary_cross_entropy_with_logits(
        x, t.float(), **{k: w.to(getattr(m, v)) for k, v in weights.items()}),
                 [np.array([[0.5, -1.0, 3.0]]), np.array([[0.0, 1.0, 0.25]]), np.array([2.0, 0.5, 1.0])],
                 requires_grad=[True, False, False], tol=dict(rtol=1e-6, atol=1e-6))


def test_bce_with_logits_is_finite_at_huge_logits():
    check_parity(lambda m, x, t: m.nn.functional.binary_cross_entropy_with_logits(x, t),
                 [np.array([1e4, -1e4, 0.0, 50.0]), np.array([0.0, 1.0, 0.5, 1.0])])


def test_kl_div_matches_torch():
    rng = np.random.default_rng(7)
    logp, p = np.log(rng.dirichlet(np.ones(4), 3)), rng.dirichlet(np.ones(4), 3)
    for reduction in ["batchmean", "sum", "none"]:
        check_parity(lambda m, a, b, r=reduction: m.nn.functional.kl_div(a, b, reduction=r), [logp, p])
    p[0, 1] = 0.0  # 0 log 0 counts as 0 (the target's own gradient there is NaN in torch: not compared)
    check_parity(lambda m, a, b: m.nn.functional.kl_div(a, b, reduction="sum"), [logp, p], requires_grad=[True, False])
    check_parity(lambda m, a, b: m.nn.functional.kl_div(a, b.log(), reduction="sum", log_target=True),
                 [logp, p + 0.1])


# ------------------------------------------------------------------ finite differences (float64)
def _numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


@pytest.mark.parametrize("loss", [
    lambda F, x: F.cross_entropy(x, tinygrad_rnn.tensor([2, 0, -100]),
                                 weight=tinygrad_rnn.tensor([0.5, 1.0, 2.0], dtype=tinygrad_rnn.float64), label_smoothing=0.2),
    lambda F, x: F.cross_entropy(x, tinygrad_rnn.tensor([[0.2, 0.3, 0.5]] * 3), label_smoothing=0.1),
    lambda F, x: F.nll_loss(x, tinygrad_rnn.tensor([1, 1, 2]), reduction="sum"),
    lambda F, x: F.mse_loss(x, tinygrad_rnn.ones(3, 3)),
    lambda F, x: F.smooth_l1_loss(x, tinygrad_rnn.zeros(3, 3), beta=0.5),
    lambda F, x: F.binary_cross_entropy(x.sigmoid(), tinygrad_rnn.full((3, 3), 0.3, dtype=tinygrad_rnn.float64)),
    lambda F, x: F.binary_cross_entropy_with_logits(x, tinygrad_rnn.full((3, 3), 0.3, dtype=tinygrad_rnn.float64),
                                                    pos_weight=tinygrad_rnn.ones(3) * 2),
    lambda F, x: F.kl_div(x.log_softmax(1), tinygrad_rnn.full((3, 3), 1 / 3), reduction="batchmean"),
], ids=["ce_weighted_smoothed", "ce_probabilities", "nll_sum", "mse", "smooth_l1", "bce", "bce_logits", "kl_div"])
def test_loss_gradients_match_finite_differences(loss):
    F = tinygrad_rnn.nn.functional
    x0 = np.random.default_rng(8).standard_normal((3, 3))
    x = tinygrad_rnn.tensor(x0, requires_grad=True)
    loss(F, x).backward()
    numeric = _numeric_grad(lambda a: loss(F, tinygrad_rnn.tensor(a)).item(), x0)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_cross_entropy_double_backward_matches_torch():
    torch = require_torch()
    x0 = np.random.default_rng(9).standard_normal((3, 4))
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(x0, requires_grad=True)
        loss = m.nn.functional.cross_entropy(x, m.tensor([1, 3, 0]), label_smoothing=0.1)
        (g,) = m.autograd.grad(loss, x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        results.append(gg.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ errors
def _long(m, values):
    return m.tensor(values)


ERRORS = {
    "target_layout": lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3, 5), m.zeros(2, 3, dtype=m.long)),
    "target_size_3d": lambda m: m.nn.CrossEntropyLoss()(m.zeros(2, 5, 3), m.zeros(2, 4, dtype=m.long)),
    "target_size_4d": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3, 4, 5), m.zeros(2, 4, 4, dtype=m.long)),
    "target_dim_4d": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3, 4, 5), m.zeros(2, 4, dtype=m.long)),
    "target_int32": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), m.zeros(4, dtype=m.int32)),
    "target_float": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), m.zeros(4)),
    "multi_target": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), m.zeros(4, 1, dtype=m.long)),
    "out_of_bounds": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [1, 2, 5, 0])),
    "negative_target": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [1, -1, 3, 0])),
    "out_of_bounds_smoothed": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [9, 0, 0, 0]),
                                                                      label_smoothing=0.1),
    "batch_mismatch": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [1, 2, 3])),
    "batch_mismatch_0d": lambda m: m.nn.functional.nll_loss(m.zeros(4, 5), _long(m, 2)),
    "batch_before_dtype": lambda m: m.nn.functional.nll_loss(m.zeros(4, 5), m.zeros(3, dtype=m.int32)),
    "1d_input_target_size": lambda m: m.nn.functional.cross_entropy(m.zeros(5), _long(m, [1, 2])),
    "0d_input": lambda m: m.nn.functional.nll_loss(m.tensor(1.0), _long(m, 0)),
    "0d_input_ce": lambda m: m.nn.functional.cross_entropy(m.tensor(1.0), _long(m, 0)),
    "weight_size": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [1, 2, 3, 0]), weight=m.ones(3)),
    "weight_size_3d": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3, 4), m.zeros(2, 4, dtype=m.long), weight=m.ones(2)),
    "weight_dtype": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [1, 2, 3, 0]),
                                                            weight=m.ones(5, dtype=m.float64)),
    "bad_reduction": lambda m: m.nn.CrossEntropyLoss(reduction="foo")(m.zeros(4, 5), _long(m, [1, 2, 3, 0])),
    "label_smoothing": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), _long(m, [1, 2, 3, 0]),
                                                               label_smoothing=1.5),
    "prob_target_int": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), m.zeros(4, 5, dtype=m.long)),
    "prob_ignore_index": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), m.zeros(4, 5), ignore_index=1),
    "prob_weight": lambda m: m.nn.functional.cross_entropy(m.zeros(4, 5), m.zeros(4, 5), weight=m.ones(3)),
    "int_logits": lambda m: m.nn.functional.cross_entropy(m.ones(4, 5, dtype=m.long), _long(m, [1, 2, 3, 0])),
    "input_not_tensor": lambda m: m.nn.functional.cross_entropy([1.0, 2.0], _long(m, 1)),
    "mse_no_broadcast": lambda m: m.nn.functional.mse_loss(m.zeros(5, 2), m.zeros(3)),
    "mse_int": lambda m: m.nn.functional.mse_loss(m.ones(5, dtype=m.long), m.ones(5, dtype=m.long)),
    "bce_range": lambda m: m.nn.functional.binary_cross_entropy(m.tensor([1.5]), m.tensor([1.0])),
    "bce_shape": lambda m: m.nn.BCELoss()(m.zeros(3), m.zeros(3, 1)),
    "bce_dtype": lambda m: m.nn.functional.binary_cross_entropy(m.zeros(3), m.zeros(3, dtype=m.float64)),
    "bce_weight": lambda m: m.nn.functional.binary_cross_entropy(m.zeros(2, 3), m.zeros(2, 3), weight=m.ones(4)),
    "bce_logits_shape": lambda m: m.nn.BCEWithLogitsLoss()(m.zeros(3), m.zeros(3, 1)),
    "bce_logits_long_target": lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.zeros(3), m.ones(3, dtype=m.long)),
    # a mask as target (frame prediction with `frames > 0.5`): torch fails on its first step, 1 - target
    "bce_logits_bool_target": lambda m: m.nn.BCEWithLogitsLoss(pos_weight=m.ones(1))(m.zeros(3), m.ones(3) > 0),
    "mse_weight_shape": lambda m: m.nn.functional.mse_loss(m.zeros(3), m.zeros(3), weight=m.ones(2)),
    # torch multiplies the weights in place: one that broadcasts the loss up is refused (fuzz: training_losses)
    "bce_logits_pos_weight_broadcasting_up": lambda m: m.nn.functional.binary_cross_entropy_with_logits(
        m.ones(2, 1), m.ones(2, 1), pos_weight=m.tensor([1.0, 2.0])),
    "bce_logits_weight_broadcasting_up": lambda m: m.nn.functional.binary_cross_entropy_with_logits(
        m.ones(2, 1), m.ones(2, 1), weight=m.tensor([1.0, 2.0]), reduction="none"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_loss_errors_match_torch(case):
    check_error(ERRORS[case])


def test_legacy_size_average_and_reduce_match_torch():
    torch = require_torch()
    for kwargs, expected in [({"size_average": False}, "sum"), ({"reduce": False}, "none"),
                             ({"size_average": True, "reduce": True}, "mean")]:
        with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
            assert tinygrad_rnn.nn.CrossEntropyLoss(**kwargs).reduction == expected
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert torch.nn.CrossEntropyLoss(**kwargs).reduction == expected
            check_parity(lambda m, x, t, kw=kwargs: m.nn.functional.cross_entropy(x, t, **kw),
                         [np.random.default_rng(10).standard_normal((3, 4)), np.array([0, 3, 1])])
            check_parity(lambda m, x, t, kw=kwargs: m.nn.functional.mse_loss(x, t, **kw),
                         [np.random.default_rng(11).standard_normal((3, 4)), np.zeros((3, 4))])


NOT_A_TENSOR = {  # torch compares target.size() with input.size() first: a non-tensor lacks 'size'
    "mse str target": lambda m: m.nn.functional.mse_loss(m.ones(2), "a"),
    "l1 list target": lambda m: m.nn.functional.l1_loss(m.ones(2), [1.0]),
    "mse str input": lambda m: m.nn.functional.mse_loss("a", m.ones(2)),
    "MSELoss None target": lambda m: m.nn.MSELoss()(m.ones(2), None),
    "bce str target": lambda m: m.nn.functional.binary_cross_entropy(m.ones(2) / 2, "a"),
    "bce with logits int target": lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.ones(2), 3),
}


@pytest.mark.parametrize("case", sorted(NOT_A_TENSOR))
def test_a_target_that_is_not_a_tensor_lacks_size_as_in_torch(case):
    check_error(NOT_A_TENSOR[case])


def test_kl_div_warns_about_mean_before_it_checks_its_arguments_as_torch():
    for m in (tinygrad_rnn, require_torch()):
        with warnings.catch_warnings(record=True) as caught, pytest.raises(TypeError):
            warnings.simplefilter("always")
            m.nn.functional.kl_div(m.ones(2), "a")
        assert "batchmean" in str(caught[0].message)


def test_nllloss2d_is_nllloss_under_its_old_name_with_torchs_warnings():
    """2017 FCN segmentation code builds nn.NLLLoss2d(size_average=False): torch still has it (a FutureWarning)."""
    seen = []
    rng = np.random.default_rng(5)
    logits, target = rng.standard_normal((2, 3, 4, 4)), rng.integers(0, 3, (2, 4, 4))
    for m in (tinygrad_rnn, require_torch()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            criterion = m.nn.NLLLoss2d(size_average=False, ignore_index=1)
        loss = criterion(m.tensor(logits).log_softmax(1), m.tensor(target))
        seen.append((repr(criterion), criterion.reduction, isinstance(criterion, m.nn.NLLLoss), loss.item(),
                     [(w.category.__name__, str(w.message)) for w in caught]))
    assert seen[0][:3] == seen[1][:3] and seen[0][4] == seen[1][4] and len(seen[1][4]) == 2
    assert seen[0][3] == pytest.approx(seen[1][3], rel=1e-12)


@pytest.mark.parametrize("kwargs", [{"size_average": False}, {"reduce": False}, {"size_average": True},
                                    {"size_average": False, "reduction": "batchmean"},
                                    {"reduce": False, "reduction": "batchmean"}])
def test_kl_div_with_size_average_or_reduce_warns_once_and_reduces_as_torch(kwargs):
    """A 2018 distillation loss, F.kl_div(..., size_average=False): one legacy warning (it came twice), and
    'batchmean' still divides by the batch after the legacy pair, as torch's does."""
    seen = []
    for m in (tinygrad_rnn, require_torch()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            logp = m.tensor(np.random.default_rng(4).standard_normal((3, 4))).log_softmax(1)
            out = m.nn.functional.kl_div(logp, m.full((3, 4), 0.25, dtype=m.float64), **kwargs)
        seen.append((out.detach().numpy(), [str(w.message) for w in caught]))
    np.testing.assert_allclose(seen[0][0], seen[1][0], rtol=1e-12)
    assert seen[0][1] == seen[1][1] and len(seen[1][1]) == 1


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 2)])
@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
def test_every_target_ignored_sums_to_plus_zero(shape, loss):
    """torch subtracts each counted term from 0, so a batch of padding only (CS224n's masked NMT loss)
    prints tensor(0.), not tensor(-0.)."""
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        x = m.ones(shape, requires_grad=True)
        target = m.zeros((shape[0],) + shape[2:], dtype=m.long)
        shown.append(repr(getattr(m.nn.functional, loss)(x, target, ignore_index=0, reduction="sum")))
    assert shown[0] == shown[1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("rows", [1, 15, 16, 17, 257, 4097])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_nll_loss_adds_rows_in_torchs_cascade_and_divides_last(dtype, rows, weighted, reduction):
    # torch's kernel subtracts the picked values into 8 cascading partial sums, then divides by the total
    # weight; the mean was taken as the sum of value * (weight / total), 1 ulp off in about half the losses,
    # and the gradient as -(weight / total) * g, not torch's weight * -(g / total)
    torch = require_torch()
    rng = np.random.default_rng(rows)
    x = np.log(rng.random((rows, 5))).astype(dtype)
    target = rng.integers(0, 5, rows)
    target[rng.random(rows) < 0.2] = -100
    weight = rng.random(5).astype(dtype) if weighted else None
    results = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(x, requires_grad=True)
        loss = m.nn.functional.nll_loss(t, m.tensor(target), weight=None if weight is None else m.tensor(weight),
                                        reduction=reduction)
        loss.backward()
        results.append((loss.item(), t.grad.numpy()))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_nll_loss_of_only_ignored_rows_is_torchs():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        t = m.zeros(3, 2, requires_grad=True)
        losses = [m.nn.functional.nll_loss(t, m.tensor([-100] * 3), reduction=r) for r in ("mean", "sum")]
        sum(losses[1:], losses[0] * 0).backward()
        seen.append(([str(v.item()) for v in losses], t.grad.tolist()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_is_one_node_whose_gradient_divides_last(reduction, weighted):
    # Raschka ch13/14's nn.BCELoss: the mean's gradient was (g / n) * (x - t) / d (an ulp off for most
    # elements), torch's is g * (x - t) / d, times the weight, then / n; and its next_functions lead to the
    # input and the target, not to another BinaryCrossEntropyBackward0
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = rng.random((40, 7)).astype(np.float32)
    x[0, 0], x[1, 1] = 0.0, 1.0
    t = (rng.random((40, 7)) > 0.5).astype(np.float32)
    w = rng.random(7).astype(np.float32) if weighted else None
    seen = []
    for m in (tinygrad_rnn, torch):
        xt = m.tensor(x, requires_grad=True)
        loss = m.nn.functional.binary_cross_entropy(xt, m.tensor(t), weight=None if w is None else m.tensor(w),
                                                    reduction=reduction)
        loss.backward(m.ones_like(loss))
        seen.append((loss.grad_fn.name(), [type(f).__name__ for f, _ in loss.grad_fn.next_functions], xt.grad.numpy()))
    assert seen[0][:2] == seen[1][:2]
    np.testing.assert_array_equal(seen[0][2], seen[1][2])


def test_binary_cross_entropy_refuses_a_weight_that_requires_grad():
    check_error(lambda m: m.nn.functional.binary_cross_entropy(m.full((3,), 0.5, requires_grad=True), m.ones(3),
                                                               weight=m.ones(3, requires_grad=True)))


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2), (3,), (0, 3), (2, 0)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_probability_targets_show_torchs_node(shape, reduction, smoothing):
    """torch's mean divides by an integer Scalar (DivBackward1) and fills an empty sum with NaN
    (FillBackward2 under NegBackward0): a printed loss shows those names."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        x = m.randn(shape, requires_grad=True)
        target = m.softmax(m.randn(shape), 0 if len(shape) == 1 else 1)
        out = m.nn.functional.cross_entropy(x, target, reduction=reduction, label_smoothing=smoothing)
        names.append((out.grad_fn.name(), out.grad_fn.next_functions[0][0].name(), out.sum().isnan().item()))
    assert names[0] == names[1]


def test_kl_div_sends_a_zero_or_negative_target_torchs_nan_gradient():
    """torch's kl_div is xlogy(target, target) - target * input: a target of 0 gets the gradient 0 / 0 (NaN),
    a negative one log of a negative (NaN); ours dropped the log term at 0 (fuzz, session 16)."""
    target = np.array([[0.0, 0.3, -0.2], [0.5, 0.0, 0.2]])
    check_parity(lambda m, x, t: m.nn.functional.kl_div(x, t, reduction="sum"),
                 [np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])), target])


@pytest.mark.parametrize("kwargs", [{}, {"reduction": "none", "label_smoothing": 0.1},
                                    {"ignore_index": 4, "weight": [0.5, 1.0, 2.0, 1.0, 3.0]}])
def test_linear_cross_entropy_values_and_gradients_match_torch(kwargs):
    def call(m, x, w, b):
        options = {k: m.tensor(v, dtype=m.float64) if k == "weight" else v for k, v in kwargs.items()}
        return m.nn.functional.linear_cross_entropy(x, w, m.tensor([0, 4, 2]), linear_bias=b, **options)
    check_parity(call, shapes=[(3, 4), (5, 4), (5,)])


def test_linear_cross_entropy_of_a_k_dimensional_loss_matches_torch():
    check_parity(lambda m, x, w, b: m.nn.functional.linear_cross_entropy(
        x, w, m.tensor([[0, 1], [2, 3], [4, 0]]), linear_bias=b), shapes=[(3, 4), (5, 2, 4), (5, 2)])


LINEAR_CROSS_ENTROPY_CASES = {
    "unbatched": lambda m, x: m.nn.functional.linear_cross_entropy(x[0], m.ones(5, 4), m.tensor(1)),
    "probabilities": lambda m, x: m.nn.functional.linear_cross_entropy(x, m.ones(5, 4), m.full((3, 5), 0.2)),
    "probabilities with ignore_index": lambda m, x: m.nn.functional.linear_cross_entropy(
        x, m.ones(5, 4), m.full((3, 5), 0.2), ignore_index=1),
    "3-d input": lambda m, x: m.nn.functional.linear_cross_entropy(x.view(3, 2, 2), m.ones(5, 4), m.tensor([0, 1, 2])),
    "1-d weight": lambda m, x: m.nn.functional.linear_cross_entropy(x, m.ones(4), m.tensor([0, 1, 2])),
    "in_features differ": lambda m, x: m.nn.functional.linear_cross_entropy(x, m.ones(5, 3), m.tensor([0, 1, 2])),
    "bias shape": lambda m, x: m.nn.functional.linear_cross_entropy(x, m.ones(5, 4), m.tensor([0, 1, 2]),
                                                                   linear_bias=m.ones(4)),
    "K-dimensional, unbatched": lambda m, x: m.nn.functional.linear_cross_entropy(x[0], m.ones(5, 2, 4), m.tensor([0, 1])),
    "bad reduction": lambda m, x: m.nn.functional.linear_cross_entropy(x, m.ones(5, 4), m.tensor([0, 1, 2]),
                                                                      reduction="foo"),
    "bias positionally": lambda m, x: m.nn.functional.linear_cross_entropy(x, m.ones(5, 4), m.tensor([0, 1, 2]), 3),
    "module": lambda m, x: (m.nn.LinearCrossEntropyLoss(4, 5), list(m.nn.LinearCrossEntropyLoss(4, 5).state_dict())),
    "module, K-dimensional": lambda m, x: (lambda loss: (loss, list(loss.state_dict()), loss(
        x, m.tensor([[0, 1], [2, 3], [4, 0]]))))(m.nn.LinearCrossEntropyLoss(
            4, 5, out_features=(2,), bias=True, ignore_index=1, weight=m.ones(5))),
    "module, weight shape": lambda m, x: m.nn.LinearCrossEntropyLoss(4, 5, weight=m.ones(4)),
    "module, label_smoothing": lambda m, x: m.nn.LinearCrossEntropyLoss(4, 5, label_smoothing=1.5),
    "module, reduction none": lambda m, x: m.nn.LinearCrossEntropyLoss(4, 5, reduction="none")(x, m.tensor([0, 1, 2])),
    "torch's file": lambda m, x: m.nn.modules.loss.LinearCrossEntropyLoss is m.nn.LinearCrossEntropyLoss,
}


def test_linear_cross_entropy_errors_reprs_and_module_match_torch():
    assert differences(LINEAR_CROSS_ENTROPY_CASES, lambda m: m.randn(3, 4, requires_grad=True)) == []


def test_linear_cross_entropy_options_is_not_implemented():
    with pytest.raises(NotImplementedError, match="options"):
        tinygrad_rnn.nn.functional.linear_cross_entropy(tinygrad_rnn.ones(3, 4), tinygrad_rnn.ones(5, 4),
                                                        tinygrad_rnn.tensor([0, 1, 2]), options=object())


# forum mistake: an ignore_index that is no int (a float from a config, a bool); torch's parser refuses it
@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3), m.tensor([0, 1]), ignore_index=1.0),
    lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3), m.tensor([0, 1]), ignore_index=True),
    lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3), m.rand(2, 3), ignore_index=1.5),
    lambda m: m.nn.NLLLoss(ignore_index=1.5)(m.zeros(2, 3), m.tensor([0, 1])),
])
def test_an_ignore_index_that_is_no_int_is_torchs_type_error(call):
    check_error(call)


def test_an_int_tensor_is_taken_as_the_ignore_index():
    torch = require_torch()
    losses = [m.nn.functional.cross_entropy(m.zeros(2, 3), m.tensor([0, 1]), ignore_index=m.tensor(1)).item()
              for m in (tinygrad_rnn, torch)]
    assert losses[0] == pytest.approx(losses[1])


@pytest.mark.parametrize("shape", [(2, 3), (0, 3), (2, 3, 2), (0, 1, 3)])
def test_nll_loss_checks_the_weight_size_before_the_input_dtype(shape):
    """(fuzz: an int64 input with a weight of the wrong size gave the kernel's NotImplementedError; torch checks
    the weight's size first, and the kernel's dtype before the weight's dtype)"""
    target = (shape[0],) + shape[2:]
    for weight in (2, 3):
        check_error(lambda m, w=weight: m.nn.functional.nll_loss(m.zeros(shape, dtype=m.int64),
                                                                 m.zeros(target, dtype=m.int64), weight=m.ones(w)))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_label_smoothing_of_no_classes_is_nan_as_torch(reduction):
    """(fuzz: label_smoothing over 0 classes divided by zero in Python; torch's C++ share is inf, the loss NaN)"""
    check_parity(lambda m, x: m.nn.functional.cross_entropy(x, m.zeros(0, 1, dtype=m.int64), reduction=reduction,
                                                            label_smoothing=0.5), [np.zeros((0, 0, 1))])
    check_parity(lambda m, x: m.nn.functional.cross_entropy(x, m.zeros(2, 0), reduction=reduction,
                                                            label_smoothing=1.0), [np.zeros((2, 0))])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_of_no_classes_with_every_target_ignored(reduction):
    """(fuzz: cross_entropy of a (2, 0) input with targets all ignore_index picked column 0 and failed inside numpy;
    torch gives NaN, 0 or zeros; and reduction='none' writes +0.0, not -0.0, at an ignored target)"""
    for weight in (None, np.zeros(0)):
        for name in ("nll_loss", "cross_entropy"):
            check_parity(lambda m, x, n=name, w=weight: getattr(m.nn.functional, n)(
                x, m.tensor([0, 0]), reduction=reduction, ignore_index=0, weight=None if w is None else m.tensor(w)),
                [np.zeros((2, 0))])
    check_parity(lambda m, x: m.nn.functional.nll_loss(x, m.tensor([0, 1]), ignore_index=0, reduction=reduction),
                 [np.zeros((2, 3))])
    check_parity(lambda m, x: m.nn.functional.nll_loss(x, m.tensor([[0], [1]]), ignore_index=0, reduction=reduction),
                 [np.zeros((2, 3, 1))])
    if reduction == "none":
        signs = [np.signbit(m.nn.functional.nll_loss(m.zeros(2, 3), m.tensor([0, 1]), ignore_index=0,
                                                     reduction="none").numpy()).tolist()
                 for m in (tinygrad_rnn, require_torch())]
        assert signs[0] == signs[1] == [False, True]

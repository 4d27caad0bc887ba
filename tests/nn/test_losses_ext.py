"""The losses of nn/loss_ext.py against torch: values and every input gradient in float64 and
float32 for each reduction, module forms and reprs, finite differences, torch's errors."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(0)
SIGNS = np.array([1.0, -1.0, -1.0, 1.0])
SIGNS_2D = np.where(RNG.random((4, 3)) > 0.5, 1.0, -1.0)
CLASSES = np.array([2, 0, 4, 1])
MULTI_LABELS = np.array([[3, 0, -1, 1, 2], [1, 2, 4, 4, -1], [-1, 1, 2, 3, 0], [4, 3, 2, 1, 0]])
BITS = (RNG.random((4, 5)) > 0.5).astype(np.float64)
COUNTS = np.array([[0.0, 1, 3], [2, 5, 0], [1, 1, 7], [4, 0, 2]])
CLASS_WEIGHT = np.array([0.5, 1.0, 2.0, 1.5, 0.3])


def _t(m, array, like):
    """A constant of the test's dtype (targets and weights follow the input's dtype in torch)."""
    return m.tensor(array.astype(like.detach().numpy().dtype if array.dtype.kind == "f" else array.dtype))


# name -> (fn(m, reduction, *inputs), input shapes); every input gets a gradient
CASES = {
    "gaussian_nll": (lambda m, r, x, t, v: m.nn.functional.gaussian_nll_loss(x, t, v.exp(), reduction=r),
                     [(4, 3), (4, 3), (4, 3)]),
    "gaussian_nll, shared variance, full": (lambda m, r, x, t, v: m.nn.functional.gaussian_nll_loss(
        x, t, v.exp(), full=True, reduction=r), [(4, 3), (4, 3), (4,)]),
    "gaussian_nll, clamped variance": (lambda m, r, x, t, v: m.nn.functional.gaussian_nll_loss(
        x, t, v.exp() * 1e-7, eps=1e-6, reduction=r), [(4, 3), (4, 3), (4, 1)]),
    "poisson_nll": (lambda m, r, x: m.nn.functional.poisson_nll_loss(x, _t(m, COUNTS, x), reduction=r), [(4, 3)]),
    "poisson_nll, rate input, full": (lambda m, r, x: m.nn.functional.poisson_nll_loss(
        x.exp(), _t(m, COUNTS, x), log_input=False, full=True, reduction=r), [(4, 3)]),
    "margin_ranking": (lambda m, r, a, b: m.nn.functional.margin_ranking_loss(a, b, _t(m, SIGNS, a), margin=0.3,
                                                                              reduction=r), [(4,), (4,)]),
    "hinge_embedding": (lambda m, r, x: m.nn.functional.hinge_embedding_loss(x, _t(m, SIGNS_2D, x), margin=0.5,
                                                                             reduction=r), [(4, 3)]),
    "soft_margin": (lambda m, r, x: m.nn.functional.soft_margin_loss(x, _t(m, SIGNS_2D, x), reduction=r), [(4, 3)]),
    "cosine_embedding": (lambda m, r, a, b: m.nn.functional.cosine_embedding_loss(a, b, _t(m, SIGNS, a), margin=-0.2,
                                                                                  reduction=r), [(4, 3), (4, 3)]),
    "triplet_margin": (lambda m, r, a, p, n: m.nn.functional.triplet_margin_loss(a, p, n, margin=2.0, reduction=r),
                       [(4, 3), (4, 3), (4, 3)]),
    "triplet_margin, p=1, swap": (lambda m, r, a, p, n: m.nn.functional.triplet_margin_loss(
        a, p, n, margin=1.5, p=1, swap=True, reduction=r), [(4, 3), (4, 3), (4, 3)]),
    "triplet_margin_with_distance": (lambda m, r, a, p, n: m.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x, y: 1 - m.nn.functional.cosine_similarity(x, y), margin=0.8, swap=True,
        reduction=r), [(4, 3), (4, 3), (4, 3)]),
    "multi_margin": (lambda m, r, x: m.nn.functional.multi_margin_loss(x, m.tensor(CLASSES), margin=0.7,
                                                                       reduction=r), [(4, 5)]),
    "multi_margin, p=2, weight": (lambda m, r, x: m.nn.functional.multi_margin_loss(
        x, m.tensor(CLASSES), p=2, weight=_t(m, CLASS_WEIGHT, x), reduction=r), [(4, 5)]),
    "multilabel_margin": (lambda m, r, x: m.nn.functional.multilabel_margin_loss(x, m.tensor(MULTI_LABELS),
                                                                                 reduction=r), [(4, 5)]),
    "multilabel_margin, one sample": (lambda m, r, x: m.nn.functional.multilabel_margin_loss(
        x, m.tensor(MULTI_LABELS[1]), reduction=r), [(5,)]),
    "multilabel_soft_margin": (lambda m, r, x: m.nn.functional.multilabel_soft_margin_loss(
        x, _t(m, BITS, x), weight=_t(m, CLASS_WEIGHT, x), reduction=r), [(4, 5)]),
    "pairwise_distance": (lambda m, r, a, b: m.nn.functional.pairwise_distance(a, b, p=3.0, keepdim=r == "sum"),
                          [(4, 3), (4, 3)]),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", list(CASES))
def test_loss_matches_torch(case, reduction, dtype):
    fn, shapes = CASES[case]
    check_parity(lambda m, *xs: fn(m, reduction, *xs), shapes=shapes, dtype=dtype)


@pytest.mark.parametrize("case", ["gaussian_nll", "poisson_nll", "margin_ranking", "soft_margin", "cosine_embedding",
                                  "triplet_margin", "multi_margin, p=2, weight", "multilabel_margin",
                                  "multilabel_soft_margin"])
def test_loss_gradient_by_finite_differences(case):
    fn, shapes = CASES[case]
    rng = np.random.default_rng(3)
    check_finite_differences(lambda m, *xs: fn(m, "none", *xs), [rng.standard_normal(s) for s in shapes])


MODULES = {
    "GaussianNLLLoss": (lambda m: m.nn.GaussianNLLLoss(full=True, eps=1e-3), 3),
    "PoissonNLLLoss": (lambda m: m.nn.PoissonNLLLoss(log_input=True, reduction="sum"), 2),
    "MarginRankingLoss": (lambda m: m.nn.MarginRankingLoss(margin=0.2), 3),
    "HingeEmbeddingLoss": (lambda m: m.nn.HingeEmbeddingLoss(margin=2.0), 2),
    "SoftMarginLoss": (lambda m: m.nn.SoftMarginLoss(), 2),
    "CosineEmbeddingLoss": (lambda m: m.nn.CosineEmbeddingLoss(margin=0.1), 3),
    "TripletMarginLoss": (lambda m: m.nn.TripletMarginLoss(margin=0.5, p=1.0, swap=True), 3),
    "TripletMarginWithDistanceLoss": (lambda m: m.nn.TripletMarginWithDistanceLoss(margin=0.5), 3),
    "MultiMarginLoss": (lambda m: m.nn.MultiMarginLoss(p=2, margin=0.5, weight=m.tensor(CLASS_WEIGHT[:3])), 2),
    "MultiLabelMarginLoss": (lambda m: m.nn.MultiLabelMarginLoss(), 2),
    "MultiLabelSoftMarginLoss": (lambda m: m.nn.MultiLabelSoftMarginLoss(weight=m.tensor(CLASS_WEIGHT[:3])), 2),
}
MODULE_TARGETS = {
    "PoissonNLLLoss": COUNTS, "HingeEmbeddingLoss": SIGNS_2D, "SoftMarginLoss": SIGNS_2D,
    "MultiMarginLoss": np.array([2, 0, 1, 1]), "MultiLabelMarginLoss": MULTI_LABELS[:, :3] % 3 - (MULTI_LABELS[:, :3] < 0),
    "MultiLabelSoftMarginLoss": BITS[:, :3], "MarginRankingLoss": SIGNS_2D, "CosineEmbeddingLoss": SIGNS,
}


@pytest.mark.parametrize("name", list(MODULES))
def test_loss_module_matches_torch(name):
    build, n_inputs = MODULES[name]

    def fn(m, *xs):
        module = build(m)
        target = MODULE_TARGETS.get(name)
        if name == "GaussianNLLLoss":
            return module(xs[0], xs[1], xs[2].exp())
        if target is None:
            return module(*xs)
        args = list(xs[:n_inputs - 1]) + [m.tensor(target)]
        return module(*args)

    check_parity(fn, shapes=[(4, 3)] * n_inputs)


@pytest.mark.parametrize("name", list(MODULES))
def test_loss_module_repr_matches_torch(name):
    torch = require_torch()
    assert repr(MODULES[name][0](tinygrad_rnn)) == repr(MODULES[name][0](torch))


def test_distance_modules_match_torch():
    check_parity(lambda m, a, b: (m.nn.PairwiseDistance(p=1.0, keepdim=True)(a, b),
                                  m.nn.CosineSimilarity(dim=0)(a, b)), shapes=[(4, 3), (4, 3)])
    torch = require_torch()
    assert repr(tinygrad_rnn.nn.PairwiseDistance()) == repr(torch.nn.PairwiseDistance())
    assert repr(tinygrad_rnn.nn.CosineSimilarity()) == repr(torch.nn.CosineSimilarity())


def test_legacy_size_average_gives_torchs_reduction_and_warning():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            assert m.nn.SoftMarginLoss(size_average=False).reduction == "sum"


X = np.ones((2, 3))
ERRORS = {
    "gaussian negative var": lambda m: m.nn.functional.gaussian_nll_loss(m.tensor(X), m.tensor(X), m.tensor(-X)),
    "gaussian var size": lambda m: m.nn.functional.gaussian_nll_loss(m.tensor(X), m.tensor(X), m.ones(3, 3)),
    "gaussian reduction": lambda m: m.nn.functional.gaussian_nll_loss(m.tensor(X), m.tensor(X), m.tensor(X),
                                                                      reduction="avg"),
    "poisson reduction": lambda m: m.nn.functional.poisson_nll_loss(m.tensor(X), m.tensor(X), reduction="avg"),
    "ranking dims": lambda m: m.nn.functional.margin_ranking_loss(m.tensor(X), m.tensor(X), m.ones(2)),
    "cosine 2-D target": lambda m: m.nn.functional.cosine_embedding_loss(m.tensor(X), m.tensor(X), m.tensor(X)),
    "cosine 1-D target, 1-D inputs": lambda m: m.nn.functional.cosine_embedding_loss(m.ones(3), m.ones(3), m.ones(3)),
    "triplet margin": lambda m: m.nn.functional.triplet_margin_loss(m.tensor(X), m.tensor(X), m.tensor(X), margin=0),
    "triplet dims": lambda m: m.nn.functional.triplet_margin_loss(m.tensor(X), m.tensor(X), m.ones(3)),
    "triplet module margin": lambda m: m.nn.TripletMarginLoss(margin=-1.0),
    "triplet with distance reduction": lambda m: m.nn.functional.triplet_margin_with_distance_loss(
        m.tensor(X), m.tensor(X), m.tensor(X), reduction="avg"),
    "multi margin p": lambda m: m.nn.functional.multi_margin_loss(m.tensor(X), m.tensor([0, 1]), p=3),
    "multi margin weight dim": lambda m: m.nn.MultiMarginLoss(weight=m.ones(2, 2)),
    "multi margin 3-D": lambda m: m.nn.functional.multi_margin_loss(m.ones(2, 3, 4), m.tensor([0, 1])),
    "multi margin target size": lambda m: m.nn.functional.multi_margin_loss(m.tensor(X), m.tensor([0, 1, 1])),
    "multilabel soft reduction": lambda m: m.nn.functional.multilabel_soft_margin_loss(m.tensor(X), m.tensor(X),
                                                                                       reduction="avg"),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_loss_errors_match_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(ERRORS[case])


def test_multilabel_margin_target_shape_error_matches_torch():
    check_error(lambda m: m.nn.functional.multilabel_margin_loss(m.ones(2, 3), m.tensor([0, 1])))


def test_multi_margin_target_out_of_range_matches_torch():
    check_error(lambda m: m.nn.functional.multi_margin_loss(m.ones(2, 3), m.tensor([0, 3])))


# ------------------------------------------------------------------ AdaptiveLogSoftmaxWithLoss
def _adaptive_run(m, dtype):
    m.manual_seed(0)
    asm = m.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True).to(getattr(m, dtype))
    x = m.tensor(np.random.default_rng(0).standard_normal((6, 8)).astype(dtype), requires_grad=True)
    out, loss = asm(x, m.tensor([0, 4, 9, 2, 7, 5]))
    (out * m.tensor(np.random.default_rng(1).standard_normal(6).astype(dtype))).sum().backward()
    single_out, single_loss = asm(x[0], m.tensor(8))
    results = [out, loss, x.grad, *[p.grad for p in asm.parameters()], asm.log_prob(x), asm.predict(x),
               single_out, single_loss]
    return repr(asm), [r.detach().numpy() for r in results]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_adaptive_log_softmax_matches_torch(dtype):
    torch = require_torch()
    ours_repr, ours = _adaptive_run(tinygrad_rnn, dtype)
    theirs_repr, theirs = _adaptive_run(torch, dtype)
    assert ours_repr == theirs_repr
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.dtype == b.dtype, i
        np.testing.assert_allclose(a, b, err_msg=f"result {i}", **tol)


def test_adaptive_log_softmax_gradient_by_finite_differences():
    tinygrad_rnn.manual_seed(0)
    asm = tinygrad_rnn.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2, 4], div_value=2.0).double()
    check_finite_differences(lambda m, x: asm(x, m.tensor([0, 3, 5]))[0],
                             [np.random.default_rng(2).standard_normal((3, 4))])


ADAPTIVE_ERRORS = {
    "no cutoffs": lambda m: m.nn.AdaptiveLogSoftmaxWithLoss(4, 6, []),
    "unsorted cutoffs": lambda m: m.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [3, 2]),
    "cutoff too large": lambda m: m.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2, 6]),
    "target out of range": lambda m: m.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])(m.ones(2, 4), m.tensor([1, 6])),
    "batch sizes differ": lambda m: m.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])(m.ones(2, 4), m.tensor([1, 2, 3])),
    "2-D target": lambda m: m.nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])(m.ones(2, 4), m.ones(2, 1, dtype=m.int64)),
}


@pytest.mark.parametrize("case", list(ADAPTIVE_ERRORS))
def test_adaptive_log_softmax_errors_match_torch(case):
    check_error(ADAPTIVE_ERRORS[case])


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.multilabel_margin_loss("a", m.zeros(2, dtype=m.long)),
    lambda m: m.nn.functional.multilabel_margin_loss(m.ones(2), "a"),
    lambda m: m.nn.functional.cosine_embedding_loss("a", m.ones(2), m.tensor(1.0)),
    lambda m: m.nn.functional.cosine_embedding_loss(m.ones(2), m.ones(2), "a"),
])
def test_losses_name_an_argument_that_is_not_a_tensor_as_torch(call):
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.huber_loss(m.ones(3), m.ones(3), delta=0),
    lambda m: m.nn.HuberLoss(delta=-1.0)(m.ones(3), m.ones(3)),
    lambda m: m.nn.functional.huber_loss(m.ones(3), m.ones(3), delta=-1, reduction="abc"),  # reduction first
    lambda m: m.nn.functional.smooth_l1_loss(m.ones(3), m.ones(3), beta=-1),
])
def test_huber_delta_and_smooth_l1_beta_out_of_range_are_refused_as_torch(call):
    check_error(call)


def test_smooth_l1_loss_with_beta_zero_is_l1_as_torch():
    check_parity(lambda m, x, y: m.nn.functional.smooth_l1_loss(x, y, beta=0.0),
                 [np.arange(4.0), np.array([1.0, 1.0, 0.0, 5.0])])


MARGIN_LOSS_ERRORS = {
    "soft margin, shapes that do not broadcast": lambda m: m.nn.functional.soft_margin_loss(m.ones(5, 4), m.ones(5, 5)),
    "soft margin, target broadcast past input": lambda m: m.nn.functional.soft_margin_loss(m.ones(5, 1), m.ones(5, 4)),
    "multi margin, weight of the wrong size": lambda m: m.nn.functional.multi_margin_loss(
        m.ones(5, 4), m.zeros(5, dtype=m.long), weight=m.ones(5)),
    "multi margin, weight size before target dtype": lambda m: m.nn.functional.multi_margin_loss(
        m.ones(5, 4), m.zeros(5), weight=m.ones(5)),
    "multi margin, weight of another dtype": lambda m: m.nn.functional.multi_margin_loss(
        m.ones(5, 4), m.zeros(5, dtype=m.long), weight=m.ones(4, dtype=m.float64)),
}


@pytest.mark.parametrize("call", MARGIN_LOSS_ERRORS.values(), ids=MARGIN_LOSS_ERRORS.keys())
def test_margin_loss_errors_as_torch(call):
    check_error(call)


def test_cosine_embedding_loss_of_a_zero_vector_uses_torchs_float_epsilon():
    """torch adds 1e-12 as a C float (9.99999996e-13) to each squared norm: at a zero vector the gradient
    (about 1e6 here) shows it in the ninth digit (fuzz, session 16)."""
    check_parity(lambda m, a, b: m.nn.functional.cosine_embedding_loss(a, b, m.tensor(1.0, dtype=m.float64)),
                 [np.zeros(3), np.array([-1.96, 0.187, 0.0])])

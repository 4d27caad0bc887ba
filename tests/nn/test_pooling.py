"""Pooling against torch: max (with indices, ceil_mode, dilation, ties), average (padding counted
or not, ceil_mode, divisor_override), adaptive, LP and max_unpool; layers' reprs; errors; gradcheck."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck

DTYPES = [np.float64, np.float32]
F = lambda m: m.nn.functional  # noqa: E731

CASES = {
    "max2d": lambda m, x: F(m).max_pool2d(x, 3),
    "max2d-full": lambda m, x: F(m).max_pool2d(x, 3, stride=2, padding=1, dilation=(1, 2), ceil_mode=True,
                                               return_indices=True),
    "max2d-rect": lambda m, x: F(m).max_pool2d(x, (2, 3), stride=(1, 2), padding=(1, 0), return_indices=True),
    "max2d-unbatched": lambda m, x: F(m).max_pool2d(x[0], 2, ceil_mode=True, return_indices=True),
    "max1d": lambda m, x: F(m).max_pool1d(x[0], 3, stride=2, padding=1, ceil_mode=True, return_indices=True),
    "max1d-dilated": lambda m, x: F(m).max_pool1d(x[:, 0], 2, dilation=2),
    "avg2d": lambda m, x: F(m).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
    "avg2d-exclude-pad": lambda m, x: F(m).avg_pool2d(x, (3, 2), stride=(2, 3), padding=1, ceil_mode=True,
                                                      count_include_pad=False),
    "avg2d-divisor": lambda m, x: F(m).avg_pool2d(x, (3, 2), padding=1, divisor_override=5),
    "avg2d-unbatched": lambda m, x: F(m).avg_pool2d(x[0], 2),
    "avg1d": lambda m, x: F(m).avg_pool1d(x[0], 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    "adaptive-avg2d": lambda m, x: F(m).adaptive_avg_pool2d(x, (4, None)),
    "adaptive-avg2d-up": lambda m, x: F(m).adaptive_avg_pool2d(x, 9),
    "adaptive-avg1d": lambda m, x: F(m).adaptive_avg_pool1d(x[0], 4),
    "adaptive-max2d": lambda m, x: F(m).adaptive_max_pool2d(x, (4, 5), return_indices=True),
    "adaptive-max1d": lambda m, x: F(m).adaptive_max_pool1d(x[0], 4, return_indices=True),
    "lp2d": lambda m, x: F(m).lp_pool2d(x, 2, 3, stride=2, ceil_mode=True),
    "lp1d": lambda m, x: F(m).lp_pool1d(x[0].abs(), 3, 2),
    "unpool2d": lambda m, x: F(m).max_unpool2d(*F(m).max_pool2d(x, 2, return_indices=True), 2, output_size=(7, 6)),
    "unpool1d": lambda m, x: F(m).max_unpool1d(*F(m).max_pool1d(x[0], 3, stride=2, return_indices=True), 3, 2),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_pooling_matches_torch(case, dtype):
    check_parity(CASES[case], shapes=[(2, 3, 7, 6)], dtype=dtype)


AVERAGES = [("adaptive_avg_pool2d", (2, 3, 7, 9), ((3, 4),)), ("adaptive_avg_pool2d", (1, 1, 5, 5), (2,)),
            ("adaptive_avg_pool2d", (3, 13, 11), ((5, None),)), ("adaptive_avg_pool1d", (2, 3, 10), (4,)),
            ("adaptive_avg_pool3d", (2, 2, 5, 7, 4), ((2, 3, 3),)), ("adaptive_avg_pool2d", (2, 1, 4, 5), (9,)),
            ("avg_pool2d", (2, 3, 7, 9), (3, 2, 1)), ("avg_pool2d", (3, 7, 9), (3, 1, 1)),
            ("avg_pool2d", (2, 3, 7, 9), ((2, 3), (2, 1), (1, 1), True, False)), ("avg_pool1d", (3, 11), (3, 2, 1, True)),
            ("avg_pool3d", (2, 5, 6, 7), (3, 2, 1, True)), ("avg_pool2d", (2, 3, 7, 9), (3, None, 0, False, True, 7))]


AVERAGE_CASES = [(*case, dtype) for case in AVERAGES for dtype in (np.float64, np.float32, np.float16)
                 if not (dtype == np.float16 and case[0].endswith("3d"))]  # torch's 3-d average kernels take no half


@pytest.mark.parametrize("name,shape,args,dtype", AVERAGE_CASES,
                         ids=[f"{c[0]}-{i}-{c[3].__name__}" for i, c in enumerate(AVERAGE_CASES)])
def test_average_pools_have_torchs_bits(name, shape, args, dtype):
    """d2l's AdaptiveAvgPool2d(2) on arange(25.) showed 6.0000 for torch's 6.: torch sums each window in
    row-major order and divides (avg_pool by its divisor, the adaptive pool by each dim's window size); the
    gradient shares grad / divisor out in output order (avg_pool's half kernel adds in half). Both bit for
    bit, with overlapping windows, padding, ceil_mode, unbatched inputs and half too."""
    torch = require_torch()
    rng = np.random.default_rng(1)
    a, g = rng.standard_normal(shape).astype(dtype), None
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(a, requires_grad=True)
        y = getattr(m.nn.functional, name)(x, *args)
        g = rng.standard_normal(tuple(y.shape)).astype(dtype) if g is None else g
        y.backward(m.tensor(g))
        results.append((y.detach().numpy(), x.grad.numpy(), y.grad_fn.name(), y.is_contiguous()))
    (y1, gx1, *rest1), (y2, gx2, *rest2) = results
    assert rest1 == rest2 and y1.dtype == y2.dtype and np.array_equal(y1, y2) and np.array_equal(gx1, gx2)
    exact = tinygrad_rnn.nn.AdaptiveAvgPool2d(2)(tinygrad_rnn.arange(25.0).reshape(1, 1, 5, 5))
    assert exact.flatten().tolist() == [6.0, 8.0, 16.0, 18.0]


@pytest.mark.parametrize("pool,shape", [(lambda F, x: F.adaptive_avg_pool2d(x, (3, 4)), (1, 2, 5, 7)),
                                        (lambda F, x: F.avg_pool2d(x, 3, 2, 1), (2, 5, 7))])
def test_average_pool_double_backward_is_torchs_node(pool, shape):
    """torch's gradient node takes the input too (its gradient zero), so under create_graph the gradient
    needs grad even for a constant upstream gradient, and is named ...BackwardBackward0."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.randn(*shape, dtype=m.float64, requires_grad=True)
        y = pool(m.nn.functional, x)
        gx, = m.autograd.grad(y, x, m.ones_like(y), create_graph=True)
        again, = m.autograd.grad(gx.sum(), x)
        inner = y.grad_fn.next_functions[0][0]
        seen.append((y.grad_fn.name(), gx.grad_fn.name(), inner.name() if inner else None, again.abs().sum().item()))
    assert seen[0] == seen[1]
    x = tinygrad_rnn.randn(*shape, dtype=tinygrad_rnn.float64, requires_grad=True)
    assert gradgradcheck(lambda t: pool(tinygrad_rnn.nn.functional, t), (x,))


@pytest.mark.parametrize("pool", [lambda F, x: F.avg_pool1d(x, 3, 2), lambda F, x: F.adaptive_avg_pool1d(x, 3)])
def test_1d_average_pools_run_torchs_2d_kernel_between_unsqueeze_and_squeeze(pool):
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        y = pool(m.nn.functional, m.randn(2, 5, 7, requires_grad=True))
        inner = y.grad_fn.next_functions[0][0]
        seen.append((y.grad_fn.name(), inner.name(), inner.next_functions[0][0].name(), y._is_view()))
    assert seen[0] == seen[1]


def test_max_pool_ties_send_the_gradient_to_the_first_maximum_as_torch():
    x = np.array([[[[1.0, 1.0, 0.0], [1.0, 1.0, 2.0], [2.0, 0.0, 2.0]]]])
    check_parity(lambda m, x: F(m).max_pool2d(x, 2, stride=1, return_indices=True), [x])
    check_parity(lambda m, x: F(m).adaptive_max_pool2d(x, 2, return_indices=True), [x])


def test_max_pool_picks_the_last_nan_of_a_window_as_torch():
    nan = float("nan")
    x = np.array([[[[1.0, nan, 3.0], [nan, 2.0, 0.5], [4.0, nan, nan]]]])
    check_parity(lambda m, x: F(m).max_pool2d(x, 2, stride=1, return_indices=True), [x])
    check_parity(lambda m, x: F(m).adaptive_max_pool2d(x, (1, 2), return_indices=True), [x])
    check_parity(lambda m, x: F(m).max_pool1d(x[0, 0], 3, return_indices=True), [x])


def test_max_pool_of_integers_matches_torch():
    x = np.random.default_rng(0).integers(-5, 5, (2, 3, 6, 6))
    check_parity(lambda m, x: F(m).max_pool2d(x, 3, stride=2, padding=1, return_indices=True), [x])


LAYERS = [
    lambda m: m.nn.MaxPool1d(3, ceil_mode=True, return_indices=True),
    lambda m: m.nn.MaxPool2d((3, 2), stride=1, padding=1, dilation=2),
    lambda m: m.nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False),
    lambda m: m.nn.AvgPool2d(3, stride=(2, 1), padding=1, ceil_mode=True, divisor_override=4),
    lambda m: m.nn.AdaptiveAvgPool1d(4),
    lambda m: m.nn.AdaptiveAvgPool2d((2, None)),
    lambda m: m.nn.AdaptiveMaxPool1d(3, return_indices=True),
    lambda m: m.nn.AdaptiveMaxPool2d(3),
    lambda m: m.nn.LPPool1d(2, 3),
    lambda m: m.nn.LPPool2d(1.5, (2, 3), stride=1, ceil_mode=True),
]


@pytest.mark.parametrize("make", LAYERS)
def test_pooling_layers_match_torch(make):
    ours, theirs = make(tinygrad_rnn), make(require_torch())
    assert repr(ours) == repr(theirs)
    assert not list(ours.state_dict())
    x = np.abs(np.random.default_rng(0).standard_normal((2, 3, 7, 6)))
    if "1d" in type(ours).__name__:
        x = x[0]
    check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x), [x])


def test_max_unpool_layers_match_torch():
    torch = require_torch()
    for nd, shape in ((1, (2, 3, 9)), (2, (2, 3, 7, 6))):
        pool = [getattr(m.nn, f"MaxPool{nd}d")(2, stride=2, return_indices=True) for m in (tinygrad_rnn, torch)]
        unpool = [getattr(m.nn, f"MaxUnpool{nd}d")(2) for m in (tinygrad_rnn, torch)]
        assert repr(unpool[0]) == repr(unpool[1])

        def run(m, x, pool=pool, unpool=unpool, shape=shape):
            k = 0 if m is tinygrad_rnn else 1
            return unpool[k](*pool[k](x), output_size=shape)
        check_parity(run, shapes=[shape])


ERRORS = [
    lambda m: F(m).max_pool2d(m.zeros(2, 3, 7, 6), 3, padding=2),
    lambda m: F(m).max_pool2d(m.zeros(2, 3, 7, 6), 3, stride=0),
    lambda m: F(m).max_pool2d(m.zeros(2, 3, 7, 6), 3, padding=-1),
    lambda m: F(m).max_pool2d(m.zeros(2, 3, 7, 6), 3, dilation=0),
    lambda m: F(m).max_pool2d(m.zeros(2, 3, 7, 6), 8),
    lambda m: F(m).max_pool2d(m.zeros(7, 6), 3),
    lambda m: F(m).max_pool2d(m.zeros(2, 0, 5, 5), 2),
    lambda m: F(m).max_pool2d(m.zeros(2, 3, 7, 6), (2, 3, 4)),
    lambda m: F(m).max_pool1d(m.zeros(7), 3),
    lambda m: F(m).avg_pool2d(m.zeros(2, 3, 7, 6), 3, padding=2),
    lambda m: F(m).avg_pool2d(m.zeros(2, 3, 7, 6), 8),
    lambda m: F(m).avg_pool2d(m.zeros(7, 6), 3),
    lambda m: F(m).avg_pool2d(m.zeros(2, 3, 7, 6), 3, divisor_override=0),
    lambda m: F(m).avg_pool1d(m.zeros(2, 3, 7, 6), 3),
    lambda m: F(m).adaptive_avg_pool2d(m.zeros(2, 3, 7, 6), (1, 2, 3)),
    lambda m: F(m).adaptive_avg_pool2d(m.zeros(2, 3, 7, 6), (-1, 2)),
    lambda m: F(m).adaptive_avg_pool1d(m.zeros(2, 3, 7, 6), 2),
    lambda m: F(m).adaptive_max_pool1d(m.zeros(2, 3, 7, 6), 2),
    lambda m: F(m).adaptive_max_pool2d(m.zeros(7, 6), 2),
    lambda m: F(m).max_unpool2d(m.zeros(2, 3, 7, 6), m.zeros(2, 3, 7, 6, dtype=m.int64), 2, output_size=(5, 5)),
    lambda m: F(m).max_unpool2d(m.zeros(2, 3, 7, 6), m.zeros(2, 3, 7, 6), 2),
    lambda m: F(m).max_unpool2d(m.zeros(2, 3, 7, 6), m.zeros(2, 3, 7, 5, dtype=m.int64), 2),
]


@pytest.mark.parametrize("call", ERRORS)
def test_pooling_errors_match_torch(call):
    check_error(call)


def test_pooling_passes_gradcheck():
    rng = np.random.default_rng(0)
    x = tinygrad_rnn.tensor(rng.standard_normal((1, 2, 5, 4)), requires_grad=True)
    pool = tinygrad_rnn.nn.functional
    assert gradcheck(lambda t: pool.max_pool2d(t, 2, stride=1, padding=1, ceil_mode=True), (x,))
    assert gradcheck(lambda t: pool.avg_pool2d(t, 3, stride=2, padding=1, count_include_pad=False), (x,))
    assert gradgradcheck(lambda t: pool.avg_pool2d(t, 2, ceil_mode=True), (x,))
    assert gradcheck(lambda t: pool.adaptive_avg_pool2d(t, (3, 3)), (x,))
    assert gradcheck(lambda t: pool.adaptive_max_pool2d(t, (2, 3)), (x,))
    positive = tinygrad_rnn.tensor(rng.uniform(0.5, 2.0, (1, 2, 5, 4)), requires_grad=True)
    assert gradcheck(lambda t: pool.lp_pool2d(t, 3, 2), (positive,))


@pytest.mark.parametrize("name", ["adaptive_max_pool2d", "adaptive_avg_pool2d"])
def test_adaptive_pooling_refuses_integers_as_torch(name):
    check_error(lambda m: getattr(F(m), name)(m.ones(1, 2, 4, 4, dtype=m.int64), 2))


CASES_3D = {
    "max3d": lambda m, x: F(m).max_pool3d(x, 2, stride=(1, 2, 2), padding=1, ceil_mode=True, return_indices=True),
    "max3d-dilated-unbatched": lambda m, x: F(m).max_pool3d(x[0], (2, 2, 1), dilation=(1, 2, 1)),
    "avg3d": lambda m, x: F(m).avg_pool3d(x, 2, stride=1, padding=1, count_include_pad=False, ceil_mode=True),
    "avg3d-divisor": lambda m, x: F(m).avg_pool3d(x, (2, 3, 2), divisor_override=3),
    "adaptive-avg3d": lambda m, x: F(m).adaptive_avg_pool3d(x, (2, None, 3)),
    "adaptive-max3d": lambda m, x: F(m).adaptive_max_pool3d(x, (2, 3, 3), return_indices=True),
    "lp3d": lambda m, x: F(m).lp_pool3d(x.abs(), 2, 2),
    "unpool3d": lambda m, x: F(m).max_unpool3d(*F(m).max_pool3d(x, 2, return_indices=True), 2, output_size=(3, 4, 5)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", sorted(CASES_3D))
def test_3d_pooling_matches_torch(case, dtype):
    check_parity(CASES_3D[case], shapes=[(2, 2, 3, 4, 5)], dtype=dtype)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.MaxPool3d(2, stride=1, return_indices=True), lambda m: m.nn.AvgPool3d((1, 2, 2), padding=(0, 1, 1)),
    lambda m: m.nn.AdaptiveAvgPool3d(2), lambda m: m.nn.AdaptiveMaxPool3d((1, 2, 3)), lambda m: m.nn.LPPool3d(2, 2),
])
def test_3d_pooling_layers_match_torch(make):
    ours, theirs = make(tinygrad_rnn), make(require_torch())
    assert repr(ours) == repr(theirs)
    check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x.abs()), shapes=[(2, 2, 3, 4, 5)])


@pytest.mark.parametrize("call", [
    lambda m: F(m).max_pool3d(m.zeros(2, 3), 2),
    lambda m: F(m).max_pool3d(m.zeros(2, 3, 4, 4, 4), (2, 2)),
    lambda m: F(m).adaptive_max_pool3d(m.zeros(3, 4), 2),
    lambda m: F(m).avg_pool3d(m.zeros(3, 4), 2),
    lambda m: F(m).max_pool3d(m.zeros(2, 3, 4, 4, 4), 2, dilation=0),
])
def test_3d_pooling_errors_match_torch(call):
    check_error(call)


UNBATCHED_POOLS = [("avg_pool1d", (3, 6), (2,)), ("avg_pool1d", (2, 3, 6), (3,)), ("avg_pool2d", (3, 4, 6), ((2, 2),)), ("avg_pool2d", (2, 3, 4, 6), (2,)),
                   ("avg_pool3d", (3, 4, 4, 4), (2,)), ("max_pool1d", (3, 6), (2,)), ("max_pool2d", (3, 4, 6), (2,)),
                   ("max_pool2d", (2, 3, 4, 6), (2,)), ("max_pool3d", (3, 4, 4, 4), (2,)),
                   ("max_pool3d", (1, 3, 4, 4, 4), (2,)), ("adaptive_max_pool1d", (3, 6), (2,)),
                   ("adaptive_max_pool2d", (3, 4, 6), ((2, 3),)), ("adaptive_max_pool2d", (2, 3, 4, 6), (2,)),
                   ("adaptive_max_pool3d", (3, 4, 4, 4), (2,)), ("adaptive_avg_pool2d", (3, 4, 6), ((2, 3),))]


@pytest.mark.parametrize("name,shape,args", UNBATCHED_POOLS, ids=[f"{n}-{len(s)}d" for n, s, _ in UNBATCHED_POOLS])
def test_pool_result_is_named_and_viewed_as_torchs(name, shape, args):
    """FastText's F.avg_pool2d over a (batch, len, emb) tensor (an unbatched 2-d pool) showed SqueezeBackward1;
    torch's 2-d and 3-d kernels return a tensor of their own (no view), so a relu_ after it records ReluBackward0."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.randn(*shape, requires_grad=True)
        y = getattr(m.nn.functional, name)(x, *args)
        first = (y.grad_fn.name(), y._is_view())
        y.relu_()
        seen.append((first, y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("nd,shape", [(1, (3, 6)), (2, (3, 4, 6)), (2, (2, 3, 4, 6))])
def test_max_pool_indices_and_unpool_are_viewed_as_torchs(nd, shape):
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        F = m.nn.functional
        y, i = getattr(F, f"max_pool{nd}d")(m.randn(*shape, requires_grad=True), 2, return_indices=True)
        u = getattr(F, f"max_unpool{nd}d")(y, i, 2)
        seen.append((i._is_view(), u._is_view(), u.grad_fn.name()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("dtype", ["int64", "float16"])
@pytest.mark.parametrize("name,shape", [("avg_pool1d", (3, 4)), ("avg_pool1d", (2, 3, 4)), ("avg_pool2d", (3, 4, 4)),
                                        ("avg_pool2d", (2, 3, 4, 4))])
def test_average_pool_of_int64_and_half_is_named_and_viewed_as_torchs(name, shape, dtype):
    """The half path computed in float32 and showed ToCopyBackward0; the int64 one kept the unbatched view."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = (m.arange(float(np.prod(shape))).view(shape) - 5).to(getattr(m, dtype))
        if dtype == "float16":
            x.requires_grad_()
        y = getattr(m.nn.functional, name)(x, 2)
        seen.append((y.tolist(), y.dtype == getattr(m, dtype), y._is_view(), y.grad_fn and y.grad_fn.name()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("call", [lambda F, m: F.max_pool1d(m.randn(2, 3, 4), 5, return_indices=True),
                                  lambda F, m: F.avg_pool1d(m.randn(3, 4), 5),
                                  lambda F, m: F.max_pool1d(m.randn(2, 3, 4), 3, stride=1, dilation=2, return_indices=True),
                                  lambda F, m: F.avg_pool2d(m.randn(2, 3, 4), (5, 1))])
def test_a_window_longer_than_the_sentence_is_reported_as_torch(call):
    """A CNN's pool over a sentence shorter than its window: torch pools 1-d as 2-d, so its sizes show a height of 1."""
    check_error(lambda m: call(m.nn.functional, m))


POOL_CHECK_ORDER = {  # torch checks a pool's settings before the input's sizes (but after its rank)
    "max_pool2d: padding, then an empty channel dim": lambda m: m.nn.functional.max_pool2d(m.ones(0, 1, 49), 2,
                                                                                             padding=-1),
    "max_pool2d: padding over half the kernel": lambda m: m.nn.functional.max_pool2d(m.ones(0, 1, 49), 2, padding=4),
    "max_pool2d with indices": lambda m: m.nn.functional.max_pool2d(m.ones(0, 1, 49), 2, padding=-1,
                                                                    return_indices=True),
    "max_pool2d: zero kernel, so zero stride": lambda m: m.nn.functional.max_pool2d(m.ones(0, 1, 49), 0),
    "max_pool2d: the rank first": lambda m: m.nn.functional.max_pool2d(m.ones(1, 2, 3, 4, 5), 2, padding=-1),
    "avg_pool2d": lambda m: m.nn.functional.avg_pool2d(m.ones(0, 1, 49), 2, padding=-1),
    "avg_pool1d": lambda m: m.nn.functional.avg_pool1d(m.ones(0, 1), 2, padding=-1),
    "max_pool3d": lambda m: m.nn.functional.max_pool3d(m.ones(0, 1, 2, 10), 2, padding=-1),
    "max_pool3d of an empty depth": lambda m: m.nn.functional.max_pool3d(m.ones(2, 1, 0, 1, 2), 1),
    "avg_pool3d of an empty depth": lambda m: m.nn.functional.avg_pool3d(m.ones(2, 1, 0, 1, 2), 1),
    "max_pool3d of an empty unbatched channel": lambda m: m.nn.functional.max_pool3d(m.ones(0, 1, 2, 10), 1),
}


@pytest.mark.parametrize("call", POOL_CHECK_ORDER.values(), ids=POOL_CHECK_ORDER.keys())
def test_pool_errors_come_in_torchs_order(call):
    check_error(call)


@pytest.mark.parametrize("shape, pool", [((3, 3, 3, 3, 2), "AdaptiveAvgPool3d(0)"), ((2, 3, 4), "AdaptiveAvgPool2d(0)"),
                                         ((2, 3, 4), "AdaptiveAvgPool1d(0)"), ((2, 3, 4, 5), "AdaptiveAvgPool2d((0, 2))"),
                                         ((0, 3, 4, 5), "AdaptiveAvgPool2d((2, 2))")])
def test_adaptive_average_pool_to_no_outputs_as_torch(shape, pool):
    """An empty output is computed; its gradient is refused, as torch's kernel refuses it."""
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        x = m.ones(shape, requires_grad=True)
        out = eval(f"m.nn.{pool}")(x)  # noqa: S307 - the module's spelling, as a user writes it
        try:
            out.sum().backward()
            outcomes.append((tuple(out.shape), tuple(x.grad.shape)))
        except RuntimeError as error:
            outcomes.append((tuple(out.shape), str(error)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("pool, shape, size", [("adaptive_avg_pool1d", (3, 3, 4), 0), ("adaptive_avg_pool2d", (3, 3, 4), (0, 2)),
                                               ("adaptive_avg_pool3d", (1, 3, 3, 4), (0, 1, 1)),
                                               ("adaptive_avg_pool1d", (3, 4), 0)])
def test_adaptive_average_pool_functions_to_no_outputs_as_torch(pool, shape, size):
    """An empty output, as torch's (our window layout failed on reshape(0, -1)), whose backward torch refuses."""
    torch = require_torch()
    outputs = [getattr(m.nn.functional, pool)(m.ones(shape), size) for m in (tinygrad_rnn, torch)]
    assert tuple(outputs[0].shape) == tuple(outputs[1].shape) and str(outputs[0].dtype) == str(outputs[1].dtype)
    check_error(lambda m: getattr(m.nn.functional, pool)(m.ones(shape, requires_grad=True), size).sum().backward())


def test_adaptive_pool_of_a_numpy_scalar_size_names_its_type_as_torch():
    check_error(lambda m: m.nn.functional.adaptive_avg_pool2d(m.ones(1, 1, 4, 4), np.float64(2)))


POOL_ARGUMENT_ORDER = {  # found by the conv_pool_args fuzz family
    "lp_pool1d multiplies by a tuple kernel_size": lambda m: m.nn.functional.lp_pool1d(m.ones(1, 3), 1, (1,)),
    "lp_pool2d takes the power first": lambda m: m.nn.functional.lp_pool2d(m.ones(1, 2, 2, dtype=m.int64), -1, None),
    "avg_pool2d: divisor before dims": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 0), (2, 3), divisor_override=0),
    "avg_pool2d: kernel length before dims": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 0), (2, 3, 4)),
    "avg_pool2d: stride length before dims": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 2), 2, stride=(1, 2, 3)),
    "a negative stride whose windows fit": lambda m: m.nn.functional.avg_pool1d(m.ones(2, 4, 1), 1, stride=-1),
    "a negative stride, 2-d": lambda m: m.nn.functional.max_pool2d(m.ones(2, 4, 3), 1, stride=(1, -2)),
}


@pytest.mark.parametrize("case", list(POOL_ARGUMENT_ORDER))
def test_pool_arguments_fail_in_torchs_order(case):
    check_error(POOL_ARGUMENT_ORDER[case])


@pytest.mark.parametrize("nd, shape, size", [(1, (2, 3), 0), (2, (2, 1, 1), (1, 0)), (2, (0, 2, 1, 1), (2, 0)),
                                             (3, (2, 1, 1, 1), 0)])
def test_adaptive_max_pool_to_an_empty_output_fails_in_backward(nd, shape, size):
    """The empty output is computed; its backward, as torch's, refuses a gradient with an empty non-batch dim."""
    def pool_then_backward(m):
        x = m.ones(shape, dtype=m.float64, requires_grad=True)
        getattr(m.nn.functional, f"adaptive_max_pool{nd}d")(x, size).sum().backward()
    check_error(pool_then_backward)

"""F.normalize, F.pdist, F.gumbel_softmax and F.channel_shuffle (and torch.pdist, torch.channel_shuffle)
against torch: values, float64 gradients, torch's numbers for the same seed, torch's errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck


@pytest.mark.parametrize(("p", "dim"), [(2.0, 1), (1.0, 0), (3.0, -1), (float("inf"), 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize(p, dim, dtype):
    check_parity(lambda m, x: m.nn.functional.normalize(x, p, dim), shapes=[(3, 4, 2)], dtype=dtype)


def test_normalize_of_a_zero_vector_is_zero_with_eps():
    x = np.zeros((2, 3))
    x[1] = [1.0, 2.0, 2.0]
    check_parity(lambda m, t: m.nn.functional.normalize(t, dim=1), [x])


def test_normalize_out():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((3, 4))
    ours, theirs = tinygrad_rnn.empty(3, 4, dtype=tinygrad_rnn.float64), torch.empty(3, 4, dtype=torch.float64)
    assert tinygrad_rnn.nn.functional.normalize(tinygrad_rnn.tensor(x), out=ours) is ours
    torch.nn.functional.normalize(torch.tensor(x), out=theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    check_error(lambda m: m.nn.functional.normalize(m.ones(2, 2, requires_grad=True), out=m.empty(2, 2)))


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.0, 0.5, float("inf")])
def test_pdist_with_equal_rows(p):
    x = np.random.default_rng(1).standard_normal((5, 3))
    x[3] = x[1]  # a zero distance: torch's gradient there is 0, not NaN
    check_parity(lambda m, t: m.nn.functional.pdist(t, p), [x])
    check_parity(lambda m, t: m.pdist(t, p), [x])


def test_pdist_float32_and_gradcheck():
    check_parity(lambda m, t: m.nn.functional.pdist(t), shapes=[(6, 4)], dtype=np.float32)
    x = tinygrad_rnn.tensor(np.random.default_rng(2).standard_normal((4, 3)), requires_grad=True)
    assert gradcheck(lambda t: tinygrad_rnn.nn.functional.pdist(t, 3.0), (x,))
    y = tinygrad_rnn.nn.functional.pdist(x)
    assert y.grad_fn.name() == "PdistBackward0"


@pytest.mark.parametrize("call", [lambda m: m.nn.functional.pdist(m.ones(2, 3, 4)),
                                  lambda m: m.nn.functional.pdist(m.ones(3, 4), -1.0)])
def test_pdist_errors(call):
    check_error(call)


@pytest.mark.parametrize(("shape", "groups"), [((2, 6, 3), 3), ((1, 4, 2, 2), 2), ((2, 6), 2), ((1, 6, 1, 2, 2), 6)])
def test_channel_shuffle(shape, groups):
    require_torch()
    if len(shape) <= 2:
        check_error(lambda m: m.nn.functional.channel_shuffle(m.ones(*shape), groups))
        return
    check_parity(lambda m, x: m.nn.functional.channel_shuffle(x, groups), shapes=[shape])
    check_parity(lambda m, x: m.channel_shuffle(x, groups), shapes=[shape])
    out = tinygrad_rnn.channel_shuffle(tinygrad_rnn.ones(*shape, requires_grad=True), groups)
    assert out.grad_fn.name() == "ChannelShuffleBackward0"


@pytest.mark.parametrize("groups", [4, 0, -2])
def test_channel_shuffle_errors(groups):
    check_error(lambda m: m.nn.functional.channel_shuffle(m.ones(2, 6, 3), groups))


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize(("tau", "dim"), [(1.0, -1), (0.5, 0)])
def test_gumbel_softmax_same_seed_same_numbers_and_gradients(hard, tau, dim):
    torch = require_torch()
    logits = np.random.default_rng(3).standard_normal((4, 5))
    upstream = np.random.default_rng(4).standard_normal((4, 5))
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(7)
        x = m.tensor(logits, requires_grad=True)
        y = m.nn.functional.gumbel_softmax(x, tau=tau, hard=hard, dim=dim)
        y.backward(m.tensor(upstream))
        results.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-12)


def test_gumbel_softmax_float32_keeps_float32():
    y = tinygrad_rnn.nn.functional.gumbel_softmax(tinygrad_rnn.zeros(2, 3))
    assert y.dtype == tinygrad_rnn.float32


def test_gumbel_softmax_eps_is_deprecated():
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated") as caught:
        tinygrad_rnn.nn.functional.gumbel_softmax(tinygrad_rnn.zeros(2, 3), eps=1e-5)
    assert caught[0].filename == __file__  # the caller's line, as torch's, not our wrapper's


@pytest.mark.parametrize(("p", "mode"), [(2.0, "use_mm_for_euclid_dist_if_necessary"), (1.0, "use_mm_for_euclid_dist"),
                                         (3.0, "donot_use_mm_for_euclid_dist"), (0.0, None), (float("inf"), None),
                                         (0.5, None), (2.0, "use_mm_for_euclid_dist")])
@pytest.mark.parametrize(("shape1", "shape2"), [((3, 4), (5, 4)), ((2, 3, 4), (1, 5, 4)), ((30, 3), (4, 3))])
def test_cdist(p, mode, shape1, shape2):
    kwargs = {} if mode is None else {"compute_mode": mode}
    check_parity(lambda m, a, b: m.cdist(a, b, p, **kwargs), shapes=[shape1, shape2])


def test_cdist_float32_and_equal_rows():
    check_parity(lambda m, a, b: m.cdist(a, b), shapes=[(4, 3), (6, 3)], dtype=np.float32)
    x = np.random.default_rng(5).standard_normal((4, 3))
    check_parity(lambda m, a, b: m.cdist(a, b, 2.0, "donot_use_mm_for_euclid_dist"), [x, x[[1, 0]].copy()])
    a = tinygrad_rnn.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: tinygrad_rnn.cdist(t, tinygrad_rnn.tensor(x[:2] + 0.5), 1.5), (a,))


@pytest.mark.parametrize("call", [
    lambda m: m.cdist(m.ones(3), m.ones(3)), lambda m: m.cdist(m.ones(3, 4), m.ones(3, 5)),
    lambda m: m.cdist(m.ones(3, 4), m.ones(3, 4), -1.0), lambda m: m.cdist(m.ones(3, 4), m.ones(3, 4), compute_mode="x"),
    lambda m: m.cdist(m.ones(3, 4, dtype=m.int64), m.ones(3, 4, dtype=m.int64)),
    # mixed float dtypes: torch's kernel reads x2 as x1's type; half has no kernel (checked first)
    lambda m: m.cdist(m.ones(3, 4, dtype=m.float64), m.ones(2, 4)),
    lambda m: m.cdist(m.ones(3, 4), m.ones(2, 4, dtype=m.float64), 1.0),
    lambda m: m.cdist(m.ones(3, 4, dtype=m.float16), m.ones(2, 4)),
    lambda m: m.cdist(m.ones(3, 4), m.ones(2, 4, dtype=m.float16)),
    lambda m: m.cdist(m.ones(30, 4, dtype=m.float64), m.ones(2, 4)),  # the matrix product's error
])
def test_cdist_errors(call):
    check_error(call)


@pytest.mark.parametrize("shapes", [((0, 3), (4, 3)), ((2, 3), (0, 3)), ((2, 0), (4, 0))])
def test_cdist_of_nothing_is_in_x1s_dtype(shapes):
    torch = require_torch()
    dtypes = [m.cdist(m.ones(shapes[0]), m.ones(shapes[1], dtype=m.float64)).dtype for m in (tinygrad_rnn, torch)]
    assert str(dtypes[0]) == str(dtypes[1])

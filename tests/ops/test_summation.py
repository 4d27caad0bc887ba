"""float sums and means add up in torch's order (ops/summation.py), so they round as torch's do."""
import numpy as np
import pytest
from helpers import both_on_threads, require_torch

import tinygrad_rnn
from tinygrad_rnn.ops.summation import torch_order_sum

CASES = [((5,), None), ((9,), None), ((100,), None), ((3000,), None), ((4, 7), 1), ((4, 7), 0), ((4, 7), (0, 1)),
         ((6, 33), -1), ((33, 6), 0), ((33, 40), 0), ((5, 70, 3), 1), ((5, 70, 9), 1), ((2, 3, 50), (1, 2)),
         ((50, 3, 2), (0, 1)), ((2, 3, 4, 5), 1), ((1000, 100), 1), ((1000, 100), 0), ((7, 1), 0), ((64, 5), None),
         ((17,), None), ((31,), None), ((600,), None), ((1, 30), 1), ((3, 2, 5), None),
         # sums over dims that summation._run_plan writes out: columns in order and by 4 partials, rows of
         # each length class (shorter than a vector, partials empty, partials of up to 15)
         ((5, 3, 2), 0), ((9, 40), 0), ((15, 7), 0), ((3, 5), 0), ((3, 100), 1), ((4, 300), 1), ((3, 6), 1),
         ((2, 3, 4, 5), (1, 2)), ((3, 2, 5), (0, 1)), ((6, 5, 1), 1)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("shape", "dim"), CASES)
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_sum_and_mean_are_torchs_bit_for_bit(reduction, shape, dim, dtype):
    torch = require_torch()
    x = np.random.default_rng(len(shape) * 100 + shape[0]).standard_normal(shape).astype(dtype) * 10
    kwargs = {} if dim is None else {"dim": dim, "keepdim": True}
    ours = getattr(tinygrad_rnn.tensor(x), reduction)(**kwargs)
    theirs = getattr(torch.tensor(x), reduction)(**kwargs)
    assert ours.shape == theirs.shape and ours.dtype.itemsize == theirs.dtype.itemsize
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_whole_sums_of_every_small_length_are_torchs_bit_for_bit(dtype):
    # a loss's x.sum() of up to a few hundred elements takes the in-order shortcut of _lane_sums:
    # every length up to 600 covers each count of vectors, partial sizes 0 to 15 and leftovers
    torch = require_torch()
    rng = np.random.default_rng(11)
    for n in range(1, 601):
        x = (rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)).astype(dtype)
        ours, theirs = tinygrad_rnn.tensor(x).sum().numpy(), torch.tensor(x).sum().numpy()
        assert ours.tobytes() == theirs.tobytes(), n


def test_a_softmax_written_by_hand_sums_to_one_as_torchs():
    # the LLM-from-scratch book's naive softmax: numpy's pairwise order gave 1.0000001, torch's prints tensor(1.)
    torch = require_torch()
    inputs = [[0.43, 0.15, 0.89], [0.55, 0.87, 0.66], [0.57, 0.85, 0.64], [0.22, 0.58, 0.33], [0.77, 0.25, 0.10],
              [0.05, 0.80, 0.55]]
    printed = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(inputs)
        e = m.exp(x @ x[1])
        printed.append(repr((e / e.sum(dim=0)).sum()))
    assert printed[0] == printed[1]


def test_signed_zeros_infinities_and_nan_as_torch_without_warnings():
    torch = require_torch()
    for values in ([-0.0], [-0.0] * 9, [np.inf, -np.inf], [np.nan, 1.0], [3e38] * 10):
        x = np.array(values, np.float32)
        with np.errstate(all="raise"):
            ours = tinygrad_rnn.tensor(x).sum().numpy()
        theirs = torch.tensor(x).sum().numpy()
        assert ours.tobytes() == theirs.tobytes() or np.isnan(ours) and np.isnan(theirs)


def test_orders_it_does_not_know_are_left_to_numpy():
    x = np.ones((4, 5, 6), np.float32)
    assert torch_order_sum(x, (0, 2)) is None  # not one run of dims
    assert torch_order_sum(x.transpose(2, 1, 0), (0,)) is None  # not contiguous
    assert torch_order_sum(np.ones(40000, np.float32), (0,)) is None  # a whole sum torch splits between threads
    assert torch_order_sum(np.ones(5, np.float16), (0,)) is None


@pytest.mark.parametrize(("shape", "dim"), [((6,), None), ((64, 5), -1), ((8, 16), -1), ((16, 8), 0), ((4, 50, 3), 1),
                                            ((5000,), None)])
@pytest.mark.parametrize("reduction", ["var", "std"])
def test_float32_var_and_std_are_torchs_bit_for_bit(reduction, shape, dim):
    # torch accumulates them in double and rounds once (the square root too): float32 sums of squares
    # differed from it in about half of all results
    torch = require_torch()
    x = (np.random.default_rng(shape[0]).standard_normal(shape) * 3 + 1).astype(np.float32)
    kwargs = {} if dim is None else {"dim": dim}
    ours = getattr(tinygrad_rnn.tensor(x), reduction)(**kwargs)
    theirs = getattr(torch.tensor(x), reduction)(**kwargs)
    assert ours.dtype == tinygrad_rnn.float32
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("x_shape", "b_shape"), [((37, 3), (3,)), ((37, 3), (1, 3)), ((5, 9, 4), (4,)), ((10, 1), (1,)),
                                                  ((6, 40), (6, 1))])
def test_a_broadcast_gradient_is_summed_in_torchs_order(x_shape, b_shape, dtype):
    """The engine sums a gradient back over broadcast dims (a bias added by hand) as torch's sum_to does."""
    torch = require_torch()
    g = np.random.default_rng(3).standard_normal(x_shape).astype(dtype)
    grads = []
    for lib in (torch, tinygrad_rnn):
        b = lib.zeros(b_shape, dtype=getattr(lib, dtype), requires_grad=True)
        (lib.zeros(x_shape, dtype=getattr(lib, dtype)) + b).backward(lib.tensor(g))
        grads.append(b.grad.numpy())
    assert grads[0].dtype == grads[1].dtype and np.array_equal(grads[0], grads[1])


@pytest.mark.parametrize("create_graph", [False, True])
def test_the_gradient_of_a_sum_is_a_broadcast_view_as_torchs(create_graph):
    # Sum's backward makes it without a graph node in a plain backward (reduce.spread_gradient): still
    # torch's tensor, a stride-0 view that refuses in-place writes, seen alike by autograd.grad and hooks
    torch = require_torch()
    seen = []
    for lib in (tinygrad_rnn, torch):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        y = x * 2
        hooked = []
        y.register_hook(hooked.append)
        y.sum().backward(create_graph=create_graph)
        (g,) = lib.autograd.grad(x.sum(), x, create_graph=create_graph)
        for got in (hooked[0], g):
            with pytest.raises(RuntimeError) as error:
                got.add_(1)
            seen.append((got._base is not None, got.stride(), got.tolist(), str(error.value)))
    assert seen[:2] == seen[2:]


@pytest.mark.parametrize("n", [1, 6, 30, 120, 300, 1000])
def test_a_whole_sum_owns_its_one_element_storage_as_torchs(n):
    # whole_sum adds through a gathered matrix and an accumulate: its 0-d result must not be a view
    # into them (the storage would show their bytes and an offset)
    torch = require_torch()
    x = np.arange(n, dtype=np.float32)
    ours, theirs = tinygrad_rnn.tensor(x).sum(), torch.tensor(x).sum()
    assert (ours.untyped_storage().nbytes(), ours.storage_offset()) == (theirs.untyped_storage().nbytes(), 0)


def test_sums_over_dims_overflow_and_cancel_without_warnings_as_torch():
    torch = require_torch()
    x = np.array([[3e38] * 10, [np.inf, -np.inf] * 5, [1.0] * 10], np.float32)
    for dim in (0, 1):
        with np.errstate(all="raise"):
            ours = tinygrad_rnn.tensor(x).sum(dim).numpy()
        theirs = torch.tensor(x).sum(dim).numpy()
        np.testing.assert_array_equal(ours, theirs)


def test_logsumexp_adds_its_exps_in_torchs_order():
    """The log-normaliser of an already normalised row (Categorical's logits, the CS182 sampling program) is
    rounding noise, so it shows the order of the sum: numpy's printed 5.9605e-08 where torch's gave 1.7881e-07,
    and 1 in 6 float32 results was an ulp off torch's. What remains differs where torch's exp or log rounds
    away from the nearest float (about 1 element in 100)."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    row = (rng.standard_normal(20) * 3).astype(np.float32)
    printed = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(row)
        printed.append(repr((t - t.logsumexp(-1, keepdim=True)).logsumexp(-1)))
    assert printed[0] == printed[1]
    for shape, dim in [((200, 33), 1), ((33, 200), 0), ((40, 5, 6), (1, 2))]:
        x = (rng.standard_normal(shape) * 3).astype(np.float32)
        ours, theirs = tinygrad_rnn.tensor(x).logsumexp(dim).numpy(), torch.tensor(x).logsumexp(dim).numpy()
        assert np.mean(ours != theirs) < 0.03, shape
        np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=0)


# vector norms add up in their own orders (see summation.norm2_squares_sum): 2-norms over trailing dims by
# torch's 8-lane kernel (tails of every length mod 8), other orders and layouts one term after another
NORM_CASES = [((3,), None, 2), ((7,), None, 2), ((8,), None, 2), ((13,), -1, 2), ((5, 15), -1, 2), ((4, 300), 1, 2),
              ((3, 4, 37), (1, 2), 2), ((6, 9), 0, 2), ((4, 5, 6), (0, 1), 2), ((700,), None, 1), ((6, 9), 0, 1),
              ((5, 40, 3), 1, 3), ((3, 50), -1, 0.5), ((2, 3, 4), None, 1.5)]


@pytest.mark.parametrize(("shape", "dim", "p"), NORM_CASES)
def test_vector_norms_are_torchs_bit_for_bit(shape, dim, p):
    torch = require_torch()
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    ours = tinygrad_rnn.linalg.vector_norm(tinygrad_rnn.tensor(x), p, dim=dim)
    theirs = torch.linalg.vector_norm(torch.tensor(x), p, dim=dim)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("threads", [1, 2])
def test_a_long_norm_is_split_between_threads_as_torchs(threads):
    torch = require_torch()
    x = np.random.default_rng(4).standard_normal(40000).astype(np.float32)
    with both_on_threads(torch, threads):
        for p in (1, 3):
            ours = tinygrad_rnn.linalg.vector_norm(tinygrad_rnn.tensor(x), p)
            np.testing.assert_array_equal(ours.numpy(), torch.linalg.vector_norm(torch.tensor(x), p).numpy())


@pytest.mark.parametrize(("shape", "dim"), [((6, 10), -1), ((6, 10), 0), ((3, 4, 5), (0, 2))])
def test_var_mean_means_are_torchs_bit_for_bit(shape, dim):
    torch = require_torch()
    x = (np.random.default_rng(2).standard_normal(shape) * 3 + 5).astype(np.float32)
    for name in ("var_mean", "std_mean"):
        ours = getattr(tinygrad_rnn, name)(tinygrad_rnn.tensor(x), dim)
        theirs = getattr(torch, name)(torch.tensor(x), dim)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a.numpy(), b.numpy())

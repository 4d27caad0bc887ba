"""The indexing family beyond what the op database checks from the samples (tests/ops/test_op_db.py):
index_put (its indices come in a tuple), torch's errors for bad input, integer dtypes, and the
in-place spellings."""
from __future__ import annotations

import collections
import decimal
import fractions
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
S = RNG.standard_normal((2, 4))


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize(("indices", "values_shape"), [
    ((np.array([2, 0]),), (2, 4)),
    ((np.array([1, 1, -1]), np.array([0, 0, 3])), (3,)),
    ((np.array([2, 0]), np.array([1, 1])), ()),
    ((np.array([[0], [2]]), np.array([1, 3])), (2, 2)),
])
def test_index_put_values_and_gradients_match_torch(indices, values_shape, accumulate):
    values = RNG.standard_normal(values_shape)
    check_parity(lambda m, x, v: m.index_put(x, tuple(m.tensor(i) for i in indices), v, accumulate), [X, values])
    check_parity(lambda m, x, v: x.index_put(tuple(m.tensor(i) for i in indices), v, accumulate=accumulate) * 2,
                 [X, values])


def test_index_put_with_a_bool_mask_and_in_place():
    mask = X > 0
    check_parity(lambda m, x: x.index_put((m.tensor(mask),), m.tensor(0.5, dtype=x.dtype)), [X])
    for m in (tinygrad_rnn, require_torch()):
        x = m.tensor(X)
        assert x.index_put_((m.tensor([0, 2]),), m.tensor(1.0, dtype=x.dtype)) is x
    ours, theirs = tinygrad_rnn.tensor(X), require_torch().tensor(X)
    tinygrad_rnn.index_put_(ours, (tinygrad_rnn.tensor([1]),), tinygrad_rnn.tensor(7.0, dtype=ours.dtype), True)
    require_torch().index_put_(theirs, (require_torch().tensor([1]),), require_torch().tensor(7.0, dtype=theirs.dtype), True)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_scatter_add_reads_only_the_part_of_src_that_index_covers():
    index = np.array([[0, 1, 2, 0]])
    check_parity(lambda m, x, s: m.scatter_add(x, 0, m.tensor(index), s), [X, S], requires_grad=[False, False])
    check_parity(lambda m, x, s: m.scatter_reduce(x, 0, m.tensor(index), s, "amax"), [X, S],
                 requires_grad=[False, False])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_on_integers_matches_torch(reduce, include_self):
    x = RNG.integers(-5, 5, (3, 4))
    src = RNG.integers(-5, 5, (4, 4))
    index = RNG.integers(0, 3, (4, 4))
    check_parity(lambda m, a, s: m.scatter_reduce(a, 0, m.tensor(index), s, reduce, include_self=include_self),
                 [x, src])


def test_scatter_reduce_amax_shares_the_gradient_among_ties():
    x = np.array([1.0, 5.0, 2.0])
    src = np.array([5.0, 5.0, 3.0, 2.0])
    index = np.array([1, 1, 0, 2])
    check_parity(lambda m, a, s: m.scatter_reduce(a, 0, m.tensor(index), s, "amax"), [x, src])
    check_parity(lambda m, a, s: m.scatter_reduce(a, 0, m.tensor(index), s, "amin"), [x, src])


def test_scatter_reduce_without_self_shares_ties_among_the_contributors_only():
    """With include_self=False torch 2.13 still counts an equal self among the ties (its src
    gradients then add up to less than the upstream gradient); here only the values that were
    reduced share it, so the gradients at each position add up to the upstream gradient."""
    a = tinygrad_rnn.tensor([1.0, 5.0, 2.0], requires_grad=True)
    s = tinygrad_rnn.tensor([5.0, 5.0, 3.0, 2.0], requires_grad=True)
    out = tinygrad_rnn.scatter_reduce(a, 0, tinygrad_rnn.tensor([1, 1, 0, 2]), s, "amin", include_self=False)
    out.backward(tinygrad_rnn.tensor([1.0, 10.0, 100.0]))
    assert a.grad.tolist() == [0.0, 0.0, 0.0]
    assert s.grad.tolist() == [5.0, 5.0, 1.0, 100.0]


def test_in_place_variants_write_into_the_tensor():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        index = m.tensor([2, 0])
        x = m.tensor(X)
        assert x.index_add_(0, index, m.tensor(S)) is x
        assert x.index_copy_(1, m.tensor([3]), m.tensor(X[:, :1])) is x
        assert x.index_fill_(1, index, -1.0) is x
        assert x.masked_scatter_(x > 0, m.tensor(X.reshape(-1))) is x
        assert x.put_(m.tensor([0, 11]), m.tensor([9.0, 8.0], dtype=x.dtype)) is x
    ours = tinygrad_rnn.tensor(X).index_add_(0, tinygrad_rnn.tensor([2, 0]), tinygrad_rnn.tensor(S), alpha=2)
    theirs = torch.tensor(X).index_add_(0, torch.tensor([2, 0]), torch.tensor(S), alpha=2)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_masked_select_and_argwhere_of_integer_tensors():
    ints = RNG.integers(-2, 3, (3, 4))
    check_parity(lambda m, a: (m.masked_select(a, a > 0), m.argwhere(a), a.argwhere()), [ints])


BAD_CALLS = {
    "index_add float index": lambda m: m.tensor(X).index_add(0, m.tensor([2.0, 0.0]), m.tensor(S)),
    "index_add dtype": lambda m: m.tensor(X).index_add(0, m.tensor([2, 0]), m.tensor(S).float()),
    "index_add out of range": lambda m: m.tensor(X).index_add(0, m.tensor([5, 0]), m.tensor(S)),
    "index_add count": lambda m: m.tensor(X).index_add(0, m.tensor([2, 0]), m.tensor(X)),
    "index_add dim": lambda m: m.tensor(X).index_add(2, m.tensor([2, 0]), m.tensor(S)),
    "index_add matrix index": lambda m: m.tensor(X).index_add(0, m.tensor([[2], [0]]), m.tensor(S)),
    "index_copy out of range": lambda m: m.tensor(X).index_copy(0, m.tensor([-1, 0]), m.tensor(S)),
    "index_copy dtype": lambda m: m.tensor(X).index_copy(0, m.tensor([2, 0]), m.tensor(S).float()),
    "index_copy count": lambda m: m.tensor(X).index_copy(0, m.tensor([2, 0]), m.tensor(X)),
    "index_fill out of range": lambda m: m.tensor(X).index_fill(0, m.tensor([5]), 1.0),
    "index_fill vector value": lambda m: m.tensor(X).index_fill(0, m.tensor([1]), m.tensor([1.0, 2.0])),
    "index_put dtype": lambda m: m.tensor(X).index_put((m.tensor([1]),), m.tensor(S[:1]).float()),
    "index_put shape": lambda m: m.tensor(X).index_put((m.tensor([1]),), m.tensor(S)),
    "index_put out of range": lambda m: m.tensor(X).index_put((m.tensor([7]),), m.tensor(S[0])),
    "index_put float index": lambda m: m.tensor(X).index_put((m.tensor([1.0]),), m.tensor(S[0])),
    "index_reduce sum": lambda m: m.tensor(X).index_reduce(0, m.tensor([2, 0]), m.tensor(S), "sum"),
    "index_reduce out of range": lambda m: m.tensor(X).index_reduce(0, m.tensor([5, 0]), m.tensor(S), "amax"),
    "scatter_add out of range": lambda m: m.tensor(X).scatter_add(0, m.tensor([[5, 0, 0, 0]]), m.tensor(S)),
    "scatter_add negative": lambda m: m.tensor(X).scatter_add(0, m.tensor([[-1, 0, 0, 0]]), m.tensor(S)),
    "scatter_add index dims": lambda m: m.tensor(X).scatter_add(0, m.tensor([2, 0]), m.tensor(S)),
    "scatter_add dtype": lambda m: m.tensor(X).scatter_add(0, m.tensor([[0, 1, 2, 0]]), m.tensor(S).float()),
    "scatter_reduce negative": lambda m: m.tensor(X).scatter_reduce(0, m.tensor([[-1, 0, 0, 0]]), m.tensor(S), "amax"),
    "take out of range": lambda m: m.tensor(X).take(m.tensor([12])),
    "take negative out of range": lambda m: m.tensor(X).take(m.tensor([-13])),
    "take float index": lambda m: m.tensor(X).take(m.tensor([1.0])),
    "take_along_dim flat out of range": lambda m: m.tensor(X).take_along_dim(m.tensor([15])),
    "put out of range": lambda m: m.tensor(X).put(m.tensor([12]), m.tensor([1.0], dtype=m.float64)),
    "put count": lambda m: m.tensor(X).put(m.tensor([1, 2]), m.tensor([1.0], dtype=m.float64)),
    "masked_select int mask": lambda m: m.tensor(X).masked_select(m.tensor([1, 0, 1, 0])),
    "masked_select shapes": lambda m: m.tensor(X).masked_select(m.tensor([True, False])),
    "masked_scatter too few": lambda m: m.tensor(X).masked_scatter(m.tensor(X) > -10, m.tensor([1.0, 2.0], dtype=m.float64)),
    "masked_scatter dtype": lambda m: m.tensor(X).masked_scatter(m.tensor(X) > 0, m.tensor(X).float()),
    "select_scatter shape": lambda m: m.select_scatter(m.tensor(X), m.tensor(S), 0, 1),
    "select_scatter index": lambda m: m.select_scatter(m.tensor(X), m.tensor(S[0]), 0, 5),
    "slice_scatter shape": lambda m: m.slice_scatter(m.tensor(X), m.tensor(S), 0, 0, 3),
    "diagonal_scatter shape": lambda m: m.diagonal_scatter(m.tensor(X), m.tensor(S[0])),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_input_raises_torchs_error(name):
    check_error(BAD_CALLS[name])


@pytest.mark.parametrize(("size", "stride", "offset"), [((2, 2), (1, 2), None), ((3,), (4,), 1), ((2, 3), (0, 1), 2),
                                                        ((0, 2), (1, 1), None)])
def test_as_strided_reads_memory_positions_and_adds_gradients_of_overlaps(size, stride, offset):
    check_parity(lambda m, x: x.as_strided(size, stride, offset), [X])
    check_parity(lambda m, x: m.as_strided(x.t(), size, stride, offset), [X])


VIEWS_IN_A_LARGER_STORAGE = {  # torch reads the storage from the view's offset, not the view's own elements
    "slice": lambda m, x: x.reshape(-1)[2:9].as_strided((3,), (2,)),
    "slice, offset given": lambda m, x: x.reshape(-1)[2:9].as_strided((2, 2), (1, 3), 3),
    "column": lambda m, x: x[:, 1].as_strided((2,), (1,)),
    "rows of a transpose": lambda m, x: x.t()[1:].as_strided((2, 2), (1, 3)),
    "overlapping reads": lambda m, x: x[1:].as_strided((3, 2), (1, 2)),
}


@pytest.mark.parametrize("name", list(VIEWS_IN_A_LARGER_STORAGE))
def test_as_strided_of_a_view_reads_its_storage(name):
    check_parity(lambda m, x: VIEWS_IN_A_LARGER_STORAGE[name](m, x * 1), [X])  # (x * 1: the storage is not a leaf)


def test_as_strided_of_a_view_is_a_view_and_refuses_positions_beyond_its_storage():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(10.0)
        x[2:8].as_strided((2,), (1,))[0] = 100.0
        results.append(x.tolist())
    assert results[0] == results[1]
    check_error(lambda m: m.arange(10.0)[2:8].as_strided((3,), (5,)))


def test_as_strided_scatter_values_match_torch_and_gradients_pass_gradcheck():
    src = RNG.standard_normal((2, 2))
    check_parity(lambda m, x, s: m.as_strided_scatter(x, s, (2, 2), (1, 2)), [X, src], requires_grad=[False, False])
    x = tinygrad_rnn.tensor(X, requires_grad=True)
    s = tinygrad_rnn.tensor(src, requires_grad=True)
    fn = lambda a, b: a.as_strided_scatter(b, (2, 2), (1, 2), 1)  # noqa: E731
    assert tinygrad_rnn.autograd.gradcheck(fn, (x, s)) and tinygrad_rnn.autograd.gradgradcheck(fn, (x, s))
    check_error(lambda m: m.tensor(X).as_strided((2, 2), (1, 2), 11))


# found by the views_and_strides fuzz family: torch's parser refused these before any check of ours ran, and
# torch checks the lengths, then negative strides, the offset and negative sizes, in that order
AS_STRIDED_ARGUMENTS = [((0, "2", 1), [2]), ((2.0,), (1,)), ((2,), (1.0,)), ((2,), (1,), 1.0), ((2, "a"), (1,), 1.0),
                        ((True,), (1,)), (2, 1), ((2,), (1, 2), -1), ((2, -1), (1, -1), -1), ((-1,), (1,), -1),
                        ((-1, 2), (1, 1))]


@pytest.mark.parametrize("args", AS_STRIDED_ARGUMENTS)
def test_as_strided_and_its_scatter_refuse_bad_arguments_as_torch(args):
    check_error(lambda m: m.tensor(X).as_strided(*args))
    check_error(lambda m: m.as_strided(m.tensor(X), *args))
    check_error(lambda m: m.tensor(X).as_strided_scatter(m.zeros(2), *args))
    check_error(lambda m: m.as_strided_scatter(m.tensor(X), m.zeros(2), *args))


def test_storage_offset_of_a_view_made_by_as_strided():
    """numpy's as_strided view owns a DummyArray whose base is the array it views: the offset counts from there."""
    check_parity(lambda m, x: m.tensor([x.diagonal(1).storage_offset(), x.as_strided((2,), (1,), 3).storage_offset(),
                                        x.unfold(1, 2, 1)[1:].storage_offset()]), [X], requires_grad=[False])


def test_as_strided_in_place_and_bincount_with_weights():
    def fn(m, x):
        y = x * 1
        assert y.as_strided_((4,), (3,)) is y
        return y
    check_parity(fn, [X])
    values = np.array([1, 1, 3, 0])
    check_parity(lambda m, v, w: (m.bincount(v, w), v.bincount(w.float(), minlength=6)), [values, np.array([0.5, 1.5, 2.0, 1.0])],
                 requires_grad=[False, False])
    check_error(lambda m: m.bincount(m.tensor([-1])))
    check_error(lambda m: m.bincount(m.tensor([1.0])))


_ORDER_PARTS = [0, -1, slice(None), slice(1, None), None, [0, 1], [[0], [1]], [True, False], Ellipsis, False, True]
_ORDER_KEYS = [key for key in __import__("itertools").product(_ORDER_PARTS, repeat=3)
               if sum(k is Ellipsis for k in key) <= 1]


def _read_and_write(lib, key):
    """x[key] (values, gradient, node name) and z[key] = arange, or the error's type, in one library."""
    x = lib.tensor(np.arange(48.0).reshape(2, 3, 4, 2), requires_grad=True)
    try:
        y = x[key]
    except (IndexError, RuntimeError) as error:
        return type(error).__name__
    y.backward(lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape))
    z = lib.zeros(2, 3, 4, 2, dtype=lib.float64)
    z[key] = lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)
    return tuple(y.shape), y.tolist(), x.grad.tolist(), y.grad_fn.name(), z.tolist()


def test_integers_select_before_index_tensors_as_in_torch():
    """x[0, :, [0, 1]] is (3, 2) in torch, (2, 3) in numpy: torch selects the integer first, then indexes
    that view (the node is IndexBackward0 over a SelectBackward0), for reading and for writing."""
    torch = require_torch()
    different = [key for key in _ORDER_KEYS if _read_and_write(tinygrad_rnn, key) != _read_and_write(torch, key)]
    assert not different, different[:5]


def test_writing_through_integers_and_index_tensors_is_a_write_into_a_view():
    torch = require_torch()
    for lib in (tinygrad_rnn, torch):
        base = lib.zeros(2, 3, 4, requires_grad=True) * 1
        value = lib.arange(6.0).reshape(3, 2).requires_grad_()
        base[0, :, [0, 1]] = value
        assert base.grad_fn.name() == "torch::autograd::CopySlices"
        (base * lib.arange(24.0).reshape(2, 3, 4)).sum().backward()
        assert value.grad.tolist() == [[0.0, 1.0], [4.0, 5.0], [8.0, 9.0]]
    check_error(lambda m: m.zeros(2, 3, 4, requires_grad=True).__setitem__((0, slice(None), [0, 1]), 1.0))


@pytest.mark.parametrize("key", [range(2), (range(1, 3), [0, 1]), range(0), (slice(None), range(0, 4, 2)),
                                 (range(3), range(3))], ids=repr)
def test_a_range_indexes_as_the_list_of_its_numbers(key):
    """'What is torch.nn really?' writes its nll as -input[range(n), target].mean()."""
    check_parity(lambda m, x: x[key], [X])

    def written(m, x):
        y = x * 1
        y[key] = -1.0
        return y
    check_parity(written, [X])


@pytest.mark.parametrize("case", [
    lambda lib: lib.zeros(2, 2).scatter(1, lib.tensor([[0], [1]], dtype=lib.int32), 5.0),
    lambda lib: lib.zeros(2, 2).scatter_add(1, lib.tensor([[0], [1]], dtype=lib.int32), lib.ones(2, 1)),
    lambda lib: lib.zeros(2, 2).scatter_reduce(1, lib.tensor([[0], [1]], dtype=lib.int32), lib.ones(2, 1), "amax"),
    lambda lib: lib.tensor(1.0).scatter_add(0, lib.tensor(0, dtype=lib.int32), lib.tensor(2.0)),
])
def test_scatter_family_takes_an_int32_index_as_torch_2_13(case):
    """torch 2.13's scatter kernels take int32 or int64 indices (index_copy takes int64 only)."""
    torch = require_torch()
    np.testing.assert_array_equal(case(tinygrad_rnn).numpy(), case(torch).numpy())


@pytest.mark.parametrize("case", [
    lambda lib: lib.zeros(2, 2).scatter(1, lib.tensor([[0], [-1]]), 5.0),  # numpy would wrap it to the last column
    lambda lib: lib.zeros(2, 2).scatter(1, lib.tensor([[0], [2]]), lib.ones(2, 1)),
    lambda lib: lib.zeros(2, 2).scatter(1, lib.tensor([[0], [1]], dtype=lib.int16), 5.0),
    lambda lib: lib.zeros(2).index_copy(0, lib.tensor([1], dtype=lib.int32), lib.ones(1)),
    lambda lib: lib.zeros(2).index_copy(0, lib.tensor([[1]]), lib.ones(1)),
    lambda lib: lib.bincount(lib.tensor([2]), minlength=-1),
])
def test_index_checks_as_torch(case):
    check_error(case)


def test_topk_counts_nan_as_the_largest():
    torch = require_torch()
    results = []
    for lib in (torch, tinygrad_rnn):
        x = lib.tensor([[1.0, float("nan"), 3.0, 2.0], [4.0, float("nan"), 0.0, -1.0]])
        results.append([lib.topk(x, 3).indices.tolist(), lib.topk(x, 4, largest=False).indices.tolist(),
                        lib.topk(x, 2, dim=0).indices.tolist()])
    assert results[0] == results[1]


@pytest.mark.parametrize("key", ["i", "i, j", "0, j", "i, :, j", "None, i", "i, ...", "i, 1:", "-i", "i8", "[0, 1], i",
                                 "i, [0, 1]", "i, :, [0, 1]"])
def test_a_0d_integer_tensor_index_is_a_select_as_an_int_is(key):
    """sm_pred[0, y_train[0]] (fast.ai's 04_minibatch_training): torch reads a 0-d integer tensor as the int it
    holds, so the result is a view of x (SelectBackward0, writes reach x), not an IndexBackward0 copy."""
    torch = require_torch()
    seen = []
    for lib in (tinygrad_rnn, torch):
        x = lib.arange(60.0).reshape(3, 4, 5).requires_grad_()
        scope = {"x": x, "i": lib.tensor(1), "j": lib.tensor(2), "i8": lib.tensor(1, dtype=lib.int8)}
        y = eval(f"x[{key}]", scope)
        base = lib.zeros(3, 4, 5)
        eval(f"base[{key}]", {**scope, "base": base}).fill_(1.0)  # a view: the ones land in base
        seen.append((tuple(y.shape), y.tolist(), y.grad_fn.name(), base.tolist()))
    assert seen[0] == seen[1]
    check_error(lambda m: m.arange(4.0)[m.tensor(-5)])


@pytest.mark.parametrize("key", ["1", "t", "slice(0, 2)", "(0, 0)", "None", "[0, 1]", "...", "m"])
def test_the_node_of_a_write_is_named_as_torch_names_it(key):
    """y[1] = 2. on a tensor in the graph: torch's node is CopySlices, whose name() is 'torch::autograd::CopySlices'
    (it printed as CopySlices before), IndexPutBackward0 for index tensors, FillBackward3 for `...`."""
    torch = require_torch()
    names = []
    for lib in (tinygrad_rnn, torch):
        y = lib.ones(3, 3, requires_grad=True) * 1
        y[eval(key, {"t": lib.tensor(1), "m": lib.tensor([True, False, True])})] = 5.0
        names.append((y.grad_fn.name(), type(y.grad_fn).__name__, repr(y).split("grad_fn=")[1]))
    assert names[0] == names[1]


SCATTER_GATHER_SHAPES = {
    "gather: index larger off dim": lambda m: m.gather(m.ones(1, 1), 1, m.zeros(2, 2, dtype=m.long)),
    "gather: index larger on the other dim": lambda m: m.gather(m.ones(3, 1), 0, m.zeros(2, 2, dtype=m.long)),
    "scatter: index larger than src": lambda m: m.ones(3, 5).scatter(0, m.zeros(2, 2, dtype=m.long), m.ones(1, 5)),
    "scatter: index larger than self": lambda m: m.ones(3, 5).scatter(0, m.zeros(2, 6, dtype=m.long), m.ones(2, 6)),
    "scatter a value: index larger than self": lambda m: m.ones(3, 5).scatter(0, m.zeros(2, 6, dtype=m.long), 1.0),
    "scatter: src of another rank": lambda m: m.ones(3, 5).scatter(0, m.zeros(2, 2, dtype=m.long), m.ones(2, 5, 2)),
    "scatter: index of another rank": lambda m: m.ones(3, 5, 3).scatter(0, m.zeros(2, 2, dtype=m.long), m.ones(2, 5)),
    "scatter_add: index larger than src": lambda m: m.ones(3, 5).scatter_add(0, m.zeros(2, 2, dtype=m.long),
                                                                               m.ones(1, 5)),
    "scatter_add: src of another rank": lambda m: m.ones(3, 5).scatter_add(0, m.zeros(2, 2, dtype=m.long),
                                                                            m.ones(2, 5, 2)),
    "scatter_reduce: index larger than src": lambda m: m.ones(3, 5).scatter_reduce(
        0, m.zeros(2, 2, dtype=m.long), m.ones(1, 5), "sum"),
}


@pytest.mark.parametrize("call", SCATTER_GATHER_SHAPES.values(), ids=SCATTER_GATHER_SHAPES.keys())
def test_scatter_and_gather_shapes_are_checked_as_torch(call):
    check_error(call)


def test_scatter_of_a_0d_source_into_a_vector_as_torch():
    check_parity(lambda m, x, s: x.scatter(0, m.tensor([1]), s), [np.ones(3), np.array(5.0)])


SOURCE_SHAPES = [((3, 2), 0, [0, 1], (2,)), ((3, 2), 0, [0, 1], (2, 3)), ((3, 2), 0, [0, 1], (3, 2)),
                 ((3, 2, 4), 1, [0, 1], (3, 2, 5)), ((3, 2, 4), 1, [0, 1], (2, 2, 5)), ((3, 2), 0, [0, 1], ()),
                 ((3, 2), 0, [0], ()), ((3, 2), 1, [0, 1], (3, 2, 1)), ((3, 2), 0, [0, 1], (3, 3)),
                 ((3,), 0, [0], (1, 1)), ((3,), 0, [0, 1], (2,)), ((3, 2), 1, [0], (3, 1)), ((3,), 0, [1], ())]


@pytest.mark.parametrize("op", ["index_add", "index_copy"])
@pytest.mark.parametrize("shape, dim, index, source", SOURCE_SHAPES)
def test_index_add_and_copy_check_source_shapes_as_torch(op, shape, dim, index, source):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        try:
            outcomes.append(getattr(m.ones(*shape), op)(dim, m.tensor(index), m.ones(source)).tolist())
        except (RuntimeError, IndexError) as error:
            outcomes.append(f"{type(error).__name__}: {error}")
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("shape, dim, start, length", [((2, 3, 4), 5, 0, 1), ((2, 3, 4), -4, 0, 1), ((10,), 0, 0, -1),
                                                       ((10,), 0, -3, -1), ((10,), 0, 5, 6), ((10,), 0, -11, 2),
                                                       ((), 0, 0, 1)])
def test_narrow_copy_errors_as_torch(shape, dim, start, length):
    check_error(lambda m: m.narrow_copy(m.ones(shape), dim, start, length))


def test_index_fill_with_a_repeated_index_gives_the_value_each_slice_once():
    # the slice at 3 is filled once: value's gradient counts its gradient once
    check_parity(lambda m, x, v: x.index_fill(1, m.tensor([0, 3, 3, 1]), v), [X, np.array(2.0)])


@pytest.mark.parametrize("reduce", [None, "sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize(("dim", "index_shape"), [(1, (2, 3)), (0, (3, 2))])
def test_scatter_gradients_when_the_index_is_smaller_than_input_on_the_other_dims(reduce, dim, index_shape):
    # index (2, 3) along dim 1 reaches the first 2 of input's 3 rows only: the gradient reads that corner
    index, src = RNG.integers(0, 3, index_shape), RNG.standard_normal(index_shape)
    if reduce is None:
        check_parity(lambda m, x, s: m.scatter_add(x, dim, m.tensor(index), s), [X[:3, :3], src])
    else:
        check_parity(lambda m, x, s: m.scatter_reduce(x, dim, m.tensor(index), s, reduce), [X[:3, :3], src])


def test_gather_with_an_index_smaller_than_input_and_its_gradient():
    check_parity(lambda m, x: m.gather(x, 1, m.tensor([[0, 2], [1, 1]])), [X])


@pytest.mark.parametrize("value", [np.ones(2), np.array(2.0), None, "a", collections.deque([1.0]), {1: 2},
                                   fractions.Fraction(1, 2), decimal.Decimal(1), tinygrad_rnn.Size([1])],
                         ids=["array", "0-d array", "None", "str", "deque", "dict", "Fraction", "Decimal", "Size"])
def test_assigning_a_value_that_is_no_tensor_or_number_names_its_type_as_torch(value):
    """x[0] = np.array(...) is torch's TypeError naming numpy.ndarray (the type as CPython's tp_name gives it),
    where ours said 'ndarray'."""
    torch = require_torch()
    theirs_value = torch.Size([1]) if isinstance(value, tinygrad_rnn.Size) else value

    def assign(m, v):
        x = m.zeros(2, 2)
        x[0] = v
    with pytest.raises(TypeError) as theirs:
        assign(torch, theirs_value)
    with pytest.raises(TypeError) as ours:
        assign(tinygrad_rnn, value)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("key", ["a", "ab", "", "a" * 40, b"a", (b"a",)])
@pytest.mark.parametrize("write", [False, True])
def test_a_str_index_is_a_sequence_of_characters_as_in_torch(key, write):
    """torch reads x['ab'] as the non-tuple sequence x['a', 'b'] (with its deprecation warning), and a str or bytes
    item as data for a tensor (its TypeError); ours refused a str key without the warning."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.ones(4, 4)
        with warnings.catch_warnings(record=True) as caught, pytest.raises(Exception) as raised:
            warnings.simplefilter("always")
            if write:
                x[key] = 1.0
            else:
                x[key]
        seen.append((type(raised.value).__name__, str(raised.value), [str(w.message) for w in caught]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("step", [-1, 0])
def test_a_bad_step_before_a_second_ellipsis_fails_first_as_in_torch(step):
    """x[::-1, ..., ..., None]: torch applies the slice before it finds the index too long (fuzz seed 143)."""
    check_error(lambda m: m.zeros(0, 3, 3, dtype=m.bool)[slice(None, None, step), ..., ..., None])


WRITES = ["t[0] = v", "t[1:] = v", "t[[0, 1]] = v", "t[t > -1] = v", "t[...] = v"]


@pytest.mark.parametrize("value", [np.float32(1.5), np.float16(1.5), np.bool_(True)], ids=repr)
@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_a_numpy_scalar_that_is_not_a_python_number_is_refused_as_torch(write, value, dtype):
    """IBM's labs write numpy values into `model.state_dict()['bias'][0]`: torch refuses np.float32 there."""
    check_error(lambda m: exec(write, {"t": m.zeros(3, dtype=getattr(m, dtype)), "v": value}))


@pytest.mark.parametrize("value", [np.float64(1.5), np.int64(2), np.int8(-2), np.uint8(3), 2.5, True])
@pytest.mark.parametrize("write", WRITES)
def test_numpy_integers_and_python_number_scalars_are_written_as_torch(write, value):
    torch = require_torch()
    written = []
    for m in (tinygrad_rnn, torch):
        t = m.zeros(3)
        exec(write, {"t": t, "v": value})
        written.append(t.tolist())
    assert written[0] == written[1]


L = lambda m, *v, **k: m.tensor(list(v), **k)  # noqa: E731
INDEX_WRITE_CHECK_ORDER = {  # torch checks ranks, dtypes and shapes before an index's values (fuzz, session 16)
    "index_add count before range": lambda m: m.zeros(3).index_add(0, L(m, 5), m.zeros(2)),
    "index_add slices before range": lambda m: m.zeros(2, 3).index_add(1, L(m, 5, 0), m.zeros(3, 2)),
    "index_add empty input checks the count": lambda m: m.zeros(0, 2).index_add(0, L(m, 5), m.zeros(2, 2)),
    "index_add 0d input, 1d source": lambda m: m.zeros(()).index_add(0, L(m, 5), m.zeros(1)),
    "index_add 1d input, 0d source": lambda m: m.zeros(3).index_add(0, L(m, 7), m.zeros(())),
    "index_add last dim adds by scatter": lambda m: m.zeros(1, 3).index_add(1, L(m, 5), m.zeros(1, 1)),
    "index_add middle dim": lambda m: m.zeros(2, 2, 2).index_add(1, L(m, -1), m.zeros(2, 1, 2)),
    "index_add int32 index": lambda m: m.zeros(2, 2).index_add(0, L(m, 5, dtype=m.int32), m.zeros(1, 2)),
    "index_add alpha 2": lambda m: m.zeros(2, 2).index_add(0, L(m, 5), m.zeros(1, 2), alpha=2),
    "index_add alpha True": lambda m: m.zeros(2, 2).index_add(0, L(m, 5), m.zeros(1, 2), alpha=True),
    "index_add index dtype before source dtype": lambda m: m.zeros(2, 2).index_add(0, L(m, 0.5),
                                                                                   m.zeros(1, 2, dtype=m.long)),
    "index_copy dtype before range": lambda m: m.zeros(2).index_copy(0, L(m, -2, 0), L(m, 1, 2)),
    "index_copy count before range": lambda m: m.zeros(2).index_copy(0, L(m, -2, 0), m.zeros(3)),
    "index_copy slices before range": lambda m: m.zeros(2, 3).index_copy(0, L(m, 5, 0), m.zeros(2, 4)),
    "index_copy ranks before dtypes": lambda m: m.zeros(3).index_copy(0, L(m, 7), m.zeros(1, 1, dtype=m.long)),
    "index_copy scalar count before index dtype": lambda m: m.zeros(3).index_copy(0, L(m, 7, 1, dtype=m.int32),
                                                                                  m.zeros(())),
    "index_copy dtypes before count": lambda m: m.zeros(3).index_copy(0, L(m, 7), m.zeros(2, dtype=m.long)),
    "index_copy 0d input, 0d source": lambda m: m.zeros(()).index_copy(0, L(m, 7, 1), m.zeros(())),
    "index_copy 0d input, 2d source": lambda m: m.zeros(()).index_copy(0, L(m, 0), m.zeros(1, 1)),
    "index_put shape before range": lambda m: m.zeros(2, 2).index_put((L(m, 0), L(m, 5)), m.zeros(3)),
    "index_put dtype before range": lambda m: m.zeros(3).index_put((L(m, 5),), m.zeros(1, dtype=m.long),
                                                                   accumulate=True),
    "index_put too many indices": lambda m: m.zeros(2, 3).index_put((L(m, 5), L(m, 0), L(m, 0)), m.zeros(1)),
    "index_put on a 0d tensor": lambda m: m.zeros(()).index_put((L(m, 0),), m.ones(1)),
    "index_put int8 index": lambda m: m.zeros(3).index_put((L(m, 0, dtype=m.int8),), m.ones(1)),
    "index_put mask of another shape": lambda m: m.zeros(2, 3).index_put((L(m, True, False, True),), m.zeros(1)),
    "index_put indices that do not broadcast": lambda m: m.zeros(2, 3).index_put((L(m, 0, 5), L(m, 0, 1, 2)),
                                                                                  m.zeros(1), accumulate=True),
}


@pytest.mark.parametrize("case", INDEX_WRITE_CHECK_ORDER)
def test_index_writes_check_in_torchs_order(case):
    check_error(INDEX_WRITE_CHECK_ORDER[case])


def test_index_put_that_writes_nothing_reads_no_index_value():
    check_parity(lambda m: m.zeros(2, 3).index_put((L(m, dtype=m.long), L(m, 3)), m.ones(1), accumulate=True))


SCATTER_REDUCE_NAMES = {  # torch's kernel takes 'max' and 'min' as amax and amin; its arguments are checked first
    "max": lambda m: m.zeros(2).scatter_reduce(0, m.tensor([0, 0]), m.tensor([1.0, 2.0]), "max", include_self=False),
    "min of integers": lambda m: m.ones(3, dtype=m.long).scatter_reduce(0, m.tensor([0, 2]), m.tensor([-1, 4]), "min"),
    "max of nothing": lambda m: m.zeros(2, 3).scatter_reduce(0, m.zeros(0, 2, dtype=m.long), m.zeros(1, 2), "max"),
}


@pytest.mark.parametrize("case", SCATTER_REDUCE_NAMES)
def test_scatter_reduce_takes_max_and_min_as_torchs_kernel_does(case):
    check_parity(SCATTER_REDUCE_NAMES[case])


SCATTER_REDUCE_NAME_ERRORS = {
    "a bad name after the index dtype": lambda m: m.zeros(2, 3).scatter_reduce(0, m.zeros(1, 1), m.zeros(1, 2), "bad"),
    "a bad name after the shapes": lambda m: m.zeros(2, 3).scatter_reduce(0, m.zeros(3, 1, dtype=m.long),
                                                                          m.zeros(1, 2), "bad"),
    "a bad name after the dim": lambda m: m.zeros(2, 3).scatter_reduce(5, m.zeros(1, 1, dtype=m.long),
                                                                       m.zeros(1, 2), "bad"),
    "max has no gradient": lambda m: m.zeros(3, requires_grad=True).scatter_reduce(
        0, m.tensor([0]), m.ones(1), "max").sum().backward(),
}


@pytest.mark.parametrize("case", SCATTER_REDUCE_NAME_ERRORS)
def test_scatter_reduce_checks_its_name_as_torch(case):
    check_error(SCATTER_REDUCE_NAME_ERRORS[case])


@pytest.mark.parametrize("alpha", [0.5, -1.5, 2.7])
def test_index_add_of_integers_takes_alpha_as_an_integer(alpha):
    """torch converts alpha to an integer source's dtype first (0.5 is 0); ours scaled, then truncated each
    product (fuzz seed 11 of accumulating_writes)."""
    check_parity(lambda m, x, s: m.index_add(x, 0, m.tensor([1, 0, 1, 0]), s, alpha=alpha),
                 [np.array([5, -2]), np.array([1, -4, 3, -5])])


def test_index_add_of_uint8_refuses_an_alpha_it_cannot_hold():
    check_error(lambda m: m.tensor([1, 0], dtype=m.uint8).index_add(0, m.tensor([0]), m.tensor([1], dtype=m.uint8),
                                                                      alpha=-1.5))


@pytest.mark.parametrize("x", [[0.0, 0.0], [0.0, 2.0]])
def test_scatter_reduce_prod_without_self_gives_a_left_out_zero_no_nan(x):
    """include_self=False leaves x's 0 out of the product: its gradient is 0, not 0 * (P / 0) (fuzz seed 164)."""
    check_parity(lambda m, a, s: a.scatter_reduce(0, m.tensor([0]), s, "prod", include_self=False) * m.tensor([0.5, 1.5]),
                 [np.array(x), np.array([0.0])])


def test_newaxis_is_none_in_an_index():
    """torch.newaxis is numpy's spelling of None: x[:, torch.newaxis] adds a dimension of size 1."""
    assert tinygrad_rnn.newaxis is None and require_torch().newaxis is None
    check_parity(lambda m, x: x[:, m.newaxis] * 2, [X])


def test_as_strided_of_a_view_carries_forward_mode_tangents():
    torch = require_torch()
    tangents = []
    for m in (tinygrad_rnn, torch):
        fw = m.autograd.forward_ad
        with fw.dual_level():
            dual = fw.make_dual(m.arange(10.0, dtype=m.float64), m.arange(10.0, dtype=m.float64) * 10)
            tangents.append(fw.unpack_dual(dual[2:8].as_strided((2, 2), (2, 1), 3)).tangent.tolist())
    assert tangents[0] == tangents[1]


@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_backward_with_an_int32_index_as_torch(include_self):
    """torch's backward for include_self=False zeroes input's gradient with index_fill_, which refuses int32."""
    def run(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.index_reduce(0, m.tensor([0, 0], dtype=m.int32), m.tensor([4.0, 5.0]), "amax", include_self=include_self)
        y.sum().backward()
        return x.grad
    if include_self:
        np.testing.assert_array_equal(run(tinygrad_rnn).numpy(), run(require_torch()).numpy())
    else:
        check_error(run)


@pytest.mark.parametrize("name", ["scatter", "scatter_"])
def test_scatter_with_reduce_names_the_method_called_when_backward_refuses(name):
    def run(m):
        x = m.zeros(3, requires_grad=True) * 1
        getattr(x, name)(0, m.tensor([0, 1]), 1.0, reduce="add").sum().backward()
    check_error(run)


@pytest.mark.parametrize("key", [0, -1, 1, np.int64(-2)])
@pytest.mark.parametrize("write", [False, True])
def test_an_integer_index_into_a_0d_tensor_fails_as_torch(key, write):
    """torch's select checks the bound first (against a size of 0): only 0 gets the 'invalid index' advice."""
    def run(m):
        x = m.tensor(1.5)
        if write:
            x[key] = 2.0
        return x[key]
    check_error(run)


@pytest.mark.parametrize(("key", "value"), [
    (np.array(1), 7), (np.array(-1, np.int32), 7), (np.array(1.7), 7), ((0, np.array(2)), 7),
    ((np.array(1), np.array(-1)), 7), ([np.array(1), np.array(0)], 7),
    (np.array([1.7, -0.5]), 7.0), (np.array([1, 0, 1], np.uint8), [[7.0] * 4] * 2), (np.array(0, np.uint8), 7.0)])
def test_numpy_arrays_index_as_torch_reads_them(key, value):
    """A 0-d array is the int it holds (a select: a view, and a write through it converts the value's dtype),
    a float array is cut toward zero, a uint8 one is a byte mask, and a list holding arrays is a tuple."""
    def run(m):
        x = m.arange(12.0).reshape(3, 4).requires_grad_() * 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = x[key]
            x[key] = m.tensor(value)
        return y, y._base is x, x
    (y_ours, view_ours, x_ours), (y_theirs, view_theirs, x_theirs) = run(tinygrad_rnn), run(require_torch())
    assert view_ours == view_theirs and y_ours.grad_fn.name() == y_theirs.grad_fn.name()
    np.testing.assert_array_equal(y_ours.detach().numpy(), y_theirs.detach().numpy())
    np.testing.assert_array_equal(x_ours.detach().numpy(), x_theirs.detach().numpy())


@pytest.mark.parametrize(("key", "value_shape"), [
    (lambda m: m.tensor(1), (3, 4)), (lambda m: m.tensor(1), (1, 1, 3)), (lambda m: (m.tensor(-1), slice(None, 0)), (4, 4)),
    (lambda m: (True,), (3, 3)), (lambda m: (1, False), (2,)), (lambda m: m.tensor(False), (1, 2)),
    (lambda m: m.tensor([0, 1]), (1, 1, 3)), (lambda m: (slice(None), m.tensor([0, 1])), (1, 4)),
    (lambda m: m.tensor(2), (5,)), (lambda m: True, (3, 3))])
def test_a_value_that_does_not_fit_the_index_fails_as_torch(key, value_shape):
    """index_put_'s "shape mismatch" names the value's shape without its leading 1s; a 0-d integer tensor is a
    select, so the value is copied into that view and fails with expand's message."""
    def run(m):
        x = m.zeros(3, 4)
        x[key(m)] = m.ones(value_shape)
    check_error(run)


def test_writing_through_a_lone_false_does_nothing_as_in_torch():
    """torch returns at once for x[False] = v, after converting a number: no shape or leaf checks."""
    for m in (tinygrad_rnn, require_torch()):
        x = m.zeros(3, requires_grad=True)
        x[False] = m.ones(7, 7)
        assert x._version == 0
    check_error(lambda m: m.zeros(3).__setitem__(False, 1e300))


@pytest.mark.parametrize("key", [
    lambda m: (slice(None), m.tensor([5])), lambda m: (0, slice(None), m.tensor([-3, 3, -5])),
    lambda m: (m.tensor([1]), 0, slice(None), m.tensor([-1, -3])), lambda m: (..., m.tensor([-4])),
    lambda m: (m.tensor([0, 9]), m.tensor([7, 1])), lambda m: (m.tensor([1]), None, m.tensor([1]), m.tensor([2])),
    lambda m: (True, m.tensor([4])), lambda m: (m.tensor([0, 1]), m.tensor([[4], [0]]), m.tensor([1, 2])),
    lambda m: (False, m.tensor([[-2, 1], [-2, -3]]), ..., [0])])
@pytest.mark.parametrize("write", [False, True])
def test_an_index_tensor_out_of_range_is_named_as_torch_names_it(key, write):
    """torch's kernel names a bad value by its index tensor's place among the index tensors (not by the dim it
    indexes), reads them element by element, and checks that they broadcast first."""
    def run(m):
        x = m.zeros(3, 4, 2)
        if write:
            x[key(m)] = 1.0
        return x[key(m)]
    check_error(run)


def test_an_index_into_a_dim_of_size_0_has_torchs_message():
    check_error(lambda m: m.zeros(0, 2, 1)[m.tensor([-1]), m.tensor(-2)])
    check_error(lambda m: m.zeros(2, 0).__setitem__((slice(None), m.tensor([0])), 1.0))


@pytest.mark.parametrize(("shape", "key", "value"), [
    ((), lambda m: ..., 1.5), ((), lambda m: ..., 2.0), ((), lambda m: (), 1.0),
    ((2, 3), lambda m: (slice(1, None), m.tensor([0, 1])), 1.0), ((2, 3), lambda m: (None, m.tensor([0, 1])), 1.0),
    ((2, 3), lambda m: (True, m.tensor([0, 1])), 1.0), ((2, 3), lambda m: (m.tensor(True), m.tensor([0, 1])), 1.0),
    ((2, 3), lambda m: (m.tensor([0, 1]), slice(-3, None)), [1.0, 2.0, 3.0]),
    ((2, 3), lambda m: (slice(None), m.tensor([0, 1])), [[1.0], [2.0]])])
def test_the_node_of_an_index_write_through_a_view_is_named_as_torch_names_it(shape, key, value):
    """index_put_ into the view that slices, Nones and bools make first leaves CopySlices on x; a write
    of all of a 0-d x is a copy_ (CopyBackwards), not a fill_."""
    def run(m):
        x = m.zeros(shape, requires_grad=True) * 1
        v = m.tensor(value, requires_grad=True)
        x[key(m)] = v
        (x * m.arange(x.numel()).reshape(shape)).sum().backward()
        return x.grad_fn.name(), v.grad.numpy()
    (ours, grad_ours), (theirs, grad_theirs) = run(tinygrad_rnn), run(require_torch())
    assert ours == theirs
    np.testing.assert_array_equal(grad_ours, grad_theirs)


@pytest.mark.parametrize("read", [lambda x: x[3:], lambda x: x[1:1], lambda x: x[:, :0], lambda x: x[-1:0, 2],
                                  lambda x: x.view(12)[5:5], lambda x: x[[]], lambda x: x[x > 99]])
def test_an_empty_result_is_a_view_as_in_torch(read):
    """A view with no elements shares no bytes, but it is still a view of its base (an index copy is not)."""
    views = []
    for m in (tinygrad_rnn, require_torch()):
        x = m.zeros(3, 4)
        views.append(read(x)._base is x)
    assert views[0] == views[1]


@pytest.mark.parametrize("key", [
    lambda m: (slice(None), m.tensor([0, 1]), ..., m.tensor([1, 2])),
    lambda m: (None, True, ..., m.ones(2, 3, 4, dtype=m.bool)), lambda m: (slice(None), [0], ..., [1], ...)])
def test_an_ellipsis_of_no_dims_does_not_part_index_tensors_as_in_torch(key):
    """numpy counts such a `...` as a slice between the index arrays and moves their dims to the front."""
    def run(m):
        x = m.arange(24.0).reshape(2, 3, 4).requires_grad_()
        y = x[key(m)]
        z = x.detach().clone()
        z[key(m)] = -m.arange(y.numel(), dtype=z.dtype).reshape(y.shape)
        return y, z
    for ours, theirs in zip(run(tinygrad_rnn), run(require_torch())):
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize("key", [lambda m: m.ones(3, 5, dtype=m.bool), lambda m: (slice(None), m.ones(4, 3, dtype=m.bool)),
                                 lambda m: (slice(1, 3), m.ones(3, dtype=m.bool)), lambda m: (0, None, m.ones(5, dtype=m.bool)),
                                 lambda m: (None, True, m.ones(5, dtype=m.bool)), lambda m: (m.ones(3, 4, dtype=m.bool), 0, m.ones(5, dtype=m.bool)),
                                 lambda m: (m.tensor(False), m.ones(5, dtype=m.bool), slice(None))])
def test_a_mask_of_the_wrong_shape_is_reported_as_torch_reports_it(key):
    """torch names the first dim of the mask that differs, and the shape its slices, ints and Nones have made."""
    check_error(lambda m: m.zeros(3, 4, 2)[key(m)])
    check_error(lambda m: m.zeros(3, 4, 2).__setitem__(key(m), 1.0))


def test_a_byte_mask_of_the_wrong_shape_warns_before_its_error_as_torch():
    def run(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(IndexError):
                m.zeros(3, 3)[m.tensor([1, 0, 1, 1], dtype=m.uint8)]
            with pytest.raises(IndexError):
                m.zeros(())[m.tensor([1], dtype=m.uint8)]
        return [str(w.message)[:60] for w in caught]
    assert run(tinygrad_rnn) == run(require_torch())


@pytest.mark.parametrize(("key", "value"), [
    (lambda m: m.tensor([1, 0, 1], dtype=m.uint8), lambda m: m.ones(3, dtype=m.float64)),
    (lambda m: (m.tensor([1, 0, 1], dtype=m.uint8), m.tensor([9])), lambda m: 1.0),
    (lambda m: (m.tensor([1, 0, 1], dtype=m.uint8), m.tensor([0, 1, 2])), lambda m: 1.0),
    (lambda m: m.tensor([1, 0, 1, 1], dtype=m.uint8), lambda m: 1.0), (lambda m: m.tensor([1, 0, 1], dtype=m.uint8), lambda m: 2.0)])
def test_a_failed_write_through_a_byte_mask_warns_as_torch(key, value):
    """index_put_'s errors come after its byte-mask warning; the mask's own shape error and masked_fill_'s come first."""
    def run(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                m.zeros(3, 3)[key(m)] = value(m)
            except (RuntimeError, IndexError) as error:
                return str(error), len(caught)
        raise AssertionError("no error")
    assert run(tinygrad_rnn) == run(require_torch())


@pytest.mark.parametrize(("key", "value"), [
    (lambda m: m.tensor([1, 0, 1, 1], dtype=m.uint8), lambda m: m.tensor(1.0)),
    (lambda m: (m.tensor([1, 0], dtype=m.uint8), [1]), lambda m: m.tensor(1.0)),
    (lambda m: m.tensor([1, 0, 1, 1], dtype=m.uint8), lambda m: m.ones(4))])
def test_a_byte_mask_of_the_wrong_shape_in_a_write_warns_as_torch(key, value):
    """For one value torch tries masked_fill_ first, which checks a leading mask without the warning."""
    def run(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(IndexError) as error:
                m.zeros(3, 3)[key(m)] = value(m)
        return str(error.value), len(caught)
    assert run(tinygrad_rnn) == run(require_torch())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"])
def test_numbers_written_at_integer_positions_as_torch(dtype):
    """A hand-written loop's `x[i, j] = number` (a fast path): values cast as torch casts them, views see the
    write, the version counts it; out-of-range and requires-grad cases keep torch's errors."""
    def writes(m):
        x = m.zeros(2, 3, dtype=getattr(m, dtype))
        row = x[1]
        for key, value in [((1, 2), 7.9), (0, 3), ((-1, -3), 1), ((0, 1), True), (1, 0.5)]:
            x[key] = value
        return x.tolist(), row.tolist(), x._version
    assert writes(tinygrad_rnn) == writes(require_torch())
    check_error(lambda m: m.zeros(2, 3).__setitem__((2, 0), 1.0))
    check_error(lambda m: m.zeros(2, 3).__setitem__((0, 0, 0), 1.0))
    check_error(lambda m: m.zeros(2, requires_grad=True).__setitem__(0, 1.0))

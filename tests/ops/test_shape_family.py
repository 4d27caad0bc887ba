"""The shape family beyond the op database's samples: the ops that take or return several tensors
(tensor_split, the *stack and *split spellings, meshgrid, broadcast_tensors), the Tensor-only
methods (unfold, sum_to_size, the in-place view ops, resize_), metadata, and torch's errors."""
from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn
from tinygrad_rnn.core import warn_once

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
C = RNG.standard_normal((2, 4, 6))


@pytest.mark.parametrize("how", [2, 3, 5, [1, 3], [0, -1], [2, 9], (1,)])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_tensor_split_matches_torch(how, dim):
    check_parity(lambda m, x: m.tensor_split(x, how, dim), [X])
    check_parity(lambda m, x: x.tensor_split(m.tensor(how), dim), [X])


@pytest.mark.parametrize("name", ["hsplit", "vsplit", "dsplit"])
@pytest.mark.parametrize("how", [2, [1], [1, 3]])
def test_hsplit_vsplit_dsplit_match_torch(name, how):
    check_parity(lambda m, c: getattr(m, name)(c, how), [C])
    check_parity(lambda m, c: getattr(c, name)(how), [C])


def test_hsplit_of_a_vector_and_split_with_sizes():
    check_parity(lambda m, v: m.hsplit(v, 3), [RNG.standard_normal(6)])
    check_parity(lambda m, x: (m.split_with_sizes(x, [1, 3], 1), x.split_with_sizes([2, 1])), [X])



@pytest.mark.parametrize("sizes", [[-1, 4], [4, -1], [-1, 5], [-1, 1, 3]])
def test_split_refuses_negative_sizes_even_when_they_sum_to_the_dim(sizes):
    """(fuzz: x.split([-1, 4], 1) of 3 columns gave pieces of 2 and 1 columns)"""
    check_error(lambda m: m.zeros(2, 3).split(sizes, 1))
    check_error(lambda m: m.split_with_sizes(m.zeros(3, 0), sizes, 0))

@pytest.mark.parametrize("dim", [-1, 1, -2])
def test_split_sizes_that_miss_the_dim_name_it_as_given(dim):
    """Mamba's `x_and_res.split([d, d], dim=-1)`: torch's message says "dimension -1", ours said 1."""
    check_error(lambda m: m.zeros(2, 5).split([2, 2], dim=dim))
    check_error(lambda m: m.split_with_sizes(m.zeros(2, 5), [1, 1, 1], dim))


@pytest.mark.parametrize("name", ["hstack", "vstack", "dstack", "column_stack", "row_stack"])
@pytest.mark.parametrize("shapes", [[(3,), (3,)], [(3, 4), (3, 4)], [(), ()], [(2, 3, 4), (2, 3, 4)]])
def test_stacks_match_torch(name, shapes):
    arrays = [RNG.standard_normal(s) for s in shapes]
    try:
        require_torch().__dict__[name]([require_torch().tensor(a) for a in arrays])
    except RuntimeError:
        check_error(lambda m: getattr(m, name)([m.tensor(a) for a in arrays]))
        return
    check_parity(lambda m, *ts: getattr(m, name)(list(ts)), arrays)


def test_column_stack_of_a_number_and_a_row():
    check_parity(lambda m, a, b: m.column_stack([a, b]), [RNG.standard_normal(()), RNG.standard_normal((1, 2))])


@pytest.mark.parametrize("name", ["cat", "stack", "hstack", "vstack", "dstack", "column_stack"])
def test_joins_write_into_out_and_refuse_to_cast_down(name):
    """Declared with out=: the *stack spellings took no out= before; all refuse an int out with torch.cat's TypeError."""
    def written(m, a, b):
        out = m.empty(0, dtype=m.float64)
        assert getattr(m, name)([a, b], out=out) is out
        return out

    check_parity(written, [X, X], requires_grad=[False, False])
    check_error(lambda m: getattr(m, name)([m.tensor(X), m.tensor(X)], out=m.empty(0, dtype=m.int32)))


def test_cat_gives_a_skipped_legacy_empty_piece_an_empty_gradient():
    """cat([zeros(0), x], 1) skips the 1-d empty piece but torch still gives it tensor([]), not None."""
    check_parity(lambda m, e, x: m.cat([e, x], 1), [np.zeros(0), X])


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_and_cartesian_prod(indexing):
    a, b, c = RNG.standard_normal(2), RNG.standard_normal(3), RNG.standard_normal(4)
    check_parity(lambda m, *ts: m.meshgrid(*ts, indexing=indexing), [a, b, c])
    check_parity(lambda m, *ts: m.meshgrid(list(ts), indexing=indexing), [a, b])
    check_parity(lambda m, *ts: m.cartesian_prod(*ts), [a, b, c])


def test_meshgrid_without_indexing_warns_as_torch_and_uses_ij(monkeypatch):
    monkeypatch.setattr(warn_once, "_WARNED", set())  # as in a fresh process
    with pytest.warns(UserWarning, match="indexing argument") as ours:
        grids = tinygrad_rnn.meshgrid(tinygrad_rnn.ones(2), tinygrad_rnn.ones(3))
    assert grids[0].shape == (2, 3)
    torch = require_torch()
    torch.set_warn_always(True)  # torch's own once-per-process state may be used up by earlier tests
    try:
        with pytest.warns(UserWarning) as theirs:
            torch.meshgrid(torch.ones(2), torch.ones(3))
    finally:
        torch.set_warn_always(False)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_meshgrid_warns_once_per_process_as_torch(monkeypatch):
    monkeypatch.setattr(warn_once, "_WARNED", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            tinygrad_rnn.meshgrid(tinygrad_rnn.ones(2), tinygrad_rnn.ones(3))
        assert len(caught) == 1
        tinygrad_rnn.set_warn_always(True)
        try:
            tinygrad_rnn.meshgrid(tinygrad_rnn.ones(2), tinygrad_rnn.ones(3))
        finally:
            tinygrad_rnn.set_warn_always(False)
        assert len(caught) == 2


def test_broadcast_tensors_shapes_and_to():
    check_parity(lambda m, x, y, z: m.broadcast_tensors(x, y, z), [X[:, :1], X[0], RNG.standard_normal(())])
    torch = require_torch()
    for shapes in [((2, 1), (3,)), (2, (1,)), ((), (4, 1), (1, 5)), ((0, 1), (3,))]:
        assert tinygrad_rnn.broadcast_shapes(*shapes) == torch.broadcast_shapes(*shapes)
        assert isinstance(tinygrad_rnn.broadcast_shapes(*shapes), tinygrad_rnn.Size)
    check_error(lambda m: m.broadcast_shapes((2, 1), (3, 4)))
    check_parity(lambda m, x: x.broadcast_to((2, -1, 4)), [X])


@pytest.mark.parametrize(("dimension", "size", "step"), [(0, 2, 1), (1, 2, 2), (-1, 4, 1), (1, 1, 3), (0, 0, 1)])
def test_unfold_matches_torch(dimension, size, step):
    check_parity(lambda m, c: c.unfold(dimension, size, step), [C])


def test_unfold_of_a_0d_tensor_and_windows_that_overlap_get_summed_gradients():
    check_parity(lambda m, s: s.unfold(0, 1, 1), [RNG.standard_normal(())])
    check_parity(lambda m, v: v.unfold(0, 3, 1) * 2, [RNG.standard_normal(6)])


@pytest.mark.parametrize("size", [(1, 4), (4,), (3, 1), (1,), (3, 4), (1, 1)])
def test_sum_to_size_matches_torch(size):
    check_parity(lambda m, x: x.sum_to_size(size), [X])
    check_parity(lambda m, x: x.sum_to_size(*size), [X])


@pytest.mark.parametrize("name", ["transpose_", "swapaxes_", "swapdims_"])
def test_in_place_transposes_keep_the_graph(name):
    def fn(m, c):
        y = c * 1
        assert getattr(y, name)(0, 2) is y
        return y
    check_parity(fn, [C])


def test_t_and_tril_triu_in_place():
    def fn(m, x):
        y = x * 1
        assert y.t_() is y
        z = x * 1
        assert z.tril_(1) is z and z.triu_(-1) is z
        return y, z
    check_parity(fn, [X])


def test_resize_keeps_the_leading_elements_and_refuses_tensors_that_require_grad():
    torch = require_torch()
    for size in [(2, 2), (12,), (2, 3)]:
        ours, theirs = tinygrad_rnn.tensor(X).resize_(size), torch.tensor(X).resize_(size)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    grown = tinygrad_rnn.tensor(X).resize_(5, 4)
    assert grown.shape == (5, 4) and np.array_equal(grown.numpy().reshape(-1)[:12], X.reshape(-1))
    assert tinygrad_rnn.tensor(X).resize_as_(tinygrad_rnn.ones(2)).shape == (2,)
    check_error(lambda m: m.tensor(X, requires_grad=True).resize_(2, 2))


@pytest.mark.parametrize("make", ["torch.Tensor(t)", "t.view(-1)", "t.detach()", "t.view(-1)[1:]"])
@pytest.mark.parametrize("size", [(5,), (2, 2), (1,)])
def test_resize_within_its_memory_keeps_sharing_it(make, size):
    """NYU DL's tensor notebook: r = torch.Tensor(t); r.resize_(3, 8); r.zero_() zeroes t as well."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        t = m.arange(1.0, 7.0).view(2, 3)
        r = eval(make, {"torch": m, "t": t})
        r.resize_(size).fill_(-1)
        seen.append(t.tolist())
    assert seen[0] == seen[1]


@pytest.mark.parametrize("view, sizes", [
    ("x.view(2, 4)", [(1, 4), (2, 4)]),  # pytorch-book: a view shrunk and grown back finds its old elements
    ("x.view(2, 4)", [(1, 4), (2, 5)]),  # ... kept too when the storage grows (its new end uninitialized)
    ("x.view(2, 4).t()", [(2, 4)]),  # a strided tensor reads its storage in memory order
    ("x[2:]", [(2, 2), (6,)]), ("x[2:4]", [(5,)]), ("x[::2]", [(2,)]),  # from the view's offset
])
def test_resize_reads_the_storage_from_the_tensors_offset(view, sizes):
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(8.0)
        r = eval(view, {"x": x})
        for size in sizes:
            r.resize_(size)
        known = r.reshape(-1)[:x.numel() - r.storage_offset()].tolist()  # what the old storage held
        shared = r.numel() + r.storage_offset() <= x.numel()
        if shared:  # still a view of x: x sees the write
            r.zero_()
        seen.append((r.shape, known, shared, x.tolist()))
    assert seen[0] == seen[1]


def test_resize_to_its_own_shape_leaves_the_tensor_as_it_is():
    """torch returns early: a strided view stays a view, the version stays, an inference tensor may be resized."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        base = m.ones(2, 3)
        column = base[:, 0]
        column.resize_(2).zero_()
        with m.inference_mode():
            frozen = m.ones(3)
        seen.append((base.tolist(), column._version, frozen.resize_(3).shape))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("kwargs", [{}, {"return_inverse": True}, {"return_counts": True},
                                    {"return_inverse": True, "return_counts": True, "dim": 0},
                                    {"return_counts": True, "dim": 1}])
def test_unique_consecutive_matches_torch(kwargs):
    ints = np.array([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 3, 1]])
    check_parity(lambda m, a: m.unique_consecutive(a, **kwargs), [ints])
    check_parity(lambda m, a: a.unique_consecutive(**kwargs), [ints.astype(float)], requires_grad=[False])


@pytest.mark.parametrize("name", ["unique", "unique_consecutive"])
@pytest.mark.parametrize("dim", [0, -1, 1])
def test_unique_along_a_dim_of_a_0d_tensor_is_torchs_index_error(name, dim):
    """A 0-d tensor has no slices: torch's IndexError names the dim as given (unique_consecutive leaked
    numpy's AxisError; fuzz probe of session 15)."""
    check_error(lambda m: getattr(m, name)(m.tensor(5), return_inverse=True, dim=dim))


@pytest.mark.parametrize("shape, dim", [((1, 0), 0), ((0, 0), 1), ((0, 3, 0), 1)])
def test_unique_consecutive_refuses_empty_dims_as_unique(shape, dim):
    """Along a dim, only that dim may have size 0 (torch's unique_consecutive checks as unique does; we
    returned; fuzz, widened sequence_ops)."""
    check_error(lambda m: m.unique_consecutive(m.zeros(shape), dim=dim))


def test_unravel_index_and_triangle_indices():
    check_parity(lambda m, i: m.unravel_index(i, (3, 4)), [np.array([5, 7, 11, 0])])
    check_parity(lambda m, i: m.unravel_index(i, (2, 3, 2)), [np.array(5)])
    for row, col, offset in [(3, 4, 0), (4, 3, 1), (3, 3, -1), (0, 2, 0), (4, 4, 10)]:
        check_parity(lambda m, r=row, c=col, o=offset: (m.tril_indices(r, c, o), m.triu_indices(r, c, o)))
    check_error(lambda m: m.unravel_index(m.tensor([1.0]), (3, 4)))


def test_combinations_of_zero_elements_and_atleast_nd_of_several_tensors():
    check_parity(lambda m, v: m.combinations(v, 0), [RNG.standard_normal(3)])
    check_parity(lambda m, a, b: (m.atleast_1d(a, b), m.atleast_2d([a, b]), m.atleast_3d((a, b))),
                 [RNG.standard_normal(()), RNG.standard_normal(3)])


def test_metadata_matches_torch():
    torch = require_torch()
    for data, dtype in [(X, "float32"), (X, "float64"), ([1, 2], "int64"), ([True], "bool"), ([1], "uint8")]:
        ours = tinygrad_rnn.tensor(data, dtype=getattr(tinygrad_rnn, dtype))
        theirs = torch.tensor(data, dtype=getattr(torch, dtype))
        for name in ["is_complex", "is_signed", "is_inference", "is_floating_point", "get_device", "dim_order"]:
            assert getattr(ours, name)() == getattr(theirs, name)(), name
        for name in ["itemsize", "nbytes", "output_nr", "name", "is_cpu"]:
            assert getattr(ours, name) == getattr(theirs, name), name
        for name in ["is_floating_point", "is_complex", "is_signed", "is_inference", "get_device"]:
            assert getattr(tinygrad_rnn, name)(ours) == getattr(torch, name)(theirs), name
    x, y = tinygrad_rnn.tensor(X), torch.tensor(X)
    assert x[1:].storage_offset() == y[1:].storage_offset() and x.t().dim_order() == y.t().dim_order()
    assert x.is_set_to(x) and not x.is_set_to(x[1:]) and x.is_same_size(x * 2) and not x.is_same_size(x.t())
    assert x.real is x and x.conj() is x and x.positive() is x and tinygrad_rnn.real(x) is x
    check_error(lambda m: m.tensor(X).imag)
    check_error(lambda m: m.tensor([True]).positive())


def test_new_is_the_legacy_constructor_of_the_same_dtype():
    torch = require_torch()
    ours, theirs = tinygrad_rnn.tensor(X).double(), torch.tensor(X).double()
    for args in [(2, 3), ([1, 2],), (), (tinygrad_rnn.Size([2]),)]:
        made = ours.new(*args)
        expected = theirs.new(*(torch.Size(a) if isinstance(a, tinygrad_rnn.Size) else a for a in args))
        assert made.shape == expected.shape and made.dtype == tinygrad_rnn.float64
    assert ours.new([1, 2]).tolist() == [1.0, 2.0]


def test_new_of_a_tensor_is_that_tensor_under_a_new_name():
    """`x.new(t)` is `t` aliased (a view in the graph, as `torch.Tensor(t)`), not a detached copy."""
    def fn(m, x):
        alias = m.zeros(1, dtype=m.float64).new(x)
        assert alias.grad_fn.name() == "AliasBackward0" and alias._base is x
        return alias * 3
    check_parity(fn, shapes=[(2, 3)])
    check_error(lambda m: m.zeros(1).new(m.ones(2, dtype=m.int64)))
    check_error(lambda m: m.zeros(1).new(m.ones(2), device="cpu"))


def test_apply_and_map_call_python_per_element():
    check_parity(lambda m, x: x.clone().apply_(lambda v: v * 2 + 1), [X], requires_grad=[False])
    check_parity(lambda m, x, y: x.clone().map_(y, lambda a, b: a - 3 * b), [X, X[0]], requires_grad=[False, False])
    check_error(lambda m: m.tensor(X, requires_grad=True).apply_(lambda v: v))
    check_error(lambda m: m.tensor(X).map_(m.ones(5, dtype=m.float64), lambda a, b: a))


def test_scalar_tensor_and_is_nonzero():
    check_parity(lambda m: (m.scalar_tensor(3), m.scalar_tensor(True), m.scalar_tensor(2, dtype=m.int64)))
    assert tinygrad_rnn.is_nonzero(tinygrad_rnn.tensor([0.0])) is False
    check_error(lambda m: m.is_nonzero(m.tensor([1.0, 2.0])))
    check_error(lambda m: m.is_nonzero(m.tensor([])))


BAD_CALLS = {
    "unfold size": lambda m: m.tensor(X).unfold(1, 5, 1),
    "unfold step": lambda m: m.tensor(X).unfold(1, 2, 0),
    "sum_to_size": lambda m: m.tensor(X).sum_to_size(2, 4),
    "rot90 same dims": lambda m: m.rot90(m.tensor(X), 1, (0, 0)),
    "rot90 three dims": lambda m: m.rot90(m.tensor(X), 1, (0, 1, 2)),
    "rot90 vector": lambda m: m.rot90(m.ones(3)),
    "fliplr vector": lambda m: m.fliplr(m.ones(3)),
    "flipud 0-d": lambda m: m.flipud(m.tensor(1.0)),
    "hsplit": lambda m: m.hsplit(m.tensor(X), 3),
    "vsplit": lambda m: m.vsplit(m.ones(3), 3),
    "dsplit": lambda m: m.dsplit(m.tensor(X), 2),
    "tensor_split zero": lambda m: m.tensor_split(m.tensor(X), 0),
    "combinations matrix": lambda m: m.combinations(m.tensor(X)),
    "cartesian_prod matrix": lambda m: m.cartesian_prod(m.ones(2, 2)),
    "block_diag 3-d": lambda m: m.block_diag(m.ones(2, 2, 2)),
    "diagonal same dims": lambda m: m.diagonal(m.tensor(X), 0, 1, 1),
    "unique_consecutive dim": lambda m: m.tensor(X).unique_consecutive(dim=5),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_input_raises_torchs_error(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(BAD_CALLS[name])


def test_transposes_splits_and_conversions_of_the_legacy_surface():
    def fn(m, x):
        return (x.H, x.mH, x.adjoint(), x.unsafe_chunk(2), x.unsafe_split(2), x.unsafe_split_with_sizes([1, 2]),
                x.resize(4, 3), x.resize_as(x.reshape(-1)), x.char(), x.short())
    check_parity(fn, [X])
    check_error(lambda m: m.ones(2, 3, 4).H)
    check_error(lambda m: m.tensor(X).resize(2, 2))


@pytest.mark.parametrize(("shape", "wrap"), [((3, 4), False), ((5, 3), True), ((5, 3), False), ((3, 3, 3), False)])
def test_fill_diagonal_matches_torch(shape, wrap):
    def fn(m, x):
        y = x * 1
        assert y.fill_diagonal_(2.5, wrap=wrap) is y
        return y
    check_parity(fn, [RNG.standard_normal(shape)])
    check_error(lambda m: m.ones(2, 3, 4).fill_diagonal_(1.0))


def test_nonzero_static_and_small_methods():
    ints = np.array([[0, 1, 0], [2, 0, 3]])
    check_parity(lambda m, a: (a.nonzero_static(size=2), a.nonzero_static(size=5, fill_value=-7)), [ints])
    x, y = tinygrad_rnn.tensor(X), require_torch().tensor(X)
    assert x.const_data_ptr() == x.data_ptr() and x.is_maia is y.is_maia
    for t in (x, y):
        with pytest.warns(UserWarning, match="volatile was removed"):
            assert t.volatile is False
    assert x.new_empty_strided((2, 3), (3, 1)).shape == y.new_empty_strided((2, 3), (3, 1)).shape
    assert tinygrad_rnn.tensor([1.0]).is_nonzero() and not tinygrad_rnn.tensor([0]).is_nonzero()
    check_error(lambda m: m.tensor(X).is_nonzero())
    check_parity(lambda m, a, b, c: a.clone().map2_(b, c, lambda u, v, w: u * v + w), [X, X[0], X[:, :1]],
                 requires_grad=[False, False, False])


def test_bernoulli_method_draws_as_torch_with_the_same_seed():
    torch = require_torch()
    probabilities = RNG.random((4, 5))
    tinygrad_rnn.manual_seed(3)
    torch.manual_seed(3)
    np.testing.assert_array_equal(tinygrad_rnn.tensor(probabilities).bernoulli().numpy(),
                                  torch.tensor(probabilities).bernoulli().numpy())


@pytest.mark.parametrize("element", [np.ones(1), np.int64(1), np.float32(1.0), True, [1.0], Fraction(1, 2)],
                         ids=["ndarray", "int64", "float32", "bool", "list", "Fraction"])
def test_cat_and_stack_name_a_non_tensor_element_as_torch(element):
    """torch names a compiled type with its module (numpy.ndarray), a Python class alone (Fraction)."""
    check_error(lambda m: m.cat([m.ones(1), element]))
    check_error(lambda m: m.stack((m.ones(1), element)))


def _dim_orders(m):
    """dim_order of permuted, sliced and expanded tensors, with each ambiguity_check (or its error)."""
    seen = []
    for shape in [(2, 3, 5, 7), (1, 2, 3, 4), (2, 3, 1, 1), (3, 3, 3, 3)]:
        x = m.empty(shape)
        for view in (x, x.transpose(1, 2), x.permute(3, 1, 0, 2), x.permute(0, 2, 3, 1)[:, ::2], x.sum(1, keepdim=True)):
            for check in (False, True, [m.contiguous_format, m.channels_last], [m.channels_last], "ILLEGAL", [1]):
                try:
                    seen.append(view.dim_order(ambiguity_check=check))
                except (RuntimeError, TypeError) as error:
                    seen.append((type(error).__name__, str(error)))
    seen += [m.tensor(1.0).dim_order(), m.ones(3).dim_order(), m.ones(3, 1).expand(3, 4).dim_order()]
    return seen


def test_dim_order_follows_torchs_stride_sort_and_ambiguity_checks():
    assert _dim_orders(tinygrad_rnn) == _dim_orders(require_torch())  # (1, 2, 3, 4) with a check: ambiguous


@pytest.mark.parametrize("call", [
    lambda m: m.nonzero_static(m.tensor([[1, 0], [3, 2]]), size=4), lambda m: m.tensor([[1, 0], [3, 2]]).nonzero_static(size=1),
    lambda m: m.nonzero_static(m.tensor([[1.0, 0.0]]), size=3, fill_value=7), lambda m: m.nonzero_static(m.tensor(5.0), size=2),
    lambda m: m.nonzero_static(m.tensor([True, False]), size=0),
])
def test_nonzero_static_pads_or_cuts_to_size_as_torch(call):
    torch = require_torch()
    ours, theirs = call(tinygrad_rnn), call(torch)
    assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist() and ours.shape == theirs.shape


def test_nonzero_static_errors_as_torch():
    check_error(lambda m: m.nonzero_static(m.ones(2), size=-1))
    check_error(lambda m: m.nonzero_static(m.ones(2), size=2.0))


@pytest.mark.parametrize("call", [lambda m, x: x.swapaxes(axis0=0, axis1=1), lambda m, x: m.swapaxes(x, axis0=1, axis1=0),
                                  lambda m, x: x.clone().swapaxes_(axis0=0, axis1=1),
                                  lambda m, x: x.swapdims(dim0=0, dim1=1)])
def test_swapaxes_takes_numpys_axis_names_as_torch(call):
    check_parity(call, [np.arange(6.0).reshape(2, 3)])


@pytest.mark.parametrize("call", ["resize(3, 2)", "resize_as(m.ones(6))", "resize((3, 2))"])
def test_out_of_place_resize_warns_and_is_torchs_resize_node(call):
    """torch's deprecated resize/resize_as: a warning, a ResizeBackward node, and sizes multiplied as
    given (so one tuple is refused)."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.ones(2, 3, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = eval(f"x.{call}", {"x": x, "m": m})
                seen.append((out.shape, out.grad_fn.name()))
            except RuntimeError as error:
                seen.append(str(error))
        seen.append([str(w.message) for w in caught])
    assert seen[:2] == seen[2:]

"""Keyword arguments against torch: those every factory shares (creation.py's @factory, layout.py), Tensor.to's
overloads and the conversion methods, and determinism.py. `out=` writes into and returns the given tensor,
`layout`/`memory_format`/`pin_memory` take torch's values or raise what torch raises (NotImplementedError for a
layout we lack), an unknown keyword is a TypeError, and with deterministic algorithms on, uninitialised memory
holds NaN / the largest integer / True."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _outcome(m, call):
    """What a call gives: (dtype, shape, values, identity of the result with `out`) or the exception type."""
    out = m.ones(2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call(m, out)
    except Exception as e:  # noqa: BLE001 - the exception's type is the outcome
        return type(e).__name__
    if not hasattr(result, "dtype"):
        return result
    values = result.detach().numpy() if result.dtype.is_floating_point or not result.is_floating_point() else None
    return str(result.dtype), tuple(result.shape), values.tolist(), result is out, result.requires_grad


CALLS = {
    "zeros out": lambda m, o: m.zeros(3, out=o),
    "ones out same shape": lambda m, o: m.ones(2, out=o),
    "full out int": lambda m, o: m.full((2,), 7, out=m.zeros(2, dtype=m.int64)),
    "arange out": lambda m, o: m.arange(4, out=o),
    "linspace out int": lambda m, o: m.linspace(0, 1, 3, out=m.zeros(3, dtype=m.int64)),
    "eye out": lambda m, o: m.eye(2, out=o),
    "logspace out": lambda m, o: m.logspace(0, 2, 3, out=o),
    "rand out int": lambda m, o: m.rand(2, out=m.zeros(2, dtype=m.int64)),
    "randint out float shape": lambda m, o: m.randint(5, (3,), out=o).shape,
    "randperm out shape": lambda m, o: m.randperm(4, out=o).shape,
    "zeros dtype differs from out": lambda m, o: m.zeros(2, dtype=m.float64, out=o),
    "zeros out not a tensor": lambda m, o: m.zeros(2, out="a"),
    "zeros out requires grad": lambda m, o: m.zeros(2, out=m.ones(2, requires_grad=True)),
    "zeros out, requires_grad": lambda m, o: m.zeros(2, out=o, requires_grad=True),
    "zeros unknown keyword": lambda m, o: m.zeros(2, bogus=1),
    "empty unknown keyword": lambda m, o: m.empty(2, bogus=1),
    "rand unknown keyword": lambda m, o: m.rand(2, bogus=1),
    "ones_like unknown keyword": lambda m, o: m.ones_like(o, bogus=1),
    "zeros layout strided": lambda m, o: m.zeros(2, layout=m.strided),
    "zeros layout string": lambda m, o: m.zeros(2, layout="strided"),
    "zeros pin_memory": lambda m, o: m.zeros(2, pin_memory=True),
    "zeros pin_memory string": lambda m, o: m.zeros(2, pin_memory="a"),
    "zeros_like preserve_format": lambda m, o: m.zeros_like(o, memory_format=m.preserve_format),
    "zeros_like memory_format string": lambda m, o: m.zeros_like(o, memory_format="a"),
    "empty contiguous_format": lambda m, o: m.empty(2, 3, memory_format=m.contiguous_format).stride(),
    "empty preserve_format": lambda m, o: m.empty(2, memory_format=m.preserve_format),
    "empty channels_last of a matrix": lambda m, o: m.empty(2, 3, memory_format=m.channels_last),
    "empty channels_last_3d 4-d": lambda m, o: m.empty(1, 2, 3, 4, memory_format=m.channels_last_3d),
    "empty memory_format string": lambda m, o: m.empty(2, memory_format="a"),
    "empty_strided pin_memory": lambda m, o: m.empty_strided((2,), (1,), pin_memory=True),
    "new_zeros requires_grad": lambda m, o: o.new_zeros(2, requires_grad=True),
    "new_full requires_grad": lambda m, o: o.new_full((2,), 3.0, requires_grad=True),
    "new_ones int requires_grad": lambda m, o: m.ones(2, dtype=m.int64).new_ones(2, requires_grad=True),
    "new_zeros size keyword": lambda m, o: o.new_zeros(size=(2, 1)),
    "new_zeros unknown keyword": lambda m, o: o.new_ones(2, bogus=1),
    "new_empty bad device": lambda m, o: o.new_empty(2, device="nowhere"),
    "new_zeros dtype positional": lambda m, o: o.new_zeros((2,), m.float64),
    "new_tensor unknown keyword": lambda m, o: o.new_tensor([1.0], bogus=1),
    "new_empty_strided requires_grad": lambda m, o: o.new_empty_strided((2,), (1,), requires_grad=True).shape,
    "layout": lambda m, o: repr(o.layout),
    "clone contiguous_format": lambda m, o: o.clone(memory_format=m.contiguous_format),
    "clone channels_last of a vector": lambda m, o: o.clone(memory_format=m.channels_last),
    "clone a layout as memory format": lambda m, o: o.clone(memory_format=m.strided),
    "contiguous string": lambda m, o: o.contiguous(memory_format="a"),
    "is_contiguous preserve_format": lambda m, o: o.is_contiguous(memory_format=m.preserve_format),
    "is_contiguous channels_last 4-d": lambda m, o: m.ones(2, 3, 4, 5).is_contiguous(memory_format=m.channels_last),
    "is_contiguous channels_last of a permuted copy": lambda m, o: (
        m.ones(2, 4, 5, 3).contiguous().permute(0, 3, 1, 2).is_contiguous(memory_format=m.channels_last)),
    "is_contiguous channels_last size-1 dims": lambda m, o: m.ones(2, 1, 1, 1).is_contiguous(memory_format=m.channels_last),
    "tensor pin_memory": lambda m, o: m.tensor([1.0], pin_memory=True),
    "normal of a size in float64": lambda m, o: m.normal(0.0, 1.0, (3,), dtype=m.float64).shape,
    "normal of a size requiring grad": lambda m, o: m.normal(0.0, 1.0, (2,), requires_grad=True).requires_grad,
    "normal of a tensor with a dtype": lambda m, o: m.normal(m.zeros(2), 1.0, dtype=m.float64),
    "normal of an int dtype": lambda m, o: m.normal(0.0, 1.0, (2,), dtype=m.int64),
    "to unknown keyword": lambda m, o: o.to(m.float64, bogus=1),
    "to dtype, copy positional": lambda m, o: o.to(m.float32, False, True),
    "to device, dtype, copy": lambda m, o: o.to("cpu", m.float32, False, True),
    "to tensor keyword": lambda m, o: o.to(tensor=m.zeros(1, dtype=m.float64)),
    "to two dtypes": lambda m, o: o.to(m.float64, m.float32),
    "to dtype twice": lambda m, o: o.to(m.float64, dtype=m.float64),
    "to non_blocking string": lambda m, o: o.to(m.float32, non_blocking="a"),
    "to tensor, dtype": lambda m, o: o.to(m.zeros(1), m.float64),
    "to nothing": lambda m, o: o.to(),
    "to keywords": lambda m, o: o.to(dtype=m.float64, device="cpu", non_blocking=True),
    "to memory_format of a vector": lambda m, o: o.to(memory_format=m.channels_last),
    "double preserve_format": lambda m, o: o.double(memory_format=m.preserve_format),
    "float memory_format positional": lambda m, o: o.float(m.contiguous_format),
    "cpu memory_format": lambda m, o: o.cpu(memory_format=m.contiguous_format),
    "contiguous memory_format positional": lambda m, o: o.contiguous(m.contiguous_format),
    "new unknown keyword": lambda m, o: o.new(2, bogus=1),
    "new dtype": lambda m, o: o.new(2, dtype=m.float64),
    "new of a tensor of another dtype": lambda m, o: o.new(m.ones(2, dtype=m.int64)),
    "new of a tensor with a device": lambda m, o: o.new(m.ones(2), device="cpu"),
    "new of data": lambda m, o: o.new([1, 2]),
    "is_contiguous channels_last_3d on 4-d": lambda m, o: m.ones(2, 3, 4, 5).is_contiguous(memory_format=m.channels_last_3d),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_factory_keywords_as_torch(name):
    torch = require_torch()
    ours, theirs = _outcome(tinygrad_rnn, CALLS[name]), _outcome(torch, CALLS[name])
    if isinstance(theirs, tuple) and "rand" in name:  # random values: their kind and place, not the draw
        ours, theirs = ours[:2] + ours[3:], theirs[:2] + theirs[3:]
    assert ours == theirs


def test_a_layout_or_memory_format_we_lack_is_named():
    with pytest.raises(NotImplementedError, match="sparse_coo"):
        tinygrad_rnn.zeros(2, layout=tinygrad_rnn.sparse_coo)
    with pytest.raises(NotImplementedError, match="channels_last"):
        tinygrad_rnn.ones(1, 2, 3, 4).contiguous(memory_format=tinygrad_rnn.channels_last)
    with pytest.raises(NotImplementedError, match="channels_last"):
        tinygrad_rnn.empty(1, 2, 3, 4, memory_format=tinygrad_rnn.channels_last)


def test_layouts_pickle_as_themselves():
    import pickle
    assert pickle.loads(pickle.dumps(tinygrad_rnn.strided)) is tinygrad_rnn.strided
    assert pickle.loads(pickle.dumps(tinygrad_rnn.channels_last)) is tinygrad_rnn.channels_last


def _uninitialized(m):
    x = m.ones(2)
    made = [m.empty(3), m.empty(2, dtype=m.int64), m.empty(2, dtype=m.bool), m.empty(2, dtype=m.uint8),
            m.empty(2, dtype=m.float16), m.empty_like(x), x.new_empty(2), m.empty_strided((2,), (1,)),
            x.new_empty_strided((2,), (1,)), m.ones(2).resize_(4)]
    return [(str(t.dtype), np.asarray(t.numpy()).tolist()) for t in made]


@pytest.fixture
def deterministic():
    tinygrad_rnn.use_deterministic_algorithms(True)
    yield
    tinygrad_rnn.use_deterministic_algorithms(False)
    tinygrad_rnn.utils.deterministic.fill_uninitialized_memory = True


def test_deterministic_algorithms_fill_uninitialized_memory_as_torch(deterministic):
    torch = require_torch()
    torch.use_deterministic_algorithms(True)
    try:
        theirs = _uninitialized(torch)
    finally:
        torch.use_deterministic_algorithms(False)
    assert repr(_uninitialized(tinygrad_rnn)) == repr(theirs)  # repr: NaN equals NaN


def test_fill_uninitialized_memory_can_be_turned_off(deterministic):
    tinygrad_rnn.utils.deterministic.fill_uninitialized_memory = False
    assert not tinygrad_rnn.utils.deterministic.fill_uninitialized_memory
    assert tinygrad_rnn.empty(2).tolist() == [0.0, 0.0]


def test_fill_uninitialized_memory_takes_a_bool_only():
    with pytest.raises(RuntimeError, match="expected a bool, but got int"):
        tinygrad_rnn.utils.deterministic.fill_uninitialized_memory = 1


def test_histogram_method_and_vmap_alias_as_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([1.0, 2.0, 1.0, 4.0])
        results.append([tuple(t.tolist() for t in h) for h in (
            x.histogram(3), x.histogram(m.tensor([0.0, 2.0, 5.0])), x.histogram(bins=2, range=(0.0, 4.0), density=True))])
        assert m.vmap is m.func.vmap
    assert results[0] == results[1]


def test_gather_sparse_grad_as_torch_or_named():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        x, index = m.ones(2, 3), m.zeros(2, 1, dtype=m.int64)
        assert m.gather(x, 1, index, sparse_grad=False).tolist() == [[1.0], [1.0]]
        with pytest.raises(TypeError, match="argument 'sparse_grad' must be bool, not int"):
            m.gather(x, 1, index, sparse_grad=1)
    with pytest.raises(NotImplementedError, match="sparse_grad=True"):
        tinygrad_rnn.gather(tinygrad_rnn.ones(2, 3), 1, tinygrad_rnn.zeros(2, 1, dtype=tinygrad_rnn.int64), sparse_grad=True)


def _deprecated_spellings(m):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = m.ones(2, requires_grad=True)
        m.autograd.backward(x * 2, grad_variables=m.ones(2))
        hardtanh = m.nn.Hardtanh(min_value=-2.0, max_value=3.0)
    with pytest.raises(RuntimeError) as both:
        m.autograd.backward(x * 2, grad_tensors=m.ones(2), grad_variables=m.ones(2))
    return x.grad.tolist(), repr(hardtanh), [(w.category, str(w.message)) for w in caught], str(both.value)


def test_deprecated_spellings_work_and_warn_as_torch():
    torch = require_torch()
    assert _deprecated_spellings(tinygrad_rnn) == _deprecated_spellings(torch)


def _bounds_and_flags(m):
    seen = [m.nn.functional.hardtanh(m.ones(2), m.tensor(-2.0)).tolist(),
            m.nn.functional.hardtanh(m.tensor([5, -5]), m.tensor(-2), 3).tolist(),
            m.randperm(3, requires_grad=None).requires_grad]  # None is the parser's "not given"
    for call in (lambda: m.nn.functional.hardtanh(m.ones(2), m.tensor([-2.0])),
                 lambda: m.randperm(-1, requires_grad=1)):
        with pytest.raises(Exception) as caught:
            call()
        seen.append(caught.type.__name__)
    return seen


def test_hardtanh_bounds_and_randperm_flag_are_parsed_as_torch():
    torch = require_torch()
    assert _bounds_and_flags(tinygrad_rnn) == _bounds_and_flags(torch)


@pytest.mark.parametrize("call", [lambda m: m.rand(0, requires_grad=1, device="cuda"),
                                  lambda m: m.zeros(2, requires_grad=0, device="cuda"),
                                  lambda m: m.arange(3, requires_grad="yes", device="cuda")])
def test_factories_parse_requires_grad_before_they_check_the_device(call):
    """torch's parser refuses a requires_grad that is no bool before any value (a CUDA device here) is checked."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError, match="requires_grad|invalid combination"):
            call(m)


NUMPY_NAMED_CALLS = {  # torch's parser also reads numpy's `axis` and `keepdims` (makemore: P.sum(1, keepdims=True))
    "sum_keepdims": lambda m, x: x.sum(1, keepdims=True),
    "torch_sum_axis": lambda m, x: m.sum(x, axis=0),
    "mean_both": lambda m, x: x.mean(axis=1, keepdims=True),
    "amax": lambda m, x: x.amax(axis=0, keepdims=True),
    "max_dim": lambda m, x: x.max(axis=1).values,
    "softmax": lambda m, x: x.softmax(axis=1),
    "cat": lambda m, x: m.cat([x, x], axis=1),
    "logsumexp_out": lambda m, x: m.logsumexp(x, axis=1, out=m.empty(2)),
    "both_names": lambda m, x: x.sum(dim=1, axis=1),
    "keepdim_twice": lambda m, x: x.sum(1, keepdim=True, keepdims=True),
    "count_nonzero": lambda m, x: m.count_nonzero(x, axis=0),
    # numpy's reductions call the method with axis=, dtype= and out=: torch names `axis` as the keyword it does
    # not take, being no parameter's own name, ahead of `out`
    "np_mean": lambda m, x: np.mean(x),
    "np_sum_axis": lambda m, x: np.sum(x, axis=1),
    "mean_axis_out": lambda m, x: x.mean(axis=0, dtype=None, out=None),
    "keepdims_then_out": lambda m, x: x.sum(dim=0, keepdims=False, out=None),
    "out_then_keepdims": lambda m, x: x.sum(dim=0, out=None, keepdims=False),
    "softmax_unknown": lambda m, x: x.softmax(axis=0, foo=1),
    # and numpy's names of input and other: x, a and x1 (first found first), x2
    "input_as_x": lambda m, x: m.add(x=x, other=x),
    "input_as_a": lambda m, x: m.sum(a=x),
    "x1_x2": lambda m, x: m.mul(x1=x, x2=x),
    "method_x2": lambda m, x: x.add(x2=x),
    "x_unknown": lambda m, x: m.add(x=x, other=x, foo=1),
    "x2_unknown": lambda m, x: m.add(x, x2=x, foo=1),
    "trapezoid_own_x": lambda m, x: m.trapezoid(x, x=x),
}


@pytest.mark.parametrize("name", NUMPY_NAMED_CALLS)
def test_numpy_parameter_names_are_read_as_torch_reads_them(name):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(6.0).view(2, 3)
        try:
            outcomes.append(NUMPY_NAMED_CALLS[name](m, x).numpy())
        except TypeError as e:
            outcomes.append(str(e))
    if isinstance(outcomes[1], str):
        assert outcomes[0] == outcomes[1]
    else:
        np.testing.assert_allclose(outcomes[0], outcomes[1], rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda m, x: m.softmax(x, dim="a"), lambda m, x: m.gather(x, dim=1.5, index=m.zeros(2, 3).long()),
    lambda m, x: m.histc(x, bins=1.5), lambda m, x: m.cumsum(x, dim=1.5), lambda m, x: m.topk(x, k=1.5),
    lambda m, x: m.roll(x, shifts=1.5), lambda m, x: m.argmax(x, dim=1.5), lambda m, x: m.flatten(x, start_dim=1.5),
    lambda m, x: m.softmax(x, "a"), lambda m, x: m.histc(x, 1.5)])
def test_a_wrong_type_given_by_keyword_names_no_position(call):
    """torch's parser numbers positional arguments only: torch.histc(x, bins=1.5) says "argument 'bins' must be
    int", torch.histc(x, 1.5) "argument 'bins' (position 2) must be int"."""
    check_error(lambda m: call(m, m.ones(2, 3)))


OUT_TAKERS = {
    "conj_physical": lambda m: m.conj_physical(m.ones(3), out=m.empty(3)),
    "normal of tensors": lambda m: (m.manual_seed(0), m.normal(m.zeros(2), m.ones(2), out=m.empty(2)))[1],
    "normal of numbers": lambda m: (m.manual_seed(0), m.normal(0.0, 1.0, (3,), out=m.empty(3)))[1],
    "lu_unpack": lambda m: tuple(m.lu_unpack(*m.linalg.lu_factor(m.eye(2) + 1),
                                             out=(m.empty(2, 2), m.empty(2, 2), m.empty(2, 2)))),
    "lu_solve": lambda m: m.lu_solve(m.ones(2, 1), *m.linalg.lu_factor(m.eye(2) + 1), out=m.empty(2, 1)),
    "triangular_solve": lambda m: tuple(m.triangular_solve(m.ones(2, 1), m.eye(2),
                                                           out=(m.empty(2, 1), m.empty(2, 2)))),
}


@pytest.mark.parametrize("call", OUT_TAKERS.values(), ids=OUT_TAKERS.keys())
def test_functions_torch_gives_out_take_it(call):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (triangular_solve and lu_solve are deprecated in torch, with warnings)
        ours, theirs = call(tinygrad_rnn), call(torch)
    ours, theirs = (ours if isinstance(ours, tuple) else (ours,)), (theirs if isinstance(theirs, tuple) else (theirs,))
    assert [o.tolist() for o in ours] == [t.tolist() for t in theirs]

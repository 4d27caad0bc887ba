"""torch.masked: each masked reduction and normalization against torch's on a small input whose last row
is masked out entirely (what an all-masked slice gives: 0, 1, -inf, inf or nan), with float64 gradients,
integer and bool inputs, broadcast and non-bool masks, mask=None, and the refusals."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

X = np.array([[1.5, -2.0, 3.0, 0.5], [4.0, 5.0, -6.0, 2.0], [0.25, -1.0, 2.0, -3.0]])
MASK = np.array([[True, False, True, True], [False, True, True, False], [False, False, False, False]])

# each function as called on the input x and a mask (None, a bool tensor, ...): its own arguments too
CALLS = {
    "sum": lambda m, x, k: m.masked.sum(x, 1, mask=k),
    "sum_all": lambda m, x, k: m.masked.sum(x, mask=k),
    "sum_dims_keep": lambda m, x, k: m.masked.sum(x, (0, -1), keepdim=True, mask=k),
    "prod": lambda m, x, k: m.masked.prod(x, 1, mask=k),
    "prod_all": lambda m, x, k: m.masked.prod(x, keepdim=True, mask=k),
    "amax": lambda m, x, k: m.masked.amax(x, 1, mask=k),
    "amin": lambda m, x, k: m.masked.amin(x, (0, 1), mask=k),
    "argmax": lambda m, x, k: m.masked.argmax(x, 1, mask=k),
    "argmin": lambda m, x, k: m.masked.argmin(x, mask=k),
    "mean": lambda m, x, k: m.masked.mean(x, 1, mask=k),
    "median": lambda m, x, k: m.masked.median(x, 1, keepdim=True, mask=k),
    "norm": lambda m, x, k: m.masked.norm(x, 2.0, 1, mask=k),
    "norm_1": lambda m, x, k: m.masked.norm(x, 1, mask=k),
    "norm_-inf": lambda m, x, k: m.masked.norm(x, -float("inf"), 1, mask=k),
    "var": lambda m, x, k: m.masked.var(x, 1, mask=k),
    "var_biased": lambda m, x, k: m.masked.var(x, 1, False, keepdim=True, mask=k),
    "std": lambda m, x, k: m.masked.std(x, 1, correction=0, mask=k),
    "std_all": lambda m, x, k: m.masked.std(x, mask=k),
    "logsumexp": lambda m, x, k: m.masked.logsumexp(x, 1, mask=k),
    "softmax": lambda m, x, k: m.masked.softmax(x, 1, mask=k),
    "log_softmax": lambda m, x, k: m.masked.log_softmax(x, -1, mask=k),
    "softmin": lambda m, x, k: m.masked.softmin(x, 0, mask=k),
    "normalize": lambda m, x, k: m.masked.normalize(x, 2.0, 1, mask=k),
    "normalize_eps": lambda m, x, k: m.masked.normalize(x, 1.0, 0, eps=4.0, mask=k),
    "cumsum": lambda m, x, k: m.masked.cumsum(x, 1, mask=k),
    "cumprod": lambda m, x, k: m.masked.cumprod(x, 0, mask=k),
    "logaddexp": lambda m, x, k: m.masked.logaddexp(x, x * 0.5, input_mask=k, other_mask=k),
}


@pytest.mark.parametrize("name", CALLS)
def test_values_and_gradients_match_torch(name):
    """float64, one row fully masked out: values (nan, inf and all) and the gradient that reaches x."""
    check_parity(lambda m, x, k: CALLS[name](m, x, k), [X, MASK])


@pytest.mark.parametrize("name", CALLS)
def test_mask_none_counts_every_element(name):
    check_parity(lambda m, x: CALLS[name](m, x, None), [X])


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "softmax", "var", "norm"])
def test_a_mask_broadcasts_and_any_dtype_reads_as_bool(name):
    check_parity(lambda m, x, k: CALLS[name](m, x, k), [X, np.array([True, False, True, True])])
    check_parity(lambda m, x, k: CALLS[name](m, x, k), [X, np.array([[2.0], [0.0], [-1.0]])])


@pytest.mark.parametrize("name", ["sum", "prod", "amax", "amin", "argmax", "cumsum", "cumprod", "logsumexp", "var"])
def test_integer_input_keeps_torchs_dtype(name):
    """sum and prod promote to int64, the others stay int32; an all-masked max is the dtype's minimum."""
    check_parity(lambda m, x, k: CALLS[name](m, x.int(), k), [X, MASK])


@pytest.mark.parametrize("dtype", ["float64", "int64", "float32"])
def test_dtype_argument_gives_the_result_dtype(dtype):
    for name in ("sum", "prod", "amax", "argmin", "logsumexp", "norm", "mean", "std", "softmax", "cumsum"):
        if dtype == "int64" and name in ("mean", "norm", "softmax"):
            continue
        check_parity(lambda m, x, k, name=name: _with_dtype(m, name, x, k, getattr(m, dtype)), [X.astype(np.float32), MASK],
                     requires_grad=[dtype != "int64", False])  # (an int64 result of a graph refuses, as torch)


def _with_dtype(m, name, x, k, dtype):
    function = getattr(m.masked, name)
    if name == "norm":
        return function(x, 2.0, 1, dtype=dtype, mask=k)
    return function(x, 1, dtype=dtype, mask=k)


def test_bool_input_sums_to_int64():
    check_parity(lambda m, x, k: (m.masked.sum(x, 1, mask=k), m.masked.prod(x, mask=k)), [X > 0, MASK])


def test_integer_median_is_cast_back_when_no_slice_is_empty():
    check_parity(lambda m, x, k: m.masked.median(x.long(), 0, mask=k), [X, MASK[[0, 1, 1]]])


def test_an_empty_dim_list_is_not_every_dim():
    """torch.masked reads dim=() as every dim, but [] as no dim: prod reduces nothing, median has no dim."""
    check_parity(lambda m, x, k: (m.masked.prod(x, [], mask=k), m.masked.sum(x, [], mask=k)), [X, MASK])
    check_error(lambda m: m.masked.median(m.ones(2, 3), []))
    check_error(lambda m: m.masked.logsumexp(m.ones(2, 3), []))


def test_graph_names_are_torchs():
    torch = require_torch()
    for name in ("sum", "prod", "amax", "mean", "median", "norm", "var", "std", "softmax", "softmin", "normalize",
                 "cumsum"):
        names = []
        for m in (torch, tinygrad_rnn):
            out = CALLS[name](m, m.tensor(X, requires_grad=True), m.tensor(MASK))
            names.append([type(out.grad_fn).__name__] + [type(f).__name__ for f, _ in out.grad_fn.next_functions])
        assert names[0] == names[1], name


@pytest.mark.parametrize("call", [
    lambda m: m.masked.sum(m.ones(2, 3), 1, mask=m.ones(1, 2, 3, dtype=m.bool)),  # more dims than the input
    lambda m: m.masked.amax(m.ones(2, 3), 1, mask=m.tensor([True, False])),  # does not broadcast
    lambda m: m.masked.sum(m.ones(2, 3), (1, -1)),
    lambda m: m.masked.prod(m.ones(2, 3), 2, mask=m.ones(2, 3, dtype=m.bool)),
    lambda m: m.masked.sum(m.tensor(1.0), 1),
    lambda m: m.masked.mean(m.ones(2, 3, dtype=m.int32), 1),
    lambda m: m.masked.mean(m.ones(2, 3), 1, dtype=m.int64),
    lambda m: m.masked.mean(m.ones(2, 3), (1, 1), mask=m.ones(2, 3, dtype=m.bool)),
    lambda m: m.masked.median(m.ones(2, 3, dtype=m.int32), 1, mask=m.tensor([[True] * 3, [False] * 3])),
    lambda m: m.masked.var(m.ones(2, 3), 1, True, correction=0),
    lambda m: m.masked.var(m.ones(2, 3, dtype=m.bool), 1),
    lambda m: m.masked.norm(m.ones(2, 3, dtype=m.int32), -float("inf"), 1, mask=m.ones(2, 3, dtype=m.bool)),
    lambda m: m.masked.norm(m.ones(2, 3, dtype=m.int32), 2.0, 1),
    lambda m: m.masked.normalize(m.ones(2, 3), None, 1),
    lambda m: m.masked.amax(m.ones(2, 3, dtype=m.bool), 1, mask=m.ones(2, 3, dtype=m.bool)),
    lambda m: m.masked.softmin(m.ones(2, 3, dtype=m.bool), 1, mask=m.ones(2, 3, dtype=m.bool)),
    lambda m: m.masked.argmax(m.ones(2, 3), (1,)),
    lambda m: m.masked.softmax(m.ones(2, 3), 2),
    lambda m: m.masked.cumsum(m.ones(2, 3)),
])
def test_refusals_match_torch(call):
    check_error(call)


def test_masked_tensor_is_not_built():
    x = tinygrad_rnn.ones(2)
    mask = tinygrad_rnn.tensor([True, False])
    for make in (tinygrad_rnn.masked.masked_tensor, tinygrad_rnn.masked.as_masked_tensor,
                 tinygrad_rnn.masked.MaskedTensor):
        with pytest.raises(NotImplementedError, match="MaskedTensor"):
            make(x, mask)
    assert tinygrad_rnn.masked.is_masked_tensor(x) is False


def test_namespace_is_torchs_under_the_alias():
    import importlib

    assert importlib.import_module("tinygrad_rnn").masked is tinygrad_rnn.masked
    assert set(tinygrad_rnn.masked.__all__) == set(require_torch().masked.__all__)

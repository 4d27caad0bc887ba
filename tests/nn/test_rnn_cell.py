"""nn.RNNCell against torch: values and gradients, finite differences, its loose constructor and
its forward errors (spec section (e))."""
import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck


@settings(max_examples=30)
@given(input_size=st.integers(1, 8), hidden_size=st.integers(1, 8), bias=st.booleans(),
       nonlinearity=st.sampled_from(["tanh", "relu"]), batch=st.one_of(st.none(), st.integers(0, 4)),
       with_h0=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**16))
def test_rnn_cell_matches_torch(input_size, hidden_size, bias, nonlinearity, batch, with_h0, dtype, seed):
    torch = require_torch()
    rng = np.random.default_rng(seed)
    name = np.dtype(dtype).name
    theirs = torch.nn.RNNCell(input_size, hidden_size, bias, nonlinearity, dtype=getattr(torch, name))
    ours = tinygrad_rnn.nn.RNNCell(input_size, hidden_size, bias, nonlinearity, dtype=getattr(tinygrad_rnn, name))
    ours.load_state_dict(theirs.state_dict())
    lead = () if batch is None else (batch,)
    x = rng.standard_normal(lead + (input_size,)).astype(dtype)
    h0 = rng.standard_normal(lead + (hidden_size,)).astype(dtype) if with_h0 else None
    upstream = rng.standard_normal(lead + (hidden_size,)).astype(dtype)
    results = []
    for lib, cell in ((torch, theirs), (tinygrad_rnn, ours)):
        xt = lib.tensor(x, requires_grad=True)
        ht = None if h0 is None else lib.tensor(h0, requires_grad=True)
        out = cell(xt, ht)
        out.backward(lib.tensor(upstream))
        grads = [xt.grad, None if ht is None else ht.grad] + [p.grad for p in cell.parameters()]
        results.append((out, grads))
    (out_t, grads_t), (out_o, grads_o) = results
    assert isinstance(out_o, tinygrad_rnn.Tensor)  # one tensor, not a tuple
    assert_arrays_close(out_o, out_t, dtype, "h'")
    for i, (a, b) in enumerate(zip(grads_o, grads_t)):
        assert (a is None) == (b is None)
        if b is not None:
            assert_arrays_close(a, b, dtype, f"grad {i}")


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_gradients_match_finite_differences(nonlinearity):
    tinygrad_rnn.manual_seed(3)
    f64 = tinygrad_rnn.float64
    cell = tinygrad_rnn.nn.RNNCell(3, 4, nonlinearity=nonlinearity, dtype=f64)
    x = tinygrad_rnn.randn(2, 3, dtype=f64, requires_grad=True)
    h = tinygrad_rnn.randn(2, 4, dtype=f64, requires_grad=True)
    names = [n for n, _ in cell.named_parameters()]
    params = [tinygrad_rnn.nn.Parameter(p.detach().clone()) for p in cell.parameters()]

    def f(x, h, *params):
        for name, p in zip(names, params):
            setattr(cell, name, p)
        return cell(x, h)

    assert gradcheck(f, (x, h, *params), eps=1e-6, atol=1e-7)


def test_rnn_cell_parameters_init_and_repr_match_torch():
    torch = require_torch()
    for args in [(4, 2), (4, 2, False, "relu"), (4, 2, "relu"), (4, 2, 0)]:
        theirs, ours = torch.nn.RNNCell(*args), tinygrad_rnn.nn.RNNCell(*args)
        assert repr(ours) == repr(theirs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert (ours.bias_ih is None) == (theirs.bias_ih is None)
    values = np.concatenate([p.detach().numpy().ravel() for p in tinygrad_rnn.nn.RNNCell(50, 64).parameters()])
    assert np.abs(values).max() <= 0.125 and abs(values.std() - 0.125 / np.sqrt(3)) < 3e-3


@pytest.mark.parametrize("args, kwargs", [
    ((4, 0), {}), ((0, 2), {}), ((4, 2, 0), {}), ((4, 2), dict(nonlinearity="sigmoid")),
])
def test_rnn_cell_constructor_accepts_what_torch_accepts(args, kwargs):
    torch = require_torch()
    assert repr(tinygrad_rnn.nn.RNNCell(*args, **kwargs)) == repr(torch.nn.RNNCell(*args, **kwargs))


CELL_ERRORS = {
    "negative hidden": lambda m: m.nn.RNNCell(4, -1),
    "float hidden": lambda m: m.nn.RNNCell(4, 2.0),
    "dropout kwarg": lambda m: m.nn.RNNCell(4, 2, dropout=0.5),
    "int dtype": lambda m: m.nn.RNNCell(4, 2, dtype=m.int64),
    "bad nonlinearity in forward": lambda m: m.nn.RNNCell(4, 2, nonlinearity="sigmoid")(m.zeros(3, 4)),
    "3-D input": lambda m: m.nn.RNNCell(4, 2)(m.zeros(1, 3, 4)),
    "0-D input": lambda m: m.nn.RNNCell(4, 2)(m.zeros(())),
    "3-D hidden": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 4), m.zeros(1, 3, 2)),
    "wrong feature size": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 3)),
    "wrong hidden size": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 4), m.zeros(3, 3)),
    "batch mismatch": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 4), m.zeros(2, 2)),
    "unbatched input with 2-D hidden": lambda m: m.nn.RNNCell(4, 2)(m.zeros(4), m.zeros(1, 2)),
    "float64 input": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 4, dtype=m.float64)),
    "float64 hidden": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 4), m.zeros(3, 2, dtype=m.float64)),
    "wrong feature and batch": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 3), m.zeros(2, 2)),
    "batch and hidden": lambda m: m.nn.RNNCell(4, 2)(m.zeros(3, 4), m.zeros(2, 3)),
}


@pytest.mark.parametrize("case", list(CELL_ERRORS))
def test_rnn_cell_errors_match_torch(case):
    check_error(CELL_ERRORS[case])


def test_rnn_cell_batch_zero_and_unbatched_shapes():
    cell = tinygrad_rnn.nn.RNNCell(4, 2)
    assert tuple(cell(tinygrad_rnn.zeros(0, 4)).shape) == (0, 2)
    assert tuple(cell(tinygrad_rnn.zeros(4)).shape) == (2,)
    assert tuple(cell(tinygrad_rnn.zeros(4), tinygrad_rnn.zeros(2)).shape) == (2,)

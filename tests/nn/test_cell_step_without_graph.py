"""nn/rnn_base.py `RNNCellBase._step`: under no_grad the cells run their step on arrays
(kernels' `cell_step_arrays`), with the bits of the step that records a graph."""
import numpy as np
import pytest

import tinygrad_rnn as tg
from tinygrad_rnn.core.function import Function

CELLS = ["LSTMCell", "GRUCell", "RNNCell", "RNNCell relu"]


def _cell_and_inputs(name, hidden, bias, dtype, batch):
    tg.manual_seed(hidden)
    if name == "RNNCell relu":
        cell = tg.nn.RNNCell(5, hidden, bias=bias, nonlinearity="relu", dtype=dtype)
    else:
        cell = getattr(tg.nn, name)(5, hidden, bias=bias, dtype=dtype)
    x = tg.randn(*batch, 5, dtype=dtype) * 3
    states = [tg.randn(*batch, hidden, dtype=dtype) for _ in range(2 if name == "LSTMCell" else 1)]
    return cell, x, (tuple(states) if name == "LSTMCell" else states[0])


def _arrays(out):
    return [t.detach().numpy() for t in (out if isinstance(out, tuple) else (out,))]


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize("hidden", [20, 32, 40])  # gates of less than, exactly and more than sigmoid's vector step
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dtype", [tg.float32, tg.float64])
@pytest.mark.parametrize("batch", [(3,), (1,), ()])
@pytest.mark.parametrize("with_state", [True, False])
def test_no_grad_step_has_the_bits_of_the_recorded_step(name, hidden, bias, dtype, batch, with_state):
    cell, x, state = _cell_and_inputs(name, hidden, bias, dtype, batch)
    args = (x, state) if with_state else (x,)
    x.requires_grad_()
    recorded = _arrays(cell(*args))
    with tg.no_grad():
        out = cell(*args)
    for ours, theirs in zip(_arrays(out), recorded):
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)
    assert all(t.grad_fn is None and not t.requires_grad for t in (out if isinstance(out, tuple) else (out,)))


@pytest.mark.parametrize("name", CELLS)
def test_no_grad_step_runs_no_op(name, monkeypatch):
    """The step records nothing under no_grad, so it runs its math on the arrays: no Function.apply
    (each cost a few microseconds of bookkeeping; a cell step made 17)."""
    cell, x, state = _cell_and_inputs(name, 20, True, tg.float32, (3,))
    applied = []
    real = Function.__dict__["apply"].__func__
    monkeypatch.setattr(Function, "apply", classmethod(lambda cls, *args: applied.append(cls) or real(cls, *args)))
    with tg.no_grad():
        cell(x, state)
    assert applied == []


@pytest.mark.parametrize("name", CELLS)
def test_inference_mode_step_gives_inference_tensors(name):
    cell, x, state = _cell_and_inputs(name, 20, True, tg.float32, (3,))
    with tg.inference_mode():
        out = cell(x, state)
    assert all(t.is_inference() for t in (out if isinstance(out, tuple) else (out,)))


@pytest.mark.parametrize("name", CELLS)
def test_forward_mode_tangents_still_ride_along_under_no_grad(name):
    import tinygrad_rnn.autograd.forward_ad as fwAD

    cell, x, state = _cell_and_inputs(name, 20, True, tg.float32, (3,))
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, tg.ones_like(x))
        recorded = cell(dual, state)
        with tg.no_grad():
            out = cell(dual, state)
        for ours, theirs in zip(out if isinstance(out, tuple) else (out,), recorded if isinstance(out, tuple) else (recorded,)):
            np.testing.assert_array_equal(fwAD.unpack_dual(ours).tangent.detach().numpy(),
                                          fwAD.unpack_dual(theirs).tangent.detach().numpy())


def test_a_float64_cell_state_with_float32_weights_is_promoted_as_before():
    # c only meets elementwise ops: torch promotes it, and so does the recorded step (no arrays path for it)
    cell, x, (h, c) = _cell_and_inputs("LSTMCell", 20, True, tg.float32, (3,))
    with tg.no_grad():
        h1, c1 = cell(x, (h, c.double()))
    assert h1.dtype == tg.float64 and c1.dtype == tg.float64

"""kernels/lstm.py: the steps and work arrays `made_steps` keeps, and the backward's step bits."""
import threading

import numpy as np
import pytest

import tinygrad_rnn
from tinygrad_rnn.kernels import lstm


@pytest.mark.parametrize("proj_size", [0, 2])
def test_a_small_models_steps_are_made_once_per_batch_size(monkeypatch, proj_size):
    """Unchanged small weights come back from `prepared` as the same arrays: their steps and work
    arrays are kept (made once), a new batch size makes its own, and the outputs are those of fresh
    steps, with and without backward."""
    tinygrad_rnn.manual_seed(3)
    module = tinygrad_rnn.nn.LSTM(3, 4, proj_size=proj_size)
    x, wide = tinygrad_rnn.randn(5, 2, 3), tinygrad_rnn.randn(5, 6, 3)
    made, make = [], lstm.step_work
    monkeypatch.setattr(lstm, "step_work", lambda *args: made.append(1) or make(*args))
    getattr(lstm._made, "steps", {}).clear()  # a cache filled by earlier tests would be cleared mid-test when full
    with tinygrad_rnn.no_grad():
        first = [t.numpy().copy() for t in (module(x)[0], *module(x)[1])]
        again = [t.numpy() for t in (module(x)[0], *module(x)[1])]
        assert len(made) == 1 and all(np.array_equal(a, b) for a, b in zip(again, first))
        module(wide)
        assert len(made) == 2
    out, (h, c) = module(x)  # with a graph: the same kept steps, the same numbers
    assert len(made) == 2
    assert all(np.array_equal(a.detach().numpy(), b) for a, b in zip((out, h, c), first))
    lstm._made.steps.clear()
    with tinygrad_rnn.no_grad():
        assert np.array_equal(module(x)[1][1].numpy(), first[2])


def test_the_final_cell_state_is_not_the_kept_work_array():
    """Inference keeps its cell state in a kept work array: c_n is a copy, which the next call
    leaves alone (one direction's arrays become the caller's tensors as they are)."""
    from tinygrad_rnn.kernels.recurrence import DirectionWeights

    tinygrad_rnn.manual_seed(4)
    module = tinygrad_rnn.nn.LSTM(3, 4)
    w = DirectionWeights(*module.parameters(), None)
    state = (tinygrad_rnn.zeros(2, 4), tinygrad_rnn.zeros(2, 4))
    with tinygrad_rnn.no_grad():
        _, (_, c_first) = lstm.fused_direction(tinygrad_rnn.randn(5, 2, 3), state, w)
        kept = c_first.numpy().copy()
        lstm.fused_direction(tinygrad_rnn.randn(5, 2, 3) * 3, state, w)
    assert np.array_equal(c_first.numpy(), kept)


def test_kept_steps_are_per_thread():
    """A kept step writes its work arrays: another thread gets its own steps and work arrays."""
    w_hh4 = np.zeros((4, 4, 4), np.float32)
    here = lstm.made_steps(w_hh4, None, 2)
    there: list = []
    worker = threading.Thread(target=lambda: there.append(lstm.made_steps(w_hh4, None, 2)))
    worker.start()
    worker.join()
    assert lstm.made_steps(w_hh4, None, 2) is here
    assert there[0].infer is not here.infer and there[0].act is not here.act


def test_big_weights_steps_are_not_kept():
    """Weights above step_layout.PREPARED_BYTES are prepared afresh at every call: their steps are
    made every time and not held (they would keep megabytes of weights alive)."""
    from tinygrad_rnn.kernels.step_layout import PREPARED_BYTES

    hidden = int((PREPARED_BYTES / 16) ** 0.5) + 1  # 4 * hidden^2 float32 > PREPARED_BYTES
    w_hh4 = np.zeros((4, hidden, hidden), np.float32)
    first, second = lstm.made_steps(w_hh4, None, 2), lstm.made_steps(w_hh4, None, 2)
    assert first.forward is not second.forward
    assert all(entry[0] is not w_hh4 for entry in getattr(lstm._made, "steps", {}).values())


def test_backward_step_gives_the_plain_formulas_bits():
    """backward_steps' step (the four gates in one multiply into work space, then copied into dpre's
    strided view) gives the plain per-gate formulas of its docstring bit for bit."""
    rng = np.random.default_rng(5)
    batch, hidden = 3, 4
    a = [rng.standard_normal(s).astype(np.float32) for s in
         ((batch, hidden), (batch, hidden), (batch, hidden), (batch, hidden), (batch, hidden), (4, batch, hidden))]
    g_out, dh0, dc0, c_factor, f, factors = a
    w_hh = rng.standard_normal((4 * hidden, hidden)).astype(np.float32)
    dh, dc = dh0.copy(), dc0.copy()
    dpre = np.full((batch, 4, hidden), np.nan, np.float32)
    step = lstm.backward_steps(dh, dc, w_hh, np.empty_like(dh), np.empty_like(factors), np.empty_like(factors), None)
    step(g_out, None, c_factor, f, factors, dpre.transpose(1, 0, 2), dpre.reshape(batch, 4 * hidden))
    d_h = g_out + dh0
    scale_c = dc0 + d_h * c_factor
    expected = np.stack([scale_c * factors[0], scale_c * factors[1], scale_c * factors[2], d_h * factors[3]], axis=1)
    assert np.array_equal(dpre, expected)
    assert np.array_equal(dc, scale_c * f)
    assert np.array_equal(dh, expected.reshape(batch, 4 * hidden) @ w_hh)


def test_packed_backward_gives_rows_past_their_length_no_gradient_whatever_dpre_held():
    """dpre is a scratch array (reused between calls): with packed input, a step writes the rows
    that run, so lstm_backward must zero the rest itself. Filled with NaN beforehand, it gives the
    same gradients as filled with 0, all finite, and no gradient to the input past its length."""
    from tinygrad_rnn.backend.scratch import scratch
    from tinygrad_rnn.kernels.step_layout import StepLayout

    rng = np.random.default_rng(11)
    steps, batch, inputs, hidden = 5, 3, 2, 4
    layout = StepLayout(steps, batch, np.array([5, 3, 1]), False)
    x, g_out = rng.standard_normal((steps, batch, inputs)), rng.standard_normal((steps, batch, hidden))
    h0, c0 = rng.standard_normal((2, batch, hidden))
    w_ih, w_hh = rng.standard_normal((4 * hidden, inputs)), rng.standard_normal((4 * hidden, hidden))
    b_ih, b_hh = rng.standard_normal((2, 4 * hidden))
    saved = lstm.lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, None, layout, True)

    def grads(fill: float) -> list:
        scratch("lstm dpre", (steps, batch, 4, hidden), x.dtype).fill(fill)
        return lstm.lstm_backward(g_out, h0, c0, x, h0, w_ih, w_hh, None, saved, layout)[:6]

    clean, dirty = grads(0.0), grads(np.nan)
    assert all(np.isfinite(g).all() and np.array_equal(a, g) for a, g in zip(clean, dirty))
    dx = dirty[0]
    assert not dx[3:, 1].any() and not dx[1:, 2].any()

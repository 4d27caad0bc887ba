"""kernels/gru.py: the forward and backward steps' bits and the steps `made_steps` keeps."""
import threading

import numpy as np
import pytest

import tinygrad_rnn
from tinygrad_rnn.backend.scratch import scratch
from tinygrad_rnn.kernels import gru


def reference_step(g, h, w_hh3, b_hn):
    """The step written plainly (np.matmul over the stacked gates, keyword outputs): what
    gru.forward_steps' step must give bit for bit. Returns (g after the step, h_n, h_new)."""
    g = g.copy()
    gh = np.matmul(h, w_hh3)
    g[:2] += gh[:2]
    np.exp(g[:2], out=g[:2])
    g[:2] += 1
    h_n = gh[2] if b_hn is None else gh[2] + b_hn
    g[2] += h_n / g[0]
    np.tanh(g[2], out=g[2])
    return g, h_n, (h - g[2]) / g[1] + g[2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows, hidden", [(1, 20), (3, 2), (3, 20), (32, 128), (64, 512)])
@pytest.mark.parametrize("bias", [False, True])
def test_step_gives_the_bits_of_the_plain_step(dtype, rows, hidden, bias):
    """The step's product is ndarray.dot per gate and its ufuncs take positional outputs (speed):
    the same bits as np.matmul over the stacked gates, also for one row (BLAS's gemv path)."""
    rng = np.random.default_rng(rows * hidden)
    g = rng.standard_normal((3, rows, hidden)).astype(dtype)
    h = rng.standard_normal((rows, hidden)).astype(dtype)
    w_hh3 = (rng.standard_normal((3, hidden, hidden)) / hidden ** 0.5).astype(dtype)
    b_hn = rng.standard_normal(hidden).astype(dtype) if bias else None
    gates, h_n, h_new = g.copy(), np.empty_like(h), np.empty_like(h)
    gru.forward_steps(w_hh3, b_hn, np.empty_like(g))(gates[:2], gates[2], h, h_n, h_new)
    expected_gates, expected_h_n, expected_h = reference_step(g, h, w_hh3, b_hn)
    assert np.array_equal(gates, expected_gates)
    assert np.array_equal(h_n, expected_h_n)
    assert np.array_equal(h_new, expected_h)


def reference_backward_step(g_out, dh, z, r, n_factor, r_factor, z_factor, w_hh):
    """One backward step written plainly, gate by gate (what gru.backward_steps' step must give bit
    for bit). Returns (d_n, d_hid (rows, 3, H), dh_{t-1})."""
    d = g_out + dh
    d_n = n_factor * d
    d_hid = np.stack([r_factor * d_n, z_factor * d, d_n * r], axis=1)
    return d_n, d_hid, np.matmul(d_hid.reshape(len(d), -1), w_hh) + d * z


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows, hidden", [(1, 20), (3, 2), (32, 128)])
def test_backward_step_gives_the_bits_of_the_plain_step(dtype, rows, hidden):
    """The backward step multiplies all three gates' factors in one call by [d_n, d, d_n] (the n
    slot's factor is r: r * d_n is d_n * r) and adds d * z after the product: the same bits as
    the plain step gate by gate."""
    rng = np.random.default_rng(rows + hidden)
    g_out, dh, z, r, n_factor, r_factor, z_factor = (rng.standard_normal((rows, hidden)).astype(dtype)
                                                     for _ in range(7))
    w_hh = (rng.standard_normal((3 * hidden, hidden)) / hidden ** 0.5).astype(dtype)
    expected = reference_backward_step(g_out, dh, z, r, n_factor, r_factor, z_factor, w_hh)
    d_n, d_hid, dh_new = n_factor.copy(), np.stack([r_factor, z_factor, r], axis=1), dh.copy()
    step = gru.backward_steps(dh_new, w_hh, np.empty_like(dh), np.empty_like(dh), np.empty_like(d_hid))
    step(g_out, z, d_n, d_hid, d_hid.reshape(rows, 3 * hidden))
    assert np.array_equal(d_n, expected[0])
    assert np.array_equal(d_hid, expected[1])
    assert np.array_equal(dh_new, expected[2])


def _small_weights(seed=0, hidden=4, inputs=3):
    rng = np.random.default_rng(seed)
    shapes = ((3 * hidden, inputs), (3 * hidden, hidden), (3 * hidden,), (3 * hidden,))
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def test_a_small_models_step_is_made_once_per_batch_size(monkeypatch):
    """Unchanged small weights come back from `prepared` as the same arrays: their step is kept
    (made once), a new batch size makes its own, and the outputs are those of a fresh step."""
    tinygrad_rnn.manual_seed(3)
    module = tinygrad_rnn.nn.GRU(3, 4)
    x, wide = tinygrad_rnn.randn(5, 2, 3), tinygrad_rnn.randn(5, 6, 3)
    made, make = [], gru.forward_steps
    monkeypatch.setattr(gru, "forward_steps", lambda *args: made.append(1) or make(*args))
    getattr(gru._made, "steps", {}).clear()  # a cache filled by earlier tests would be cleared mid-test when full
    with tinygrad_rnn.no_grad():
        first = module(x)[0].numpy().copy()
        again = module(x)[0].numpy()
        assert len(made) == 1 and np.array_equal(again, first)
        module(wide)
        assert len(made) == 2
        module(x)
        assert len(made) == 2
        gru._made.steps.clear()
        assert np.array_equal(module(x)[0].numpy(), first)


def test_kept_steps_are_per_thread():
    """A kept step writes its work space: another thread gets its own step and work space."""
    w_hh3 = np.zeros((3, 4, 4), np.float32)
    here = gru.made_steps(w_hh3, None, 2)
    there: list = []
    worker = threading.Thread(target=lambda: there.append(gru.made_steps(w_hh3, None, 2)))
    worker.start()
    worker.join()
    assert gru.made_steps(w_hh3, None, 2)[0] is here[0]
    assert there[0][0] is not here[0] and there[0][1] is not here[1]


def test_big_weights_steps_are_not_kept():
    """Weights above step_layout.PREPARED_BYTES are prepared afresh at every call: their step is
    made every time and not held (it would keep megabytes of weights alive)."""
    from tinygrad_rnn.kernels.step_layout import PREPARED_BYTES

    hidden = int((PREPARED_BYTES / 12) ** 0.5) + 1  # 3 * hidden^2 float32 > PREPARED_BYTES
    w_hh3 = np.zeros((3, hidden, hidden), np.float32)
    first, second = gru.made_steps(w_hh3, None, 2), gru.made_steps(w_hh3, None, 2)
    assert first[0] is not second[0]
    assert all(entry[0] is not w_hh3 for entry in getattr(gru._made, "steps", {}).values())


def test_kernel_weights_keep_b_hn_apart_as_a_copy():
    """b_hn stays inside r * (...): kernel_weights hands it out as a copy of its part of b_hh
    (the prepared arrays are shared and read-only), None without biases."""
    w_ih, w_hh, b_ih, b_hh = _small_weights()
    _, _, b_hn = gru.kernel_weights(w_ih, w_hh, b_ih, b_hh)
    assert np.array_equal(b_hn, b_hh[8:]) and not np.shares_memory(b_hn, b_hh)
    assert gru.kernel_weights(w_ih, w_hh, None, None)[2] is None


def test_kernel_weights_are_the_gate_major_layout_with_the_bias_row():
    """kernel_weights writes each array once; its numbers are exactly those of the plain
    composition it stands for: bias_row(gate_major(W_ih), b_ih's and b_hh's r, z parts) and
    gate_major(W_hh), the r and z rows negated (zeros become -0, as the multiply by -1 makes them)."""
    from tinygrad_rnn.kernels.step_layout import bias_row, gate_bias, gate_major

    w_ih, w_hh, b_ih, b_hh = _small_weights(hidden=5, inputs=3)
    w_ih[0, 0] = b_ih[1] = 0.0  # a zero of an r row and of an r bias: -0 once negated
    bias = gate_bias(b_ih, (0, 1, 2), 2)
    bias[:2] += gate_bias(b_hh, (0, 1, 2), 2)[:2]
    expected = (bias_row(gate_major(w_ih, (0, 1, 2), 2), bias), gate_major(w_hh, (0, 1, 2), 2))
    for got in (gru.kernel_weights(w_ih, w_hh, b_ih, b_hh), gru.kernel_weights(w_ih, w_hh, b_ih, b_hh, scratch)):
        for a, b in zip(got[:2], expected):
            assert a.shape == b.shape and a.tobytes() == b.tobytes()
    no_bias = gru.kernel_weights(w_ih, w_hh, None, None)
    assert no_bias[0].tobytes() == gate_major(w_ih, (0, 1, 2), 2).tobytes() and no_bias[2] is None


def test_big_weights_are_prepared_into_the_same_arrays_at_every_call(monkeypatch):
    """Weights prepared afresh at every call (over PREPARED_BYTES) go into arrays reused from one
    call to the next (scratch): made fresh, their megabytes cost page faults at every call."""
    from tinygrad_rnn.kernels.step_layout import PREPARED_BYTES, StepLayout

    hidden = int((PREPARED_BYTES / 12) ** 0.5) + 1  # 3 * hidden^2 float32 > PREPARED_BYTES
    w_ih, w_hh, b_ih, b_hh = _small_weights(hidden=hidden, inputs=3)
    made = []
    real = gru.kernel_weights
    x, h0 = np.ones((2, 1, 3), np.float32), np.zeros((1, hidden), np.float32)
    monkeypatch.setattr(gru, "kernel_weights", lambda *args: made.append(real(*args)) or made[-1])
    for _ in range(2):
        gru.gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, StepLayout(2, 1, None, False), keep=False)
    assert made[0][0] is made[1][0] and made[0][1] is made[1][1]


def test_a_d_hid_too_big_for_scratch_is_kept_between_backward_calls():
    """The long shape's d_hid (6 MB, over scratch's limit) is the same array at the next call:
    made fresh, it cost ~2,200 page faults per forward+backward."""
    shape = (1000, 8, 3, 64)  # the long benchmark shape's d_hid, float32
    first = gru.big_d_hid(shape, np.dtype(np.float32))
    assert first.nbytes >= gru.KEEP_BYTES
    assert gru.big_d_hid(shape, np.dtype(np.float32)) is first
    assert gru.big_d_hid((1000, 8, 3, 65), np.dtype(np.float32)) is not first  # another shape: another array


def test_the_long_shapes_backward_reuses_its_d_hid(monkeypatch):
    """gru_backward takes its d_hid from big_d_hid when scratch would not keep it."""
    made = []
    monkeypatch.setattr(gru, "big_d_hid", lambda shape, dtype: made.append(shape) or np.empty(shape, dtype))
    steps, batch, inputs, hidden = 1000, 8, 4, 64
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps, batch, inputs)).astype(np.float32)
    h0 = np.zeros((batch, hidden), np.float32)
    w_ih = (0.1 * rng.standard_normal((3 * hidden, inputs))).astype(np.float32)
    w_hh = (0.1 * rng.standard_normal((3 * hidden, hidden))).astype(np.float32)
    layout = gru.StepLayout(steps, batch, None, False)
    saved = gru.gru_forward(x, h0, w_ih, w_hh, None, None, layout)
    gru.gru_backward(np.ones((steps, batch, hidden), np.float32), h0, x, h0, w_ih, w_hh, saved, layout)
    assert made == [(steps, batch, 3, hidden)]


def test_a_d_hid_over_the_keep_limit_is_made_fresh():
    shape = (gru.D_HID_KEEP_BYTES // (3 * 64 * 4) + 1, 1, 3, 64)
    first = gru.big_d_hid(shape, np.dtype(np.float32))
    assert gru.big_d_hid(shape, np.dtype(np.float32)) is not first

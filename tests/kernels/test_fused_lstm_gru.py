"""The fused recurrent kernels' speed tricks keep their numbers (issue 15) and their bits (issue 11).

1. Sigmoid without sigmoid: the GRU kernel computes sigmoid(a) as 1 / (1 + exp(-a)) on
   pre-negated weight rows (its sigmoid gates take one exp call), the LSTM kernel as
   0.5 * tanh(a / 2) + 0.5 on pre-halved rows (its four gates take one tanh call). That is not
   torch's sigmoid bit for bit; the price must stay within float32 rounding. Measured against a float64 reference (torch,
   same weights): our float32 error is at most a small multiple of torch's own float32 error,
   for the outputs and every gradient, on the fused path. The composed path (plain sigmoid) is
   held to the same bound, as a control.
2. Reproducibility: the same seeded program gives the same bits twice, for every family, on
   shapes whose products reach the threaded sizes and on packed input, although the kernels reuse
   their work arrays between calls (backend/scratch.py).
3. Where the README promises it (every product below THREADED_WORK multiply-adds, a time loop's below
   STEP_THREADED_WORK, runs on one BLAS thread whatever the setting), `set_num_threads(1)` and `set_num_threads(2)` give the same bits.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.backend.blas_threads import SERIAL_WORK, THREADED_WORK

KINDS = ("RNN", "GRU", "LSTM")


def run_module(lib, kind, sizes, dtype, seed, proj=False, packed=False, composed=False):
    """Outputs and every gradient (input, h0/c0, parameters) of one nn.`kind` forward+backward,
    with weights, inputs and upstream gradients drawn from `seed` (the same for both libraries)."""
    input_size, hidden, steps, batch, layers = sizes
    rng = np.random.default_rng(seed)
    kwargs = {"proj_size": hidden // 2} if proj else {}
    module = getattr(lib.nn, kind)(input_size, hidden, layers, bidirectional=True, **kwargs)
    module = module.double() if dtype == np.float64 else module
    arrays = {name: rng.uniform(-0.5, 0.5, tuple(p.shape)) for name, p in module.named_parameters()}
    with lib.no_grad():
        for name, p in module.named_parameters():
            p.copy_(lib.tensor(arrays[name].astype(dtype)))
    out_size = hidden // 2 if proj else hidden
    x = lib.tensor(rng.standard_normal((steps, batch, input_size)).astype(dtype), requires_grad=True)
    states = [lib.tensor(rng.standard_normal((2 * layers, batch, out_size)).astype(dtype), requires_grad=True)]
    if kind == "LSTM":
        states.append(lib.tensor(rng.standard_normal((2 * layers, batch, hidden)).astype(dtype), requires_grad=True))
    source = x
    if packed:
        lengths = rng.integers(1, steps + 1, batch).tolist()
        source = lib.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
    hx = tuple(states) if kind == "LSTM" else states[0]
    if composed:
        with tinygrad_rnn.backends.composed_rnn():
            out, final = module(source, hx)
    else:
        out, final = module(source, hx)
    if packed:
        out = lib.nn.utils.rnn.pad_packed_sequence(out, total_length=steps)[0]
    outs = [out, *(final if isinstance(final, tuple) else (final,))]
    upstream = [lib.tensor(rng.standard_normal(tuple(o.shape)).astype(dtype)) for o in outs]
    lib.autograd.backward(outs, upstream)
    grads = [x.grad, *(s.grad for s in states), *(p.grad for p in module.parameters())]
    return [t.detach().numpy() for t in outs + grads]


# ---------------------------------------------------------------- 1. sigmoid through exp
@pytest.mark.parametrize("path", ["fused", "composed"])
@pytest.mark.parametrize("kind, proj", [("GRU", False), ("LSTM", False), ("LSTM", True)])  # proj_size: LSTM only
def test_float32_error_stays_within_torchs_float32_rounding(kind, proj, path):
    torch = require_torch()
    sizes = (6, 10, 12, 4, 2)
    reference = run_module(torch, kind, sizes, np.float64, seed=3, proj=proj)
    theirs = run_module(torch, kind, sizes, np.float32, seed=3, proj=proj)
    ours = run_module(tinygrad_rnn, kind, sizes, np.float32, seed=3, proj=proj, composed=path == "composed")
    for i, (ref, a, b) in enumerate(zip(reference, ours, theirs)):
        assert a.dtype == np.float32, f"result {i} upcast to {a.dtype}"
        scale = np.abs(ref).max() + 1e-30
        our_error, torch_error = np.abs(a - ref).max() / scale, np.abs(b - ref).max() / scale
        # a few float32 roundings more than torch's, never more: eps32 is 1.2e-7
        assert our_error <= 4 * torch_error + 4e-7, (i, our_error, torch_error)


# ---------------------------------------------------------------- 2. same seed, same bits
@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_gives_the_same_bits_twice(kind, packed):
    input_size, hidden, steps, batch, layers = sizes = (32, 64, 30, 16, 2)
    assert steps * batch * input_size * hidden >= SERIAL_WORK  # whole-sequence products may thread
    first = run_module(tinygrad_rnn, kind, sizes, np.float32, seed=5, packed=packed)
    run_module(tinygrad_rnn, kind, (32, 64, 30, 8, 1), np.float32, seed=6)  # another shape in between
    second = run_module(tinygrad_rnn, kind, sizes, np.float32, seed=5, packed=packed)
    for i, (a, b) in enumerate(zip(first, second)):
        assert np.array_equal(a, b), f"result {i} differs between two identical runs"


# ---------------------------------------------------------------- 3. same bits at 1 and 2 threads
@pytest.mark.parametrize("kind", KINDS)
def test_same_bits_at_one_and_two_threads_below_the_threaded_size(kind):
    input_size, hidden, steps, batch, layers = sizes = (32, 48, 20, 16, 1)
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[kind]
    biggest = steps * batch * max(input_size, hidden) * 2 * gates * hidden  # both directions' products
    assert SERIAL_WORK <= biggest < THREADED_WORK  # where the README promises the same bits
    before = tinygrad_rnn.get_num_threads()
    try:
        results = []
        for threads in (1, 2):
            tinygrad_rnn.set_num_threads(threads)
            results.append(run_module(tinygrad_rnn, kind, sizes, np.float32, seed=7, packed=True))
    finally:
        tinygrad_rnn.set_num_threads(before)
    for i, (a, b) in enumerate(zip(*results)):
        assert np.array_equal(a, b), f"result {i} differs between 1 and 2 threads"


# ---------------------------------------------------------------- 4. the numpy inference layer loop
@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
def test_inference_stack_with_dropout_gives_the_recording_forwards_bits(kind):
    """Under no_grad the whole stack runs on arrays (recurrence.infer_layers); in training mode its
    dropout masks, drawn from the same seed, multiply in exactly as the graph's layer loop does."""
    module = getattr(tinygrad_rnn.nn, kind)(5, 6, num_layers=3, dropout=0.4, bidirectional=True)
    x = tinygrad_rnn.randn(7, 3, 5)
    results = []
    for record in (True, False):
        tinygrad_rnn.manual_seed(11)
        with tinygrad_rnn.set_grad_enabled(record):
            out, state = module(x)
        assert (out.grad_fn is not None) == record
        results.append([t.detach().numpy() for t in (out, *(state if isinstance(state, tuple) else (state,)))])
    for i, (a, b) in enumerate(zip(*results)):
        assert np.array_equal(a, b), f"result {i}: inference differs from the recording forward"


# ---------------------------------------------------------------- 5. backward never writes what forward saved
@pytest.mark.parametrize("kind, proj", [("GRU", False), ("LSTM", False), ("LSTM", True)])
def test_second_backward_of_a_retained_graph_gives_the_same_gradients(kind, proj):
    """The backward kernels write their gate factors into their own gradient arrays, never into the
    arrays forward saved: a retained graph's second backward reads those again and must find them
    as they were (packed input: the padded rows are zeroed in the gradient arrays too)."""
    rng = np.random.default_rng(13)
    module = getattr(tinygrad_rnn.nn, kind)(5, 6, num_layers=2, **({"proj_size": 3} if proj else {}))
    x = tinygrad_rnn.tensor(rng.standard_normal((7, 4, 5)).astype(np.float32), requires_grad=True)
    packed = tinygrad_rnn.nn.utils.rnn.pack_padded_sequence(x, [7, 3, 5, 1], enforce_sorted=False)
    out, _ = module(packed)
    out = tinygrad_rnn.nn.utils.rnn.pad_packed_sequence(out, total_length=7)[0]
    upstream = tinygrad_rnn.tensor(rng.standard_normal(tuple(out.shape)).astype(np.float32))
    wanted = [x, *module.parameters()]
    first = tinygrad_rnn.autograd.grad(out, wanted, upstream, retain_graph=True)
    second = tinygrad_rnn.autograd.grad(out, wanted, upstream)
    for i, (a, b) in enumerate(zip(first, second)):
        assert np.array_equal(a.numpy(), b.numpy()), f"gradient {i} differs in the second backward"


# ---------------------------------------------------------------- 6. the input projection's two ways
@pytest.mark.parametrize("with_bias", [False, True])
def test_projection_is_the_same_product_on_one_thread_and_when_threaded(with_bias):
    """project_gate_major writes per (step, gate) block on one thread and per gate when the
    product is big enough to thread; both give x @ W^T + b in the kernel's gate order and sign,
    the bias added inside the product (its row in the weights, a column of ones in x)."""
    from tinygrad_rnn.backend.blas_threads import runs_threaded
    from tinygrad_rnn.kernels.step_layout import bias_row, gate_bias, gate_major, project_gate_major

    rng = np.random.default_rng(17)
    steps, batch, inputs, hidden, order = 32, 128, 128, 32, (0, 1, 3, 2)
    x = rng.standard_normal((steps, batch, inputs)).astype(np.float32)
    w_torch = rng.standard_normal((4 * hidden, inputs)).astype(np.float32)
    b_torch = rng.standard_normal(4 * hidden).astype(np.float32)
    rows = np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in order])
    sign = np.repeat([-1.0, -1.0, 1.0, 1.0], hidden)  # the first two gates negated
    expected = x.astype(np.float64) @ (w_torch[rows].T * sign) + (b_torch[rows] * sign if with_bias else 0)
    expected = expected.reshape(steps, batch, 4, hidden).transpose(0, 2, 1, 3)
    before = tinygrad_rnn.get_num_threads()
    try:
        for threads in (1, 2):
            tinygrad_rnn.set_num_threads(threads)
            assert runs_threaded(steps * batch, inputs, 4 * hidden) == (threads == 2)
            got = project_gate_major(x, bias_row(gate_major(w_torch, order, 2),
                                                 gate_bias(b_torch, order, 2) if with_bias else None))
            assert got.dtype == np.float32 and got.shape == (steps, 4, batch, hidden)
            np.testing.assert_allclose(got, expected, rtol=0, atol=2e-5 * np.abs(expected).max())
    finally:
        tinygrad_rnn.set_num_threads(before)


# ---------------------------------------------------------------- 7. the inference steps' own arithmetic
@pytest.mark.parametrize("proj", [False, True])
def test_lstm_inference_step_gives_the_recording_steps_bits_also_where_gates_saturate(proj):
    """lstm.inference_steps' step and forward_steps' both form f * c and i * tanh(g) in one call,
    one from its work array, the other from the step's block of kept arrays (gates, then c_{t-1});
    both give the same c_t and h_t bit for bit as the plain formula, and a sigmoid gate saturated
    to 0 (0.5 * tanh(a / 2) + 0.5 with tanh at -1) gives exactly 0."""
    from tinygrad_rnn.kernels import lstm

    rng = np.random.default_rng(19)
    batch, hidden, out_size = 5, 7, 3 if proj else 7
    g = rng.standard_normal((4, batch, hidden)).astype(np.float32) * 4
    g[:3, 0] = -100.0  # the halved rows: a / 2 = -100, the sigmoid is 0
    h = rng.standard_normal((batch, out_size)).astype(np.float32)
    c = rng.standard_normal((batch, hidden)).astype(np.float32)
    w_hh4 = rng.standard_normal((4, out_size, hidden)).astype(np.float32) * 0.1
    w_hr_t = rng.standard_normal((hidden, out_size)).astype(np.float32) if proj else None
    recorded = [np.empty((batch, hidden), np.float32) for _ in range(3)]
    h_recorded = np.empty((batch, out_size), np.float32)
    held = np.concatenate([g, c[None]])
    lstm.forward_steps(w_hh4, np.empty_like(g), w_hr_t)(held[:4], held[:3], held[:2], held[3:], held[2], h, recorded[0],
                                                        recorded[1], h_recorded, recorded[2] if proj else None)
    act, tanh_c, h_inferred = np.concatenate([np.empty_like(g), c[None]]), np.empty_like(c), np.empty_like(h)
    step = lstm.inference_steps(w_hh4, act, tanh_c, np.empty_like(g), np.empty_like(c) if proj else None, w_hr_t)
    step(g, h, h_inferred)
    assert np.array_equal(act[4], recorded[0]) and np.array_equal(tanh_c, recorded[1])
    assert np.array_equal(h_inferred, h_recorded)
    assert np.array_equal(act[:4], held[:4])  # the same activations as the recording step keeps
    assert np.array_equal(held[4], c)  # the cell state the step started from is left for backward
    # the plain formula, in float32 with the same roundings: c_t = f * c + i * tanh(g)
    i, f, o, tanh_g = act[:4]
    assert np.array_equal(recorded[0], f * c + i * tanh_g)
    cell_out = o * np.tanh(recorded[0])
    assert np.array_equal(h_recorded, cell_out if w_hr_t is None else cell_out @ w_hr_t)
    assert np.array_equal(recorded[0][0], np.zeros(hidden, np.float32))  # i = f = 0: c_t = 0
    assert np.array_equal(h_recorded[0], np.zeros(out_size, np.float32))  # o = 0: h_t = 0


@pytest.mark.parametrize("bias", [False, True])
def test_gru_step_leaves_e_for_the_sigmoids_formed_after_the_loop_also_where_exp_overflows(bias):
    """gru.forward_steps' step forms no sigmoid: r and z scale by dividing by e = 1 + exp(-a), and the
    gates keep e; form_sigmoids turns e into the sigmoids backward reads. Saturated gates (exp
    overflowing to inf) give no NaN in h_t, and sigmoids of exactly 0."""
    from tinygrad_rnn.kernels import gru
    from tinygrad_rnn.kernels.step_layout import StepLayout, form_sigmoids

    rng = np.random.default_rng(23)
    batch, hidden = 5, 7
    g = rng.standard_normal((3, batch, hidden)).astype(np.float32) * 4
    g[:2, 0] = 200.0  # the negated rows: exp(200) overflows, r = z = 0
    h = rng.standard_normal((batch, hidden)).astype(np.float32)
    w_hh3 = rng.standard_normal((3, hidden, hidden)).astype(np.float32) * 0.1
    b_hn = rng.standard_normal(hidden).astype(np.float32) if bias else None
    gates, h_n, h_new = g.copy(), np.empty_like(h), np.empty_like(h)
    with np.errstate(over="ignore"):
        gru.forward_steps(w_hh3, b_hn, np.empty_like(g))(gates[:2], gates[2], h, h_n, h_new)
    e = gates[:2].copy()
    form_sigmoids(gates[None, :2], StepLayout(1, batch, None, False))
    assert np.all(np.isfinite(h_new))
    assert np.array_equal(h_new[0], gates[2, 0])  # z = 0: h_t = n
    assert np.array_equal(gates[:2], np.reciprocal(e))
    assert np.array_equal(gates[:2, 0], np.zeros((2, hidden), np.float32))  # the sigmoids backward reads


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
def test_sigmoids_formed_after_the_loop_stay_silent_on_packed_padding(mode):
    """form_sigmoids runs over every row of every step; with packed input the rows past an
    element's length were never activated and hold raw terms, 0 where padding meets no bias.
    Their 1 / 0 is never read and must not warn (torch prints nothing)."""
    import warnings

    from tinygrad_rnn.nn.utils.rnn import pack_padded_sequence

    module = getattr(tinygrad_rnn.nn, mode)(3, 4, bias=False)
    x = tinygrad_rnn.randn(5, 2, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = module(pack_padded_sequence(x, [5, 2]))
        out.data.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))


# ---------------------------------------------------------------- 8. the prepared weights are never stale
def _write_in_place(module, route):
    """Change weight_ih_l0 and bias_hh_l0 by one of the routes that do not all bump _version."""
    w, b = module.weight_ih_l0, module.bias_hh_l0
    if route == "data":  # p.data shares the array and, as in torch, not the version counter
        w.data.mul_(1.5)
        b.data.add_(0.25)
    elif route == "numpy":
        w.detach().numpy()[...] *= 1.5
        b.detach().numpy()[0] += 0.25
    elif route == "array":  # what optim/swa_utils.py does
        w._data[...] = w._data * 1.5
        b._data[...] = b._data + 0.25
    elif route == "optimizer":
        w.grad, b.grad = tinygrad_rnn.ones_like(w), tinygrad_rnn.ones_like(b)
        tinygrad_rnn.optim.SGD([w, b], lr=0.5).step()
    else:
        module.load_state_dict({k: v * 1.5 for k, v in module.state_dict().items()})


@pytest.mark.parametrize("mode", ["LSTM", "GRU"])
@pytest.mark.parametrize("route", ["data", "numpy", "array", "optimizer", "load_state_dict"])
def test_a_weight_changed_by_any_route_is_seen_by_the_next_call(mode, route, monkeypatch):
    """The kernels keep their gate-major weights between calls (step_layout.prepared), keyed on
    the weights' contents: a call after a change by any route gives what a cold call gives."""
    from tinygrad_rnn.kernels import step_layout

    tinygrad_rnn.manual_seed(5)
    module = getattr(tinygrad_rnn.nn, mode)(3, 4)
    x = tinygrad_rnn.randn(4, 2, 3)
    kernel = getattr(tinygrad_rnn.kernels, mode.lower())
    made, make = [], kernel.kernel_weights
    monkeypatch.setattr(kernel, "kernel_weights", lambda *args: made.append(1) or make(*args))
    warm = module(x)[0].detach().numpy().copy()
    assert np.array_equal(module(x)[0].detach().numpy(), warm) and len(made) == 1  # the second call reused them
    _write_in_place(module, route)
    seen = module(x)[0].detach().numpy().copy()
    assert len(made) == 2
    step_layout._prepared.clear()
    cold = module(x)[0].detach().numpy()
    assert not np.array_equal(seen, warm)
    assert np.array_equal(seen, cold)


def test_prepared_weights_are_reused_and_read_only():
    """A second call on unchanged weights makes nothing new; new contents in the same array make
    them again; what the calls share cannot be written."""
    from tinygrad_rnn.kernels import step_layout

    source, other, made = np.ones(3), np.zeros((2, 2)), []

    def make():
        made.append(source.copy())
        return (source * 2, None)

    first = step_layout.prepared("test", (source, other, None), make)
    second = step_layout.prepared("test", (source, other, None), make)
    source[0] = 5.0
    third = step_layout.prepared("test", (source, other, None), make)
    assert second[0] is first[0] and len(made) == 2
    assert third[1] is None and np.array_equal(third[0], [10.0, 2.0, 2.0])
    with pytest.raises(ValueError):
        first[0][0] = 1.0


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("steps_per_block", [1, 3])
def test_lstm_backward_factors_in_blocks_give_the_whole_sequences_bits(packed, steps_per_block, monkeypatch):
    """lstm_backward runs back in time block by block of at most STEP_BLOCK_BYTES of dpre, each
    block's gate factors made just before its steps (lstm.gate_factors, on contiguous copies; the
    last block shorter, and run first; c_{t-1} of a block's first step is in that step's own slot
    of held): every output and gradient is the same bit for bit as with the whole sequence as one block."""
    from tinygrad_rnn.kernels import lstm

    sizes = (5, 6, 4, 3, 2)  # 4 steps; dpre has 3 * 4 * 6 float32 a step (288 bytes)
    whole = run_module(tinygrad_rnn, "LSTM", sizes, np.float32, seed=11, packed=packed)
    monkeypatch.setattr(lstm, "STEP_BLOCK_BYTES", steps_per_block * 288)  # blocks of 1 step, or 3 then 1
    blocks = run_module(tinygrad_rnn, "LSTM", sizes, np.float32, seed=11, packed=packed)
    for i, (a, b) in enumerate(zip(whole, blocks)):
        assert np.array_equal(a, b), f"result {i} differs between one block and several"


@pytest.mark.parametrize("packed", [False, True])
def test_gru_backward_factors_in_blocks_give_the_whole_sequences_bits(packed, monkeypatch):
    """gru.gru_factors works block by block of steps once d_hid outgrows STEP_BLOCK_BYTES (each
    block on contiguous copies, the last block shorter, the state before a block read from the
    previous block's output): every output and gradient is the same bit for bit as in one block."""
    from tinygrad_rnn.kernels import gru

    sizes = (5, 6, 4, 3, 2)  # 4 steps; d_hid has 3 * 3 * 6 float32 a step
    whole = run_module(tinygrad_rnn, "GRU", sizes, np.float32, seed=11, packed=packed)
    monkeypatch.setattr(gru, "STEP_BLOCK_BYTES", 3 * 216)  # blocks of 3 steps, then 1
    blocks = run_module(tinygrad_rnn, "GRU", sizes, np.float32, seed=11, packed=packed)
    for i, (a, b) in enumerate(zip(whole, blocks)):
        assert np.array_equal(a, b), f"result {i} differs between one block and several"


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_a_broadcast_upstream_gradient_made_contiguous_gives_the_same_bits(kind, bidirectional, monkeypatch):
    """The gradient of out.sum() reaches backward as a broadcast view; below SMALL_BYTES the
    kernels copy it into a contiguous array first (step_layout.contiguous_if_small), above they
    read one contiguous step of it broadcast over time (the LSTM reads one contiguous row of it
    for every step: lstm.block_steps): the same gradients bit for bit."""
    from tinygrad_rnn.kernels import step_layout

    def gradients():
        tinygrad_rnn.manual_seed(3)
        module = getattr(tinygrad_rnn.nn, kind)(4, 3, 2, bidirectional=bidirectional)
        x = tinygrad_rnn.randn(5, 2, 4, requires_grad=True)
        out, state = module(x)
        states = state if isinstance(state, tuple) else (state,)
        (out.sum() + sum(s.sum() for s in states)).backward()
        return [t.grad.numpy().copy() for t in (x, *module.parameters())]

    copied = gradients()
    monkeypatch.setattr(step_layout, "SMALL_BYTES", 0)  # every array above the size
    as_views = gradients()
    for i, (a, b) in enumerate(zip(copied, as_views)):
        assert np.array_equal(a, b), f"gradient {i} differs"


def test_contiguous_if_small_copies_only_small_strided_arrays():
    from tinygrad_rnn.kernels.step_layout import SMALL_BYTES, contiguous_if_small

    ones = np.broadcast_to(np.float32(1), (5, 3, 2))
    small = contiguous_if_small(ones)
    assert small.flags.c_contiguous and np.array_equal(small, ones)
    contiguous = np.zeros((5, 3, 2), np.float32)
    assert contiguous_if_small(contiguous) is contiguous
    large = np.broadcast_to(np.float32(1), (SMALL_BYTES // 4 + 1,))
    assert contiguous_if_small(large) is large  # a copy of a large one would cost memory at backward's peak


def test_a_large_gradient_broadcast_over_time_is_read_as_one_contiguous_step():
    """Above SMALL_BYTES, out.sum()'s gradient (a broadcast over time) is not copied whole, but each
    step's view becomes contiguous (numpy's fast path in the backward loops): one step, broadcast."""
    from tinygrad_rnn.kernels.step_layout import SMALL_BYTES, contiguous_if_small

    row = np.arange(4, dtype=np.float32)
    steps = SMALL_BYTES // (2 * 2 * 4) + 1  # (so that even half of the gradient is above the size)
    gradient = np.broadcast_to(row, (steps, 2, 4))  # each step a (2, 4) view of stride 0 on its rows
    for given in (gradient, gradient[..., :2]):  # (the second: one direction's half, bidirectional)
        read = contiguous_if_small(given)
        assert read.strides[0] == 0 and read[steps - 1].flags.c_contiguous
        assert np.array_equal(read, given)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gru_input_gradients_are_one_product_over_the_three_gates(dtype):
    """dx and dW_ih of the GRU are each ONE product with the gradient of the input pre-activation
    g (steps*batch, 3H): dW_ih = g^T x and dx = g W_ih, not a product per part of the gates summed.
    With one-hot input rows x = I, dW_ih = g^T exactly (every other term is a product with 0), so
    dx must be the product of that g with W_ih bit for bit (a sum of two products rounds differently)."""
    steps, batch, hidden = 3, 4, 16
    inputs = steps * batch
    rng = np.random.default_rng(5)
    module = tinygrad_rnn.nn.GRU(inputs, hidden)
    module = module.double() if dtype == np.float64 else module
    with tinygrad_rnn.no_grad():
        for p in module.parameters():
            p.copy_(tinygrad_rnn.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(dtype)))
    x = tinygrad_rnn.tensor(np.eye(inputs, dtype=dtype).reshape(steps, batch, inputs), requires_grad=True)
    out, h = module(x)
    tinygrad_rnn.autograd.backward([out, h], [tinygrad_rnn.tensor(rng.standard_normal(t.shape).astype(dtype))
                                              for t in (out, h)])
    g = np.ascontiguousarray(module.weight_ih_l0.grad.numpy().T)  # (steps*batch, 3H)
    expected = np.matmul(g, module.weight_ih_l0.detach().numpy()).reshape(x.shape)
    assert np.array_equal(x.grad.numpy(), expected)

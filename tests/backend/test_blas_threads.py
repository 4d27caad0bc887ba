"""backend/blas_threads.py: which products of the RNN benchmark shapes run on the set thread count.

The rule is of the shape and the setting only (reproducible); these cases pin where its lines fall.
A time loop's per-step products (`per_step=True`) use both threads from STEP_THREADED_WORK: the
large shapes' do, the medium shapes' stay on one. Other products use both threads from
THREADED_WORK, so the medium shapes' whole-sequence products (calls of a few ms, where one wait for
a second thread that lost its core doubles the call) stay on one thread.
"""
import importlib

import pytest

import tinygrad_rnn
from tinygrad_rnn.backend import blas_threads
from tinygrad_rnn.backend.blas_threads import runs_threaded

PER_STEP_THREADED = {  # (m, k, n) of products the kernels run, benchmarks/_families.py shapes
    "large RNN step h @ W_hh^T": (64, 512, 512),
    "large GRU step h @ W_hh^T": (64, 512, 1536),
    "large GRU backward step": (64, 1536, 512),
    "large LSTM step h @ W_hh^T": (64, 512, 2048),
}
PER_STEP_ONE_THREAD = {
    "medium RNN step": (32, 128, 128),
    "medium GRU step": (32, 128, 3 * 128),
    "medium LSTM step": (32, 128, 4 * 128),
    "medium LSTM backward step dpre @ W_hh": (32, 4 * 128, 128),
}
WHOLE_SEQUENCE_ONE_THREAD = {
    "medium RNN input projection": (50 * 32, 64, 128),
    "medium RNN weight gradients": (50 * 32, 128, 128),
    "medium GRU input projection (bias row)": (50 * 32, 65, 3 * 128),
    "large RNN step, were it not a step": (64, 512, 512),
}


@pytest.fixture
def two_threads():
    before = tinygrad_rnn.get_num_threads()
    tinygrad_rnn.set_num_threads(2)
    yield
    tinygrad_rnn.set_num_threads(before)


@pytest.mark.parametrize("name", PER_STEP_THREADED)
def test_large_per_step_products_use_the_set_thread_count(name, two_threads):
    assert runs_threaded(*PER_STEP_THREADED[name], per_step=True)


@pytest.mark.parametrize("name", PER_STEP_ONE_THREAD)
def test_medium_per_step_products_stay_on_one_thread(name, two_threads):
    assert not runs_threaded(*PER_STEP_ONE_THREAD[name], per_step=True)


@pytest.mark.parametrize("name", WHOLE_SEQUENCE_ONE_THREAD)
def test_medium_whole_sequence_products_stay_on_one_thread(name, two_threads):
    assert not runs_threaded(*WHOLE_SEQUENCE_ONE_THREAD[name])


def test_one_thread_setting_never_threads(two_threads):
    tinygrad_rnn.set_num_threads(1)
    assert not any(runs_threaded(*shape, per_step=True) for shape in PER_STEP_THREADED.values())


@pytest.mark.parametrize("kind, gates", [("RNN", 1), ("GRU", 3), ("LSTM", 4)])
def test_the_kernels_time_loops_ask_for_per_step_products(monkeypatch, kind, gates):
    """Each family's forward and backward loop asks with per_step=True for its step's product
    (batch, hidden) @ (hidden, gates*hidden), backward (batch, gates*hidden) @ (gates*hidden, hidden)."""
    asked = []

    def recording(m, k, n, per_step=False):
        asked.append(((m, k, n), per_step))
        return blas_threads.threads_for(m, k, n, per_step)

    module_name = {"RNN": "rnn", "GRU": "gru", "LSTM": "lstm"}[kind]
    monkeypatch.setattr(importlib.import_module(f"tinygrad_rnn.kernels.{module_name}"), "threads_for", recording)
    batch, hidden = 3, 4
    module = getattr(tinygrad_rnn.nn, kind)(5, hidden)
    out, _ = module(tinygrad_rnn.randn(6, batch, 5, requires_grad=True))
    out.sum().backward()
    per_step = {shape for shape, step in asked if step}
    assert per_step == {(batch, hidden, gates * hidden), (batch, gates * hidden, hidden)}

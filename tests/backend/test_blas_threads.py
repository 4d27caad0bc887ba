"""backend/blas_threads.py: which products of the RNN benchmark shapes run on the set thread count.

The rule is of the shape and the setting only (reproducible); these cases pin where its line falls:
the large shapes' per-step products and the medium and long shapes' whole-sequence products use
both threads, the medium shapes' per-step products stay on one (a neighbour's load costs those the
most: they wait at every step for a second thread).
"""
import pytest

import tinygrad_rnn
from tinygrad_rnn.backend.blas_threads import runs_threaded

THREADED = {  # (m, k, n) of products the kernels run, benchmarks/_families.py shapes
    "large RNN step h @ W_hh^T": (64, 512, 512),
    "large GRU step h @ W_hh^T": (64, 512, 1536),
    "large LSTM step h @ W_hh^T": (64, 512, 2048),
    "medium GRU input projection (bias row)": (50 * 32, 65, 3 * 128),
    "medium RNN input projection": (50 * 32, 64, 128),
    "long GRU input projection (bias row)": (1000 * 8, 33, 3 * 64),
}
ONE_THREAD = {
    "medium RNN step": (32, 128, 128),
    "medium GRU step": (32, 128, 3 * 128),
    "medium LSTM step": (32, 128, 4 * 128),
    "medium LSTM backward step dpre @ W_hh": (32, 4 * 128, 128),
}


@pytest.fixture
def two_threads():
    before = tinygrad_rnn.get_num_threads()
    tinygrad_rnn.set_num_threads(2)
    yield
    tinygrad_rnn.set_num_threads(before)


@pytest.mark.parametrize("name", THREADED)
def test_big_products_use_the_set_thread_count(name, two_threads):
    assert runs_threaded(*THREADED[name])


@pytest.mark.parametrize("name", ONE_THREAD)
def test_medium_per_step_products_stay_on_one_thread(name, two_threads):
    assert not runs_threaded(*ONE_THREAD[name])


def test_one_thread_setting_never_threads(two_threads):
    tinygrad_rnn.set_num_threads(1)
    assert not any(runs_threaded(*shape) for shape in THREADED.values())

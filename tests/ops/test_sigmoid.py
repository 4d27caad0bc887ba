"""float32 sigmoid to torch's bit: SLEEF's expf where torch's loop is vectorized, the nearest float elsewhere."""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg

VIEWS = {  # what torch's elementwise loop sees of each: its runs over memory decide where it vectorizes
    "transposed": lambda t: t.T,
    "rows with a step": lambda t: t[::2],
    "33 columns of 40": lambda t: t[:, :33],
    "permuted 3-d": lambda t: t.reshape(10, 5, 40)[:, :, :33].permute(1, 2, 0),
    "a row expanded": lambda t: t[:1].expand(7, 40),
    "a column expanded": lambda t: t[:, :1].expand(50, 40),
    "a column expanded, transposed": lambda t: t[:, :1].expand(50, 40).T,
    "a new dim": lambda t: t[:, None, :33],
}


@pytest.mark.parametrize("view", VIEWS)
def test_float32_sigmoid_of_a_view_is_torchs_to_the_bit(view):
    # torch vectorizes over each contiguous run of the input's memory (steps of 32): the nearest float in a
    # run's tail. Computed over the elements in C order, a transposed or sliced input was an ulp off here and there
    torch = require_torch()
    x = (np.random.default_rng(1).standard_normal((50, 40)) * 5).astype(np.float32)
    ours, theirs = (m.sigmoid(VIEWS[view](m.tensor(x))).numpy() for m in (tg, torch))
    np.testing.assert_array_equal(ours, theirs)


def test_sigmoid_at_exps_edges_is_torchs_to_the_bit():
    torch = require_torch()
    x = np.array([100, 100.00001, 99.99999, -88.72, -88.73, 103.97, 103.98, 104, 104.00001, 110, -110, 1e-40, -1e-40, 0.0,
                  -0.0, np.nan, np.inf, -np.inf, 3e38, -3e38] + list(np.linspace(-30, 30, 44)), np.float32)
    ours, theirs = (m.sigmoid(m.tensor(x)).numpy() for m in (tg, torch))
    np.testing.assert_array_equal(ours, theirs)

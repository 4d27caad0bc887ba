"""torch.signal.windows: every window's values (float32 and float64), gradients and refusals against torch's."""
from __future__ import annotations

import pytest

import tinygrad_rnn
from tests.helpers import check_error, check_parity, require_torch

WINDOWS = {  # each window with arguments of its own that are not the defaults
    "bartlett": {}, "blackman": {}, "cosine": {}, "exponential": {"tau": 0.5}, "gaussian": {"std": 2.5},
    "general_cosine": {"a": [0.5, 0.3, 0.2]}, "general_hamming": {"alpha": 0.6}, "hamming": {}, "hann": {},
    "kaiser": {"beta": 5.0}, "nuttall": {},
}


@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("name", WINDOWS)
def test_windows_match_torch_in_both_float_types(name, sym):
    for dtype in ("float32", "float64"):
        for M in (0, 1, 2, 5, 16):
            check_parity(lambda m, M=M, dtype=dtype: getattr(m.signal.windows, name)(M, sym=sym, dtype=getattr(m, dtype),
                                                                                     **WINDOWS[name]))


@pytest.mark.parametrize("name", WINDOWS)
def test_windows_made_with_requires_grad_are_differentiable_as_torchs(name):
    """The window is a function of linspace's points, so it has torch's node and its gradient reaches them."""
    torch = require_torch()
    names = []
    for m in (torch, tinygrad_rnn):
        w = getattr(m.signal.windows, name)(6, dtype=m.float64, requires_grad=True, **WINDOWS[name])
        names.append(type(w.grad_fn).__name__)
    assert names[0] == names[1]
    check_parity(lambda m: getattr(m.signal.windows, name)(6, dtype=m.float64, requires_grad=True, **WINDOWS[name]))


def test_window_options_that_move_it_match_torch():
    check_parity(lambda m: m.signal.windows.exponential(7, sym=False, center=2.0, tau=0.5, dtype=m.float64))
    check_parity(lambda m: m.signal.windows.kaiser(7, beta=0.0, dtype=m.float64))
    check_parity(lambda m: m.signal.windows.general_cosine(0, a=5))  # no points: the coefficients are not read


@pytest.mark.parametrize("call", [
    lambda m: m.signal.windows.hann(-1), lambda m: m.signal.windows.blackman(-1),
    lambda m: m.signal.windows.hann(3, dtype=m.int64), lambda m: m.signal.windows.cosine(3, dtype=m.float16),
    lambda m: m.signal.windows.hann(3, layout=m.sparse_coo), lambda m: m.signal.windows.general_cosine(3, a=5),
    lambda m: m.signal.windows.general_cosine(3, a=[]), lambda m: m.signal.windows.exponential(3, center=1.0),
    lambda m: m.signal.windows.exponential(3, tau=0), lambda m: m.signal.windows.gaussian(3, std=-1),
    lambda m: m.signal.windows.kaiser(3, beta=-1), lambda m: m.signal.windows.kaiser(-2, beta=-1),
])
def test_window_refusals_match_torch(call):
    check_error(call)


def test_windows_use_the_default_dtype():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        m.set_default_dtype(m.float64)
        try:
            assert m.signal.windows.nuttall(5).dtype is m.float64
        finally:
            m.set_default_dtype(m.float32)

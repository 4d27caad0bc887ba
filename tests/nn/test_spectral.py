"""torch.stft against torch (its real form, return_complex=False: tinygrad_rnn has no complex tensors): values
and gradients to the signal and the window for each argument, finite differences in float64, the warnings
and torch's errors in its order; istft, which torch gives only complex input, refuses as torch does."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(0)
SIGNAL, BATCH = RNG.standard_normal(40), RNG.standard_normal((2, 40))


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the deprecation of the real form; test_warnings checks it)
        yield


@pytest.mark.parametrize("kwargs", [
    dict(n_fft=8), dict(n_fft=8, hop_length=3, win_length=6), dict(n_fft=8, onesided=False),
    dict(n_fft=8, normalized=True), dict(n_fft=8, center=False), dict(n_fft=8, pad_mode="constant"),
    dict(n_fft=8, pad_mode="circular"), dict(n_fft=8, pad_mode="replicate"), dict(n_fft=40, center=False),
    dict(n_fft=8, win_length=5, hop_length=2, center=False, align_to_window=True)])
@pytest.mark.parametrize("signal", [SIGNAL, BATCH], ids=["1d", "2d"])
def test_stft_matches_torch_with_gradients(kwargs, signal):
    window = RNG.random(kwargs.get("win_length", kwargs["n_fft"]))
    check_parity(lambda m, x, w: m.stft(x, window=w, return_complex=False, **kwargs), [signal, window])
    check_parity(lambda m, x: x.stft(return_complex=False, **kwargs), [signal])  # (the method, no window)


def test_stft_float32_and_mixed_dtypes():
    check_parity(lambda m, x: m.stft(x, 8, window=m.hann_window(8), return_complex=False), [SIGNAL.astype(np.float32)])
    check_parity(lambda m, x, w: m.stft(x, 8, window=w, return_complex=False),
                 [SIGNAL.astype(np.float32), RNG.random(8)])  # a float64 window makes the result float64
    check_parity(lambda m, x: m.stft(x, 8, window=m.ones(8, dtype=m.int64), return_complex=False),
                 [SIGNAL.astype(np.float32)])


def test_stft_gradients_match_finite_differences():
    check_finite_differences(lambda m, x, w: m.stft(x, 8, hop_length=3, win_length=6, window=w, normalized=True,
                                                    return_complex=False), [SIGNAL[:20], RNG.random(6)])


def test_stft_warnings_match_torch():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.set_warn_always(True)  # (both warn once per process otherwise)
            try:
                m.stft(m.tensor(SIGNAL), 8, return_complex=False)
            finally:
                m.set_warn_always(False)
        seen.append([(w.category.__name__, str(w.message)) for w in caught])
    assert seen[0] == seen[1]


@pytest.mark.parametrize("call", [
    lambda m: m.stft(m.tensor(SIGNAL), 8),
    lambda m: m.stft(m.tensor(SIGNAL), 8, return_complex=False, align_to_window=True),
    lambda m: m.stft(m.zeros(2, 3, 40), 8, return_complex=False),
    lambda m: m.stft(m.zeros(2, 3, 40), 8, center=False, return_complex=False),
    lambda m: m.stft(m.arange(40), 8, center=False, return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 8, hop_length=0, return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 2, return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 60, center=False, win_length=30, return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 8, win_length=9, return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 8, window=m.ones(8, 2), normalized=True, onesided=True,
                     return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 8, window=m.ones(5), return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL[:5]), 16, return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 8, pad_mode="zeros", return_complex=False),
    lambda m: m.stft(m.tensor(SIGNAL), 8, center=False, window=m.ones(8), return_complex=False,
                     align_to_window=False, hop_length=-1),
    lambda m: m.istft(m.zeros(5, 11, 2), 8),
    lambda m: m.zeros(5, 11).istft(8),
])
def test_stft_errors_match_torch(call):
    check_error(call)


def test_complex_spectra_are_named_as_not_built():
    with pytest.raises(NotImplementedError, match="complex"):
        tinygrad_rnn.stft(tinygrad_rnn.tensor(SIGNAL), 8, window=tinygrad_rnn.ones(8), return_complex=True)

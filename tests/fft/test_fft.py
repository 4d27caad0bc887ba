"""torch.fft: the frequencies bit for bit as torch's, the shifts as torch's (and differentiable), the
transforms refused with NotImplementedError (they make or read complex tensors, which tinygrad_rnn has not)."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_frequencies_are_torchs_bits(name, dtype):
    torch = require_torch()
    for n in range(0, 130):
        for d in (1.0, 0.5, 0.1, 3.7, 1e-3, 0.0, -2.0):
            ours = getattr(tinygrad_rnn.fft, name)(n, d, dtype=getattr(tinygrad_rnn, dtype)).numpy()
            theirs = getattr(torch.fft, name)(n, d, dtype=getattr(torch, dtype)).numpy()
            assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes(), (n, d)


def test_frequencies_take_torchs_keywords():
    torch = require_torch()
    for lib in (tinygrad_rnn, torch):
        lib.set_default_dtype(lib.float64)
        try:
            assert lib.fft.fftfreq(4).dtype == lib.float64
        finally:
            lib.set_default_dtype(lib.float32)
    ours, theirs = tinygrad_rnn.fft.rfftfreq(6, 0.5, requires_grad=True), torch.fft.rfftfreq(6, 0.5, requires_grad=True)
    assert ours.requires_grad and ours.is_leaf and ours.tolist() == theirs.tolist()
    out = tinygrad_rnn.empty(5)
    assert tinygrad_rnn.fft.fftfreq(5, out=out) is out and out.tolist() == torch.fft.fftfreq(5).tolist()


@pytest.mark.parametrize("call", [
    lambda t: t.fft.fftfreq(5.0),
    lambda t: t.fft.fftfreq(-1),
    lambda t: t.fft.rfftfreq(4, dtype=t.int64),
    lambda t: t.fft.fftfreq(4, layout=3),
    lambda t: t.fft.fftfreq(4, "a"),
    lambda t: t.fft.rfftfreq(4, None),
])
def test_frequencies_refuse_bad_input_as_torch(call):
    check_error(call)


@pytest.mark.parametrize("shift", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1, (0, 1), (1,)])
def test_shifts_match_torch_with_gradients(shift, dim):
    check_parity(lambda m, x: getattr(m.fft, shift)(x, dim=dim), shapes=[(3, 4)], dtype=np.float64)
    check_parity(lambda m, x: getattr(m.fft, shift)(x, dim=dim), shapes=[(5, 2)], dtype=np.float32)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "rfftn", "irfftn"])
def test_transforms_raise_not_implemented_naming_themselves(name):
    torch = require_torch()
    assert getattr(torch.fft, name)(torch.ones(4, 4)) is not None  # torch takes a real signal for each
    with pytest.raises(NotImplementedError, match=f"torch.fft.{name}\\(\\).*no complex tensors|no complex tensors"):
        getattr(tinygrad_rnn.fft, name)(tinygrad_rnn.ones(4, 4))


def test_every_torch_fft_function_exists():
    torch = require_torch()
    public = [n for n in dir(torch.fft) if not n.startswith("_") and callable(getattr(torch.fft, n))
              and n not in ("Tensor",)]
    assert [n for n in public if not hasattr(tinygrad_rnn.fft, n)] == []

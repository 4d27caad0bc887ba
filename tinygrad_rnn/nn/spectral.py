"""torch.stft and torch.istft: the short-time Fourier transform of a signal, frame by frame.

    spec = torch.stft(wave, n_fft=400, hop_length=160, window=torch.hann_window(400), return_complex=False)
    spec.shape   # (n_fft // 2 + 1 frequencies, 1 + len(wave) // 160 frames, 2: real and imaginary part)

The signal is padded by n_fft // 2 on both sides (center=True, in pad_mode), cut into frames of n_fft
samples every hop_length samples, each frame is multiplied by the window (win_length long, centred in
n_fft) and transformed. The transform is a product with the cosine and sine matrices of the DFT, so
the gradients (to the signal and to the window) come from matmul's. tinygrad_rnn has no complex
tensors: `return_complex=False` (torch's deprecated real form) works, `return_complex=True` raises
NotImplementedError, and istft, whose input torch requires to be complex, raises torch's error.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import bool_arg, int_arg, refuse_complex, tensor_arg
from ..core import dtypes
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..creation import ones, tensor
from ..ops.shape import stack
from . import functional as F

_NO_WINDOW = ("A window was not provided. A rectangular window will be applied,which is known to cause spectral "
              "leakage. Other windows such as torch.hann_window or torch.hamming_window are recommended to reduce "
              "spectral leakage.To suppress this warning and use a rectangular window, explicitly set "
              "`window=torch.ones(n_fft, device=<device>)`. (Triggered internally at "
              "/__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp:835.)")
_REAL_FORM = ("stft with return_complex=False is deprecated. In a future pytorch release, stft will return complex "
              "tensors for all inputs, and return_complex=False will raise an error.\nNote: you can still call "
              "torch.view_as_real on the complex output to recover the old return format. (Triggered internally at "
              "/__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp:874.)")


def stft(input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
         window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect", normalized: bool = False,
         onesided: bool | None = None, return_complex: bool | None = None,
         align_to_window: bool | None = None) -> Tensor:
    """The spectrum of each frame, shaped (batch?, frequencies, frames, 2) (return_complex=False)."""
    input, n_fft = tensor_arg("stft", "input", input, 1), int_arg("stft", "n_fft", n_fft, 2)
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:  # torch pads in Python before its kernel, so pad's errors come first
        shape = input.shape
        input = F.pad(input.reshape((1,) * (3 - input.ndim) + tuple(shape)), [n_fft // 2, n_fft // 2], pad_mode)
        input = input.reshape(input.shape[len(input.shape) - len(shape):])
    hop = n_fft >> 2 if hop_length is None else int_arg("stft", "hop_length", hop_length, 3)
    win = n_fft if win_length is None else int_arg("stft", "win_length", win_length, 4)
    if window is None:
        warn_once("stft window", _NO_WINDOW, stacklevel=2)
    if return_complex is None:
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    _check(input, n_fft, hop, win, window, (normalized, onesided, return_complex, align_to_window))
    if return_complex:
        raise refuse_complex("torch.stft(return_complex=True)")
    warn_once("stft real form", _REAL_FORM, stacklevel=2)
    return _real_stft(input, n_fft, hop, win, window, bool_arg("stft", "normalized", normalized),
                      True if onesided is None else onesided, bool(align_to_window))


def _check(input: Tensor, n_fft: int, hop: int, win: int, window: Tensor | None, flags: tuple) -> None:
    """torch's kernel's checks, in its order; its messages start with the call as it was made."""
    def fail(why: str) -> RuntimeError:
        return RuntimeError(f"{_call(input, n_fft, hop, win, window, flags)} : {why}")
    if input.ndim not in (1, 2):
        raise fail("expected a 1D or 2D tensor")
    if not input.dtype.is_floating_point:
        raise fail("expected a tensor of floating point or complex values")
    if hop <= 0:
        raise fail(f"expected hop_length > 0, but got hop_length={hop}")
    if not 0 < n_fft <= input.shape[-1]:
        raise fail(f"expected 0 < n_fft < {input.shape[-1]}, but got n_fft={win}")  # (torch shows win_length)
    if not 0 < win <= n_fft:
        raise fail(f"expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.ndim != 1 or window.shape[0] != win):
        raise fail(f"expected a 1D window tensor of size equal to win_length={win}, but got window with size "
                   f"{list(window.shape)}")
    if input.dtype is dtypes.float16:
        raise RuntimeError("MKL FFT doesn't support tensors of type: Half")


def _call(input: Tensor, n_fft: int, hop: int, win: int, window: Tensor | None, flags: tuple) -> str:
    def flag(value: Any) -> str:
        return "None" if value is None else str(int(value))
    normalized, onesided, return_complex, align = flags
    shown = "None" if window is None else f"torch.{window.dtype._legacy}Tensor{{{list(window.shape)}}}"
    return (f"stft(torch.{input.dtype._legacy}Tensor{list(input.shape)}, n_fft={n_fft}, hop_length={hop}, "
            f"win_length={win}, window={shown}, normalized={flag(normalized)}, onesided={flag(onesided)}, "
            f"return_complex={flag(return_complex)}, align_to_window={flag(align)})")


def _real_stft(input: Tensor, n_fft: int, hop: int, win: int, window: Tensor | None, normalized: bool,
               onesided: bool, align_to_window: bool) -> Tensor:
    dtype = input.dtype if window is None else dtypes.promote_types(input.dtype, window.dtype)
    left = (n_fft - win) // 2
    if align_to_window:  # frame t is the window's span from t * hop, placed where the window sits in n_fft
        input = F.pad(input, [left, n_fft - win - left])
    frames = input.to(dtype).unfold(-1, n_fft, hop)  # (batch?, frames, n_fft)
    frames = frames * _padded_window(window, n_fft, win, left, dtype)
    cosines, sines = _dft_matrices(n_fft, n_fft // 2 + 1 if onesided else n_fft, dtype)
    spectrum = stack([frames @ cosines, frames @ sines], -1).transpose(-3, -2)  # (batch?, freqs, frames, 2)
    return spectrum * n_fft ** -0.5 if normalized else spectrum


def _padded_window(window: Tensor | None, n_fft: int, win: int, left: int, dtype: Any) -> Tensor:
    """The window as n_fft values, zero outside its win_length values in the middle (torch's placement)."""
    window = ones(win, dtype=dtype) if window is None else window.to(dtype)
    if win == n_fft:
        return window
    return F.pad(window, [left, n_fft - win - left])


def _dft_matrices(n_fft: int, n_freqs: int, dtype: Any) -> tuple[Tensor, Tensor]:
    """(n_fft, n_freqs) matrices of cos(2 pi k n / n_fft) and -sin(...): a frame times them is the real and
    the imaginary part of its DFT. The angle's k n is reduced mod n_fft first, so large products stay exact."""
    turns = np.outer(np.arange(n_fft), np.arange(n_freqs)) % n_fft * (2 * np.pi / n_fft)
    return tensor(np.cos(turns), dtype=dtype), tensor(-np.sin(turns), dtype=dtype)


def istft(input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
          window: Tensor | None = None, center: bool = True, normalized: bool = False, onesided: bool | None = None,
          length: int | None = None, return_complex: bool = False) -> Tensor:
    """torch requires a complex spectrum, which tinygrad_rnn cannot hold: any tensor here is refused as torch
    refuses a real one."""
    tensor_arg("istft", "input", input, 1)
    int_arg("istft", "n_fft", n_fft, 2)
    raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                       "return_complex=True.")


def _stft_method(self: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
                 window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect",
                 normalized: bool = False, onesided: bool | None = None, return_complex: bool | None = None,
                 align_to_window: bool | None = None) -> Tensor:
    return stft(self, n_fft, hop_length, win_length, window, center, pad_mode, normalized, onesided,
                return_complex, align_to_window)


def _istft_method(self: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
                  window: Tensor | None = None, center: bool = True, normalized: bool = False,
                  onesided: bool | None = None, length: int | None = None, return_complex: bool = False) -> Tensor:
    return istft(self, n_fft, hop_length, win_length, window, center, normalized, onesided, length, return_complex)


Tensor.stft = _stft_method  # type: ignore[attr-defined]
Tensor.istft = _istft_method  # type: ignore[attr-defined]

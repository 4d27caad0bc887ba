"""The vector width torch's CPU kernels run at on this machine, which decides how they round.

torch compiles each elementwise and softmax kernel once per instruction set and picks one at start-up
(aten's DispatchStub): AVX512 where the CPU has AVX512 VL, BW and DQ and FMA3, else AVX2 where it has AVX2
and FMA3, unless the environment variable ATEN_CPU_CAPABILITY names one. A kernel adds and rounds in
vectors of that width, so the ops that reproduce torch's rounding (a softmax's lane sums, the split between
a vectorized loop and its scalar tail) read their widths from here. numpy reports the CPU's features.
"""
from __future__ import annotations

import os

import numpy as np

try:  # numpy 2
    from numpy._core._multiarray_umath import __cpu_features__ as _FEATURES
except ImportError:  # numpy 1
    from numpy.core._multiarray_umath import __cpu_features__ as _FEATURES


def torch_capability() -> str:
    """'AVX512', 'AVX2' or 'DEFAULT', as torch.backends.cpu.get_cpu_capability() names them."""
    asked = os.environ.get("ATEN_CPU_CAPABILITY", "").upper()
    if asked in ("AVX512", "AVX2", "DEFAULT"):
        return asked
    if all(_FEATURES.get(f) for f in ("AVX512F", "AVX512VL", "AVX512BW", "AVX512DQ", "FMA3")):
        return "AVX512"
    if _FEATURES.get("AVX2") and _FEATURES.get("FMA3"):
        return "AVX2"
    return "DEFAULT"


CAPABILITY = torch_capability()
# Bytes in one of torch's Vectorized<T>: 64 with AVX512, 32 otherwise (its generic one has 32 too)
VECTOR_BYTES = 64 if CAPABILITY == "AVX512" else 32


def lanes(dtype: np.dtype) -> int:
    """Elements of `dtype` in one of torch's Vectorized<T> on this machine."""
    return VECTOR_BYTES // np.dtype(dtype).itemsize

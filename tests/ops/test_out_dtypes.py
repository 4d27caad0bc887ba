"""Every op that takes out=, given an out of another dtype than its float32 result: it writes into it (cast)
or refuses it exactly as torch does, with the words of torch's kernel."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.ops.declare import DECLARED


def _arguments(m, sample):
    def convert(value):
        if isinstance(value, np.ndarray):
            return m.tensor(value.astype(np.float32) if value.dtype.kind == "f" else value)
        if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
            return type(value)(convert(v) for v in value)
        return value
    return [convert(a) for a in sample.args], {k: convert(v) for k, v in sample.kwargs.items()}


def _float32_result(name: str) -> bool:
    """Whether the op's first sample, in float32, gives one float32 tensor (the case compared here)."""
    args, kwargs = _arguments(tinygrad_rnn, DECLARED[name].samples(np.random.default_rng(0))[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = getattr(tinygrad_rnn, name)(*args, **kwargs)
        except Exception:  # noqa: BLE001 - a first sample of another kind: not this test's case
            return False
    return isinstance(result, tinygrad_rnn.Tensor) and result.dtype is tinygrad_rnn.float32


OPS = [name for name, decl in DECLARED.items() if decl.out and _float32_result(name)]


def _outcome(m, name: str, out_dtype: str):
    args, kwargs = _arguments(m, DECLARED[name].samples(np.random.default_rng(0))[0])
    out = m.empty(0, dtype=getattr(m, out_dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            getattr(m, name)(*args, **kwargs, out=out)
        except Exception as error:  # noqa: BLE001 - the refusal is what is compared
            return f"{type(error).__name__}: {error}"
    return str(out.dtype).replace("torch.", ""), tuple(out.shape)


@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("out_dtype", ["float64", "int64"])
def test_out_of_another_dtype_is_written_or_refused_as_torch(name, out_dtype):
    torch = require_torch()
    assert _outcome(tinygrad_rnn, name, out_dtype) == _outcome(torch, name, out_dtype)

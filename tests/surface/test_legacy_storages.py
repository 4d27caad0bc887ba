"""Tensor.storage_type and the legacy storage classes (torch.FloatStorage, ...) against torch: the class of each
dtype, isinstance of a tensor's storage, and the classes' constructors."""
from __future__ import annotations

import warnings

from helpers import require_torch

import tinygrad_rnn


def _script(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (TypedStorage's deprecation)
        seen = []
        for d in (m.float32, m.float64, m.float16, m.int64, m.int32, m.int16, m.int8, m.uint8, m.bool):
            x = m.ones(2, dtype=d)
            seen.append((repr(x.storage_type()), isinstance(x.storage(), x.storage_type()),
                         isinstance(x.storage(), m.FloatStorage), str(x.storage_type().dtype)))
        built = m.FloatStorage([1, 2])
        seen += [built.tolist(), repr(built), m.FloatStorage(3).size(), m.LongStorage([1.5]).tolist(),
                 m.ones(1).storage_type() is m.FloatStorage]
    return seen


def test_legacy_storage_classes_behave_as_torch():
    assert _script(tinygrad_rnn) == _script(require_torch())

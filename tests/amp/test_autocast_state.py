"""torch's autocast state functions against torch: per device type enabled flag and dtype, the cache switch, the
nesting counter, torch.autocast saving and restoring them, the deprecated per-device spellings with their
warnings, and the argument errors. Each script restores what it changed, since the state is global."""
from __future__ import annotations

import warnings

import pytest
from helpers import require_torch

import tinygrad_rnn


def _outcome(call):
    try:
        return call()
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return type(e).__name__, str(e)


def _state_round_trip(m):
    seen = [m.is_autocast_enabled(), m.is_autocast_enabled("cpu"), m.is_autocast_enabled(device_type="mps"),
            m.is_autocast_cache_enabled()]
    seen += [_outcome(lambda d=d: m.get_autocast_dtype(d)) for d in ("cpu", "cuda", "cuda:1", "mps", "xla", "meta")]
    m.set_autocast_enabled(True)  # one argument: CUDA's
    seen += [m.is_autocast_enabled(), m.is_autocast_enabled("cuda")]
    m.set_autocast_enabled("cuda", False)
    m.set_autocast_enabled("hpu", True)
    seen.append(m.is_autocast_enabled("hpu"))
    m.set_autocast_enabled(device_type="hpu", enabled=False)
    m.set_autocast_dtype("cpu", m.float16)
    seen.append(m.get_autocast_dtype("cpu"))
    m.set_autocast_dtype("cpu", float)  # Python's float is float64 to the parser
    seen.append(m.get_autocast_dtype("cpu"))
    m.set_autocast_dtype("cpu", m.bfloat16)
    m.set_autocast_dtype("meta", m.float16)  # a device type without autocast has a dtype once it is set
    seen.append(m.get_autocast_dtype("meta"))
    m.set_autocast_cache_enabled(False)
    seen.append(m.is_autocast_cache_enabled())
    m.set_autocast_cache_enabled(True)
    seen += [m.autocast_increment_nesting(), m.autocast_increment_nesting(), m.autocast_decrement_nesting(),
             m.autocast_decrement_nesting(), m.clear_autocast_cache()]
    return seen


def _autocast_saves_and_restores(m):
    seen = []
    with m.autocast("cpu", dtype=m.float16, enabled=False, cache_enabled=False):
        seen += [m.is_autocast_enabled("cpu"), m.get_autocast_dtype("cpu"), m.is_autocast_cache_enabled()]
        seen += [m.autocast_increment_nesting(), m.autocast_decrement_nesting()]
    with m.autocast("mps"):  # another device type's autocast: state only
        seen += [m.is_autocast_enabled("mps"), m.get_autocast_dtype("mps")]
        with m.autocast("mps", dtype=m.bfloat16, enabled=False):
            seen += [m.is_autocast_enabled("mps"), m.get_autocast_dtype("mps")]
        seen += [m.is_autocast_enabled("mps"), m.get_autocast_dtype("mps")]
    seen += [m.is_autocast_enabled("mps"), m.get_autocast_dtype("cpu"), m.is_autocast_cache_enabled()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with m.autocast("cpu", dtype=m.float32):  # not a dtype the CPU autocasts to: disabled with a warning
            seen.append(m.is_autocast_enabled("cpu"))
    seen += [(w.category.__name__, str(w.message)) for w in caught]
    seen += [_outcome(lambda d=d: m.autocast(d)) for d in ("meta", "lazy")]
    return seen


def _deprecated_spellings(m):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        seen = [m.is_autocast_cpu_enabled(), m.is_autocast_ipu_enabled(), m.is_autocast_xla_enabled(),
                m.get_autocast_cpu_dtype(), m.get_autocast_gpu_dtype(), m.get_autocast_ipu_dtype(),
                m.get_autocast_xla_dtype()]
        m.set_autocast_xla_enabled(True)
        seen.append(m.is_autocast_enabled("xla"))
        m.set_autocast_xla_enabled(False)
        m.set_autocast_cpu_enabled(False)
        m.set_autocast_ipu_enabled(False)
        for setter, dtype in ((m.set_autocast_cpu_dtype, m.bfloat16), (m.set_autocast_gpu_dtype, m.float16),
                              (m.set_autocast_ipu_dtype, m.float16), (m.set_autocast_xla_dtype, m.bfloat16)):
            setter(m.float64)
            seen.append([m.get_autocast_dtype(d) for d in ("cpu", "cuda", "ipu", "xla")])
            setter(dtype)
    return seen + [(w.category.__name__, str(w.message)) for w in caught]


def _errors(m):
    calls = (
        lambda: m.is_autocast_enabled("xyz"), lambda: m.is_autocast_enabled(1),
        lambda: m.is_autocast_enabled(device_type=None), lambda: m.is_autocast_enabled("cpu", "x"),
        lambda: m.is_autocast_enabled("meta"), lambda: m.get_autocast_dtype(),
        lambda: m.get_autocast_dtype(3), lambda: m.get_autocast_dtype("xyz"), lambda: m.get_autocast_dtype("lazy"),
        lambda: m.set_autocast_dtype("cpu", None), lambda: m.set_autocast_dtype("cpu", "float16"),
        lambda: m.set_autocast_dtype(m.float16), lambda: m.set_autocast_enabled(1),
        lambda: m.set_autocast_enabled("cpu", 1), lambda: m.set_autocast_enabled(True, True),
        lambda: m.set_autocast_enabled(), lambda: m.set_autocast_enabled("cpu"),
        lambda: m.set_autocast_enabled("meta", True), lambda: m.set_autocast_enabled("xyz", True),
        lambda: m.set_autocast_cache_enabled(1), lambda: m.set_autocast_cache_enabled(),
        lambda: m.set_autocast_cache_enabled(enabled=True), lambda: m.clear_autocast_cache(1),
        lambda: m.autocast_increment_nesting(1), lambda: m.set_autocast_cpu_enabled(1),
        lambda: m.set_autocast_cpu_dtype("x"), lambda: m.set_autocast_ipu_dtype(float),
        lambda: m.set_autocast_cpu_dtype(), lambda: m.set_autocast_gpu_dtype(1, 2),
        lambda: m.get_autocast_xla_dtype(1), lambda: m.is_autocast_xla_enabled(x=1),
        lambda: m.set_autocast_cpu_dtype(dtype=m.float16))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [_outcome(call) for call in calls]


@pytest.mark.parametrize("script", [_state_round_trip, _autocast_saves_and_restores, _deprecated_spellings, _errors])
def test_autocast_state_behaves_as_torch(script):
    torch = require_torch()
    ours, theirs = script(tinygrad_rnn), script(torch)
    assert [str(x) for x in ours] == [str(x) for x in theirs]


def test_cpu_autocast_on_is_named_as_not_built():
    with pytest.raises(NotImplementedError, match="bfloat16"):
        tinygrad_rnn.set_autocast_enabled("cpu", True)
    with pytest.raises(NotImplementedError, match="float16"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tinygrad_rnn.set_autocast_cpu_enabled(True)
    with pytest.raises(NotImplementedError, match="float16"):
        tinygrad_rnn.autocast("cpu", dtype=tinygrad_rnn.float16)
    assert not tinygrad_rnn.is_autocast_enabled("cpu")

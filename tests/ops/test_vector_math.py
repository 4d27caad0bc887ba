"""ops/vector_math.py: the exp of torch's float32 softmax and sigmoid kernels (SLEEF's expf), at its edges."""
import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg


def _around(value: float, ulps: int = 3) -> np.ndarray:
    """The float32 values within `ulps` of `value`."""
    bits = np.array(value, np.float32).view(np.int32) + np.arange(-ulps, ulps + 1, dtype=np.int32)
    return bits.view(np.float32)


# exp's edges: SLEEF's bounds (0 below -104), where 2^q leaves float's normals (-87.3) and its subnormals
# (-103.97), a subnormal, -0.0 and the infinities; a 36-wide row is one whole vector and a partial one
_EDGES = np.concatenate([[0.0], _around(-104), _around(-103.972), _around(-87.34), [-1e-40, -0.0, -np.inf, -1e30],
                         np.linspace(-20, 0, 10)]).astype(np.float32)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_float32_softmax_at_exps_edges_is_torchs_to_the_bit(name):
    torch = require_torch()
    x = np.stack([_EDGES, _EDGES - 1, np.roll(_EDGES, 5)])
    ours, theirs = (getattr(m, name)(m.tensor(x), -1).numpy() for m in (tg, torch))
    np.testing.assert_array_equal(ours, theirs)


def test_the_vector_exp_makes_no_errstate_and_lets_no_warning_out(monkeypatch):
    """exp_f32 runs inside an op's forward or backward, where numpy's warnings are off already
    (Function.apply): an `np.errstate` of its own cost a microsecond or two of a small softmax or sigmoid."""
    made = []
    real = np.errstate
    monkeypatch.setattr(np, "errstate", lambda **kw: made.append(kw) or real(**kw))
    x = tg.tensor(np.concatenate([_EDGES, [np.nan, np.inf, 100.0, 200.0]]).astype(np.float32), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x.softmax(0).sum() + x.log_softmax(0).sum() + x.sigmoid().sum()).backward()
    assert made == []

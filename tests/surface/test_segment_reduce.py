"""torch.segment_reduce against torch: each reduction over segments given by lengths or offsets (empty ones
too), its gradients (ties of max and min share theirs), initial for max, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity

DATA = np.array([1., 3., 2., 2., 5., -1.])


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod", "amax"])
@pytest.mark.parametrize("segments", [dict(lengths=[2, 0, 4]), dict(offsets=[0, 2, 2, 6]), dict(lengths=[1, 5])])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_segment_reduce_matches_torch(reduce, segments, dtype):
    def run(m, x):
        return m.segment_reduce(x, reduce, **{k: m.tensor(v) for k, v in segments.items()})
    check_parity(run, [DATA.astype(dtype)])
    check_parity(lambda m, x: run(m, x.reshape(6, 1).expand(6, 2) * m.tensor([1.0, -2.0], dtype=x.dtype)),
                 [DATA.astype(dtype)])


def test_segment_reduce_initial_and_unsafe_match_torch():
    check_parity(lambda m, x: m.segment_reduce(x, "max", lengths=m.tensor([2, 0, 4]), initial=2.5), [DATA])
    check_parity(lambda m, x: m.segment_reduce(x, "sum", lengths=m.tensor([2, 3]), unsafe=True), [DATA])


@pytest.mark.parametrize("call", [
    lambda m, x: m.segment_reduce(x.reshape(2, 3), "sum", lengths=m.tensor([1, 1]), axis=1),
    lambda m, x: m.segment_reduce(x, "sum", lengths=m.tensor([2, 3])),
    lambda m, x: m.segment_reduce(x, "foo", lengths=m.tensor([2, 4])), lambda m, x: m.segment_reduce(x, "sum"),
    lambda m, x: m.segment_reduce(x, "sum", indices=m.tensor([0, 0, 1])),
    lambda m, x: m.segment_reduce(x, "sum", lengths=m.tensor([2., 4.])),
    lambda m, x: m.segment_reduce(x.long(), "sum", lengths=m.tensor([2, 4])),
    lambda m, x: m.segment_reduce(x, "sum", lengths=m.tensor([2, -1, 5])),
    lambda m, x: m.segment_reduce(x, "sum", lengths=m.tensor([[2, 4]])),
])
def test_segment_reduce_errors_match_torch(call):
    check_error(lambda m: call(m, m.tensor(DATA)))

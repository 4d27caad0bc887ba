"""nn.parameter's uninitialized tensors against torch: what `materialize` makes of them (shape, dtype,
requires_grad, class) and its errors."""
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

MATERIALIZED = {
    "parameter, dtype given": lambda m: _materialized(m.nn.UninitializedParameter(), (2, 3), dtype=m.float64),
    "parameter keeps its own dtype": lambda m: _materialized(m.nn.UninitializedParameter(False, dtype=m.float16), 3),
    "parameter, device and dtype": lambda m: _materialized(m.nn.UninitializedParameter(dtype=m.float16), [3],
                                                           device="cpu", dtype=m.float32),
    "parameter, device positional": lambda m: _materialized(m.nn.UninitializedParameter(), (2,), m.device("cpu"),
                                                            m.float64),
    "parameter without grad, int64": lambda m: _materialized(m.nn.UninitializedParameter(False), (2,), dtype=m.int64),
    "buffer, int64": lambda m: _materialized(m.nn.UninitializedBuffer(), (2,), dtype=m.int64),
    "buffer requiring grad": lambda m: _materialized(m.nn.UninitializedBuffer(True), (1, 2), dtype=m.float64),
}


def _materialized(tensor, *args, **kwargs):
    before = tensor.__class__.__name__, repr(tensor)
    tensor.materialize(*args, **kwargs)
    return (*before, type(tensor).__name__, tuple(tensor.shape), str(tensor.dtype), str(tensor.device),
            tensor.requires_grad)


@pytest.mark.parametrize("case", sorted(MATERIALIZED))
def test_materialize_honours_device_and_dtype_as_torch(case):
    assert MATERIALIZED[case](tinygrad_rnn) == MATERIALIZED[case](require_torch())


@pytest.mark.parametrize("call", [
    lambda m: m.nn.UninitializedParameter().materialize((2,), dtype=m.int64),
    lambda m: m.nn.UninitializedBuffer(requires_grad=True).materialize((2,), dtype=m.int64),
    lambda m: m.nn.UninitializedParameter().materialize((2,), device="foo"),
    lambda m: m.nn.UninitializedParameter().materialize("a"),
])
def test_materialize_errors_match_torch(call):
    check_error(call)


def test_is_lazy_tells_the_uninitialized_tensors_apart():
    for m in (tinygrad_rnn, require_torch()):
        lazy = m.nn.parameter.is_lazy
        assert (lazy(m.nn.UninitializedParameter()), lazy(m.nn.UninitializedBuffer()), lazy(m.nn.Parameter(m.ones(1)))) \
            == (True, True, False)

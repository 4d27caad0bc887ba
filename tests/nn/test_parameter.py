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


# An uninitialized parameter has no values yet: torch refuses every use but a few conversions, so a
# parameter count or an init before the first forward fails loudly instead of quietly working on nothing.
@pytest.mark.parametrize("use", [
    lambda m, p: sum(q.numel() for q in m.nn.LazyLinear(3).parameters()),
    lambda m, p: p.numel(), lambda m, p: p.dim(), lambda m, p: p.sum(), lambda m, p: p.detach(),
    lambda m, p: p.t(), lambda m, p: p.add(1), lambda m, p: p + 1, lambda m, p: p.requires_grad_(False),
    lambda m, p: p.shape, lambda m, p: p.share_memory_(), lambda m, p: m.nn.init.xavier_uniform_(p),
    lambda m, p: m.nn.LazyLinear(3).requires_grad_(False), lambda m, p: m.nn.parameter.UninitializedBuffer().sum(),
    lambda m, p: m.nn.Linear(4, 3).load_state_dict(m.nn.LazyLinear(3).state_dict()),
], ids=["parameter_count", "numel", "dim", "sum", "detach", "t", "add", "plus", "requires_grad_", "shape",
        "share_memory_", "xavier_uniform_", "module_requires_grad_", "buffer_sum", "load_into_initialized"])
def test_uninitialized_parameter_refuses_use_as_torch(use):
    check_error(lambda m: use(m, m.nn.parameter.UninitializedParameter()))


@pytest.mark.parametrize("ask", [
    lambda m, p: (p.dtype, p.requires_grad, p.grad, p.is_leaf, p.ndim, tuple(p.size()), repr(p)),
    lambda m, p: (p.is_floating_point(), repr(p.double()), repr(p.to(m.float64)), p.double().dtype),
    lambda m, p: repr(m.nn.LazyLinear(3).state_dict()),
    lambda m, p: str(m.nn.LazyLinear(3).load_state_dict(m.nn.LazyLinear(3).state_dict())),
    lambda m, p: [repr(q) for q in m.nn.LazyLinear(3).double().parameters()],
])
def test_uninitialized_parameter_still_answers_what_torch_answers(ask):
    torch = require_torch()
    ours, theirs = (ask(m, m.nn.parameter.UninitializedParameter()) for m in (tinygrad_rnn, torch))
    assert str(ours).replace("tinygrad_rnn", "torch") == str(theirs)


def test_lazy_module_loads_a_lazy_checkpoint_and_still_initializes_on_first_input():
    torch = require_torch()
    shapes = []
    for m in (tinygrad_rnn, torch):
        lazy = m.nn.LazyLinear(3)
        lazy.load_state_dict(m.nn.LazyLinear(3).state_dict())
        shapes.append((tuple(lazy(m.ones(2, 4)).shape), type(lazy).__name__, type(lazy.weight).__name__))
    assert shapes[0] == shapes[1]


def test_a_subclass_of_parameter_prints_as_torch():
    torch = require_torch()
    reprs = []
    for m in (tinygrad_rnn, torch):
        class MyP(m.nn.Parameter):
            pass
        reprs.append((repr(MyP(m.ones(2, 2))), repr(MyP(m.ones(2), requires_grad=False)), repr(m.nn.Parameter(m.ones(2)))))
    assert reprs[0] == reprs[1]

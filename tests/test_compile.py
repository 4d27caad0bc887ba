"""torch.compile (compile.py) returns what torch's returns, checks its arguments as torch, and changes no number."""
from __future__ import annotations

import pytest
from helpers import require_torch

import tinygrad_rnn


def _compiled_module(m):
    m.manual_seed(0)
    linear = m.nn.Linear(2, 1)
    compiled = m.compile(linear, backend="eager")  # eager: torch would otherwise build C++ kernels
    compiled.eval()
    loss = compiled(m.ones(3, 2)).sum()
    loss.backward()
    return (type(compiled).__name__, isinstance(compiled, m.nn.Module), compiled is linear, repr(compiled),
            list(compiled.state_dict()), [n for n, _ in compiled.named_parameters()], compiled.weight is linear.weight,
            compiled.in_features, compiled._orig_mod is linear, m.compile(linear, disable=True) is linear,
            linear.training, loss.item(), linear.weight.grad.tolist())


def _compiled_functions(m):
    def double(x):
        return x * 2

    @m.compile(backend="eager")
    def plus_one(x):
        return x + 1

    compiled = m.compile(double, backend="eager")
    return compiled.__name__, compiled(m.ones(2)).tolist(), plus_one(m.ones(1)).tolist()


def test_a_compiled_module_is_torchs_optimized_module():
    torch = require_torch()
    assert _compiled_module(tinygrad_rnn) == _compiled_module(torch)


def test_compiled_functions_run_as_written():
    torch = require_torch()
    assert _compiled_functions(tinygrad_rnn) == _compiled_functions(torch)


@pytest.mark.parametrize("kwargs", [dict(mode="bogus"), dict(mode="max-autotune", options={"a": 1}),
                                    dict(backend="nope"), dict(model=3)])
def test_compile_arguments_are_checked_as_torch(kwargs):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        call = {"model": m.nn.Linear(1, 1), **kwargs}
        with pytest.raises(Exception) as caught:
            m.compile(**call)
        outcomes.append((issubclass(caught.type, RuntimeError), issubclass(caught.type, AssertionError),
                         str(caught.value)))
    assert outcomes[0] == outcomes[1]

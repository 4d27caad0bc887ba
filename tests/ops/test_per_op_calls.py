"""The Python an op runs per call, counted (issue 15: on small tensors the time is bookkeeping).

Counted with sys.setprofile, not timed: the counts do not depend on the machine's load. Each test names
a call that an earlier version made on every op and that is gone: an operand unwrapped by its own call
(array_of), a saved output built through an `__init__`, numpy's error state switched inside a backward
pass that has it quiet already.
"""
import sys

import numpy as np

import tinygrad_rnn as tg


def _python_calls(fn) -> list[str]:
    """The names of the Python functions fn() entered, in order."""
    names: list[str] = []

    def profile(frame, event, arg):
        if event == "call":
            names.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return names


def test_binary_ops_unwrap_their_operands_without_a_call_per_operand():
    a = tg.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    b = tg.tensor(np.full((2, 2), 0.5, np.float32), requires_grad=True)
    for op in (lambda: a + b, lambda: a - b, lambda: a * b, lambda: a * 0.9, lambda: a / 3.0):
        op()  # first-use caches
        assert "array_of" not in _python_calls(op)


def test_an_op_that_saves_its_output_keeps_it_without_an_init_call():
    a = tg.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    a.tanh()
    assert "__init__" not in _python_calls(lambda: a.tanh())


def test_one_add_forward_stays_within_its_calls():
    """add's forward: the lambda, the operator, _binary, promote, apply, forward, on_arrays, _make and
    _connect. A change that adds a call to every op shows here first: raise the number only with a reason."""
    a = tg.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    b = tg.tensor(np.full((2, 2), 0.5, np.float32), requires_grad=True)
    a + b
    forward = _python_calls(lambda: a + b)
    assert len(forward) <= 9, forward

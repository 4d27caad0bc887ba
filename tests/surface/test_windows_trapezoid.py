"""Window functions, trapezoid / trapz / cumulative_trapezoid and vander against torch."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, check_parity, require_torch

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 5, 8, 33])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_windows(name, length, periodic, dtype):
    torch = require_torch()
    ours, theirs = (getattr(m, name)(length, periodic, dtype=getattr(m, dtype)) for m in (tinygrad_rnn, torch))
    assert repr(ours.dtype) == repr(theirs.dtype)
    assert_arrays_close(ours, theirs)


def test_window_extra_parameters_and_defaults():
    torch = require_torch()
    for call in (lambda m: m.hamming_window(7, False, 0.6, 0.3), lambda m: m.kaiser_window(9, True, 5.0),
                 lambda m: m.hann_window(6), lambda m: m.hamming_window(6, requires_grad=True)):
        ours, theirs = call(tinygrad_rnn), call(torch)
        assert ours.requires_grad == theirs.requires_grad
        assert_arrays_close(ours, theirs)


@pytest.mark.parametrize("call", [lambda m: m.hann_window(-1), lambda m: m.hann_window(3, dtype=m.int64),
                                  lambda m: m.blackman_window(-2)])
def test_window_errors(call):
    check_error(call)


@pytest.mark.parametrize(("shape", "dim", "x_shape"), [((5,), -1, None), ((3, 4), 0, (3,)), ((3, 4), 1, (4,)),
                                                       ((2, 3, 4), 1, (2, 3, 4)), ((2, 3), -1, (3,))])
@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
def test_trapezoid_family(shape, dim, x_shape, name):
    if x_shape is None:
        check_parity(lambda m, y: getattr(m, name)(y, dim=dim), shapes=[shape])
        check_parity(lambda m, y: getattr(m, name)(y, dx=0.25, dim=dim), shapes=[shape])
    else:
        check_parity(lambda m, y, x: getattr(m, name)(y, x, dim=dim), shapes=[shape, x_shape])


def test_trapezoid_integers_empty_and_float32():
    torch = require_torch()
    for call in (lambda m: m.trapezoid(m.tensor([1, 2, 4])), lambda m: m.trapezoid(m.tensor([1, 2, 4]), dx=2),
                 lambda m: m.cumulative_trapezoid(m.tensor([1, 2, 4])), lambda m: m.trapezoid(m.ones(2, 0)),
                 lambda m: m.cumulative_trapezoid(m.ones(2, 0))):
        ours, theirs = call(tinygrad_rnn), call(torch)
        assert repr(ours.dtype) == repr(theirs.dtype)
        assert_arrays_close(ours, theirs)
    check_parity(lambda m, y, x: m.trapezoid(y, x), shapes=[(3, 5), (5,)], dtype=np.float32)
    y = tinygrad_rnn.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda t: tinygrad_rnn.cumulative_trapezoid(t, dx=0.5, dim=0), (y,))


@pytest.mark.parametrize("call", [lambda m: m.trapezoid(m.ones(3), m.ones(2)), lambda m: m.trapezoid(m.ones(3), dim=2),
                                  lambda m: m.trapezoid(m.ones(3, dtype=m.bool))])
def test_trapezoid_errors(call):
    check_error(call)


@pytest.mark.parametrize(("n", "increasing"), [(None, False), (None, True), (4, False), (1, True), (0, False)])
def test_vander(n, increasing):
    # torch 2.13's own vander backward fails (it modifies a saved tensor in place), so the values are
    # compared with torch's and the gradient is checked by finite differences
    check_parity(lambda m, x: m.vander(x, n, increasing), shapes=[(3,)], requires_grad=[False])
    x = tinygrad_rnn.tensor(np.random.default_rng(1).standard_normal(3), requires_grad=True)
    assert gradcheck(lambda t: tinygrad_rnn.vander(t, n, increasing), (x,))
    torch = require_torch()
    ours, theirs = (m.vander(m.tensor([1, 2, 3], dtype=m.int32), n, increasing) for m in (tinygrad_rnn, torch))
    assert repr(ours.dtype) == repr(theirs.dtype)
    assert_arrays_close(ours, theirs)


@pytest.mark.parametrize("call", [lambda m: m.vander(m.ones(2, 2)), lambda m: m.vander(m.ones(2), N=-1)])
def test_vander_errors(call):
    check_error(call)

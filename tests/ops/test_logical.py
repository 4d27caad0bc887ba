"""Bitwise and logical ops beyond the op database's samples: the operators (& | ^ ~ << >>, their
reflected and in-place forms), other integer dtypes, and torch's errors for floats and bools."""
from __future__ import annotations

import operator

import numpy as np
import pytest
from helpers import check_error, check_parity

RNG = np.random.default_rng(0)
A = RNG.integers(-50, 50, (3, 4))
B = RNG.integers(0, 8, (4,))


@pytest.mark.parametrize("op", [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift])
def test_operators_match_torch(op):
    check_parity(lambda m, a, b: (op(a, b), op(a, 3), op(5, b)), [A, B])


@pytest.mark.parametrize("op", [operator.iand, operator.ior, operator.ixor, operator.ilshift, operator.irshift])
def test_in_place_operators_write_into_the_tensor(op):
    def fn(m, a, b):
        target = a.clone()
        result = op(target, b)
        assert result is target
        return target
    check_parity(fn, [A, B])


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "uint8", "bool"])
def test_other_integer_dtypes(dtype):
    a, b = RNG.integers(0, 100, (5,)), RNG.integers(0, 100, (5,))
    def fn(m, x, y):
        d = getattr(m, dtype)
        x, y = x.to(d), y.to(d)
        out = [x & y, x | y, x ^ y, ~x, m.logical_xor(x, y), m.signbit(x), m.isposinf(x)]
        if dtype != "bool":
            out += [x << (y % 4), x >> (y % 4)]
        return out
    check_parity(fn, [a, b])


def test_shifts_past_the_width_give_torchs_results():
    check_parity(lambda m, a, s: (a << s, a >> s), [np.array([5, -5, 7, -7]), np.array([64, 70, -1, 100])])
    check_parity(lambda m, a: (a.to(m.int8) << 8, a.to(m.int8) >> 9), [np.array([1, -1, 100])])


def test_logical_ops_read_any_dtype_as_truth_and_have_in_place_forms():
    floats = np.array([0.0, 1.5, -2.0, 0.0])
    check_parity(lambda m, x, i: (x.logical_and(i), m.logical_or(i, x), m.logical_xor(x, x), x.logical_not()),
                 [floats, np.array([1, 0, 0, 3])], requires_grad=[False, False])
    def fn(m, x, i):
        target = i.clone()
        assert target.logical_and_(x) is target and target.logical_xor_(x) is target
        return target
    check_parity(fn, [floats, np.array([1, 0, 0, 3])], requires_grad=[False, False])


def test_isin_with_numbers_and_mixed_dtypes():
    check_parity(lambda m, a, b: (m.isin(a, b), m.isin(a, 3), m.isin(3, a), m.isin(a.double(), b, invert=True)),
                 [A % 5, np.array([1, 3])])


BAD_CALLS = {
    "and of floats": lambda m: m.bitwise_and(m.tensor([1.0]), m.tensor([2.0])),
    "or of float and int": lambda m: m.tensor([3]) | 1.5,
    "not of float": lambda m: ~m.tensor([1.0]),
    "shift of bools": lambda m: m.bitwise_left_shift(m.tensor([True]), m.tensor([True])),
    "shift of floats": lambda m: m.tensor([1.0]) >> 1,
    "shapes": lambda m: m.tensor([[1, 2, 3]]) & m.tensor([1, 2]),
    "logical with a number": lambda m: m.logical_xor(m.tensor([1.0]), 0.0),
    "in place into float": lambda m: m.tensor([1.0]).bitwise_and_(m.tensor([1])),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_input_raises_torchs_error(name):
    check_error(BAD_CALLS[name])


# makemore's cmp(s, dt, t) runs torch.all(dt == t.grad) and torch.allclose(dt, t.grad): with t.grad
# None (its gradient not kept) torch's errors name the argument, or list all()'s overloads.
@pytest.mark.parametrize("call", [
    lambda m: m.all(m.ones(2) == None), lambda m: m.any(False), lambda m: m.all([True], 0),  # noqa: E711
    lambda m: m.all(False, dim=0), lambda m: m.ones(2).all(0, True, 1),
    lambda m: m.allclose(m.ones(2), None), lambda m: m.allclose(None, m.ones(2)), lambda m: m.allclose(m.ones(2), 1.0),
    lambda m: m.ones(2).allclose(None), lambda m: m.allclose(m.ones(2), m.ones(2), 1e-5, None),
    lambda m: m.allclose(m.ones(2), m.ones(2), equal_nan=1), lambda m: m.isclose(m.ones(2), m.ones(2), "a"),
    lambda m: m.ones(2).isclose(None), lambda m: m.equal(None, m.ones(1)), lambda m: m.ones(2).equal(3),
])
def test_all_allclose_isclose_equal_refuse_what_torch_refuses(call):
    check_error(call)

"""Calls torch's parser takes that we refused: two plain numbers to a binary op (torch computes with the
first as a 0-d tensor of their result dtype), and a method's dims spread out (`t.squeeze(0, 3)`)."""
from __future__ import annotations

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

NUMBERS = {
    "mul floats": lambda m: m.mul(1.5, 2), "mul ints": lambda m: m.mul(2, 3), "mul bool": lambda m: m.mul(True, 2),
    "div ints": lambda m: m.div(3, 2), "div floor": lambda m: m.div(7, 2, rounding_mode="floor"),
    "div trunc floats": lambda m: m.div(-7.5, 2, rounding_mode="trunc"), "true_divide": lambda m: m.true_divide(3, 2),
    "floor_divide": lambda m: m.floor_divide(7, 2), "sub float and int": lambda m: m.sub(1.5, 2),
    "add ints": lambda m: m.add(1, 2), "add bools": lambda m: m.add(True, True), "multiply": lambda m: m.multiply(2.5, 2),
}


@pytest.mark.parametrize("case", NUMBERS)
def test_two_numbers_make_torchs_tensor(case):
    torch = require_torch()
    ours, theirs = NUMBERS[case](tinygrad_rnn), NUMBERS[case](torch)
    assert (ours.tolist(), str(ours.dtype), ours.shape) == (theirs.tolist(), str(theirs.dtype), tuple(theirs.shape))


def test_dividing_two_integers_by_zero_raises_as_torch():
    check_error(lambda m: m.div(7, 0, rounding_mode="floor"))


SPREAD = {
    "squeeze": lambda t: t.squeeze(0, 3), "squeeze one": lambda t: t.squeeze(0), "count_nonzero": lambda t: t.count_nonzero(0, 1),
    "count_nonzero one": lambda t: t.count_nonzero(1), "tile": lambda t: t.tile(1, 2, 1, 1), "tile one": lambda t: t.tile(2),
}


@pytest.mark.parametrize("case", SPREAD)
def test_methods_take_their_dims_spread_out(case):
    torch = require_torch()
    results = [SPREAD[case](m.arange(6.).reshape(1, 2, 3, 1)) for m in (tinygrad_rnn, torch)]
    assert results[0].tolist() == results[1].tolist() and results[0].shape == results[1].shape
    assert results[0].grad_fn is None and str(results[0].dtype) == str(results[1].dtype)


def test_the_function_forms_do_not_spread():
    check_error(lambda m: m.squeeze(m.ones(1, 2, 1), 0, 2))

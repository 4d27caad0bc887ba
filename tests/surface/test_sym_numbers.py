"""torch.sym_int / sym_float / sym_max / sym_min / sym_not / sym_ite / sym_sqrt / sym_sum on plain numbers against
torch: the values with their types (sym_max promotes to float), and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

CALLS = [
    lambda m: m.sym_int(3.7), lambda m: m.sym_int(-3.7), lambda m: m.sym_int(True), lambda m: m.sym_int("3"),
    lambda m: m.sym_int(m.tensor(3.5)), lambda m: m.sym_int(float("inf")), lambda m: m.sym_int(float("nan")),
    lambda m: m.sym_float(3), lambda m: m.sym_float(True), lambda m: m.sym_float("x"), lambda m: m.sym_float(m.tensor(2)),
    lambda m: m.sym_max(2, 3.0), lambda m: m.sym_max(3, 2.0), lambda m: m.sym_max(2, 3), lambda m: m.sym_max(True, 0),
    lambda m: m.sym_max(float("nan"), 1), lambda m: m.sym_max(1, float("nan")), lambda m: m.sym_max("a", "b"),
    lambda m: m.sym_max(m.tensor(1), 2), lambda m: m.sym_max(np.int32(2), np.float32(1.5)),
    lambda m: m.sym_min(2, 3.0), lambda m: m.sym_min(2.0, 3), lambda m: m.sym_min(3, 2), lambda m: m.sym_min(None, 2),
    lambda m: m.sym_not(True), lambda m: m.sym_not(0), lambda m: m.sym_not(m.tensor(True)),
    lambda m: m.sym_ite(True, 1, 2), lambda m: m.sym_ite(False, 1, 2), lambda m: m.sym_ite(1, 1, 2),
    lambda m: m.sym_ite(True, 1, 2.0),
    lambda m: m.sym_sqrt(4), lambda m: m.sym_sqrt(2.0), lambda m: m.sym_sqrt(-1), lambda m: m.sym_sqrt(m.tensor(4.)),
    lambda m: m.sym_sum([1, 2, 3]), lambda m: m.sym_sum([1, 2.5]), lambda m: m.sym_sum([]), lambda m: m.sym_sum(1, 2),
    lambda m: m.sym_sum((True, True)), lambda m: m.sym_sum(x for x in [1, 2]), lambda m: m.sym_sum([m.tensor(1.), 2]),
]


def _outcome(call, m):
    try:
        value = call(m)
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return type(e).__name__, str(e)
    return type(value).__name__, repr(value)


@pytest.mark.parametrize("call", CALLS)
def test_sym_functions_match_torch(call):
    assert _outcome(call, tinygrad_rnn) == _outcome(call, require_torch())

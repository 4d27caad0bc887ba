"""torch._foreach_*, as EMA helpers and hand-written optimizers call them: each op over a list of tensors gives
torch's numbers and gradients, in-place forms change the list they return, and the operands are checked as
torch checks them."""
from __future__ import annotations

import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn
from tinygrad_rnn.surface.foreach import BINARY, UNARY

SHAPES = [(3,), (2, 2)]


def _positive(m, a, b):
    return [a.abs() + 0.5, b.abs() + 0.5]


@pytest.mark.parametrize("name", UNARY)
def test_each_unary_op_is_torchs(name):
    check_parity(lambda m, a, b: getattr(m, f"_foreach_{name}")(_positive(m, a, b) if name in (
        "log", "log10", "log2", "log1p", "sqrt", "rsqrt", "reciprocal", "acos", "asin") else [a / 4, b / 4]),
        shapes=SHAPES)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("operand", ["number", "numbers", "tensors", "0-d tensor"])
def test_each_binary_op_takes_torchs_operands(name, operand):
    def run(m, a, b, c, d):
        other = {"number": 1.5, "numbers": [0.5, 2.0], "tensors": [c, d], "0-d tensor": m.tensor(1.5)}[operand]
        return getattr(m, f"_foreach_{name}")(_positive(m, a, b), other)
    check_parity(run, shapes=SHAPES * 2)


def test_alpha_scales_a_tensor_operand_of_add_and_sub():
    check_parity(lambda m, a, b, c, d: m._foreach_add([a, b], [c, d], alpha=0.5) + m._foreach_sub(
        [a, b], [c, d], alpha=2) + m._foreach_add([a, b], m.tensor(3.0), alpha=2), shapes=SHAPES * 2)


def test_lerp_addcmul_addcdiv_norm_and_max_are_torchs():
    def run(m, a, b, c, d):
        return (m._foreach_lerp([a, b], [c, d], 0.1) + m._foreach_lerp([a, b], [c, d], [0.2, 0.7])
                + m._foreach_lerp([a, b], [c, d], [c.sigmoid(), d.sigmoid()])
                + m._foreach_addcmul([a, b], [c, d], [c, d], value=0.5)
                + m._foreach_addcdiv([a, b], [c, d], [c.exp(), d.exp()], [0.5, 2.0])
                + m._foreach_norm([a, b]) + m._foreach_norm([a, b], 1) + m._foreach_norm([a, b], float("inf"))
                + m._foreach_max([a, b]))
    check_parity(run, shapes=SHAPES * 2)


def _ema_in_place(m):
    """timm's ModelEmaV3 step: lerp the EMA weights towards the model's, in place, under no_grad."""
    m.manual_seed(0)
    ema, params = [m.zeros(3), m.zeros(2, 2)], [m.nn.Parameter(m.randn(3)), m.nn.Parameter(m.randn(2, 2))]
    with m.no_grad():
        returned = m._foreach_lerp_(ema, params, 0.1)
        same = returned is ema
        m._foreach_mul_(ema, scalar=0.9)
        m._foreach_add_(ema, params, alpha=0.1)
        m._foreach_addcmul_(ema, params, params, value=-0.5)
        m._foreach_lerp_(ema, params, weight=0.5)
        m._foreach_mul_(ema, scalars=[1.0, 2.0])
        m._foreach_pow_(ema, exponent=2)
        m._foreach_clamp_min_(ema, -0.2)
        m._foreach_copy_(params, ema)
        kinds = [type(m._foreach_neg(ema)).__name__, type(m._foreach_zero_(list(ema))).__name__]
    return [same, kinds] + [t.tolist() for t in params]


def test_in_place_forms_change_and_return_the_list_as_torch():
    torch = require_torch()
    assert _ema_in_place(tinygrad_rnn) == _ema_in_place(torch)


@pytest.mark.parametrize("call", [
    lambda m: m._foreach_mul([], 2.0),
    lambda m: m._foreach_mul([m.ones(2), m.ones(3)], [1.0]),
    lambda m: m._foreach_add([m.ones(2), m.ones(3)], [m.ones(2)]),
    lambda m: m._foreach_add([m.ones(2)], [m.ones(3)]),
    lambda m: m._foreach_lerp([m.ones(2), m.ones(3)], [m.ones(2), m.ones(3)], [0.1]),
    lambda m: m._foreach_add([m.ones(2)], m.ones(2)),
    lambda m: m._foreach_norm([m.ones(0), m.ones(2)], float("inf")),
    lambda m: m._foreach_mul_([m.nn.Parameter(m.ones(2))], 2.0),  # a leaf that requires grad, outside no_grad
])
def test_bad_operands_raise_torchs_errors(call):
    check_error(call)

"""A product saves each operand only for the other's gradient, as torch: a weight fed a constant input is not
saved by Linear's addmm, by mul or by matmul, so an optimizer step between two backwards through the same graph
is no in-place error; both are saved for forward-mode AD."""
import pytest
from helpers import require_torch

import tinygrad_rnn


def _step_between_backwards(lib):
    lib.manual_seed(0)
    lin = lib.nn.Linear(3, 2)
    opt = lib.optim.SGD(lin.parameters(), lr=0.1)
    out = lin(lib.randn(4, 3))
    out.sum().backward(retain_graph=True)
    opt.step()
    (out ** 2).sum().backward()
    return lin.weight.grad.flatten().tolist()


def test_linear_with_a_constant_input_survives_an_optimizer_step():
    torch = require_torch()
    ours, theirs = _step_between_backwards(tinygrad_rnn), _step_between_backwards(torch)
    assert ours == pytest.approx(theirs, rel=1e-6)


@pytest.mark.parametrize("product", [
    lambda lib, w, c: (w * c).sum(),
    lambda lib, w, c: (c @ w).sum(),
    lambda lib, w, c: (lib.ones(2, 4, 3) @ w).sum(),
    lambda lib, w, c: (w.t() @ c).sum(),
])
def test_a_product_does_not_save_the_operand_nothing_needs(product):
    torch = require_torch()

    def run(lib):
        w, c = lib.ones(3, 3, requires_grad=True), lib.full((3,), 2.0)
        y = product(lib, w, c)
        with lib.no_grad():
            w.mul_(3.0)
        y.backward()
        return w.grad.tolist()

    assert run(tinygrad_rnn) == run(torch)


def test_an_operand_needed_for_the_gradient_is_still_checked():
    torch = require_torch()

    def message(lib):
        w, c = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        y = (w * c).sum()
        with lib.no_grad():
            w.mul_(3.0)
        with pytest.raises(RuntimeError) as info:
            y.backward()
        return str(info.value).split(";")[0]

    assert message(tinygrad_rnn) == message(torch)


def test_forward_mode_reads_both_operands():
    torch = require_torch()

    def tangent(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            x = fwAD.make_dual(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 0.0]))
            y = x * 2.0 + lib.tensor([[1.0, 1.0], [2.0, 3.0]]) @ x + lib.addmm(x.view(2, 1), lib.ones(2, 2), x.view(2, 1) * 1.0)[:, 0]
            return fwAD.unpack_dual(y).tangent.tolist()

    assert tangent(tinygrad_rnn) == tangent(torch)

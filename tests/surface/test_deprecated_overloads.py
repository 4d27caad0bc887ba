"""torch's deprecated overloads (number factors first: `p.data.add_(-lr, p.grad.data)`) run as torch runs them, and
the first such call in a process warns as torch's does (one warning for all of them)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn
from tinygrad_rnn.core import warn_once

CALLS = {  # name: (deprecated call, arrays: x (3,), m (3, 3), b (2, 3, 3))
    "x.add(2, x)": lambda m, x, mm, b: x.add(2, x),
    "torch.add(x, 2, x)": lambda m, x, mm, b: m.add(x, 2, x),
    "x.sub(2, other=x)": lambda m, x, mm, b: x.sub(2, other=x),
    "torch.sub(x, 2, 3)": lambda m, x, mm, b: m.sub(x, 2, 3),
    "x.add_(-0.1, x)": lambda m, x, mm, b: x.detach().clone().add_(-0.1, x.detach()),
    "torch.addcmul(x, 1.5, x, x)": lambda m, x, mm, b: m.addcmul(x, 1.5, x, x),
    "x.addcdiv(0.5, x, x)": lambda m, x, mm, b: x.addcdiv(0.5, x, x),
    "torch.addmm(2, m, 3, m, m)": lambda m, x, mm, b: m.addmm(2, mm, 3, mm, mm),
    "torch.addmm(2, m, m, m)": lambda m, x, mm, b: m.addmm(2, mm, mm, mm),
    "m.addmm(2, 3, m, m)": lambda m, x, mm, b: mm.addmm(2, 3, mm, mm),
    "torch.addmv(2, x, 3, m, x)": lambda m, x, mm, b: m.addmv(2, x, 3, mm, x),
    "torch.addr(2, m, x, x)": lambda m, x, mm, b: m.addr(2, mm, x, x),
    "torch.baddbmm(2, b, 3, b, b)": lambda m, x, mm, b: m.baddbmm(2, b, 3, b, b),
    "torch.addbmm(2, m, b, b)": lambda m, x, mm, b: m.addbmm(2, mm, b, b),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_deprecated_overloads_compute_as_torch(name):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in ((3,), (3, 3), (2, 3, 3))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_parity(CALLS[name], arrays, requires_grad=[True, True, True])


def test_the_first_deprecated_call_warns_once_for_all(monkeypatch):
    """torch warns with the overload's signature and the ones to use instead, once per process (one
    TORCH_WARN_ONCE for every deprecated overload); a later call of another op says nothing."""
    require_torch()
    monkeypatch.setattr(warn_once, "_WARNED", set())
    x = tinygrad_rnn.ones(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tinygrad_rnn.addcmul(x, 1.5, x, x)
        x.add(2, x)
    assert [str(w.message) for w in caught] == [
        "This overload of addcmul is deprecated:\n\taddcmul(Tensor input, Number value, Tensor tensor1, Tensor tensor2, "
        "*, Tensor out = None)\nConsider using one of the following signatures instead:\n\taddcmul(Tensor input, Tensor "
        "tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None) (Triggered internally at "
        "/__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)"]
    assert caught[0].filename == __file__  # (the caller's line, as torch's)


@pytest.mark.parametrize("call", ["x.add(x, x)", "torch.add(x, 2, x, alpha=3)", "x.addcmul(x, 2, x)",
                                  "torch.addcmul(1.5, x, x)"])
def test_calls_no_overload_takes_still_fail_as_torch(call):
    check_error(lambda m: eval(call, {"torch": m, "x": m.ones(2)}))

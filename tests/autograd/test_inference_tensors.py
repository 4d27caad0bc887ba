"""Tensors made under inference_mode() are inference tensors, with torch's rules: views keep their base's
kind, autograd refuses to save them, and outside the mode they cannot be changed in place or require grad."""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn


def _outcome(fn, *args):
    try:
        return repr(fn(*args))
    except RuntimeError as error:
        return f"RuntimeError: {error}"


def _inside(lib):
    normal = lib.ones(2, 3)
    with lib.inference_mode():
        made = lib.ones(2, 3)
        found = {
            "factory": made.is_inference(),
            "op on a normal tensor": (normal * 2).is_inference(),
            "view of a normal tensor": normal[0].is_inference(),
            "reshape of a normal tensor": normal.view(-1).is_inference(),
            "in-place on a normal tensor": normal.add_(0).is_inference(),
            "tensor()": lib.tensor([1.0]).is_inference(),
            "from_numpy": lib.from_numpy(np.ones(2)).is_inference(),
            "clone of a normal tensor": normal.clone().is_inference(),
            "detach of a normal tensor": normal.detach().is_inference(),
            "requires_grad_ inside": lib.ones(2).requires_grad_().requires_grad,
            "in-place inside": _outcome(lambda: made.add_(1).is_inference()),
        }
        with lib.inference_mode(False):
            found["factory under inference_mode(False)"] = lib.ones(2).is_inference()
        with lib.no_grad():
            found["factory under no_grad inside"] = lib.ones(2).is_inference()
    return found, made


def test_what_is_an_inference_tensor_is_torchs():
    torch = require_torch()
    assert _inside(tinygrad_rnn)[0] == _inside(torch)[0]


OUTSIDE = {
    "op": lambda lib, i: (i * 2).is_inference(),
    "view": lambda lib, i: i[0].is_inference(),
    "reshape": lambda lib, i: i.view(-1).is_inference(),
    "clone": lambda lib, i: i.clone().is_inference(),
    "detach": lambda lib, i: i.detach().is_inference(),
    "data": lambda lib, i: i.data.is_inference(),
    "torch.is_inference": lambda lib, i: lib.is_inference(i),
    "add_": lambda lib, i: i.add_(1),
    "mul_": lambda lib, i: i.mul_(1),
    "setitem": lambda lib, i: i.__setitem__(0, 1.0),
    "zero_": lambda lib, i: i.zero_(),
    "out=": lambda lib, i: lib.add(lib.ones(2, 3), 1, out=i),
    "resize_": lambda lib, i: i.resize_(6),
    "_version": lambda lib, i: i._version,
    "requires_grad_": lambda lib, i: i.requires_grad_(),
    "Parameter": lambda lib, i: lib.nn.Parameter(i),
    "saved by mul": lambda lib, i: lib.ones(2, 3, requires_grad=True) * i,
    "saved by matmul": lambda lib, i: lib.ones(2, 3, requires_grad=True) @ i.t(),
    "saved by Linear": lambda lib, i: lib.nn.Linear(3, 2)(i).sum().backward(),
    "added (nothing saved)": lambda lib, i: (lib.ones(2, 3, requires_grad=True) + i).sum().backward(),
    "copied into a normal tensor": lambda lib, i: lib.zeros(2, 3).copy_(i).is_inference(),
}


@pytest.mark.parametrize("case", OUTSIDE)
def test_an_inference_tensor_outside_the_mode_is_treated_as_torchs(case):
    torch = require_torch()
    outcomes = []
    for lib in (torch, tinygrad_rnn):
        with lib.inference_mode():
            made = lib.ones(2, 3)
        outcomes.append(_outcome(OUTSIDE[case], lib, made).replace("torch", "T").replace("tinygrad_rnn", "T"))
    assert outcomes[1] == outcomes[0]


def test_a_refused_in_place_change_leaves_the_inference_tensor_as_it_was():
    """(torch's own kernel writes first and refuses after: the refusal is what we mirror.)"""
    with tinygrad_rnn.inference_mode():
        made = tinygrad_rnn.ones(2)
    with pytest.raises(RuntimeError, match="Inplace update to inference tensor outside InferenceMode"):
        made.add_(1)
    assert made.tolist() == [1.0, 1.0]


def _saved_output_read_inside_the_mode(lib):
    x = lib.ones(2, requires_grad=True)
    y = x.tanh()  # tanh saves its result
    with lib.inference_mode():
        saved = y.grad_fn._saved_result
        inside = saved.is_inference()
    return inside, saved.is_inference()


def test_regression_a_saved_output_read_in_inference_mode_is_the_tensor_forward_made():
    """A saved output is kept as its array and rebuilt when read (core/function.py); read inside
    inference_mode it was rebuilt as an inference tensor, where torch hands back the output itself."""
    torch = require_torch()
    assert _saved_output_read_inside_the_mode(tinygrad_rnn) == _saved_output_read_inside_the_mode(torch)

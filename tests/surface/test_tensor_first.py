"""Functions that take only a tensor first refuse an array, a list or a number with torch's TypeError,
named after the function and its argument (surface/tensor_first.py, and the in-place forms torch.X_)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error

from tinygrad_rnn.surface.tensor_first import FUNCTIONAL, TORCH_FUNCTIONS

ARRAY = np.ones((2, 3), dtype=np.float32)
INPLACE_FORMS = ["abs_", "exp_", "sigmoid_", "tanh_", "relu_", "zero_", "sqrt_", "neg_", "round_", "logit_"]


def _call(module_path: str, name: str, value, **kwargs):
    def call(lib):
        namespace = lib.nn.functional if module_path == "F" else lib
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (torch.lu's deprecation)
            return getattr(namespace, name)(value, **kwargs)
    return call


@pytest.mark.parametrize("name", sorted(TORCH_FUNCTIONS))
def test_torch_function_refuses_an_array(name):
    check_error(_call("torch", name, ARRAY))


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_refuses_an_array(name):
    check_error(_call("F", name, ARRAY))


@pytest.mark.parametrize("name", INPLACE_FORMS)
def test_inplace_function_form_refuses_an_array(name):
    check_error(_call("torch", name, ARRAY))


@pytest.mark.parametrize("value", [[1.0, 2.0], 3, None], ids=["list", "int", "none"])
def test_other_non_tensors_are_named(value):
    check_error(_call("torch", "detach", value))
    check_error(_call("torch", "ones_like", value))


def test_a_keyword_argument_is_named_without_a_position():
    check_error(lambda lib: lib.zeros_like(input=ARRAY))


def test_a_tensor_still_runs():
    import tinygrad_rnn as torch
    t = torch.ones(2, 3)
    assert torch.numel(t) == 6 and torch.ones_like(t).shape == (2, 3)
    assert torch.nn.functional.hardshrink(t).shape == (2, 3)


@pytest.mark.parametrize("call", [
    lambda lib: lib.atleast_1d(ARRAY), lambda lib: lib.atleast_2d(1.0), lambda lib: lib.atleast_3d([lib.ones(1), 2]),
    lambda lib: lib.atleast_1d(lib.ones(1), ARRAY), lambda lib: lib.broadcast_tensors(lib.ones(1), [1.0]),
    lambda lib: lib.meshgrid(lib.ones(2), ARRAY, indexing="ij"), lambda lib: lib.meshgrid([lib.ones(2), 3], indexing="ij"),
    lambda lib: lib.einsum("i,i->", lib.ones(3), ARRAY[0]), lambda lib: lib.einsum("i,i->", [lib.ones(3), [1.0] * 3]),
    lambda lib: lib.cdist(lib.ones(1, 3), ARRAY), lambda lib: lib.cdist(None, lib.ones(1, 3)),
    lambda lib: lib.nn.functional.pdist(ARRAY),
], ids=["atleast_1d", "atleast_2d_number", "atleast_3d_list", "atleast_1d_two", "broadcast_tensors", "meshgrid",
        "meshgrid_list", "einsum", "einsum_list", "cdist_x2", "cdist_x1", "pdist"])
def test_tensor_lists_and_python_written_functions(call):
    check_error(call)

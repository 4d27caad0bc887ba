"""A Tensor method called with a keyword it does not take is named as torch names it: `Tensor.norm()`
for the methods torch writes in Python, bare `size()` for its C++ ones (never `TensorMethods.size()`)."""
from __future__ import annotations

import re

import pytest
from helpers import require_torch

import tinygrad_rnn

CALLS = [
    lambda t: t.norm(keepdims=True), lambda t: t.split(1, axis=0), lambda t: t.size(foo=1),
    lambda t: t.new_zeros(2, foo=1), lambda t: t.multinomial(1, foo=2), lambda t: t.uniform_(0, 1, foo=1),
]


@pytest.mark.parametrize("call", CALLS)
def test_an_unexpected_keyword_names_the_method_as_torch(call):
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError) as caught:
            call(m.ones(2))
        messages.append(str(caught.value).splitlines()[0])
    assert messages[0] == messages[1]


UNCALLED = [lambda m, t: t.type, lambda m, t: t.size, lambda m, t: t.numel,
            lambda m, t: t.ndimension, lambda m, t: t.nelement,
            lambda m, t: m.nn.Parameter(t).type, lambda m, t: f"Array Type: {t.type}"]


@pytest.mark.parametrize("method", UNCALLED)
def test_a_cpp_method_printed_without_calling_it_looks_like_torchs(method):
    """kanncaa1's Kaggle tutorial prints `"Array Type: {}".format(tensor.type)`: torch shows a built-in
    method, not a Python bound method with the tensor's values."""
    torch = require_torch()
    shown = [re.sub(r"0x[0-9a-f]+", "0x?", str(method(m, m.ones(2)))) for m in (tinygrad_rnn, torch)]
    assert shown[0] == shown[1]


def test_a_cpp_method_taken_from_a_tensor_still_calls_and_compares_as_torchs():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        t, u = m.ones(2, 3), m.ones(2, 3)
        size = t.size
        seen.append((size(), size(1), str(t.type(m.DoubleTensor).dtype), size.__name__, size.__self__ is t,
                     size == t.size, size == u.size, m.Tensor.size(t, 0), len({t.numel, t.numel})))
    assert seen[0] == seen[1]

"""A Tensor method called with a keyword it does not take is named as torch names it: `Tensor.norm()`
for the methods torch writes in Python, bare `size()` for its C++ ones (never `TensorMethods.size()`)."""
from __future__ import annotations

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

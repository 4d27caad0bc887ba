"""Python's protocols on a tensor (`reversed(t)`, ...) answer as torch's do."""
from __future__ import annotations

import pytest
from helpers import check_parity, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("shape", [(4,), (3, 2), (2, 3, 2)])
def test_reversed_flips_the_first_dim(shape):
    """d2l's BiRNNScratch runs its backward RNN over `reversed(inputs)`: torch gives a flipped tensor."""
    check_parity(lambda m, x: reversed(x), shapes=[shape])


def test_reversed_is_a_tensor_with_torchs_node_and_a_0d_tensor_is_itself():
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(6.0).view(3, 2).requires_grad_()
        scalar = m.tensor(2.0)
        answers.append((type(reversed(x)).__name__, reversed(x).grad_fn.name(), reversed(scalar) is scalar,
                        reversed(m.arange(3)).tolist()))
    assert answers[0] == answers[1]

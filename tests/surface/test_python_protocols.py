"""Python's protocols on a tensor (`reversed(t)`, ...) answer as torch's do."""
from __future__ import annotations

import warnings

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


@pytest.mark.parametrize("ndim", [0, 1, 2, 3])
@pytest.mark.parametrize("attr", ["T", "mT", "H", "mH"])
def test_transpose_properties_match_torch_at_every_rank(attr, ndim):
    """x.T reverses any rank (deprecated beyond 2-D); mT/mH want matrices (a 1-d tensor is an error, a 0-d
    one is itself); H wants a matrix."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(float(2 ** ndim)).reshape((2,) * ndim).requires_grad_() * 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # which warn, and once: test_transpose_warnings_are_torchs
                y = getattr(x, attr)
            answers.append((y.tolist(), y.grad_fn.name()))
        except RuntimeError as error:
            answers.append(str(error))
    assert answers[0] == answers[1]


def test_transpose_warnings_are_torchs():
    """torch warns once per process (C++ TORCH_WARN_ONCE): x.T beyond 2-D, and T/mT/H/mH of a 0-d tensor.
    Each framework runs in a fresh interpreter."""
    require_torch()
    import subprocess
    import sys
    program = ("import warnings, {} as m\nwarnings.simplefilter('always')\n"
               "for x in (m.ones(2, 2, 2), m.ones(2, 2, 2, 2), m.ones(3), m.ones(2, 2), m.tensor(1.0)):\n"
               "    for attr in ('T', 'mT', 'H', 'mH', 'T'):\n"
               "        try:\n            getattr(x, attr)\n        except RuntimeError:\n            pass\n")
    stderr = [subprocess.run([sys.executable, "-c", program.format(name)], capture_output=True, text=True,
                             check=True).stderr for name in ("tinygrad_rnn", "torch")]
    warned = [[line.split("UserWarning: ", 1)[1] for line in text.splitlines() if "UserWarning: " in line]
              for text in stderr]
    assert warned[0] == warned[1] and len(warned[1]) == 5


@pytest.mark.parametrize("value", [[3.5], [1.0, 2.0], [[2.0]], 3.5, 3])
@pytest.mark.parametrize("spec", ["", ".2f", "d", ">10", "s"])
def test_format_spec_answers_as_torch(value, spec):
    """A 0-d tensor formats its number (f"{loss:.4f}"); any other refuses a spec as object.__format__ does."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        try:
            answers.append(format(m.tensor(value), spec))
        except (TypeError, ValueError) as error:
            answers.append(f"{type(error).__name__}: {error}")
    assert answers[0] == answers[1]

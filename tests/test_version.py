"""torch.__version__ names the torch release this package mirrors and compares as torch's TorchVersion."""
from __future__ import annotations

from helpers import require_torch

import tinygrad_rnn


def _comparisons(m):
    v = m.__version__
    others = ["2.0", "2.13", "2.13.0", "2.13.0+cpu", "2.13.1", "2.13.0rc1", "1.10.0a", "10.0", "parrot", (2, 0),
              (2, 13), (2, 13, 1), (3,)]
    return [str(v), type(v).__name__, isinstance(v, str)] + [
        (v < o, v <= o, v == o, v != o, v > o, v >= o) for o in others]


def test_version_compares_as_torchs():
    torch = require_torch()
    assert _comparisons(tinygrad_rnn) == _comparisons(torch)


def test_the_package_keeps_its_own_release():
    assert tinygrad_rnn.version.PACKAGE_VERSION != str(tinygrad_rnn.__version__)

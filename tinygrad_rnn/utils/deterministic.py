"""torch.utils.deterministic: `fill_uninitialized_memory`, a module attribute that is a setting.

    torch.utils.deterministic.fill_uninitialized_memory = False

stops `empty()` and its kin from filling their memory with NaN (or the largest integer) while
`torch.use_deterministic_algorithms(True)` is on (see tinygrad_rnn/determinism.py).
"""
from __future__ import annotations

import sys
import types

from ..determinism import DETERMINISM


class _Deterministic(types.ModuleType):
    @property
    def fill_uninitialized_memory(self) -> bool:
        """Whether empty() and its kin fill their memory while deterministic algorithms are on (default True)."""
        return DETERMINISM.fill_uninitialized_memory

    @fill_uninitialized_memory.setter
    def fill_uninitialized_memory(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise RuntimeError(f"expected a bool, but got {type(mode).__name__}")
        DETERMINISM.fill_uninitialized_memory = mode


sys.modules[__name__].__class__ = _Deterministic  # a module whose attribute is a property, as torch's

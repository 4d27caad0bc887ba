"""numpy functions called without numpy's `__array_function__` dispatch layer (speed).

`np.empty_like` and `np.may_share_memory` are, since numpy 1.25, dispatchers: before the C function
runs they ask every argument whether it overrides numpy (`__array_function__`), which costs more
than the call itself on a small array. The engine and the view machinery call them once per op on
plain ndarrays, which override nothing, so the C function they stand for (`_implementation`) gives
the same answer. Where a numpy has no `_implementation`, the public function is used.
"""
from __future__ import annotations

import numpy as np

empty_like = getattr(np.empty_like, "_implementation", np.empty_like)
may_share_memory = getattr(np.may_share_memory, "_implementation", np.may_share_memory)

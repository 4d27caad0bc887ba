"""torch's TORCH_WARN_ONCE: a warning given the first time in the process only, or every time after
`torch.set_warn_always(True)` (surface/settings.py flips `ALWAYS`). It lives in core because creation.py,
below the ops, warns this way too."""
from __future__ import annotations

import warnings


class _Always:
    on = False


ALWAYS = _Always()
_WARNED: set = set()


def warn_once(key: str, message: str, stacklevel: int = 2) -> None:
    """Warn with `message` unless the warning named `key` was given before in this process.
    `stacklevel` counts from the caller of warn_once, as for warnings.warn."""
    if key in _WARNED and not ALWAYS.on:
        return
    _WARNED.add(key)
    warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)

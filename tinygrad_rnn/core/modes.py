"""The switches every op reads: grad mode, anomaly mode and the forward-AD level, one set per thread.

`modes.grad_enabled` is read by `Function.apply` on every op, so it must be cheap: `modes` is a
`threading.local` whose defaults are class attributes. A thread that never switched anything
reads the class default; a thread that did reads its own value. Either way it is one attribute
lookup, and no thread ever sees another thread's `no_grad()`.

The random generator is NOT here: torch's default generator is process-wide, and so is ours.
"""
from __future__ import annotations

import threading
from typing import Any


class _ThreadModes(threading.local):
    grad_enabled = True  # no_grad / enable_grad / set_grad_enabled / inference_mode
    inference_enabled = False  # inside inference_mode(): read only by is_inference_mode_enabled
    anomaly_enabled = False  # detect_anomaly / set_detect_anomaly
    anomaly_check_nan = True
    anomaly_hooks: Any = None  # detect_anomaly's hooks: autograd/anomaly_mode.py puts itself here
    dual_level = None  # forward-mode AD: the key of the active dual level, None when off (forward_mode.py)


modes = _ThreadModes()


def set_anomaly(enabled: bool, check_nan: bool) -> tuple[bool, bool]:
    """Switch anomaly mode; return the previous (enabled, check_nan)."""
    previous = (modes.anomaly_enabled, modes.anomaly_check_nan)
    modes.anomaly_enabled, modes.anomaly_check_nan = bool(enabled), bool(check_nan)
    return previous

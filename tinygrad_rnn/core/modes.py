"""The switches every op reads: grad mode, anomaly mode and the forward-AD level, one set per thread.

`modes.grad_enabled` is read by `Function.apply` on every op, so it must be cheap: `modes` is a
`threading.local` whose defaults are class attributes. A thread that never switched anything
reads the class default; a thread that did reads its own value. Either way it is one attribute
lookup, and no thread ever sees another thread's `no_grad()`.

Inference and anomaly modes and forward-mode AD's dual level cost nothing while no thread uses them:
`switch_rare` (and the dual level's setter) keeps `SWITCHED_ON[0]`, how many threads have one on, which
the hot paths read first (a plain number; a read of `modes` costs about 50 ns). A thread that ends with one on leaves the count up: others then pay the reads.

The random generator is NOT here: torch's default generator is process-wide, and so is ours.
"""
from __future__ import annotations

import threading
from typing import Any


class _ThreadModes(threading.local):
    grad_enabled = True  # no_grad / enable_grad / set_grad_enabled / inference_mode
    inference_enabled = False  # inside inference_mode(): set with switch_rare
    anomaly_enabled = False  # detect_anomaly / set_detect_anomaly: set with switch_rare
    anomaly_check_nan = True
    anomaly_hooks: Any = None  # detect_anomaly's hooks: autograd/anomaly_mode.py puts itself here
    _dual_level = None  # (the hot paths read this, after SWITCHED_ON, without the property's call)

    @property
    def dual_level(self) -> Any:
        """forward-mode AD: the key of the active dual level, None when off (forward_mode.py). Setting it keeps
        SWITCHED_ON as switch_rare does, so that every op reads it only while some thread has a level on."""
        return self._dual_level

    @dual_level.setter
    def dual_level(self, key: Any) -> None:
        change = (key is not None) - (self._dual_level is not None)
        self._dual_level = key
        if change:
            with _count_lock:
                SWITCHED_ON[0] += change


modes = _ThreadModes()
SWITCHED_ON, _count_lock = [0], threading.Lock()  # inference and anomaly modes on, counted over threads


def switch_rare(name: str, on: bool) -> None:
    """Set this thread's `modes.<name>` (inference_enabled or anomaly_enabled), keeping SWITCHED_ON."""
    change = bool(on) - bool(getattr(modes, name))
    setattr(modes, name, bool(on))
    if change:
        with _count_lock:
            SWITCHED_ON[0] += change


def set_anomaly(enabled: bool, check_nan: bool) -> tuple[bool, bool]:
    """Switch anomaly mode; return the previous (enabled, check_nan)."""
    previous = (modes.anomaly_enabled, modes.anomaly_check_nan)
    switch_rare("anomaly_enabled", enabled)
    modes.anomaly_check_nan = bool(check_nan)
    return previous

"""`torch.set_printoptions`: the settings `repr(tensor)` reads (surface/printing.py)."""
from __future__ import annotations

import math
from dataclasses import dataclass

# What each profile sets: precision, threshold, edgeitems, linewidth.
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


@dataclass
class PrintOptions:
    """precision: digits after the point; threshold: more elements than this are summarized with
    `...`; edgeitems: the items kept at each end of a summarized dimension; linewidth: the width
    rows wrap at; sci_mode: True or False forces scientific notation on or off, None lets the
    values decide."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = PrintOptions()


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set how tensors print, as torch does: a profile first ('default', 'short' or 'full'), then
    each option given. As in torch, `sci_mode` is always set: leaving it out sets it back to None."""
    if profile in _PROFILES:  # torch ignores an unknown profile name
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode

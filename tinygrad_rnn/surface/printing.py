"""`repr(tensor)` in torch's format: `tensor([1.0000, 2.5000], requires_grad=True)`.

Follows torch's rules: 4 decimals, or `1.` style when every value is whole, or scientific notation
when magnitudes span more than 1000x; one width for all elements; rows wrapped at 80 columns; more
than 1000 elements summarized with `...`. Those numbers are torch's defaults: `set_printoptions`
(surface/print_options.py) changes them.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.forward_mode import tangent_at
from ..core.modes import modes
from .print_options import PRINT_OPTS


def _float_formatter(values: np.ndarray) -> Callable[[float], str]:
    finite = np.abs(values[np.isfinite(values) & (values != 0)]).astype(np.float64)
    int_mode = bool(np.all(finite == np.ceil(finite)))
    sci = False
    if finite.size:
        hi, lo = finite.max(), finite.min()
        sci = hi / lo > 1000.0 or hi > 1.0e8 or (not int_mode and lo < 1.0e-4)
        if PRINT_OPTS.sci_mode is not None:
            sci = PRINT_OPTS.sci_mode
    precision = PRINT_OPTS.precision

    def fmt(v: float) -> str:
        if sci:
            return f"{v:.{precision}e}"
        if int_mode:
            return f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        return f"{v:.{precision}f}"

    return fmt


def _formatter(data: np.ndarray) -> tuple[Callable[[Any], str], int]:
    shown = _summarized_values(data)
    if data.dtype.kind == "f":
        raw = _float_formatter(shown)
    elif data.dtype.kind == "b":
        raw = str
    else:
        raw = lambda v: str(int(v))  # noqa: E731
    sized = shown
    if data.dtype.kind == "f":  # torch sizes the columns by the nonzero finite values only
        sized = shown[np.isfinite(shown) & (shown != 0)]
    width = max((len(raw(v)) for v in sized.ravel().tolist()), default=1)
    return (lambda v: raw(v).rjust(width)), width


def _summarized_values(data: np.ndarray) -> np.ndarray:
    """The values the formatter sizes its columns by: all of them, or only those a summary shows."""
    return data if data.size <= PRINT_OPTS.threshold else _edges(data)


def _edges(data: np.ndarray) -> np.ndarray:
    """The first and last `edgeitems` along every dimension (torch summarizes each one, however small)."""
    if data.ndim == 0:
        return data
    if data.ndim == 1:
        return data[_shown_indices(len(data))]
    if PRINT_OPTS.edgeitems == 0:
        return data[:0]
    return np.stack([_edges(data[i]) for i in _shown_indices(len(data))])


def _shown_indices(n: int) -> list:
    edge = PRINT_OPTS.edgeitems
    return list(range(n)) if n <= 2 * edge else list(range(edge)) + list(range(n - edge, n))


def _format(data: np.ndarray, fmt: Callable, width: int, indent: int, summarize: bool) -> str:
    if data.ndim == 0:
        return fmt(data.item())
    edge = PRINT_OPTS.edgeitems
    if data.ndim == 1:
        items = [fmt(v) for v in data.tolist()] if not summarize or len(data) <= 2 * edge else (
            [fmt(v) for v in data[:edge].tolist()] + [" ..."] + [fmt(v) for v in data[-edge:].tolist()]
        )
        per_line = max(int(math.floor((PRINT_OPTS.linewidth - indent) / (width + 2))), 1)
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = []
    n = len(data)
    indices = _shown_indices(n) if summarize else range(n)
    for k, i in enumerate(indices):
        if summarize and n > 2 * edge and k == edge:
            rows.append("...")
        rows.append(_format(data[i], fmt, width, indent + 1, summarize))
    sep = "," + "\n" * (data.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def tensor_repr(t: Any, prefix: str = "tensor(") -> str:
    data = t._data
    suffixes = []
    if data.size == 0 and data.shape != (0,):
        suffixes.append(f"size={tuple(data.shape)}")
    # an empty tensor has no values to show its dtype by, so only the default float goes unnamed
    implied = (dtypes.get_default_dtype(),) if data.size == 0 else (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool)
    if t.dtype not in implied:
        suffixes.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().removeprefix('torch::autograd::')}>")  # (as torch prints CopySlices)
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    tangent = tangent_at(t, modes.dual_level)  # inside a forward-AD level, a dual tensor shows its tangent
    if tangent is not None:
        suffixes.append(f"tangent={tangent}")  # (format: a 0-d tangent shows as its number, as in torch)
    if data.size == 0:
        body = "[]"
    else:
        fmt, width = _formatter(data)
        body = _format(data, fmt, width, len(prefix), data.size > PRINT_OPTS.threshold)
    return _add_suffixes(prefix + body, suffixes, len(prefix))


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """Append `, suffix` for each suffix, on a new line (indented) when it would pass the line width."""
    last_line = len(text) - text.rfind("\n") + 1  # torch's count (one more than the line's length)
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > PRINT_OPTS.linewidth:
            text += ",\n" + " " * indent + suffix
            last_line = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line += len(suffix) + 2
    return text + ")"

"""The named tuples that `max(dim)`, `sort`, `topk`, ... return, printed as torch prints them:

    torch.return_types.max(
    values=tensor([2., 4.]),
    indices=tensor([1, 1]))
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any


def _make(name: str) -> type:
    base = namedtuple(name, ["values", "indices"])  # type: ignore[misc]

    def __repr__(self: Any) -> str:
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": __name__})
    return cls


max = _make("max")  # noqa: A001 - torch.return_types.max
min = _make("min")  # noqa: A001
topk = _make("topk")
sort = _make("sort")
kthvalue = _make("kthvalue")
median = _make("median")
mode = _make("mode")
cummax = _make("cummax")
cummin = _make("cummin")

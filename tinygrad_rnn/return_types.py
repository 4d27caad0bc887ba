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

    def __new__(cls: type, *args: Any) -> Any:
        """torch's form: one (values, indices) sequence; ops here also pass the two as arguments."""
        if len(args) == 1:
            if not hasattr(args[0], "__len__"):
                raise TypeError("constructor requires a sequence")
            args = tuple(args[0])
            if len(args) != 2:
                raise TypeError(f"torch.return_types.{name}() takes a 2-sequence ({len(args)}-sequence given)")
        elif not args:
            raise TypeError("structseq() missing required argument 'sequence' (pos 1)")
        return base.__new__(cls, *args)

    def __repr__(self: Any) -> str:
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    cls = type(name, (base,), {"__slots__": (), "__new__": __new__, "__repr__": __repr__, "__module__": __name__})
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

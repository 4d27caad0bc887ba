"""`torch.version`: the torch release whose API this package mirrors, and no CUDA, ROCm or XPU build behind it.

`torch.__version__` is what torch code reads to pick its code paths (`if torch.__version__ >= "2.0"`), so it
names the torch release this package mirrors, as torch's CPU build spells it, and compares as torch's does:
as a version against strings and tuples (`> (2, 0)`). This package's own release is PACKAGE_VERSION (what
pip shows; setup.cfg reads it from this file without importing it, so it stays a plain literal).
"""
from __future__ import annotations

import re
from typing import Any

PACKAGE_VERSION = "0.1.0"
TORCH_RELEASE = "2.13.0"
cuda: str | None = None
hip: str | None = None
rocm: str | None = None
xpu: str | None = None
debug = False
git_version = "cf30153c4c131c8164ee7798e5022d810682e2cb"  # torch 2.13.0's, as its build reports it

# release numbers, an optional pre-release (a, b, rc), an optional .devN, an optional +local label
_VERSION = re.compile(r"\s*v?(\d+(?:\.\d+)*)(?:(a|b|rc)(\d*))?(?:\.dev(\d*))?(?:\+([a-z0-9.]+))?\s*", re.IGNORECASE)
_PRE = {"a": 0, "b": 1, "rc": 2}


def _order(version: str) -> tuple | None:
    """A key that sorts versions as packaging's Version does for the forms torch's are written in
    (2.13 == 2.13.0; 2.13.0rc1 < 2.13.0 < 2.13.0+cpu); None for a text that is no version."""
    match = _VERSION.fullmatch(version)
    if match is None:
        return None
    release, pre, pre_n, dev, local = match.groups()
    numbers = [int(n) for n in release.split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    stage = (_PRE[pre.lower()], int(pre_n or 0)) if pre else (3, 0)
    return (tuple(numbers), stage, -1 if dev is None else int(dev or 0) - 10**9, tuple((local or "").split(".")))


class TorchVersion(str):
    """torch.__version__'s type: a str that compares as a version with strings and tuples of numbers."""

    __slots__ = ()

    def _compare(self, other: Any, method: str) -> bool:
        theirs = _order(".".join(map(str, other))) if isinstance(other, tuple) else \
            _order(other) if isinstance(other, str) else None
        if theirs is None or _order(self) is None:
            return getattr(str, method)(self, other)  # (no version: compared as text, as torch's falls back)
        return getattr(_order(self), method)(theirs)

    def __lt__(self, other: Any) -> bool:
        return self._compare(other, "__lt__")

    def __le__(self, other: Any) -> bool:
        return self._compare(other, "__le__")

    def __gt__(self, other: Any) -> bool:
        return self._compare(other, "__gt__")

    def __ge__(self, other: Any) -> bool:
        return self._compare(other, "__ge__")

    def __eq__(self, other: Any) -> bool:
        return self._compare(other, "__eq__")

    def __ne__(self, other: Any) -> bool:
        return self._compare(other, "__ne__")

    __hash__ = str.__hash__


__version__ = TorchVersion(TORCH_RELEASE + "+cpu")

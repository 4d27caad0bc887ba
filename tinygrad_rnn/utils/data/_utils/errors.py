"""How an error raised in a DataLoader worker reaches the loop that iterates the loader (torch._utils'
ExceptionWrapper): the same exception type, its message the worker's traceback under a heading,

    ZeroDivisionError: Caught ZeroDivisionError in DataLoader worker process 0.
    Original Traceback (most recent call last):
      ...
    ZeroDivisionError: division by zero

so code that catches a dataset's KeyError or ValueError around the loop still catches it.
"""
from __future__ import annotations

import sys
import traceback
from typing import Any


class KeyErrorMessage(str):
    """A str that is its own repr: KeyError shows its argument's repr, which would quote the traceback."""

    __slots__ = ()

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception and its traceback, kept as text, to raise again later (`reraise`), where it was caught."""

    def __init__(self, exc_info: Any = None, where: str = "in background") -> None:
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))  # text, not the traceback: no frames kept alive
        self.where = where

    def reraise(self) -> None:
        """Raise the exception's type again, its message the heading and the original traceback; a type that
        cannot be made from one message becomes a RuntimeError, as in torch."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):  # an exception type whose message is a keyword
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # noqa: BLE001 - a type needing other arguments: torch falls back to RuntimeError
            raise RuntimeError(msg) from None
        raise exception

"""The one error a malformed file raises, and the limits every reader checks before it allocates."""
from __future__ import annotations

import os
from typing import Any

# Real checkpoints nest a few levels (a dict of optimizer state holding a dict per parameter);
# anything deeper than this is refused before it can exhaust Python's stack.
MAX_NESTING = 100

# Deflate cannot compress better than about 1032:1, so a member that claims to expand further is lying.
MAX_DEFLATE_RATIO = 1032


class MalformedFileError(RuntimeError):
    """A file that `tinygrad_rnn.load` (or `safetensors.load_file`) cannot read: truncated, corrupted,
    inconsistent, or not a checkpoint at all. The message names the file and says what is wrong.

    A pickle that names a forbidden global raises `pickle.UnpicklingError` instead, as torch does.
    """


def describe(f: Any) -> str:
    """How an error message names `f`: its path, or the file object."""
    if isinstance(f, (str, os.PathLike)):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, str) else f"the file object {f!r}"


def malformed(where: str, why: str) -> MalformedFileError:
    return MalformedFileError(f"tinygrad_rnn.load: {where} is not a readable checkpoint: {why}")

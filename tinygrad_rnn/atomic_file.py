"""Replace a file atomically: a failed or interrupted save never destroys the previous checkpoint.

We write to a temporary file in the same folder, flush it and fsync it to disk, then rename it over
the target. A rename within one file system is atomic, so at every moment the path holds either the
old checkpoint or the complete new one. (torch.save writes in place and leaves a truncated file.)
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file to write into; it becomes `path` only if the `with` block completes."""
    target = os.path.realpath(os.fspath(path))  # through a symlink, as open() would write
    if os.path.exists(target) and not os.path.isfile(target):  # /dev/null, a pipe: nothing to replace
        with open(target, "wb") as fh:
            yield fh
        return
    folder, name = os.path.split(target)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _mode_for(target: str) -> int:
    """Keep the old file's permissions, or give a new one what open() would (0o666 minus the umask)."""
    try:
        return os.stat(target).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); not possible, nor needed, everywhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

"""`save` and `load`, file-compatible with `torch.save` and `torch.load` in both directions, and safe.

    torch.save(model.state_dict(), "model.pt")        # real PyTorch can torch.load this file
    model.load_state_dict(torch.load("model.pt"))      # and we read the files PyTorch writes

`save` writes torch's zip format (see `torch_zip.py`); `load` reads that, torch's older non-zip
format (`torch_legacy.py`), safetensors files (by the `.safetensors` suffix, as torch does) and the
`.npz` files earlier versions of tinygrad_rnn wrote (`npz_format.py`).

Why loading is safe: torch files are pickles, and a pickle can name any Python function to call.
We never use Python's unpickler. `restricted_unpickler.py` reads the pickle opcodes itself and
builds only tensors, dtypes, sizes, containers and plain values, through an allowlist modelled on
torch's `weights_only=True` loader, and with `weights_only=False` modules of classes already loaded;
any other name raises `pickle.UnpicklingError` before anything runs. Every other problem with a file (truncated, corrupted,
inconsistent sizes, too deeply nested) raises `MalformedFileError`, a RuntimeError naming the file.
See docs/serialization.md.
"""
from __future__ import annotations

import errno
import io
import os
import pickle
import pickletools
import zipfile
from typing import Any, BinaryIO

import numpy as np

from .. import safetensors
from ..atomic_file import atomic_write
from . import npz_format, torch_legacy, torch_zip
from .errors import MalformedFileError, describe, malformed
from .restricted_unpickler import python3_name, unsafe_global
from .zip_members import archive_size, open_archive, read_member

__all__ = ["save", "load", "MalformedFileError", "add_safe_globals", "safe_globals", "get_safe_globals",
           "clear_safe_globals", "get_unsafe_globals_in_checkpoint"]

FileLike = str | os.PathLike | BinaryIO


# ---------------------------------------------------------------- save
def save(obj: Any, f: FileLike, pickle_module: Any = pickle, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Write `obj` (a state_dict, an optimizer's state_dict, a checkpoint dict of tensors, numbers,
    strings, lists..., or a whole module) to the path or binary file `f` as `torch.save` does, so
    `torch.load` reads it.

    A path is replaced atomically: the previous file survives any failure. Objects other than
    these (and numeric numpy scalars and arrays) are refused with a TypeError.
    """
    if pickle_module is not pickle:
        raise NotImplementedError("tinygrad_rnn.save: pickle_module other than the standard pickle is not "
                                  "supported; tinygrad_rnn writes the checkpoint's pickle itself")
    if type(pickle_protocol) is not int or not 2 <= pickle_protocol <= pickle.HIGHEST_PROTOCOL:
        raise NotImplementedError(f"tinygrad_rnn.save: pickle_protocol={pickle_protocol!r} is not supported "
                                  f"(2 to {pickle.HIGHEST_PROTOCOL})")
    if not isinstance(f, (str, os.PathLike)) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")

    def write(stream: Any, name: str) -> None:
        if not _seekable(stream):  # a pipe or socket: zipfile needs to seek, so build the file in memory first
            buffer = io.BytesIO()
            write(buffer, name)
            stream.write(buffer.getvalue())
        elif _use_new_zipfile_serialization:
            torch_zip.write(obj, stream, name, pickle_protocol, not _disable_byteorder_record)
        else:
            torch_legacy.write(obj, stream, pickle_protocol)

    if isinstance(f, (str, os.PathLike)):
        parent = os.path.dirname(os.fspath(f))
        if parent and not os.path.isdir(parent):  # torch's messages, before anything is written
            if _use_new_zipfile_serialization:
                raise RuntimeError(f"Parent directory {parent} does not exist.")
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", os.fspath(f))
        archive_name = _archive_name(os.fspath(f)) if _use_new_zipfile_serialization else "archive"
        with atomic_write(f) as fh:
            write(fh, archive_name)
    else:
        write(f, "archive")


def _archive_name(path: str) -> str:
    """The folder torch names the members under: the file's name up to its last dot ('temp.p' -> 'temp/'),
    as torch's C++ writer cuts it (at '/' or '\\'), or 'archive' for a path that is not ASCII (which
    torch writes through a Python stream instead)."""
    if not path.isascii():
        return "archive"
    base = path[max(path.rfind("/"), path.rfind("\\")) + 1:]
    name = base[:base.rfind(".")] if "." in base else base
    if not name:
        raise RuntimeError(f"[enforce fail at inline_container.cc:720] . invalid file name: {path}")
    return name


def _seekable(f: Any) -> bool:
    try:
        return bool(f.seekable()) and f.tell() >= 0
    except (AttributeError, OSError, ValueError):
        return False


# ---------------------------------------------------------------- load
def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Read a file written by `torch.save` (zip or legacy format), by `tinygrad_rnn.save`, a
    `.safetensors` file, or an `.npz` file of earlier tinygrad_rnn versions.

    Only data is ever built (see the module docstring); `weights_only=False` adds whole modules,
    of classes already loaded (whole_modules.py). `map_location` follows torch's rules; everything lands on the
    CPU. `mmap=True` maps the file's storages instead of reading them (paths to zip files only).
    `pickle_load_args` may hold `encoding` and `errors` (for Python 2 strings in old files).
    """
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("tinygrad_rnn.load: pickle_module other than the standard pickle is not "
                                  "supported; tinygrad_rnn never runs an unpickler other than its restricted one")
    unknown = set(pickle_load_args) - {"encoding", "errors", "fix_imports"}
    if unknown:
        raise TypeError(f"'{sorted(unknown)[0]}' is an invalid keyword argument for Unpickler()")
    if not pickle_load_args.get("fix_imports", True):
        raise NotImplementedError("tinygrad_rnn.load: fix_imports=False is not supported; Python 2 names in old "
                                  "files are always mapped, as torch's weights-only loader maps them")
    options = dict(map_location=map_location, weights_only=weights_only,
                   encoding=pickle_load_args.get("encoding", "utf-8"), errors=pickle_load_args.get("errors", "strict"))
    is_path = isinstance(f, (str, os.PathLike))
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)
    where = describe(f)
    with _open_for_reading(f) as stream:
        try:
            return _load_stream(stream, bool(mmap), f if mmap and is_path else None, where, options)
        except MalformedFileError as e:
            raise malformed(where, str(e)) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as e:
            raise malformed(where, f"the zip archive is damaged or truncated ({e})") from None


def _load_stream(stream: Any, mmap: bool, mmap_path: Any, where: str, options: dict) -> Any:
    start = stream.tell()
    head = stream.read(512)
    stream.seek(start)
    if not isinstance(head, bytes):
        raise TypeError("tinygrad_rnn.load: the file must be opened in binary mode ('rb'), not text mode")
    if head.startswith(b"PK"):
        total_size = archive_size(stream)
        zf = open_archive(stream)
        names = zf.namelist()
        if mmap and mmap_path is None:
            raise ValueError("f must be a file path in order to use the mmap argument")
        if npz_format.is_npz(names):
            _refuse_mmap(mmap)
            return npz_format.read(zf, total_size)
        prefix = torch_zip.archive_prefix(names, where)
        if prefix is None:
            raise MalformedFileError("it is a zip archive but neither a torch checkpoint (no archive/data.pkl) nor "
                                     "a tinygrad_rnn .npz file (no __manifest__ entry)")
        mapped = np.memmap(mmap_path, dtype=np.uint8, mode="c") if mmap_path is not None else None
        return torch_zip.read(zf, stream, prefix, total_size, where=where, mapped=mapped, **options)
    _refuse_mmap(mmap)
    if not head:
        raise MalformedFileError("the file is empty")
    if torch_legacy.is_legacy_tar(head):
        raise NotImplementedError(f"tinygrad_rnn.load: {where} is in the .tar format of torch < 0.4, which torch "
                                  "itself no longer loads with weights_only=True; re-save it with a newer torch")
    if head[:1] == b"\x80":
        return torch_legacy.read(stream.read(), where=where, **options)
    raise MalformedFileError("it is not a checkpoint: not a zip archive (torch.save, tinygrad_rnn.save), not a "
                             "pickle (torch's legacy format), and not named .safetensors")


def _refuse_mmap(mmap: bool) -> None:
    if mmap:
        raise RuntimeError("mmap can only be used with files saved with `torch.save(_use_new_zipfile_serialization="
                           "True), please torch.save your checkpoint with this option in order to use mmap.")


class _open_for_reading:
    """A seekable binary stream over `f`; closes it afterwards only if we opened it."""

    def __init__(self, f: FileLike) -> None:
        self.f = f
        self.opened: Any = None

    def __enter__(self) -> Any:
        if isinstance(self.f, (str, os.PathLike)):
            self.opened = open(self.f, "rb")
            return self.opened
        if _seekable(self.f):
            return self.f
        return io.BytesIO(self.f.read())

    def __exit__(self, *exc: Any) -> None:
        if self.opened is not None:
            self.opened.close()


# ---------------------------------------------------------------- torch's allowlist extensions
SAFE_GLOBALS_MESSAGE = ("tinygrad_rnn.serialization.{}: tinygrad_rnn never builds objects of other classes from a "
                        "file (that is what keeps loading safe), so its allowlist cannot be extended; save those "
                        "values as tensors, numbers, strings or containers instead")


def add_safe_globals(safe_globals: list) -> None:
    """torch lets you allow more classes in a file; here that would run their code, so it is refused."""
    raise NotImplementedError(SAFE_GLOBALS_MESSAGE.format("add_safe_globals"))


class safe_globals:
    """torch's context manager form of `add_safe_globals`; refused for the same reason."""

    def __init__(self, safe_globals: list) -> None:
        raise NotImplementedError(SAFE_GLOBALS_MESSAGE.format("safe_globals"))


def get_safe_globals() -> list:
    """The globals added to the allowlist: always none here."""
    return []


def clear_safe_globals() -> None:
    """Nothing to clear: the allowlist is fixed."""


def get_unsafe_globals_in_checkpoint(f: FileLike) -> list[str]:
    """The GLOBAL names in a torch zip checkpoint that `load` would refuse, found by reading the
    pickle's opcodes (pickletools.genops), never by running them."""
    where = describe(f)
    with _open_for_reading(f) as stream:
        start = stream.tell()
        if not stream.read(2).startswith(b"PK"):
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        stream.seek(start)
        try:
            zf, total_size = open_archive(stream), archive_size(stream)
            prefix = torch_zip.archive_prefix(zf.namelist(), where)
            if prefix is None:
                raise ValueError("Expected input to be a checkpoint returned by torch.save")
            data = read_member(zf, f"{prefix}/data.pkl", total_size)
            names = {arg.replace(" ", ".") for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"}
        except MalformedFileError as e:
            raise malformed(where, str(e)) from None
        except ValueError as e:  # genops on a damaged pickle
            raise malformed(where, f"its pickle is damaged ({e})") from None
    return sorted({python3_name(name) for name in names if unsafe_global(name)})


def _load_safetensors(path: str, map_location: Any) -> Any:
    """torch.load hands a path ending in .safetensors to safetensors; so do we."""
    if isinstance(map_location, dict) or (callable(map_location) and not isinstance(map_location, str)):
        kind = "dict" if isinstance(map_location, dict) else "callable"
        raise RuntimeError(f"Loading safetensors file with {kind} map_location is not supported. Use a device "
                           "string or torch.device instead.")

    return safetensors.load_file(path, device="cpu" if map_location is None else str(map_location))

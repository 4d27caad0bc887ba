"""Reading one zip member safely: its declared sizes are checked before a byte is allocated.

A zip's central directory says how big each member is; a crafted file can lie. Before reading a
member we check that its stored bytes lie inside the file, that a stored (uncompressed) member is
as big as it claims, and that a deflated one does not claim to expand beyond what deflate can do.
Only members a checkpoint actually refers to are ever read.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from typing import Any

import numpy as np

from .errors import MAX_DEFLATE_RATIO, MalformedFileError

LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the fixed 30 bytes before a member's name
# What zipfile raises on a damaged archive (encrypted-flag members raise RuntimeError).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
              UnicodeDecodeError, struct.error, zlib.error)


def open_archive(stream: Any) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(stream)
    except ZIP_ERRORS as e:
        raise MalformedFileError(f"the zip archive is damaged or truncated ({e})") from None


def _open(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    try:
        return zf.open(info)
    except ZIP_ERRORS as e:
        raise MalformedFileError(f"member {info.filename!r} is damaged ({e})") from None


def archive_size(stream: Any) -> int:
    here = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(here)
    return size


def check_member(zf: zipfile.ZipFile, name: str, total_size: int) -> zipfile.ZipInfo:
    """The member `name`, after checking its declared sizes against the file it sits in."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise MalformedFileError(f"the archive has no member {name!r}") from None
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise MalformedFileError(f"member {name!r} is stored uncompressed but its two sizes differ "
                                     f"({info.compress_size} and {info.file_size} bytes)")
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        if info.file_size > max(info.compress_size, 1) * MAX_DEFLATE_RATIO:
            raise MalformedFileError(f"member {name!r} claims to inflate {info.compress_size} bytes to "
                                     f"{info.file_size}, more than deflate can")
    else:
        raise MalformedFileError(f"member {name!r} uses zip compression method {info.compress_type}, which "
                                 "checkpoints never use")
    if info.header_offset + LOCAL_HEADER.size + info.compress_size > total_size:
        raise MalformedFileError(f"member {name!r} reaches past the end of the file ({total_size} bytes): the "
                                 "file is truncated")
    return info


def read_member(zf: zipfile.ZipFile, name: str, total_size: int, limit: int | None = None) -> bytes:
    """All bytes of a (small) member, e.g. data.pkl or a manifest; `limit` caps its size."""
    info = check_member(zf, name, total_size)
    if limit is not None and info.file_size > limit:
        raise MalformedFileError(f"member {name!r} is {info.file_size} bytes; at most {limit} are expected")
    try:
        with _open(zf, info) as fh:
            data = fh.read(info.file_size + 1)
    except ZIP_ERRORS as e:
        raise MalformedFileError(f"member {name!r} is damaged ({e})") from None
    if len(data) != info.file_size:
        raise MalformedFileError(f"member {name!r} holds {len(data)} bytes, not the {info.file_size} it declares")
    return data


def open_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: Any = None) -> Any:
    """A stream over a checked member; damage found while reading it becomes MalformedFileError.

    Given the archive's own seekable stream, a stored member is read straight into the caller's
    buffer (one copy instead of zipfile's two), its CRC still checked.
    """
    if archive is not None and info.compress_type == zipfile.ZIP_STORED:
        return _StoredStream(archive, info)
    return _CheckedStream(zf, info)


class _StoredStream:
    def __init__(self, archive: Any, info: zipfile.ZipInfo) -> None:
        self.archive, self.info = archive, info

    def __enter__(self) -> _StoredStream:
        self.archive.seek(self.info.header_offset)
        header = self.archive.read(LOCAL_HEADER.size)
        if len(header) != LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise MalformedFileError(f"member {self.info.filename!r} has no local header where the directory says")
        fields = LOCAL_HEADER.unpack(header)
        self.archive.seek(self.info.header_offset + LOCAL_HEADER.size + fields[-2] + fields[-1])
        self.left, self.crc = self.info.file_size, 0
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def readinto(self, view: memoryview) -> int:
        got = self.archive.readinto(view[:min(len(view), self.left)]) if self.left else 0
        self.crc = zlib.crc32(view[:got], self.crc)
        self.left -= got
        if not self.left and self.crc != self.info.CRC:
            raise MalformedFileError(f"member {self.info.filename!r} is damaged (its CRC-32 does not match)")
        return got


class _CheckedStream:
    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self.zf, self.info = zf, info

    def __enter__(self) -> _CheckedStream:
        self.fh = _open(self.zf, self.info)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.fh.close()

    def readinto(self, view: memoryview) -> int:
        try:
            return self.fh.readinto(view)
        except ZIP_ERRORS as e:
            raise MalformedFileError(f"member {self.info.filename!r} is damaged ({e})") from None


def mapped_member(mapped: np.ndarray, info: zipfile.ZipInfo) -> np.ndarray:
    """The bytes of a stored member inside a memory-mapped archive (for load(..., mmap=True))."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise MalformedFileError(f"member {info.filename!r} is compressed, so it cannot be memory-mapped")
    header = bytes(mapped[info.header_offset:info.header_offset + LOCAL_HEADER.size])
    if len(header) != LOCAL_HEADER.size:
        raise MalformedFileError(f"member {info.filename!r} has no local header where the directory says")
    fields = LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise MalformedFileError(f"member {info.filename!r} has no local header where the directory says")
    start = info.header_offset + LOCAL_HEADER.size + fields[-2] + fields[-1]
    if start + info.file_size > mapped.size:
        raise MalformedFileError(f"member {info.filename!r} reaches past the end of the file")
    return mapped[start:start + info.file_size]

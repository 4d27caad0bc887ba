"""Writes a zip archive byte for byte as torch's PyTorchStreamWriter (miniz) does, so that our checkpoint
files are the size of torch's (tutorials print `os.path.getsize(...)` of a saved model).

What miniz writes, member by member, offsets counted from the archive's first byte:

    local header   version 0, flags 0x0808 (sizes follow the data; UTF-8 name; 0x0800 for an empty member,
                   which has no descriptor), stored, time and date 0,
                   CRC and sizes 0; the name; an extra field 'FB' + 2-byte length + 'Z' padding that puts
                   the data on a 64-byte boundary (4 bytes even when no padding is needed)
    data           the member's bytes
    descriptor     'PK\\x07\\x08', CRC-32, both sizes (4 bytes each; 8 each for a member of 4 GiB or more);
                   none after an empty member
    central dir    per member: version 0, the same flags, CRC, sizes, offset, and no extra field (a zip64
                   field only when a size or offset does not fit 32 bits)
    end records    always the zip64 end record and its locator (miniz writes zip64 archives), then the
                   classic end record
"""
from __future__ import annotations

import struct
import zlib
from typing import Any

ALIGNMENT = 64
UTF8_NAME, SIZES_AFTER_DATA = 0x0800, 0x0008  # the flags miniz sets (an empty member has no descriptor)
U32_MAX = 0xFFFFFFFF

LOCAL = struct.Struct("<IHHHHHIIIHH")
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
ZIP64_END = struct.Struct("<IQHHIIQQQQ")
ZIP64_LOCATOR = struct.Struct("<IIQI")
END = struct.Struct("<IHHHHIIH")


def write_archive(stream: Any, records: list[tuple[str, Any]]) -> None:
    """Write the (name, bytes-like) records to the binary `stream`, stored uncompressed, in this order."""
    offset, directory = 0, []
    for name, payload in records:
        header, descriptor, entry = _member(name.encode("utf-8"), memoryview(payload).cast("B"), offset)
        stream.write(header)
        stream.write(payload)
        stream.write(descriptor)
        offset += len(header) + len(payload) + len(descriptor)
        directory.append(entry)
    stream.write(b"".join(directory) + _end_records(len(records), sum(map(len, directory)), offset))


def _zip64_field(uncompressed: int | None, compressed: int | None, offset: int | None) -> bytes:
    """miniz's zip64 extra field: whichever of the two sizes and the header's offset are given."""
    values = [v for v in (uncompressed, compressed, offset) if v is not None]
    return struct.pack(f"<HH{len(values)}Q", 1, 8 * len(values), *values) if values else b""


def _member(name: bytes, data: memoryview, offset: int) -> tuple[bytes, bytes, bytes]:
    """(local header with its padding, data descriptor, central directory entry) of one stored member."""
    size, crc = data.nbytes, zlib.crc32(data)
    big, far = size >= U32_MAX, offset >= U32_MAX
    # miniz writes the local zip64 field before the data, while its compressed size is still 0.
    local_zip64 = _zip64_field(size if big else None, 0 if big else None, offset if far else None)
    start = offset + LOCAL.size + len(name) + len(local_zip64) + 4
    padding = -start % ALIGNMENT
    extra = local_zip64 + b"FB" + struct.pack("<H", padding) + b"Z" * padding
    flags = UTF8_NAME | (SIZES_AFTER_DATA if size else 0)
    header = LOCAL.pack(0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0, len(name), len(extra)) + name + extra
    if not size:
        descriptor = b""
    elif local_zip64:
        descriptor = struct.pack("<IIQQ", 0x08074B50, crc, size, size)
    else:
        descriptor = struct.pack("<IIII", 0x08074B50, crc, size, size)
    central_zip64 = _zip64_field(size if big else None, size if big else None, offset if far else None)
    entry = CENTRAL.pack(0x02014B50, 0, 0, flags, 0, 0, 0, crc, min(size, U32_MAX), min(size, U32_MAX), len(name),
                         len(central_zip64), 0, 0, 0, 0, min(offset, U32_MAX)) + name + central_zip64
    return header, descriptor, entry


def _end_records(count: int, directory_size: int, directory_offset: int) -> bytes:
    """The zip64 end record (made by 3.0 on Unix, needs 4.5), its locator, then the classic end record."""
    zip64_end = ZIP64_END.pack(0x06064B50, ZIP64_END.size - 12, 0x031E, 45, 0, 0, count, count, directory_size,
                               directory_offset)
    locator = ZIP64_LOCATOR.pack(0x07064B50, 0, directory_offset + directory_size, 1)
    end = END.pack(0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), min(directory_size, U32_MAX),
                   min(directory_offset, U32_MAX), 0)
    return zip64_end + locator + end

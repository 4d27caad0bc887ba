"""torch's format before 1.6 (`torch.save(..., _use_new_zipfile_serialization=False)`): pickles in a row.

    pickle  the magic number 0x1950a86a20f9469cfc6c
    pickle  the protocol version, 1001
    pickle  {'protocol_version': 1001, 'little_endian': True, 'type_sizes': {...}}
    pickle  the saved object; storages are persistent ids ('storage', type, key, location, numel, None)
    pickle  the list of storage keys, in the order their bytes follow
    then, per key: the element count as a little-endian int64, and the raw bytes

Unlike the zip format, tensors are rebuilt before their bytes are read, so each storage is
allocated when first named (after checking it fits in the file) and filled at the end.
"""
from __future__ import annotations

import struct
from typing import Any

from .errors import MalformedFileError
from .pickle_writer import StorageTable, TorchPickler
from .restricted_unpickler import RestrictedUnpickler
from .storages import Storage, StorageType, restore_location

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
LEGACY_NAME_BASE = 94_000_000_000_000  # storage names as long as torch's (addresses on the heap)
SYS_INFO = {"protocol_version": PROTOCOL_VERSION, "little_endian": True,
            "type_sizes": {"short": 2, "int": 4, "long": 4}}


def write(obj: Any, stream: Any, protocol: int) -> None:
    storages = StorageTable(name_base=LEGACY_NAME_BASE)
    data = TorchPickler(storages, protocol, legacy=True).dump(obj)  # first: a refused object writes nothing
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, SYS_INFO):
        stream.write(TorchPickler(StorageTable(), protocol).dump(header))
    stream.write(data)
    keys = sorted(storages.names)  # torch lists them sorted as strings
    stream.write(TorchPickler(StorageTable(), protocol).dump(keys))
    index = {name: i for i, name in enumerate(storages.names)}
    for key in keys:
        array = storages.arrays[index[key]]
        stream.write(struct.pack("<q", array.size))
        stream.write(array.view("u1").data)


def is_legacy_tar(raw: bytes) -> bool:
    """torch < 0.4 wrote a tar archive; its header says 'ustar' at byte 257."""
    return raw[257:262] == b"ustar"


def read(raw: bytes, *, where: str, map_location: Any, weights_only: bool | None, encoding: str,
         errors: str) -> Any:
    view = memoryview(raw)
    pos = 0

    def next_pickle(persistent_load: Any = None) -> Any:
        nonlocal pos
        unpickler = RestrictedUnpickler(view[pos:], persistent_load or _no_storages, where=where,
                                        weights_only=weights_only, encoding=encoding, errors=errors)
        value = unpickler.load()
        pos += unpickler.pos
        return value

    if next_pickle() != MAGIC_NUMBER:
        raise MalformedFileError("Invalid magic number; corrupt file? (it is neither a torch checkpoint nor a "
                                 "tinygrad_rnn file)")
    if next_pickle() != PROTOCOL_VERSION:
        raise MalformedFileError(f"its legacy protocol version is not {PROTOCOL_VERSION}")
    sys_info = next_pickle()
    byteorder = "little" if not isinstance(sys_info, dict) or sys_info.get("little_endian", True) else "big"
    storages: dict[str, Storage] = {}
    declared = 0  # bytes all storages named so far need; they must all fit in the file

    def persistent_load(pid: tuple) -> Storage:
        if len(pid) != 6:
            raise MalformedFileError(f"a storage id has {len(pid)} fields, not 6: {str(pid)[:80]}")
        _, storage_type, key, location, numel, view = pid
        if not isinstance(storage_type, StorageType) or type(key) is not str or type(numel) is not int or numel < 0:
            raise MalformedFileError(f"a storage id is malformed: {str(pid)[:80]}")
        if view is not None:
            raise NotImplementedError("tinygrad_rnn.load: the file holds a storage view (torch < 1.0), which "
                                      "tinygrad_rnn does not read")
        nonlocal declared
        if key not in storages:
            storage = Storage(storage_type, numel, byteorder)
            declared += storage.nbytes
            if declared > len(raw) - pos:  # checked before allocating: the bytes must be in the file
                raise MalformedFileError(f"storage {key!r} declares {storage.nbytes} bytes, more than the file holds")
            storage.allocate()
            storages[key] = restore_location(storage, str(location), map_location)
        elif storages[key].type is not storage_type or storages[key].numel != numel:
            raise MalformedFileError(f"storage {key!r} is declared twice, differently")
        return storages[key]

    result = next_pickle(persistent_load)
    keys = next_pickle()
    if type(keys) is not list or sorted(keys, key=str) != sorted(storages, key=str):
        raise MalformedFileError("its list of storage keys does not match the storages the data uses")
    for key in keys:
        storage = storages[key]
        if pos + 8 + storage.nbytes > len(raw):
            raise MalformedFileError(f"the bytes of storage {key!r} are cut off: the file is truncated")
        (count,) = struct.unpack("<q", view[pos:pos + 8])
        if count != storage.numel:
            raise MalformedFileError(f"storage {key!r} holds {count} elements, not the {storage.numel} declared")
        storage.fill(view[pos + 8:pos + 8 + storage.nbytes])
        pos += 8 + storage.nbytes
    return result


def _no_storages(pid: tuple) -> Any:
    raise MalformedFileError("a header pickle refers to a storage")

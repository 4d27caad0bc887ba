"""torch's checkpoint format since 1.6 (`torch.save`'s default): a zip archive, read and written here.

    archive/data.pkl                 the pickle of the saved object; tensors refer to storages by key
    archive/data/0, data/1, ...      each storage's raw bytes, uncompressed, aligned to 64 bytes
    archive/byteorder                'little' or 'big'
    archive/version                  '3'  (the archive format's version)
    archive/.format_version, .storage_alignment, .data/serialization_id   bookkeeping torch writes

`archive` is the file's name without its extension (or 'archive' for a buffer). We write the
members in torch's order with torch's padding, so `torch.load(f, weights_only=True)` reads our files
(and can memory-map them), and we read torch's through the restricted unpickler.
"""
from __future__ import annotations

import hashlib
import sys
import zipfile
from typing import Any

import numpy as np

from .errors import MalformedFileError
from .pickle_writer import StorageTable, TorchPickler
from .restricted_unpickler import RestrictedUnpickler
from .storages import Storage, StorageType, restore_location
from .zip_members import check_member, mapped_member, open_member, read_member
from .zip_writer import ALIGNMENT, write_archive

SUPPORTED_VERSIONS = range(1, 11)  # torch 2.13 writes 3 and reads up to 10


# ---------------------------------------------------------------- writing
def write(obj: Any, stream: Any, archive_name: str, protocol: int, byteorder_record: bool) -> None:
    """Write `obj` to the seekable binary `stream` as torch's zip checkpoint."""
    storages = StorageTable()
    data = TorchPickler(storages, protocol).dump(obj)
    records: list[tuple[str, Any]] = [("data.pkl", data), (".format_version", b"1"),
                                      (".storage_alignment", str(ALIGNMENT).encode())]
    if byteorder_record:
        records.append(("byteorder", sys.byteorder.encode()))
    records += [(f"data/{key}", array.view(np.uint8).data) for key, array in enumerate(storages.arrays)]
    serialization_id = int(hashlib.sha1(data).hexdigest(), 16) % 10**40  # deterministic: same object, same file
    records += [("version", b"3\n"), (".data/serialization_id", f"{serialization_id:040d}".encode())]
    write_archive(stream, [(f"{archive_name}/{name}", payload) for name, payload in records])


# ---------------------------------------------------------------- reading
def archive_prefix(names: list[str], where: str) -> str | None:
    """The top folder holding data.pkl, or None when the zip is not a torch checkpoint."""
    prefixes = [n[: -len("/data.pkl")] for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(prefixes) > 1:
        raise MalformedFileError(f"it holds {len(prefixes)} pickles ({', '.join(prefixes)}), not one")
    return prefixes[0] if prefixes else None


def read(zf: zipfile.ZipFile, archive: Any, prefix: str, total_size: int, *, where: str, map_location: Any,
         weights_only: bool | None, mapped: np.ndarray | None, encoding: str, errors: str) -> Any:
    """Unpickle `prefix/data.pkl`, loading each storage it refers to (and no other member).
    `archive` is the seekable stream `zf` reads."""
    names = set(zf.namelist())
    if f"{prefix}/constants.pkl" in names:
        raise NotImplementedError(f"tinygrad_rnn.load: {where} is a TorchScript archive (torch.jit.save); "
                                  "tinygrad_rnn reads checkpoints only")
    _check_version(read_member(zf, f"{prefix}/version", total_size, limit=64))
    byteorder = "little"
    if f"{prefix}/byteorder" in names:
        byteorder = read_member(zf, f"{prefix}/byteorder", total_size, limit=64).decode("ascii", "replace")
        if byteorder not in ("little", "big"):
            raise MalformedFileError(f"its byteorder record says {byteorder[:20]!r}, not 'little' or 'big'")
    loaded: dict[str, Storage] = {}

    def persistent_load(pid: tuple) -> Storage:
        if len(pid) != 5:
            raise MalformedFileError(f"a storage id has {len(pid)} fields, not 5: {str(pid)[:80]}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, StorageType) or type(key) is not str or type(numel) is not int or numel < 0:
            raise MalformedFileError(f"a storage id is malformed: {str(pid)[:80]}")
        if key in loaded:
            if loaded[key].type is not storage_type:
                raise MalformedFileError(f"storage {key!r} is read as two different types")
            return loaded[key]
        storage = Storage(storage_type, numel, byteorder)
        info = check_member(zf, f"{prefix}/data/{key}", total_size)
        if info.file_size != storage.nbytes:
            raise MalformedFileError(f"storage {key!r} declares {numel} elements ({storage.nbytes} bytes) but its "
                                     f"member holds {info.file_size} bytes")
        if mapped is not None:
            storage.map(mapped_member(mapped, info))
        else:
            with open_member(zf, info, archive) as stream:
                storage.read_from(stream)
        loaded[key] = restore_location(storage, location if type(location) is str else str(location), map_location)
        return storage

    data = read_member(zf, f"{prefix}/data.pkl", total_size)
    return RestrictedUnpickler(data, persistent_load, where=where, weights_only=weights_only,
                               encoding=encoding, errors=errors).load()


def _check_version(raw: bytes) -> None:
    text = raw.decode("ascii", "replace").strip()
    if not text.isdigit() or int(text) not in SUPPORTED_VERSIONS:
        raise MalformedFileError(f"its archive format version is {text[:20]!r}; tinygrad_rnn reads versions "
                                 f"{SUPPORTED_VERSIONS.start} to {SUPPORTED_VERSIONS.stop - 1}")

"""Hostile and damaged files: load refuses them with nothing run and no memory blow-up.

A pickle naming a forbidden global raises pickle.UnpicklingError (as torch does); every other damaged
file raises MalformedFileError, a RuntimeError that names the file. Pickles here are written opcode by
opcode, so each test says exactly what the file contains.
"""
from __future__ import annotations

import io
import json
import os
import pathlib
import pickle
import struct
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.serialization import MalformedFileError
from tinygrad_rnn.serialization.npz_format import write_npz

REFUSALS = (MalformedFileError, pickle.UnpicklingError, NotImplementedError)


# ---------------------------------------------------------------- building files by hand
def X(text: str) -> bytes:
    raw = text.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def J(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def tup(items: tuple) -> bytes:
    return b"(" + b"".join(J(i) for i in items) + b"t"


def persistent_id(storage: str = "FloatStorage", key: str = "0", numel: int = 2) -> bytes:
    return b"(" + X("storage") + f"ctorch\n{storage}\n".encode() + X(key) + X("cpu") + J(numel) + b"tQ"


def rebuilt_tensor(pid: bytes, offset: int = 0, size: tuple = (2,), stride: tuple = (1,)) -> bytes:
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + pid + J(offset) + tup(size) + tup(stride) + b"\x89"
            + b"ccollections\nOrderedDict\n)R" + b"tR")


def pickle_of(body: bytes) -> bytes:
    return b"\x80\x02" + body + b"."


def torch_zip(data_pkl: bytes, storages: dict[str, bytes] | None = None, version: bytes = b"3\n",
              extra: dict[str, bytes] | None = None) -> bytes:
    """A zip laid out as torch.save lays it out, with the members given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/byteorder", b"little")
        for key, raw in (storages or {}).items():
            z.writestr(f"archive/data/{key}", raw)
        z.writestr("archive/version", version)
        for name, raw in (extra or {}).items():
            z.writestr(name, raw)
    return buffer.getvalue()


def load_bytes(raw: bytes, tmp_path: pathlib.Path, **kwargs: object) -> object:
    path = tmp_path / "suspect.pt"
    path.write_bytes(raw)
    return tinygrad_rnn.load(path, **kwargs)


def peak_memory(fn: Callable[[], object]) -> int:
    """The most memory (bytes, as numpy and Python report it) allocated while `fn` runs."""
    tracemalloc.start()
    try:
        fn()
    except REFUSALS:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


class _TouchOnLoad:
    """Unpickling this with Python's pickle would create `marker`: proof of code execution."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (pathlib.Path.touch, (self.marker,))


# ---------------------------------------------------------------- code execution attempts
@pytest.mark.parametrize("protocol", [2, 4, 5])
@pytest.mark.parametrize("weights_only", [None, True, False])
def test_a_reduce_to_a_function_runs_nothing(protocol: int, weights_only: bool | None,
                                             tmp_path: pathlib.Path) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"w": _TouchOnLoad(marker)}, protocol=protocol)
    # A weights-only load stops at protocol 4's FRAME, before any name, as torch's does
    refused = "Unsupported operand 149" if protocol >= 4 and weights_only is not False else \
        "GLOBAL (builtins.getattr|pathlib.Path.touch) was not an allowed"  # protocol 2 reaches a method through getattr
    for raw in (payload, torch_zip(payload)):  # as a legacy file, and inside torch's zip layout
        with pytest.raises(pickle.UnpicklingError, match=refused) as e, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the weights-only load's warning about protocol 4
            load_bytes(raw, tmp_path, weights_only=weights_only)
        assert ("weights_only=False does not change this" in str(e.value)) == (weights_only is False)
        assert not marker.exists()


@pytest.mark.parametrize("module, name, message", [
    ("os", "system", "GLOBAL os.system whose module os is blocked"),
    ("posix", "system", "module posix is blocked"),
    ("builtins", "eval", "GLOBAL builtins.eval was not an allowed global"),
    ("__builtin__", "eval", "GLOBAL builtins.eval was not an allowed global"),  # a Python 2 name, mapped
    ("builtins", "getattr", "GLOBAL builtins.getattr was not an allowed global"),
    ("subprocess", "Popen", "GLOBAL subprocess.Popen was not an allowed global"),
    ("torch", "load", "GLOBAL torch.load was not an allowed global"),
    ("numpy.core.multiarray", "_reconstruct", "GLOBAL numpy.core.multiarray._reconstruct"),
])
def test_forbidden_globals_are_named_and_refused(module: str, name: str, message: str,
                                                 tmp_path: pathlib.Path) -> None:
    body = f"c{module}\n{name}\n".encode() + X("touch pwned") + b"\x85R"
    with pytest.raises(pickle.UnpicklingError, match=message):
        load_bytes(torch_zip(pickle_of(body)), tmp_path)


def test_a_getattr_chain_through_an_allowed_name_is_refused(tmp_path: pathlib.Path) -> None:
    # getattr(OrderedDict, "fromkeys") would reach a method; STACK_GLOBAL must also go through the allowlist.
    stack_global = X("collections") + X("OrderedDict.fromkeys") + b"\x93" + b"]\x85R"
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL collections.OrderedDict.fromkeys"):
        load_bytes(torch_zip(b"\x80\x04" + stack_global + b"."), tmp_path, weights_only=False)
    # REDUCE may only call allowlisted functions: not a value the pickle built itself.
    with pytest.raises(pickle.UnpicklingError, match="unrecognized function"):
        load_bytes(torch_zip(pickle_of(X("print") + b")R")), tmp_path)
    # NEWOBJ and BUILD cannot touch anything but the few container types.
    with pytest.raises(pickle.UnpicklingError, match="Can only create new object"):
        load_bytes(torch_zip(pickle_of(b"ctorch\nSize\n)\x81")), tmp_path)
    with pytest.raises(pickle.UnpicklingError, match="Can only build OrderedDict"):
        load_bytes(torch_zip(pickle_of(b"]}b")), tmp_path)
    # An OrderedDict's attributes may not shadow its methods (items, keys...).
    with pytest.raises(MalformedFileError, match="attributes"):
        load_bytes(torch_zip(pickle_of(b"ccollections\nOrderedDict\n)R}" + X("items") + J(1) + b"sb")), tmp_path)


def test_tensors_built_by_the_pickle_cannot_be_used_as_functions_ids_or_flags(tmp_path: pathlib.Path) -> None:
    tensor = rebuilt_tensor(persistent_id())  # a 2-element tensor: bool() of it would raise inside our code
    storages = {"0": bytes(8)}
    cases = {
        tensor + b")\x81": pickle.UnpicklingError,  # NEWOBJ with a tensor as the class
        tensor + b")R": pickle.UnpicklingError,  # REDUCE calling a tensor
        b"(" + tensor + b"tQ": pickle.UnpicklingError,  # a persistent id starting with a tensor
        b"ctorch._utils\n_rebuild_tensor_v2\n(" + persistent_id() + J(0) + tup((2,)) + tup((1,)) + b"\x89"
        + tensor + b"tR": NotImplementedError,  # a tensor where the backward hooks go
    }
    for body, error in cases.items():
        with pytest.raises(error):
            load_bytes(torch_zip(pickle_of(body), storages), tmp_path)


def test_opcodes_that_build_arbitrary_objects_are_refused(tmp_path: pathlib.Path) -> None:
    for body in (b"(cos\nsystem\nX\x02\x00\x00\x00lso", b"(X\x01\x00\x00\x00ai__main__\nEvil\n", b"\x82\x01"):
        with pytest.raises(pickle.UnpicklingError):
            load_bytes(torch_zip(pickle_of(body)), tmp_path)


def test_persistent_ids_can_only_name_storages_in_the_archive(tmp_path: pathlib.Path) -> None:
    module_pid = b"(" + X("module") + X("os") + b"tQ"
    with pytest.raises(pickle.UnpicklingError, match="Only persistent_load of storage"):
        load_bytes(torch_zip(pickle_of(module_pid)), tmp_path)
    with pytest.raises(pickle.UnpicklingError, match="Only persistent_load of storage"):
        load_bytes(torch_zip(pickle_of(J(3) + b"Q")), tmp_path)
    for key in ("../data.pkl", "/etc/passwd", "1"):
        with pytest.raises(MalformedFileError, match="has no member"):
            load_bytes(torch_zip(pickle_of(rebuilt_tensor(persistent_id(key=key))), {"0": bytes(8)}), tmp_path)
    with pytest.raises(MalformedFileError, match="storage id is malformed"):
        load_bytes(torch_zip(pickle_of(b"(" + X("storage") + X("FloatStorage") + X("0") + X("cpu") + J(2) + b"tQ"),
                             {"0": bytes(8)}), tmp_path)


# ---------------------------------------------------------------- sizes that would exhaust memory
def test_huge_declared_storage_sizes_are_refused_before_allocating(tmp_path: pathlib.Path) -> None:
    huge = pickle_of(b"(" + X("storage") + b"ctorch\nDoubleStorage\n" + X("0") + X("cpu")
                     + b"\x8a\x06" + (2**42).to_bytes(6, "little") + b"tQ")
    raw = torch_zip(huge, {"0": bytes(16)})
    with pytest.raises(MalformedFileError, match="declares 4398046511104 elements"):
        load_bytes(raw, tmp_path)
    assert peak_memory(lambda: load_bytes(raw, tmp_path)) < 2**24
    view_past_the_end = pickle_of(rebuilt_tensor(persistent_id(numel=2), size=(2**20, 2**20), stride=(1, 1)))
    with pytest.raises(MalformedFileError, match="reaches past its storage of 2 elements"):
        load_bytes(torch_zip(view_past_the_end, {"0": bytes(8)}), tmp_path)


def test_a_zip_directory_that_lies_about_sizes_is_refused(tmp_path: pathlib.Path) -> None:
    raw = bytearray(tinygrad_rnn_bytes({"w": tinygrad_rnn.ones(4)}))
    first = raw.find(b"PK\x01\x02")  # the central directory's entry for data.pkl
    raw[first + 24:first + 28] = struct.pack("<I", 2**31)  # its uncompressed size: now 2 GiB
    with pytest.raises(MalformedFileError):
        load_bytes(bytes(raw), tmp_path)
    assert peak_memory(lambda: load_bytes(bytes(raw), tmp_path)) < 2**24


def test_legacy_files_declaring_huge_storages_are_refused(tmp_path: pathlib.Path) -> None:
    buffer = io.BytesIO()
    tinygrad_rnn.save({"w": tinygrad_rnn.ones(2)}, buffer, _use_new_zipfile_serialization=False)
    memo = b"q\x06"  # the memo slot of 'cpu'
    raw = buffer.getvalue().replace(X("cpu") + memo + b"K\x02N", X("cpu") + memo + b"J" + struct.pack("<i", 2**30) + b"N")
    assert raw != buffer.getvalue()
    with pytest.raises(MalformedFileError, match="more than the file holds"):
        load_bytes(raw, tmp_path)
    assert peak_memory(lambda: load_bytes(raw, tmp_path)) < 2**24


def test_deep_nesting_is_refused_without_recursion_errors(tmp_path: pathlib.Path) -> None:
    lists = pickle_of(b"]" * 100_000 + b"a" * 99_999)
    marks = pickle_of(b"(" * 100_000)
    for body in (lists, marks):
        with pytest.raises(MalformedFileError, match="nests deeper than 100|more than 400 marks"):
            load_bytes(torch_zip(body), tmp_path)
    shallow = pickle_of(b"]" * 50 + b"a" * 49)
    assert load_bytes(torch_zip(shallow), tmp_path) == eval("[" * 50 + "]" * 50)  # noqa: S307 - a literal


# ---------------------------------------------------------------- damaged files
def tinygrad_rnn_bytes(obj: object, legacy: bool = False) -> bytes:
    buffer = io.BytesIO()
    tinygrad_rnn.save(obj, buffer, _use_new_zipfile_serialization=not legacy)
    return buffer.getvalue()


@pytest.mark.parametrize("legacy", [False, True])
def test_every_truncation_is_refused_naming_the_file(legacy: bool, tmp_path: pathlib.Path) -> None:
    whole = tinygrad_rnn_bytes({"w": tinygrad_rnn.randn(20, 5), "step": 3}, legacy)
    path = tmp_path / "cut.pt"
    for cut in range(0, len(whole), max(1, len(whole) // 97)):
        path.write_bytes(whole[:cut])
        with pytest.raises(MalformedFileError) as info:
            tinygrad_rnn.load(path)
        assert str(path) in str(info.value) and isinstance(info.value, RuntimeError)


def test_a_flipped_bit_in_a_storage_is_caught_by_its_crc(tmp_path: pathlib.Path) -> None:
    values = np.arange(64, dtype=np.float32)
    raw = bytearray(tinygrad_rnn_bytes({"w": tinygrad_rnn.from_numpy(values)}))
    at = bytes(raw).find(values.tobytes())
    raw[at + 100] ^= 0x01  # one bit of one float: still a plausible number
    with pytest.raises(MalformedFileError, match="data/0' is damaged.*CRC"):
        load_bytes(bytes(raw), tmp_path)


def test_a_corrupted_version_record_names_the_file(tmp_path: pathlib.Path) -> None:
    body = pickle_of(J(1))
    for version in (b"99\n", b"x", b""):
        with pytest.raises(MalformedFileError, match=r"suspect\.pt.*archive format version"):
            load_bytes(torch_zip(body, version=version), tmp_path)
    path = tmp_path / "old.npz"
    buffer = io.BytesIO()
    write_npz({"a": 1}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        manifest = json.dumps({"format": "tinygrad_rnn", "version": "2x", "root": {"type": "None"}}).encode()
        dst.writestr("__manifest__.npy", _npy(np.frombuffer(manifest, dtype=np.uint8)))
        assert src.namelist() == ["__manifest__.npy"]
    with pytest.raises(MalformedFileError, match=r"old\.npz.*format version '2x'"):
        tinygrad_rnn.load(path)


def test_foreign_files_are_refused_with_what_they_look_like(tmp_path: pathlib.Path) -> None:
    cases = {b"": "empty", np.random.default_rng(0).bytes(300): "not a checkpoint",
             torch_zip(b"", extra={"other/data.pkl": b""}): "holds 2 pickles",
             _zip_with({"readme.txt": b"hi"}): "neither a torch checkpoint"}
    for raw, words in cases.items():
        with pytest.raises(MalformedFileError, match=words):
            load_bytes(raw, tmp_path)
    with pytest.raises(NotImplementedError, match="TorchScript"):
        load_bytes(torch_zip(pickle_of(b"N"), extra={"archive/constants.pkl": b""}), tmp_path)
    with pytest.raises(MalformedFileError, match="Invalid magic number"):
        load_bytes(pickle.dumps([1, 2], protocol=2), tmp_path)  # a plain pickle of allowed values


def _zip_with(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, raw in members.items():
            z.writestr(name, raw)
    return buffer.getvalue()


# ---------------------------------------------------------------- the old .npz format, read defensively
def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _manifest(root: object) -> bytes:
    text = json.dumps({"format": "tinygrad_rnn", "version": 1, "root": root}).encode()
    return _npy(np.frombuffer(text, dtype=np.uint8))


def test_npz_members_the_manifest_never_refers_to_are_never_read(tmp_path: pathlib.Path) -> None:
    bomb = _zip_with({"__manifest__.npy": _manifest({"type": "int", "value": 7}),
                      "unreferenced.npy": bytes(2**26)}, zipfile.ZIP_DEFLATED)  # 64 MiB of zeros, ~64 KiB on disk
    assert len(bomb) < 2**18
    assert load_bytes(bomb, tmp_path) == 7
    assert peak_memory(lambda: load_bytes(bomb, tmp_path)) < 2**22  # far below the 64 MiB it would inflate to


def test_npz_entries_declaring_huge_arrays_are_refused_before_allocating(tmp_path: pathlib.Path) -> None:
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (2**40,)})
    raw = _zip_with({"__manifest__.npy": _manifest({"type": "ndarray", "array": "t0"}),
                     "t0.npy": header.getvalue() + bytes(64)})
    with pytest.raises(MalformedFileError, match=r"declares shape \(1099511627776,\)"):
        load_bytes(raw, tmp_path)
    objects = _zip_with({"__manifest__.npy": _manifest({"type": "ndarray", "array": "t0"}),
                         "t0.npy": _npy(np.array([{"a": 1}], dtype=object))})
    with pytest.raises(MalformedFileError, match="cannot be read without pickle"):
        load_bytes(objects, tmp_path)


def test_npz_manifests_nested_too_deeply_are_refused(tmp_path: pathlib.Path) -> None:
    for depth in (150, 100_000):  # valid JSON too deep for us; JSON too deep for Python's parser
        text = '{"type": "list", "items": [' * depth + '{"type": "None"}' + "]}" * depth
        raw = _zip_with({"__manifest__.npy": _npy(np.frombuffer(
            f'{{"format": "tinygrad_rnn", "version": 1, "root": {text}}}'.encode(), dtype=np.uint8))})
        with pytest.raises(MalformedFileError, match="nests deeper than 100|not valid UTF-8 JSON"):
            load_bytes(raw, tmp_path)


# ---------------------------------------------------------------- fuzzing the reader
def _npz_bytes(obj: object) -> bytes:
    buffer = io.BytesIO()
    write_npz(obj, buffer)
    return buffer.getvalue()


VALID_FILES = [  # torch's zip format, its legacy format, and the old .npz
    tinygrad_rnn_bytes({"w": tinygrad_rnn.arange(6.0).reshape(2, 3), "n": [1, "a", None, (2.5, b"x")]}),
    tinygrad_rnn_bytes({"w": tinygrad_rnn.arange(6.0), "p": tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(2))},
                       legacy=True),
    _npz_bytes({"w": tinygrad_rnn.arange(6.0), "a": np.ones(3), "n": [1, "a", None, (2.5, b"x")]}),
]


def _load_or_refuse(raw: bytes) -> None:
    try:
        tinygrad_rnn.load(io.BytesIO(raw))
    except REFUSALS:
        pass


@settings(max_examples=30)
@given(st.sampled_from(range(len(VALID_FILES))), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                         min_size=1, max_size=8), st.integers(1, 10**6))
def test_fuzz_flipped_bytes_load_or_raise_a_documented_error(which: int, flips: list[tuple[int, int]],
                                                              keep: int) -> None:
    raw = bytearray(VALID_FILES[which])
    for position, value in flips:
        raw[position % len(raw)] = value
    _load_or_refuse(bytes(raw[:keep]))


@settings(max_examples=30)
@given(st.binary(max_size=200), st.integers(0, 10**6))
def test_fuzz_the_unpickler_with_spliced_opcodes(noise: bytes, position: int) -> None:
    pkl = zipfile.ZipFile(io.BytesIO(VALID_FILES[0])).read("archive/data.pkl")
    cut = position % len(pkl)
    spliced = pkl[:cut] + noise + pkl[cut:]
    storages = {"0": np.arange(6.0, dtype=np.float32).tobytes()}
    _load_or_refuse(torch_zip(spliced, storages))  # a valid zip (CRCs right) around a damaged pickle


def test_the_fuzz_targets_are_valid_files() -> None:
    for raw in VALID_FILES:
        assert isinstance(tinygrad_rnn.load(io.BytesIO(raw)), dict)


def test_load_never_imports_torch(tmp_path: pathlib.Path) -> None:
    """Reading torch's names (torch._utils._rebuild_tensor_v2, torch.FloatStorage) needs no torch."""
    path = tmp_path / "f.pt"
    path.write_bytes(tinygrad_rnn_bytes({"w": tinygrad_rnn.ones(2), "p": tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(1)),
                                         "size": tinygrad_rnn.Size([1]), "dtype": tinygrad_rnn.int8}))
    newobj = pickle_of(b"ctorch.nn.parameter\nParameter\n(" + rebuilt_tensor(persistent_id()) + b"t\x81")
    (tmp_path / "newobj.pt").write_bytes(torch_zip(newobj, {"0": np.ones(2, np.float32).tobytes()}))
    script = (
        "import sys; sys.modules['torch'] = None  # any `import torch` now fails\n"
        "import tinygrad_rnn\n"
        f"loaded = tinygrad_rnn.load({str(path)!r})\n"
        "assert loaded['w'].tolist() == [1.0, 1.0] and loaded['dtype'] is tinygrad_rnn.int8\n"
        f"p = tinygrad_rnn.load({str(tmp_path / 'newobj.pt')!r})\n"
        "assert isinstance(p, tinygrad_rnn.nn.Parameter) and p.requires_grad and p.tolist() == [1.0, 1.0]\n"
        "assert 'torch' not in {m.split('.')[0] for m in sys.modules if sys.modules[m] is not None}\n"
    )
    root = pathlib.Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 0, result.stderr

"""save/load inside tinygrad_rnn: exact round trips in both torch formats, every kind of destination,
atomic saves, what save refuses, and the old .npz format (still read, now read defensively).

Files shared with real torch: test_serialization_torch.py; hostile files: test_serialization_malicious.py.
"""
from __future__ import annotations

import io
import json
import math
import os
import pathlib
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.serialization.npz_format import write_npz
from tinygrad_rnn.testing.strategies import arrays, shapes

DTYPES = [np.float16, np.float32, np.float64, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


def assert_same(a: object, b: object) -> None:
    """Equal structure, container types, key order, dtypes and bit-identical values."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, tinygrad_rnn.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)) and not isinstance(a, (str, bytes)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def round_trip(obj: object, tmp_path: pathlib.Path, legacy: bool = False) -> object:
    path = tmp_path / "obj.pt"
    tinygrad_rnn.save(obj, path, _use_new_zipfile_serialization=not legacy)
    return tinygrad_rnn.load(path)


def _elements(d: type) -> st.SearchStrategy:
    if d == np.bool_:
        return st.booleans()
    if np.dtype(d).kind == "f":
        return st.floats(width=np.dtype(d).itemsize * 8, allow_nan=True, allow_infinity=True)
    info = np.iinfo(d)
    return st.integers(int(info.min), int(info.max))


@settings(max_examples=25)
@given(st.sampled_from(DTYPES).flatmap(lambda d: arrays(shape=shapes(0, 3, 0, 4), elements=_elements(d),
                                                        dtype=tinygrad_rnn.dtypes.from_numpy_dtype(np.dtype(d)))),
       st.booleans())
def test_any_tensor_round_trips_exactly(array: np.ndarray, legacy: bool) -> None:
    buffer = io.BytesIO()
    t = tinygrad_rnn.from_numpy(array)
    views = {"t": t, "tail": t.reshape(-1)[-1:], "transposed": t.t() if t.ndim == 2 else t}
    tinygrad_rnn.save(views, buffer, _use_new_zipfile_serialization=not legacy)
    buffer.seek(0)
    loaded = tinygrad_rnn.load(buffer)
    assert_same(loaded, views)
    if t.numel():  # (an empty tensor is written with contiguous strides, as torch has them)
        assert loaded["t"].stride() == t.stride() and loaded["transposed"].stride() == views["transposed"].stride()


def test_nested_state_dict_round_trips(tmp_path: pathlib.Path) -> None:
    obj = OrderedDict([
        ("weight", tinygrad_rnn.randn(3, 4)),
        ("bias", tinygrad_rnn.randn(3, dtype=tinygrad_rnn.float64)),
        ("steps", tinygrad_rnn.tensor(7)),
        ("mask", tinygrad_rnn.tensor([True, False])),
        ("nested", {"z": [1, 2.5, -0.0, float("inf"), float("nan"), True, None, "s"], "a": (1, ("x", b"\x00\xff"))}),
        ("numbers", {3: 1e-300, 1: 0.1 + 0.2, 2: 2**70}),
        ("set", {1, "a", 2.5}),
        ("bytearray", bytearray(b"\x01\x02")),
        ("big ints", [2**62, -(2**63), -1, 255, 256, 65535, 65536]),
        ("dtype", tinygrad_rnn.float32),
        ("size", tinygrad_rnn.Size([2, 3])),
        ("empty", tinygrad_rnn.zeros(0, 3)),
    ])
    for legacy in (False, True):
        loaded = round_trip(obj, tmp_path, legacy)
        assert_same(loaded, obj)
        assert loaded["dtype"] is tinygrad_rnn.float32


def test_requires_grad_parameters_and_shared_tensors_survive(tmp_path: pathlib.Path) -> None:
    p = tinygrad_rnn.nn.Parameter(tinygrad_rnn.randn(2))
    leaf = tinygrad_rnn.randn(2, requires_grad=True)
    shared = tinygrad_rnn.randn(3)
    loaded = round_trip({"p": p, "leaf": leaf, "a": shared, "b": [shared]}, tmp_path)
    assert isinstance(loaded["p"], tinygrad_rnn.nn.Parameter) and loaded["p"].requires_grad
    assert loaded["leaf"].requires_grad and loaded["leaf"].is_leaf
    assert loaded["a"] is loaded["b"][0]
    loaded["a"][0] = 5.0  # loaded arrays are writable and owned
    assert loaded["b"][0][0].item() == 5.0 and shared[0].item() != 5.0


def test_views_of_one_tensor_load_as_views_of_one_array(tmp_path: pathlib.Path) -> None:
    base = tinygrad_rnn.arange(12.0).reshape(3, 4)
    loaded = round_trip({"base": base, "row": base[1], "col": base[:, 2], "t": base.t()}, tmp_path)
    loaded["base"][1, 2] = -1.0
    assert loaded["row"][2].item() == -1.0 and loaded["col"][1].item() == -1.0 and loaded["t"][2, 1].item() == -1.0
    assert base[1, 2].item() == 6.0


@pytest.mark.parametrize("kind", ["str", "pathlib", "file object", "BytesIO"])
def test_every_kind_of_destination(kind: str, tmp_path: pathlib.Path) -> None:
    obj = {"w": tinygrad_rnn.randn(2, 2)}
    path = tmp_path / "model.pt"  # any file name works; no extension is added
    if kind == "BytesIO":
        buffer = io.BytesIO()
        tinygrad_rnn.save(obj, buffer)
        buffer.seek(0)
        loaded = tinygrad_rnn.load(buffer, map_location="cpu", weights_only=True)
    elif kind == "file object":
        with open(path, "wb") as fh:
            tinygrad_rnn.save(obj, fh)
        with open(path, "rb") as fh:
            loaded = tinygrad_rnn.load(fh, map_location=tinygrad_rnn.device("cpu"))
    else:
        target = str(path) if kind == "str" else path
        tinygrad_rnn.save(obj, target)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]  # no extension added, no temp file left
        assert zipfile.ZipFile(path).namelist()[0] == "model/data.pkl"  # torch names the folder after the file
        loaded = tinygrad_rnn.load(target, weights_only=False)
    assert_same(loaded, obj)


def test_optimizer_state_dict_round_trip_resumes_training(tmp_path: pathlib.Path) -> None:
    w = tinygrad_rnn.randn(4, requires_grad=True)
    opt = tinygrad_rnn.optim.Adam([w], lr=0.1, amsgrad=True)
    for _ in range(3):
        opt.zero_grad()
        (w.tanh() ** 2).sum().backward()
        opt.step()
    tinygrad_rnn.save({"opt": opt.state_dict(), "w": w.detach()}, tmp_path / "ckpt")
    ckpt = tinygrad_rnn.load(tmp_path / "ckpt")
    assert list(ckpt["opt"]["state"]) == [0]  # integer keys stay integers
    w2 = ckpt["w"].clone().requires_grad_()
    opt2 = tinygrad_rnn.optim.Adam([w2])
    opt2.load_state_dict(ckpt["opt"])
    assert opt2.param_groups[0]["lr"] == 0.1 and opt2.param_groups[0]["betas"] == (0.9, 0.999)
    for weights, o in ((w, opt), (w2, opt2)):
        o.zero_grad()
        (weights.tanh() ** 2).sum().backward()
        o.step()
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


def test_module_state_dict_round_trip(tmp_path: pathlib.Path) -> None:
    model = tinygrad_rnn.nn.Linear(3, 2)
    tinygrad_rnn.save(model.state_dict(), tmp_path / "m")
    other = tinygrad_rnn.nn.Linear(3, 2)
    other.load_state_dict(tinygrad_rnn.load(tmp_path / "m"))
    assert_same(dict(other.state_dict()), dict(model.state_dict()))


def test_refuses_objects_torch_weights_only_cannot_load(tmp_path: pathlib.Path) -> None:
    # (numeric and text numpy scalars and arrays are stored: torch.load reads them back with weights_only=False)
    for obj in (lambda: 0, {"a": object()}, np.array([object()]), [np.datetime64(1, "D")], 1j, frozenset({1})):
        with pytest.raises(TypeError, match="cannot store an object of type"):
            tinygrad_rnn.save(obj, tmp_path / "x")
    assert not list(tmp_path.iterdir())  # nothing written, not even a temporary file


def test_saves_cycles_as_pickle_does_and_refuses_deep_nesting_with_a_clear_error(tmp_path: pathlib.Path) -> None:
    cyclic: list = [1]
    cyclic.append(cyclic)
    cyclic_dict: dict = {}
    cyclic_dict["me"] = [cyclic_dict]
    loaded = tinygrad_rnn.load(_saved(cyclic))
    assert loaded[1] is loaded  # a list or dict is remembered before its items, as pickle (and torch.save) does
    loaded = tinygrad_rnn.load(_saved(cyclic_dict))
    assert loaded["me"][0] is loaded
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="nests deeper than 100 levels"):
        tinygrad_rnn.save(deep, io.BytesIO())
    shared = [1, 2]
    assert tinygrad_rnn.load(_saved([shared, shared])) == [[1, 2], [1, 2]]  # the same list twice is not a cycle


def _saved(obj: object, **kwargs: object) -> io.BytesIO:
    buffer = io.BytesIO()
    tinygrad_rnn.save(obj, buffer, **kwargs)
    buffer.seek(0)
    return buffer


def test_an_int_beyond_long1_loads_only_without_weights_only(tmp_path: pathlib.Path) -> None:
    """2**2100 pickles as LONG4, an opcode torch's weights-only unpickler does not read."""
    tinygrad_rnn.save({"n": 2**2100}, tmp_path / "big.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported operand 139"):
        tinygrad_rnn.load(tmp_path / "big.pt")
    assert tinygrad_rnn.load(tmp_path / "big.pt", weights_only=False) == {"n": 2**2100}


def test_save_arguments_torch_accepts() -> None:
    obj = {"w": tinygrad_rnn.ones(2)}
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):  # (a weights-only load refuses protocol 4's frames)
        assert_same(tinygrad_rnn.load(_saved(obj, pickle_protocol=protocol), weights_only=False), obj)
    no_byteorder = _saved(obj, _disable_byteorder_record=True)
    assert not any(n.endswith("byteorder") for n in zipfile.ZipFile(no_byteorder).namelist())
    assert_same(tinygrad_rnn.load(no_byteorder), obj)
    assert_same(tinygrad_rnn.load(_saved(obj, pickle_module=pickle)), obj)
    with pytest.raises(NotImplementedError, match="pickle_protocol=1"):
        tinygrad_rnn.save(obj, io.BytesIO(), pickle_protocol=1)
    with pytest.raises(NotImplementedError, match="pickle_module"):
        tinygrad_rnn.save(obj, io.BytesIO(), pickle_module=json)
    with pytest.raises(AttributeError, match="file-like object with a 'write' attribute"):
        tinygrad_rnn.save(obj, 3)


def test_a_file_opened_in_text_mode_is_refused_clearly(tmp_path: pathlib.Path) -> None:
    tinygrad_rnn.save({"a": 1}, tmp_path / "f.pt")
    with open(tmp_path / "f.pt", encoding="latin1") as text, pytest.raises(TypeError, match="binary mode"):
        tinygrad_rnn.load(text)


def test_the_allowlist_cannot_be_extended() -> None:
    serialization = tinygrad_rnn.serialization
    for extend in (serialization.add_safe_globals, serialization.safe_globals):
        with pytest.raises(NotImplementedError, match="never builds objects of other classes"):
            extend([OrderedDict])
    assert serialization.get_safe_globals() == [] and serialization.clear_safe_globals() is None


def test_saving_twice_gives_identical_bytes() -> None:
    obj = {"w": tinygrad_rnn.arange(5.0), "step": 3}
    assert _saved(obj).getvalue() == _saved(obj).getvalue()


def test_storages_are_64_byte_aligned_as_torch_writes_them() -> None:
    archive = zipfile.ZipFile(_saved({"a": tinygrad_rnn.ones(3), "b": tinygrad_rnn.ones(5, dtype=tinygrad_rnn.int8)}))
    raw = archive.fp.getvalue()
    for info in archive.infolist():
        name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + name_length + extra_length) % 64 == 0, info.filename
        assert info.compress_type == zipfile.ZIP_STORED


def test_save_to_a_stream_that_cannot_seek() -> None:
    class Pipe:
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.chunks.append(bytes(data))
            return len(data)

    pipe = Pipe()
    tinygrad_rnn.save({"w": tinygrad_rnn.ones(2)}, pipe)
    assert_same(tinygrad_rnn.load(io.BytesIO(b"".join(pipe.chunks))), {"w": tinygrad_rnn.ones(2)})


# ---------------------------------------------------------------- atomic saves
def test_a_failed_save_keeps_the_previous_checkpoint(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ckpt.pt"
    tinygrad_rnn.save({"epoch": 1}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        tinygrad_rnn.save({"epoch": 2, "bad": object()}, path)
    assert path.read_bytes() == before

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt  # the machine is told to stop in the middle of the save

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tinygrad_rnn.save({"epoch": 3, "w": tinygrad_rnn.randn(100)}, path)
    assert path.read_bytes() == before and tinygrad_rnn.load(path) == {"epoch": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]  # the temporary file is gone


def test_saving_to_a_device_or_a_pipe_writes_straight_into_it(tmp_path: pathlib.Path) -> None:
    tinygrad_rnn.save({"w": tinygrad_rnn.ones(3)}, os.devnull)  # as torch.save does (e.g. to time a save)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        tinygrad_rnn.save({"w": tinygrad_rnn.ones(3)}, pipe)
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert tinygrad_rnn.load(io.BytesIO(received))["w"].tolist() == [1.0, 1.0, 1.0]
    assert os.path.exists(os.devnull) and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_an_atomic_save_keeps_permissions_and_writes_through_symlinks(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "ckpt.pt"
    tinygrad_rnn.save({"epoch": 1}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # what open(path, "wb") would have given
    path.chmod(0o640)
    link = tmp_path / "latest.pt"
    link.symlink_to(path)
    tinygrad_rnn.save({"epoch": 2}, link)
    assert link.is_symlink() and tinygrad_rnn.load(path) == {"epoch": 2}
    assert path.stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- the old .npz format
def _old_npz(obj: object, path: pathlib.Path) -> None:
    with open(path, "wb") as fh:
        write_npz(obj, fh)


def test_files_in_the_old_npz_format_keep_loading(tmp_path: pathlib.Path) -> None:
    obj = OrderedDict([("w", tinygrad_rnn.randn(2, 3)), ("p", tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(2))),
                       ("array", np.arange(6, dtype=np.int16).reshape(2, 3)), ("scalar", np.float32(1.5)),
                       ("meta", {3: [1.5, None, "s", b"\x00", (True,)]}), ("dtype", tinygrad_rnn.int64)])
    obj["again"] = obj["w"]
    _old_npz(obj, tmp_path / "old.npz")
    loaded = tinygrad_rnn.load(tmp_path / "old.npz")
    assert_same(loaded, obj)
    assert loaded["again"] is loaded["w"] and isinstance(loaded["p"], tinygrad_rnn.nn.Parameter)



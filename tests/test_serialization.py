"""save/load: exact round trips, every kind of path, and the refusal of pickles and damaged files."""
from __future__ import annotations

import io
import json
import math
import pathlib
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
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
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def round_trip(obj: object, tmp_path: pathlib.Path) -> object:
    path = tmp_path / "obj.npz"
    tinygrad_rnn.save(obj, path)
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
                                                        dtype=tinygrad_rnn.dtypes.from_numpy_dtype(np.dtype(d)))))
def test_any_tensor_round_trips_exactly(array: np.ndarray) -> None:
    buffer = io.BytesIO()
    t = tinygrad_rnn.from_numpy(array)
    tinygrad_rnn.save({"t": t}, buffer)
    buffer.seek(0)
    assert_same(tinygrad_rnn.load(buffer), {"t": t})


def test_nested_state_dict_round_trips(tmp_path: pathlib.Path) -> None:
    obj = OrderedDict([
        ("weight", tinygrad_rnn.randn(3, 4)),
        ("bias", tinygrad_rnn.randn(3, dtype=tinygrad_rnn.float64)),
        ("steps", tinygrad_rnn.tensor(7)),
        ("mask", tinygrad_rnn.tensor([True, False])),
        ("nested", {"z": [1, 2.5, -0.0, float("inf"), float("nan"), True, None, "s"], "a": (1, ("x", b"\x00\xff"))}),
        ("numbers", {3: 1e-300, 1: 0.1 + 0.2, 2: 2**70}),
        ("array", np.arange(6, dtype=np.int16).reshape(2, 3)),
        ("np scalars", [np.float32(1.5), np.int64(3)]),
        ("dtype", tinygrad_rnn.float32),
        ("size", tinygrad_rnn.Size([2, 3])),
        ("empty", tinygrad_rnn.zeros(0, 3)),
    ])
    loaded = round_trip(obj, tmp_path)
    assert_same(loaded, obj)
    assert loaded["np scalars"][0].dtype == np.float32 and loaded["dtype"] is tinygrad_rnn.float32


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
        assert path.exists() and not (tmp_path / "model.pt.npz").exists()
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


def test_refuses_objects_it_cannot_store_without_pickle(tmp_path: pathlib.Path) -> None:
    for obj in (tinygrad_rnn.nn.Linear(2, 2), lambda: 0, {1, 2}, {"a": object()}, np.array([None], dtype=object)):
        with pytest.raises(TypeError, match="never pickles|cannot store"):
            tinygrad_rnn.save(obj, tmp_path / "x")


# ---------------------------------------------------------------- refusing foreign and damaged files
class _Evil:
    """A pickle that, if loaded, would create a file: proof that load never unpickles."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (pathlib.Path.touch, (self.marker,))


def _expect_refusal(path: pathlib.Path, *words: str) -> None:
    with pytest.raises(RuntimeError) as info:
        tinygrad_rnn.load(path)
    message = str(info.value)
    assert str(path) in message and "not a valid tinygrad_rnn.save file" in message
    for word in words:
        assert word in message, message


def test_refuses_a_malicious_pickle_without_running_it(tmp_path: pathlib.Path) -> None:
    marker, path = tmp_path / "pwned", tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps(_Evil(marker)))
    _expect_refusal(path, "pickle")
    assert not marker.exists()
    # The same payload inside a zip, the way torch.save lays a file out:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps(_Evil(marker)))
    _expect_refusal(path, "torch.save")
    assert not marker.exists()


def test_refuses_a_real_torch_file(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    path = tmp_path / "model.pt"
    torch.save({"w": torch.zeros(2)}, path)
    _expect_refusal(path, "torch.save")


def test_refuses_random_empty_and_truncated_files(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(np.random.default_rng(0).bytes(300))
    _expect_refusal(path, "expected the bytes 'PK'")
    path.write_bytes(b"")
    _expect_refusal(path, "empty")
    tinygrad_rnn.save({"w": tinygrad_rnn.randn(50, 50)}, path)
    whole = path.read_bytes()
    for cut in (len(whole) // 2, len(whole) - 10, 40):
        path.write_bytes(whole[:cut])
        with pytest.raises(RuntimeError, match="not a valid tinygrad_rnn.save file"):
            tinygrad_rnn.load(path)


def _npz(path: pathlib.Path, manifest: object = None, **arrays_: np.ndarray) -> None:
    entries = dict(arrays_)
    if manifest is not None:
        text = manifest if isinstance(manifest, str) else json.dumps(manifest)
        entries["__manifest__"] = np.frombuffer(text.encode(), dtype=np.uint8)
    with open(path, "wb") as fh:
        np.savez(fh, **entries)


def test_refuses_npz_files_that_are_not_ours(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f.npz"
    _npz(path, w=np.zeros(2))
    _expect_refusal(path, "without a '__manifest__' entry")
    _npz(path, "{not json")
    _expect_refusal(path, "JSON")
    _npz(path, {"format": "other", "root": {"type": "None"}})
    _expect_refusal(path, "format")
    _npz(path, {"format": "tinygrad_rnn", "version": 99, "root": {"type": "None"}})
    _expect_refusal(path, "version")
    _npz(path, {"format": "tinygrad_rnn", "version": 1, "root": {"type": "tensor", "array": "t7"}})
    _expect_refusal(path, "missing array")
    _npz(path, {"format": "tinygrad_rnn", "version": 1, "root": {"type": "exec", "value": "rm -rf"}})
    _expect_refusal(path, "unknown node type")
    _npz(path, {"format": "tinygrad_rnn", "version": 1, "root": {"type": "ndarray", "array": "t0"}},
         t0=np.array([{"a": 1}], dtype=object))  # an object array can only be read by unpickling
    _expect_refusal(path, "pickle")

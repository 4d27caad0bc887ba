"""tinygrad_rnn.safetensors against the real `safetensors` package: files read both ways, the same
bytes for the same tensors, the same refusals, tied weights through save_model/load_model, and
damaged files refused before anything is allocated."""
from __future__ import annotations

import json
import pathlib
import struct
import tracemalloc
from typing import Any

import numpy as np
import pytest
from helpers import check_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn import safetensors as ours
from tinygrad_rnn.serialization import MalformedFileError

DTYPES = ["float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def st_torch() -> Any:
    require_torch()
    import safetensors.torch

    return safetensors.torch


def _tensors(m: Any) -> dict:
    rng = np.random.default_rng(0)
    out = {}
    for i, name in enumerate(DTYPES):
        values = rng.uniform(0, 100, (2, i + 1))  # in every dtype's range: a cast out of range is undefined in C
        out[f"t_{name}"] = m.tensor(values).to(getattr(m, name))
    out["empty"] = m.zeros(0, 3)
    out["scalar"] = m.tensor(2.5)
    return out


def _assert_equal(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)  # (the package returns them in hash order; we return file order)
    for key in a:
        assert str(a[key].dtype) == str(b[key].dtype) and tuple(a[key].shape) == tuple(b[key].shape), key
        np.testing.assert_array_equal(a[key].numpy(), b[key].numpy(), err_msg=key)


def test_the_package_reads_our_files_and_we_read_its_files(tmp_path: pathlib.Path) -> None:
    package = st_torch()
    from safetensors import safe_open

    ours.save_file(_tensors(tinygrad_rnn), tmp_path / "ours.safetensors", metadata={"epoch": "3"})
    theirs_view = package.load_file(tmp_path / "ours.safetensors")
    _assert_equal(ours.load_file(tmp_path / "ours.safetensors"), theirs_view)
    with safe_open(tmp_path / "ours.safetensors", framework="pt") as f:
        assert f.metadata() == {"epoch": "3"}

    import torch

    package.save_file(_tensors(torch), tmp_path / "theirs.safetensors", metadata={"a": "b"})
    _assert_equal(ours.load_file(tmp_path / "theirs.safetensors"), package.load_file(tmp_path / "theirs.safetensors"))
    raw = (tmp_path / "theirs.safetensors").read_bytes()
    _assert_equal(ours.load(raw), package.load(raw))


def test_the_same_tensors_give_the_same_bytes() -> None:
    package = st_torch()
    import torch

    # (one metadata entry: the package writes several in hash order, which changes from run to run)
    for metadata in (None, {"note": "ünïcode"}):
        assert ours.save(_tensors(tinygrad_rnn), metadata=metadata) == package.save(_tensors(torch), metadata=metadata)


def test_backends_read_the_same_and_others_are_refused_as_by_the_package(tmp_path: pathlib.Path) -> None:
    ours.save_file({"w": tinygrad_rnn.arange(3.0)}, tmp_path / "w.safetensors")
    for backend in ("mmap", "pread"):
        assert ours.load_file(tmp_path / "w.safetensors", backend=backend)["w"].tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match='backend "foo" is invalid'):
        ours.load_file(tmp_path / "w.safetensors", backend="foo")


def test_bfloat16_loads_as_float32_exactly(tmp_path: pathlib.Path) -> None:
    package = st_torch()
    import torch

    values = torch.tensor([1.5, -2.0, 3.140625, 1e-3], dtype=torch.bfloat16)
    package.save_file({"b": values, "u": torch.zeros(3, dtype=torch.uint16)}, tmp_path / "b.safetensors")
    with pytest.warns(UserWarning, match="BF16 tensor was converted to float32"):
        loaded = ours.load(package.save({"b": values}))
    np.testing.assert_array_equal(loaded["b"].numpy(), values.float().numpy())
    with pytest.warns(UserWarning, match="BF16"), pytest.raises(NotImplementedError, match="dtype U16"):
        ours.load_file(tmp_path / "b.safetensors")


def test_refusals_match_the_package() -> None:
    def st(m: Any) -> Any:
        return st_torch() if m.__name__ == "torch" else ours

    check_error(lambda m: st(m).save({"w": m.ones(2, 3).t()}))  # not contiguous
    check_error(lambda m: st(m).save({"w": [1.0]}))  # not a tensor
    check_error(lambda m: st(m).save([m.ones(1)]))  # not a dict
    for m in (tinygrad_rnn, st_torch().torch):
        shared = m.ones(4)
        with pytest.raises(RuntimeError, match=r"(?s)\n +Some tensors share memory.*\{'[ab]', '[ab]'\}.*save_model"):
            st(m).save({"a": shared, "b": shared[:2]})
    halves = tinygrad_rnn.ones(4)
    assert list(ours.load(ours.save({"a": halves[:2].clone(), "b": halves[2:].clone()}))) == ["a", "b"]


def _tied(m: Any) -> Any:
    m.manual_seed(0)
    model = m.nn.ModuleDict({"emb": m.nn.Embedding(5, 3), "head": m.nn.Linear(3, 5, bias=False)})
    model["head"].weight = model["emb"].weight
    return model


def test_tied_weights_through_save_model_and_load_model(tmp_path: pathlib.Path) -> None:
    package = st_torch()
    import torch

    ours.save_model(_tied(tinygrad_rnn), tmp_path / "ours.safetensors")
    torch_model = _tied(torch)
    with torch.no_grad():
        torch_model["emb"].weight.zero_()
    assert package.load_model(torch_model, tmp_path / "ours.safetensors") == (set(), [])
    np.testing.assert_array_equal(torch_model["head"].weight.detach().numpy(),
                                  _tied(tinygrad_rnn)["emb"].weight.detach().numpy())

    package.save_model(torch_model, tmp_path / "theirs.safetensors")
    our_model = _tied(tinygrad_rnn)
    our_model["emb"].weight.data.zero_()
    assert ours.load_model(our_model, tmp_path / "theirs.safetensors") == (set(), [])
    assert our_model["head"].weight is our_model["emb"].weight
    np.testing.assert_array_equal(our_model["emb"].weight.detach().numpy(), torch_model["emb"].weight.detach().numpy())
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "bias", "weight"'):
        ours.load_model(tinygrad_rnn.nn.Linear(3, 5), tmp_path / "theirs.safetensors")


# ---------------------------------------------------------------- damaged files
def _file(header: object, data: bytes = b"", length: int | None = None) -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


@pytest.mark.parametrize("raw, words", [
    (b"", "shorter than the 8-byte header length"),
    (_file({}, length=2**40), "more than the limit"),
    (_file({}, length=1000), "the file has"),
    (_file(b"{not json"), "not UTF-8 JSON"),
    (_file(b"[" * 100_000 + b"]" * 100_000), "not UTF-8 JSON"),
    (_file([1, 2]), "not a JSON object"),
    (_file({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, bytes(4)), "cover 8 bytes but"),
    (_file({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, bytes(8)), "does not fit its offsets"),
    (_file({"w": {"dtype": "F32", "shape": [2**31, 2**31], "data_offsets": [0, 8]}}, bytes(8)), "does not fit"),
    (_file({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
            "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}, bytes(12)), "leave a gap or overlap"),
    (_file({"w": {"dtype": "X9", "shape": [1], "data_offsets": [0, 1]}}, bytes(1)), "unknown dtype"),
    (_file({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, bytes(4)), "malformed shape"),
    (_file({"__metadata__": {"a": 1}}), "not a map of strings"),
])
def test_damaged_files_are_refused_before_allocating(raw: bytes, words: str, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(raw)
    tracemalloc.start()
    try:
        with pytest.raises(MalformedFileError, match=words) as info:
            ours.load_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value) and peak < 2**23 + 2 * len(raw)
    with pytest.raises(MalformedFileError, match=words):
        ours.load(raw)


def test_save_file_is_atomic(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "m.safetensors"
    ours.save_file({"w": tinygrad_rnn.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="non contiguous"):
        ours.save_file({"w": tinygrad_rnn.ones(2, 2).t()}, path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]


@settings(max_examples=30)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8), st.integers(1, 10**6))
def test_fuzz_damaged_files_load_or_raise_a_documented_error(flips: list[tuple[int, int]], keep: int) -> None:
    raw = bytearray(ours.save({"a": tinygrad_rnn.ones(3), "b": tinygrad_rnn.arange(4)}, metadata={"k": "v"}))
    for position, value in flips:
        raw[position % len(raw)] = value
    try:
        ours.load(bytes(raw[:keep]))
    except (MalformedFileError, NotImplementedError):
        pass

"""torch.save's bytes: for the same object our checkpoint file is torch's byte for byte (but for the random
value of .data/serialization_id), so the sizes tutorials print (`os.path.getsize("temp.p")`) are torch's.

Two halves, each checked on its own: the pickle (data.pkl) against Python's pickler (what torch runs), and
the zip layout against torch's miniz writer; then whole files against torch.save.
"""
from __future__ import annotations

import io
import pickle
import struct
import warnings
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.serialization.zip_writer import write_archive


def _saved(fw: Any, obj: Any) -> bytes:
    buffer = io.BytesIO()
    fw.save(obj, buffer)
    return buffer.getvalue()


def _pickle_of(raw: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(raw)).read("archive/data.pkl")


def _without_serialization_id(raw: bytes) -> bytes:
    """The file with the random serialization_id's value and its two CRC-32 copies masked."""
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo("archive/.data/serialization_id")
    name_size, extra_size = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_size + extra_size
    end = start + info.file_size
    masked = bytearray(raw)
    masked[start:end] = b"?" * info.file_size
    masked[end + 4:end + 8] = b"????"  # the CRC in the data descriptor after the value
    central = raw.rindex(b"PK\x01\x02")  # serialization_id is the last member
    masked[central + 16:central + 20] = b"????"
    return bytes(masked)


# ---------------------------------------------------------------- the pickle, against Python's pickler
def _cyclic() -> list:
    looped: list = [1]
    looped.append(looped)
    in_dict: dict = {}
    in_dict["me"] = [in_dict]
    return [looped, in_dict]


def _shared_objects() -> list:
    text, pair, items = "shared", (1, 2), [3]
    return [text, text, pair, pair, items, items, "", "", b"", b"", b"ab", b"x" * 300, bytearray(b"xy"), bytearray(),
            {1, 2}]


PURE_PYTHON = {
    "shared strings, tuples, lists": _shared_objects,
    "dict batches of 1000 (an exact 1000 ends with an empty batch)": lambda: [
        {i: i for i in range(1000)}, {i: i for i in range(2000)}, {str(i): i for i in range(1001)}, {1: 2}, {}],
    "list batches of 1000": lambda: [list(range(1000)), list(range(1001)), [1], []],
    "OrderedDict items and attributes": lambda: _ordered_with_metadata(),
    "tuples of every length": lambda: [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((),)],
    "numbers, text, None": lambda: {"a": [1, -1, 256, 65536, 2**31, -2**40, 2**70, 0.5, True, None, "é"]},
    "cycles through lists and dicts": _cyclic,
    "numpy scalars and arrays": lambda: [np.float32(1.5), np.int64(3), np.arange(3.0), np.arange(3.0),
                                         np.zeros((2, 2), np.float32)],
}


def _ordered_with_metadata() -> OrderedDict:
    d = OrderedDict([("a", 1), ("b", [2])])
    d._metadata = OrderedDict([("", {"version": 1}), ("fc", {"version": 1})])  # type: ignore[attr-defined]
    return d


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("name", list(PURE_PYTHON))
def test_data_pkl_of_plain_values_is_what_pythons_pickler_writes(name: str, protocol: int) -> None:
    value = PURE_PYTHON[name]()
    buffer = io.BytesIO()
    tinygrad_rnn.save(value, buffer, pickle_protocol=protocol)
    assert _pickle_of(buffer.getvalue()) == pickle.dumps(value, protocol=protocol)


# ---------------------------------------------------------------- the zip, against torch's writer
def test_the_zip_layout_is_torchs_miniz_layout() -> None:
    """Torch's own members, rewritten by our zip writer, give torch's file back byte for byte."""
    torch = require_torch()
    for obj in (torch.nn.GRU(3, 4, 2).state_dict(), torch.arange(100.0), {}, [torch.zeros(0), torch.ones(1)]):
        raw = _saved(torch, obj)
        archive = zipfile.ZipFile(io.BytesIO(raw))
        rewritten = io.BytesIO()
        write_archive(rewritten, [(info.filename, archive.read(info)) for info in archive.infolist()])
        assert rewritten.getvalue() == raw


# ---------------------------------------------------------------- whole files, against torch.save
def _fill(fw: Any, model: Any) -> Any:
    """The same weights in both frameworks: each parameter a ramp, offset by its index."""
    with fw.no_grad():
        for i, p in enumerate(model.parameters()):
            ramp = np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape)).astype(np.float32) + i
            p.copy_(fw.tensor(ramp))
    return model


def _batchnorm_net(fw: Any) -> Any:
    m = _fill(fw, fw.nn.Sequential(fw.nn.Linear(3, 4), fw.nn.BatchNorm1d(4), fw.nn.ReLU(), fw.nn.Linear(4, 1)))
    m[1].num_batches_tracked.add_(3)  # an int64 buffer with a value
    m[1].running_mean.fill_(0.5)
    return m.state_dict()


def _adam_after_a_step(fw: Any) -> Any:
    m = _fill(fw, fw.nn.Linear(3, 2))
    opt = fw.optim.Adam(m.parameters(), lr=0.01)
    m(fw.ones(2, 3)).sum().backward()
    opt.step()
    return opt.state_dict()


def _sgd_two_groups(fw: Any) -> Any:
    m = _fill(fw, fw.nn.Sequential(fw.nn.Linear(3, 2), fw.nn.Linear(2, 1)))
    opt = fw.optim.SGD([{"params": m[0].parameters()}, {"params": m[1].parameters(), "lr": 0.5}], lr=0.1,
                       momentum=0.9)
    m(fw.ones(2, 3)).sum().backward()
    opt.step()
    return {"epoch": 3, "model": m.state_dict(), "optimizer": opt.state_dict(), "loss": 0.25}


def _tied(fw: Any) -> Any:
    embedding, decoder = fw.nn.Embedding(5, 3), fw.nn.Linear(3, 5)
    decoder.weight = embedding.weight
    m = _fill(fw, fw.nn.Sequential(embedding, decoder))
    return [m.state_dict(), m.state_dict(keep_vars=True)]


def _schedulers(fw: Any) -> Any:
    m = _fill(fw, fw.nn.Linear(2, 2))
    adamw, rmsprop = fw.optim.AdamW(m.parameters(), amsgrad=True), fw.optim.RMSprop(m.parameters(), momentum=0.5)
    one_cycle = fw.optim.lr_scheduler.OneCycleLR(rmsprop, max_lr=0.5, total_steps=10)
    plateau = fw.optim.lr_scheduler.ReduceLROnPlateau(adamw)
    m(fw.ones(1, 2)).sum().backward()
    adamw.step()
    rmsprop.step()
    one_cycle.step()
    plateau.step(1.0)
    return [adamw.state_dict(), rmsprop.state_dict(), one_cycle.state_dict(), plateau.state_dict()]


def _views(fw: Any) -> Any:
    t = fw.arange(12.0)
    return {"all": t, "rows": t[2:8].view(2, 3), "every other": t[::2], "again": t}


def _quantized(fw: Any, model: Any, kinds: set) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fw.quantization.quantize_dynamic(_fill(fw, model), kinds, dtype=fw.qint8).state_dict()


SAME_AS_TORCH = {
    "Linear": lambda fw: _fill(fw, fw.nn.Linear(3, 2)).state_dict(),
    "LSTM 2 layers bidirectional": lambda fw: _fill(fw, fw.nn.LSTM(4, 5, num_layers=2, bidirectional=True)).state_dict(),
    "Embedding": lambda fw: _fill(fw, fw.nn.Embedding(10, 3)).state_dict(),
    "Sequential with BatchNorm": _batchnorm_net,
    "Adam after a step": _adam_after_a_step,
    "checkpoint dict, SGD with two groups": _sgd_two_groups,
    "bare tensor": lambda fw: fw.arange(6.0).reshape(2, 3),
    "0-d tensor": lambda fw: fw.tensor(3.5),
    "list of tensors and Parameters": lambda fw: [fw.ones(2), fw.arange(4), fw.nn.Parameter(fw.zeros(1))] * 2,
    "views of one storage": _views,
    "float64, int64, bool, int32": lambda fw: {"f64": fw.arange(3, dtype=fw.float64), "i64": fw.arange(3),
                                              "bool": fw.tensor([True]), "i32": fw.arange(2, dtype=fw.int32)},
    "empty, float16, uint8, int8 tensors": lambda fw: [fw.zeros(0), fw.zeros(2, 0), fw.ones(2, dtype=fw.float16),
                                                       fw.ones(2, dtype=fw.uint8), fw.ones(1, dtype=fw.int8)],
    "transposed, expanded, requires_grad": lambda fw: [fw.arange(6.0).reshape(2, 3).t(), fw.ones(1, 3).expand(4, 3),
                                                       fw.ones(2, requires_grad=True)],
    "tied weights, keep_vars": lambda fw: _tied(fw),
    "lr scheduler and optimizers": lambda fw: _schedulers(fw),
    "device, big and negative ints, nan": lambda fw: {"dev": fw.device("cpu"), "cpu": "cpu", "big": 2**40, "neg": -5,
                                                      "nan": float("nan"), "t": fw.tensor(5)},
    "Size, dtypes, bytes, set": lambda fw: [fw.Size([2, 3]), fw.float32, fw.float32, b"ab", {1, 2}],
    "quantized Linear": lambda fw: _quantized(fw, fw.nn.Sequential(fw.nn.Linear(3, 2)), {fw.nn.Linear}),
    "quantized LSTM and Linear": lambda fw: _quantized(
        fw, fw.nn.Sequential(fw.nn.LSTM(3, 4, num_layers=2, bidirectional=True), fw.nn.Linear(8, 2)),
        {fw.nn.LSTM, fw.nn.Linear}),
    "quantized tensor twice": lambda fw: [fw.quantize_per_tensor(fw.tensor([0.5, -2.0]), 0.1, 3, fw.qint8)] * 2,
}


@pytest.mark.parametrize("name", list(SAME_AS_TORCH))
def test_the_file_is_torchs_byte_for_byte(name: str) -> None:
    torch = require_torch()
    theirs, ours = (_saved(fw, SAME_AS_TORCH[name](fw)) for fw in (torch, tinygrad_rnn))
    assert _pickle_of(ours) == _pickle_of(theirs)
    assert _without_serialization_id(ours) == _without_serialization_id(theirs)
    torch.load(io.BytesIO(ours), weights_only=False)  # and each reads the other's (as before)
    if not name.startswith("quantized"):  # (tinygrad_rnn.load has no quantized tensors)
        tinygrad_rnn.load(io.BytesIO(theirs), weights_only=False)


def test_a_saved_file_has_torchs_size_on_disk(tmp_path: Any) -> None:
    """What print_size_of_model prints; the members are named after the file ('temp/data.pkl')."""
    torch = require_torch()
    sizes = []
    for fw in (torch, tinygrad_rnn):
        (tmp_path / fw.__name__).mkdir()
        path = tmp_path / fw.__name__ / "temp.p"
        fw.save(_fill(fw, fw.nn.LSTM(3, 4)).state_dict(), path)
        sizes.append(path.stat().st_size)
    assert sizes[1] == sizes[0]


@pytest.mark.parametrize("name", ["LSTM 2 layers bidirectional", "views of one storage", "quantized Linear"])
def test_a_legacy_format_file_has_torchs_size(name: str) -> None:
    """torch's legacy format names storages by their C++ address (14 digits), made anew for each tensor:
    ours are names as long, so the file is as long (the order of the storages follows torch's addresses)."""
    torch = require_torch()
    sizes = []
    for fw in (torch, tinygrad_rnn):
        buffer = io.BytesIO()
        fw.save(SAME_AS_TORCH[name](fw), buffer, _use_new_zipfile_serialization=False)
        sizes.append(len(buffer.getvalue()))
    assert sizes[1] == sizes[0]


@pytest.mark.parametrize("name", ["ckpt", "a.b.c", "x.", ".x.pt", "a\\b.pt", "é.pt", ".pt"])
def test_members_are_named_after_the_file_as_torch_names_them(name: str, tmp_path: Any) -> None:
    """Up to the last dot of the name after the last '/' or '\\'; 'archive' for a path that is not ASCII;
    a RuntimeError when nothing is left."""
    torch = require_torch()
    seen = []
    for fw in (torch, tinygrad_rnn):
        (tmp_path / fw.__name__).mkdir()
        path = str(tmp_path / fw.__name__ / name)
        try:
            fw.save({}, path)
            seen.append(zipfile.ZipFile(path).namelist()[0])
        except RuntimeError as e:
            seen.append(str(e).replace(path, "<path>"))
    assert seen[1] == seen[0]

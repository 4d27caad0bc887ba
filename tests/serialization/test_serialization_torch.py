"""Checkpoints both ways with real PyTorch: what tinygrad_rnn.save writes, torch.load(weights_only=True)
reads into torch modules and optimizers, and what torch.save writes, tinygrad_rnn.load reads; training
resumed on the other side continues exactly as it would have on the first.
"""
from __future__ import annotations

import io
import pathlib
import pickle
import re
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import TOL, check_error, require_torch, to_numpy

import tinygrad_rnn
from tinygrad_rnn.serialization import MalformedFileError

MODULES: dict[str, tuple[Callable[[Any], Any], Callable[[Any, np.random.Generator], Any]]] = {
    # name: (build the module with framework m, make its input with framework m)
    "LSTM proj_size, 2 layers, batch_first": (
        lambda m: m.nn.LSTM(3, 5, num_layers=2, proj_size=2, batch_first=True),
        lambda m, rng: m.tensor(rng.standard_normal((2, 4, 3)), dtype=m.float32)),
    "GRU 2 layers bidirectional": (
        lambda m: m.nn.GRU(3, 4, num_layers=2, bidirectional=True),
        lambda m, rng: m.tensor(rng.standard_normal((5, 2, 3)), dtype=m.float32)),
    "RNN relu": (
        lambda m: m.nn.RNN(3, 4, nonlinearity="relu", bias=False),
        lambda m, rng: m.tensor(rng.standard_normal((5, 2, 3)), dtype=m.float32)),
    "LSTMCell": (lambda m: m.nn.LSTMCell(3, 4), lambda m, rng: m.tensor(rng.standard_normal((2, 3)), dtype=m.float32)),
    "GRUCell": (lambda m: m.nn.GRUCell(3, 4), lambda m, rng: m.tensor(rng.standard_normal((2, 3)), dtype=m.float32)),
    "RNNCell": (lambda m: m.nn.RNNCell(3, 4), lambda m, rng: m.tensor(rng.standard_normal((2, 3)), dtype=m.float32)),
    "Embedding padding_idx": (lambda m: m.nn.Embedding(10, 3, padding_idx=0),
                              lambda m, rng: m.tensor(rng.integers(0, 10, (2, 5)))),
    "LayerNorm": (lambda m: m.nn.LayerNorm(3), lambda m, rng: m.tensor(rng.standard_normal((4, 3)), dtype=m.float32)),
    "Linear": (lambda m: m.nn.Linear(3, 4), lambda m, rng: m.tensor(rng.standard_normal((4, 3)), dtype=m.float32)),
    "Sequential of Embedding, GRU": (
        lambda m: m.nn.ModuleDict({"emb": m.nn.Embedding(7, 3), "rnn": m.nn.GRU(3, 2), "head": m.nn.Linear(2, 7)}),
        None),
}


def _flat(out: Any) -> list:
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _flat(item)]
    return [out]


def _assert_same_outputs(ours: Any, theirs: Any) -> None:
    a, b = _flat(ours), _flat(theirs)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(to_numpy(x), to_numpy(y), **TOL[np.float32])


def _assert_same_state(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for key in ours:
        assert tuple(ours[key].shape) == tuple(theirs[key].shape) and str(ours[key].dtype) == str(theirs[key].dtype)
        np.testing.assert_array_equal(to_numpy(ours[key]), to_numpy(theirs[key]), err_msg=key)


@pytest.mark.parametrize("name", list(MODULES))
def test_our_state_dict_loads_into_the_torch_module(name: str, tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    build, make_input = MODULES[name]
    tinygrad_rnn.manual_seed(1)
    ours = build(tinygrad_rnn)
    tinygrad_rnn.save(ours.state_dict(), tmp_path / "ours.pt")
    theirs = build(torch)
    theirs.load_state_dict(torch.load(tmp_path / "ours.pt", weights_only=True))
    _assert_same_state(ours.state_dict(), theirs.state_dict())
    if make_input is not None:
        rng = np.random.default_rng(0)
        with torch.no_grad():
            _assert_same_outputs(ours(make_input(tinygrad_rnn, rng)), theirs(make_input(torch, np.random.default_rng(0))))


@pytest.mark.parametrize("name", list(MODULES))
@pytest.mark.parametrize("legacy", [False, True])
def test_torch_state_dict_loads_into_our_module(name: str, legacy: bool, tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    build, make_input = MODULES[name]
    torch.manual_seed(2)
    theirs = build(torch)
    torch.save(theirs.state_dict(), tmp_path / "theirs.pt", _use_new_zipfile_serialization=not legacy)
    loaded = tinygrad_rnn.load(tmp_path / "theirs.pt")
    assert loaded._metadata == theirs.state_dict()._metadata  # torch's per-module versions come along
    ours = build(tinygrad_rnn)
    ours.load_state_dict(loaded)
    _assert_same_state(ours.state_dict(), theirs.state_dict())
    if make_input is not None:
        with torch.no_grad():
            _assert_same_outputs(ours(make_input(tinygrad_rnn, np.random.default_rng(0))),
                                 theirs(make_input(torch, np.random.default_rng(0))))
    tinygrad_rnn.save(loaded, tmp_path / "again.pt")  # and back: torch's metadata survives our save
    assert torch.load(tmp_path / "again.pt", weights_only=True)._metadata == theirs.state_dict()._metadata


# ---------------------------------------------------------------- optimizers: resume training on the other side
OPTIMIZERS = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, betas=(0.8, 0.9))),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("LBFGS", dict(lr=0.5, max_iter=4, history_size=3)),
]


def _setup(m: Any, name: str, kwargs: dict) -> tuple[Any, Any]:
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(3, 5), m.nn.Tanh(), m.nn.Linear(5, 2)).double()
    return model, getattr(m.optim, name)(model.parameters(), **kwargs)


def _train(m: Any, model: Any, opt: Any, steps: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x, y = m.tensor(rng.standard_normal((8, 3))), m.tensor(rng.standard_normal((8, 2)))

        def closure(x: Any = x, y: Any = y) -> Any:
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            return loss

        opt.step(closure)


def _assert_same_parameters(ours: Any, theirs: Any) -> None:
    for (name, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS)
def test_training_saved_here_resumes_in_torch_as_it_would_here(name: str, kwargs: dict,
                                                               tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    model, opt = _setup(tinygrad_rnn, name, kwargs)
    _train(tinygrad_rnn, model, opt, 3, seed=0)
    tinygrad_rnn.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}, tmp_path / "ckpt.pt")

    checkpoint = torch.load(tmp_path / "ckpt.pt", weights_only=True)
    their_model, their_opt = _setup(torch, name, kwargs)
    their_model.load_state_dict(checkpoint["model"])
    their_opt.load_state_dict(checkpoint["optim"])
    assert checkpoint["epoch"] == 3
    _train(torch, their_model, their_opt, 3, seed=1)
    _train(tinygrad_rnn, model, opt, 3, seed=1)
    _assert_same_parameters(model, their_model)


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS)
def test_training_saved_in_torch_resumes_here_as_it_would_there(name: str, kwargs: dict,
                                                                tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    their_model, their_opt = _setup(torch, name, kwargs)
    _train(torch, their_model, their_opt, 3, seed=0)
    torch.save({"model": their_model.state_dict(), "optim": their_opt.state_dict()}, tmp_path / "ckpt.pt")

    checkpoint = tinygrad_rnn.load(tmp_path / "ckpt.pt")
    model, opt = _setup(tinygrad_rnn, name, kwargs)
    model.load_state_dict(checkpoint["model"])
    opt.load_state_dict(checkpoint["optim"])
    _train(tinygrad_rnn, model, opt, 3, seed=1)
    _train(torch, their_model, their_opt, 3, seed=1)
    _assert_same_parameters(model, their_model)


SCHEDULERS = [("StepLR", dict(step_size=2, gamma=0.5)), ("ExponentialLR", dict(gamma=0.9)),
              ("CosineAnnealingLR", dict(T_max=5)), ("LambdaLR", dict(lr_lambda=lambda epoch: 0.9**epoch)),
              ("ReduceLROnPlateau", dict(patience=0))]


@pytest.mark.parametrize("name, kwargs", SCHEDULERS)
def test_lr_scheduler_state_moves_both_ways(name: str, kwargs: dict, tmp_path: pathlib.Path) -> None:
    torch = require_torch()

    def make(m: Any) -> tuple[Any, Any]:
        opt = m.optim.SGD([m.nn.Parameter(m.ones(2))], lr=0.1)
        return opt, getattr(m.optim.lr_scheduler, name)(opt, **kwargs)

    def step(opt: Any, scheduler: Any, k: int) -> None:
        opt.step()  # (no gradients: changes nothing, but schedulers expect it first)
        scheduler.step(*([1.0 + k] if name == "ReduceLROnPlateau" else []))

    for source, target in ((tinygrad_rnn, torch), (torch, tinygrad_rnn)):
        opt, scheduler = make(source)
        for k in range(3):
            step(opt, scheduler, k)
        source.save({"scheduler": scheduler.state_dict(), "optim": opt.state_dict()}, tmp_path / "s.pt")
        checkpoint = target.load(tmp_path / "s.pt", weights_only=True)
        their_opt, their_scheduler = make(target)
        their_opt.load_state_dict(checkpoint["optim"])
        their_scheduler.load_state_dict(checkpoint["scheduler"])
        for k in range(3, 6):
            step(opt, scheduler, k)
            step(their_opt, their_scheduler, k)
            assert opt.param_groups[0]["lr"] == pytest.approx(their_opt.param_groups[0]["lr"], rel=1e-12)


# ---------------------------------------------------------------- details of the formats
def test_torch_reads_shared_storages_views_and_dtypes_of_our_files(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    base = tinygrad_rnn.arange(12.0, dtype=tinygrad_rnn.float64).reshape(3, 4)
    obj = {"base": base, "row": base[1], "t": base.t(), "same": base, "ints": tinygrad_rnn.arange(3),
           "flags": tinygrad_rnn.tensor([True, False]), "half": tinygrad_rnn.ones(2, dtype=tinygrad_rnn.float16),
           "leaf": tinygrad_rnn.ones(2, requires_grad=True), "p": tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(1)),
           "size": tinygrad_rnn.Size([2, 3]), "dtype": tinygrad_rnn.int16, "empty": tinygrad_rnn.zeros(0, 2),
           "scalar": tinygrad_rnn.tensor(3.5), "plain": [1, 2.5, "s", b"\x00", None, True, (1, 2), {3}]}
    tinygrad_rnn.save(obj, tmp_path / "f.pt")
    tinygrad_rnn.save(obj, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    # mmap=True checks that each storage sits where torch computes it
    for name, mmap in (("f.pt", False), ("f.pt", True), ("legacy.pt", False)):
        loaded = torch.load(tmp_path / name, weights_only=True, mmap=mmap)
        assert loaded["same"] is loaded["base"] and loaded["row"].untyped_storage().data_ptr() == \
            loaded["base"].untyped_storage().data_ptr()
        assert loaded["t"].stride() == (1, 4) and loaded["row"].storage_offset() == 4
        for key in ("base", "row", "t", "ints", "flags", "half", "leaf", "empty", "scalar"):
            assert str(loaded[key].dtype) == str(obj[key].dtype) and loaded[key].requires_grad == obj[key].requires_grad
            np.testing.assert_array_equal(loaded[key].detach().numpy(), obj[key].detach().numpy())
        assert isinstance(loaded["p"], torch.nn.Parameter) and loaded["p"].requires_grad
        assert loaded["size"] == torch.Size([2, 3]) and loaded["dtype"] is torch.int16
        assert loaded["plain"] == obj["plain"]


def test_we_read_torch_shared_storages_as_views_of_one_array(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    base = torch.arange(12.0).reshape(3, 4)
    for legacy in (False, True):
        torch.save({"base": base, "row": base[1], "t": base.t()}, tmp_path / "f.pt",
                   _use_new_zipfile_serialization=not legacy)
        loaded = tinygrad_rnn.load(tmp_path / "f.pt")
        loaded["base"][1, 2] = -1.0
        assert loaded["row"][2].item() == -1.0 and loaded["t"][2, 1].item() == -1.0
        assert loaded["t"].stride() == (1, 4)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_we_read_torch_files_of_every_pickle_protocol(protocol: int, tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    obj = {"w": torch.randn(3, 2, dtype=torch.float64), "meta": {"lr": 0.1, "name": "x", "tags": {"a"}}, 7: b"\x01"}
    torch.save(obj, tmp_path / "f.pt", pickle_protocol=protocol)
    loaded = tinygrad_rnn.load(tmp_path / "f.pt", weights_only=False)  # (torch's own weights-only load refuses 3+)
    np.testing.assert_array_equal(loaded["w"].numpy(), obj["w"].numpy())
    assert loaded["meta"] == obj["meta"] and loaded[7] == b"\x01"


def test_mmap_maps_torch_files_and_ours(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    torch.save({"w": torch.arange(5.0)}, tmp_path / "theirs.pt")
    tinygrad_rnn.save({"w": tinygrad_rnn.arange(5.0)}, tmp_path / "ours.pt")
    for name in ("theirs.pt", "ours.pt"):
        loaded = tinygrad_rnn.load(tmp_path / name, mmap=True)
        root = loaded["w"]._data
        while not isinstance(root, np.memmap) and isinstance(root.base, np.ndarray):
            root = root.base
        assert isinstance(root, np.memmap) and type(loaded["w"]._data) is np.ndarray  # mapped, not read
        np.testing.assert_array_equal(loaded["w"].numpy(), np.arange(5.0, dtype=np.float32))
        loaded["w"][0] = 9.0  # copy-on-write, as torch maps privately: the file is not changed
        assert tinygrad_rnn.load(tmp_path / name)["w"][0].item() == 0.0
    check_error(lambda m, buffer: m.load(buffer, mmap=True), io.BytesIO((tmp_path / "ours.pt").read_bytes()))


def test_bfloat16_converts_exactly_and_complex_is_refused(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    values = torch.tensor([1.5, -2.0, 3.140625, 1e-3], dtype=torch.bfloat16)
    torch.save({"b": values}, tmp_path / "b.pt")
    with pytest.warns(UserWarning, match="bfloat16 tensor was converted to float32"):
        loaded = tinygrad_rnn.load(tmp_path / "b.pt")
    assert loaded["b"].dtype == tinygrad_rnn.float32
    np.testing.assert_array_equal(loaded["b"].numpy(), values.float().numpy())
    torch.save({"c": torch.zeros(2, dtype=torch.complex64)}, tmp_path / "c.pt")
    with pytest.raises(NotImplementedError, match="torch.ComplexFloatStorage"):
        tinygrad_rnn.load(tmp_path / "c.pt")


def test_whole_modules_are_refused_as_torch_refuses_them(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    torch.save(torch.nn.Linear(2, 2), tmp_path / "module.pt")
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(tmp_path / "module.pt", weights_only=True)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL torch.nn.modules.linear.Linear was not an allowed"):
        tinygrad_rnn.load(tmp_path / "module.pt")
    assert "torch.nn.modules.linear.Linear" in str(theirs.value)


def test_our_allowlist_names_exactly_what_torch_weights_only_allows() -> None:
    require_torch()
    from torch import _weights_only_unpickler

    from tinygrad_rnn.serialization.allowlist import ALLOWED, Unsupported

    assert set(ALLOWED) == set(_weights_only_unpickler._get_allowed_globals())
    supported = sorted(name for name, value in ALLOWED.items() if not isinstance(value, Unsupported))
    assert len(supported) == 35 and "torch._utils._rebuild_tensor_v2" in supported  # the rest: NotImplementedError


def test_get_unsafe_globals_in_checkpoint_as_torch(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    torch.save({"m": torch.nn.Linear(2, 2), "w": torch.ones(1)}, tmp_path / "module.pt")
    torch.save({"w": torch.ones(1), "d": torch.float64, "s": torch.Size([1])}, tmp_path / "safe.pt")
    for name in ("module.pt", "safe.pt"):
        theirs = sorted(torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / name))
        assert tinygrad_rnn.serialization.get_unsafe_globals_in_checkpoint(tmp_path / name) == theirs
    assert theirs == []
    torch.save({"w": torch.ones(1)}, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    check_error(lambda m, p: m.serialization.get_unsafe_globals_in_checkpoint(p), tmp_path / "legacy.pt")


def _on_cuda(raw: bytes) -> bytes:
    """A torch zip whose storages say they were saved from 'cuda:0'."""
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("data.pkl"):
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            target.writestr(info.filename, data)
    return out.getvalue()


def test_map_location_follows_torch(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buffer)
    path = tmp_path / "cuda.pt"
    path.write_bytes(_on_cuda(buffer.getvalue()))
    check_error(lambda m, p: m.load(p, weights_only=True), path)  # no CUDA here: torch's error, word for word
    for where in ("cpu", {"cuda:0": "cpu"}, lambda storage, location: storage, tinygrad_rnn.device("cpu")):
        assert tinygrad_rnn.load(path, map_location=where)["w"].tolist() == [1.0, 1.0]
    for where in ({"cuda:1": "cpu"}, lambda storage, location: None):  # torch then restores to cuda:0: fails
        with pytest.raises(RuntimeError, match="CUDA"):
            tinygrad_rnn.load(path, map_location=where)


def test_load_arguments_as_torch_takes_them(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    tinygrad_rnn.save({"w": tinygrad_rnn.ones(1)}, tmp_path / "f.pt")
    check_error(lambda m, p: m.load(p, pickle_module=pickle, weights_only=True), tmp_path / "f.pt")
    check_error(lambda m, p: m.load(p, mmap=True), io.BytesIO())  # not a zip: torch's mmap message comes first
    assert tinygrad_rnn.load(tmp_path / "f.pt", pickle_module=pickle)["w"].tolist() == [1.0]
    assert tinygrad_rnn.load(tmp_path / "f.pt", encoding="latin1")["w"].tolist() == [1.0]
    with pytest.raises(NotImplementedError, match="fix_imports=False"):
        tinygrad_rnn.load(tmp_path / "f.pt", fix_imports=False)
    with pytest.raises(TypeError, match="'buffers_x' is an invalid keyword argument"):
        tinygrad_rnn.load(tmp_path / "f.pt", buffers_x=1)
    with pytest.raises(NotImplementedError, match="pickle_module"):
        tinygrad_rnn.load(tmp_path / "f.pt", pickle_module=torch)
    with pytest.raises(FileNotFoundError):
        tinygrad_rnn.load(tmp_path / "missing.pt")


def test_saving_into_a_missing_folder_fails_as_in_torch(tmp_path: pathlib.Path) -> None:
    for zip_format in (True, False):
        check_error(lambda m, p, z: m.save({"a": 1}, p, _use_new_zipfile_serialization=z),
                    str(tmp_path / "missing" / "f.pt"), zip_format)
    assert not (tmp_path / "missing").exists()


def test_a_torch_file_truncated_by_an_interrupted_torch_save_is_refused(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    torch.save({"w": torch.randn(100)}, tmp_path / "f.pt")
    raw = (tmp_path / "f.pt").read_bytes()
    (tmp_path / "f.pt").write_bytes(raw[: len(raw) * 2 // 3])
    with pytest.raises(MalformedFileError, match="f.pt"):
        tinygrad_rnn.load(tmp_path / "f.pt")


def test_safetensors_files_load_through_load_as_in_torch(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    from safetensors.torch import save_file

    save_file({"w": torch.arange(3.0)}, tmp_path / "m.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tinygrad_rnn.load(tmp_path / "m.safetensors")["w"].tolist() == [0.0, 1.0, 2.0]
    check_error(lambda m, p: m.load(p, map_location={"cpu": "cpu"}), tmp_path / "m.safetensors")


def test_the_readme_recipes_move_a_model_both_ways(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_torch()
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Moving to PyTorch and back")[1].split("\n## ")[0]
    blocks = re.findall(r"^```python\n(.*?)^```", section, re.S | re.M)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    models = []
    for block in blocks:
        namespace: dict = {"__name__": "readme"}
        exec(compile(block, "README.md", "exec"), namespace)
        models.append(namespace["model"])
    for saved, loaded in (models[0:2], models[2:4]):
        assert type(saved).__module__.split(".")[0] != type(loaded).__module__.split(".")[0]  # one of each
        _assert_same_state(saved.state_dict(), loaded.state_dict())


def test_big_endian_files_are_byte_swapped_as_torch_does(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    values = np.array([1.5, -2.25, 3e-5], dtype=np.float64)
    buffer = io.BytesIO()
    tinygrad_rnn.save({"w": tinygrad_rnn.from_numpy(values)}, buffer)
    source, path = zipfile.ZipFile(buffer), tmp_path / "big.pt"
    with zipfile.ZipFile(path, "w") as target:  # the same file, as a big-endian machine writes it
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "archive/byteorder":
                data = b"big"
            elif info.filename == "archive/data/0":
                data = values.astype(">f8").tobytes()
            target.writestr(info.filename, data)
    theirs = torch.load(path, weights_only=True)["w"]
    ours = tinygrad_rnn.load(path)["w"]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(ours.numpy(), values)
    assert ours.numpy().dtype.isnative


NUMPY_SCALARS = [np.float64(0.25), np.float32(-1.5), np.float16(2.0), np.int64(-3), np.int32(7), np.uint8(200),
                 np.bool_(True)]


def test_numpy_scalars_in_a_checkpoint_move_both_ways_with_weights_only_false(tmp_path: pathlib.Path) -> None:
    """A training loop's losses from np.mean are numpy.float64 (Godoy's StepByStep saves them)."""
    torch = require_torch()
    checkpoint = {"loss": [np.float64(0.5), np.float64(0.25)], "scalars": NUMPY_SCALARS, "epoch": 3}
    torch.save(checkpoint, tmp_path / "theirs.pt")
    tinygrad_rnn.save(checkpoint, tmp_path / "ours.pt")
    for name in ("theirs.pt", "ours.pt"):
        for m in (tinygrad_rnn, torch):
            loaded = m.load(tmp_path / name, weights_only=False)
            assert loaded == checkpoint
            assert [type(v) for v in loaded["scalars"]] == [type(v) for v in NUMPY_SCALARS]
    # the shared dtype objects of numpy stay as they were (BUILD sets a byte order on a fresh copy)
    assert np.dtype("f8").byteorder == "=" and np.dtype("u1").byteorder == "|"


def test_numpy_scalars_need_weights_only_false_as_in_torch(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    torch.save({"loss": np.float64(0.5)}, tmp_path / "theirs.pt")
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(tmp_path / "theirs.pt")
    with pytest.raises(pickle.UnpicklingError) as ours:
        tinygrad_rnn.load(tmp_path / "theirs.pt")
    assert str(ours.value) == str(theirs.value)
    assert "GLOBAL numpy._core.multiarray.scalar" in str(ours.value)
    ours_names = tinygrad_rnn.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "theirs.pt")
    assert ours_names == sorted(torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "theirs.pt"))


NUMPY_ARRAYS = {"matrix": np.arange(6, dtype=np.float32).reshape(2, 3), "fortran": np.asfortranarray(np.eye(2)),
                "bools": np.array([True, False]), "empty": np.zeros((0, 2), dtype=np.int16), "0-d": np.array(3.0),
                "strided": np.arange(10)[::2], "bytes": np.array([200], dtype=np.uint8)}


def test_numpy_arrays_in_a_checkpoint_move_both_ways_with_weights_only_false(tmp_path: pathlib.Path) -> None:
    torch = require_torch()
    torch.save(NUMPY_ARRAYS, tmp_path / "theirs.pt")
    tinygrad_rnn.save(NUMPY_ARRAYS, tmp_path / "ours.pt")
    for name in ("theirs.pt", "ours.pt"):
        for m in (tinygrad_rnn, torch):
            loaded = m.load(tmp_path / name, weights_only=False)
            for key, array in NUMPY_ARRAYS.items():
                assert type(loaded[key]) is np.ndarray and loaded[key].dtype == array.dtype
                np.testing.assert_array_equal(loaded[key], array)
            assert loaded["fortran"].flags.f_contiguous
        with pytest.raises(pickle.UnpicklingError, match="GLOBAL numpy._core.multiarray._reconstruct was not"):
            tinygrad_rnn.load(tmp_path / name)
        assert (tinygrad_rnn.serialization.get_unsafe_globals_in_checkpoint(tmp_path / name)
                == sorted(torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / name)))  # builtins.bytes


NUMPY_TEXT = {"label_to_index": {np.str_("mlops"): 0, np.str_("computer-vision"): 1}, "classes": np.array(["a", "bcd"]),
              "raw": np.bytes_(b"ab"), "raw_array": np.array([b"x", b"yz"]), "empty": np.array([], dtype="U1")}


def test_numpy_text_in_a_checkpoint_moves_both_ways_with_weights_only_false(tmp_path: pathlib.Path) -> None:
    """Made With ML saves its label encoder's {class: index}, whose classes come from np.unique and so are
    numpy.str_: tinygrad_rnn.save refused them, torch pickles them as numpy scalars like any other."""
    torch = require_torch()
    torch.save(NUMPY_TEXT, tmp_path / "theirs.pt")
    tinygrad_rnn.save(NUMPY_TEXT, tmp_path / "ours.pt")
    for name in ("theirs.pt", "ours.pt"):
        for m in (tinygrad_rnn, torch):
            loaded = m.load(tmp_path / name, weights_only=False)
            assert loaded["label_to_index"] == NUMPY_TEXT["label_to_index"] and loaded["raw"] == NUMPY_TEXT["raw"]
            assert [type(k) for k in loaded["label_to_index"]] == [np.str_, np.str_] and type(loaded["raw"]) is np.bytes_
            for key in ("classes", "raw_array", "empty"):
                assert loaded[key].dtype == NUMPY_TEXT[key].dtype
                np.testing.assert_array_equal(loaded[key], NUMPY_TEXT[key])
        with pytest.raises(pickle.UnpicklingError, match="GLOBAL numpy._core.multiarray.scalar was not"):
            tinygrad_rnn.load(tmp_path / name)


def test_numpy_objects_of_other_dtypes_are_still_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(TypeError, match="numpy scalars and arrays"):
        tinygrad_rnn.save({"a": np.array([object()])}, tmp_path / "a.pt")
    with pytest.raises(TypeError, match="numpy scalars and arrays"):
        tinygrad_rnn.save({"a": np.datetime64("2020-01-01")}, tmp_path / "a.pt")
    torch = require_torch()
    torch.save({"c": np.complex128(1j)}, tmp_path / "complex.pt")
    torch.save({"c": np.array([object()])}, tmp_path / "objects.pt")
    with pytest.raises(MalformedFileError, match="not a plain numeric dtype"):
        tinygrad_rnn.load(tmp_path / "complex.pt", weights_only=False)
    with pytest.raises(MalformedFileError, match="not a plain numeric dtype"):
        tinygrad_rnn.load(tmp_path / "objects.pt", weights_only=False)



@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_a_weights_only_load_warns_of_protocol_3_and_refuses_4_as_torch(protocol: int, tmp_path: pathlib.Path) -> None:
    """torch's weights-only unpickler reads protocol 2's opcodes: it warns of any other protocol and stops at
    protocol 4's FRAME (operand 149), in its files and ours alike."""
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        m.save({"w": m.ones(2)}, tmp_path / f"{m.__name__}.pt", pickle_protocol=protocol)

    def load(m: Any, path: pathlib.Path) -> Any:
        with pytest.warns(UserWarning, match=f"Detected pickle protocol {protocol} in the checkpoint"):
            return m.load(path)

    for path in (tmp_path / "torch.pt", tmp_path / "tinygrad_rnn.pt"):
        if protocol == 3:
            np.testing.assert_array_equal(load(tinygrad_rnn, path)["w"].numpy(), load(torch, path)["w"].numpy())
        else:
            check_error(load, path)

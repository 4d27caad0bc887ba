"""F.pad's four modes and the padding layers against torch: values, gradients (a border element's
gradient is the sum over its copies), node names, reprs and errors."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

MODES = ["reflect", "replicate", "circular", "constant"]
PADS = {  # (input shape, pad): last dim only, last two, last three; negative amounts crop
    "1d": ((2, 3, 5), (2, 1)),
    "1d-unbatched": ((3, 5), (0, 4)),
    "2d": ((2, 3, 4, 5), (2, 1, 3, 3)),
    "2d-crop": ((2, 3, 4, 5), (-1, 2, 1, -1)),
    "3d": ((1, 2, 3, 4, 5), (1, 2, 0, 2, 2, 1)),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", sorted(PADS))
@pytest.mark.parametrize("mode", MODES)
def test_pad_matches_torch(mode, case, dtype):
    shape, amounts = PADS[case]
    check_parity(lambda m, x: m.nn.functional.pad(x, amounts, mode=mode), shapes=[shape], dtype=dtype)


def test_pad_of_integer_tensors_matches_torch():
    x = np.arange(30).reshape(2, 3, 5)
    for mode in MODES:
        check_parity(lambda m, x, mode=mode: m.nn.functional.pad(x, (2, 1), mode=mode), [x])


def test_pad_node_names_match_torch():
    torch = require_torch()
    for mode in ("reflect", "replicate", "circular", "constant"):
        for amounts, shape in (((1, 1), (1, 2, 4)), ((1, 1, 1, 1), (1, 1, 3, 3))):
            ours = tinygrad_rnn.nn.functional.pad(tinygrad_rnn.zeros(*shape, requires_grad=True), amounts, mode=mode)
            theirs = torch.nn.functional.pad(torch.zeros(*shape, requires_grad=True), amounts, mode=mode)
            assert ours.grad_fn.name() == theirs.grad_fn.name()


@pytest.mark.parametrize("amounts", [(1, 1), (0, 0), (-2, 3), (2, 1, 0, 3)])
def test_circular_pad_is_built_by_copies_as_torch(amounts):
    """madewithml_embeddings_cnn printed F.pad(x, ..., mode="circular").grad_fn as CloneBackward0; torch
    fills an empty result by slice copies, so its node is CopySlices over a SliceBackward0."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        shape = (2, 3, 4) if len(amounts) == 2 else (1, 2, 3, 4)
        y = m.nn.functional.pad(m.ones(shape, requires_grad=True), amounts, mode="circular")
        seen.append((y.grad_fn.name(), [type(f).__name__ for f, _ in y.grad_fn.next_functions], y.is_contiguous()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 4, 5), (4, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (5, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 4, 5), (1, 1, 4, 1), mode="reflect"),
    # torch numbers the too-large pad by the dim it pads (width #4, height #6, depth #8), whatever the pad's
    # length: a reflect-padded Conv2d on a small input (CycleGAN's blocks) reports the width as #4
    lambda m: m.nn.functional.pad(m.zeros(1, 3, 2, 2), (3, 3, 1, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(m.zeros(1, 1, 2, 2, 2), (3, 3, 1, 1, 1, 1), mode="reflect"),
    lambda m: m.nn.functional.pad(m.zeros(1, 1, 2, 2, 2), (1, 1, 3, 3, 1, 1), mode="reflect"),
    lambda m: m.nn.Conv2d(3, 4, 3, padding=3, padding_mode="reflect")(m.zeros(1, 3, 2, 2)),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (6, 1), mode="circular"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (-3, -3), mode="replicate"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (-3, -3), mode="circular"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (1, 2), mode="foo"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (1, 2), mode="reflect", value=1.0),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 5), (1,), mode="reflect"),
    lambda m: m.nn.functional.pad(m.zeros(5), (1, 2), mode="reflect"),
    lambda m: m.nn.functional.pad(m.zeros(3, 5), (1, 2, 1, 1), mode="replicate"),
    lambda m: m.nn.functional.pad(m.zeros(2, 0, 5), (1, 1), mode="replicate"),
    lambda m: m.nn.functional.pad(m.zeros(2, 3, 0, 5), (1, 1, 1, 1), mode="reflect"),
    lambda m: m.nn.CircularPad2d(1)(m.zeros(5, 5)),
])
def test_pad_errors_match_torch(call):
    check_error(call)


LAYERS = [
    lambda m: m.nn.ReflectionPad1d(2), lambda m: m.nn.ReflectionPad2d((1, 2, 0, 1)), lambda m: m.nn.ReflectionPad3d(1),
    lambda m: m.nn.ReplicationPad1d((1, 2)), lambda m: m.nn.ReplicationPad2d(2), lambda m: m.nn.ReplicationPad3d(1),
    lambda m: m.nn.CircularPad1d(2), lambda m: m.nn.CircularPad2d((1, 0, 2, 1)), lambda m: m.nn.CircularPad3d(1),
    lambda m: m.nn.ConstantPad1d(2, 3.5), lambda m: m.nn.ConstantPad2d((1, 0, 2, 1), -1.0),
    lambda m: m.nn.ConstantPad3d(1, 2), lambda m: m.nn.ZeroPad1d((1, 2)), lambda m: m.nn.ZeroPad2d(2),
    lambda m: m.nn.ZeroPad3d((1, 0, 0, 1, 1, 1)),
]


@pytest.mark.parametrize("make", LAYERS)
def test_padding_layers_match_torch(make):
    ours, theirs = make(tinygrad_rnn), make(require_torch())
    assert repr(ours) == repr(theirs)
    nd = int(type(ours).__name__[-2])
    shape = (2, 3, 4, 5, 4)[: nd + 2]
    check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x), shapes=[shape])

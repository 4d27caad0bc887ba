"""F.interpolate / Upsample (nearest, nearest-exact, linear, bilinear, trilinear, area), pixel
shuffle, and F.unfold / F.fold against torch: values, gradients, node names, reprs, errors."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from nn_helpers import differences

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck

DTYPES = [np.float64, np.float32]
F = lambda m: m.nn.functional  # noqa: E731

SIZES = [dict(scale_factor=2), dict(scale_factor=1.7), dict(size=(3, 11)), dict(scale_factor=(0.6, 2.3)),
         dict(scale_factor=1.7, recompute_scale_factor=True)]
MODES = [("nearest", None), ("nearest-exact", None), ("area", None), ("bilinear", False), ("bilinear", True),
         ("bicubic", False), ("bicubic", True)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode,align", MODES)
@pytest.mark.parametrize("kw", SIZES)
def test_interpolate_2d_matches_torch(kw, mode, align, dtype):
    check_parity(lambda m, x: F(m).interpolate(x, mode=mode, align_corners=align, **kw), shapes=[(2, 3, 5, 7)],
                 dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("call,shape", [
    (lambda m, x: F(m).interpolate(x, scale_factor=2.5, mode="linear"), (2, 3, 7)),
    (lambda m, x: F(m).interpolate(x, size=9, mode="linear", align_corners=True), (2, 3, 7)),
    (lambda m, x: F(m).interpolate(x, size=4), (2, 3, 7)),
    (lambda m, x: F(m).interpolate(x, scale_factor=0.5, mode="area"), (2, 3, 7)),
    (lambda m, x: F(m).interpolate(x, scale_factor=1.5, mode="trilinear"), (1, 2, 3, 4, 5)),
    (lambda m, x: F(m).interpolate(x, size=(4, 5, 9), mode="nearest-exact"), (1, 2, 3, 4, 5)),
    (lambda m, x: F(m).interpolate(x, size=(4, 5, 9)), (1, 2, 3, 4, 5)),
    (lambda m, x: F(m).interpolate(x, size=(2, 3, 2), mode="area"), (1, 2, 3, 4, 5)),
])
def test_interpolate_1d_and_3d_match_torch(call, shape, dtype):
    check_parity(call, shapes=[shape], dtype=dtype)


def test_interpolate_node_names_match_torch():
    torch = require_torch()
    for mode, shape in (("nearest", (1, 1, 3)), ("nearest-exact", (1, 1, 3, 3)), ("linear", (1, 1, 3)),
                        ("bilinear", (1, 1, 3, 3)), ("trilinear", (1, 1, 2, 3, 3)), ("bicubic", (1, 1, 3, 3))):
        ours = F(tinygrad_rnn).interpolate(tinygrad_rnn.zeros(*shape, requires_grad=True), scale_factor=2, mode=mode)
        theirs = F(torch).interpolate(torch.zeros(*shape, requires_grad=True), scale_factor=2, mode=mode)
        assert ours.grad_fn.name() == theirs.grad_fn.name()


INTERPOLATE_ERRORS = [
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), size=(4, 5)),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), scale_factor=0.1),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3, 3), size=4, mode="foo"),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3)),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), size=4, scale_factor=2),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), size=4, align_corners=True),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), size=4, mode="bilinear"),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3, 3), size=4, mode="linear"),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3, 3), size=4, recompute_scale_factor=True),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), scale_factor=(2, 2)),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), size=4, antialias=True),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3), size=4, mode="bicubic"),
    lambda m: F(m).interpolate(m.zeros(1, 2, 3, 3, 3), size=4, mode="bicubic"),
    lambda m: F(m).interpolate(m.ones(1, 2, 3, 3, dtype=m.int64), size=4, mode="bicubic"),
]


@pytest.mark.parametrize("call", INTERPOLATE_ERRORS)
def test_interpolate_errors_match_torch(call):
    check_error(call)


def test_unimplemented_interpolation_modes_say_so():
    for kw in (dict(mode="bicubic", antialias=True), dict(mode="bilinear", antialias=True)):
        with pytest.raises(NotImplementedError, match="antialias"):
            F(tinygrad_rnn).interpolate(tinygrad_rnn.zeros(1, 1, 3, 3), size=5, **kw)


UPSAMPLE_LAYERS = [
    lambda m: m.nn.Upsample(scale_factor=2), lambda m: m.nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True),
    lambda m: m.nn.Upsample(scale_factor=(2, 3), mode="nearest-exact"), lambda m: m.nn.UpsamplingNearest2d(size=3),
    lambda m: m.nn.UpsamplingBilinear2d(scale_factor=2), lambda m: m.nn.PixelShuffle(2),
    lambda m: m.nn.Upsample(scale_factor=1.5, mode="bicubic"),
    lambda m: m.nn.Upsample(size=(7, 3), mode="bicubic", align_corners=True),
    lambda m: m.nn.PixelUnshuffle(2), lambda m: m.nn.Unfold((2, 3), dilation=(1, 2), padding=1),
]


@pytest.mark.parametrize("make", UPSAMPLE_LAYERS)
def test_upsample_pixel_shuffle_and_unfold_layers_match_torch(make):
    ours, theirs = make(tinygrad_rnn), make(require_torch())
    assert repr(ours) == repr(theirs)
    check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x), shapes=[(2, 8, 4, 6)])


def test_fold_layer_matches_torch():
    ours, theirs = [m.nn.Fold((5, 7), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
                    for m in (tinygrad_rnn, require_torch())]
    assert repr(ours) == repr(theirs)
    for shape in ((2, 18, 15), (18, 15)):
        check_parity(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x), shapes=[shape])


@pytest.mark.parametrize("dtype", DTYPES)
def test_pixel_shuffle_and_unshuffle_match_torch_with_extra_batch_dims(dtype):
    check_parity(lambda m, x: F(m).pixel_shuffle(x, 2), shapes=[(2, 3, 8, 3, 4)], dtype=dtype)
    check_parity(lambda m, x: F(m).pixel_unshuffle(x, 3), shapes=[(2, 6, 9)], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_unfold_and_fold_match_torch(dtype):
    geometry = dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    check_parity(lambda m, x: F(m).unfold(x, **geometry), shapes=[(2, 3, 5, 7)], dtype=dtype)
    check_parity(lambda m, x: F(m).unfold(x, 2), shapes=[(3, 4, 5)], dtype=dtype)
    check_parity(lambda m, x: F(m).fold(x, (5, 7), **geometry), shapes=[(2, 18, 15)], dtype=dtype)


FOLD_ERRORS = [
    lambda m: F(m).unfold(m.zeros(2, 3), 2),
    lambda m: F(m).unfold(m.zeros(2, 3, 4, 5, 6), 2),
    lambda m: F(m).unfold(m.zeros(1, 2, 3, 4), 5),
    lambda m: F(m).unfold(m.zeros(1, 2, 3, 4), 0),
    lambda m: F(m).unfold(m.zeros(1, 2, 3, 4), 2, stride=0),
    lambda m: F(m).unfold(m.zeros(1, 2, 3, 4), 2, padding=-1),
    lambda m: F(m).unfold(m.zeros(1, 2, 3, 4), 2, dilation=0),
    lambda m: F(m).unfold(m.zeros(1, 2, 3, 4), (2, 2, 2)),
    lambda m: F(m).fold(m.zeros(1, 8, 6), (4, 5), 2),
    lambda m: F(m).fold(m.zeros(1, 7, 12), (4, 5), 2),
    lambda m: F(m).fold(m.zeros(8), (4, 5), 2),
    lambda m: F(m).fold(m.zeros(1, 8, 12), (4, 5, 3), 2),
    lambda m: F(m).pixel_shuffle(m.zeros(2, 3), 2),
    lambda m: F(m).pixel_shuffle(m.zeros(2, 5, 3, 3), 2),
    lambda m: F(m).pixel_shuffle(m.zeros(2, 4, 3, 3), 0),
    lambda m: F(m).pixel_unshuffle(m.zeros(2, 5, 3, 4), 2),
    lambda m: F(m).pixel_unshuffle(m.zeros(2, 5, 4, 3), 2),
]


@pytest.mark.parametrize("call", FOLD_ERRORS)
def test_fold_and_pixel_shuffle_errors_match_torch(call):
    check_error(call)


def test_deprecated_upsample_functions_warn_and_interpolate():
    for name in ("upsample", "upsample_nearest", "upsample_bilinear"):
        with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated"):
            getattr(F(tinygrad_rnn), name)(tinygrad_rnn.zeros(1, 1, 2, 2), scale_factor=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_parity(lambda m, x: F(m).upsample_bilinear(x, scale_factor=2), shapes=[(1, 2, 3, 3)])


def test_interpolation_and_fold_pass_gradcheck():
    rng = np.random.default_rng(0)
    x = tinygrad_rnn.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    fn = tinygrad_rnn.nn.functional
    assert gradcheck(lambda t: fn.interpolate(t, scale_factor=1.5, mode="bilinear"), (x,))
    assert gradcheck(lambda t: fn.interpolate(t, size=(5, 3), mode="nearest"), (x,))
    assert gradgradcheck(lambda t: fn.interpolate(t, size=(2, 7), mode="bilinear", align_corners=True), (x,))
    assert gradcheck(lambda t: fn.fold(fn.unfold(t, 2, padding=1), (3, 4), 2, padding=1), (x,))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("shape,size", [((1, 1, 1, 1), (3, 4)), ((1, 2, 2, 3), (1, 1)), ((2, 1, 6, 5), (2, 9))])
def test_bicubic_at_the_borders_matches_torch(shape, size, align, dtype):
    """One-pixel inputs, one-pixel outputs and shrinking: the kernel's taps past the edge read the
    border value (torch's clamping), and the source coordinate may fall below 0."""
    check_parity(lambda m, x: F(m).interpolate(x, size=size, mode="bicubic", align_corners=align), shapes=[shape],
                 dtype=dtype)


@pytest.mark.parametrize("align", [False, True])
def test_bicubic_passes_gradcheck_and_gradgradcheck(align):
    rng = np.random.default_rng(1)
    x = tinygrad_rnn.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    fn = tinygrad_rnn.nn.functional
    assert gradcheck(lambda t: fn.interpolate(t, scale_factor=(1.7, 0.8), mode="bicubic", align_corners=align), (x,))
    assert gradgradcheck(lambda t: fn.interpolate(t, size=(5, 2), mode="bicubic", align_corners=align), (x,))


def test_integer_input_to_unfold_and_interpolate_is_refused_as_in_torch():
    check_error(lambda m: F(m).unfold(m.ones(1, 2, 4, 4, dtype=m.int64), 2))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F(tinygrad_rnn).interpolate(tinygrad_rnn.ones(1, 2, 4, 4, dtype=tinygrad_rnn.int64), scale_factor=2)
    check_parity(lambda m, x: F(m).pixel_shuffle(x, 2), [np.arange(32).reshape(2, 4, 2, 2)])


def test_unfold_and_fold_take_bool_as_torch_does():
    # torch's im2col/col2im kernels take bool (overlapping blocks combine as `or`) though not integers
    rng = np.random.default_rng(0)
    check_parity(lambda m, x: F(m).unfold(x, 2, padding=1), [rng.random((2, 3, 5, 5)) > 0.5])
    check_parity(lambda m, x: F(m).fold(x, (4, 4), 2), [rng.random((2, 8, 9)) > 0.5])


def _interpolate_integers(m, dtype, shape, mode):
    x = (m.arange(int(np.prod(shape))).view(shape) * 37 % 256).to(dtype)
    return F(m).interpolate(x, scale_factor=2.5, mode=mode)


# Each mode on each rank, for integer dtypes: torch's error names the kernel (channels-last for 4-D
# nearest and bilinear); uint8 goes through nearest as it does in torch.
INTEGER_INTERPOLATION_CASES = {
    f"{mode} {len(shape)}-d {dtype}": lambda m, _, dtype=dtype, shape=shape, mode=mode: _interpolate_integers(
        m, getattr(m, dtype), shape, mode)
    for shape, modes in [((2, 3, 5), ["nearest", "nearest-exact", "area", "linear"]),
                         ((2, 3, 4, 5), ["nearest", "nearest-exact", "area", "bilinear", "bicubic"]),
                         ((1, 2, 2, 3, 4), ["nearest", "nearest-exact", "area", "trilinear"])]
    for mode in modes for dtype in ["int64", "int32", "int8", "uint8"]
    if not (dtype == "uint8" and mode in ("bilinear", "bicubic"))
}


def test_interpolate_of_integers_matches_torch():
    assert differences(INTEGER_INTERPOLATION_CASES) == []


def test_interpolate_of_uint8_bilinear_and_bicubic_is_not_implemented():
    for mode in ("bilinear", "bicubic"):  # torch's fixed-point rounding is not reproduced
        with pytest.raises(NotImplementedError, match="uint8"):
            _interpolate_integers(tinygrad_rnn, tinygrad_rnn.uint8, (1, 1, 2, 2), mode)

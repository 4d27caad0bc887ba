"""Conv1d/Conv2d and their transposes against torch: values and gradients (float32, float64),
seeded init, repr, state_dict keys, padding modes, output_size, errors; a float64 gradcheck
and gradgradcheck of the im2col/col2im Functions."""
import warnings

import numpy as np
import pytest
from fresh_process import fresh_stderr
from helpers import check_error, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st
from nn_helpers import assert_same_module, both_modules, check_module_parity

import tinygrad_rnn
from tinygrad_rnn.autograd import gradcheck, gradgradcheck
from tinygrad_rnn.nn.functional_ext.im2col import Col2Im, Im2Col

DTYPES = [np.float64, np.float32]

CONV2D_CASES = [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
    dict(padding="same", dilation=2),
    dict(padding="valid", groups=2),
    dict(stride=2, padding=1, groups=6),  # as many groups as output channels: the weighted-sum path
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", CONV2D_CASES)
def test_conv2d_matches_torch(kw, dtype):
    groups = kw.get("groups", 1)
    c = 12 if groups == 6 else 4
    check_parity(lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, **kw),
                 shapes=[(2, c, 7, 6), (6, c // groups, 3, 2), (6,)], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [dict(), dict(stride=3, padding=2, dilation=2, groups=2), dict(padding="same")])
def test_conv1d_matches_torch_batched_and_unbatched(kw, dtype):
    w = (6, 4 // kw.get("groups", 1), 3)
    check_parity(lambda m, x, w: m.nn.functional.conv1d(x, w, **kw), shapes=[(2, 4, 9), w], dtype=dtype)
    check_parity(lambda m, x, w: m.nn.functional.conv1d(x, w, **kw), shapes=[(4, 9), w], dtype=dtype)


TRANSPOSE_CASES = [
    dict(),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2),
    dict(stride=2, dilation=2, output_padding=1, groups=2),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", TRANSPOSE_CASES)
def test_conv_transpose2d_matches_torch(kw, dtype):
    check_parity(lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, b, **kw),
                 shapes=[(2, 4, 5, 4), (4, 3, 3, 2), (3 * kw.get("groups", 1),)], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv_transpose1d_matches_torch(dtype):
    kw = dict(stride=2, padding=1, output_padding=1, groups=2, dilation=2)
    check_parity(lambda m, x, w, b: m.nn.functional.conv_transpose1d(x, w, b, **kw),
                 shapes=[(2, 4, 9), (4, 3, 3), (6,)], dtype=dtype)
    check_parity(lambda m, x, w: m.nn.functional.conv_transpose1d(x, w), shapes=[(4, 9), (4, 3, 3)], dtype=dtype)


MODULES = [
    lambda m, **d: m.nn.Conv1d(4, 6, 3, stride=2, padding=1, **d),
    lambda m, **d: m.nn.Conv1d(4, 6, 4, padding="same", padding_mode="reflect", bias=False, **d),
    lambda m, **d: m.nn.Conv2d(4, 6, (3, 2), padding=(1, 2), padding_mode="circular", groups=2, **d),
    lambda m, **d: m.nn.Conv2d(4, 6, 3, padding=1, padding_mode="replicate", dilation=(1, 2), **d),
    lambda m, **d: m.nn.Conv2d(4, 4, 3, padding="same", groups=4, **d),
    lambda m, **d: m.nn.ConvTranspose1d(4, 6, 3, stride=2, output_padding=1, groups=2, **d),
    lambda m, **d: m.nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1, dilation=2, bias=False, **d),
]


@pytest.mark.parametrize("make", MODULES)
def test_conv_module_init_repr_and_state_dict_match_torch(make):
    ours, theirs = both_modules(make, seed=7)
    assert_same_module(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", MODULES)
def test_conv_module_forward_and_gradients_match_torch(make, dtype):
    d = "float64" if dtype == np.float64 else "float32"
    ours, theirs = both_modules(lambda m: make(m, dtype=getattr(m, d)))
    nd = 1 if "1d" in type(ours).__name__ else 2
    x = np.random.default_rng(3).standard_normal((2, 4) + (7, 6)[:nd]).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's even-kernel 'same' warning
        check_module_parity(ours, theirs, x)


def test_conv_transpose_output_size_chooses_output_padding_as_torch():
    ours, theirs = both_modules(lambda m: m.nn.ConvTranspose2d(3, 2, 3, stride=3, padding=1, dtype=m.float64))
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    for size in ([10, 13], [2, 3, 12, 14], (11, 15)):
        check_module_parity(ours, theirs, x, call=lambda mod, t, size=size: mod(t, output_size=size))
        ours.zero_grad()
        theirs.zero_grad()
    check_error(lambda m, x: (ours if m is tinygrad_rnn else theirs)(m.tensor(x), output_size=[13, 13]), x)


def test_conv_errors_match_torch():
    x, w = np.zeros((2, 4, 5, 5)), np.zeros((6, 2, 3, 3))
    F = lambda m: m.nn.functional  # noqa: E731
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.tensor(w)))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.zeros(5, 2, 3, 3, dtype=m.float64), groups=2))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.zeros(6, 4, 7, 7, dtype=m.float64)))
    check_error(lambda m: F(m).conv2d(m.zeros(4, 5), m.zeros(6, 4, 3, 3)))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.zeros(6, 4, 3, 3)))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.tensor(w), stride=0, groups=2))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.tensor(w), padding=-1, groups=2))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.tensor(w), padding="same", stride=2, groups=2))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.tensor(w), padding="foo", groups=2))
    check_error(lambda m: F(m).conv2d(m.tensor(x), m.tensor(w), bias=m.zeros(5, dtype=m.float64), groups=2))
    check_error(lambda m: F(m).conv_transpose2d(m.tensor(x), m.zeros(4, 3, 3, 3, dtype=m.float64), stride=2,
                                                output_padding=2))
    check_error(lambda m: F(m).conv_transpose2d(m.tensor(x), m.zeros(3, 3, 3, 3, dtype=m.float64)))
    check_error(lambda m: m.nn.Conv2d(4, 6, 3, groups=3))
    check_error(lambda m: m.nn.Conv2d(4, 6, 3, groups=0))
    check_error(lambda m: m.nn.Conv2d(4, 6, 3, padding="same", stride=2))
    check_error(lambda m: m.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"))


CONV_ERRORS = {  # F is m.nn.functional
    "negative dilation": lambda F, m: F.conv2d(m.ones(1, 4, 5, 5), m.ones(4, 4, 3, 3), dilation=-1),
    "zero dilation": lambda F, m: F.conv2d(m.ones(1, 4, 5, 5), m.ones(4, 4, 3, 3), dilation=(0, 1)),
    "zero dilation 1d": lambda F, m: F.conv1d(m.ones(1, 4, 5), m.ones(4, 4, 3), dilation=0),
    "zero dilation after channels": lambda F, m: F.conv2d(m.ones(1, 4, 5, 5), m.ones(4, 3, 3, 3), dilation=(0, 1)),
    "zero dilation transposed": lambda F, m: F.conv_transpose3d(m.ones(1, 4, 5, 5, 5), m.ones(4, 4, 3, 3, 3),
                                                                  dilation=(1, 0, 1)),
    "weight of fewer dims": lambda F, m: F.conv3d(m.ones(1, 4, 5, 5, 5), m.ones(4, 4, 3, 3)),
    "weight of more dims 1d": lambda F, m: F.conv1d(m.ones(1, 4, 5), m.ones(4, 4, 3, 3)),
    "weight of fewer dims same": lambda F, m: F.conv2d(m.ones(1, 4, 5, 5), m.ones(4, 4, 3), padding="same"),
    "weight of fewer dims transposed": lambda F, m: F.conv_transpose2d(m.ones(1, 4, 5, 5), m.ones(4, 4, 3)),
    "groups not dividing transposed weight": lambda F, m: F.conv_transpose2d(m.ones(1, 6, 5, 5), m.ones(6, 1, 3, 3),
                                                                             groups=4),
    # an input with no elements but some channels (fuzz seed 98): a padded empty window was computed
    "empty windows with padding": lambda F, m: F.conv2d(m.ones(1, 3, 0, 2), m.ones(1, 3, 1, 1), padding=1),
    "empty windows 1d unbatched": lambda F, m: F.conv1d(m.ones(3, 0), m.ones(1, 3, 1), padding=1),
    "empty windows zero kernel": lambda F, m: F.conv3d(m.ones(2, 3, 0, 2, 2), m.ones(1, 3, 0, 1, 1)),
    "empty batch zero kernel": lambda F, m: F.conv1d(m.ones(0, 3, 1), m.ones(1, 3, 0)),
    "empty batch zero kernel lazy": lambda F, m: m.nn.LazyConv3d(1, 0)(m.ones(0, 3, 1, 2, 1)),
    "zero kernel 3d": lambda F, m: F.conv3d(m.ones(1, 3, 2, 2, 2), m.ones(1, 3, 1, 0, 1)),
    # padding='same' of a 0-sized kernel dim is -1: torch crops, then refuses the kernel (we refused the padding)
    "zero kernel same": lambda F, m: F.conv2d(m.ones(1, 2, 3, 3), m.ones(1, 2, 1, 0), padding="same"),
    "zero kernel same empty batch": lambda F, m: F.conv1d(m.ones(0, 2, 3), m.ones(1, 2, 0), padding="same"),
    # a transposed convolution of an empty input (fuzz seed 117): torch's empty-input path comes before its
    # kernel's checks (we refused the 0-sized kernel, the dilation or a small output in the kernel's words)
    "transposed empty batch zero kernel lazy": lambda F, m: m.nn.LazyConvTranspose1d(1, 0)(m.ones(0, 1, 1)),
    "transposed empty batch zero kernel 3d": lambda F, m: F.conv_transpose3d(m.ones(0, 1, 2, 2, 2),
                                                                             m.ones(1, 1, 0, 1, 1)),
    "transposed empty windows": lambda F, m: F.conv_transpose1d(m.ones(2, 1, 0), m.ones(1, 1, 1), dilation=0),
    "transposed empty windows no output channels": lambda F, m: F.conv_transpose1d(m.ones(2, 1, 0), m.ones(1, 0, 0)),
    # no output channels: oneDNN's words for float32 batches, the slow kernels' (after the kernel size) else
    "transposed no output channels oneDNN": lambda F, m: F.conv_transpose1d(m.ones(2, 1, 3), m.ones(1, 0, 0)),
    "transposed zero kernel before no output channels": lambda F, m: F.conv_transpose1d(
        m.ones(2, 1, 3, dtype=m.float64), m.ones(1, 0, 0, dtype=m.float64)),
    "transposed no output channels 2d": lambda F, m: F.conv_transpose1d(m.ones(1, 3), m.ones(1, 0, 2)),
    "transposed no output channels 3d": lambda F, m: F.conv_transpose3d(m.ones(1, 1, 3, 3, 3, dtype=m.int64),
                                                                        m.ones(1, 0, 0, 2, 1, dtype=m.int64)),
    "transposed empty batch negative size": lambda F, m: F.conv_transpose2d(m.ones(0, 1, 1, 1), m.ones(1, 1, 1, 1),
                                                                            padding=(1, 2)),
    "transposed empty batch size -1": lambda F, m: F.conv_transpose1d(m.ones(0, 1, 1), m.ones(1, 1, 1), padding=1),
}


def test_transposed_conv_of_an_empty_batch_skips_the_dilation_check_as_torch():
    check_parity(lambda m: m.nn.functional.conv_transpose1d(m.ones(0, 1, 3, dtype=m.float64),
                                                            m.ones(1, 1, 1, dtype=m.float64), dilation=0))


@pytest.mark.parametrize("case", list(CONV_ERRORS))
def test_more_conv_errors_match_torch(case):
    check_error(lambda m: CONV_ERRORS[case](m.nn.functional, m))


def test_conv_same_padding_of_a_zero_kernel_and_no_channels_crops_a_window_as_torch():
    torch = require_torch()
    shapes = [tuple(m.nn.functional.conv2d(m.ones(1, 0, 3, 3), m.ones(1, 0, 1, 0), padding="same").shape)
              for m in (tinygrad_rnn, torch)]
    assert shapes[0] == shapes[1] == (1, 0, 3, 3)


def test_conv_bad_padding_mode_and_padding_string_raise_value_error():
    # torch prints a Python set of the allowed names, whose order changes with the hash seed: the same sets,
    # built in torch's order, print the same within one process (a QRNN port asking for padding='causal')
    check_error(lambda m: m.nn.Conv2d(4, 6, 3, padding_mode="foo"))
    check_error(lambda m: m.nn.Conv2d(4, 6, 3, padding="full"))
    check_error(lambda m: m.nn.Conv1d(2, 3, 3, padding="causal"))


def test_float32_stays_float32_through_conv_and_its_gradients():
    x = tinygrad_rnn.randn(2, 3, 5, 5, requires_grad=True)
    w = tinygrad_rnn.randn(4, 3, 3, 3, requires_grad=True)
    y = tinygrad_rnn.nn.functional.conv2d(x, w, padding=1)
    y.backward(tinygrad_rnn.randn(*y.shape))
    assert y.dtype == x.grad.dtype == w.grad.dtype == tinygrad_rnn.float32


def test_im2col_and_col2im_pass_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(0)
    geometry = ((2, 3), (2, 1), ((1, 1), (0, 2)), (2, 1))
    x = tinygrad_rnn.tensor(rng.standard_normal((1, 2, 5, 4)), requires_grad=True)
    assert gradcheck(lambda t: Im2Col.apply(t, *geometry), (x,))
    assert gradgradcheck(lambda t: Im2Col.apply(t, *geometry), (x,))
    cols = tinygrad_rnn.tensor(rng.standard_normal((1, 12, 12)), requires_grad=True)
    assert gradcheck(lambda c: Col2Im.apply(c, (5, 4), *geometry, (3, 4)), (cols,))
    assert gradgradcheck(lambda c: Col2Im.apply(c, (5, 4), *geometry, (3, 4)), (cols,))


def test_im2col_gemm_layout_is_the_unfold_layout_with_samples_side_by_side():
    rng = np.random.default_rng(1)
    geometry = ((2, 2), (1, 2), ((1, 0), (1, 1)), (1, 2))
    x = tinygrad_rnn.tensor(rng.standard_normal((2, 2, 4, 5)), requires_grad=True)
    unfolded = Im2Col.apply(x, *geometry).detach().numpy()  # (N, C*K, L)
    side_by_side = Im2Col.apply(x, *geometry, True).detach().numpy()  # (C*K, N*L)
    np.testing.assert_array_equal(side_by_side, np.concatenate(list(unfolded), axis=1))
    assert gradcheck(lambda t: Im2Col.apply(t, *geometry, True), (x,))
    cols = tinygrad_rnn.tensor(rng.standard_normal(side_by_side.shape), requires_grad=True)
    assert gradgradcheck(lambda c: Col2Im.apply(c, (4, 5), *geometry, (4, 3), True), (cols,))


def test_conv2d_and_transpose_pass_gradcheck():
    rng = np.random.default_rng(1)
    x = tinygrad_rnn.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = tinygrad_rnn.tensor(rng.standard_normal((2, 1, 2, 2)), requires_grad=True)
    b = tinygrad_rnn.tensor(rng.standard_normal(2), requires_grad=True)
    F = tinygrad_rnn.nn.functional
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2), (x, w, b))
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, dilation=2, groups=2), (x, w))
    assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, output_padding=1, groups=2), (x, w, b))


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_transposed_conv_gradients_when_output_padding_reaches_past_the_stride(nd):
    # output_padding may reach the dilation (4), past the stride (2): the output then has room for a
    # window more than the input made, which the gradient must not read
    kw = dict(stride=2, padding=1, output_padding=3, groups=2, dilation=4)
    check_parity(lambda m, x, w, b: getattr(m.nn.functional, f"conv_transpose{nd}d")(x, w, b, **kw),
                 shapes=[(2, 2) + (3,) * nd, (2, 2) + (2,) * nd, (4,)])


def test_integer_convolutions_stay_integer_as_in_torch():
    x = np.random.default_rng(0).integers(-3, 4, (2, 4, 5, 5))
    w = np.random.default_rng(1).integers(-3, 4, (6, 2, 3, 3))
    check_parity(lambda m, x, w: m.nn.functional.conv2d(x, w, stride=2, groups=2), [x, w])
    wt = np.random.default_rng(2).integers(-3, 4, (4, 3, 2, 2))  # (C_in, C_out / groups, kh, kw)
    check_parity(lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, stride=2, groups=2), [x, wt])


CONTIGUITY = {
    "conv2d": lambda m, x: m.nn.functional.conv2d(x, m.ones(4, 3, 3, 3, dtype=x.dtype), m.ones(4, dtype=x.dtype)),
    "conv1d-unbatched": lambda m, x: m.nn.functional.conv1d(x[0, :, 0], m.ones(4, 3, 2, dtype=x.dtype)),
    "conv_transpose2d": lambda m, x: m.nn.functional.conv_transpose2d(x, m.ones(3, 4, 3, 3, dtype=x.dtype), stride=2,
                                                                      padding=1),
    "fold": lambda m, x: m.nn.functional.fold(m.nn.functional.unfold(x, 2, padding=1), (6, 7), 2, padding=1),
    "max_pool2d": lambda m, x: m.nn.functional.max_pool2d(x, 2),
    "avg_pool2d": lambda m, x: m.nn.functional.avg_pool2d(x, 2, padding=1),
    "adaptive_avg_pool2d": lambda m, x: m.nn.functional.adaptive_avg_pool2d(x, 3),
    "interpolate": lambda m, x: m.nn.functional.interpolate(x, scale_factor=1.5, mode="bilinear"),
    "nearest": lambda m, x: m.nn.functional.interpolate(x, scale_factor=2),
    "reflect": lambda m, x: m.nn.functional.pad(x, (1, 2, 0, 1), mode="reflect"),
    "circular": lambda m, x: m.nn.functional.pad(x, (1, 2, 2, 1), mode="circular"),
    "pixel_shuffle": lambda m, x: m.nn.functional.pixel_shuffle(x[:, :2].repeat(1, 2, 1, 1), 2),
}


@pytest.mark.parametrize("name", sorted(CONTIGUITY))
def test_outputs_are_contiguous_like_torch_so_view_works(name):
    # LeNet-style code flattens with .view(N, -1), which needs a contiguous tensor
    check_parity(lambda m, x: CONTIGUITY[name](m, x).view(2, -1), shapes=[(2, 3, 6, 7)])
    out = CONTIGUITY[name](tinygrad_rnn, tinygrad_rnn.randn(2, 3, 6, 7))
    assert out.is_contiguous()


def _lenet(m):
    """A small LeNet, written once for either framework (as a user moving code over would)."""
    nn = m.nn

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, 5, padding=2)
            self.conv2 = nn.Conv2d(4, 8, 3)
            self.norm = nn.BatchNorm2d(8)
            self.fc = nn.Linear(8 * 2 * 2, 10)

        def forward(self, x):
            x = m.nn.functional.max_pool2d(m.relu(self.conv1(x)), 2)
            x = m.nn.functional.avg_pool2d(m.nn.functional.hardswish(self.norm(self.conv2(x))), 2)
            return self.fc(x.view(x.shape[0], -1))

    return LeNet()


def test_a_small_cnn_trains_like_torch_from_the_same_seed():
    torch = require_torch()
    ours, theirs = both_modules(_lenet, seed=5)
    assert_same_module(ours, theirs)
    rng = np.random.default_rng(0)
    images, labels = rng.standard_normal((6, 1, 14, 14)).astype(np.float32), rng.integers(0, 10, 6)
    opt_ours = tinygrad_rnn.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    opt_theirs = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        for m, model, opt in ((tinygrad_rnn, ours, opt_ours), (torch, theirs, opt_theirs)):
            opt.zero_grad()
            loss = m.nn.functional.cross_entropy(model(m.tensor(images)), m.tensor(labels))
            loss.backward()
            opt.step()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv3d_and_its_transpose_match_torch(dtype):
    check_parity(lambda m, x, w, b: m.nn.functional.conv3d(x, w, b, stride=(1, 2, 1), padding=1, groups=2),
                 shapes=[(2, 4, 4, 5, 3), (6, 2, 2, 3, 2), (6,)], dtype=dtype)
    check_parity(lambda m, x, w: m.nn.functional.conv_transpose3d(x, w, stride=2, output_padding=1, dilation=(1, 2, 1)),
                 shapes=[(2, 4, 3, 2, 3), (4, 3, 2, 2, 2)], dtype=dtype)


@pytest.mark.parametrize("make", [lambda m: m.nn.Conv3d(4, 6, (2, 3, 2), padding=1, padding_mode="replicate"),
                                  lambda m: m.nn.ConvTranspose3d(4, 2, 3, stride=2, output_padding=1, groups=2)])
def test_conv3d_layers_match_torch(make):
    ours, theirs = both_modules(make, seed=2)
    assert_same_module(ours, theirs)
    # float32 weight gradients sum a few hundred products of size ~10: rounding is ~1e-5 absolute
    check_module_parity(ours, theirs, np.random.default_rng(0).standard_normal((2, 4, 3, 4, 3)).astype(np.float32),
                        tol=dict(rtol=2e-5, atol=2e-5))


def test_conv3d_errors_match_torch():
    x = np.zeros((2, 4, 5, 5, 5))
    check_error(lambda m: m.nn.functional.conv_transpose3d(m.tensor(x), m.zeros(4, 3, 3, 3, 3, dtype=m.float64),
                                                           stride=2, output_padding=2))
    check_error(lambda m: m.nn.functional.conv3d(m.tensor(x), m.zeros(6, 4, 7, 7, 7, dtype=m.float64)))


@st.composite
def conv_geometries(draw):
    """Random but valid conv2d settings: kernel, stride, padding, dilation, groups and a fitting input."""
    groups = draw(st.sampled_from([1, 2]))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    size = [draw(st.integers(max(1, s - 2 * p), s - 2 * p + 4)) for s, p in zip(spans, padding)]
    return dict(groups=groups, kernel=kernel, dilation=dilation, stride=stride, padding=padding, size=size)


@settings(max_examples=30)
@given(g=conv_geometries(), transposed=st.booleans())
def test_random_conv2d_geometries_match_torch(g, transposed):
    n, c, o = 2, 2 * g["groups"], 2 * g["groups"]
    kw = dict(stride=g["stride"], padding=g["padding"], dilation=g["dilation"], groups=g["groups"])
    if not transposed:
        check_parity(lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, **kw),
                     shapes=[(n, c, *g["size"]), (o, c // g["groups"], *g["kernel"]), (o,)])
        return
    sizes = [(n_ - 1) * s - 2 * p + d * (k - 1) + 1
             for n_, s, p, d, k in zip(g["size"], g["stride"], g["padding"], g["dilation"], g["kernel"])]
    if min(sizes) <= 0:
        kw["padding"] = 0  # keep the transposed output non-empty
    check_parity(lambda m, x, w: m.nn.functional.conv_transpose2d(x, w, **kw),
                 shapes=[(n, c, *g["size"]), (c, o // g["groups"], *g["kernel"])])


@settings(max_examples=30)
@given(g=conv_geometries(), ceil_mode=st.booleans(), include_pad=st.booleans())
def test_random_pooling_geometries_match_torch(g, ceil_mode, include_pad):
    kernel = tuple(k + 1 for k in g["kernel"])  # padding must stay at most half the kernel
    padding = tuple(min(p, k // 2) for p, k in zip(g["padding"], kernel))
    size = tuple(s + 2 for s in g["size"])
    check_parity(lambda m, x: m.nn.functional.max_pool2d(x, kernel, g["stride"], padding, g["dilation"], ceil_mode,
                                                         return_indices=True), shapes=[(2, 3, *size)])
    check_parity(lambda m, x: m.nn.functional.avg_pool2d(x, kernel, g["stride"], padding, ceil_mode, include_pad),
                 shapes=[(2, 3, *size)])


@pytest.mark.parametrize(("shape", "weight", "kwargs"), [
    ((2, 0, 2, 1), (1, 0, 0, 0), {}), ((2, 0, 2, 1), (3, 0, 1, 0), {}), ((2, 0, 2, 1), (3, 0, 2, 2), {}),
    ((2, 0, 5, 4), (3, 0, 2, 1), {"stride": 2, "padding": 1}), ((0, 2, 1), (3, 0, 2, 1), {"stride": 2}),
    ((2, 0, 4), (3, 0, 2), {"dilation": 2}),
])
def test_an_input_of_no_channels_gives_torchs_empty_windows(shape, weight, kwargs):
    """No kernel-size check then (a 0-sized kernel fits one window more than a 1-sized one), but the kernel
    must fit the input."""
    def call(m):
        conv = m.nn.functional.conv1d if len(weight) == 3 else m.nn.functional.conv2d
        out = conv(m.zeros(shape, requires_grad=True), m.zeros(weight), **kwargs)
        return tuple(out.shape), type(out.grad_fn).__name__

    torch = require_torch()
    try:
        expected = call(torch)
    except RuntimeError:
        check_error(call)
        return
    assert call(tinygrad_rnn) == expected


def _conv_inputs(m):
    return m.ones(1, 1, 3, 3), m.ones(1, 1, 1, 1), m.ones(1)


CONV_OVERLOAD_ERRORS = {  # torch lists the argument types as given; with all seven it says why each overload failed
    "two positional": lambda m, x, w, b: m.nn.functional.conv2d("a", w),
    "stride by keyword": lambda m, x, w, b: m.nn.functional.conv2d(x, w, stride="a"),
    "padding float by keyword": lambda m, x, w, b: m.nn.functional.conv2d(x, w, padding=1.5),
    "groups by keyword": lambda m, x, w, b: m.nn.functional.conv2d(x, w, groups="a"),
    "seven positional": lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, 1, 0, 1, "a"),
    "seven with tuples": lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, (1, 1), (0, 0), [1, 1], "a"),
    "seven with a weight of another type": lambda m, x, w, b: m.nn.functional.conv2d(x, "w", None, (1,), 0, 1, 1),
    "bool groups": lambda m, x, w, b: m.nn.functional.conv2d(x, w, None, 1, 0, 1, True),
    "six and a keyword": lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, 1, 0, 1, groups="a"),
    "eight positional": lambda m, x, w, b: m.nn.functional.conv2d(x, w, b, 1, 0, 1, 1, 1),
    "module on a string": lambda m, x, w, b: m.nn.Conv2d(1, 1, 1)("a"),
    "transposed input": lambda m, x, w, b: m.nn.functional.conv_transpose2d("a", w),
    "transposed bias": lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, "a"),
    "transposed groups by keyword": lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, groups="a"),
    "transposed groups positional": lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, None, 1, 0, 0, 1.5),
    "transposed bool groups": lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, groups=True),
    "transposed dilation by keyword": lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, dilation=None),
    "transposed padding string": lambda m, x, w, b: m.nn.functional.conv_transpose2d(x, w, padding="same"),
}


@pytest.mark.parametrize("case", sorted(CONV_OVERLOAD_ERRORS))
def test_conv_argument_errors_are_torchs_as_the_call_was_written(case):
    check_error(lambda m: CONV_OVERLOAD_ERRORS[case](m, *_conv_inputs(m)))


@pytest.mark.parametrize("call", [lambda m, x, w: m.nn.functional.conv2d(x, w, foo=1),
                                  lambda m, x, w: m.nn.functional.conv1d(),
                                  lambda m, x, w: m.nn.functional.conv3d(x)])
def test_conv_with_arguments_no_overload_takes_is_torchs_invalid_combination(call):
    check_error(lambda m: call(m, *_conv_inputs(m)[:2]))


@pytest.mark.parametrize(("make", "shape"), [
    (lambda m: m.nn.ConvTranspose1d(2, 3, 2), (0, 2, 1)), (lambda m: m.nn.ConvTranspose2d(2, 4, 2, groups=2), (0, 2, 3, 3)),
    (lambda m: m.nn.ConvTranspose3d(1, 1, 1), (0, 1, 1, 1, 1)), (lambda m: m.nn.ConvTranspose1d(2, 3, 2, stride=2), (0, 2, 0)),
])
def test_transposed_conv_of_an_empty_batch_is_empty_as_torchs(make, shape):
    """The GEMM's N*L columns were inferred with -1, which an empty batch leaves ambiguous."""
    seen = []
    for m in (tinygrad_rnn, require_torch()):
        m.manual_seed(0)
        x = m.zeros(shape, requires_grad=True)
        out = make(m)(x)
        out.sum().backward()
        seen.append((tuple(out.shape), tuple(x.grad.shape)))
    assert seen[0] == seen[1]


@pytest.mark.parametrize(("make", "shape"), [(lambda m: m.nn.ConvTranspose1d(2, 3, 3), (1, 2, 0)),
                                             (lambda m: m.nn.ConvTranspose2d(2, 3, 3), (1, 2, 0, 2)),
                                             (lambda m: m.nn.ConvTranspose2d(2, 3, 3), (2, 0, 0))])
def test_transposed_conv_of_an_empty_image_in_a_batch_is_torchs_error(make, shape):
    check_error(lambda m: make(m)(m.zeros(shape)))


@pytest.mark.parametrize("make, shape", [(lambda m: m.nn.Conv1d(3, 3, 3, 3, groups=3), (0, 3, 3)),
                                         (lambda m: m.nn.Conv1d(3, 6, 3, groups=3), (0, 3, 5)),
                                         (lambda m: m.nn.Conv2d(4, 6, 3, groups=2), (0, 4, 5, 5))])
def test_grouped_conv_of_an_empty_batch_is_an_empty_result(make, shape):
    torch = require_torch()
    shapes = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        x = m.zeros(*shape, requires_grad=True)
        out = make(m)(x)
        out.sum().backward()
        shapes.append((tuple(out.shape), tuple(x.grad.shape)))
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize("batch", [0, 2])
def test_transposed_conv_of_no_output_channels_fails_as_torch(batch):
    require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Initializing zero-element tensors is a no-op", on both sides
        check_error(lambda m: m.nn.ConvTranspose1d(1, 0, 3)(m.zeros(batch, 1, 3)))


@pytest.mark.parametrize("call", [
    lambda m: m.nn.Conv1d(3, 2, 3)(m.zeros(1, 3, 4, dtype=m.float64)),  # the common one: a double input, a float model
    lambda m: m.nn.Conv1d(3, 2, 3)(m.zeros(1, 3, 4, dtype=m.int64)),
    lambda m: m.nn.Conv2d(3, 2, 3)(m.zeros(1, 3, 4, 4, dtype=m.float16)),
    lambda m: m.nn.functional.conv1d(m.zeros(1, 3, 4), m.zeros(2, 3, 3), m.zeros(2, dtype=m.float64)),
    lambda m: m.nn.ConvTranspose1d(3, 2, 3)(m.zeros(1, 3, 4, dtype=m.float64)),  # transposed: the weight first
])
def test_conv_dtype_mismatch_names_what_torch_names(call):
    require_torch()
    check_error(call)


def _conv(name, x_shape, w_shape, x_dtype="float32", w_dtype="float64", bias=None, **kwargs):
    def run(m):
        b = None if bias is None else m.ones(bias[0], dtype=getattr(m, bias[1]))
        return getattr(m.nn.functional, name)(m.ones(x_shape, dtype=getattr(m, x_dtype)),
                                              m.ones(w_shape, dtype=getattr(m, w_dtype)), b, **kwargs)
    return run


# torch's CPU build runs a float32 convolution with oneDNN or with its own kernels by the sizes
# (ConvParams::use_mkldnn), and the two word a weight of another dtype differently; the shape checks come first
KERNEL_DTYPE_CASES = {
    "one image: torch's own kernel": _conv("conv2d", (1, 3, 8, 8), (4, 3, 3, 3)),
    "unbatched": _conv("conv1d", (3, 8), (4, 3, 3)),
    "a batch: oneDNN": _conv("conv2d", (2, 3, 8, 8), (4, 3, 3, 3)),
    "one image, strided": _conv("conv2d", (1, 3, 8, 8), (4, 3, 3, 3), stride=2),
    "one image, grouped": _conv("conv2d", (1, 4, 8, 8), (4, 2, 3, 3), groups=2),
    "one image, 4x4 kernel": _conv("conv2d", (1, 3, 8, 8), (4, 3, 4, 4)),
    "one large image": _conv("conv2d", (1, 3, 83, 83), (4, 3, 3, 3)),
    "one 3-d image, 4x4x4 kernel": _conv("conv3d", (1, 3, 5, 5, 5), (4, 3, 4, 4, 4)),
    "a Long weight": _conv("conv2d", (1, 3, 8, 8), (4, 3, 3, 3), w_dtype="int64"),
    "transposed, one image": _conv("conv_transpose2d", (1, 3, 4, 4), (3, 4, 3, 3)),
    "transposed, a batch": _conv("conv_transpose2d", (2, 3, 4, 4), (3, 4, 3, 3)),
    "transposed, output padding not below stride": _conv("conv_transpose2d", (2, 3, 4, 4), (3, 4, 3, 3),
                                                         output_padding=1, dilation=2),
    "transposed, a batch, a Long bias": _conv("conv_transpose2d", (2, 3, 4, 4), (3, 4, 3, 3), w_dtype="float32",
                                              bias=(4, "int64")),
    "transposed, a bias of the wrong size": _conv("conv_transpose2d", (2, 3, 4, 4), (3, 4, 3, 3), bias=(3, "float32")),
    "channels before dtypes": _conv("conv2d", (2, 4, 8, 8), (4, 3, 3, 3)),
    "kernel size before dtypes": _conv("conv2d", (1, 3, 2, 2), (4, 3, 3, 3)),
    "transposed channels before dtypes": _conv("conv_transpose2d", (1, 4, 8, 8), (3, 4, 3, 3)),
    "a bool conv2d": _conv("conv2d", (2, 3, 4, 4), (4, 3, 3, 3), x_dtype="bool", w_dtype="bool"),
    "a bool conv3d": _conv("conv3d", (2, 3, 4, 4, 4), (4, 3, 3, 3, 3), x_dtype="bool", w_dtype="float32"),
    "a uint8 transposed conv": _conv("conv_transpose2d", (2, 3, 4, 4), (3, 4, 3, 3), x_dtype="uint8", w_dtype="uint8"),
    "an int32 transposed conv1d": _conv("conv_transpose1d", (2, 3, 4), (3, 4, 3), x_dtype="int32", w_dtype="float32"),
    "an int8 transposed conv3d": _conv("conv_transpose3d", (2, 3, 4, 4, 4), (3, 4, 3, 3, 3), x_dtype="int8"),
}


@pytest.mark.parametrize("case", list(KERNEL_DTYPE_CASES))
def test_conv_dtype_errors_are_those_of_the_kernel_torch_picks(case):
    check_error(KERNEL_DTYPE_CASES[case])


def test_one_thread_takes_a_pointwise_conv_of_a_small_batch_to_torchs_own_kernel():
    torch = require_torch()
    threads = torch.get_num_threads(), tinygrad_rnn.get_num_threads()
    try:
        torch.set_num_threads(1)
        tinygrad_rnn.set_num_threads(1)
        check_error(_conv("conv2d", (2, 3, 4, 4), (4, 3, 1, 1)))
        check_error(_conv("conv2d", (16, 3, 2, 2), (4, 3, 1, 1)))  # oneDNN from a batch of 16
    finally:
        torch.set_num_threads(threads[0])
        tinygrad_rnn.set_num_threads(threads[1])


def test_no_channels_and_empty_batches_are_computed_in_torchs_dtype():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        no_channels = m.nn.functional.conv2d(m.ones(1, 0, 8, 8), m.ones(4, 0, 3, 3, dtype=m.float64))
        empty = m.nn.functional.conv2d(m.ones(0, 3, 8, 8), m.ones(4, 3, 3, 3, dtype=m.float64))
        seen.append((str(no_channels.dtype), tuple(no_channels.shape), str(empty.dtype), tuple(empty.shape)))
    assert seen[0] == seen[1]


def test_transposed_conv_takes_a_bias_of_another_float_dtype_in_the_inputs():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        bias = m.ones(2, dtype=m.float64, requires_grad=True)
        out = m.nn.functional.conv_transpose1d(m.ones(1, 3, 4), m.ones(3, 2, 3), bias)
        out.sum().backward()
        seen.append((str(out.dtype), out.detach().numpy().tolist(), str(bias.grad.dtype), bias.grad.tolist()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_transposed_conv_of_an_empty_batch_takes_any_input_dtype(dtype):
    """torch runs no kernel on an empty batch, so it checks no dtype: the result has the promoted dtype."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        out = m.nn.ConvTranspose1d(3, 2, 3)(m.zeros(0, 3, 4, dtype=getattr(m, dtype)))
        seen.append((tuple(out.shape), str(out.dtype)))
    assert seen[0] == seen[1]


def test_same_padding_of_an_even_kernel_warns_once_with_torchs_text():
    """torch's warning is C++'s TORCH_WARN_ONCE: the first such call in the process, or every call
    after set_warn_always(True). Each framework runs in a fresh interpreter."""
    require_torch()
    program = ("import warnings, {} as m\nwarnings.simplefilter('always')\n"
               "conv = m.nn.Conv1d(2, 2, kernel_size=2, padding='same')\nconv(m.ones(1, 2, 5))\nconv(m.ones(1, 2, 5))\n"
               "m.nn.functional.conv2d(m.ones(1, 1, 4, 4), m.ones(1, 1, 2, 3), padding='same')\n"
               "m.set_warn_always(True)\nconv(m.ones(1, 2, 5))\n")
    stderr = fresh_stderr(program)
    warned = [[line.split("UserWarning: ", 1)[1] for line in text.splitlines() if "UserWarning: " in line]
              for text in stderr]
    assert warned[0] == warned[1] and len(warned[1]) == 2


# ------------------------------------------------------------------ double backward (WGAN-GP's gradient penalty)
DOUBLE_BACKWARD_CASES = [
    ("conv1d", (2, 3, 6), (4, 3, 3), {}),
    ("conv2d", (2, 3, 6, 6), (4, 3, 3, 3), dict(stride=2, padding=1)),
    ("conv2d", (2, 6, 5, 5), (6, 2, 3, 3), dict(groups=3)),
    ("conv2d", (2, 3, 5, 5), (3, 1, 3, 3), dict(groups=3)),  # the depthwise path
    ("conv3d", (1, 2, 4, 4, 4), (3, 2, 2, 2, 2), {}),
    ("conv_transpose2d", (2, 3, 4, 4), (3, 4, 3, 3), dict(stride=2, output_padding=1)),
    ("conv_transpose1d", (2, 4, 5), (4, 1, 3), dict(groups=2)),
]


@pytest.mark.parametrize("name,x_shape,w_shape,kw", DOUBLE_BACKWARD_CASES)
def test_gradients_under_create_graph_are_torchs_double_backward_node(name, x_shape, w_shape, kw):
    """torch computes all of a convolution's gradients in one node: with create_graph each is an output of
    ConvolutionBackwardBackward0 (ours were Col2ImBackward0 and ViewBackward0)."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        x, w = m.randn(*x_shape, requires_grad=True), m.randn(*w_shape, requires_grad=True)
        b = m.randn(w_shape[1] * kw.get("groups", 1) if "transpose" in name else w_shape[0], requires_grad=True)
        y = getattr(m.nn.functional, name)(x, w, b, **kw)
        grads = m.autograd.grad((y * y).sum(), (x, w, b), create_graph=True)
        names.append([g.grad_fn.name() for g in grads])
    assert names[0] == names[1]


@pytest.mark.parametrize("name,x_shape,w_shape,kw", DOUBLE_BACKWARD_CASES)
def test_gradient_penalty_matches_torch(name, x_shape, w_shape, kw):
    def penalty(m, x, w):
        y = getattr(m.nn.functional, name)(x, w, **kw)
        (grad_x,) = m.autograd.grad(y, x, m.ones_like(y) * 0.5, create_graph=True)
        return (grad_x.reshape(len(grad_x), -1).norm(2, dim=1) - 1) ** 2

    check_parity(penalty, shapes=[x_shape, w_shape])


@pytest.mark.parametrize("name,x_shape,w_shape,kw", DOUBLE_BACKWARD_CASES)
def test_forward_mode_tangents_match_torch(name, x_shape, w_shape, kw):
    """The operands' layout node (ConvOperand) carries tangents: weight and input tangents as torch's."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    primals, tangents = ([rng.standard_normal(s) for s in (x_shape, w_shape)] for _ in range(2))
    results = []
    for m in (tinygrad_rnn, torch):
        conv = getattr(m.nn.functional, name)
        _, tangent = m.func.jvp(lambda x, w, conv=conv: conv(x, w, **kw), tuple(map(m.tensor, primals)),
                                tuple(map(m.tensor, tangents)))
        results.append(tangent.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape,kernel", [((0, 2, 3), 1), ((0, 2, 3, 3), 1), ((0, 2, 1, 2, 0), 1), ((0, 2, 1, 1), 3)])
def test_an_empty_batch_takes_a_zero_dilation_as_torch(shape, kernel):
    """torch's path for an empty batch checks no dilation: a 0 spans one element (fuzz seed 145)."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = m.zeros(shape, requires_grad=True)
        out = getattr(m.nn, f"Conv{len(shape) - 2}d")(2, 2, kernel, padding=1, dilation=0)(x)
        out.sum().backward()
        seen.append((tuple(out.shape), out.grad_fn.name(), tuple(x.grad.shape)))
    assert seen[0] == seen[1]

"""torch's native ops in its namespace against torch: native_layer_norm / native_batch_norm / native_group_norm
(output, gradients and the saved statistics), native_dropout (the same elements dropped for the same seed, the
mask), fill, conv_tbc and convolution, and their argument errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 4))
W3, B3 = RNG.standard_normal(3), RNG.standard_normal(3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("call", [
    lambda m, x, w, b: m.native_layer_norm(x, [4], w.repeat(2)[:4], b.repeat(2)[:4], 1e-5),
    lambda m, x, w, b: m.native_layer_norm(x, (3, 4), None, None, 1e-3),
    lambda m, x, w, b: m.native_batch_norm(x, w, b, None, None, True, 0.1, 1e-5),
    lambda m, x, w, b: m.native_batch_norm(x, w, b, m.zeros(3, dtype=x.dtype), m.ones(3, dtype=x.dtype), False, 0.1,
                                           1e-5),
    lambda m, x, w, b: m.native_group_norm(x, w, b, 2, 3, 4, 3, 1e-5)[0],
    lambda m, x, w, b: [s.detach() for s in m.native_group_norm(x, None, None, 2, 3, 4, 1, 1e-5)[1:]],
    lambda m, x, w, b: m.fill(x, 2.5), lambda m, x, w, b: m.fill(x, w.sum()),
    lambda m, x, w, b: m.conv_tbc(x.permute(2, 0, 1).contiguous(), w.reshape(1, 3, 1).expand(2, 3, 3).contiguous(), b, 1),
    lambda m, x, w, b: m.convolution(x, w.reshape(1, 3, 1).expand(5, 3, 2), None, [2], [1], [1], False, [0], 1),
    lambda m, x, w, b: m.convolution(x, w.reshape(3, 1, 1).expand(3, 2, 2), b[:2], [2], [1], [1], True, [1], 1),
])
def test_native_ops_match_torch(call, dtype):
    check_parity(call, [X.astype(dtype), W3.astype(dtype), B3.astype(dtype)])


def test_native_batch_norm_moves_the_running_statistics_as_torch():
    def run(m, x):
        mean, var = m.zeros(3, dtype=x.dtype), m.ones(3, dtype=x.dtype)
        return m.native_batch_norm(x, None, None, mean, var, True, 0.3, 1e-5), mean, var
    check_parity(run, [X])


@pytest.mark.parametrize("p, train", [(0.3, True), (0.3, False), (0.3, None), (1.0, True), (0.0, True)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_native_dropout_drops_what_torch_drops(p, train, dtype):
    def run(m, x):
        m.manual_seed(0)
        return m.native_dropout(x, p, train)
    check_parity(run, [RNG.standard_normal((4, 50)).astype(dtype)])


def test_conv_tbc_with_a_kernel_longer_than_the_input_gives_no_frames():
    check_parity(lambda m, x: m.conv_tbc(x, m.ones(3, 4, 5, dtype=x.dtype), m.zeros(5, dtype=x.dtype)), [X],
                 requires_grad=[False])


def test_native_gradients_match_finite_differences():
    check_finite_differences(lambda m, x, w, b: (m.native_layer_norm(x, [4], None, None, 1e-5)[0],
                                                 m.native_batch_norm(x, w, b, None, None, True, 0.1, 1e-5)[0],
                                                 m.conv_tbc(x.permute(2, 0, 1).contiguous(),
                                                            w.reshape(1, 3, 1).expand(2, 3, 3).contiguous(), b, 0)),
                             [X, W3, B3])


@pytest.mark.parametrize("call", [
    lambda m, x: m.native_layer_norm(x, [4], None, None), lambda m, x: m.native_layer_norm(x, 4, None, None, 1e-5),
    lambda m, x: m.native_dropout(x, 1.5, True), lambda m, x: m.native_dropout(m.arange(3), 0.5, True),
    lambda m, x: m.native_dropout(x, 0.5, 1), lambda m, x: m.native_group_norm(x, None, None, 2, 3, 5, 1, 1e-5),
    lambda m, x: m.fill(x, 2.5, out=m.empty(2)), lambda m, x: m.fill(x, m.ones(2)),
    lambda m, x: m.conv_tbc(x, m.ones(4, 4, 5), m.zeros(5)), lambda m, x: m.conv_tbc(x, m.ones(3, 3, 5), m.zeros(5)),
    lambda m, x: m.conv_tbc(x, m.ones(3, 4, 5), m.zeros(4)), lambda m, x: m.conv_tbc(x[0], m.ones(3, 4, 5), m.zeros(5)),
])
def test_native_errors_match_torch(call):
    check_error(lambda m: call(m, m.tensor(X)))


def test_embedding_renorm_scales_the_named_rows_in_place_as_torch():
    def run(m, w):
        table = w.detach() * 3
        return m.embedding_renorm_(table, m.tensor([[0, 2], [2, -1]]), 1.0, 2.0), table
    check_parity(run, [RNG.standard_normal((5, 3))], requires_grad=[False])
    check_parity(lambda m, w: m.embedding_renorm_(w.detach() * 3, m.tensor([1], dtype=m.int32), 2, 1),
                 [RNG.standard_normal((5, 3)).astype(np.float32)], requires_grad=[False])


@pytest.mark.parametrize("call", [
    lambda m: m.embedding_renorm_(m.ones(5, 3), m.tensor([0, 2.0]), 1.0, 2.0),
    lambda m: m.embedding_renorm_(m.ones(3), m.tensor([0]), 1.0, 2.0),
    lambda m: m.embedding_renorm_(m.ones(5, 3, requires_grad=True), m.tensor([0]), 1.0, 2.0),
    lambda m: m.embedding_renorm_(m.ones(5, 3), m.tensor([7]), 1.0, 2.0),
    lambda m: m.embedding_renorm_(m.ones(5, 3), m.tensor([0]), 1.0, "x"),
    lambda m: m.embedding_renorm_(m.ones(5, 3).long(), m.tensor([0]), 1.0, 2.0),
])
def test_embedding_renorm_errors_match_torch(call):
    check_error(call)


# ------------------------------------------------------------------ torch.embedding_bag: the kernel's 4-tuple
BAG_INDICES = np.array([1, 2, 4, 5, 4, 3, 2, 9])


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("offsets, last", [([0, 2, 5, 5], False), ([0, 2, 5, 8], True), ([0, 2, 2, 3], True)])
def test_embedding_bag_kernel_returns_torch_four_outputs(mode, padding_idx, offsets, last):
    """output, offset2bag, bag_size and max_indices, for every mode, with and without padding, and with the last
    offset short of the end (where torch's kernels read the last bag in two ways)."""
    check_parity(lambda m, w: m.embedding_bag(w.detach(), m.tensor(BAG_INDICES), m.tensor(offsets), False, mode,
                                              False, None, last, padding_idx), shapes=[(10, 3)])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", [0, 1, 2])
def test_embedding_bag_kernel_gradients_match_torch(mode, dtype):
    check_parity(lambda m, w: m.embedding_bag(w, m.tensor(BAG_INDICES), m.tensor([0, 2, 5, 5]), False, mode)
                 + m.embedding_bag(w, m.tensor(BAG_INDICES), m.tensor([0, 3]), True, mode, False, None, False, 2)[:1],
                 shapes=[(10, 3)], dtype=dtype)


def test_embedding_bag_kernel_max_gives_a_tie_to_the_first_entry():
    check_parity(lambda m, w: m.embedding_bag(w, m.tensor([0, 1, 2, 1, 0]), m.tensor([0, 3]), False, 2),
                 [np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]])])


def test_embedding_bag_kernel_per_sample_weights_and_index_types_match_torch():
    check_parity(lambda m, w, p: m.embedding_bag(w, m.tensor(BAG_INDICES), m.tensor([0, 4]), False, 0, False, p),
                 shapes=[(10, 2), (8,)])
    for kinds in [("int32", "int32"), ("int64", "int32"), ("int32", "int64")]:
        check_parity(lambda m, w, kinds=kinds: m.embedding_bag(w, m.tensor(BAG_INDICES, dtype=getattr(m, kinds[0])),
                                                              m.tensor([0, 4], dtype=getattr(m, kinds[1])), False,
                                                              1)[1:],
                     shapes=[(10, 2)])


@pytest.mark.parametrize("call", [
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0, 1]), False, 3),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), None),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0, 1]), 0, 0),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1.0, 2]), m.tensor([0, 1])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0.0, 1])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([[0, 1]])),
    lambda m: m.embedding_bag(m.ones(30), m.tensor([1, 2]), m.tensor([0, 1])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0, 1]), False, 1, False, m.ones(2)),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0, 1]), False, 0, False, m.ones(3)),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0, 1]), False, 1, False, None, False, 10),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([1, 2])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2]), m.tensor([0, 3])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 11]), m.tensor([0, 1])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([11, 1]), m.tensor([0, 1])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 2, 11]), m.tensor([0])),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, -1]), m.tensor([0, 1]), False, 2),
    lambda m: m.embedding_bag(m.ones(10, 3), m.tensor([1, 11]), m.tensor([0, 1]), False, 1, False, None, False, 2),
])
def test_embedding_bag_kernel_errors_match_torch(call):
    check_error(call)


# ------------------------------------------------------------------ grid_sampler*, affine_grid_generator, ...
IMAGE, IMAGE_3D = RNG.standard_normal((2, 2, 3, 4)), RNG.standard_normal((1, 2, 3, 4, 2))
GRID, GRID_3D = RNG.random((2, 2, 3, 2)) * 2.4 - 1.2, RNG.random((1, 2, 2, 2, 3)) * 2.4 - 1.2


@pytest.mark.parametrize("codes", [(0, 0, False), (1, 1, True), (2, 2, False), (0, 2, True)])
def test_grid_sampler_takes_torch_codes(codes):
    check_parity(lambda m, x, g: (m.grid_sampler(x, g, *codes), m.grid_sampler_2d(x, g, *codes)), [IMAGE, GRID])
    if codes[0] != 2:
        check_parity(lambda m, x, g: (m.grid_sampler(x, g, *codes), m.grid_sampler_3d(x, g, *codes)),
                     [IMAGE_3D, GRID_3D])


@pytest.mark.parametrize("size, align", [([2, 1, 3, 4], False), ((2, 5, 1, 4), True), ([2, 1, 0, 4], False)])
def test_affine_grid_generator_matches_torch(size, align):
    check_parity(lambda m, theta: m.affine_grid_generator(theta, size, align), [RNG.standard_normal((2, 2, 3))])
    check_parity(lambda m, theta: m.affine_grid_generator(theta, [2, 1] + list(size[1:]), align),
                 [RNG.standard_normal((2, 3, 4))])


@pytest.mark.parametrize("pow_dim", [(), (2,), (2, 1), (3, -1), (2, 2), (0, 0), (1, 0), (2, -2)])
def test_norm_except_dim_matches_torch(pow_dim):
    check_parity(lambda m, v: m.norm_except_dim(v, *pow_dim), shapes=[(3, 4, 5)])


def test_native_channel_shuffle_shuffles_as_torch_without_a_derivative():
    check_parity(lambda m, x: m.native_channel_shuffle(x.detach(), 2), shapes=[(2, 4, 3)])
    check_parity(lambda m, x: m.nn.functional.native_channel_shuffle(x.detach(), 3), shapes=[(1, 6, 2, 2)])
    check_error(lambda m: m.native_channel_shuffle(m.ones(1, 4, 2, requires_grad=True), 2).sum().backward())
    check_parity(lambda m, x, w, b: m.nn.functional.conv_tbc(x, w, b, 1), shapes=[(5, 2, 3), (2, 3, 4), (4,)])


@pytest.mark.parametrize("call", [
    lambda m: m.grid_sampler(m.tensor(IMAGE), m.tensor(GRID), 0, 0, None),
    lambda m: m.grid_sampler(m.tensor(IMAGE), m.tensor(GRID), "bilinear", 0, False),
    lambda m: m.grid_sampler_2d(m.tensor(IMAGE), m.tensor(GRID), 0, 0),
    lambda m: m.grid_sampler_2d(m.tensor(IMAGE_3D), m.tensor(GRID_3D), 0, 0, False),
    lambda m: m.grid_sampler_3d(m.tensor(IMAGE), m.tensor(GRID), 0, 0, False),
    lambda m: m.grid_sampler_3d(m.tensor(IMAGE_3D), m.tensor(GRID_3D), 2, 0, False),
    lambda m: m.grid_sampler(m.tensor(IMAGE), m.tensor(GRID).float(), 0, 0, False),
    lambda m: m.affine_grid_generator(m.ones(2, 2, 3), [2, 1, 4], False),
    lambda m: m.affine_grid_generator(m.ones(2, 2, 3), [2, 1, 3, 4], None),
    lambda m: m.affine_grid_generator(m.ones(2, 2, 3), 4, False),
    lambda m: m.affine_grid_generator(m.ones(2, 3, 3), [2, 1, 3, 4], False),
    lambda m: m.affine_grid_generator(m.ones(2, 2, 4), [2, 1, 3, 4], False),
    lambda m: m.affine_grid_generator(m.ones(2, 2, 3), [3, 1, 3, 4], False),
    lambda m: m.affine_grid_generator(m.ones(6), [2, 1, 3, 4], False),
    lambda m: m.norm_except_dim(m.ones(3, 4, 5), 2, 5),
    lambda m: m.norm_except_dim(m.ones(3, 4, 5), 2.5, 0),
    lambda m: m.native_channel_shuffle(m.ones(1, 4, 2), 3),
    lambda m: m.native_channel_shuffle(m.ones(1, 4, 2), 0),
    lambda m: m.native_channel_shuffle(m.ones(4, 2), 2),
    lambda m: m.native_channel_shuffle(m.ones(1, 4, 2), 2.0),
    lambda m: m.native_channel_shuffle(m.ones(1, 4, 2), groups=2.5),
])
def test_kernel_forms_errors_match_torch(call):
    check_error(call)


def test_native_norm_is_sparse_only_as_in_torch():
    """torch registers native_norm for sparse tensors only: a dense one raises NotImplementedError."""
    torch = require_torch()
    for module in (torch, tinygrad_rnn):
        for args in [(module.ones(3),), (module.ones(3), 2, [0], False, None)]:
            with pytest.raises(NotImplementedError, match="Could not run 'aten::native_norm"):
                module.native_norm(*args)

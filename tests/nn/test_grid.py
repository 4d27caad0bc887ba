"""F.affine_grid and F.grid_sample against torch: values and float64 gradients for the image, the
grid and theta, in every 2-d mode (bilinear, nearest; zeros, border, reflection; align_corners)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

rng = np.random.default_rng(0)


@pytest.mark.parametrize(("align_corners", "size"), [(False, (2, 3, 4, 5)), (True, (2, 3, 4, 5)),
                                                   (False, (1, 1, 3, 3)), (True, (1, 1, 3, 3)), (False, (2, 1, 1, 4))])
def test_affine_grid(align_corners, size):
    theta = rng.standard_normal((size[0], 2, 3))
    check_parity(lambda m, t: m.nn.functional.affine_grid(t, size, align_corners=align_corners), [theta])


@pytest.mark.parametrize(("align_corners", "size"), [(False, (2, 3, 4, 5, 2)), (True, (2, 3, 4, 5, 2)),
                                                   (False, (1, 1, 3, 1, 3)), (True, (1, 2, 2, 2, 2))])
def test_affine_grid_of_a_volume_matches_torch(align_corners, size):
    """A 5-d size takes 3x4 matrices: (N, D, H, W, 3) of (x, y, z), values and gradients to theta."""
    theta = rng.standard_normal((size[0], 3, 4))
    check_parity(lambda m, t: m.nn.functional.affine_grid(t, size, align_corners=align_corners), [theta])


def test_affine_grid_node_is_torchs():
    torch = require_torch()
    for theta_shape, size in [((1, 2, 3), (1, 1, 2, 2)), ((1, 3, 4), (1, 1, 2, 2, 2))]:
        names = [type(m.nn.functional.affine_grid(m.ones(theta_shape, requires_grad=True), size, False).grad_fn).__name__
                 for m in (tinygrad_rnn, torch)]
        assert names[0] == names[1]


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), (1, 1, 2, 3, 4), False),
    lambda m: m.nn.functional.affine_grid(m.zeros(1, 3, 4), (1, 1, 2, 3), False),
    lambda m: m.nn.functional.affine_grid(m.zeros(3, 4), (1, 1, 2, 3, 4), False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 3, 4), (2, 1, 0, 3, 4), False),
    lambda m: m.nn.functional.affine_grid(m.zeros(1, 3, 4), (1, 1, 2, 3, 4, 5), False),
    lambda m: m.nn.functional.affine_grid(m.zeros(2, 3, 4), (3, 1, 2, 3, 4), False),
    lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), (2, 1, 2, 3), False),
    # the messages show size as given: a list, a torch.Size
    lambda m: m.nn.functional.affine_grid(m.eye(2, 3).unsqueeze(0), [1, 1, 2], align_corners=False),
    lambda m: m.nn.functional.affine_grid(m.zeros(1, 3, 4), [1, 1, 2, 3], False),
    lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), m.Size([1, 1, 0, 2]), False),
])
def test_affine_grid_errors_of_volumes_and_batches_match_torch(call):
    check_error(call)


def test_affine_grid_warnings_and_errors():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            m.nn.functional.affine_grid(m.zeros(1, 2, 3), (1, 1, 2, 2))
        with pytest.warns(UserWarning, match="unit-size grids"):
            m.nn.functional.affine_grid(m.zeros(1, 2, 3), (1, 1, 1, 2), align_corners=True)
    check_error(lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3, dtype=m.int64), (1, 1, 2, 2), False))
    check_error(lambda m: m.nn.functional.affine_grid(m.zeros(1, 3, 3), (1, 1, 2, 2), False))
    check_error(lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), (1, 1, 2), False))
    check_error(lambda m: m.nn.functional.affine_grid(m.zeros(1, 2, 3), (1, 1, 0, 2), False))


MODES = list(itertools.product(["bilinear", "nearest"], ["zeros", "border", "reflection"], [False, True]))


@pytest.mark.parametrize(("mode", "padding_mode", "align_corners"), MODES)
def test_grid_sample(mode, padding_mode, align_corners):
    image = rng.standard_normal((2, 3, 4, 5))
    grid = rng.uniform(-1.6, 1.6, (2, 3, 6, 2))  # some points outside [-1, 1], to exercise the padding

    def fn(m, x, g):
        return m.nn.functional.grid_sample(x, g, mode, padding_mode, align_corners)
    check_parity(fn, [image, grid])


@pytest.mark.parametrize(("mode", "padding_mode", "align_corners"), MODES)
def test_grid_sample_of_a_volume(mode, padding_mode, align_corners):
    """5-d input (N, C, D, H, W), grid (N, D', H', W', 3) of (x, y, z): trilinear or nearest, values and grads."""
    volume = rng.standard_normal((2, 3, 4, 5, 6))
    grid = rng.uniform(-1.4, 1.4, (2, 3, 2, 4, 3))

    def fn(m, x, g):
        return m.nn.functional.grid_sample(x, g, mode, padding_mode, align_corners)
    check_parity(fn, [volume, grid])


@pytest.mark.parametrize("padding_mode", ["border", "reflection"])
def test_grid_sample_passes_no_grid_gradient_at_the_clipped_ends(padding_mode):
    """A dim of size 1 and points exactly on the edge: torch's sampler clips without a gradient there."""
    image = rng.standard_normal((1, 2, 1, 3))
    grid = np.array([[[[0.0, 0.0], [-1.0, 0.3], [1.0, -0.2], [0.5, 0.7]]]])

    def fn(m, x, g):
        return m.nn.functional.grid_sample(x, g, padding_mode=padding_mode, align_corners=True)
    check_parity(fn, [image, grid])


def test_grid_sample_of_a_single_voxel_gives_the_grid_a_zero_gradient():
    """Reflection with align_corners=True folds every point of a size-1 dim to 0: the grid's gradient is zeros."""
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        grid = m.tensor(rng.uniform(-1, 1, (1, 1, 2, 2, 3)), requires_grad=True)
        out = m.nn.functional.grid_sample(m.ones(1, 1, 1, 1, 1, dtype=m.float64), grid, padding_mode="reflection",
                                          align_corners=True)
        out.sum().backward()
        grads.append(grid.grad.numpy())
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_float32_and_affine_pipeline(padding_mode):
    image = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
    theta = np.array([[[0.9, -0.3, 0.1], [0.2, 1.1, -0.2]]], dtype=np.float32)

    def fn(m, x, t):
        grid = m.nn.functional.affine_grid(t, (1, 2, 4, 6), align_corners=False)
        return m.nn.functional.grid_sample(x, grid, padding_mode=padding_mode, align_corners=False)
    check_parity(fn, [image, theta], dtype=np.float32)
    check_parity(fn, [image.astype(np.float64), theta.astype(np.float64)])


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2), m.zeros(1, 2, 2, 2), mode="x", align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2), m.zeros(1, 2, 2, 2), padding_mode="x",
                                          align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2), m.zeros(1, 2, 2, 3), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(2, 1, 2, 2), m.zeros(1, 2, 2, 2), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2), m.zeros(1, 2, 2), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2), m.zeros(1, 2, 2, 2, dtype=m.float64),
                                          align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2, 2), m.zeros(1, 1, 1, 1, 2), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2, 2), m.zeros(1, 1, 1, 3), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2), m.zeros(1, 1, 1, 1, 2), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2, 2), m.zeros(2, 1, 1, 1, 3), align_corners=False),
    lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2, 2), m.zeros(1, 1, 1, 1, 3), mode="bicubic",
                                          align_corners=False),
])
def test_grid_sample_errors(call):
    check_error(call)


@pytest.mark.parametrize(("padding_mode", "align_corners"), list(itertools.product(["zeros", "border", "reflection"],
                                                                                    [False, True])))
def test_grid_sample_bicubic(padding_mode, align_corners):
    """4x4 taps each folded in by the padding mode; values, image and grid gradients as torch's."""
    image = rng.standard_normal((2, 3, 4, 5))
    grid = rng.uniform(-1.6, 1.6, (2, 3, 6, 2))

    def fn(m, x, g):
        return m.nn.functional.grid_sample(x, g, "bicubic", padding_mode, align_corners)
    check_parity(fn, [image, grid])


def test_affine_grid_can_be_backpropagated_through_twice():
    """torch's affine grid node keeps no tensor: two losses read through one grid each backward."""
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        theta = m.tensor([[[0.9, 0.2, 0.1], [-0.1, 1.1, 0.0]]], dtype=m.float64, requires_grad=True)
        grid = m.nn.functional.affine_grid(theta, (1, 1, 3, 4), align_corners=False)
        image = m.arange(12.0, dtype=m.float64).view(1, 1, 3, 4)
        m.nn.functional.grid_sample(image, grid, align_corners=False).sum().backward()
        (grid ** 2).sum().backward()
        grads.append(theta.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)

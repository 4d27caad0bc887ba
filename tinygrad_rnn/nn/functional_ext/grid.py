"""Spatial transformers: `affine_grid` makes a sampling grid from affine matrices, and `grid_sample`
reads an image at those (fractional) positions.

    grid = F.affine_grid(theta, (N, C, H, W), align_corners=False)   # (N, H, W, 2) of (x, y) in [-1, 1]
    out = F.grid_sample(image, grid, align_corners=False)             # (N, C, H, W)

Both are written with Tensor ops (matmul; floor, clamp, gather and where), so gradients flow to the
image and to the grid, as in torch. 2-d and 3-d (volumetric) grids and images, bilinear and nearest modes (and bicubic in 2-d),
all three padding modes.
"""
from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np

from ...argcheck import tensor_arg
from ...core import dtypes
from ...core.function import Function
from ...core.tensor import Tensor
from ...creation import linspace, ones
from ...ops.composite import composite
from ...ops.shape import stack

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


def _align(align_corners: bool | None) -> bool:
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=3)
        return False
    return align_corners


def _base_coordinates(n: int, align_corners: bool, like: Tensor) -> Tensor:
    """n points spanning [-1, 1]: the pixel centres (align_corners=False) or the corner pixels (True)."""
    if n <= 1:  # (the kernel's empty grid, or the one centre)
        return like.new_zeros((n,))
    points = linspace(-1.0, 1.0, n, dtype=like.dtype)
    return points if align_corners else points * ((n - 1) / n)


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    """For each output pixel (h, w), theta @ (x_w, y_h, 1): the (x, y) in [-1, 1] to sample from.
    A 5-d size (N, C, D, H, W) takes N 3x4 matrices and gives (N, D, H, W, 3) of (x, y, z)."""
    align_corners = _align(align_corners)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    given, size = size, list(size)  # the messages show size as it was given: a list, tuple or torch.Size
    if len(size) not in (4, 5):
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {given}.")
    spatial = size[2:]
    dims = len(spatial)
    if theta.dim() != 3 or theta.shape[-2] != dims or theta.shape[-1] != dims + 1:
        raise ValueError(f"Expected a batch of {dims}D affine matrices of shape Nx{dims}x{dims + 1} for size "
                         f"{given}. Got {theta.shape}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {given}")
    return affine_grid_kernel(theta, size, align_corners)


def affine_grid_kernel(theta: Tensor, size: list, align_corners: bool) -> Tensor:
    """affine_grid's grid, from a theta and size already checked (torch.affine_grid_generator's checks differ)."""
    spatial = size[2:]
    dims = len(spatial)
    # One coordinate per spatial dim, varying along it: x along the last dim (W), then y (H), then z (D).
    coordinates = []
    for axis, length in enumerate(spatial):
        along = [1] * dims
        along[axis] = length
        coordinates.append(_base_coordinates(length, align_corners, theta).reshape(along).expand(spatial))
    base = stack([*reversed(coordinates), ones(spatial, dtype=theta.dtype)], -1).reshape(1, -1, dims + 1)
    if theta.shape[0] != size[0]:  # torch's words: its grid is a bmm of the base grid and theta
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {dims + 1}] "
                           f"but got: [{theta.shape[0]}, {dims + 1}].")
    grid = _AffineGrid.apply(theta, base)
    return composite(grid.reshape(size[0], *spatial, dims), "AffineGridGeneratorBackward0", theta)


class _AffineGrid(Function):
    """grid[n] = base @ theta[n]^T. Its own node, not a bmm, because torch's keeps no tensor for backward
    (the base grid is a constant): a grid read by two losses can be backpropagated through twice."""

    @staticmethod
    def forward(ctx, theta, base):
        ctx.base = base  # a plain attribute, not saved: backward frees nothing
        return Tensor._make(np.matmul(base._data, theta._data.transpose(0, 2, 1)))

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(1, 2).matmul(ctx.base), None  # d theta[n] = grad[n]^T @ base

    @staticmethod
    def jvp(ctx, theta_tangent, base_tangent):
        return ctx.base.matmul(theta_tangent.transpose(1, 2))


_MODES, _PADDINGS = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """out[n, c, h, w] = input[n, c] read at grid[n, h, w] = (x, y) in [-1, 1] (-1 the left/top edge);
    a 5-d input (N, C, D, H, W) is read at grid[n, d, h, w] = (x, y, z), trilinearly."""
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in _PADDINGS:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    align_corners = _align(align_corners)
    tensor_arg("grid_sampler", "input", input, 1)
    tensor_arg("grid_sampler", "grid", grid, 2)
    _check_shapes(input, grid)
    if mode == "bicubic" and input.dim() == 5:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    name = f"GridSampler{input.dim() - 2}DBackward0"  # torch's one node, whatever the mode
    if mode == "bicubic":
        return composite(_bicubic(input, grid, padding_mode, align_corners), name, input, grid)
    sizes = input.shape[2:]
    # the grid lists x (the last spatial dim) first: its entry k is a position along dim -1 - k
    positions = [_source_coordinate(grid[..., len(sizes) - 1 - d], size, padding_mode, align_corners)
                 for d, size in enumerate(sizes)]
    if mode == "nearest":  # the grid gets a gradient of zeros, as in torch
        return composite(_read(input, [p.detach().round() for p in positions]) + _zero_through(grid), name, input, grid)
    lows = [p.detach().floor() for p in positions]
    out = None
    for corner in itertools.product((0, 1), repeat=len(sizes)):  # torch's order: nw, ne, sw, se (top first in 3-d)
        weight = None
        for p, low, high in reversed(list(zip(positions, lows, corner))):  # x's factor first, as torch
            factor = p - low if high else low + 1 - p
            weight = factor if weight is None else weight * factor
        term = _read(input, [low + high for low, high in zip(lows, corner)]) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return composite(out, name, input, grid)


def _check_shapes(input: Tensor, grid: Tensor) -> None:
    """torch's checks, in torch's order."""
    if input.dim() == 3 and grid.dim() == 3 and grid.shape[-1] != 1:  # torch reads a 3-d pair as 1-d sampling
        raise RuntimeError("grid_sampler(): expected grid to have size 1 in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        wanted = f"{input.dim()}D" if input.dim() in (4, 5) else "4D or 5D"
        raise RuntimeError(f"grid_sampler(): expected {wanted} input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != input.dim() - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, but got "
                           f"grid with sizes {list(grid.shape)}")
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {grid.dtype._legacy}")


def _source_coordinate(coordinate: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """A grid coordinate in [-1, 1] as a pixel position in [0, size - 1], folded in by the padding mode."""
    return _fold(_pixel(coordinate, size, align_corners), size, padding_mode, align_corners)


def _pixel(coordinate: Tensor, size: int, align_corners: bool) -> Tensor:
    """A grid coordinate in [-1, 1] as a pixel position (-1 and 1: the corner pixels' centres, or their outer edges)."""
    if align_corners:
        return (coordinate + 1) / 2 * (size - 1)
    return ((coordinate + 1) * size - 1) / 2


def _fold(pixel: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """A pixel position outside [0, size - 1] brought in as the padding mode says (zeros: left outside)."""
    if padding_mode == "border":
        return _clip(pixel, size)
    if padding_mode == "reflection":
        low, high = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        return _clip(_reflect(pixel, low, high), size)
    return pixel


def _bicubic(input: Tensor, grid: Tensor, padding_mode: str, align_corners: bool) -> Tensor:
    """Cubic convolution (A = -0.75) over the 4x4 pixels around each position: four rows interpolated
    along x, then those four values along y, as torch does. The padding mode folds each of the 16 taps
    in on its own (not the position itself, which would move the taps), so the grid's gradient
    comes from the fractional offsets only."""
    height, width = input.shape[2:]
    x, y = _pixel(grid[..., 0], width, align_corners), _pixel(grid[..., 1], height, align_corners)
    x0, y0 = x.detach().floor(), y.detach().floor()
    x_weights, y_weights = _cubic_weights(x - x0), _cubic_weights(y - y0)
    out = None
    for i, y_weight in enumerate(y_weights):
        row_y = _fold(y0 + (i - 1), height, padding_mode, align_corners)
        row = None
        for j, x_weight in enumerate(x_weights):
            tap_x = _fold(x0 + (j - 1), width, padding_mode, align_corners)
            term = _read(input, [row_y, tap_x]) * x_weight.unsqueeze(1)
            row = term if row is None else row + term
        term = row * y_weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _cubic_weights(t: Tensor, a: float = -0.75) -> list:
    """The four cubic-convolution weights of the pixels at -1, 0, 1, 2 from a position t in [0, 1)."""
    def near(d: Tensor) -> Tensor:  # |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d: Tensor) -> Tensor:  # 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _clip(pixel: Tensor, size: int) -> Tensor:
    """pixel clamped to [0, size - 1]. Unlike clamp, torch's sampler passes no gradient at the ends themselves
    (so none at all along a dim of size 1)."""
    inside = (pixel > 0) & (pixel < size - 1)
    return pixel.where(inside, pixel.detach().clamp(0, size - 1))


def _reflect(pixel: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Mirror a position into [twice_low / 2, twice_high / 2], back and forth as often as needed."""
    if twice_low == twice_high:  # a size-1 dim with align_corners: always 0, and a zero gradient (not none)
        return pixel.new_zeros(pixel.shape) + _zero_through(pixel)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    distance = (pixel - low).abs()
    extra = distance.fmod(span)
    even_flips = ((distance.detach() / span).floor() % 2) == 0
    return (extra + low).where(even_flips, span - extra + low)


def _zero_through(grid: Tensor) -> Tensor:
    """A 0-d zero whose gradient to grid is zeros (where() sends none to the branch it does not take)."""
    return grid.sum().where(grid.new_zeros((), dtype=dtypes.bool), grid.new_zeros(()))


def _read(input: Tensor, positions: list) -> Tensor:
    """input[n, :, *positions] for integer-valued positions (one per spatial dim, each of the grid's shape
    without its last dim); 0 where a position is outside."""
    n, c, *sizes = input.shape
    inside, flat = None, None
    for p, size in zip(positions, sizes):
        within = (p >= 0) & (p <= size - 1)
        inside = within if inside is None else inside & within
        flat = p.clamp(0, size - 1) if flat is None else flat * size + p.clamp(0, size - 1)
    flat_index = flat.long().reshape(n, 1, -1).expand(n, c, -1)
    values = input.reshape(n, c, -1).gather(2, flat_index).reshape(n, c, *positions[0].shape[1:])
    return values * inside.unsqueeze(1).to(input.dtype)

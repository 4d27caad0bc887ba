"""Spatial transformers: `affine_grid` makes a sampling grid from affine matrices, and `grid_sample`
reads an image at those (fractional) positions.

    grid = F.affine_grid(theta, (N, C, H, W), align_corners=False)   # (N, H, W, 2) of (x, y) in [-1, 1]
    out = F.grid_sample(image, grid, align_corners=False)             # (N, C, H, W)

Both are written with Tensor ops (matmul; floor, clamp, gather and where), so gradients flow to the
image and to the grid, as in torch. 2-d images, bilinear and nearest modes, all three padding modes.
"""
from __future__ import annotations

import warnings
from typing import Any

from ...argcheck import tensor_arg
from ...core import dtypes
from ...core.tensor import Tensor
from ...creation import linspace, ones
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
    points = linspace(-1.0, 1.0, n, dtype=like.dtype) if n > 1 else like.new_zeros((n,))
    return points if align_corners else points * ((n - 1) / n)


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    """For each output pixel (h, w), theta @ (x_w, y_h, 1): the (x, y) in [-1, 1] to sample from."""
    align_corners = _align(align_corners)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = list(size)
    if len(size) == 5:
        raise NotImplementedError("affine_grid for 5-d sizes (3-d affine transforms) is not supported here")
    if len(size) != 4:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {tuple(size)}.")
    if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {tuple(size)}. "
                         f"Got {theta.shape}.")
    n, _, h, w = size
    if align_corners and min(h, w) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {tuple(size)}")
    xs = _base_coordinates(w, align_corners, theta).reshape(1, w).expand(h, w)
    ys = _base_coordinates(h, align_corners, theta).reshape(h, 1).expand(h, w)
    base = stack([xs, ys, ones(h, w, dtype=theta.dtype)], -1).reshape(1, h * w, 3)
    return (base @ theta.transpose(1, 2)).reshape(n, h, w, 2)


_MODES, _PADDINGS = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """out[n, c, h, w] = input[n, c] read at grid[n, h, w] = (x, y) in [-1, 1] (-1 the left/top edge)."""
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
    if mode == "bicubic":
        raise NotImplementedError("grid_sample(mode='bicubic') is not supported here (bilinear and nearest are)")
    _, _, h, w = input.shape
    x = _source_coordinate(grid[..., 0], w, padding_mode, align_corners)
    y = _source_coordinate(grid[..., 1], h, padding_mode, align_corners)
    if mode == "nearest":  # the grid gets a gradient of zeros, as in torch
        return _read(input, y.detach().round(), x.detach().round()) + _zero_through(grid)
    x0, y0 = x.detach().floor(), y.detach().floor()
    x1, y1 = x0 + 1, y0 + 1
    return (_read(input, y0, x0) * ((x1 - x) * (y1 - y)).unsqueeze(1)
            + _read(input, y0, x1) * ((x - x0) * (y1 - y)).unsqueeze(1)
            + _read(input, y1, x0) * ((x1 - x) * (y - y0)).unsqueeze(1)
            + _read(input, y1, x1) * ((x - x0) * (y - y0)).unsqueeze(1))


def _check_shapes(input: Tensor, grid: Tensor) -> None:
    """torch's checks, in torch's order."""
    if input.dim() == 5 and grid.dim() == 5:
        raise NotImplementedError("grid_sample on 5-d (volumetric) input is not supported here")
    if input.dim() == 3 and grid.dim() == 3 and grid.shape[-1] != 1:  # torch reads a 3-d pair as 1-d sampling
        raise RuntimeError("grid_sampler(): expected grid to have size 1 in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if input.dim() != 4 or grid.dim() != 4:
        raise RuntimeError("grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != 2:
        raise RuntimeError("grid_sampler(): expected grid to have size 2 in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {grid.dtype._legacy}")


def _source_coordinate(coordinate: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """A grid coordinate in [-1, 1] as a pixel position in [0, size - 1], folded in by the padding mode."""
    if align_corners:
        pixel = (coordinate + 1) / 2 * (size - 1)
    else:
        pixel = ((coordinate + 1) * size - 1) / 2
    if padding_mode == "border":
        return pixel.clamp(0, size - 1)
    if padding_mode == "reflection":
        low, high = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        return _reflect(pixel, low, high).clamp(0, size - 1)
    return pixel


def _reflect(pixel: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Mirror a position into [twice_low / 2, twice_high / 2], back and forth as often as needed."""
    if twice_low == twice_high:
        return pixel.new_zeros(pixel.shape)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    distance = (pixel - low).abs()
    extra = distance.fmod(span)
    even_flips = ((distance.detach() / span).floor() % 2) == 0
    return (extra + low).where(even_flips, span - extra + low)


def _zero_through(grid: Tensor) -> Tensor:
    """A 0-d zero whose gradient to grid is zeros (where() sends none to the branch it does not take)."""
    return grid.sum().where(grid.new_zeros((), dtype=dtypes.bool), grid.new_zeros(()))


def _read(input: Tensor, y: Tensor, x: Tensor) -> Tensor:
    """input[n, :, y, x] for integer-valued y, x of shape (N, Ho, Wo); 0 where (y, x) is outside."""
    n, c, h, w = input.shape
    inside = ((x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1))
    flat_index = (y.clamp(0, h - 1) * w + x.clamp(0, w - 1)).long().reshape(n, 1, -1).expand(n, c, -1)
    values = input.reshape(n, c, h * w).gather(2, flat_index).reshape(n, c, *x.shape[1:])
    return values * inside.unsqueeze(1).to(input.dtype)

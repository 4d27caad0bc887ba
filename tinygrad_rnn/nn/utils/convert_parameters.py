"""Flatten a list of parameters into one vector and back (used by some optimisers and by tests)."""
from __future__ import annotations

from collections.abc import Iterable

from ...core.tensor import Tensor
from ...ops.shape import cat
from ..module import typename


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """One 1-D tensor holding every parameter's values in order (differentiable, as torch's cat of
    views: a parameter that is not contiguous fails as in torch)."""
    vec = []
    for param in parameters:
        _device_of(param)
        vec.append(param.view(-1))
    return cat(vec)


def _device_of(param: Tensor) -> str:
    """torch first checks that the parameters share one device: all do here, but reading the device is
    where a value that is no tensor (a module in the list) fails, with torch's AttributeError."""
    return param.device.type


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of `vec` into the parameters' data (no gradient is recorded)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")
    start = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[start:start + n].view_as(param).data
        start += n

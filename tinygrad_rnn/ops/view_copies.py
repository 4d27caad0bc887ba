"""torch's `*_copy` functions: each view op's result as a new tensor that shares nothing with its input.

    y = torch.transpose_copy(x, 0, 1)     # x.transpose(0, 1), then copied

Each is its view op followed by a clone, with the view's checks and errors, and its node named as
torch names it (`TransposeBackward0_copy`). They exist for code written against torch's functional
(view-free) op set; `expand_copy` and `narrow_copy` live in shape.py beside their views.
"""
from __future__ import annotations

from typing import Any

from ..argcheck import type_name
from ..core.function import Function, rename
from ..core.tensor import Tensor
from ..layout import contiguous_format
from .declare import Sample, op
from .shape import _plain_samples, normalize_dim


def _copied(view: Tensor, node_name: str) -> Tensor:
    return rename(view.clone(memory_format=contiguous_format), node_name)


def _copied_all(views: tuple, node_name: str, out: Any) -> Any:
    """The pieces of a split as new tensors; with `out` (a list of tensors) written there, and None
    returned, as torch does."""
    pieces = tuple(_copied(v, node_name) for v in views)
    if out is None:
        return pieces
    if not isinstance(out, (list, tuple)) or not all(isinstance(o, Tensor) for o in out):
        raise TypeError(f"argument 'out' must be tuple of Tensors, not {type_name(out)}")
    if len(out) != len(pieces):
        raise RuntimeError(f"Expected out to have {len(pieces)} tensors, but got {len(out)}")
    for target, piece in zip(out, pieces):
        target.resize_(piece.shape).copy_(piece)
    return None


@op(method=False, out=True, samples=_plain_samples(((2, 3), (3, 2)), ((4,), (2, -1)), ((0, 3), (3, 0)), ((), (1,))))
def view_copy(input: Tensor, size: Any, *more: Any) -> Tensor:
    """`input.view(size)` (or `input.view(dtype)`) as a new tensor."""
    if more:  # torch's overloads take one tuple, not ints spread out
        got = ", ".join(["Tensor", *(type(s).__name__ for s in (size, *more))])
        raise TypeError(f"view_copy() received an invalid combination of arguments - got ({got}), but expected "
                        "one of:\n * (Tensor input, torch.dtype dtype, *, Tensor out = None)\n"
                        " * (Tensor input, tuple of ints size, *, Tensor out = None)\n")
    return _copied(input.view(size), "ViewBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((2, 3, 4), (2, 0, 1)), ((3,), (0,)), ((0, 2), (1, 0))))
def permute_copy(input: Tensor, dims: Any) -> Tensor:
    return _copied(input.permute(dims), "PermuteBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((2, 3),), ((4,),), ((),), ((0, 2),)))
def t_copy(input: Tensor) -> Tensor:
    return _copied(input.t(), "TBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((2, 3, 4), 0, 2), ((3,), 0, -1), ((0, 2), 1, 0)))
def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return _copied(input.transpose(dim0, dim1), "TransposeBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((2, 3), 0, 1), ((4,), 0, -1), ((2, 3, 4), -1, 2)))
def select_copy(input: Tensor, dim: int, index: int) -> Tensor:
    return _copied(input.select(dim, index), "SelectBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((5, 4), 0, 1, 4, 2), ((3, 4), 1), ((6,), 0, None, -1, 3),
                                                   ((3, 4), -1, -3, 100, 1)))
def slice_copy(input: Tensor, dim: int = 0, start: int | None = None, end: int | None = None, step: int = 1) -> Tensor:
    """`input[..., start:end:step, ...]` along dim, as a new tensor."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = normalize_dim(dim, input.ndim)
    return _copied(input[(slice(None),) * dim + (slice(start, end, step),)], "SliceBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((1, 3, 1),), ((1, 3, 1), 0), ((1, 3, 1), (0, 2)), ((),)))
def squeeze_copy(input: Tensor, dim: Any = None) -> Tensor:
    overload = 0 if dim is None else 2 if isinstance(dim, (tuple, list)) else 1  # torch's three squeeze nodes
    return _copied(input.squeeze() if dim is None else input.squeeze(dim), f"SqueezeBackward{overload}_copy")


@op(method=False, out=True, samples=_plain_samples(((2, 3), 0), ((3,), -1), ((), 0)))
def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    return _copied(input.unsqueeze(dim), "UnsqueezeBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((3, 4),), ((3, 4), 1), ((2, 3, 4), -1, 0, 2), ((3, 3), 0, 1, 0)))
def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    return _copied(input.diagonal(offset, dim1, dim2), "DiagonalBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((7,), 0, 2, 1), ((3, 5), 1, 3, 2), ((4, 2), 0, 4, 1)))
def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    return _copied(input.unfold(dimension, size, step), "UnfoldBackward0_copy")


@op(method=False, out=True, samples=_plain_samples(((3, 4),), ((0,),), ((),)))
def alias_copy(input: Tensor) -> Tensor:
    return _copied(input.view_as(input), "AliasBackward0_copy")


@op(method=False, out=True, samples=lambda rng: [Sample((rng.standard_normal((3, 4)), (2, 2), (1, 2))),
                                                 Sample((rng.standard_normal((6,)), (2, 2), (1, 1), 2))])
def as_strided_copy(input: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    return _copied(input.as_strided(size, stride, storage_offset), "AsStridedBackward0_copy")


@op(method=False, samples=_plain_samples(((5, 4), 2), ((5, 4), 3, 1), ((0, 3), 1)))
def split_copy(input: Tensor, split_size: int, dim: int = 0, *, out: Any = None) -> Any:
    if not isinstance(split_size, int) or isinstance(split_size, bool):
        raise TypeError(f"split_copy(): argument 'split_size' (position 2) must be int, not {type_name(split_size)}")
    return _copied_all(input.split(split_size, dim), "SplitBackward0_copy", out)


@op(method=False, samples=_plain_samples(((5, 4), [2, 3]), ((5, 4), [1, 0, 3], 1)))
def split_with_sizes_copy(input: Tensor, split_sizes: Any, dim: int = 0, *, out: Any = None) -> Any:
    return _copied_all(input.split_with_sizes(split_sizes, dim), "SplitWithSizesBackward0_copy", out)


@op(method=False, samples=_plain_samples(((3, 4),), ((3, 4), 1), ((2,), -1)))
def unbind_copy(input: Tensor, dim: int = 0, *, out: Any = None) -> Any:
    return _copied_all(input.unbind(dim), "UnbindBackward0_copy", out)


class DetachCopy(Function):
    """A copy cut from the graph that still asks for gradients, as torch's `detach_copy` (whose
    derivative torch never wrote): backward through it is torch's error."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        return Tensor._make(x._data.copy())

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        raise RuntimeError("derivative for aten::detach_copy is not implemented")


def detach_copy(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """`input.detach()` as a new tensor (it keeps `requires_grad`, and backward through it raises, as in torch)."""
    result = rename(DetachCopy.apply(input), "torch::autograd::NotImplemented")
    return result if out is None else out.resize_(result.shape).copy_(result.detach())

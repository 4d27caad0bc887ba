"""torch.masked's reductions and normalizations on plain tensors with a boolean `mask=`.

Every function follows one recipe: replace the masked-out elements of the input by the identity of
the reduction (0 for a sum, 1 for a product, -inf for a max, ...), then run the ordinary op. So the
result, its dtype and its autograd graph are those of `where` followed by that op, as in torch:
`masked.sum(x, 1, mask=m)` is `SumBackward1` over `WhereBackward0`, and the gradient of a
masked-out element is 0.

A mask broadcasts to the input's shape (it may not have more dimensions) and is read as bool;
`mask=None` means every element counts. Where a reduction has no identity (mean, median, var, std),
a slice with every element masked out gives nan (median of an integer input raises instead).

    >>> x = torch.tensor([[1., 2, 3], [4, 5, 6]])
    >>> torch.masked.sum(x, 1, mask=torch.tensor([[True, False, True], [False, False, False]]))
    tensor([4., 0.])
"""
from __future__ import annotations

import math
from typing import Any

from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import ones, tensor
from ..linalg import vector_norm
from ..nn import functional as F
from ..ops import reduce as _reduce
from ..ops.pointwise import where
from ..surface.dtype_info import iinfo

# a sum or product of these gives int64 unless dtype= says otherwise (torch.sum's own promotion)
_PROMOTED_TO_INT64 = {dtypes.uint8, dtypes.bool, dtypes.int8, dtypes.int16, dtypes.int32}


# ---------------------------------------------------------------- arguments: dims, masks, identities
def _canonical_dim(dim: Any, ndim: int) -> tuple[int, ...]:
    """dim as a sorted tuple of non-negative dims; None and () mean every dim (torch.masked's rule).

    An empty list is not (): it gives no dims, as torch's (a prod then reduces nothing).
    """
    if dim is None or (isinstance(dim, tuple) and dim == ()):
        return tuple(range(ndim))
    ndim = max(ndim, 1)  # a 0-d tensor takes dim 0 and -1
    seen: list[int] = []
    for d in (dim,) if isinstance(dim, int) else dim:
        if d in seen:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        seen.append(d % ndim)
    return tuple(sorted(seen))


def _input_mask(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """The mask as a bool tensor of the input's shape: broadcast (never reduced), then read as bool."""
    mask = kwargs.get("mask")
    if mask is None:
        raise ValueError("_input_mask requires explicit mask")
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError(
                "_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
        mask = mask.clone().broadcast_to(input.shape)
    return mask.to(dtype=dtypes.bool)


def _reduction_identity(op_name: str, input: Tensor, *args: Any) -> Tensor | None:
    """The value a masked-out element takes so that it does not change op's result (0-d, input's dtype).

    None for mean, var and std, which have no such value; NotImplementedError where torch has none
    either (a max of bools, say).
    """
    op_name = op_name.rsplit(".", 1)[-1]
    dtype = input.dtype
    value = _identity_value(op_name, input, args)
    if value is not None:
        if op_name == "median" and not dtype.is_floating_point:
            dtype = dtypes.float32  # median's nan needs a float (torch's masked median computes in float)
        return tensor(value, dtype=dtype)
    if op_name in {"mean", "var", "std"}:
        return None
    raise NotImplementedError(f"identity of {op_name} on {dtype} input")


def _identity_value(op_name: str, input: Tensor, args: tuple) -> Any:
    """The identity as a Python number, or None when there is none for this dtype."""
    dtype = input.dtype
    integral = dtype.is_signed or dtype == dtypes.uint8  # an integer dtype other than bool
    if op_name in {"sum", "cumsum"}:
        return 0
    if op_name in {"prod", "cumprod"}:
        return 1
    if op_name in {"amax", "argmax", "logaddexp", "logsumexp"}:
        if dtype.is_floating_point:
            return -math.inf
        return iinfo(dtype).min if integral else None
    if op_name in {"amin", "argmin"}:
        if dtype.is_floating_point:
            return math.inf
        return iinfo(dtype).max if integral else None
    if op_name == "norm":
        return _norm_identity(dtype, args[0] if args else 2)
    if op_name == "median":
        return math.nan  # nanmedian skips it
    return None


def _norm_identity(dtype: Any, ord: Any) -> float:
    """0 starts every vector norm except ord=-inf's minimum, which starts from inf."""
    if ord == -math.inf:
        if not dtype.is_floating_point:
            raise AssertionError(f"input must be floating point, got {dtype}")
        return math.inf
    return 0


def _combine_input_and_mask(op: Any, input: Tensor, mask: Tensor | None, *args: Any) -> Tensor:
    """The input with each masked-out element replaced by op's identity (the input itself if mask is None)."""
    if mask is None:
        return input
    canonical = _input_mask(input, mask=mask)
    return where(canonical, input, _reduction_identity(op.__name__, input, *args))


def _where(mask: Tensor, input: Tensor, fill_value: Tensor) -> Tensor:
    """torch.where on a dense mask (torch's version also takes sparse ones, which are not built here)."""
    return where(mask, input, fill_value)


def _output_mask(op: Any, input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Which elements of op's result saw at least one masked-in element (a normalization's: the input mask)."""
    name = getattr(op, "__name__", None)
    if not callable(op):
        raise ValueError(f"_output_mask expected masked operation (got {type(op).__name__} object)")
    if name in {"softmax", "log_softmax", "softmin", "normalize", "cumsum", "cumprod"}:
        return _input_mask(input, *args, **kwargs)
    if name not in {"sum", "prod", "amax", "amin", "argmax", "argmin", "mean", "median", "norm", "var", "std",
                    "logsumexp"}:
        raise ValueError(f"_output_mask expected masked operation (got callable {op.__module__}.{name})")
    if name == "norm" and args:
        args = args[1:]  # the first positional argument is ord, not dim
    dim = args[0] if args else kwargs.get("dim")
    inmask = _input_mask(input, *args, **kwargs)
    dims = _canonical_dim(dim, input.ndim)
    for d in reversed(dims):  # one dim at a time: any takes a single dim
        inmask = inmask.any(dim=d, keepdim=bool(kwargs.get("keepdim", False)))
    return inmask


def _promoted_dtype(input: Tensor, dtype: Any) -> Any:
    """sum's and prod's result dtype: the given one, else the input's, with small integers and bool to int64."""
    if dtype is not None:
        return dtype
    return dtypes.int64 if input.dtype in _PROMOTED_TO_INT64 else input.dtype


# ---------------------------------------------------------------- reductions with an identity
def sum(input: Tensor, dim: Any = None, *, keepdim: bool | None = False, dtype: Any = None,
        mask: Tensor | None = None) -> Tensor:
    """Sum of the masked-in elements over dim (all dims by default); an all-masked slice gives 0."""
    dtype = _promoted_dtype(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    return _combine_input_and_mask(sum, input, mask).sum(dims, bool(keepdim), dtype=dtype)


def prod(input: Tensor, dim: Any = None, *, keepdim: bool | None = False, dtype: Any = None,
         mask: Tensor | None = None) -> Tensor:
    """Product of the masked-in elements over dim (all dims by default); an all-masked slice gives 1."""
    dtype = _promoted_dtype(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    result = _combine_input_and_mask(prod, input, mask).to(dtype=dtype)
    for d in reversed(dims):  # one dim at a time, last first, as torch (prod takes a single dim)
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input: Tensor, dim: int, *, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """Running sum along dim where masked-out elements add 0; the dtype stays the input's unless given."""
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return _combine_input_and_mask(sum, input, mask).cumsum(d, dtype=dtype).to(dtype=dtype)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """Running product along dim where masked-out elements multiply by 1."""
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return _combine_input_and_mask(prod, input, mask).cumprod(d, dtype=dtype).to(dtype=dtype)


def amax(input: Tensor, dim: Any = None, *, keepdim: bool | None = False, dtype: Any = None,
         mask: Tensor | None = None) -> Tensor:
    """Maximum of the masked-in elements; an all-masked slice gives -inf (an integer dtype's minimum)."""
    dtype = input.dtype if dtype is None else dtype
    combined = _combine_input_and_mask(amax, input, mask)
    return combined.amax(_canonical_dim(dim, combined.ndim), bool(keepdim)).to(dtype=dtype)


def amin(input: Tensor, dim: Any = None, *, keepdim: bool | None = False, dtype: Any = None,
         mask: Tensor | None = None) -> Tensor:
    """Minimum of the masked-in elements; an all-masked slice gives inf (an integer dtype's maximum)."""
    dtype = input.dtype if dtype is None else dtype
    combined = _combine_input_and_mask(amin, input, mask)
    return combined.amin(_canonical_dim(dim, combined.ndim), bool(keepdim)).to(dtype=dtype)


def argmax(input: Tensor, dim: int | None = None, *, keepdim: bool | None = False, dtype: Any = None,
           mask: Tensor | None = None) -> Tensor:
    """Index of the largest masked-in element, in the input's dtype (torch's masked argmax casts it so)."""
    dtype = input.dtype if dtype is None else dtype
    combined = _combine_input_and_mask(argmax, input, mask)
    return _reduce.argmax(combined, dim, bool(keepdim)).to(dtype=dtype)


def argmin(input: Tensor, dim: int | None = None, *, keepdim: bool | None = False, dtype: Any = None,
           mask: Tensor | None = None) -> Tensor:
    """Index of the smallest masked-in element, in the input's dtype."""
    dtype = input.dtype if dtype is None else dtype
    combined = _combine_input_and_mask(argmin, input, mask)
    return _reduce.argmin(combined, dim, bool(keepdim)).to(dtype=dtype)


def logsumexp(input: Tensor, dim: Any = None, *, keepdim: bool = False, dtype: Any = None,
              mask: Tensor | None = None) -> Tensor:
    """log(sum(exp(x))) over the masked-in elements; an all-masked slice gives -inf."""
    dtype = input.dtype if dtype is None else dtype
    dims = _canonical_dim(dim, input.ndim)
    return _combine_input_and_mask(logsumexp, input, mask).logsumexp(dims, keepdim=keepdim).to(dtype=dtype)


def logaddexp(input: Tensor, other: Tensor, *, dtype: Any = None, input_mask: Tensor | None = None,
              other_mask: Tensor | None = None) -> Tensor:
    """log(exp(input) + exp(other)), each side's masked-out elements counting as -inf."""
    dtype = input.dtype if dtype is None else dtype
    left = _combine_input_and_mask(logaddexp, input, input_mask)
    right = _combine_input_and_mask(logaddexp, other, other_mask)
    return left.logaddexp(right).to(dtype=dtype)


def norm(input: Tensor, ord: float | None = 2.0, dim: Any = None, *, keepdim: bool | None = False,
         dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """linalg.vector_norm of the masked-in elements; an all-masked slice gives 0 (inf for ord=-inf)."""
    dtype = input.dtype if dtype is None else dtype
    combined = _combine_input_and_mask(norm, input, mask, ord)
    return vector_norm(combined, ord, _canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


# ---------------------------------------------------------------- reductions without an identity: nan
def mean(input: Tensor, dim: Any = None, *, keepdim: bool | None = False, dtype: Any = None,
         mask: Tensor | None = None) -> Tensor:
    """Masked sum over the count of masked-in elements: an all-masked slice is 0 / 0, nan."""
    source = "Input" if dtype is None else "Optional"
    dtype = input.dtype if dtype is None else dtype
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either a floating point or "
                         f"complex dtype. Got: {dtype}")
    count, total = _count_and_total(input, dim, keepdim, dtype, mask)
    return total / count


def _count_and_total(input: Tensor, dim: Any, keepdim: Any, dtype: Any, mask: Tensor | None) -> tuple:
    """(how many elements are masked in, their sum) over dim: the two halves of a masked mean."""
    if mask is None:
        count = sum(ones(input.shape, dtype=dtypes.int64), dim, keepdim=keepdim)
        return count, sum(input, dim, keepdim=keepdim, dtype=dtype)
    inmask = _input_mask(input, mask=mask)
    count = inmask.sum(dim=dim, keepdim=bool(keepdim))
    return count, sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask)


def median(input: Tensor, dim: int = -1, *, keepdim: bool = False, dtype: Any = None,
           mask: Tensor | None = None) -> Tensor:
    """nanmedian of the masked-in elements along one dim; an all-masked slice gives nan.

    An integer input is computed in float32 and cast back, so there an all-masked slice raises
    ValueError (nan has no integer value).
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=dtypes.float32)
    output = _combine_input_and_mask(median, input, mask).nanmedian(d, keepdim).values
    if is_float:
        return output
    if output.isnan().any():
        raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")
    return output.to(dtype=dtype)


def var(input: Tensor, dim: Any = None, unbiased: bool | None = None, *, correction: float | None = None,
        keepdim: bool | None = False, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """Variance of the masked-in elements, dividing by max(count - correction, 0); all masked gives nan."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=False)


def std(input: Tensor, dim: Any = None, unbiased: bool | None = None, *, correction: int | None = None,
        keepdim: bool | None = False, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """Square root of the masked variance."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=True)


def _std_var(input: Tensor, dim: Any, unbiased: bool | None, correction: Any, keepdim: Any, dtype: Any,
             mask: Tensor | None, take_sqrt: bool) -> Tensor:
    """Two passes, as torch's: the masked mean (kept dims), then the masked sum of squared deviations."""
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    correction = float(correction) if correction is not None else 0.0 if unbiased is False else 1.0
    if dtype is None:
        dtype = input.dtype if input.dtype.is_floating_point else dtypes.float32
    compute_dtype = dtype if dtype.is_floating_point else dtypes.float32
    count, total = _count_and_total(input, dim, True, dtype, mask)
    deviation = input.subtract(total.divide(count))
    inmask = None if mask is None else _input_mask(input, mask=mask)
    squares = sum(deviation * deviation, dim, keepdim=keepdim, dtype=compute_dtype, mask=inmask)
    if not keepdim:
        count = count.reshape(squares.shape)
    if correction != 0:
        count = count.to(compute_dtype).subtract(correction)
        count = count.maximum(count.new_zeros([]))
    output = squares.divide(count).to(dtype=dtype)
    return output.sqrt() if take_sqrt else output


# ---------------------------------------------------------------- normalizations: the input's shape
def softmax(input: Tensor, dim: int, *, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """softmax along dim with masked-out elements at -inf: they get 0, an all-masked slice nan."""
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return F.softmax(_combine_input_and_mask(amax, input, mask), d, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """log_softmax along dim with masked-out elements at -inf: they get -inf, an all-masked slice nan."""
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return F.log_softmax(_combine_input_and_mask(amax, input, mask), d, dtype=dtype)


def softmin(input: Tensor, dim: int, *, dtype: Any = None, mask: Tensor | None = None) -> Tensor:
    """softmin along dim with masked-out elements at +inf: they get 0, an all-masked slice nan."""
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return F.softmin(_combine_input_and_mask(amin, input, mask), d, dtype=dtype)


def normalize(input: Tensor, ord: float, dim: int, *, eps: float = 1e-12, dtype: Any = None,
              mask: Tensor | None = None) -> Tensor:
    """The input over its masked ord-norm along dim (at least eps); masked-out elements become 0."""
    dtype = input.dtype if dtype is None else dtype
    combined = _combine_input_and_mask(sum, input, mask)
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return combined.divide(nrm.maximum(nrm.new_full([], eps)))

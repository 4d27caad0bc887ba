"""torch's refusals to write a result into memory that an input, or the result itself, also uses.

`torch.add(x[:3], 1, out=x[1:4])` would read elements it has already overwritten, so torch refuses
it; `torch.add(x, 1, out=x)` reads each element before writing it and is allowed. torch decides
from the memory the tensors cover (its `get_overlap_status`):

- the same first and last byte and the same strides: *full* overlap, the same elements;
- byte ranges that intersect otherwise: *partial* overlap;
- a tensor whose elements are not packed densely in some order (every other element, an expanded
  tensor): too hard to tell, so torch checks nothing.

Which overlaps an op refuses depends on how its kernel reads: each op's rule, measured on torch
2.13, is in `RULES`. An expanded `out` (one element at several places) is refused by most ops too.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..backend.undispatched import may_share_memory
from ..core.tensor import Tensor
from ..core.views import OVERLAP as INTERNAL_OVERLAP

PARTIAL_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                   "single memory location. Please clone() the tensor before performing the operation.")

# What an op's out= refuses: overlap with an input ("partial": a partial overlap only, "any": full
# overlap too, "values": a partial overlap when out is a tuple, None: neither), and an expanded out
# (True; "same shape": only when out has the result's shape, since torch first gives an out of
# another shape new memory; False: written anyway).
ELEMENTWISE = ("partial", True)  # torch's TensorIterator ops: an input may be the output itself
DISJOINT = ("any", True)  # kernels that read inputs while writing out: no sharing at all
JOIN = ("any", "same shape")  # cat and its kin
OUT_ONLY = (None, "same shape")  # the result is computed apart and copied in
UNCHECKED = (None, False)

_RULES_BY_MODULE = {"pointwise": ELEMENTWISE, "pointwise_more": ELEMENTWISE, "special": ELEMENTWISE,
                    "logical": ELEMENTWISE, "compare": ELEMENTWISE}
RULES: dict[str, tuple] = {
    **dict.fromkeys(["addmm", "addbmm", "baddbmm", "addmv", "addr", "outer", "kron", "index_add", "index_copy",
                     "index_reduce", "cumsum", "cumprod", "logcumsumexp", "renorm", "msort", "sort", "topk"],
                    ELEMENTWISE),
    **dict.fromkeys(["cross", "gather", "index_select", "take", "take_along_dim", "masked_select"], DISJOINT),
    **dict.fromkeys(["cat", "hstack", "stack", "vstack", "dstack", "column_stack"], JOIN),
    # torch.max(x, 0, out=(values, indices)) checks its values; torch.max(x, out=o) checks nothing
    **dict.fromkeys(["max", "min", "median", "nanmedian"], ("values", False)),
    **dict.fromkeys(["kthvalue", "mode", "aminmax"], ("partial", False)),
    **dict.fromkeys(["matmul", "mm", "inner", "matrix_power", "dot", "vdot", "diag", "nonzero", "nonzero_static",
                     "inverse", "cholesky", "cholesky_solve", "cholesky_inverse", "mean", "nanmean", "logsumexp",
                     "quantile", "nanquantile", "diff", "mvlgamma", "searchsorted", "bucketize"], OUT_ONLY),
    **dict.fromkeys(["mv", "bmm", "tril", "triu", "narrow_copy", "sum", "nansum", "prod", "amax", "amin", "argmax",
                     "argmin", "var", "std", "any", "all", "histc", "cummax", "cummin", "qr", "svd"], UNCHECKED),
}


def rule_of(name: str, module: str) -> tuple:
    """The out= rule of the op `name` declared in ops/`module`.py (the view copies: OUT_ONLY)."""
    family = module.rsplit(".", 1)[-1]
    return RULES.get(name, _RULES_BY_MODULE.get(family, OUT_ONLY if family == "view_copies" else UNCHECKED))


def check_out(out: Any, result: Any, inputs: tuple, rule: tuple) -> None:
    """Raise torch's RuntimeError when writing `result` into `out` (a tensor or a tuple of them) breaks `rule`."""
    refused_inputs, refuses_expanded = rule
    results = result if isinstance(result, tuple) else (result,)
    for written, value in zip(_tensors(out), results):
        same_shape = isinstance(value, Tensor) and written.shape == value.shape
        if refuses_expanded and (refuses_expanded is True or same_shape) and has_internal_overlap(written._data):
            raise RuntimeError(INTERNAL_OVERLAP)
        if refused_inputs == "values" and not isinstance(out, (tuple, list)):
            continue
        if refused_inputs is not None:
            check_inputs(written, inputs, full_too=refused_inputs == "any")


def check_inputs(written: Tensor | np.ndarray, inputs: Any, full_too: bool = False) -> None:
    """Raise torch's RuntimeError when an input (a tensor, or tensors in tuples, lists and dicts) shares
    some, but not all (`full_too`: any), of the memory `written` (a tensor or its array) will be written to."""
    if isinstance(inputs, Tensor):
        status = overlap(written._data if isinstance(written, Tensor) else written, inputs._data)
        if status == "partial" or (full_too and status == "full"):
            raise RuntimeError(PARTIAL_OVERLAP)
    elif isinstance(inputs, (tuple, list)):
        for item in inputs:
            check_inputs(written, item, full_too)
    elif isinstance(inputs, dict):
        check_inputs(written, tuple(inputs.values()), full_too)


def overlap(a: np.ndarray, b: np.ndarray) -> str:
    """'full', 'partial' or 'none' (also when torch finds it too hard to tell: no check then)."""
    if a is b:
        return "full"
    if not may_share_memory(a, b) or a.size == 0 or b.size == 0 or not _is_dense(a) or not _is_dense(b):
        return "none"
    a_start, a_end = _byte_range(a)
    b_start, b_end = _byte_range(b)
    if (a_start, a_end) == (b_start, b_end):
        return "full" if a.strides == b.strides else "partial"
    return "partial" if a_start < b_end and b_start < a_end else "none"


def has_internal_overlap(a: np.ndarray) -> bool:
    """Whether one element of `a` sits at several places (a dim of size > 1 with stride 0)."""
    return a.size > 0 and any(stride == 0 and size > 1 for stride, size in zip(a.strides, a.shape))


def _is_dense(a: np.ndarray) -> bool:
    """torch's "non-overlapping and dense": the elements fill a block of memory, in some dim order."""
    expected = a.itemsize
    for stride, size in sorted((s, n) for s, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _byte_range(a: np.ndarray) -> tuple[int, int]:
    start = a.__array_interface__["data"][0]
    return start, start + a.nbytes


def _tensors(value: Any) -> Iterator[Tensor]:
    """The tensors in `value`, through tuples, lists and dicts."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)

"""A float sum added up in the order torch's CPU kernel adds it, so that it rounds as torch's does.

numpy adds pairwise in blocks of 8; torch (its "cascade sum") splits a row into 4 interleaved
partial sums, adds each in blocks of 16 (block sums in groups of 16, group sums in groups of 16),
then the partials and the leftovers in a fixed order; a long contiguous row is first read as
vectors of 8 floats (4 doubles), one such sum per lane. Two orders round differently: in float32
about half of all sums of 8 or more numbers differed in the last bit (a softmax summed to
1.0000001 where torch prints 1.). Measured bit for bit against torch 2.13 for rows of 1 to 5000
elements, float32 and float64, reduced along the last dim, the first, or all.

`torch_order_sum(x, dims)` returns None where it does not know torch's order (a non-contiguous
array, dims that are not one run at the start or the end, a whole sum large enough for torch to
split it between threads): the caller then sums with numpy.
"""
from __future__ import annotations

from math import prod

import numpy as np

from ..backend.errstate import enter_all_quiet, leave_all_quiet, quiet_floats

LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}  # elements of torch's Vectorized<T> in its sum kernel
PARTIALS = 4  # interleaved partial sums of a row (torch's ilp_factor)
SERIAL_LIMIT = 32768  # torch's GRAIN_SIZE: a whole sum of more elements is split between threads


def torch_order_sum(x: np.ndarray, dims: tuple) -> np.ndarray | None:
    """x summed over `dims` (sorted, non-negative) in torch's order, without the reduced dims; or None."""
    if x.dtype not in LANES or not x.flags.c_contiguous or x.size == 0:
        return None
    if dims and len(dims) == x.ndim:  # a whole sum (a loss's x.sum()): straight to its one row (speed)
        if x.size > SERIAL_LIMIT:
            return None
        quiet = enter_all_quiet()  # (quiet_floats() as two C calls: ~0.5 us less on a loss's sum)
        try:
            return np.asarray(_whole_sum(x.reshape(x.size)))
        finally:
            leave_all_quiet(quiet)
    dims = tuple(sorted(dims))
    if not dims or dims != tuple(range(dims[0], dims[0] + len(dims))):
        return None
    before, after = x.shape[:dims[0]], x.shape[dims[-1] + 1:]
    reduced, columns = prod(x.shape[dims[0]:dims[-1] + 1]), prod(after)
    if x.size == reduced and x.size > SERIAL_LIMIT:  # one output of many elements: torch splits it between threads
        return None
    with quiet_floats():  # inf - inf is NaN and a sum past the largest float inf, quietly, as torch's
        return _sum_run(x, before, reduced, after, columns)


def _sum_run(x: np.ndarray, before: tuple, reduced: int, after: tuple, columns: int) -> np.ndarray:
    """x summed over the run of dims between `before` and `after`, `reduced` elements per sum."""
    if columns == 1:  # each reduced row is contiguous
        return _inner_sum(x.reshape(before + (reduced,))).reshape(before + after)
    return _outer_sum(x.reshape((prod(before), reduced, columns))).reshape(before + after)


def _in_order(x: np.ndarray) -> np.ndarray:
    """x[..., 0] + x[..., 1] + ... one after the other, from +0 (so a sum of -0s is +0, as torch's)."""
    m = x.shape[-1]
    if m == 0:
        return np.zeros(x.shape[:-1], x.dtype)
    if m > 16 or m >= 8 and x.size <= 512:  # one call: numpy's accumulate adds in order, slowly per element,
        return np.add.accumulate(x, axis=-1)[..., -1] + x.dtype.type(0)  # so this wins while x is small or m long
    total = x[..., 0] + x.dtype.type(0)
    for k in range(1, m):  # a short axis of many rows: whole slices at a time
        total = total + x[..., k]
    return total


def _cascade(x: np.ndarray) -> np.ndarray:
    """torch's multi_row_sum of x[..., size]: blocks of `step` elements in order, the block sums in groups
    of `step`, those group sums in groups of `step`, all of these in order; the unfinished block, group
    and group of groups are added last, in that order."""
    size = x.shape[-1]
    power = max(4, (int(size - 1).bit_length() if size > 1 else 0) // 4)
    step = 1 << power
    if size < step:  # no whole block: the elements in order (the common case: up to 16 per partial)
        return _in_order(x)
    whole = size // step * step
    tail = _in_order(x[..., whole:])
    level = _in_order(x[..., :whole].reshape(x.shape[:-1] + (whole // step, step)))  # the block sums
    unfinished = []
    for _ in range(2):  # blocks, then groups of blocks, each in groups of `step`
        whole = level.shape[-1] // step * step
        unfinished.append(_in_order(level[..., whole:]))
        level = _in_order(level[..., :whole].reshape(level.shape[:-1] + (whole // step, step)))
    return ((tail + unfinished[0]) + unfinished[1]) + _in_order(level)


def _row_sum(x: np.ndarray) -> np.ndarray:
    """torch's row_sum of x[..., n]: 4 interleaved cascades, then in order the first of them, the
    leftover elements and the other three."""
    n = x.shape[-1]
    size = n // PARTIALS
    if size == 0:  # all partials are 0: the elements in order
        return _in_order(x)
    parts = _cascade(np.swapaxes(x[..., :size * PARTIALS].reshape(x.shape[:-1] + (size, PARTIALS)), -1, -2))
    total = parts[..., 0]
    for i in range(size * PARTIALS, n):
        total = total + x[..., i]
    for k in range(1, PARTIALS):
        total = total + parts[..., k]
    return total


def _inner_sum(rows: np.ndarray) -> np.ndarray:
    """Each row of rows[..., n] (contiguous), as torch: a row shorter than a vector by `_row_sum`; a longer
    one as vectors, one `_row_sum` per lane, then from 0 the leftover elements and the lanes, in order."""
    lanes, n = LANES[rows.dtype], rows.shape[-1]
    if n < lanes:
        return _row_sum(rows)
    vectors = n // lanes
    per_lane = _row_sum(np.swapaxes(rows[..., :vectors * lanes].reshape(rows.shape[:-1] + (vectors, lanes)), -1, -2))
    return _in_order(np.concatenate([rows[..., vectors * lanes:], per_lane], axis=-1) if n % lanes else per_lane)


def _whole_sum(row: np.ndarray) -> np.generic:
    """`_inner_sum` of one row: the leftover elements and then the lanes' sums (a row shorter than a vector:
    torch's row_sum on numbers, the first element, the leftovers, the next three) added one after the other
    from 0, which numpy's accumulate does in one call (speed: the common loss.sum() of a small tensor)."""
    lanes, n = LANES[row.dtype], row.shape[0]
    if n < lanes:
        order = row if n <= PARTIALS else row.take(_SHORT_ROW_ORDER[n])
    else:
        vectors = n // lanes
        order = np.concatenate((row[vectors * lanes:], _lane_sums(row[:vectors * lanes], vectors, lanes)))
    # (+ 0 last: torch's total starts at +0, so a sum of -0s is +0; any other sum is unchanged by it)
    return np.add.accumulate(order)[-1] + row.dtype.type(0)


# A row shorter than a vector, in the order `_row_sum` adds it: the first element, the leftovers, the next three
_SHORT_ROW_ORDER = {n: np.array([0, *range(PARTIALS, n), *range(1, PARTIALS)]) for n in range(PARTIALS + 1, 8)}


def _lane_sums(row: np.ndarray, vectors: int, lanes: int) -> np.ndarray:
    """`_row_sum` of each lane of row (`vectors` whole vectors, lane j holding row[j::lanes]).

    While each of a lane's 4 partial sums has fewer than 16 elements, `_cascade` adds them in order,
    and so the whole `_row_sum` is three in-order sums, each ONE call (speed: a small loss):
    `np.add.reduce(a, axis=0)` over a 2-D `a` adds its rows one after another, each column on its own
    (numpy sums pairwise only along a contiguous axis it reduces). The partials first (row as
    (size, 4 * lanes): column p * lanes + j is lane j's partial p), then per lane partial 0, the
    leftover vectors and partials 1 to 3, and the caller adds the lanes. Longer rows: `_row_sum`."""
    size = vectors // PARTIALS  # elements in each partial sum
    if size >= 16:
        return _row_sum(row.reshape(vectors, lanes).T)
    if size == 0:  # no partials: each lane's elements in order
        return np.add.reduce(row.reshape(vectors, lanes), axis=0)
    whole = size * PARTIALS * lanes
    partials = np.add.reduce(row[:whole].reshape(size, PARTIALS * lanes), axis=0)
    in_lane_order = np.concatenate((partials[:lanes], row[whole:], partials[lanes:]))
    return np.add.reduce(in_lane_order.reshape(-1, lanes), axis=0)


def _outer_sum(x: np.ndarray) -> np.ndarray:
    """x (outer, n, columns) summed over n, each column as torch's kernel takes it: with at least a vector
    of columns, those in whole groups of 4 vectors by one cascade each, then those in whole vectors by
    `_row_sum`, the rest by `_row_sum`; with fewer, groups of 4 columns by a cascade, the rest by `_row_sum`."""
    lanes, columns = LANES[x.dtype], x.shape[-1]
    by_column = np.swapaxes(x, -1, -2)  # (outer, columns, n)
    group = 4 * lanes if columns >= lanes else 4
    cascaded = columns // group * group
    if cascaded == columns:
        return _cascade(by_column)
    if cascaded == 0:
        return _row_sum(by_column)
    return np.concatenate([_cascade(by_column[:, :cascaded]), _row_sum(by_column[:, cascaded:])], axis=-1)

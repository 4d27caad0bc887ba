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

The functions from `_sum_run` down compute the order for any size. A small sum (the loss's x.sum(),
a mean over a batch) would spend most of its time in their Python; for those, `whole_sum` and
`_planned_run_sum` write the same order out once per shape as index arrays (a "plan") and then add
with a few numpy calls: tests/ops/test_summation.py checks both against torch bit for bit.
"""
from __future__ import annotations

from math import prod

import numpy as np

LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}  # elements of torch's Vectorized<T> in its sum kernel
PARTIALS = 4  # interleaved partial sums of a row (torch's ilp_factor)
SERIAL_LIMIT = 32768  # torch's GRAIN_SIZE: a whole sum of more elements is split between threads


def torch_order_sum(x: np.ndarray, dims: tuple) -> np.ndarray | None:
    """x summed over `dims` (sorted, non-negative) in torch's order, without the reduced dims; or None.

    Call it with numpy's float warnings off, as ops' forward and the engine's backward run (torch adds
    inf - inf and sums past the largest float silently)."""
    if x.dtype not in LANES or not x.flags.c_contiguous or x.size == 0:
        return None
    if dims and len(dims) == x.ndim:  # a whole sum (a loss's x.sum()): straight to its one row (speed)
        return whole_sum(x) if x.size <= SERIAL_LIMIT else None
    key = (x.shape, dims, x.dtype)
    plan = _RUN_PLANS.get(key)
    if plan is not None:
        return _planned_run_sum(x, plan)
    dims = tuple(sorted(dims))
    if not dims or dims != tuple(range(dims[0], dims[0] + len(dims))):
        return None
    before, after = x.shape[:dims[0]], x.shape[dims[-1] + 1:]
    reduced, columns = prod(x.shape[dims[0]:dims[-1] + 1]), prod(after)
    if x.size == reduced and x.size > SERIAL_LIMIT:  # one output of many elements: torch splits it between threads
        return None
    plan = _run_plan(LANES[x.dtype], before, reduced, after, columns) if x.size <= PLANNED_UP_TO else None
    if plan is None:
        return _sum_run(x, before, reduced, after, columns)
    if len(_RUN_PLANS) >= 64:  # many shapes: start again rather than keep them all (a plan takes up to ~240 kB)
        _RUN_PLANS.clear()
    _RUN_PLANS[key] = plan
    return _planned_run_sum(x, plan)


PLANNED_UP_TO = 4096  # elements of a tensor whose sums over dims are planned (see `_run_plan`)
_RUN_PLANS: dict = {}  # (shape, dims, dtype) -> `_run_plan`


def _planned_run_sum(x: np.ndarray, plan: tuple) -> np.ndarray:
    """x summed by a `_run_plan`: what `_sum_run` computes, in 2 to 4 numpy calls whatever the shape."""
    gather, mask, by_partial, rows, shape = plan
    sums = x.take(gather) if mask is None else np.add.reduce(x.take(gather), 0, where=mask)
    if by_partial:  # each sum's 4 partial sums, in order
        sums = np.add.reduce(sums.reshape(PARTIALS, -1), 0)
    if rows:  # rows of an inner sum: the leftover elements' sum, then each lane's, in order (+ 0: never -0)
        sums = np.add.accumulate(sums.reshape(rows, -1), 1)[:, -1] + x.dtype.type(0)
    return sums.reshape(shape)


def _run_plan(lanes: int, before: tuple, reduced: int, after: tuple, columns: int) -> tuple | None:
    """(gather, mask, by_partial, rows, shape): `_sum_run`'s order written out as `_whole_sum_plan`
    writes out a row's (speed: a sum over dims of a small tensor is one take and a few reduces).

    Rows (columns == 1) are each added as `whole_sum` adds a row: the row's plan is repeated for every
    row, its columns ordered by partial, then by row (so one reduce adds each sum's partials), and an
    accumulate per row adds its leftover elements' sum and its lanes' (`rows` is their number). A run
    followed by other dims sums each column as `_outer_sum` does: in order (a cascade of fewer than 16)
    or as `_row_sum` (its first partial going on with the leftover elements, then the other three).
    None where a sum would need torch's cascade (16 or more elements in one in-order sum)."""
    outer = prod(before)
    if columns == 1:
        gather, mask, by_partial = _whole_sum_plan(reduced, lanes)
        if gather is None:
            return None
        starts = np.arange(outer) * reduced  # where each row begins
        if mask is None:
            return gather + starts[:, None], None, False, outer, before + after
        depth, groups = gather.shape[0], PARTIALS if by_partial else 1
        every_row = (depth, groups, outer, gather.shape[1] // groups)
        gather = (gather.reshape(depth, groups, 1, -1) + starts[:, None]).reshape(depth, -1)
        mask = np.broadcast_to(mask.reshape(depth, groups, 1, -1), every_row).reshape(depth, -1)
        return gather, mask, by_partial, outer, before + after
    if reduced >= 16:
        return None
    group = 4 * lanes if columns >= lanes else 4  # columns `_outer_sum` adds by one cascade each
    cascaded = columns // group * group
    size = reduced // PARTIALS  # elements in each partial sum of a `_row_sum` column
    by_partial = size > 0 and cascaded < columns
    groups = PARTIALS if by_partial else 1
    gather = np.zeros((reduced, groups, outer, columns), np.intp)
    mask = np.zeros((reduced, groups, outer, columns), bool)
    firsts = np.arange(outer) * reduced * columns  # element (b, r, c) is at (b * reduced + r) * columns + c
    for c in range(columns):
        if c < cascaded or not by_partial:  # (without whole partials `_row_sum` adds in order too)
            chains = [range(reduced)]
        else:
            chains = [[*range(0, size * PARTIALS, PARTIALS), *range(size * PARTIALS, reduced)],
                      *(range(p, size * PARTIALS, PARTIALS) for p in range(1, PARTIALS))]
        for p, chain in enumerate(chains):
            at = np.array(chain, np.intp)
            gather[:len(at), p, :, c] = at[:, None] * columns + firsts + c
            mask[:len(at), p, :, c] = True
    return gather.reshape(reduced, -1), mask.reshape(reduced, -1), by_partial, None, before + after


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


def whole_sum(x: np.ndarray) -> np.ndarray:
    """x.sum() in torch's order (`_inner_sum` of x as one row) as a 0-d array; x contiguous, of 1 to
    SERIAL_LIMIT float32 or float64 elements.

    A short row is added with numpy calls that depend only on its length: `_whole_sum_plan` works out
    once per length which element goes where, and then every sum of that length is the same three to
    five calls with no Python branching (speed: a loss's x.sum() of a small model, about half the time
    of computing the order each call)."""
    plan = _WHOLE_SUM_PLANS.get((x.size, x.dtype))
    if plan is None:
        plan = _whole_sum_plan(x.size, LANES[x.dtype])
        if plan[0] is None:  # partial sums of 16 or more: torch's cascade
            return np.asarray(_long_whole_sum(x.reshape(x.size)))
        _WHOLE_SUM_PLANS[x.size, x.dtype] = plan
    gather, mask, by_partial = plan
    if mask is None:  # shorter than a vector: one sum, of the elements in `gather`'s order
        sums = x.take(gather)
    else:  # each column of the gathered matrix added in order, from +0, masked-out places skipped
        sums = np.add.reduce(x.take(gather), 0, where=mask)
        if by_partial:  # each lane's 4 partial sums in order (the first also holds the leftover vectors)
            sums = np.add.reduce(sums.reshape(PARTIALS, -1), 0)
    total = np.add.accumulate(sums)[-1]  # the leftover elements' sum, then each lane's, in order
    return np.asarray(total) if total else np.zeros((), x.dtype)  # torch's total starts at +0: never -0


def _whole_sum_plan(n: int, lanes: int) -> tuple:
    """(gather, mask, by_partial) for `whole_sum` of n elements, `_inner_sum`'s order written out.

    Up to 15 elements per partial sum, `_inner_sum` of a row is three levels of in-order sums (each
    column of a matrix added by ONE `np.add.reduce(m, 0)`, which adds a 2-D array's rows one after
    another, each column on its own; numpy sums pairwise only along a contiguous axis it reduces):
    1. per lane j and partial p, the elements of vectors p, p + 4, ... (partial 0 going on with the
       leftover vectors), and in a column of its own the leftover elements; `gather` holds their
       indices, one sum per column, `mask` where a shorter column ends;
    2. per lane, its 4 partial sums (the leftover elements' column keeps its place: the other three
       partials have an empty column there); without whole partials (fewer than 4 vectors) there is
       one per lane already and `by_partial` is False;
    3. the leftover elements' sum and then the lanes', in order: one accumulate.
    A row shorter than a vector is torch's row_sum on numbers: its first element, the leftovers, the
    next three, in order (mask None). (None, None, False) past 15 elements per partial sum."""
    if n < lanes:
        return np.array([0, *range(PARTIALS, n), *range(1, PARTIALS)] if n > PARTIALS else range(n)), None, False
    vectors = n // lanes
    size = vectors // PARTIALS  # elements in each partial sum of a lane
    if size >= 16:
        return None, None, False
    in_partials = size * PARTIALS
    columns = []
    for p in range(PARTIALS if size else 1):
        columns.append(list(range(vectors * lanes, n)) if p == 0 else [])  # the leftover elements
        taken = [*range(p, in_partials, PARTIALS), *(range(in_partials, vectors) if p == 0 else ())]
        columns += [[v * lanes + j for v in taken] for j in range(lanes)]
    depth = max(1, *map(len, columns))
    gather, mask = np.zeros((depth, len(columns)), np.intp), np.zeros((depth, len(columns)), bool)
    for c, column in enumerate(columns):
        gather[:len(column), c], mask[:len(column), c] = column, True
    return gather, mask, size > 0


_WHOLE_SUM_PLANS: dict = {}  # (number of elements, dtype) -> `_whole_sum_plan`: at most 511 + 255 of them


def _long_whole_sum(row: np.ndarray) -> np.generic:
    """`_inner_sum` of one row of 16 or more elements per partial sum: the leftover elements and then
    the lanes' `_row_sum`s added one after the other from 0."""
    lanes, n = LANES[row.dtype], row.shape[0]
    vectors = n // lanes
    order = np.concatenate((row[vectors * lanes:], _row_sum(row[:vectors * lanes].reshape(vectors, lanes).T)))
    # (+ 0 last: torch's total starts at +0, so a sum of -0s is +0; any other sum is unchanged by it)
    return np.add.accumulate(order)[-1] + row.dtype.type(0)


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


# ---------------------------------------------------------------- the order of torch's norms
# torch's vector norms do not use the cascade above. p = 2 over a contiguous run of trailing dims
# (one reduced row per output) squares and adds into the 8 lanes of a float32 vector (4 of a double),
# one vector at a time; adds the lanes into the first from left to right; then adds the row's last
# (n mod 8) squares. There the compiled code squares 4 at once (rounded products) and adds the last
# (n mod 4) with a fused multiply-add (one rounding). Every other p and layout goes through torch's
# generic reduction: one accumulator per output, the terms added in memory order, in float32 for a
# float32 input. Measured bit for bit against torch 2.13 (AVX2) for rows of 1 to 1007 elements.


def norm_terms_sum(terms: np.ndarray, dims: tuple) -> np.ndarray | None:
    """terms (|x|, |x|^p) summed over `dims` as torch's generic norm reduction sums them: in memory
    order, one accumulator per output (without the reduced dims); None for a non-contiguous array.
    A single output of more than SERIAL_LIMIT terms is split between torch's threads: one even
    chunk each, their sums then added in order."""
    columns = _columns_over(terms, dims)
    if columns is None:
        return None
    shape = [n for d, n in enumerate(terms.shape) if d not in dims]
    count = columns.shape[0]
    if columns.shape[1] == 1 and count > SERIAL_LIMIT:
        from ..threads import get_num_threads  # (lazily: the thread settings sit above the ops)
        chunks = min(get_num_threads(), -(-count // SERIAL_LIMIT))
        size = -(-count // chunks)
        padded = np.zeros(size * chunks, terms.dtype)  # (zeros after the last chunk's end change no sum)
        padded[:count] = columns[:, 0]
        chunk_sums = _columns_in_order(np.ascontiguousarray(padded.reshape(chunks, size).T))
        return _columns_in_order(chunk_sums[:, None]).reshape(shape)
    return _columns_in_order(columns).reshape(shape)


def norm2_squares_sum(x: np.ndarray, dims: tuple) -> np.ndarray | None:
    """The sum of x * x over `dims` in torch's order for the 2-norm (see above); None as `norm_terms_sum`."""
    if x.dtype not in LANES or not x.flags.c_contiguous or x.size == 0:
        return None
    dims = tuple(sorted(dims))
    if dims != tuple(range(x.ndim - len(dims), x.ndim)):  # not one row per output: the generic reduction
        return norm_terms_sum(x * x, dims)
    out_shape = x.shape[:x.ndim - len(dims)]
    rows = x.reshape((prod(out_shape), -1))
    return _lane_squares_sum(rows, LANES[x.dtype]).reshape(out_shape)


def _columns_over(x: np.ndarray, dims: tuple) -> np.ndarray | None:
    """x as a contiguous (terms, outputs) matrix: each output's terms down a column, in x's memory order;
    or None (not contiguous, not float32 or float64, empty)."""
    if x.dtype not in LANES or not x.flags.c_contiguous or x.size == 0:
        return None
    dims = tuple(sorted(dims))
    kept = [d for d in range(x.ndim) if d not in dims]
    count = prod(x.shape[d] for d in dims)
    return np.ascontiguousarray(np.transpose(x, list(dims) + kept).reshape(count, -1))


def _columns_in_order(columns: np.ndarray) -> np.ndarray:
    """Each column of a contiguous (n, m) matrix added from its top down. np.add.reduce over axis 0 adds
    whole rows one after another (fast); a single column would be summed pairwise by it, so that one is
    accumulated (+ 0: a sum of -0s is +0, as torch's starts at +0)."""
    if columns.shape[1] == 1:
        return np.add.accumulate(columns[:, 0])[-1:] + columns.dtype.type(0)
    return np.add.reduce(columns, axis=0) + columns.dtype.type(0)


def _lane_squares_sum(rows: np.ndarray, lanes: int) -> np.ndarray:
    """Each row's sum of squares as torch's vectorised 2-norm kernel adds it (see above)."""
    n = rows.shape[-1]
    whole = n // lanes * lanes
    total = np.zeros(rows.shape[0], rows.dtype)
    if whole:
        vectors = rows[:, :whole].reshape(rows.shape[0], -1, lanes)
        lane_sums = _lanes_in_order(vectors * vectors)  # each lane: its squares in order
        total = lane_sums[:, 0] + total
        for j in range(1, lanes):  # the lanes, left to right
            total = total + lane_sums[:, j]
    rounded = whole + (n - whole) // 4 * 4  # squared 4 at a time: each product rounded
    for k in range(whole, rounded):
        total = total + rows[:, k] * rows[:, k]
    for k in range(rounded, n):  # one fused multiply-add each: computed wide, rounded once
        total = _fused_square_add(total, rows[:, k])
    return total


def _lanes_in_order(squares: np.ndarray) -> np.ndarray:
    """squares (rows, vectors, lanes) summed over vectors in order, per row and lane. (Speed: a few
    vectors a slice at a time; many, as matrix columns: numpy's inner loop runs along the lanes, so a
    single row's 8 columns make it slow per element, but still the fastest in-order way found.)"""
    rows, vectors, lanes = squares.shape
    if vectors <= 32:
        total = squares[:, 0] + squares.dtype.type(0)
        for k in range(1, vectors):
            total = total + squares[:, k]
        return total
    columns = squares.reshape(vectors, lanes) if rows == 1 else \
        np.ascontiguousarray(np.moveaxis(squares, 1, 0)).reshape(vectors, rows * lanes)
    return _columns_in_order(columns).reshape(rows, lanes)


def _fused_square_add(total: np.ndarray, v: np.ndarray) -> np.ndarray:
    """total + v * v rounded once. A float32's square is exact in float64, so the float64 sum rounds to
    the fused result (but for a double rounding too rare to meet); a float64 is added plainly (within
    an ulp of torch's, where only closeness is asked)."""
    if total.dtype != np.float32:
        return total + v * v
    wide = v.astype(np.float64)
    return (total.astype(np.float64) + wide * wide).astype(np.float32)

"""Each row's mean and biased variance computed in the order of torch's CPU `RowwiseMoments`, so that
layer_norm and group_norm round as torch's do.

torch reads a row of N elements as N // 8 float32 vectors (4 of float64) and runs Welford's update
lane by lane over chunks of 16 vectors (the running mean moved by delta / k, the squares by delta
times the new distance); it merges each chunk's moments into a binary stack (chunk i + 1 with i when
i is even, and so up the levels), then the stack's levels into the bottom one. The row's last
N mod 8 elements get a scalar Welford update of their own, and the 8 lanes are merged into it one
after another. Where the compiled kernel fuses a multiply with an add (one rounding), so does this
file (in float64, where a float32 product is exact); which steps are fused was measured:
in a chunk both updates; in a vector merge only the squares' term, computed as
(m2 + m2_add) + delta * (delta * (c * m0)); in the scalar lane merge the mean's step and the
squares' term; the scalar tail not at all. The mean and variance then match torch 2.13's (AVX2,
torch.native_layer_norm's) bit for bit for rows of 1 to 5000 float32 elements.

All rows are computed at once: Python loops run over a chunk's 16 vectors, the chunks and the lanes,
never over rows or elements.
"""
from __future__ import annotations

import numpy as np

from .summation import LANES

CHUNK = 16  # vectors per Welford chunk (torch's kChunkSize)


def row_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, biased variance) of each row of a contiguous (rows, N) float32 or float64 matrix, N >= 1."""
    lanes = LANES[x.dtype]
    rows, n = x.shape
    vectors = n // lanes
    # (vectors, rows * lanes): vector k of every row side by side, so each update is one contiguous op
    by_vector = np.ascontiguousarray(x[:, :vectors * lanes].reshape(rows, vectors, lanes).swapaxes(0, 1))
    lane_mean, lane_m2 = _vector_moments(by_vector.reshape(vectors, rows * lanes))
    count, mean, m2 = _tail_moments(x[:, vectors * lanes:])
    lane_mean, lane_m2 = lane_mean.reshape(rows, lanes), lane_m2.reshape(rows, lanes)
    for j in range(lanes):  # each lane (`vectors` elements) merged into the tail's moments
        count, mean, m2 = _merge_scalar(vectors, lane_mean[:, j], lane_m2[:, j], count, mean, m2)
    return mean, m2 / x.dtype.type(n)


def _vector_moments(by_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, m2) per column over the rows of `by_vector`: Welford in chunks of 16, merged by the stack."""
    vectors, width = by_vector.shape
    zero = np.zeros(width, by_vector.dtype)
    chunks = _all_chunk_moments(by_vector)
    depth = max(1, (len(chunks) - 1).bit_length())  # torch's CeilLog2, with room for one level at least
    stack = [(0, zero, zero)] * depth
    for i, chunk in enumerate(chunks):
        stack[0] = _merge_vector(*chunk, *stack[0])
        position = i + 1
        level = 1
        while level < depth and position % 2 == 0:  # a full pair at this level: merged one level up
            stack[level] = _merge_vector(*stack[level - 1], *stack[level])
            stack[level - 1] = (0, zero, zero)
            position //= 2
            level += 1
    count, mean, m2 = stack[0]
    for level in range(1, depth):
        count, mean, m2 = _merge_vector(*stack[level], count, mean, m2)
    return mean, m2


def _all_chunk_moments(by_vector: np.ndarray) -> list[tuple]:
    """(count, mean, m2) of each chunk of 16 vectors (the last may be shorter). Chunks do not depend on
    each other: the whole ones are updated together (speed: 16 steps, not 16 per chunk)."""
    vectors, width = by_vector.shape
    whole = vectors // CHUNK
    moments = []
    if whole:
        means, m2s = _chunk_moments(by_vector[:whole * CHUNK].reshape(whole, CHUNK, width).swapaxes(0, 1))
        moments = [(CHUNK, means[i], m2s[i]) for i in range(whole)]
    if vectors > whole * CHUNK:
        rest = by_vector[whole * CHUNK:]
        moments.append((rest.shape[0], *_chunk_moments(rest)))
    return moments


def _chunk_moments(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Welford over steps[0], steps[1], ... (vectors, each of any shape), both updates fused: (mean, m2)."""
    one = steps.dtype.type(1)
    mean = np.zeros(steps.shape[1:], steps.dtype)
    m2 = mean
    for k in range(steps.shape[0]):
        x = steps[k]
        delta = x - mean
        mean = _fused(delta, one / steps.dtype.type(k + 1), mean)
        m2 = _fused(delta, x - mean, m2)
    return mean, m2


def _merge_vector(count_add: int, mean_add: np.ndarray, m2_add: np.ndarray, count: int, mean: np.ndarray,
                  m2: np.ndarray) -> tuple:
    """Moments of `count_add` elements merged into those of `count` (torch's AddMomentsVec, as compiled)."""
    t = mean.dtype.type
    total = count + count_add
    c = t(0) if total == 0 else t(count_add) / t(total)
    delta = mean_add - mean
    return total, mean + c * delta, _fused(delta, delta * (c * t(count)), m2 + m2_add)


def _merge_scalar(count_add: int, mean_add: np.ndarray, m2_add: np.ndarray, count: int, mean: np.ndarray,
                  m2: np.ndarray) -> tuple:
    """torch's scalar AddMoments, as compiled: the mean's step and the squares' term each one fused step."""
    t = mean.dtype.type
    total = count + count_add
    c = t(0) if total == 0 else t(count_add) / t(total)
    delta = mean_add - mean
    return total, _fused(delta, c, mean), m2 + _fused(delta * delta * c, t(count), m2_add)


def _tail_moments(tail: np.ndarray) -> tuple:
    """(count, mean, m2) of each row's last N mod lanes elements: scalar Welford, nothing fused."""
    t = tail.dtype.type
    mean = np.zeros(tail.shape[0], tail.dtype)
    m2 = mean
    for k in range(tail.shape[1]):
        x = tail[:, k]
        delta = x - mean
        mean = mean + delta / t(k + 1)
        m2 = m2 + delta * (x - mean)
    return tail.shape[1], mean, m2


def _fused(a: np.ndarray, b: np.ndarray | np.generic, c: np.ndarray) -> np.ndarray:
    """a * b + c rounded once, as a fused multiply-add: for float32 in float64, where the product is
    exact (the sum's double rounding too rare to meet); a float64 is computed plainly (torch's double
    results are only asked to be close)."""
    if c.dtype != np.float32:
        return a * b + c
    wide = np.multiply(a, b, dtype=np.float64)
    wide += c
    return wide.astype(np.float32)

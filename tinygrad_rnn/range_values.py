"""The values of `arange`, `range`, `linspace` and `logspace` in floating dtypes, computed as torch's
CPU kernels compute them, so that they round as torch's do.

`start + step * i` rounds differently depending on how it is evaluated, and torch's kernels each do
it their own way (measured bit for bit against torch 2.13 on thousands of random ranges):

- `arange` fills the output in blocks of two vectors (8 float32 or 4 float64 lanes each, 16 float16):
  a vector's first element is `start + step * i`, and its other lanes count from that value,
  `first + lane * step`. Elements past the last whole block are `start + step * i` one by one. It
  computes in double (float for float16) and rounds to the dtype at the end.
- `range` (deprecated) is `start + step * i` for every element, in double (float for float16), unfused.
- `linspace` is `start + step * i` for the first half and `end - step * (steps - 1 - i)` for the
  second, in the dtype itself, with `step = (end - start) / (steps - 1)`.
- `logspace` raises the base to linspace's exponents, made in double from the dtype's bounds, with
  the C library's `pow` (numpy's own vectorized power rounds some float64 results differently).

The compiler fuses each `a + b * c` of arange and linspace into one rounding (a fused
multiply-add): backend/fma.py does that exactly. A range of more than GRAIN_SIZE elements is split
between torch's threads, each starting its own blocks: we split it the same way.
"""
from __future__ import annotations

import math

import numpy as np

from .backend.fma import fma32, fma64
from .threads import get_num_threads

LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4, np.dtype(np.float16): 16}  # torch's Vectorized<T>
GRAIN_SIZE = 32768  # torch's: a range this long or shorter is filled by one thread


def arange_values(start: float, step: float, count: int, dtype: np.dtype) -> np.ndarray:
    """torch.arange's `count` values in a floating `dtype` (float16, float32 or float64)."""
    dtype = np.dtype(dtype)
    fma, work = (fma32, np.float32) if dtype == np.float16 else (fma64, np.float64)  # torch's accumulate type
    index = np.arange(count)
    first = _counted_from(count, LANES[dtype])
    step_, start_ = np.full(count, step, work), np.full(count, start, work)
    base = fma(step_, first.astype(work), start_).astype(dtype)  # each vector's first value, rounded to the dtype
    lanes = (index - first).astype(work)
    return np.where(lanes == 0, base, fma(lanes, step_, base.astype(work)).astype(dtype))


def _counted_from(count: int, lanes: int) -> np.ndarray:
    """For each index, the index whose value it counts from: the first of its vector inside a block of
    two vectors, itself past the last whole block of its thread's part of the range."""
    index, first = np.arange(count), np.arange(count)
    for begin, end in _thread_parts(count):
        blocked = (end - begin) // (2 * lanes) * (2 * lanes)
        part = index[begin:begin + blocked]
        first[begin:begin + blocked] = part - (part - begin) % lanes
    return first


def _thread_parts(count: int) -> list[tuple[int, int]]:
    """torch's parallel_for: no split up to GRAIN_SIZE, else equal parts (the last shorter), one per thread."""
    if count <= GRAIN_SIZE:
        return [(0, count)]
    threads = min(get_num_threads(), -(-count // GRAIN_SIZE))
    size = -(-count // threads)
    return [(begin, min(begin + size, count)) for begin in range(0, count, size)]


def range_values(start: float, step: float, count: int, dtype: np.dtype) -> np.ndarray:
    """torch.range's values (end included): `start + i * step` in double (float for float16), not fused."""
    work = np.float32 if np.dtype(dtype) == np.float16 else np.float64
    return (work(start) + np.arange(count, dtype=work) * work(step)).astype(dtype)


def linspace_values(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """torch.linspace's values in float32 or float64 (steps >= 2): from start up to the middle, from end down after."""
    work = np.dtype(dtype).type
    fma = fma32 if work is np.float32 else fma64
    first, last = work(start), work(end)
    step = (last - first) / work(steps - 1)
    index = np.arange(steps)
    with np.errstate(invalid="ignore", over="ignore"):
        up = fma(np.full(steps, step), index.astype(work), np.full(steps, first))
        down = fma(np.full(steps, -step), (steps - 1 - index).astype(work), np.full(steps, last))
    return np.where(index < steps // 2, up, down).astype(work)


def logspace_values(start: float, end: float, steps: int, base: float, dtype: np.dtype) -> np.ndarray:
    """torch.logspace's values: base ** exponent, each by the C library's pow. A float dtype's bounds are
    converted to it and subtracted in it; an integer dtype's come converted (logspace checks and truncates
    them) and are subtracted in double, and its values pass through a C int (300 as uint8 is 44; int64 through a 64-bit one), as torch."""
    floating = np.dtype(dtype).kind == "f"
    with np.errstate(invalid="ignore", over="ignore"):
        if steps == 1:  # torch raises the base to the bound as given, not converted to the dtype
            powers = np.array([_pow(base, float(start))])
        else:
            work = np.dtype(dtype).type if floating else np.float64
            first, last = work(start), work(end)
            step = np.float64(last - first) / (steps - 1)
            index = np.arange(steps)
            exponents = np.where(index < steps // 2, np.float64(first) + step * index,
                                 np.float64(last) - step * (steps - 1 - index))
            powers = np.array([_pow(base, x) for x in exponents.tolist()], dtype=np.float64)
        if floating or dtype == np.bool_:
            return powers.astype(dtype)
        return powers.astype(np.int64 if np.dtype(dtype).itemsize == 8 else np.int32).astype(dtype)


def _pow(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except OverflowError:  # C's pow gives inf where Python's raises
        return math.inf
    except ValueError:  # 0 to a negative power: C's pole, inf; a negative base to a fractional power: nan
        return math.inf if base == 0 else math.nan

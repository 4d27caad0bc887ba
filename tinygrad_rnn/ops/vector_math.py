"""The exp and the sum that torch's vectorized softmax kernels compute, so softmax rounds as torch's does.

torch's CPU softmax along the last dim (aten's SoftMaxKernel.cpp) takes exp with its vector math
library's `expf` (SLEEF, "u10": within 1 ulp, not always the nearest float) and adds a row with
`vec::reduce_all`: lane by lane over vectors of 16 floats or 8 doubles (with AVX512; 8 and 4 with AVX2,
backend/cpu_capability.py), then the lanes of floats folded in halves (8, 4, 2, 1 apart) and the lanes of
doubles in order.
numpy's exp and its pairwise sum round differently: about half of torch's float32 softmax values
came out an ulp apart. With these two, float32 softmax is the same bits (measured on rows of 1 to
1000 values); float64 keeps numpy's exp, a few per cent an ulp apart.
"""
from __future__ import annotations

import numpy as np

from ..backend.cpu_capability import lanes

# Elements of torch's Vectorized<T> in its softmax kernels on this machine (16 floats with AVX512, 8 with AVX2)
SOFTMAX_LANES = {np.dtype(np.float32): lanes(np.float32), np.dtype(np.float64): lanes(np.float64)}

_F32 = np.float32
_F64 = np.float64


def _const(value: float, dtype: type) -> np.ndarray:
    """`value` as a 0-d array: numpy adds one to an array of its dtype faster than a number or a numpy scalar."""
    return np.array(value, dtype)


# SLEEF's expf: exp(d) = 2^q exp(s), q = rint(d / ln 2), s = d - q ln 2 (ln 2 split in a high part with few
# bits, so q * high is exact, and a low part), exp(s) by a polynomial
_INV_LN2 = _const(1.442695040888963407359924681001892137426645954152985934135449406931, _F32)
_LN2_HIGH, _MINUS_LN2_LOW = _const(0.693145751953125, _F32), _const(-_F32(1.428606765330187045e-06), _F64)
_EXP_POLY = [_const(_F32(c), _F64) for c in (0.000198527617612853646278381, 0.00139304355252534151077271,
                                              0.00833336077630519866943359, 0.0416664853692054748535156,
                                              0.166666671633720397949219, 0.5)]
# SLEEF's expf is 0 below -104 and inf above 100. d is clamped to [-110, 110] first so that q stays finite (an
# infinite d would make s NaN); from about -104 down and 89 up, 2^q leaves float's range: 0 and inf all the same.
_CLAMP_LOW, _CLAMP_HIGH, _ONE = _const(-110, _F32), _const(110, _F32), _const(1, _F32)


def exp_f32(d: np.ndarray) -> np.ndarray:
    """exp of a float32 array (of at least one dim) as SLEEF's vectorized expf (u10) computes it, fused
    multiply-adds and all. Call it with numpy's float warnings off, as every op's forward and backward
    runs (Function.apply): NaN and inf then pass through quietly, as torch's.

    A fused multiply-add a * b + c of float32 values is computed in float64, where the product is
    exact, and rounded to float32 once at the end (`_fma_step`; a second rounding could differ from a
    single one only on an exact tie, which these sums never meet). The values stay in float64 arrays
    between the steps: on small arrays a numpy call that mixes float32 and float64 costs about three
    times one on a single dtype (0.8 against 0.25 us), more than the two casts that replace it."""
    d = np.maximum(d, _CLAMP_LOW)
    np.minimum(d, _CLAMP_HIGH, out=d)
    q = np.rint(d * _INV_LN2)
    s = d - q * _LN2_HIGH  # SLEEF's first fma: q * high is exact, so only this difference rounds
    wide = np.multiply(q.astype(_F64), _MINUS_LN2_LOW)
    s, s_wide = _fma_step(wide, s.astype(_F64))  # s = fma(q, -low, s)
    np.multiply(s_wide, _EXP_POLY[0], out=wide)
    u, u_wide = _fma_step(wide, _EXP_POLY[1])  # u = fma(s, c0, c1)
    for c in _EXP_POLY[2:]:
        np.multiply(u_wide, s_wide, out=wide)
        u, u_wide = _fma_step(wide, c)  # u = fma(u, s, c)
    np.multiply((s * s).astype(_F64), u_wide, out=wide)
    np.add(wide, s_wide, out=wide)
    u = wide.astype(_F32)  # u = fma(s * s, u, s)
    u += _ONE
    return np.ldexp(u, q.astype(np.int32), out=u)  # u 2^q: 0 below about -104, inf above about 88.7


def _fma_step(product: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """product + c (product: a * b of float32 values, exact in float64) rounded to float32: that value
    and the same in float64, for the next product."""
    np.add(product, c, out=product)
    rounded = product.astype(_F32)
    return rounded, rounded.astype(_F64)


def lane_sum(e: np.ndarray) -> np.ndarray:
    """e summed along its last axis as torch's `vec::reduce_all` adds (see the module docstring);
    the reduced axis is kept (size 1)."""
    lanes, n = SOFTMAX_LANES[e.dtype], e.shape[-1]
    if n < lanes:  # one partial vector: its lanes added in order
        return np.cumsum(e, axis=-1)[..., -1:]
    whole = n - n % lanes
    # vectors added lane by lane, in order (numpy reduces an axis that is not the last one row at a time)
    acc = np.add.reduce(e[..., :whole].reshape(*e.shape[:-1], whole // lanes, lanes), axis=-2)
    if whole < n:  # the last, partial vector is added into the first lanes
        acc[..., :n - whole] += e[..., whole:]
    if e.dtype != np.float32:  # doubles: the lanes in order
        return np.cumsum(acc, axis=-1)[..., -1:]
    while lanes > 1:  # floats folded in halves: lane i + lane i + 8, then + 4, + 2, + 1
        lanes //= 2
        acc = acc[..., :lanes] + acc[..., lanes:]
    return acc


def half_lane_sum(p: np.ndarray) -> np.ndarray:
    """p (float32: a float16 tensor's values, widened) summed along its last axis (kept) as torch's
    `vec::reduce_all` and `map2_reduce_all` add a float16 row (measured bit for bit with AVX512): two float
    vectors' worth at a time (32 values), widened into two float vectors that accumulate apart, are added
    together and folded as `lane_sum` folds floats. A row of up to one vector (16) is added in order; a longer
    one under two vectors adds its second vector into the first, then those lanes in order."""
    n, lanes = p.shape[-1], 2 * SOFTMAX_LANES[np.dtype(np.float32)]
    if n <= lanes // 2:
        return np.cumsum(p, axis=-1)[..., -1:]
    if n < lanes:
        first = p[..., :lanes // 2].copy()
        first[..., :n - lanes // 2] += p[..., lanes // 2:]
        return np.cumsum(first, axis=-1)[..., -1:]
    whole = n - n % lanes
    acc = np.add.reduce(p[..., :whole].reshape(*p.shape[:-1], whole // lanes, lanes), axis=-2)
    acc[..., :n - whole] += p[..., whole:]  # the last, partial load into the first lanes
    return lane_sum(acc)  # (its two halves added, then folded)


def ordered_sum(e: np.ndarray, dim: int) -> np.ndarray:
    """e summed along `dim` (kept) one element after the other, as torch's softmax kernels add along
    a dim that is not the last."""
    if e.shape[dim] == 0:  # nothing to add: zeros (the running sum has no last element to take)
        return np.sum(e, axis=dim, keepdims=True)
    return np.cumsum(e, axis=dim).take([-1], axis=dim)


def lane_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum(a * b) along the last axis (kept) of float32 arrays as torch's `vec::map2_reduce_all` adds it:
    the products rounded and added as `lane_sum` adds, but for the last, partial vector, whose multiply
    and add the compiler fuses (one rounding; measured)."""
    lanes, n = SOFTMAX_LANES[a.dtype], a.shape[-1]
    whole = n - n % lanes
    if n < lanes or whole == n:
        return lane_sum(a * b)
    acc = np.add.reduce((a[..., :whole] * b[..., :whole]).reshape(*a.shape[:-1], whole // lanes, lanes), axis=-2)
    tail = n - whole
    acc[..., :tail] = (a[..., whole:].astype(np.float64) * b[..., whole:] + acc[..., :tail]).astype(_F32)
    return lane_sum(acc)


def ordered_dot(a: np.ndarray, b: np.ndarray, dim: int) -> np.ndarray:
    """sum(a * b) along `dim` (kept) of float32 arrays one fused multiply-add after the other, as torch's
    kernels add along a dim that is not the last."""
    products = np.moveaxis(a.astype(np.float64) * b, dim, 0)
    total = np.zeros(products.shape[1:], _F32)
    for row in products:
        total = (row + total).astype(_F32)
    return np.expand_dims(total, dim)

"""The float32 dot product of two vectors, added up in the order of the BLAS torch calls (MKL's sdot).

torch.dot (and matmul of two 1-D tensors) hands contiguous float32 vectors to MKL's `sdot`; numpy's
BLAS adds them in another order, and 40-90% of the results were an ulp apart (more for longer
vectors). Measured bit for bit against torch 2.13 (MKL 2024.2, AVX2) for every length up to 80
and for lengths up to 8191: the products are rounded (no fused multiply-add); four accumulators of 4 lanes take 16 products a
step, then two of them 8, then the first 4, each lane adding in order; the last 0-3 products are
added one by one into lane 0 of the first accumulator; then the accumulators are added in order
((0 + 1) + 2) + 3 and the lanes as (0 + 2) + (1 + 3).

On more than one thread MKL splits a vector of 8192 or more elements between its threads, in an
order not measured here: `sdot_order` returns None then (and for strided vectors), and the caller
uses numpy's BLAS. So it does on a machine whose vectors are not AVX2's: MKL picks its kernel by the
CPU, and only the AVX2 one was measured.
"""
from __future__ import annotations

import numpy as np

from ..backend.cpu_capability import CAPABILITY

SPLIT_FROM = 8192  # elements from which MKL, given more than one thread, shares the sum between them (measured)


def sdot_order(a: np.ndarray, b: np.ndarray, threads: int) -> np.float32 | None:
    """a . b of two contiguous float32 vectors as MKL's sdot rounds it, or None where its order is not known."""
    n = a.shape[0]
    if CAPABILITY != "AVX2" or not (a.flags.c_contiguous and b.flags.c_contiguous) or (n >= SPLIT_FROM and threads > 1):
        return None
    products = a * b
    accumulators = np.zeros((4, 4), np.float32)
    steps = n // 16 * 16
    if steps:  # each lane adds its products in order (accumulate, not numpy's pairwise sum)
        accumulators = np.add.accumulate(products[:steps].reshape(-1, 4, 4), axis=0)[-1].copy()
    rest = products[steps:]
    if rest.shape[0] >= 8:
        accumulators[:2] += rest[:8].reshape(2, 4)
        rest = rest[8:]
    if rest.shape[0] >= 4:
        accumulators[0] += rest[:4]
        rest = rest[4:]
    for p in rest:
        accumulators[0, 0] += p
    v = ((accumulators[0] + accumulators[1]) + accumulators[2]) + accumulators[3]
    return (v[0] + v[2]) + (v[1] + v[3])

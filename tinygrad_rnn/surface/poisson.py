"""`torch.poisson` and `torch.binomial`: one draw per element, torch's numbers for the same seed.

torch's CPU kernel draws the elements one after another from float64 uniforms: below rate 10 it
multiplies uniforms until the product drops below exp(-rate) (Knuth); from 10 up it uses the
transformed rejection method PTRS (Hoermann, 1993). Both are rebuilt here on the same stream.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.function import rename
from ..core.grad_mode import is_grad_enabled
from ..core.tensor import Tensor
from ..random import TorchStream, _rng, check_generator


def poisson(input: Tensor, generator: Any = None) -> Tensor:
    """A tensor of input's shape and dtype; element i ~ Poisson(input[i]). No gradient flows."""
    check_generator(generator, "poisson")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"poisson_cpu\" not implemented for '{input.dtype._legacy}'")
    rates = input.detach().numpy()
    if not (rates >= 0).all():  # a NaN rate too
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    stream = _rng(generator)
    draws = [_draw(float(rate), stream) for rate in rates.ravel().tolist()]
    out = Tensor._make(np.array(draws, dtype=np.float64).reshape(rates.shape).astype(input.dtype.np))
    if input.requires_grad and is_grad_enabled():  # torch's node, whose gradient is zero
        out = rename(input.where(input.new_zeros(input.shape, dtype=dtypes.bool), out), "PoissonBackward0")
    return out


def _uniform(stream: TorchStream) -> float:
    return float(stream.unit(1, np.float64)[0])


def _draw(rate: float, stream: TorchStream) -> int:
    if rate >= 10:
        return _transformed_rejection(rate, stream)
    if rate == 0:
        return 0
    threshold, product, count = math.exp(-rate), 1.0, 0
    while True:
        product *= _uniform(stream)
        if product <= threshold:
            return count
        count += 1


def _as_int64(x: float) -> int:
    """floor(x) cast to int64 as torch's C++ does on x86: an infinite, NaN or out-of-range value is -2^63 (so an
    infinite rate, or one of 1e19 and more, draws -2^63, as torch's)."""
    return math.floor(x) if math.isfinite(x) and -(2.0**63) <= x < 2.0**63 else -(2**63)


def _transformed_rejection(rate: float, stream: TorchStream) -> int:
    """PTRS: a proposal from a transformed uniform, accepted at once in the wide middle, else by the ratio."""
    root, log_rate = math.sqrt(rate), math.log(rate)
    b = 0.931 + 2.53 * root
    a = -0.059 + 0.02483 * b
    inverse_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = _uniform(stream) - 0.5
        v = _uniform(stream)
        us = 0.5 - abs(u)
        k = _as_int64((2 * a / us + b) * u + rate + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(inverse_alpha) - math.log(a / (us * us) + b) <= \
                -rate + k * log_rate - math.lgamma(k + 1.0):
            return k


def binomial(count: Tensor, prob: Tensor, generator: Any = None) -> Tensor:
    """Element i ~ Binomial(count[i], prob[i]), torch's numbers for the same seed: by inversion
    (summing geometric waiting times) when count * p < 10, else by the rejection method BTRS
    (Hoermann, 1993); for p > 0.5 the failures are drawn instead. No gradient flows."""
    if not count.dtype.is_floating_point:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: {count.dtype._legacy}")
    if prob.dtype is not count.dtype:
        raise RuntimeError(f"Found dtype {prob.dtype._legacy} but expected {count.dtype._legacy}")
    counts, probs = np.broadcast_arrays(count.detach().numpy(), prob.detach().numpy())
    stream = _rng(generator)
    draws = [_binomial_draw(float(n), float(p), stream) for n, p in zip(counts.ravel().tolist(), probs.ravel().tolist())]
    return Tensor._make(np.array(draws, dtype=np.float64).reshape(counts.shape).astype(count.dtype.np))


def _binomial_draw(n: float, p: float, stream: TorchStream) -> float:
    if n <= 0.0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return n
    if p <= 0.5:
        return _btrs(n, p, stream) if n * p >= 10.0 else _inversion(n, p, stream)
    q = 1.0 - p
    return n - (_btrs(n, q, stream) if n * q >= 10.0 else _inversion(n, q, stream))


def _inversion(n: float, p: float, stream: TorchStream) -> float:
    """Count the geometric waiting times (in trials) that fit into n trials."""
    log_q, total, successes = math.log1p(-p), 0.0, 0
    while True:
        total += math.ceil(math.log(_uniform(stream)) / log_q)
        if total > n:
            return float(successes)
        successes += 1


# Stirling's series tail of log(k!) for k = 0..9; larger k use the series itself.
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                  0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                  0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k: float) -> float:
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    square = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / square) / square) / (k + 1)


def _btrs(n: float, p: float, stream: TorchStream) -> float:
    """BTRS: a transformed-uniform proposal, accepted at once in the middle, else by a bound on the ratio."""
    spread = math.sqrt(n * p * (1 - p))
    b = 1.15 + 2.53 * spread
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1 - p)
    alpha = (2.83 + 5.1 / b) * spread
    m = math.floor((n + 1) * p)
    while True:
        u = _uniform(stream) - 0.5
        v = _uniform(stream)
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return float(k)
        v = math.log(v * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1))) + (n + 1) * math.log((n - m + 1) / (n - k + 1))
                 + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1)) + _stirling_tail(m) + _stirling_tail(n - m)
                 - _stirling_tail(k) - _stirling_tail(n - k))
        if v <= bound:
            return float(k)

"""Random numbers: `Generator`, `manual_seed`, `randn`, `rand`, `randint`, `randperm`, `multinomial`.

Draws come from numpy's PCG64, so a seed gives reproducible numbers here, but not torch's numbers
(torch's generator stream cannot be reproduced from numpy).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .creation import _finish, _size
from .tensor import Tensor


class Generator:
    """A random stream with its own seed, as `torch.Generator`."""

    def __init__(self, device: Any = "cpu") -> None:
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.np = np.random.default_rng(self._seed)
        self.device = device

    def manual_seed(self, seed: Any) -> Generator:
        self._seed = int(seed) % (2**64)  # torch accepts negative seeds and wraps them
        self.np = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        self.manual_seed(int(np.random.SeedSequence().entropy % (2**63)))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Any:
        return self.np.bit_generator.state

    def set_state(self, state: Any) -> Generator:
        self.np.bit_generator.state = state
        return self


default_generator = Generator()


def manual_seed(seed: Any) -> Generator:
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    return default_generator.get_state()


def set_rng_state(state: Any) -> None:
    default_generator.set_state(state)


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator).np


def _float_dtype(dtype: Any) -> dtypes.dtype:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if not d.is_floating_point:
        raise RuntimeError(f'"normal_kernel_cpu" not implemented for \'{d._legacy}\'')
    return d


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **kw: Any) -> Tensor:
    d = _float_dtype(dtype)
    data = _rng(generator).standard_normal(_size(size), dtype=np.float64).astype(d.np)
    return _finish(Tensor._make(data), requires_grad, device)


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, **kw: Any) -> Tensor:
    d = _float_dtype(dtype)
    data = _rng(generator).random(_size(size), dtype=np.float64).astype(d.np)
    return _finish(Tensor._make(data), requires_grad, device)


def randint(low: int, high: Any = None, size: Any = None, *, generator: Generator | None = None,
            dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    data = _rng(generator).integers(low, high, size=_size((size,))).astype(d.np)
    return _finish(Tensor._make(data), requires_grad, device)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    return _finish(Tensor._make(_rng(generator).permutation(n).astype(d.np)), requires_grad, device)


def randn_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def rand_like(input: Tensor, *, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None) -> Tensor:
    if size is not None:
        return randn(size, generator=generator) * std + mean
    shape = np.broadcast_shapes(np.shape(getattr(mean, "_data", mean)), np.shape(getattr(std, "_data", std)))
    d = mean.dtype if isinstance(mean, Tensor) else std.dtype
    return randn(shape, generator=generator, dtype=d) * std + mean


def bernoulli(input: Tensor, p: Any = None, *, generator: Generator | None = None) -> Tensor:
    prob = input._data if p is None else p
    draw = _rng(generator).random(input.shape) < prob
    return Tensor._make(draw.astype(input._data.dtype))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Draw indices with probability proportional to the (non-negative) weights in each row."""
    w = input._data.astype(np.float64)
    if w.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if (w < 0).any() or not np.isfinite(w).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = w.reshape(-1, w.shape[-1])
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rng = _rng(generator)
    out = np.stack([rng.choice(len(r), num_samples, replace=replacement, p=r / r.sum()) for r in rows])
    return Tensor._make(out.reshape(w.shape[:-1] + (num_samples,)).astype(np.int64))


def fill_uniform(t: Tensor, a: float, b: float, generator: Generator | None) -> Tensor:
    """In place: U(a, b), the same float64 draw cast to the tensor's dtype."""
    t._check_inplace()
    t._data[...] = _rng(generator).uniform(a, b, t.shape)
    t._version += 1
    return t


def fill_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Tensor:
    t._check_inplace()
    t._data[...] = _rng(generator).normal(mean, std, t.shape)
    t._version += 1
    return t

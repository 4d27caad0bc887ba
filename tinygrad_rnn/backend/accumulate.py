"""The fast gradient accumulator: a drop-in for the engine's plain rule, with fewer allocations.

The plain rule (engine.py's `PlainSum`) is what a learner needs: the first gradient that reaches
a place is kept, each later one is added, `total = total + g`. This module gives the same sums
with two savings that matter when an RNN is unrolled over many steps:

- `SliceGrad`: indexing `x[t]` (an RNN reads every time step) sends back a gradient that is zero
  except at `x[t]`. It stays sparse until it reaches the place where it is summed, and all the
  slices of one input are added into a single buffer there, instead of one full-size zero array
  per slice.
- buffer ownership: a buffer this accumulator allocated itself can be added into in place; one
  that came from an op's backward may be shared (Add returns g for both inputs) and never is.

It knows nothing of Tensor: the engine hands it `make`, the function that wraps an array.
Same numbers as the plain rule, bit for bit (tests/core/test_engine_accumulators.py).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

Slot = Any  # a Tensor, a SliceGrad, or None


class SliceGrad:
    """A gradient that is zero except at `array[key]`, sent back by indexing and unbinding.

    `value` is the Tensor of the gradient at `key`; `shape` and `dtype` (a tinygrad_rnn dtype)
    are those of the whole input.
    """

    __slots__ = ("key", "value", "shape", "dtype")

    def __init__(self, key: Any, value: Any, shape: tuple, dtype: Any) -> None:
        self.key, self.value, self.shape, self.dtype = key, value, shape, dtype


def add_at(buf: np.ndarray, key: Any, value: np.ndarray) -> None:
    """buf[key] += value, where repeated indices add up (as torch's index backward does)."""
    if isinstance(key, tuple) and any(isinstance(k, np.ndarray) for k in key) or isinstance(key, np.ndarray):
        np.add.at(buf, key, value)
    else:
        buf[key] += value


def dense(g: Slot, make: Callable[[np.ndarray], Any]) -> Any:
    """The gradient as an ordinary Tensor (a SliceGrad is written into zeros)."""
    if isinstance(g, SliceGrad):
        buf = np.zeros(g.shape, g.dtype.np)
        add_at(buf, g.key, g.value._data)
        return make(buf)
    return g


class FastSum:
    """Adds the gradients that reach one place; it may add in place into buffers it made itself."""

    def __init__(self, create_graph: bool, make: Callable[[np.ndarray], Any]) -> None:
        self.create_graph, self.make = create_graph, make
        # The buffers this run allocated, by id. The dict holds the tensors themselves, not only
        # their ids: a freed tensor's id is soon reused by a new one (say, one that an op's
        # backward returned), which must never be added into.
        self.owned: dict[int, Any] = {}

    def owns(self, t: Any) -> bool:
        return self.owned.get(id(t)) is t

    def add(self, current: Slot, new: Slot) -> Slot:
        if type(new) is SliceGrad:  # (ops send these only when no graph of the backward is kept)
            buf = self._own(current, new.shape, new.dtype.np)
            add_at(buf._data, new.key, new.value._data)
            return buf
        if current is None:  # the first gradient to arrive is kept as it is
            return new
        if self.create_graph:
            return current + new
        if self.owned.get(id(current)) is current:  # (self.owns(current), inline: once per gradient added)
            current._data += new._data
            return current
        out = self.make(current._data + new._data)
        self.owned[id(out)] = out
        return out

    def release(self, grads: list) -> None:
        """Stop adding in place into these buffers: they are about to go into a backward, which may
        hand the same tensor to several inputs (Add returns g, g), and then two slots share it."""
        if self.owned:
            for g in grads:
                self.owned.pop(id(g), None)

    def _own(self, current: Slot, shape: tuple, dtype: np.dtype) -> Any:
        if current is not None and self.owns(current):
            return current
        buf = self.make(np.zeros(shape, dtype) if current is None else current._data.copy())
        self.owned[id(buf)] = buf
        return buf


def unshared(t: Any, holders: int, like: Any) -> bool:
    """True when gradient `t` may become a leaf's `.grad` as it is, without the copy the plain rule makes:
    nothing outside the engine holds it or its memory, and it is writeable and C-ordered as the leaf's array `like`
    (torch's layout contract: the copy would be laid out as the leaf is).

    The caller holds `t` in `holders` places (locals, a list). The signal is CPython's reference count, the
    one torch's AccumulateGrad uses to steal a gradient (its use count): a backward formula's fresh result
    is held by the engine alone; one a hook, a saved tensor, a view or another input also holds is not
    (Add returns one tensor for both inputs). `t` is the tensor, `t._data` its array: both must be unheld,
    and so must the array's base when it is a view (a kernel's gradient reshaped), which must be all of it."""
    data = t._data  # (locals: each count below is then the holders', the local's and getrefcount's own)
    if sys.getrefcount(t) != holders + 2 or sys.getrefcount(data) != 3:
        return False
    base = data.base
    if base is not None and (sys.getrefcount(base) != 3 or base.base is not None or base.nbytes != data.nbytes):
        return False
    return data.flags.writeable and data.flags.c_contiguous and like.flags.c_contiguous

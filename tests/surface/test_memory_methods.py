"""Tensor.as_subclass, share_memory_ / is_shared and set_ (its tensor form) against torch: the alias and its
node, which tensors count as shared, the memory set_ makes a tensor share, and the errors."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn


def _script(m):
    class Mine(m.Tensor):
        pass
    x = m.ones(2, 3, requires_grad=True)
    mine = (x * 2).as_subclass(Mine)
    seen = [type(mine).__name__, mine.grad_fn.name(), x.as_subclass(cls=Mine).grad_fn.name(), repr(mine),
            x.as_subclass(m.Tensor) is x]
    y = m.ones(3)
    view = y[1:]
    seen += [y.is_shared(), y.share_memory_() is y, y.is_shared(), view.is_shared(), (y * 1).is_shared()]
    a, source = m.ones(3), m.zeros(2, 2)
    seen.append(a.set_(source) is a)
    source[0, 0] = 5  # a views source's memory now
    seen += [a.tolist(), tuple(a.shape), a.stride(), m.ones(3).set_().shape, m.ones(3).set_(source=m.zeros(2)).tolist()]
    return seen


def test_memory_methods_behave_as_torch():
    assert _script(tinygrad_rnn) == _script(require_torch())


def _shared_storage_script(m):
    """A tensor and its storages agree on being shared, whichever of them share_memory_() was called on."""
    t, u = m.ones(3), m.zeros(2, 2)
    seen = [t.untyped_storage().is_shared()]
    t.share_memory_()
    seen += [t.untyped_storage().is_shared(), t[1:].untyped_storage().is_shared()]
    storage = u.untyped_storage()
    seen += [storage.share_memory_() is storage, storage.is_shared(), u.is_shared(), u.t().is_shared(),
             u.clone().untyped_storage().is_shared()]
    return seen


def _moved_memory_script(m):
    """share_memory_() moves the memory (a new data_ptr, as torch's): a from_numpy tensor stops sharing the
    array's, and a second call leaves it where it is."""
    array = np.zeros((2, 3), dtype=np.float32)
    t = m.from_numpy(array)
    old = t.data_ptr()
    returned = t.share_memory_()
    array[0, 0] = 7  # no longer t's memory
    moved = t.data_ptr()
    t.share_memory_()
    u = m.arange(6.).reshape(3, 2).t()[1:]  # a view with an offset, of memory in column-major order
    return [returned is t, old != moved, t.data_ptr() == moved, t.tolist(), t.is_shared(), t[1:].is_shared(),
            u.share_memory_().tolist(), u.is_shared(), u.stride()]


def test_share_memory_moves_the_memory_as_torch():
    assert _moved_memory_script(tinygrad_rnn) == _moved_memory_script(require_torch())


def test_storage_share_memory_and_is_shared_behave_as_torch():
    assert _shared_storage_script(tinygrad_rnn) == _shared_storage_script(require_torch())


def test_as_subclass_passes_gradients():
    check_parity(lambda m, x: (x * 3).as_subclass(m.Tensor).sum(0), shapes=[(2, 3)])


@pytest.mark.parametrize("call", [
    lambda m: m.ones(2).as_subclass(int), lambda m: m.ones(3).set_(m.zeros(2, 2, dtype=m.int64)),
    lambda m: m.ones(3, requires_grad=True).set_(m.zeros(2)),
])
def test_memory_method_errors_match_torch(call):
    check_error(call)


def test_storage_forms_of_set_are_named_as_not_built():
    with pytest.raises(NotImplementedError, match="storage"):
        tinygrad_rnn.ones(3).set_(tinygrad_rnn.zeros(4), 1, (2,), (1,))

"""torch.utils.hooks.RemovableHandle against torch: ids, remove() from the hooks dict and extra dicts, `with`."""
from __future__ import annotations

import collections

from helpers import require_torch

import tinygrad_rnn


def _handles(m):
    Handle = m.utils.hooks.RemovableHandle
    hooks, extra = collections.OrderedDict(), collections.OrderedDict()
    first = Handle(hooks)
    hooks[first.id] = "first"
    second = Handle(hooks, extra_dict=extra)
    hooks[second.id], extra[second.id] = "second", True
    steps = [list(hooks.values()), second.id - first.id]
    second.remove()
    second.remove()  # a second remove does nothing
    steps.append((list(hooks.values()), dict(extra)))
    with Handle(hooks) as third:
        hooks[third.id] = "third"
        steps.append(list(hooks.values()))
    steps.append(list(hooks.values()))
    return steps


def test_removable_handle_is_torchs():
    torch = require_torch()
    assert _handles(tinygrad_rnn) == _handles(torch)


def test_the_handle_does_not_keep_the_hooks_alive():
    hooks = collections.OrderedDict()
    handle = tinygrad_rnn.utils.hooks.RemovableHandle(hooks)
    del hooks
    handle.remove()  # the dict is gone: nothing to do, no error

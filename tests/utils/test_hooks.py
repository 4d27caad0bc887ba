"""torch.utils.hooks.RemovableHandle against torch: ids, remove() from the hooks dict and extra dicts, `with`."""
from __future__ import annotations

import collections
import copy
import pickle
import re

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


def _kinds_of_handles(m):
    x = m.ones(2, requires_grad=True)
    handles = [x.register_hook(lambda g: g), m.nn.Linear(2, 2).register_forward_hook(lambda *a: None),
               (x * 2).grad_fn.register_hook(lambda gi, go: None), x.register_post_accumulate_grad_hook(lambda t: None)]
    return [isinstance(h, m.utils.hooks.RemovableHandle) for h in handles]


def test_every_hook_handle_is_a_removable_handle():
    torch = require_torch()
    assert _kinds_of_handles(tinygrad_rnn) == _kinds_of_handles(torch)


class _Hooked:
    """Stands in for a model that keeps the handle of a hook on one of its own dicts."""

    def __init__(self, m):
        self.hooks, self.extra = collections.OrderedDict(), collections.OrderedDict()
        self.handle = m.utils.hooks.RemovableHandle(self.hooks, extra_dict=self.extra)
        self.hooks[self.handle.id], self.extra[self.handle.id] = "hook", True


def _copied_handles(m):
    original = _Hooked(m)
    copied = copy.deepcopy(original)
    steps = [copied.handle.id == original.handle.id, copied.handle.hooks_dict_ref() is copied.hooks]
    copied.handle.remove()  # the copy's hook goes, the original's stays
    steps.append((dict(copied.hooks), dict(copied.extra), list(original.hooks.values())))
    unpickled = pickle.loads(pickle.dumps(original))
    steps.append((unpickled.handle.hooks_dict_ref() is unpickled.hooks, m.utils.hooks.RemovableHandle.next_id
                  > original.handle.id))
    lone = pickle.loads(pickle.dumps(original.handle))  # its dicts die with it: a dead reference
    steps.append((lone.hooks_dict_ref(), lone.remove()))
    return steps


def test_a_deep_copied_or_pickled_handle_follows_its_dicts_as_torchs():
    torch = require_torch()
    assert _copied_handles(tinygrad_rnn) == _copied_handles(torch)


def _printed_handles(m):
    """What print() shows for the handles of each kind of hook, addresses left out."""
    x = m.ones(2, requires_grad=True)
    model = m.nn.Linear(1, 1)
    handles = [x.register_hook(lambda g: g), (x * 2).grad_fn.register_hook(lambda *a: None),
               x.register_post_accumulate_grad_hook(lambda p: None), model.register_forward_hook(lambda *a: None),
               m.optim.SGD([x]).register_step_pre_hook(lambda *a: None),
               m.autograd.graph.register_multi_grad_hook([x], lambda g: None), m.utils.hooks.RemovableHandle(collections.OrderedDict()),
               m.no_grad(), m.enable_grad(), m.inference_mode()]
    texts = [re.sub("0x[0-9a-f]+", "0x?", repr(h)) for h in handles]
    for h in handles[:7]:
        h.remove()
    return texts


def test_handles_and_grad_mode_objects_print_as_torchs():
    torch = require_torch()
    assert _printed_handles(tinygrad_rnn) == _printed_handles(torch)

"""torch.func's helpers for traced programs, against torch: functionalize (the same results and input
mutations), debug_unwrap, and replace_all_batch_norm_modules_ (the "patching batch norm" recipe)."""
import pytest
from helpers import require_torch

import tinygrad_rnn as tg


def _batch_norms(m):
    return m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3), m.nn.InstanceNorm1d(3, track_running_stats=True),
                           m.nn.Sequential(m.nn.BatchNorm1d(3, affine=False)))


def test_replace_all_batch_norm_modules_drops_the_running_statistics_of_batch_norms_only():
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        m.manual_seed(0)
        net = _batch_norms(m)
        same = m.func.replace_all_batch_norm_modules_(net) is net
        out = net[:2].eval()(m.randn(4, 2))  # even in eval mode: the batch's statistics
        seen.append((same, list(dict(net.named_buffers())), list(net.state_dict()),
                     [getattr(mod, "track_running_stats", None) for mod in net.modules()],
                     [round(v, 6) for v in out.detach().reshape(-1).tolist()]))
    assert seen[0] == seen[1]


def _adds_one_in_place(x):
    x.add_(1)
    y = x.clone()
    y.mul_(2)
    return y


@pytest.mark.parametrize("remove", ["mutations", "mutations_and_views", "bad"])
def test_functionalize_gives_the_functions_results_and_checks_remove(remove):
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        x = m.ones(2)
        try:
            out = m.func.functionalize(_adds_one_in_place, remove=remove)(x)
        except RuntimeError as e:
            seen.append(str(e))
            continue
        seen.append((out.tolist(), x.tolist(), m.func.debug_unwrap(x) is x))
    assert seen[0] == seen[1]

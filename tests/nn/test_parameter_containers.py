"""ParameterList and ParameterDict behave (names, reprs, conversion, errors) as torch's."""
import pytest
from helpers import require_torch

import tinygrad_rnn


def _story(m):
    """The same container code on either framework; returns what a user would look at."""
    nn = m.nn
    seen = []
    pl = nn.ParameterList([nn.Parameter(m.ones(2, 3)), nn.Parameter(m.zeros(3))])
    pl.append(m.ones(2))  # a plain tensor becomes a Parameter
    seen += [repr(pl), [n for n, _ in pl.named_parameters()], len(pl), type(pl[2]).__name__,
             pl[2].requires_grad, tuple(pl[-1].shape), [tuple(p.shape) for p in pl]]
    pd = nn.ParameterDict({"a": nn.Parameter(m.ones(2)), "b": m.zeros(3, dtype=m.float64)})
    seen += [repr(pd), list(pd.state_dict()), type(pd["b"]).__name__, "a" in pd, list(pd.keys())]
    holder = nn.Module()
    holder.ps = nn.ParameterList([nn.Parameter(m.ones(1))])
    holder.d = pd
    seen += [repr(holder), list(holder.state_dict()), len(list(holder.parameters())), repr(nn.ParameterList())]
    del pd["a"]
    seen += [list(pd.keys()), list(holder.state_dict())]
    return seen


def test_parameter_containers_match_torch():
    torch = require_torch()
    assert _story(tinygrad_rnn) == _story(torch)


def test_parameter_list_index_error_matches_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(IndexError, match="index 5 is out of range"):
            m.nn.ParameterList([m.nn.Parameter(m.ones(1))])[5]


def test_parameter_list_gradients_reach_every_entry():
    weights = tinygrad_rnn.nn.ParameterList([tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(2) * i) for i in range(3)])
    sum(w.sum() * (i + 1) for i, w in enumerate(weights)).backward()
    assert [w.grad.tolist() for w in weights] == [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]

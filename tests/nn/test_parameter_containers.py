"""ParameterList and ParameterDict behave (names, reprs, conversion, errors) as torch's."""
import warnings
from collections import OrderedDict

import pytest
from helpers import require_torch
from nn_helpers import differences

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


def _two_entries(m):
    return m.nn.ParameterDict(OrderedDict(x=m.nn.Parameter(m.ones(1)), y=m.nn.Parameter(m.zeros(2))))


PARAMETER_DICT_CASES = {
    "get": lambda m, pd: (pd.get("zz"), pd.get("x") is pd["x"], pd.get("zz", 5)),
    "setdefault of a key it has": lambda m, pd: pd.setdefault("x", m.ones(3)) is pd["x"],
    "setdefault of a new key": lambda m, pd: (pd.setdefault("n", m.ones(3)), pd),
    "popitem": lambda m, pd: (pd.popitem(), list(pd)),
    "copy": lambda m, pd: (pd.copy(), pd.copy()["x"] is pd["x"]),
    "clear": lambda m, pd: (pd.clear(), pd, len(pd)),
    "fromkeys": lambda m, pd: (pd.fromkeys(["a", "b"]), pd.fromkeys(["c"], m.ones(1))),
    "reversed": lambda m, pd: list(reversed(pd)),
    "or": lambda m, pd: pd | {"r": m.ones(1)},
    "ror": lambda m, pd: list({"r": m.ones(1)} | pd),
    "ior": lambda m, pd: pd.__ior__({"r": m.ones(1)}) is pd and list(pd),
    "a plain dict goes in sorted": lambda m, pd: list(m.nn.ParameterDict({"b": m.ones(1), "a": m.ones(1)})),
    "an OrderedDict keeps its order": lambda m, pd: list(m.nn.ParameterDict(OrderedDict(b=m.ones(1), a=m.ones(1)))),
    "update with a number": lambda m, pd: pd.update(3),
    "update with a bad element": lambda m, pd: pd.update([3]),
    "update with a triple": lambda m, pd: pd.update([("a", m.ones(1), 3)]),
    "constructed from a number": lambda m, pd: m.nn.ParameterDict(3),
    "a key that is not a string": lambda m, pd: pd.__setitem__(3, m.ones(1)),
    "called": lambda m, pd: pd(1),
    "a ParameterList called": lambda m, pd: m.nn.ParameterList([m.ones(1)])(1),
    "a ParameterList's dir": lambda m, pd: [k for k in dir(m.nn.ParameterList([m.ones(1)])) if k[0].isdigit()],
}


def test_parameter_dict_has_torchs_dict_methods_and_errors():
    assert differences(PARAMETER_DICT_CASES, _two_entries) == []


def _container_story(m):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = m.nn.Container(a=m.nn.ReLU(), b=m.nn.Linear(1, 1))

        class Sub(m.nn.Container):
            pass

        sub = Sub(x=m.nn.Tanh())
    return [repr(made), list(made.state_dict()), repr(sub), [(w.category.__name__, str(w.message)) for w in caught],
            m.nn.modules.container.Container is m.nn.Container]


def test_the_deprecated_container_warns_and_registers_its_children_as_torchs():
    torch = require_torch()
    assert _container_story(tinygrad_rnn) == _container_story(torch)

"""Tensor subclasses written the way fast.ai's book writes its Parameter (ch19):
`Tensor._make_subclass(cls, data, require_grad)`, and how torch prints such an instance."""
import pytest
from helpers import require_torch

import tinygrad_rnn


def _subclass_of(m):
    class P(m.Tensor):
        pass
    return P


def test_make_subclass_is_a_detached_alias_of_the_given_class():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        P = _subclass_of(m)
        x = m.ones(2, 3)
        p = m.Tensor._make_subclass(P, x, True)
        x.add_(1)  # the same memory and version counter as x
        q = m.Tensor._make_subclass(P, m.ones(2, requires_grad=True) * 2)
        (p * 3).sum().backward()
        seen.append((type(p) is P, p.requires_grad, p.is_leaf, p.grad_fn, p._version, p.tolist(), p.grad.tolist(),
                     q.requires_grad, q.is_leaf, repr(p), repr(q), str(p)))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("args", ["list", "not_a_tensor_class", "int_requiring_grad"])
def test_make_subclass_errors_match_torch(args):
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        P = _subclass_of(m)
        call = {"list": (P, [1.0]), "not_a_tensor_class": (int, m.ones(2)),
                "int_requiring_grad": (P, m.ones(2, dtype=m.long), True)}[args]
        with pytest.raises(Exception) as info:
            m.Tensor._make_subclass(*call)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]



def test_type_of_a_tensor_and_a_parameter_print_as_torchs():
    from helpers import require_torch
    torch = require_torch()
    import tinygrad_rnn as tg
    for make in (lambda m: m.ones(2), lambda m: m.nn.Parameter(m.ones(2)), lambda m: m.nn.Linear(2, 1).weight,
                 lambda m: m.ones(2, requires_grad=True) * 2):
        assert str(type(make(tg))) == str(type(make(torch)))
    assert repr(tg.Tensor) == repr(torch.Tensor) and tg.typename(tg.nn.Parameter) == torch.typename(torch.nn.Parameter)

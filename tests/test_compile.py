"""torch.compile (compile.py) returns what torch's returns, checks its arguments as torch, and changes no number."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn


def _compiled_module(m):
    m.manual_seed(0)
    linear = m.nn.Linear(2, 1)
    compiled = m.compile(linear, backend="eager")  # eager: torch would otherwise build C++ kernels
    compiled.eval()
    loss = compiled(m.ones(3, 2)).sum()
    loss.backward()
    return (type(compiled).__name__, isinstance(compiled, m.nn.Module), compiled is linear, repr(compiled),
            list(compiled.state_dict()), [n for n, _ in compiled.named_parameters()], compiled.weight is linear.weight,
            compiled.in_features, compiled._orig_mod is linear, m.compile(linear, disable=True) is linear,
            linear.training, loss.item(), linear.weight.grad.tolist())


def _compiled_functions(m):
    def double(x):
        return x * 2

    @m.compile(backend="eager")
    def plus_one(x):
        return x + 1

    compiled = m.compile(double, backend="eager")
    return compiled.__name__, compiled(m.ones(2)).tolist(), plus_one(m.ones(1)).tolist()


def test_a_compiled_module_is_torchs_optimized_module():
    torch = require_torch()
    assert _compiled_module(tinygrad_rnn) == _compiled_module(torch)


def test_compiled_functions_run_as_written():
    torch = require_torch()
    assert _compiled_functions(tinygrad_rnn) == _compiled_functions(torch)


@pytest.mark.parametrize("kwargs", [dict(mode="bogus"), dict(mode="max-autotune", options={"a": 1}),
                                    dict(backend="nope"), dict(model=3)])
def test_compile_arguments_are_checked_as_torch(kwargs):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        call = {"model": m.nn.Linear(1, 1), **kwargs}
        with pytest.raises(Exception) as caught:
            m.compile(**call)
        outcomes.append((issubclass(caught.type, RuntimeError), issubclass(caught.type, AssertionError),
                         str(caught.value)))
    assert outcomes[0] == outcomes[1]


def Users(m):
    class Users(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = m.nn.Linear(3, 2)

        def forward(self, x):
            return m.nn.functional.relu(self.linear(x))
    return Users()


def _node_names(m, backend):
    """The grad_fn names a compiled call's outputs show, and the gradients through them."""
    m.manual_seed(0)
    m.compiler.reset()
    x = m.linspace(-1, 1, 6, dtype=m.float64).reshape(2, 3).requires_grad_()

    def f(a, b):
        return (a.sin() * b).sum(1), a.view(3, 2), a[0], a.detach() * 2

    outs = m.compile(f, backend=backend)(x, m.ones(3, dtype=m.float64))
    seen = [None if o.grad_fn is None else o.grad_fn.name() for o in outs]
    seen.append(len(outs[0].grad_fn.next_functions))
    module = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Tanh()).double()
    in_place = m.nn.Linear(3, 2).double()  # compiled in place: torch's own layer's forward is left alone
    in_place.compile(backend=backend)
    users = Users(m).double()  # ... a user's forward is not
    users.compile(backend=backend)
    y = m.compile(module, backend=backend)(x) + in_place(x) + users(x)
    seen += [edge[0].name() for edge in y.grad_fn.next_functions[0][0].next_functions]
    seen.append(y.grad_fn.next_functions[1][0].name())
    (outs[0].sum() + y.sum()).backward()
    with m.no_grad():
        seen.append(m.compile(f, backend=backend)(x, x)[0].grad_fn)
    return seen, x.grad.tolist(), module[0].weight.grad.tolist()


@pytest.mark.parametrize("backend", ["aot_eager", "eager"])
def test_compiled_outputs_show_torchs_nodes(backend):
    # aot_eager: torch's one CompiledFunctionBackward node (as inductor, the default, makes, without building
    # C++ kernels); eager: torch's own ops' nodes. Views of an input keep their view nodes either way.
    torch = require_torch()
    ours, theirs = _node_names(tinygrad_rnn, backend), _node_names(torch, backend)
    assert ours[0] == theirs[0]
    for our_grads, their_grads in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(our_grads, their_grads, rtol=1e-12)


def test_torch_compiler_functions():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        assert m.compiler.is_compiling() is False and m.compiler.is_dynamo_compiling() is False
        assert m.compiler.disable(lambda v: v + 1)(1) == 2 and m.compiler.disable()(lambda v: v)(3) == 3
        assert m.compiler.reset() is None and m._dynamo.reset() is None
    assert tinygrad_rnn.compiler.list_backends() == torch.compiler.list_backends()


def test_a_custom_backend_is_named_as_not_implemented():
    with pytest.raises(NotImplementedError, match="custom backend"):
        tinygrad_rnn.compile(lambda x: x, backend=lambda gm, example_inputs: gm.forward)


def _attribute_story(m):
    """Attributes set, deleted and read through a compiled module land on the original, as in torch."""
    net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own DeprecationWarnings from inside compile
        compiled = m.compile(net)
    seen = []
    compiled.eval()
    seen += [compiled.training, net.training, net[0].training]
    compiled.train()
    compiled.training = False
    seen += [compiled.training, net.training]
    compiled.foo = 3
    seen += [net.__dict__.get("foo"), compiled.foo, "foo" in compiled.__dict__]
    compiled.head = m.nn.Linear(2, 1)
    compiled.scale = m.nn.Parameter(m.ones(1))
    seen += [[n for n, _ in net.named_children()], [n for n, _ in compiled.named_children()],
             list(compiled.state_dict()), [n for n, _ in net.named_parameters()]]
    del compiled.head
    seen += [[n for n, _ in net.named_children()], len(compiled)]
    for call in (lambda: delattr(compiled, "zz"), lambda: len(m.compile(m.nn.Linear(2, 2)))):
        try:
            call()
        except (AttributeError, TypeError) as error:
            seen.append(f"{type(error).__name__}: {error}")
    return seen


def test_a_compiled_modules_attributes_are_the_originals_as_in_torch():
    torch = require_torch()
    assert _attribute_story(tinygrad_rnn) == _attribute_story(torch)


def _compiled_call_warnings(m):
    """torch.compile(module) called while a global module hook is registered warns, and once it is removed not."""
    from importlib import import_module
    hooks = import_module(m.__name__ + ".nn.modules.module")
    compiled = m.compile(m.nn.Linear(2, 2), backend="eager")
    seen = []
    for registered in (True, False):
        handle = hooks.register_module_forward_hook(lambda mod, a, o: None)
        if not registered:
            handle.remove()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compiled(m.ones(1, 2))
        if registered:
            handle.remove()
        seen.append([str(w.message) for w in caught])
    return seen


def test_a_compiled_module_warns_of_global_hooks_as_torch():
    assert _compiled_call_warnings(tinygrad_rnn) == _compiled_call_warnings(require_torch())

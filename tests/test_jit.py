"""torch.jit (jit.py): script and trace return torch's kinds of wrappers, which run the original code
with the same numbers; what needs a TorchScript graph raises NotImplementedError."""
from __future__ import annotations

import typing
import warnings

import pytest
from helpers import require_torch

import tinygrad_rnn


def _cell(m):
    class MyCell(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = m.nn.Linear(4, 4)
            self.drop = m.nn.Dropout(0.5)

        def forward(self, x, h):
            new_h = m.tanh(self.drop(self.linear(x)) + h)
            return new_h, new_h

    m.manual_seed(0)
    return MyCell(), m.rand(3, 4), m.rand(3, 4)


def _rounded(t):
    """To float32 rounding: the two libraries may differ in the last bit."""
    return [[round(v, 5) for v in row] for row in t.tolist()]


def _traced_and_scripted(m):
    cell, x, h = _cell(m)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        traced = m.jit.trace(cell.eval(), (x, h))
        scripted = m.jit.script(cell)
    out = traced(x, h)[0]
    out.sum().backward()
    scripted.train()
    return (repr(traced), repr(scripted), type(traced).__name__, type(scripted).__name__, type(traced.linear).__name__,
            _rounded(out), scripted(x, h)[0].tolist() == out.tolist(), _rounded(cell.linear.weight.grad),
            list(traced.state_dict()), traced.linear.weight is cell.linear.weight, cell.training, cell.drop.training,
            traced.original_name, sorted({f"{w.category.__name__}: {w.message}" for w in caught}))


def test_trace_and_script_wrap_the_module_as_torch_and_share_its_parameters():
    torch = require_torch()
    assert _traced_and_scripted(tinygrad_rnn) == _traced_and_scripted(torch)


def _functions(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        @m.jit.script
        def double(x):
            return x * 2

        traced = m.jit.trace(lambda a, b: a + b, (m.ones(2), m.ones(2)))
        ignored = m.jit.ignore(lambda: 1)
        dropped = m.jit.ignore(drop=True)(lambda: 2)
    return (type(double).__name__, double.name, double.qualified_name, double(m.ones(2)).tolist(), type(traced).__name__,
            traced(m.ones(2), m.ones(2)).tolist(), m.jit.is_scripting(), m.jit.is_tracing(), ignored(), dropped(),
            m.jit.unused(lambda: -1)(), m.jit.export(lambda: -2)(), m.jit.annotate(list[int], [3]), m.jit.Final)


def test_functions_and_markers_behave_as_torchs():
    torch = require_torch()
    assert _functions(tinygrad_rnn) == _functions(torch)


def test_wrong_arguments_raise_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(RuntimeError, match="cannot be compiled since it inherits from nn.Module"):
                m.jit.script(m.nn.Linear)
            with pytest.raises(TypeError, match="is a built-in class"):
                m.jit.script(3)


def test_what_needs_a_graph_says_so():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = tinygrad_rnn.jit.script(tinygrad_rnn.nn.Linear(2, 2))
        for name in ("code", "graph", "save"):
            with pytest.raises(NotImplementedError, match=f"ScriptModule.{name} needs a TorchScript graph"):
                getattr(scripted, name)
        with pytest.raises(NotImplementedError, match="torch.jit.save"):
            tinygrad_rnn.jit.save(scripted, "unused.pt")
        with pytest.raises(NotImplementedError, match="torch.jit.load"):
            tinygrad_rnn.jit.load("unused.pt")


def _traced_gate(m):
    seen_tracing = []

    class Gate(m.nn.Module):
        def forward(self, x):
            seen_tracing.append(m.jit.is_tracing())
            if x.sum() > 0:
                return x * x.max().item()
            return -x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        traced = m.jit.trace(Gate(), m.ones(2))
        after = traced(-m.ones(2)).tolist()  # ours decides again; torch's trace kept the first branch
    texts = sorted({f"{w.category.__name__}: {w.message}" for w in caught if w.category is not DeprecationWarning})
    return texts, seen_tracing[0], m.jit.is_tracing(), issubclass(m.jit.TracerWarning, Warning), after


def test_a_trace_warns_when_a_tensor_becomes_a_python_value():
    torch = require_torch()
    before = {name: getattr(tinygrad_rnn.Tensor, name) for name in ("__bool__", "item", "tolist")}
    ours, theirs = _traced_gate(tinygrad_rnn), _traced_gate(torch)
    assert ours[:4] == theirs[:4]
    assert ours[4] == [1.0, 1.0] and theirs[4] == [-1.0, -1.0]  # the documented difference
    assert {name: getattr(tinygrad_rnn.Tensor, name) for name in before} == before  # put back after the trace


def _traced_rnn_warnings(m, kind, with_state, batch_first):
    """The warnings a trace of an RNN module gives (torch's compare hx.size() with traced sizes), and
    whether script and eager calls after it are quiet again."""
    m.manual_seed(0)
    rnn = getattr(m.nn, kind)(4, 5, batch_first=batch_first)
    x = m.randn(3, 2, 4)
    h = m.zeros(1, 3 if batch_first else 2, 5)
    args = (x, (h, h.clone()) if kind == "LSTM" else h) if with_state else x
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        traced = m.jit.trace(rnn, args)
        during = {f"{w.category.__name__}: {w.message}" for w in caught if w.category is not DeprecationWarning}
        caught.clear()
        traced(*args) if with_state else traced(args)
        rnn(x)
        after = [str(w.message) for w in caught]
    return sorted(during), after


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("with_state, batch_first", [(False, False), (True, True)])
def test_tracing_an_rnn_warns_of_its_hidden_size_check_as_torch(kind, with_state, batch_first):
    torch = require_torch()
    ours = _traced_rnn_warnings(tinygrad_rnn, kind, with_state, batch_first)
    assert ours == _traced_rnn_warnings(torch, kind, with_state, batch_first)
    assert ours[0] and not ours[1]
    assert tinygrad_rnn.nn.rnn_base.RNNBase.forward.__qualname__ == "RNNBase.forward"  # put back after the trace


def _scripted_rnns(m):
    """torch.jit.script of an RNN module itself, of a cell, and of a model that holds an LSTM."""
    m.manual_seed(0)
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for cls in (m.nn.LSTM, m.nn.GRU, m.nn.RNN, m.nn.LSTMCell):
            scripted = m.jit.script(cls(4, 5))
            seen += [type(scripted).__name__, str(scripted), hasattr(scripted, "forward"), "forward" in dir(scripted)]
            try:
                seen.append(tuple(scripted(m.randn(3, 4))[0].shape))
            except AttributeError as e:
                seen.append(str(e))
        model = m.jit.script(m.nn.Sequential(m.nn.LSTM(4, 5)))
        seen += [str(model), tuple(model(m.randn(3, 4))[0].shape), hasattr(model[0], "forward")]
    return seen


def test_a_scripted_rnn_has_no_forward_of_its_own_as_torchs():
    """torch compiles the overloads of an RNN's forward under other names: the scripted RNN itself cannot
    be called (AttributeError), a scripted model holding one can."""
    assert _scripted_rnns(tinygrad_rnn) == _scripted_rnns(require_torch())


def _fork_freeze_attribute(m):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        future = m.jit.fork(lambda x, scale=1: x * scale, m.ones(2), scale=3)
        forked = (m.jit.wait(future).tolist(), future.wait().tolist(), future.done())
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.Dropout(0.5), m.nn.BatchNorm1d(3))
        errors = []
        for given in (net, m.jit.script(net)):
            try:
                m.jit.freeze(given)
            except RuntimeError as e:
                errors.append(str(e))
        scripted = m.jit.script(net).eval()
        frozen = m.jit.freeze(scripted)
        optimized = m.jit.optimize_for_inference(m.jit.script(net))
        x = m.ones(4, 2)
        outputs = [[round(v, 4) for v in out.sum(1).tolist()] for out in (frozen(x), optimized(x))]

        class Counter(m.jit.ScriptModule):
            def __init__(self):
                super().__init__()
                self.count = m.jit.Attribute(3, int)

            @m.jit.script_method
            def forward(self, x):
                return x * self.count

        counter = Counter()
    return (forked, errors, type(frozen).__name__, repr(frozen), list(frozen.named_parameters()), outputs,
            net.training, scripted.training, counter.count, counter(m.ones(1)).tolist(), repr(counter),
            repr(m.jit.Attribute(3, int)), sorted({f"{w.category.__name__}: {w.message}" for w in caught}))


def test_fork_wait_freeze_and_attribute_behave_as_torchs():
    torch = require_torch()
    assert _fork_freeze_attribute(tinygrad_rnn) == _fork_freeze_attribute(torch)


def _api_corners(m):
    class Base(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = m.nn.Linear(2, 2)

        def forward(self, x):
            return self.linear(x)

    class Exporting(Base):
        @m.jit.export
        def extra(self, x):
            return x + 1

    class Child(Exporting):
        pass

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        base = Base()
        kinds = [type(m.jit.trace(base.forward, m.ones(1, 2))).__name__]
        kinds += [type(m.jit.trace(cls(), m.ones(1, 2))).__name__ for cls in (Base, Exporting, Child)]
        checks = [m.jit.isinstance([1, 2], list[int]), m.jit.isinstance([1, "a"], list[int]),
                  m.jit.isinstance({"a": m.ones(1)}, dict[str, m.Tensor]), m.jit.isinstance((1, "a"), tuple[int, str]),
                  m.jit.isinstance((1, "a"), tuple[int, int]), m.jit.isinstance(None, typing.Optional[int]),  # noqa: UP045
                  m.jit.isinstance([], list[int]), m.jit.isinstance(m.ones(1), m.Tensor)]
    errors = []
    for bare in (list, dict, typing.List, typing.Dict, typing.Optional):  # noqa: UP006  (torch names each form)
        try:
            m.jit.isinstance([1], bare)
        except RuntimeError as e:
            errors.append(str(e))
    return kinds, checks, errors, sorted({f"{w.category.__name__}: {w.message}" for w in caught})


def test_traced_bound_forward_exported_methods_and_jit_isinstance_as_torch():
    torch = require_torch()
    assert _api_corners(tinygrad_rnn) == _api_corners(torch)


def _forward_runs(m, check_trace):
    calls = []

    class Counting(m.nn.Module):
        def forward(self, x):
            calls.append(m.is_grad_enabled())
            return x * 2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.jit.trace(Counting(), m.ones(2), check_trace=check_trace)
        m.jit.trace(lambda x: calls.append("function") or x, m.ones(2), check_trace=check_trace)
    return calls


@pytest.mark.parametrize("check_trace", [True, False])
def test_a_trace_runs_the_python_code_as_often_as_torchs(check_trace):
    torch = require_torch()
    assert _forward_runs(tinygrad_rnn, check_trace) == _forward_runs(torch, check_trace)


def _containers(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        listed = m.jit.script(m.nn.ModuleList([m.nn.Linear(1, 1), m.nn.ReLU()]))
        seq = m.jit.script(m.nn.Sequential(m.nn.Linear(1, 1), m.nn.Tanh()))
        single = m.jit.script(m.nn.Linear(1, 1))
        traced = m.jit.trace(m.nn.Sequential(m.nn.Linear(1, 1)), m.ones(1, 1))
    found = [type(listed[0]).__name__, len(listed), [type(c).__name__ for c in listed], type(seq[1]).__name__,
             type(seq[0:1]).__name__, len(seq), bool(single), bool(listed)]
    for attempt in (lambda: single[0], lambda: len(single), lambda: iter(single), lambda: traced[0], lambda: len(traced)):
        try:
            attempt()
            found.append("no error")
        except (TypeError, NotImplementedError) as e:
            found.append(f"{type(e).__name__}: {e}")
    return found


def test_scripted_containers_index_and_iterate_as_torchs():
    torch = require_torch()
    assert _containers(tinygrad_rnn) == _containers(torch)

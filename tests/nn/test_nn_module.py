"""The Module system (Parameter, Module, Sequential, ModuleList, ModuleDict) against torch: the same
model built on both sides must give the same names, order, keys, reprs, messages and semantics."""
import copy
import pickle
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch
from nn_helpers import differences

import tinygrad_rnn


def build_net(m):
    """A nested model using only the module system and the RNN family (so it exists on both sides)."""

    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = m.nn.RNN(4, 3, num_layers=2)
            self.scale = m.nn.Parameter(m.ones(3))
            self.cells = m.nn.ModuleList([m.nn.RNNCell(3, 3) for _ in range(3)] + [m.nn.RNNCell(3, 2, bias=False)])
            self.heads = m.nn.ModuleDict({"b": m.nn.RNNCell(3, 1), "a": m.nn.Sequential(m.nn.RNNCell(3, 2))})
            self.register_buffer("steps", m.zeros(2))
            self.register_buffer("scratch", m.zeros(1), persistent=False)
            self.register_parameter("unused", None)
            self.shared = self.encoder  # the same module under two names
            self.tied = self.scale  # the same parameter under two names

        def forward(self, x):
            out, _ = self.encoder(x)
            return out * self.scale

    return Net()


@pytest.fixture
def nets():
    torch = require_torch()
    return build_net(torch), build_net(tinygrad_rnn)


def test_named_parameters_order_names_and_no_duplicates(nets):
    theirs, ours = nets
    gen = ours.named_parameters()
    assert iter(gen) is gen  # a generator, as torch's
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_parameters(prefix="model", recurse=False)] == \
        [n for n, _ in theirs.named_parameters(prefix="model", recurse=False)]
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in theirs.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]


def test_module_traversal_matches_torch(nets):
    theirs, ours = nets
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [type(c).__name__ for c in ours.children()] == [type(c).__name__ for c in theirs.children()]
    assert [type(c).__name__ for c in ours.modules()] == [type(c).__name__ for c in theirs.modules()]
    calls = []
    for net in nets:
        seen = []
        net.apply(lambda mod, seen=seen: seen.append(type(mod).__name__))
        calls.append(seen)
    assert calls[0] == calls[1]


def test_state_dict_keys_shapes_and_values_match_torch(nets):
    theirs, ours = nets
    sd_t, sd_o = theirs.state_dict(), ours.state_dict()
    assert type(sd_o).__name__ == "OrderedDict"
    assert list(sd_o) == list(sd_t)  # shared modules appear under both names; non-persistent buffers do not
    assert list(ours.state_dict(prefix="m.")) == list(theirs.state_dict(prefix="m."))
    assert ours.load_state_dict(sd_t).__repr__() == "<All keys matched successfully>"
    for key in sd_t:
        np.testing.assert_array_equal(ours.state_dict()[key].numpy(), sd_t[key].numpy())
    assert all(not v.requires_grad for v in ours.state_dict().values())
    assert ours.state_dict(keep_vars=True)["scale"] is ours.scale


def test_nested_repr_matches_torch(nets):
    theirs, ours = nets
    assert repr(ours) == repr(theirs)
    assert repr(tinygrad_rnn.nn.Sequential()) == repr(require_torch().nn.Sequential())
    assert repr(tinygrad_rnn.nn.ModuleList()) == repr(require_torch().nn.ModuleList())


def test_load_state_dict_nested_errors_match_torch():
    def load(m, strict):
        net = build_net(m)
        sd = dict(net.state_dict())
        del sd["encoder.bias_hh_l1"]
        sd["cells.0.weight_ih"] = m.zeros(3, 5)
        sd["cells.9.weight_ih"] = m.zeros(1)
        sd["heads.a.0.bias_ih.extra"] = m.zeros(1)
        sd["nothing"] = m.zeros(1)
        raise RuntimeError(repr(net.load_state_dict(sd, strict=strict)))

    check_error(load, True)
    check_error(lambda m: build_net(m).load_state_dict([1]))


def test_load_state_dict_non_strict_returns_incompatible_keys():
    def load(m):
        net = build_net(m)
        sd = dict(net.state_dict())
        del sd["scale"]
        sd["extra"] = m.zeros(1)
        raise RuntimeError(repr(net.load_state_dict(sd, strict=False)))

    check_error(load)
    result = tinygrad_rnn.nn.RNN(2, 2).load_state_dict({}, strict=False)
    assert result.missing_keys == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert result.unexpected_keys == []


def test_load_state_dict_accepts_torch_tensors_and_numpy():
    torch = require_torch()
    theirs = torch.nn.RNN(3, 2).double()
    ours = tinygrad_rnn.nn.RNN(3, 2)
    ours.load_state_dict(theirs.state_dict())  # float64 torch tensors into a float32 module
    assert ours.weight_ih_l0.dtype is tinygrad_rnn.float32
    np.testing.assert_allclose(ours.weight_ih_l0.detach().numpy(), theirs.weight_ih_l0.detach().numpy(), rtol=1e-7)
    ours.load_state_dict({k: np.full(v.shape, 0.5) for k, v in ours.state_dict().items()})
    assert (ours.weight_hh_l0.detach().numpy() == 0.5).all()


@pytest.mark.parametrize("value", [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], 3.0])
def test_load_state_dict_refuses_lists_and_numbers_as_torch(value):
    check_error(lambda m: m.nn.Linear(3, 2).load_state_dict({"weight": value, "bias": m.zeros(2)}))


@pytest.mark.parametrize("what", ["foo", "bias_ih_l0"])
def test_unknown_attribute_message(what):
    check_error(lambda m: getattr(m.nn.RNN(4, 2, bias=False), what))
    check_error(lambda m: getattr(build_net(m), what))


def test_zero_grad_sets_none_by_default_and_zeros_on_request(nets):
    torch = require_torch()
    for lib, net in zip((torch, tinygrad_rnn), nets):
        out = net(lib.randn(2, 1, 4))
        out.sum().backward()
        assert all(p.grad is not None for p in net.encoder.parameters())
        net.zero_grad(set_to_none=False)
        assert all(p.grad is not None and not p.grad.any() for p in net.encoder.parameters())
        net.zero_grad()
        assert all(p.grad is None for p in net.parameters())


def test_train_eval_propagate_and_return_self(nets):
    for net in nets:
        assert net.eval() is net
        assert all(not mod.training for mod in net.modules())
        assert net.train() is net and all(mod.training for mod in net.modules())
        net.cells.train(False)
        assert net.training and not net.cells[0].training and net.heads.training
    check_error(lambda m: build_net(m).train(1))


def test_requires_grad_and_conversions():
    net = build_net(tinygrad_rnn)
    assert net.requires_grad_(False) is net and not any(p.requires_grad for p in net.parameters())
    params = list(net.parameters())
    assert net.to(tinygrad_rnn.float64) is net
    assert all(a is b for a, b in zip(params, net.parameters()))  # the same Parameter objects
    assert all(p.dtype is tinygrad_rnn.float64 for p in net.parameters())
    assert net.steps.dtype is tinygrad_rnn.float64
    assert net.float() is net and net.encoder.weight_ih_l0.dtype is tinygrad_rnn.float32
    assert net.to("cpu") is net and net.cpu() is net and net.to(tinygrad_rnn.device("cpu")) is net
    assert net.double().encoder._flat_weights[0].dtype is tinygrad_rnn.float64
    check_error(lambda m: build_net(m).to(m.int64))


@pytest.mark.parametrize("args, kwargs", [
    ((lambda x: x,), {}),  # torch's AveragedModel example passes avg_fn where device goes
    (("cpu", "cpu"), {}),
    ((), {"dtype": "float64"}),
    ((), {"device": object()}),
    ((), {"bogus": 1}),
    (("cpu", tinygrad_rnn.float64, False, False, 1), {}),
])
def test_module_to_rejects_what_fits_no_overload_as_torch_does(args, kwargs):
    def convert(m):
        given = tuple(m.float64 if a is tinygrad_rnn.float64 else a for a in args)
        return m.nn.Linear(2, 2).to(*given, **kwargs)
    check_error(convert)


def test_module_to_reads_every_overload():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        assert m.nn.Linear(2, 2).to(m.float64, False).weight.dtype is m.float64
        assert m.nn.Linear(2, 2).to("cpu", m.float64, non_blocking=True).weight.dtype is m.float64
        assert m.nn.Linear(2, 2).to(m.zeros(1, dtype=m.float64)).weight.dtype is m.float64
        assert m.nn.Linear(2, 2).to(dtype=m.float64, device="cpu").weight.dtype is m.float64


def test_deepcopy_gives_independent_parameters_and_keeps_sharing():
    net = build_net(tinygrad_rnn)
    clone = copy.deepcopy(net)
    assert clone.shared is clone.encoder and clone.tied is clone.scale
    assert isinstance(clone.scale, tinygrad_rnn.nn.Parameter)
    with tinygrad_rnn.no_grad():
        clone.scale.fill_(7.0)
    assert net.scale.detach().numpy().tolist() == [1.0, 1.0, 1.0]
    assert clone.encoder._flat_weights[0] is clone.encoder.weight_ih_l0
    restored = pickle.loads(pickle.dumps(tinygrad_rnn.nn.RNN(3, 2)))
    assert isinstance(restored.weight_ih_l0, tinygrad_rnn.nn.Parameter)


def test_registration_rules():
    m = tinygrad_rnn.nn.Module()
    m.w = tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(2))
    m.child = tinygrad_rnn.nn.RNNCell(2, 2)
    m.plain = 3
    assert list(m._parameters) == ["w"] and list(m._modules) == ["child"] and m.plain == 3
    assert {"w", "child", "plain"} <= set(dir(m))
    m.plain = tinygrad_rnn.nn.RNNCell(2, 2)  # a name lives in one place only
    assert "plain" not in m.__dict__ and "plain" in m._modules
    del m.plain
    assert "plain" not in m._modules
    m.w = None  # a registered parameter may become None (absent), but not another kind of value
    assert "w" in m._parameters and m.w is None and list(m.parameters()) == list(m.child.parameters())
    assert m.get_submodule("child") is m.child and m.get_parameter("child.weight_ih") is m.child.weight_ih


REGISTRATION_ERRORS = {
    "tensor as parameter": lambda m, mod: setattr(mod, "p", m.ones(2)),
    "int as parameter": lambda m, mod: setattr(mod, "p", 3),
    "int as child": lambda m, mod: setattr(mod, "c", 3),
    "tensor as child": lambda m, mod: setattr(mod, "c", m.ones(2)),
    "int as buffer": lambda m, mod: setattr(mod, "b", 3),
    "list as buffer": lambda m, mod: setattr(mod, "b", [1]),
    "param name int": lambda m, mod: mod.register_parameter(3, None),
    "param name dot": lambda m, mod: mod.register_parameter("a.b", None),
    "param name empty": lambda m, mod: mod.register_parameter("", None),
    "param name taken": lambda m, mod: mod.register_parameter("w", None),
    "param not Parameter": lambda m, mod: mod.register_parameter("q", m.ones(2)),
    "buffer name int": lambda m, mod: mod.register_buffer(3, None),
    "buffer name dot": lambda m, mod: mod.register_buffer("a.b", None),
    "buffer name empty": lambda m, mod: mod.register_buffer("", None),
    "buffer name taken": lambda m, mod: mod.register_buffer("p", m.ones(1)),
    "buffer not tensor": lambda m, mod: mod.register_buffer("q", 3),
    "module not Module": lambda m, mod: mod.add_module("x", 3),
    "module name int": lambda m, mod: mod.add_module(3, m.nn.RNNCell(1, 1)),
    "module name taken": lambda m, mod: mod.add_module("w", m.nn.RNNCell(1, 1)),
    "module name dot": lambda m, mod: mod.add_module("a.b", m.nn.RNNCell(1, 1)),
    "module name empty": lambda m, mod: mod.add_module("", m.nn.RNNCell(1, 1)),
    "delete unknown": lambda m, mod: delattr(mod, "zzz"),
    "no forward": lambda m, mod: mod(),
}


@pytest.mark.parametrize("case", list(REGISTRATION_ERRORS))
def test_registration_errors_match_torch(case):
    def run(m):
        mod = m.nn.Module()
        mod.w = 1
        mod.p = m.nn.Parameter(m.ones(2))
        mod.c = m.nn.RNNCell(2, 2)
        mod.register_buffer("b", m.zeros(2))
        REGISTRATION_ERRORS[case](m, mod)

    check_error(run)


def test_assignment_before_init_and_bad_init_arguments_match_torch():
    for kind in ("parameter", "module", "buffer"):
        def run(m, kind=kind):
            class Bad(m.nn.Module):
                def __init__(self):
                    if kind == "parameter":
                        self.p = m.nn.Parameter(m.ones(1))
                    elif kind == "module":
                        self.c = m.nn.RNNCell(1, 1)
                    else:
                        self.register_buffer("b", m.ones(1))
            Bad()

        check_error(run)
    check_error(lambda m: m.nn.Module(3))
    check_error(lambda m: m.nn.Module(foo=3))


# ------------------------------------------------------------------ containers
def _apply_ops(m, ops):
    seq = m.nn.Sequential(m.nn.RNNCell(1, 1), m.nn.RNNCell(1, 2), m.nn.RNNCell(1, 3))
    for op in ops:
        seq = op(m, seq) or seq
    return repr(seq)


SEQUENTIAL_OPS = {
    "index": [lambda m, s: m.nn.Sequential(s[-1], s[0])],
    "slice": [lambda m, s: s[1:]],
    "del": [lambda m, s: s.__delitem__(0)],
    "del slice": [lambda m, s: s.__delitem__(slice(0, 2))],
    "append": [lambda m, s: s.append(m.nn.RNNCell(2, 2))],
    "insert": [lambda m, s: s.insert(1, m.nn.RNNCell(5, 5))],
    "insert negative": [lambda m, s: s.insert(-1, m.nn.RNNCell(5, 5))],
    "pop": [lambda m, s: s.pop(1) and None],
    "setitem": [lambda m, s: s.__setitem__(-1, m.nn.RNNCell(9, 9))],
    "extend": [lambda m, s: s.extend([m.nn.RNNCell(7, 7)])],
    "add": [lambda m, s: s + m.nn.Sequential(m.nn.RNNCell(8, 8))],
    "ordered dict": [lambda m, s: m.nn.Sequential(__import__("collections").OrderedDict(fc=s[0], act=s[1]))],
    # torch repeats a Sequential's modules (shared, not copied) with *, and *= and += work in place
    "mul": [lambda m, s: s * 2],
    "rmul": [lambda m, s: 3 * s[1:]],
    "mul bool": [lambda m, s: s * True],
    "imul": [lambda m, s: s.__imul__(2) and None],
    "iadd": [lambda m, s: s.__iadd__(m.nn.Sequential(m.nn.RNNCell(8, 8))) and None],
}


def test_repeated_sequential_shares_its_modules_as_torch():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        s = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
        twice, same = s * 2, s
        same *= 2
        seen.append((twice[0] is twice[2], list(twice.state_dict()), same is s, len(s), s[2] is s[0]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("case", [lambda m, s: s * 0, lambda m, s: s * 2.0, lambda m, s: 2.5 * s,
                                  lambda m, s: s.__imul__(-1), lambda m, s: s.__iadd__([m.nn.ReLU()])])
def test_sequential_arithmetic_errors_match_torch(case):
    """Same type; the message names each framework's own Sequential class."""
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(Exception) as caught:
            case(m, m.nn.Sequential(m.nn.ReLU()))
        errors.append((type(caught.value), str(caught.value).replace("tinygrad_rnn.nn.containers", "torch.nn.modules.container")))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("case", list(SEQUENTIAL_OPS))
def test_sequential_operations_match_torch(case):
    torch = require_torch()
    assert _apply_ops(tinygrad_rnn, SEQUENTIAL_OPS[case]) == _apply_ops(torch, SEQUENTIAL_OPS[case])


@pytest.mark.parametrize("case", [
    lambda m: m.nn.Sequential(m.nn.RNNCell(1, 1))[3],
    lambda m: m.nn.Sequential(m.nn.RNNCell(1, 1))[-3],
    lambda m: m.nn.Sequential(m.nn.RNNCell(1, 1))["a"],
    lambda m: m.nn.Sequential(3),
    lambda m: m.nn.Sequential().insert(5, m.nn.RNNCell(1, 1)),
    lambda m: m.nn.ModuleList([m.nn.RNNCell(1, 1)])[3],
    lambda m: m.nn.ModuleList([3]),
    lambda m: m.nn.ModuleList().extend(m.nn.RNNCell(1, 1)),
    lambda m: m.nn.ModuleList([m.nn.RNNCell(1, 1)])(m.ones(1)),
    lambda m: m.nn.ModuleDict({"a": m.nn.RNNCell(1, 1)})["b"],
    lambda m: m.nn.ModuleDict(3),
    lambda m: m.nn.ModuleDict([("a", m.nn.RNNCell(1, 1), 3)]),
])
def test_container_errors_match_torch(case):
    check_error(case)


def test_sequential_runs_its_modules_in_order():
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(0)
    seq = tinygrad_rnn.nn.Sequential(tinygrad_rnn.nn.RNNCell(3, 4), tinygrad_rnn.nn.RNNCell(4, 2))
    x = tinygrad_rnn.randn(5, 3)
    expected = seq[1](seq[0](x))
    np.testing.assert_array_equal(seq(x).detach().numpy(), expected.detach().numpy())
    assert len(seq) == 2 and [type(mod).__name__ for mod in seq] == ["RNNCell", "RNNCell"]
    assert repr(tinygrad_rnn.nn.Sequential()(x)) == repr(x)


def test_module_list_and_dict_behave_like_torchs():
    torch = require_torch()
    reprs = []
    for m in (torch, tinygrad_rnn):
        cells = m.nn.ModuleList([m.nn.RNNCell(1, 1) for _ in range(3)])
        cells.append(m.nn.RNNCell(2, 2))
        cells += [m.nn.RNNCell(3, 3)]
        cells.insert(0, m.nn.RNNCell(4, 4))
        del cells[1]
        popped = cells.pop(-1)
        heads = m.nn.ModuleDict({"z": m.nn.RNNCell(1, 1)})
        heads["a"] = m.nn.RNNCell(2, 2)
        heads.update([("m", m.nn.RNNCell(3, 3))])
        heads.pop("z")
        reprs.append((repr(cells), repr(cells[1:3]), repr(popped), repr(heads), list(heads.keys()), "a" in heads,
                      len(heads), [n for n, _ in m.nn.Sequential(cells, heads).named_parameters()]))
    assert reprs[0] == reprs[1]


# ------------------------------------------------------------------ Parameter
def test_parameter_matches_torch():
    torch = require_torch()
    for make in (lambda m: m.ones(2), lambda m: m.ones(2, 2) * 1.5, lambda m: m.ones(2, dtype=m.float64)):
        assert repr(tinygrad_rnn.nn.Parameter(make(tinygrad_rnn))) == repr(torch.nn.Parameter(make(torch)))
    assert repr(tinygrad_rnn.nn.Parameter()) == repr(torch.nn.Parameter())
    frozen = tinygrad_rnn.nn.Parameter(tinygrad_rnn.ones(2), requires_grad=False)
    assert repr(frozen) == repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    check_error(lambda m: m.nn.Parameter(m.ones(2, dtype=m.int64)))
    check_error(lambda m: m.nn.Parameter([1.0, 2.0]))


def test_parameter_shares_memory_and_ops_give_plain_tensors():
    data = tinygrad_rnn.ones(3)
    p = tinygrad_rnn.nn.Parameter(data)
    p.data[0] = 5.0
    assert data[0].item() == 5.0
    assert isinstance(p, tinygrad_rnn.Tensor) and p.is_leaf and p.requires_grad
    assert type(p * 2) is tinygrad_rnn.Tensor and type(p.detach()) is tinygrad_rnn.Tensor
    assert type(copy.deepcopy(p)) is tinygrad_rnn.nn.Parameter
    assert type(pickle.loads(pickle.dumps(p))) is tinygrad_rnn.nn.Parameter


def test_forward_hooks_match_torch():
    torch = require_torch()
    records = []
    for lib in (torch, tinygrad_rnn):
        lib.manual_seed(0)
        seen = []
        rnn = lib.nn.RNN(2, 3)
        pre = rnn.register_forward_pre_hook(lambda mod, args: args[0] * 2)  # a bare value replaces args[0]
        rnn.register_forward_hook(lambda mod, args, out, seen=seen: seen.append(tuple(out[0].shape)))
        first = rnn.register_forward_hook(lambda mod, args, out: (out[0] + 1, out[1]), prepend=True)
        out, _ = rnn(lib.ones(4, 1, 2))
        pre.remove()
        with first:
            pass  # leaving the block removes the hook
        plain, _ = rnn(lib.ones(4, 1, 2))
        records.append((out.detach().numpy(), plain.detach().numpy(), seen))
    (out_t, plain_t, seen_t), (out_o, plain_o, seen_o) = records
    assert seen_o == seen_t
    np.testing.assert_allclose(out_o, out_t, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(plain_o, plain_t, rtol=2e-5, atol=2e-6)


def _global_hook_story(torch):
    """What the global module hooks see and change, with the handles removed at the end."""
    from importlib import import_module
    hooks, nn, log = import_module(torch.__name__ + ".nn.modules.module"), torch.nn, []
    handles = [hooks.register_module_forward_pre_hook(lambda m, a: log.append(("global pre", type(m).__name__))),
               hooks.register_module_forward_hook(lambda m, a, o: log.append(("global forward", type(m).__name__)))]
    linear = nn.Linear(2, 2)
    linear.register_forward_pre_hook(lambda m, a: log.append("own pre"))
    linear.register_forward_hook(lambda m, a, o: log.append("own forward"))
    linear(torch.ones(2))
    handles += [hooks.register_module_forward_pre_hook(lambda m, a: (a[0] * 2,)),
                hooks.register_module_forward_hook(lambda m, a, k, o: log.append(sorted(k)), with_kwargs=True),
                hooks.register_module_forward_hook(lambda m, a, o: log.append("always"), always_call=True)]
    with pytest.raises(RuntimeError):
        nn.Linear(3, 2)(torch.ones(2))  # the pre-hook doubles the input; the wrong size still reaches forward
    handles += [hooks.register_module_parameter_registration_hook(lambda m, n, p: log.append(("parameter", n))),
                hooks.register_module_buffer_registration_hook(lambda m, n, b: log.append(("buffer", n))),
                hooks.register_module_module_registration_hook(lambda m, n, c: log.append(("module", n)))]
    box = nn.Sequential(nn.BatchNorm1d(1))
    box.p, box.c = nn.Parameter(torch.ones(1)), nn.ReLU()
    box.register_buffer("b", None)
    box.register_parameter("none", None)  # a None parameter runs no hook; a None buffer or module does
    box.b, box.c = torch.ones(1), None
    handles.append(hooks.register_module_buffer_registration_hook(lambda m, n, b: torch.zeros(4)))
    box.register_buffer("replaced", torch.ones(1))
    ids = [h.id - handles[0].id for h in handles]
    for handle in handles:
        handle.remove()
    getattr(hooks, "_global_forward_hooks_with_kwargs", {}).clear()  # torch's handle leaves its id there, and
    # then every later torch.compile'd call in this worker would warn of global hooks (a torch bug; ours removes it)
    nn.ReLU()(torch.ones(1))  # removed: nothing more is logged
    return log, ids, tuple(box.replaced.shape), type(handles[0]).__name__


def test_global_module_hooks_run_before_each_modules_own_and_replace_as_torchs():
    assert _global_hook_story(tinygrad_rnn) == _global_hook_story(require_torch())


def _backward_hook_story(torch):
    """Global and per-module full backward (pre-)hooks: the order, what each sees, replacements, an input
    without grad (the hooks fire at the outputs, with a warning), nesting, and the node torch adds."""
    from importlib import import_module
    hooks, nn, log = import_module(torch.__name__ + ".nn.modules.module"), torch.nn, []

    def shown(grads):
        return tuple(None if g is None else g.flatten().tolist() for g in grads)

    linear = nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[1.0, -2.0]]))
    handles = [hooks.register_module_full_backward_pre_hook(lambda m, go: log.append(("global pre", shown(go)))),
               hooks.register_module_full_backward_hook(lambda m, gi, go: log.append(("global", shown(gi), shown(go)))),
               linear.register_full_backward_pre_hook(lambda m, go: log.append(("own pre", shown(go)))),
               linear.register_full_backward_hook(lambda m, gi, go: log.append(("own", shown(gi), shown(go))))]
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    out = linear(x)
    node = type(out.grad_fn).__name__
    out.sum().backward()
    replacing = [linear.register_full_backward_pre_hook(lambda m, go: (go[0] * 10,)),
                 linear.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1,))]
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    linear(x).sum().backward()
    grads = (x.grad.tolist(), linear.weight.grad.tolist())
    for handle in replacing:
        handle.remove()
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        linear(torch.ones(1, 2)).sum().backward()
    for handle in handles:
        handle.remove()
    names = []
    handle = hooks.register_module_full_backward_hook(lambda m, gi, go: names.append(type(m).__name__))
    nn.Sequential(nn.Linear(2, 2), nn.Tanh())(torch.ones(1, 2, requires_grad=True)).sum().backward()
    handle.remove()
    return log, node, grads, names


def test_full_backward_hooks_global_and_own_run_as_torchs():
    assert _backward_hook_story(tinygrad_rnn) == _backward_hook_story(require_torch())


def _hook_calls(lib, loss_of):
    """The full backward (pre-)hooks' calls on an LSTM, whose output nests (h, c) in a tuple."""
    def shapes(grads):
        return [None if g is None else tuple(g.shape) for g in grads]

    lib.manual_seed(0)
    lstm = lib.nn.LSTM(3, 2)
    calls = []
    lstm.register_full_backward_pre_hook(lambda m, grad_output: calls.append(("pre", shapes(grad_output))))
    lstm.register_full_backward_hook(lambda m, grad_input, grad_output: calls.append(
        ("full", shapes(grad_input), shapes(grad_output))))
    x = lib.randn(4, 1, 3, requires_grad=True)
    out, (h, c) = lstm(x)
    loss_of(out, h).backward()
    return calls


@pytest.mark.parametrize("loss", ["out and h", "h only"])
def test_full_backward_hooks_of_a_module_with_a_nested_output_as_torch(loss):
    """(out, (h, c)): the hooks see out's gradient and None for the nested tuple; a gradient that reaches the
    inputs through h alone passes no output, so torch calls no hook (we crashed on a None grad_output)."""
    torch = require_torch()
    loss_of = (lambda out, h: out.sum() + h.sum()) if loss == "out and h" else (lambda out, h: h.sum())
    assert _hook_calls(tinygrad_rnn, loss_of) == _hook_calls(torch, loss_of)


def test_data_parallel_without_accelerators_wraps_its_module_as_torch():
    """`model = nn.DataParallel(model)` in a training script: on a CPU torch only forwards to `module`."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        model = m.nn.DataParallel(m.nn.Linear(2, 3), device_ids=[0])
        out = model(m.ones(4, 2))
        seen.append((repr(model), list(model.state_dict()), model.device_ids, out.tolist(), out.grad_fn.name()))
    assert seen[0] == seen[1]


SET_SUBMODULE_CALLS = {
    "replace nested": lambda m, net: net.set_submodule("1.0", m.nn.Tanh()),
    "add new": lambda m, net: net.set_submodule("1.extra", m.nn.ReLU()),
    "add new top": lambda m, net: net.set_submodule("head", m.nn.Linear(2, 1)),
    "strict existing": lambda m, net: net.set_submodule("0", m.nn.Linear(3, 2), strict=True),
    "strict missing": lambda m, net: net.set_submodule("1.extra", m.nn.ReLU(), strict=True),
    "empty target": lambda m, net: net.set_submodule("", m.nn.ReLU()),
    "not a module": lambda m, net: net.set_submodule("0", 3),
    "over a parameter": lambda m, net: net.set_submodule("0.weight", m.nn.ReLU()),
    "missing parent": lambda m, net: net.set_submodule("9.x", m.nn.ReLU()),
}


@pytest.mark.parametrize("call", list(SET_SUBMODULE_CALLS))
def test_set_submodule_matches_torch(call):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        net = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Sequential(m.nn.ReLU()))
        try:
            SET_SUBMODULE_CALLS[call](m, net)
            results.append(repr(net))
        except Exception as error:  # the error itself is compared
            results.append((type(error).__name__, str(error).replace(m.__name__ + ".", "")))
    assert results[0] == results[1]


def _hook_gradients(m, inputs_need_grad, loss_of):
    """What a module's full backward hooks see: grad_output has None for an output that got no
    gradient, grad_input has zeros for a tensor input that got none (when another input needs one)."""
    seen = []

    def fmt(grads):
        return [None if g is None else g.tolist() for g in grads]

    class Three(m.nn.Module):
        def forward(self, a, b):
            return a * 2, b * 3, a * b

    module = Three()
    module.register_full_backward_pre_hook(lambda mod, go: seen.append(("pre", fmt(go))))
    module.register_full_backward_hook(lambda mod, gi, go: seen.append(("hook", fmt(gi), fmt(go))))
    a, b = (m.ones(2, requires_grad=need) for need in inputs_need_grad)
    loss_of(*module(a, b)).backward()
    return seen


HOOK_LOSSES = {"first": lambda p, q, r: p.sum(), "first and last": lambda p, q, r: p.sum() + r.sum(),
               "all": lambda p, q, r: p.sum() + q.sum() + r.sum()}
HOOK_CASES = [(need, loss) for need in [(True, False), (False, True), (True, True)] for loss in HOOK_LOSSES
              if need[0] or loss != "first"]  # (p = a * 2 needs a to require grad)


@pytest.mark.parametrize("inputs_need_grad,loss", HOOK_CASES)
def test_full_backward_hooks_see_none_and_zeros_where_torch_does(inputs_need_grad, loss):
    torch = require_torch()
    ours = _hook_gradients(tinygrad_rnn, inputs_need_grad, HOOK_LOSSES[loss])
    assert ours == _hook_gradients(torch, inputs_need_grad, HOOK_LOSSES[loss])


def test_loading_an_expanded_tensor_neither_warns_nor_misreports(monkeypatch):
    # an expanded tensor's memory is a read-only view; copying it in is ours to do quietly
    monkeypatch.setattr(tinygrad_rnn.creation, "_READ_ONLY_WARNED", [])  # as if nothing had warned yet
    lin = tinygrad_rnn.nn.Linear(2, 2)
    state = {"weight": tinygrad_rnn.ones(1, 2).expand(2, 2), "bias": tinygrad_rnn.zeros(1).expand(2)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lin.load_state_dict(state)
        with pytest.raises(RuntimeError, match=r"shape torch.Size\(\[2, 3\]\) from checkpoint"):
            lin.load_state_dict({"weight": tinygrad_rnn.ones(1, 3).expand(2, 3), "bias": state["bias"]})
    assert lin.weight.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def _linear_hooked(m, hook, pre=False):
    """A Linear with a full backward (pre) hook, run on an input that requires grad."""
    layer = m.nn.Linear(2, 2)
    (layer.register_full_backward_pre_hook if pre else layer.register_full_backward_hook)(hook)
    x = m.ones(1, 2, requires_grad=True)
    layer(x).sum().backward()
    return x.grad


MODULE_SURFACE_CASES = {
    "modules(remove_duplicate=False)": lambda m, net: len(list(net.modules(remove_duplicate=False))),
    "_apply(recurse=False)": lambda m, net: net._apply(lambda t: t.double(), recurse=False) is net
    and [p.dtype for p in net.parameters()],
    "the hook registries every module has": lambda m, net: list(vars(m.nn.Module())),
    "a Linear's pickled state": lambda m, net: list(m.nn.Linear(2, 3).__getstate__()),
    "a registry read before any hook": lambda m, net: (net._backward_hooks, net._state_dict_hooks,
                                                       net._load_state_dict_pre_hooks, net._is_full_backward_hook),
    "class attributes": lambda m, net: (m.nn.Module.dump_patches, m.nn.Module.call_super_init,
                                        m.nn.Module._version, str(m.nn.Module.T_destination)),
    "a handle's dict": lambda m, net: net.register_forward_hook(print).hooks_dict_ref() is net._forward_hooks,
    "a loss without tensors to .cuda()": lambda m, net: (m.nn.CrossEntropyLoss().cuda(), m.nn.ReLU().cuda(0)),
    "a Linear to .cuda()": lambda m, net: net.cuda(),
    "xpu": lambda m, net: (m.nn.ReLU().xpu(), net.xpu()),
    "ipu": lambda m, net: (m.nn.ReLU().ipu(), net.ipu()),
    "mtia": lambda m, net: (m.nn.ReLU().mtia(), net.mtia()),
    "a backward hook returning a tensor, not a tuple": lambda m, net: _linear_hooked(m, lambda mod, gi, go: gi[0] * 0),
    "a backward pre hook returning a tensor": lambda m, net: _linear_hooked(m, lambda mod, go: go[0] * 3, pre=True),
    "a backward hook returning a number": lambda m, net: _linear_hooked(m, lambda mod, gi, go: 5),
    "a backward pre hook returning a number": lambda m, net: _linear_hooked(m, lambda mod, go: 5, pre=True),
    "a backward hook returning a string": lambda m, net: _linear_hooked(m, lambda mod, gi, go: "a"),
    "a backward hook changing the dtype": lambda m, net: _linear_hooked(m, lambda mod, gi, go: (gi[0].double(),)),
    "a backward hook changing the size": lambda m, net: _linear_hooked(m, lambda mod, gi, go: (m.ones(3),)),
    "a backward hook returning a list": lambda m, net: _linear_hooked(m, lambda mod, gi, go: [gi[0] * 2]),
    "a backward hook giving a gradient no input needs": lambda m, net: _no_input_needs_grad(m),
    "__setstate__ of an old module's attributes": lambda m, net: _set_old_state(m),
    # .to(device) parses the device and dtype first, and refuses an absent device at the first tensor
    "a module without tensors .to(a device not here)": lambda m, net: [m.nn.ReLU().to(*args) for args in (
        ("cuda",), ("mps",), ("xpu",), ("cuda:1",), (m.device("cuda"),))],
    "a Linear .to('cuda')": lambda m, net: net.to("cuda"),
    "a Linear .to('mps')": lambda m, net: net.to("mps"),
    "a module without tensors .to(0)": lambda m, net: m.nn.ReLU().to(0),
    "a module without tensors .to('foo')": lambda m, net: m.nn.ReLU().to("foo"),
    "the dtype is checked before the device": lambda m, net: net.to("cuda", m.int64),
    # a layer's type is named by torch's path in errors
    "a layer assigned as a parameter": lambda m, net: setattr(net[0], "weight", m.nn.ReLU()),
    "a layer registered as a buffer": lambda m, net: net.register_buffer("b", m.nn.ReLU()),
    "a layer registered as a parameter": lambda m, net: net.register_parameter("p", m.nn.Linear(1, 1)),
}


def _set_old_state(m):
    """A subclass's __setstate__ calling super's, with state saved before the hook registries existed."""
    class Old(m.nn.Linear):
        def __setstate__(self, state):
            super().__setstate__(state)

    layer = Old.__new__(Old)
    layer.__setstate__({"training": True, "_parameters": {}, "_buffers": {}, "_modules": {}, "in_features": 2})
    return sorted(vars(layer)), layer.in_features


def _no_input_needs_grad(m):
    layer = m.nn.Linear(2, 2)
    layer.register_full_backward_hook(lambda mod, gi, go: (m.ones(1, 2),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's warning that no input requires grad
        layer(m.ones(1, 2)).sum().backward()


def test_module_surface_matches_torch():
    assert differences(MODULE_SURFACE_CASES, lambda m: m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Linear(2, 2))) == []


def test_module_to_a_complex_dtype_is_not_implemented():
    with pytest.raises(NotImplementedError, match="complex"):  # torch converts; there are no complex tensors here
        tinygrad_rnn.nn.Linear(2, 2).to(tinygrad_rnn.complex64)


def _conversions_under_future_settings(m, overwrite, swap):
    """Which objects survive `.double()`, `.to_empty()` and `load_state_dict(assign=True)` under
    torch.__future__'s settings, and what loading an LSTM's weights does then."""
    m.__future__.set_overwrite_module_params_on_conversion(overwrite)
    m.__future__.set_swap_module_params_on_conversion(swap)
    try:
        m.manual_seed(0)
        lin = m.nn.Linear(2, 2)
        bn = m.nn.BatchNorm1d(2)
        w, running_mean = lin.weight, bn.running_mean
        lin(m.ones(1, 2)).sum().backward()
        grad = lin.weight.grad
        lin.double(), bn.double()
        seen = [lin.weight is w, lin.weight.dtype, w.dtype, lin.weight.grad is grad, lin.weight.grad.dtype,
                lin.weight.grad.requires_grad, type(lin.weight).__name__, bn.running_mean is running_mean]
        w = lin.weight
        lin.to_empty(device="cpu")
        seen += [lin.weight is w, lin.weight.shape, lin.weight.grad.shape]
        checkpoint = {k: m.ones(v.shape) for k, v in lin.state_dict().items()}
        w = lin.weight
        seen += [str(lin.load_state_dict(checkpoint, assign=True)), lin.weight is w, lin.weight.dtype,
                 lin.weight.data_ptr() == checkpoint["weight"].data_ptr(), lin.weight.requires_grad]
        lstm = m.nn.LSTM(2, 3)
        lstm.double()
        try:
            seen.append(str(lstm.load_state_dict(lstm.state_dict())))
        except RuntimeError as e:
            seen.append(str(e))
        seen.append(lstm(m.ones(1, 2, dtype=m.float64))[0].dtype)
        return [str(s) for s in seen] + [m.__future__.get_overwrite_module_params_on_conversion(),
                                         m.__future__.get_swap_module_params_on_conversion()]
    finally:
        m.__future__.set_overwrite_module_params_on_conversion(False)
        m.__future__.set_swap_module_params_on_conversion(False)


@pytest.mark.parametrize("overwrite, swap", [(False, False), (True, False), (False, True), (True, True)])
def test_future_conversion_settings_match_torch(overwrite, swap):
    torch = require_torch()
    ours = _conversions_under_future_settings(tinygrad_rnn, overwrite, swap)
    assert ours == _conversions_under_future_settings(torch, overwrite, swap)
    assert tinygrad_rnn.__future__.__name__ == "tinygrad_rnn.__future__"

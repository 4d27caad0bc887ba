"""Arguments torch accepts that we used to accept and ignore (issue 14): each now works as torch's
or raises NotImplementedError naming it. Every behaviour is measured against torch."""
import multiprocessing
import sys

import numpy as np
import pytest

import tinygrad_rnn
from tests.helpers import check_error, check_parity, require_torch


# ------------------------------------------------------------ load_state_dict(assign=True)
def _assign_outcome(m, weight_dtype, weight_as_parameter, module_requires_grad):
    """Load with assign=True; report what the module holds afterwards (identity, type, dtype, grad flag)."""
    layer = m.nn.Linear(3, 2)
    layer.weight.requires_grad_(module_requires_grad)
    rng = np.random.default_rng(0)
    weight = m.tensor(rng.standard_normal((2, 3)), dtype=weight_dtype)
    if weight_as_parameter:
        weight = m.nn.Parameter(weight, requires_grad=not module_requires_grad)
    bias = m.tensor(rng.standard_normal(2)).float()
    result = layer.load_state_dict({"weight": weight, "bias": bias}, assign=True)
    return dict(
        result=repr(result),
        weight_is_given=layer.weight is weight,
        bias_is_given=layer.bias is bias,
        shares_memory=np.shares_memory(layer.weight.detach().numpy(), weight.detach().numpy()),
        weight_type=type(layer.weight).__name__, bias_type=type(layer.bias).__name__,
        dtype=str(layer.weight.dtype), requires_grad=layer.weight.requires_grad,
        in_parameters=[p is layer.weight for p in layer.parameters()],
        values=layer.weight.detach().numpy().tolist(),
    )


@pytest.mark.parametrize("weight_dtype", ["float32", "float64"])
@pytest.mark.parametrize("weight_as_parameter", [False, True])
@pytest.mark.parametrize("module_requires_grad", [True, False])
def test_load_state_dict_assign_keeps_the_given_tensors(weight_dtype, weight_as_parameter, module_requires_grad):
    torch = require_torch()
    ours = _assign_outcome(tinygrad_rnn, getattr(tinygrad_rnn, weight_dtype), weight_as_parameter, module_requires_grad)
    theirs = _assign_outcome(torch, getattr(torch, weight_dtype), weight_as_parameter, module_requires_grad)
    assert ours == theirs


def test_load_state_dict_assign_a_buffer_keeps_the_tensor_and_its_dtype():
    require_torch()

    def outcome(m):
        norm = m.nn.BatchNorm1d(2)
        mean = m.tensor([0.25, -1.5], dtype=m.float64)
        norm.load_state_dict({**norm.state_dict(), "running_mean": mean}, assign=True)
        return norm.running_mean is mean, str(norm.running_mean.dtype), type(norm.running_mean).__name__

    assert outcome(tinygrad_rnn) == outcome(require_torch())


def test_load_state_dict_assign_into_an_rnn_is_used_by_forward():
    """RNN keeps a list of its weights for the forward pass; an assigned weight must be in it."""
    check_parity(lambda m, w, x: (_rnn_with_assigned_weight(m, w)(x)[0]), shapes=[(3, 2), (4, 1, 2)])


def _rnn_with_assigned_weight(m, weight):
    m.manual_seed(0)
    rnn = m.nn.RNN(2, 3).double()
    rnn.load_state_dict({**rnn.state_dict(), "weight_ih_l0": weight}, assign=True)
    return rnn


def test_load_state_dict_assign_gradient_reaches_the_new_parameter():
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        layer = m.nn.Linear(3, 2).double()
        weight = m.tensor(np.arange(6.0).reshape(2, 3))
        layer.load_state_dict({"weight": weight, "bias": m.zeros(2, dtype=m.float64)}, assign=True)
        (layer(m.tensor(np.ones((4, 3)))) * m.tensor(np.linspace(-1, 1, 8).reshape(4, 2))).sum().backward()
        grads.append((layer.weight.grad.numpy(), weight.grad))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    assert grads[0][1] is None and grads[1][1] is None  # the given tensor itself is not the leaf


@pytest.mark.parametrize("case", ["shape", "int dtype", "missing", "unexpected"])
def test_load_state_dict_assign_errors_match_torch(case):
    def load(m):
        layer = m.nn.Linear(3, 2)
        old_bias = layer.bias
        state = {"weight": m.zeros(2, 3), "bias": m.zeros(2)}
        if case == "shape":
            state["bias"] = m.zeros(3)
        elif case == "int dtype":
            state["weight"] = m.zeros(2, 3, dtype=m.int64)
        elif case == "missing":
            del state["bias"]
        else:
            state["extra"] = m.zeros(1)
        try:
            layer.load_state_dict(state, assign=True)
        finally:
            assert layer.bias is old_bias or case not in ("shape", "int dtype")
    check_error(load)


def test_load_state_dict_assign_refuses_values_it_cannot_keep():
    """Without assign we copy numpy arrays in (an extension); with assign there is no tensor to keep,
    so we give torch's error, which torch gives for any non-tensor."""
    def load(m, assign):
        layer = m.nn.Linear(3, 2)
        layer.load_state_dict({"weight": np.zeros((2, 3), np.float32), "bias": m.zeros(2)}, assign=assign)
    check_error(load, True)
    load(tinygrad_rnn, False)


# ------------------------------------------------------------ embedding's options
_INDICES = np.array([[1, 4, 1, 0], [2, 2, 2, 4]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("options", [
    dict(max_norm=1.0), dict(max_norm=0.7, norm_type=1.0), dict(max_norm=0.5, norm_type=float("inf")),
    dict(max_norm=1.2, norm_type=3.0), dict(max_norm=1.0, norm_type=-1.0), dict(max_norm=1.0, norm_type=0.0),
    dict(max_norm=-1.0), dict(scale_grad_by_freq=True), dict(scale_grad_by_freq=True, padding_idx=2),
    dict(scale_grad_by_freq=True, max_norm=0.8, padding_idx=-1),
])
def test_embedding_options_match_torch_with_gradients(options, dtype):
    """Output, the in-place renormalised weight (max_norm) and the weight's gradient, as torch's."""
    def lookup(m, weight):
        out = m.nn.functional.embedding(m.tensor(_INDICES), weight, **options)
        return out, weight.detach().clone()
    check_parity(lookup, shapes=[(5, 3)], dtype=dtype)


@pytest.mark.parametrize("options", [dict(max_norm=0.9, norm_type=1.5, scale_grad_by_freq=True, padding_idx=4)])
def test_embedding_module_options_match_torch_with_gradients(options):
    def lookup(m, weight):
        layer = m.nn.Embedding.from_pretrained(weight.detach().clone(), freeze=False, **options)
        out = layer(m.tensor(_INDICES))
        (out * m.tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape))).sum().backward()
        return out.detach(), layer.weight.detach().clone(), layer.weight.grad
    check_parity(lookup, shapes=[(5, 3)], requires_grad=[False])
    torch = require_torch()
    assert repr(tinygrad_rnn.nn.Embedding(5, 3, **options)) == repr(torch.nn.Embedding(5, 3, **options))


def test_embedding_sparse_refuses_a_gradient_it_cannot_make():
    """torch's sparse=True makes the weight's gradient a sparse tensor; we have none, so a lookup
    that would build a gradient raises NotImplementedError naming `sparse`."""
    weight = tinygrad_rnn.randn(5, 3, requires_grad=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        tinygrad_rnn.nn.functional.embedding(tinygrad_rnn.tensor(_INDICES), weight, sparse=True)
    layer = tinygrad_rnn.nn.Embedding(5, 3, sparse=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        layer(tinygrad_rnn.tensor(_INDICES))


def test_embedding_sparse_without_a_gradient_works_as_torch():
    """A sparse=True model is still built, printed, saved and loaded, and a lookup that builds no
    gradient (frozen weight, or no_grad) gives torch's dense values: only the gradient is sparse."""
    torch = require_torch()
    weights = np.random.default_rng(1).standard_normal((5, 3))
    results = []
    for m in (tinygrad_rnn, torch):
        frozen = m.nn.Embedding.from_pretrained(m.tensor(weights), sparse=True)
        trainable = m.nn.Embedding(5, 3, sparse=True)
        trainable.load_state_dict(frozen.state_dict())
        with m.no_grad():
            in_no_grad = trainable(m.tensor(_INDICES))
        results.append((repr(frozen), repr(trainable), list(trainable.state_dict()),
                        frozen(m.tensor(_INDICES)).numpy(), in_no_grad.numpy()))
    assert results[0][:3] == results[1][:3]
    for ours, theirs in zip(results[0][3:], results[1][3:]):
        np.testing.assert_array_equal(ours, theirs)


def test_embedding_sparse_must_be_a_bool_as_in_torch():
    weight = np.zeros((5, 3))
    check_error(lambda m: m.nn.functional.embedding(m.tensor([1]), m.tensor(weight), sparse=1))


# ------------------------------------------------------------ Module methods
class _Scale:
    """A module per framework whose forward takes a keyword (`shift`) and can be made to fail."""

    @staticmethod
    def make(m):
        class Scale(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = m.nn.Parameter(m.tensor([2.0, -1.0], dtype=m.float64))

            def forward(self, x, shift=0.0, fail=False):
                if fail:
                    raise ValueError("forward failed")
                return x * self.weight + shift
        return Scale()


def _hook_story(m):
    """Register hooks with every option and record what each saw; return the log and outputs."""
    log = []
    module = _Scale.make(m)

    def pre_plain(mod, args):
        log.append(("pre_plain", len(args)))

    def pre_kwargs(mod, args, kwargs):
        log.append(("pre_kwargs", sorted(kwargs)))
        return args, {**kwargs, "shift": kwargs.get("shift", 0.0) + 1.0}

    def hook_kwargs(mod, args, kwargs, output):
        log.append(("hook_kwargs", sorted(kwargs), None if output is None else output.tolist()))
        return None if output is None else output * 10

    def hook_always(mod, args, output):
        log.append(("hook_always", None if output is None else output.tolist()))

    handles = [module.register_forward_pre_hook(pre_plain),
               module.register_forward_pre_hook(pre_kwargs, with_kwargs=True, prepend=True),
               module.register_forward_hook(hook_kwargs, with_kwargs=True),
               module.register_forward_hook(hook_always, always_call=True)]
    x = m.tensor([1.0, 3.0], dtype=m.float64)
    outputs = [module(x, shift=0.5).tolist()]
    try:
        module(x, fail=True)
    except ValueError as error:
        log.append(("raised", str(error)))
    handles[1].remove()
    handles[2].remove()
    outputs.append(module(x, shift=0.5).tolist())
    return log, outputs


def test_forward_hook_options_with_kwargs_prepend_and_always_call_match_torch():
    assert _hook_story(tinygrad_rnn) == _hook_story(require_torch())


def test_forward_pre_hook_with_kwargs_bad_return_matches_torch():
    def call(m):
        module = _Scale.make(m)
        module.register_forward_pre_hook(lambda mod, args, kwargs: args, with_kwargs=True)
        module(m.tensor([1.0, 2.0], dtype=m.float64))
    check_error(call)


def test_always_call_hook_that_raises_is_a_warning_after_a_forward_error():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        module = _Scale.make(m)
        module.register_forward_hook(lambda mod, args, output: 1 / 0, always_call=True)
        with pytest.warns(UserWarning) as caught, pytest.raises(ValueError):
            module(m.tensor([1.0]), fail=True)
        results.append([str(w.message) for w in caught])
    assert results[0] == results[1]


@pytest.mark.parametrize("call", [
    lambda m, net: net.to(non_blocking=True), lambda m, net: net.to(m.float64, True),
    lambda m, net: net.to("cpu", m.float64, non_blocking=False), lambda m, net: net.to(memory_format=None),
])
def test_module_to_accepts_non_blocking_as_torch(call):
    torch = require_torch()
    dtypes = [str(call(m, m.nn.Linear(2, 3)).weight.dtype) for m in (tinygrad_rnn, torch)]
    assert dtypes[0] == dtypes[1]


@pytest.mark.parametrize("case", ["copy", "unknown keyword"])
def test_module_to_refuses_what_torch_refuses(case):
    def call(m):
        net = m.nn.Linear(2, 3)
        return net.to(copy=True) if case == "copy" else net.to(bogus=1)
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(tinygrad_rnn)
    assert str(theirs.value).startswith(str(ours.value))  # torch goes on to list its signatures


def test_module_to_memory_format_is_refused_by_name():
    net = tinygrad_rnn.nn.Linear(2, 3)
    with pytest.raises(NotImplementedError, match="memory_format"):
        net.to(memory_format="channels_last")


def _shared_memory_report(m):
    """A3C scripts call shared_model.share_memory(): every parameter, gradient and buffer (and a view made
    after) is shared, the Parameters stay the same objects, keep their values, and a copy is not shared."""
    net = m.nn.Sequential(m.nn.LSTMCell(2, 3), m.nn.BatchNorm1d(3))
    weight = net[0].weight_ih
    weight.grad = m.ones(12, 2)
    values = [p.tolist() for p in net.state_dict().values()]
    before = weight.is_shared()
    returned = net.share_memory()
    return dict(before=before, returned_self=returned is net, same_parameter=net[0].weight_ih is weight,
                parameters=[p.is_shared() for p in net.parameters()], view=weight[0].is_shared(),
                grad=weight.grad.is_shared(), buffers=[b.is_shared() for b in net.buffers()],
                clone=weight.clone().is_shared(), state_dict=[v.is_shared() for v in net.state_dict().values()],
                same_values=values == [p.tolist() for p in net.state_dict().values()])


def test_module_share_memory_marks_its_tensors_shared_as_torch():
    torch = require_torch()
    assert _shared_memory_report(tinygrad_rnn) == _shared_memory_report(torch)


def _train_in_child(model):
    with tinygrad_rnn.no_grad():
        model.weight.add_(1.0)


@pytest.mark.skipif(sys.platform != "linux", reason="the fork start method")
def test_a_forked_process_trains_the_shared_model_as_in_torch_hogwild():
    """Hogwild and A3C: a child process steps the shared model and the parent sees the new weights."""
    model = tinygrad_rnn.nn.Linear(2, 2).share_memory()
    expected = (model.weight + 1.0).tolist()
    child = multiprocessing.get_context("fork").Process(target=_train_in_child, args=(model,))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert model.weight.tolist() == expected


def test_lazy_module_share_memory_raises_as_torch():
    check_error(lambda m: m.nn.LazyLinear(3).share_memory())


def _shared_net(m):
    net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.RNN(2, 2))
    net.add_module("again", net[0])  # one module under two names
    return net


MODULE_CALLS = {
    "state_dict prefix without dot": lambda m, net: list(net.state_dict(prefix="a")),
    "state_dict prefix with dot": lambda m, net: list(net.state_dict(prefix="a.")),
    "state_dict metadata keys": lambda m, net: list(net.state_dict(prefix="a.")._metadata),
    "state_dict keep_vars": lambda m, net: [type(v).__name__ for v in net.state_dict(keep_vars=True).values()],
    "state_dict keep_vars identity": lambda m, net: [v is p for v, p in zip(net.state_dict(keep_vars=True).values(),
                                                                             net.parameters())],
    "named_modules prefix, duplicates": lambda m, net: [n for n, _ in net.named_modules(prefix="x", remove_duplicate=False)],
    "named_modules memo": lambda m, net: [n for n, _ in net.named_modules(memo={net[0]})],
    "named_parameters prefix, duplicates": lambda m, net: [n for n, _ in net.named_parameters(prefix="q", remove_duplicate=False)],
    "parameters not recursive": lambda m, net: list(net.parameters(recurse=False)),
    "train(False) everywhere": lambda m, net: [mod.training for mod in net.train(False).modules()],
    "requires_grad_(False)": lambda m, net: [p.requires_grad for p in net.requires_grad_(False).parameters()],
    "zero_grad(set_to_none=False)": lambda m, net: _zero_grads(m, net, False),
    "zero_grad(set_to_none=True)": lambda m, net: _zero_grads(m, net, True),
    "apply order": lambda m, net: _apply_order(net),
}


def _zero_grads(m, net, set_to_none):
    net[1](net[0](m.ones(3, 2)))[0].sum().backward()  # (the Sequential itself would feed a tuple on)
    net.zero_grad(set_to_none=set_to_none)
    return [None if p.grad is None else p.grad.tolist() for p in net.parameters()]


def _apply_order(net):
    seen = []
    net.apply(lambda mod: seen.append(type(mod).__name__))
    return seen


@pytest.mark.parametrize("case", MODULE_CALLS)
def test_module_method_arguments_match_torch(case):
    torch = require_torch()
    assert MODULE_CALLS[case](tinygrad_rnn, _shared_net(tinygrad_rnn)) == MODULE_CALLS[case](torch, _shared_net(torch))


@pytest.mark.parametrize("case", ["train(1)", "requires_grad_(0)", "requires_grad_('x')"])
def test_module_mode_arguments_must_be_bools_as_in_torch(case):
    check_error(lambda m: eval(f"net.{case}", {"net": _shared_net(m)}))


def test_state_dict_positional_arguments_warn_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
            keys = list(_shared_net(m).state_dict(None, "p.", True))
        assert keys[0] == "p.0.weight"


# ------------------------------------------------------------ nn.utils: clip_grad and rnn
def _params_with_grads(m, rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    params = [m.nn.Parameter(m.tensor(rng.standard_normal(s))) for s in [(2, 3), (4,)]]
    for p, g in zip(params, [rng.standard_normal((2, 3)) * 3, rng.standard_normal(4)]):
        p.grad = m.tensor(g)
    return params


@pytest.mark.parametrize("foreach", [None, False, True])
@pytest.mark.parametrize("clip", ["norm", "value", "with_norm", "total_norm"])
def test_clip_grad_foreach_is_an_implementation_choice_as_in_torch(clip, foreach):
    """torch's foreach picks a kernel (foreach=True works on the CPU too); the numbers are the same."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        params, utils = _params_with_grads(m), m.nn.utils
        if clip == "norm":
            returned = utils.clip_grad_norm_(params, 1.5, norm_type=3.0, foreach=foreach)
        elif clip == "value":
            returned = utils.clip_grad_value_(params, 0.5, foreach=foreach)
        elif clip == "with_norm":
            returned = utils.clip_grads_with_norm_(params, 1.0, m.tensor(5.0, dtype=m.float64), foreach=foreach)
        else:
            returned = utils.get_total_norm([p.grad for p in params], norm_type=1.0, foreach=foreach)
        results.append([returned] + [p.grad for p in params])
    assert (results[0][0] is None) == (results[1][0] is None)
    for ours, theirs in zip(results[0], results[1]):
        if theirs is not None:
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_clip_grad_error_if_nonfinite_matches_torch():
    def clip(m):
        params = _params_with_grads(m)
        params[0].grad[0, 0] = float("inf")
        m.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    check_error(clip)


def _sequences(m):
    return [m.tensor([1.0, 2, 3]), m.tensor([4.0]), m.tensor([5.0, 6])]


RNN_UTIL_CALLS = {
    "pad_sequence left": lambda m: m.nn.utils.rnn.pad_sequence(_sequences(m), padding_side="left").tolist(),
    "pad_sequence right batch_first": lambda m: m.nn.utils.rnn.pad_sequence(
        _sequences(m), batch_first=True, padding_value=-1.0, padding_side="right").tolist(),
    "pack unsorted": lambda m: m.nn.utils.rnn.pack_sequence(_sequences(m), enforce_sorted=False).data.tolist(),
    "total_length": lambda m: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_sequence(_sequences(m), enforce_sorted=False), total_length=5)[0].tolist(),
    "to non_blocking": lambda m: str(m.nn.utils.rnn.pack_sequence(_sequences(m), enforce_sorted=False).to(
        m.float64, non_blocking=True).data.dtype),
}


@pytest.mark.parametrize("case", RNN_UTIL_CALLS)
def test_rnn_util_arguments_work_as_torch(case):
    assert RNN_UTIL_CALLS[case](tinygrad_rnn) == RNN_UTIL_CALLS[case](require_torch())


RNN_UTIL_ERRORS = {
    "padding_side": lambda m: m.nn.utils.rnn.pad_sequence(_sequences(m), padding_side="middle"),
    "enforce_sorted": lambda m: m.nn.utils.rnn.pack_sequence(_sequences(m)),
    "short total_length": lambda m: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_sequence(_sequences(m), enforce_sorted=False), total_length=2),
    "float total_length": lambda m: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_sequence(_sequences(m), enforce_sorted=False), total_length=5.0),
    "PackedSequence.to copy": lambda m: m.nn.utils.rnn.pack_sequence(_sequences(m), enforce_sorted=False).to(
        m.float64, copy=True),
}


@pytest.mark.parametrize("case", RNN_UTIL_ERRORS)
def test_rnn_util_bad_arguments_fail_as_torch(case):
    check_error(RNN_UTIL_ERRORS[case])


@pytest.mark.parametrize("assign", [False, True])
def test_load_state_dict_takes_a_one_element_vector_for_a_scalar_as_torch(assign):
    """torch 0.3 saved scalars as shape (1,); torch still loads them into 0-d parameters and buffers."""
    torch = require_torch()
    loaded = []
    for m in (tinygrad_rnn, torch):
        module = m.nn.Module()
        module.register_buffer("scale", m.tensor(1.0, dtype=m.float64))
        module.load_state_dict({"scale": m.tensor([5.0], dtype=m.float64)}, assign=assign)
        loaded.append((module.scale.shape, module.scale.item()))
    assert str(loaded[0][0]) == str(loaded[1][0]) and loaded[0][1] == loaded[1][1]

"""Issue 14's audit: no parameter is accepted and silently ignored. Parameters that were ignored
now work (or raise NotImplementedError), checked against torch, and a walk over the public API's
signatures (test_every_parameter_torch_has_is_read) keeps it that way."""
import ast
import inspect
import textwrap
import types

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, check_parity, require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import functional


def f(a, b):
    return (a @ b).sin(), (a * a).sum(1)


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian_vectorize_matches_torch(strategy):
    # Against torch's plain jacobian: the same numbers, without torch's vmap warm-up (seconds).
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    ours = functional.jacobian(f, (tg.tensor(x), tg.tensor(w)), vectorize=True, strategy=strategy)
    theirs = torch.autograd.functional.jacobian(f, (torch.tensor(x), torch.tensor(w)))
    for row_ours, row_theirs in zip(ours, theirs):
        for a, b in zip(row_ours, row_theirs):
            assert_arrays_close(a, b)


def test_jacobian_vectorize_with_create_graph_is_differentiable():
    check_parity(lambda m, x: m.autograd.functional.jacobian(lambda a: a.tanh() * a.sum(), x, create_graph=True,
                                                             vectorize=True), shapes=[(4,)])


def test_jacobian_vectorize_runs_one_batched_pass(monkeypatch):
    from tinygrad_rnn.func import batching

    calls = []
    real = batching.batched_grad
    monkeypatch.setattr(batching, "batched_grad", lambda *a, **k: calls.append(1) or real(*a, **k))
    functional.jacobian(tg.sin, tg.randn(5, dtype=tg.float64), vectorize=True)
    assert calls == [1]


def test_hessian_vectorize_and_outer_strategy_match_torch():
    # Both of our strategies against torch's plain hessian (torch's vectorized ones take seconds
    # to warm up and give the same numbers). Its forward-mode result stays attached to an internal
    # graph, and prints so (grad_fn=<ReshapeAliasBackward0>): copied, and checked against torch in
    # test_autograd_functional.py.
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal(3)
    theirs = torch.autograd.functional.hessian(lambda a: (a.sin() * a.exp()).sum(), torch.tensor(x))
    for outer in ("reverse-mode", "forward-mode"):
        ours = functional.hessian(lambda a: (a.sin() * a.exp()).sum(), tg.tensor(x), vectorize=True,
                                  outer_jacobian_strategy=outer)
        assert_arrays_close(ours.detach(), theirs)
        assert ours.requires_grad == (outer == "forward-mode")


@pytest.mark.parametrize("case", [
    lambda m: m.autograd.functional.jacobian(m.sin, m.ones(3, dtype=m.float64), strategy="forward-mode"),
    lambda m: m.autograd.functional.jacobian(m.sin, m.ones(3, dtype=m.float64), strategy="forward-mode",
                                             vectorize=True, create_graph=True),
    lambda m: m.autograd.functional.jacobian(m.sin, m.ones(3, dtype=m.float64), vectorize=True, strict=True),
    lambda m: m.autograd.functional.hessian(lambda a: a.sin().sum(), m.ones(3, dtype=m.float64),
                                            outer_jacobian_strategy="forward-mode"),
    lambda m: m.autograd.functional.hessian(lambda a: a.sin().sum(), m.ones(3, dtype=m.float64),
                                            outer_jacobian_strategy="bad"),
    lambda m: m.autograd.functional.hessian(lambda a: a.sin().sum(), m.ones(3, dtype=m.float64), vectorize=True,
                                            strict=True),
])
def test_vectorize_option_errors_match_torch(case):
    check_error(case)


@pytest.mark.parametrize("case", [
    lambda m: m.testing.assert_close(m.ones(2, 3).t(), m.ones(2, 3).t().contiguous(), check_stride=True),
    lambda m: m.testing.assert_close([m.ones(2, 3).t()], [m.ones(2, 3).t().contiguous()], check_stride=True),
])
def test_assert_close_check_stride_matches_torch(case):
    check_error(case)


def test_assert_close_allow_subclasses_false_refuses_a_parameter_like_torch():
    torch = require_torch()
    for m in (tg, torch):
        with pytest.raises(TypeError, match="No comparison pair was able to handle inputs of type .*Parameter"):
            m.testing.assert_close(m.nn.Parameter(m.ones(2)), m.ones(2), allow_subclasses=False)


def test_assert_close_passes_when_strides_and_types_agree():
    x = tg.ones(2, 3)
    tg.testing.assert_close(x.t(), x.t(), check_stride=True)
    tg.testing.assert_close(tg.nn.Parameter(x), x)  # allow_subclasses=True by default
    tg.testing.assert_close(np.ones(2), np.ones(2), allow_subclasses=False)


# ---------------------------------------------------------------------------- autograd.grad's options
def _batched_case(m, **options):
    x = m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=True)
    unused = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
    out = (x * 2).sum() * x.sin()
    rows = m.tensor(np.random.default_rng(1).standard_normal((4, 3)))
    return m.autograd.grad(out, (x, unused), rows, is_grads_batched=True, **options)


@pytest.mark.parametrize("options", [dict(allow_unused=True), dict(materialize_grads=True)])
def test_is_grads_batched_matches_torch(options):
    torch = require_torch()
    ours, theirs = _batched_case(tg, **options), _batched_case(torch, **options)
    assert_arrays_close(ours[0], theirs[0])
    if "materialize_grads" in options:  # torch's zeros for an unused input are not batched
        assert_arrays_close(ours[1], theirs[1])
    else:
        assert ours[1] is None and theirs[1] is None


def test_is_grads_batched_with_create_graph_is_differentiable():
    check_parity(lambda m, x, rows: m.autograd.grad((x.tanh() * x).sum(0), x, rows, is_grads_batched=True,
                                                    create_graph=True)[0], shapes=[(3, 2), (5, 2)])


@pytest.mark.parametrize("case", [
    lambda m: _batched_case(m),  # the unused input without allow_unused
    lambda m: m.autograd.grad(m.ones(3, requires_grad=True) * 2, m.ones(3, requires_grad=True), m.ones(3),
                              is_grads_batched=True),
    lambda m: m.autograd.grad((m.ones(2, requires_grad=True) * 2).sum(), m.ones(2, requires_grad=True),
                              allow_unused=False, materialize_grads=True),
])
def test_grad_option_errors_match_torch(case):
    check_error(case)


def test_only_inputs_false_warns_as_torch():
    torch = require_torch()
    for m in (tg, torch):
        x = m.ones(2, requires_grad=True)
        with pytest.warns(FutureWarning, match="only_inputs argument is deprecated"):
            m.autograd.grad((x * x).sum(), x, only_inputs=False)


# ---------------------------------------------------------------------------- the audit, as a test
# Every public function (and class __init__) of these modules is compared with torch's of the same
# name: each parameter both have must be read somewhere in our body (honoured, passed on, or
# refused with NotImplementedError). A parameter only declared, never read, is one accepted and
# silently ignored: the bug class issue 14 is about.
AUDITED = ["autograd", "autograd.functional", "autograd.forward_ad", "func", "nn", "nn.functional", "nn.init",
           "nn.utils", "nn.utils.rnn", "nn.utils.parametrize", "nn.utils.parametrizations", "optim",
           "optim.lr_scheduler", "optim.swa_utils", "utils.data", "testing", "distributions", ""]

def _unread_on_purpose() -> set:
    """Parameters unread on purpose, each keeping torch's behaviour (checked by the test named)."""
    # torch's max_pool*_with_indices return the indices whatever return_indices says
    # (test_max_pool_with_indices_ignores_return_indices_like_torch).
    pools = {f"nn.functional.{kind}max_pool{d}d_with_indices(return_indices)"
             for kind in ("", "adaptive_") for d in (1, 2, 3)}
    pools |= {f"nn.functional.fractional_max_pool{d}d_with_indices(return_indices)" for d in (2, 3)}
    # foreach picks torch's multi-tensor kernel; the numbers are the same
    # (test_clip_grad_foreach_gives_the_same_numbers_as_torch).
    foreach = {"nn.utils.clip_grad_value_(foreach)", "nn.utils.clip_grads_with_norm_(foreach)",
               "nn.utils.get_total_norm(foreach)"}
    # Every tensor here is a strided CPU tensor: device and layout always agree, whatever the flags
    # (test_assert_close_device_and_layout_flags_change_nothing_here).
    one_device = {"testing.assert_close(check_device)", "testing.assert_close(check_layout)"}
    # Without an accelerator torch's DataParallel only keeps the module (device_ids empty)
    # (tests/nn/test_nn_module.py::test_data_parallel_without_accelerators_wraps_its_module_as_torch).
    no_accelerator = {f"nn.DataParallel({p})" for p in ("device_ids", "output_device", "dim")}
    # The functions torch removed in 1.9 keep its parameters and raise whatever they are given
    # (tests/test_bad_input_regressions.py::test_functions_torch_removed_raise_its_runtime_error).
    removed = {f"torch.{name}({p})" for name in ("eig", "lstsq", "matrix_rank", "solve", "symeig")
               for p in inspect.signature(getattr(tg, name)).parameters if p != "self"}  # (torch.eig has `input`)
    return pools | foreach | one_device | no_accelerator | removed


def _module(root, dotted):
    for part in filter(None, dotted.split(".")):
        root = getattr(root, part)
    return root


def _names_read(fn) -> set | None:
    """Every name the body of `fn` reads (default values excluded), or None without source."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    definition = ast.parse(source).body[0]
    if not isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return {node.id for stmt in definition.body for node in ast.walk(stmt) if isinstance(node, ast.Name)}


def _callables(ours, theirs):
    for name in getattr(ours, "__all__", [n for n in dir(ours) if not n.startswith("_")]):
        o, t = getattr(ours, name, None), getattr(theirs, name, None)
        if o is None or t is None or isinstance(o, types.ModuleType):
            continue
        if isinstance(o, type):
            if "__init__" in vars(o):
                yield name, vars(o)["__init__"], t.__init__
        elif callable(o):
            yield name, o, t


def _unread_parameters(where: str, torch) -> tuple[list, int]:
    unread, checked = [], 0
    for name, ours, theirs in _callables(_module(tg, where), _module(torch, where)):
        try:
            ours_params = inspect.signature(ours).parameters
            theirs_params = inspect.signature(theirs).parameters
        except (TypeError, ValueError):
            continue
        read = _names_read(inspect.unwrap(ours))
        if read is None:
            continue
        for p, param in ours_params.items():
            if p in ("self", "cls") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or p not in theirs_params:
                continue
            checked += 1
            if p not in read:
                unread.append(f"{where + '.' if where else 'torch.'}{name}({p})")
    return unread, checked


def test_every_parameter_torch_has_is_read():
    torch = require_torch()
    unread, checked = [], 0
    for where in AUDITED:
        found, n = _unread_parameters(where, torch)
        unread += found
        checked += n
    assert checked > 1000, f"the walk found only {checked} parameters: is it still looking at the API?"
    assert sorted(set(unread) - _unread_on_purpose()) == []
    assert sorted(_unread_on_purpose() - set(unread)) == [], "now read: take it off the list"


def test_max_pool_with_indices_ignores_return_indices_like_torch():
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((1, 1, 4, 4))
    for m in (tg, torch):
        out, indices = m.nn.functional.max_pool2d_with_indices(m.tensor(x), 2, return_indices=False)
        assert tuple(indices.shape) == (1, 1, 2, 2)
        out, indices = m.nn.functional.fractional_max_pool2d_with_indices(m.tensor(x), 2, output_size=2,
                                                                          return_indices=False)
        assert tuple(indices.shape) == (1, 1, 2, 2)


def test_clip_grad_foreach_gives_the_same_numbers_as_torch():
    torch = require_torch()
    g = np.random.default_rng(0).standard_normal(5)
    results = []
    for m in (tg, torch):
        p = m.nn.Parameter(m.zeros(5, dtype=m.float64))
        p.grad = m.tensor(g)
        m.nn.utils.clip_grad_value_([p], 0.5, foreach=True)
        total = m.nn.utils.get_total_norm([p.grad], foreach=True)
        m.nn.utils.clip_grads_with_norm_([p], 0.3, total, foreach=True)
        results.append((p.grad, total))
    assert_arrays_close(results[0][0], results[1][0])
    assert_arrays_close(results[0][1], results[1][1])


@pytest.mark.parametrize("flags", [dict(check_device=False), dict(check_layout=False), {}])
def test_assert_close_device_and_layout_flags_change_nothing_here(flags):
    torch = require_torch()
    for m in (tg, torch):
        m.testing.assert_close(m.ones(2), m.ones(2), **flags)
        with pytest.raises(AssertionError, match="Tensor-likes are not close"):
            m.testing.assert_close(m.ones(2), m.zeros(2), **flags)
